//! `Map`, `Set`, `WeakMap` and `WeakSet` (ECMA-262 24.1-24.4) with the
//! Map and Set iterators (24.1.5, 24.2.6). Entries live in an
//! [`OrderedMap`] inside the object's kind; a deleted entry leaves a hole,
//! so an iterator's index stays valid while the collection changes.
//! Weak collections hold their keys strongly for now (the collector knows
//! no ephemerons); only what a program can observe is weak-like.

use super::{arg, link_constructor};
use super::{define_getter, define_species, define_tag};
use crate::atoms;
use crate::object::{FunctionKind, IterKind, IterState, Kind, OrderedMap};
use crate::shape::METHOD_ATTRS;
use crate::value::{Key, ObjId, Value};
use crate::vm::symbols;
use crate::{Embedder, JsResult, Unwind, Vm};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    Map,
    Set,
    WeakMap,
    WeakSet,
}

impl Family {
    fn name(self) -> &'static str {
        match self {
            Family::Map => "Map",
            Family::Set => "Set",
            Family::WeakMap => "WeakMap",
            Family::WeakSet => "WeakSet",
        }
    }

    fn of(kind: &Kind) -> Option<Family> {
        match kind {
            Kind::Map(_) => Some(Family::Map),
            Kind::Set(_) => Some(Family::Set),
            Kind::WeakMap(_) => Some(Family::WeakMap),
            Kind::WeakSet(_) => Some(Family::WeakSet),
            _ => None,
        }
    }

    fn default_prototype(self, vm: &Vm) -> ObjId {
        match self {
            Family::Map => vm.intrinsics.map_prototype,
            Family::Set => vm.intrinsics.set_prototype,
            Family::WeakMap => vm.intrinsics.weak_map_prototype,
            Family::WeakSet => vm.intrinsics.weak_set_prototype,
        }
    }

    fn new_kind(self) -> Kind {
        match self {
            Family::Map => Kind::Map(Box::default()),
            Family::Set => Kind::Set(Box::default()),
            Family::WeakMap => Kind::WeakMap(Box::default()),
            Family::WeakSet => Kind::WeakSet(Box::default()),
        }
    }

    /// Maps take `[key, value]` entries through `set`; sets take values
    /// through `add`.
    fn is_map(self) -> bool {
        matches!(self, Family::Map | Family::WeakMap)
    }
}

pub(super) fn install(vm: &mut Vm) {
    install_map(vm);
    install_set(vm);
    install_weak_map(vm);
    install_weak_set(vm);
}

/// Properties in V8's order, so `Reflect.ownKeys` lists them as Node does.
fn install_map(vm: &mut Vm) {
    let prototype = vm.intrinsics.map_prototype;
    let constructor = vm.native_function("Map", 0, map_constructor);
    link_constructor(vm, "Map", constructor, prototype);
    define_species(vm, constructor);
    vm.define_method(prototype, "get", 1, map_get);
    vm.define_method(prototype, "set", 2, map_set);
    vm.define_method(prototype, "has", 1, map_has);
    vm.define_method(prototype, "delete", 1, map_delete);
    vm.define_method(prototype, "clear", 0, map_clear);
    let entries = vm.define_method(prototype, "entries", 0, map_entries);
    vm.define_method(prototype, "forEach", 1, map_for_each);
    vm.define_method(prototype, "keys", 0, map_keys);
    define_getter(vm, prototype, "size", map_size);
    vm.define_method(prototype, "values", 0, map_values);
    define_tag(vm, prototype, "Map");
    // Map.prototype[@@iterator] is the same function as `entries` (24.1.3.12).
    vm.heap.put(prototype, Key::Symbol(symbols::ITERATOR), Value::Object(entries), METHOD_ATTRS);
    let iterator_prototype = vm.intrinsics.map_iterator_prototype;
    vm.define_method(iterator_prototype, "next", 0, map_iterator_next);
    define_tag(vm, iterator_prototype, "Map Iterator");
}

fn install_set(vm: &mut Vm) {
    let prototype = vm.intrinsics.set_prototype;
    let constructor = vm.native_function("Set", 0, set_constructor);
    link_constructor(vm, "Set", constructor, prototype);
    define_species(vm, constructor);
    vm.define_method(prototype, "has", 1, set_has);
    vm.define_method(prototype, "add", 1, set_add);
    vm.define_method(prototype, "delete", 1, set_delete);
    vm.define_method(prototype, "clear", 0, set_clear);
    vm.define_method(prototype, "entries", 0, set_entries);
    vm.define_method(prototype, "forEach", 1, set_for_each);
    define_getter(vm, prototype, "size", set_size);
    let values = vm.define_method(prototype, "values", 0, set_values);
    // `keys` and @@iterator are the same function as `values` (24.2.3.8, 24.2.3.11).
    let keys = vm.key("keys");
    vm.heap.put(prototype, keys, Value::Object(values), METHOD_ATTRS);
    define_tag(vm, prototype, "Set");
    vm.heap.put(prototype, Key::Symbol(symbols::ITERATOR), Value::Object(values), METHOD_ATTRS);
    let iterator_prototype = vm.intrinsics.set_iterator_prototype;
    vm.define_method(iterator_prototype, "next", 0, set_iterator_next);
    define_tag(vm, iterator_prototype, "Set Iterator");
}

fn install_weak_map(vm: &mut Vm) {
    let prototype = vm.intrinsics.weak_map_prototype;
    let constructor = vm.native_function("WeakMap", 0, weak_map_constructor);
    link_constructor(vm, "WeakMap", constructor, prototype);
    vm.define_method(prototype, "delete", 1, weak_map_delete);
    vm.define_method(prototype, "get", 1, weak_map_get);
    vm.define_method(prototype, "set", 2, weak_map_set);
    vm.define_method(prototype, "has", 1, weak_map_has);
    define_tag(vm, prototype, "WeakMap");
}

fn install_weak_set(vm: &mut Vm) {
    let prototype = vm.intrinsics.weak_set_prototype;
    let constructor = vm.native_function("WeakSet", 0, weak_set_constructor);
    link_constructor(vm, "WeakSet", constructor, prototype);
    vm.define_method(prototype, "delete", 1, weak_set_delete);
    vm.define_method(prototype, "has", 1, weak_set_has);
    vm.define_method(prototype, "add", 1, weak_set_add);
    define_tag(vm, prototype, "WeakSet");
}

// ---------------------------------------------------------------------------
// Shared machinery

fn entries(vm: &Vm, id: ObjId) -> Option<&OrderedMap> {
    match &vm.heap.get(id).kind {
        Kind::Map(map) | Kind::Set(map) | Kind::WeakMap(map) | Kind::WeakSet(map) => Some(map),
        _ => None,
    }
}

fn entries_mut(vm: &mut Vm, id: ObjId) -> Option<&mut OrderedMap> {
    match &mut vm.heap.get_mut(id).kind {
        Kind::Map(map) | Kind::Set(map) | Kind::WeakMap(map) | Kind::WeakSet(map) => Some(map),
        _ => None,
    }
}

/// RequireInternalSlot(this, [[MapData]] / [[SetData]] / …) with V8's message.
fn this_collection(vm: &mut Vm, this: &Value, family: Family, method: &str) -> JsResult<ObjId> {
    if let Value::Object(id) = this {
        if Family::of(&vm.heap.get(*id).kind) == Some(family) {
            return Ok(*id);
        }
    }
    let receiver = describe(vm, this);
    vm.type_error(&format!("Method {method} called on incompatible receiver {receiver}"))
}

/// Adds or replaces an entry; a new one counts toward the heap's size.
fn insert(vm: &mut Vm, id: ObjId, key: Value, value: Value) {
    let added = match entries_mut(vm, id) {
        Some(map) => {
            let before = map.live;
            map.set(key, value);
            map.live > before
        }
        None => false,
    };
    if added {
        vm.heap.grew(2);
    }
}

fn lookup(vm: &Vm, id: ObjId, key: &Value) -> Value {
    entries(vm, id).and_then(|map| map.get(key).cloned()).unwrap_or_default()
}

fn contains(vm: &Vm, id: ObjId, key: &Value) -> bool {
    entries(vm, id).is_some_and(|map| map.has(key))
}

fn remove(vm: &mut Vm, id: ObjId, key: &Value) -> bool {
    entries_mut(vm, id).is_some_and(|map| map.delete(key))
}

fn live_count(vm: &Vm, id: ObjId) -> Value {
    Value::Number(entries(vm, id).map_or(0.0, |map| map.live as f64))
}

/// CanBeHeldWeakly (ECMA-262 9.13): objects, and symbols not in the
/// `Symbol.for` registry.
fn can_be_held_weakly(vm: &Vm, value: &Value) -> bool {
    match value {
        Value::Object(_) => true,
        Value::Symbol(sym) => !vm.symbols.get(sym.0 as usize).is_some_and(|data| data.registered),
        _ => false,
    }
}

/// The Map, Set, WeakMap and WeakSet constructors (24.1.1.1, 24.2.2.1,
/// 24.3.1.1, 24.4.1.1): the prototype comes from new.target; entries
/// from the iterable go through the new object's own `set` / `add`, which
/// a subclass may override.
fn construct(vm: &mut Vm, host: &mut dyn Embedder, args: &[Value], new_target: Option<ObjId>, family: Family) -> JsResult<Value> {
    let Some(new_target) = new_target else {
        return vm.type_error(&format!("Constructor {} requires 'new'", family.name()));
    };
    // GetPrototypeFromConstructor (ECMA-262 10.1.14).
    let prototype = match vm.get(host, &Value::Object(new_target), Key::Atom(atoms::PROTOTYPE))? {
        Value::Object(prototype) => prototype,
        _ => family.default_prototype(vm),
    };
    let target = Value::Object(vm.heap.alloc(Some(prototype), family.new_kind(), 0));
    let iterable = arg(args, 0);
    if iterable.is_nullish() {
        return Ok(target);
    }
    let (adder_key, adder_name) = if family.is_map() { (Key::Atom(atoms::SET), "set") } else { (Key::Atom(atoms::ADD), "add") };
    let adder = vm.get(host, &target, adder_key)?;
    if !vm.is_callable(&adder) {
        let (value, object) = (describe(vm, &adder), describe(vm, &target));
        return vm.type_error(&format!("'{value}' returned for property '{adder_name}' of object '{object}' is not a function"));
    }
    let (iterator, next) = get_iterator(vm, host, &iterable)?;
    if !vm.is_callable(&next) {
        let what = call_site(vm, &next);
        return vm.type_error(&format!("{what} is not a function"));
    }
    loop {
        // IteratorStepValue: a throwing or malformed iterator is not closed.
        let result = vm.call(host, &next, &iterator, &[])?;
        if !result.is_object() {
            let what = describe(vm, &result);
            return vm.type_error(&format!("Iterator result {what} is not an object"));
        }
        if vm.get(host, &result, Key::Atom(atoms::DONE))?.truthy() {
            return Ok(target);
        }
        let item = vm.get(host, &result, Key::Atom(atoms::VALUE))?;
        if let Err(error) = add_item(vm, host, &target, &adder, item, family.is_map()) {
            return Err(close_iterator(vm, host, &iterator, error));
        }
    }
}

/// AddEntriesFromIterable (ECMA-262 24.1.1.2) steps 4.d-4.k for one item,
/// or the Set constructor's step 8.d for one value.
fn add_item(vm: &mut Vm, host: &mut dyn Embedder, target: &Value, adder: &Value, item: Value, pairs: bool) -> JsResult<()> {
    if !pairs {
        vm.call(host, adder, target, &[item])?;
        return Ok(());
    }
    if !item.is_object() {
        let what = describe(vm, &item);
        return vm.type_error(&format!("Iterator value {what} is not an entry object"));
    }
    let key = vm.get(host, &item, Key::Index(0))?;
    let value = vm.get(host, &item, Key::Index(1))?;
    vm.call(host, adder, target, &[key, value])?;
    Ok(())
}

/// GetIterator (ECMA-262 7.4.2) with V8's message for a non-iterable.
fn get_iterator(vm: &mut Vm, host: &mut dyn Embedder, iterable: &Value) -> JsResult<(Value, Value)> {
    let method = vm.get(host, iterable, Key::Symbol(symbols::ITERATOR))?;
    if !vm.is_callable(&method) {
        let what = call_site(vm, iterable);
        return vm.type_error(&format!("{what} is not iterable (cannot read property Symbol(Symbol.iterator))"));
    }
    let iterator = vm.call(host, &method, iterable, &[])?;
    if !iterator.is_object() {
        return vm.type_error("Result of the Symbol.iterator method is not an object");
    }
    let next = vm.get(host, &iterator, Key::Atom(atoms::NEXT))?;
    Ok((iterator, next))
}

/// IteratorClose (ECMA-262 7.4.10) with a throw completion: `return` is
/// called, but whatever it does, the original error is what propagates
/// (a halt from the embedder still wins).
fn close_iterator(vm: &mut Vm, host: &mut dyn Embedder, iterator: &Value, error: Unwind) -> Unwind {
    if matches!(error, Unwind::Halt) {
        return error;
    }
    let method = match vm.get(host, iterator, Key::Atom(atoms::RETURN)) {
        Ok(method) => method,
        Err(Unwind::Halt) => return Unwind::Halt,
        Err(Unwind::Throw(_)) => return error,
    };
    if vm.is_callable(&method) {
        if let Err(Unwind::Halt) = vm.call(host, &method, iterator, &[]) {
            return Unwind::Halt;
        }
    }
    error
}

/// `Map.prototype.forEach` / `Set.prototype.forEach` (24.1.3.5, 24.2.3.6):
/// entries added during the walk are visited, deleted ones are not.
fn for_each(vm: &mut Vm, host: &mut dyn Embedder, id: ObjId, args: &[Value], family: Family) -> JsResult<Value> {
    let callback = arg(args, 0);
    if !vm.is_callable(&callback) {
        let what = call_site(vm, &callback);
        return vm.type_error(&format!("{what} is not a function"));
    }
    let this_arg = arg(args, 1);
    let mut index = 0;
    loop {
        let entry = match entries(vm, id).and_then(|map| map.entries.get(index)) {
            Some(entry) => entry.clone(),
            None => break,
        };
        index += 1;
        let Some((key, value)) = entry else { continue };
        let call_args = match family {
            Family::Set | Family::WeakSet => [key.clone(), key, Value::Object(id)],
            Family::Map | Family::WeakMap => [value, key, Value::Object(id)],
        };
        vm.call(host, &callback, &this_arg, &call_args)?;
    }
    Ok(Value::Undefined)
}

fn new_iterator(vm: &mut Vm, id: ObjId, family: Family, kind: IterKind) -> Value {
    let (proto, state) = match family {
        Family::Map => (vm.intrinsics.map_iterator_prototype, IterState::Map { target: id, index: 0, kind }),
        _ => (vm.intrinsics.set_iterator_prototype, IterState::Set { target: id, index: 0, kind }),
    };
    Value::Object(vm.heap.alloc(Some(proto), Kind::Iterator(Box::new(state)), 0))
}

/// `%MapIteratorPrototype%.next` / `%SetIteratorPrototype%.next` (24.1.5.2.1,
/// 24.2.6.2.1): the next live entry at or after the iterator's index. An
/// exhausted iterator stays exhausted (its index goes past any entry).
fn iterator_next(vm: &mut Vm, this: &Value, family: Family) -> JsResult<Value> {
    let state = match this {
        Value::Object(id) => match &vm.heap.get(*id).kind {
            Kind::Iterator(state) => match (&**state, family) {
                (IterState::Map { target, index, kind }, Family::Map) | (IterState::Set { target, index, kind }, Family::Set) => {
                    Some((*id, *target, *index, *kind))
                }
                _ => None,
            },
            _ => None,
        },
        _ => None,
    };
    let Some((iterator, target, start, kind)) = state else {
        let receiver = describe(vm, this);
        return vm.type_error(&format!("Method {} Iterator.prototype.next called on incompatible receiver {receiver}", family.name()));
    };
    let found = entries(vm, target).and_then(|map| {
        let entries = map.entries.get(start..)?;
        entries.iter().enumerate().find_map(|(offset, entry)| entry.as_ref().map(|(key, value)| (start + offset, key.clone(), value.clone())))
    });
    let next_index = found.as_ref().map_or(usize::MAX, |(index, _, _)| index + 1);
    if let Kind::Iterator(state) = &mut vm.heap.get_mut(iterator).kind {
        match &mut **state {
            IterState::Map { index, .. } | IterState::Set { index, .. } => *index = next_index,
            _ => {}
        }
    }
    let Some((_, key, value)) = found else { return Ok(super::array::iter_result(vm, Value::Undefined, true)) };
    let result = match (kind, family) {
        (IterKind::Keys, _) => key,
        (IterKind::Values, Family::Map) => value,
        (IterKind::Values, _) => key,
        (IterKind::Entries, Family::Map) => Value::Object(vm.new_array(vec![key, value])),
        (IterKind::Entries, _) => Value::Object(vm.new_array(vec![key.clone(), key])),
    };
    Ok(super::array::iter_result(vm, result, false))
}

// ---------------------------------------------------------------------------
// Map (ECMA-262 24.1)

fn map_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    construct(vm, host, args, new_target, Family::Map)
}

fn map_get(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::Map, "Map.prototype.get")?;
    Ok(lookup(vm, id, &arg(args, 0)))
}

/// `Map.prototype.set` (24.1.3.9): -0 becomes +0 as a key (in OrderedMap::set).
fn map_set(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::Map, "Map.prototype.set")?;
    insert(vm, id, arg(args, 0), arg(args, 1));
    Ok(this.clone())
}

fn map_has(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::Map, "Map.prototype.has")?;
    Ok(Value::Bool(contains(vm, id, &arg(args, 0))))
}

fn map_delete(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::Map, "Map.prototype.delete")?;
    Ok(Value::Bool(remove(vm, id, &arg(args, 0))))
}

fn map_clear(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::Map, "Map.prototype.clear")?;
    if let Some(map) = entries_mut(vm, id) {
        map.clear();
    }
    Ok(Value::Undefined)
}

fn map_for_each(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::Map, "Map.prototype.forEach")?;
    for_each(vm, host, id, args, Family::Map)
}

fn map_size(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::Map, "get Map.prototype.size")?;
    Ok(live_count(vm, id))
}

fn map_entries(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::Map, "Map.prototype.entries")?;
    Ok(new_iterator(vm, id, Family::Map, IterKind::Entries))
}

fn map_keys(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::Map, "Map.prototype.keys")?;
    Ok(new_iterator(vm, id, Family::Map, IterKind::Keys))
}

fn map_values(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::Map, "Map.prototype.values")?;
    Ok(new_iterator(vm, id, Family::Map, IterKind::Values))
}

fn map_iterator_next(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    iterator_next(vm, this, Family::Map)
}

// ---------------------------------------------------------------------------
// Set (ECMA-262 24.2): values are the keys of the OrderedMap.

fn set_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    construct(vm, host, args, new_target, Family::Set)
}

/// `Set.prototype.add` (24.2.3.1): -0 becomes +0 (in OrderedMap::set).
fn set_add(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::Set, "Set.prototype.add")?;
    let value = arg(args, 0);
    if !contains(vm, id, &value) {
        insert(vm, id, value, Value::Undefined);
    }
    Ok(this.clone())
}

fn set_has(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::Set, "Set.prototype.has")?;
    Ok(Value::Bool(contains(vm, id, &arg(args, 0))))
}

fn set_delete(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::Set, "Set.prototype.delete")?;
    Ok(Value::Bool(remove(vm, id, &arg(args, 0))))
}

fn set_clear(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::Set, "Set.prototype.clear")?;
    if let Some(map) = entries_mut(vm, id) {
        map.clear();
    }
    Ok(Value::Undefined)
}

fn set_for_each(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::Set, "Set.prototype.forEach")?;
    for_each(vm, host, id, args, Family::Set)
}

fn set_size(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::Set, "get Set.prototype.size")?;
    Ok(live_count(vm, id))
}

fn set_entries(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::Set, "Set.prototype.entries")?;
    Ok(new_iterator(vm, id, Family::Set, IterKind::Entries))
}

fn set_values(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::Set, "Set.prototype.values")?;
    Ok(new_iterator(vm, id, Family::Set, IterKind::Values))
}

fn set_iterator_next(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    iterator_next(vm, this, Family::Set)
}

// ---------------------------------------------------------------------------
// WeakMap and WeakSet (ECMA-262 24.3, 24.4): a value that cannot be held
// weakly is never a member, and cannot be added.

fn weak_map_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    construct(vm, host, args, new_target, Family::WeakMap)
}

fn weak_map_get(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::WeakMap, "WeakMap.prototype.get")?;
    let key = arg(args, 0);
    Ok(if can_be_held_weakly(vm, &key) { lookup(vm, id, &key) } else { Value::Undefined })
}

fn weak_map_set(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::WeakMap, "WeakMap.prototype.set")?;
    let key = arg(args, 0);
    if !can_be_held_weakly(vm, &key) {
        return vm.type_error("Invalid value used as weak map key");
    }
    insert(vm, id, key, arg(args, 1));
    Ok(this.clone())
}

fn weak_map_has(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::WeakMap, "WeakMap.prototype.has")?;
    let key = arg(args, 0);
    Ok(Value::Bool(can_be_held_weakly(vm, &key) && contains(vm, id, &key)))
}

fn weak_map_delete(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::WeakMap, "WeakMap.prototype.delete")?;
    let key = arg(args, 0);
    Ok(Value::Bool(can_be_held_weakly(vm, &key) && remove(vm, id, &key)))
}

fn weak_set_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    construct(vm, host, args, new_target, Family::WeakSet)
}

fn weak_set_add(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::WeakSet, "WeakSet.prototype.add")?;
    let value = arg(args, 0);
    if !can_be_held_weakly(vm, &value) {
        return vm.type_error("Invalid value used in weak set");
    }
    if !contains(vm, id, &value) {
        insert(vm, id, value, Value::Undefined);
    }
    Ok(this.clone())
}

fn weak_set_has(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::WeakSet, "WeakSet.prototype.has")?;
    let value = arg(args, 0);
    Ok(Value::Bool(can_be_held_weakly(vm, &value) && contains(vm, id, &value)))
}

fn weak_set_delete(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let id = this_collection(vm, this, Family::WeakSet, "WeakSet.prototype.delete")?;
    let value = arg(args, 0);
    Ok(Value::Bool(can_be_held_weakly(vm, &value) && remove(vm, id, &value)))
}

// ---------------------------------------------------------------------------
// How V8 names values in these messages, computed without running code.

/// V8's BuildDefaultCallSite: "number 1", "string \"a\"", "object null",
/// "object", "undefined" (what "… is not a function" and "… is not
/// iterable" say when no source text names the callee).
fn call_site(vm: &Vm, value: &Value) -> String {
    let type_name = vm.typeof_value(value);
    match value {
        Value::String(text) => format!("{type_name} \"{text}\""),
        Value::Null => "object null".to_string(),
        Value::Bool(b) => format!("{type_name} {b}"),
        Value::Number(n) => format!("{type_name} {}", crate::number::number_to_string(*n)),
        _ => type_name.to_string(),
    }
}

/// A data property along the prototype chain, without running getters.
fn data_property(vm: &Vm, mut id: ObjId, key: Key) -> Option<Value> {
    for _ in 0..crate::PROTO_CHAIN_MAX {
        if let Some(found) = vm.own_property(id, key) {
            return (!found.is_accessor()).then_some(found.value);
        }
        id = vm.heap.get(id).proto?;
    }
    None
}

fn string_data(vm: &Vm, id: ObjId, key: Key) -> Option<String> {
    match data_property(vm, id, key) {
        Some(Value::String(text)) => Some(text.to_rust()),
        _ => None,
    }
}

/// V8's Object::NoSideEffectsToString: primitives as ToString would make
/// them (symbols as `Symbol(desc)`), functions as their source, errors as
/// "Name: message", objects with the default `toString` as `#<Ctor>`, and
/// others as `[object Tag]`.
fn describe(vm: &Vm, value: &Value) -> String {
    let id = match value {
        Value::Undefined | Value::Empty => return "undefined".to_string(),
        Value::Null => return "null".to_string(),
        Value::Bool(b) => return b.to_string(),
        Value::Number(n) => return crate::number::number_to_string(*n),
        Value::String(text) => return text.to_rust(),
        Value::Symbol(sym) => return vm.key_to_display(Key::Symbol(*sym)),
        Value::Object(id) => *id,
    };
    let object = vm.heap.get(id);
    if let Kind::Function(function) = &object.kind {
        if let FunctionKind::Closure(closure) = &**function {
            if let Some(source) = &closure.code.source {
                return source.to_string();
            }
        }
        let name = match vm.heap.own(id, Key::Atom(atoms::NAME)) {
            Some(found) if !found.is_accessor() => found.value.as_string().map(|name| name.to_rust()).unwrap_or_default(),
            _ => String::new(),
        };
        return format!("function {name}() {{ [native code] }}");
    }
    if matches!(object.kind, Kind::Error) {
        let name = string_data(vm, id, Key::Atom(atoms::NAME)).unwrap_or_else(|| "Error".to_string());
        let message = string_data(vm, id, Key::Atom(atoms::MESSAGE)).unwrap_or_default();
        return match (name.is_empty(), message.is_empty()) {
            (true, _) => message,
            (_, true) => name,
            _ => format!("{name}: {message}"),
        };
    }
    let default_to_string = vm.heap.own(vm.intrinsics.object_prototype, Key::Atom(atoms::TO_STRING)).and_then(|found| found.value.as_object());
    let to_string = data_property(vm, id, Key::Atom(atoms::TO_STRING)).and_then(|value| value.as_object());
    if to_string.is_some() && to_string == default_to_string {
        let constructor = data_property(vm, id, Key::Atom(atoms::CONSTRUCTOR)).and_then(|value| value.as_object());
        if let Some(constructor) = constructor.filter(|function| vm.heap.get(*function).is_callable()) {
            if let Some(name) = string_data(vm, constructor, Key::Atom(atoms::NAME)).filter(|name| !name.is_empty()) {
                return format!("#<{name}>");
            }
        }
    }
    let tag = string_data(vm, id, Key::Symbol(symbols::TO_STRING_TAG)).unwrap_or_else(|| {
        match vm.heap.get(id).kind {
            Kind::Array(_) => "Array",
            Kind::Arguments { .. } => "Arguments",
            Kind::Boolean(_) => "Boolean",
            Kind::Number(_) => "Number",
            Kind::String(_) => "String",
            Kind::Date(_) => "Date",
            Kind::RegExp(_) => "RegExp",
            _ => "Object",
        }
        .to_string()
    });
    format!("[object {tag}]")
}
