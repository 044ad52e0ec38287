//! Generator objects and the function kinds that make them (ECMA-262
//! 27.3-27.5, 27.7): `%GeneratorPrototype%` (next, return, throw),
//! `%GeneratorFunction%`, `%AsyncFunction%` and their prototypes.

use super::arg;
use crate::atoms;
use crate::exec::Resume;
use crate::object::{GeneratorKind, GeneratorState, Kind};
use crate::shape::CONFIGURABLE;
use crate::value::{Key, ObjId, Value};
use crate::vm::symbols;
use crate::{Embedder, JsResult, Unwind, Vm};

pub(super) fn install(vm: &mut Vm) {
    let generator_prototype = vm.intrinsics.generator_prototype;
    vm.define_method(generator_prototype, "next", 1, next);
    vm.define_method(generator_prototype, "return", 1, return_);
    vm.define_method(generator_prototype, "throw", 1, throw);
    let function_prototype = vm.intrinsics.generator_function_prototype;
    let constructor = vm.native_function("GeneratorFunction", 1, |vm, host, _, args, _| super::function::dynamic_function(vm, host, args, "function*"));
    link_function_kind(vm, constructor, function_prototype, Some((generator_prototype, "Generator")));

    let async_prototype = vm.intrinsics.async_function_prototype;
    let async_constructor = vm.native_function("AsyncFunction", 1, |vm, host, _, args, _| super::function::dynamic_function(vm, host, args, "async function"));
    link_function_kind(vm, async_constructor, async_prototype, None);
}

/// Wires one kind of function (ECMA-262 27.3, 27.4, 27.7): its
/// constructor (a `Function` subclass, `.prototype` the kind's
/// %…Function.prototype%, tagged with the constructor's name) and, for
/// generator kinds, the prototype of the objects its functions make.
pub(super) fn link_function_kind(vm: &mut Vm, constructor: ObjId, function_prototype: ObjId, instances: Option<(ObjId, &str)>) {
    if let Some((instance_prototype, tag)) = instances {
        vm.heap.put(instance_prototype, Key::Symbol(symbols::TO_STRING_TAG), Value::str(tag), CONFIGURABLE);
        vm.heap.put(function_prototype, Key::Atom(atoms::PROTOTYPE), Value::Object(instance_prototype), CONFIGURABLE);
        vm.heap.put(instance_prototype, Key::Atom(atoms::CONSTRUCTOR), Value::Object(function_prototype), CONFIGURABLE);
    }
    let name = match vm.heap.own(constructor, Key::Atom(atoms::NAME)).map(|found| found.value) {
        Some(Value::String(name)) => name,
        _ => crate::JsStr::from_str(""),
    };
    vm.heap.put(function_prototype, Key::Symbol(symbols::TO_STRING_TAG), Value::String(name), CONFIGURABLE);
    vm.heap.get_mut(constructor).flags |= crate::object::CONSTRUCTOR;
    let function_key = vm_key(vm, "Function");
    let function_constructor = vm.heap.own(vm.intrinsics.global, function_key).and_then(|found| found.value.as_object());
    vm.set_prototype(constructor, function_constructor);
    vm.heap.put(constructor, Key::Atom(atoms::PROTOTYPE), Value::Object(function_prototype), 0);
    vm.heap.put(function_prototype, Key::Atom(atoms::CONSTRUCTOR), Value::Object(constructor), CONFIGURABLE);
}

fn vm_key(vm: &mut Vm, name: &str) -> Key {
    vm.key(name)
}

/// The generator `this` names, checked (ECMA-262 27.5.3.2 GeneratorValidate).
fn validate(vm: &mut Vm, this: &Value, method: &str) -> JsResult<(ObjId, GeneratorState)> {
    if let Value::Object(id) = this {
        if let Kind::Generator(data) = &vm.heap.get(*id).kind {
            if data.kind == GeneratorKind::Generator {
                return Ok((*id, data.state));
            }
        }
    }
    let shown = vm.to_display(this);
    vm.type_error(&format!("{method} method called on incompatible receiver {shown}"))
}

fn resume(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, value: Value, mode: Resume, method: &str) -> JsResult<Value> {
    let (generator, state) = validate(vm, this, method)?;
    match state {
        GeneratorState::Executing | GeneratorState::AwaitingReturn => return vm.type_error("Generator is already running"),
        GeneratorState::Completed => {
            return match mode {
                Resume::Next => Ok(super::array::iter_result(vm, Value::Undefined, true)),
                Resume::Return => Ok(super::array::iter_result(vm, value, true)),
                Resume::Throw => Err(Unwind::Throw(value)),
            };
        }
        GeneratorState::SuspendedStart if mode != Resume::Next => {
            // Abrupt before it started: it completes without running.
            if let Kind::Generator(data) = &mut vm.heap.get_mut(generator).kind {
                data.state = GeneratorState::Completed;
                data.frame = None;
            }
            return match mode {
                Resume::Return => Ok(super::array::iter_result(vm, value, true)),
                _ => Err(Unwind::Throw(value)),
            };
        }
        _ => {}
    }
    vm.resume_coroutine(generator, value, mode)?;
    let base_frames = vm.frames.len() - 1;
    vm.native_depth += 1;
    let result = vm.execute(host, base_frames);
    vm.native_depth -= 1;
    let value = match result {
        Ok(value) => value,
        Err(error) => {
            if let Kind::Generator(data) = &mut vm.heap.get_mut(generator).kind {
                data.state = GeneratorState::Completed;
                data.frame = None;
            }
            return Err(error);
        }
    };
    let (done, raw) = match &vm.heap.get(generator).kind {
        Kind::Generator(data) => (data.state != GeneratorState::SuspendedYield, data.delegating),
        _ => (true, false),
    };
    if raw {
        // `yield*` hands out the inner iterator's result object itself.
        return Ok(value);
    }
    Ok(super::array::iter_result(vm, value, done))
}

fn next(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    resume(vm, host, this, arg(args, 0), Resume::Next, "next")
}

fn return_(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    resume(vm, host, this, arg(args, 0), Resume::Return, "return")
}

fn throw(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    resume(vm, host, this, arg(args, 0), Resume::Throw, "throw")
}
