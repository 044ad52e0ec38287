//! `ArrayBuffer` (ECMA-262 25.1) and `Uint8Array` (23.2), the one typed
//! array kind the engine has: enough for a byte buffer an embedder builds
//! on (a runtime's byte buffers subclass `Uint8Array`). Views share their buffer's
//! bytes. Not here yet: the other element types, `DataView`, and the
//! `%TypedArray%.prototype` methods (set, fill, slice, indexOf, iteration…).

use super::{arg, link_constructor};
use crate::atoms;
use crate::object::{ArrayBufferData, Kind};
use crate::props::Descriptor;
use crate::value::{Key, ObjId, Value};
use crate::vm::symbols;
use crate::{Embedder, JsResult, Vm};

/// The largest buffer the engine makes (V8's limit on 64-bit machines is
/// 2^32 bytes; a buffer past the embedder's memory limit fails earlier).
const LENGTH_MAX: f64 = 4_294_967_295.0;

pub(super) fn install(vm: &mut Vm) {
    let buffer_prototype = vm.new_object();
    let buffer_constructor = vm.native_function("ArrayBuffer", 1, array_buffer_constructor);
    link_constructor(vm, "ArrayBuffer", buffer_constructor, buffer_prototype);
    define_getter(vm, buffer_prototype, "byteLength", buffer_byte_length);
    vm.define_method(buffer_prototype, "slice", 2, buffer_slice);
    vm.define_method(buffer_constructor, "isView", 1, is_view);
    define_tag(vm, buffer_prototype, "ArrayBuffer");

    let prototype = vm.new_object();
    let constructor = vm.native_function("Uint8Array", 3, uint8_array_constructor);
    link_constructor(vm, "Uint8Array", constructor, prototype);
    vm.define_value(constructor, "BYTES_PER_ELEMENT", Value::Number(1.0));
    vm.define_value(prototype, "BYTES_PER_ELEMENT", Value::Number(1.0));
    define_getter(vm, prototype, "length", view_length);
    define_getter(vm, prototype, "byteLength", view_length);
    define_getter(vm, prototype, "byteOffset", view_byte_offset);
    define_getter(vm, prototype, "buffer", view_buffer);
    vm.define_method(prototype, "subarray", 2, subarray);
    // %TypedArray%.prototype.values and [@@iterator] (ECMA-262 23.2.3.37):
    // an array iterator over the view's elements.
    let values = vm.array_values_function();
    vm.define_value(prototype, "values", values.clone());
    vm.heap.put(prototype, Key::Symbol(symbols::ITERATOR), values, crate::shape::METHOD_ATTRS);
    let tag_getter = vm.native_function("get [Symbol.toStringTag]", 0, |vm, _, this, _, _| {
        Ok(match this {
            Value::Object(id) if matches!(vm.heap.get(*id).kind, Kind::Uint8Array { .. }) => Value::str("Uint8Array"),
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
}

impl Vm {
    /// A new ArrayBuffer of `length` zero bytes.
    pub fn new_array_buffer(&mut self, length: u32, proto: Option<ObjId>) -> ObjId {
        let proto = proto.or_else(|| self.array_buffer_prototype());
        self.heap.grew(length as usize / 16);
        self.heap.alloc(proto, Kind::ArrayBuffer(Box::new(ArrayBufferData { bytes: vec![0; length as usize], length, opaque: false, pending: None })), 0)
    }

    /// An ArrayBuffer with a length and no contents: its bytes are data
    /// the embedder does not model, and reading them throws.
    pub fn new_array_buffer_opaque(&mut self, length: u64) -> ObjId {
        let proto = self.array_buffer_prototype();
        let length = length.min(LENGTH_MAX as u64) as u32;
        self.heap.alloc(proto, Kind::ArrayBuffer(Box::new(ArrayBufferData { bytes: Vec::new(), length, opaque: true, pending: None })), 0)
    }

    /// An ArrayBuffer of `length` bytes that `compute` makes the first time
    /// they are read (until then it costs no more than an opaque one).
    pub fn new_array_buffer_computed(&mut self, length: u32, compute: std::rc::Rc<dyn Fn() -> Vec<u8>>) -> ObjId {
        let proto = self.array_buffer_prototype();
        let data = ArrayBufferData { bytes: Vec::new(), length, opaque: true, pending: Some(compute) };
        self.heap.alloc(proto, Kind::ArrayBuffer(Box::new(data)), 0)
    }

    /// Computes a buffer's pending bytes, if it has any (see
    /// [`Vm::new_array_buffer_computed`]).
    pub fn materialize_array_buffer(&mut self, id: ObjId) {
        let Kind::ArrayBuffer(data) = &mut self.heap.get_mut(id).kind else { return };
        let Some(compute) = data.pending.take() else { return };
        let mut bytes = compute();
        bytes.resize(data.length as usize, 0);
        data.bytes = bytes;
        data.opaque = false;
        let grown = data.length as usize / 16;
        self.heap.grew(grown);
    }

    pub fn is_opaque_array_buffer(&self, id: ObjId) -> bool {
        matches!(&self.heap.get(id).kind, Kind::ArrayBuffer(data) if data.opaque)
    }

    pub fn is_array_buffer(&self, id: ObjId) -> bool {
        matches!(self.heap.get(id).kind, Kind::ArrayBuffer(_))
    }

    pub fn is_typed_array(&self, id: ObjId) -> bool {
        matches!(self.heap.get(id).kind, Kind::Uint8Array { .. })
    }

    fn array_buffer_prototype(&mut self) -> Option<ObjId> {
        let global = Value::Object(self.intrinsics.global);
        let key = self.key("ArrayBuffer");
        let constructor = self.heap.own(self.intrinsics.global, key).map(|found| found.value);
        let _ = global;
        let constructor = constructor?.as_object()?;
        self.heap.own(constructor, Key::Atom(atoms::PROTOTYPE)).and_then(|found| found.value.as_object())
    }
}

/// Reading an element of a view over an opaque buffer is an error.
pub(crate) fn check_readable(vm: &mut Vm, id: ObjId) -> JsResult<()> {
    if let Kind::Uint8Array { buffer, .. } = vm.heap.get(id).kind {
        vm.materialize_array_buffer(buffer);
        if let Kind::ArrayBuffer(data) = &vm.heap.get(buffer).kind {
            if data.opaque {
                let length = data.length;
                return vm.unsupported(&format!("reading the bytes of a {length}-byte buffer whose contents are not simulated"));
            }
        }
    }
    Ok(())
}

/// Writes element `index` of a view (ToUint8: modulo 2^8).
pub(crate) fn set_byte(vm: &mut Vm, view: ObjId, index: u32, number: f64) -> JsResult<()> {
    let Kind::Uint8Array { buffer, offset, length } = vm.heap.get(view).kind else { return Ok(()) };
    if index >= length {
        return Ok(());
    }
    check_readable(vm, view)?;
    let byte = to_uint8(number);
    if let Kind::ArrayBuffer(data) = &mut vm.heap.get_mut(buffer).kind {
        if let Some(slot) = data.bytes.get_mut((offset + index) as usize) {
            *slot = byte;
        }
    }
    Ok(())
}

/// ToUint8 (ECMA-262 7.1.11).
fn to_uint8(number: f64) -> u8 {
    if !number.is_finite() {
        return 0;
    }
    (number.trunc().rem_euclid(256.0)) as u8
}

fn define_getter(vm: &mut Vm, target: ObjId, name: &str, f: crate::object::NativeFn) {
    let getter = vm.native_function(&format!("get {name}"), 0, f);
    let key = vm.key(name);
    let desc =
        Descriptor { get: Some(Value::Object(getter)), set: Some(Value::Undefined), enumerable: Some(false), configurable: Some(true), ..Default::default() };
    vm.define_property(target, key, &desc);
}

fn define_tag(vm: &mut Vm, target: ObjId, tag: &str) {
    vm.heap.put(target, Key::Symbol(symbols::TO_STRING_TAG), Value::str(tag), crate::shape::CONFIGURABLE);
}

/// ToIndex (ECMA-262 7.1.22).
fn to_index(vm: &mut Vm, host: &mut dyn Embedder, value: &Value) -> JsResult<f64> {
    if value.is_undefined() {
        return Ok(0.0);
    }
    let number = vm.to_number(host, value)?;
    let integer = if number.is_nan() { 0.0 } else { number.trunc() };
    if !(0.0..=LENGTH_MAX).contains(&integer) {
        return vm.range_error("Invalid typed array length");
    }
    Ok(integer)
}

fn prototype_from(vm: &mut Vm, host: &mut dyn Embedder, new_target: ObjId, name: &str) -> JsResult<ObjId> {
    if let Value::Object(prototype) = vm.get(host, &Value::Object(new_target), Key::Atom(atoms::PROTOTYPE))? {
        return Ok(prototype);
    }
    let key = vm.key(name);
    let constructor = vm.get(host, &Value::Object(vm.intrinsics.global), key)?;
    match vm.get(host, &constructor, Key::Atom(atoms::PROTOTYPE))? {
        Value::Object(prototype) => Ok(prototype),
        _ => Ok(vm.intrinsics.object_prototype),
    }
}

fn array_buffer_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    let Some(new_target) = new_target else { return vm.type_error("Constructor ArrayBuffer requires 'new'") };
    let length = to_index(vm, host, &arg(args, 0)).or_else(|_| vm.range_error("Array buffer allocation failed"))?;
    let prototype = prototype_from(vm, host, new_target, "ArrayBuffer")?;
    Ok(Value::Object(vm.new_array_buffer(length as u32, Some(prototype))))
}

fn this_buffer(vm: &mut Vm, this: &Value, method: &str) -> JsResult<ObjId> {
    match this {
        Value::Object(id) if vm.is_array_buffer(*id) => Ok(*id),
        _ => vm.type_error(&format!("Method ArrayBuffer.prototype.{method} called on incompatible receiver {}", vm.to_display(this))),
    }
}

fn buffer_byte_length(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let id = this_buffer(vm, this, "byteLength")?;
    Ok(match &vm.heap.get(id).kind {
        Kind::ArrayBuffer(data) => Value::Number(f64::from(data.length)),
        _ => Value::Undefined,
    })
}

/// Relative index clamping of slice and subarray (ECMA-262 23.2.3.27).
fn relative(vm: &mut Vm, host: &mut dyn Embedder, value: &Value, length: u32, default: u32) -> JsResult<u32> {
    if value.is_undefined() {
        return Ok(default);
    }
    let number = vm.to_number(host, value)?;
    let integer = if number.is_nan() { 0.0 } else { number.trunc() };
    let length = f64::from(length);
    Ok(if integer < 0.0 { (length + integer).max(0.0) } else { integer.min(length) } as u32)
}

fn buffer_slice(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let id = this_buffer(vm, this, "slice")?;
    vm.materialize_array_buffer(id);
    let (length, opaque) = match &vm.heap.get(id).kind {
        Kind::ArrayBuffer(data) => (data.length, data.opaque),
        _ => (0, false),
    };
    let start = relative(vm, host, &arg(args, 0), length, 0)?;
    let end = relative(vm, host, &arg(args, 1), length, length)?;
    let count = end.saturating_sub(start);
    if opaque {
        return Ok(Value::Object(vm.new_array_buffer_opaque(u64::from(count))));
    }
    let copy = vm.new_array_buffer(count, None);
    let bytes = match &vm.heap.get(id).kind {
        Kind::ArrayBuffer(data) => data.bytes[start as usize..(start + count) as usize].to_vec(),
        _ => Vec::new(),
    };
    if let Kind::ArrayBuffer(data) = &mut vm.heap.get_mut(copy).kind {
        data.bytes = bytes;
    }
    Ok(Value::Object(copy))
}

fn is_view(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    Ok(Value::Bool(matches!(arg(args, 0), Value::Object(id) if vm.is_typed_array(id))))
}

/// `new Uint8Array(length | typedArray | object | buffer, byteOffset, length)`
/// (ECMA-262 23.2.5.1).
fn uint8_array_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    let Some(new_target) = new_target else { return vm.type_error("Constructor Uint8Array requires 'new'") };
    let prototype = prototype_from(vm, host, new_target, "Uint8Array")?;
    let first = arg(args, 0);
    let view = |vm: &mut Vm, buffer: ObjId, offset: u32, length: u32| -> Value {
        Value::Object(vm.heap.alloc(Some(prototype), Kind::Uint8Array { buffer, offset, length }, 0))
    };
    match &first {
        Value::Object(id) if vm.is_array_buffer(*id) => {
            let buffer_length = match &vm.heap.get(*id).kind {
                Kind::ArrayBuffer(data) => data.length,
                _ => 0,
            };
            let offset = to_index(vm, host, &arg(args, 1))?;
            if offset > f64::from(buffer_length) {
                return vm.range_error(&format!("Start offset {offset} is outside the bounds of the buffer"));
            }
            let length = match arg(args, 2) {
                Value::Undefined => f64::from(buffer_length) - offset,
                length => {
                    let length = to_index(vm, host, &length)?;
                    if offset + length > f64::from(buffer_length) {
                        return vm.range_error(&format!("Invalid typed array length: {length}"));
                    }
                    length
                }
            };
            Ok(view(vm, *id, offset as u32, length as u32))
        }
        Value::Object(id) => {
            // From a typed array or any array-like (or iterable, via
            // Array.from semantics when it has Symbol.iterator).
            let source = Value::Object(*id);
            let values: Vec<Value> = if vm.is_typed_array(*id) {
                check_readable(vm, *id)?;
                let length = match vm.heap.get(*id).kind {
                    Kind::Uint8Array { length, .. } => length,
                    _ => 0,
                };
                (0..length).map(|index| vm.own_property(*id, Key::Index(index)).map(|found| found.value).unwrap_or_default()).collect()
            } else {
                let iterator = vm.get(host, &source, Key::Symbol(symbols::ITERATOR))?;
                let array_like = if vm.is_callable(&iterator) && !vm.heap.get(*id).is_array() {
                    let array_from = {
                        let key = vm.key("Array");
                        let array = vm.get(host, &Value::Object(vm.intrinsics.global), key)?;
                        let from = vm.key("from");
                        (vm.get(host, &array, from)?, array)
                    };
                    vm.call(host, &array_from.0, &array_from.1, &[source.clone()])?
                } else {
                    source.clone()
                };
                let length = vm.get(host, &array_like, Key::Atom(atoms::LENGTH))?;
                let length = vm.to_number(host, &length)?;
                let length = if length.is_nan() { 0.0 } else { length.trunc().clamp(0.0, LENGTH_MAX) } as u32;
                let mut values = Vec::with_capacity(length as usize);
                for index in 0..length {
                    values.push(vm.get(host, &array_like, Key::Index(index))?);
                }
                values
            };
            let mut bytes = Vec::with_capacity(values.len());
            for value in &values {
                bytes.push(to_uint8(vm.to_number(host, value)?));
            }
            let length = bytes.len() as u32;
            let buffer = vm.new_array_buffer(0, None);
            if let Kind::ArrayBuffer(data) = &mut vm.heap.get_mut(buffer).kind {
                data.bytes = bytes;
                data.length = length;
            }
            vm.heap.grew(length as usize / 16);
            Ok(view(vm, buffer, 0, length))
        }
        _ => {
            let length = to_index(vm, host, &first).or_else(|_| vm.range_error(&format!("Invalid typed array length: {}", vm.to_display(&first))))?;
            let buffer = vm.new_array_buffer(length as u32, None);
            Ok(view(vm, buffer, 0, length as u32))
        }
    }
}

fn this_view(vm: &mut Vm, this: &Value) -> JsResult<(ObjId, ObjId, u32, u32)> {
    match this {
        Value::Object(id) => match vm.heap.get(*id).kind {
            Kind::Uint8Array { buffer, offset, length } => Ok((*id, buffer, offset, length)),
            _ => vm.type_error("this is not a typed array."),
        },
        _ => vm.type_error("this is not a typed array."),
    }
}

fn view_length(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (_, _, _, length) = this_view(vm, this)?;
    Ok(Value::Number(f64::from(length)))
}

fn view_byte_offset(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (_, _, offset, _) = this_view(vm, this)?;
    Ok(Value::Number(f64::from(offset)))
}

fn view_buffer(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (_, buffer, _, _) = this_view(vm, this)?;
    Ok(Value::Object(buffer))
}

/// `%TypedArray%.prototype.subarray` (ECMA-262 23.2.3.30): a view on the
/// same bytes, made by the receiver's constructor (its species).
fn subarray(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (_, buffer, offset, length) = this_view(vm, this)?;
    let begin = relative(vm, host, &arg(args, 0), length, 0)?;
    let end = relative(vm, host, &arg(args, 1), length, length)?;
    let count = end.saturating_sub(begin);
    let constructor = vm.get(host, this, Key::Atom(atoms::CONSTRUCTOR))?;
    let constructor = if vm.is_constructor(&constructor) {
        constructor
    } else {
        let key = vm.key("Uint8Array");
        vm.get(host, &Value::Object(vm.intrinsics.global), key)?
    };
    let args = [Value::Object(buffer), Value::Number(f64::from(offset + begin)), Value::Number(f64::from(count))];
    vm.construct(host, &constructor, &args, None)
}

/// DetachArrayBuffer (ECMA-262 25.1.3.5): the buffer's bytes leave it, as
/// when an embedder transfers them elsewhere; its byteLength becomes 0.
pub fn detach(vm: &mut Vm, buffer: ObjId) {
    if let Kind::ArrayBuffer(data) = &mut vm.heap.get_mut(buffer).kind {
        data.bytes = Vec::new();
        data.length = 0;
    }
}
