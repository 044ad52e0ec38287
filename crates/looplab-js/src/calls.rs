//! Calls and construction (ECMA-262 10.2.1 [[Call]], 10.2.2 [[Construct]],
//! 10.2.5 MakeConstructor): making closures, calling any callable (natives,
//! host functions, closures in a fresh frame), pushing a closure's frame
//! with its `this`, arguments and coroutine object, and a call's
//! `arguments` object.

use crate::bytecode::{Code, FunctionKind as CodeKind};
use crate::coroutine::code_is_coroutine;
use crate::exec::{CALL_DEPTH_MAX, NATIVE_DEPTH_MAX};
use crate::interp::Frame;
use crate::object::{Closure, FunctionKind, Kind, Lexical, CALLABLE, CLASS_CONSTRUCTOR, CONSTRUCTOR, DERIVED};
use crate::shape::{CONFIGURABLE, METHOD_ATTRS, WRITABLE};
use crate::value::{Key, ObjId, Value};
use crate::{atoms, Embedder, JsResult, Vm};
use std::rc::Rc;

impl Vm {
    /// A function object for `code` closing over `scope`.
    pub fn make_closure(&mut self, code: Rc<Code>, scope: Option<ObjId>, lexical: Option<Box<Lexical>>) -> ObjId {
        let is_constructor = matches!(code.kind, CodeKind::Normal | CodeKind::ClassConstructor | CodeKind::DerivedConstructor | CodeKind::TopLevel)
            && !code.is_async
            && !code.is_generator;
        let mut flags = CALLABLE;
        if is_constructor {
            flags |= CONSTRUCTOR;
        }
        if matches!(code.kind, CodeKind::ClassConstructor | CodeKind::DerivedConstructor) {
            flags |= CLASS_CONSTRUCTOR;
        }
        if code.kind == CodeKind::DerivedConstructor {
            flags |= DERIVED;
        }
        let name = code.name.clone();
        let length = code.length;
        let kind = code.kind;
        let strict = code.is_strict;
        let is_generator = code.is_generator;
        let is_async = code.is_async;
        let proto = match (is_generator, is_async) {
            (true, false) => self.intrinsics.generator_function_prototype,
            (true, true) => self.intrinsics.async_generator_function_prototype,
            (false, true) => self.intrinsics.async_function_prototype,
            (false, false) => self.intrinsics.function_prototype,
        };
        let closure = Closure { code, scope, home: None, lexical, fields: None };
        let id = self.heap.alloc(Some(proto), Kind::Function(Box::new(FunctionKind::Closure(closure))), flags);
        self.heap.put(id, Key::Atom(atoms::LENGTH), Value::Number(f64::from(length)), CONFIGURABLE);
        self.heap.put(id, Key::Atom(atoms::NAME), Value::String(name), CONFIGURABLE);
        if kind == CodeKind::Normal && !is_generator && is_constructor {
            // Ordinary functions get a fresh prototype object (ECMA-262 10.2.5 MakeConstructor).
            let prototype = self.new_object();
            self.heap.put(prototype, Key::Atom(atoms::CONSTRUCTOR), Value::Object(id), METHOD_ATTRS);
            self.heap.put(id, Key::Atom(atoms::PROTOTYPE), Value::Object(prototype), WRITABLE);
        }
        if is_generator {
            // Each generator function has its own prototype for the
            // generators it makes (ECMA-262 15.5.4 step 5).
            let parent = if is_async { self.intrinsics.async_generator_prototype } else { self.intrinsics.generator_prototype };
            let prototype = self.heap.alloc(Some(parent), Kind::Ordinary, 0);
            self.heap.put(id, Key::Atom(atoms::PROTOTYPE), Value::Object(prototype), WRITABLE);
        }
        let _ = strict;
        id
    }

    /// [[Call]]: calls any callable value.
    pub fn call(&mut self, host: &mut dyn Embedder, function: &Value, this: &Value, args: &[Value]) -> JsResult<Value> {
        self.call_or_construct(host, function, this.clone(), args, None)
    }

    /// [[Construct]] with `new_target` (usually the function itself).
    pub fn construct(&mut self, host: &mut dyn Embedder, function: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
        if !self.is_constructor(function) {
            return self.type_error("not a constructor");
        }
        let target = new_target.or(function.as_object());
        self.call_or_construct(host, function, Value::Empty, args, target)
    }

    pub(crate) fn call_or_construct(
        &mut self,
        host: &mut dyn Embedder,
        function: &Value,
        this: Value,
        args: &[Value],
        new_target: Option<ObjId>,
    ) -> JsResult<Value> {
        let Value::Object(id) = function else {
            return self.type_error(&format!("{} is not a function", self.describe_for_error(function)));
        };
        let id = *id;
        let (native, bound, host_id) = match &self.heap.get(id).kind {
            Kind::Function(kind) => match &**kind {
                FunctionKind::Closure(_) => (None, None, None),
                FunctionKind::Native { f, .. } => (Some(*f), None, None),
                FunctionKind::Bound { target, this, args } => (None, Some((*target, this.clone(), args.clone())), None),
                FunctionKind::Host { id, data } => (None, None, Some((*id, data.clone()))),
            },
            _ => return self.type_error(&format!("{} is not a function", self.describe_for_error(function))),
        };
        if let Some((target, bound_this, mut bound_args)) = bound {
            bound_args.extend_from_slice(args);
            let target_value = Value::Object(target);
            return match new_target {
                Some(new_target) => {
                    let new_target = if new_target == id { target } else { new_target };
                    self.call_or_construct(host, &target_value, Value::Empty, &bound_args, Some(new_target))
                }
                None => self.call_or_construct(host, &target_value, bound_this, &bound_args, None),
            };
        }
        if self.native_depth >= NATIVE_DEPTH_MAX {
            return self.range_error("Maximum call stack size exceeded");
        }
        if let Some(f) = native {
            self.native_depth += 1;
            self.native_callees.push(id);
            let result = f(self, host, &this, args, new_target);
            self.native_callees.pop();
            self.native_depth -= 1;
            return result;
        }
        if let Some((host_id, data)) = host_id {
            self.report_ops(host);
            self.native_depth += 1;
            let result = host.call_host(self, host_id, &data, &this, args, new_target);
            self.native_depth -= 1;
            return result;
        }
        // A closure: run it in a fresh frame, to completion.
        let base_frames = self.frames.len();
        self.push_closure_frame(id, this, args, new_target, true)?;
        let coroutine = self.frames.last().and_then(|frame| frame.generator);
        self.native_depth += 1;
        let result = self.execute(host, base_frames);
        self.native_depth -= 1;
        match coroutine {
            Some(generator) => self.finish_coroutine_call(host, generator, result),
            None => result,
        }
    }

    pub(crate) fn describe_for_error(&self, value: &Value) -> String {
        match value {
            Value::String(s) => format!("\"{s}\""),
            Value::Object(_) => "object".to_string(),
            other => match other {
                Value::Number(n) => crate::number::number_to_string(*n),
                Value::Bool(b) => b.to_string(),
                Value::Null => "null".to_string(),
                Value::Symbol(_) => "Symbol()".to_string(),
                _ => "undefined".to_string(),
            },
        }
    }

    /// Pushes a frame for closure `id`: its registers hold the arguments
    /// first, then `undefined`.
    pub(crate) fn push_closure_frame(&mut self, id: ObjId, this: Value, args: &[Value], new_target: Option<ObjId>, is_entry: bool) -> JsResult<()> {
        if self.frames.len() >= CALL_DEPTH_MAX {
            return self.range_error("Maximum call stack size exceeded");
        }
        let Kind::Function(kind) = &self.heap.get(id).kind else { return self.type_error("not a function") };
        let FunctionKind::Closure(closure) = &**kind else { return self.type_error("not a function") };
        let code = closure.code.clone();
        let scope = closure.scope;
        let lexical = closure.lexical.clone();
        let flags = self.heap.get(id).flags;
        if flags & CLASS_CONSTRUCTOR != 0 && new_target.is_none() {
            return self.type_error(&format!("Class constructor {} cannot be invoked without 'new'", code.name));
        }
        let receiver = if lexical.is_some() { this.clone() } else { Value::Undefined };
        let (this, new_target_value) = match &lexical {
            Some(lexical) => (lexical.this.clone(), lexical.new_target.clone()),
            None => {
                let new_target_value = new_target.map_or(Value::Undefined, Value::Object);
                let this = match new_target {
                    Some(target) if flags & DERIVED == 0 && code.kind != CodeKind::TopLevel => {
                        // OrdinaryCreateFromConstructor (ECMA-262 10.1.13).
                        let target_value = Value::Object(target);
                        let prototype = self.get_prototype_from(target_value)?;
                        Value::Object(self.heap.alloc(Some(prototype), Kind::Ordinary, 0))
                    }
                    Some(_) => Value::Empty,
                    None if code.is_strict => this,
                    None => match this {
                        // Sloppy functions see the global object for undefined
                        // and null, and primitives boxed (ECMA-262 10.2.1.2).
                        Value::Undefined | Value::Null | Value::Empty => Value::Object(self.intrinsics.global),
                        Value::Object(_) => this,
                        primitive => Value::Object(self.to_object(&primitive)?),
                    },
                };
                (this, new_target_value)
            }
        };
        let base = self.stack.len() as u32;
        let registers = code.registers as usize;
        let params = (code.length as usize).max(registers.min(args.len()));
        for index in 0..registers {
            let value = if index < params { args.get(index).cloned().unwrap_or_default() } else { Value::Undefined };
            self.stack.push(value);
        }
        let arguments = if code.uses_arguments { args.to_vec() } else { Vec::new() };
        let arguments_object = lexical.as_ref().and_then(|lexical| lexical.arguments.as_object());
        self.frames.push(Frame {
            code,
            pc: 0,
            base,
            scope,
            scope_depth: 0,
            this,
            receiver,
            function: Some(id),
            new_target: new_target_value,
            arguments,
            arguments_object,
            handlers: Vec::new(),
            generator: None,
            is_entry,
        });
        if code_is_coroutine(&self.frames[self.frames.len() - 1].code) {
            let generator = self.new_coroutine(id)?;
            if let Some(frame) = self.frames.last_mut() {
                frame.generator = Some(generator);
            }
        }
        // Instance fields of a base class are defined as the constructor starts.
        if new_target.is_some() && flags & DERIVED == 0 {
            self.run_field_initializer_for_current_frame_pending(id);
        }
        Ok(())
    }

    pub(crate) fn run_field_initializer_for_current_frame_pending(&mut self, _id: ObjId) {
        // Marked on the frame: the loop runs `InitFields` before the first
        // instruction (see `execute`), where it can call into JavaScript.
        if let Some(frame) = self.frames.last_mut() {
            frame.scope_depth |= 1 << 31;
        }
    }

    /// `new.target.prototype`, or the realm's Object.prototype when that is
    /// not an object (GetPrototypeFromConstructor, ECMA-262 10.1.14).
    pub(crate) fn get_prototype_from(&mut self, constructor: Value) -> JsResult<ObjId> {
        let Value::Object(id) = constructor else { return Ok(self.intrinsics.object_prototype) };
        // Reading `prototype` may run a getter, but only on exotic
        // functions; an own data property is the common case.
        match self.own_property(id, Key::Atom(atoms::PROTOTYPE)) {
            Some(found) if !found.is_accessor() => Ok(found.value.as_object().unwrap_or(self.intrinsics.object_prototype)),
            _ => Ok(self.intrinsics.object_prototype),
        }
    }

    /// The current call's `arguments` object (ECMA-262 10.4.4), made on
    /// first use and kept for the call. Sloppy code with simple parameters
    /// gets a mapped one (CreateMappedArgumentsObject) when its parameters
    /// live in the innermost scope: the prologue makes it there, and element
    /// `i` is then parameter `i` itself.
    pub(crate) fn arguments_object(&mut self, code: &Rc<Code>) -> ObjId {
        if let Some(arguments) = self.frame().arguments_object {
            return arguments;
        }
        let args = self.frame().arguments.clone();
        let array = self.new_array(args);
        let proto = self.intrinsics.object_prototype;
        let mapped = match (&code.mapped_slots, self.frame().scope) {
            (Some(slots), Some(scope)) if !code.is_strict && code.simple_parameters => {
                let count = self.frame().arguments.len().min(slots.len());
                Some((scope, slots[..count].to_vec()))
            }
            _ => None,
        };
        let object = self.heap.get_mut(array);
        object.kind = match mapped {
            Some((scope, slots)) => Kind::Arguments { scope: Some(scope), mapped: slots },
            None => Kind::Arguments { scope: None, mapped: Vec::new() },
        };
        object.proto = Some(proto);
        let shape = self.heap.shapes.root(Some(proto));
        self.heap.set_shape(array, shape);
        let length = self.frame().arguments.len();
        self.heap.put(array, Key::Atom(atoms::LENGTH), Value::Number(length as f64), WRITABLE | CONFIGURABLE);
        let values = self.array_values_function();
        self.heap.put(array, Key::Symbol(crate::vm::symbols::ITERATOR), values, WRITABLE | CONFIGURABLE);
        // `callee` (ECMA-262 10.4.4.6-7): an unmapped arguments object
        // (strict code, or parameters that are not simple) has an
        // accessor that throws; a mapped one has the function.
        if code.is_strict || !code.simple_parameters {
            let thrower = Value::Object(self.intrinsics.throw_type_error);
            let descriptor = crate::props::Descriptor {
                get: Some(thrower.clone()),
                set: Some(thrower),
                enumerable: Some(false),
                configurable: Some(false),
                ..Default::default()
            };
            self.define_property(array, Key::Atom(atoms::CALLEE), &descriptor);
        } else {
            let callee = self.frame().function.map_or(Value::Undefined, Value::Object);
            self.heap.put(array, Key::Atom(atoms::CALLEE), callee, WRITABLE | CONFIGURABLE);
        }
        self.frame_mut().arguments_object = Some(array);
        array
    }

    /// A direct eval's code as a closure ready to call with no arguments:
    /// compiled for the call site `site` of `code`, made as an arrow here
    /// (the caller's scope, `this`, `new.target`, `super` and `arguments`).
    /// A SyntaxError for text that is never JavaScript; a refusal in words
    /// for what Looplab does not run.
    pub(crate) fn direct_eval_closure(&mut self, code: &Rc<Code>, text: &str, site: usize) -> JsResult<Value> {
        let site = code.eval_sites.get(site).cloned().unwrap_or_default();
        let eval_code = match crate::compiler::compile_direct_eval(text, &site, &mut self.atoms) {
            Ok(eval_code) => eval_code,
            Err(crate::compiler::DirectEvalError::Syntax(message)) => return self.syntax_error_value(&message),
            Err(crate::compiler::DirectEvalError::Unsupported(what)) => return self.unsupported(&what),
        };
        let arguments = if eval_code.uses_arguments { Value::Object(self.arguments_object(code)) } else { Value::Undefined };
        let frame = self.frame();
        let lexical = Box::new(Lexical {
            this: frame.this.clone(),
            new_target: frame.new_target.clone(),
            home: self.current_home(),
            function: frame.function,
            arguments,
        });
        let home = lexical.home;
        let scope = self.frame().scope;
        let closure = self.make_closure(eval_code, scope, Some(lexical));
        if let Some(home) = home {
            self.set_home(closure, home);
        }
        Ok(Value::Object(closure))
    }
}
