//! Values (ECMA-262 6.1, "ECMAScript Language Types") and property keys.
//!
//! A [`Value`] is 16 bytes: a tag and a payload. Objects are handles into the
//! run's heap ([`ObjId`]); strings are reference-counted ([`JsStr`]); symbols
//! are handles into the realm's symbol table.

use crate::string::JsStr;
use std::fmt;

/// A handle to an object in the heap.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjId(pub u32);

impl fmt::Debug for ObjId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A handle to a symbol (ECMA-262 6.1.5).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct Sym(pub u32);

/// An interned string used as a property name.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct Atom(pub u32);

// A 32-bit tag puts every small payload (bool, symbol, object handle) at
// offset 4 and the wide ones at 8: copying a value is then one 4-byte and
// one 8-byte move. With an 8-bit tag the bool sat at offset 1, and the
// compiler's merged copy of bytes 1..8 stalled on store forwarding in the
// interpreter's every push (measured: a quarter of the loop's time).
#[derive(Clone, Default)]
#[repr(u32)]
pub enum Value {
    #[default]
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    String(JsStr),
    Symbol(Sym),
    Object(ObjId),
    /// Never visible to a program: an array hole, or a `let` binding
    /// before its declaration runs (the temporal dead zone).
    Empty,
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Undefined => write!(f, "undefined"),
            Value::Null => write!(f, "null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::Symbol(s) => write!(f, "Symbol({})", s.0),
            Value::Object(o) => write!(f, "{o:?}"),
            Value::Empty => write!(f, "<empty>"),
        }
    }
}

impl Value {
    pub fn str(text: &str) -> Value {
        Value::String(JsStr::from_str(text))
    }

    pub fn is_undefined(&self) -> bool {
        matches!(self, Value::Undefined)
    }

    pub fn is_nullish(&self) -> bool {
        matches!(self, Value::Undefined | Value::Null)
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    pub fn as_object(&self) -> Option<ObjId> {
        match self {
            Value::Object(id) => Some(*id),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_string(&self) -> Option<&JsStr> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// ToBoolean (ECMA-262 7.1.2).
    pub fn truthy(&self) -> bool {
        match self {
            Value::Undefined | Value::Null | Value::Empty => false,
            Value::Bool(b) => *b,
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::String(s) => !s.is_empty(),
            Value::Symbol(_) | Value::Object(_) => true,
        }
    }

    /// IsStrictlyEqual (ECMA-262 7.2.15).
    pub fn strict_equals(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Symbol(a), Value::Symbol(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => a == b,
            _ => false,
        }
    }

    /// SameValueZero (ECMA-262 7.2.11): `includes`, Map and Set keys.
    pub fn same_value_zero(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) => a == b || (a.is_nan() && b.is_nan()),
            _ => self.strict_equals(other),
        }
    }

    /// SameValue (ECMA-262 7.2.10): `Object.is`.
    pub fn same_value(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) => {
                if a.is_nan() && b.is_nan() {
                    true
                } else {
                    a == b && a.is_sign_negative() == b.is_sign_negative()
                }
            }
            _ => self.strict_equals(other),
        }
    }
}

/// A property key (ECMA-262 6.1.7): a string or a symbol. Strings that are
/// canonical array indices (`"0"` … `"4294967294"`) are kept as numbers so
/// array elements need no interning.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Key {
    Index(u32),
    Atom(Atom),
    Symbol(Sym),
}

impl Key {
    pub fn is_symbol(&self) -> bool {
        matches!(self, Key::Symbol(_))
    }
}

/// The index a string names, when it is a canonical array index
/// (ECMA-262 6.1.7: an integer index below 2^32 - 1 whose ToString is itself).
pub fn array_index_of(text: &JsStr) -> Option<u32> {
    let len = text.len();
    if len == 0 || len > 10 {
        return None;
    }
    let first = text.at(0);
    if first == u16::from(b'0') {
        return (len == 1).then_some(0);
    }
    let mut value: u64 = 0;
    for index in 0..len {
        let unit = text.at(index);
        if !(u16::from(b'0')..=u16::from(b'9')).contains(&unit) {
            return None;
        }
        value = value * 10 + u64::from(unit - u16::from(b'0'));
    }
    (value < u64::from(u32::MAX)).then_some(value as u32)
}

/// The index a number names, when it is an array index.
pub fn array_index_of_number(n: f64) -> Option<u32> {
    (n >= 0.0 && n < 4_294_967_295.0 && n.fract() == 0.0).then_some(n as u32)
}
