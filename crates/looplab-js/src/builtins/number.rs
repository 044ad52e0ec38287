//! `Number` and `Boolean` (ECMA-262 21.1, 20.3), and the global number
//! functions `parseInt`, `parseFloat`, `isNaN`, `isFinite` (19.2).
//! The conversions themselves (digits, radixes, parsing) are `crate::number`'s.

use super::{arg, link_constructor};
use crate::atoms;
use crate::number;
use crate::object::{Kind, NativeFn};
use crate::string::JsStr;
use crate::value::{Key, ObjId, Value};
use crate::{Embedder, JsResult, Vm};

pub(super) fn install(vm: &mut Vm) {
    install_number(vm);
    install_boolean(vm);
}

fn install_number(vm: &mut Vm) {
    let prototype = vm.intrinsics.number_prototype;
    let constructor = vm.native_function("Number", 1, number_constructor);
    link_constructor(vm, "Number", constructor, prototype);

    // V8's property order (`Object.getOwnPropertyNames(Number.prototype)`).
    let methods: [(&str, u32, NativeFn); 6] = [
        ("toExponential", 1, to_exponential),
        ("toFixed", 1, to_fixed),
        ("toPrecision", 1, to_precision),
        ("toString", 1, number_to_string),
        ("valueOf", 0, number_value_of),
        ("toLocaleString", 0, to_locale_string),
    ];
    for (name, length, f) in methods {
        vm.define_method(prototype, name, length, f);
    }

    let statics: [(&str, NativeFn); 4] =
        [("isFinite", number_is_finite), ("isInteger", number_is_integer), ("isNaN", number_is_nan), ("isSafeInteger", number_is_safe_integer)];
    for (name, f) in statics {
        vm.define_method(constructor, name, 1, f);
    }

    // 21.1.2.12, 21.1.2.13: Number.parseFloat and Number.parseInt are the
    // very function objects of the globals (`Number.parseInt === parseInt`).
    let global = vm.intrinsics.global;
    let parse_float = vm.native_function("parseFloat", 1, global_parse_float);
    let parse_int = vm.native_function("parseInt", 2, global_parse_int);
    vm.define_value(constructor, "parseFloat", Value::Object(parse_float));
    vm.define_value(constructor, "parseInt", Value::Object(parse_int));
    vm.define_value(global, "parseFloat", Value::Object(parse_float));
    let eval = vm.native_function("eval", 1, super::function::global_eval);
    vm.define_value(global, "eval", Value::Object(eval));
    vm.eval_function = Some(eval);
    vm.define_value(global, "parseInt", Value::Object(parse_int));
    vm.define_method(global, "isNaN", 1, global_is_nan);
    vm.define_method(global, "isFinite", 1, global_is_finite);

    // 21.1.2: the value properties are { [[Writable]]: false, [[Enumerable]]: false, [[Configurable]]: false }.
    let constants = [
        ("MAX_VALUE", f64::MAX),
        ("MIN_VALUE", f64::from_bits(1)), // 5e-324, the smallest subnormal
        ("NaN", f64::NAN),
        ("NEGATIVE_INFINITY", f64::NEG_INFINITY),
        ("POSITIVE_INFINITY", f64::INFINITY),
        ("MAX_SAFE_INTEGER", MAX_SAFE_INTEGER),
        ("MIN_SAFE_INTEGER", -MAX_SAFE_INTEGER),
        ("EPSILON", f64::EPSILON), // 2^-52
    ];
    for (name, value) in constants {
        let key = vm.key(name);
        vm.heap.put(constructor, key, Value::Number(value), 0);
    }
}

fn install_boolean(vm: &mut Vm) {
    let prototype = vm.intrinsics.boolean_prototype;
    let constructor = vm.native_function("Boolean", 1, boolean_constructor);
    link_constructor(vm, "Boolean", constructor, prototype);
    vm.define_method(prototype, "toString", 0, boolean_to_string);
    vm.define_method(prototype, "valueOf", 0, boolean_value_of);
}

/// 2^53 - 1.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// ToIntegerOrInfinity (ECMA-262 7.1.5): NaN is 0, everything else is
/// truncated (and -0 becomes +0).
fn to_integer_or_infinity(vm: &mut Vm, host: &mut dyn Embedder, value: &Value) -> JsResult<f64> {
    let n = vm.to_number(host, value)?;
    Ok(if n.is_nan() { 0.0 } else { n.trunc() + 0.0 })
}

/// GetPrototypeFromConstructor (ECMA-262 10.1.14) for a wrapper built by
/// `new`: `newTarget.prototype` when it is an object (a subclass's), else
/// the intrinsic.
fn prototype_from(vm: &mut Vm, host: &mut dyn Embedder, new_target: ObjId, fallback: ObjId) -> JsResult<ObjId> {
    let prototype = vm.get(host, &Value::Object(new_target), Key::Atom(atoms::PROTOTYPE))?;
    Ok(prototype.as_object().unwrap_or(fallback))
}

// ---------------------------------------------------------------------------
// Number
// ---------------------------------------------------------------------------

/// `Number(value)` (21.1.1.1): called, a conversion (no argument is +0,
/// an explicit `undefined` is NaN); with `new`, a Number wrapper object.
fn number_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    let n = match args.first() {
        Some(value) => vm.to_number(host, value)?,
        None => 0.0,
    };
    let Some(new_target) = new_target else { return Ok(Value::Number(n)) };
    // The prototype is read after the conversion, as OrdinaryCreateFromConstructor is step 4.
    let fallback = vm.intrinsics.number_prototype;
    let proto = prototype_from(vm, host, new_target, fallback)?;
    Ok(Value::Object(vm.heap.alloc(Some(proto), Kind::Number(n), 0)))
}

/// thisNumberValue (21.1.3.7.1): a number, or a Number wrapper's
/// [[NumberData]]; anything else is V8's TypeError naming the method.
fn this_number_value(vm: &mut Vm, this: &Value, method: &str) -> JsResult<f64> {
    match this {
        Value::Number(n) => return Ok(*n),
        Value::Object(id) => {
            if let Kind::Number(n) = vm.heap.get(*id).kind {
                return Ok(n);
            }
        }
        _ => {}
    }
    vm.type_error(&format!("Number.prototype.{method} requires that 'this' be a Number"))
}

fn string_value(text: String) -> Value {
    Value::String(JsStr::from_string(text))
}

/// `Number.prototype.toExponential(fractionDigits)` (21.1.3.2): the digits
/// are converted before NaN and the infinities return early, and only then
/// range-checked.
fn to_exponential(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let x = this_number_value(vm, this, "toExponential")?;
    let digits_arg = arg(args, 0);
    let f = to_integer_or_infinity(vm, host, &digits_arg)?;
    if !x.is_finite() {
        return Ok(string_value(number::number_to_string(x)));
    }
    if !(0.0..=100.0).contains(&f) {
        return vm.range_error("toExponential() argument must be between 0 and 100");
    }
    // An undefined fractionDigits means "as many digits as it takes".
    let digits = if digits_arg.is_undefined() { None } else { Some(f as u32) };
    Ok(string_value(number::to_exponential(x, digits)))
}

/// `Number.prototype.toFixed(fractionDigits)` (21.1.3.3): the range check
/// comes before the non-finite early return, so `NaN.toFixed(101)` throws.
fn to_fixed(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let x = this_number_value(vm, this, "toFixed")?;
    let f = to_integer_or_infinity(vm, host, &arg(args, 0))?;
    if !(0.0..=100.0).contains(&f) {
        return vm.range_error("toFixed() digits argument must be between 0 and 100");
    }
    // number::to_fixed prints NaN, and ToString for |x| >= 10^21 and the infinities.
    Ok(string_value(number::to_fixed(x, f as u32)))
}

/// `Number.prototype.toPrecision(precision)` (21.1.3.5): an undefined
/// precision is plain ToString; otherwise converted, then non-finite
/// values return early, then the range check.
fn to_precision(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let x = this_number_value(vm, this, "toPrecision")?;
    let precision = arg(args, 0);
    if precision.is_undefined() {
        return Ok(string_value(number::number_to_string(x)));
    }
    let p = to_integer_or_infinity(vm, host, &precision)?;
    if !x.is_finite() {
        return Ok(string_value(number::number_to_string(x)));
    }
    if !(1.0..=100.0).contains(&p) {
        return vm.range_error("toPrecision() argument must be between 1 and 100");
    }
    Ok(string_value(number::to_precision(x, p as u32)))
}

/// `Number.prototype.toString(radix)` (21.1.3.6): radix 10 unless given;
/// other radixes print V8's digits (number::number_to_radix_string).
fn number_to_string(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let x = this_number_value(vm, this, "toString")?;
    number_to_string_radix(vm, host, x, &arg(args, 0))
}

fn number_to_string_radix(vm: &mut Vm, host: &mut dyn Embedder, x: f64, radix: &Value) -> JsResult<Value> {
    let radix = if radix.is_undefined() { 10.0 } else { to_integer_or_infinity(vm, host, radix)? };
    if !(2.0..=36.0).contains(&radix) {
        return vm.range_error("toString() radix argument must be between 2 and 36");
    }
    let radix = radix as u32;
    let text = if radix == 10 { number::number_to_string(x) } else { number::number_to_radix_string(x, radix) };
    Ok(string_value(text))
}

/// `Number.prototype.toLocaleString()` (21.1.3.4): without Intl, the
/// spec allows ToString's format; V8 with ICU groups digits instead
/// ("1,234.5"), which this does not do yet.
fn to_locale_string(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let x = this_number_value(vm, this, "toLocaleString")?;
    Ok(string_value(number::number_to_string(x)))
}

/// `Number.prototype.valueOf()` (21.1.3.7).
fn number_value_of(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    Ok(Value::Number(this_number_value(vm, this, "valueOf")?))
}

/// `Number.isFinite(number)` (21.1.2.2): no conversion; only numbers qualify.
fn number_is_finite(_vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    Ok(Value::Bool(matches!(args.first(), Some(Value::Number(n)) if n.is_finite())))
}

/// IsIntegralNumber (ECMA-262 7.2.6).
fn is_integral(n: f64) -> bool {
    n.is_finite() && n.trunc() == n
}

/// `Number.isInteger(number)` (21.1.2.3).
fn number_is_integer(_vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    Ok(Value::Bool(matches!(args.first(), Some(Value::Number(n)) if is_integral(*n))))
}

/// `Number.isNaN(number)` (21.1.2.4): no conversion (`Number.isNaN("x")` is false).
fn number_is_nan(_vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    Ok(Value::Bool(matches!(args.first(), Some(Value::Number(n)) if n.is_nan())))
}

/// `Number.isSafeInteger(number)` (21.1.2.5): integral and |n| <= 2^53 - 1.
fn number_is_safe_integer(_vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    Ok(Value::Bool(matches!(args.first(), Some(Value::Number(n)) if is_integral(*n) && n.abs() <= MAX_SAFE_INTEGER)))
}

// ---------------------------------------------------------------------------
// The global functions (19.2)
// ---------------------------------------------------------------------------

/// `isFinite(number)` (19.2.2): ToNumber first, unlike `Number.isFinite`.
fn global_is_finite(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let n = vm.to_number(host, &arg(args, 0))?;
    Ok(Value::Bool(n.is_finite()))
}

/// `isNaN(number)` (19.2.3): ToNumber first (`isNaN("x")` is true).
fn global_is_nan(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let n = vm.to_number(host, &arg(args, 0))?;
    Ok(Value::Bool(n.is_nan()))
}

/// `parseFloat(string)` (19.2.4): ToString, then the longest decimal prefix.
fn global_parse_float(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let text = vm.to_string(host, &arg(args, 0))?;
    Ok(Value::Number(text.with_units(number::parse_float)))
}

/// `parseInt(string, radix)` (19.2.5): ToString(string) before
/// ToInt32(radix); number::parse_int does the rest (0 means 10 or 0x-16).
fn global_parse_int(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let text = vm.to_string(host, &arg(args, 0))?;
    let radix = number::to_int32(vm.to_number(host, &arg(args, 1))?);
    Ok(Value::Number(text.with_units(|units| number::parse_int(units, radix))))
}

// ---------------------------------------------------------------------------
// Boolean
// ---------------------------------------------------------------------------

/// `Boolean(value)` (20.3.1.1): called, ToBoolean; with `new`, a Boolean
/// wrapper object (which is itself truthy, even for `false`).
fn boolean_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    let b = arg(args, 0).truthy();
    let Some(new_target) = new_target else { return Ok(Value::Bool(b)) };
    let fallback = vm.intrinsics.boolean_prototype;
    let proto = prototype_from(vm, host, new_target, fallback)?;
    Ok(Value::Object(vm.heap.alloc(Some(proto), Kind::Boolean(b), 0)))
}

/// thisBooleanValue (20.3.3.3.1).
fn this_boolean_value(vm: &mut Vm, this: &Value, method: &str) -> JsResult<bool> {
    match this {
        Value::Bool(b) => return Ok(*b),
        Value::Object(id) => {
            if let Kind::Boolean(b) = vm.heap.get(*id).kind {
                return Ok(b);
            }
        }
        _ => {}
    }
    vm.type_error(&format!("Boolean.prototype.{method} requires that 'this' be a Boolean"))
}

/// `Boolean.prototype.toString()` (20.3.3.2).
fn boolean_to_string(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let b = this_boolean_value(vm, this, "toString")?;
    Ok(Value::str(if b { "true" } else { "false" }))
}

/// `Boolean.prototype.valueOf()` (20.3.3.3).
fn boolean_value_of(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    Ok(Value::Bool(this_boolean_value(vm, this, "valueOf")?))
}
