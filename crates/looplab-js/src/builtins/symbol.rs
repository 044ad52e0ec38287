//! `Symbol` (ECMA-262 20.4): the constructor (a function, not a
//! constructor), the registry (`Symbol.for`/`keyFor`), the well-known
//! symbols, and `Symbol.prototype`.

use super::{arg, link_constructor};
use crate::shape::CONFIGURABLE;
use crate::string::JsStr;
use crate::value::{Key, ObjId, Sym, Value};
use crate::vm::symbols;
use crate::{Embedder, JsResult, Vm};

pub(super) fn install(vm: &mut Vm) {
    let prototype = vm.intrinsics.symbol_prototype;
    let constructor = vm.native_function("Symbol", 0, symbol_constructor);
    link_constructor(vm, "Symbol", constructor, prototype);
    // Symbol is callable but not a constructor: `new Symbol()` throws.
    vm.heap.get_mut(constructor).flags |= crate::object::CONSTRUCTOR;
    let well_known = [
        ("asyncIterator", symbols::ASYNC_ITERATOR),
        ("hasInstance", symbols::HAS_INSTANCE),
        ("isConcatSpreadable", symbols::IS_CONCAT_SPREADABLE),
        ("iterator", symbols::ITERATOR),
        ("match", symbols::MATCH),
        ("matchAll", symbols::MATCH_ALL),
        ("replace", symbols::REPLACE),
        ("search", symbols::SEARCH),
        ("species", symbols::SPECIES),
        ("split", symbols::SPLIT),
        ("toPrimitive", symbols::TO_PRIMITIVE),
        ("toStringTag", symbols::TO_STRING_TAG),
        ("unscopables", symbols::UNSCOPABLES),
    ];
    for (name, sym) in well_known {
        let key = vm.key(name);
        vm.heap.put(constructor, key, Value::Symbol(sym), 0);
    }
    vm.define_method(constructor, "for", 1, symbol_for);
    vm.define_method(constructor, "keyFor", 1, key_for);
    vm.define_method(prototype, "toString", 0, to_string);
    vm.define_method(prototype, "valueOf", 0, value_of);
    let getter = vm.native_function("get description", 0, description);
    let desc = crate::props::Descriptor {
        get: Some(Value::Object(getter)),
        set: Some(Value::Undefined),
        enumerable: Some(false),
        configurable: Some(true),
        ..Default::default()
    };
    vm.define_property(prototype, Key::Atom(crate::atoms::DESCRIPTION), &desc);
    let to_primitive = vm.native_function("[Symbol.toPrimitive]", 1, value_of);
    vm.heap.put(prototype, Key::Symbol(symbols::TO_PRIMITIVE), Value::Object(to_primitive), CONFIGURABLE);
    vm.heap.put(prototype, Key::Symbol(symbols::TO_STRING_TAG), Value::str("Symbol"), CONFIGURABLE);
}

fn symbol_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    if new_target.is_some() {
        return vm.type_error("Symbol is not a constructor");
    }
    let description = match arg(args, 0) {
        Value::Undefined => None,
        other => Some(vm.to_string(host, &other)?),
    };
    Ok(Value::Symbol(vm.new_symbol(description)))
}

fn symbol_for(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let key = vm.to_string(host, &arg(args, 0))?;
    if let Some(index) = vm.symbols.iter().position(|data| data.registered && data.description.as_ref() == Some(&key)) {
        return Ok(Value::Symbol(Sym(index as u32)));
    }
    let sym = vm.new_symbol(Some(key));
    vm.symbols[sym.0 as usize].registered = true;
    Ok(Value::Symbol(sym))
}

fn key_for(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let Value::Symbol(sym) = arg(args, 0) else {
        let shown = vm.to_display(&arg(args, 0));
        return vm.type_error(&format!("{shown} is not a symbol"));
    };
    let data = &vm.symbols[sym.0 as usize];
    Ok(if data.registered { data.description.clone().map_or(Value::Undefined, Value::String) } else { Value::Undefined })
}

/// thisSymbolValue (ECMA-262 20.4.3).
fn this_symbol(vm: &mut Vm, this: &Value, method: &str) -> JsResult<Sym> {
    match this {
        Value::Symbol(sym) => Ok(*sym),
        Value::Object(id) => match vm.heap.get(*id).kind {
            crate::object::Kind::Symbol(sym) => Ok(sym),
            _ => vm.type_error(&format!("Symbol.prototype.{method} requires that 'this' be a Symbol")),
        },
        _ => vm.type_error(&format!("Symbol.prototype.{method} requires that 'this' be a Symbol")),
    }
}

/// SymbolDescriptiveString (ECMA-262 20.4.3.3.1).
pub(crate) fn descriptive_string(vm: &Vm, sym: Sym) -> JsStr {
    let description = vm.symbols[sym.0 as usize].description.as_ref().map(JsStr::to_rust).unwrap_or_default();
    JsStr::from_string(format!("Symbol({description})"))
}

fn to_string(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let sym = this_symbol(vm, this, "toString")?;
    Ok(Value::String(descriptive_string(vm, sym)))
}

fn value_of(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    Ok(Value::Symbol(this_symbol(vm, this, "valueOf")?))
}

fn description(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let sym = this_symbol(vm, this, "description")?;
    Ok(vm.symbols[sym.0 as usize].description.clone().map_or(Value::Undefined, Value::String))
}
