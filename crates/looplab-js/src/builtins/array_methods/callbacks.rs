//! The methods that call a function per element: forEach, map, filter, some, every, find…, reduce… (ECMA-262 23.1.3).

#[allow(unused_imports)]
use super::*;

// ---------------------------------------------------------------------------
// Callback loops.

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Each {
    ForEach,
    Map,
    Filter,
    Some,
    Every,
}

/// forEach, map, filter, some, every (ECMA-262 23.1.3.15, .21, .8, .29,
/// .6): the callback sees each present index in ascending order.
pub(super) fn each(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], which: Each, name: &str) -> JsResult<Value> {
    let object = this_object_named(vm, this, name)?;
    let len = length_of(vm, host, object)?;
    let callback = arg(args, 0);
    require_callable(vm, &callback)?;
    let this_arg = arg(args, 1);
    let target = match which {
        Each::Map => Some(species_create(vm, host, object, len)?),
        Each::Filter => Some(species_create(vm, host, object, 0.0)?),
        _ => None,
    };
    let mut to = 0.0;
    let mut k = 0.0;
    while let Some(index) = next_present(vm, object, k, len) {
        charge(vm, host, 1)?;
        let value = get_at(vm, host, object, index)?;
        let call_args = [value, Value::Number(index), Value::Object(object)];
        let result = vm.call(host, &callback, &this_arg, &call_args)?;
        match (which, target) {
            (Each::Map, Some(target)) => create_at(vm, target, index, result)?,
            (Each::Filter, Some(target)) if result.truthy() => {
                let [value, _, _] = call_args;
                create_at(vm, target, to, value)?;
                to += 1.0;
            }
            (Each::Some, _) if result.truthy() => return Ok(Value::Bool(true)),
            (Each::Every, _) if !result.truthy() => return Ok(Value::Bool(false)),
            _ => {}
        }
        k = index + 1.0;
    }
    Ok(match (which, target) {
        (Each::Some, _) => Value::Bool(false),
        (Each::Every, _) => Value::Bool(true),
        (_, Some(target)) => Value::Object(target),
        _ => Value::Undefined,
    })
}

pub(super) fn for_each(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    each(vm, host, this, args, Each::ForEach, "forEach")
}

pub(super) fn map(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    each(vm, host, this, args, Each::Map, "map")
}

pub(super) fn filter(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    each(vm, host, this, args, Each::Filter, "filter")
}

pub(super) fn some(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    each(vm, host, this, args, Each::Some, "some")
}

pub(super) fn every(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    each(vm, host, this, args, Each::Every, "every")
}

/// find, findIndex, findLast, findLastIndex (ECMA-262 23.1.3.9-.12,
/// FindViaPredicate): every index, holes included.
pub(super) fn find_via(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], name: &str, last: bool, want_index: bool) -> JsResult<Value> {
    let object = this_object_named(vm, this, name)?;
    let len = length_of(vm, host, object)?;
    let predicate = arg(args, 0);
    require_callable(vm, &predicate)?;
    let this_arg = arg(args, 1);
    let mut step = 0.0;
    while step < len {
        charge(vm, host, 1)?;
        let index = if last { len - 1.0 - step } else { step };
        let value = get_at(vm, host, object, index)?;
        let result = vm.call(host, &predicate, &this_arg, &[value.clone(), Value::Number(index), Value::Object(object)])?;
        if result.truthy() {
            return Ok(if want_index { Value::Number(index) } else { value });
        }
        step += 1.0;
    }
    Ok(if want_index { Value::Number(-1.0) } else { Value::Undefined })
}

pub(super) fn find(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    find_via(vm, host, this, args, "find", false, false)
}

pub(super) fn find_index(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    find_via(vm, host, this, args, "findIndex", false, true)
}

pub(super) fn find_last(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    find_via(vm, host, this, args, "findLast", true, false)
}

pub(super) fn find_last_index(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    find_via(vm, host, this, args, "findLastIndex", true, true)
}

/// reduce and reduceRight (ECMA-262 23.1.3.24, .25).
pub(super) fn reduce_via(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], right: bool) -> JsResult<Value> {
    let object = this_object_named(vm, this, if right { "reduceRight" } else { "reduce" })?;
    let len = length_of(vm, host, object)?;
    let callback = arg(args, 0);
    require_callable(vm, &callback)?;
    let next = |vm: &mut Vm, k: f64| if right { prev_present(vm, object, k, 0.0) } else { next_present(vm, object, k, len) };
    let mut k = if right { len - 1.0 } else { 0.0 };
    let mut accumulator = if args.len() >= 2 {
        arg(args, 1)
    } else {
        let Some(index) = next(vm, k) else { return vm.type_error("Reduce of empty array with no initial value") };
        k = if right { index - 1.0 } else { index + 1.0 };
        get_at(vm, host, object, index)?
    };
    while let Some(index) = next(vm, k) {
        charge(vm, host, 1)?;
        let value = get_at(vm, host, object, index)?;
        accumulator = vm.call(host, &callback, &Value::Undefined, &[accumulator, value, Value::Number(index), Value::Object(object)])?;
        k = if right { index - 1.0 } else { index + 1.0 };
    }
    Ok(accumulator)
}

pub(super) fn reduce(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    reduce_via(vm, host, this, args, false)
}

pub(super) fn reduce_right(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    reduce_via(vm, host, this, args, true)
}
