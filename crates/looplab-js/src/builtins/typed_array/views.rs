//! The typed array constructors (ECMA-262 23.2.5): %TypedArray% (23.2.1),
//! the abstract parent every one inherits from, one constructor per element
//! type, the accessors on %TypedArray%.prototype (23.2.3), and element
//! reads and writes for the engine's property operations: a typed array is
//! an integer-indexed exotic object (10.4.5) whose indices are its elements.

use super::element::Element;
use super::{check_readable, live_length, prototype_from, to_index, LENGTH_MAX};
use crate::atoms;
use crate::builtins::arg;
use crate::builtins::{define_getter, define_species};
use crate::object::Kind;
use crate::props::Descriptor;
use crate::shape::{CONFIGURABLE, WRITABLE};
use crate::value::{Key, ObjId, Value};
use crate::vm::symbols;
use crate::{Embedder, JsResult, Vm};

pub(super) fn install(vm: &mut Vm) {
    let prototype = vm.new_object();
    let constructor = vm.native_function("TypedArray", 0, abstract_constructor);
    vm.heap.put(constructor, Key::Atom(atoms::PROTOTYPE), Value::Object(prototype), 0);
    vm.heap.put(prototype, Key::Atom(atoms::CONSTRUCTOR), Value::Object(constructor), WRITABLE | CONFIGURABLE);
    vm.heap.get_mut(constructor).flags |= crate::object::CONSTRUCTOR;
    define_species(vm, constructor);
    define_getter(vm, prototype, "buffer", view_buffer);
    define_getter(vm, prototype, "byteLength", view_byte_length);
    define_getter(vm, prototype, "byteOffset", view_byte_offset);
    define_getter(vm, prototype, "length", view_length);
    let tag_getter = vm.native_function("get [Symbol.toStringTag]", 0, |vm, _, this, _, _| {
        Ok(match this {
            Value::Object(id) => match vm.heap.get(*id).kind {
                Kind::TypedArray { element, .. } => Value::str(element.name()),
                _ => Value::Undefined,
            },
            _ => Value::Undefined,
        })
    });
    let desc = Descriptor {
        get: Some(Value::Object(tag_getter)),
        set: Some(Value::Undefined),
        enumerable: Some(false),
        configurable: Some(true),
        ..Default::default()
    };
    vm.define_property(prototype, Key::Symbol(symbols::TO_STRING_TAG), &desc);
    super::methods::install(vm, constructor, prototype);

    for (index, element) in Element::ALL.into_iter().enumerate() {
        let name = element.name();
        let own_prototype = vm.new_object();
        vm.set_prototype(own_prototype, Some(prototype));
        let own_constructor = vm.native_function(name, 3, construct);
        vm.set_native_data(own_constructor, Value::Number(index as f64));
        vm.set_prototype(own_constructor, Some(constructor));
        super::super::link_constructor(vm, name, own_constructor, own_prototype);
        let size = Value::Number(f64::from(element.size()));
        let key = vm.key("BYTES_PER_ELEMENT");
        vm.heap.put(own_constructor, key, size.clone(), 0);
        vm.heap.put(own_prototype, key, size, 0);
    }
}

/// A typed array's parts: element type, buffer, byte offset, length.
pub(super) fn parts(vm: &Vm, id: ObjId) -> Option<(Element, ObjId, u32, u32)> {
    match vm.heap.get(id).kind {
        Kind::TypedArray { element, buffer, offset, length } => Some((element, buffer, offset, length)),
        _ => None,
    }
}

/// ValidateTypedArray (ECMA-262 23.2.4.4): the receiver is a typed array
/// whose buffer is not detached. Its element type and length.
pub(super) fn validate(vm: &mut Vm, this: &Value, method: &str) -> JsResult<(ObjId, Element, u32)> {
    let found = this.as_object().and_then(|id| parts(vm, id).map(|(element, buffer, _, length)| (id, element, buffer, length)));
    match found {
        Some((id, element, buffer, length)) => {
            if live_length(vm, buffer).is_none() {
                return vm.type_error(&format!("Cannot perform {method} on a detached ArrayBuffer"));
            }
            Ok((id, element, length))
        }
        None => vm.type_error("this is not a typed array."),
    }
}

/// The element at `index`, or None past the end (or once the buffer is
/// detached).
pub(crate) fn get_element(vm: &Vm, id: ObjId, index: u32) -> Option<Value> {
    let (element, buffer, offset, length) = parts(vm, id)?;
    if index >= length {
        return None;
    }
    let Kind::ArrayBuffer(data) = &vm.heap.get(buffer).kind else { return None };
    let start = (offset + index * element.size()) as usize;
    let bytes = data.bytes.get(start..start + element.size() as usize)?;
    Some(Value::Number(element.read(bytes)))
}

/// How many elements a typed array has (none once its buffer is detached).
pub(crate) fn element_count(vm: &Vm, id: ObjId) -> u32 {
    match parts(vm, id) {
        Some((_, buffer, _, length)) if live_length(vm, buffer).is_some() => length,
        _ => 0,
    }
}

/// TypedArraySetElement (ECMA-262 10.4.5.16) after ToNumber: an index past
/// the end is ignored.
pub(crate) fn set_element(vm: &mut Vm, id: ObjId, index: u32, number: f64) -> JsResult<()> {
    let Some((element, buffer, offset, length)) = parts(vm, id) else { return Ok(()) };
    if index >= length {
        return Ok(());
    }
    check_readable(vm, id)?;
    let start = (offset + index * element.size()) as usize;
    if let Kind::ArrayBuffer(data) = &mut vm.heap.get_mut(buffer).kind {
        if let Some(slot) = data.bytes.get_mut(start..start + element.size() as usize) {
            element.write(number, slot);
        }
    }
    Ok(())
}

/// A typed array's elements as numbers.
pub(super) fn elements(vm: &mut Vm, id: ObjId) -> JsResult<Vec<f64>> {
    check_readable(vm, id)?;
    let Some((element, buffer, offset, length)) = parts(vm, id) else { return Ok(Vec::new()) };
    let Kind::ArrayBuffer(data) = &vm.heap.get(buffer).kind else { return Ok(Vec::new()) };
    let size = element.size() as usize;
    Ok((0..length as usize)
        .map(|index| {
            let start = offset as usize + index * size;
            data.bytes.get(start..start + size).map_or(f64::NAN, |bytes| element.read(bytes))
        })
        .collect())
}

/// A new typed array of `element` with `length` zero elements on
/// `prototype` (AllocateTypedArray, ECMA-262 23.2.5.1.1).
pub(super) fn allocate(vm: &mut Vm, element: Element, prototype: Option<ObjId>, length: f64) -> JsResult<ObjId> {
    let bytes = length * f64::from(element.size());
    if bytes > LENGTH_MAX {
        return vm.range_error(&format!("Invalid typed array length: {length}"));
    }
    let buffer = vm.new_array_buffer(bytes as u32, None);
    Ok(vm.heap.alloc(prototype, Kind::TypedArray { element, buffer, offset: 0, length: length as u32 }, 0))
}

/// TypedArrayCreateFromConstructor (ECMA-262 23.2.4.2): `new C(...args)`,
/// which must give a typed array (and, given one length, one at least that
/// long).
pub(super) fn create(vm: &mut Vm, host: &mut dyn Embedder, constructor: &Value, args: &[Value]) -> JsResult<ObjId> {
    let made = vm.construct(host, constructor, args, None)?;
    let (id, _, length) = validate(vm, &made, "construction")?;
    if let [Value::Number(wanted)] = args {
        if f64::from(length) < *wanted {
            return vm.type_error("Derived TypedArray constructor created an array which was too small");
        }
    }
    Ok(id)
}

/// TypedArraySpeciesCreate (ECMA-262 23.2.4.1): the receiver's species, or
/// its own element type's constructor.
pub(super) fn species_create(vm: &mut Vm, host: &mut dyn Embedder, exemplar: ObjId, args: &[Value]) -> JsResult<ObjId> {
    let element = parts(vm, exemplar).map_or(Element::Uint8, |(element, ..)| element);
    let default = {
        let key = vm.key(element.name());
        vm.heap.own(vm.intrinsics.global, key).map(|found| found.value).unwrap_or_default()
    };
    let chosen = crate::builtins::species_constructor(vm, host, &Value::Object(exemplar), default)?;
    create(vm, host, &chosen, args)
}

fn abstract_constructor(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    vm.type_error("Abstract class TypedArray not directly constructable")
}

/// `new Int16Array(length | typedArray | iterable | arrayLike | buffer,
/// byteOffset, length)` (ECMA-262 23.2.5.1).
fn construct(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    let element = match vm.current_native_data() {
        Value::Number(index) => Element::ALL[index as usize],
        _ => Element::Uint8,
    };
    let name = element.name();
    let Some(new_target) = new_target else { return vm.type_error(&format!("Constructor {name} requires 'new'")) };
    let prototype = prototype_from(vm, host, new_target, name)?;
    let first = arg(args, 0);
    let Value::Object(source) = first else {
        let length = to_index(vm, host, &first).or_else(|_| vm.range_error(&format!("Invalid typed array length: {}", vm.to_display(&first))))?;
        return Ok(Value::Object(allocate(vm, element, Some(prototype), length)?));
    };
    if vm.is_array_buffer(source) {
        return from_buffer(vm, host, element, prototype, source, &arg(args, 1), &arg(args, 2));
    }
    let values: Vec<f64> = if vm.is_typed_array(source) {
        if live_length(vm, parts(vm, source).map_or(source, |(_, buffer, ..)| buffer)).is_none() {
            return vm.type_error("Cannot perform Construct on a detached ArrayBuffer");
        }
        elements(vm, source)?
    } else {
        let iterator = vm.get(host, &first, Key::Symbol(symbols::ITERATOR))?;
        let values = if iterator.is_nullish() {
            // An array-like (ECMA-262 23.2.5.1.5).
            let length = vm.get(host, &first, Key::Atom(atoms::LENGTH))?;
            let length = vm.to_number(host, &length)?;
            let length = if length.is_nan() { 0.0 } else { length.trunc().clamp(0.0, LENGTH_MAX) } as u32;
            let mut values = Vec::with_capacity(length.min(1 << 16) as usize);
            for index in 0..length {
                values.push(vm.get(host, &first, Key::Index(index))?);
            }
            values
        } else {
            if !vm.is_callable(&iterator) {
                return vm.type_error(&format!("{} is not a function", vm.to_display(&iterator)));
            }
            vm.iterate_to_vec(host, &first)?
        };
        let mut numbers = Vec::with_capacity(values.len());
        for value in &values {
            numbers.push(vm.to_number(host, value)?);
        }
        numbers
    };
    let id = allocate(vm, element, Some(prototype), values.len() as f64)?;
    for (index, number) in values.into_iter().enumerate() {
        set_element(vm, id, index as u32, number)?;
    }
    Ok(Value::Object(id))
}

/// InitializeTypedArrayFromArrayBuffer (ECMA-262 23.2.5.1.3), with V8's
/// messages.
fn from_buffer(vm: &mut Vm, host: &mut dyn Embedder, element: Element, prototype: ObjId, buffer: ObjId, offset: &Value, length: &Value) -> JsResult<Value> {
    let name = element.name();
    let size = f64::from(element.size());
    let offset =
        to_index(vm, host, offset).or_else(|_| vm.range_error(&format!("Start offset {} is outside the bounds of the buffer", vm.to_display(offset))))?;
    if offset % size != 0.0 {
        return vm.range_error(&format!("start offset of {name} should be a multiple of {size}"));
    }
    let new_length = if length.is_undefined() { None } else { Some(to_index(vm, host, length)?) };
    let Some(buffer_length) = live_length(vm, buffer) else { return vm.type_error("Cannot perform Construct on a detached ArrayBuffer") };
    let buffer_length = f64::from(buffer_length);
    let byte_length = match new_length {
        None => {
            if buffer_length % size != 0.0 {
                return vm.range_error(&format!("byte length of {name} should be a multiple of {size}"));
            }
            if offset > buffer_length {
                return vm.range_error(&format!("Start offset {offset} is outside the bounds of the buffer"));
            }
            buffer_length - offset
        }
        Some(count) => {
            if offset + count * size > buffer_length {
                return vm.range_error(&format!("Invalid typed array length: {count}"));
            }
            count * size
        }
    };
    let kind = Kind::TypedArray { element, buffer, offset: offset as u32, length: (byte_length / size) as u32 };
    Ok(Value::Object(vm.heap.alloc(Some(prototype), kind, 0)))
}

fn view_parts(vm: &mut Vm, this: &Value, what: &str) -> JsResult<(Element, ObjId, u32, u32)> {
    match this.as_object().and_then(|id| parts(vm, id)) {
        Some(found) => Ok(found),
        None => vm.type_error(&format!("Method %TypedArray%.prototype.{what} called on incompatible receiver {}", vm.to_display(this))),
    }
}

fn view_length(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (_, buffer, _, length) = view_parts(vm, this, "length")?;
    Ok(Value::Number(if live_length(vm, buffer).is_some() { f64::from(length) } else { 0.0 }))
}

fn view_byte_length(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (element, buffer, _, length) = view_parts(vm, this, "byteLength")?;
    Ok(Value::Number(if live_length(vm, buffer).is_some() { f64::from(length * element.size()) } else { 0.0 }))
}

fn view_byte_offset(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (_, buffer, offset, _) = view_parts(vm, this, "byteOffset")?;
    Ok(Value::Number(if live_length(vm, buffer).is_some() { f64::from(offset) } else { 0.0 }))
}

fn view_buffer(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (_, buffer, _, _) = view_parts(vm, this, "buffer")?;
    Ok(Value::Object(buffer))
}
