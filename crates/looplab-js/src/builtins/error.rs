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
    if let Some(error) = base {
        vm.define_method(error, "captureStackTrace", 2, capture_stack_trace);
        vm.define_value(error, "stackTraceLimit", Value::Number(10.0));
    }
    install_aggregate(vm);
}

/// The Error constructors (ECMA-262 20.5.1.1, 20.5.6.1): the prototype
/// comes from new.target, or from the called constructor itself.
fn error_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    // Called without `new`, an Error constructor acts as if it were
    // (ECMA-262 20.5.1.1 step 1: NewTarget is the active function).
    let constructor = match new_target.or(vm.current_native()) {
        Some(target) => Value::Object(target),
        None => return vm.type_error("Error constructor called without a callee"),
    };
    let prototype = vm.get(host, &constructor, Key::Atom(atoms::PROTOTYPE))?;
    let proto = prototype.as_object().unwrap_or(vm.intrinsics.error_prototype);
    let error = vm.heap.alloc(Some(proto), Kind::Error, 0);
    let message = arg(args, 0);
    if !message.is_undefined() {
        let text = vm.to_string(host, &message)?;
        vm.heap.put(error, Key::Atom(atoms::MESSAGE), Value::String(text), WRITABLE | CONFIGURABLE);
    }
    install_cause(vm, host, error, &arg(args, 1))?;
    vm.capture_stack(error);
    Ok(Value::Object(error))
}

/// `Error.captureStackTrace(target)` (V8): `target.stack` as if an error
/// were made here.
fn capture_stack_trace(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    match arg(args, 0) {
        Value::Object(target) => {
            vm.capture_stack(target);
            Ok(Value::Undefined)
        }
        other => vm.type_error(&format!("Invalid argument: {}", vm.to_display(&other))),
    }
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

/// InstallErrorCause (ECMA-262 20.5.8.1).
fn install_cause(vm: &mut Vm, host: &mut dyn Embedder, error: ObjId, options: &Value) -> JsResult<()> {
    if let Value::Object(options_id) = options {
        if vm.has_property(*options_id, Key::Atom(atoms::CAUSE)) {
            let cause = vm.get(host, options, Key::Atom(atoms::CAUSE))?;
            vm.heap.put(error, Key::Atom(atoms::CAUSE), cause, WRITABLE | CONFIGURABLE);
        }
    }
    Ok(())
}

/// `AggregateError(errors, message, options)` (ECMA-262 20.5.7.1).
fn aggregate_error_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    let constructor = match new_target.or(vm.current_native()) {
        Some(target) => Value::Object(target),
        None => return vm.type_error("AggregateError constructor called without a callee"),
    };
    let prototype = vm.get(host, &constructor, Key::Atom(atoms::PROTOTYPE))?;
    let proto = prototype.as_object().unwrap_or(vm.intrinsics.aggregate_error_prototype);
    let error = vm.heap.alloc(Some(proto), Kind::Error, 0);
    let message = arg(args, 1);
    if !message.is_undefined() {
        let text = vm.to_string(host, &message)?;
        vm.heap.put(error, Key::Atom(atoms::MESSAGE), Value::String(text), WRITABLE | CONFIGURABLE);
    }
    install_cause(vm, host, error, &arg(args, 2))?;
    let errors = vm.iterate_to_vec(host, &arg(args, 0))?;
    let list = vm.new_array(errors);
    vm.heap.put(error, Key::Atom(atoms::ERRORS), Value::Object(list), WRITABLE | CONFIGURABLE);
    vm.capture_stack(error);
    Ok(Value::Object(error))
}

pub(super) fn install_aggregate(vm: &mut Vm) {
    let prototype = vm.intrinsics.aggregate_error_prototype;
    let constructor = vm.native_function("AggregateError", 2, aggregate_error_constructor);
    link_constructor(vm, "AggregateError", constructor, prototype);
    vm.define_value(prototype, "name", Value::str("AggregateError"));
    vm.define_value(prototype, "message", Value::str(""));
    let base = vm.heap.own(vm.intrinsics.error_prototype, Key::Atom(atoms::CONSTRUCTOR)).and_then(|found| found.value.as_object());
    vm.set_prototype(constructor, base);
}
