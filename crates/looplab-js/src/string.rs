//! JavaScript strings: immutable sequences of UTF-16 code units
//! (ECMA-262 6.1.4, "The String Type").
//!
//! Most strings a Node program handles are ASCII (paths, JSON keys, log
//! lines), so a string is kept as ASCII text when every unit is below 0x80 —
//! indexing stays O(1) and handing it to Rust costs nothing — and as UTF-16
//! units otherwise. Both forms are behind one `Rc`, so a `Value` holding a
//! string is a thin pointer and copying it is a reference-count increment.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

#[derive(Clone)]
pub struct JsStr(Rc<Repr>);

enum Repr {
    /// Every byte is below 0x80: byte `i` is code unit `i`.
    Ascii(Box<str>),
    /// Anything else, lone surrogates included.
    Wide(Box<[u16]>),
}

thread_local! {
    static EMPTY: JsStr = JsStr(Rc::new(Repr::Ascii("".into())));
}

impl JsStr {
    pub fn empty() -> JsStr {
        EMPTY.with(Clone::clone)
    }

    pub fn from_str(text: &str) -> JsStr {
        if text.is_ascii() {
            JsStr(Rc::new(Repr::Ascii(text.into())))
        } else {
            JsStr(Rc::new(Repr::Wide(text.encode_utf16().collect())))
        }
    }

    pub fn from_string(text: String) -> JsStr {
        if text.is_ascii() {
            JsStr(Rc::new(Repr::Ascii(text.into_boxed_str())))
        } else {
            JsStr(Rc::new(Repr::Wide(text.encode_utf16().collect())))
        }
    }

    pub fn from_units(units: Vec<u16>) -> JsStr {
        if units.iter().all(|unit| *unit < 0x80) {
            let text: String = units.iter().map(|unit| *unit as u8 as char).collect();
            JsStr(Rc::new(Repr::Ascii(text.into_boxed_str())))
        } else {
            JsStr(Rc::new(Repr::Wide(units.into_boxed_slice())))
        }
    }

    pub fn from_unit(unit: u16) -> JsStr {
        JsStr::from_units(vec![unit])
    }

    /// The number of UTF-16 code units (`length`).
    pub fn len(&self) -> usize {
        match &*self.0 {
            Repr::Ascii(text) => text.len(),
            Repr::Wide(units) => units.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The code unit at `index` (callers check the bound).
    pub fn at(&self, index: usize) -> u16 {
        match &*self.0 {
            Repr::Ascii(text) => u16::from(text.as_bytes()[index]),
            Repr::Wide(units) => units[index],
        }
    }

    pub fn get(&self, index: usize) -> Option<u16> {
        (index < self.len()).then(|| self.at(index))
    }

    /// The text, when it is ASCII.
    pub fn as_ascii(&self) -> Option<&str> {
        match &*self.0 {
            Repr::Ascii(text) => Some(text),
            Repr::Wide(_) => None,
        }
    }

    pub fn is_ascii(&self) -> bool {
        matches!(&*self.0, Repr::Ascii(_))
    }

    /// The string as Rust text; a lone surrogate becomes U+FFFD.
    pub fn to_rust(&self) -> String {
        match &*self.0 {
            Repr::Ascii(text) => text.to_string(),
            Repr::Wide(units) => String::from_utf16_lossy(units),
        }
    }

    pub fn units(&self) -> Vec<u16> {
        match &*self.0 {
            Repr::Ascii(text) => text.bytes().map(u16::from).collect(),
            Repr::Wide(units) => units.to_vec(),
        }
    }

    /// Calls `f` with the code units, without copying wide strings.
    pub fn with_units<R>(&self, f: impl FnOnce(&[u16]) -> R) -> R {
        match &*self.0 {
            Repr::Ascii(text) => {
                let units: Vec<u16> = text.bytes().map(u16::from).collect();
                f(&units)
            }
            Repr::Wide(units) => f(units),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        (0..self.len()).map(move |index| self.at(index))
    }

    pub fn concat(&self, other: &JsStr) -> JsStr {
        if other.is_empty() {
            return self.clone();
        }
        if self.is_empty() {
            return other.clone();
        }
        match (&*self.0, &*other.0) {
            (Repr::Ascii(a), Repr::Ascii(b)) => {
                let mut text = String::with_capacity(a.len() + b.len());
                text.push_str(a);
                text.push_str(b);
                JsStr(Rc::new(Repr::Ascii(text.into_boxed_str())))
            }
            _ => {
                let mut units = self.units();
                units.extend(other.iter());
                JsStr(Rc::new(Repr::Wide(units.into_boxed_slice())))
            }
        }
    }

    /// Code units `start..end` (callers clamp).
    pub fn slice(&self, start: usize, end: usize) -> JsStr {
        let end = end.min(self.len());
        let start = start.min(end);
        if start == 0 && end == self.len() {
            return self.clone();
        }
        match &*self.0 {
            Repr::Ascii(text) => JsStr(Rc::new(Repr::Ascii(text[start..end].into()))),
            Repr::Wide(units) => JsStr::from_units(units[start..end].to_vec()),
        }
    }

    /// The first index at or after `from` where `needle` occurs.
    pub fn find(&self, needle: &JsStr, from: usize) -> Option<usize> {
        let (n, m) = (self.len(), needle.len());
        if m == 0 {
            return (from <= n).then_some(from);
        }
        if let (Some(hay), Some(pin)) = (self.as_ascii(), needle.as_ascii()) {
            return hay.get(from..).and_then(|rest| rest.find(pin)).map(|index| index + from);
        }
        (from..=n.checked_sub(m)?).find(|&start| (0..m).all(|offset| self.at(start + offset) == needle.at(offset)))
    }

    /// The last index at or before `from` where `needle` occurs.
    pub fn rfind(&self, needle: &JsStr, from: usize) -> Option<usize> {
        let (n, m) = (self.len(), needle.len());
        let last = n.checked_sub(m)?.min(from);
        (0..=last).rev().find(|&start| (0..m).all(|offset| self.at(start + offset) == needle.at(offset)))
    }

    pub fn starts_with_at(&self, needle: &JsStr, at: usize) -> bool {
        at + needle.len() <= self.len() && (0..needle.len()).all(|offset| self.at(at + offset) == needle.at(offset))
    }

    /// The code point at `index` (surrogate pairs joined), and its length in units.
    pub fn code_point_at(&self, index: usize) -> (u32, usize) {
        let first = self.at(index);
        if (0xD800..0xDC00).contains(&first) {
            if let Some(second) = self.get(index + 1) {
                if (0xDC00..0xE000).contains(&second) {
                    return (0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(second) - 0xDC00), 2);
                }
            }
        }
        (u32::from(first), 1)
    }

    pub fn ptr_eq(&self, other: &JsStr) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// Bytes this string holds, for memory accounting.
    pub fn heap_bytes(&self) -> usize {
        match &*self.0 {
            Repr::Ascii(text) => text.len() + 24,
            Repr::Wide(units) => units.len() * 2 + 24,
        }
    }
}

impl PartialEq for JsStr {
    fn eq(&self, other: &JsStr) -> bool {
        if Rc::ptr_eq(&self.0, &other.0) {
            return true;
        }
        match (&*self.0, &*other.0) {
            (Repr::Ascii(a), Repr::Ascii(b)) => a == b,
            // A wide string always holds a unit of 0x80 or more, so it never
            // equals an ASCII one.
            (Repr::Wide(a), Repr::Wide(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for JsStr {}

impl Hash for JsStr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match &*self.0 {
            Repr::Ascii(text) => {
                state.write_u8(0);
                state.write(text.as_bytes());
            }
            Repr::Wide(units) => {
                state.write_u8(1);
                for unit in units.iter() {
                    state.write_u16(*unit);
                }
            }
        }
    }
}

impl PartialOrd for JsStr {
    fn partial_cmp(&self, other: &JsStr) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Strings compare by code units (ECMA-262 IsLessThan on strings).
impl Ord for JsStr {
    fn cmp(&self, other: &JsStr) -> Ordering {
        if let (Some(a), Some(b)) = (self.as_ascii(), other.as_ascii()) {
            return a.cmp(b);
        }
        self.iter().cmp(other.iter())
    }
}

impl fmt::Debug for JsStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_rust())
    }
}

impl fmt::Display for JsStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            Repr::Ascii(text) => f.write_str(text),
            Repr::Wide(units) => f.write_str(&String::from_utf16_lossy(units)),
        }
    }
}

impl From<&str> for JsStr {
    fn from(text: &str) -> JsStr {
        JsStr::from_str(text)
    }
}

impl From<String> for JsStr {
    fn from(text: String) -> JsStr {
        JsStr::from_string(text)
    }
}

/// Whether a code unit is ECMAScript WhiteSpace or LineTerminator
/// (ECMA-262 12.2, 12.3): what `trim` and StringToNumber strip.
pub fn is_js_whitespace(unit: u16) -> bool {
    matches!(unit, 0x09 | 0x0A | 0x0B | 0x0C | 0x0D | 0x20 | 0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000 | 0xFEFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_wide_agree() {
        let a = JsStr::from_str("héllo");
        assert_eq!(a.len(), 5);
        assert_eq!(a.at(1), 0xE9);
        let b = JsStr::from_str("hé").concat(&JsStr::from_str("llo"));
        assert_eq!(a, b);
        assert_eq!(JsStr::from_units(vec![104, 105]).as_ascii(), Some("hi"));
        assert_eq!(JsStr::from_str("abcabc").find(&JsStr::from_str("ca"), 0), Some(2));
        assert_eq!(JsStr::from_str("abcabc").rfind(&JsStr::from_str("bc"), 10), Some(4));
        assert!(JsStr::from_str("a") < JsStr::from_str("b"));
        let pair = JsStr::from_str("😀");
        assert_eq!(pair.len(), 2);
        assert_eq!(pair.code_point_at(0), (0x1F600, 2));
    }
}
