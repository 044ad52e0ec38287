//! `Promise` (ECMA-262 27.2): states, reactions, resolving functions, and
//! the jobs that run handlers. The embedder decides when jobs run
//! ([`crate::Embedder::enqueue_job`]).

use super::{arg, link_constructor};
use crate::atoms;
use crate::jobs::Job;
use crate::object::{Capability, FunctionKind, Handler, Kind, PromiseData, PromiseState, Reaction, CALLABLE};
use crate::value::{Key, ObjId, Value};
use crate::vm::symbols;
use crate::{Embedder, JsResult, Unwind, Vm};

pub(super) fn install(vm: &mut Vm) {
    let prototype = vm.intrinsics.promise_prototype;
    let constructor = vm.native_function("Promise", 1, promise_constructor);
    link_constructor(vm, "Promise", constructor, prototype);
    vm.define_method(prototype, "then", 2, then);
    vm.define_method(prototype, "catch", 1, catch);
    vm.define_method(prototype, "finally", 1, finally);
    // In V8's order: all, allSettled, any, race, then resolve and reject.
    super::promise_combinators::install(vm, constructor);
    vm.define_method(constructor, "resolve", 1, resolve_static);
    vm.define_method(constructor, "reject", 1, reject_static);
    // ECMA-262 27.2.4.8 get Promise[@@species].
    super::define_species(vm, constructor);
    vm.heap.put(prototype, Key::Symbol(symbols::TO_STRING_TAG), Value::str("Promise"), crate::shape::CONFIGURABLE);
}

/// A new pending promise with `Promise.prototype`.
pub fn new_promise(vm: &mut Vm) -> ObjId {
    let data = PromiseData { state: PromiseState::Pending, fulfill_reactions: Vec::new(), reject_reactions: Vec::new(), handled: false };
    vm.heap.alloc(Some(vm.intrinsics.promise_prototype), Kind::Promise(Box::new(data)), 0)
}

/// CreateResolvingFunctions (ECMA-262 27.2.1.3): the pair shares an
/// "already resolved" record, kept as a one-element array.
pub fn resolving_functions(vm: &mut Vm, promise: ObjId) -> (Value, Value) {
    let record = vm.new_array(vec![Value::Bool(false)]);
    let data = Value::Object(vm.new_array(vec![Value::Object(promise), Value::Object(record)]));
    let resolve = super::promise_combinators::native_with_data(vm, resolve_function, data.clone(), 1);
    (resolve, super::promise_combinators::native_with_data(vm, reject_function, data, 1))
}

fn native_data(vm: &Vm) -> Option<Value> {
    Some(vm.current_native_data())
}

/// The promise, and whether this call is the first to resolve it (marking
/// it resolved).
fn take_resolution(vm: &mut Vm) -> Option<(ObjId, bool)> {
    let data = native_data(vm)?.as_object()?;
    let (promise, record) = match &vm.heap.get(data).elements {
        crate::object::Elements::Dense(values) => (values.first()?.as_object()?, values.get(1)?.as_object()?),
        _ => return None,
    };
    if let crate::object::Elements::Dense(values) = &mut vm.heap.get_mut(record).elements {
        if matches!(values.first(), Some(Value::Bool(true))) {
            return Some((promise, false));
        }
        values[0] = Value::Bool(true);
    }
    Some((promise, true))
}

fn resolve_function(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    match take_resolution(vm) {
        Some((promise, true)) => resolve_promise(vm, host, promise, arg(args, 0))?,
        // Step 7: already resolved, nothing happens; V8 tells its embedder
        // (kPromiseResolveAfterResolved).
        Some((promise, false)) => host.resolved_again(vm, promise, false, arg(args, 0)),
        None => {}
    }
    Ok(Value::Undefined)
}

fn reject_function(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    match take_resolution(vm) {
        Some((promise, true)) => reject_promise(vm, host, promise, arg(args, 0)),
        Some((promise, false)) => host.resolved_again(vm, promise, true, arg(args, 0)),
        None => {}
    }
    Ok(Value::Undefined)
}

/// The body of a promise resolve function (ECMA-262 27.2.1.3.2 steps 7-16).
pub fn resolve_promise(vm: &mut Vm, host: &mut dyn Embedder, promise: ObjId, resolution: Value) -> JsResult<()> {
    if resolution.as_object() == Some(promise) {
        let error = vm.make_error(crate::ErrorType::TypeError, "Chaining cycle detected for promise #<Promise>");
        reject_promise(vm, host, promise, error);
        return Ok(());
    }
    if !resolution.is_object() {
        fulfill_promise(vm, host, promise, resolution);
        return Ok(());
    }
    let then = match vm.get(host, &resolution, Key::Atom(atoms::THEN)) {
        Ok(then) => then,
        Err(Unwind::Throw(error)) => {
            reject_promise(vm, host, promise, error);
            return Ok(());
        }
        Err(halt) => return Err(halt),
    };
    if !vm.is_callable(&then) {
        fulfill_promise(vm, host, promise, resolution);
        return Ok(());
    }
    let context = vm.continuation_data.clone();
    let job = vm.add_job(Job::ResolveThenable { promise: Value::Object(promise), thenable: resolution, then, context });
    host.enqueue_job(vm, job);
    Ok(())
}

fn settle(vm: &mut Vm, host: &mut dyn Embedder, promise: ObjId, value: Value, rejected: bool) {
    let (reactions, was_handled) = match &mut vm.heap.get_mut(promise).kind {
        Kind::Promise(data) => {
            if !matches!(data.state, PromiseState::Pending) {
                return;
            }
            data.state = if rejected { PromiseState::Rejected(value.clone()) } else { PromiseState::Fulfilled(value.clone()) };
            let fulfill = std::mem::take(&mut data.fulfill_reactions);
            let reject = std::mem::take(&mut data.reject_reactions);
            (if rejected { reject } else { fulfill }, data.handled)
        }
        _ => return,
    };
    if rejected && !was_handled {
        host.promise_rejection(vm, promise, false);
    }
    for reaction in reactions {
        let job = vm.add_job(Job::Reaction { reaction, argument: value.clone(), is_rejection: rejected });
        host.enqueue_job(vm, job);
    }
}

pub fn fulfill_promise(vm: &mut Vm, host: &mut dyn Embedder, promise: ObjId, value: Value) {
    settle(vm, host, promise, value, false);
}

pub fn reject_promise(vm: &mut Vm, host: &mut dyn Embedder, promise: ObjId, reason: Value) {
    settle(vm, host, promise, reason, true);
}

/// NewPromiseReactionJob's body (ECMA-262 27.2.2.1).
pub fn run_reaction(vm: &mut Vm, host: &mut dyn Embedder, reaction: Reaction, argument: Value, is_rejection: bool) -> JsResult<()> {
    let outcome: Result<Value, Value> = match &reaction.handler {
        Handler::Empty => {
            if is_rejection {
                Err(argument)
            } else {
                Ok(argument)
            }
        }
        Handler::Function(handler) => match vm.call(host, handler, &Value::Undefined, &[argument]) {
            Ok(value) => Ok(value),
            Err(Unwind::Throw(error)) => Err(error),
            Err(halt) => return Err(halt),
        },
        Handler::Resume(generator) => {
            return vm.resume_after_await(host, *generator, argument, is_rejection);
        }
    };
    let Some(capability) = reaction.capability else { return Ok(()) };
    match outcome {
        Ok(value) => vm.call(host, &capability.resolve, &Value::Undefined, &[value]).map(|_| ()),
        Err(reason) => vm.call(host, &capability.reject, &Value::Undefined, &[reason]).map(|_| ()),
    }
}

/// NewPromiseResolveThenableJob's body (ECMA-262 27.2.2.2).
pub fn resolve_thenable(vm: &mut Vm, host: &mut dyn Embedder, promise: Value, thenable: Value, then: Value) -> JsResult<()> {
    let Value::Object(promise) = promise else { return Ok(()) };
    let (resolve, reject) = resolving_functions(vm, promise);
    match vm.call(host, &then, &thenable, &[resolve, reject.clone()]) {
        Ok(_) => Ok(()),
        Err(Unwind::Throw(error)) => vm.call(host, &reject, &Value::Undefined, &[error]).map(|_| ()),
        Err(halt) => Err(halt),
    }
}

/// PerformPromiseThen (ECMA-262 27.2.5.4.1).
pub fn perform_then(vm: &mut Vm, host: &mut dyn Embedder, promise: ObjId, on_fulfilled: Handler, on_rejected: Handler, capability: Option<Capability>) {
    let context = vm.continuation_data.clone();
    let fulfill = Reaction { capability: capability.clone(), handler: on_fulfilled, context: context.clone() };
    let reject = Reaction { capability, handler: on_rejected, context };
    let (state, handled) = match &mut vm.heap.get_mut(promise).kind {
        Kind::Promise(data) => {
            let handled = data.handled;
            data.handled = true;
            match &data.state {
                PromiseState::Pending => {
                    data.fulfill_reactions.push(fulfill);
                    data.reject_reactions.push(reject);
                    return;
                }
                PromiseState::Fulfilled(value) => ((value.clone(), false), handled),
                PromiseState::Rejected(reason) => ((reason.clone(), true), handled),
            }
        }
        _ => return,
    };
    let ((argument, is_rejection), was_handled) = (state, handled);
    if is_rejection && !was_handled {
        host.promise_rejection(vm, promise, true);
    }
    let reaction = if is_rejection { reject } else { fulfill };
    let job = vm.add_job(Job::Reaction { reaction, argument, is_rejection });
    host.enqueue_job(vm, job);
}

/// NewPromiseCapability (ECMA-262 27.2.1.5) for the intrinsic %Promise%
/// (subclassing through `constructor` is not followed yet).
pub fn new_capability(vm: &mut Vm) -> Capability {
    let promise = new_promise(vm);
    let (resolve, reject) = resolving_functions(vm, promise);
    Capability { promise: Value::Object(promise), resolve, reject }
}

fn this_promise(vm: &mut Vm, this: &Value) -> JsResult<ObjId> {
    match this {
        Value::Object(id) if matches!(vm.heap.get(*id).kind, Kind::Promise(_)) => Ok(*id),
        _ => vm.type_error("Method Promise.prototype.then called on incompatible receiver"),
    }
}

fn promise_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    let Some(new_target) = new_target else { return vm.type_error("Promise constructor cannot be invoked without 'new'") };
    let executor = arg(args, 0);
    if !vm.is_callable(&executor) {
        return vm.type_error("Promise resolver is not a function");
    }
    let promise = new_promise(vm);
    let prototype = vm.get(host, &Value::Object(new_target), Key::Atom(atoms::PROTOTYPE))?;
    if let Value::Object(prototype) = prototype {
        vm.set_prototype(promise, Some(prototype));
    }
    let (resolve, reject) = resolving_functions(vm, promise);
    match vm.call(host, &executor, &Value::Undefined, &[resolve, reject.clone()]) {
        Ok(_) => {}
        Err(Unwind::Throw(error)) => {
            vm.call(host, &reject, &Value::Undefined, &[error])?;
        }
        Err(halt) => return Err(halt),
    }
    Ok(Value::Object(promise))
}

fn handler_of(vm: &Vm, value: &Value) -> Handler {
    if vm.is_callable(value) {
        Handler::Function(value.clone())
    } else {
        Handler::Empty
    }
}

fn then(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let promise = this_promise(vm, this)?;
    let capability = new_capability(vm);
    let result = capability.promise.clone();
    let (on_fulfilled, on_rejected) = (handler_of(vm, &arg(args, 0)), handler_of(vm, &arg(args, 1)));
    perform_then(vm, host, promise, on_fulfilled, on_rejected, Some(capability));
    Ok(result)
}

fn catch(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let then = vm.get(host, this, Key::Atom(atoms::THEN))?;
    vm.call(host, &then, this, &[Value::Undefined, arg(args, 0)])
}

/// `Promise.prototype.finally` (ECMA-262 27.2.5.3), with the callback's
/// result awaited before passing the original value or reason on.
fn finally(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let on_finally = arg(args, 0);
    let then = vm.get(host, this, Key::Atom(atoms::THEN))?;
    if !vm.is_callable(&on_finally) {
        return vm.call(host, &then, this, &[on_finally.clone(), on_finally]);
    }
    let data = Value::Object(vm.new_array(vec![on_finally]));
    let make = |vm: &mut Vm, f: crate::object::NativeFn| {
        let kind = Kind::Function(Box::new(FunctionKind::Native { f, data: data.clone() }));
        let id = vm.heap.alloc(Some(vm.intrinsics.function_prototype), kind, CALLABLE);
        vm.define_function_name_length(id, "", 1);
        Value::Object(id)
    };
    let then_finally = make(vm, finally_fulfilled);
    let catch_finally = make(vm, finally_rejected);
    vm.call(host, &then, this, &[then_finally, catch_finally])
}

fn finally_callback(vm: &Vm) -> Value {
    let data = native_data(vm).and_then(|d| d.as_object());
    match data.map(|id| &vm.heap.get(id).elements) {
        Some(crate::object::Elements::Dense(values)) => values.first().cloned().unwrap_or_default(),
        _ => Value::Undefined,
    }
}

fn finally_fulfilled(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let callback = finally_callback(vm);
    let result = vm.call(host, &callback, &Value::Undefined, &[])?;
    let promise = promise_resolve(vm, host, result)?;
    let value = arg(args, 0);
    let value_thunk = vm.native_function("", 0, |vm, _, _, _, _| Ok(native_data(vm).unwrap_or_default()));
    if let Kind::Function(kind) = &mut vm.heap.get_mut(value_thunk).kind {
        if let FunctionKind::Native { data, .. } = &mut **kind {
            *data = value;
        }
    }
    let then = vm.get(host, &promise, Key::Atom(atoms::THEN))?;
    vm.call(host, &then, &promise, &[Value::Object(value_thunk)])
}

fn finally_rejected(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let callback = finally_callback(vm);
    let result = vm.call(host, &callback, &Value::Undefined, &[])?;
    let promise = promise_resolve(vm, host, result)?;
    let reason = arg(args, 0);
    let thrower = vm.native_function("", 0, |vm, _, _, _, _| Err(Unwind::Throw(native_data(vm).unwrap_or_default())));
    if let Kind::Function(kind) = &mut vm.heap.get_mut(thrower).kind {
        if let FunctionKind::Native { data, .. } = &mut **kind {
            *data = reason;
        }
    }
    let then = vm.get(host, &promise, Key::Atom(atoms::THEN))?;
    vm.call(host, &then, &promise, &[Value::Object(thrower)])
}

/// PromiseResolve (ECMA-262 27.2.4.7.1) with %Promise%.
pub fn promise_resolve(vm: &mut Vm, host: &mut dyn Embedder, value: Value) -> JsResult<Value> {
    if let Value::Object(id) = &value {
        if matches!(vm.heap.get(*id).kind, Kind::Promise(_)) {
            let constructor = vm.get(host, &value, Key::Atom(atoms::CONSTRUCTOR))?;
            let intrinsic = vm.heap.own(vm.intrinsics.promise_prototype, Key::Atom(atoms::CONSTRUCTOR)).map(|found| found.value).unwrap_or_default();
            if constructor.strict_equals(&intrinsic) {
                return Ok(value);
            }
        }
    }
    let capability = new_capability(vm);
    vm.call(host, &capability.resolve, &Value::Undefined, &[value])?;
    Ok(capability.promise)
}

/// `Promise.resolve(x)` (27.2.4.7): PromiseResolve with the constructor it
/// is called on (a subclass gets its own kind of promise).
fn resolve_static(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let value = arg(args, 0);
    if !this.is_object() {
        return vm.type_error("PromiseResolve called on non-object");
    }
    if let Value::Object(id) = &value {
        if matches!(vm.heap.get(*id).kind, Kind::Promise(_)) {
            let constructor = vm.get(host, &value, Key::Atom(atoms::CONSTRUCTOR))?;
            if constructor.strict_equals(this) {
                return Ok(value);
            }
        }
    }
    let capability = super::promise_combinators::new_promise_capability(vm, host, this, "resolve")?;
    vm.call(host, &capability.resolve, &Value::Undefined, &[value])?;
    Ok(capability.promise)
}

/// `Promise.reject(r)` (27.2.4.6), with the constructor it is called on.
fn reject_static(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let capability = super::promise_combinators::new_promise_capability(vm, host, this, "reject")?;
    vm.call(host, &capability.reject, &Value::Undefined, &[arg(args, 0)])?;
    Ok(capability.promise)
}
