//! `String`, `String.prototype` and `%StringIteratorPrototype%` (ECMA-262
//! 22.1), with Annex B's string methods (B.2.2: `substr`, `trimLeft`,
//! `trimRight` and the HTML methods).

use super::{arg, link_constructor};
use crate::atoms;
use crate::number::number_to_string;
use crate::object::{IterState, Kind, NativeFn};
use crate::shape::{CONFIGURABLE, METHOD_ATTRS};
use crate::string::{is_js_whitespace, JsStr};
use crate::value::{Key, ObjId, Sym, Value};
use crate::vm::symbols;
use crate::{Embedder, JsResult, Vm};
use std::cmp::Ordering;

const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

pub(super) fn install(vm: &mut Vm) {
    let prototype = vm.intrinsics.string_prototype;
    let constructor = vm.native_function("String", 1, string_constructor);
    link_constructor(vm, "String", constructor, prototype);
    vm.define_method(constructor, "fromCharCode", 1, from_char_code);
    vm.define_method(constructor, "fromCodePoint", 1, from_code_point);
    vm.define_method(constructor, "raw", 1, raw);
    // String.prototype is itself a String object whose value is "" (22.1.3).
    vm.heap.put(prototype, Key::Atom(atoms::LENGTH), Value::Number(0.0), 0);

    let methods: &[(&str, u32, NativeFn)] = &[
        ("at", 1, at),
        ("charAt", 1, char_at),
        ("charCodeAt", 1, char_code_at),
        ("codePointAt", 1, code_point_at),
        ("concat", 1, concat),
        ("endsWith", 1, ends_with),
        ("includes", 1, includes),
        ("indexOf", 1, index_of),
        ("isWellFormed", 0, is_well_formed),
        ("lastIndexOf", 1, last_index_of),
        ("localeCompare", 1, locale_compare),
        ("match", 1, string_match),
        ("matchAll", 1, match_all),
        ("normalize", 0, normalize),
        ("padEnd", 1, pad_end),
        ("padStart", 1, pad_start),
        ("repeat", 1, repeat),
        ("replace", 2, replace),
        ("replaceAll", 2, replace_all),
        ("search", 1, search),
        ("slice", 2, slice),
        ("split", 2, split),
        ("startsWith", 1, starts_with),
        ("substr", 2, substr),
        ("substring", 2, substring),
        ("toLocaleLowerCase", 0, to_locale_lower_case),
        ("toLocaleUpperCase", 0, to_locale_upper_case),
        ("toLowerCase", 0, to_lower_case),
        ("toString", 0, to_string),
        ("toUpperCase", 0, to_upper_case),
        ("toWellFormed", 0, to_well_formed),
        ("trim", 0, trim),
        ("valueOf", 0, value_of),
        // Annex B.2.2.2-14: CreateHTML methods.
        ("anchor", 1, anchor),
        ("big", 0, big),
        ("blink", 0, blink),
        ("bold", 0, bold),
        ("fixed", 0, fixed),
        ("fontcolor", 1, fontcolor),
        ("fontsize", 1, fontsize),
        ("italics", 0, italics),
        ("link", 1, link),
        ("small", 0, small),
        ("strike", 0, strike),
        ("sub", 0, sub),
        ("sup", 0, sup),
    ];
    for (name, length, f) in methods {
        vm.define_method(prototype, name, *length, *f);
    }
    // Annex B.2.2.15-16: trimLeft and trimRight are the very same function
    // objects as trimStart and trimEnd (their `name` stays "trimStart").
    let trim_start_fn = vm.define_method(prototype, "trimStart", 0, trim_start);
    let trim_end_fn = vm.define_method(prototype, "trimEnd", 0, trim_end);
    let key = vm.key("trimLeft");
    vm.heap.put(prototype, key, Value::Object(trim_start_fn), METHOD_ATTRS);
    let key = vm.key("trimRight");
    vm.heap.put(prototype, key, Value::Object(trim_end_fn), METHOD_ATTRS);

    let iterator = vm.native_function("[Symbol.iterator]", 0, string_iterator);
    vm.heap.put(prototype, Key::Symbol(symbols::ITERATOR), Value::Object(iterator), METHOD_ATTRS);

    // %StringIteratorPrototype% (22.1.5.1), kept in the intrinsics so the
    // collector sees it and `[Symbol.iterator]` can find it.
    let iterator_prototype = vm.intrinsics.string_iterator_prototype;
    vm.define_method(iterator_prototype, "next", 0, string_iterator_next);
    vm.heap.put(iterator_prototype, Key::Symbol(symbols::TO_STRING_TAG), Value::str("String Iterator"), CONFIGURABLE);
}

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

/// RequireObjectCoercible(this) with V8's message
/// ("String.prototype.at called on null or undefined").
fn coercible(vm: &mut Vm, this: &Value, method: &str) -> JsResult<()> {
    if matches!(this, Value::Undefined | Value::Null | Value::Empty) {
        let dot = if method.starts_with('[') { "" } else { "." };
        return vm.type_error(&format!("String.prototype{dot}{method} called on null or undefined"));
    }
    Ok(())
}

/// RequireObjectCoercible(this), then ToString: how most methods start.
fn this_string(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, method: &str) -> JsResult<JsStr> {
    if let Value::String(text) = this {
        return Ok(text.clone());
    }
    coercible(vm, this, method)?;
    vm.to_string(host, this)
}

/// thisStringValue (22.1.3.35.1): a string, or a String object's [[StringData]].
fn this_string_value(vm: &mut Vm, this: &Value, method: &str) -> JsResult<JsStr> {
    match this {
        Value::String(text) => return Ok(text.clone()),
        Value::Object(id) => {
            if let Kind::String(text) = &vm.heap.get(*id).kind {
                return Ok(text.clone());
            }
        }
        _ => {}
    }
    vm.type_error(&format!("String.prototype.{method} requires that 'this' be a String"))
}

/// ToIntegerOrInfinity (7.1.5) of a number already converted.
fn integer_of(n: f64) -> f64 {
    if n.is_nan() {
        0.0
    } else {
        // `+ 0.0` turns -0 into +0.
        n.trunc() + 0.0
    }
}

/// ToIntegerOrInfinity (7.1.5).
fn to_integer(vm: &mut Vm, host: &mut dyn Embedder, value: &Value) -> JsResult<f64> {
    let n = match value {
        Value::Number(n) => *n,
        other => vm.to_number(host, other)?,
    };
    Ok(integer_of(n))
}

/// ToLength (7.1.20).
fn to_length(vm: &mut Vm, host: &mut dyn Embedder, value: &Value) -> JsResult<f64> {
    Ok(to_integer(vm, host, value)?.clamp(0.0, MAX_SAFE_INTEGER))
}

/// An integer (or infinity) clamped to `0..=len`.
fn clamp(n: f64, len: usize) -> usize {
    if n <= 0.0 {
        0
    } else if n >= len as f64 {
        len
    } else {
        n as usize
    }
}

/// A relative index as `slice` and `substr` read it: negative counts from the end.
fn relative(n: f64, len: usize) -> usize {
    if n < 0.0 {
        clamp(len as f64 + n, len)
    } else {
        clamp(n, len)
    }
}

/// Appends `text`, throwing V8's RangeError before the result would pass
/// the longest string V8 makes.
fn push_str(vm: &mut Vm, out: &mut Vec<u16>, text: &JsStr) -> JsResult<()> {
    if out.len() + text.len() > crate::STRING_LENGTH_MAX {
        return vm.range_error("Invalid string length");
    }
    out.extend(text.iter());
    Ok(())
}

fn push_ascii(vm: &mut Vm, out: &mut Vec<u16>, text: &str) -> JsResult<()> {
    if out.len() + text.len() > crate::STRING_LENGTH_MAX {
        return vm.range_error("Invalid string length");
    }
    out.extend(text.bytes().map(u16::from));
    Ok(())
}

/// SymbolDescriptiveString (20.4.3.3.1): "Symbol(desc)".
fn symbol_descriptive_string(vm: &Vm, sym: Sym) -> JsStr {
    let description = vm.symbols.get(sym.0 as usize).and_then(|data| data.description.clone()).unwrap_or_else(JsStr::empty);
    JsStr::from_str("Symbol(").concat(&description).concat(&JsStr::from_str(")"))
}

/// IsRegExp (7.2.8): `@@match` decides when present, else [[RegExpMatcher]].
fn is_regexp(vm: &mut Vm, host: &mut dyn Embedder, value: &Value) -> JsResult<bool> {
    let Value::Object(id) = value else { return Ok(false) };
    let id = *id;
    let matcher = vm.get(host, value, Key::Symbol(symbols::MATCH))?;
    if !matcher.is_undefined() {
        return Ok(matcher.truthy());
    }
    Ok(matches!(vm.heap.get(id).kind, Kind::RegExp(_)))
}

/// How V8 names a non-callable value in "… is not a function".
fn describe_non_callable(vm: &Vm, value: &Value) -> String {
    match value {
        Value::Number(n) => format!("number {}", number_to_string(*n)),
        Value::String(text) => format!("string \"{text}\""),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Symbol(_) => "symbol".to_string(),
        Value::Object(_) => "object".to_string(),
        other => vm.typeof_value(other).to_string(),
    }
}

/// GetMethod (7.3.11) for a well-known symbol: `None` when nullish.
fn get_method(vm: &mut Vm, host: &mut dyn Embedder, value: &Value, sym: Sym) -> JsResult<Option<Value>> {
    let method = vm.get(host, value, Key::Symbol(sym))?;
    if method.is_nullish() {
        return Ok(None);
    }
    if !vm.is_callable(&method) {
        let what = describe_non_callable(vm, &method);
        return vm.type_error(&format!("{what} is not a function"));
    }
    Ok(Some(method))
}

/// Invoke (7.3.21) of a symbol-keyed method.
fn invoke(vm: &mut Vm, host: &mut dyn Embedder, target: &Value, sym: Sym, args: &[Value]) -> JsResult<Value> {
    let method = vm.get(host, target, Key::Symbol(sym))?;
    vm.call(host, &method, target, args)
}

/// RegExpCreate (22.2.3.1), through the global `RegExp` constructor.
fn regexp_create(vm: &mut Vm, host: &mut dyn Embedder, pattern: &Value, flags: Value) -> JsResult<Value> {
    let global = Value::Object(vm.intrinsics.global);
    let key = vm.key("RegExp");
    let constructor = vm.get(host, &global, key)?;
    vm.construct(host, &constructor, &[pattern.clone(), flags], None)
}

/// replaceAll and matchAll refuse a RegExp without the `g` flag
/// (22.1.3.13 step 2.b, 22.1.3.20 step 2.b), with V8's messages.
fn require_global_flag(vm: &mut Vm, host: &mut dyn Embedder, regexp: &Value, method: &str) -> JsResult<()> {
    let flags = vm.get(host, regexp, Key::Atom(atoms::FLAGS))?;
    if flags.is_nullish() {
        // V8's own wording differs between the two methods.
        return if method == "matchAll" {
            vm.type_error("The .flags property of the argument to String.prototype.matchAll cannot be null or undefined")
        } else {
            vm.type_error(&format!("String.prototype.{method} called on null or undefined"))
        };
    }
    let flags = vm.to_string(host, &flags)?;
    if !flags.iter().any(|unit| unit == u16::from(b'g')) {
        return vm.type_error(&format!("String.prototype.{method} called with a non-global RegExp argument"));
    }
    Ok(())
}

/// A property key for an index that may pass the array-index range.
fn index_key(vm: &mut Vm, index: u64) -> Key {
    match u32::try_from(index) {
        Ok(small) if small != u32::MAX => Key::Index(small),
        _ => vm.key(&index.to_string()),
    }
}

// ---------------------------------------------------------------------------
// The constructor and its statics
// ---------------------------------------------------------------------------

/// `String(value)` and `new String(value)` (22.1.1.1).
fn string_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    let text = match args.first() {
        None => JsStr::empty(),
        // Called as a function, a symbol converts to its description
        // (`new String(sym)` throws in ToString instead).
        Some(Value::Symbol(sym)) if new_target.is_none() => symbol_descriptive_string(vm, *sym),
        Some(value) => vm.to_string(host, value)?,
    };
    let Some(target) = new_target else { return Ok(Value::String(text)) };
    // StringCreate with GetPrototypeFromConstructor (10.4.3.4, 10.1.14).
    let proto = match vm.get(host, &Value::Object(target), Key::Atom(atoms::PROTOTYPE))? {
        Value::Object(proto) => proto,
        _ => vm.intrinsics.string_prototype,
    };
    let length = text.len() as f64;
    let id = vm.heap.alloc(Some(proto), Kind::String(text), 0);
    vm.heap.put(id, Key::Atom(atoms::LENGTH), Value::Number(length), 0);
    Ok(Value::Object(id))
}

/// `String.fromCharCode` (22.1.2.1).
fn from_char_code(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let mut units = Vec::with_capacity(args.len());
    for value in args {
        let n = vm.to_number(host, value)?;
        units.push(crate::number::to_uint16(n));
    }
    Ok(Value::String(JsStr::from_units(units)))
}

/// `String.fromCodePoint` (22.1.2.2).
fn from_code_point(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let mut units = Vec::with_capacity(args.len());
    for value in args {
        let n = vm.to_number(host, value)?;
        // `fract` is NaN for NaN and the infinities, so they fail here too.
        if n.fract() != 0.0 || !(0.0..=1_114_111.0).contains(&n) {
            return vm.range_error(&format!("Invalid code point {}", number_to_string(n)));
        }
        push_code_point(&mut units, n as u32);
    }
    Ok(Value::String(JsStr::from_units(units)))
}

/// UTF16EncodeCodePoint (11.1.1).
fn push_code_point(units: &mut Vec<u16>, cp: u32) {
    if cp < 0x10000 {
        units.push(cp as u16);
    } else {
        let offset = cp - 0x10000;
        units.push(0xD800 + (offset >> 10) as u16);
        units.push(0xDC00 + (offset & 0x3FF) as u16);
    }
}

/// `String.raw` (22.1.2.4).
fn raw(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let substitutions = args.get(1..).unwrap_or(&[]);
    let cooked = Value::Object(vm.to_object(&arg(args, 0))?);
    let raw = vm.get(host, &cooked, Key::Atom(atoms::RAW))?;
    let literals = Value::Object(vm.to_object(&raw)?);
    let length = vm.get(host, &literals, Key::Atom(atoms::LENGTH))?;
    let count = to_length(vm, host, &length)?;
    if count <= 0.0 {
        return Ok(Value::String(JsStr::empty()));
    }
    let mut out = Vec::new();
    let mut index: u64 = 0;
    loop {
        let key = index_key(vm, index);
        let literal = vm.get(host, &literals, key)?;
        let literal = vm.to_string(host, &literal)?;
        push_str(vm, &mut out, &literal)?;
        if (index + 1) as f64 >= count {
            return Ok(Value::String(JsStr::from_units(out)));
        }
        if let Some(substitution) = usize::try_from(index).ok().and_then(|i| substitutions.get(i)) {
            let substitution = vm.to_string(host, substitution)?;
            push_str(vm, &mut out, &substitution)?;
        }
        index += 1;
    }
}

// ---------------------------------------------------------------------------
// Characters and code points
// ---------------------------------------------------------------------------

/// `String.prototype.at` (22.1.3.1).
fn at(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let text = this_string(vm, host, this, "at")?;
    let len = text.len() as f64;
    let relative = to_integer(vm, host, &arg(args, 0))?;
    let k = if relative >= 0.0 { relative } else { len + relative };
    if k < 0.0 || k >= len {
        return Ok(Value::Undefined);
    }
    let k = k as usize;
    Ok(Value::String(text.slice(k, k + 1)))
}

/// The position argument of charAt, charCodeAt, codePointAt, when in range.
fn position_in(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], method: &str) -> JsResult<(JsStr, Option<usize>)> {
    let text = this_string(vm, host, this, method)?;
    let position = to_integer(vm, host, &arg(args, 0))?;
    let index = (position >= 0.0 && position < text.len() as f64).then_some(position as usize);
    Ok((text, index))
}

/// `String.prototype.charAt` (22.1.3.2).
fn char_at(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let (text, index) = position_in(vm, host, this, args, "charAt")?;
    Ok(Value::String(index.map_or_else(JsStr::empty, |i| text.slice(i, i + 1))))
}

/// `String.prototype.charCodeAt` (22.1.3.3).
fn char_code_at(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let (text, index) = position_in(vm, host, this, args, "charCodeAt")?;
    Ok(Value::Number(index.map_or(f64::NAN, |i| f64::from(text.at(i)))))
}

/// `String.prototype.codePointAt` (22.1.3.4).
fn code_point_at(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let (text, index) = position_in(vm, host, this, args, "codePointAt")?;
    Ok(index.map_or(Value::Undefined, |i| Value::Number(f64::from(text.code_point_at(i).0))))
}

/// `String.prototype.concat` (22.1.3.5).
fn concat(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let text = this_string(vm, host, this, "concat")?;
    if args.is_empty() {
        return Ok(Value::String(text));
    }
    if let [single] = args {
        let next = vm.to_string(host, single)?;
        if text.len() + next.len() > crate::STRING_LENGTH_MAX {
            return vm.range_error("Invalid string length");
        }
        return Ok(Value::String(text.concat(&next)));
    }
    let mut out = text.units();
    for value in args {
        let next = vm.to_string(host, value)?;
        push_str(vm, &mut out, &next)?;
    }
    Ok(Value::String(JsStr::from_units(out)))
}

// ---------------------------------------------------------------------------
// Searching
// ---------------------------------------------------------------------------

/// The string and search string of includes, startsWith, endsWith, which
/// refuse a RegExp (22.1.3.8 steps 3-5, 22.1.3.24, 22.1.3.7).
fn search_args(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], method: &str) -> JsResult<(JsStr, JsStr)> {
    let text = this_string(vm, host, this, method)?;
    let search = arg(args, 0);
    if is_regexp(vm, host, &search)? {
        return vm.type_error(&format!("First argument to String.prototype.{method} must not be a regular expression"));
    }
    let search = vm.to_string(host, &search)?;
    Ok((text, search))
}

/// `String.prototype.endsWith` (22.1.3.7).
fn ends_with(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let (text, search) = search_args(vm, host, this, args, "endsWith")?;
    let len = text.len();
    let end = match arg(args, 1) {
        Value::Undefined => len,
        position => clamp(to_integer(vm, host, &position)?, len),
    };
    let Some(start) = end.checked_sub(search.len()) else { return Ok(Value::Bool(false)) };
    Ok(Value::Bool(text.starts_with_at(&search, start)))
}

/// `String.prototype.includes` (22.1.3.8).
fn includes(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let (text, search) = search_args(vm, host, this, args, "includes")?;
    let start = clamp(to_integer(vm, host, &arg(args, 1))?, text.len());
    Ok(Value::Bool(text.find(&search, start).is_some()))
}

/// `String.prototype.startsWith` (22.1.3.24).
fn starts_with(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let (text, search) = search_args(vm, host, this, args, "startsWith")?;
    let start = clamp(to_integer(vm, host, &arg(args, 1))?, text.len());
    Ok(Value::Bool(text.starts_with_at(&search, start)))
}

/// `String.prototype.indexOf` (22.1.3.9).
fn index_of(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let text = this_string(vm, host, this, "indexOf")?;
    let search = vm.to_string(host, &arg(args, 0))?;
    let start = clamp(to_integer(vm, host, &arg(args, 1))?, text.len());
    Ok(Value::Number(text.find(&search, start).map_or(-1.0, |i| i as f64)))
}

/// `String.prototype.lastIndexOf` (22.1.3.11): NaN searches from the end.
fn last_index_of(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let text = this_string(vm, host, this, "lastIndexOf")?;
    let search = vm.to_string(host, &arg(args, 0))?;
    let n = vm.to_number(host, &arg(args, 1))?;
    let position = if n.is_nan() { f64::INFINITY } else { integer_of(n) };
    let start = clamp(position, text.len());
    Ok(Value::Number(text.rfind(&search, start).map_or(-1.0, |i| i as f64)))
}

/// `String.prototype.localeCompare` (22.1.3.12). Without ICU this is a
/// code-unit comparison (V8 collates: "a".localeCompare("B") is -1 there).
fn locale_compare(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let text = this_string(vm, host, this, "localeCompare")?;
    let that = vm.to_string(host, &arg(args, 0))?;
    Ok(Value::Number(match text.cmp(&that) {
        Ordering::Less => -1.0,
        Ordering::Equal => 0.0,
        Ordering::Greater => 1.0,
    }))
}

// ---------------------------------------------------------------------------
// Slicing, padding, repeating
// ---------------------------------------------------------------------------

/// `String.prototype.slice` (22.1.3.22).
fn slice(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let text = this_string(vm, host, this, "slice")?;
    let len = text.len();
    let from = relative(to_integer(vm, host, &arg(args, 0))?, len);
    let to = match arg(args, 1) {
        Value::Undefined => len,
        end => relative(to_integer(vm, host, &end)?, len),
    };
    if from >= to {
        return Ok(Value::String(JsStr::empty()));
    }
    Ok(Value::String(text.slice(from, to)))
}

/// `String.prototype.substring` (22.1.3.25): the bounds may come in either order.
fn substring(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let text = this_string(vm, host, this, "substring")?;
    let len = text.len();
    let start = clamp(to_integer(vm, host, &arg(args, 0))?, len);
    let end = match arg(args, 1) {
        Value::Undefined => len,
        end => clamp(to_integer(vm, host, &end)?, len),
    };
    Ok(Value::String(text.slice(start.min(end), start.max(end))))
}

/// `String.prototype.substr` (B.2.2.1).
fn substr(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let text = this_string(vm, host, this, "substr")?;
    let size = text.len();
    let start = relative(to_integer(vm, host, &arg(args, 0))?, size);
    let length = match arg(args, 1) {
        Value::Undefined => size,
        length => clamp(to_integer(vm, host, &length)?, size),
    };
    let end = start.saturating_add(length).min(size);
    if start >= end {
        return Ok(Value::String(JsStr::empty()));
    }
    Ok(Value::String(text.slice(start, end)))
}

/// StringPad (22.1.3.17.2) for padStart and padEnd.
fn pad(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], at_start: bool) -> JsResult<Value> {
    let text = this_string(vm, host, this, if at_start { "padStart" } else { "padEnd" })?;
    let max_length = to_length(vm, host, &arg(args, 0))?;
    let len = text.len();
    if max_length <= len as f64 {
        return Ok(Value::String(text));
    }
    let filler = match arg(args, 1) {
        Value::Undefined => JsStr::from_str(" "),
        fill => vm.to_string(host, &fill)?,
    };
    if filler.is_empty() {
        return Ok(Value::String(text));
    }
    if max_length > crate::STRING_LENGTH_MAX as f64 {
        return vm.range_error("Invalid string length");
    }
    let total = max_length as usize;
    let fill_units = filler.units();
    let fill = fill_units.iter().copied().cycle().take(total - len);
    let mut out = Vec::with_capacity(total);
    if at_start {
        out.extend(fill);
        out.extend(text.iter());
    } else {
        out.extend(text.iter());
        out.extend(fill);
    }
    Ok(Value::String(JsStr::from_units(out)))
}

/// `String.prototype.padEnd` (22.1.3.16).
fn pad_end(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    pad(vm, host, this, args, false)
}

/// `String.prototype.padStart` (22.1.3.17).
fn pad_start(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    pad(vm, host, this, args, true)
}

/// `String.prototype.repeat` (22.1.3.18): the count is checked before the
/// length, and the length before anything is allocated.
fn repeat(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let text = this_string(vm, host, this, "repeat")?;
    let count = vm.to_number(host, &arg(args, 0))?;
    let n = integer_of(count);
    if n < 0.0 || n == f64::INFINITY {
        return vm.range_error(&format!("Invalid count value: {}", number_to_string(count)));
    }
    if n == 0.0 || text.is_empty() {
        return Ok(Value::String(JsStr::empty()));
    }
    if text.len() as f64 * n > crate::STRING_LENGTH_MAX as f64 {
        return vm.range_error("Invalid string length");
    }
    let n = n as usize;
    Ok(Value::String(match text.as_ascii() {
        Some(ascii) => JsStr::from_string(ascii.repeat(n)),
        None => JsStr::from_units(text.units().repeat(n)),
    }))
}

// ---------------------------------------------------------------------------
// Case, normalization, well-formedness, whitespace
// ---------------------------------------------------------------------------

/// Full Unicode case mapping (22.1.3.28 TransformCase) of text that may hold
/// lone surrogates: they stay as they are, and the runs between them map
/// with Rust's `str` mapping, which also applies the final-sigma rule (a
/// lone surrogate is neither cased nor case-ignorable, so cutting the text
/// there gives the context the rule would see anyway).
fn transform_case(vm: &mut Vm, text: &JsStr, upper: bool) -> JsResult<JsStr> {
    fn flush(chunk: &mut String, out: &mut Vec<u16>, upper: bool) {
        if !chunk.is_empty() {
            let mapped = if upper { chunk.to_uppercase() } else { chunk.to_lowercase() };
            out.extend(mapped.encode_utf16());
            chunk.clear();
        }
    }
    if let Some(ascii) = text.as_ascii() {
        return Ok(JsStr::from_string(if upper { ascii.to_ascii_uppercase() } else { ascii.to_ascii_lowercase() }));
    }
    let mut out: Vec<u16> = Vec::with_capacity(text.len());
    let mut chunk = String::new();
    text.with_units(|units| {
        for decoded in char::decode_utf16(units.iter().copied()) {
            match decoded {
                Ok(c) => chunk.push(c),
                Err(error) => {
                    flush(&mut chunk, &mut out, upper);
                    out.push(error.unpaired_surrogate());
                }
            }
        }
    });
    flush(&mut chunk, &mut out, upper);
    // Upper-casing can triple a string's length.
    if out.len() > crate::STRING_LENGTH_MAX {
        return vm.range_error("Invalid string length");
    }
    Ok(JsStr::from_units(out))
}

fn case_method(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, method: &str, upper: bool) -> JsResult<Value> {
    let text = this_string(vm, host, this, method)?;
    Ok(Value::String(transform_case(vm, &text, upper)?))
}

/// `String.prototype.toLowerCase` (22.1.3.28).
fn to_lower_case(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    case_method(vm, host, this, "toLowerCase", false)
}

/// `String.prototype.toUpperCase` (22.1.3.30).
fn to_upper_case(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    case_method(vm, host, this, "toUpperCase", true)
}

/// `String.prototype.toLocaleLowerCase` (22.1.3.26): the root locale's mapping.
fn to_locale_lower_case(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    case_method(vm, host, this, "toLocaleLowerCase", false)
}

/// `String.prototype.toLocaleUpperCase` (22.1.3.27): the root locale's mapping.
fn to_locale_upper_case(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    case_method(vm, host, this, "toLocaleUpperCase", true)
}

/// `String.prototype.normalize` (22.1.3.15). There are no Unicode
/// normalization tables in the engine: text made only of characters every
/// form leaves alone passes through (below U+0300 for NFC: no combining
/// marks and nothing that composes, checked against Node for every pair;
/// below U+00C0 for NFD, U+00A0 for NFKC and NFKD); other text is
/// unsupported.
fn normalize(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let text = this_string(vm, host, this, "normalize")?;
    let form = match arg(args, 0) {
        Value::Undefined => "NFC".to_string(),
        form => vm.to_string(host, &form)?.to_rust(),
    };
    let stable_below: u16 = match form.as_str() {
        "NFC" => 0x300,
        "NFD" => 0xC0,
        "NFKC" | "NFKD" => 0xA0,
        _ => return vm.range_error("The normalization form should be one of NFC, NFD, NFKC, NFKD."),
    };
    if text.is_ascii() || text.iter().all(|unit| unit < stable_below) {
        return Ok(Value::String(text));
    }
    vm.unsupported("String.prototype.normalize on non-ASCII text")
}

/// Where the lone surrogates are (11.1.4 IsStringWellFormedUnicode).
fn for_each_lone_surrogate(text: &JsStr, mut f: impl FnMut(usize)) {
    if text.is_ascii() {
        return;
    }
    let len = text.len();
    let mut index = 0;
    while index < len {
        let (cp, size) = text.code_point_at(index);
        if (0xD800..0xE000).contains(&cp) {
            f(index);
        }
        index += size;
    }
}

/// `String.prototype.isWellFormed` (22.1.3.10).
fn is_well_formed(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let text = this_string(vm, host, this, "isWellFormed")?;
    let mut well_formed = true;
    for_each_lone_surrogate(&text, |_| well_formed = false);
    Ok(Value::Bool(well_formed))
}

/// `String.prototype.toWellFormed` (22.1.3.31): lone surrogates become U+FFFD.
fn to_well_formed(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let text = this_string(vm, host, this, "toWellFormed")?;
    let mut lone = Vec::new();
    for_each_lone_surrogate(&text, |index| lone.push(index));
    if lone.is_empty() {
        return Ok(Value::String(text));
    }
    let mut units = text.units();
    for index in lone {
        if let Some(unit) = units.get_mut(index) {
            *unit = 0xFFFD;
        }
    }
    Ok(Value::String(JsStr::from_units(units)))
}

/// TrimString (22.1.3.32.1).
fn trim_string(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, method: &str, start: bool, end: bool) -> JsResult<Value> {
    let text = this_string(vm, host, this, method)?;
    let mut from = 0;
    let mut to = text.len();
    if start {
        while from < to && is_js_whitespace(text.at(from)) {
            from += 1;
        }
    }
    if end {
        while to > from && is_js_whitespace(text.at(to - 1)) {
            to -= 1;
        }
    }
    Ok(Value::String(text.slice(from, to)))
}

/// `String.prototype.trim` (22.1.3.32).
fn trim(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    trim_string(vm, host, this, "trim", true, true)
}

/// `String.prototype.trimStart` (22.1.3.34).
fn trim_start(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    trim_string(vm, host, this, "trimStart", true, false)
}

/// `String.prototype.trimEnd` (22.1.3.33).
fn trim_end(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    trim_string(vm, host, this, "trimEnd", false, true)
}

/// `String.prototype.toString` (22.1.3.29).
fn to_string(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    Ok(Value::String(this_string_value(vm, this, "toString")?))
}

/// `String.prototype.valueOf` (22.1.3.35).
fn value_of(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    Ok(Value::String(this_string_value(vm, this, "valueOf")?))
}

// ---------------------------------------------------------------------------
// The RegExp protocol: match, matchAll, replace, replaceAll, search, split
// ---------------------------------------------------------------------------

/// `String.prototype.match` (22.1.3.13).
fn string_match(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    coercible(vm, this, "match")?;
    let regexp = arg(args, 0);
    if !regexp.is_nullish() {
        if let Some(matcher) = get_method(vm, host, &regexp, symbols::MATCH)? {
            return vm.call(host, &matcher, &regexp, std::slice::from_ref(this));
        }
    }
    let text = vm.to_string(host, this)?;
    let rx = regexp_create(vm, host, &regexp, Value::Undefined)?;
    invoke(vm, host, &rx, symbols::MATCH, &[Value::String(text)])
}

/// `String.prototype.matchAll` (22.1.3.14).
fn match_all(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    coercible(vm, this, "matchAll")?;
    let regexp = arg(args, 0);
    if !regexp.is_nullish() {
        if is_regexp(vm, host, &regexp)? {
            require_global_flag(vm, host, &regexp, "matchAll")?;
        }
        if let Some(matcher) = get_method(vm, host, &regexp, symbols::MATCH_ALL)? {
            return vm.call(host, &matcher, &regexp, std::slice::from_ref(this));
        }
    }
    let text = vm.to_string(host, this)?;
    let rx = regexp_create(vm, host, &regexp, Value::str("g"))?;
    invoke(vm, host, &rx, symbols::MATCH_ALL, &[Value::String(text)])
}

/// `String.prototype.search` (22.1.3.23).
fn search(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    coercible(vm, this, "search")?;
    let regexp = arg(args, 0);
    if !regexp.is_nullish() {
        if let Some(searcher) = get_method(vm, host, &regexp, symbols::SEARCH)? {
            return vm.call(host, &searcher, &regexp, std::slice::from_ref(this));
        }
    }
    let text = vm.to_string(host, this)?;
    let rx = regexp_create(vm, host, &regexp, Value::Undefined)?;
    invoke(vm, host, &rx, symbols::SEARCH, &[Value::String(text)])
}

/// The replacement of replace and replaceAll with a string pattern: a
/// function, or a template for GetSubstitution.
enum Replacer {
    Function(Value),
    Template(JsStr),
}

impl Replacer {
    /// Steps 5-6 of 22.1.3.19: a non-callable replacement is made a string first.
    fn new(vm: &mut Vm, host: &mut dyn Embedder, value: Value) -> JsResult<Replacer> {
        if vm.is_callable(&value) {
            Ok(Replacer::Function(value))
        } else {
            Ok(Replacer::Template(vm.to_string(host, &value)?))
        }
    }

    fn replacement(&self, vm: &mut Vm, host: &mut dyn Embedder, matched: &JsStr, text: &JsStr, position: usize) -> JsResult<JsStr> {
        match self {
            Replacer::Function(f) => {
                let args = [Value::String(matched.clone()), Value::Number(position as f64), Value::String(text.clone())];
                let result = vm.call(host, f, &Value::Undefined, &args)?;
                vm.to_string(host, &result)
            }
            Replacer::Template(template) => get_substitution(vm, host, matched, text, position, &[], &Value::Undefined, template),
        }
    }
}

/// GetSubstitution (22.1.3.19.1): expands `$$`, `$&`, `` $` ``, `$'`,
/// `$n`/`$nn` and `$<name>` in `template`. `captures` are the match's
/// groups (strings or undefined); `named_captures` is the groups object or
/// undefined. Shared with RegExp.prototype[@@replace].
#[allow(clippy::too_many_arguments)]
pub(crate) fn get_substitution(
    vm: &mut Vm,
    host: &mut dyn Embedder,
    matched: &JsStr,
    text: &JsStr,
    position: usize,
    captures: &[Value],
    named_captures: &Value,
    template: &JsStr,
) -> JsResult<JsStr> {
    const DOLLAR: u16 = b'$' as u16;
    if !template.iter().any(|unit| unit == DOLLAR) {
        return Ok(template.clone());
    }
    let is_digit = |unit: u16| (u16::from(b'0')..=u16::from(b'9')).contains(&unit);
    let units = template.units();
    let len = text.len();
    let mut out: Vec<u16> = Vec::with_capacity(units.len());
    let mut i = 0;
    while i < units.len() {
        let unit = units[i];
        let next = units.get(i + 1).copied();
        let Some(next) = next.filter(|_| unit == DOLLAR) else {
            if out.len() >= crate::STRING_LENGTH_MAX {
                return vm.range_error("Invalid string length");
            }
            out.push(unit);
            i += 1;
            continue;
        };
        match next {
            0x24 /* $ */ => {
                push_ascii(vm, &mut out, "$")?;
                i += 2;
            }
            0x26 /* & */ => {
                push_str(vm, &mut out, matched)?;
                i += 2;
            }
            0x60 /* ` */ => {
                push_str(vm, &mut out, &text.slice(0, position.min(len)))?;
                i += 2;
            }
            0x27 /* ' */ => {
                let tail = position.saturating_add(matched.len()).min(len);
                push_str(vm, &mut out, &text.slice(tail, len))?;
                i += 2;
            }
            digit if is_digit(digit) => {
                let first = usize::from(digit - u16::from(b'0'));
                let two = units.get(i + 2).copied().filter(|u| is_digit(*u)).map(|u| first * 10 + usize::from(u - u16::from(b'0')));
                // Two digits name a group only when there are that many;
                // otherwise the second digit is literal text.
                let (index, width) = match two {
                    Some(n) if n <= captures.len() => (n, 3),
                    _ => (first, 2),
                };
                if (1..=captures.len()).contains(&index) {
                    match captures.get(index - 1) {
                        Some(Value::String(capture)) => push_str(vm, &mut out, capture)?,
                        Some(Value::Undefined) | None => {}
                        Some(other) => {
                            let capture = vm.to_string(host, other)?;
                            push_str(vm, &mut out, &capture)?;
                        }
                    }
                } else {
                    let reference = JsStr::from_units(units.get(i..i + width).unwrap_or(&[]).to_vec());
                    push_str(vm, &mut out, &reference)?;
                }
                i += width;
            }
            0x3C /* < */ => {
                let close = units.get(i + 2..).unwrap_or(&[]).iter().position(|u| *u == u16::from(b'>'));
                match close {
                    Some(offset) if !named_captures.is_undefined() => {
                        let name = JsStr::from_units(units.get(i + 2..i + 2 + offset).unwrap_or(&[]).to_vec());
                        let key = vm.key_of_str(&name);
                        let capture = vm.get(host, named_captures, key)?;
                        if !capture.is_undefined() {
                            let capture = vm.to_string(host, &capture)?;
                            push_str(vm, &mut out, &capture)?;
                        }
                        i += offset + 3;
                    }
                    _ => {
                        push_ascii(vm, &mut out, "$<")?;
                        i += 2;
                    }
                }
            }
            _ => {
                push_ascii(vm, &mut out, "$")?;
                i += 1;
            }
        }
    }
    Ok(JsStr::from_units(out))
}

/// `String.prototype.replace` (22.1.3.19).
fn replace(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    coercible(vm, this, "replace")?;
    let search_value = arg(args, 0);
    let replace_value = arg(args, 1);
    if !search_value.is_nullish() {
        if let Some(replacer) = get_method(vm, host, &search_value, symbols::REPLACE)? {
            return vm.call(host, &replacer, &search_value, &[this.clone(), replace_value]);
        }
    }
    let text = vm.to_string(host, this)?;
    let search = vm.to_string(host, &search_value)?;
    let replacer = Replacer::new(vm, host, replace_value)?;
    let Some(position) = text.find(&search, 0) else { return Ok(Value::String(text)) };
    let replacement = replacer.replacement(vm, host, &search, &text, position)?;
    let mut out = Vec::new();
    push_str(vm, &mut out, &text.slice(0, position))?;
    push_str(vm, &mut out, &replacement)?;
    push_str(vm, &mut out, &text.slice(position + search.len(), text.len()))?;
    Ok(Value::String(JsStr::from_units(out)))
}

/// `String.prototype.replaceAll` (22.1.3.20): every match is found before
/// any replacement runs; an empty pattern matches between every unit.
fn replace_all(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    coercible(vm, this, "replaceAll")?;
    let search_value = arg(args, 0);
    let replace_value = arg(args, 1);
    if !search_value.is_nullish() {
        if is_regexp(vm, host, &search_value)? {
            require_global_flag(vm, host, &search_value, "replaceAll")?;
        }
        if let Some(replacer) = get_method(vm, host, &search_value, symbols::REPLACE)? {
            return vm.call(host, &replacer, &search_value, &[this.clone(), replace_value]);
        }
    }
    let text = vm.to_string(host, this)?;
    let search = vm.to_string(host, &search_value)?;
    let replacer = Replacer::new(vm, host, replace_value)?;
    let search_len = search.len();
    let advance = search_len.max(1);
    let mut positions = Vec::new();
    let mut next = text.find(&search, 0);
    while let Some(position) = next {
        positions.push(position);
        next = text.find(&search, position + advance);
    }
    let mut end_of_last = 0;
    let mut out = Vec::new();
    for position in positions {
        let replacement = replacer.replacement(vm, host, &search, &text, position)?;
        push_str(vm, &mut out, &text.slice(end_of_last, position))?;
        push_str(vm, &mut out, &replacement)?;
        end_of_last = position + search_len;
    }
    if end_of_last < text.len() {
        push_str(vm, &mut out, &text.slice(end_of_last, text.len()))?;
    }
    Ok(Value::String(JsStr::from_units(out)))
}

/// `String.prototype.split` (22.1.3.23) with a string separator; RegExps
/// split through their @@split.
fn split(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    coercible(vm, this, "split")?;
    let separator = arg(args, 0);
    let limit = arg(args, 1);
    if !separator.is_nullish() {
        if let Some(splitter) = get_method(vm, host, &separator, symbols::SPLIT)? {
            return vm.call(host, &splitter, &separator, &[this.clone(), limit]);
        }
    }
    let text = vm.to_string(host, this)?;
    let lim = match limit {
        Value::Undefined => u32::MAX,
        limit => {
            let n = vm.to_number(host, &limit)?;
            crate::number::to_uint32(n)
        }
    };
    let sep = vm.to_string(host, &separator)?;
    if lim == 0 {
        return Ok(Value::Object(vm.new_array(Vec::new())));
    }
    if separator.is_undefined() {
        return Ok(Value::Object(vm.new_array(vec![Value::String(text)])));
    }
    let lim = lim as usize;
    if sep.is_empty() {
        let count = lim.min(text.len());
        let parts = (0..count).map(|i| Value::String(text.slice(i, i + 1))).collect();
        return Ok(Value::Object(vm.new_array(parts)));
    }
    if text.is_empty() {
        return Ok(Value::Object(vm.new_array(vec![Value::String(text)])));
    }
    let mut parts = Vec::new();
    let mut start = 0;
    let mut next = text.find(&sep, 0);
    while let Some(position) = next {
        parts.push(Value::String(text.slice(start, position)));
        if parts.len() >= lim {
            return Ok(Value::Object(vm.new_array(parts)));
        }
        start = position + sep.len();
        next = text.find(&sep, start);
    }
    parts.push(Value::String(text.slice(start, text.len())));
    Ok(Value::Object(vm.new_array(parts)))
}

// ---------------------------------------------------------------------------
// The string iterator (22.1.3.36, 22.1.5)
// ---------------------------------------------------------------------------

/// `String.prototype[@@iterator]` (22.1.3.36): iterates code points.
fn string_iterator(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let text = this_string(vm, host, this, "[Symbol.iterator]")?;
    let proto = vm.intrinsics.string_iterator_prototype;
    let state = IterState::String { text, index: 0 };
    Ok(Value::Object(vm.heap.alloc(Some(proto), Kind::Iterator(Box::new(state)), 0)))
}

/// `%StringIteratorPrototype%.next` (22.1.5.1.1): a surrogate pair is one
/// step, a lone surrogate another.
fn string_iterator_next(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let found = match this {
        Value::Object(id) => match &vm.heap.get(*id).kind {
            Kind::Iterator(state) => match &**state {
                IterState::String { text, index } => Some((*id, text.clone(), *index)),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    };
    let Some((id, text, index)) = found else {
        let what = describe_receiver(vm, this);
        return vm.type_error(&format!("Method String Iterator.prototype.next called on incompatible receiver {what}"));
    };
    if index >= text.len() {
        // Done for good: drop the string so the iterator holds nothing.
        if let Kind::Iterator(state) = &mut vm.heap.get_mut(id).kind {
            **state = IterState::String { text: JsStr::empty(), index: 0 };
        }
        return Ok(super::array::iter_result(vm, Value::Undefined, true));
    }
    let (_, size) = text.code_point_at(index);
    if let Kind::Iterator(state) = &mut vm.heap.get_mut(id).kind {
        if let IterState::String { index: position, .. } = &mut **state {
            *position = index + size;
        }
    }
    Ok(super::array::iter_result(vm, Value::String(text.slice(index, index + size)), false))
}

/// How V8 shows a wrong receiver: primitives as text, objects as
/// `#<Constructor>` (read without running getters).
fn describe_receiver(vm: &Vm, value: &Value) -> String {
    match value {
        Value::String(text) => text.to_rust(),
        Value::Number(n) => number_to_string(*n),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_string(),
        Value::Undefined | Value::Empty => "undefined".to_string(),
        Value::Symbol(sym) => symbol_descriptive_string(vm, *sym).to_rust(),
        Value::Object(id) => {
            let mut current = Some(*id);
            let mut name = String::from("Object");
            for _ in 0..crate::PROTO_CHAIN_MAX {
                let Some(object) = current else { break };
                if let Some(found) = vm.own_property(object, Key::Atom(atoms::CONSTRUCTOR)) {
                    if let (false, Value::Object(constructor)) = (found.is_accessor(), &found.value) {
                        if let Some(Value::String(text)) = vm.own_property(*constructor, Key::Atom(atoms::NAME)).map(|f| f.value) {
                            if !text.is_empty() {
                                name = text.to_rust();
                            }
                        }
                    }
                    break;
                }
                current = vm.heap.get(object).proto;
            }
            format!("#<{name}>")
        }
    }
}

// ---------------------------------------------------------------------------
// Annex B HTML methods (B.2.2.2-14)
// ---------------------------------------------------------------------------

/// CreateHTML (B.2.2.2.1): `<tag attr="value">text</tag>`, with `"` in the
/// value escaped as `&quot;`.
fn create_html(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, value: &Value, method: &str, tag: &str, attribute: &str) -> JsResult<Value> {
    let text = this_string(vm, host, this, method)?;
    let mut out = Vec::new();
    push_ascii(vm, &mut out, "<")?;
    push_ascii(vm, &mut out, tag)?;
    if !attribute.is_empty() {
        let value = vm.to_string(host, value)?;
        push_ascii(vm, &mut out, " ")?;
        push_ascii(vm, &mut out, attribute)?;
        push_ascii(vm, &mut out, "=\"")?;
        let quote = JsStr::from_str("\"");
        let mut start = 0;
        while let Some(at) = value.find(&quote, start) {
            push_str(vm, &mut out, &value.slice(start, at))?;
            push_ascii(vm, &mut out, "&quot;")?;
            start = at + 1;
        }
        push_str(vm, &mut out, &value.slice(start, value.len()))?;
        push_ascii(vm, &mut out, "\"")?;
    }
    push_ascii(vm, &mut out, ">")?;
    push_str(vm, &mut out, &text)?;
    push_ascii(vm, &mut out, "</")?;
    push_ascii(vm, &mut out, tag)?;
    push_ascii(vm, &mut out, ">")?;
    Ok(Value::String(JsStr::from_units(out)))
}

macro_rules! html_method {
    ($($f:ident = ($tag:literal, $attribute:literal),)*) => {
        $(
            fn $f(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
                create_html(vm, host, this, &arg(args, 0), stringify!($f), $tag, $attribute)
            }
        )*
    };
}

html_method! {
    anchor = ("a", "name"),
    big = ("big", ""),
    blink = ("blink", ""),
    bold = ("b", ""),
    fixed = ("tt", ""),
    fontcolor = ("font", "color"),
    fontsize = ("font", "size"),
    italics = ("i", ""),
    link = ("a", "href"),
    small = ("small", ""),
    strike = ("strike", ""),
    sub = ("sub", ""),
    sup = ("sup", ""),
}
