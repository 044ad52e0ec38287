//! The methods that make a new array: concat, slice, flat, flatMap, toReversed, toSorted, toSpliced, with (ECMA-262 23.1.3).

#[allow(unused_imports)]
use super::*;

// ---------------------------------------------------------------------------
// Methods that make a new array.

/// `Array.prototype.concat` (ECMA-262 23.1.3.2).
pub(super) fn concat(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = this_object_named(vm, this, "concat")?;
    let target = species_create(vm, host, object, 0.0)?;
    let mut n = 0.0;
    for element in std::iter::once(Value::Object(object)).chain(args.iter().cloned()) {
        let spreadable = match &element {
            Value::Object(id) => {
                let flag = vm.get(host, &element, Key::Symbol(symbols::IS_CONCAT_SPREADABLE))?;
                if flag.is_undefined() {
                    vm.heap.get(*id).is_array()
                } else {
                    flag.truthy()
                }
            }
            _ => false,
        };
        let spread_source = if spreadable { element.as_object() } else { None };
        let Some(source) = spread_source else {
            if n >= LENGTH_MAX {
                return vm.type_error("Invalid array length");
            }
            create_at(vm, target, n, element)?;
            n += 1.0;
            continue;
        };
        let len = length_of(vm, host, source)?;
        if n + len > LENGTH_MAX {
            return vm.type_error("Invalid array length");
        }
        if n + len <= INDEX_END && source != target && readable_dense(vm, source) && is_plain_array(vm, target) {
            let copied = match &vm.heap.get(source).elements {
                Elements::Dense(values) => values.get(..(len as usize).min(values.len())).map(<[Value]>::to_vec),
                Elements::Sparse(_) => None,
            };
            let at = n as usize;
            let stored = match &vm.heap.get(target).elements {
                Elements::Dense(values) => Some(values.len()),
                Elements::Sparse(_) => None,
            };
            // Appends only at (or a little past) the end of the target's vector.
            let fits = stored.is_some_and(|stored| at >= stored && at - stored <= DENSE_PAD_MAX);
            if let (Some(copied), true) = (copied, fits) {
                let mut values = match &mut vm.heap.get_mut(target).elements {
                    Elements::Dense(values) => std::mem::take(values),
                    Elements::Sparse(_) => Vec::new(),
                };
                vm.heap.grew(at - values.len() + copied.len());
                values.resize(at, Value::Empty);
                values.extend(copied);
                let length = f64::from(array_length(vm, target)).max(values.len() as f64);
                store_dense(vm, target, values, length);
                charge(vm, host, (len / 8.0) as u64)?;
                n += len;
                continue;
            }
        }
        let mut k = 0.0;
        while let Some(index) = next_present(vm, source, k, len) {
            charge(vm, host, 1)?;
            let value = get_at(vm, host, source, index)?;
            create_at(vm, target, n + index, value)?;
            k = index + 1.0;
        }
        n += len;
    }
    set_length(vm, host, target, n)?;
    Ok(Value::Object(target))
}

/// `Array.prototype.slice` (ECMA-262 23.1.3.28).
pub(super) fn slice(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let start = relative_arg(vm, host, &arg(args, 0), len, 0.0)?;
    let end = relative_arg(vm, host, &arg(args, 1), len, len)?;
    let count = (end - start).max(0.0);
    let target = species_create(vm, host, object, count)?;
    if readable_dense(vm, object) && fresh_target(vm, target, object, count) {
        if let Elements::Dense(values) = &vm.heap.get(object).elements {
            let stored = values.len() as f64;
            let piece = values.get(start.min(stored) as usize..end.min(stored).max(start.min(stored)) as usize).map(<[Value]>::to_vec);
            if let Some(piece) = piece {
                vm.heap.grew(piece.len());
                charge(vm, host, (piece.len() / 8) as u64)?;
                store_dense(vm, target, piece, count);
                return Ok(Value::Object(target));
            }
        }
    }
    let mut k = start;
    while let Some(index) = next_present(vm, object, k, end) {
        charge(vm, host, 1)?;
        let value = get_at(vm, host, object, index)?;
        create_at(vm, target, index - start, value)?;
        k = index + 1.0;
    }
    set_length(vm, host, target, count)?;
    Ok(Value::Object(target))
}

/// The stack FlattenIntoArray recurses on, made explicit so deep nesting
/// is a RangeError, not a native stack overflow.
pub(super) struct FlatLevel {
    source: ObjId,
    len: f64,
    next: f64,
    depth: f64,
}

/// FlattenIntoArray (ECMA-262 23.1.3.13.1); `mapper` applies at the top level only.
pub(super) fn flatten(
    vm: &mut Vm,
    host: &mut dyn Embedder,
    target: ObjId,
    source: ObjId,
    len: f64,
    depth: f64,
    mapper: Option<(&Value, &Value)>,
) -> JsResult<()> {
    let mut levels = vec![FlatLevel { source, len, next: 0.0, depth }];
    let mut target_index = 0.0;
    while let Some(level) = levels.last() {
        let (source, len, depth, from) = (level.source, level.len, level.depth, level.next);
        let Some(index) = next_present(vm, source, from, len) else {
            levels.pop();
            continue;
        };
        if let Some(level) = levels.last_mut() {
            level.next = index + 1.0;
        }
        charge(vm, host, 1)?;
        let mut element = get_at(vm, host, source, index)?;
        if levels.len() == 1 {
            if let Some((mapper, this_arg)) = mapper {
                element = vm.call(host, mapper, this_arg, &[element, Value::Number(index), Value::Object(source)])?;
            }
        }
        if depth > 0.0 {
            if let Value::Object(inner) = &element {
                if vm.heap.get(*inner).is_array() {
                    if levels.len() >= crate::exec::CALL_DEPTH_MAX {
                        return vm.range_error("Maximum call stack size exceeded");
                    }
                    let inner = *inner;
                    let inner_len = length_of(vm, host, inner)?;
                    levels.push(FlatLevel { source: inner, len: inner_len, next: 0.0, depth: depth - 1.0 });
                    continue;
                }
            }
        }
        if target_index >= LENGTH_MAX {
            return vm.type_error("Invalid array length");
        }
        create_at(vm, target, target_index, element)?;
        target_index += 1.0;
    }
    Ok(())
}

/// `Array.prototype.flat` (ECMA-262 23.1.3.13).
pub(super) fn flat(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let depth = match arg(args, 0) {
        Value::Undefined => 1.0,
        other => to_integer(vm, host, &other)?.max(0.0),
    };
    let target = species_create(vm, host, object, 0.0)?;
    flatten(vm, host, target, object, len, depth, None)?;
    Ok(Value::Object(target))
}

/// `Array.prototype.flatMap` (ECMA-262 23.1.3.14).
pub(super) fn flat_map(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let mapper = arg(args, 0);
    if !vm.is_callable(&mapper) {
        return vm.type_error("flatMap mapper function is not callable");
    }
    let this_arg = arg(args, 1);
    let target = species_create(vm, host, object, 0.0)?;
    flatten(vm, host, target, object, len, 1.0, Some((&mapper, &this_arg)))?;
    Ok(Value::Object(target))
}

/// A new array of `len` values read by `value_at(k)`; the array is filled
/// as it goes so its memory is counted (ECMA-262 23.1.3.33-.39's copies).
pub(super) fn build_array(
    vm: &mut Vm,
    host: &mut dyn Embedder,
    len: f64,
    mut value_at: impl FnMut(&mut Vm, &mut dyn Embedder, f64) -> JsResult<Value>,
) -> JsResult<Value> {
    if len > INDEX_END {
        return vm.range_error("Invalid array length");
    }
    let array = vm.new_array(Vec::new());
    let mut k = 0.0;
    while k < len {
        charge(vm, host, 1)?;
        let value = value_at(vm, host, k)?;
        vm.heap.put(array, Key::Index(k as u32), value, DEFAULT_ATTRS);
        k += 1.0;
    }
    Ok(Value::Object(array))
}

/// `Array.prototype.toReversed` (ECMA-262 23.1.3.33).
pub(super) fn to_reversed(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    build_array(vm, host, len, |vm, host, k| get_at(vm, host, object, len - 1.0 - k))
}

/// `Array.prototype.toSorted` (ECMA-262 23.1.3.34).
pub(super) fn to_sorted(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let comparator = arg(args, 0);
    require_comparator(vm, &comparator)?;
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    if len > INDEX_END {
        return vm.range_error("Invalid array length");
    }
    let items = collect(vm, host, object, len, false)?;
    let sorted = sort_values(vm, host, items, &comparator)?;
    Ok(Value::Object(vm.new_array(sorted)))
}

/// `Array.prototype.toSpliced` (ECMA-262 23.1.3.35).
pub(super) fn to_spliced(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let start = relative(to_integer(vm, host, &arg(args, 0))?, len);
    let items = args.get(2..).unwrap_or(&[]);
    let item_count = items.len() as f64;
    let skip_count = match args.len() {
        0 => 0.0,
        1 => len - start,
        _ => to_integer(vm, host, &arg(args, 1))?.clamp(0.0, len - start),
    };
    let new_len = len + item_count - skip_count;
    if new_len > LENGTH_MAX {
        return vm.type_error("Invalid array length");
    }
    build_array(vm, host, new_len, |vm, host, k| {
        if k < start {
            get_at(vm, host, object, k)
        } else if k < start + item_count {
            Ok(items.get((k - start) as usize).cloned().unwrap_or_default())
        } else {
            get_at(vm, host, object, k - item_count + skip_count)
        }
    })
}

/// `Array.prototype.with` (ECMA-262 23.1.3.39).
pub(super) fn with(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let number = vm.to_number(host, &arg(args, 0))?;
    let relative_index = integer_of(number);
    let actual = if relative_index >= 0.0 { relative_index } else { len + relative_index };
    if actual >= len || actual < 0.0 {
        return vm.range_error(&format!("Invalid index : {}", crate::number::number_to_string(number)));
    }
    let value = arg(args, 1);
    build_array(vm, host, len, |vm, host, k| if k == actual { Ok(value.clone()) } else { get_at(vm, host, object, k) })
}
