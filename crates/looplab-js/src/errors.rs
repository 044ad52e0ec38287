//! Error objects the engine itself throws (ECMA-262 20.5), with V8's
//! messages where a program can see them.

use crate::atoms;
use crate::object::Kind;
use crate::shape::{CONFIGURABLE, WRITABLE};
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
        Value::Object(error)
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
    pub fn unsupported<T>(&mut self, what: &str) -> JsResult<T> {
        self.throw(ErrorType::Error, &format!("not supported in Looplab: {what}"))
    }
}

/// `%ThrowTypeError%` (ECMA-262 10.2.4.1): what `arguments.callee` and
/// `caller` of strict functions throw.
pub fn throw_type_error_native(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    vm.type_error("'caller', 'callee', and 'arguments' properties may not be accessed on strict mode functions or the arguments objects for calls to them")
}
