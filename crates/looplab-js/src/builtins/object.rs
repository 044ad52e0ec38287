//! `Object` and `Object.prototype` (ECMA-262 20.1).

use super::{arg, link_constructor};
use crate::object::Kind;
use crate::value::{ObjId, Value};
use crate::{Embedder, JsResult, Vm};

pub(super) fn install(vm: &mut Vm) {
    let prototype = vm.intrinsics.object_prototype;
    let constructor = vm.native_function("Object", 1, object_constructor);
    link_constructor(vm, "Object", constructor, prototype);
    vm.define_method(prototype, "hasOwnProperty", 1, has_own_property);
    vm.define_method(prototype, "toString", 0, to_string);
    vm.define_method(constructor, "getPrototypeOf", 1, get_prototype_of);
    vm.define_method(constructor, "keys", 1, keys);
}

fn object_constructor(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    match arg(args, 0) {
        Value::Undefined | Value::Null => Ok(Value::Object(vm.new_object())),
        other => Ok(Value::Object(vm.to_object(&other)?)),
    }
}

fn has_own_property(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let key = vm.to_property_key(host, &arg(args, 0))?;
    let object = vm.to_object(this)?;
    Ok(Value::Bool(vm.own_property(object, key).is_some()))
}

/// `Object.prototype.toString` (ECMA-262 20.1.3.6).
fn to_string(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let builtin = match this {
        Value::Undefined => return Ok(Value::str("[object Undefined]")),
        Value::Null => return Ok(Value::str("[object Null]")),
        _ => {
            let object = vm.to_object(this)?;
            match &vm.heap.get(object).kind {
                Kind::Array(_) => "Array",
                Kind::Arguments { .. } => "Arguments",
                Kind::Function(_) => "Function",
                Kind::Error => "Error",
                Kind::Boolean(_) => "Boolean",
                Kind::Number(_) => "Number",
                Kind::String(_) => "String",
                Kind::Date(_) => "Date",
                Kind::RegExp(_) => "RegExp",
                _ => "Object",
            }
        }
    };
    let tag = vm.get(host, this, crate::value::Key::Symbol(crate::vm::symbols::TO_STRING_TAG))?;
    let tag = match tag {
        Value::String(text) => text.to_rust(),
        _ => builtin.to_string(),
    };
    Ok(Value::String(crate::JsStr::from_string(format!("[object {tag}]"))))
}

fn get_prototype_of(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(&arg(args, 0))?;
    Ok(vm.heap.get(object).proto.map_or(Value::Null, Value::Object))
}

fn keys(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(&arg(args, 0))?;
    let mut names = Vec::new();
    for key in vm.heap.own_keys(object) {
        if key.is_symbol() {
            continue;
        }
        if vm.own_property(object, key).is_some_and(|found| found.attrs & crate::shape::ENUMERABLE != 0) {
            names.push(vm.key_to_value(key));
        }
    }
    Ok(Value::Object(vm.new_array(names)))
}
