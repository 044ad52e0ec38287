//! Error objects the engine itself throws (ECMA-262 20.5), with V8's
//! messages where a program can see them.

use crate::atoms;
use crate::object::Kind;
use crate::shape::{CONFIGURABLE, WRITABLE};
use crate::string::JsStr;
use crate::value::{Key, ObjId, Value};
use crate::vm::{JsResult, Unwind, Vm};
use crate::Embedder;

/// The native error types (ECMA-262 20.5.5) and their base.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorType {
    Error,
    TypeError,
    RangeError,
    ReferenceError,
    SyntaxError,
    EvalError,
    UriError,
}

/// Globals of V8 (Node v20) that this engine does not have yet.
const NOT_YET_GLOBALS: &[&str] = &["Atomics", "BigInt", "BigInt64Array", "BigUint64Array", "FinalizationRegistry", "Intl", "Proxy", "WeakRef", "WebAssembly"];

impl Vm {
    fn error_prototype_of(&self, kind: ErrorType) -> ObjId {
        let i = &self.intrinsics;
        match kind {
            ErrorType::Error => i.error_prototype,
            ErrorType::TypeError => i.type_error_prototype,
            ErrorType::RangeError => i.range_error_prototype,
            ErrorType::ReferenceError => i.reference_error_prototype,
            ErrorType::SyntaxError => i.syntax_error_prototype,
            ErrorType::EvalError => i.eval_error_prototype,
            ErrorType::UriError => i.uri_error_prototype,
        }
    }

    /// A new error object of `kind` with `message` (an own, non-enumerable
    /// `message` property, as the Error constructors make).
    pub fn make_error(&mut self, kind: ErrorType, message: &str) -> Value {
        let proto = self.error_prototype_of(kind);
        let error = self.heap.alloc(Some(proto), Kind::Error, 0);
        self.heap.put(error, Key::Atom(atoms::MESSAGE), Value::str(message), WRITABLE | CONFIGURABLE);
        self.capture_stack(error);
        Value::Object(error)
    }

    /// Installs `stack` on `target` as V8 does when an error is made
    /// (`Error.captureStackTrace` too): the error's `name: message`, then
    /// one `    at …` line per JavaScript frame, innermost first, at most
    /// `Error.stackTraceLimit` (10) of them. Frames of code without source
    /// positions (an embedder's own modules) are left out.
    pub fn capture_stack(&mut self, target: ObjId) {
        let mut text = self.error_header(target);
        let mut lines = 0;
        for frame in self.frames.iter().rev() {
            if lines >= STACK_TRACE_LIMIT {
                break;
            }
            let pc = (frame.pc as usize).saturating_sub(1);
            let Some(&(line, column)) = frame.code.positions.get(pc) else { continue };
            if (line, column) == (0, 0) {
                continue;
            }
            let location = format!("{}:{line}:{column}", frame.code.script.as_deref().unwrap_or("<anonymous>"));
            let name = frame.code.name.to_rust();
            // V8's CallSite: a constructor call is `new Name`; a method call
            // (an object receiver other than the global object; arrows have
            // none of their own) is `Type.name`, Type being the receiver's
            // constructor's name; any other call is the name alone, or just
            // the location. A frame running on is never `async` itself: V8
            // marks only the awaiting callers it reconstructs.
            let arrow = matches!(frame.code.kind, crate::bytecode::FunctionKind::Arrow);
            let receiver = if arrow { &frame.receiver } else { &frame.this };
            let receiver = receiver.as_object().filter(|id| *id != self.intrinsics.global);
            let entry = if frame.new_target.is_object() {
                format!("new {} ({location})", if name.is_empty() { "<anonymous>" } else { name.as_str() })
            } else if let Some(receiver) = receiver {
                // An anonymous function is named by the receiver's property
                // that holds it, when there is one (`Timeout._onTimeout`).
                let method = if name.is_empty() { frame.function.and_then(|function| self.method_name(receiver, function)) } else { None };
                let shown = method.as_deref().unwrap_or(if name.is_empty() { "<anonymous>" } else { name.as_str() });
                format!("{}.{shown} ({location})", self.constructor_name(receiver))
            } else if !name.is_empty() {
                format!("{name} ({location})")
            } else {
                location
            };
            text.push_str("\n    at ");
            text.push_str(&entry);
            lines += 1;
        }
        self.heap.put(target, Key::Atom(atoms::STACK), Value::String(JsStr::from_string(text)), WRITABLE | CONFIGURABLE);
    }

    /// The name of a data property of `receiver` (own or inherited) whose
    /// value is `function`.
    fn method_name(&self, receiver: ObjId, function: ObjId) -> Option<String> {
        let mut holder = Some(receiver);
        for _ in 0..crate::PROTO_CHAIN_MAX {
            let current = holder?;
            for key in self.heap.own_keys(current) {
                if let Key::Atom(_) = key {
                    if let Some(found) = self.heap.own(current, key) {
                        if !found.is_accessor() && found.value.as_object() == Some(function) {
                            return Some(self.key_to_display(key));
                        }
                    }
                }
            }
            holder = self.heap.get(current).proto;
        }
        None
    }

    /// The name V8 gives an object's type in a stack frame: a function is a
    /// `Function`, anything else its `constructor`'s `name` (data
    /// properties only: no code runs), `Object` when there is none.
    fn constructor_name(&self, id: ObjId) -> String {
        if self.heap.get(id).is_callable() {
            return "Function".to_string();
        }
        let constructor = match self.heap.find(id, Key::Atom(atoms::CONSTRUCTOR)) {
            Some((_, found)) if !found.is_accessor() => found.value,
            _ => Value::Undefined,
        };
        let name = match constructor {
            Value::Object(function) => match self.heap.find(function, Key::Atom(atoms::NAME)) {
                Some((_, found)) if !found.is_accessor() => match found.value {
                    Value::String(text) => text.to_rust(),
                    _ => String::new(),
                },
                _ => String::new(),
            },
            _ => String::new(),
        };
        if name.is_empty() {
            "Object".to_string()
        } else {
            name
        }
    }

    /// `Name: message` (or just the name when the message is empty), read
    /// without running code: the data properties along the chain.
    fn error_header(&self, target: ObjId) -> String {
        let data = |key: Key| match self.heap.find(target, key) {
            Some((_, found)) if !found.is_accessor() => match found.value {
                Value::String(text) => Some(text.to_rust()),
                _ => None,
            },
            _ => None,
        };
        let name = data(Key::Atom(atoms::NAME)).unwrap_or_else(|| "Error".to_string());
        match data(Key::Atom(atoms::MESSAGE)) {
            Some(message) if !message.is_empty() => format!("{name}: {message}"),
            _ => name,
        }
    }

    /// `Err(Throw(new kind(message)))`.
    pub fn throw<T>(&mut self, kind: ErrorType, message: &str) -> JsResult<T> {
        Err(Unwind::Throw(self.make_error(kind, message)))
    }

    pub fn type_error<T>(&mut self, message: &str) -> JsResult<T> {
        self.throw(ErrorType::TypeError, message)
    }

    pub fn range_error<T>(&mut self, message: &str) -> JsResult<T> {
        self.throw(ErrorType::RangeError, message)
    }

    pub fn reference_error<T>(&mut self, message: &str) -> JsResult<T> {
        self.throw(ErrorType::ReferenceError, message)
    }

    /// What Looplab cannot do, said as the product promises:
    /// "not supported in Looplab: …".
    /// A read of a global that does not exist: V8's ReferenceError, except
    /// for the globals V8 has and this engine does not yet, which say so
    /// (`typeof` still answers "undefined" for them, as feature tests
    /// expect of an absent global).
    pub(crate) fn undefined_global<T>(&mut self, name: crate::value::Atom) -> JsResult<T> {
        let text = self.atoms.name(name).to_string();
        if NOT_YET_GLOBALS.contains(&text.as_str()) {
            return self.unsupported(&text);
        }
        self.reference_error(&format!("{text} is not defined"))
    }

    pub fn unsupported<T>(&mut self, what: &str) -> JsResult<T> {
        self.throw(ErrorType::Error, &format!("not supported in Looplab: {what}"))
    }
}

impl Vm {
    /// The callee's source text of the call or `new` instruction the
    /// innermost frame is running, when the compiler noted it.
    pub(crate) fn call_site(&self) -> Option<String> {
        let frame = self.frames.last()?;
        let pc = frame.pc.checked_sub(1)?;
        let sites = &frame.code.call_sites;
        let index = sites.binary_search_by_key(&pc, |(at, _)| *at).ok()?;
        Some(sites[index].1.to_rust())
    }

    /// The source position being run: the innermost frame's whose code
    /// has positions (an embedder's own modules may hide theirs, so an
    /// error inside them points at the user's calling line).
    pub fn current_position(&self) -> Option<(u32, u32)> {
        self.frames.iter().rev().find_map(|frame| {
            let pc = (frame.pc as usize).saturating_sub(1);
            frame.code.positions.get(pc).copied().filter(|position| *position != (0, 0))
        })
    }
}

/// V8's default `Error.stackTraceLimit`.
const STACK_TRACE_LIMIT: usize = 10;

/// `%ThrowTypeError%` (ECMA-262 10.2.4.1): what `arguments.callee` and
/// `caller` of strict functions throw.
pub fn throw_type_error_native(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    vm.type_error("'caller', 'callee', and 'arguments' properties may not be accessed on strict mode functions or the arguments objects for calls to them")
}
