//! `JSON` (ECMA-262 25.5): `JSON.parse` with V8's (Node 20's) error
//! messages and positions, and `JSON.stringify`. Neither recurses in Rust:
//! the parser, the reviver walk and the serializer keep explicit stacks, so
//! a deeply nested document cannot overflow the native stack (the wasm
//! build has little of it).

use super::arg;
use crate::atoms;
use crate::object::Kind;
use crate::shape::{CONFIGURABLE, DEFAULT_ATTRS, ENUMERABLE, WRITABLE};
use crate::string::JsStr;
use crate::value::{Key, ObjId, Value};
use crate::vm::symbols;
use crate::{Embedder, ErrorType, JsResult, Unwind, Vm};
use std::collections::HashSet;

/// How deeply a reviver walk or `JSON.stringify` may nest before throwing
/// what V8 throws when its stack runs out (V8 manages a few thousand levels;
/// a `toJSON` that returns a fresh wrapper of itself never ends).
const NESTING_MAX: usize = crate::exec::CALL_DEPTH_MAX;

pub(super) fn install(vm: &mut Vm) {
    let json = vm.new_object();
    vm.define_method(json, "parse", 2, parse);
    vm.define_method(json, "stringify", 3, stringify);
    vm.heap.put(json, Key::Symbol(symbols::TO_STRING_TAG), Value::str("JSON"), CONFIGURABLE);
    let global = vm.intrinsics.global;
    vm.define_value(global, "JSON", Value::Object(json));
}

/// Throws an error whose message is UTF-16 (it may quote a lone surrogate
/// of the program's text, as V8's does).
fn throw_units<T>(vm: &mut Vm, kind: ErrorType, message: &[u16]) -> JsResult<T> {
    let error = vm.make_error(kind, "");
    if let Value::Object(id) = &error {
        let text = Value::String(JsStr::from_units(message.to_vec()));
        vm.heap.put(*id, Key::Atom(atoms::MESSAGE), text, WRITABLE | CONFIGURABLE);
    }
    Err(Unwind::Throw(error))
}

fn push_str(out: &mut Vec<u16>, text: &str) {
    out.extend(text.encode_utf16());
}

/// ToLength (ECMA-262 7.1.20) of a number.
fn to_length(n: f64) -> f64 {
    if n.is_nan() || n <= 0.0 {
        0.0
    } else {
        n.floor().min(9_007_199_254_740_991.0)
    }
}

/// LengthOfArrayLike (ECMA-262 7.3.18), clamped to what an index can be.
fn length_of(vm: &mut Vm, host: &mut dyn Embedder, object: ObjId) -> JsResult<u32> {
    let length = vm.get(host, &Value::Object(object), Key::Atom(atoms::LENGTH))?;
    let length = to_length(vm.to_number(host, &length)?);
    Ok(length.min(f64::from(u32::MAX)) as u32)
}

/// EnumerableOwnProperties(O, key) (ECMA-262 7.3.23) for ordinary objects:
/// string keys in spec order whose property is enumerable now.
fn enumerable_own_keys(vm: &Vm, id: ObjId) -> Vec<Key> {
    super::object::own_keys_all(vm, id)
        .into_iter()
        .filter(|key| !key.is_symbol() && vm.own_property(id, *key).is_some_and(|found| found.attrs & ENUMERABLE != 0))
        .collect()
}

// ---------------------------------------------------------------------------
// JSON.parse

/// A parse failure, as V8's JsonParser reports it.
enum ParseError {
    /// V8's message for whatever is at this position: the end of input, a
    /// number, a string, or any other character (quoted with context).
    Unexpected(usize),
    /// A fixed message followed by " at position N".
    At(&'static str, usize),
}

const EXPECTED_NAME_OR_BRACE: &str = "Expected property name or '}' in JSON";
const EXPECTED_DOUBLE_QUOTED: &str = "Expected double-quoted property name in JSON";
const EXPECTED_COLON: &str = "Expected ':' after property name in JSON";
const EXPECTED_COMMA_OR_BRACE: &str = "Expected ',' or '}' after property value in JSON";
const EXPECTED_COMMA_OR_BRACKET: &str = "Expected ',' or ']' after array element in JSON";
const TRAILING: &str = "Unexpected non-whitespace character after JSON";

/// V8's JsonParser::LookUpErrorMessageForJsonToken / GetErrorMessageWithEllipses:
/// the offending character with up to 10 characters of context either side
/// when the text is 21 units or longer, or the whole text otherwise.
fn unexpected_message(src: &[u16], pos: usize) -> Vec<u16> {
    const CONTEXT: usize = 10;
    let mut out = Vec::new();
    let Some(&unit) = src.get(pos) else {
        push_str(&mut out, "Unexpected end of JSON input");
        return out;
    };
    if unit == u16::from(b'"') {
        push_str(&mut out, &format!("Unexpected string in JSON at position {pos}"));
        return out;
    }
    if unit == u16::from(b'-') || (u16::from(b'0')..=u16::from(b'9')).contains(&unit) {
        push_str(&mut out, &format!("Unexpected number in JSON at position {pos}"));
        return out;
    }
    // V8's IsSpecialString: what ToString makes of common non-JSON values.
    let special = ["[object Object]", "undefined", "Infinity", "NaN"];
    if special.iter().any(|text| text.encode_utf16().eq(src.iter().copied())) {
        out.push(u16::from(b'"'));
        out.extend_from_slice(src);
        push_str(&mut out, "\" is not valid JSON");
        return out;
    }
    push_str(&mut out, "Unexpected token '");
    out.push(unit);
    push_str(&mut out, "', ");
    let len = src.len();
    if len < 2 * CONTEXT + 1 {
        out.push(u16::from(b'"'));
        out.extend_from_slice(src);
        out.push(u16::from(b'"'));
    } else if pos < CONTEXT {
        out.push(u16::from(b'"'));
        out.extend_from_slice(&src[..pos + CONTEXT]);
        push_str(&mut out, "\"...");
    } else if pos < len - CONTEXT {
        push_str(&mut out, "...\"");
        out.extend_from_slice(&src[pos - CONTEXT..pos + CONTEXT]);
        push_str(&mut out, "\"...");
    } else {
        push_str(&mut out, "...\"");
        out.extend_from_slice(&src[pos - CONTEXT..]);
        out.push(u16::from(b'"'));
    }
    push_str(&mut out, " is not valid JSON");
    out
}

fn parse_error_message(src: &[u16], error: &ParseError) -> Vec<u16> {
    match error {
        ParseError::Unexpected(pos) => unexpected_message(src, *pos),
        ParseError::At(text, pos) => format!("{text} at position {pos}").encode_utf16().collect(),
    }
}

fn is_digit(unit: u16) -> bool {
    (u16::from(b'0')..=u16::from(b'9')).contains(&unit)
}

fn hex_value(unit: u16) -> Option<u16> {
    char::from_u32(u32::from(unit)).and_then(|c| c.to_digit(16)).map(|d| d as u16)
}

/// A scanner over the text's UTF-16 units, following V8's JsonParser so
/// that every error lands on the same position with the same message.
struct Parser<'a> {
    src: &'a [u16],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u16> {
        self.src.get(self.pos).copied()
    }

    /// JSON whitespace is tab, line feed, carriage return and space only
    /// (ECMA-262 25.5.1, RFC 8259).
    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(0x09 | 0x0A | 0x0D | 0x20)) {
            self.pos += 1;
        }
    }

    /// V8's Check: skips whitespace, then consumes `unit` if it is next.
    fn check(&mut self, unit: u8) -> bool {
        self.skip_whitespace();
        if self.peek() == Some(u16::from(unit)) {
            self.pos += 1;
            return true;
        }
        false
    }

    /// V8's ExpectNext: skips whitespace, then requires `unit`.
    fn expect_next(&mut self, unit: u8, message: Option<&'static str>) -> Result<(), ParseError> {
        self.skip_whitespace();
        self.expect(unit, message)
    }

    fn expect(&mut self, unit: u8, message: Option<&'static str>) -> Result<(), ParseError> {
        if self.peek() == Some(u16::from(unit)) {
            self.pos += 1;
            return Ok(());
        }
        Err(match message {
            Some(text) => ParseError::At(text, self.pos),
            None => ParseError::Unexpected(self.pos),
        })
    }

    /// `true`, `false`, `null`: the first letter matched already.
    fn literal(&mut self, word: &str) -> Result<(), ParseError> {
        for (offset, expected) in word.bytes().enumerate().skip(1) {
            let at = self.pos + offset;
            if self.src.get(at) != Some(&u16::from(expected)) {
                return Err(ParseError::Unexpected(at));
            }
        }
        self.pos += word.len();
        Ok(())
    }

    /// A string's contents, the opening quote consumed (ECMA-262 25.5.1
    /// JSONString; V8's ScanJsonString for the errors).
    fn string(&mut self) -> Result<JsStr, ParseError> {
        let mut decoded: Option<Vec<u16>> = None;
        let mut run_start = self.pos;
        loop {
            let Some(unit) = self.peek() else { return Err(ParseError::At("Unterminated string in JSON", self.pos)) };
            match unit {
                0x22 => {
                    let run = &self.src[run_start..self.pos];
                    self.pos += 1;
                    return Ok(match decoded {
                        None => JsStr::from_units(run.to_vec()),
                        Some(mut units) => {
                            units.extend_from_slice(run);
                            JsStr::from_units(units)
                        }
                    });
                }
                0x5C => {
                    let units = decoded.get_or_insert_with(Vec::new);
                    units.extend_from_slice(&self.src[run_start..self.pos]);
                    self.pos += 1;
                    let Some(escape) = self.peek() else { return Err(ParseError::Unexpected(self.pos)) };
                    let value = match escape {
                        0x22 | 0x5C | 0x2F => escape,
                        0x62 => 0x08,
                        0x66 => 0x0C,
                        0x6E => 0x0A,
                        0x72 => 0x0D,
                        0x74 => 0x09,
                        0x75 => {
                            let mut value: u16 = 0;
                            for _ in 0..4 {
                                self.pos += 1;
                                match self.peek().and_then(hex_value) {
                                    Some(digit) => value = value * 16 + digit,
                                    None => return Err(ParseError::At("Bad Unicode escape in JSON", self.pos)),
                                }
                            }
                            value
                        }
                        // V8 names Latin-1 characters "bad escapes" and
                        // reports anything wider as an unexpected token.
                        0..=0xFF => return Err(ParseError::At("Bad escaped character in JSON", self.pos)),
                        _ => return Err(ParseError::Unexpected(self.pos)),
                    };
                    units.push(value);
                    self.pos += 1;
                    run_start = self.pos;
                }
                0..=0x1F => return Err(ParseError::At("Bad control character in string literal in JSON", self.pos)),
                _ => self.pos += 1,
            }
        }
    }

    /// JSONNumber (ECMA-262 25.5.1; V8's ParseJsonNumber for the errors).
    fn number(&mut self) -> Result<f64, ParseError> {
        let start = self.pos;
        if self.peek() == Some(u16::from(b'-')) {
            self.pos += 1;
        }
        match self.peek() {
            Some(0x30) => {
                self.pos += 1;
                // A leading zero must stand alone before '.', 'e' or the end.
                if self.peek().is_some_and(is_digit) {
                    return Err(ParseError::Unexpected(self.pos));
                }
            }
            Some(unit) if is_digit(unit) => self.skip_digits(),
            _ => return Err(ParseError::At("No number after minus sign in JSON", self.pos)),
        }
        if self.peek() == Some(u16::from(b'.')) {
            self.pos += 1;
            if !self.peek().is_some_and(is_digit) {
                return Err(ParseError::At("Unterminated fractional number in JSON", self.pos));
            }
            self.skip_digits();
        }
        if matches!(self.peek(), Some(0x45 | 0x65)) {
            self.pos += 1;
            if matches!(self.peek(), Some(0x2B | 0x2D)) {
                self.pos += 1;
            }
            if !self.peek().is_some_and(is_digit) {
                return Err(ParseError::At("Exponent part is missing a number in JSON", self.pos));
            }
            self.skip_digits();
        }
        // Only ASCII digits, signs, '.', 'e' and 'E' were accepted above.
        let text: String = self.src[start..self.pos].iter().map(|unit| char::from(*unit as u8)).collect();
        Ok(text.parse::<f64>().unwrap_or(f64::NAN))
    }

    fn skip_digits(&mut self) {
        while self.peek().is_some_and(is_digit) {
            self.pos += 1;
        }
    }
}

/// A container being parsed: an array's elements so far, or an object and
/// the key whose value comes next.
enum Open {
    Array(Vec<Value>),
    Object(ObjId, Key),
}

/// Parses a whole JSON text (ECMA-262 25.5.1 steps 2-8) into fresh objects
/// and arrays, with an explicit stack as V8's JsonParser::ParseJsonValue.
fn parse_text(vm: &mut Vm, src: &[u16]) -> Result<Value, ParseError> {
    let mut p = Parser { src, pos: 0 };
    let mut stack: Vec<Open> = Vec::new();
    loop {
        // Produce a value, opening containers until one is complete.
        let mut value = loop {
            p.skip_whitespace();
            let Some(unit) = p.peek() else { return Err(ParseError::Unexpected(p.pos)) };
            match unit {
                0x22 => {
                    p.pos += 1;
                    break Value::String(p.string()?);
                }
                0x2D | 0x30..=0x39 => break Value::Number(p.number()?),
                0x7B => {
                    p.pos += 1;
                    if p.check(b'}') {
                        break Value::Object(vm.new_object());
                    }
                    p.expect_next(b'"', Some(EXPECTED_NAME_OR_BRACE))?;
                    let name = p.string()?;
                    p.expect_next(b':', Some(EXPECTED_COLON))?;
                    let object = vm.new_object();
                    let key = vm.key_of_str(&name);
                    stack.push(Open::Object(object, key));
                }
                0x5B => {
                    p.pos += 1;
                    if p.check(b']') {
                        break Value::Object(vm.new_array(Vec::new()));
                    }
                    stack.push(Open::Array(Vec::new()));
                }
                0x74 => {
                    p.literal("true")?;
                    break Value::Bool(true);
                }
                0x66 => {
                    p.literal("false")?;
                    break Value::Bool(false);
                }
                0x6E => {
                    p.literal("null")?;
                    break Value::Null;
                }
                _ => return Err(ParseError::Unexpected(p.pos)),
            }
        };
        // Consume it, closing every container it completes.
        loop {
            match stack.last_mut() {
                None => {
                    p.skip_whitespace();
                    if p.pos < src.len() {
                        return Err(ParseError::At(TRAILING, p.pos));
                    }
                    return Ok(value);
                }
                Some(Open::Object(object, key)) => {
                    // CreateDataProperty: a later duplicate key wins, and
                    // "__proto__" is an ordinary own property.
                    vm.define_data(*object, *key, value, DEFAULT_ATTRS);
                    if p.check(b',') {
                        p.expect_next(b'"', Some(EXPECTED_DOUBLE_QUOTED))?;
                        let name = p.string()?;
                        // V8 gives no specific message for this colon.
                        p.expect_next(b':', None)?;
                        *key = vm.key_of_str(&name);
                        break;
                    }
                    p.expect(b'}', Some(EXPECTED_COMMA_OR_BRACE))?;
                }
                Some(Open::Array(values)) => {
                    values.push(value);
                    if p.check(b',') {
                        break;
                    }
                    p.expect(b']', Some(EXPECTED_COMMA_OR_BRACKET))?;
                }
            }
            value = match stack.pop() {
                Some(Open::Array(values)) => Value::Object(vm.new_array(values)),
                Some(Open::Object(object, _)) => Value::Object(object),
                None => Value::Undefined,
            };
        }
    }
}

/// `JSON.parse(text, reviver)` (ECMA-262 25.5.1).
fn parse(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let text = vm.to_string(host, &arg(args, 0))?;
    let units = text.units();
    let unfiltered = match parse_text(vm, &units) {
        Ok(value) => value,
        Err(error) => {
            let message = parse_error_message(&units, &error);
            return throw_units(vm, ErrorType::SyntaxError, &message);
        }
    };
    let reviver = arg(args, 1);
    if !vm.is_callable(&reviver) {
        return Ok(unfiltered);
    }
    let root = vm.new_object();
    vm.define_data(root, Key::Atom(atoms::EMPTY), unfiltered, DEFAULT_ATTRS);
    internalize(vm, host, root, &reviver)
}

/// The keys a walk visits in one object or array.
enum Members {
    /// An array's indices below the length read when the walk reached it.
    Indices(u32),
    Keys(Vec<Key>),
    /// `JSON.stringify`'s property list (the replacer array).
    PropertyList,
}

impl Members {
    fn of(vm: &mut Vm, host: &mut dyn Embedder, object: ObjId) -> JsResult<Members> {
        if matches!(vm.heap.get(object).kind, Kind::Array(_)) {
            Ok(Members::Indices(length_of(vm, host, object)?))
        } else {
            Ok(Members::Keys(enumerable_own_keys(vm, object)))
        }
    }

    fn get(&self, index: usize, list: &[Key]) -> Option<Key> {
        match self {
            Members::Indices(length) => (index < *length as usize).then_some(Key::Index(index as u32)),
            Members::Keys(keys) => keys.get(index).copied(),
            Members::PropertyList => list.get(index).copied(),
        }
    }
}

/// An object whose members the reviver walk is visiting.
struct Walk {
    holder: ObjId,
    name: Key,
    object: ObjId,
    members: Members,
    next: usize,
}

/// InternalizeJSONProperty (ECMA-262 25.5.1.1) from `root[""]`, depth
/// first and children before their parent, with an explicit stack.
fn internalize(vm: &mut Vm, host: &mut dyn Embedder, root: ObjId, reviver: &Value) -> JsResult<Value> {
    let empty = Key::Atom(atoms::EMPTY);
    let value = vm.get(host, &Value::Object(root), empty)?;
    let Value::Object(top) = value else { return call_reviver(vm, host, reviver, root, empty, value) };
    let members = Members::of(vm, host, top)?;
    let mut stack = vec![Walk { holder: root, name: empty, object: top, members, next: 0 }];
    while let Some(walk) = stack.last_mut() {
        let child = walk.members.get(walk.next, &[]);
        walk.next += 1;
        let holder = walk.object;
        if let Some(key) = child {
            let element = vm.get(host, &Value::Object(holder), key)?;
            if let Value::Object(object) = element {
                if stack.len() >= NESTING_MAX {
                    return vm.range_error("Maximum call stack size exceeded");
                }
                let members = Members::of(vm, host, object)?;
                stack.push(Walk { holder, name: key, object, members, next: 0 });
                continue;
            }
            let revived = call_reviver(vm, host, reviver, holder, key, element)?;
            replace_member(vm, holder, key, revived)?;
            continue;
        }
        let Some(done) = stack.pop() else { break };
        let revived = call_reviver(vm, host, reviver, done.holder, done.name, Value::Object(done.object))?;
        if stack.is_empty() {
            return Ok(revived);
        }
        replace_member(vm, done.holder, done.name, revived)?;
    }
    Ok(Value::Undefined)
}

fn call_reviver(vm: &mut Vm, host: &mut dyn Embedder, reviver: &Value, holder: ObjId, key: Key, value: Value) -> JsResult<Value> {
    let name = vm.key_to_value(key);
    vm.call(host, reviver, &Value::Object(holder), &[name, value])
}

/// InternalizeJSONProperty steps 2.b.ii.3-4 / 2.c.ii.2-3: `undefined`
/// deletes the member, anything else redefines it; failures are ignored.
fn replace_member(vm: &mut Vm, holder: ObjId, key: Key, value: Value) -> JsResult<()> {
    if value.is_undefined() {
        vm.delete_property(holder, key, false)?;
    } else {
        vm.define_data(holder, key, value, DEFAULT_ATTRS);
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// JSON.stringify

/// An object or array being serialized (an entry of the spec's `stack`).
struct Level {
    object: ObjId,
    /// The key it was reached by, and whether that was an array index
    /// (for the circular-structure message).
    key: Key,
    in_array: bool,
    is_array: bool,
    members: Members,
    next: usize,
    written: usize,
}

/// The JSON Serialization Record (ECMA-262 25.5.2.6) and the output.
struct Serializer {
    replacer: Option<Value>,
    property_list: Option<Vec<Key>>,
    gap: Vec<u16>,
    indent: Vec<u16>,
    out: Vec<u16>,
    stack: Vec<Level>,
    on_stack: HashSet<ObjId>,
}

/// What SerializeJSONProperty made of a member.
enum Step {
    /// `undefined`: the member is left out (or is `null` in an array).
    Skip,
    /// A primitive, already written.
    Written,
    /// An object or array to serialize next.
    Open(ObjId),
}

/// `JSON.stringify(value, replacer, space)` (ECMA-262 25.5.2).
fn stringify(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let mut state =
        Serializer { replacer: None, property_list: None, gap: Vec::new(), indent: Vec::new(), out: Vec::new(), stack: Vec::new(), on_stack: HashSet::new() };
    // Step 4: a replacer function, or an array naming the properties.
    let replacer = arg(args, 1);
    if let Value::Object(list) = replacer {
        if vm.is_callable(&replacer) {
            state.replacer = Some(replacer);
        } else if matches!(vm.heap.get(list).kind, Kind::Array(_)) {
            state.property_list = Some(property_list(vm, host, list)?);
        }
    }
    // Steps 5-8: the gap, from a number (spaces, at most 10) or a string
    // (its first 10 units); Number and String objects are unwrapped.
    let mut space = arg(args, 2);
    if let Value::Object(id) = space {
        match vm.heap.get(id).kind {
            Kind::Number(_) => space = Value::Number(vm.to_number(host, &space)?),
            Kind::String(_) => space = Value::String(vm.to_string(host, &space)?),
            _ => {}
        }
    }
    state.gap = match &space {
        Value::Number(n) => {
            let count = to_integer_or_infinity(*n).clamp(0.0, 10.0) as usize;
            vec![u16::from(b' '); count]
        }
        Value::String(text) => text.units().into_iter().take(10).collect(),
        _ => Vec::new(),
    };
    // Steps 9-12: serialize `{"": value}[""]`.
    let wrapper = vm.new_object();
    let empty = Key::Atom(atoms::EMPTY);
    vm.define_data(wrapper, empty, arg(args, 0), DEFAULT_ATTRS);
    match serialize_property(vm, host, &mut state, wrapper, empty)? {
        Step::Skip => return Ok(Value::Undefined),
        Step::Written => {}
        Step::Open(object) => {
            open(vm, host, &mut state, object, empty, false)?;
            run(vm, host, &mut state)?;
        }
    }
    if state.out.len() > crate::STRING_LENGTH_MAX {
        return vm.range_error("Invalid string length");
    }
    Ok(Value::String(JsStr::from_units(state.out)))
}

/// ToIntegerOrInfinity (ECMA-262 7.1.5).
fn to_integer_or_infinity(n: f64) -> f64 {
    if n.is_nan() {
        0.0
    } else {
        n.trunc()
    }
}

/// JSON.stringify step 4.b: the replacer array's strings and numbers (and
/// String and Number objects), first occurrence only.
fn property_list(vm: &mut Vm, host: &mut dyn Embedder, list: ObjId) -> JsResult<Vec<Key>> {
    let length = length_of(vm, host, list)?;
    let mut keys = Vec::new();
    let mut seen = HashSet::new();
    for index in 0..length {
        let value = vm.get(host, &Value::Object(list), Key::Index(index))?;
        let item = match &value {
            Value::String(text) => Some(text.clone()),
            Value::Number(n) => Some(JsStr::from_string(crate::number::number_to_string(*n))),
            Value::Object(id) if matches!(vm.heap.get(*id).kind, Kind::String(_) | Kind::Number(_)) => Some(vm.to_string(host, &value)?),
            _ => None,
        };
        if let Some(item) = item {
            let key = vm.key_of_str(&item);
            if seen.insert(key) {
                keys.push(key);
            }
        }
    }
    Ok(keys)
}

/// SerializeJSONProperty (ECMA-262 25.5.2.2): reads `holder[key]`, applies
/// `toJSON` and the replacer, unwraps boxed primitives, and writes a
/// primitive's text; objects are left to the caller to open.
fn serialize_property(vm: &mut Vm, host: &mut dyn Embedder, state: &mut Serializer, holder: ObjId, key: Key) -> JsResult<Step> {
    let mut value = vm.get(host, &Value::Object(holder), key)?;
    if value.is_object() {
        let to_json = vm.get(host, &value, Key::Atom(atoms::TO_JSON))?;
        if vm.is_callable(&to_json) {
            let name = vm.key_to_value(key);
            value = vm.call(host, &to_json, &value, &[name])?;
        }
    }
    if let Some(replacer) = state.replacer.clone() {
        let name = vm.key_to_value(key);
        value = vm.call(host, &replacer, &Value::Object(holder), &[name, value])?;
    }
    if let Value::Object(id) = value {
        match vm.heap.get(id).kind {
            Kind::Number(_) => value = Value::Number(vm.to_number(host, &value)?),
            Kind::String(_) => value = Value::String(vm.to_string(host, &value)?),
            Kind::Boolean(b) => value = Value::Bool(b),
            _ => {}
        }
    }
    match value {
        Value::Null => push_str(&mut state.out, "null"),
        Value::Bool(b) => push_str(&mut state.out, if b { "true" } else { "false" }),
        Value::Number(n) if n.is_finite() => push_str(&mut state.out, &crate::number::number_to_string(n)),
        Value::Number(_) => push_str(&mut state.out, "null"),
        Value::String(text) => {
            if !quote(&mut state.out, &text) {
                return vm.range_error("Invalid string length");
            }
        }
        Value::Object(id) if !vm.heap.get(id).is_callable() => return Ok(Step::Open(id)),
        _ => return Ok(Step::Skip),
    }
    Ok(Step::Written)
}

/// SerializeJSONObject / SerializeJSONArray (ECMA-262 25.5.2.5, 25.5.2.6)
/// steps 1-6: the cycle check, the indent, and the member list.
fn open(vm: &mut Vm, host: &mut dyn Embedder, state: &mut Serializer, object: ObjId, key: Key, in_array: bool) -> JsResult<()> {
    if state.on_stack.contains(&object) {
        let message = circular_message(vm, state, object, key, in_array);
        return throw_units(vm, ErrorType::TypeError, &message);
    }
    if state.stack.len() >= NESTING_MAX {
        return vm.range_error("Maximum call stack size exceeded");
    }
    let is_array = matches!(vm.heap.get(object).kind, Kind::Array(_));
    let members = if is_array {
        let length = length_of(vm, host, object)?;
        // Every element takes a unit and a comma: an array this long can
        // only end in V8's "Invalid string length"; say so now.
        if 2 * u64::from(length) + 1 > crate::STRING_LENGTH_MAX as u64 {
            return vm.range_error("Invalid string length");
        }
        Members::Indices(length)
    } else if state.property_list.is_some() {
        Members::PropertyList
    } else {
        Members::Keys(enumerable_own_keys(vm, object))
    };
    state.out.push(u16::from(if is_array { b'[' } else { b'{' }));
    state.indent.extend_from_slice(&state.gap);
    state.on_stack.insert(object);
    state.stack.push(Level { object, key, in_array, is_array, members, next: 0, written: 0 });
    Ok(())
}

/// The members of every open object and array, innermost first, until
/// the outermost closes (SerializeJSONObject steps 7-11 and
/// SerializeJSONArray steps 6-11, without recursion).
fn run(vm: &mut Vm, host: &mut dyn Embedder, state: &mut Serializer) -> JsResult<()> {
    let no_list: Vec<Key> = Vec::new();
    while let Some(level) = state.stack.last_mut() {
        let list = state.property_list.as_ref().unwrap_or(&no_list);
        let member = level.members.get(level.next, list);
        level.next += 1;
        let (object, is_array, written) = (level.object, level.is_array, level.written);
        let Some(key) = member else {
            // Close: "{}" / "[]" when empty, else the closing line.
            state.stack.pop();
            state.on_stack.remove(&object);
            let depth = state.indent.len().saturating_sub(state.gap.len());
            state.indent.truncate(depth);
            if written > 0 && !state.gap.is_empty() {
                state.out.push(u16::from(b'\n'));
                state.out.extend_from_slice(&state.indent);
            }
            state.out.push(u16::from(if is_array { b']' } else { b'}' }));
            continue;
        };
        let mark = state.out.len();
        if written > 0 {
            state.out.push(u16::from(b','));
        }
        if !state.gap.is_empty() {
            state.out.push(u16::from(b'\n'));
            state.out.extend_from_slice(&state.indent);
        }
        if !is_array {
            if let Value::String(name) = vm.key_to_value(key) {
                if !quote(&mut state.out, &name) {
                    return vm.range_error("Invalid string length");
                }
            }
            state.out.push(u16::from(b':'));
            if !state.gap.is_empty() {
                state.out.push(u16::from(b' '));
            }
        }
        let step = serialize_property(vm, host, state, object, key)?;
        match step {
            Step::Skip if is_array => push_str(&mut state.out, "null"),
            Step::Skip => {
                state.out.truncate(mark);
                continue;
            }
            Step::Written | Step::Open(_) => {}
        }
        if let Some(level) = state.stack.last_mut() {
            level.written += 1;
        }
        if state.out.len() > crate::STRING_LENGTH_MAX {
            return vm.range_error("Invalid string length");
        }
        if let Step::Open(child) = step {
            open(vm, host, state, child, key, is_array)?;
        }
    }
    Ok(())
}

/// QuoteJSONString (ECMA-262 25.5.2.3), well-formed: lone surrogates are
/// escaped as `\udxxx`. False when the output would pass V8's longest string.
fn quote(out: &mut Vec<u16>, text: &JsStr) -> bool {
    // Escapes only lengthen: at least the text and its quotes must fit.
    if out.len() + text.len() + 2 > crate::STRING_LENGTH_MAX {
        return false;
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(u16::from(b'"'));
    let len = text.len();
    let mut index = 0;
    while index < len {
        let unit = text.at(index);
        index += 1;
        let short = match unit {
            0x08 => Some(b'b'),
            0x09 => Some(b't'),
            0x0A => Some(b'n'),
            0x0C => Some(b'f'),
            0x0D => Some(b'r'),
            0x22 => Some(b'"'),
            0x5C => Some(b'\\'),
            _ => None,
        };
        if let Some(letter) = short {
            out.push(u16::from(b'\\'));
            out.push(u16::from(letter));
        } else if (0xD800..0xDC00).contains(&unit) && index < len && (0xDC00..0xE000).contains(&text.at(index)) {
            out.push(unit);
            out.push(text.at(index));
            index += 1;
            continue;
        } else if unit < 0x20 || (0xD800..0xE000).contains(&unit) {
            out.push(u16::from(b'\\'));
            out.push(u16::from(b'u'));
            for shift in [12, 8, 4, 0] {
                out.push(u16::from(HEX[usize::from((unit >> shift) & 0xF)]));
            }
        } else {
            out.push(unit);
            continue;
        }
        if out.len() > crate::STRING_LENGTH_MAX {
            return false;
        }
    }
    out.push(u16::from(b'"'));
    true
}

/// V8's circular-structure message: the first line, then the path from
/// the object met again to the key that closes the circle (two lines from
/// its start, an ellipsis, and the last line).
fn circular_message(vm: &Vm, state: &Serializer, object: ObjId, closing_key: Key, closing_in_array: bool) -> Vec<u16> {
    let mut out = Vec::new();
    push_str(&mut out, "Converting circular structure to JSON");
    let levels = &state.stack;
    let Some(start) = levels.iter().position(|level| level.object == object) else { return out };
    push_str(&mut out, "\n    --> starting at object with constructor '");
    out.extend(constructor_name(vm, object).iter());
    out.push(u16::from(b'\''));
    let line = |out: &mut Vec<u16>, level: &Level| {
        push_str(out, "\n    |     ");
        describe_key(vm, out, level.key, level.in_array);
        push_str(out, " -> object with constructor '");
        out.extend(constructor_name(vm, level.object).iter());
        out.push(u16::from(b'\''));
    };
    let mut index = start + 1;
    let prefix_end = levels.len().min(index + 2);
    while index < prefix_end {
        line(&mut out, &levels[index]);
        index += 1;
    }
    if levels.len() > index + 1 {
        push_str(&mut out, "\n    |     ...");
    }
    index = index.max(levels.len().saturating_sub(1));
    while index < levels.len() {
        line(&mut out, &levels[index]);
        index += 1;
    }
    push_str(&mut out, "\n    --- ");
    describe_key(vm, &mut out, closing_key, closing_in_array);
    push_str(&mut out, " closes the circle");
    out
}

fn describe_key(vm: &Vm, out: &mut Vec<u16>, key: Key, in_array: bool) {
    match (key, in_array) {
        (Key::Index(index), true) => push_str(out, &format!("index {index}")),
        _ => {
            let name = match vm.key_to_value(key) {
                Value::String(text) => text,
                _ => JsStr::empty(),
            };
            if name.is_empty() {
                push_str(out, "<anonymous>");
            } else {
                push_str(out, "property '");
                out.extend(name.iter());
                out.push(u16::from(b'\''));
            }
        }
    }
}

/// A data property found along the prototype chain, without running getters.
fn data_property(vm: &Vm, mut id: ObjId, key: Key) -> Option<Value> {
    for _ in 0..crate::PROTO_CHAIN_MAX {
        if let Some(found) = vm.own_property(id, key) {
            return (!found.is_accessor()).then_some(found.value);
        }
        id = vm.heap.get(id).proto?;
    }
    None
}

/// An approximation of V8's JSReceiver::GetConstructorName, without
/// running code: the `constructor`'s name unless it is "Object", then
/// `@@toStringTag`, then "Object" or the built-in class.
fn constructor_name(vm: &Vm, id: ObjId) -> JsStr {
    let constructor = data_property(vm, id, Key::Atom(atoms::CONSTRUCTOR))
        .and_then(|value| value.as_object())
        .filter(|function| vm.heap.get(*function).is_callable())
        .and_then(|function| match vm.own_property(function, Key::Atom(atoms::NAME)) {
            Some(found) if !found.is_accessor() => found.value.as_string().cloned(),
            _ => None,
        })
        .filter(|name| !name.is_empty());
    if let Some(name) = &constructor {
        if name.as_ascii() != Some("Object") {
            return name.clone();
        }
    }
    if let Some(Value::String(tag)) = data_property(vm, id, Key::Symbol(symbols::TO_STRING_TAG)) {
        return tag;
    }
    if let Some(name) = constructor {
        return name;
    }
    JsStr::from_str(match vm.heap.get(id).kind {
        Kind::Array(_) => "Array",
        Kind::Function(_) => "Function",
        Kind::Error => "Error",
        Kind::Boolean(_) => "Boolean",
        Kind::Number(_) => "Number",
        Kind::String(_) => "String",
        Kind::Date(_) => "Date",
        Kind::RegExp(_) => "RegExp",
        _ => "Object",
    })
}
