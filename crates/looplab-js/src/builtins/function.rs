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
