//! Generators and async functions as suspended frames (ECMA-262 27.5,
//! 27.7): creating the object a coroutine frame saves itself into,
//! suspending, resuming with a completion, and settling an async
//! function's promise when its body ends.

use crate::bytecode::Code;
use crate::object::{FunctionKind, Kind};
use crate::value::{Key, ObjId, Value};
use crate::vm::Unwind;
use crate::{atoms, Embedder, JsResult, Vm};

/// How a suspended generator is resumed (ECMA-262 27.5.3.3 GeneratorResume,
/// 27.5.3.4 GeneratorResumeAbrupt).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    Next,
    Throw,
    Return,
}

pub(crate) fn code_is_coroutine(code: &Code) -> bool {
    code.is_generator || code.is_async
}

impl Vm {
    /// Resumes an async function suspended at `await` with the settled
    /// value (a rejection throws at the `await`).
    pub fn resume_after_await(&mut self, host: &mut dyn Embedder, generator: ObjId, value: Value, is_rejection: bool) -> JsResult<()> {
        let mode = if is_rejection { Resume::Throw } else { Resume::Next };
        let result = self.resume_coroutine(generator, value, mode).and_then(|()| {
            let base_frames = self.frames.len() - 1;
            self.native_depth += 1;
            let result = self.execute(host, base_frames);
            self.native_depth -= 1;
            result
        });
        self.finish_coroutine_call(host, generator, result).map(|_| ())
    }

    /// The generator object a coroutine frame saves itself into.
    pub(crate) fn new_coroutine(&mut self, function: ObjId) -> JsResult<ObjId> {
        let Kind::Function(kind) = &self.heap.get(function).kind else { return self.type_error("not a function") };
        let FunctionKind::Closure(closure) = &**kind else { return self.type_error("not a function") };
        let is_generator = closure.code.is_generator;
        let is_async = closure.code.is_async;
        let (kind, promise, proto) = if is_generator {
            // The generator's prototype is the function's `prototype` (ECMA-262 27.5.3.1 OrdinaryCreateFromConstructor).
            let fallback = if is_async { self.intrinsics.async_generator_prototype } else { self.intrinsics.generator_prototype };
            let proto = match self.heap.own(function, Key::Atom(atoms::PROTOTYPE)).map(|found| found.value) {
                Some(Value::Object(proto)) => proto,
                _ => fallback,
            };
            let kind = if is_async { crate::object::GeneratorKind::AsyncGenerator } else { crate::object::GeneratorKind::Generator };
            (kind, None, Some(proto))
        } else {
            (crate::object::GeneratorKind::Async, Some(crate::builtins::promise::new_promise(self)), None)
        };
        let data =
            crate::object::GeneratorData { state: crate::object::GeneratorState::Executing, frame: None, promise, queue: Vec::new(), kind, delegating: false };
        Ok(self.heap.alloc(proto, Kind::Generator(Box::new(data)), 0))
    }

    pub(crate) fn set_coroutine_state(&mut self, generator: ObjId, state: crate::object::GeneratorState) {
        if let Kind::Generator(data) = &mut self.heap.get_mut(generator).kind {
            data.state = state;
            if state == crate::object::GeneratorState::Completed {
                data.frame = None;
            }
        }
    }

    /// Moves the running frame and its stack window into its generator.
    pub(crate) fn suspend(&mut self, state: crate::object::GeneratorState) -> Option<ObjId> {
        let frame = self.frames.pop()?;
        let values = self.stack.split_off(frame.base as usize);
        let generator = frame.generator?;
        if let Kind::Generator(data) = &mut self.heap.get_mut(generator).kind {
            data.state = state;
            data.frame = Some(Box::new(crate::interp::SavedFrame { frame, values }));
        }
        Some(generator)
    }

    /// Puts a suspended frame back on the stacks, as the entry frame of a
    /// new activation, with what the suspension point receives.
    pub fn resume_coroutine(&mut self, generator: ObjId, value: Value, mode: Resume) -> JsResult<()> {
        let (saved, was, delegating) = match &mut self.heap.get_mut(generator).kind {
            Kind::Generator(data) => {
                let was = data.state;
                data.state = crate::object::GeneratorState::Executing;
                let delegating = std::mem::take(&mut data.delegating);
                (data.frame.take(), was, delegating)
            }
            _ => (None, crate::object::GeneratorState::Completed, false),
        };
        let Some(saved) = saved else { return self.type_error("Generator is already running") };
        let crate::interp::SavedFrame { mut frame, values } = *saved;
        frame.base = self.stack.len() as u32;
        frame.is_entry = true;
        self.stack.extend(values);
        self.frames.push(frame);
        if delegating {
            // Back into the `yield*` loop, which passes this on.
            self.stack.push(value);
            self.stack.push(Value::Number(match mode {
                Resume::Next => 0.0,
                Resume::Throw => 1.0,
                Resume::Return => 2.0,
            }));
            return Ok(());
        }
        match (mode, was) {
            (Resume::Throw, _) => self.pending_throw = Some(value),
            (_, crate::object::GeneratorState::SuspendedStart) => {}
            (Resume::Next, crate::object::GeneratorState::AwaitingReturn) => self.stack.push(value),
            (Resume::Next, _) => {
                self.stack.push(value);
                self.stack.push(Value::Bool(false));
            }
            (Resume::Return, _) => {
                self.stack.push(value);
                self.stack.push(Value::Bool(true));
            }
        }
        Ok(())
    }

    /// What a call to (or a resumption of) an async function gives back:
    /// its promise, settled if the body has finished.
    pub(crate) fn finish_coroutine_call(&mut self, host: &mut dyn Embedder, generator: ObjId, result: JsResult<Value>) -> JsResult<Value> {
        let (kind, promise, state) = match &self.heap.get(generator).kind {
            Kind::Generator(data) => (data.kind, data.promise, data.state),
            _ => return result,
        };
        if kind == crate::object::GeneratorKind::AsyncGenerator {
            // The call that made it (stopped at its start) gives the
            // generator; a resumption after `await` serves the queue.
            // An error with no request waiting comes from that call too
            // (its parameters' initialisation): the caller gets it.
            let waiting = matches!(&self.heap.get(generator).kind, Kind::Generator(data) if !data.queue.is_empty());
            if state == crate::object::GeneratorState::SuspendedStart || (result.is_err() && !waiting) {
                if result.is_err() {
                    self.set_coroutine_state(generator, crate::object::GeneratorState::Completed);
                }
                return result;
            }
            self.async_generator_step_done(host, generator, result)?;
            return Ok(Value::Undefined);
        }
        if kind != crate::object::GeneratorKind::Async {
            if result.is_err() {
                self.set_coroutine_state(generator, crate::object::GeneratorState::Completed);
            }
            return result;
        }
        let Some(promise) = promise else { return result };
        match result {
            Err(Unwind::Halt) => return Err(Unwind::Halt),
            Err(Unwind::Throw(error)) => {
                self.set_coroutine_state(generator, crate::object::GeneratorState::Completed);
                crate::builtins::promise::reject_promise(self, host, promise, error);
            }
            Ok(value) => {
                if state == crate::object::GeneratorState::Completed {
                    crate::builtins::promise::resolve_promise(self, host, promise, value)?;
                }
            }
        }
        Ok(Value::Object(promise))
    }

    /// `yield*` in an async generator, the call of one step (ECMA-262
    /// 15.5.5 step 7 with generatorKind async): see `Insn::AsyncYieldStarCall`.
    pub(crate) fn async_yield_star_call(&mut self, host: &mut dyn Embedder, target: u32) -> JsResult<()> {
        let mode = self.pop().as_number().unwrap_or(0.0) as u8;
        let received = self.pop();
        let n = self.stack.len();
        let (iterator, next) = (self.stack[n - 2].clone(), self.stack[n - 1].clone());
        let result = match mode {
            0 => self.call(host, &next, &iterator, &[received])?,
            1 => {
                let throw = self.get(host, &iterator, Key::Atom(atoms::THROW))?;
                if throw.is_nullish() {
                    // AsyncIteratorClose, then the protocol violation.
                    // Looplab does not await the closing call's result.
                    let close = self.get(host, &iterator, Key::Atom(atoms::RETURN))?;
                    if !close.is_nullish() {
                        self.call(host, &close, &iterator, &[])?;
                    }
                    return self.type_error("The iterator does not provide a 'throw' method");
                }
                self.call(host, &throw, &iterator, &[received])?
            }
            _ => {
                let close = self.get(host, &iterator, Key::Atom(atoms::RETURN))?;
                if close.is_nullish() {
                    // Step 7.c.iii: the value is awaited, then returned.
                    self.stack.truncate(n - 2);
                    self.stack.push(received);
                    self.frame_mut().pc = target;
                    return Ok(());
                }
                self.call(host, &close, &iterator, &[received])?
            }
        };
        self.stack.push(Value::Number(mode as f64));
        self.stack.push(result);
        Ok(())
    }

    /// `yield*` in an async generator, the awaited result of one step:
    /// see `Insn::AsyncYieldStarResult`.
    pub(crate) fn async_yield_star_result(&mut self, host: &mut dyn Embedder, target: u32) -> JsResult<()> {
        let result = self.pop();
        let mode = self.pop().as_number().unwrap_or(0.0) as u8;
        if !result.is_object() {
            return self.type_error(&format!("Iterator result {} is not an object", self.describe_for_error(&result)));
        }
        let done = self.get(host, &result, Key::Atom(atoms::DONE))?.truthy();
        let value = self.get(host, &result, Key::Atom(atoms::VALUE))?;
        if done {
            let n = self.stack.len();
            self.stack.truncate(n - 2);
            self.stack.push(value);
            self.stack.push(Value::Bool(mode == 2));
            self.frame_mut().pc = target;
            return Ok(());
        }
        self.stack.push(value);
        Ok(())
    }
}
