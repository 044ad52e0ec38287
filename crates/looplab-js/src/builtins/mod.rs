//! The language's built-in objects, one family per file (boa's
//! `builtins/<name>/` is the pattern). `install` puts them on a realm.
//! The families land one by one; each installs its constructor on the
//! global object and its methods on the intrinsic prototypes.

mod array;
mod async_generator;
pub(crate) use async_generator::async_from_sync;
mod array_methods;
mod collections;
pub(crate) mod date;
mod error;
mod function;
mod generator;
mod json;
pub(crate) mod math;
mod number;
pub(crate) mod object;
pub mod promise;
mod promise_combinators;
mod reflect;
pub(crate) mod regexp;
pub(crate) mod string;
mod symbol;
pub mod typed_array;
mod uri;

use crate::shape::{CONFIGURABLE, WRITABLE};
use crate::value::{Key, Value};
use crate::Vm;

/// The argument at `index`, or `undefined`.
pub(crate) fn arg(args: &[Value], index: usize) -> Value {
    args.get(index).cloned().unwrap_or_default()
}

/// Installs every built-in on the VM's realm.
pub fn install(vm: &mut Vm) {
    let global = vm.intrinsics.global;
    vm.heap.put(global, Key::Atom(crate::atoms::UNDEFINED), Value::Undefined, 0);
    vm.heap.put(global, Key::Atom(crate::atoms::NAN), Value::Number(f64::NAN), 0);
    vm.heap.put(global, Key::Atom(crate::atoms::INFINITY), Value::Number(f64::INFINITY), 0);
    let key = vm.key("globalThis");
    vm.heap.put(global, key, Value::Object(global), WRITABLE | CONFIGURABLE);
    object::install(vm);
    function::install(vm);
    array::install(vm);
    array_methods::install_methods(vm);
    string::install(vm);
    error::install(vm);
    number::install(vm);
    math::install(vm);
    reflect::install(vm);
    json::install(vm);
    collections::install(vm);
    date::install(vm);
    regexp::install(vm);
    uri::install(vm);
    promise::install(vm);
    symbol::install(vm);
    generator::install(vm);
    async_generator::install(vm);
    typed_array::install(vm);
}

/// Makes `constructor` a global with `prototype`, linked both ways.
pub(crate) fn link_constructor(vm: &mut Vm, name: &str, constructor: crate::ObjId, prototype: crate::ObjId) {
    vm.heap.put(constructor, Key::Atom(crate::atoms::PROTOTYPE), Value::Object(prototype), 0);
    vm.heap.put(prototype, Key::Atom(crate::atoms::CONSTRUCTOR), Value::Object(constructor), WRITABLE | CONFIGURABLE);
    let global = vm.intrinsics.global;
    vm.define_value(global, name, Value::Object(constructor));
    let flags = &mut vm.heap.get_mut(constructor).flags;
    *flags |= crate::object::CONSTRUCTOR;
}

/// `[Symbol.toStringTag]`, as built-in prototypes carry it (configurable only).
pub(crate) fn define_tag(vm: &mut Vm, target: crate::ObjId, tag: &str) {
    vm.heap.put(target, Key::Symbol(crate::vm::symbols::TO_STRING_TAG), Value::str(tag), CONFIGURABLE);
}

/// An accessor with a getter only, as built-in accessors are (ECMA-262 18).
pub(crate) fn define_getter(vm: &mut Vm, target: crate::ObjId, name: &str, f: crate::object::NativeFn) {
    let getter = vm.native_function(&format!("get {name}"), 0, f);
    let key = vm.key(name);
    let desc = crate::props::Descriptor {
        get: Some(Value::Object(getter)),
        set: Some(Value::Undefined),
        enumerable: Some(false),
        configurable: Some(true),
        ..Default::default()
    };
    vm.define_property(target, key, &desc);
}

/// `get C[@@species]() { return this }`, as Map, Set, ArrayBuffer and
/// %TypedArray% have it (ECMA-262 24.1.2.2, 25.1.5.3, 23.2.2.4).
pub(crate) fn define_species(vm: &mut Vm, constructor: crate::ObjId) {
    let getter = vm.native_function("get [Symbol.species]", 0, |_, _, this, _, _| Ok(this.clone()));
    let desc = crate::props::Descriptor {
        get: Some(Value::Object(getter)),
        set: Some(Value::Undefined),
        enumerable: Some(false),
        configurable: Some(true),
        ..Default::default()
    };
    vm.define_property(constructor, Key::Symbol(crate::vm::symbols::SPECIES), &desc);
}

/// SpeciesConstructor (ECMA-262 7.3.22) with V8's messages.
pub(crate) fn species_constructor(vm: &mut Vm, host: &mut dyn crate::Embedder, object: &Value, default: Value) -> crate::JsResult<Value> {
    let constructor = vm.get(host, object, Key::Atom(crate::atoms::CONSTRUCTOR))?;
    if constructor.is_undefined() {
        return Ok(default);
    }
    if !constructor.is_object() {
        return vm.type_error("The .constructor property is not an object");
    }
    let species = vm.get(host, &constructor, Key::Symbol(crate::vm::symbols::SPECIES))?;
    if species.is_nullish() {
        return Ok(default);
    }
    if vm.is_constructor(&species) {
        return Ok(species);
    }
    vm.type_error("object.constructor[Symbol.species] is not a constructor")
}
