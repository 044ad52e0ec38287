//! Binary data: `ArrayBuffer` (ECMA-262 25.1) and `SharedArrayBuffer`
//! (25.2) here; the typed arrays (23.2) in `views` and `methods`, their
//! element types in `element`, `DataView` (25.3) in `data_view`. Views
//! share their buffer's bytes. A buffer may be *opaque*: an embedder made
//! it for data it does not simulate (a file's contents), and reading its
//! bytes is an error that says so.

mod data_view;
mod element;
mod methods;
mod views;

pub use element::Element;
pub(crate) use views::{element_count, get_element, set_element};

use super::{arg, define_getter, define_species, define_tag, link_constructor};
use crate::atoms;
use crate::object::{ArrayBufferData, Kind};
use crate::value::{Key, ObjId, Value};
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
    define_species(vm, buffer_constructor);

    let shared_prototype = vm.new_object();
    let shared_constructor = vm.native_function("SharedArrayBuffer", 1, shared_array_buffer_constructor);
    link_constructor(vm, "SharedArrayBuffer", shared_constructor, shared_prototype);
    define_getter(vm, shared_prototype, "byteLength", shared_byte_length);
    vm.define_method(shared_prototype, "slice", 2, shared_slice);
    define_tag(vm, shared_prototype, "SharedArrayBuffer");
    define_species(vm, shared_constructor);

    views::install(vm);
    data_view::install(vm);
}

impl Vm {
    /// A new ArrayBuffer of `length` zero bytes.
    pub fn new_array_buffer(&mut self, length: u32, proto: Option<ObjId>) -> ObjId {
        let proto = proto.or_else(|| self.global_prototype("ArrayBuffer"));
        self.heap.grew(length as usize / 16);
        self.alloc_buffer(proto, vec![0; length as usize], length, false)
    }

    /// An ArrayBuffer with a length and no contents: its bytes are data
    /// the embedder does not model, and reading them throws.
    pub fn new_array_buffer_opaque(&mut self, length: u64) -> ObjId {
        let proto = self.global_prototype("ArrayBuffer");
        let length = length.min(LENGTH_MAX as u64) as u32;
        let id = self.alloc_buffer(proto, Vec::new(), length, false);
        if let Kind::ArrayBuffer(data) = &mut self.heap.get_mut(id).kind {
            data.opaque = true;
        }
        id
    }

    /// An ArrayBuffer of `length` bytes that `compute` makes the first time
    /// they are read (until then it costs no more than an opaque one).
    pub fn new_array_buffer_computed(&mut self, length: u32, compute: std::rc::Rc<dyn Fn() -> Vec<u8>>) -> ObjId {
        let id = self.new_array_buffer_opaque(u64::from(length));
        if let Kind::ArrayBuffer(data) = &mut self.heap.get_mut(id).kind {
            data.pending = Some(compute);
        }
        id
    }

    fn alloc_buffer(&mut self, proto: Option<ObjId>, bytes: Vec<u8>, length: u32, shared: bool) -> ObjId {
        let data = ArrayBufferData { bytes, length, opaque: false, shared, detached: false, pending: None };
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

    /// An ArrayBuffer or a SharedArrayBuffer.
    pub fn is_array_buffer(&self, id: ObjId) -> bool {
        matches!(self.heap.get(id).kind, Kind::ArrayBuffer(_))
    }

    pub fn is_typed_array(&self, id: ObjId) -> bool {
        matches!(self.heap.get(id).kind, Kind::TypedArray { .. })
    }

    /// A typed array or a DataView: its buffer, byte offset and byte length.
    pub fn view_bytes(&self, id: ObjId) -> Option<(ObjId, u32, u32)> {
        match self.heap.get(id).kind {
            Kind::TypedArray { element, buffer, offset, length } => Some((buffer, offset, length * element.size())),
            Kind::DataView { buffer, offset, length } => Some((buffer, offset, length)),
            _ => None,
        }
    }

    /// A new Uint8Array on `prototype` over `length` bytes of `buffer` from
    /// byte `offset` (a runtime's byte buffers are these).
    pub fn new_uint8_view(&mut self, prototype: Option<ObjId>, buffer: ObjId, offset: u32, length: u32) -> ObjId {
        self.heap.alloc(prototype, Kind::TypedArray { element: Element::Uint8, buffer, offset, length }, 0)
    }

    /// The `prototype` of the global constructor `name` as the engine made it.
    fn global_prototype(&mut self, name: &str) -> Option<ObjId> {
        let key = self.key(name);
        let constructor = self.heap.own(self.intrinsics.global, key)?.value.as_object()?;
        self.heap.own(constructor, Key::Atom(atoms::PROTOTYPE)).and_then(|found| found.value.as_object())
    }
}

/// Reading an element of a view over an opaque buffer is an error.
pub(crate) fn check_readable(vm: &mut Vm, id: ObjId) -> JsResult<()> {
    if let Some((buffer, _, _)) = vm.view_bytes(id) {
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

/// DetachArrayBuffer (ECMA-262 25.1.3.5): the buffer's bytes leave it, as
/// when an embedder transfers them elsewhere; its byteLength becomes 0 and
/// its views' lengths too.
pub fn detach(vm: &mut Vm, buffer: ObjId) {
    if let Kind::ArrayBuffer(data) = &mut vm.heap.get_mut(buffer).kind {
        data.bytes = Vec::new();
        data.length = 0;
        data.detached = true;
    }
}

/// The buffer's length, or None once it is detached.
fn live_length(vm: &Vm, buffer: ObjId) -> Option<u32> {
    match &vm.heap.get(buffer).kind {
        Kind::ArrayBuffer(data) if !data.detached => Some(data.length),
        _ => None,
    }
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

/// GetPrototypeFromConstructor (ECMA-262 10.1.14): `new_target.prototype`,
/// or the intrinsic `name`'s when that is not an object.
fn prototype_from(vm: &mut Vm, host: &mut dyn Embedder, new_target: ObjId, name: &str) -> JsResult<ObjId> {
    if let Value::Object(prototype) = vm.get(host, &Value::Object(new_target), Key::Atom(atoms::PROTOTYPE))? {
        return Ok(prototype);
    }
    Ok(vm.global_prototype(name).unwrap_or(vm.intrinsics.object_prototype))
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

fn array_buffer_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    let Some(new_target) = new_target else { return vm.type_error("Constructor ArrayBuffer requires 'new'") };
    let length = to_index(vm, host, &arg(args, 0)).or_else(|_| vm.range_error("Array buffer allocation failed"))?;
    let prototype = prototype_from(vm, host, new_target, "ArrayBuffer")?;
    Ok(Value::Object(vm.new_array_buffer(length as u32, Some(prototype))))
}

fn shared_array_buffer_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    let Some(new_target) = new_target else { return vm.type_error("Constructor SharedArrayBuffer requires 'new'") };
    let length = to_index(vm, host, &arg(args, 0)).or_else(|_| vm.range_error("Array buffer allocation failed"))?;
    let prototype = prototype_from(vm, host, new_target, "SharedArrayBuffer")?;
    vm.heap.grew(length as usize / 16);
    Ok(Value::Object(vm.alloc_buffer(Some(prototype), vec![0; length as usize], length as u32, true)))
}

/// The receiver of an ArrayBuffer (`shared` false) or SharedArrayBuffer
/// method; each refuses the other (ECMA-262 25.1.6.1, 25.2.5.1).
fn this_buffer(vm: &mut Vm, this: &Value, shared: bool, method: &str) -> JsResult<ObjId> {
    match this {
        Value::Object(id) if matches!(&vm.heap.get(*id).kind, Kind::ArrayBuffer(data) if data.shared == shared) => Ok(*id),
        _ => {
            let class = if shared { "SharedArrayBuffer" } else { "ArrayBuffer" };
            vm.type_error(&format!("Method {class}.prototype.{method} called on incompatible receiver {}", vm.to_display(this)))
        }
    }
}

fn buffer_byte_length(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let id = this_buffer(vm, this, false, "byteLength")?;
    Ok(Value::Number(f64::from(live_length(vm, id).unwrap_or(0))))
}

fn shared_byte_length(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let id = this_buffer(vm, this, true, "byteLength")?;
    Ok(Value::Number(f64::from(live_length(vm, id).unwrap_or(0))))
}

fn buffer_slice(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let id = this_buffer(vm, this, false, "slice")?;
    slice_of(vm, host, id, args, false)
}

fn shared_slice(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let id = this_buffer(vm, this, true, "slice")?;
    slice_of(vm, host, id, args, true)
}

/// ArrayBuffer.prototype.slice (ECMA-262 25.1.6.7) and its shared twin: a
/// copy of the bytes in [start, end).
fn slice_of(vm: &mut Vm, host: &mut dyn Embedder, id: ObjId, args: &[Value], shared: bool) -> JsResult<Value> {
    vm.materialize_array_buffer(id);
    let Some(length) = live_length(vm, id) else { return vm.type_error("Cannot perform ArrayBuffer.prototype.slice on a detached ArrayBuffer") };
    let opaque = vm.is_opaque_array_buffer(id);
    let start = relative(vm, host, &arg(args, 0), length, 0)?;
    let end = relative(vm, host, &arg(args, 1), length, length)?;
    let count = end.saturating_sub(start);
    if opaque {
        return Ok(Value::Object(vm.new_array_buffer_opaque(u64::from(count))));
    }
    let bytes = match &vm.heap.get(id).kind {
        Kind::ArrayBuffer(data) => data.bytes[start as usize..(start + count) as usize].to_vec(),
        _ => Vec::new(),
    };
    let name = if shared { "SharedArrayBuffer" } else { "ArrayBuffer" };
    let prototype = vm.heap.get(id).proto.or_else(|| vm.global_prototype(name));
    vm.heap.grew(count as usize / 16);
    Ok(Value::Object(vm.alloc_buffer(prototype, bytes, count, shared)))
}

fn is_view(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    Ok(Value::Bool(matches!(arg(args, 0), Value::Object(id) if vm.view_bytes(id).is_some())))
}
