//! `Array` and `Array.prototype` (ECMA-262 23.1); the array iterator.

use super::link_constructor;
use crate::object::{IterKind, IterState, Kind};
use crate::value::{Key, ObjId, Value};
use crate::vm::symbols;
use crate::{Embedder, JsResult, Vm};

pub(super) fn install(vm: &mut Vm) {
    let prototype = vm.intrinsics.array_prototype;
    let constructor = vm.native_function("Array", 1, array_constructor);
    link_constructor(vm, "Array", constructor, prototype);
    vm.define_method(prototype, "push", 1, push);
    let values = vm.define_method(prototype, "values", 0, values);
    vm.heap.put(prototype, Key::Symbol(symbols::ITERATOR), Value::Object(values), crate::shape::METHOD_ATTRS);
    let iterator_prototype = vm.intrinsics.array_iterator_prototype;
    vm.define_method(iterator_prototype, "next", 0, iterator_next);
    let iterator_root = vm.intrinsics.iterator_prototype;
    let self_iterator = vm.native_function("[Symbol.iterator]", 0, |_, _, this, _, _| Ok(this.clone()));
    vm.heap.put(iterator_root, Key::Symbol(symbols::ITERATOR), Value::Object(self_iterator), crate::shape::METHOD_ATTRS);
}

fn array_constructor(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    if let [Value::Number(length)] = args {
        let whole = crate::number::to_uint32(*length);
        if f64::from(whole) != *length {
            return vm.range_error("Invalid array length");
        }
        return Ok(Value::Object(vm.new_array_with_length(whole)));
    }
    Ok(Value::Object(vm.new_array(args.to_vec())))
}

fn length_of(vm: &mut Vm, host: &mut dyn Embedder, object: &Value) -> JsResult<f64> {
    let length = vm.get(host, object, Key::Atom(crate::atoms::LENGTH))?;
    let length = vm.to_number(host, &length)?;
    Ok(if length.is_nan() || length <= 0.0 { 0.0 } else { length.floor().min(9_007_199_254_740_991.0) })
}

/// `Array.prototype.push` (ECMA-262 23.1.3.23).
fn push(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = Value::Object(vm.to_object(this)?);
    let mut length = length_of(vm, host, &object)?;
    for value in args {
        let key = match crate::value::array_index_of_number(length) {
            Some(index) => Key::Index(index),
            None => {
                let text = crate::JsStr::from_string(crate::number::number_to_string(length));
                vm.key_of_str(&text)
            }
        };
        vm.set(host, &object, key, value.clone(), true)?;
        length += 1.0;
    }
    vm.set(host, &object, Key::Atom(crate::atoms::LENGTH), Value::Number(length), true)?;
    Ok(Value::Number(length))
}

fn values(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let target = vm.to_object(this)?;
    let proto = vm.intrinsics.array_iterator_prototype;
    let state = IterState::Array { target: Some(target), index: 0, kind: IterKind::Values };
    Ok(Value::Object(vm.heap.alloc(Some(proto), Kind::Iterator(Box::new(state)), 0)))
}

/// `%ArrayIteratorPrototype%.next` (ECMA-262 23.1.5.2.1).
fn iterator_next(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let Value::Object(id) = this else { return vm.type_error("next method called on incompatible receiver") };
    let (target, index, kind) = match &vm.heap.get(*id).kind {
        Kind::Iterator(state) => match &**state {
            IterState::Array { target, index, kind } => (*target, *index, *kind),
            _ => return vm.type_error("next method called on incompatible receiver"),
        },
        _ => return vm.type_error("next method called on incompatible receiver"),
    };
    let Some(target) = target else { return Ok(iter_result(vm, Value::Undefined, true)) };
    let target_value = Value::Object(target);
    let length = length_of(vm, host, &target_value)?;
    if f64::from(index) >= length {
        if let Kind::Iterator(state) = &mut vm.heap.get_mut(*id).kind {
            **state = IterState::Array { target: None, index, kind };
        }
        return Ok(iter_result(vm, Value::Undefined, true));
    }
    if let Kind::Iterator(state) = &mut vm.heap.get_mut(*id).kind {
        **state = IterState::Array { target: Some(target), index: index + 1, kind };
    }
    let value = match kind {
        IterKind::Keys => Value::Number(f64::from(index)),
        IterKind::Values => vm.get(host, &target_value, Key::Index(index))?,
        IterKind::Entries => {
            let value = vm.get(host, &target_value, Key::Index(index))?;
            Value::Object(vm.new_array(vec![Value::Number(f64::from(index)), value]))
        }
    };
    Ok(iter_result(vm, value, false))
}

/// CreateIterResultObject (ECMA-262 7.4.14).
pub(crate) fn iter_result(vm: &mut Vm, value: Value, done: bool) -> Value {
    let object = vm.new_object();
    vm.heap.put(object, Key::Atom(crate::atoms::VALUE), value, crate::shape::DEFAULT_ATTRS);
    vm.heap.put(object, Key::Atom(crate::atoms::DONE), Value::Bool(done), crate::shape::DEFAULT_ATTRS);
    Value::Object(object)
}
