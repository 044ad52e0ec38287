//! `%TypedArray%.from`, `%TypedArray%.of` and the methods of
//! `%TypedArray%.prototype` (ECMA-262 23.2.2, 23.2.3). Where the typed
//! array algorithm is Array's generic one over a validated receiver (the
//! searches, the callbacks, join, reverse, copyWithin, the iterators), the
//! method checks its receiver and runs Array.prototype's, whose Get / Set /
//! HasProperty land on the elements; the rest (set, subarray, slice, fill,
//! map, filter, sort, toSorted, toReversed, with) make or write typed
//! arrays and are written here.

use super::element::Element;
use super::views::{allocate, create, elements, get_element, parts, set_element, species_create, validate};
use super::{check_readable, live_length, relative};
use crate::atoms;
use crate::builtins::arg;
use crate::builtins::array_methods::{charge, sort_values};
use crate::object::Kind;
use crate::value::{Key, ObjId, Value};
use crate::vm::symbols;
use crate::{Embedder, JsResult, Vm};

/// Array.prototype methods whose algorithm the typed array one shares
/// (ECMA-262 23.2.3: "the same algorithm as Array.prototype.X, except that
/// the this value is validated and its [[ArrayLength]] read").
const GENERIC: &[(&str, u32)] = &[
    ("at", 1),
    ("copyWithin", 2),
    ("entries", 0),
    ("every", 1),
    ("find", 1),
    ("findIndex", 1),
    ("findLast", 1),
    ("findLastIndex", 1),
    ("forEach", 1),
    ("includes", 1),
    ("indexOf", 1),
    ("join", 1),
    ("keys", 0),
    ("lastIndexOf", 1),
    ("reduce", 1),
    ("reduceRight", 1),
    ("reverse", 0),
    ("some", 1),
    ("toLocaleString", 0),
    ("values", 0),
];

pub(super) fn install(vm: &mut Vm, constructor: ObjId, prototype: ObjId) {
    vm.define_method(constructor, "from", 1, from);
    vm.define_method(constructor, "of", 0, of);
    for &(name, length) in GENERIC {
        let key = vm.key(name);
        let array_method = vm.heap.own(vm.intrinsics.array_prototype, key).map(|found| found.value).unwrap_or_default();
        let method = vm.define_method(prototype, name, length, generic);
        vm.set_native_data(method, array_method);
    }
    // %TypedArray%.prototype[@@iterator] is the same function as values,
    // and toString the same as Array.prototype.toString (23.2.3.37, 23.2.3.32).
    let values = vm.heap.own(prototype, Key::Atom(atoms::VALUES)).map(|found| found.value).unwrap_or_default();
    vm.heap.put(prototype, Key::Symbol(symbols::ITERATOR), values, crate::shape::METHOD_ATTRS);
    let to_string = vm.heap.own(vm.intrinsics.array_prototype, Key::Atom(atoms::TO_STRING)).map(|found| found.value).unwrap_or_default();
    vm.heap.put(prototype, Key::Atom(atoms::TO_STRING), to_string, crate::shape::METHOD_ATTRS);
    const OWN: &[(&str, u32, crate::object::NativeFn)] = &[
        ("set", 1, set),
        ("subarray", 2, subarray),
        ("slice", 2, slice),
        ("fill", 1, fill),
        ("map", 1, map),
        ("filter", 1, filter),
        ("sort", 1, sort),
        ("toSorted", 1, to_sorted),
        ("toReversed", 0, to_reversed),
        ("with", 2, with),
    ];
    for &(name, length, f) in OWN {
        vm.define_method(prototype, name, length, f);
    }
}

/// A method shared with Array.prototype: validate, then run Array's.
fn generic(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let array_method = vm.current_native_data();
    let (id, _, _) = validate(vm, this, "%TypedArray%.prototype method")?;
    check_readable(vm, id)?;
    vm.call(host, &array_method, this, args)
}

fn callable_arg(vm: &mut Vm, args: &[Value]) -> JsResult<Value> {
    let callback = arg(args, 0);
    if !vm.is_callable(&callback) {
        return vm.type_error(&format!("{} is not a function", vm.to_display(&callback)));
    }
    Ok(callback)
}

/// `%TypedArray%.from(source, mapFn, thisArg)` (ECMA-262 23.2.2.1).
fn from(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    if !vm.is_constructor(this) {
        return vm.type_error(&format!("{} is not a constructor", vm.to_display(this)));
    }
    let source = arg(args, 0);
    let map_fn = arg(args, 1);
    if !map_fn.is_undefined() && !vm.is_callable(&map_fn) {
        return vm.type_error(&format!("{} is not a function", vm.to_display(&map_fn)));
    }
    let iterator = if source.is_nullish() { Value::Undefined } else { vm.get(host, &source, Key::Symbol(symbols::ITERATOR))? };
    let values = if !iterator.is_nullish() {
        vm.iterate_to_vec(host, &source)?
    } else {
        let object = Value::Object(vm.to_object(&source)?);
        let length = vm.get(host, &object, Key::Atom(atoms::LENGTH))?;
        let length = vm.to_number(host, &length)?;
        let length = if length.is_nan() { 0.0 } else { length.trunc().clamp(0.0, super::LENGTH_MAX) } as u32;
        let mut values = Vec::new();
        for index in 0..length {
            values.push(vm.get(host, &object, Key::Index(index))?);
        }
        values
    };
    let target = create(vm, host, this, &[Value::Number(values.len() as f64)])?;
    for (index, value) in values.into_iter().enumerate() {
        let value = if map_fn.is_undefined() { value } else { vm.call(host, &map_fn, &arg(args, 2), &[value, Value::Number(index as f64)])? };
        vm.set(host, &Value::Object(target), Key::Index(index as u32), value, true)?;
    }
    Ok(Value::Object(target))
}

/// `%TypedArray%.of(...items)` (ECMA-262 23.2.2.2).
fn of(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    if !vm.is_constructor(this) {
        return vm.type_error(&format!("{} is not a constructor", vm.to_display(this)));
    }
    let target = create(vm, host, this, &[Value::Number(args.len() as f64)])?;
    for (index, value) in args.iter().enumerate() {
        vm.set(host, &Value::Object(target), Key::Index(index as u32), value.clone(), true)?;
    }
    Ok(Value::Object(target))
}

/// `set(source, offset)` (ECMA-262 23.2.3.26): copies a typed array or an
/// array-like into the receiver from `offset`. Elements are read before
/// any is written, so overlapping views copy as if through a buffer.
fn set(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let Some((_, buffer, _, length)) = this.as_object().and_then(|id| parts(vm, id)) else { return vm.type_error("this is not a typed array.") };
    let target = this.as_object().unwrap_or(vm.intrinsics.global);
    let offset = vm.to_number(host, &arg(args, 1))?;
    let offset = if offset.is_nan() { 0.0 } else { offset.trunc() };
    if offset < 0.0 {
        return vm.range_error("offset is out of bounds");
    }
    if live_length(vm, buffer).is_none() {
        return vm.type_error("Cannot perform %TypedArray%.prototype.set on a detached ArrayBuffer");
    }
    let source = arg(args, 0);
    let values: Vec<f64> = match source.as_object() {
        Some(id) if vm.is_typed_array(id) => elements(vm, id)?,
        _ => {
            let object = Value::Object(vm.to_object(&source)?);
            let count = vm.get(host, &object, Key::Atom(atoms::LENGTH))?;
            let count = vm.to_number(host, &count)?;
            let count = if count.is_nan() { 0.0 } else { count.trunc().max(0.0) };
            if count + offset > f64::from(length) {
                return vm.range_error("offset is out of bounds");
            }
            let mut values = Vec::with_capacity(count as usize);
            for index in 0..count as u32 {
                let value = vm.get(host, &object, Key::Index(index))?;
                values.push(vm.to_number(host, &value)?);
            }
            values
        }
    };
    if values.len() as f64 + offset > f64::from(length) {
        return vm.range_error("offset is out of bounds");
    }
    for (index, number) in values.into_iter().enumerate() {
        set_element(vm, target, offset as u32 + index as u32, number)?;
    }
    Ok(Value::Undefined)
}

/// `subarray(begin, end)` (ECMA-262 23.2.3.30): a view on the same bytes,
/// made by the receiver's species.
fn subarray(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let Some((element, buffer, offset, length)) = this.as_object().and_then(|id| parts(vm, id)) else { return vm.type_error("this is not a typed array.") };
    let source = this.as_object().unwrap_or(vm.intrinsics.global);
    let length = if live_length(vm, buffer).is_some() { length } else { 0 };
    let begin = relative(vm, host, &arg(args, 0), length, 0)?;
    let end = relative(vm, host, &arg(args, 1), length, length)?;
    let count = end.saturating_sub(begin);
    let begin_byte = offset + begin * element.size();
    let args = [Value::Object(buffer), Value::Number(f64::from(begin_byte)), Value::Number(f64::from(count))];
    Ok(Value::Object(species_create(vm, host, source, &args)?))
}

/// `slice(start, end)` (ECMA-262 23.2.3.27): a copy, made by the species.
fn slice(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (source, _, length) = validate(vm, this, "%TypedArray%.prototype.slice")?;
    let start = relative(vm, host, &arg(args, 0), length, 0)?;
    let end = relative(vm, host, &arg(args, 1), length, length)?;
    let count = end.saturating_sub(start);
    let target = species_create(vm, host, source, &[Value::Number(f64::from(count))])?;
    let values = elements(vm, source)?;
    for (index, number) in values.into_iter().skip(start as usize).take(count as usize).enumerate() {
        set_element(vm, target, index as u32, number)?;
    }
    Ok(Value::Object(target))
}

/// `fill(value, start, end)` (ECMA-262 23.2.3.9): the value is converted
/// once, before the range.
fn fill(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (target, _, length) = validate(vm, this, "%TypedArray%.prototype.fill")?;
    let number = vm.to_number(host, &arg(args, 0))?;
    let start = relative(vm, host, &arg(args, 1), length, 0)?;
    let end = relative(vm, host, &arg(args, 2), length, length)?;
    for index in start..end {
        set_element(vm, target, index, number)?;
    }
    Ok(this.clone())
}

/// `map(callback, thisArg)` (ECMA-262 23.2.3.22).
fn map(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (source, _, length) = validate(vm, this, "%TypedArray%.prototype.map")?;
    let callback = callable_arg(vm, args)?;
    let target = species_create(vm, host, source, &[Value::Number(f64::from(length))])?;
    for index in 0..length {
        charge(vm, host, 1)?;
        let value = get_element(vm, source, index).unwrap_or_default();
        let mapped = vm.call(host, &callback, &arg(args, 1), &[value, Value::Number(f64::from(index)), this.clone()])?;
        vm.set(host, &Value::Object(target), Key::Index(index), mapped, true)?;
    }
    Ok(Value::Object(target))
}

/// `filter(callback, thisArg)` (ECMA-262 23.2.3.10).
fn filter(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (source, _, length) = validate(vm, this, "%TypedArray%.prototype.filter")?;
    let callback = callable_arg(vm, args)?;
    let mut kept = Vec::new();
    for index in 0..length {
        charge(vm, host, 1)?;
        let value = get_element(vm, source, index).unwrap_or_default();
        let verdict = vm.call(host, &callback, &arg(args, 1), &[value.clone(), Value::Number(f64::from(index)), this.clone()])?;
        if verdict.truthy() {
            kept.push(value);
        }
    }
    let target = species_create(vm, host, source, &[Value::Number(kept.len() as f64)])?;
    for (index, value) in kept.into_iter().enumerate() {
        vm.set(host, &Value::Object(target), Key::Index(index as u32), value, true)?;
    }
    Ok(Value::Object(target))
}

/// The elements sorted (ECMA-262 23.2.3.29): numerically without a
/// comparator (NaN last, -0 before +0), else by the comparator, stably.
fn sorted(vm: &mut Vm, host: &mut dyn Embedder, source: ObjId, comparator: &Value) -> JsResult<Vec<f64>> {
    let mut values = elements(vm, source)?;
    if comparator.is_undefined() {
        values.sort_by(|a, b| a.total_cmp(b));
        // total_cmp puts negative NaNs first: every NaN goes last.
        let (numbers, nans): (Vec<f64>, Vec<f64>) = values.into_iter().partition(|value| !value.is_nan());
        return Ok(numbers.into_iter().chain(nans).collect());
    }
    let items = values.into_iter().map(Value::Number).collect();
    let sorted = sort_values(vm, host, items, comparator)?;
    Ok(sorted.iter().map(|value| if let Value::Number(number) = value { *number } else { f64::NAN }).collect())
}

fn comparator_arg(vm: &mut Vm, args: &[Value]) -> JsResult<Value> {
    let comparator = arg(args, 0);
    if !comparator.is_undefined() && !vm.is_callable(&comparator) {
        return vm.type_error("The comparison function must be either a function or undefined");
    }
    Ok(comparator)
}

/// `sort(comparator)` (ECMA-262 23.2.3.29), in place.
fn sort(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let comparator = comparator_arg(vm, args)?;
    let (target, _, _) = validate(vm, this, "%TypedArray%.prototype.sort")?;
    let values = sorted(vm, host, target, &comparator)?;
    for (index, number) in values.into_iter().enumerate() {
        set_element(vm, target, index as u32, number)?;
    }
    Ok(this.clone())
}

/// A new typed array of the receiver's own element type (not its species),
/// as the copying methods make (TypedArrayCreateSameType, 23.2.4.3).
fn same_type(vm: &mut Vm, source: ObjId, values: Vec<f64>) -> JsResult<Value> {
    let element = parts(vm, source).map_or(Element::Uint8, |(element, ..)| element);
    let key = vm.key(element.name());
    let constructor = vm.heap.own(vm.intrinsics.global, key).and_then(|found| found.value.as_object());
    let prototype = constructor.and_then(|id| vm.heap.own(id, Key::Atom(atoms::PROTOTYPE))).and_then(|found| found.value.as_object());
    let target = allocate(vm, element, prototype, values.len() as f64)?;
    for (index, number) in values.into_iter().enumerate() {
        set_element(vm, target, index as u32, number)?;
    }
    Ok(Value::Object(target))
}

/// `toSorted(comparator)` (ECMA-262 23.2.3.33).
fn to_sorted(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let comparator = comparator_arg(vm, args)?;
    let (source, _, _) = validate(vm, this, "%TypedArray%.prototype.toSorted")?;
    let values = sorted(vm, host, source, &comparator)?;
    same_type(vm, source, values)
}

/// `toReversed()` (ECMA-262 23.2.3.32).
fn to_reversed(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (source, _, _) = validate(vm, this, "%TypedArray%.prototype.toReversed")?;
    let mut values = elements(vm, source)?;
    values.reverse();
    same_type(vm, source, values)
}

/// `with(index, value)` (ECMA-262 23.2.3.36).
fn with(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (source, _, length) = validate(vm, this, "%TypedArray%.prototype.with")?;
    let relative_index = vm.to_number(host, &arg(args, 0))?;
    let relative_index = if relative_index.is_nan() { 0.0 } else { relative_index.trunc() };
    let index = if relative_index < 0.0 { f64::from(length) + relative_index } else { relative_index };
    let number = vm.to_number(host, &arg(args, 1))?;
    if index < 0.0 || index >= f64::from(length) {
        return vm.range_error("Invalid typed array index");
    }
    let mut values = elements(vm, source)?;
    values[index as usize] = number;
    same_type(vm, source, values)
}

impl Vm {
    /// Whether `id` is a typed array of `element` (an embedder's check for a
    /// Uint8Array, say).
    pub fn is_typed_array_of(&self, id: ObjId, element: Element) -> bool {
        matches!(self.heap.get(id).kind, Kind::TypedArray { element: found, .. } if found == element)
    }
}
