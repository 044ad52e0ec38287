//! The ECMAScript built-ins the subset needs: Promise, Array, String,
//! Object, Math, JSON, Error, Map and Set, and `console.log`'s formatting.
//! Node's own APIs are in `node.rs`.

use crate::value::*;
use crate::vm::{array_index, JsResult, Unwind, Vm};
use looplab_core::Host;
use std::rc::Rc;

/// The longest string a program may make: V8's limit is 2^29 - 24 UTF-16
/// units (about 1 GB); ours is 64 MiB, so the page's wasm memory holds it
/// and the strings made from it.
pub const STRING_BYTES_MAX: usize = 64 * 1024 * 1024;

/// Virtual cost of reading the clock (`Date.now()`, `performance.now()`):
/// about 30 ns in V8 on Linux (a vDSO clock_gettime plus the call), so a
/// `while (Date.now() - t < 200) {}` busy-wait spins as many times as in Node.
pub const CLOCK_READ_PS: u64 = 30_000;

/// Builds the prototypes and the global object.
pub fn new_realm() -> crate::vm::Realm {
    let object_prototype = Object::new(Class::Plain, None);
    let proto = |class: Class| Object::new(class, Some(object_prototype.clone()));
    let function_prototype = proto(Class::Plain);

    crate::vm::Realm {
        global: proto(Class::Plain),
        array_prototype: proto(Class::Plain),
        string_prototype: proto(Class::Plain),
        number_prototype: proto(Class::Plain),
        promise_prototype: proto(Class::Plain),
        error_prototype: proto(Class::Plain),
        iterator_prototype: proto(Class::Plain),
        map_prototype: proto(Class::Plain),
        set_prototype: proto(Class::Plain),
        buffer_prototype: proto(Class::Plain),
        promise_constructor: proto(Class::Plain),
        function_prototype,
        object_prototype,
    }
}

/// Installs the built-ins into a fresh VM's realm.
pub fn install(vm: &mut Vm) {
    let define = |vm: &Vm, target: &ObjRef, name: &str, op: NativeOp| {
        let function = vm.native(name, op, Vec::new());
        target.borrow_mut().set_own(name, function);
    };
    let realm = &vm.realm;
    let (
        global,
        object_prototype,
        function_prototype,
        array_prototype,
        string_prototype,
        number_prototype,
        promise_prototype,
        error_prototype,
        map_prototype,
        set_prototype,
    ) = (
        realm.global.clone(),
        realm.object_prototype.clone(),
        realm.function_prototype.clone(),
        realm.array_prototype.clone(),
        realm.string_prototype.clone(),
        realm.number_prototype.clone(),
        realm.promise_prototype.clone(),
        realm.error_prototype.clone(),
        realm.map_prototype.clone(),
        realm.set_prototype.clone(),
    );

    define(vm, &object_prototype, "hasOwnProperty", NativeOp::HasOwnProperty);
    define(vm, &object_prototype, "toString", NativeOp::ObjectToString);
    define(vm, &function_prototype, "call", NativeOp::FunctionCall);
    define(vm, &function_prototype, "apply", NativeOp::FunctionApply);
    define(vm, &function_prototype, "bind", NativeOp::FunctionBind);

    for (name, op) in [
        ("push", NativeOp::ArrayPush),
        ("pop", NativeOp::ArrayPop),
        ("shift", NativeOp::ArrayShift),
        ("unshift", NativeOp::ArrayUnshift),
        ("slice", NativeOp::ArraySlice),
        ("splice", NativeOp::ArraySplice),
        ("concat", NativeOp::ArrayConcat),
        ("join", NativeOp::ArrayJoin),
        ("reverse", NativeOp::ArrayReverse),
        ("indexOf", NativeOp::ArrayIndexOf),
        ("includes", NativeOp::ArrayIncludes),
        ("sort", NativeOp::ArraySort),
        ("map", NativeOp::ArrayMap),
        ("filter", NativeOp::ArrayFilter),
        ("forEach", NativeOp::ArrayForEach),
        ("reduce", NativeOp::ArrayReduce),
        ("some", NativeOp::ArraySome),
        ("every", NativeOp::ArrayEvery),
        ("find", NativeOp::ArrayFind),
        ("findIndex", NativeOp::ArrayFindIndex),
        ("fill", NativeOp::ArrayFill),
        ("keys", NativeOp::ArrayKeys),
        ("flat", NativeOp::ArrayFlat),
        ("toString", NativeOp::ArrayJoin),
    ] {
        define(vm, &array_prototype, name, op);
    }
    for name in [
        "toUpperCase",
        "toLowerCase",
        "trim",
        "trimStart",
        "trimEnd",
        "split",
        "slice",
        "substring",
        "indexOf",
        "includes",
        "startsWith",
        "endsWith",
        "repeat",
        "padStart",
        "padEnd",
        "charAt",
        "charCodeAt",
        "replace",
        "replaceAll",
        "concat",
        "lastIndexOf",
        "at",
        "toString",
    ] {
        let function = vm.native(name, NativeOp::StringMethod, Vec::new());
        string_prototype.borrow_mut().set_own(name, function);
    }
    define(vm, &number_prototype, "toFixed", NativeOp::NumberToFixed);
    define(vm, &number_prototype, "toString", NativeOp::NumberToString);
    define(vm, &promise_prototype, "then", NativeOp::PromiseThen);
    define(vm, &promise_prototype, "catch", NativeOp::PromiseCatch);
    define(vm, &promise_prototype, "finally", NativeOp::PromiseFinally);
    for name in ["get", "set", "has", "delete", "clear", "forEach", "keys", "values", "entries"] {
        let function = vm.native(name, NativeOp::MapMethod, Vec::new());
        map_prototype.borrow_mut().set_own(name, function);
    }
    for name in ["add", "has", "delete", "clear", "forEach", "values", "keys"] {
        let function = vm.native(name, NativeOp::SetMethod, Vec::new());
        set_prototype.borrow_mut().set_own(name, function);
    }
    error_prototype.borrow_mut().set_own("name", Value::str("Error"));
    error_prototype.borrow_mut().set_own("message", Value::str(""));

    // Constructors and namespaces.
    let constructor = |vm: &Vm, name: &str, op: NativeOp, prototype: &ObjRef| {
        let function = vm.native(name, op, Vec::new());
        if let Value::Object(object) = &function {
            object.borrow_mut().set_own("prototype", Value::Object(prototype.clone()));
        }
        prototype.borrow_mut().set_own("constructor", function.clone());
        global.borrow_mut().set_own(name, function.clone());
        function
    };
    let promise = constructor(vm, "Promise", NativeOp::PromiseConstructor, &promise_prototype);
    if let Value::Object(promise) = &promise {
        for (name, op) in [
            ("resolve", NativeOp::PromiseStaticResolve),
            ("reject", NativeOp::PromiseStaticReject),
            ("all", NativeOp::PromiseAll),
            ("allSettled", NativeOp::PromiseAllSettled),
            ("race", NativeOp::PromiseRace),
            ("any", NativeOp::PromiseAny),
        ] {
            define(vm, promise, name, op);
        }
        vm.realm.promise_constructor = promise.clone();
    }
    let object = constructor(vm, "Object", NativeOp::ObjectCreate, &object_prototype);
    if let Value::Object(object) = &object {
        for (name, op) in [
            ("keys", NativeOp::ObjectKeys),
            ("values", NativeOp::ObjectValues),
            ("entries", NativeOp::ObjectEntries),
            ("assign", NativeOp::ObjectAssign),
            ("freeze", NativeOp::ObjectFreeze),
            ("create", NativeOp::ObjectCreate),
        ] {
            define(vm, object, name, op);
        }
    }
    let array = constructor(vm, "Array", NativeOp::ArrayConstructor, &array_prototype);
    if let Value::Object(array) = &array {
        define(vm, array, "isArray", NativeOp::ArrayIsArray);
        define(vm, array, "from", NativeOp::ArrayFrom);
        define(vm, array, "of", NativeOp::ArrayOf);
    }
    let number = constructor(vm, "Number", NativeOp::NumberConstructor, &number_prototype);
    if let Value::Object(number) = &number {
        define(vm, number, "isInteger", NativeOp::NumberIsInteger);
        define(vm, number, "isFinite", NativeOp::NumberIsFinite);
        define(vm, number, "parseInt", NativeOp::ParseInt);
        define(vm, number, "parseFloat", NativeOp::ParseFloat);
        let mut borrowed = number.borrow_mut();
        borrowed.set_own("MAX_SAFE_INTEGER", Value::Number(9_007_199_254_740_991.0));
        borrowed.set_own("MIN_SAFE_INTEGER", Value::Number(-9_007_199_254_740_991.0));
        borrowed.set_own("EPSILON", Value::Number(f64::EPSILON));
        borrowed.set_own("MAX_VALUE", Value::Number(f64::MAX));
    }
    constructor(vm, "String", NativeOp::StringConstructor, &string_prototype);
    let boolean_prototype = vm.new_object();
    constructor(vm, "Boolean", NativeOp::BooleanConstructor, &boolean_prototype);
    constructor(vm, "Error", NativeOp::ErrorConstructor, &error_prototype);
    for kind in ["TypeError", "RangeError", "ReferenceError", "SyntaxError"] {
        let prototype = Object::new(Class::Plain, Some(error_prototype.clone()));
        prototype.borrow_mut().set_own("name", Value::str(kind));
        let function = vm.native(kind, NativeOp::ErrorConstructor, vec![Value::str(kind)]);
        if let Value::Object(object) = &function {
            object.borrow_mut().set_own("prototype", Value::Object(prototype.clone()));
        }
        prototype.borrow_mut().set_own("constructor", function.clone());
        global.borrow_mut().set_own(kind, function);
    }
    constructor(vm, "Map", NativeOp::MapConstructor, &map_prototype);
    constructor(vm, "Set", NativeOp::SetConstructor, &set_prototype);
    let date_prototype = vm.new_object();
    let date = constructor(vm, "Date", NativeOp::DateConstructor, &date_prototype);
    if let Value::Object(date) = &date {
        define(vm, date, "now", NativeOp::DateNow);
    }
    for method in crate::date::METHODS {
        let function = vm.native(method, NativeOp::DateMethod, vec![Value::str(method)]);
        date_prototype.borrow_mut().set_own(method, function);
    }

    let math = vm.new_object();
    for name in [
        "floor", "ceil", "round", "abs", "min", "max", "sqrt", "pow", "random", "trunc", "sign", "log", "log2", "log10", "exp", "sin", "cos", "tan", "atan2",
        "hypot", "cbrt",
    ] {
        let function = vm.native(name, NativeOp::MathFunction, Vec::new());
        math.borrow_mut().set_own(name, function);
    }
    math.borrow_mut().set_own("PI", Value::Number(std::f64::consts::PI));
    math.borrow_mut().set_own("E", Value::Number(std::f64::consts::E));
    global.borrow_mut().set_own("Math", Value::Object(math));

    let json = vm.new_object();
    define(vm, &json, "stringify", NativeOp::JsonStringify);
    define(vm, &json, "parse", NativeOp::JsonParse);
    global.borrow_mut().set_own("JSON", Value::Object(json));

    let console = vm.new_object();
    for (name, op) in [
        ("log", NativeOp::ConsoleLog),
        ("info", NativeOp::ConsoleLog),
        ("debug", NativeOp::ConsoleLog),
        ("error", NativeOp::ConsoleError),
        ("warn", NativeOp::ConsoleError),
    ] {
        let function = vm.native(name, op, Vec::new());
        console.borrow_mut().set_own(name, function);
    }
    global.borrow_mut().set_own("console", Value::Object(console));

    for (name, op) in [("parseInt", NativeOp::ParseInt), ("parseFloat", NativeOp::ParseFloat), ("isNaN", NativeOp::IsNaN), ("isFinite", NativeOp::IsFinite)] {
        define(vm, &global, name, op);
    }
    let performance = vm.new_object();
    define(vm, &performance, "now", NativeOp::PerformanceNow);
    global.borrow_mut().set_own("performance", Value::Object(performance));
    global.borrow_mut().set_own("NaN", Value::Number(f64::NAN));
    global.borrow_mut().set_own("Infinity", Value::Number(f64::INFINITY));
    global.borrow_mut().set_own("globalThis", Value::Object(global.clone()));
    let symbol = vm.new_object();
    symbol.borrow_mut().set_own("iterator", Value::str("@@iterator"));
    global.borrow_mut().set_own("Symbol", Value::Object(symbol));
}

fn arg(args: &[Value], index: usize) -> Value {
    args.get(index).cloned().unwrap_or_default()
}

fn array_items(value: &Value) -> Option<Vec<Value>> {
    match value {
        Value::Object(object) => match &object.borrow().class {
            Class::Array(items) => Some(items.clone()),
            _ => None,
        },
        _ => None,
    }
}

fn with_array<T>(vm: &Vm, this: &Value, f: impl FnOnce(&mut Vec<Value>) -> T) -> JsResult<T> {
    if let Value::Object(object) = this {
        if let Class::Array(items) = &mut object.borrow_mut().class {
            return Ok(f(items));
        }
    }
    vm.throw_error("TypeError", "Array.prototype method called on a non-array")
}

/// Relative index as `slice` reads it.
fn relative(index: f64, len: usize) -> usize {
    if index.is_nan() {
        return 0;
    }
    let len = len as f64;
    let resolved = if index < 0.0 { (len + index.trunc()).max(0.0) } else { index.trunc().min(len) };
    resolved as usize
}

pub fn call_native(vm: &mut Vm, host: &mut Host<'_>, op: NativeOp, name: &str, captured: &[Value], this: Value, args: Vec<Value>) -> JsResult<Value> {
    use NativeOp::*;
    let a0 = arg(&args, 0);
    Ok(match op {
        ConsoleLog | ConsoleError => {
            let line = format_log(vm, &args);
            vm.flush_cpu(host);
            if op == ConsoleLog {
                host.console_log(&line);
            } else {
                host.console_error(&line);
            }
            Value::Undefined
        }
        Node => return crate::node::call(vm, host, name, captured, this, args),
        HttpResponseEnd => return crate::http_load::response_end(vm, host, this, args),
        Require => return crate::node::require(vm, host, &a0),
        PromiseResolveFunction | PromiseRejectFunction => {
            let (Some(Value::Object(promise)), Some(Value::Object(already))) = (captured.first(), captured.get(1)) else {
                return Ok(Value::Undefined);
            };
            if already.borrow().own("done").is_some() {
                return Ok(Value::Undefined);
            }
            already.borrow_mut().set_own("done", Value::Bool(true));
            if op == PromiseResolveFunction {
                vm.resolve_promise(host, promise, a0)?;
            } else {
                vm.reject_promise(host, promise, a0);
            }
            Value::Undefined
        }
        PromiseThen | PromiseCatch | PromiseFinally => {
            let Value::Object(promise) = &this else {
                return vm.throw_error("TypeError", "then called on a non-promise");
            };
            if !matches!(promise.borrow().class, Class::Promise(_)) {
                return vm.throw_error("TypeError", "Method Promise.prototype.then called on incompatible receiver");
            }
            let handler = |value: Value| {
                if value.is_callable() {
                    Handler::Function(value)
                } else {
                    Handler::Identity
                }
            };
            let (on_fulfilled, on_rejected) = match op {
                PromiseThen => (handler(a0), handler(arg(&args, 1))),
                PromiseCatch => (Handler::Identity, handler(a0)),
                _ => {
                    if a0.is_callable() {
                        let name = vm.function_name(&a0);
                        let then_finally = vm.native(&name, PromiseFinallyThen, vec![a0.clone()]);
                        let catch_finally = vm.native(&name, PromiseFinallyCatch, vec![a0]);
                        (Handler::Function(then_finally), Handler::Function(catch_finally))
                    } else {
                        (Handler::Identity, Handler::Identity)
                    }
                }
            };
            let derived = vm.new_promise();
            vm.perform_then(host, promise, on_fulfilled, on_rejected, Some(derived.clone()));
            Value::Object(derived)
        }
        PromiseFinallyThen | PromiseFinallyCatch => {
            // `finally(f)`: call f(), wait for its result, then pass the
            // original value (or reason) through.
            let callback = arg(captured, 0);
            let result = vm.call(host, &callback, Value::Undefined, Vec::new())?;
            let waited = vm.promise_resolve(host, result)?;
            let derived = vm.new_promise();
            let pass_through = if op == PromiseFinallyThen {
                Handler::Function(vm.native("valueThunk", PromiseStaticResolve, vec![a0]))
            } else {
                Handler::Function(vm.native("thrower", PromiseStaticReject, vec![a0]))
            };
            vm.perform_then(host, &waited, pass_through, Handler::Identity, Some(derived.clone()));
            Value::Object(derived)
        }
        PromiseStaticResolve if name == "valueThunk" => arg(captured, 0),
        PromiseStaticReject if name == "thrower" => return Err(Unwind::Throw(arg(captured, 0))),
        PromiseStaticResolve => Value::Object(vm.promise_resolve(host, a0)?),
        PromiseStaticReject => {
            let promise = vm.new_promise();
            vm.reject_promise(host, &promise, a0);
            Value::Object(promise)
        }
        PromiseAll | PromiseAllSettled | PromiseRace | PromiseAny => {
            let items = vm.iterate_to_vec(host, &a0)?;
            let result = vm.new_promise();
            let count = items.len();
            let values = vm.new_array(vec![Value::Undefined; count]);
            let remaining = vm.new_object();
            remaining.borrow_mut().set_own("n", Value::Number(count as f64));
            if count == 0 && matches!(op, PromiseAll | PromiseAllSettled) {
                vm.resolve_promise(host, &result, values)?;
                return Ok(Value::Object(result));
            }
            let [resolve, reject] = vm.resolving_functions(&result);
            for (index, item) in items.into_iter().enumerate() {
                let promise = vm.promise_resolve(host, item)?;
                let shared = vec![values.clone(), Value::Object(remaining.clone()), resolve.clone(), Value::Number(index as f64)];
                let (on_fulfilled, on_rejected) = match op {
                    PromiseAll => (Handler::Function(vm.native("", PromiseAllElement, shared)), Handler::Function(reject.clone())),
                    PromiseAllSettled => {
                        let mut rejected_shared = shared.clone();
                        rejected_shared.push(Value::Bool(true));
                        (
                            Handler::Function(vm.native("", PromiseAllSettledElement, shared)),
                            Handler::Function(vm.native("", PromiseAllSettledElement, rejected_shared)),
                        )
                    }
                    PromiseRace => (Handler::Function(resolve.clone()), Handler::Function(reject.clone())),
                    _ => (Handler::Function(resolve.clone()), Handler::Identity),
                };
                vm.perform_then(host, &promise, on_fulfilled, on_rejected, None);
            }
            Value::Object(result)
        }
        PromiseAllElement | PromiseAllSettledElement => {
            let values = arg(captured, 0);
            let remaining = arg(captured, 1);
            let resolve = arg(captured, 2);
            let index = vm.to_number(&arg(captured, 3)) as usize;
            let element = if op == PromiseAllSettledElement {
                let outcome = vm.new_object();
                let rejected = arg(captured, 4).truthy();
                outcome.borrow_mut().set_own("status", Value::str(if rejected { "rejected" } else { "fulfilled" }));
                outcome.borrow_mut().set_own(if rejected { "reason" } else { "value" }, a0);
                Value::Object(outcome)
            } else {
                a0
            };
            vm.set(&values, &index.to_string(), element)?;
            let count = vm.get(&remaining, "n")?;
            let left = vm.to_number(&count) - 1.0;
            vm.set(&remaining, "n", Value::Number(left))?;
            if left == 0.0 {
                vm.call(host, &resolve, Value::Undefined, vec![values])?;
            }
            Value::Undefined
        }
        PromiseConstructor => return vm.throw_error("TypeError", "Promise constructor cannot be invoked without 'new'"),
        ErrorConstructor => return construct_native(vm, host, op, name, captured, args),
        ObjectKeys => {
            let keys = vm.own_keys(&a0).into_iter().map(Value::String).collect();
            vm.new_array(keys)
        }
        ObjectValues => {
            let values = vm.own_entries(&a0).into_iter().map(|(_, value)| value).collect();
            vm.new_array(values)
        }
        ObjectEntries => {
            let entries = vm.own_entries(&a0).into_iter().map(|(key, value)| vm.new_array(vec![Value::String(key), value])).collect();
            vm.new_array(entries)
        }
        ObjectAssign => {
            for source in args.iter().skip(1) {
                for (key, value) in vm.own_entries(source) {
                    vm.set(&a0, &key, value)?;
                }
            }
            a0
        }
        ObjectFreeze => a0,
        ObjectCreate => {
            let proto = match &a0 {
                Value::Object(object) => Some(object.clone()),
                _ => None,
            };
            Value::Object(Object::new(Class::Plain, proto))
        }
        ArrayIsArray => Value::Bool(array_items(&a0).is_some()),
        ArrayFrom => {
            let items = if let Value::Object(object) = &a0 {
                let length = object.borrow().own("length").cloned();
                match (&object.borrow().class, length) {
                    (Class::Plain, Some(length)) => vec![Value::Undefined; (vm.to_number(&length).max(0.0) as usize).min(10_000_000)],
                    _ => Vec::new(),
                }
            } else {
                Vec::new()
            };
            let items = if items.is_empty() { vm.iterate_to_vec(host, &a0)? } else { items };
            let mapper = arg(&args, 1);
            if mapper.is_callable() {
                let mut mapped = Vec::with_capacity(items.len());
                for (index, item) in items.into_iter().enumerate() {
                    mapped.push(vm.call(host, &mapper, Value::Undefined, vec![item, Value::Number(index as f64)])?);
                }
                vm.new_array(mapped)
            } else {
                vm.new_array(items)
            }
        }
        ArrayOf => vm.new_array(args),
        ArrayConstructor => return construct_native(vm, host, op, name, captured, args),
        NumberConstructor => Value::Number(if args.is_empty() { 0.0 } else { vm.to_number(&a0) }),
        StringConstructor => Value::String(if args.is_empty() { Rc::from("") } else { vm.to_string(&a0) }),
        BooleanConstructor => Value::Bool(a0.truthy()),
        ParseInt => {
            let text = vm.to_string(&a0);
            let radix = match arg(&args, 1) {
                Value::Undefined => 10,
                other => vm.to_number(&other) as u32,
            };
            Value::Number(parse_int(&text, radix))
        }
        ParseFloat => {
            let text = vm.to_string(&a0);
            let trimmed = text.trim_start();
            let end = trimmed
                .char_indices()
                .take_while(|(index, c)| c.is_ascii_digit() || *c == '.' || ((*c == '-' || *c == '+') && *index == 0) || *c == 'e' || *c == 'E')
                .count();
            Value::Number(trimmed[..end].parse().unwrap_or(f64::NAN))
        }
        IsNaN => Value::Bool(vm.to_number(&a0).is_nan()),
        IsFinite | NumberIsFinite => {
            Value::Bool(matches!(a0, Value::Number(_)) && vm.to_number(&a0).is_finite() || op == IsFinite && vm.to_number(&a0).is_finite())
        }
        NumberIsInteger => Value::Bool(matches!(a0, Value::Number(n) if n.is_finite() && n.fract() == 0.0)),
        MathFunction => math(vm, host, name, &args),
        JsonStringify => match json_stringify(&a0, 0) {
            Some(text) => Value::str(&text),
            None => Value::Undefined,
        },
        JsonParse => {
            let text = vm.to_string(&a0);
            match json_parse(vm, &text) {
                Some(value) => value,
                None => return vm.throw_error("SyntaxError", &format!("Unexpected token in JSON: {}", truncate(&text, 40))),
            }
        }
        DateNow => {
            vm.spend_ps(CLOCK_READ_PS);
            vm.flush_cpu(host);
            Value::Number(crate::node::EPOCH_MS + (host.now_us() / 1000) as f64)
        }
        PerformanceNow => {
            vm.spend_ps(CLOCK_READ_PS);
            vm.flush_cpu(host);
            Value::Number(host.now_us() as f64 / 1000.0)
        }
        // `Date()` without `new` is the current time as a string.
        DateConstructor => {
            let now = crate::date::construct(vm, host, &[]);
            crate::date::method(vm, "toString", &now)?
        }
        DateMethod => {
            let method = captured.first().map(|name| vm.to_string(name)).unwrap_or_else(|| Rc::from(""));
            crate::date::method(vm, &method, &this)?
        }
        MapConstructor | SetConstructor => return vm.throw_error("TypeError", "Constructor requires 'new'"),
        SymbolIterator => Value::Undefined,
        ArrayPush => {
            let length = with_array(vm, &this, |items| {
                items.extend(args);
                items.len()
            })?;
            Value::Number(length as f64)
        }
        ArrayPop => with_array(vm, &this, |items| items.pop().unwrap_or_default())?,
        ArrayShift => with_array(vm, &this, |items| if items.is_empty() { Value::Undefined } else { items.remove(0) })?,
        ArrayUnshift => {
            let length = with_array(vm, &this, |items| {
                for (index, value) in args.into_iter().enumerate() {
                    items.insert(index, value);
                }
                items.len()
            })?;
            Value::Number(length as f64)
        }
        ArraySlice => {
            let items = array_items(&this).unwrap_or_default();
            let start = relative(vm.to_number(&a0), items.len());
            let end = match arg(&args, 1) {
                Value::Undefined => items.len(),
                end => relative(vm.to_number(&end), items.len()),
            };
            vm.new_array(items.get(start..end.max(start)).map(<[Value]>::to_vec).unwrap_or_default())
        }
        ArraySplice => {
            let start_arg = vm.to_number(&a0);
            let delete_arg = arg(&args, 1);
            let delete_count = if args.len() < 2 { None } else { Some(vm.to_number(&delete_arg).max(0.0) as usize) };
            let inserted: Vec<Value> = args.iter().skip(2).cloned().collect();
            let removed = with_array(vm, &this, |items| {
                let start = relative(start_arg, items.len());
                let count = delete_count.unwrap_or(items.len() - start).min(items.len() - start);
                items.splice(start..start + count, inserted).collect::<Vec<_>>()
            })?;
            vm.new_array(removed)
        }
        ArrayConcat => {
            let mut items = array_items(&this).unwrap_or_default();
            for value in args {
                match array_items(&value) {
                    Some(more) => items.extend(more),
                    None => items.push(value),
                }
            }
            vm.new_array(items)
        }
        ArrayJoin => {
            let items = array_items(&this).unwrap_or_default();
            let separator = match &a0 {
                Value::Undefined => Rc::from(","),
                other => vm.to_string(other),
            };
            let separator = if name == "toString" { Rc::from(",") } else { separator };
            let parts: Vec<String> = items.iter().map(|item| if item.is_nullish() { String::new() } else { vm.to_string(item).to_string() }).collect();
            Value::str(&parts.join(&separator))
        }
        ArrayReverse => {
            with_array(vm, &this, |items| items.reverse())?;
            this
        }
        ArrayIndexOf => {
            let items = array_items(&this).unwrap_or_default();
            Value::Number(items.iter().position(|item| item.strict_equals(&a0)).map_or(-1.0, |index| index as f64))
        }
        ArrayIncludes => Value::Bool(array_items(&this).unwrap_or_default().iter().any(|item| item.same_value_zero(&a0))),
        ArraySort => {
            let mut items = array_items(&this).unwrap_or_default();
            sort_values(vm, host, &mut items, &a0)?;
            with_array(vm, &this, |target| *target = items)?;
            this
        }
        ArrayMap | ArrayFilter | ArrayForEach | ArraySome | ArrayEvery | ArrayFind | ArrayFindIndex => {
            if !a0.is_callable() {
                return vm.throw_error("TypeError", &format!("{} is not a function", vm.to_string(&a0)));
            }
            let items = array_items(&this).unwrap_or_default();
            let mut results = Vec::new();
            for (index, item) in items.into_iter().enumerate() {
                let result = vm.call(host, &a0, Value::Undefined, vec![item.clone(), Value::Number(index as f64), this.clone()])?;
                match op {
                    ArrayMap => results.push(result),
                    ArrayFilter if result.truthy() => results.push(item),
                    ArraySome if result.truthy() => return Ok(Value::Bool(true)),
                    ArrayEvery if !result.truthy() => return Ok(Value::Bool(false)),
                    ArrayFind if result.truthy() => return Ok(item),
                    ArrayFindIndex if result.truthy() => return Ok(Value::Number(index as f64)),
                    _ => {}
                }
            }
            match op {
                ArrayMap | ArrayFilter => vm.new_array(results),
                ArraySome => Value::Bool(false),
                ArrayEvery => Value::Bool(true),
                ArrayFindIndex => Value::Number(-1.0),
                _ => Value::Undefined,
            }
        }
        ArrayReduce => {
            let items = array_items(&this).unwrap_or_default();
            let mut iter = items.into_iter().enumerate();
            let mut accumulator = if args.len() >= 2 {
                arg(&args, 1)
            } else {
                match iter.next() {
                    Some((_, first)) => first,
                    None => return vm.throw_error("TypeError", "Reduce of empty array with no initial value"),
                }
            };
            for (index, item) in iter {
                accumulator = vm.call(host, &a0, Value::Undefined, vec![accumulator, item, Value::Number(index as f64)])?;
            }
            accumulator
        }
        ArrayFill => {
            with_array(vm, &this, |items| items.iter_mut().for_each(|item| *item = a0.clone()))?;
            this
        }
        ArrayKeys => {
            let count = array_items(&this).map_or(0, |items| items.len());
            let values = (0..count).map(|index| Value::Number(index as f64)).collect();
            Value::Object(Object::new(Class::Iterator(IterState::Values { values, index: 0 }), Some(vm.realm.iterator_prototype.clone())))
        }
        ArrayFlat => {
            let mut flat = Vec::new();
            for item in array_items(&this).unwrap_or_default() {
                match array_items(&item) {
                    Some(inner) => flat.extend(inner),
                    None => flat.push(item),
                }
            }
            vm.new_array(flat)
        }
        StringMethod => string_method(vm, name, &this, &args)?,
        NumberToFixed => {
            let value = vm.to_number(&this);
            let digits = vm.to_number(&a0).clamp(0.0, 100.0) as usize;
            Value::str(&format!("{value:.digits$}"))
        }
        NumberToString => {
            let value = vm.to_number(&this);
            match a0 {
                Value::Number(radix) if radix != 10.0 && (2.0..=36.0).contains(&radix) && value.fract() == 0.0 => {
                    Value::str(&to_radix(value as i64, radix as u32))
                }
                _ => Value::String(vm.to_string(&this)),
            }
        }
        HasOwnProperty => {
            let key = vm.to_property_key(&a0);
            let has = match &this {
                Value::Object(object) => {
                    let borrowed = object.borrow();
                    borrowed.own(&key).is_some() || matches!(&borrowed.class, Class::Array(items) if array_index(&key).is_some_and(|index| index < items.len()))
                }
                _ => false,
            };
            Value::Bool(has)
        }
        ObjectToString => Value::str(if array_items(&this).is_some() { "[object Array]" } else { "[object Object]" }),
        FunctionCall => vm.call(host, &this, a0, args.into_iter().skip(1).collect())?,
        FunctionApply => {
            let list = match arg(&args, 1) {
                Value::Undefined | Value::Null => Vec::new(),
                list => vm.iterate_to_vec(host, &list)?,
            };
            vm.call(host, &this, a0, list)?
        }
        FunctionBind => {
            let mut bound = vec![this.clone(), a0];
            bound.extend(args.into_iter().skip(1));
            let name = format!("bound {}", vm.function_name(&this));
            vm.native(&name, BoundFunction, bound)
        }
        BoundFunction => {
            let target = arg(captured, 0);
            let bound_this = arg(captured, 1);
            let mut all: Vec<Value> = captured.iter().skip(2).cloned().collect();
            all.extend(args);
            vm.call(host, &target, bound_this, all)?
        }
        MapMethod => map_method(vm, host, name, &this, &args)?,
        SetMethod => set_method(vm, host, name, &this, &args)?,
    })
}

/// `new` on a built-in constructor.
pub fn construct_native(vm: &mut Vm, host: &mut Host<'_>, op: NativeOp, name: &str, captured: &[Value], args: Vec<Value>) -> JsResult<Value> {
    use NativeOp::*;
    let a0 = arg(&args, 0);
    Ok(match op {
        PromiseConstructor => {
            if !a0.is_callable() {
                return vm.throw_error("TypeError", "Promise resolver is not a function");
            }
            let promise = vm.new_promise();
            let [resolve, reject] = vm.resolving_functions(&promise);
            if let Err(unwind) = vm.call(host, &a0, Value::Undefined, vec![resolve, reject.clone()]) {
                match unwind {
                    Unwind::Throw(error) => {
                        vm.call(host, &reject, Value::Undefined, vec![error])?;
                    }
                    Unwind::Halt => return Err(Unwind::Halt),
                }
            }
            Value::Object(promise)
        }
        ErrorConstructor => {
            let kind = match captured.first() {
                Some(Value::String(kind)) => kind.to_string(),
                _ => "Error".to_string(),
            };
            let message = if a0.is_nullish() { Rc::from("") } else { vm.to_string(&a0) };
            let error = vm.make_error(&kind, &message);
            if let (Value::Object(object), Some(prototype)) = (&error, lookup(&vm.realm.global, &kind)) {
                if let Ok(Value::Object(prototype)) = vm.get(&prototype, "prototype") {
                    object.borrow_mut().proto = Some(prototype);
                }
            }
            error
        }
        ArrayConstructor => match (&a0, args.len()) {
            (Value::Number(length), 1) => {
                if *length < 0.0 || length.fract() != 0.0 || *length > 10_000_000.0 {
                    return vm.throw_error("RangeError", "Invalid array length (Looplab allows up to 10,000,000)");
                }
                vm.new_array(vec![Value::Undefined; *length as usize])
            }
            _ => vm.new_array(args),
        },
        MapConstructor => {
            let entries = match &a0 {
                Value::Undefined | Value::Null => Vec::new(),
                other => vm
                    .iterate_to_vec(host, other)?
                    .into_iter()
                    .filter_map(|entry| array_items(&entry).map(|pair| (pair.first().cloned().unwrap_or_default(), pair.get(1).cloned().unwrap_or_default())))
                    .collect(),
            };
            Value::Object(Object::new(Class::Map(entries), Some(vm.realm.map_prototype.clone())))
        }
        SetConstructor => {
            let mut items: Vec<Value> = Vec::new();
            if !a0.is_nullish() {
                for item in vm.iterate_to_vec(host, &a0)? {
                    if !items.iter().any(|existing| existing.same_value_zero(&item)) {
                        items.push(item);
                    }
                }
            }
            Value::Object(Object::new(Class::Set(items), Some(vm.realm.set_prototype.clone())))
        }
        DateConstructor => crate::date::construct(vm, host, &args),
        NumberConstructor | StringConstructor | BooleanConstructor | ObjectCreate => call_native(vm, host, op, name, captured, Value::Undefined, args)?,
        Node => return crate::node::construct(vm, host, name, captured, args),
        _ => return vm.throw_error("TypeError", &format!("{name} is not a constructor")),
    })
}

/// `super(...)` when the parent is a built-in (for example `EventEmitter`).
pub fn super_construct_native(vm: &mut Vm, host: &mut Host<'_>, op: NativeOp, name: &str, captured: &[Value], this: &Value, args: Vec<Value>) -> JsResult<()> {
    match op {
        NativeOp::ErrorConstructor => {
            let message = arg(&args, 0);
            if !message.is_nullish() {
                let message = vm.to_string(&message);
                vm.set(this, "message", Value::String(message))?;
            }
            Ok(())
        }
        NativeOp::Node => crate::node::super_construct(vm, host, name, captured, this, args),
        _ => Ok(()),
    }
}

fn math(vm: &mut Vm, host: &mut Host<'_>, name: &str, args: &[Value]) -> Value {
    let numbers: Vec<f64> = args.iter().map(|value| vm.to_number(value)).collect();
    let x = numbers.first().copied().unwrap_or(f64::NAN);
    let y = numbers.get(1).copied().unwrap_or(f64::NAN);
    Value::Number(match name {
        "floor" => x.floor(),
        "ceil" => x.ceil(),
        // JS rounds halves up (towards +Infinity).
        "round" => (x + 0.5).floor(),
        "abs" => x.abs(),
        "trunc" => x.trunc(),
        "sign" => {
            if x == 0.0 || x.is_nan() {
                x
            } else {
                x.signum()
            }
        }
        "sqrt" => x.sqrt(),
        "cbrt" => x.cbrt(),
        "pow" => x.powf(y),
        "log" => x.ln(),
        "log2" => x.log2(),
        "log10" => x.log10(),
        "exp" => x.exp(),
        "sin" => x.sin(),
        "cos" => x.cos(),
        "tan" => x.tan(),
        "atan2" => x.atan2(y),
        "hypot" => numbers.iter().map(|n| n * n).sum::<f64>().sqrt(),
        "min" => numbers.iter().copied().fold(f64::INFINITY, |a, b| if a.is_nan() || b.is_nan() { f64::NAN } else { a.min(b) }),
        "max" => numbers.iter().copied().fold(f64::NEG_INFINITY, |a, b| if a.is_nan() || b.is_nan() { f64::NAN } else { a.max(b) }),
        // Seeded, like everything random in a run.
        "random" => host.random_unit(),
        _ => f64::NAN,
    })
}

fn sort_values(vm: &mut Vm, host: &mut Host<'_>, items: &mut Vec<Value>, comparator: &Value) -> JsResult<()> {
    // Insertion-merge: a stable sort that can call back into JS and fail.
    let mut sorted: Vec<Value> = Vec::with_capacity(items.len());
    let (mut undefined, values): (Vec<Value>, Vec<Value>) = std::mem::take(items).into_iter().partition(|value| matches!(value, Value::Undefined));
    for value in values {
        // Binary search for the insertion point keeps it O(n log n) calls.
        let (mut low, mut high) = (0, sorted.len());
        while low < high {
            let mid = (low + high) / 2;
            let order = if comparator.is_callable() {
                let result = vm.call(host, comparator, Value::Undefined, vec![sorted[mid].clone(), value.clone()])?;
                vm.to_number(&result)
            } else {
                let (a, b) = (vm.to_string(&sorted[mid]), vm.to_string(&value));
                let (a16, b16): (Vec<u16>, Vec<u16>) = (a.encode_utf16().collect(), b.encode_utf16().collect());
                match a16.cmp(&b16) {
                    std::cmp::Ordering::Greater => 1.0,
                    _ => 0.0,
                }
            };
            if order > 0.0 {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        sorted.insert(low, value);
    }
    sorted.append(&mut undefined);
    *items = sorted;
    Ok(())
}

fn string_method(vm: &mut Vm, name: &str, this: &Value, args: &[Value]) -> JsResult<Value> {
    let text = vm.to_string(this);
    let a0 = arg(args, 0);
    let s = |vm: &Vm, value: &Value| vm.to_string(value);
    let chars: Vec<char> = text.chars().collect();
    let len = chars.len();
    Ok(match name {
        "toUpperCase" => Value::str(&text.to_uppercase()),
        "toLowerCase" => Value::str(&text.to_lowercase()),
        "trim" => Value::str(text.trim()),
        "trimStart" => Value::str(text.trim_start()),
        "trimEnd" => Value::str(text.trim_end()),
        "toString" => Value::String(text),
        "split" => {
            let parts: Vec<Value> = match &a0 {
                Value::Undefined => vec![Value::String(text.clone())],
                separator => {
                    let separator = s(vm, separator);
                    if separator.is_empty() {
                        chars.iter().map(|c| Value::str(&c.to_string())).collect()
                    } else {
                        text.split(&*separator).map(Value::str).collect()
                    }
                }
            };
            vm.new_array(parts)
        }
        "slice" | "substring" => {
            let start_arg = vm.to_number(&a0);
            let end_arg = match arg(args, 1) {
                Value::Undefined => len as f64,
                end => vm.to_number(&end),
            };
            let (start, end) = if name == "slice" {
                (relative(start_arg, len), relative(end_arg, len))
            } else {
                let clamp = |n: f64| {
                    if n.is_nan() {
                        0
                    } else {
                        n.clamp(0.0, len as f64) as usize
                    }
                };
                let (a, b) = (clamp(start_arg), clamp(end_arg));
                (a.min(b), a.max(b))
            };
            Value::str(&chars.get(start..end.max(start)).map(|part| part.iter().collect::<String>()).unwrap_or_default())
        }
        "indexOf" | "lastIndexOf" | "includes" | "startsWith" | "endsWith" => {
            let needle = s(vm, &a0);
            match name {
                "indexOf" => Value::Number(text.find(&*needle).map_or(-1.0, |byte| text[..byte].chars().count() as f64)),
                "lastIndexOf" => Value::Number(text.rfind(&*needle).map_or(-1.0, |byte| text[..byte].chars().count() as f64)),
                "includes" => Value::Bool(text.contains(&*needle)),
                "startsWith" => Value::Bool(text.starts_with(&*needle)),
                _ => Value::Bool(text.ends_with(&*needle)),
            }
        }
        "repeat" => {
            let count = vm.to_number(&a0);
            if count < 0.0 || count.is_infinite() {
                return vm.throw_error("RangeError", &format!("Invalid count value: {}", format_number(count)));
            }
            let count = count as usize;
            if text.len().saturating_mul(count) > STRING_BYTES_MAX {
                return vm.throw_error("RangeError", "Invalid string length (Looplab caps strings at 64 MiB)");
            }
            Value::str(&text.repeat(count))
        }
        "padStart" | "padEnd" => {
            let target = vm.to_number(&a0).max(0.0) as usize;
            let fill = match arg(args, 1) {
                Value::Undefined => " ".to_string(),
                value => s(vm, &value).to_string(),
            };
            if target <= len || fill.is_empty() || target > 1_000_000 {
                return Ok(Value::String(text));
            }
            let padding: String = fill.chars().cycle().take(target - len).collect();
            Value::str(&if name == "padStart" { format!("{padding}{text}") } else { format!("{text}{padding}") })
        }
        "charAt" | "at" => {
            let index = vm.to_number(&a0);
            let index = if name == "at" && index < 0.0 { len as f64 + index } else { index };
            let found = if index >= 0.0 { chars.get(index as usize) } else { None };
            match found {
                Some(c) => Value::str(&c.to_string()),
                None if name == "at" => Value::Undefined,
                None => Value::str(""),
            }
        }
        "charCodeAt" => {
            let index = vm.to_number(&a0).max(0.0) as usize;
            Value::Number(text.encode_utf16().nth(index).map_or(f64::NAN, f64::from))
        }
        "replace" | "replaceAll" => {
            let needle = s(vm, &a0);
            let replacement = s(vm, &arg(args, 1));
            Value::str(&if name == "replace" { text.replacen(&*needle, &replacement, 1) } else { text.replace(&*needle, &replacement) })
        }
        "concat" => {
            let mut joined = text.to_string();
            for value in args {
                joined.push_str(&s(vm, value));
            }
            Value::str(&joined)
        }
        _ => return vm.throw_error("TypeError", &format!("String.prototype.{name} is not supported in Looplab")),
    })
}

/// A Map's entries, in insertion order.
type MapEntries = Vec<(Value, Value)>;

fn map_method(vm: &mut Vm, host: &mut Host<'_>, name: &str, this: &Value, args: &[Value]) -> JsResult<Value> {
    let Value::Object(object) = this else {
        return vm.throw_error("TypeError", "Map method on a non-Map");
    };
    let key = arg(args, 0);
    let entries = match &object.borrow().class {
        Class::Map(entries) => entries.clone(),
        _ => return vm.throw_error("TypeError", "Map method on a non-Map"),
    };
    let position = entries.iter().position(|(existing, _)| existing.same_value_zero(&key));
    let update = |f: &mut dyn FnMut(&mut MapEntries)| {
        if let Class::Map(entries) = &mut object.borrow_mut().class {
            f(entries);
        }
    };
    Ok(match name {
        "get" => position.map(|index| entries[index].1.clone()).unwrap_or_default(),
        "has" => Value::Bool(position.is_some()),
        "set" => {
            let value = arg(args, 1);
            update(&mut |entries| match position {
                Some(index) => entries[index].1 = value.clone(),
                None => entries.push((key.clone(), value.clone())),
            });
            this.clone()
        }
        "delete" => {
            update(&mut |entries| {
                if let Some(index) = position {
                    entries.remove(index);
                }
            });
            Value::Bool(position.is_some())
        }
        "clear" => {
            update(&mut |entries| entries.clear());
            Value::Undefined
        }
        "forEach" => {
            for (key, value) in entries {
                vm.call(host, &arg(args, 0), Value::Undefined, vec![value, key, this.clone()])?;
            }
            Value::Undefined
        }
        "keys" | "values" | "entries" => {
            let values = entries
                .into_iter()
                .map(|(key, value)| match name {
                    "keys" => key,
                    "values" => value,
                    _ => vm.new_array(vec![key, value]),
                })
                .collect();
            Value::Object(Object::new(Class::Iterator(IterState::Values { values, index: 0 }), Some(vm.realm.iterator_prototype.clone())))
        }
        _ => Value::Undefined,
    })
}

fn set_method(vm: &mut Vm, host: &mut Host<'_>, name: &str, this: &Value, args: &[Value]) -> JsResult<Value> {
    let Value::Object(object) = this else {
        return vm.throw_error("TypeError", "Set method on a non-Set");
    };
    let key = arg(args, 0);
    let items = match &object.borrow().class {
        Class::Set(items) => items.clone(),
        _ => return vm.throw_error("TypeError", "Set method on a non-Set"),
    };
    let position = items.iter().position(|existing| existing.same_value_zero(&key));
    let update = |f: &mut dyn FnMut(&mut Vec<Value>)| {
        if let Class::Set(items) = &mut object.borrow_mut().class {
            f(items);
        }
    };
    Ok(match name {
        "has" => Value::Bool(position.is_some()),
        "add" => {
            if position.is_none() {
                update(&mut |items| items.push(key.clone()));
            }
            this.clone()
        }
        "delete" => {
            update(&mut |items| {
                if let Some(index) = position {
                    items.remove(index);
                }
            });
            Value::Bool(position.is_some())
        }
        "clear" => {
            update(&mut |items| items.clear());
            Value::Undefined
        }
        "forEach" => {
            for item in items {
                vm.call(host, &arg(args, 0), Value::Undefined, vec![item.clone(), item, this.clone()])?;
            }
            Value::Undefined
        }
        _ => Value::Object(Object::new(Class::Iterator(IterState::Values { values: items, index: 0 }), Some(vm.realm.iterator_prototype.clone()))),
    })
}

fn parse_int(text: &str, radix: u32) -> f64 {
    let trimmed = text.trim();
    let (negative, digits) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    let (radix, digits) = match (radix, digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X"))) {
        (0 | 16, Some(hex)) => (16, hex),
        (0, None) => (10, digits),
        _ => (radix, digits),
    };
    if !(2..=36).contains(&radix) {
        return f64::NAN;
    }
    let valid: String = digits.chars().take_while(|c| c.is_digit(radix)).collect();
    if valid.is_empty() {
        return f64::NAN;
    }
    let value = valid.chars().fold(0.0, |acc, c| acc * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0)));
    if negative {
        -value
    } else {
        value
    }
}

fn to_radix(mut value: i64, radix: u32) -> String {
    if value == 0 {
        return "0".to_string();
    }
    let negative = value < 0;
    let mut digits = Vec::new();
    while value != 0 {
        let digit = (value % i64::from(radix)).unsigned_abs() as u32;
        digits.push(std::char::from_digit(digit, radix).unwrap_or('?'));
        value /= i64::from(radix);
    }
    if negative {
        digits.push('-');
    }
    digits.iter().rev().collect()
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

// ----- JSON --------------------------------------------------------------------------

pub fn json_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_stringify(value: &Value, depth: usize) -> Option<String> {
    if depth > 100 {
        return Some("null".to_string());
    }
    match value {
        Value::Undefined => None,
        Value::Null => Some("null".to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(if n.is_finite() { format_number(*n) } else { "null".to_string() }),
        Value::String(s) => Some(json_quote(s)),
        Value::Object(object) => {
            if let Some(text) = crate::date::json(value) {
                return Some(text);
            }
            let borrowed = object.borrow();
            match &borrowed.class {
                Class::Function(_) => None,
                Class::Array(items) => {
                    let parts: Vec<String> = items.iter().map(|item| json_stringify(item, depth + 1).unwrap_or_else(|| "null".to_string())).collect();
                    Some(format!("[{}]", parts.join(",")))
                }
                _ => {
                    let parts: Vec<String> = borrowed
                        .props
                        .iter()
                        .filter_map(|(key, value)| json_stringify(value, depth + 1).map(|text| format!("{}:{text}", json_quote(key))))
                        .collect();
                    Some(format!("{{{}}}", parts.join(",")))
                }
            }
        }
    }
}

/// `JSON.parse` for the VM's own use (messages between threads).
pub fn json_parse_value(vm: &Vm, text: &str) -> Option<Value> {
    json_parse(vm, text)
}

/// `JSON.stringify` for the VM's own use; `None` for `undefined`.
pub fn json_stringify_value(value: &Value) -> Option<String> {
    json_stringify(value, 0)
}

fn json_parse(vm: &Vm, text: &str) -> Option<Value> {
    struct Parser<'t> {
        bytes: &'t [u8],
        at: usize,
    }
    impl Parser<'_> {
        fn skip(&mut self) {
            while self.at < self.bytes.len() && self.bytes[self.at].is_ascii_whitespace() {
                self.at += 1;
            }
        }
        fn value(&mut self, vm: &Vm, depth: usize) -> Option<Value> {
            if depth > 200 {
                return None;
            }
            self.skip();
            match *self.bytes.get(self.at)? {
                b'{' => {
                    self.at += 1;
                    let object = vm.new_object();
                    self.skip();
                    if self.bytes.get(self.at) == Some(&b'}') {
                        self.at += 1;
                        return Some(Value::Object(object));
                    }
                    loop {
                        self.skip();
                        let Value::String(key) = self.string()? else {
                            return None;
                        };
                        self.skip();
                        if self.bytes.get(self.at) != Some(&b':') {
                            return None;
                        }
                        self.at += 1;
                        let value = self.value(vm, depth + 1)?;
                        object.borrow_mut().set_own(&key, value);
                        self.skip();
                        match self.bytes.get(self.at) {
                            Some(b',') => self.at += 1,
                            Some(b'}') => {
                                self.at += 1;
                                return Some(Value::Object(object));
                            }
                            _ => return None,
                        }
                    }
                }
                b'[' => {
                    self.at += 1;
                    let mut items = Vec::new();
                    self.skip();
                    if self.bytes.get(self.at) == Some(&b']') {
                        self.at += 1;
                        return Some(vm.new_array(items));
                    }
                    loop {
                        items.push(self.value(vm, depth + 1)?);
                        self.skip();
                        match self.bytes.get(self.at) {
                            Some(b',') => self.at += 1,
                            Some(b']') => {
                                self.at += 1;
                                return Some(vm.new_array(items));
                            }
                            _ => return None,
                        }
                    }
                }
                b'"' => self.string(),
                b't' if self.bytes[self.at..].starts_with(b"true") => {
                    self.at += 4;
                    Some(Value::Bool(true))
                }
                b'f' if self.bytes[self.at..].starts_with(b"false") => {
                    self.at += 5;
                    Some(Value::Bool(false))
                }
                b'n' if self.bytes[self.at..].starts_with(b"null") => {
                    self.at += 4;
                    Some(Value::Null)
                }
                _ => {
                    let start = self.at;
                    while self.at < self.bytes.len() && (self.bytes[self.at].is_ascii_digit() || b"+-.eE".contains(&self.bytes[self.at])) {
                        self.at += 1;
                    }
                    std::str::from_utf8(&self.bytes[start..self.at]).ok()?.parse().ok().map(Value::Number)
                }
            }
        }
        fn string(&mut self) -> Option<Value> {
            if self.bytes.get(self.at) != Some(&b'"') {
                return None;
            }
            self.at += 1;
            let mut out = String::new();
            loop {
                let rest = std::str::from_utf8(&self.bytes[self.at..]).ok()?;
                let c = rest.chars().next()?;
                self.at += c.len_utf8();
                match c {
                    '"' => return Some(Value::str(&out)),
                    '\\' => {
                        let escaped = *self.bytes.get(self.at)? as char;
                        self.at += 1;
                        out.push(match escaped {
                            'n' => '\n',
                            't' => '\t',
                            'r' => '\r',
                            'b' => '\u{8}',
                            'f' => '\u{c}',
                            'u' => {
                                let hex = std::str::from_utf8(self.bytes.get(self.at..self.at + 4)?).ok()?;
                                self.at += 4;
                                char::from_u32(u32::from_str_radix(hex, 16).ok()?).unwrap_or('\u{fffd}')
                            }
                            other => other,
                        });
                    }
                    c => out.push(c),
                }
            }
        }
    }
    let mut parser = Parser { bytes: text.as_bytes(), at: 0 };
    let value = parser.value(vm, 0)?;
    parser.skip();
    (parser.at == text.len()).then_some(value)
}

// ----- console.log formatting (util.inspect, simplified) ------------------------------

/// Formats `console.log`'s arguments as Node does: strings as they are,
/// everything else through `util.inspect`, joined by spaces; `%s`, `%d`,
/// `%i`, `%f`, `%j`, `%o`, `%O` in a first string argument are substituted.
pub fn format_log(vm: &Vm, args: &[Value]) -> String {
    let mut parts = Vec::new();
    let mut rest = args;
    if let Some(Value::String(format)) = args.first() {
        if format.contains('%') && args.len() > 1 {
            let mut out = String::new();
            let mut chars = format.chars().peekable();
            let mut next = 1;
            while let Some(c) = chars.next() {
                if c == '%' {
                    match chars.peek().copied() {
                        Some(spec @ ('s' | 'd' | 'i' | 'f' | 'j' | 'o' | 'O')) if next < args.len() => {
                            chars.next();
                            let value = &args[next];
                            next += 1;
                            out.push_str(&match spec {
                                's' => match value {
                                    Value::String(s) => s.to_string(),
                                    other => inspect(vm, other, 0, false),
                                },
                                'd' | 'i' => {
                                    let n = vm.to_number(value);
                                    format_number(if spec == 'i' { n.trunc() } else { n })
                                }
                                'f' => format_number(vm.to_number(value)),
                                'j' => json_stringify(value, 0).unwrap_or_else(|| "undefined".to_string()),
                                _ => inspect(vm, value, 0, false),
                            });
                        }
                        Some('%') => {
                            chars.next();
                            out.push('%');
                        }
                        _ => out.push('%'),
                    }
                } else {
                    out.push(c);
                }
            }
            parts.push(out);
            rest = &args[next..];
        } else {
            parts.push(format.to_string());
            rest = &args[1..];
        }
    }
    for value in rest {
        parts.push(match value {
            Value::String(s) => s.to_string(),
            other => inspect(vm, other, 0, false),
        });
    }
    parts.join(" ")
}

fn inspect_key(key: &str) -> String {
    let is_identifier =
        key.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$') && key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$');
    if is_identifier {
        key.to_string()
    } else {
        format!("'{}'", key.replace('\'', "\\'"))
    }
}

/// `util.inspect` with Node's default depth of 2 and its 72-column rule for
/// breaking a container over several lines.
pub fn inspect(vm: &Vm, value: &Value, depth: usize, nested: bool) -> String {
    match value {
        Value::String(s) if nested => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'").replace('\n', "\\n")),
        Value::String(s) => s.to_string(),
        Value::Number(n) if *n == 0.0 && n.is_sign_negative() => "-0".to_string(),
        Value::Object(object) => {
            let borrowed = object.borrow();
            match &borrowed.class {
                Class::Function(function) => {
                    let (name, is_class, is_async) = match function {
                        Function::Closure(closure) => (closure.code.name.to_string(), closure.code.is_class_constructor, closure.code.is_async),
                        Function::Native(native) => (native.name.to_string(), false, false),
                    };
                    if is_class {
                        format!("[class {name}]")
                    } else if name.is_empty() {
                        format!("[{}Function (anonymous)]", if is_async { "Async" } else { "" })
                    } else {
                        format!("[{}Function: {name}]", if is_async { "Async" } else { "" })
                    }
                }
                Class::Error => {
                    let text = vm.to_string(value);
                    format!("{text}\n    at <anonymous>")
                }
                Class::Promise(state) => {
                    let inner = match state {
                        PromiseState::Pending { .. } => "<pending>".to_string(),
                        PromiseState::Fulfilled(value) => inspect(vm, value, depth + 1, true),
                        PromiseState::Rejected(value) => {
                            format!("<rejected> {}", inspect(vm, value, depth + 1, true))
                        }
                    };
                    format!("Promise {{ {inner} }}")
                }
                Class::Buffer(data) => crate::buffer::inspect(data),
                Class::Array(items) => {
                    if depth > 2 {
                        return "[Array]".to_string();
                    }
                    let mut parts: Vec<String> = items.iter().take(100).map(|item| inspect(vm, item, depth + 1, true)).collect();
                    if items.len() > 100 {
                        parts.push(format!("... {} more items", items.len() - 100));
                    }
                    for (key, value) in &borrowed.props {
                        parts.push(format!("{}: {}", inspect_key(key), inspect(vm, value, depth + 1, true)));
                    }
                    wrap("[", "]", &parts, depth)
                }
                Class::Map(entries) => {
                    let parts: Vec<String> = entries
                        .iter()
                        .map(|(key, value)| format!("{} => {}", inspect(vm, key, depth + 1, true), inspect(vm, value, depth + 1, true)))
                        .collect();
                    format!("Map({}) {}", entries.len(), wrap("{", "}", &parts, depth))
                }
                Class::Set(items) => {
                    let parts: Vec<String> = items.iter().map(|item| inspect(vm, item, depth + 1, true)).collect();
                    format!("Set({}) {}", items.len(), wrap("{", "}", &parts, depth))
                }
                Class::Host(kind, id) => format!("{kind:?} {{ id: {id} }}"),
                Class::Iterator(_) => "Object [Iterator] {}".to_string(),
                Class::Plain if crate::date::time_of(value).is_some() => crate::date::inspect(value).unwrap_or_default(),
                Class::Plain => {
                    if depth > 2 {
                        return "[Object]".to_string();
                    }
                    let parts: Vec<String> =
                        borrowed.props.iter().map(|(key, value)| format!("{}: {}", inspect_key(key), inspect(vm, value, depth + 1, true))).collect();
                    let class_name = borrowed
                        .proto
                        .as_ref()
                        .and_then(|proto| proto.borrow().own("constructor").cloned())
                        .map(|constructor| vm.function_name(&constructor))
                        .filter(|name| name != "Object" && name != "(anonymous)");
                    let body = if parts.is_empty() { "{}".to_string() } else { wrap("{", "}", &parts, depth) };
                    match class_name {
                        Some(name) => format!("{name} {body}"),
                        None => body,
                    }
                }
            }
        }
        other => vm.to_string(other).to_string(),
    }
}

fn wrap(open: &str, close: &str, parts: &[String], depth: usize) -> String {
    if parts.is_empty() {
        return format!("{open}{close}");
    }
    let one_line = format!("{open} {} {close}", parts.join(", "));
    if one_line.len() <= 72 && !one_line.contains('\n') {
        return one_line;
    }
    let indent = "  ".repeat(depth + 1);
    let closing_indent = "  ".repeat(depth);
    format!("{open}\n{indent}{}\n{closing_indent}{close}", parts.join(&format!(",\n{indent}")))
}
