//! The interpreter loop: calls push frames, returns pop them, exceptions
//! unwind to the innermost handler (ECMA-262 10.2.1 [[Call]], 10.2.2
//! [[Construct]], and the evaluation rules each instruction encodes).

use crate::atoms;
use crate::bytecode::{Code, Constant, ErrorKind, FunctionKind as CodeKind, Insn};
pub use crate::coroutine::Resume;
use crate::errors::ErrorType;
use crate::interp::{Frame, Handler};
use crate::object::{ArrayState, FunctionKind, Kind, Lexical, Scope};
use crate::ops::Hint;
use crate::shape::{DEFAULT_ATTRS, ENUMERABLE, METHOD_ATTRS, WRITABLE};
use crate::string::JsStr;
use crate::value::{Key, ObjId, Value};
use crate::vm::Unwind;
use crate::{Embedder, JsResult, Vm};
use std::rc::Rc;

/// How many operations run between two checks with the embedder.
const INTERRUPT_EVERY_OPS: u64 = 1 << 14;
/// How deep JavaScript calls may nest (V8's default stack allows about
/// 10,000 frames of a simple recursive function).
pub const CALL_DEPTH_MAX: usize = 10_000;
/// How deeply natives may re-enter the interpreter (each is Rust stack).
pub const NATIVE_DEPTH_MAX: u32 = 400;

impl Vm {
    /// Runs a compiled script (global code) with `this` the global object.
    pub fn run_script(&mut self, host: &mut dyn Embedder, code: Rc<Code>) -> JsResult<Value> {
        let function = self.make_closure(code, None, None);
        let global = Value::Object(self.intrinsics.global);
        self.call(host, &Value::Object(function), &global, &[])
    }

    pub(crate) fn report_ops(&mut self, host: &mut dyn Embedder) {
        if self.unreported_ops > 0 {
            host.spend(self.unreported_ops);
            self.unreported_ops = 0;
        }
    }

    pub(crate) fn constant(code: &Code, index: u32) -> Value {
        match code.constants.get(index as usize) {
            Some(Constant::Number(n)) => Value::Number(*n),
            Some(Constant::String(s)) => Value::String(s.clone()),
            None => Value::Undefined,
        }
    }

    fn constant_text(code: &Code, index: u32) -> String {
        match code.constants.get(index as usize) {
            Some(Constant::String(s)) => s.to_rust(),
            _ => String::new(),
        }
    }

    pub(crate) fn pop(&mut self) -> Value {
        self.stack.pop().unwrap_or_default()
    }

    pub(crate) fn top(&self) -> Value {
        self.stack.last().cloned().unwrap_or_default()
    }

    fn scope_at(&self, depth: u16) -> Option<ObjId> {
        let frame = self.frames.last()?;
        let mut scope = frame.scope?;
        for _ in 0..depth {
            scope = match &self.heap.get(scope).kind {
                Kind::Scope(data) => data.parent?,
                _ => return None,
            };
        }
        Some(scope)
    }

    fn scope_get(&self, depth: u16, slot: u16) -> Value {
        match self.scope_at(depth).map(|id| &self.heap.get(id).kind) {
            Some(Kind::Scope(data)) => data.vars.get(slot as usize).cloned().unwrap_or_default(),
            _ => Value::Undefined,
        }
    }

    fn scope_set(&mut self, depth: u16, slot: u16, value: Value) {
        if let Some(id) = self.scope_at(depth) {
            if let Kind::Scope(data) = &mut self.heap.get_mut(id).kind {
                if let Some(var) = data.vars.get_mut(slot as usize) {
                    *var = value;
                }
            }
        }
    }

    /// Runs frames until the one at index `base_frames` returns.
    pub fn execute(&mut self, host: &mut dyn Embedder, base_frames: usize) -> JsResult<Value> {
        loop {
            match self.step_until_return(host, base_frames) {
                Ok(value) => return Ok(value),
                Err(Unwind::Halt) => {
                    self.unwind_frames(base_frames);
                    return Err(Unwind::Halt);
                }
                Err(Unwind::Throw(exception)) => {
                    if self.throw_position.is_none() {
                        self.throw_position = self.current_position();
                    }
                    // Find a handler in this activation's frames.
                    loop {
                        let Some(frame) = self.frames.last_mut() else { return Err(Unwind::Throw(exception)) };
                        if let Some(handler) = frame.handlers.pop() {
                            let base = frame.base as usize;
                            frame.pc = handler.catch_pc;
                            self.unwind_scopes_to(handler.scope_depth);
                            self.stack.truncate(base + handler.stack_height as usize);
                            self.stack.push(exception.clone());
                            self.throw_position = None;
                            break;
                        }
                        let is_entry = frame.is_entry;
                        let base = frame.base as usize;
                        let generator = frame.generator;
                        self.frames.pop();
                        if let Some(generator) = generator {
                            self.set_coroutine_state(generator, crate::object::GeneratorState::Completed);
                        }
                        self.stack.truncate(base);
                        if is_entry || self.frames.len() <= base_frames {
                            return Err(Unwind::Throw(exception));
                        }
                        // The caller's call instruction left its callee and
                        // arguments below `base`; they were cut with it.
                    }
                }
            }
        }
    }

    fn unwind_scopes_to(&mut self, depth: u32) {
        loop {
            let Some(frame) = self.frames.last() else { return };
            if frame.scope_depth & !(1 << 31) <= depth {
                return;
            }
            let parent = frame.scope.and_then(|id| match &self.heap.get(id).kind {
                Kind::Scope(data) => data.parent,
                _ => None,
            });
            if let Some(frame) = self.frames.last_mut() {
                frame.scope = parent;
                frame.scope_depth -= 1;
            }
        }
    }

    fn unwind_frames(&mut self, base_frames: usize) {
        while self.frames.len() > base_frames {
            if let Some(frame) = self.frames.pop() {
                self.stack.truncate(frame.base as usize);
            }
        }
    }

    /// The loop proper. Returns when the entry frame returns.
    fn step_until_return(&mut self, host: &mut dyn Embedder, base_frames: usize) -> JsResult<Value> {
        if let Some(exception) = self.pending_throw.take() {
            return Err(Unwind::Throw(exception));
        }
        loop {
            let frame_index = self.frames.len() - 1;
            if self.frames[frame_index].scope_depth & (1 << 31) != 0 {
                self.frames[frame_index].scope_depth &= !(1 << 31);
                self.init_fields(host)?;
            }
            let code = self.frames[frame_index].code.clone();
            loop {
                let frame = &mut self.frames[frame_index];
                let pc = frame.pc as usize;
                let Some(insn) = code.insns.get(pc).copied() else {
                    return self.type_error("ran past the end of a function (compiler)");
                };
                frame.pc += 1;
                self.ops += 1;
                self.unreported_ops += 1;
                if self.ops % INTERRUPT_EVERY_OPS == 0 {
                    self.report_ops(host);
                    if let Some(reason) = host.interrupt(self) {
                        let _ = reason;
                        return Err(Unwind::Halt);
                    }
                    // A safe point: between instructions, with every live
                    // value in the stacks, when no native is on the Rust
                    // stack below this activation.
                    if self.native_depth <= 1 {
                        self.maybe_collect();
                    }
                }
                match insn {
                    Insn::GeneratorStart => {
                        let generator = self.suspend(crate::object::GeneratorState::SuspendedStart);
                        return Ok(generator.map_or(Value::Undefined, Value::Object));
                    }
                    Insn::Yield => {
                        let value = self.pop();
                        self.suspend(crate::object::GeneratorState::SuspendedYield);
                        return Ok(value);
                    }
                    Insn::YieldStar(exit) => {
                        let mode = self.pop();
                        let received = self.pop();
                        let n = self.stack.len();
                        let (iterator, next) = (self.stack[n - 2].clone(), self.stack[n - 1].clone());
                        let mode = mode.as_number().unwrap_or(0.0) as u8;
                        let result = match mode {
                            0 => self.call(host, &next, &iterator, &[received])?,
                            1 => {
                                let throw = self.get(host, &iterator, Key::Atom(atoms::THROW))?;
                                if throw.is_nullish() {
                                    self.iterator_close(host, &iterator)?;
                                    return self.type_error("The iterator does not provide a 'throw' method");
                                }
                                self.call(host, &throw, &iterator, &[received])?
                            }
                            _ => {
                                let ret = self.get(host, &iterator, Key::Atom(atoms::RETURN))?;
                                if ret.is_nullish() {
                                    self.stack.truncate(n - 2);
                                    self.stack.push(received);
                                    self.stack.push(Value::Bool(true));
                                    self.frames[frame_index].pc = exit;
                                    continue;
                                }
                                self.call(host, &ret, &iterator, &[received])?
                            }
                        };
                        if !result.is_object() {
                            return self.type_error(&format!("Iterator result {} is not an object", self.describe_for_error(&result)));
                        }
                        let done = self.get(host, &result, Key::Atom(atoms::DONE))?.truthy();
                        if done {
                            let value = self.get(host, &result, Key::Atom(atoms::VALUE))?;
                            self.stack.truncate(n - 2);
                            self.stack.push(value);
                            self.stack.push(Value::Bool(mode == 2));
                            self.frames[frame_index].pc = exit;
                            continue;
                        }
                        // Yield the inner result object itself.
                        let generator = self.suspend(crate::object::GeneratorState::SuspendedYield);
                        if let Some(generator) = generator {
                            if let Kind::Generator(data) = &mut self.heap.get_mut(generator).kind {
                                data.delegating = true;
                            }
                        }
                        return Ok(result);
                    }
                    Insn::AsyncYieldStarYield => {
                        let value = self.pop();
                        if let Some(generator) = self.suspend(crate::object::GeneratorState::SuspendedYield) {
                            if let Kind::Generator(data) = &mut self.heap.get_mut(generator).kind {
                                data.delegating = true;
                            }
                        }
                        return Ok(value);
                    }
                    Insn::Await => {
                        let value = self.pop();
                        let Some(generator) = self.frame().generator else { return self.type_error("await outside an async function") };
                        let promise = crate::builtins::promise::promise_resolve(self, host, value)?;
                        if let Value::Object(promise) = promise {
                            let handler = crate::object::Handler::Resume(generator);
                            crate::builtins::promise::perform_then(self, host, promise, handler.clone(), handler, None);
                        }
                        self.suspend(crate::object::GeneratorState::AwaitingReturn);
                        return Ok(Value::Undefined);
                    }
                    Insn::Return => {
                        let value = self.pop();
                        let Some(frame) = self.frames.pop() else { return Ok(value) };
                        self.stack.truncate(frame.base as usize);
                        if let Some(generator) = frame.generator {
                            self.set_coroutine_state(generator, crate::object::GeneratorState::Completed);
                        }
                        let value = self.construct_result(&frame, value)?;
                        if frame.is_entry || self.frames.len() <= base_frames {
                            return Ok(value);
                        }
                        self.stack.push(value);
                        break;
                    }
                    Insn::CallEval { argc, site } => {
                        let argc = argc as usize;
                        let args_start = self.stack.len() - argc;
                        let callee = self.stack[args_start - 1].clone();
                        // A direct eval of a string sees the caller's scope
                        // (ECMA-262 19.2.1.1); at a sloppy script's top level
                        // that is the global scope an indirect eval uses.
                        let direct = (code.kind != CodeKind::TopLevel || code.is_strict)
                            && callee.as_object().is_some()
                            && callee.as_object() == self.eval_function
                            && argc > 0;
                        let callee = match (self.stack.get(args_start), direct) {
                            (Some(Value::String(text)), true) => {
                                let (text, site) = (text.to_rust(), site as usize);
                                let closure = self.direct_eval_closure(&code, &text, site)?;
                                self.stack.truncate(args_start);
                                self.stack[args_start - 1] = closure.clone();
                                closure
                            }
                            _ => callee,
                        };
                        let args_start = self.stack.len().min(args_start);
                        if let Some(done) = self.enter_call(host, &callee, Value::Undefined, args_start, args_start - 1, None)? {
                            self.stack.push(done);
                        } else {
                            break;
                        }
                    }
                    Insn::Call(argc) => {
                        let argc = argc as usize;
                        let args_start = self.stack.len() - argc;
                        let callee = self.stack[args_start - 1].clone();
                        if let Some(done) = self.enter_call(host, &callee, Value::Undefined, args_start, args_start - 1, None)? {
                            self.stack.push(done);
                        } else {
                            break;
                        }
                    }
                    Insn::CallMethod(argc) => {
                        let argc = argc as usize;
                        let args_start = self.stack.len() - argc;
                        let callee = self.stack[args_start - 1].clone();
                        let this = self.stack[args_start - 2].clone();
                        if let Some(done) = self.enter_call(host, &callee, this, args_start, args_start - 2, None)? {
                            self.stack.push(done);
                        } else {
                            break;
                        }
                    }
                    Insn::CallSpread | Insn::CallMethodSpread => {
                        let args = self.pop();
                        let callee = self.pop();
                        let this = if insn == Insn::CallMethodSpread { self.pop() } else { Value::Undefined };
                        let args = self.array_values(&args);
                        let result = self.call(host, &callee, &this, &args)?;
                        self.stack.push(result);
                    }
                    Insn::New(argc) => {
                        let argc = argc as usize;
                        let args: Vec<Value> = self.stack.split_off(self.stack.len() - argc);
                        let callee = self.pop();
                        if !self.is_constructor(&callee) {
                            let what = self.call_site().unwrap_or_else(|| self.describe_for_error(&callee));
                            return self.type_error(&format!("{what} is not a constructor"));
                        }
                        let result = self.construct(host, &callee, &args, None)?;
                        self.stack.push(result);
                    }
                    Insn::NewSpread => {
                        let args = self.pop();
                        let callee = self.pop();
                        let args = self.array_values(&args);
                        if !self.is_constructor(&callee) {
                            let what = self.describe_for_error(&callee);
                            return self.type_error(&format!("{what} is not a constructor"));
                        }
                        let result = self.construct(host, &callee, &args, None)?;
                        self.stack.push(result);
                    }
                    // The hottest instructions, handled here so they skip
                    // a call into `instruction`.
                    Insn::GetReg(reg) => {
                        let base = self.frames[frame_index].base as usize;
                        let value = self.stack[base + reg as usize].clone();
                        self.stack.push(value);
                    }
                    Insn::PutReg(reg) => {
                        let base = self.frames[frame_index].base as usize;
                        let value = self.pop();
                        self.stack[base + reg as usize] = value;
                    }
                    Insn::Int(n) => self.stack.push(Value::Number(f64::from(n))),
                    Insn::Pop => {
                        self.stack.pop();
                    }
                    Insn::Jump(target) => self.frames[frame_index].pc = target,
                    Insn::JumpIfFalse(target) => {
                        if !self.pop().truthy() {
                            self.frames[frame_index].pc = target;
                        }
                    }
                    Insn::JumpIfTrue(target) => {
                        if self.pop().truthy() {
                            self.frames[frame_index].pc = target;
                        }
                    }
                    Insn::Add | Insn::Sub | Insn::Lt | Insn::Le | Insn::Gt | Insn::Ge | Insn::StrictEq | Insn::StrictNe
                        if matches!(self.stack[self.stack.len() - 2..], [Value::Number(_), Value::Number(_)]) =>
                    {
                        let (Some(Value::Number(b)), Some(Value::Number(a))) = (self.stack.pop(), self.stack.pop()) else { continue };
                        self.stack.push(match insn {
                            Insn::Add => Value::Number(a + b),
                            Insn::Sub => Value::Number(a - b),
                            Insn::Lt => Value::Bool(a < b),
                            Insn::Le => Value::Bool(a <= b),
                            Insn::Gt => Value::Bool(a > b),
                            Insn::Ge => Value::Bool(a >= b),
                            Insn::StrictEq => Value::Bool(a == b),
                            _ => Value::Bool(a != b),
                        });
                    }
                    Insn::Inc if matches!(self.stack.last(), Some(Value::Number(_))) => {
                        if let Some(Value::Number(n)) = self.stack.last_mut() {
                            *n += 1.0;
                        }
                    }
                    Insn::ToNumeric if matches!(self.stack.last(), Some(Value::Number(_))) => {}
                    Insn::GetProp { ic, .. } if self.cached_get(&code, ic, self.stack.last().unwrap_or(&Value::Undefined)).is_some() => {
                        let object = self.pop();
                        if let Some(value) = self.cached_get(&code, ic, &object) {
                            self.stack.push(value);
                        }
                    }
                    other => self.instruction(host, &code, other)?,
                }
            }
        }
    }

    /// What `new` gives: an object the constructor returned, else `this`.
    fn construct_result(&mut self, frame: &Frame, value: Value) -> JsResult<Value> {
        if frame.new_target.is_undefined() || frame.code.kind == CodeKind::Arrow {
            return Ok(value);
        }
        if value.is_object() {
            return Ok(value);
        }
        if frame.code.kind == CodeKind::DerivedConstructor && !value.is_undefined() {
            return self.type_error("Derived constructors may only return object or undefined");
        }
        if matches!(frame.this, Value::Empty) {
            return self.reference_error("Must call super constructor in derived class before accessing 'this' or returning from derived constructor");
        }
        Ok(frame.this.clone())
    }

    /// Calls `callee` with the arguments at `args_start..`; a closure gets a
    /// frame on this loop (returns `None`), anything else runs now.
    fn enter_call(
        &mut self,
        host: &mut dyn Embedder,
        callee: &Value,
        this: Value,
        args_start: usize,
        cut: usize,
        new_target: Option<ObjId>,
    ) -> JsResult<Option<Value>> {
        let is_closure = matches!(callee, Value::Object(id) if matches!(&self.heap.get(*id).kind, Kind::Function(kind) if matches!(**kind, FunctionKind::Closure(ref c) if !c.code.is_generator && !c.code.is_async)));
        let args: Vec<Value> = self.stack[args_start..].to_vec();
        self.stack.truncate(cut);
        if is_closure {
            if let Value::Object(id) = callee {
                self.push_closure_frame(*id, this, &args, new_target, false)?;
                return Ok(None);
            }
        }
        if !self.is_callable(callee) {
            let what = self.call_site().unwrap_or_else(|| self.describe_for_error(callee));
            return self.type_error(&format!("{what} is not a function"));
        }
        self.call(host, callee, &this, &args).map(Some)
    }

    /// The elements of an array made by the compiler (spread arguments).
    pub(crate) fn array_values(&self, array: &Value) -> Vec<Value> {
        let Value::Object(id) = array else { return Vec::new() };
        match &self.heap.get(*id).elements {
            crate::object::Elements::Dense(values) => values.iter().map(|v| if matches!(v, Value::Empty) { Value::Undefined } else { v.clone() }).collect(),
            crate::object::Elements::Sparse(map) => {
                let length = match self.heap.get(*id).kind {
                    Kind::Array(state) => state.length,
                    _ => 0,
                };
                (0..length).map(|index| map.get(&index).map(|(v, _)| v.clone()).unwrap_or_default()).collect()
            }
        }
    }

    pub(crate) fn frame(&self) -> &Frame {
        &self.frames[self.frames.len() - 1]
    }

    pub(crate) fn frame_mut(&mut self) -> &mut Frame {
        let last = self.frames.len() - 1;
        &mut self.frames[last]
    }

    pub(crate) fn jump(&mut self, target: u32) {
        self.frame_mut().pc = target;
    }

    fn binary_number(&mut self, host: &mut dyn Embedder, f: impl Fn(f64, f64) -> f64) -> JsResult<()> {
        let b = self.pop();
        let a = self.pop();
        let (x, y) = match (&a, &b) {
            (Value::Number(x), Value::Number(y)) => (*x, *y),
            _ => {
                let x = self.to_number(host, &a)?;
                (x, self.to_number(host, &b)?)
            }
        };
        self.stack.push(Value::Number(f(x, y)));
        Ok(())
    }

    fn binary_int(&mut self, host: &mut dyn Embedder, f: impl Fn(f64, f64) -> f64) -> JsResult<()> {
        self.binary_number(host, f)
    }

    fn compare(&mut self, host: &mut dyn Embedder, swap: bool, or_equal: bool) -> JsResult<()> {
        let b = self.pop();
        let a = self.pop();
        let result = if let (Value::Number(x), Value::Number(y)) = (&a, &b) {
            let (x, y) = if swap { (*y, *x) } else { (*x, *y) };
            if or_equal {
                x <= y
            } else {
                x < y
            }
        } else if or_equal {
            // a <= b is !(b < a), undefined counting as false.
            let r = if swap { self.less_than(host, &a, &b, true)? } else { self.less_than(host, &b, &a, false)? };
            r == Some(false)
        } else {
            let r = if swap { self.less_than(host, &b, &a, false)? } else { self.less_than(host, &a, &b, true)? };
            r == Some(true)
        };
        self.stack.push(Value::Bool(result));
        Ok(())
    }

    fn error_of(kind: ErrorKind) -> ErrorType {
        match kind {
            ErrorKind::TypeError => ErrorType::TypeError,
            ErrorKind::ReferenceError => ErrorType::ReferenceError,
            ErrorKind::SyntaxError => ErrorType::SyntaxError,
            ErrorKind::RangeError => ErrorType::RangeError,
        }
    }

    /// Every instruction but calls and returns.
    fn instruction(&mut self, host: &mut dyn Embedder, code: &Rc<Code>, insn: Insn) -> JsResult<()> {
        match insn {
            Insn::Undefined => self.stack.push(Value::Undefined),
            Insn::Null => self.stack.push(Value::Null),
            Insn::True => self.stack.push(Value::Bool(true)),
            Insn::False => self.stack.push(Value::Bool(false)),
            Insn::Empty => self.stack.push(Value::Empty),
            Insn::Int(n) => self.stack.push(Value::Number(f64::from(n))),
            Insn::Const(index) => self.stack.push(Self::constant(code, index)),
            Insn::Pop => {
                self.stack.pop();
            }
            Insn::Dup => self.stack.push(self.top()),
            Insn::Dup2 => {
                let n = self.stack.len();
                let (a, b) = (self.stack[n - 2].clone(), self.stack[n - 1].clone());
                self.stack.push(a);
                self.stack.push(b);
            }
            Insn::Swap => {
                let n = self.stack.len();
                self.stack.swap(n - 1, n - 2);
            }
            Insn::Over => {
                let n = self.stack.len();
                self.stack.push(self.stack[n - 2].clone());
            }
            Insn::RotDown3 => {
                let top = self.pop();
                let n = self.stack.len();
                self.stack.insert(n - 2, top);
            }
            Insn::RotDown4 => {
                let top = self.pop();
                let n = self.stack.len();
                self.stack.insert(n - 3, top);
            }
            Insn::Pick(n) => {
                let len = self.stack.len();
                self.stack.push(self.stack[len - 1 - n as usize].clone());
            }
            Insn::GetReg(reg) => {
                let base = self.frame().base as usize;
                self.stack.push(self.stack[base + reg as usize].clone());
            }
            Insn::SetReg(reg) => {
                let base = self.frame().base as usize;
                self.stack[base + reg as usize] = self.top();
            }
            Insn::PutReg(reg) => {
                let base = self.frame().base as usize;
                let value = self.pop();
                self.stack[base + reg as usize] = value;
            }
            Insn::GetRegChecked { reg, name } => {
                let base = self.frame().base as usize;
                let value = self.stack[base + reg as usize].clone();
                if matches!(value, Value::Empty) {
                    return self.reference_error(&format!("Cannot access '{}' before initialization", Self::constant_text(code, name)));
                }
                self.stack.push(value);
            }
            Insn::CheckReg { reg, name } => {
                let base = self.frame().base as usize;
                if matches!(self.stack[base + reg as usize], Value::Empty) {
                    return self.reference_error(&format!("Cannot access '{}' before initialization", Self::constant_text(code, name)));
                }
            }
            Insn::GetScope { depth, slot } => self.stack.push(self.scope_get(depth, slot)),
            Insn::SetScope { depth, slot } => self.scope_set(depth, slot, self.top()),
            Insn::PutScope { depth, slot } => {
                let value = self.pop();
                self.scope_set(depth, slot, value);
            }
            Insn::GetScopeChecked { depth, slot } => {
                let value = self.scope_get(depth, slot);
                if matches!(value, Value::Empty) {
                    return self.reference_error("Cannot access a variable before initialization");
                }
                self.stack.push(value);
            }
            Insn::CheckScope { depth, slot } => {
                if matches!(self.scope_get(depth, slot), Value::Empty) {
                    return self.reference_error("Cannot access a variable before initialization");
                }
            }
            Insn::PushScope(index) => {
                let size = code.scopes.get(index as usize).map_or(0, |layout| layout.names.len());
                let parent = self.frame().scope;
                let scope = self.heap.alloc(None, Kind::Scope(Box::new(Scope { vars: vec![Value::Undefined; size], parent })), 0);
                self.heap.grew(size);
                let frame = self.frame_mut();
                frame.scope = Some(scope);
                frame.scope_depth += 1;
            }
            Insn::PopScope => {
                let parent = self.frame().scope.and_then(|id| match &self.heap.get(id).kind {
                    Kind::Scope(data) => data.parent,
                    _ => None,
                });
                let frame = self.frame_mut();
                frame.scope = parent;
                frame.scope_depth = frame.scope_depth.saturating_sub(1);
            }
            Insn::CloneScope => {
                if let Some(current) = self.frame().scope {
                    if let Kind::Scope(data) = &self.heap.get(current).kind {
                        let copy = Scope { vars: data.vars.clone(), parent: data.parent };
                        let size = copy.vars.len();
                        let scope = self.heap.alloc(None, Kind::Scope(Box::new(copy)), 0);
                        self.heap.grew(size);
                        self.frame_mut().scope = Some(scope);
                    }
                }
            }
            Insn::GetGlobal { name, .. } => {
                let key = Key::Atom(name);
                let global = self.intrinsics.global;
                if let Some(value) = self.global_lexical(name) {
                    if matches!(value, Value::Empty) {
                        return self.reference_error(&format!("Cannot access '{}' before initialization", self.atoms.name(name)));
                    }
                    self.stack.push(value);
                } else if self.has_property(global, key) {
                    let value = self.get(host, &Value::Object(global), key)?;
                    self.stack.push(value);
                } else {
                    return self.undefined_global(name);
                }
            }
            Insn::TypeofGlobal(name) => {
                let key = Key::Atom(name);
                let global = self.intrinsics.global;
                let value = match self.global_lexical(name) {
                    Some(Value::Empty) => return self.reference_error(&format!("Cannot access '{}' before initialization", self.atoms.name(name))),
                    Some(value) => value,
                    None if self.has_property(global, key) => self.get(host, &Value::Object(global), key)?,
                    None => Value::Undefined,
                };
                let text = self.typeof_value(&value);
                self.stack.push(Value::str(text));
            }
            Insn::SetGlobal { name, .. } | Insn::SetGlobalStrict { name, .. } => {
                let value = self.top();
                if self.global_lexical(name).is_some() {
                    if matches!(self.global_lexical(name), Some(Value::Empty)) {
                        return self.reference_error(&format!("Cannot access '{}' before initialization", self.atoms.name(name)));
                    }
                    if self.global_lexical_is_const(name) {
                        return self.type_error("Assignment to constant variable.");
                    }
                    self.set_global_lexical(name, value);
                    return Ok(());
                }
                let global = self.intrinsics.global;
                let key = Key::Atom(name);
                let strict = matches!(insn, Insn::SetGlobalStrict { .. });
                if strict && !self.has_property(global, key) {
                    return self.reference_error(&format!("{} is not defined", self.atoms.name(name)));
                }
                self.set(host, &Value::Object(global), key, value, strict || code.is_strict)?;
            }
            Insn::DeleteGlobal(name) => {
                let global = self.intrinsics.global;
                let deleted = if self.global_lexical(name).is_some() { false } else { self.delete_property(global, Key::Atom(name), false)? };
                self.stack.push(Value::Bool(deleted));
            }
            Insn::GetGlobalLexical(name) => match self.global_lexical(name) {
                Some(Value::Empty) => return self.reference_error(&format!("Cannot access '{}' before initialization", self.atoms.name(name))),
                Some(value) => self.stack.push(value),
                None => return self.reference_error(&format!("{} is not defined", self.atoms.name(name))),
            },
            Insn::PutGlobalLexical(name) => {
                let value = self.pop();
                self.set_global_lexical(name, value);
            }
            Insn::DeclareGlobals(index) => {
                if let Some(declarations) = code.globals.get(index as usize) {
                    self.declare_globals(declarations.clone())?;
                }
            }
            Insn::This => self.stack.push(self.frame().this.clone()),
            Insn::ThisChecked => {
                let this = self.frame().this.clone();
                if matches!(this, Value::Empty) {
                    return self.reference_error("Must call super constructor in derived class before accessing 'this' or returning from derived constructor");
                }
                self.stack.push(this);
            }
            Insn::NewTarget => self.stack.push(self.frame().new_target.clone()),
            Insn::Callee => self.stack.push(self.frame().function.map_or(Value::Undefined, Value::Object)),
            Insn::Arguments => {
                let arguments = self.arguments_object(&code);
                self.stack.push(Value::Object(arguments));
            }
            Insn::RestArguments(from) => {
                let rest: Vec<Value> = self.frame().arguments.iter().skip(from as usize).cloned().collect();
                let array = self.new_array(rest);
                self.stack.push(Value::Object(array));
            }
            Insn::GetArgument(index) => {
                let value = self.frame().arguments.get(index as usize).cloned().unwrap_or_default();
                self.stack.push(value);
            }
            Insn::GetProp { name, ic } => {
                let object = self.pop();
                let value = match self.cached_get(code, ic, &object) {
                    Some(value) => value,
                    None => self.get_and_cache(host, code, ic, &object, name)?,
                };
                self.stack.push(value);
            }
            Insn::GetMethod { name, ic } => {
                let object = self.top();
                let value = match self.cached_get(code, ic, &object) {
                    Some(value) => value,
                    None => self.get_and_cache(host, code, ic, &object, name)?,
                };
                self.stack.push(value);
            }
            Insn::SetProp { name, ic } => {
                let value = self.pop();
                let object = self.pop();
                if !self.cached_set(code, ic, &object, &value) {
                    let before = self.shape_before_set(&object);
                    self.set(host, &object, Key::Atom(name), value.clone(), code.is_strict)?;
                    self.cache_set(code, ic, &object, name, before);
                }
                self.stack.push(value);
            }
            Insn::GetElem => {
                let key = self.pop();
                let object = self.pop();
                let value = self.get_elem(host, &object, &key)?;
                self.stack.push(value);
            }
            Insn::GetElemMethod => {
                let key = self.pop();
                let object = self.top();
                let value = self.get_elem(host, &object, &key)?;
                self.stack.push(value);
            }
            Insn::SetElem => {
                let value = self.pop();
                let key = self.pop();
                let object = self.pop();
                if object.is_nullish() {
                    let name = self.to_string(host, &key)?;
                    let what = if matches!(object, Value::Null) { "null" } else { "undefined" };
                    return self.type_error(&format!("Cannot set properties of {what} (setting '{name}')"));
                }
                let key = self.to_property_key(host, &key)?;
                self.set(host, &object, key, value.clone(), code.is_strict)?;
                self.stack.push(value);
            }
            Insn::DeleteProp(name) => {
                let object = self.pop();
                let id = self.to_object(&object)?;
                let deleted = self.delete_property(id, Key::Atom(name), code.is_strict)?;
                self.stack.push(Value::Bool(deleted));
            }
            Insn::DeleteElem => {
                let key = self.pop();
                let object = self.pop();
                let id = self.to_object(&object)?;
                let key = self.to_property_key(host, &key)?;
                let deleted = self.delete_property(id, key, code.is_strict)?;
                self.stack.push(Value::Bool(deleted));
            }
            Insn::In => {
                let object = self.pop();
                let key = self.pop();
                let Value::Object(id) = object else {
                    return self.type_error("Cannot use 'in' operator to search for a key in a non-object");
                };
                let key = self.to_property_key(host, &key)?;
                self.stack.push(Value::Bool(self.has_property(id, key)));
            }
            Insn::ToPropertyKey => {
                let key = self.pop();
                let key = self.to_property_key(host, &key)?;
                let value = self.key_to_value(key);
                self.stack.push(value);
            }
            Insn::ToMemberKey => {
                let base = self.stack[self.stack.len() - 2].clone();
                if base.is_nullish() {
                    // Throws get_elem's TypeError, without converting an object key.
                    let key = self.top();
                    self.get_elem(host, &base, &key)?;
                }
            }
            Insn::NewObject => {
                let id = self.new_object();
                self.stack.push(Value::Object(id));
            }
            Insn::InitProp(name) => {
                let value = self.pop();
                if let Value::Object(id) = self.top() {
                    self.heap.put(id, Key::Atom(name), value, DEFAULT_ATTRS);
                }
            }
            Insn::InitElem => {
                let value = self.pop();
                let key = self.pop();
                let key = self.to_property_key(host, &key)?;
                if let Value::Object(id) = self.top() {
                    self.define_data(id, key, value, DEFAULT_ATTRS);
                }
            }
            Insn::InitMethod => {
                let value = self.pop();
                let key = self.pop();
                let key = self.to_property_key(host, &key)?;
                if let Value::Object(id) = self.top() {
                    self.define_data(id, key, value, METHOD_ATTRS);
                }
            }
            Insn::InitGetter { enumerable } | Insn::InitSetter { enumerable } => {
                let function = self.pop();
                let key = self.pop();
                let key = self.to_property_key(host, &key)?;
                if let Value::Object(id) = self.top() {
                    let is_getter = matches!(insn, Insn::InitGetter { .. });
                    let desc = crate::props::Descriptor {
                        get: is_getter.then(|| function.clone()),
                        set: (!is_getter).then_some(function),
                        enumerable: Some(enumerable),
                        configurable: Some(true),
                        ..Default::default()
                    };
                    self.define_property(id, key, &desc);
                }
            }
            Insn::CopyDataProperties => {
                let source = self.pop();
                if let Value::Object(target) = self.top() {
                    self.copy_data_properties(host, target, &source, &[])?;
                }
            }
            Insn::CopyDataPropertiesExcept(count) => {
                let keys: Vec<Value> = self.stack.split_off(self.stack.len() - count as usize);
                let mut excluded = Vec::new();
                for key in &keys {
                    excluded.push(self.to_property_key(host, key)?);
                }
                let source = self.pop();
                if let Value::Object(target) = self.top() {
                    self.copy_data_properties(host, target, &source, &excluded)?;
                }
            }
            Insn::SetProtoLiteral => {
                let proto = self.pop();
                if let Value::Object(id) = self.top() {
                    match proto {
                        Value::Object(p) => self.set_prototype(id, Some(p)),
                        Value::Null => self.set_prototype(id, None),
                        _ => {}
                    }
                }
            }
            Insn::NewArray(capacity) => {
                let id = self.new_array(Vec::with_capacity(capacity as usize));
                self.stack.push(Value::Object(id));
            }
            Insn::ArrayPush => {
                let value = self.pop();
                if let Value::Object(id) = self.top() {
                    self.array_append(id, value);
                }
            }
            Insn::ArrayHole => {
                if let Value::Object(id) = self.top() {
                    if let Kind::Array(state) = &mut self.heap.get_mut(id).kind {
                        state.length += 1;
                    }
                }
            }
            Insn::ArraySpread => {
                let iterable = self.pop();
                let (iterator, next) = self.get_iterator_at_site(host, &iterable)?;
                let values = self.drain_iterator(host, &iterator, &next)?;
                if let Value::Object(id) = self.top() {
                    for value in values {
                        self.array_append(id, value);
                    }
                }
            }
            Insn::Closure(index) => {
                let Some(child) = code.functions.get(index as usize).cloned() else { return Ok(()) };
                let scope = self.frame().scope;
                // An arrow that reads `arguments` reads its maker's.
                let arguments =
                    if child.kind == CodeKind::Arrow && child.uses_arguments { Value::Object(self.arguments_object(&code)) } else { Value::Undefined };
                let lexical = (child.kind == CodeKind::Arrow).then(|| {
                    let frame = self.frame();
                    Box::new(Lexical {
                        this: frame.this.clone(),
                        new_target: frame.new_target.clone(),
                        home: self.current_home(),
                        function: frame.function,
                        arguments,
                    })
                });
                let home = lexical.as_ref().and_then(|l| l.home);
                let id = self.make_closure(child, scope, lexical);
                if let Some(home) = home {
                    self.set_home(id, home);
                }
                self.stack.push(Value::Object(id));
            }
            Insn::NameFromKey(prefix) => {
                let depth = self.stack.len();
                if let (Some(key), Some(Value::Object(function))) = (self.stack.get(depth.wrapping_sub(2)).cloned(), self.stack.last().cloned()) {
                    self.name_from_key(function, &key, prefix);
                }
            }
            Insn::SetHome => {
                let home = self.pop();
                if let (Value::Object(function), Value::Object(home)) = (self.top(), home) {
                    self.set_home(function, home);
                }
            }
            Insn::Class { derived } => self.define_class(host, derived)?,
            Insn::SetFields => {
                let fields = self.pop();
                if let (Value::Object(class), Value::Object(fields)) = (self.top(), fields) {
                    if let Kind::Function(kind) = &mut self.heap.get_mut(class).kind {
                        if let FunctionKind::Closure(closure) = &mut **kind {
                            closure.fields = Some(fields);
                        }
                    }
                }
            }
            Insn::InitFields => self.init_fields(host)?,
            Insn::DefineField => {
                let value = self.pop();
                let key = self.pop();
                let key = self.to_property_key(host, &key)?;
                if let Value::Object(id) = self.top() {
                    let desc = crate::props::Descriptor::data(value, DEFAULT_ATTRS);
                    if !self.define_property(id, key, &desc) {
                        let name = self.key_to_display(key);
                        return self.type_error(&format!("Cannot redefine property: {name}"));
                    }
                }
            }
            Insn::SuperCall(argc) => {
                let args: Vec<Value> = self.stack.split_off(self.stack.len() - argc as usize);
                self.super_call(host, args)?;
            }
            Insn::SuperCallSpread => {
                let args = self.pop();
                let args = self.array_values(&args);
                self.super_call(host, args)?;
            }
            Insn::GetSuper(name) => {
                let this = self.frame().this.clone();
                let value = self.super_get(host, Key::Atom(name), &this)?;
                self.stack.push(value);
            }
            Insn::GetSuperElem => {
                let key = self.pop();
                let key = self.to_property_key(host, &key)?;
                let this = self.frame().this.clone();
                let value = self.super_get(host, key, &this)?;
                self.stack.push(value);
            }
            Insn::Jump(target) => self.jump(target),
            Insn::JumpIfFalse(target) => {
                if !self.pop().truthy() {
                    self.jump(target);
                }
            }
            Insn::JumpIfTrue(target) => {
                if self.pop().truthy() {
                    self.jump(target);
                }
            }
            Insn::JumpIfTrueKeep(target) => {
                if self.top().truthy() {
                    self.jump(target);
                } else {
                    self.stack.pop();
                }
            }
            Insn::JumpIfFalseKeep(target) => {
                if !self.top().truthy() {
                    self.jump(target);
                } else {
                    self.stack.pop();
                }
            }
            Insn::JumpIfNotNullishKeep(target) => {
                if !self.top().is_nullish() {
                    self.jump(target);
                } else {
                    self.stack.pop();
                }
            }
            Insn::JumpIfNullish(target) => {
                if self.top().is_nullish() {
                    self.stack.pop();
                    self.stack.push(Value::Undefined);
                    self.jump(target);
                }
            }
            Insn::JumpIfUndefined(target) => {
                if self.pop().is_undefined() {
                    self.jump(target);
                }
            }
            Insn::JumpIfNotUndefined(target) => {
                if !self.pop().is_undefined() {
                    self.jump(target);
                }
            }
            Insn::Add => {
                let b = self.pop();
                let a = self.pop();
                let result = self.add(host, &a, &b)?;
                self.stack.push(result);
            }
            Insn::Sub => self.binary_number(host, |x, y| x - y)?,
            Insn::Mul => self.binary_number(host, |x, y| x * y)?,
            Insn::Div => self.binary_number(host, |x, y| x / y)?,
            Insn::Mod => self.binary_number(host, js_remainder)?,
            Insn::Exp => self.binary_number(host, js_pow)?,
            Insn::BitAnd => self.binary_int(host, |x, y| f64::from(crate::number::to_int32(x) & crate::number::to_int32(y)))?,
            Insn::BitOr => self.binary_int(host, |x, y| f64::from(crate::number::to_int32(x) | crate::number::to_int32(y)))?,
            Insn::BitXor => self.binary_int(host, |x, y| f64::from(crate::number::to_int32(x) ^ crate::number::to_int32(y)))?,
            Insn::Shl => self.binary_int(host, |x, y| f64::from(crate::number::to_int32(x).wrapping_shl(crate::number::to_uint32(y) & 31)))?,
            Insn::Shr => self.binary_int(host, |x, y| f64::from(crate::number::to_int32(x) >> (crate::number::to_uint32(y) & 31)))?,
            Insn::UShr => self.binary_int(host, |x, y| f64::from(crate::number::to_uint32(x) >> (crate::number::to_uint32(y) & 31)))?,
            Insn::Eq | Insn::Ne => {
                let b = self.pop();
                let a = self.pop();
                let equal = self.loose_equals(host, &a, &b)?;
                self.stack.push(Value::Bool(equal == (insn == Insn::Eq)));
            }
            Insn::StrictEq => {
                let b = self.pop();
                let a = self.pop();
                self.stack.push(Value::Bool(a.strict_equals(&b)));
            }
            Insn::StrictNe => {
                let b = self.pop();
                let a = self.pop();
                self.stack.push(Value::Bool(!a.strict_equals(&b)));
            }
            Insn::Lt => self.compare(host, false, false)?,
            Insn::Gt => self.compare(host, true, false)?,
            Insn::Le => self.compare(host, false, true)?,
            Insn::Ge => self.compare(host, true, true)?,
            Insn::InstanceOf => {
                let target = self.pop();
                let value = self.pop();
                let result = self.instance_of(host, &value, &target)?;
                self.stack.push(Value::Bool(result));
            }
            Insn::Neg => {
                let value = self.pop();
                let n = self.to_number(host, &value)?;
                self.stack.push(Value::Number(-n));
            }
            Insn::ToNumber | Insn::ToNumeric => {
                let value = self.pop();
                let n = self.to_number(host, &value)?;
                self.stack.push(Value::Number(n));
            }
            Insn::Not => {
                let value = self.pop();
                self.stack.push(Value::Bool(!value.truthy()));
            }
            Insn::BitNot => {
                let value = self.pop();
                let n = self.to_number(host, &value)?;
                self.stack.push(Value::Number(f64::from(!crate::number::to_int32(n))));
            }
            Insn::Typeof => {
                let value = self.pop();
                let text = self.typeof_value(&value);
                self.stack.push(Value::str(text));
            }
            Insn::Inc | Insn::Dec => {
                let value = self.pop();
                let n = self.to_number(host, &value)?;
                self.stack.push(Value::Number(if insn == Insn::Inc { n + 1.0 } else { n - 1.0 }));
            }
            Insn::Concat => {
                let b = self.pop();
                let a = self.pop();
                let (Value::String(x), Value::String(y)) = (&a, &b) else {
                    let result = self.add(host, &a, &b)?;
                    self.stack.push(result);
                    return Ok(());
                };
                if x.len() + y.len() > crate::STRING_LENGTH_MAX {
                    return self.range_error("Invalid string length");
                }
                self.stack.push(Value::String(x.concat(y)));
            }
            Insn::ToStringForConcat => {
                let value = self.pop();
                let text = self.to_string(host, &value)?;
                self.stack.push(Value::String(text));
            }
            Insn::Throw => {
                let value = self.pop();
                return Err(Unwind::Throw(value));
            }
            Insn::ThrowError { kind, message } => {
                let text = Self::constant_text(code, message);
                return self.throw(Self::error_of(kind), &text);
            }
            Insn::EnterTry(catch_pc) => {
                let base = self.frame().base;
                let stack_height = self.stack.len() as u32 - base;
                let frame = self.frame_mut();
                let scope_depth = frame.scope_depth & !(1 << 31);
                frame.handlers.push(Handler { catch_pc, stack_height, scope_depth });
            }
            Insn::LeaveTry => {
                self.frame_mut().handlers.pop();
            }
            Insn::ToWithObject => {
                let value = self.pop();
                let id = self.to_object(&value)?;
                self.stack.push(Value::Object(id));
            }
            Insn::WithHas(name) => self.with_has_binding(host, name)?,
            Insn::ToObjectCoercible => {
                if self.top().is_nullish() {
                    let what = if matches!(self.top(), Value::Null) { "null" } else { "undefined" };
                    return self.type_error(&format!("Cannot destructure '{what}' as it is {what}."));
                }
            }
            Insn::GetIterator => {
                let iterable = self.pop();
                let (iterator, next) = self.get_iterator_at_site(host, &iterable)?;
                self.stack.push(iterator);
                self.stack.push(next);
            }
            Insn::IteratorNext => {
                let n = self.stack.len();
                let (iterator, next) = (self.stack[n - 2].clone(), self.stack[n - 1].clone());
                let result = self.call(host, &next, &iterator, &[])?;
                if !result.is_object() {
                    return self.type_error(&format!("Iterator result {} is not an object", self.describe_for_error(&result)));
                }
                self.stack.push(result);
            }
            Insn::IteratorDone => {
                let result = self.top();
                let done = self.get(host, &result, Key::Atom(atoms::DONE))?;
                self.stack.push(Value::Bool(done.truthy()));
            }
            Insn::IteratorValue => {
                let result = self.pop();
                let value = self.get(host, &result, Key::Atom(atoms::VALUE))?;
                self.stack.push(value);
            }
            Insn::IteratorRest => {
                let n = self.stack.len();
                let (iterator, next) = (self.stack[n - 2].clone(), self.stack[n - 1].clone());
                let values = self.drain_iterator(host, &iterator, &next)?;
                let array = self.new_array(values);
                self.stack.push(Value::Object(array));
            }
            Insn::IteratorClose => {
                let _next = self.pop();
                let iterator = self.pop();
                self.iterator_close(host, &iterator)?;
            }
            Insn::IteratorCloseForThrow => {
                let exception = self.pop();
                let _next = self.pop();
                let iterator = self.pop();
                // Errors from `return` are dropped: the throw wins (ECMA-262 7.4.10 step 5).
                let _ = self.iterator_close(host, &iterator);
                self.stack.push(exception);
            }
            Insn::ForInStart => {
                let object = self.pop();
                let state = self.for_in_start(&object)?;
                self.stack.push(state);
            }
            Insn::ForInNext(exit) => {
                let state = self.top();
                match self.for_in_next(&state) {
                    Some(key) => self.stack.push(key),
                    None => self.jump(exit),
                }
            }
            Insn::TemplateObject(index) => {
                let object = self.template_object(code, index);
                self.stack.push(object);
            }
            Insn::RegExp(index) => {
                let Some((pattern, flags)) = code.regexps.get(index as usize).cloned() else { return Ok(()) };
                let regexp = self.new_regexp(host, pattern, flags)?;
                self.stack.push(regexp);
            }
            Insn::Debugger | Insn::Nop => {}
            Insn::FastSumLoop(index) => self.fast_sum_loop(host, index),
            Insn::IdleSpin(ops_per_spin) => {
                self.report_ops(host);
                let _skipped = host.idle_spins(u64::from(ops_per_spin));
            }
            Insn::NewPrivateName(description) => {
                let text = Self::constant(code, description);
                let (description, brand) = match text {
                    Value::String(text) => {
                        let rust = text.to_rust();
                        match rust.split_once('\u{0}') {
                            Some((description, class)) => (JsStr::from_str(description), Some(JsStr::from_str(class))),
                            None => (text, None),
                        }
                    }
                    _ => (JsStr::empty(), None),
                };
                let sym = self.new_private_name(description);
                self.symbols[sym.0 as usize].brand = brand;
                self.stack.push(Value::Symbol(sym));
            }
            Insn::GetPrivate => {
                let name = self.pop();
                let object = self.pop();
                let value = self.private_get(host, &object, &name)?;
                self.stack.push(value);
            }
            Insn::SetPrivate => {
                let value = self.pop();
                let name = self.pop();
                let object = self.pop();
                self.private_set(host, &object, &name, value.clone())?;
                self.stack.push(value);
            }
            Insn::DefinePrivate | Insn::DefinePrivateMethod => {
                let value = self.pop();
                let name = self.pop();
                let attrs = if insn == Insn::DefinePrivate { WRITABLE } else { 0 };
                self.private_define(&name, value, Value::Undefined, attrs)?;
            }
            Insn::DefinePrivateAccessor => {
                let setter = self.pop();
                let getter = self.pop();
                let name = self.pop();
                self.private_define(&name, getter, setter, crate::shape::ACCESSOR)?;
            }
            Insn::PrivateIn => {
                let name = self.pop();
                let object = self.pop();
                let Value::Object(id) = object else {
                    let shown = self.to_display(&name);
                    return self.type_error(&format!("Cannot use 'in' operator to search for '{shown}' in {}", self.to_display(&object)));
                };
                let Value::Symbol(sym) = name else { return Ok(()) };
                let found = self.heap.own(id, Key::Symbol(sym)).is_some();
                self.stack.push(Value::Bool(found));
            }
            Insn::SetSuper(name) => self.super_assign(host, Some(name), code.is_strict)?,
            Insn::SetSuperElem => self.super_assign(host, None, code.is_strict)?,
            Insn::TypeofName(_) | Insn::GetName(_) | Insn::SetName(_) | Insn::DeleteName(_) => {
                return self.unsupported("this construct in the rebuilt engine (in progress)")
            }
            Insn::GetAsyncIterator => {
                // GetIterator(obj, async) (ECMA-262 7.4.3): @@asyncIterator,
                // else the sync iterator wrapped (CreateAsyncFromSyncIterator).
                let iterable = self.pop();
                let method = self.get(host, &iterable, Key::Symbol(crate::vm::symbols::ASYNC_ITERATOR))?;
                let (iterator, next) = if method.is_nullish() {
                    let (iterator, next) = self.get_iterator(host, &iterable)?;
                    crate::builtins::async_from_sync(self, iterator, next)
                } else {
                    if !self.is_callable(&method) {
                        let what = self.describe_for_error(&iterable);
                        return self.type_error(&format!("{what} is not async iterable"));
                    }
                    let iterator = self.call(host, &method, &iterable, &[])?;
                    if !iterator.is_object() {
                        return self.type_error("Result of the Symbol.asyncIterator method is not an object");
                    }
                    let next = self.get(host, &iterator, Key::Atom(atoms::NEXT))?;
                    (iterator, next)
                };
                self.stack.push(iterator);
                self.stack.push(next);
            }
            Insn::AsyncYieldStarCall(target) => self.async_yield_star_call(host, target)?,
            Insn::AsyncYieldStarResult(target) => self.async_yield_star_result(host, target)?,
            Insn::YieldStar(_) | Insn::AsyncGeneratorReturnAwait => return self.unsupported("yield* in an async generator"),
            Insn::GeneratorStart | Insn::Yield | Insn::Await | Insn::AsyncYieldStarYield => {}
            Insn::EndFinally { .. } => {}
            Insn::Return
            | Insn::Call(_)
            | Insn::CallEval { .. }
            | Insn::CallMethod(_)
            | Insn::CallSpread
            | Insn::CallMethodSpread
            | Insn::New(_)
            | Insn::NewSpread => {}
        }
        Ok(())
    }

    fn get_elem(&mut self, host: &mut dyn Embedder, object: &Value, key: &Value) -> JsResult<Value> {
        if let (Value::Object(id), Value::Number(n)) = (object, key) {
            if let Some(index) = crate::value::array_index_of_number(*n) {
                // A mapped arguments object's elements are its parameters.
                let stored = !matches!(self.heap.get(*id).kind, Kind::Arguments { scope: Some(_), .. });
                if let (true, crate::object::Elements::Dense(values)) = (stored, &self.heap.get(*id).elements) {
                    if let Some(value) = values.get(index as usize) {
                        if !matches!(value, Value::Empty) {
                            return Ok(value.clone());
                        }
                    }
                }
            }
        }
        if object.is_nullish() {
            // The base is checked before the key becomes a property key
            // (ECMA-262 13.3.3 EvaluatePropertyAccessWithExpressionKey
            // defers ToPropertyKey to GetValue, after RequireObjectCoercible),
            // so an object key's toString never runs; V8 then names no key.
            let what = if matches!(object, Value::Null) { "null" } else { "undefined" };
            if matches!(key, Value::Object(_)) {
                return self.type_error(&format!("Cannot read properties of {what}"));
            }
            let key = self.to_property_key(host, key)?;
            let name = self.key_to_display(key);
            return self.type_error(&format!("Cannot read properties of {what} (reading '{name}')"));
        }
        let key = self.to_property_key(host, key)?;
        self.get(host, object, key)
    }

    fn copy_data_properties(&mut self, host: &mut dyn Embedder, target: ObjId, source: &Value, excluded: &[Key]) -> JsResult<()> {
        let Value::Object(from) = source else {
            if let Value::String(text) = source {
                for (index, unit) in text.iter().enumerate() {
                    let key = Key::Index(index as u32);
                    if !excluded.contains(&key) {
                        self.define_data(target, key, Value::String(JsStr::from_unit(unit)), DEFAULT_ATTRS);
                    }
                }
            }
            return Ok(());
        };
        let from = *from;
        for key in crate::builtins::object::own_keys_all(self, from) {
            if excluded.contains(&key) || self.is_private(key) {
                continue;
            }
            let Some(found) = self.own_property(from, key) else { continue };
            if found.attrs & ENUMERABLE == 0 {
                continue;
            }
            let value = self.get(host, source, key)?;
            self.define_data(target, key, value, DEFAULT_ATTRS);
        }
        Ok(())
    }

    fn template_object(&mut self, code: &Rc<Code>, index: u32) -> Value {
        let Some((cooked, raw)) = code.templates.get(index as usize).cloned() else { return Value::Undefined };
        let raw_values: Vec<Value> = raw.into_iter().map(Value::String).collect();
        let raw_array = self.new_array(raw_values);
        let cooked_values: Vec<Value> = cooked.into_iter().map(|c| c.map_or(Value::Undefined, Value::String)).collect();
        let array = self.new_array(cooked_values);
        self.heap.put(array, Key::Atom(atoms::RAW), Value::Object(raw_array), 0);
        self.heap.seal_or_freeze(raw_array, true);
        self.heap.seal_or_freeze(array, true);
        Value::Object(array)
    }

    /// SetFunctionName (ECMA-262 10.2.9) from a computed key: a symbol
    /// names the function `[description]`. Only a function whose `name` is
    /// still the empty default is named.
    fn name_from_key(&mut self, function: ObjId, key: &Value, prefix: u8) {
        let unnamed = match self.heap.own(function, Key::Atom(atoms::NAME)) {
            None => true,
            Some(found) => !found.is_accessor() && matches!(&found.value, Value::String(text) if text.is_empty()),
        };
        if !unnamed {
            return;
        }
        let base = match key {
            Value::Symbol(sym) => match &self.symbols[sym.0 as usize].description {
                Some(description) => format!("[{}]", description.to_rust()),
                None => String::new(),
            },
            Value::Number(number) => crate::number::number_to_string(*number),
            Value::String(text) => text.to_rust(),
            _ => return,
        };
        let name = match prefix {
            1 => format!("get {base}"),
            2 => format!("set {base}"),
            _ => base,
        };
        self.heap.put(function, Key::Atom(atoms::NAME), Value::str(&name), crate::shape::CONFIGURABLE);
    }

    /// `Array.prototype.values`, for `arguments[Symbol.iterator]`.
    pub(crate) fn array_values_function(&mut self) -> Value {
        let key = Key::Atom(atoms::VALUES);
        self.heap.own(self.intrinsics.array_prototype, key).map(|found| found.value).unwrap_or_default()
    }
}

/// `%` on numbers (ECMA-262 6.1.6.1.6 Number::remainder): the sign of the dividend.
fn js_remainder(x: f64, y: f64) -> f64 {
    if y.is_infinite() && x.is_finite() {
        return x;
    }
    x % y
}

/// `**` (ECMA-262 6.1.6.1.3 Number::exponentiate): the same as `Math.pow`,
/// computed as V8 computes it (not the platform's `pow`), so results agree
/// natively and in wasm.
fn js_pow(x: f64, y: f64) -> f64 {
    crate::builtins::math::exponentiate(x, y)
}

impl Vm {
    /// Creates a RegExp object (the built-in lands with the RegExp family).
    fn new_regexp(&mut self, host: &mut dyn Embedder, pattern: JsStr, flags: JsStr) -> JsResult<Value> {
        let proto = self.intrinsics.regexp_prototype;
        crate::builtins::regexp::regexp_create(self, host, pattern, flags, proto)
    }

    /// `ToPrimitive` with no hint, for embedders.
    pub fn to_primitive_default(&mut self, host: &mut dyn Embedder, value: &Value) -> JsResult<Value> {
        self.to_primitive(host, value, Hint::Default)
    }

    /// A new array of `length` holes.
    pub fn new_array_with_length(&mut self, length: u32) -> ObjId {
        let id = self.new_array(Vec::new());
        if let Kind::Array(state) = &mut self.heap.get_mut(id).kind {
            *state = ArrayState { length, length_writable: true };
        }
        id
    }
}
