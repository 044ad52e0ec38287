//! `Reflect` (ECMA-262 28.1): the object model's internal methods as
//! functions. Each requires an object target (a TypeError otherwise) and,
//! where the internal method answers true or false, returns that answer
//! instead of throwing.

use super::arg;
use super::object::{from_descriptor, own_descriptor, own_keys_all, set_prototype_checked, to_descriptor};
use crate::object::{NativeFn, EXTENSIBLE};
use crate::shape::CONFIGURABLE;
use crate::value::{Key, ObjId, Value};
use crate::vm::symbols;
use crate::{Embedder, JsResult, Vm};

pub(super) fn install(vm: &mut Vm) {
    let reflect = vm.new_object();
    // V8's property order (`Object.getOwnPropertyNames(Reflect)` in Node 20).
    let functions: [(&str, u32, NativeFn); 13] = [
        ("defineProperty", 3, define_property),
        ("deleteProperty", 2, delete_property),
        ("apply", 3, apply),
        ("construct", 2, construct),
        ("get", 2, get),
        ("getOwnPropertyDescriptor", 2, get_own_property_descriptor),
        ("getPrototypeOf", 1, get_prototype_of),
        ("has", 2, has),
        ("isExtensible", 1, is_extensible),
        ("ownKeys", 1, own_keys),
        ("preventExtensions", 1, prevent_extensions),
        ("set", 3, set),
        ("setPrototypeOf", 2, set_prototype_of),
    ];
    for (name, length, f) in functions {
        vm.define_method(reflect, name, length, f);
    }
    // 28.1.14: Reflect[@@toStringTag] is "Reflect", configurable only.
    vm.heap.put(reflect, Key::Symbol(symbols::TO_STRING_TAG), Value::str("Reflect"), CONFIGURABLE);
    let global = vm.intrinsics.global;
    vm.define_value(global, "Reflect", Value::Object(reflect));
}

/// The target every Reflect function starts with: an object, or V8's
/// TypeError naming the function.
fn target(vm: &mut Vm, args: &[Value], function: &str) -> JsResult<ObjId> {
    match arg(args, 0) {
        Value::Object(id) => Ok(id),
        _ => vm.type_error(&format!("Reflect.{function} called on non-object")),
    }
}

/// CreateListFromArrayLike (ECMA-262 7.3.18).
fn list_from_array_like(vm: &mut Vm, host: &mut dyn Embedder, value: &Value) -> JsResult<Vec<Value>> {
    if !matches!(value, Value::Object(_)) {
        return vm.type_error("CreateListFromArrayLike called on non-object");
    }
    let length = vm.get(host, value, Key::Atom(crate::atoms::LENGTH))?;
    let length = vm.to_number(host, &length)?;
    let length = if length.is_nan() || length < 0.0 { 0 } else { length.min(f64::from(u32::MAX)) as u32 };
    let mut values = Vec::with_capacity(length.min(1 << 16) as usize);
    for index in 0..length {
        values.push(vm.get(host, value, Key::Index(index))?);
    }
    Ok(values)
}

/// 28.1.1 Reflect.apply(target, thisArgument, argumentsList).
fn apply(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let function = arg(args, 0);
    if !vm.is_callable(&function) {
        let shown = vm.to_display(&function);
        // V8's wording, articles included ("a undefined", "null").
        let what = match (&function, vm.typeof_value(&function)) {
            (Value::Null, _) => "null".to_string(),
            (_, "object") => "an object".to_string(),
            (_, kind) => format!("a {kind}"),
        };
        return vm.type_error(&format!("Function.prototype.apply was called on {shown}, which is {what} and not a function"));
    }
    let list = list_from_array_like(vm, host, &arg(args, 2))?;
    vm.call(host, &function, &arg(args, 1), &list)
}

/// 28.1.2 Reflect.construct(target, argumentsList [, newTarget]).
fn construct(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let function = arg(args, 0);
    if !vm.is_constructor(&function) {
        let shown = vm.to_display(&function);
        return vm.type_error(&format!("{shown} is not a constructor"));
    }
    let new_target = if args.len() > 2 { arg(args, 2) } else { function.clone() };
    if !vm.is_constructor(&new_target) {
        let shown = vm.to_display(&new_target);
        return vm.type_error(&format!("{shown} is not a constructor"));
    }
    let list = list_from_array_like(vm, host, &arg(args, 1))?;
    vm.construct(host, &function, &list, new_target.as_object())
}

/// 28.1.3 Reflect.defineProperty(target, propertyKey, attributes).
fn define_property(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let id = target(vm, args, "defineProperty")?;
    let key = vm.to_property_key(host, &arg(args, 1))?;
    let desc = to_descriptor(vm, host, &arg(args, 2))?;
    Ok(Value::Bool(vm.define_property_checked(host, id, key, &desc)?))
}

/// 28.1.4 Reflect.deleteProperty(target, propertyKey).
fn delete_property(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let id = target(vm, args, "deleteProperty")?;
    let key = vm.to_property_key(host, &arg(args, 1))?;
    Ok(Value::Bool(vm.delete_property(id, key, false)?))
}

/// 28.1.5 Reflect.get(target, propertyKey [, receiver]).
fn get(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let id = target(vm, args, "get")?;
    let key = vm.to_property_key(host, &arg(args, 1))?;
    if args.len() > 2 {
        return vm.get_with_receiver(host, id, key, &arg(args, 2));
    }
    vm.get(host, &Value::Object(id), key)
}

/// 28.1.6 Reflect.getOwnPropertyDescriptor(target, propertyKey).
fn get_own_property_descriptor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let id = target(vm, args, "getOwnPropertyDescriptor")?;
    let key = vm.to_property_key(host, &arg(args, 1))?;
    Ok(match own_descriptor(vm, id, key) {
        Some(desc) => from_descriptor(vm, &desc),
        None => Value::Undefined,
    })
}

/// 28.1.7 Reflect.getPrototypeOf(target).
fn get_prototype_of(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let id = target(vm, args, "getPrototypeOf")?;
    Ok(vm.heap.get(id).proto.map_or(Value::Null, Value::Object))
}

/// 28.1.8 Reflect.has(target, propertyKey).
fn has(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let id = target(vm, args, "has")?;
    let key = vm.to_property_key(host, &arg(args, 1))?;
    Ok(Value::Bool(vm.has_property(id, key)))
}

/// 28.1.9 Reflect.isExtensible(target).
fn is_extensible(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let id = target(vm, args, "isExtensible")?;
    Ok(Value::Bool(vm.heap.get(id).is_extensible()))
}

/// 28.1.10 Reflect.ownKeys(target): integer keys ascending, then strings
/// and symbols in creation order.
fn own_keys(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let id = target(vm, args, "ownKeys")?;
    let keys = own_keys_all(vm, id);
    let (strings, symbols): (Vec<Key>, Vec<Key>) = keys.into_iter().partition(|key| !key.is_symbol());
    let values: Vec<Value> = strings.into_iter().chain(symbols).map(|key| vm.key_to_value(key)).collect();
    Ok(Value::Object(vm.new_array(values)))
}

/// 28.1.11 Reflect.preventExtensions(target).
fn prevent_extensions(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let id = target(vm, args, "preventExtensions")?;
    vm.heap.get_mut(id).flags &= !EXTENSIBLE;
    Ok(Value::Bool(true))
}

/// 28.1.12 Reflect.set(target, propertyKey, V [, receiver]).
fn set(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let id = target(vm, args, "set")?;
    let key = vm.to_property_key(host, &arg(args, 1))?;
    if args.len() > 3 && !matches!(arg(args, 3), Value::Object(receiver) if receiver == id) {
        return vm.unsupported("Reflect.set with a receiver other than the target");
    }
    Ok(Value::Bool(vm.set(host, &Value::Object(id), key, arg(args, 2), false)?))
}

/// 28.1.13 Reflect.setPrototypeOf(target, proto).
fn set_prototype_of(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let id = target(vm, args, "setPrototypeOf")?;
    let proto = match arg(args, 1) {
        Value::Object(proto) => Some(proto),
        Value::Null => None,
        other => {
            let shown = vm.to_display(&other);
            return vm.type_error(&format!("Object prototype may only be an Object or null: {shown}"));
        }
    };
    Ok(Value::Bool(set_prototype_checked(vm, id, proto)))
}
