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
use crate::object::{Elements, IterKind, IterState, Kind, NativeFn, Object};
use crate::props::Descriptor;
use crate::shape::{CONFIGURABLE, DEFAULT_ATTRS};
use crate::string::JsStr;
use crate::value::{Key, ObjId, Value};
use crate::vm::symbols;
use crate::{Embedder, ErrorType, JsResult, Unwind, Vm};
use std::cell::RefCell;

mod callbacks;
mod constructor;
mod copies;
mod mutators;
mod search;
mod strings;
use callbacks::*;
use constructor::*;
use copies::*;
use mutators::*;
use search::*;
use strings::*;

/// For the typed arrays' own sort.
pub(in crate::builtins) use mutators::sort_values;

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
    vm.set_native_data(to_string_function, fallback);
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
pub(in crate::builtins) fn charge(vm: &mut Vm, host: &mut dyn Embedder, ops: u64) -> JsResult<()> {
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
            Kind::TypedArray { length, .. } if from < f64::from(*length) => return Some(from),
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
            Kind::TypedArray { length, .. } if low < f64::from(*length) => best = best.max(from.min(f64::from(*length) - 1.0)),
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
