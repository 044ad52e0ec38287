//! `RegExp`, `RegExp.prototype` and `%RegExpStringIteratorPrototype%`
//! (ECMA-262 22.2), with Annex B's `RegExp.prototype.compile` (B.2.4).
//!
//! Matching is regress's: a pattern is compiled once per (source, flags)
//! and shared. Strings are matched on their UTF-16 code units, so every
//! index a program sees (`index`, `lastIndex`, `indices`) is in code units:
//! non-unicode regexps read the text as UCS-2 (a lone surrogate is one
//! character), `u`/`v` regexps as UTF-16 (a pair is one character).

use super::{arg, link_constructor};
use crate::atoms;
use crate::object::{FunctionKind, IterState, Kind, NativeFn, RegExpData};
use crate::props::Descriptor;
use crate::shape::{CONFIGURABLE, DEFAULT_ATTRS, METHOD_ATTRS, WRITABLE};
use crate::string::JsStr;
use crate::value::{Key, ObjId, Value};
use crate::vm::symbols;
use crate::{Embedder, ErrorType, JsResult, Vm};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

// The flags as bits, in the spec's order "dgimsuvy".
const HAS_INDICES: u8 = 1;
const GLOBAL: u8 = 2;
const IGNORE_CASE: u8 = 4;
const MULTILINE: u8 = 8;
const DOT_ALL: u8 = 16;
const UNICODE: u8 = 32;
const UNICODE_SETS: u8 = 64;
const STICKY: u8 = 128;
/// The flags that change what the compiled matcher does.
const COMPILE_BITS: u8 = IGNORE_CASE | MULTILINE | DOT_ALL | UNICODE | UNICODE_SETS;
/// Compiled matchers kept for reuse (a literal in a loop makes a new
/// RegExp object each time it runs; its pattern need not be compiled again).
const MATCHER_CACHE_MAX: usize = 256;

pub(super) fn install(vm: &mut Vm) {
    let prototype = vm.intrinsics.regexp_prototype;
    let constructor = vm.native_function("RegExp", 2, regexp_constructor);
    link_constructor(vm, "RegExp", constructor, prototype);
    define_getter(vm, constructor, Key::Symbol(symbols::SPECIES), "get [Symbol.species]", species_getter);

    // V8's property order: exec, the getters, compile, toString, test.
    vm.define_method(prototype, "exec", 1, exec_method);
    define_getter(vm, prototype, Key::Atom(atoms::DOT_ALL), "get dotAll", get_dot_all);
    define_getter(vm, prototype, Key::Atom(atoms::FLAGS), "get flags", flags_getter);
    define_getter(vm, prototype, Key::Atom(atoms::GLOBAL), "get global", get_global);
    define_getter(vm, prototype, Key::Atom(atoms::HAS_INDICES), "get hasIndices", get_has_indices);
    define_getter(vm, prototype, Key::Atom(atoms::IGNORE_CASE), "get ignoreCase", get_ignore_case);
    define_getter(vm, prototype, Key::Atom(atoms::MULTILINE), "get multiline", get_multiline);
    define_getter(vm, prototype, Key::Atom(atoms::SOURCE), "get source", source_getter);
    define_getter(vm, prototype, Key::Atom(atoms::STICKY), "get sticky", get_sticky);
    define_getter(vm, prototype, Key::Atom(atoms::UNICODE), "get unicode", get_unicode);
    vm.define_method(prototype, "compile", 2, compile);
    vm.define_method(prototype, "toString", 0, to_string);
    vm.define_method(prototype, "test", 1, test);
    define_getter(vm, prototype, Key::Atom(atoms::UNICODE_SETS), "get unicodeSets", get_unicode_sets);

    let symbol_methods: &[(&str, u32, NativeFn, crate::value::Sym)] = &[
        ("[Symbol.match]", 1, symbol_match, symbols::MATCH),
        ("[Symbol.matchAll]", 1, symbol_match_all, symbols::MATCH_ALL),
        ("[Symbol.replace]", 2, symbol_replace, symbols::REPLACE),
        ("[Symbol.search]", 1, symbol_search, symbols::SEARCH),
        ("[Symbol.split]", 2, symbol_split, symbols::SPLIT),
    ];
    for (name, length, f, sym) in symbol_methods {
        let function = vm.native_function(name, *length, *f);
        // matchAll and split need %RegExp% itself (SpeciesConstructor's
        // default), which a program cannot reach once it replaces
        // `RegExp.prototype.constructor`: the functions carry it.
        vm.set_native_data(function, Value::Object(constructor));
        vm.heap.put(prototype, Key::Symbol(*sym), Value::Object(function), METHOD_ATTRS);
    }

    // %RegExpStringIteratorPrototype% (22.2.9.2).
    let iterator_prototype = vm.intrinsics.regexp_string_iterator_prototype;
    vm.define_method(iterator_prototype, "next", 0, string_iterator_next);
    vm.heap.put(iterator_prototype, Key::Symbol(symbols::TO_STRING_TAG), Value::str("RegExp String Iterator"), CONFIGURABLE);
}

fn define_getter(vm: &mut Vm, target: ObjId, key: Key, name: &str, f: NativeFn) {
    let getter = vm.native_function(name, 0, f);
    let desc =
        Descriptor { get: Some(Value::Object(getter)), set: Some(Value::Undefined), enumerable: Some(false), configurable: Some(true), ..Default::default() };
    vm.define_property(target, key, &desc);
}

/// %RegExp%, as carried by the running native (see `install`).
fn intrinsic_regexp(vm: &Vm) -> Value {
    let carried = vm.current_native().and_then(|id| match &vm.heap.get(id).kind {
        Kind::Function(kind) => match &**kind {
            FunctionKind::Native { data, .. } if data.is_object() => Some(data.clone()),
            _ => None,
        },
        _ => None,
    });
    carried.unwrap_or_else(|| vm.heap.own(vm.intrinsics.regexp_prototype, Key::Atom(atoms::CONSTRUCTOR)).map(|found| found.value).unwrap_or_default())
}

/// Whether `value` is the native function `f` (a built-in not replaced by the program).
fn is_native(vm: &Vm, value: &Value, f: NativeFn) -> bool {
    let Value::Object(id) = value else { return false };
    match &vm.heap.get(*id).kind {
        Kind::Function(kind) => matches!(&**kind, FunctionKind::Native { f: g, .. } if *g as usize == f as usize),
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// Flags, compilation, RegExpCreate
// ---------------------------------------------------------------------------

/// The flags' bits, or `None` when a unit is not one of "dgimsuvy", one
/// repeats, or both `u` and `v` are given (22.2.3.1 RegExpInitialize step 5-7).
fn flag_bits(flags: &JsStr) -> Option<u8> {
    let mut bits = 0u8;
    for unit in flags.iter() {
        let bit = match u8::try_from(unit).ok()? {
            b'd' => HAS_INDICES,
            b'g' => GLOBAL,
            b'i' => IGNORE_CASE,
            b'm' => MULTILINE,
            b's' => DOT_ALL,
            b'u' => UNICODE,
            b'v' => UNICODE_SETS,
            b'y' => STICKY,
            _ => return None,
        };
        if bits & bit != 0 {
            return None;
        }
        bits |= bit;
    }
    if bits & UNICODE != 0 && bits & UNICODE_SETS != 0 {
        return None;
    }
    Some(bits)
}

fn has_flag(flags: &JsStr, flag: u8) -> bool {
    flags.iter().any(|unit| unit == u16::from(flag))
}

thread_local! {
    static MATCHERS: RefCell<HashMap<(JsStr, u8), Rc<regress::Regex>>> = RefCell::new(HashMap::new());
}

/// Parses and compiles `pattern` (22.2.3.4 ParsePattern): a unicode pattern
/// is read as code points (a lone surrogate stays itself), any other as code
/// units, so that a literal astral character is two characters as the
/// UCS-2 text it is matched against. Errors read as V8's SyntaxError.
fn new_matcher(vm: &mut Vm, pattern: &JsStr, flags: &JsStr) -> JsResult<(Rc<regress::Regex>, u8)> {
    let Some(bits) = flag_bits(flags) else {
        return vm.throw(ErrorType::SyntaxError, &format!("Invalid flags supplied to RegExp constructor '{flags}'"));
    };
    let key = (pattern.clone(), bits & COMPILE_BITS);
    if let Some(hit) = MATCHERS.with(|cache| cache.borrow().get(&key).cloned()) {
        return Ok((hit, bits));
    }
    let unicode = bits & (UNICODE | UNICODE_SETS) != 0;
    let units = pattern.units();
    let points: Vec<u32> = if unicode {
        char::decode_utf16(units.iter().copied())
            .map(|decoded| match decoded {
                Ok(c) => u32::from(c),
                Err(lone) => u32::from(lone.unpaired_surrogate()),
            })
            .collect()
    } else {
        units.iter().map(|unit| u32::from(*unit)).collect()
    };
    let options = regress::Flags {
        icase: bits & IGNORE_CASE != 0,
        multiline: bits & MULTILINE != 0,
        dot_all: bits & DOT_ALL != 0,
        // regress reads `v` as a superset of `u` only when both are set.
        unicode,
        unicode_sets: bits & UNICODE_SETS != 0,
        no_opt: false,
    };
    match regress::Regex::from_unicode(points.iter().copied(), options) {
        Ok(regex) => {
            let regex = Rc::new(regex);
            MATCHERS.with(|cache| {
                let mut cache = cache.borrow_mut();
                if cache.len() >= MATCHER_CACHE_MAX {
                    cache.clear();
                }
                cache.insert(key, regex.clone());
            });
            Ok((regex, bits))
        }
        Err(error) => {
            let why = v8_error_text(pattern, &error.to_string());
            vm.throw(ErrorType::SyntaxError, &format!("Invalid regular expression: /{pattern}/{flags}: {why}"))
        }
    }
}

/// V8's wording for the commonest of regress's syntax errors; the rest keep
/// regress's text.
fn v8_error_text(pattern: &JsStr, regress_text: &str) -> String {
    let text = match regress_text {
        "Unbalanced parenthesis" => {
            // regress says this of both a missing and an extra ")".
            let (mut depth, mut escaped, mut in_class, mut extra) = (0i64, false, false, false);
            for unit in pattern.iter() {
                match unit {
                    _ if escaped => escaped = false,
                    0x5C => escaped = true,
                    0x5B => in_class = true,
                    0x5D => in_class = false,
                    0x28 if !in_class => depth += 1,
                    0x29 if !in_class => {
                        depth -= 1;
                        extra |= depth < 0;
                    }
                    _ => {}
                }
            }
            if extra {
                "Unmatched ')'"
            } else {
                "Unterminated group"
            }
        }
        "Unbalanced bracket" => "Unterminated character class",
        "Incomplete escape" => "\\ at end of pattern",
        "Quantifier not allowed here" => "Nothing to repeat",
        "Invalid quantifier" => "numbers out of order in {} quantifier",
        other => other,
    };
    text.to_string()
}

/// RegExpCreate / RegExpAlloc + RegExpInitialize (22.2.3.1-22.2.3.3) for a
/// pattern and flags already made strings: a RegExp object with prototype
/// `proto` and an own `lastIndex` of 0 (writable, not enumerable, not
/// configurable). Regular expression literals are created through here too.
pub(crate) fn regexp_create(vm: &mut Vm, _host: &mut dyn Embedder, pattern: JsStr, flags: JsStr, proto: ObjId) -> JsResult<Value> {
    let (matcher, _) = new_matcher(vm, &pattern, &flags)?;
    let data = RegExpData { source: pattern, flags, matcher };
    let id = vm.heap.alloc(Some(proto), Kind::RegExp(Box::new(data)), 0);
    vm.heap.put(id, Key::Atom(atoms::LAST_INDEX), Value::Number(0.0), WRITABLE);
    Ok(Value::Object(id))
}

fn is_regexp_object(vm: &Vm, id: ObjId) -> bool {
    matches!(vm.heap.get(id).kind, Kind::RegExp(_))
}

/// [[OriginalSource]] and [[OriginalFlags]] of a RegExp object.
fn source_and_flags(vm: &Vm, value: &Value) -> Option<(JsStr, JsStr)> {
    let Value::Object(id) = value else { return None };
    match &vm.heap.get(*id).kind {
        Kind::RegExp(data) => Some((data.source.clone(), data.flags.clone())),
        _ => None,
    }
}

/// IsRegExp (7.2.8): `@@match` decides when present, else [[RegExpMatcher]].
fn is_regexp(vm: &mut Vm, host: &mut dyn Embedder, value: &Value) -> JsResult<bool> {
    let Value::Object(id) = value else { return Ok(false) };
    let id = *id;
    let matcher = vm.get(host, value, Key::Symbol(symbols::MATCH))?;
    if !matcher.is_undefined() {
        return Ok(matcher.truthy());
    }
    Ok(is_regexp_object(vm, id))
}

/// `undefined` becomes "", anything else ToString (RegExpInitialize steps 1-4).
fn string_or_empty(vm: &mut Vm, host: &mut dyn Embedder, value: &Value) -> JsResult<JsStr> {
    if value.is_undefined() {
        Ok(JsStr::empty())
    } else {
        vm.to_string(host, value)
    }
}

/// `RegExp(pattern, flags)` (22.2.4.1).
fn regexp_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    let pattern = arg(args, 0);
    let flags = arg(args, 1);
    let pattern_is_regexp = is_regexp(vm, host, &pattern)?;
    let target = match new_target {
        Some(target) => Value::Object(target),
        None => {
            // Step 2: called as a function, `RegExp(re)` is `re` itself when
            // its constructor is this very function.
            let active = vm.current_native().map_or(Value::Undefined, Value::Object);
            if pattern_is_regexp && flags.is_undefined() {
                let pattern_constructor = vm.get(host, &pattern, Key::Atom(atoms::CONSTRUCTOR))?;
                if pattern_constructor.same_value(&active) {
                    return Ok(pattern);
                }
            }
            active
        }
    };
    let (p, f) = if let Some((source, original_flags)) = source_and_flags(vm, &pattern) {
        (Value::String(source), if flags.is_undefined() { Value::String(original_flags) } else { flags })
    } else if pattern_is_regexp {
        let source = vm.get(host, &pattern, Key::Atom(atoms::SOURCE))?;
        let f = if flags.is_undefined() { vm.get(host, &pattern, Key::Atom(atoms::FLAGS))? } else { flags };
        (source, f)
    } else {
        (pattern, flags)
    };
    // RegExpAlloc: GetPrototypeFromConstructor(newTarget, %RegExp.prototype%).
    let proto = if target.is_object() { vm.get(host, &target, Key::Atom(atoms::PROTOTYPE))?.as_object() } else { None };
    let proto = proto.unwrap_or(vm.intrinsics.regexp_prototype);
    let p = string_or_empty(vm, host, &p)?;
    let f = string_or_empty(vm, host, &f)?;
    regexp_create(vm, host, p, f, proto)
}

/// `get RegExp[@@species]` (22.2.5.2).
fn species_getter(_vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    Ok(this.clone())
}

/// `RegExp.prototype.compile(pattern, flags)` (B.2.4.1): re-initializes
/// this RegExp in place.
fn compile(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let target = match this {
        Value::Object(id) if is_regexp_object(vm, *id) => *id,
        _ => {
            let what = vm.to_display(this);
            return vm.type_error(&format!("Method RegExp.prototype.compile called on incompatible receiver {what}"));
        }
    };
    let pattern = arg(args, 0);
    let flags = arg(args, 1);
    let (p, f) = match source_and_flags(vm, &pattern) {
        Some(pair) => {
            if !flags.is_undefined() {
                return vm.type_error("Cannot supply flags when constructing one RegExp from another");
            }
            pair
        }
        None => {
            let p = string_or_empty(vm, host, &pattern)?;
            (p, string_or_empty(vm, host, &flags)?)
        }
    };
    let (matcher, _) = new_matcher(vm, &p, &f)?;
    vm.heap.get_mut(target).kind = Kind::RegExp(Box::new(RegExpData { source: p, flags: f, matcher }));
    set_last_index(vm, host, target, 0.0)?;
    Ok(this.clone())
}

// ---------------------------------------------------------------------------
// Abstract operations shared by the methods
// ---------------------------------------------------------------------------

/// ToIntegerOrInfinity (7.1.5).
fn to_integer(vm: &mut Vm, host: &mut dyn Embedder, value: &Value) -> JsResult<f64> {
    let n = match value {
        Value::Number(n) => *n,
        other => vm.to_number(host, other)?,
    };
    Ok(if n.is_nan() {
        0.0
    } else if n.is_infinite() {
        n
    } else {
        n.trunc() + 0.0
    })
}

/// ToLength (7.1.20).
fn to_length(vm: &mut Vm, host: &mut dyn Embedder, value: &Value) -> JsResult<f64> {
    Ok(to_integer(vm, host, value)?.clamp(0.0, MAX_SAFE_INTEGER))
}

/// LengthOfArrayLike (7.3.18).
fn length_of(vm: &mut Vm, host: &mut dyn Embedder, value: &Value) -> JsResult<f64> {
    let length = vm.get(host, value, Key::Atom(atoms::LENGTH))?;
    to_length(vm, host, &length)
}

fn index_key(vm: &mut Vm, index: usize) -> Key {
    match u32::try_from(index) {
        Ok(small) if small != u32::MAX => Key::Index(small),
        _ => vm.key(&index.to_string()),
    }
}

fn get_last_index(vm: &mut Vm, host: &mut dyn Embedder, r: ObjId) -> JsResult<f64> {
    let value = vm.get(host, &Value::Object(r), Key::Atom(atoms::LAST_INDEX))?;
    to_length(vm, host, &value)
}

/// Set(R, "lastIndex", value, true).
fn set_last_index(vm: &mut Vm, host: &mut dyn Embedder, r: ObjId, value: f64) -> JsResult<()> {
    vm.set(host, &Value::Object(r), Key::Atom(atoms::LAST_INDEX), Value::Number(value), true)?;
    Ok(())
}

/// AdvanceStringIndex (22.2.7.3).
fn advance(text: &JsStr, index: f64, unicode: bool) -> f64 {
    if !unicode || index + 1.0 >= text.len() as f64 {
        return index + 1.0;
    }
    let (_, size) = text.code_point_at(index as usize);
    index + size as f64
}

/// fullUnicode as read, or'ed with a RegExp's own `u`/`v`: `builtin_match`
/// reads a lastIndex inside a pair as the pair, so stepping into a pair
/// after an empty match would find that match again, forever.
fn full_unicode_for(vm: &Vm, r: ObjId, read: bool) -> bool {
    read || matches!(&vm.heap.get(r).kind, Kind::RegExp(data) if flag_bits(&data.flags).unwrap_or(0) & (UNICODE | UNICODE_SETS) != 0)
}

/// ToString(Get(rx, "flags")).
fn flags_of(vm: &mut Vm, host: &mut dyn Embedder, rx: &Value) -> JsResult<JsStr> {
    let flags = vm.get(host, rx, Key::Atom(atoms::FLAGS))?;
    vm.to_string(host, &flags)
}

/// Runs `matcher` on `text` from code unit `start`: the leftmost match at
/// or after it. ASCII text is handed over as it is stored (byte offsets are
/// unit offsets); other text as its UTF-16 units, without copying.
fn run_matcher(matcher: &regress::Regex, text: &JsStr, start: usize, full_unicode: bool) -> Option<regress::Match> {
    if let Some(ascii) = text.as_ascii() {
        return matcher.find_from(ascii, start).next();
    }
    text.with_units(|units| if full_unicode { matcher.find_from_utf16(units, start).next() } else { matcher.find_from_ucs2(units, start).next() })
}

fn is_high_surrogate(unit: u16) -> bool {
    (0xD800..0xDC00).contains(&unit)
}

fn is_low_surrogate(unit: u16) -> bool {
    (0xDC00..0xE000).contains(&unit)
}

/// A successful match and what building its result needs.
struct MatchRecord {
    found: regress::Match,
    bits: u8,
    source: JsStr,
}

/// RegExpBuiltinExec (22.2.7.2) up to the match: reads lastIndex, matches,
/// and updates lastIndex for `g` and `y`. regress has no sticky mode, so a
/// sticky match must start exactly where the search began.
fn builtin_match(vm: &mut Vm, host: &mut dyn Embedder, r: ObjId, text: &JsStr) -> JsResult<Option<MatchRecord>> {
    let mut last_index = get_last_index(vm, host, r)?;
    // Read after lastIndex: its valueOf may have recompiled R.
    let (matcher, bits, source) = match &vm.heap.get(r).kind {
        Kind::RegExp(data) => (data.matcher.clone(), flag_bits(&data.flags).unwrap_or(0), data.source.clone()),
        _ => {
            let what = vm.to_display(&Value::Object(r));
            return vm.type_error(&format!("Method RegExp.prototype.exec called on incompatible receiver {what}"));
        }
    };
    let global = bits & GLOBAL != 0;
    let sticky = bits & STICKY != 0;
    let full_unicode = bits & (UNICODE | UNICODE_SETS) != 0;
    if !global && !sticky {
        last_index = 0.0;
    }
    let length = text.len();
    if last_index > length as f64 {
        if global || sticky {
            set_last_index(vm, host, r, 0.0)?;
        }
        return Ok(None);
    }
    let mut start = last_index as usize;
    // A unicode regexp reads a pair as one character: a lastIndex inside a
    // pair starts at the pair (V8 does, and so 22.2.7.2 step 13.b reads).
    if full_unicode && start > 0 && start < length && is_low_surrogate(text.at(start)) && is_high_surrogate(text.at(start - 1)) {
        start -= 1;
    }
    let found = run_matcher(&matcher, text, start, full_unicode).filter(|m| !sticky || m.start() == start);
    let Some(found) = found else {
        if global || sticky {
            set_last_index(vm, host, r, 0.0)?;
        }
        return Ok(None);
    };
    if global || sticky {
        set_last_index(vm, host, r, found.end().min(length) as f64)?;
    }
    Ok(Some(MatchRecord { found, bits, source }))
}

/// RegExpBuiltinExec (22.2.7.2): the match array or null.
fn builtin_exec(vm: &mut Vm, host: &mut dyn Embedder, r: ObjId, text: &JsStr) -> JsResult<Value> {
    match builtin_match(vm, host, r, text)? {
        Some(record) => Ok(match_to_array(vm, text, &record)),
        None => Ok(Value::Null),
    }
}

fn index_pair(vm: &mut Vm, start: usize, end: usize) -> Value {
    Value::Object(vm.new_array(vec![Value::Number(start as f64), Value::Number(end as f64)]))
}

/// Steps 20-35 of RegExpBuiltinExec: the array of the match and its
/// captures, with `index`, `input`, `groups` (a null-prototype object, or
/// undefined when the pattern names no group) and, for `d`, `indices`
/// (22.2.7.8 MakeMatchIndicesIndexPairArray).
fn match_to_array(vm: &mut Vm, text: &JsStr, record: &MatchRecord) -> Value {
    let m = &record.found;
    let length = text.len();
    let end = m.end().min(length);
    let start = m.start().min(end);
    let mut values = Vec::with_capacity(m.captures.len() + 1);
    values.push(Value::String(text.slice(start, end)));
    for capture in &m.captures {
        values.push(match capture {
            Some(range) => Value::String(text.slice(range.start, range.end)),
            None => Value::Undefined,
        });
    }
    let array = vm.new_array(values);
    vm.heap.put(array, Key::Atom(atoms::INDEX), Value::Number(start as f64), DEFAULT_ATTRS);
    vm.heap.put(array, Key::Atom(atoms::INPUT), Value::String(text.clone()), DEFAULT_ATTRS);
    let named: Vec<(JsStr, Option<regress::Range>)> = m.named_groups().map(|(name, range)| (JsStr::from_str(name), range)).collect();
    let groups = if named.is_empty() {
        Value::Undefined
    } else {
        let groups = vm.heap.alloc(None, Kind::Ordinary, 0);
        for (name, range) in &named {
            let key = vm.key_of_str(name);
            let value = range.as_ref().map_or(Value::Undefined, |r| Value::String(text.slice(r.start, r.end)));
            vm.heap.put(groups, key, value, DEFAULT_ATTRS);
        }
        Value::Object(groups)
    };
    vm.heap.put(array, Key::Atom(atoms::GROUPS), groups, DEFAULT_ATTRS);
    if record.bits & HAS_INDICES != 0 {
        let mut pairs = Vec::with_capacity(m.captures.len() + 1);
        pairs.push(index_pair(vm, start, end));
        for capture in &m.captures {
            let pair = match capture {
                Some(range) => index_pair(vm, range.start.min(length), range.end.min(length)),
                None => Value::Undefined,
            };
            pairs.push(pair);
        }
        let index_groups = if named.is_empty() {
            Value::Undefined
        } else {
            // `indices.groups.x` is the very pair at `indices[i]` of group x.
            let slots = named_capture_slots(&record.source, record.bits, m.captures.len(), named.len());
            let groups = vm.heap.alloc(None, Kind::Ordinary, 0);
            for (k, (name, range)) in named.iter().enumerate() {
                let shared = slots.as_ref().and_then(|slots| slots.get(k)).and_then(|slot| pairs.get(*slot)).cloned();
                let value = match (shared, range) {
                    (Some(pair), _) => pair,
                    (None, Some(r)) => index_pair(vm, r.start.min(length), r.end.min(length)),
                    (None, None) => Value::Undefined,
                };
                let key = vm.key_of_str(name);
                vm.heap.put(groups, key, value, DEFAULT_ATTRS);
            }
            Value::Object(groups)
        };
        let indices = vm.new_array(pairs);
        vm.heap.put(indices, Key::Atom(atoms::GROUPS), index_groups, DEFAULT_ATTRS);
        vm.heap.put(array, Key::Atom(atoms::INDICES), Value::Object(indices), DEFAULT_ATTRS);
    }
    Value::Object(array)
}

/// The capture numbers (1-based) of the named groups of `source`, in order,
/// found by scanning its parentheses (regress does not say which capture a
/// name belongs to). `None` when the scan disagrees with the matcher.
fn named_capture_slots(source: &JsStr, bits: u8, captures: usize, named: usize) -> Option<Vec<usize>> {
    const BACKSLASH: u16 = b'\\' as u16;
    let unit = |i: usize| source.get(i);
    let nested_classes = bits & UNICODE_SETS != 0;
    let (mut i, mut class_depth, mut count) = (0, 0usize, 0usize);
    let mut slots = Vec::new();
    while let Some(current) = unit(i) {
        if current == BACKSLASH {
            i += 2;
            continue;
        }
        if current == u16::from(b'[') && (class_depth == 0 || nested_classes) {
            class_depth += 1;
        } else if current == u16::from(b']') && class_depth > 0 {
            class_depth -= 1;
        } else if current == u16::from(b'(') && class_depth == 0 {
            if unit(i + 1) != Some(u16::from(b'?')) {
                count += 1;
            } else if unit(i + 2) == Some(u16::from(b'<')) && !matches!(unit(i + 3), Some(0x3D | 0x21)) {
                count += 1;
                slots.push(count);
            }
        }
        i += 1;
    }
    (count == captures && slots.len() == named).then_some(slots)
}

/// RegExpExec (22.2.7.1) with `exec` already read: a program's own `exec`
/// is called and must return an object or null.
fn exec_with(vm: &mut Vm, host: &mut dyn Embedder, r: ObjId, exec: &Value, text: &JsStr) -> JsResult<Value> {
    if is_native(vm, exec, exec_method) && is_regexp_object(vm, r) {
        return builtin_exec(vm, host, r, text);
    }
    let receiver = Value::Object(r);
    if vm.is_callable(exec) {
        let result = vm.call(host, exec, &receiver, &[Value::String(text.clone())])?;
        if !matches!(result, Value::Object(_) | Value::Null) {
            return vm.type_error("RegExp exec method returned something other than an Object or null");
        }
        return Ok(result);
    }
    if !is_regexp_object(vm, r) {
        let what = vm.to_display(&receiver);
        return vm.type_error(&format!("Method RegExp.prototype.exec called on incompatible receiver {what}"));
    }
    builtin_exec(vm, host, r, text)
}

/// RegExpExec (22.2.7.1).
fn regexp_exec(vm: &mut Vm, host: &mut dyn Embedder, r: ObjId, text: &JsStr) -> JsResult<Value> {
    let exec = vm.get(host, &Value::Object(r), Key::Atom(atoms::EXEC))?;
    exec_with(vm, host, r, &exec, text)
}

// ---------------------------------------------------------------------------
// RegExp.prototype
// ---------------------------------------------------------------------------

/// `RegExp.prototype.exec(string)` (22.2.6.2).
fn exec_method(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let r = match this {
        Value::Object(id) if is_regexp_object(vm, *id) => *id,
        _ => {
            let what = vm.to_display(this);
            return vm.type_error(&format!("Method RegExp.prototype.exec called on incompatible receiver {what}"));
        }
    };
    let text = vm.to_string(host, &arg(args, 0))?;
    builtin_exec(vm, host, r, &text)
}

/// `RegExp.prototype.test(S)` (22.2.6.16). With the built-in `exec` the
/// result array, which nothing could see, is not built.
fn test(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let Value::Object(r) = this else {
        // V8 names every primitive receiver "undefined" here.
        return vm.type_error("Method RegExp.prototype.test called on incompatible receiver undefined");
    };
    let r = *r;
    let text = vm.to_string(host, &arg(args, 0))?;
    let exec = vm.get(host, this, Key::Atom(atoms::EXEC))?;
    if is_native(vm, &exec, exec_method) && is_regexp_object(vm, r) {
        return Ok(Value::Bool(builtin_match(vm, host, r, &text)?.is_some()));
    }
    let result = exec_with(vm, host, r, &exec, &text)?;
    Ok(Value::Bool(!matches!(result, Value::Null)))
}

/// `RegExp.prototype.toString()` (22.2.6.17): "/" + source + "/" + flags,
/// both read with Get.
fn to_string(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    if !this.is_object() {
        let what = vm.to_display(this);
        return vm.type_error(&format!("Method RegExp.prototype.toString called on incompatible receiver {what}"));
    }
    let source = vm.get(host, this, Key::Atom(atoms::SOURCE))?;
    let source = vm.to_string(host, &source)?;
    let flags = flags_of(vm, host, this)?;
    if source.len() + flags.len() + 2 > crate::STRING_LENGTH_MAX {
        return vm.range_error("Invalid string length");
    }
    let slash = JsStr::from_str("/");
    Ok(Value::String(slash.concat(&source).concat(&slash).concat(&flags)))
}

/// `get RegExp.prototype.flags` (22.2.6.4): one Get per flag, in the order
/// of "dgimsuvy".
fn flags_getter(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    if !this.is_object() {
        let what = vm.to_display(this);
        return vm.type_error(&format!("RegExp.prototype.flags getter called on non-object {what}"));
    }
    let order = [
        ('d', atoms::HAS_INDICES),
        ('g', atoms::GLOBAL),
        ('i', atoms::IGNORE_CASE),
        ('m', atoms::MULTILINE),
        ('s', atoms::DOT_ALL),
        ('u', atoms::UNICODE),
        ('v', atoms::UNICODE_SETS),
        ('y', atoms::STICKY),
    ];
    let mut out = String::new();
    for (letter, name) in order {
        if vm.get(host, this, Key::Atom(name))?.truthy() {
            out.push(letter);
        }
    }
    Ok(Value::String(JsStr::from_string(out)))
}

/// RegExpHasFlag (22.2.6.4.1): undefined on `RegExp.prototype` itself, a
/// TypeError on anything else that is not a RegExp.
fn flag_getter(vm: &mut Vm, this: &Value, bit: u8, name: &str) -> JsResult<Value> {
    if let Value::Object(id) = this {
        if let Kind::RegExp(data) = &vm.heap.get(*id).kind {
            return Ok(Value::Bool(flag_bits(&data.flags).unwrap_or(0) & bit != 0));
        }
        if *id == vm.intrinsics.regexp_prototype {
            return Ok(Value::Undefined);
        }
    }
    vm.type_error(&format!("RegExp.prototype.{name} getter called on non-RegExp object"))
}

macro_rules! flag_getters {
    ($($function:ident => $bit:expr, $name:literal;)*) => {
        $(
            fn $function(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
                flag_getter(vm, this, $bit, $name)
            }
        )*
    };
}

flag_getters! {
    get_has_indices => HAS_INDICES, "hasIndices";
    get_global => GLOBAL, "global";
    get_ignore_case => IGNORE_CASE, "ignoreCase";
    get_multiline => MULTILINE, "multiline";
    get_dot_all => DOT_ALL, "dotAll";
    get_unicode => UNICODE, "unicode";
    get_unicode_sets => UNICODE_SETS, "unicodeSets";
    get_sticky => STICKY, "sticky";
}

/// `get RegExp.prototype.source` (22.2.6.13).
fn source_getter(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    if let Value::Object(id) = this {
        if let Some((source, _)) = source_and_flags(vm, this) {
            return escape_pattern(vm, &source).map(Value::String);
        }
        if *id == vm.intrinsics.regexp_prototype {
            return Ok(Value::str("(?:)"));
        }
    }
    vm.type_error("RegExp.prototype.source getter called on non-RegExp object")
}

/// EscapeRegExpPattern (22.2.6.13.1) as V8 writes it: "/" outside a class
/// becomes "\/", line terminators become escapes, "" becomes "(?:)".
fn escape_pattern(vm: &mut Vm, source: &JsStr) -> JsResult<JsStr> {
    if source.is_empty() {
        return Ok(JsStr::from_str("(?:)"));
    }
    let needs_escape = |unit: u16| matches!(unit, 0x2F | 0x0A | 0x0D | 0x2028 | 0x2029);
    if !source.iter().any(needs_escape) {
        return Ok(source.clone());
    }
    let letters = |unit: u16| -> &'static str {
        match unit {
            0x0A => "n",
            0x0D => "r",
            0x2028 => "u2028",
            _ => "u2029",
        }
    };
    let mut out: Vec<u16> = Vec::with_capacity(source.len() + 8);
    let (mut escaped, mut in_class) = (false, false);
    for unit in source.iter() {
        if out.len() + 6 > crate::STRING_LENGTH_MAX {
            return vm.range_error("Invalid string length");
        }
        if escaped {
            escaped = false;
            // "\" before a line terminator: the backslash is already there.
            if matches!(unit, 0x0A | 0x0D | 0x2028 | 0x2029) {
                out.extend(letters(unit).bytes().map(u16::from));
            } else {
                out.push(unit);
            }
            continue;
        }
        match unit {
            0x5C => {
                escaped = true;
                out.push(unit);
            }
            0x2F if !in_class => out.extend([0x5C, 0x2F]),
            0x5B => {
                in_class = true;
                out.push(unit);
            }
            0x5D => {
                in_class = false;
                out.push(unit);
            }
            0x0A | 0x0D | 0x2028 | 0x2029 => {
                out.push(0x5C);
                out.extend(letters(unit).bytes().map(u16::from));
            }
            _ => out.push(unit),
        }
    }
    Ok(JsStr::from_units(out))
}

/// The receiver of a symbol-keyed method, or V8's TypeError.
fn object_this(vm: &mut Vm, this: &Value, method: &str) -> JsResult<ObjId> {
    match this {
        Value::Object(id) => Ok(*id),
        _ => {
            let what = vm.to_display(this);
            vm.type_error(&format!("Method RegExp.prototype.{method} called on incompatible receiver {what}"))
        }
    }
}

/// `RegExp.prototype[@@match](string)` (22.2.6.8).
fn symbol_match(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let rx = object_this(vm, this, "@@match")?;
    let text = vm.to_string(host, &arg(args, 0))?;
    // V8 (Node 20) reads `global` and `unicode`/`unicodeSets`, as ES2021
    // did, where ES2022 reads `flags`.
    if !vm.get(host, this, Key::Atom(atoms::GLOBAL))?.truthy() {
        return regexp_exec(vm, host, rx, &text);
    }
    let mut full_unicode = vm.get(host, this, Key::Atom(atoms::UNICODE))?.truthy();
    if !full_unicode {
        full_unicode = vm.get(host, this, Key::Atom(atoms::UNICODE_SETS))?.truthy();
    }
    let full_unicode = full_unicode_for(vm, rx, full_unicode);
    set_last_index(vm, host, rx, 0.0)?;
    let mut matches = Vec::new();
    loop {
        let result = regexp_exec(vm, host, rx, &text)?;
        if !result.is_object() {
            return Ok(if matches.is_empty() { Value::Null } else { Value::Object(vm.new_array(matches)) });
        }
        let matched = vm.get(host, &result, Key::Index(0))?;
        let matched = vm.to_string(host, &matched)?;
        if matched.is_empty() {
            // An empty match must not match again at the same place.
            let this_index = get_last_index(vm, host, rx)?;
            set_last_index(vm, host, rx, advance(&text, this_index, full_unicode))?;
        }
        matches.push(Value::String(matched));
    }
}

/// `RegExp.prototype[@@matchAll](string)` (22.2.6.9): a RegExp String
/// Iterator over a copy of this regexp made by its species constructor.
fn symbol_match_all(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let rx = object_this(vm, this, "@@matchAll")?;
    let text = vm.to_string(host, &arg(args, 0))?;
    let default = intrinsic_regexp(vm);
    let constructor = super::species_constructor(vm, host, this, default)?;
    let flags = flags_of(vm, host, this)?;
    let matcher = vm.construct(host, &constructor, &[this.clone(), Value::String(flags.clone())], None)?;
    let last_index = get_last_index(vm, host, rx)?;
    let Value::Object(matcher) = matcher else { return vm.type_error("RegExp species constructor returned a non-object") };
    set_last_index(vm, host, matcher, last_index)?;
    let state = IterState::RegExpString {
        regexp: matcher,
        text,
        global: has_flag(&flags, b'g'),
        unicode: has_flag(&flags, b'u') || has_flag(&flags, b'v'),
        done: false,
    };
    let proto = vm.intrinsics.regexp_string_iterator_prototype;
    Ok(Value::Object(vm.heap.alloc(Some(proto), Kind::Iterator(Box::new(state)), 0)))
}

/// `%RegExpStringIteratorPrototype%.next()` (22.2.9.2.1).
fn string_iterator_next(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let state = match this {
        Value::Object(id) => match &vm.heap.get(*id).kind {
            Kind::Iterator(state) => match &**state {
                IterState::RegExpString { regexp, text, global, unicode, done } => Some((*id, *regexp, text.clone(), *global, *unicode, *done)),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    };
    let Some((id, regexp, text, global, unicode, done)) = state else {
        let what = vm.to_display(this);
        return vm.type_error(&format!("Method %RegExpStringIterator%.prototype.next called on incompatible receiver {what}"));
    };
    if done {
        return Ok(super::array::iter_result(vm, Value::Undefined, true));
    }
    let result = regexp_exec(vm, host, regexp, &text)?;
    if !result.is_object() {
        finish_iterator(vm, id);
        return Ok(super::array::iter_result(vm, Value::Undefined, true));
    }
    if !global {
        finish_iterator(vm, id);
        return Ok(super::array::iter_result(vm, result, false));
    }
    let matched = vm.get(host, &result, Key::Index(0))?;
    let matched = vm.to_string(host, &matched)?;
    if matched.is_empty() {
        let this_index = get_last_index(vm, host, regexp)?;
        let unicode = full_unicode_for(vm, regexp, unicode);
        set_last_index(vm, host, regexp, advance(&text, this_index, unicode))?;
    }
    Ok(super::array::iter_result(vm, result, false))
}

/// Marks a RegExp String Iterator done, dropping its text.
fn finish_iterator(vm: &mut Vm, id: ObjId) {
    if let Kind::Iterator(state) = &mut vm.heap.get_mut(id).kind {
        if let IterState::RegExpString { text, done, .. } = &mut **state {
            *text = JsStr::empty();
            *done = true;
        }
    }
}

/// Appends `text[from..to]`, throwing V8's RangeError before the result
/// would pass the longest string V8 makes.
fn push_slice(vm: &mut Vm, out: &mut Vec<u16>, text: &JsStr, from: usize, to: usize) -> JsResult<()> {
    let to = to.min(text.len());
    if from >= to {
        return Ok(());
    }
    if out.len() + (to - from) > crate::STRING_LENGTH_MAX {
        return vm.range_error("Invalid string length");
    }
    match text.as_ascii().and_then(|ascii| ascii.as_bytes().get(from..to)) {
        Some(bytes) => out.extend(bytes.iter().map(|byte| u16::from(*byte))),
        None => out.extend((from..to).map(|index| text.at(index))),
    }
    Ok(())
}

/// `RegExp.prototype[@@replace](string, replaceValue)` (22.2.6.11): every
/// match is found first, then each is replaced through GetSubstitution or
/// the replacer function (which gets the groups object when there is one).
fn symbol_replace(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let Value::Object(rx) = this else {
        // V8 names every primitive receiver "undefined" here.
        return vm.type_error("Method RegExp.prototype.@@replace called on incompatible receiver undefined");
    };
    let rx = *rx;
    let text = vm.to_string(host, &arg(args, 0))?;
    let length = text.len();
    let replace_value = arg(args, 1);
    let functional = vm.is_callable(&replace_value);
    let template = if functional { JsStr::empty() } else { vm.to_string(host, &replace_value)? };
    // V8 (Node 20) reads `global`, then `unicode` (not `flags`).
    let global = vm.get(host, this, Key::Atom(atoms::GLOBAL))?.truthy();
    let mut full_unicode = false;
    if global {
        let unicode = vm.get(host, this, Key::Atom(atoms::UNICODE))?.truthy();
        full_unicode = full_unicode_for(vm, rx, unicode);
        set_last_index(vm, host, rx, 0.0)?;
    }
    let mut results = Vec::new();
    loop {
        let result = regexp_exec(vm, host, rx, &text)?;
        if !result.is_object() {
            break;
        }
        results.push(result.clone());
        if !global {
            break;
        }
        let matched = vm.get(host, &result, Key::Index(0))?;
        if vm.to_string(host, &matched)?.is_empty() {
            let this_index = get_last_index(vm, host, rx)?;
            set_last_index(vm, host, rx, advance(&text, this_index, full_unicode))?;
        }
    }
    if results.is_empty() {
        return Ok(Value::String(text));
    }
    let mut out: Vec<u16> = Vec::new();
    let mut next_source = 0usize;
    for result in &results {
        let result_length = length_of(vm, host, result)?;
        let capture_count = (result_length - 1.0).max(0.0) as usize;
        let matched = vm.get(host, result, Key::Index(0))?;
        let matched = vm.to_string(host, &matched)?;
        let position = vm.get(host, result, Key::Atom(atoms::INDEX))?;
        let position = to_integer(vm, host, &position)?.clamp(0.0, length as f64) as usize;
        let mut captures = Vec::with_capacity(capture_count.min(1 << 16));
        for n in 1..=capture_count {
            let key = index_key(vm, n);
            let capture = vm.get(host, result, key)?;
            captures.push(if capture.is_undefined() { Value::Undefined } else { Value::String(vm.to_string(host, &capture)?) });
        }
        let named = vm.get(host, result, Key::Atom(atoms::GROUPS))?;
        let replacement = if functional {
            let mut call_args = Vec::with_capacity(captures.len() + 4);
            call_args.push(Value::String(matched.clone()));
            call_args.extend(captures);
            call_args.push(Value::Number(position as f64));
            call_args.push(Value::String(text.clone()));
            if !named.is_undefined() {
                call_args.push(named);
            }
            let value = vm.call(host, &replace_value, &Value::Undefined, &call_args)?;
            vm.to_string(host, &value)?
        } else {
            let named = if named.is_undefined() { Value::Undefined } else { Value::Object(vm.to_object(&named)?) };
            super::string::get_substitution(vm, host, &matched, &text, position, &captures, &named, &template)?
        };
        // A match before the end of the previous one is skipped (a
        // program's exec may report matches out of order).
        if position >= next_source {
            push_slice(vm, &mut out, &text, next_source, position)?;
            push_slice(vm, &mut out, &replacement, 0, replacement.len())?;
            next_source = position + matched.len();
        }
    }
    push_slice(vm, &mut out, &text, next_source, length)?;
    Ok(Value::String(JsStr::from_units(out)))
}

/// `RegExp.prototype[@@search](string)` (22.2.6.12): lastIndex is put back
/// as it was.
fn symbol_search(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let rx = object_this(vm, this, "@@search")?;
    let text = vm.to_string(host, &arg(args, 0))?;
    let previous = vm.get(host, this, Key::Atom(atoms::LAST_INDEX))?;
    if !previous.same_value(&Value::Number(0.0)) {
        set_last_index(vm, host, rx, 0.0)?;
    }
    let result = regexp_exec(vm, host, rx, &text)?;
    let current = vm.get(host, this, Key::Atom(atoms::LAST_INDEX))?;
    if !current.same_value(&previous) {
        vm.set(host, this, Key::Atom(atoms::LAST_INDEX), previous, true)?;
    }
    if !result.is_object() {
        return Ok(Value::Number(-1.0));
    }
    vm.get(host, &result, Key::Atom(atoms::INDEX))
}

/// Whether `exec` on `id` is the built-in one, found without running a getter.
fn has_builtin_exec(vm: &Vm, id: ObjId) -> bool {
    let mut current = id;
    for _ in 0..crate::PROTO_CHAIN_MAX {
        if let Some(found) = vm.own_property(current, Key::Atom(atoms::EXEC)) {
            return !found.is_accessor() && is_native(vm, &found.value, exec_method);
        }
        match vm.heap.get(current).proto {
            Some(proto) => current = proto,
            None => return false,
        }
    }
    false
}

/// `RegExp.prototype[@@split](string, limit)` (22.2.6.14): a sticky copy
/// of this regexp (made by its species constructor) is tried at each
/// position; each match ends a piece and its captures join the result.
fn symbol_split(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    object_this(vm, this, "@@split")?;
    let text = vm.to_string(host, &arg(args, 0))?;
    let default = intrinsic_regexp(vm);
    let constructor = super::species_constructor(vm, host, this, default.clone())?;
    let flags = flags_of(vm, host, this)?;
    let unicode = has_flag(&flags, b'u') || has_flag(&flags, b'v');
    let new_flags = if has_flag(&flags, b'y') { flags } else { flags.concat(&JsStr::from_str("y")) };
    let splitter = vm.construct(host, &constructor, &[this.clone(), Value::String(new_flags)], None)?;
    let Value::Object(splitter) = splitter else { return vm.type_error("RegExp species constructor returned a non-object") };
    let unicode = full_unicode_for(vm, splitter, unicode);
    let limit = arg(args, 1);
    let lim = if limit.is_undefined() { u32::MAX } else { crate::number::to_uint32(vm.to_number(host, &limit)?) };
    if lim == 0 {
        return Ok(Value::Object(vm.new_array(Vec::new())));
    }
    let size = text.len();
    if size == 0 {
        let z = regexp_exec(vm, host, splitter, &text)?;
        let parts = if z.is_object() { Vec::new() } else { vec![Value::String(text)] };
        return Ok(Value::Object(vm.new_array(parts)));
    }
    // %RegExp% with the built-in exec: no program code can run in the
    // loop, so each search jumps to the next match instead of retrying the
    // sticky splitter at every position (which is quadratic).
    if constructor.strict_equals(&default) && has_builtin_exec(vm, splitter) {
        if let Some(parts) = split_fast(vm, splitter, &text, lim) {
            return Ok(Value::Object(vm.new_array(parts)));
        }
    }
    let splitter_value = Value::Object(splitter);
    let mut parts: Vec<Value> = Vec::new();
    let (mut p, mut q) = (0usize, 0usize);
    while q < size {
        set_last_index(vm, host, splitter, q as f64)?;
        let z = regexp_exec(vm, host, splitter, &text)?;
        if !z.is_object() {
            q = advance(&text, q as f64, unicode) as usize;
            continue;
        }
        let e = vm.get(host, &splitter_value, Key::Atom(atoms::LAST_INDEX))?;
        let e = to_length(vm, host, &e)?.min(size as f64) as usize;
        if e == p {
            q = advance(&text, q as f64, unicode) as usize;
            continue;
        }
        parts.push(Value::String(text.slice(p, q)));
        if parts.len() as u64 == u64::from(lim) {
            return Ok(Value::Object(vm.new_array(parts)));
        }
        p = e;
        let capture_count = (length_of(vm, host, &z)? - 1.0).max(0.0) as usize;
        for i in 1..=capture_count {
            let key = index_key(vm, i);
            parts.push(vm.get(host, &z, key)?);
            if parts.len() as u64 == u64::from(lim) {
                return Ok(Value::Object(vm.new_array(parts)));
            }
        }
        q = p;
    }
    parts.push(Value::String(text.slice(p, size)));
    Ok(Value::Object(vm.new_array(parts)))
}

/// The split loop of 22.2.6.14 steps 19-20 on the splitter's own matcher.
/// A sticky attempt at q fails exactly when a search from q finds its
/// first match later, so the search result says where the next success is.
fn split_fast(vm: &Vm, splitter: ObjId, text: &JsStr, lim: u32) -> Option<Vec<Value>> {
    let (matcher, bits) = match &vm.heap.get(splitter).kind {
        Kind::RegExp(data) => (data.matcher.clone(), flag_bits(&data.flags)?),
        _ => return None,
    };
    let unicode = bits & (UNICODE | UNICODE_SETS) != 0;
    let size = text.len();
    let limit = lim as usize;
    let mut parts: Vec<Value> = Vec::new();
    let (mut p, mut q) = (0usize, 0usize);
    while q < size {
        let Some(found) = run_matcher(&matcher, text, q, unicode) else { break };
        if found.start() >= size || found.start() < q {
            break;
        }
        q = found.start();
        let e = found.end().min(size);
        if e == p {
            q = advance(text, q as f64, unicode) as usize;
            continue;
        }
        parts.push(Value::String(text.slice(p, q)));
        if parts.len() >= limit {
            return Some(parts);
        }
        p = e;
        for capture in &found.captures {
            parts.push(match capture {
                Some(range) => Value::String(text.slice(range.start, range.end)),
                None => Value::Undefined,
            });
            if parts.len() >= limit {
                return Some(parts);
            }
        }
        q = p;
    }
    parts.push(Value::String(text.slice(p, size)));
    Some(parts)
}
