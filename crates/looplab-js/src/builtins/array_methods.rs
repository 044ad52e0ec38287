//! The rest of `Array` and `Array.prototype` (ECMA-262 23.1): `isArray`,
//! `of`, `from`, `@@species`, every prototype method array.rs lacks, and
//! `@@unscopables`.
//!
//! Every method is generic, as the spec writes it: it works on any
//! array-like `this` through Get / Set / HasProperty / DeletePropertyOrThrow.
//! Two things keep that fast without changing what a program can see:
//! - HasProperty runs no code in this engine (there are no proxies), so a
//!   loop that skips holes asks the elements for the next present index
//!   (`next_present` / `prev_present`) instead of probing every index: a
//!   sparse array of length 2^32 - 1 costs what its elements cost.
//! - Where `this` is a plain array and no user code can run during the loop
//!   (`is_plain_array`), shift, unshift, splice, reverse, slice, fill,
//!   concat and the searches edit or read the element vector directly.
//! Long loops count operations (`charge`) so the embedder can stop them.

use super::arg;
use crate::atoms;
use crate::object::{Elements, FunctionKind, IterKind, IterState, Kind, NativeFn, Object};
use crate::props::Descriptor;
use crate::shape::{CONFIGURABLE, DEFAULT_ATTRS};
use crate::string::JsStr;
use crate::value::{Key, ObjId, Value};
use crate::vm::symbols;
use crate::{Embedder, ErrorType, JsResult, Unwind, Vm};
use std::cell::RefCell;

/// 2^32 - 1: the largest array length, and the first index that is not an
/// array index (its key is a string).
const INDEX_END: f64 = 4_294_967_295.0;
/// 2^53 - 1: the largest length of an array-like (ToLength).
const LENGTH_MAX: f64 = 9_007_199_254_740_991.0;
/// How often (in operations) a native loop asks the embedder whether to stop.
const INTERRUPT_EVERY: u64 = 1 << 14;
/// How far past its end a dense vector is padded with holes by `concat`.
const DENSE_PAD_MAX: usize = 1024;

/// What `Array.prototype[@@unscopables]` lists (ECMA-262 23.1.3.41), in V8's order.
const UNSCOPABLES: &[&str] = &[
    "at",
    "copyWithin",
    "entries",
    "fill",
    "find",
    "findIndex",
    "findLast",
    "findLastIndex",
    "flat",
    "flatMap",
    "includes",
    "keys",
    "values",
    "toReversed",
    "toSorted",
    "toSpliced",
];

pub(super) fn install_methods(vm: &mut Vm) {
    let prototype = vm.intrinsics.array_prototype;
    let constructor = vm.heap.own(prototype, Key::Atom(atoms::CONSTRUCTOR)).and_then(|found| found.value.as_object());
    if let Some(constructor) = constructor {
        vm.define_method(constructor, "isArray", 1, is_array);
        vm.define_method(constructor, "from", 1, from);
        vm.define_method(constructor, "of", 0, of);
        let getter = vm.native_function("get [Symbol.species]", 0, species);
        let desc = Descriptor {
            get: Some(Value::Object(getter)),
            set: Some(Value::Undefined),
            enumerable: Some(false),
            configurable: Some(true),
            ..Default::default()
        };
        vm.define_property(constructor, Key::Symbol(symbols::SPECIES), &desc);
    }
    const METHODS: &[(&str, u32, NativeFn)] = &[
        ("at", 1, at),
        ("concat", 1, concat),
        ("copyWithin", 2, copy_within),
        ("fill", 1, fill),
        ("find", 1, find),
        ("findIndex", 1, find_index),
        ("findLast", 1, find_last),
        ("findLastIndex", 1, find_last_index),
        ("lastIndexOf", 1, last_index_of),
        ("pop", 0, pop),
        ("reverse", 0, reverse),
        ("shift", 0, shift),
        ("unshift", 1, unshift),
        ("slice", 2, slice),
        ("sort", 1, sort),
        ("splice", 2, splice),
        ("includes", 1, includes),
        ("indexOf", 1, index_of),
        ("join", 1, join),
        ("keys", 0, keys),
        ("entries", 0, entries),
        ("forEach", 1, for_each),
        ("filter", 1, filter),
        ("flat", 0, flat),
        ("flatMap", 1, flat_map),
        ("map", 1, map),
        ("every", 1, every),
        ("some", 1, some),
        ("reduce", 1, reduce),
        ("reduceRight", 1, reduce_right),
        ("toLocaleString", 0, to_locale_string),
        ("toReversed", 0, to_reversed),
        ("toSorted", 1, to_sorted),
        ("toSpliced", 2, to_spliced),
        ("with", 2, with),
    ];
    for &(name, length, f) in METHODS {
        vm.define_method(prototype, name, length, f);
    }
    // `toString` falls back to %Object.prototype.toString%, kept as its data
    // (a program may replace Object.prototype.toString later).
    let to_string_function = vm.define_method(prototype, "toString", 0, to_string);
    let fallback = vm.heap.own(vm.intrinsics.object_prototype, Key::Atom(atoms::TO_STRING)).map(|found| found.value).unwrap_or_default();
    if let Kind::Function(function) = &mut vm.heap.get_mut(to_string_function).kind {
        if let FunctionKind::Native { data, .. } = &mut **function {
            *data = fallback;
        }
    }
    let unscopables = vm.heap.alloc(None, Kind::Ordinary, 0);
    for name in UNSCOPABLES {
        let key = vm.key(name);
        vm.heap.put(unscopables, key, Value::Bool(true), DEFAULT_ATTRS);
    }
    vm.heap.put(prototype, Key::Symbol(symbols::UNSCOPABLES), Value::Object(unscopables), CONFIGURABLE);
}

// ---------------------------------------------------------------------------
// Abstract operations the methods share.

/// ToIntegerOrInfinity (ECMA-262 7.1.5).
fn to_integer(vm: &mut Vm, host: &mut dyn Embedder, value: &Value) -> JsResult<f64> {
    let number = vm.to_number(host, value)?;
    Ok(integer_of(number))
}

fn integer_of(number: f64) -> f64 {
    if number.is_nan() {
        0.0
    } else {
        number.trunc() + 0.0
    }
}

/// LengthOfArrayLike (ECMA-262 7.3.18).
fn length_of(vm: &mut Vm, host: &mut dyn Embedder, object: ObjId) -> JsResult<f64> {
    if let Kind::Array(state) = vm.heap.get(object).kind {
        return Ok(f64::from(state.length));
    }
    let length = vm.get(host, &Value::Object(object), Key::Atom(atoms::LENGTH))?;
    Ok(to_integer(vm, host, &length)?.clamp(0.0, LENGTH_MAX))
}

/// A start or end argument made relative (ECMA-262 23.1.3 passim):
/// negative counts back from `len`; the result is within [0, len].
fn relative(n: f64, len: f64) -> f64 {
    if n < 0.0 {
        (len + n).max(0.0)
    } else {
        n.min(len)
    }
}

fn relative_arg(vm: &mut Vm, host: &mut dyn Embedder, value: &Value, len: f64, default: f64) -> JsResult<f64> {
    if value.is_undefined() {
        return Ok(default);
    }
    Ok(relative(to_integer(vm, host, value)?, len))
}

/// The key of index `n` (an integer ≥ 0): an array index below 2^32 - 1,
/// the canonical numeric string above.
fn index_key(vm: &mut Vm, n: f64) -> Key {
    match crate::value::array_index_of_number(n) {
        Some(index) => Key::Index(index),
        None => vm.key_of_str(&JsStr::from_string(crate::number::number_to_string(n))),
    }
}

fn get_at(vm: &mut Vm, host: &mut dyn Embedder, object: ObjId, n: f64) -> JsResult<Value> {
    let key = index_key(vm, n);
    vm.get(host, &Value::Object(object), key)
}

fn has_at(vm: &mut Vm, object: ObjId, n: f64) -> bool {
    let key = index_key(vm, n);
    vm.has_property(object, key)
}

/// Set(O, n, value, true).
fn set_at(vm: &mut Vm, host: &mut dyn Embedder, object: ObjId, n: f64, value: Value) -> JsResult<()> {
    let key = index_key(vm, n);
    vm.set(host, &Value::Object(object), key, value, true)?;
    Ok(())
}

/// DeletePropertyOrThrow (ECMA-262 7.3.10).
fn delete_at(vm: &mut Vm, object: ObjId, n: f64) -> JsResult<()> {
    let key = index_key(vm, n);
    vm.delete_property(object, key, true)?;
    Ok(())
}

fn set_length(vm: &mut Vm, host: &mut dyn Embedder, object: ObjId, n: f64) -> JsResult<()> {
    vm.set(host, &Value::Object(object), Key::Atom(atoms::LENGTH), Value::Number(n), true)?;
    Ok(())
}

/// CreateDataPropertyOrThrow (ECMA-262 7.3.7), with V8's messages.
fn create_at(vm: &mut Vm, object: ObjId, n: f64, value: Value) -> JsResult<()> {
    let key = index_key(vm, n);
    if vm.define_property(object, key, &Descriptor::data(value, DEFAULT_ATTRS)) {
        return Ok(());
    }
    let name = vm.key_to_display(key);
    if vm.own_property(object, key).is_none() {
        return vm.type_error(&format!("Cannot define property {name}, object is not extensible"));
    }
    vm.type_error(&format!("Cannot redefine property: {name}"))
}

/// ArrayCreate (ECMA-262 10.4.2.2).
fn array_create(vm: &mut Vm, len: f64) -> JsResult<ObjId> {
    if len > INDEX_END {
        return vm.range_error("Invalid array length");
    }
    Ok(vm.new_array_with_length(len as u32))
}

/// ArraySpeciesCreate (ECMA-262 10.4.2.3). One realm, so no cross-realm
/// `Array` check.
fn species_create(vm: &mut Vm, host: &mut dyn Embedder, original: ObjId, len: f64) -> JsResult<ObjId> {
    if !vm.heap.get(original).is_array() {
        return array_create(vm, len);
    }
    let mut constructor = vm.get(host, &Value::Object(original), Key::Atom(atoms::CONSTRUCTOR))?;
    if constructor.is_object() {
        constructor = vm.get(host, &constructor, Key::Symbol(symbols::SPECIES))?;
        if matches!(constructor, Value::Null) {
            constructor = Value::Undefined;
        }
    }
    if constructor.is_undefined() {
        return array_create(vm, len);
    }
    if !vm.is_constructor(&constructor) {
        return vm.type_error("object.constructor[Symbol.species] is not a constructor");
    }
    match vm.construct(host, &constructor, &[Value::Number(len)], None)? {
        Value::Object(id) => Ok(id),
        _ => vm.type_error("object.constructor[Symbol.species] is not a constructor"),
    }
}

/// `Array.from` / `Array.of`: `new C(...len)` when `this` is a
/// constructor, else ArrayCreate(len or 0).
fn construct_or_create(vm: &mut Vm, host: &mut dyn Embedder, constructor: &Value, len: Option<f64>) -> JsResult<ObjId> {
    if !vm.is_constructor(constructor) {
        return array_create(vm, len.unwrap_or(0.0));
    }
    let args: Vec<Value> = len.map(|n| vec![Value::Number(n)]).unwrap_or_default();
    match vm.construct(host, constructor, &args, None)? {
        Value::Object(id) => Ok(id),
        _ => vm.type_error("object is not a constructor"),
    }
}

/// ToObject of `this` for the methods whose V8 message names them.
fn this_object_named(vm: &mut Vm, this: &Value, name: &str) -> JsResult<ObjId> {
    if matches!(this, Value::Undefined | Value::Null | Value::Empty) {
        return vm.type_error(&format!("Array.prototype.{name} called on null or undefined"));
    }
    vm.to_object(this)
}

fn require_callable(vm: &mut Vm, value: &Value) -> JsResult<()> {
    if vm.is_callable(value) {
        return Ok(());
    }
    let what = describe(vm, value);
    vm.type_error(&format!("{what} is not a function"))
}

fn require_comparator(vm: &mut Vm, comparator: &Value) -> JsResult<()> {
    if !comparator.is_undefined() && !vm.is_callable(comparator) {
        return vm.type_error("The comparison function must be either a function or undefined");
    }
    Ok(())
}

/// Counts `ops` operations of native work and, each time the count crosses
/// the interpreter's interval, lets the embedder stop the run.
fn charge(vm: &mut Vm, host: &mut dyn Embedder, ops: u64) -> JsResult<()> {
    let before = vm.ops / INTERRUPT_EVERY;
    vm.ops += ops;
    vm.unreported_ops += ops;
    if vm.ops / INTERRUPT_EVERY != before {
        vm.report_ops(host);
        if host.interrupt(vm).is_some() {
            return Err(Unwind::Halt);
        }
    }
    Ok(())
}

/// V8's Object::NoSideEffectsToString for a value that is not callable
/// (what "… is not a function" names): primitives as ToString makes them,
/// errors as "Name: message", objects with the default `toString` as
/// `#<Ctor>`, others as `[object Tag]`.
fn describe(vm: &Vm, value: &Value) -> String {
    let id = match value {
        Value::Undefined | Value::Empty => return "undefined".to_string(),
        Value::Null => return "null".to_string(),
        Value::Bool(b) => return b.to_string(),
        Value::Number(n) => return crate::number::number_to_string(*n),
        Value::String(text) => return text.to_rust(),
        Value::Symbol(sym) => return vm.key_to_display(Key::Symbol(*sym)),
        Value::Object(id) => *id,
    };
    let string_data = |id: ObjId, key: Key| match data_property(vm, id, key) {
        Some(Value::String(text)) => Some(text.to_rust()),
        _ => None,
    };
    if matches!(vm.heap.get(id).kind, Kind::Error) {
        let name = string_data(id, Key::Atom(atoms::NAME)).unwrap_or_else(|| "Error".to_string());
        let message = string_data(id, Key::Atom(atoms::MESSAGE)).unwrap_or_default();
        return match (name.is_empty(), message.is_empty()) {
            (true, _) => message,
            (_, true) => name,
            _ => format!("{name}: {message}"),
        };
    }
    let default_to_string = vm.heap.own(vm.intrinsics.object_prototype, Key::Atom(atoms::TO_STRING)).and_then(|found| found.value.as_object());
    let to_string = data_property(vm, id, Key::Atom(atoms::TO_STRING)).and_then(|value| value.as_object());
    if to_string.is_some() && to_string == default_to_string {
        let constructor = data_property(vm, id, Key::Atom(atoms::CONSTRUCTOR)).and_then(|value| value.as_object());
        if let Some(constructor) = constructor.filter(|function| vm.heap.get(*function).is_callable()) {
            if let Some(name) = string_data(constructor, Key::Atom(atoms::NAME)).filter(|name| !name.is_empty()) {
                return format!("#<{name}>");
            }
        }
    }
    let tag = match vm.heap.get(id).kind {
        Kind::Array(_) => "Array",
        Kind::Arguments { .. } => "Arguments",
        Kind::Boolean(_) => "Boolean",
        Kind::Number(_) => "Number",
        Kind::String(_) => "String",
        Kind::Date(_) => "Date",
        Kind::RegExp(_) => "RegExp",
        _ => "Object",
    };
    format!("[object {tag}]")
}

/// A data property along the prototype chain, without running getters.
fn data_property(vm: &Vm, mut id: ObjId, key: Key) -> Option<Value> {
    for _ in 0..crate::PROTO_CHAIN_MAX {
        if let Some(found) = vm.own_property(id, key) {
            return (!found.is_accessor()).then_some(found.value);
        }
        id = vm.heap.get(id).proto?;
    }
    None
}

/// IteratorClose (ECMA-262 7.4.10) after a throw completion: the original
/// error wins over anything `return` does, except a halt.
fn close_iterator(vm: &mut Vm, host: &mut dyn Embedder, iterator: &Value, error: Unwind) -> Unwind {
    if matches!(error, Unwind::Halt) {
        return error;
    }
    match vm.get(host, iterator, Key::Atom(atoms::RETURN)) {
        Ok(method) if vm.is_callable(&method) => {
            if let Err(Unwind::Halt) = vm.call(host, &method, iterator, &[]) {
                return Unwind::Halt;
            }
        }
        Err(Unwind::Halt) => return Unwind::Halt,
        _ => {}
    }
    error
}

// ---------------------------------------------------------------------------
// Where the elements are: HasProperty answered from storage.

/// The named keys of one object (its shape's or its dictionary's).
fn for_each_named_key(vm: &Vm, object: &Object, mut visit: impl FnMut(Key)) {
    match &object.dict {
        Some(dict) => dict.iter().for_each(|(key, _, _)| visit(*key)),
        None => vm.heap.shapes.keys(object.shape).iter().for_each(|(key, _)| visit(*key)),
    }
}

/// The integer a string key names when it is an integer index too large
/// to be an array index (2^32 - 1 ≤ n ≤ 2^53 - 1, canonical digits).
fn large_index(vm: &Vm, key: Key) -> Option<f64> {
    let Key::Atom(atom) = key else { return None };
    let text = vm.atoms.name(atom);
    if !(10..=16).contains(&text.len()) || text.at(0) == u16::from(b'0') {
        return None;
    }
    let mut value = 0.0;
    for unit in text.iter() {
        if !(u16::from(b'0')..=u16::from(b'9')).contains(&unit) {
            return None;
        }
        value = value * 10.0 + f64::from(unit - u16::from(b'0'));
    }
    (INDEX_END..=LENGTH_MAX).contains(&value).then_some(value)
}

/// The least index in [from, end) that HasProperty finds on `object` or its
/// prototypes. HasProperty runs no code here, so skipping the indices in
/// between is unobservable. String wrappers and `arguments` objects, whose
/// indexed properties are partly computed, are stepped one by one.
fn next_present(vm: &Vm, object: ObjId, from: f64, end: f64) -> Option<f64> {
    if from >= end || from.is_nan() {
        return None;
    }
    let mut best = end;
    let mut id = object;
    for _ in 0..crate::PROTO_CHAIN_MAX {
        let current = vm.heap.get(id);
        match &current.kind {
            Kind::Arguments { .. } => return Some(from),
            Kind::String(text) if from < text.len() as f64 => return Some(from),
            _ => {}
        }
        if from < INDEX_END {
            let start = from as u32;
            let found = match &current.elements {
                Elements::Dense(values) => values
                    .get(start as usize..)
                    .and_then(|rest| rest.iter().position(|value| !matches!(value, Value::Empty)))
                    .map(|offset| f64::from(start) + offset as f64),
                Elements::Sparse(map) => map.range(start..).next().map(|(index, _)| f64::from(*index)),
            };
            if let Some(index) = found {
                best = best.min(index);
            }
        }
        if best > INDEX_END {
            for_each_named_key(vm, current, |key| {
                if let Some(index) = large_index(vm, key) {
                    if index >= from && index < best {
                        best = index;
                    }
                }
            });
        }
        match current.proto {
            Some(proto) => id = proto,
            None => break,
        }
    }
    (best < end).then_some(best)
}

/// The greatest index in [low, from] that HasProperty finds (see `next_present`).
fn prev_present(vm: &Vm, object: ObjId, from: f64, low: f64) -> Option<f64> {
    if from < low || from < 0.0 || from.is_nan() {
        return None;
    }
    let mut best = low - 1.0;
    let mut id = object;
    for _ in 0..crate::PROTO_CHAIN_MAX {
        let current = vm.heap.get(id);
        match &current.kind {
            Kind::Arguments { .. } => return Some(from),
            Kind::String(text) if low < text.len() as f64 => best = best.max(from.min(text.len() as f64 - 1.0)),
            _ => {}
        }
        if from >= INDEX_END {
            for_each_named_key(vm, current, |key| {
                if let Some(index) = large_index(vm, key) {
                    if index >= low && index <= from && index > best {
                        best = index;
                    }
                }
            });
        }
        if low < INDEX_END && best < from.min(INDEX_END - 1.0) {
            let (bottom, top) = (low as u32, from.min(INDEX_END - 1.0) as u32);
            let found = match &current.elements {
                Elements::Dense(values) => {
                    let top = (top as usize).min(values.len().saturating_sub(1));
                    values
                        .get(bottom as usize..=top)
                        .and_then(|range| range.iter().rposition(|value| !matches!(value, Value::Empty)))
                        .map(|offset| f64::from(bottom) + offset as f64)
                }
                Elements::Sparse(map) => map.range(bottom..=top).next_back().map(|(index, _)| f64::from(*index)),
            };
            if let Some(index) = found {
                best = best.max(index);
            }
        }
        match current.proto {
            Some(proto) => id = proto,
            None => break,
        }
    }
    (best >= low).then_some(best)
}

fn min_option(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_option(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// No prototype from `proto` up holds an indexed property, so a hole in an
/// object above reads as absent without running code.
fn protos_have_no_indices(vm: &Vm, mut proto: Option<ObjId>) -> bool {
    for _ in 0..crate::PROTO_CHAIN_MAX {
        let Some(id) = proto else { return true };
        let object = vm.heap.get(id);
        let empty = match &object.elements {
            Elements::Dense(values) => values.is_empty(),
            Elements::Sparse(map) => map.is_empty(),
        };
        match &object.kind {
            Kind::Arguments { .. } => return false,
            Kind::String(text) if !text.is_empty() => return false,
            _ if !empty => return false,
            _ => {}
        }
        proto = object.proto;
    }
    false
}

/// Get and HasProperty of any index below 2^32 - 1 on `object` read its
/// dense element vector alone and run no code.
fn readable_dense(vm: &Vm, object: ObjId) -> bool {
    let current = vm.heap.get(object);
    matches!(current.kind, Kind::Array(_) | Kind::Ordinary) && matches!(current.elements, Elements::Dense(_)) && protos_have_no_indices(vm, current.proto)
}

/// `object` is an array whose element vector may be edited in place for
/// the spec's Get / Set / HasProperty / Delete on indices: dense (default
/// attributes), writable length, extensible, no indexed prototype property.
fn is_plain_array(vm: &Vm, object: ObjId) -> bool {
    let current = vm.heap.get(object);
    matches!(current.kind, Kind::Array(state) if state.length_writable) && current.is_extensible() && readable_dense(vm, object)
}

/// `target` is a new-looking array of length `len` that CreateDataProperty
/// can fill without failing, and not `source`.
fn fresh_target(vm: &Vm, target: ObjId, source: ObjId, len: f64) -> bool {
    let current = vm.heap.get(target);
    target != source
        && current.is_extensible()
        && matches!(current.kind, Kind::Array(state) if state.length_writable && f64::from(state.length) == len)
        && matches!(&current.elements, Elements::Dense(values) if values.is_empty())
}

fn trim_holes(values: &mut Vec<Value>) {
    while matches!(values.last(), Some(Value::Empty)) {
        values.pop();
    }
}

/// Replaces the dense elements of `array` (a plain array) and its length.
fn store_dense(vm: &mut Vm, array: ObjId, mut values: Vec<Value>, length: f64) {
    trim_holes(&mut values);
    let object = vm.heap.get_mut(array);
    object.elements = Elements::Dense(values);
    if let Kind::Array(state) = &mut object.kind {
        state.length = length as u32;
    }
}

/// The spec's element-moving loop (copyWithin, shift, unshift, splice):
/// `count` steps copying index `from + i` to `to + i` (downwards from the
/// given indices when `backward`), deleting the destination where the
/// source is a hole. Steps where neither index holds a property do nothing
/// observable and are skipped.
fn move_elements(vm: &mut Vm, host: &mut dyn Embedder, object: ObjId, from: f64, to: f64, count: f64, backward: bool) -> JsResult<()> {
    let delta = to - from;
    if backward {
        let low = from - count + 1.0;
        let mut k = from;
        while k >= low {
            let source = prev_present(vm, object, k, low);
            let target = prev_present(vm, object, k + delta, low + delta).map(|index| index - delta);
            let Some(index) = max_option(source, target) else { break };
            move_one(vm, host, object, index, index + delta)?;
            k = index - 1.0;
        }
    } else {
        let end = from + count;
        let mut k = from;
        while k < end {
            let source = next_present(vm, object, k, end);
            let target = next_present(vm, object, k + delta, end + delta).map(|index| index - delta);
            let Some(index) = min_option(source, target) else { break };
            move_one(vm, host, object, index, index + delta)?;
            k = index + 1.0;
        }
    }
    Ok(())
}

fn move_one(vm: &mut Vm, host: &mut dyn Embedder, object: ObjId, from: f64, to: f64) -> JsResult<()> {
    charge(vm, host, 1)?;
    if has_at(vm, object, from) {
        let value = get_at(vm, host, object, from)?;
        set_at(vm, host, object, to, value)
    } else {
        delete_at(vm, object, to)
    }
}

/// DeletePropertyOrThrow of every index in [from, end), ascending.
fn delete_range(vm: &mut Vm, host: &mut dyn Embedder, object: ObjId, from: f64, end: f64) -> JsResult<()> {
    let mut k = from;
    while let Some(index) = next_present(vm, object, k, end) {
        charge(vm, host, 1)?;
        delete_at(vm, object, index)?;
        k = index + 1.0;
    }
    Ok(())
}

/// Get of every index below `len` (only those HasProperty finds when
/// `skip_holes`), as SortIndexedProperties (ECMA-262 23.1.3.30.1) reads.
fn collect(vm: &mut Vm, host: &mut dyn Embedder, object: ObjId, len: f64, skip_holes: bool) -> JsResult<Vec<Value>> {
    let mut items = Vec::new();
    let mut k = 0.0;
    loop {
        let index = if skip_holes {
            match next_present(vm, object, k, len) {
                Some(index) => index,
                None => break,
            }
        } else if k < len {
            k
        } else {
            break;
        };
        charge(vm, host, 1)?;
        items.push(get_at(vm, host, object, index)?);
        // Counted so a memory limit sees the list grow (the next collection recounts).
        vm.heap.grew(1);
        k = index + 1.0;
    }
    Ok(items)
}

// ---------------------------------------------------------------------------
// The constructor's own methods.

/// `Array.isArray` (ECMA-262 23.1.2.2).
fn is_array(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    Ok(Value::Bool(matches!(arg(args, 0), Value::Object(id) if vm.heap.get(id).is_array())))
}

/// `Array.of` (ECMA-262 23.1.2.3).
fn of(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let len = args.len() as f64;
    let target = construct_or_create(vm, host, this, Some(len))?;
    for (k, item) in args.iter().enumerate() {
        create_at(vm, target, k as f64, item.clone())?;
    }
    set_length(vm, host, target, len)?;
    Ok(Value::Object(target))
}

/// `get Array[@@species]` (ECMA-262 23.1.2.5).
fn species(_vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    Ok(this.clone())
}

/// `Array.from` (ECMA-262 23.1.2.1).
fn from(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let items = arg(args, 0);
    let map_fn = arg(args, 1);
    let this_arg = arg(args, 2);
    let mapping = !map_fn.is_undefined();
    if mapping {
        require_callable(vm, &map_fn)?;
    }
    let using_iterator = match &items {
        Value::Undefined | Value::Empty => return vm.type_error("undefined is not iterable (cannot read property Symbol(Symbol.iterator))"),
        Value::Null => return vm.type_error("object null is not iterable (cannot read property Symbol(Symbol.iterator))"),
        _ => vm.get(host, &items, Key::Symbol(symbols::ITERATOR))?,
    };
    if !using_iterator.is_nullish() {
        if !vm.is_callable(&using_iterator) {
            return vm.type_error("%Array%.from requires that the property of the first argument, items[Symbol.iterator], when exists, be a function");
        }
        let target = construct_or_create(vm, host, this, None)?;
        let iterator = vm.call(host, &using_iterator, &items, &[])?;
        if !iterator.is_object() {
            return vm.type_error("Result of the Symbol.iterator method is not an object");
        }
        let next = vm.get(host, &iterator, Key::Atom(atoms::NEXT))?;
        let mut k = 0.0;
        loop {
            charge(vm, host, 1)?;
            if k >= LENGTH_MAX {
                let error = Unwind::Throw(vm.make_error(ErrorType::TypeError, "Invalid array length"));
                return Err(close_iterator(vm, host, &iterator, error));
            }
            let result = vm.call(host, &next, &iterator, &[])?;
            if !result.is_object() {
                let what = describe(vm, &result);
                return vm.type_error(&format!("Iterator result {what} is not an object"));
            }
            if vm.get(host, &result, Key::Atom(atoms::DONE))?.truthy() {
                set_length(vm, host, target, k)?;
                return Ok(Value::Object(target));
            }
            let mut value = vm.get(host, &result, Key::Atom(atoms::VALUE))?;
            if mapping {
                value = match vm.call(host, &map_fn, &this_arg, &[value, Value::Number(k)]) {
                    Ok(mapped) => mapped,
                    Err(error) => return Err(close_iterator(vm, host, &iterator, error)),
                };
            }
            if let Err(error) = create_at(vm, target, k, value) {
                return Err(close_iterator(vm, host, &iterator, error));
            }
            k += 1.0;
        }
    }
    // An array-like: every index up to its length, holes read as undefined.
    let source = vm.to_object(&items)?;
    let len = length_of(vm, host, source)?;
    let target = construct_or_create(vm, host, this, Some(len))?;
    let mut k = 0.0;
    while k < len {
        charge(vm, host, 1)?;
        let mut value = get_at(vm, host, source, k)?;
        if mapping {
            value = vm.call(host, &map_fn, &this_arg, &[value, Value::Number(k)])?;
        }
        create_at(vm, target, k, value)?;
        k += 1.0;
    }
    set_length(vm, host, target, len)?;
    Ok(Value::Object(target))
}

// ---------------------------------------------------------------------------
// Callback loops.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Each {
    ForEach,
    Map,
    Filter,
    Some,
    Every,
}

/// forEach, map, filter, some, every (ECMA-262 23.1.3.15, .21, .8, .29,
/// .6): the callback sees each present index in ascending order.
fn each(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], which: Each, name: &str) -> JsResult<Value> {
    let object = this_object_named(vm, this, name)?;
    let len = length_of(vm, host, object)?;
    let callback = arg(args, 0);
    require_callable(vm, &callback)?;
    let this_arg = arg(args, 1);
    let target = match which {
        Each::Map => Some(species_create(vm, host, object, len)?),
        Each::Filter => Some(species_create(vm, host, object, 0.0)?),
        _ => None,
    };
    let mut to = 0.0;
    let mut k = 0.0;
    while let Some(index) = next_present(vm, object, k, len) {
        charge(vm, host, 1)?;
        let value = get_at(vm, host, object, index)?;
        let call_args = [value, Value::Number(index), Value::Object(object)];
        let result = vm.call(host, &callback, &this_arg, &call_args)?;
        match (which, target) {
            (Each::Map, Some(target)) => create_at(vm, target, index, result)?,
            (Each::Filter, Some(target)) if result.truthy() => {
                let [value, _, _] = call_args;
                create_at(vm, target, to, value)?;
                to += 1.0;
            }
            (Each::Some, _) if result.truthy() => return Ok(Value::Bool(true)),
            (Each::Every, _) if !result.truthy() => return Ok(Value::Bool(false)),
            _ => {}
        }
        k = index + 1.0;
    }
    Ok(match (which, target) {
        (Each::Some, _) => Value::Bool(false),
        (Each::Every, _) => Value::Bool(true),
        (_, Some(target)) => Value::Object(target),
        _ => Value::Undefined,
    })
}

fn for_each(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    each(vm, host, this, args, Each::ForEach, "forEach")
}

fn map(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    each(vm, host, this, args, Each::Map, "map")
}

fn filter(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    each(vm, host, this, args, Each::Filter, "filter")
}

fn some(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    each(vm, host, this, args, Each::Some, "some")
}

fn every(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    each(vm, host, this, args, Each::Every, "every")
}

/// find, findIndex, findLast, findLastIndex (ECMA-262 23.1.3.9-.12,
/// FindViaPredicate): every index, holes included.
fn find_via(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], name: &str, last: bool, want_index: bool) -> JsResult<Value> {
    let object = this_object_named(vm, this, name)?;
    let len = length_of(vm, host, object)?;
    let predicate = arg(args, 0);
    require_callable(vm, &predicate)?;
    let this_arg = arg(args, 1);
    let mut step = 0.0;
    while step < len {
        charge(vm, host, 1)?;
        let index = if last { len - 1.0 - step } else { step };
        let value = get_at(vm, host, object, index)?;
        let result = vm.call(host, &predicate, &this_arg, &[value.clone(), Value::Number(index), Value::Object(object)])?;
        if result.truthy() {
            return Ok(if want_index { Value::Number(index) } else { value });
        }
        step += 1.0;
    }
    Ok(if want_index { Value::Number(-1.0) } else { Value::Undefined })
}

fn find(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    find_via(vm, host, this, args, "find", false, false)
}

fn find_index(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    find_via(vm, host, this, args, "findIndex", false, true)
}

fn find_last(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    find_via(vm, host, this, args, "findLast", true, false)
}

fn find_last_index(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    find_via(vm, host, this, args, "findLastIndex", true, true)
}

/// reduce and reduceRight (ECMA-262 23.1.3.24, .25).
fn reduce_via(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], right: bool) -> JsResult<Value> {
    let object = this_object_named(vm, this, if right { "reduceRight" } else { "reduce" })?;
    let len = length_of(vm, host, object)?;
    let callback = arg(args, 0);
    require_callable(vm, &callback)?;
    let next = |vm: &mut Vm, k: f64| if right { prev_present(vm, object, k, 0.0) } else { next_present(vm, object, k, len) };
    let mut k = if right { len - 1.0 } else { 0.0 };
    let mut accumulator = if args.len() >= 2 {
        arg(args, 1)
    } else {
        let Some(index) = next(vm, k) else { return vm.type_error("Reduce of empty array with no initial value") };
        k = if right { index - 1.0 } else { index + 1.0 };
        get_at(vm, host, object, index)?
    };
    while let Some(index) = next(vm, k) {
        charge(vm, host, 1)?;
        let value = get_at(vm, host, object, index)?;
        accumulator = vm.call(host, &callback, &Value::Undefined, &[accumulator, value, Value::Number(index), Value::Object(object)])?;
        k = if right { index - 1.0 } else { index + 1.0 };
    }
    Ok(accumulator)
}

fn reduce(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    reduce_via(vm, host, this, args, false)
}

fn reduce_right(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    reduce_via(vm, host, this, args, true)
}

// ---------------------------------------------------------------------------
// Searching.

/// `Array.prototype.at` (ECMA-262 23.1.3.1).
fn at(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let relative_index = to_integer(vm, host, &arg(args, 0))?;
    let k = if relative_index >= 0.0 { relative_index } else { len + relative_index };
    if k < 0.0 || k >= len {
        return Ok(Value::Undefined);
    }
    get_at(vm, host, object, k)
}

/// The start index of indexOf and includes: None when the search is empty.
fn search_start(vm: &mut Vm, host: &mut dyn Embedder, from_index: &Value, len: f64) -> JsResult<Option<f64>> {
    let n = to_integer(vm, host, from_index)?;
    if n == f64::INFINITY {
        return Ok(None);
    }
    Ok(Some(if n >= 0.0 { n } else { (len + n).max(0.0) }))
}

/// `Array.prototype.indexOf` (ECMA-262 23.1.3.17): IsStrictlyEqual, holes skipped.
fn index_of(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = this_object_named(vm, this, "indexOf")?;
    let len = length_of(vm, host, object)?;
    if len == 0.0 {
        return Ok(Value::Number(-1.0));
    }
    let Some(mut k) = search_start(vm, host, &arg(args, 1), len)? else { return Ok(Value::Number(-1.0)) };
    let search = arg(args, 0);
    if readable_dense(vm, object) {
        if let Elements::Dense(values) = &vm.heap.get(object).elements {
            let (start, stop) = (k.min(values.len() as f64) as usize, len.min(values.len() as f64) as usize);
            let found = values.get(start..stop).and_then(|range| range.iter().position(|value| value.strict_equals(&search)));
            let result = found.map_or(-1.0, |offset| (start + offset) as f64);
            charge(vm, host, (stop.saturating_sub(start) / 8) as u64)?;
            return Ok(Value::Number(result));
        }
    }
    while let Some(index) = next_present(vm, object, k, len) {
        charge(vm, host, 1)?;
        if get_at(vm, host, object, index)?.strict_equals(&search) {
            return Ok(Value::Number(index));
        }
        k = index + 1.0;
    }
    Ok(Value::Number(-1.0))
}

/// `Array.prototype.lastIndexOf` (ECMA-262 23.1.3.20).
fn last_index_of(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    if len == 0.0 {
        return Ok(Value::Number(-1.0));
    }
    let n = if args.len() > 1 { to_integer(vm, host, &arg(args, 1))? } else { len - 1.0 };
    if n == f64::NEG_INFINITY {
        return Ok(Value::Number(-1.0));
    }
    let mut k = if n >= 0.0 { n.min(len - 1.0) } else { len + n };
    let search = arg(args, 0);
    if readable_dense(vm, object) && k < INDEX_END {
        if let Elements::Dense(values) = &vm.heap.get(object).elements {
            let stop = if k < 0.0 { 0 } else { (k as usize + 1).min(values.len()) };
            let found = values.get(..stop).and_then(|range| range.iter().rposition(|value| value.strict_equals(&search)));
            charge(vm, host, (stop / 8) as u64)?;
            return Ok(Value::Number(found.map_or(-1.0, |index| index as f64)));
        }
    }
    while let Some(index) = prev_present(vm, object, k, 0.0) {
        charge(vm, host, 1)?;
        if get_at(vm, host, object, index)?.strict_equals(&search) {
            return Ok(Value::Number(index));
        }
        k = index - 1.0;
    }
    Ok(Value::Number(-1.0))
}

/// `Array.prototype.includes` (ECMA-262 23.1.3.16): SameValueZero, holes
/// read as undefined.
fn includes(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    if len == 0.0 {
        return Ok(Value::Bool(false));
    }
    let Some(mut k) = search_start(vm, host, &arg(args, 1), len)? else { return Ok(Value::Bool(false)) };
    let search = arg(args, 0);
    let undefined = search.is_undefined();
    if readable_dense(vm, object) {
        if let Elements::Dense(values) = &vm.heap.get(object).elements {
            let (start, stop) = (k.min(values.len() as f64) as usize, len.min(values.len() as f64) as usize);
            let hit = |value: &Value| if matches!(value, Value::Empty) { undefined } else { value.same_value_zero(&search) };
            let found = values.get(start..stop).is_some_and(|range| range.iter().any(hit));
            // Indices past the stored vector are holes.
            let trailing_hole = undefined && len > k.max(values.len() as f64);
            charge(vm, host, (stop.saturating_sub(start) / 8) as u64)?;
            return Ok(Value::Bool(found || trailing_hole));
        }
    }
    while k < len {
        charge(vm, host, 1)?;
        let next = next_present(vm, object, k, len);
        if undefined && next != Some(k) {
            // Index k is absent everywhere: Get reads undefined.
            return Ok(Value::Bool(true));
        }
        let Some(index) = next else { break };
        if get_at(vm, host, object, index)?.same_value_zero(&search) {
            return Ok(Value::Bool(true));
        }
        k = index + 1.0;
    }
    Ok(Value::Bool(false))
}

// ---------------------------------------------------------------------------
// Strings.

thread_local! {
    /// The objects being joined now: V8 joins an array that contains itself
    /// as "" where it meets it again (the spec would recurse until the stack
    /// overflows).
    static JOINING: RefCell<Vec<ObjId>> = const { RefCell::new(Vec::new()) };
}

fn join_enter(object: ObjId) -> bool {
    JOINING.with(|stack| {
        let mut stack = stack.borrow_mut();
        if stack.contains(&object) {
            return false;
        }
        stack.push(object);
        true
    })
}

fn join_exit(object: ObjId) {
    JOINING.with(|stack| {
        let mut stack = stack.borrow_mut();
        if let Some(position) = stack.iter().rposition(|entry| *entry == object) {
            stack.remove(position);
        }
    })
}

/// `Array.prototype.join` (ECMA-262 23.1.3.18).
fn join(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let separator = match arg(args, 0) {
        Value::Undefined => JsStr::from_str(","),
        other => vm.to_string(host, &other)?,
    };
    join_guarded(vm, host, object, len, &separator, None)
}

/// `Array.prototype.toLocaleString` (ECMA-262 23.1.3.32, with ECMA-402's
/// locales and options passed on, as Node does).
fn to_locale_string(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let locale_args = [arg(args, 0), arg(args, 1)];
    join_guarded(vm, host, object, len, &JsStr::from_str(","), Some(&locale_args[..]))
}

fn join_guarded(vm: &mut Vm, host: &mut dyn Embedder, object: ObjId, len: f64, separator: &JsStr, locale: Option<&[Value]>) -> JsResult<Value> {
    if !join_enter(object) {
        return Ok(Value::String(JsStr::empty()));
    }
    let result = join_elements(vm, host, object, len, separator, locale);
    join_exit(object);
    result
}

fn join_elements(vm: &mut Vm, host: &mut dyn Embedder, object: ObjId, len: f64, separator: &JsStr, locale: Option<&[Value]>) -> JsResult<Value> {
    let limit = crate::STRING_LENGTH_MAX as f64;
    if len > 1.0 && (len - 1.0) * separator.len() as f64 > limit {
        return vm.range_error("Invalid string length");
    }
    let locale_key = vm.key("toLocaleString");
    let separator_units = separator.units();
    let mut out: Vec<u16> = Vec::new();
    let mut k = 0.0;
    loop {
        // Absent indices read as undefined (""): only their separators remain.
        let next = next_present(vm, object, k, len);
        let upto = next.unwrap_or(len);
        let first = k.max(1.0);
        if upto > first && !separator_units.is_empty() {
            let mut count = upto - first;
            while count > 0.0 {
                out.extend_from_slice(&separator_units);
                count -= 1.0;
            }
        }
        let Some(index) = next else { break };
        charge(vm, host, 1)?;
        if index > 0.0 {
            out.extend_from_slice(&separator_units);
        }
        let element = get_at(vm, host, object, index)?;
        if !element.is_nullish() {
            let text = match locale {
                None => vm.to_string(host, &element)?,
                Some(locale_args) => {
                    let method = vm.get(host, &element, locale_key)?;
                    require_callable(vm, &method)?;
                    let result = vm.call(host, &method, &element, locale_args)?;
                    vm.to_string(host, &result)?
                }
            };
            if (out.len() + text.len()) as f64 > limit {
                return vm.range_error("Invalid string length");
            }
            out.extend(text.iter());
        }
        k = index + 1.0;
    }
    if out.len() > crate::STRING_LENGTH_MAX {
        return vm.range_error("Invalid string length");
    }
    Ok(Value::String(JsStr::from_units(out)))
}

/// `Array.prototype.toString` (ECMA-262 23.1.3.36).
fn to_string(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let array = Value::Object(vm.to_object(this)?);
    let join = vm.get(host, &array, Key::Atom(atoms::JOIN))?;
    if vm.is_callable(&join) {
        return vm.call(host, &join, &array, &[]);
    }
    let fallback = vm.current_native_data();
    if vm.is_callable(&fallback) {
        return vm.call(host, &fallback, &array, &[]);
    }
    Ok(Value::str("[object Object]"))
}

// ---------------------------------------------------------------------------
// Iterators.

fn array_iterator(vm: &mut Vm, this: &Value, kind: IterKind) -> JsResult<Value> {
    let target = vm.to_object(this)?;
    let proto = vm.intrinsics.array_iterator_prototype;
    let state = IterState::Array { target: Some(target), index: 0, kind };
    Ok(Value::Object(vm.heap.alloc(Some(proto), Kind::Iterator(Box::new(state)), 0)))
}

/// `Array.prototype.keys` (ECMA-262 23.1.3.19).
fn keys(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    array_iterator(vm, this, IterKind::Keys)
}

/// `Array.prototype.entries` (ECMA-262 23.1.3.5).
fn entries(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    array_iterator(vm, this, IterKind::Entries)
}

// ---------------------------------------------------------------------------
// Methods that change `this`.

/// `Array.prototype.pop` (ECMA-262 23.1.3.22).
fn pop(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    if len == 0.0 {
        set_length(vm, host, object, 0.0)?;
        return Ok(Value::Undefined);
    }
    let new_len = len - 1.0;
    let element = get_at(vm, host, object, new_len)?;
    delete_at(vm, object, new_len)?;
    set_length(vm, host, object, new_len)?;
    Ok(element)
}

/// `Array.prototype.shift` (ECMA-262 23.1.3.27).
fn shift(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    if len == 0.0 {
        set_length(vm, host, object, 0.0)?;
        return Ok(Value::Undefined);
    }
    if is_plain_array(vm, object) {
        let first = match &mut vm.heap.get_mut(object).elements {
            Elements::Dense(values) if !values.is_empty() => values.remove(0),
            _ => Value::Empty,
        };
        if let Elements::Dense(values) = &mut vm.heap.get_mut(object).elements {
            let values = std::mem::take(values);
            store_dense(vm, object, values, len - 1.0);
        }
        charge(vm, host, (len / 8.0) as u64)?;
        return Ok(if matches!(first, Value::Empty) { Value::Undefined } else { first });
    }
    let first = get_at(vm, host, object, 0.0)?;
    move_elements(vm, host, object, 1.0, 0.0, len - 1.0, false)?;
    delete_at(vm, object, len - 1.0)?;
    set_length(vm, host, object, len - 1.0)?;
    Ok(first)
}

/// `Array.prototype.unshift` (ECMA-262 23.1.3.37).
fn unshift(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let count = args.len() as f64;
    if count > 0.0 {
        if len + count > LENGTH_MAX {
            return vm.type_error("Invalid array length");
        }
        if is_plain_array(vm, object) && len + count <= INDEX_END {
            if let Elements::Dense(values) = &mut vm.heap.get_mut(object).elements {
                let old = std::mem::take(values);
                let mut values = Vec::with_capacity(args.len() + old.len());
                values.extend(args.iter().cloned());
                values.extend(old);
                store_dense(vm, object, values, len + count);
                vm.heap.grew(args.len());
                charge(vm, host, (len / 8.0) as u64)?;
                return Ok(Value::Number(len + count));
            }
        }
        move_elements(vm, host, object, len - 1.0, len - 1.0 + count, len, true)?;
        for (j, item) in args.iter().enumerate() {
            set_at(vm, host, object, j as f64, item.clone())?;
        }
    }
    set_length(vm, host, object, len + count)?;
    Ok(Value::Number(len + count))
}

/// `Array.prototype.reverse` (ECMA-262 23.1.3.26).
fn reverse(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    if is_plain_array(vm, object) {
        if let Elements::Dense(values) = &mut vm.heap.get_mut(object).elements {
            if values.len() as f64 == len {
                let mut values = std::mem::take(values);
                values.reverse();
                store_dense(vm, object, values, len);
                charge(vm, host, (len / 8.0) as u64)?;
                return Ok(Value::Object(object));
            }
        }
    }
    let middle = (len / 2.0).floor();
    let mut lower = 0.0;
    while lower < middle {
        // The next pair where either end holds a property.
        let from_lower = next_present(vm, object, lower, middle);
        let from_upper = prev_present(vm, object, len - 1.0 - lower, len - middle).map(|upper| len - 1.0 - upper);
        let Some(next) = min_option(from_lower, from_upper) else { break };
        lower = next;
        let upper = len - 1.0 - lower;
        charge(vm, host, 1)?;
        let lower_exists = has_at(vm, object, lower);
        let lower_value = if lower_exists { get_at(vm, host, object, lower)? } else { Value::Undefined };
        let upper_exists = has_at(vm, object, upper);
        let upper_value = if upper_exists { get_at(vm, host, object, upper)? } else { Value::Undefined };
        match (lower_exists, upper_exists) {
            (true, true) => {
                set_at(vm, host, object, lower, upper_value)?;
                set_at(vm, host, object, upper, lower_value)?;
            }
            (false, true) => {
                set_at(vm, host, object, lower, upper_value)?;
                delete_at(vm, object, upper)?;
            }
            (true, false) => {
                delete_at(vm, object, lower)?;
                set_at(vm, host, object, upper, lower_value)?;
            }
            (false, false) => {}
        }
        lower += 1.0;
    }
    Ok(Value::Object(object))
}

/// `Array.prototype.fill` (ECMA-262 23.1.3.7).
fn fill(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let value = arg(args, 0);
    let mut k = relative_arg(vm, host, &arg(args, 1), len, 0.0)?;
    let end = relative_arg(vm, host, &arg(args, 2), len, len)?;
    // On a plain array Set is a plain store (the conversions above ran first).
    let plain = is_plain_array(vm, object) && end <= INDEX_END;
    while k < end {
        charge(vm, host, 1)?;
        if plain {
            vm.heap.put(object, Key::Index(k as u32), value.clone(), DEFAULT_ATTRS);
        } else {
            set_at(vm, host, object, k, value.clone())?;
        }
        k += 1.0;
    }
    Ok(Value::Object(object))
}

/// `Array.prototype.copyWithin` (ECMA-262 23.1.3.4).
fn copy_within(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let to = relative_arg(vm, host, &arg(args, 0), len, 0.0)?;
    let from = relative_arg(vm, host, &arg(args, 1), len, 0.0)?;
    let end = relative_arg(vm, host, &arg(args, 2), len, len)?;
    let count = (end - from).min(len - to);
    if count > 0.0 {
        if from < to && to < from + count {
            move_elements(vm, host, object, from + count - 1.0, to + count - 1.0, count, true)?;
        } else {
            move_elements(vm, host, object, from, to, count, false)?;
        }
    }
    Ok(Value::Object(object))
}

/// `Array.prototype.splice` (ECMA-262 23.1.3.31).
fn splice(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let start = relative(to_integer(vm, host, &arg(args, 0))?, len);
    let items = args.get(2..).unwrap_or(&[]);
    let item_count = items.len() as f64;
    let delete_count = match args.len() {
        0 => 0.0,
        1 => len - start,
        _ => to_integer(vm, host, &arg(args, 1))?.clamp(0.0, len - start),
    };
    let new_len = len + item_count - delete_count;
    if new_len > LENGTH_MAX {
        return vm.type_error("Invalid array length");
    }
    let removed = species_create(vm, host, object, delete_count)?;
    // A plain array and a fresh result: edit the vectors (no code can run).
    if new_len <= INDEX_END && is_plain_array(vm, object) && f64::from(array_length(vm, object)) == len && fresh_target(vm, removed, object, delete_count) {
        let (first, last) = (start as usize, (start + delete_count) as usize);
        let taken = match &mut vm.heap.get_mut(object).elements {
            Elements::Dense(values) if last <= values.len() => {
                let mut values = std::mem::take(values);
                let taken: Vec<Value> = values.splice(first..last, items.iter().cloned()).collect();
                Some((values, taken))
            }
            _ => None,
        };
        if let Some((values, taken)) = taken {
            store_dense(vm, object, values, new_len);
            vm.heap.grew(items.len() + taken.len());
            store_dense(vm, removed, taken, delete_count);
            charge(vm, host, (len / 8.0) as u64)?;
            return Ok(Value::Object(removed));
        }
    }
    let mut k = 0.0;
    while let Some(offset) = next_present(vm, object, start + k, start + delete_count).map(|index| index - start) {
        charge(vm, host, 1)?;
        let value = get_at(vm, host, object, start + offset)?;
        create_at(vm, removed, offset, value)?;
        k = offset + 1.0;
    }
    set_length(vm, host, removed, delete_count)?;
    if item_count < delete_count {
        move_elements(vm, host, object, start + delete_count, start + item_count, len - delete_count - start, false)?;
        // Delete [new_len, len) from the top down, as the spec's loop does.
        let mut top = len - 1.0;
        while let Some(index) = prev_present(vm, object, top, new_len) {
            charge(vm, host, 1)?;
            delete_at(vm, object, index)?;
            top = index - 1.0;
        }
    } else if item_count > delete_count {
        move_elements(vm, host, object, len - 1.0, len - 1.0 + item_count - delete_count, len - delete_count - start, true)?;
    }
    for (j, item) in items.iter().enumerate() {
        set_at(vm, host, object, start + j as f64, item.clone())?;
    }
    set_length(vm, host, object, new_len)?;
    Ok(Value::Object(removed))
}

fn array_length(vm: &Vm, array: ObjId) -> u32 {
    match vm.heap.get(array).kind {
        Kind::Array(state) => state.length,
        _ => 0,
    }
}

/// `Array.prototype.sort` (ECMA-262 23.1.3.30).
fn sort(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let comparator = arg(args, 0);
    require_comparator(vm, &comparator)?;
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let items = collect(vm, host, object, len, true)?;
    let sorted = sort_values(vm, host, items, &comparator)?;
    let count = sorted.len() as f64;
    for (j, value) in sorted.into_iter().enumerate() {
        charge(vm, host, 1)?;
        set_at(vm, host, object, j as f64, value)?;
    }
    // The holes found go to the end: delete what is left above the values.
    delete_range(vm, host, object, count, len)?;
    Ok(Value::Object(object))
}

/// Sorts stably by SortCompare (ECMA-262 23.1.3.30.2): undefined last, the
/// rest by the comparator or by their strings (computed once each). A
/// bottom-up merge sort whose comparisons may throw.
fn sort_values(vm: &mut Vm, host: &mut dyn Embedder, items: Vec<Value>, comparator: &Value) -> JsResult<Vec<Value>> {
    let mut values = Vec::with_capacity(items.len());
    let mut undefined = 0usize;
    for item in items {
        if item.is_undefined() {
            undefined += 1;
        } else {
            values.push(item);
        }
    }
    let strings = if comparator.is_undefined() {
        let mut strings = Vec::with_capacity(values.len());
        for value in &values {
            charge(vm, host, 1)?;
            strings.push(vm.to_string(host, value)?);
        }
        Some(strings)
    } else {
        None
    };
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    let mut merged: Vec<usize> = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut low = 0;
        while low < n {
            let middle = (low + width).min(n);
            let high = (low + 2 * width).min(n);
            let (mut i, mut j) = (low, middle);
            for slot in low..high {
                let take_right = if i >= middle {
                    true
                } else if j >= high {
                    false
                } else {
                    let (left, right) = (order[i], order[j]);
                    // Stable: the right one goes first only when strictly smaller.
                    sort_compare(vm, host, &values, strings.as_deref(), comparator, right, left)? < 0.0
                };
                if take_right {
                    merged[slot] = order[j];
                    j += 1;
                } else {
                    merged[slot] = order[i];
                    i += 1;
                }
            }
            low = high;
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    let mut sorted: Vec<Value> = order.into_iter().map(|index| values.get(index).cloned().unwrap_or_default()).collect();
    sorted.extend(std::iter::repeat(Value::Undefined).take(undefined));
    Ok(sorted)
}

fn sort_compare(vm: &mut Vm, host: &mut dyn Embedder, values: &[Value], strings: Option<&[JsStr]>, comparator: &Value, x: usize, y: usize) -> JsResult<f64> {
    charge(vm, host, 1)?;
    if let Some(strings) = strings {
        return Ok(match strings.get(x).cmp(&strings.get(y)) {
            std::cmp::Ordering::Less => -1.0,
            std::cmp::Ordering::Equal => 0.0,
            std::cmp::Ordering::Greater => 1.0,
        });
    }
    let args = [values.get(x).cloned().unwrap_or_default(), values.get(y).cloned().unwrap_or_default()];
    let result = vm.call(host, comparator, &Value::Undefined, &args)?;
    let number = vm.to_number(host, &result)?;
    Ok(if number.is_nan() { 0.0 } else { number })
}

// ---------------------------------------------------------------------------
// Methods that make a new array.

/// `Array.prototype.concat` (ECMA-262 23.1.3.2).
fn concat(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = this_object_named(vm, this, "concat")?;
    let target = species_create(vm, host, object, 0.0)?;
    let mut n = 0.0;
    for element in std::iter::once(Value::Object(object)).chain(args.iter().cloned()) {
        let spreadable = match &element {
            Value::Object(id) => {
                let flag = vm.get(host, &element, Key::Symbol(symbols::IS_CONCAT_SPREADABLE))?;
                if flag.is_undefined() {
                    vm.heap.get(*id).is_array()
                } else {
                    flag.truthy()
                }
            }
            _ => false,
        };
        let spread_source = if spreadable { element.as_object() } else { None };
        let Some(source) = spread_source else {
            if n >= LENGTH_MAX {
                return vm.type_error("Invalid array length");
            }
            create_at(vm, target, n, element)?;
            n += 1.0;
            continue;
        };
        let len = length_of(vm, host, source)?;
        if n + len > LENGTH_MAX {
            return vm.type_error("Invalid array length");
        }
        if n + len <= INDEX_END && source != target && readable_dense(vm, source) && is_plain_array(vm, target) {
            let copied = match &vm.heap.get(source).elements {
                Elements::Dense(values) => values.get(..(len as usize).min(values.len())).map(<[Value]>::to_vec),
                Elements::Sparse(_) => None,
            };
            let at = n as usize;
            let stored = match &vm.heap.get(target).elements {
                Elements::Dense(values) => Some(values.len()),
                Elements::Sparse(_) => None,
            };
            // Appends only at (or a little past) the end of the target's vector.
            let fits = stored.is_some_and(|stored| at >= stored && at - stored <= DENSE_PAD_MAX);
            if let (Some(copied), true) = (copied, fits) {
                let mut values = match &mut vm.heap.get_mut(target).elements {
                    Elements::Dense(values) => std::mem::take(values),
                    Elements::Sparse(_) => Vec::new(),
                };
                vm.heap.grew(at - values.len() + copied.len());
                values.resize(at, Value::Empty);
                values.extend(copied);
                let length = f64::from(array_length(vm, target)).max(values.len() as f64);
                store_dense(vm, target, values, length);
                charge(vm, host, (len / 8.0) as u64)?;
                n += len;
                continue;
            }
        }
        let mut k = 0.0;
        while let Some(index) = next_present(vm, source, k, len) {
            charge(vm, host, 1)?;
            let value = get_at(vm, host, source, index)?;
            create_at(vm, target, n + index, value)?;
            k = index + 1.0;
        }
        n += len;
    }
    set_length(vm, host, target, n)?;
    Ok(Value::Object(target))
}

/// `Array.prototype.slice` (ECMA-262 23.1.3.28).
fn slice(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let start = relative_arg(vm, host, &arg(args, 0), len, 0.0)?;
    let end = relative_arg(vm, host, &arg(args, 1), len, len)?;
    let count = (end - start).max(0.0);
    let target = species_create(vm, host, object, count)?;
    if readable_dense(vm, object) && fresh_target(vm, target, object, count) {
        if let Elements::Dense(values) = &vm.heap.get(object).elements {
            let stored = values.len() as f64;
            let piece = values.get(start.min(stored) as usize..end.min(stored).max(start.min(stored)) as usize).map(<[Value]>::to_vec);
            if let Some(piece) = piece {
                vm.heap.grew(piece.len());
                charge(vm, host, (piece.len() / 8) as u64)?;
                store_dense(vm, target, piece, count);
                return Ok(Value::Object(target));
            }
        }
    }
    let mut k = start;
    while let Some(index) = next_present(vm, object, k, end) {
        charge(vm, host, 1)?;
        let value = get_at(vm, host, object, index)?;
        create_at(vm, target, index - start, value)?;
        k = index + 1.0;
    }
    set_length(vm, host, target, count)?;
    Ok(Value::Object(target))
}

/// The stack FlattenIntoArray recurses on, made explicit so deep nesting
/// is a RangeError, not a native stack overflow.
struct FlatLevel {
    source: ObjId,
    len: f64,
    next: f64,
    depth: f64,
}

/// FlattenIntoArray (ECMA-262 23.1.3.13.1); `mapper` applies at the top level only.
fn flatten(vm: &mut Vm, host: &mut dyn Embedder, target: ObjId, source: ObjId, len: f64, depth: f64, mapper: Option<(&Value, &Value)>) -> JsResult<()> {
    let mut levels = vec![FlatLevel { source, len, next: 0.0, depth }];
    let mut target_index = 0.0;
    while let Some(level) = levels.last() {
        let (source, len, depth, from) = (level.source, level.len, level.depth, level.next);
        let Some(index) = next_present(vm, source, from, len) else {
            levels.pop();
            continue;
        };
        if let Some(level) = levels.last_mut() {
            level.next = index + 1.0;
        }
        charge(vm, host, 1)?;
        let mut element = get_at(vm, host, source, index)?;
        if levels.len() == 1 {
            if let Some((mapper, this_arg)) = mapper {
                element = vm.call(host, mapper, this_arg, &[element, Value::Number(index), Value::Object(source)])?;
            }
        }
        if depth > 0.0 {
            if let Value::Object(inner) = &element {
                if vm.heap.get(*inner).is_array() {
                    if levels.len() >= crate::exec::CALL_DEPTH_MAX {
                        return vm.range_error("Maximum call stack size exceeded");
                    }
                    let inner = *inner;
                    let inner_len = length_of(vm, host, inner)?;
                    levels.push(FlatLevel { source: inner, len: inner_len, next: 0.0, depth: depth - 1.0 });
                    continue;
                }
            }
        }
        if target_index >= LENGTH_MAX {
            return vm.type_error("Invalid array length");
        }
        create_at(vm, target, target_index, element)?;
        target_index += 1.0;
    }
    Ok(())
}

/// `Array.prototype.flat` (ECMA-262 23.1.3.13).
fn flat(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let depth = match arg(args, 0) {
        Value::Undefined => 1.0,
        other => to_integer(vm, host, &other)?.max(0.0),
    };
    let target = species_create(vm, host, object, 0.0)?;
    flatten(vm, host, target, object, len, depth, None)?;
    Ok(Value::Object(target))
}

/// `Array.prototype.flatMap` (ECMA-262 23.1.3.14).
fn flat_map(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let mapper = arg(args, 0);
    if !vm.is_callable(&mapper) {
        return vm.type_error("flatMap mapper function is not callable");
    }
    let this_arg = arg(args, 1);
    let target = species_create(vm, host, object, 0.0)?;
    flatten(vm, host, target, object, len, 1.0, Some((&mapper, &this_arg)))?;
    Ok(Value::Object(target))
}

/// A new array of `len` values read by `value_at(k)`; the array is filled
/// as it goes so its memory is counted (ECMA-262 23.1.3.33-.39's copies).
fn build_array(
    vm: &mut Vm,
    host: &mut dyn Embedder,
    len: f64,
    mut value_at: impl FnMut(&mut Vm, &mut dyn Embedder, f64) -> JsResult<Value>,
) -> JsResult<Value> {
    if len > INDEX_END {
        return vm.range_error("Invalid array length");
    }
    let array = vm.new_array(Vec::new());
    let mut k = 0.0;
    while k < len {
        charge(vm, host, 1)?;
        let value = value_at(vm, host, k)?;
        vm.heap.put(array, Key::Index(k as u32), value, DEFAULT_ATTRS);
        k += 1.0;
    }
    Ok(Value::Object(array))
}

/// `Array.prototype.toReversed` (ECMA-262 23.1.3.33).
fn to_reversed(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    build_array(vm, host, len, |vm, host, k| get_at(vm, host, object, len - 1.0 - k))
}

/// `Array.prototype.toSorted` (ECMA-262 23.1.3.34).
fn to_sorted(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let comparator = arg(args, 0);
    require_comparator(vm, &comparator)?;
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    if len > INDEX_END {
        return vm.range_error("Invalid array length");
    }
    let items = collect(vm, host, object, len, false)?;
    let sorted = sort_values(vm, host, items, &comparator)?;
    Ok(Value::Object(vm.new_array(sorted)))
}

/// `Array.prototype.toSpliced` (ECMA-262 23.1.3.35).
fn to_spliced(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let start = relative(to_integer(vm, host, &arg(args, 0))?, len);
    let items = args.get(2..).unwrap_or(&[]);
    let item_count = items.len() as f64;
    let skip_count = match args.len() {
        0 => 0.0,
        1 => len - start,
        _ => to_integer(vm, host, &arg(args, 1))?.clamp(0.0, len - start),
    };
    let new_len = len + item_count - skip_count;
    if new_len > LENGTH_MAX {
        return vm.type_error("Invalid array length");
    }
    build_array(vm, host, new_len, |vm, host, k| {
        if k < start {
            get_at(vm, host, object, k)
        } else if k < start + item_count {
            Ok(items.get((k - start) as usize).cloned().unwrap_or_default())
        } else {
            get_at(vm, host, object, k - item_count + skip_count)
        }
    })
}

/// `Array.prototype.with` (ECMA-262 23.1.3.39).
fn with(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let number = vm.to_number(host, &arg(args, 0))?;
    let relative_index = integer_of(number);
    let actual = if relative_index >= 0.0 { relative_index } else { len + relative_index };
    if actual >= len || actual < 0.0 {
        return vm.range_error(&format!("Invalid index : {}", crate::number::number_to_string(number)));
    }
    let value = arg(args, 1);
    build_array(vm, host, len, |vm, host, k| if k == actual { Ok(value.clone()) } else { get_at(vm, host, object, k) })
}
