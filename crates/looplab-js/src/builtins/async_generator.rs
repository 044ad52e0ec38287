//! Async generators (ECMA-262 27.6) and the async-from-sync iterator that
//! `for await` wraps a plain iterable in (27.1.4).
//!
//! An async generator is a coroutine frame (`coroutine.rs`) with a queue of
//! requests: each `next`/`return`/`throw` call enqueues its completion with
//! a fresh promise and returns that promise. While the body is suspended at
//! a `yield` (or has not started), the front request resumes it
//! (AsyncGeneratorResumeNext); when the body yields, returns or throws, the
//! front request's promise settles with `{ value, done }` or the error, and
//! the next request is served. An `await` in the body suspends it with the
//! queue waiting; its promise job resumes it.

use super::arg;
use super::array::iter_result;
use super::promise::{new_promise, perform_then, promise_resolve, reject_promise, resolve_promise};
use super::promise_combinators::native_with_data;
use crate::atoms;
use crate::exec::Resume;
use crate::object::{AsyncGenRequest, Capability, Completion, GeneratorKind, GeneratorState, Handler, Kind};
use crate::value::{Key, ObjId, Value};
use crate::vm::symbols;
use crate::{Embedder, ErrorType, JsResult, Unwind, Vm};

pub(super) fn install(vm: &mut Vm) {
    let prototype = vm.intrinsics.async_generator_prototype;
    vm.define_method(prototype, "next", 1, next);
    vm.define_method(prototype, "return", 1, return_);
    vm.define_method(prototype, "throw", 1, throw);
    let function_prototype = vm.intrinsics.async_generator_function_prototype;
    let constructor =
        vm.native_function("AsyncGeneratorFunction", 1, |vm, host, _, args, _| super::function::dynamic_function(vm, host, args, "async function*"));
    super::generator::link_function_kind(vm, constructor, function_prototype, Some((prototype, "AsyncGenerator")));
    // %AsyncIteratorPrototype%[@@asyncIterator] returns this (27.1.3.1).
    let async_iterator_prototype = vm.heap.get(prototype).proto;
    if let Some(async_iterator_prototype) = async_iterator_prototype {
        if vm.heap.own(async_iterator_prototype, Key::Symbol(symbols::ASYNC_ITERATOR)).is_none() {
            let method = vm.native_function("[Symbol.asyncIterator]", 0, |_, _, this, _, _| Ok(this.clone()));
            vm.heap.put(async_iterator_prototype, Key::Symbol(symbols::ASYNC_ITERATOR), Value::Object(method), crate::shape::METHOD_ATTRS);
        }
    }
}

fn next(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    enqueue(vm, host, this, Completion::Normal(arg(args, 0)), "next")
}

fn return_(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    enqueue(vm, host, this, Completion::Return(arg(args, 0)), "return")
}

fn throw(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    enqueue(vm, host, this, Completion::Throw(arg(args, 0)), "throw")
}

/// AsyncGeneratorEnqueue (27.6.3.2 and the methods of 27.6.1): the
/// request's promise, rejected at once for a receiver that is no async
/// generator.
fn enqueue(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, completion: Completion, method: &str) -> JsResult<Value> {
    let promise = new_promise(vm);
    let generator = match this {
        Value::Object(id) if matches!(&vm.heap.get(*id).kind, Kind::Generator(data) if data.kind == GeneratorKind::AsyncGenerator) => *id,
        _ => {
            let shown = vm.to_display(this);
            let error = vm.make_error(ErrorType::TypeError, &format!("{method} method called on incompatible receiver {shown}"));
            reject_promise(vm, host, promise, error);
            return Ok(Value::Object(promise));
        }
    };
    let capability = Capability { promise: Value::Object(promise), resolve: Value::Undefined, reject: Value::Undefined };
    if let Kind::Generator(data) = &mut vm.heap.get_mut(generator).kind {
        data.queue.push(AsyncGenRequest { completion, capability });
    }
    vm.async_generator_drain(host, generator)?;
    Ok(Value::Object(promise))
}

fn state_of(vm: &Vm, generator: ObjId) -> GeneratorState {
    match &vm.heap.get(generator).kind {
        Kind::Generator(data) => data.state,
        _ => GeneratorState::Completed,
    }
}

impl Vm {
    /// AsyncGeneratorResumeNext: serves queued requests while the body is
    /// not running or awaiting.
    pub(crate) fn async_generator_drain(&mut self, host: &mut dyn Embedder, generator: ObjId) -> JsResult<()> {
        loop {
            let state = state_of(self, generator);
            if matches!(state, GeneratorState::Executing | GeneratorState::AwaitingReturn) {
                return Ok(());
            }
            let front = match &self.heap.get(generator).kind {
                Kind::Generator(data) => data.queue.first().map(|request| request.completion.clone()),
                _ => None,
            };
            let Some(completion) = front else { return Ok(()) };
            if state == GeneratorState::SuspendedStart && !matches!(completion, Completion::Normal(_)) {
                // Abrupt before it started: it completes without running.
                self.set_coroutine_state(generator, GeneratorState::Completed);
                continue;
            }
            if state == GeneratorState::Completed {
                match completion {
                    Completion::Normal(_) => {
                        let result = iter_result(self, Value::Undefined, true);
                        self.settle_front(host, generator, Ok(result))?;
                    }
                    Completion::Throw(error) => self.settle_front(host, generator, Err(error))?,
                    Completion::Return(value) => {
                        // AsyncGeneratorAwaitReturn: the value is awaited
                        // first; the queue waits meanwhile.
                        self.set_coroutine_state(generator, GeneratorState::AwaitingReturn);
                        let promise = match promise_resolve(self, host, value) {
                            Ok(promise) => promise,
                            Err(Unwind::Throw(error)) => {
                                self.set_coroutine_state(generator, GeneratorState::Completed);
                                self.settle_front(host, generator, Err(error))?;
                                continue;
                            }
                            Err(halt) => return Err(halt),
                        };
                        let on_fulfilled = native_with_data(self, return_fulfilled, Value::Object(generator), 1);
                        let on_rejected = native_with_data(self, return_rejected, Value::Object(generator), 1);
                        if let Value::Object(promise) = promise {
                            perform_then(self, host, promise, Handler::Function(on_fulfilled), Handler::Function(on_rejected), None);
                        }
                        return Ok(());
                    }
                }
                continue;
            }
            let (value, mode) = match completion {
                Completion::Normal(value) => (value, Resume::Next),
                Completion::Return(value) => (value, Resume::Return),
                Completion::Throw(value) => (value, Resume::Throw),
            };
            self.resume_coroutine(generator, value, mode)?;
            let base_frames = self.frames.len() - 1;
            self.native_depth += 1;
            let result = self.execute(host, base_frames);
            self.native_depth -= 1;
            return self.async_generator_step_done(host, generator, result);
        }
    }

    /// The body stopped (yield, await, return, throw): settles the front
    /// request accordingly and serves the next one.
    pub(crate) fn async_generator_step_done(&mut self, host: &mut dyn Embedder, generator: ObjId, result: JsResult<Value>) -> JsResult<()> {
        match result {
            Err(Unwind::Halt) => return Err(Unwind::Halt),
            Err(Unwind::Throw(error)) => {
                self.set_coroutine_state(generator, GeneratorState::Completed);
                self.settle_front(host, generator, Err(error))?;
            }
            Ok(value) => match state_of(self, generator) {
                GeneratorState::SuspendedYield => {
                    let result = iter_result(self, value, false);
                    self.settle_front(host, generator, Ok(result))?;
                }
                GeneratorState::Completed => {
                    let result = iter_result(self, value, true);
                    self.settle_front(host, generator, Ok(result))?;
                }
                _ => return Ok(()),
            },
        }
        self.async_generator_drain(host, generator)
    }

    /// Removes the front request and settles its promise.
    fn settle_front(&mut self, host: &mut dyn Embedder, generator: ObjId, outcome: Result<Value, Value>) -> JsResult<()> {
        let request = match &mut self.heap.get_mut(generator).kind {
            Kind::Generator(data) if !data.queue.is_empty() => data.queue.remove(0),
            _ => return Ok(()),
        };
        let Value::Object(promise) = request.capability.promise else { return Ok(()) };
        match outcome {
            Ok(value) => resolve_promise(self, host, promise, value),
            Err(error) => {
                reject_promise(self, host, promise, error);
                Ok(())
            }
        }
    }
}

fn return_settled(vm: &mut Vm, host: &mut dyn Embedder, outcome: Result<Value, Value>) -> JsResult<Value> {
    let Value::Object(generator) = vm.current_native_data() else { return Ok(Value::Undefined) };
    vm.set_coroutine_state(generator, GeneratorState::Completed);
    let outcome = outcome.map(|value| iter_result(vm, value, true));
    vm.settle_front(host, generator, outcome)?;
    vm.async_generator_drain(host, generator)?;
    Ok(Value::Undefined)
}

fn return_fulfilled(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    return_settled(vm, host, Ok(arg(args, 0)))
}

fn return_rejected(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    return_settled(vm, host, Err(arg(args, 0)))
}

/// CreateAsyncFromSyncIterator (27.1.4.1): an iterator whose `next`,
/// `return` and `throw` call the sync iterator's and give a promise of its
/// result with the value awaited. Returns `[iterator, next]` as
/// GetIterator does.
pub(crate) fn async_from_sync(vm: &mut Vm, iterator: Value, next_method: Value) -> (Value, Value) {
    let data = Value::Object(vm.new_array(vec![iterator, next_method]));
    let wrapper = vm.new_object();
    let next = native_with_data(vm, from_sync_next, data.clone(), 1);
    let return_ = native_with_data(vm, from_sync_return, data.clone(), 1);
    let throw = native_with_data(vm, from_sync_throw, data, 1);
    vm.heap.put(wrapper, Key::Atom(atoms::NEXT), next.clone(), crate::shape::METHOD_ATTRS);
    vm.heap.put(wrapper, Key::Atom(atoms::RETURN), return_, crate::shape::METHOD_ATTRS);
    vm.heap.put(wrapper, Key::Atom(atoms::THROW), throw, crate::shape::METHOD_ATTRS);
    (Value::Object(wrapper), next)
}

fn sync_parts(vm: &Vm) -> (Value, Value) {
    let data = vm.current_native_data();
    let element = |index: u32| data.as_object().and_then(|id| vm.heap.own(id, Key::Index(index))).map(|found| found.value).unwrap_or_default();
    (element(0), element(1))
}

/// AsyncFromSyncIteratorContinuation (27.1.4.4): a promise of
/// `{ value: await result.value, done: result.done }`; an abrupt step
/// rejects it.
fn continuation(vm: &mut Vm, host: &mut dyn Embedder, step: JsResult<Value>) -> JsResult<Value> {
    let promise = new_promise(vm);
    let outcome = (|| -> JsResult<(Value, bool)> {
        let result = step?;
        if !result.is_object() {
            return vm.type_error("Iterator result is not an object");
        }
        let done = vm.get(host, &result, Key::Atom(atoms::DONE))?.truthy();
        let value = vm.get(host, &result, Key::Atom(atoms::VALUE))?;
        let awaited = promise_resolve(vm, host, value)?;
        Ok((awaited, done))
    })();
    match outcome {
        Ok((Value::Object(awaited), done)) => {
            let unwrap = native_with_data(vm, unwrap_value, Value::Bool(done), 1);
            let (resolve, reject) = super::promise::resolving_functions(vm, promise);
            let capability = Capability { promise: Value::Object(promise), resolve, reject };
            perform_then(vm, host, awaited, Handler::Function(unwrap), Handler::Empty, Some(capability));
        }
        Ok(_) => {}
        Err(Unwind::Throw(error)) => reject_promise(vm, host, promise, error),
        Err(halt) => return Err(halt),
    }
    Ok(Value::Object(promise))
}

fn unwrap_value(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let done = vm.current_native_data().truthy();
    Ok(iter_result(vm, arg(args, 0), done))
}

fn from_sync_next(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (iterator, next) = sync_parts(vm);
    let step = vm.call(host, &next, &iterator, &args[..args.len().min(1)]);
    continuation(vm, host, step)
}

/// `return(value)`: the sync iterator's `return`, or `{ value, done: true }`
/// when it has none.
fn from_sync_return(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (iterator, _) = sync_parts(vm);
    let method = vm.get(host, &iterator, Key::Atom(atoms::RETURN));
    match method {
        Ok(method) if method.is_nullish() => {
            let promise = new_promise(vm);
            let result = iter_result(vm, arg(args, 0), true);
            resolve_promise(vm, host, promise, result)?;
            Ok(Value::Object(promise))
        }
        Ok(method) => {
            let step = vm.call(host, &method, &iterator, &args[..args.len().min(1)]);
            continuation(vm, host, step)
        }
        Err(error) => continuation(vm, host, Err(error)),
    }
}

/// `throw(value)`: the sync iterator's `throw`; without one, the iterator
/// is closed and the promise rejected with a TypeError.
fn from_sync_throw(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let (iterator, _) = sync_parts(vm);
    let method = vm.get(host, &iterator, Key::Atom(atoms::THROW));
    match method {
        Ok(method) if method.is_nullish() => {
            let closed = vm.iterator_close(host, &iterator);
            let step = closed.and_then(|_| vm.type_error("The iterator does not provide a 'throw' method"));
            continuation(vm, host, step)
        }
        Ok(method) => {
            let step = vm.call(host, &method, &iterator, &args[..args.len().min(1)]);
            continuation(vm, host, step)
        }
        Err(error) => continuation(vm, host, Err(error)),
    }
}
