//! `join`, `toString`, `toLocaleString` (cycles print as empty) and the array iterators (ECMA-262 23.1.3).

#[allow(unused_imports)]
use super::*;

// ---------------------------------------------------------------------------
// Strings.

thread_local! {
    /// The objects being joined now: V8 joins an array that contains itself
    /// as "" where it meets it again (the spec would recurse until the stack
    /// overflows).
    static JOINING: RefCell<Vec<ObjId>> = const { RefCell::new(Vec::new()) };
}

pub(super) fn join_enter(object: ObjId) -> bool {
    JOINING.with(|stack| {
        let mut stack = stack.borrow_mut();
        if stack.contains(&object) {
            return false;
        }
        stack.push(object);
        true
    })
}

pub(super) fn join_exit(object: ObjId) {
    JOINING.with(|stack| {
        let mut stack = stack.borrow_mut();
        if let Some(position) = stack.iter().rposition(|entry| *entry == object) {
            stack.remove(position);
        }
    })
}

/// `Array.prototype.join` (ECMA-262 23.1.3.18).
pub(super) fn join(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let separator = match arg(args, 0) {
        Value::Undefined => JsStr::from_str(","),
        other => vm.to_string(host, &other)?,
    };
    join_guarded(vm, host, object, len, &separator, None)
}

/// `Array.prototype.toLocaleString` (ECMA-262 23.1.3.32, with ECMA-402's
/// locales and options passed on, as Node does).
pub(super) fn to_locale_string(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(this)?;
    let len = length_of(vm, host, object)?;
    let locale_args = [arg(args, 0), arg(args, 1)];
    join_guarded(vm, host, object, len, &JsStr::from_str(","), Some(&locale_args[..]))
}

pub(super) fn join_guarded(vm: &mut Vm, host: &mut dyn Embedder, object: ObjId, len: f64, separator: &JsStr, locale: Option<&[Value]>) -> JsResult<Value> {
    if !join_enter(object) {
        return Ok(Value::String(JsStr::empty()));
    }
    let result = join_elements(vm, host, object, len, separator, locale);
    join_exit(object);
    result
}

pub(super) fn join_elements(vm: &mut Vm, host: &mut dyn Embedder, object: ObjId, len: f64, separator: &JsStr, locale: Option<&[Value]>) -> JsResult<Value> {
    let limit = crate::STRING_LENGTH_MAX as f64;
    if len > 1.0 && (len - 1.0) * separator.len() as f64 > limit {
        return vm.range_error("Invalid string length");
    }
    let locale_key = vm.key("toLocaleString");
    let separator_units = separator.units();
    let mut out: Vec<u16> = Vec::new();
    let mut k = 0.0;
    loop {
        // Absent indices read as undefined (""): only their separators remain.
        let next = next_present(vm, object, k, len);
        let upto = next.unwrap_or(len);
        let first = k.max(1.0);
        if upto > first && !separator_units.is_empty() {
            let mut count = upto - first;
            while count > 0.0 {
                out.extend_from_slice(&separator_units);
                count -= 1.0;
            }
        }
        let Some(index) = next else { break };
        charge(vm, host, 1)?;
        if index > 0.0 {
            out.extend_from_slice(&separator_units);
        }
        let element = get_at(vm, host, object, index)?;
        if !element.is_nullish() {
            let text = match locale {
                None => vm.to_string(host, &element)?,
                Some(locale_args) => {
                    let method = vm.get(host, &element, locale_key)?;
                    require_callable(vm, &method)?;
                    let result = vm.call(host, &method, &element, locale_args)?;
                    vm.to_string(host, &result)?
                }
            };
            if (out.len() + text.len()) as f64 > limit {
                return vm.range_error("Invalid string length");
            }
            out.extend(text.iter());
        }
        k = index + 1.0;
    }
    if out.len() > crate::STRING_LENGTH_MAX {
        return vm.range_error("Invalid string length");
    }
    Ok(Value::String(JsStr::from_units(out)))
}

/// `Array.prototype.toString` (ECMA-262 23.1.3.36).
pub(super) fn to_string(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let array = Value::Object(vm.to_object(this)?);
    let join = vm.get(host, &array, Key::Atom(atoms::JOIN))?;
    if vm.is_callable(&join) {
        return vm.call(host, &join, &array, &[]);
    }
    let fallback = vm.current_native_data();
    if vm.is_callable(&fallback) {
        return vm.call(host, &fallback, &array, &[]);
    }
    Ok(Value::str("[object Object]"))
}

// ---------------------------------------------------------------------------
// Iterators.

pub(super) fn array_iterator(vm: &mut Vm, this: &Value, kind: IterKind) -> JsResult<Value> {
    let target = vm.to_object(this)?;
    let proto = vm.intrinsics.array_iterator_prototype;
    let state = IterState::Array { target: Some(target), index: 0, kind };
    Ok(Value::Object(vm.heap.alloc(Some(proto), Kind::Iterator(Box::new(state)), 0)))
}

/// `Array.prototype.keys` (ECMA-262 23.1.3.19).
pub(super) fn keys(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    array_iterator(vm, this, IterKind::Keys)
}

/// `Array.prototype.entries` (ECMA-262 23.1.3.5).
pub(super) fn entries(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    array_iterator(vm, this, IterKind::Entries)
}
