//! The methods that change `this`: push, pop, shift, unshift, splice, reverse, sort, fill, copyWithin (ECMA-262 23.1.3).

#[allow(unused_imports)]
use super::*;

// ---------------------------------------------------------------------------
// Methods that change `this`.

/// `Array.prototype.pop` (ECMA-262 23.1.3.22).
pub(super) fn pop(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    if len == 0.0 {
        set_length(vm, host, object, 0.0)?;
        return Ok(Value::Undefined);
    }
    let new_len = len - 1.0;
    let element = get_at(vm, host, object, new_len)?;
    delete_at(vm, object, new_len)?;
    set_length(vm, host, object, new_len)?;
    Ok(element)
}

/// `Array.prototype.shift` (ECMA-262 23.1.3.27).
pub(super) fn shift(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    if len == 0.0 {
        set_length(vm, host, object, 0.0)?;
        return Ok(Value::Undefined);
    }
    if is_plain_array(vm, object) {
        let first = match &mut vm.heap.get_mut(object).elements {
            Elements::Dense(values) if !values.is_empty() => values.remove(0),
            _ => Value::Empty,
        };
        if let Elements::Dense(values) = &mut vm.heap.get_mut(object).elements {
            let values = std::mem::take(values);
            store_dense(vm, object, values, len - 1.0);
        }
        charge(vm, host, (len / 8.0) as u64)?;
        return Ok(if matches!(first, Value::Empty) { Value::Undefined } else { first });
    }
    let first = get_at(vm, host, object, 0.0)?;
    move_elements(vm, host, object, 1.0, 0.0, len - 1.0, false)?;
    delete_at(vm, object, len - 1.0)?;
    set_length(vm, host, object, len - 1.0)?;
    Ok(first)
}

/// `Array.prototype.unshift` (ECMA-262 23.1.3.37).
pub(super) fn unshift(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let count = args.len() as f64;
    if count > 0.0 {
        if len + count > LENGTH_MAX {
            return vm.type_error("Invalid array length");
        }
        if is_plain_array(vm, object) && len + count <= INDEX_END {
            if let Elements::Dense(values) = &mut vm.heap.get_mut(object).elements {
                let old = std::mem::take(values);
                let mut values = Vec::with_capacity(args.len() + old.len());
                values.extend(args.iter().cloned());
                values.extend(old);
                store_dense(vm, object, values, len + count);
                vm.heap.grew(args.len());
                charge(vm, host, (len / 8.0) as u64)?;
                return Ok(Value::Number(len + count));
            }
        }
        move_elements(vm, host, object, len - 1.0, len - 1.0 + count, len, true)?;
        for (j, item) in args.iter().enumerate() {
            set_at(vm, host, object, j as f64, item.clone())?;
        }
    }
    set_length(vm, host, object, len + count)?;
    Ok(Value::Number(len + count))
}

/// `Array.prototype.reverse` (ECMA-262 23.1.3.26).
pub(super) fn reverse(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    if is_plain_array(vm, object) {
        if let Elements::Dense(values) = &mut vm.heap.get_mut(object).elements {
            if values.len() as f64 == len {
                let mut values = std::mem::take(values);
                values.reverse();
                store_dense(vm, object, values, len);
                charge(vm, host, (len / 8.0) as u64)?;
                return Ok(Value::Object(object));
            }
        }
    }
    let middle = (len / 2.0).floor();
    let mut lower = 0.0;
    while lower < middle {
        // The next pair where either end holds a property.
        let from_lower = next_present(vm, object, lower, middle);
        let from_upper = prev_present(vm, object, len - 1.0 - lower, len - middle).map(|upper| len - 1.0 - upper);
        let Some(next) = min_option(from_lower, from_upper) else { break };
        lower = next;
        let upper = len - 1.0 - lower;
        charge(vm, host, 1)?;
        let lower_exists = has_at(vm, object, lower);
        let lower_value = if lower_exists { get_at(vm, host, object, lower)? } else { Value::Undefined };
        let upper_exists = has_at(vm, object, upper);
        let upper_value = if upper_exists { get_at(vm, host, object, upper)? } else { Value::Undefined };
        match (lower_exists, upper_exists) {
            (true, true) => {
                set_at(vm, host, object, lower, upper_value)?;
                set_at(vm, host, object, upper, lower_value)?;
            }
            (false, true) => {
                set_at(vm, host, object, lower, upper_value)?;
                delete_at(vm, object, upper)?;
            }
            (true, false) => {
                delete_at(vm, object, lower)?;
                set_at(vm, host, object, upper, lower_value)?;
            }
            (false, false) => {}
        }
        lower += 1.0;
    }
    Ok(Value::Object(object))
}

/// `Array.prototype.fill` (ECMA-262 23.1.3.7).
pub(super) fn fill(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let value = arg(args, 0);
    let mut k = relative_arg(vm, host, &arg(args, 1), len, 0.0)?;
    let end = relative_arg(vm, host, &arg(args, 2), len, len)?;
    // On a plain array Set is a plain store (the conversions above ran first).
    let plain = is_plain_array(vm, object) && end <= INDEX_END;
    while k < end {
        charge(vm, host, 1)?;
        if plain {
            vm.heap.put(object, Key::Index(k as u32), value.clone(), DEFAULT_ATTRS);
        } else {
            set_at(vm, host, object, k, value.clone())?;
        }
        k += 1.0;
    }
    Ok(Value::Object(object))
}

/// `Array.prototype.copyWithin` (ECMA-262 23.1.3.4).
pub(super) fn copy_within(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let to = relative_arg(vm, host, &arg(args, 0), len, 0.0)?;
    let from = relative_arg(vm, host, &arg(args, 1), len, 0.0)?;
    let end = relative_arg(vm, host, &arg(args, 2), len, len)?;
    let count = (end - from).min(len - to);
    if count > 0.0 {
        if from < to && to < from + count {
            move_elements(vm, host, object, from + count - 1.0, to + count - 1.0, count, true)?;
        } else {
            move_elements(vm, host, object, from, to, count, false)?;
        }
    }
    Ok(Value::Object(object))
}

/// `Array.prototype.splice` (ECMA-262 23.1.3.31).
pub(super) fn splice(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let start = relative(to_integer(vm, host, &arg(args, 0))?, len);
    let items = args.get(2..).unwrap_or(&[]);
    let item_count = items.len() as f64;
    let delete_count = match args.len() {
        0 => 0.0,
        1 => len - start,
        _ => to_integer(vm, host, &arg(args, 1))?.clamp(0.0, len - start),
    };
    let new_len = len + item_count - delete_count;
    if new_len > LENGTH_MAX {
        return vm.type_error("Invalid array length");
    }
    let removed = species_create(vm, host, object, delete_count)?;
    // A plain array and a fresh result: edit the vectors (no code can run).
    if new_len <= INDEX_END && is_plain_array(vm, object) && f64::from(array_length(vm, object)) == len && fresh_target(vm, removed, object, delete_count) {
        let (first, last) = (start as usize, (start + delete_count) as usize);
        let taken = match &mut vm.heap.get_mut(object).elements {
            Elements::Dense(values) if last <= values.len() => {
                let mut values = std::mem::take(values);
                let taken: Vec<Value> = values.splice(first..last, items.iter().cloned()).collect();
                Some((values, taken))
            }
            _ => None,
        };
        if let Some((values, taken)) = taken {
            store_dense(vm, object, values, new_len);
            vm.heap.grew(items.len() + taken.len());
            store_dense(vm, removed, taken, delete_count);
            charge(vm, host, (len / 8.0) as u64)?;
            return Ok(Value::Object(removed));
        }
    }
    let mut k = 0.0;
    while let Some(offset) = next_present(vm, object, start + k, start + delete_count).map(|index| index - start) {
        charge(vm, host, 1)?;
        let value = get_at(vm, host, object, start + offset)?;
        create_at(vm, removed, offset, value)?;
        k = offset + 1.0;
    }
    set_length(vm, host, removed, delete_count)?;
    if item_count < delete_count {
        move_elements(vm, host, object, start + delete_count, start + item_count, len - delete_count - start, false)?;
        // Delete [new_len, len) from the top down, as the spec's loop does.
        let mut top = len - 1.0;
        while let Some(index) = prev_present(vm, object, top, new_len) {
            charge(vm, host, 1)?;
            delete_at(vm, object, index)?;
            top = index - 1.0;
        }
    } else if item_count > delete_count {
        move_elements(vm, host, object, len - 1.0, len - 1.0 + item_count - delete_count, len - delete_count - start, true)?;
    }
    for (j, item) in items.iter().enumerate() {
        set_at(vm, host, object, start + j as f64, item.clone())?;
    }
    set_length(vm, host, object, new_len)?;
    Ok(Value::Object(removed))
}

pub(super) fn array_length(vm: &Vm, array: ObjId) -> u32 {
    match vm.heap.get(array).kind {
        Kind::Array(state) => state.length,
        _ => 0,
    }
}

/// `Array.prototype.sort` (ECMA-262 23.1.3.30).
pub(super) fn sort(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let comparator = arg(args, 0);
    require_comparator(vm, &comparator)?;
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let items = collect(vm, host, object, len, true)?;
    let sorted = sort_values(vm, host, items, &comparator)?;
    let count = sorted.len() as f64;
    for (j, value) in sorted.into_iter().enumerate() {
        charge(vm, host, 1)?;
        set_at(vm, host, object, j as f64, value)?;
    }
    // The holes found go to the end: delete what is left above the values.
    delete_range(vm, host, object, count, len)?;
    Ok(Value::Object(object))
}

/// Sorts stably by SortCompare (ECMA-262 23.1.3.30.2): undefined last, the
/// rest by the comparator or by their strings (computed once each). A
/// bottom-up merge sort whose comparisons may throw.
pub(in crate::builtins) fn sort_values(vm: &mut Vm, host: &mut dyn Embedder, items: Vec<Value>, comparator: &Value) -> JsResult<Vec<Value>> {
    let mut values = Vec::with_capacity(items.len());
    let mut undefined = 0usize;
    for item in items {
        if item.is_undefined() {
            undefined += 1;
        } else {
            values.push(item);
        }
    }
    let strings = if comparator.is_undefined() {
        let mut strings = Vec::with_capacity(values.len());
        for value in &values {
            charge(vm, host, 1)?;
            strings.push(vm.to_string(host, value)?);
        }
        Some(strings)
    } else {
        None
    };
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    let mut merged: Vec<usize> = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut low = 0;
        while low < n {
            let middle = (low + width).min(n);
            let high = (low + 2 * width).min(n);
            let (mut i, mut j) = (low, middle);
            for slot in low..high {
                let take_right = if i >= middle {
                    true
                } else if j >= high {
                    false
                } else {
                    let (left, right) = (order[i], order[j]);
                    // Stable: the right one goes first only when strictly smaller.
                    sort_compare(vm, host, &values, strings.as_deref(), comparator, right, left)? < 0.0
                };
                if take_right {
                    merged[slot] = order[j];
                    j += 1;
                } else {
                    merged[slot] = order[i];
                    i += 1;
                }
            }
            low = high;
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    let mut sorted: Vec<Value> = order.into_iter().map(|index| values.get(index).cloned().unwrap_or_default()).collect();
    sorted.extend(std::iter::repeat(Value::Undefined).take(undefined));
    Ok(sorted)
}

pub(super) fn sort_compare(
    vm: &mut Vm,
    host: &mut dyn Embedder,
    values: &[Value],
    strings: Option<&[JsStr]>,
    comparator: &Value,
    x: usize,
    y: usize,
) -> JsResult<f64> {
    charge(vm, host, 1)?;
    if let Some(strings) = strings {
        return Ok(match strings.get(x).cmp(&strings.get(y)) {
            std::cmp::Ordering::Less => -1.0,
            std::cmp::Ordering::Equal => 0.0,
            std::cmp::Ordering::Greater => 1.0,
        });
    }
    let args = [values.get(x).cloned().unwrap_or_default(), values.get(y).cloned().unwrap_or_default()];
    let result = vm.call(host, comparator, &Value::Undefined, &args)?;
    let number = vm.to_number(host, &result)?;
    Ok(if number.is_nan() { 0.0 } else { number })
}
