//! `at`, `indexOf`, `lastIndexOf`, `includes` (ECMA-262 23.1.3).

#[allow(unused_imports)]
use super::*;

// ---------------------------------------------------------------------------
// Searching.

/// `Array.prototype.at` (ECMA-262 23.1.3.1).
pub(super) fn at(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let relative_index = to_integer(vm, host, &arg(args, 0))?;
    let k = if relative_index >= 0.0 { relative_index } else { len + relative_index };
    if k < 0.0 || k >= len {
        return Ok(Value::Undefined);
    }
    get_at(vm, host, object, k)
}

/// The start index of indexOf and includes: None when the search is empty.
pub(super) fn search_start(vm: &mut Vm, host: &mut dyn Embedder, from_index: &Value, len: f64) -> JsResult<Option<f64>> {
    let n = to_integer(vm, host, from_index)?;
    if n == f64::INFINITY {
        return Ok(None);
    }
    Ok(Some(if n >= 0.0 { n } else { (len + n).max(0.0) }))
}

/// `Array.prototype.indexOf` (ECMA-262 23.1.3.17): IsStrictlyEqual, holes skipped.
pub(super) fn index_of(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = this_object_named(vm, this, "indexOf")?;
    let len = length_of(vm, host, object)?;
    if len == 0.0 {
        return Ok(Value::Number(-1.0));
    }
    let Some(mut k) = search_start(vm, host, &arg(args, 1), len)? else { return Ok(Value::Number(-1.0)) };
    let search = arg(args, 0);
    if readable_dense(vm, object) {
        if let Elements::Dense(values) = &vm.heap.get(object).elements {
            let (start, stop) = (k.min(values.len() as f64) as usize, len.min(values.len() as f64) as usize);
            let found = values.get(start..stop).and_then(|range| range.iter().position(|value| value.strict_equals(&search)));
            let result = found.map_or(-1.0, |offset| (start + offset) as f64);
            charge(vm, host, (stop.saturating_sub(start) / 8) as u64)?;
            return Ok(Value::Number(result));
        }
    }
    while let Some(index) = next_present(vm, object, k, len) {
        charge(vm, host, 1)?;
        if get_at(vm, host, object, index)?.strict_equals(&search) {
            return Ok(Value::Number(index));
        }
        k = index + 1.0;
    }
    Ok(Value::Number(-1.0))
}

/// `Array.prototype.lastIndexOf` (ECMA-262 23.1.3.20).
pub(super) fn last_index_of(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    if len == 0.0 {
        return Ok(Value::Number(-1.0));
    }
    let n = if args.len() > 1 { to_integer(vm, host, &arg(args, 1))? } else { len - 1.0 };
    if n == f64::NEG_INFINITY {
        return Ok(Value::Number(-1.0));
    }
    let mut k = if n >= 0.0 { n.min(len - 1.0) } else { len + n };
    let search = arg(args, 0);
    if readable_dense(vm, object) && k < INDEX_END {
        if let Elements::Dense(values) = &vm.heap.get(object).elements {
            let stop = if k < 0.0 { 0 } else { (k as usize + 1).min(values.len()) };
            let found = values.get(..stop).and_then(|range| range.iter().rposition(|value| value.strict_equals(&search)));
            charge(vm, host, (stop / 8) as u64)?;
            return Ok(Value::Number(found.map_or(-1.0, |index| index as f64)));
        }
    }
    while let Some(index) = prev_present(vm, object, k, 0.0) {
        charge(vm, host, 1)?;
        if get_at(vm, host, object, index)?.strict_equals(&search) {
            return Ok(Value::Number(index));
        }
        k = index - 1.0;
    }
    Ok(Value::Number(-1.0))
}

/// `Array.prototype.includes` (ECMA-262 23.1.3.16): SameValueZero, holes
/// read as undefined.
pub(super) fn includes(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    if len == 0.0 {
        return Ok(Value::Bool(false));
    }
    let Some(mut k) = search_start(vm, host, &arg(args, 1), len)? else { return Ok(Value::Bool(false)) };
    let search = arg(args, 0);
    let undefined = search.is_undefined();
    if readable_dense(vm, object) {
        if let Elements::Dense(values) = &vm.heap.get(object).elements {
            let (start, stop) = (k.min(values.len() as f64) as usize, len.min(values.len() as f64) as usize);
            let hit = |value: &Value| if matches!(value, Value::Empty) { undefined } else { value.same_value_zero(&search) };
            let found = values.get(start..stop).is_some_and(|range| range.iter().any(hit));
            // Indices past the stored vector are holes.
            let trailing_hole = undefined && len > k.max(values.len() as f64);
            charge(vm, host, (stop.saturating_sub(start) / 8) as u64)?;
            return Ok(Value::Bool(found || trailing_hole));
        }
    }
    while k < len {
        charge(vm, host, 1)?;
        let next = next_present(vm, object, k, len);
        if undefined && next != Some(k) {
            // Index k is absent everywhere: Get reads undefined.
            return Ok(Value::Bool(true));
        }
        let Some(index) = next else { break };
        if get_at(vm, host, object, index)?.same_value_zero(&search) {
            return Ok(Value::Bool(true));
        }
        k = index + 1.0;
    }
    Ok(Value::Bool(false))
}
