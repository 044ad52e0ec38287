//! `Promise.all`, `allSettled`, `any` and `race` (ECMA-262 27.2.4.1-27.2.4.5):
//! each asks the constructor it is called on for a capability, resolves
//! every value of the iterable through that constructor's `resolve`, and
//! settles when the elements have (element functions share a countdown).

use super::arg;
use crate::object::{Capability, FunctionKind, Kind, CALLABLE};
use crate::value::{Key, ObjId, Value};
use crate::{atoms, Embedder, JsResult, Unwind, Vm};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Combinator {
    All,
    AllSettled,
    Any,
    Race,
}

pub(super) fn install(vm: &mut Vm, constructor: ObjId) {
    vm.define_method(constructor, "all", 1, all);
    vm.define_method(constructor, "allSettled", 1, all_settled);
    vm.define_method(constructor, "any", 1, any);
    vm.define_method(constructor, "race", 1, race);
}

fn all(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    combine(vm, host, this, &arg(args, 0), Combinator::All)
}

fn all_settled(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    combine(vm, host, this, &arg(args, 0), Combinator::AllSettled)
}

fn any(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    combine(vm, host, this, &arg(args, 0), Combinator::Any)
}

fn race(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    combine(vm, host, this, &arg(args, 0), Combinator::Race)
}

/// An anonymous native function carrying `data` (read back with
/// `Vm::current_native_data`): resolving and element functions.
pub(crate) fn native_with_data(vm: &mut Vm, f: crate::object::NativeFn, data: Value, length: u32) -> Value {
    let kind = Kind::Function(Box::new(FunctionKind::Native { f, data }));
    let id = vm.heap.alloc(Some(vm.intrinsics.function_prototype), kind, CALLABLE);
    vm.define_function_name_length(id, "", length);
    Value::Object(id)
}

fn element(vm: &Vm, array: &Value, index: u32) -> Value {
    match array.as_object() {
        Some(id) => vm.heap.own(id, Key::Index(index)).map(|found| found.value).unwrap_or_default(),
        None => Value::Undefined,
    }
}

fn set_element(vm: &mut Vm, array: &Value, index: u32, value: Value) {
    if let Some(id) = array.as_object() {
        vm.heap.put(id, Key::Index(index), value, crate::shape::DEFAULT_ATTRS);
    }
}

/// NewPromiseCapability(C) (27.2.1.5): `new C(executor)`, the executor
/// keeping the resolve and reject functions it is given.
pub(super) fn new_promise_capability(vm: &mut Vm, host: &mut dyn Embedder, constructor: &Value, method: &str) -> JsResult<Capability> {
    if !constructor.is_object() {
        return vm.type_error(&format!("Promise.{method} called on non-object"));
    }
    if !vm.is_constructor(constructor) {
        let what = vm.describe_for_error(constructor);
        return vm.type_error(&format!("{what} is not a constructor"));
    }
    let record = Value::Object(vm.new_array(vec![Value::Undefined, Value::Undefined]));
    let executor = native_with_data(vm, capability_executor, record.clone(), 2);
    let promise = vm.construct(host, constructor, &[executor], None)?;
    let (resolve, reject) = (element(vm, &record, 0), element(vm, &record, 1));
    if !vm.is_callable(&resolve) || !vm.is_callable(&reject) {
        return vm.type_error("Promise resolve or reject function is not callable");
    }
    Ok(Capability { promise, resolve, reject })
}

/// GetCapabilitiesExecutor (27.2.1.5.1).
fn capability_executor(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let record = vm.current_native_data();
    if !element(vm, &record, 0).is_undefined() || !element(vm, &record, 1).is_undefined() {
        return vm.type_error("Promise executor has already been invoked with non-undefined arguments");
    }
    set_element(vm, &record, 0, arg(args, 0));
    set_element(vm, &record, 1, arg(args, 1));
    Ok(Value::Undefined)
}

fn combine(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, iterable: &Value, combinator: Combinator) -> JsResult<Value> {
    let name = match combinator {
        Combinator::All => "all",
        Combinator::AllSettled => "allSettled",
        Combinator::Any => "any",
        Combinator::Race => "race",
    };
    let capability = new_promise_capability(vm, host, this, name)?;
    // Abrupt completions from here on reject the promise (IfAbruptRejectPromise).
    let mut iterator: Option<Value> = None;
    let mut done = false;
    let outcome = perform(vm, host, this, iterable, &capability, combinator, &mut iterator, &mut done);
    match outcome {
        Ok(()) => Ok(capability.promise),
        Err(Unwind::Throw(error)) => {
            if let (Some(iterator), false) = (&iterator, done) {
                // IteratorClose with a throw completion keeps the throw.
                let _ = vm.iterator_close(host, iterator);
            }
            vm.call(host, &capability.reject, &Value::Undefined, &[error])?;
            Ok(capability.promise)
        }
        Err(halt) => Err(halt),
    }
}

#[allow(clippy::too_many_arguments)]
fn perform(
    vm: &mut Vm,
    host: &mut dyn Embedder,
    constructor: &Value,
    iterable: &Value,
    capability: &Capability,
    combinator: Combinator,
    iterator_out: &mut Option<Value>,
    done: &mut bool,
) -> JsResult<()> {
    // GetPromiseResolve (27.2.4.1.1).
    let promise_resolve = vm.get(host, constructor, Key::Atom(atoms::RESOLVE))?;
    if !vm.is_callable(&promise_resolve) {
        return vm.type_error("Promise resolve is not a function");
    }
    let (iterator, next) = vm.get_iterator(host, iterable)?;
    *iterator_out = Some(iterator.clone());
    let values = Value::Object(vm.new_array(Vec::new()));
    // The countdown starts at 1 so it cannot reach 0 before the loop ends.
    let remaining = Value::Object(vm.new_array(vec![Value::Number(1.0)]));
    let mut index: u32 = 0;
    loop {
        *done = true;
        let result = vm.call(host, &next, &iterator, &[])?;
        if !result.is_object() {
            return vm.type_error("Iterator result is not an object");
        }
        if vm.get(host, &result, Key::Atom(atoms::DONE))?.truthy() {
            break;
        }
        let value = vm.get(host, &result, Key::Atom(atoms::VALUE))?;
        *done = false;
        if combinator != Combinator::Race {
            set_element(vm, &values, index, Value::Undefined);
        }
        let next_promise = vm.call(host, &promise_resolve, constructor, &[value])?;
        let (on_fulfilled, on_rejected) = match combinator {
            Combinator::Race => (capability.resolve.clone(), capability.reject.clone()),
            Combinator::All => (element_function(vm, Element::Fulfilled, index, &values, capability, &remaining), capability.reject.clone()),
            Combinator::AllSettled => {
                let called = Value::Object(vm.new_array(vec![Value::Bool(false)]));
                (
                    settled_function(vm, Element::SettledFulfilled, index, &values, capability, &remaining, &called),
                    settled_function(vm, Element::SettledRejected, index, &values, capability, &remaining, &called),
                )
            }
            Combinator::Any => (capability.resolve.clone(), element_function(vm, Element::Rejected, index, &values, capability, &remaining)),
        };
        if combinator != Combinator::Race {
            bump(vm, &remaining, 1.0);
        }
        // Invoke(nextPromise, "then", « onFulfilled, onRejected »).
        let then = vm.get(host, &next_promise, Key::Atom(atoms::THEN))?;
        vm.call(host, &then, &next_promise, &[on_fulfilled, on_rejected])?;
        index += 1;
    }
    *done = true;
    if combinator == Combinator::Race {
        return Ok(());
    }
    if bump(vm, &remaining, -1.0) == 0.0 {
        finish(vm, host, combinator, &values, capability)?;
    }
    Ok(())
}

fn bump(vm: &mut Vm, remaining: &Value, by: f64) -> f64 {
    let count = element(vm, remaining, 0).as_number().unwrap_or(0.0) + by;
    set_element(vm, remaining, 0, Value::Number(count));
    count
}

/// Everything settled: `all`/`allSettled` resolve with the values, `any`
/// rejects with an AggregateError of the reasons.
fn finish(vm: &mut Vm, host: &mut dyn Embedder, combinator: Combinator, values: &Value, capability: &Capability) -> JsResult<()> {
    let list = match values.as_object() {
        Some(id) => {
            let length = match &vm.heap.get(id).kind {
                Kind::Array(state) => state.length,
                _ => 0,
            };
            (0..length).map(|index| element(vm, values, index)).collect()
        }
        None => Vec::new(),
    };
    let array = Value::Object(vm.new_array(list));
    if combinator == Combinator::Any {
        let key = vm.key("AggregateError");
        let global = Value::Object(vm.intrinsics.global);
        let constructor = vm.get(host, &global, key)?;
        let error = vm.construct(host, &constructor, &[array, Value::str("All promises were rejected")], None)?;
        vm.call(host, &capability.reject, &Value::Undefined, &[error])?;
    } else {
        vm.call(host, &capability.resolve, &Value::Undefined, &[array])?;
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Element {
    Fulfilled,
    Rejected,
    SettledFulfilled,
    SettledRejected,
}

/// A Promise.all resolve element function (27.2.4.1.3) or a Promise.any
/// reject element function (27.2.4.3.2): called once, it records its
/// value at its index and counts down.
fn element_function(vm: &mut Vm, element_kind: Element, index: u32, values: &Value, capability: &Capability, remaining: &Value) -> Value {
    let called = Value::Object(vm.new_array(vec![Value::Bool(false)]));
    settled_function(vm, element_kind, index, values, capability, remaining, &called)
}

fn settled_function(vm: &mut Vm, element_kind: Element, index: u32, values: &Value, capability: &Capability, remaining: &Value, called: &Value) -> Value {
    let kind = Value::Number(match element_kind {
        Element::Fulfilled => 0.0,
        Element::Rejected => 1.0,
        Element::SettledFulfilled => 2.0,
        Element::SettledRejected => 3.0,
    });
    let settle = match element_kind {
        Element::Rejected => capability.reject.clone(),
        _ => capability.resolve.clone(),
    };
    let data = Value::Object(vm.new_array(vec![kind, Value::Number(f64::from(index)), values.clone(), settle, remaining.clone(), called.clone()]));
    native_with_data(vm, element_called, data, 1)
}

fn element_called(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let data = vm.current_native_data();
    let called = element(vm, &data, 5);
    if element(vm, &called, 0).truthy() {
        return Ok(Value::Undefined);
    }
    set_element(vm, &called, 0, Value::Bool(true));
    let kind = element(vm, &data, 0).as_number().unwrap_or(0.0) as u32;
    let index = element(vm, &data, 1).as_number().unwrap_or(0.0) as u32;
    let values = element(vm, &data, 2);
    let value = arg(args, 0);
    let stored = match kind {
        2 | 3 => {
            // allSettled's { status, value } / { status, reason }.
            let object = vm.new_object();
            let status = vm.key("status");
            vm.heap.put(object, status, Value::str(if kind == 2 { "fulfilled" } else { "rejected" }), crate::shape::DEFAULT_ATTRS);
            let field = vm.key(if kind == 2 { "value" } else { "reason" });
            vm.heap.put(object, field, value, crate::shape::DEFAULT_ATTRS);
            Value::Object(object)
        }
        _ => value,
    };
    set_element(vm, &values, index, stored);
    let remaining = element(vm, &data, 4);
    if bump(vm, &remaining, -1.0) == 0.0 {
        let combinator = match kind {
            1 => Combinator::Any,
            2 | 3 => Combinator::AllSettled,
            _ => Combinator::All,
        };
        let settle = element(vm, &data, 3);
        let capability = Capability { promise: Value::Undefined, resolve: settle.clone(), reject: settle };
        finish(vm, host, combinator, &values, &capability)?;
    }
    Ok(Value::Undefined)
}
