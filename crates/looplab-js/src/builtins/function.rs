//! `Function.prototype` (ECMA-262 20.2.3): call, apply, bind.

use super::arg;
use crate::object::{FunctionKind, Kind, CALLABLE, CONSTRUCTOR};
use crate::value::{ObjId, Value};
use crate::{Embedder, JsResult, Vm};

pub(super) fn install(vm: &mut Vm) {
    let prototype = vm.intrinsics.function_prototype;
    vm.define_function_name_length(prototype, "", 0);
    vm.define_method(prototype, "call", 1, call);
    vm.define_method(prototype, "apply", 2, apply);
    vm.define_method(prototype, "bind", 1, bind);
    install_constructor(vm);
}

fn call(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    if !vm.is_callable(this) {
        return vm.type_error("Function.prototype.call called on a value that is not a function");
    }
    let rest = if args.is_empty() { &[][..] } else { &args[1..] };
    vm.call(host, this, &arg(args, 0), rest)
}

fn apply(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    if !vm.is_callable(this) {
        return vm.type_error("Function.prototype.apply was called on a value that is not a function");
    }
    let list = match arg(args, 1) {
        Value::Undefined | Value::Null => Vec::new(),
        Value::Object(_) => {
            let array_like = arg(args, 1);
            let length = vm.get(host, &array_like, crate::value::Key::Atom(crate::atoms::LENGTH))?;
            let length = vm.to_number(host, &length)?;
            let length = if length.is_nan() || length < 0.0 { 0 } else { length.min(f64::from(u32::MAX)) as u32 };
            let mut values = Vec::with_capacity(length as usize);
            for index in 0..length {
                values.push(vm.get(host, &array_like, crate::value::Key::Index(index))?);
            }
            values
        }
        _ => return vm.type_error("CreateListFromArrayLike called on non-object"),
    };
    vm.call(host, this, &arg(args, 0), &list)
}

fn bind(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let Value::Object(target) = this else { return vm.type_error("Bind must be called on a function") };
    if !vm.is_callable(this) {
        return vm.type_error("Bind must be called on a function");
    }
    let target = *target;
    let bound_args: Vec<Value> = args.iter().skip(1).cloned().collect();
    let flags = CALLABLE | (vm.heap.get(target).flags & CONSTRUCTOR);
    let proto = vm.heap.get(target).proto;
    let kind = Kind::Function(Box::new(FunctionKind::Bound { target, this: arg(args, 0), args: bound_args.clone() }));
    let bound = vm.heap.alloc(proto, kind, flags);
    let length = vm.get(host, this, crate::value::Key::Atom(crate::atoms::LENGTH))?;
    let length = match length {
        Value::Number(n) => (n - bound_args.len() as f64).max(0.0),
        _ => 0.0,
    };
    let name = vm.get(host, this, crate::value::Key::Atom(crate::atoms::NAME))?;
    let name = match name {
        Value::String(text) => text.to_rust(),
        _ => String::new(),
    };
    vm.define_function_name_length(bound, &format!("bound {name}"), 0);
    vm.heap.put(bound, crate::value::Key::Atom(crate::atoms::LENGTH), Value::Number(length), crate::shape::CONFIGURABLE);
    Ok(Value::Object(bound))
}

/// The `Function` constructor (ECMA-262 20.2.1.1, CreateDynamicFunction):
/// the source is compiled by the same front end, in the global scope.
/// `eval(x)` called indirectly (ECMA-262 19.2.1, PerformEval with direct
/// false): a string is compiled as a script and run in the global scope,
/// giving its completion value; anything else is returned as it is. A
/// direct call inside a function or in strict code (whose eval sees the
/// caller's variables) is refused where it is made (see `exec.rs`).
pub(super) fn global_eval(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let Some(Value::String(source)) = args.first() else { return Ok(args.first().cloned().unwrap_or_default()) };
    let source = source.to_rust();
    match crate::compiler::compile(&source, crate::compiler::Goal::Eval, &mut vm.atoms) {
        Ok(code) => vm.run_script(host, code),
        Err(errors) => throw_compile_error(vm, errors, "Invalid or unexpected token"),
    }
}

/// Code compiled at run time failed: its first error, thrown as a
/// SyntaxError (or, for a refusal, as the plain Error that says so).
fn throw_compile_error(vm: &mut Vm, errors: Vec<crate::compiler::CompileError>, fallback: &str) -> JsResult<Value> {
    let first = errors.into_iter().next();
    let message = first.as_ref().map_or(fallback, |error| error.message.as_str()).to_string();
    let syntax = first.is_none_or(|error| error.is_syntax_error);
    vm.throw(if syntax { crate::ErrorType::SyntaxError } else { crate::ErrorType::Error }, &message)
}

pub(super) fn function_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    dynamic_function(vm, host, args, "function")
}

pub(crate) fn dynamic_function(vm: &mut Vm, host: &mut dyn Embedder, args: &[Value], prefix: &str) -> JsResult<Value> {
    let mut params = Vec::new();
    for value in args.iter().take(args.len().saturating_sub(1)) {
        params.push(vm.to_string(host, value)?.to_rust());
    }
    let body = match args.last() {
        Some(body) => vm.to_string(host, body)?.to_rust(),
        None => String::new(),
    };
    match crate::compiler::compile_dynamic_function(prefix, &params.join(","), &body, &mut vm.atoms) {
        Ok(code) => vm.run_script(host, code),
        Err(errors) => throw_compile_error(vm, errors, "Invalid function"),
    }
}

/// `Function.prototype.toString` (ECMA-262 20.2.3.5): a closure's source
/// text, or the NativeFunction form for everything else.
fn to_string(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let Value::Object(id) = this else { return vm.type_error("Function.prototype.toString requires that 'this' be a Function") };
    let text = match &vm.heap.get(*id).kind {
        Kind::Function(kind) => match &**kind {
            FunctionKind::Closure(closure) => match &closure.code.source {
                Some(source) => source.to_string(),
                None => format!("function {}() {{ [native code] }}", closure.code.name),
            },
            _ => {
                let name = match vm.heap.own(*id, crate::value::Key::Atom(crate::atoms::NAME)).map(|found| found.value) {
                    Some(Value::String(name)) => name.to_rust(),
                    _ => String::new(),
                };
                format!("function {name}() {{ [native code] }}")
            }
        },
        _ => return vm.type_error("Function.prototype.toString requires that 'this' be a Function"),
    };
    Ok(Value::String(crate::JsStr::from_string(text)))
}

/// `Function.prototype[Symbol.hasInstance]` (ECMA-262 20.2.3.6).
fn has_instance(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    Ok(Value::Bool(vm.ordinary_has_instance(host, this, &arg(args, 0))?))
}

pub(super) fn install_constructor(vm: &mut Vm) {
    let prototype = vm.intrinsics.function_prototype;
    let constructor = vm.native_function("Function", 1, function_constructor);
    super::link_constructor(vm, "Function", constructor, prototype);
    vm.define_method(prototype, "toString", 0, to_string);
    let f = vm.native_function("[Symbol.hasInstance]", 1, has_instance);
    vm.heap.put(prototype, crate::value::Key::Symbol(crate::vm::symbols::HAS_INSTANCE), Value::Object(f), 0);
    // `caller` and `arguments` on Function.prototype throw (ECMA-262 10.2.4).
    let thrower = Value::Object(vm.intrinsics.throw_type_error);
    for name in [crate::atoms::CALLER, crate::atoms::ARGUMENTS] {
        let desc = crate::props::Descriptor {
            get: Some(thrower.clone()),
            set: Some(thrower.clone()),
            enumerable: Some(false),
            configurable: Some(true),
            ..Default::default()
        };
        vm.define_property(prototype, crate::value::Key::Atom(name), &desc);
    }
    vm.heap.seal_or_freeze(vm.intrinsics.throw_type_error, true);
}
