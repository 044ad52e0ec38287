//! `Object` and `Object.prototype` (ECMA-262 20.1).

use super::{arg, link_constructor};
use crate::object::Kind;
use crate::props::Descriptor;
use crate::value::Key;
use crate::value::{ObjId, Value};
use crate::{Embedder, JsResult, Vm};

pub(super) fn install(vm: &mut Vm) {
    let prototype = vm.intrinsics.object_prototype;
    let constructor = vm.native_function("Object", 1, object_constructor);
    link_constructor(vm, "Object", constructor, prototype);
    vm.define_method(prototype, "hasOwnProperty", 1, has_own_property);
    vm.define_method(prototype, "isPrototypeOf", 1, is_prototype_of);
    vm.define_method(prototype, "propertyIsEnumerable", 1, property_is_enumerable);
    vm.define_method(prototype, "toLocaleString", 0, to_locale_string);
    vm.define_method(prototype, "toString", 0, to_string);
    vm.define_method(prototype, "valueOf", 0, value_of);
    vm.define_method(prototype, "__defineGetter__", 2, define_getter);
    vm.define_method(prototype, "__defineSetter__", 2, define_setter);
    vm.define_method(prototype, "__lookupGetter__", 1, lookup_getter);
    vm.define_method(prototype, "__lookupSetter__", 1, lookup_setter);
    let proto_getter = vm.native_function("get __proto__", 0, proto_get);
    let proto_setter = vm.native_function("set __proto__", 1, proto_set);
    let desc = Descriptor {
        get: Some(Value::Object(proto_getter)),
        set: Some(Value::Object(proto_setter)),
        enumerable: Some(false),
        configurable: Some(true),
        ..Default::default()
    };
    vm.define_property(prototype, Key::Atom(crate::atoms::PROTO), &desc);
    vm.define_method(constructor, "assign", 2, assign);
    vm.define_method(constructor, "create", 2, create);
    vm.define_method(constructor, "defineProperties", 2, define_properties);
    vm.define_method(constructor, "defineProperty", 3, define_property);
    vm.define_method(constructor, "entries", 1, entries);
    vm.define_method(constructor, "freeze", 1, freeze);
    vm.define_method(constructor, "fromEntries", 1, from_entries);
    vm.define_method(constructor, "getOwnPropertyDescriptor", 2, get_own_property_descriptor);
    vm.define_method(constructor, "getOwnPropertyDescriptors", 1, get_own_property_descriptors);
    vm.define_method(constructor, "getOwnPropertyNames", 1, get_own_property_names);
    vm.define_method(constructor, "getOwnPropertySymbols", 1, get_own_property_symbols);
    vm.define_method(constructor, "getPrototypeOf", 1, get_prototype_of);
    vm.define_method(constructor, "hasOwn", 2, has_own);
    vm.define_method(constructor, "is", 2, is);
    vm.define_method(constructor, "isExtensible", 1, is_extensible);
    vm.define_method(constructor, "isFrozen", 1, is_frozen);
    vm.define_method(constructor, "isSealed", 1, is_sealed);
    vm.define_method(constructor, "keys", 1, keys);
    vm.define_method(constructor, "preventExtensions", 1, prevent_extensions);
    vm.define_method(constructor, "seal", 1, seal);
    vm.define_method(constructor, "setPrototypeOf", 2, set_prototype_of);
    vm.define_method(constructor, "values", 1, values);
}

type Native = JsResult<Value>;

/// ToPropertyDescriptor (ECMA-262 6.2.6.5).
pub(crate) fn to_descriptor(vm: &mut Vm, host: &mut dyn Embedder, value: &Value) -> JsResult<Descriptor> {
    let Value::Object(id) = value else {
        let what = vm.typeof_value(value);
        let shown = match value {
            Value::Undefined => "undefined".to_string(),
            Value::Null => "null".to_string(),
            _ => what.to_string(),
        };
        return vm.type_error(&format!("Property description must be an object: {shown}"));
    };
    let id = *id;
    let mut desc = Descriptor::default();
    use crate::atoms::{CONFIGURABLE, ENUMERABLE, GET, SET, VALUE, WRITABLE};
    if vm.has_property(id, Key::Atom(ENUMERABLE)) {
        desc.enumerable = Some(vm.get(host, value, Key::Atom(ENUMERABLE))?.truthy());
    }
    if vm.has_property(id, Key::Atom(CONFIGURABLE)) {
        desc.configurable = Some(vm.get(host, value, Key::Atom(CONFIGURABLE))?.truthy());
    }
    if vm.has_property(id, Key::Atom(VALUE)) {
        desc.value = Some(vm.get(host, value, Key::Atom(VALUE))?);
    }
    if vm.has_property(id, Key::Atom(WRITABLE)) {
        desc.writable = Some(vm.get(host, value, Key::Atom(WRITABLE))?.truthy());
    }
    if vm.has_property(id, Key::Atom(GET)) {
        let getter = vm.get(host, value, Key::Atom(GET))?;
        if !getter.is_undefined() && !vm.is_callable(&getter) {
            let shown = vm.to_display(&getter);
            return vm.type_error(&format!("Getter must be a function: {shown}"));
        }
        desc.get = Some(getter);
    }
    if vm.has_property(id, Key::Atom(SET)) {
        let setter = vm.get(host, value, Key::Atom(SET))?;
        if !setter.is_undefined() && !vm.is_callable(&setter) {
            let shown = vm.to_display(&setter);
            return vm.type_error(&format!("Setter must be a function: {shown}"));
        }
        desc.set = Some(setter);
    }
    if desc.is_accessor() && desc.is_data() {
        return vm.type_error("Invalid property descriptor. Cannot both specify accessors and a value or writable attribute");
    }
    Ok(desc)
}

/// FromPropertyDescriptor (ECMA-262 6.2.6.4).
pub(crate) fn from_descriptor(vm: &mut Vm, desc: &Descriptor) -> Value {
    let object = vm.new_object();
    use crate::atoms::{CONFIGURABLE, ENUMERABLE, GET, SET, VALUE, WRITABLE};
    let attrs = crate::shape::DEFAULT_ATTRS;
    if let Some(value) = &desc.value {
        vm.heap.put(object, Key::Atom(VALUE), value.clone(), attrs);
    }
    if let Some(writable) = desc.writable {
        vm.heap.put(object, Key::Atom(WRITABLE), Value::Bool(writable), attrs);
    }
    if let Some(get) = &desc.get {
        vm.heap.put(object, Key::Atom(GET), get.clone(), attrs);
    }
    if let Some(set) = &desc.set {
        vm.heap.put(object, Key::Atom(SET), set.clone(), attrs);
    }
    if let Some(enumerable) = desc.enumerable {
        vm.heap.put(object, Key::Atom(ENUMERABLE), Value::Bool(enumerable), attrs);
    }
    if let Some(configurable) = desc.configurable {
        vm.heap.put(object, Key::Atom(CONFIGURABLE), Value::Bool(configurable), attrs);
    }
    Value::Object(object)
}

/// An own property as a full descriptor, exotic properties included.
pub(crate) fn own_descriptor(vm: &Vm, id: ObjId, key: Key) -> Option<Descriptor> {
    if vm.is_private(key) {
        return None;
    }
    let found = vm.own_property(id, key)?;
    Some(vm.heap.descriptor_of(&found))
}

fn define_property(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    let Value::Object(id) = arg(args, 0) else { return vm.type_error("Object.defineProperty called on non-object") };
    let key = vm.to_property_key(host, &arg(args, 1))?;
    let desc = to_descriptor(vm, host, &arg(args, 2))?;
    if !vm.define_property_checked(host, id, key, &desc)? {
        let name = vm.key_to_display(key);
        return vm.type_error(&format!("Cannot redefine property: {name}"));
    }
    Ok(Value::Object(id))
}

fn define_properties(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    let Value::Object(id) = arg(args, 0) else { return vm.type_error("Object.defineProperties called on non-object") };
    object_define_properties(vm, host, id, &arg(args, 1))?;
    Ok(Value::Object(id))
}

/// ObjectDefineProperties (ECMA-262 20.1.2.3.1): all descriptors are read
/// before any is applied.
fn object_define_properties(vm: &mut Vm, host: &mut dyn Embedder, id: ObjId, properties: &Value) -> JsResult<()> {
    let props = vm.to_object(properties)?;
    let props_value = Value::Object(props);
    let mut descriptors = Vec::new();
    for key in vm.heap.own_keys(props) {
        if vm.own_property(props, key).is_some_and(|found| found.attrs & crate::shape::ENUMERABLE != 0) {
            let value = vm.get(host, &props_value, key)?;
            descriptors.push((key, to_descriptor(vm, host, &value)?));
        }
    }
    for (key, desc) in descriptors {
        if !vm.define_property_checked(host, id, key, &desc)? {
            let name = vm.key_to_display(key);
            return vm.type_error(&format!("Cannot redefine property: {name}"));
        }
    }
    Ok(())
}

fn get_own_property_descriptor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    let id = vm.to_object(&arg(args, 0))?;
    let key = vm.to_property_key(host, &arg(args, 1))?;
    Ok(match own_descriptor(vm, id, key) {
        Some(desc) => from_descriptor(vm, &desc),
        None => Value::Undefined,
    })
}

fn get_own_property_descriptors(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    let id = vm.to_object(&arg(args, 0))?;
    let result = vm.new_object();
    for key in own_keys_all(vm, id) {
        if let Some(desc) = own_descriptor(vm, id, key) {
            let value = from_descriptor(vm, &desc);
            vm.define_data(result, key, value, crate::shape::DEFAULT_ATTRS);
        }
    }
    Ok(Value::Object(result))
}

/// Own keys including the exotic ones a String object or an array's
/// `length` adds, without private names.
pub(crate) fn own_keys_all(vm: &Vm, id: ObjId) -> Vec<Key> {
    let mut keys = vm.heap.own_keys(id);
    match &vm.heap.get(id).kind {
        Kind::String(text) => {
            let count = text.len() as u32;
            let mut indices: Vec<Key> = (0..count).map(Key::Index).collect();
            keys.retain(|key| !matches!(key, Key::Index(i) if *i < count));
            indices.extend(keys);
            keys = indices;
        }
        Kind::TypedArray { .. } => {
            let count = crate::builtins::typed_array::element_count(vm, id);
            let mut indices: Vec<Key> = (0..count).map(Key::Index).collect();
            indices.extend(keys);
            keys = indices;
        }
        Kind::Array(_) => {
            let position = keys.iter().position(|key| !matches!(key, Key::Index(_))).unwrap_or(keys.len());
            keys.insert(position, Key::Atom(crate::atoms::LENGTH));
        }
        _ => {}
    }
    keys.retain(|key| !vm.is_private(*key));
    keys
}

fn get_own_property_names(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    let id = vm.to_object(&arg(args, 0))?;
    let names: Vec<Value> = own_keys_all(vm, id).into_iter().filter(|key| !key.is_symbol()).map(|key| vm.key_to_value(key)).collect();
    Ok(Value::Object(vm.new_array(names)))
}

fn get_own_property_symbols(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    let id = vm.to_object(&arg(args, 0))?;
    let names: Vec<Value> = own_keys_all(vm, id).into_iter().filter(|key| key.is_symbol()).map(|key| vm.key_to_value(key)).collect();
    Ok(Value::Object(vm.new_array(names)))
}

/// EnumerableOwnProperties (ECMA-262 7.3.23).
fn enumerable_own(vm: &mut Vm, host: &mut dyn Embedder, target: &Value, kind: u8) -> Native {
    let id = vm.to_object(target)?;
    let object = Value::Object(id);
    let mut out = Vec::new();
    for key in own_keys_all(vm, id) {
        if key.is_symbol() {
            continue;
        }
        let Some(found) = vm.own_property(id, key) else { continue };
        if found.attrs & crate::shape::ENUMERABLE == 0 {
            continue;
        }
        let name = vm.key_to_value(key);
        match kind {
            0 => out.push(name),
            1 => out.push(vm.get(host, &object, key)?),
            _ => {
                let value = vm.get(host, &object, key)?;
                out.push(Value::Object(vm.new_array(vec![name, value])));
            }
        }
    }
    Ok(Value::Object(vm.new_array(out)))
}

fn keys(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    enumerable_own(vm, host, &arg(args, 0), 0)
}

fn values(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    enumerable_own(vm, host, &arg(args, 0), 1)
}

fn entries(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    enumerable_own(vm, host, &arg(args, 0), 2)
}

fn assign(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    let target = vm.to_object(&arg(args, 0))?;
    let target_value = Value::Object(target);
    for source in args.iter().skip(1) {
        if source.is_nullish() {
            continue;
        }
        let from = vm.to_object(source)?;
        let from_value = Value::Object(from);
        for key in own_keys_all(vm, from) {
            if vm.own_property(from, key).is_some_and(|found| found.attrs & crate::shape::ENUMERABLE != 0) {
                let value = vm.get(host, &from_value, key)?;
                vm.set(host, &target_value, key, value, true)?;
            }
        }
    }
    Ok(target_value)
}

fn create(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    let proto = match arg(args, 0) {
        Value::Object(id) => Some(id),
        Value::Null => None,
        other => {
            let shown = vm.to_display(&other);
            return vm.type_error(&format!("Object prototype may only be an Object or null: {shown}"));
        }
    };
    let object = vm.heap.alloc(proto, Kind::Ordinary, 0);
    let properties = arg(args, 1);
    if !properties.is_undefined() {
        object_define_properties(vm, host, object, &properties)?;
    }
    Ok(Value::Object(object))
}

fn freeze(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    let target = arg(args, 0);
    if let Value::Object(id) = target {
        vm.heap.seal_or_freeze(id, true);
    }
    Ok(target)
}

fn seal(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    let target = arg(args, 0);
    if let Value::Object(id) = target {
        vm.heap.seal_or_freeze(id, false);
    }
    Ok(target)
}

fn prevent_extensions(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    let target = arg(args, 0);
    if let Value::Object(id) = target {
        vm.heap.get_mut(id).flags &= !crate::object::EXTENSIBLE;
    }
    Ok(target)
}

fn is_extensible(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    Ok(Value::Bool(matches!(arg(args, 0), Value::Object(id) if vm.heap.get(id).is_extensible())))
}

/// TestIntegrityLevel (ECMA-262 7.3.16).
fn integrity(vm: &Vm, target: &Value, frozen: bool) -> bool {
    let Value::Object(id) = target else { return true };
    if vm.heap.get(*id).is_extensible() {
        return false;
    }
    own_keys_all(vm, *id).into_iter().all(|key| match vm.own_property(*id, key) {
        Some(found) => found.attrs & crate::shape::CONFIGURABLE == 0 && (!frozen || found.is_accessor() || found.attrs & crate::shape::WRITABLE == 0),
        None => true,
    })
}

fn is_frozen(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    Ok(Value::Bool(integrity(vm, &arg(args, 0), true)))
}

fn is_sealed(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    Ok(Value::Bool(integrity(vm, &arg(args, 0), false)))
}

fn from_entries(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    let iterable = arg(args, 0);
    if iterable.is_nullish() {
        return vm.type_error("undefined is not iterable");
    }
    let object = vm.new_object();
    for entry in vm.iterate_to_vec(host, &iterable)? {
        if !entry.is_object() {
            return vm.type_error("Iterator value is not an entry object");
        }
        let key = vm.get(host, &entry, Key::Index(0))?;
        let value = vm.get(host, &entry, Key::Index(1))?;
        let key = vm.to_property_key(host, &key)?;
        vm.define_data(object, key, value, crate::shape::DEFAULT_ATTRS);
    }
    Ok(Value::Object(object))
}

fn has_own(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    let id = vm.to_object(&arg(args, 0))?;
    let key = vm.to_property_key(host, &arg(args, 1))?;
    Ok(Value::Bool(own_descriptor(vm, id, key).is_some()))
}

fn is(_vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    Ok(Value::Bool(arg(args, 0).same_value(&arg(args, 1))))
}

fn set_prototype_of(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    let target = arg(args, 0);
    if target.is_nullish() {
        return vm.type_error("Object.setPrototypeOf called on null or undefined");
    }
    let proto = match arg(args, 1) {
        Value::Object(id) => Some(id),
        Value::Null => None,
        other => {
            let shown = vm.to_display(&other);
            return vm.type_error(&format!("Object prototype may only be an Object or null: {shown}"));
        }
    };
    let Value::Object(id) = target else { return Ok(target) };
    if !set_prototype_checked(vm, id, proto) {
        return vm.type_error("Cyclic __proto__ value");
    }
    Ok(target)
}

/// OrdinarySetPrototypeOf (ECMA-262 10.1.2.1): refuses cycles and
/// non-extensible objects.
pub(crate) fn set_prototype_checked(vm: &mut Vm, id: ObjId, proto: Option<ObjId>) -> bool {
    if vm.heap.get(id).proto == proto {
        return true;
    }
    if !vm.heap.get(id).is_extensible() {
        return false;
    }
    let mut cursor = proto;
    while let Some(p) = cursor {
        if p == id {
            return false;
        }
        cursor = vm.heap.get(p).proto;
    }
    vm.set_prototype(id, proto);
    true
}

fn is_prototype_of(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    let Value::Object(mut value) = arg(args, 0) else { return Ok(Value::Bool(false)) };
    let target = vm.to_object(this)?;
    while let Some(proto) = vm.heap.get(value).proto {
        if proto == target {
            return Ok(Value::Bool(true));
        }
        value = proto;
    }
    Ok(Value::Bool(false))
}

fn property_is_enumerable(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    let key = vm.to_property_key(host, &arg(args, 0))?;
    let id = vm.to_object(this)?;
    Ok(Value::Bool(own_descriptor(vm, id, key).is_some_and(|desc| desc.enumerable == Some(true))))
}

fn to_locale_string(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> Native {
    let method = vm.get(host, this, Key::Atom(crate::atoms::TO_STRING))?;
    vm.call(host, &method, this, &[])
}

fn value_of(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> Native {
    Ok(Value::Object(vm.to_object(this)?))
}

fn proto_get(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> Native {
    let id = vm.to_object(this)?;
    Ok(vm.heap.get(id).proto.map_or(Value::Null, Value::Object))
}

fn proto_set(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    if this.is_nullish() {
        return vm.type_error("Object.prototype.__proto__ called on null or undefined");
    }
    let proto = match arg(args, 0) {
        Value::Object(id) => Some(id),
        Value::Null => None,
        _ => return Ok(Value::Undefined),
    };
    if let Value::Object(id) = this {
        if !set_prototype_checked(vm, *id, proto) {
            return vm.type_error("Cyclic __proto__ value");
        }
    }
    Ok(Value::Undefined)
}

fn define_accessor(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], getter: bool) -> Native {
    let id = vm.to_object(this)?;
    let function = arg(args, 1);
    if !vm.is_callable(&function) {
        return vm.type_error("Object.prototype.__defineGetter__: Expecting function");
    }
    let key = vm.to_property_key(host, &arg(args, 0))?;
    let desc = Descriptor {
        get: getter.then(|| function.clone()),
        set: (!getter).then_some(function),
        enumerable: Some(true),
        configurable: Some(true),
        ..Default::default()
    };
    if !vm.define_property(id, key, &desc) {
        let name = vm.key_to_display(key);
        return vm.type_error(&format!("Cannot redefine property: {name}"));
    }
    Ok(Value::Undefined)
}

fn define_getter(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    define_accessor(vm, host, this, args, true)
}

fn define_setter(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    define_accessor(vm, host, this, args, false)
}

fn lookup_accessor(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], getter: bool) -> Native {
    let mut id = vm.to_object(this)?;
    let key = vm.to_property_key(host, &arg(args, 0))?;
    loop {
        if let Some(desc) = own_descriptor(vm, id, key) {
            return Ok(if getter { desc.get.unwrap_or_default() } else { desc.set.unwrap_or_default() });
        }
        match vm.heap.get(id).proto {
            Some(proto) => id = proto,
            None => return Ok(Value::Undefined),
        }
    }
}

fn lookup_getter(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    lookup_accessor(vm, host, this, args, true)
}

fn lookup_setter(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> Native {
    lookup_accessor(vm, host, this, args, false)
}

fn object_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    // `new Object()` from a subclass: the prototype comes from new.target.
    if let Some(target) = new_target {
        let is_object_itself = vm.current_native() == Some(target);
        if !is_object_itself {
            let prototype = vm.get(host, &Value::Object(target), Key::Atom(crate::atoms::PROTOTYPE))?;
            let proto = prototype.as_object().unwrap_or(vm.intrinsics.object_prototype);
            return Ok(Value::Object(vm.heap.alloc(Some(proto), Kind::Ordinary, 0)));
        }
    }
    match arg(args, 0) {
        Value::Undefined | Value::Null => Ok(Value::Object(vm.new_object())),
        other => Ok(Value::Object(vm.to_object(&other)?)),
    }
}

fn has_own_property(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let key = vm.to_property_key(host, &arg(args, 0))?;
    let object = vm.to_object(this)?;
    Ok(Value::Bool(vm.own_property(object, key).is_some()))
}

/// `Object.prototype.toString` (ECMA-262 20.1.3.6).
fn to_string(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let builtin = match this {
        Value::Undefined => return Ok(Value::str("[object Undefined]")),
        Value::Null => return Ok(Value::str("[object Null]")),
        _ => {
            let object = vm.to_object(this)?;
            match &vm.heap.get(object).kind {
                Kind::Array(_) => "Array",
                Kind::Arguments { .. } => "Arguments",
                Kind::Function(_) => "Function",
                Kind::Error => "Error",
                Kind::Boolean(_) => "Boolean",
                Kind::Number(_) => "Number",
                Kind::String(_) => "String",
                Kind::Date(_) => "Date",
                Kind::RegExp(_) => "RegExp",
                _ => "Object",
            }
        }
    };
    let tag = vm.get(host, this, crate::value::Key::Symbol(crate::vm::symbols::TO_STRING_TAG))?;
    let tag = match tag {
        Value::String(text) => text.to_rust(),
        _ => builtin.to_string(),
    };
    Ok(Value::String(crate::JsStr::from_string(format!("[object {tag}]"))))
}

fn get_prototype_of(vm: &mut Vm, _host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let object = vm.to_object(&arg(args, 0))?;
    Ok(vm.heap.get(object).proto.map_or(Value::Null, Value::Object))
}
