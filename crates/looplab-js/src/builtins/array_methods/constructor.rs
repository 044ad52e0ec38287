//! `Array.isArray`, `Array.of`, `Array.from` and `Array[@@species]` (ECMA-262 23.1.2).

#[allow(unused_imports)]
use super::*;

// ---------------------------------------------------------------------------
// The constructor's own methods.

/// `Array.isArray` (ECMA-262 23.1.2.2).
pub(super) fn is_array(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    Ok(Value::Bool(matches!(arg(args, 0), Value::Object(id) if vm.heap.get(id).is_array())))
}

/// `Array.of` (ECMA-262 23.1.2.3).
pub(super) fn of(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let len = args.len() as f64;
    let target = construct_or_create(vm, host, this, Some(len))?;
    for (k, item) in args.iter().enumerate() {
        create_at(vm, target, k as f64, item.clone())?;
    }
    set_length(vm, host, target, len)?;
    Ok(Value::Object(target))
}

/// `get Array[@@species]` (ECMA-262 23.1.2.5).
pub(super) fn species(_vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    Ok(this.clone())
}

/// `Array.from` (ECMA-262 23.1.2.1).
pub(super) fn from(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let items = arg(args, 0);
    let map_fn = arg(args, 1);
    let this_arg = arg(args, 2);
    let mapping = !map_fn.is_undefined();
    if mapping {
        require_callable(vm, &map_fn)?;
    }
    let using_iterator = match &items {
        Value::Undefined | Value::Empty => return vm.type_error("undefined is not iterable (cannot read property Symbol(Symbol.iterator))"),
        Value::Null => return vm.type_error("object null is not iterable (cannot read property Symbol(Symbol.iterator))"),
        _ => vm.get(host, &items, Key::Symbol(symbols::ITERATOR))?,
    };
    if !using_iterator.is_nullish() {
        if !vm.is_callable(&using_iterator) {
            return vm.type_error("%Array%.from requires that the property of the first argument, items[Symbol.iterator], when exists, be a function");
        }
        let target = construct_or_create(vm, host, this, None)?;
        let iterator = vm.call(host, &using_iterator, &items, &[])?;
        if !iterator.is_object() {
            return vm.type_error("Result of the Symbol.iterator method is not an object");
        }
        let next = vm.get(host, &iterator, Key::Atom(atoms::NEXT))?;
        let mut k = 0.0;
        loop {
            charge(vm, host, 1)?;
            if k >= LENGTH_MAX {
                let error = Unwind::Throw(vm.make_error(ErrorType::TypeError, "Invalid array length"));
                return Err(close_iterator(vm, host, &iterator, error));
            }
            let result = vm.call(host, &next, &iterator, &[])?;
            if !result.is_object() {
                let what = describe(vm, &result);
                return vm.type_error(&format!("Iterator result {what} is not an object"));
            }
            if vm.get(host, &result, Key::Atom(atoms::DONE))?.truthy() {
                set_length(vm, host, target, k)?;
                return Ok(Value::Object(target));
            }
            let mut value = vm.get(host, &result, Key::Atom(atoms::VALUE))?;
            if mapping {
                value = match vm.call(host, &map_fn, &this_arg, &[value, Value::Number(k)]) {
                    Ok(mapped) => mapped,
                    Err(error) => return Err(close_iterator(vm, host, &iterator, error)),
                };
            }
            if let Err(error) = create_at(vm, target, k, value) {
                return Err(close_iterator(vm, host, &iterator, error));
            }
            k += 1.0;
        }
    }
    // An array-like: every index up to its length, holes read as undefined.
    let source = vm.to_object(&items)?;
    let len = length_of(vm, host, source)?;
    let target = construct_or_create(vm, host, this, Some(len))?;
    let mut k = 0.0;
    while k < len {
        charge(vm, host, 1)?;
        let mut value = get_at(vm, host, source, k)?;
        if mapping {
            value = vm.call(host, &map_fn, &this_arg, &[value, Value::Number(k)])?;
        }
        create_at(vm, target, k, value)?;
        k += 1.0;
    }
    set_length(vm, host, target, len)?;
    Ok(Value::Object(target))
}
