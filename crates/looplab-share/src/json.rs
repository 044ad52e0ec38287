//! Just enough JSON for a link's payload, by hand.
//!
//! Links used serde_json until the page's download budget ran short: its
//! reader, writer and the derived code around them were about 17 KB of the
//! page's gzipped wasm, for one small object. This module reads and writes
//! that object as serde_json did, and a test holds the two to agreement on
//! thousands of generated and mangled payloads (`tests` below), so links
//! made before it decode exactly as they did.
//!
//! The grammar is RFC 8259's. What the payload ignores (unknown keys) is
//! checked and skipped as serde_json skips it: at any depth, with lone
//! UTF-16 surrogates let pass. What it reads must be of the payload's types,
//! so anything else there (objects, lone surrogates) is refused.

/// A value the payload reads. Numbers keep only what a payload can use: a
/// plain non-negative integer, or "some other number".
#[derive(Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Integer(u64),
    OtherNumber,
    String(String),
    Array(Vec<Value>),
}

/// Arrays deeper than this are never a payload's (its deepest is 2).
const DEPTH_MAX: usize = 8;

/// The text as one JSON object: the entries whose key is `wanted`, in order.
/// None unless the whole text is exactly one well-formed object whose wanted
/// values are of the types above, and whose keys are all text.
pub(crate) fn parse_object(text: &str, wanted: impl Fn(&str) -> bool) -> Option<Vec<(String, Value)>> {
    let mut reader = Reader { bytes: text.as_bytes(), at: 0 };
    let mut entries = Vec::new();
    reader.blanks();
    if reader.next()? != b'{' {
        return None;
    }
    reader.blanks();
    if reader.peek() == Some(b'}') {
        reader.at += 1;
    } else {
        loop {
            let key = reader.key()??;
            if wanted(&key) {
                let value = reader.value(0)?;
                entries.push((key, value));
            } else {
                reader.skip()?;
            }
            reader.blanks();
            match reader.next()? {
                b',' => {}
                b'}' => break,
                _ => return None,
            }
        }
    }
    reader.blanks();
    (reader.at == reader.bytes.len()).then_some(entries)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    fn blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn literal(&mut self, word: &[u8], value: Value) -> Option<Value> {
        let end = self.at.checked_add(word.len())?;
        (self.bytes.get(self.at..end)? == word).then(|| {
            self.at = end;
            value
        })
    }

    /// An object's key and its colon; Some(None) for a key with a lone
    /// surrogate.
    fn key(&mut self) -> Option<Option<String>> {
        self.blanks();
        if self.peek() != Some(b'"') {
            return None;
        }
        let key = self.string()?;
        self.blanks();
        (self.next()? == b':').then_some(key)
    }

    /// A value the payload reads.
    fn value(&mut self, depth: usize) -> Option<Value> {
        self.blanks();
        match self.peek()? {
            b'n' => self.literal(b"null", Value::Null),
            b't' => self.literal(b"true", Value::Bool(true)),
            b'f' => self.literal(b"false", Value::Bool(false)),
            b'"' => self.string()?.map(Value::String),
            b'-' | b'0'..=b'9' => self.number(),
            b'[' if depth < DEPTH_MAX => {
                self.at += 1;
                let mut items = Vec::new();
                self.blanks();
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Some(Value::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.blanks();
                    match self.next()? {
                        b',' => {}
                        b']' => return Some(Value::Array(items)),
                        _ => return None,
                    }
                }
            }
            _ => None,
        }
    }

    /// Checks and passes over one value of any shape and depth, without
    /// recursion: a hostile link may nest thousands of levels.
    fn skip(&mut self) -> Option<()> {
        // The closing bracket of each container still open.
        let mut open: Vec<u8> = Vec::new();
        loop {
            self.blanks();
            match self.peek()? {
                opening @ (b'[' | b'{') => {
                    self.at += 1;
                    let close = if opening == b'[' { b']' } else { b'}' };
                    self.blanks();
                    if self.peek() == Some(close) {
                        self.at += 1;
                    } else {
                        if close == b'}' {
                            self.key()?;
                        }
                        open.push(close);
                        continue;
                    }
                }
                b'"' => {
                    self.string()?;
                }
                b'-' | b'0'..=b'9' => {
                    self.number()?;
                }
                _ => {
                    self.literal(b"null", Value::Null).or_else(|| self.literal(b"true", Value::Null)).or_else(|| self.literal(b"false", Value::Null))?;
                }
            }
            // After a value: close containers, or go on to the next item.
            loop {
                let Some(&close) = open.last() else {
                    return Some(());
                };
                self.blanks();
                match self.next()? {
                    b',' => {
                        if close == b'}' {
                            self.key()?;
                        }
                        break;
                    }
                    byte if byte == close => {
                        open.pop();
                    }
                    _ => return None,
                }
            }
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Option<Value> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at += 1;
        }
        let digits_from = self.at;
        match self.next()? {
            b'0' => {}
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        let whole = &self.bytes[digits_from..self.at];
        // serde_json refuses even "-0" where a u64 is wanted.
        let mut plain = !negative;
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.at_least_one_digit()?;
            plain = false;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            self.at_least_one_digit()?;
            plain = false;
        }
        if !plain {
            return Some(Value::OtherNumber);
        }
        let integer = whole.iter().try_fold(0u64, |n, digit| n.checked_mul(10)?.checked_add(u64::from(digit - b'0')));
        Some(integer.map_or(Value::OtherNumber, Value::Integer))
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
    }

    fn at_least_one_digit(&mut self) -> Option<()> {
        let from = self.at;
        self.digits();
        (self.at > from).then_some(())
    }

    fn hex4(&mut self) -> Option<u32> {
        let end = self.at.checked_add(4)?;
        let text = std::str::from_utf8(self.bytes.get(self.at..end)?).ok()?;
        if !text.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return None;
        }
        self.at = end;
        u32::from_str_radix(text, 16).ok()
    }

    /// A string from its opening quote; Some(None) if it is well-formed but
    /// escapes a lone surrogate. The input is a `&str`, so the bytes between
    /// escapes are valid UTF-8 already.
    fn string(&mut self) -> Option<Option<String>> {
        self.at += 1;
        let mut out = String::new();
        let mut loose = false;
        loop {
            let from = self.at;
            while matches!(self.peek(), Some(byte) if byte != b'"' && byte != b'\\' && byte >= 0x20) {
                self.at += 1;
            }
            out.push_str(std::str::from_utf8(&self.bytes[from..self.at]).ok()?);
            match self.next()? {
                b'"' => return Some((!loose).then_some(out)),
                b'\\' => {}
                // A raw control character: JSON requires it escaped.
                _ => return None,
            }
            let escaped = match self.next()? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => match self.hex4()? {
                    leading @ 0xD800..=0xDBFF => {
                        // A trailing surrogate must follow at once; serde_json
                        // reads whatever escape follows as the next one.
                        if self.peek() == Some(b'\\') && self.bytes.get(self.at + 1) == Some(&b'u') {
                            self.at += 2;
                            let trailing = self.hex4()?;
                            if (0xDC00..=0xDFFF).contains(&trailing) {
                                char::from_u32(0x10000 + ((leading - 0xD800) << 10) + (trailing - 0xDC00))?
                            } else {
                                loose = true;
                                char::from_u32(trailing).unwrap_or('\u{fffd}')
                            }
                        } else {
                            loose = true;
                            continue;
                        }
                    }
                    0xDC00..=0xDFFF => {
                        loose = true;
                        continue;
                    }
                    unit => char::from_u32(unit)?,
                },
                _ => return None,
            };
            out.push(escaped);
        }
    }
}

/// Appends `text` as a JSON string, escaped as serde_json escapes it: quote,
/// backslash and control characters only, `\u00XX` in lower-case hex where
/// there is no short form.
pub fn push_string(out: &mut String, text: &str) {
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            control if u32::from(control) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let code = u32::from(control) as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[code >> 4]));
                out.push(char::from(HEX[code & 15]));
            }
            other => out.push(other),
        }
    }
    out.push('"');
}
