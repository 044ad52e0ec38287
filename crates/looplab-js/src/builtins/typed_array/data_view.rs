//! `DataView` (ECMA-262 25.3): a window on a buffer's bytes that reads and
//! writes numbers of any element type at any byte offset, big-endian unless
//! asked for little-endian.

use super::element::Element;
use super::{check_readable, live_length, prototype_from, to_index};
use crate::builtins::{arg, link_constructor};
use crate::builtins::{define_getter, define_tag};
use crate::object::Kind;
use crate::value::{ObjId, Value};
use crate::{Embedder, JsResult, Vm};

pub(super) fn install(vm: &mut Vm) {
    let prototype = vm.new_object();
    let constructor = vm.native_function("DataView", 1, construct);
    link_constructor(vm, "DataView", constructor, prototype);
    define_getter(vm, prototype, "buffer", view_buffer);
    define_getter(vm, prototype, "byteLength", view_byte_length);
    define_getter(vm, prototype, "byteOffset", view_byte_offset);
    define_tag(vm, prototype, "DataView");
    for (index, element) in Element::ALL.into_iter().enumerate() {
        if element == Element::Uint8Clamped {
            continue;
        }
        let type_name = element.name().trim_end_matches("Array");
        let getter = vm.define_method(prototype, &format!("get{type_name}"), 1, get_value);
        vm.set_native_data(getter, Value::Number(index as f64));
        let setter = vm.define_method(prototype, &format!("set{type_name}"), 2, set_value);
        vm.set_native_data(setter, Value::Number(index as f64));
    }
}

/// `new DataView(buffer, byteOffset, byteLength)` (ECMA-262 25.3.2.1).
fn construct(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    let Some(new_target) = new_target else { return vm.type_error("Constructor DataView requires 'new'") };
    let buffer = match arg(args, 0) {
        Value::Object(id) if vm.is_array_buffer(id) => id,
        _ => return vm.type_error("First argument to DataView constructor must be an ArrayBuffer"),
    };
    let offset = to_index(vm, host, &arg(args, 1))
        .or_else(|_| vm.range_error(&format!("Start offset {} is outside the bounds of the buffer", vm.to_display(&arg(args, 1)))))?;
    let Some(buffer_length) = live_length(vm, buffer) else { return vm.type_error("Cannot perform DataView constructor on a detached ArrayBuffer") };
    let buffer_length = f64::from(buffer_length);
    if offset > buffer_length {
        return vm.range_error(&format!("Start offset {offset} is outside the bounds of the buffer"));
    }
    let length = match arg(args, 2) {
        Value::Undefined => buffer_length - offset,
        given => {
            let length = to_index(vm, host, &given).or_else(|_| vm.range_error(&format!("Invalid DataView length {}", vm.to_display(&given))))?;
            if offset + length > buffer_length {
                return vm.range_error(&format!("Invalid DataView length {length}"));
            }
            length
        }
    };
    let prototype = prototype_from(vm, host, new_target, "DataView")?;
    Ok(Value::Object(vm.heap.alloc(Some(prototype), Kind::DataView { buffer, offset: offset as u32, length: length as u32 }, 0)))
}

fn parts(vm: &mut Vm, this: &Value, what: &str) -> JsResult<(ObjId, ObjId, u32, u32)> {
    if let Some(id) = this.as_object() {
        if let Kind::DataView { buffer, offset, length } = vm.heap.get(id).kind {
            return Ok((id, buffer, offset, length));
        }
    }
    vm.type_error(&format!("Method DataView.prototype.{what} called on incompatible receiver {}", vm.to_display(this)))
}

fn view_buffer(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (_, buffer, _, _) = parts(vm, this, "buffer")?;
    Ok(Value::Object(buffer))
}

fn view_byte_length(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (_, buffer, _, length) = parts(vm, this, "byteLength")?;
    if live_length(vm, buffer).is_none() {
        return vm.type_error("Cannot perform DataView.prototype.byteLength on a detached ArrayBuffer");
    }
    Ok(Value::Number(f64::from(length)))
}

fn view_byte_offset(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (_, buffer, offset, _) = parts(vm, this, "byteOffset")?;
    if live_length(vm, buffer).is_none() {
        return vm.type_error("Cannot perform DataView.prototype.byteOffset on a detached ArrayBuffer");
    }
    Ok(Value::Number(f64::from(offset)))
}

/// GetViewValue (ECMA-262 25.3.1.5): the element at a byte index, or a
/// RangeError past the view's end.
fn locate(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, index: &Value, element: Element, what: &str) -> JsResult<(ObjId, usize)> {
    let (id, buffer, offset, length) = parts(vm, this, what)?;
    let index = to_index(vm, host, index).or_else(|_| vm.range_error("Offset is outside the bounds of the DataView"))?;
    if live_length(vm, buffer).is_none() {
        return vm.type_error(&format!("Cannot perform DataView.prototype.{what} on a detached ArrayBuffer"));
    }
    if index + f64::from(element.size()) > f64::from(length) {
        return vm.range_error("Offset is outside the bounds of the DataView");
    }
    check_readable(vm, id)?;
    Ok((buffer, offset as usize + index as usize))
}

fn element_of_native(vm: &Vm) -> Element {
    match vm.current_native_data() {
        Value::Number(index) => Element::ALL[index as usize],
        _ => Element::Uint8,
    }
}

/// `getInt16(byteOffset, littleEndian)` and the others.
fn get_value(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let element = element_of_native(vm);
    let what = format!("get{}", element.name().trim_end_matches("Array"));
    let (buffer, start) = locate(vm, host, this, &arg(args, 0), element, &what)?;
    let little = arg(args, 1).truthy();
    let size = element.size() as usize;
    let mut bytes = match &vm.heap.get(buffer).kind {
        Kind::ArrayBuffer(data) => data.bytes.get(start..start + size).map(<[u8]>::to_vec).unwrap_or_default(),
        _ => Vec::new(),
    };
    if !little {
        bytes.reverse();
    }
    Ok(Value::Number(element.read(&bytes)))
}

/// `setInt16(byteOffset, value, littleEndian)` and the others.
fn set_value(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let element = element_of_native(vm);
    let what = format!("set{}", element.name().trim_end_matches("Array"));
    parts(vm, this, &what)?;
    let number = vm.to_number(host, &arg(args, 1))?;
    let (buffer, start) = locate(vm, host, this, &arg(args, 0), element, &what)?;
    let little = arg(args, 2).truthy();
    let size = element.size() as usize;
    let mut bytes = vec![0u8; size];
    element.write(number, &mut bytes);
    if !little {
        bytes.reverse();
    }
    if let Kind::ArrayBuffer(data) = &mut vm.heap.get_mut(buffer).kind {
        if let Some(slot) = data.bytes.get_mut(start..start + size) {
            slot.copy_from_slice(&bytes);
        }
    }
    Ok(Value::Undefined)
}
