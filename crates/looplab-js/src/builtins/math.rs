//! `Math` (ECMA-262 21.3): the namespace object, its value properties and
//! its functions.
//!
//! The transcendental functions are a port of V8's fdlibm
//! (`src/base/ieee754.cc`, from FreeBSD msun, as Node 20 ships it), so each
//! result is bit-identical to Node's, on every target. The platform's libm
//! (glibc on the CLI, Rust's port of musl on wasm) differs from Node in the
//! last bit on some arguments (glibc: 0.03% for expm1, 2% for sin, 4% for exp,
//! 6% for pow, half of all for cbrt), and differently per target. Only the
//! IEEE-exact operations (sqrt, floor, ceil, trunc, abs) come from the platform.

use super::arg;
use crate::ieee754;
use crate::object::NativeFn;
use crate::shape::CONFIGURABLE;
use crate::value::{Key, ObjId, Value};
use crate::vm::symbols;
use crate::{Embedder, JsResult, Vm};

pub(super) fn install(vm: &mut Vm) {
    let math = vm.new_object();
    // V8's property order (`Object.getOwnPropertyNames(Math)` in Node 20).
    let functions: [(&str, u32, NativeFn); 35] = [
        ("abs", 1, abs),
        ("acos", 1, acos),
        ("acosh", 1, acosh),
        ("asin", 1, asin),
        ("asinh", 1, asinh),
        ("atan", 1, atan),
        ("atanh", 1, atanh),
        ("atan2", 2, atan2),
        ("ceil", 1, ceil),
        ("cbrt", 1, cbrt),
        ("expm1", 1, expm1),
        ("clz32", 1, clz32),
        ("cos", 1, cos),
        ("cosh", 1, cosh),
        ("exp", 1, exp),
        ("floor", 1, floor),
        ("fround", 1, fround),
        ("hypot", 2, hypot),
        ("imul", 2, imul),
        ("log", 1, log),
        ("log1p", 1, log1p),
        ("log2", 1, log2),
        ("log10", 1, log10),
        ("max", 2, max),
        ("min", 2, min),
        ("pow", 2, pow),
        ("random", 0, random),
        ("round", 1, round),
        ("sign", 1, sign),
        ("sin", 1, sin),
        ("sinh", 1, sinh),
        ("sqrt", 1, sqrt),
        ("tan", 1, tan),
        ("tanh", 1, tanh),
        ("trunc", 1, trunc),
    ];
    for (name, length, f) in functions {
        vm.define_method(math, name, length, f);
    }
    // 21.3.1: the value properties are { [[Writable]]: false, [[Enumerable]]: false, [[Configurable]]: false }.
    let constants = [
        ("E", std::f64::consts::E),
        ("LN10", std::f64::consts::LN_10),
        ("LN2", std::f64::consts::LN_2),
        ("LOG10E", std::f64::consts::LOG10_E),
        ("LOG2E", std::f64::consts::LOG2_E),
        ("PI", std::f64::consts::PI),
        ("SQRT1_2", std::f64::consts::FRAC_1_SQRT_2),
        ("SQRT2", std::f64::consts::SQRT_2),
    ];
    for (name, value) in constants {
        let key = vm.key(name);
        vm.heap.put(math, key, Value::Number(value), 0);
    }
    // 21.3.1.9: Math[@@toStringTag] is "Math", configurable only.
    vm.heap.put(math, Key::Symbol(symbols::TO_STRING_TAG), Value::str("Math"), CONFIGURABLE);
    let global = vm.intrinsics.global;
    vm.define_value(global, "Math", Value::Object(math));
}

/// Number::exponentiate (ECMA-262 6.1.6.1.3), shared by `Math.pow` and
/// `**`: V8 uses one function for both, so the operator should call this
/// too (exec.rs's `js_pow` uses `powf`, which is the platform's libm).
pub(crate) fn exponentiate(base: f64, exponent: f64) -> f64 {
    ieee754::pow(base, exponent)
}

/// The one-argument functions: ToNumber(x), then the operation.
macro_rules! unary {
    ($($(#[$doc:meta])* $name:ident => $op:expr;)*) => {$(
        $(#[$doc])*
        fn $name(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
            let x = vm.to_number(host, &arg(args, 0))?;
            let op: fn(f64) -> f64 = $op;
            Ok(Value::Number(op(x)))
        }
    )*};
}

unary! {
    /// 21.3.2.1
    abs => f64::abs;
    /// 21.3.2.2
    acos => ieee754::acos;
    /// 21.3.2.3
    acosh => ieee754::acosh;
    /// 21.3.2.4
    asin => ieee754::asin;
    /// 21.3.2.5
    asinh => ieee754::asinh;
    /// 21.3.2.6
    atan => ieee754::atan;
    /// 21.3.2.7
    atanh => ieee754::atanh;
    /// 21.3.2.9
    cbrt => ieee754::cbrt;
    /// 21.3.2.10: `ceil` keeps the sign of a zero result (ceil(-0.5) is -0).
    ceil => f64::ceil;
    /// 21.3.2.12
    cos => ieee754::cos;
    /// 21.3.2.13
    cosh => ieee754::cosh;
    /// 21.3.2.14
    exp => ieee754::exp;
    /// 21.3.2.15
    expm1 => ieee754::expm1;
    /// 21.3.2.16
    floor => f64::floor;
    /// 21.3.2.17: round to the nearest binary32, ties to even (what `as f32` does).
    fround => |x| x as f32 as f64;
    /// 21.3.2.20
    log => ieee754::log;
    /// 21.3.2.21
    log1p => ieee754::log1p;
    /// 21.3.2.22
    log10 => ieee754::log10;
    /// 21.3.2.23
    log2 => ieee754::log2;
    /// 21.3.2.28
    round => round_half_up;
    /// 21.3.2.29: NaN, +0 and -0 are returned as they are.
    sign => |x| if x.is_nan() || x == 0.0 { x } else { 1.0f64.copysign(x) };
    /// 21.3.2.30
    sin => ieee754::sin;
    /// 21.3.2.31
    sinh => ieee754::sinh;
    /// 21.3.2.32
    sqrt => f64::sqrt;
    /// 21.3.2.33
    tan => ieee754::tan;
    /// 21.3.2.34
    tanh => ieee754::tanh;
    /// 21.3.2.35
    trunc => f64::trunc;
}

/// `Math.round` (21.3.2.28): the integer closest to x, halves toward +∞;
/// a result of zero keeps x's sign (round(-0.4) and round(-0.5) are -0).
/// This is V8's Float64Round: ceil, then step back if that went more than
/// a half up. Unlike `floor(x + 0.5)` it never rounds 0.49999999999999994
/// up, and unlike Rust's `round` it does not round halves away from zero.
pub(crate) fn round_half_up(x: f64) -> f64 {
    let up = x.ceil();
    if up - 0.5 > x {
        up - 1.0
    } else {
        up
    }
}

/// `Math.atan2(y, x)` (21.3.2.8): y is converted first.
fn atan2(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let y = vm.to_number(host, &arg(args, 0))?;
    let x = vm.to_number(host, &arg(args, 1))?;
    Ok(Value::Number(ieee754::atan2(y, x)))
}

/// `Math.clz32(x)` (21.3.2.11): leading zero bits of ToUint32(x).
fn clz32(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let x = vm.to_number(host, &arg(args, 0))?;
    Ok(Value::Number(f64::from(crate::number::to_uint32(x).leading_zeros())))
}

/// `Math.hypot(...args)` (21.3.2.18): every argument is converted before
/// any is looked at; an infinity wins over a NaN. The sum is V8's: each
/// term scaled by the largest, added with Kahan compensation, so that
/// results (and their last bits) match Node's.
fn hypot(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let mut magnitudes = Vec::with_capacity(args.len());
    let mut saw_nan = false;
    let mut largest = 0.0f64;
    for value in args {
        let n = vm.to_number(host, value)?;
        if n.is_nan() {
            saw_nan = true;
            magnitudes.push(0.0);
        } else {
            let magnitude = n.abs();
            largest = largest.max(magnitude);
            magnitudes.push(magnitude);
        }
    }
    if largest == f64::INFINITY {
        return Ok(Value::Number(f64::INFINITY));
    }
    if saw_nan {
        return Ok(Value::Number(f64::NAN));
    }
    if largest == 0.0 {
        return Ok(Value::Number(0.0));
    }
    let mut sum = 0.0f64;
    let mut compensation = 0.0f64;
    for magnitude in magnitudes {
        let scaled = magnitude / largest;
        let summand = scaled * scaled - compensation;
        let preliminary = sum + summand;
        compensation = (preliminary - sum) - summand;
        sum = preliminary;
    }
    Ok(Value::Number(sum.sqrt() * largest))
}

/// `Math.imul(a, b)` (21.3.2.19): the low 32 bits of the product, signed.
fn imul(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let a = crate::number::to_int32(vm.to_number(host, &arg(args, 0))?);
    let b = crate::number::to_int32(vm.to_number(host, &arg(args, 1))?);
    Ok(Value::Number(f64::from(a.wrapping_mul(b))))
}

/// `Math.max(...args)` (21.3.2.24): ToNumber on every argument, in order,
/// even after a NaN (each may have side effects); +0 is larger than -0.
fn max(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let mut result = f64::NEG_INFINITY;
    let mut saw_nan = false;
    for value in args {
        let n = vm.to_number(host, value)?;
        if n.is_nan() {
            saw_nan = true;
        } else if n > result || (n == 0.0 && result == 0.0 && result.is_sign_negative()) {
            result = n;
        }
    }
    Ok(Value::Number(if saw_nan { f64::NAN } else { result }))
}

/// `Math.min(...args)` (21.3.2.25): as `max`, with -0 smaller than +0.
fn min(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let mut result = f64::INFINITY;
    let mut saw_nan = false;
    for value in args {
        let n = vm.to_number(host, value)?;
        if n.is_nan() {
            saw_nan = true;
        } else if n < result || (n == 0.0 && result == 0.0 && n.is_sign_negative()) {
            result = n;
        }
    }
    Ok(Value::Number(if saw_nan { f64::NAN } else { result }))
}

/// `Math.pow(base, exponent)` (21.3.2.26): Number::exponentiate, so a NaN
/// exponent gives NaN and ±1 ** ±Infinity is NaN (not IEEE's 1).
fn pow(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let base = vm.to_number(host, &arg(args, 0))?;
    let exponent = vm.to_number(host, &arg(args, 1))?;
    Ok(Value::Number(exponentiate(base, exponent)))
}

/// `Math.random()` (21.3.2.27): the embedder's seeded generator, so runs
/// replay.
fn random(_vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    Ok(Value::Number(host.random()))
}
