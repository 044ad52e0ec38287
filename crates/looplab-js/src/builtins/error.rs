//! `Error` and the native errors (ECMA-262 20.5).

use super::{arg, link_constructor};
use crate::atoms;
use crate::object::Kind;
use crate::shape::{CONFIGURABLE, WRITABLE};
use crate::value::{Key, ObjId, Value};
use crate::{Embedder, JsResult, Vm};

pub(super) fn install(vm: &mut Vm) {
    let pairs = [
        ("Error", vm.intrinsics.error_prototype),
        ("TypeError", vm.intrinsics.type_error_prototype),
        ("RangeError", vm.intrinsics.range_error_prototype),
        ("ReferenceError", vm.intrinsics.reference_error_prototype),
        ("SyntaxError", vm.intrinsics.syntax_error_prototype),
        ("EvalError", vm.intrinsics.eval_error_prototype),
        ("URIError", vm.intrinsics.uri_error_prototype),
    ];
    let mut base = None;
    for (name, prototype) in pairs {
        let constructor = vm.native_function(name, 1, error_constructor);
        link_constructor(vm, name, constructor, prototype);
        vm.define_value(prototype, "name", Value::str(name));
        vm.define_value(prototype, "message", Value::str(""));
        match base {
            None => base = Some(constructor),
            Some(base) => vm.set_prototype(constructor, Some(base)),
        }
    }
    let prototype = vm.intrinsics.error_prototype;
    vm.define_method(prototype, "toString", 0, error_to_string);
}

/// The Error constructors (ECMA-262 20.5.1.1, 20.5.6.1): the prototype
/// comes from new.target, or from the called constructor itself.
fn error_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    let callee = vm.frames.last().and_then(|frame| frame.function);
    let _ = callee;
    let constructor = match new_target {
        Some(target) => Value::Object(target),
        None => return vm.type_error("calling an Error constructor without new is not supported yet"),
    };
    let prototype = vm.get(host, &constructor, Key::Atom(atoms::PROTOTYPE))?;
    let proto = prototype.as_object().unwrap_or(vm.intrinsics.error_prototype);
    let error = vm.heap.alloc(Some(proto), Kind::Error, 0);
    let message = arg(args, 0);
    if !message.is_undefined() {
        let text = vm.to_string(host, &message)?;
        vm.heap.put(error, Key::Atom(atoms::MESSAGE), Value::String(text), WRITABLE | CONFIGURABLE);
    }
    Ok(Value::Object(error))
}

/// `Error.prototype.toString` (ECMA-262 20.5.3.4).
fn error_to_string(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    if !this.is_object() {
        return vm.type_error("Error.prototype.toString called on non-object");
    }
    let name = vm.get(host, this, Key::Atom(atoms::NAME))?;
    let name = if name.is_undefined() { crate::JsStr::from_str("Error") } else { vm.to_string(host, &name)? };
    let message = vm.get(host, this, Key::Atom(atoms::MESSAGE))?;
    let message = if message.is_undefined() { crate::JsStr::empty() } else { vm.to_string(host, &message)? };
    Ok(Value::String(match (name.is_empty(), message.is_empty()) {
        (true, _) => message,
        (_, true) => name,
        _ => crate::JsStr::from_string(format!("{name}: {message}")),
    }))
}
