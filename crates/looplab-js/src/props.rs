//! Own properties of ordinary objects and arrays, on the heap alone: find,
//! define (with the validation of ECMA-262 10.1.6.3,
//! ValidateAndApplyPropertyDescriptor), delete, and list in the order
//! OrdinaryOwnPropertyKeys gives (10.1.11.1). Nothing here runs JavaScript:
//! getters and setters are called by the VM, which uses these.
//!
//! Exotic own properties that are computed rather than stored (a String
//! object's characters, a mapped `arguments` object's parameters) are the
//! VM's business too.

use crate::heap::Heap;
use crate::object::{Dict, Elements, Kind};
use crate::shape::{ACCESSOR, CONFIGURABLE, DEFAULT_ATTRS, ENUMERABLE, WRITABLE};
use crate::value::{Key, ObjId, Value};
use std::collections::BTreeMap;

/// Arrays stay dense unless an index lands this far past their end.
const DENSE_GAP_MAX: u32 = 1024;
/// Dense element vectors grow to at most this many values through holes.
const DENSE_LEN_MAX: u32 = 1 << 26;

/// A property found on an object: its value (for an accessor, the pair
/// object holding getter and setter) and attributes.
#[derive(Clone, Debug)]
pub struct Found {
    pub value: Value,
    pub attrs: u8,
}

impl Found {
    pub fn is_accessor(&self) -> bool {
        self.attrs & ACCESSOR != 0
    }
}

/// A property descriptor (ECMA-262 6.2.6): any field may be absent.
#[derive(Clone, Debug, Default)]
pub struct Descriptor {
    pub value: Option<Value>,
    pub writable: Option<bool>,
    pub get: Option<Value>,
    pub set: Option<Value>,
    pub enumerable: Option<bool>,
    pub configurable: Option<bool>,
}

impl Descriptor {
    pub fn data(value: Value, attrs: u8) -> Descriptor {
        Descriptor {
            value: Some(value),
            writable: Some(attrs & WRITABLE != 0),
            get: None,
            set: None,
            enumerable: Some(attrs & ENUMERABLE != 0),
            configurable: Some(attrs & CONFIGURABLE != 0),
        }
    }

    pub fn is_accessor(&self) -> bool {
        self.get.is_some() || self.set.is_some()
    }

    pub fn is_data(&self) -> bool {
        self.value.is_some() || self.writable.is_some()
    }
}

fn attrs_of(writable: bool, enumerable: bool, configurable: bool) -> u8 {
    (if writable { WRITABLE } else { 0 }) | (if enumerable { ENUMERABLE } else { 0 }) | (if configurable { CONFIGURABLE } else { 0 })
}

impl Heap {
    /// The own property `key` of `id`, as stored.
    pub fn own(&self, id: ObjId, key: Key) -> Option<Found> {
        let object = self.get(id);
        if let Key::Index(index) = key {
            return match &object.elements {
                Elements::Dense(values) => match values.get(index as usize) {
                    Some(Value::Empty) | None => None,
                    Some(value) => Some(Found { value: value.clone(), attrs: DEFAULT_ATTRS }),
                },
                Elements::Sparse(map) => map.get(&index).map(|(value, attrs)| Found { value: value.clone(), attrs: *attrs }),
            };
        }
        if let Some(dict) = &object.dict {
            return dict.get(key).map(|(_, value, attrs)| Found { value: value.clone(), attrs: *attrs });
        }
        let (slot, attrs) = self.shapes.lookup(object.shape, key)?;
        Some(Found { value: object.slots[slot as usize].clone(), attrs })
    }

    /// Finds `key` on `id` or its prototypes: the holder and the property.
    pub fn find(&self, mut id: ObjId, key: Key) -> Option<(ObjId, Found)> {
        for _ in 0..crate::PROTO_CHAIN_MAX {
            if let Some(found) = self.own(id, key) {
                return Some((id, found));
            }
            id = self.get(id).proto?;
        }
        None
    }

    /// Adds or replaces own property `key` with a plain value and attributes,
    /// no questions asked (for building objects and for the VM once it has
    /// validated the change). Array `length` is not handled here.
    pub fn put(&mut self, id: ObjId, key: Key, value: Value, attrs: u8) {
        if let Key::Index(index) = key {
            self.put_element(id, index, value, attrs);
            return;
        }
        self.value_written(id);
        let object = self.get_mut(id);
        if let Some(dict) = &mut object.dict {
            dict.insert(key, value, attrs);
            self.layout_changed(id);
            return;
        }
        let shape = object.shape;
        if let Some((slot, old_attrs)) = self.shapes.lookup(shape, key) {
            if old_attrs == attrs {
                self.get_mut(id).slots[slot as usize] = value;
                return;
            }
            // An attribute change: the object leaves its shape.
            self.to_dict(id);
            if let Some(dict) = &mut self.get_mut(id).dict {
                dict.insert(key, value, attrs);
            }
            self.layout_changed(id);
            return;
        }
        match self.shapes.add(shape, key, attrs) {
            Some(next) => {
                let object = self.get_mut(id);
                object.shape = next;
                object.slots.push(value);
                self.grew(1);
            }
            None => {
                self.to_dict(id);
                if let Some(dict) = &mut self.get_mut(id).dict {
                    dict.insert(key, value, attrs);
                }
                self.grew(2);
            }
        }
        self.layout_changed(id);
    }

    /// Sets the value of an existing own data property, keeping its attributes.
    pub fn set_existing(&mut self, id: ObjId, key: Key, value: Value) {
        self.value_written(id);
        let object = self.get_mut(id);
        if let Key::Index(index) = key {
            match &mut object.elements {
                Elements::Dense(values) => {
                    if let Some(slot) = values.get_mut(index as usize) {
                        *slot = value;
                    }
                }
                Elements::Sparse(map) => {
                    if let Some(entry) = map.get_mut(&index) {
                        entry.0 = value;
                    }
                }
            }
            return;
        }
        if let Some(dict) = &mut object.dict {
            if let Some(entry) = dict.get_mut(key) {
                entry.1 = value;
            }
            return;
        }
        let shape = object.shape;
        if let Some((slot, _)) = self.shapes.lookup(shape, key) {
            self.get_mut(id).slots[slot as usize] = value;
        }
    }

    fn put_element(&mut self, id: ObjId, index: u32, value: Value, attrs: u8) {
        let object = self.get_mut(id);
        let mut grown = 0;
        if let Elements::Dense(values) = &mut object.elements {
            let len = values.len() as u32;
            if attrs == DEFAULT_ATTRS && (index < len || (index - len <= DENSE_GAP_MAX && index < DENSE_LEN_MAX)) {
                if index >= len {
                    grown = (index - len + 1) as usize;
                    values.resize(index as usize + 1, Value::Empty);
                }
                values[index as usize] = value;
                if let Kind::Array(state) = &mut object.kind {
                    if index >= state.length {
                        state.length = index + 1;
                    }
                }
                self.grew(grown);
                return;
            }
            self.to_sparse(id);
        }
        let object = self.get_mut(id);
        if let Elements::Sparse(map) = &mut object.elements {
            map.insert(index, (value, attrs));
        }
        if let Kind::Array(state) = &mut object.kind {
            if index >= state.length {
                state.length = index + 1;
            }
        }
        self.grew(2);
    }

    /// Moves the elements of `id` to the sparse form.
    pub fn to_sparse(&mut self, id: ObjId) {
        let object = self.get_mut(id);
        if let Elements::Dense(values) = &mut object.elements {
            let map: BTreeMap<u32, (Value, u8)> = std::mem::take(values)
                .into_iter()
                .enumerate()
                .filter(|(_, value)| !matches!(value, Value::Empty))
                .map(|(index, value)| (index as u32, (value, DEFAULT_ATTRS)))
                .collect();
            object.elements = Elements::Sparse(Box::new(map));
        }
    }

    /// Moves the named properties of `id` to a dictionary.
    pub fn to_dict(&mut self, id: ObjId) {
        if self.get(id).dict.is_some() {
            return;
        }
        let shape = self.get(id).shape;
        let keys: Vec<(Key, u8)> = self.shapes.keys(shape).to_vec();
        let object = self.get_mut(id);
        let slots = std::mem::take(&mut object.slots);
        let mut dict = Dict::default();
        for ((key, attrs), value) in keys.into_iter().zip(slots) {
            dict.insert(key, value, attrs);
        }
        object.dict = Some(Box::new(dict));
    }

    /// Removes own property `key` (the caller checked it is configurable).
    pub fn remove(&mut self, id: ObjId, key: Key) -> bool {
        if let Key::Index(index) = key {
            let object = self.get_mut(id);
            return match &mut object.elements {
                Elements::Dense(values) => match values.get_mut(index as usize) {
                    Some(slot) if !matches!(slot, Value::Empty) => {
                        *slot = Value::Empty;
                        while matches!(values.last(), Some(Value::Empty)) {
                            values.pop();
                        }
                        true
                    }
                    _ => false,
                },
                Elements::Sparse(map) => map.remove(&index).is_some(),
            };
        }
        if self.own(id, key).is_none() {
            return false;
        }
        self.to_dict(id);
        let removed = self.get_mut(id).dict.as_mut().is_some_and(|dict| dict.remove(key));
        self.layout_changed(id);
        removed
    }

    /// OrdinaryOwnPropertyKeys (ECMA-262 10.1.11.1): array indices in
    /// ascending order, then strings, then symbols, each in creation order.
    pub fn own_keys(&self, id: ObjId) -> Vec<Key> {
        let object = self.get(id);
        let mut keys: Vec<Key> = match &object.elements {
            Elements::Dense(values) => {
                values.iter().enumerate().filter(|(_, value)| !matches!(value, Value::Empty)).map(|(index, _)| Key::Index(index as u32)).collect()
            }
            Elements::Sparse(map) => map.keys().map(|index| Key::Index(*index)).collect(),
        };
        let named: Vec<Key> = match &object.dict {
            Some(dict) => dict.iter().map(|(key, _, _)| *key).collect(),
            None => self.shapes.keys(object.shape).iter().map(|(key, _)| *key).collect(),
        };
        keys.extend(named.iter().filter(|key| !key.is_symbol()));
        keys.extend(named.iter().filter(|key| key.is_symbol()));
        keys
    }

    /// Every own property with its value and attributes, in
    /// [`Heap::own_keys`] order.
    pub fn own_entries(&self, id: ObjId) -> Vec<(Key, Found)> {
        self.own_keys(id).into_iter().filter_map(|key| self.own(id, key).map(|found| (key, found))).collect()
    }

    /// Attributes of own property `key`, when it exists.
    pub fn own_attrs(&self, id: ObjId, key: Key) -> Option<u8> {
        self.own(id, key).map(|found| found.attrs)
    }

    /// ValidateAndApplyPropertyDescriptor (ECMA-262 10.1.6.3) for ordinary
    /// objects, with `make_accessor` building the pair object an accessor
    /// property stores. Returns false where the spec returns false.
    pub fn define(&mut self, id: ObjId, key: Key, desc: &Descriptor, make_accessor: &mut dyn FnMut(&mut Heap, Value, Value) -> Value) -> bool {
        let current = self.own(id, key);
        let Some(current) = current else {
            if !self.get(id).is_extensible() {
                return false;
            }
            let enumerable = desc.enumerable.unwrap_or(false);
            let configurable = desc.configurable.unwrap_or(false);
            if desc.is_accessor() {
                let pair = make_accessor(self, desc.get.clone().unwrap_or_default(), desc.set.clone().unwrap_or_default());
                self.put(id, key, pair, attrs_of(false, enumerable, configurable) | ACCESSOR);
            } else {
                let attrs = attrs_of(desc.writable.unwrap_or(false), enumerable, configurable);
                self.put(id, key, desc.value.clone().unwrap_or_default(), attrs);
            }
            return true;
        };
        let configurable = current.attrs & CONFIGURABLE != 0;
        let enumerable = current.attrs & ENUMERABLE != 0;
        if !configurable {
            if desc.configurable == Some(true) {
                return false;
            }
            if desc.enumerable.is_some_and(|e| e != enumerable) {
                return false;
            }
            let is_generic = !desc.is_accessor() && !desc.is_data();
            if !is_generic && desc.is_accessor() != current.is_accessor() {
                return false;
            }
            if current.is_accessor() {
                let (get, set) = self.accessor_pair(&current.value);
                if desc.get.as_ref().is_some_and(|g| !g.same_value(&get)) || desc.set.as_ref().is_some_and(|s| !s.same_value(&set)) {
                    return false;
                }
            } else if current.attrs & WRITABLE == 0 {
                if desc.writable == Some(true) {
                    return false;
                }
                if desc.value.as_ref().is_some_and(|v| !v.same_value(&current.value)) {
                    return false;
                }
            }
        }
        let new_enumerable = desc.enumerable.unwrap_or(enumerable);
        let new_configurable = desc.configurable.unwrap_or(configurable);
        if desc.is_accessor() || (current.is_accessor() && !desc.is_data()) {
            let (mut get, mut set) = if current.is_accessor() { self.accessor_pair(&current.value) } else { (Value::Undefined, Value::Undefined) };
            if let Some(g) = &desc.get {
                get = g.clone();
            }
            if let Some(s) = &desc.set {
                set = s.clone();
            }
            let pair = make_accessor(self, get, set);
            self.put(id, key, pair, attrs_of(false, new_enumerable, new_configurable) | ACCESSOR);
        } else {
            let (old_value, old_writable) =
                if current.is_accessor() { (Value::Undefined, false) } else { (current.value.clone(), current.attrs & WRITABLE != 0) };
            let value = desc.value.clone().unwrap_or(old_value);
            let writable = desc.writable.unwrap_or(old_writable);
            self.put(id, key, value, attrs_of(writable, new_enumerable, new_configurable));
        }
        true
    }

    /// The getter and setter an accessor slot holds.
    pub fn accessor_pair(&self, pair: &Value) -> (Value, Value) {
        match pair {
            Value::Object(id) => match &self.get(*id).kind {
                Kind::Accessor(get, set) => (get.clone(), set.clone()),
                _ => (Value::Undefined, Value::Undefined),
            },
            _ => (Value::Undefined, Value::Undefined),
        }
    }

    /// The current own property as a full descriptor.
    pub fn descriptor_of(&self, found: &Found) -> Descriptor {
        if found.is_accessor() {
            let (get, set) = self.accessor_pair(&found.value);
            Descriptor {
                value: None,
                writable: None,
                get: Some(get),
                set: Some(set),
                enumerable: Some(found.attrs & ENUMERABLE != 0),
                configurable: Some(found.attrs & CONFIGURABLE != 0),
            }
        } else {
            Descriptor::data(found.value.clone(), found.attrs)
        }
    }

    /// ArraySetLength's effect (ECMA-262 10.4.2.4) once `new_length` is
    /// known: deletes elements from the end, stopping at one that is not
    /// configurable. Returns whether every element above went.
    pub fn truncate_array(&mut self, id: ObjId, new_length: u32) -> bool {
        let object = self.get_mut(id);
        let Kind::Array(state) = object.kind else { return true };
        if new_length >= state.length {
            if let Kind::Array(state) = &mut object.kind {
                state.length = new_length;
            }
            return true;
        }
        let mut final_length = new_length;
        match &mut object.elements {
            Elements::Dense(values) => {
                values.truncate(new_length as usize);
            }
            Elements::Sparse(map) => {
                let doomed: Vec<u32> = map.range(new_length..).map(|(index, _)| *index).collect();
                for index in doomed.into_iter().rev() {
                    if map.get(&index).is_some_and(|(_, attrs)| attrs & CONFIGURABLE == 0) {
                        final_length = index + 1;
                        break;
                    }
                    map.remove(&index);
                }
            }
        }
        if let Kind::Array(state) = &mut object.kind {
            state.length = final_length;
        }
        final_length == new_length
    }

    /// Makes every own property non-configurable (and, for `freeze`,
    /// non-writable), and the object non-extensible.
    pub fn seal_or_freeze(&mut self, id: ObjId, freeze: bool) {
        self.to_sparse(id);
        self.to_dict(id);
        let object = self.get_mut(id);
        object.flags &= !crate::object::EXTENSIBLE;
        let strip = |attrs: u8| {
            if attrs & crate::shape::PRIVATE != 0 {
                return attrs;
            }
            let attrs = attrs & !CONFIGURABLE;
            if freeze && attrs & ACCESSOR == 0 {
                attrs & !WRITABLE
            } else {
                attrs
            }
        };
        if let Elements::Sparse(map) = &mut object.elements {
            for (_, attrs) in map.values_mut() {
                *attrs = strip(*attrs);
            }
        }
        if let Some(dict) = &mut object.dict {
            for (_, _, attrs) in dict.entries.iter_mut().flatten() {
                *attrs = strip(*attrs);
            }
        }
        if freeze {
            if let Kind::Array(state) = &mut object.kind {
                state.length_writable = false;
            }
        }
        self.layout_changed(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::{ArrayState, Kind};
    use crate::value::Atom;

    fn pair(heap: &mut Heap, get: Value, set: Value) -> Value {
        Value::Object(heap.alloc(None, Kind::Accessor(get, set), 0))
    }

    #[test]
    fn shapes_are_shared_and_keys_keep_their_order() {
        let mut heap = Heap::default();
        let (a, b) = (heap.alloc(None, Kind::Ordinary, 0), heap.alloc(None, Kind::Ordinary, 0));
        for id in [a, b] {
            heap.put(id, Key::Atom(Atom(100)), Value::Number(1.0), DEFAULT_ATTRS);
            heap.put(id, Key::Atom(Atom(101)), Value::Number(2.0), DEFAULT_ATTRS);
            heap.put(id, Key::Index(3), Value::Bool(true), DEFAULT_ATTRS);
        }
        assert_eq!(heap.get(a).shape, heap.get(b).shape);
        assert_eq!(heap.own_keys(a), vec![Key::Index(3), Key::Atom(Atom(100)), Key::Atom(Atom(101))]);
        assert!(heap.remove(a, Key::Atom(Atom(100))));
        assert_eq!(heap.own_keys(a), vec![Key::Index(3), Key::Atom(Atom(101))]);
        assert!(heap.own(a, Key::Atom(Atom(100))).is_none());
        assert_eq!(heap.own(b, Key::Atom(Atom(100))).map(|f| f.value.as_number()), Some(Some(1.0)));
    }

    #[test]
    fn non_configurable_properties_refuse_changes() {
        let mut heap = Heap::default();
        let id = heap.alloc(None, Kind::Ordinary, 0);
        let key = Key::Atom(Atom(7));
        let fixed = Descriptor { value: Some(Value::Number(1.0)), ..Descriptor::default() };
        assert!(heap.define(id, key, &fixed, &mut pair));
        assert_eq!(heap.own_attrs(id, key), Some(0));
        let change = Descriptor { value: Some(Value::Number(2.0)), ..Descriptor::default() };
        assert!(!heap.define(id, key, &change, &mut pair));
        let same = Descriptor { value: Some(Value::Number(1.0)), writable: Some(false), ..Descriptor::default() };
        assert!(heap.define(id, key, &same, &mut pair));
        let getter = Descriptor { get: Some(Value::Undefined), ..Descriptor::default() };
        assert!(!heap.define(id, key, &getter, &mut pair));
    }

    #[test]
    fn arrays_grow_dense_and_go_sparse_far_out() {
        let mut heap = Heap::default();
        let id = heap.alloc(None, Kind::Array(ArrayState { length: 0, length_writable: true }), 0);
        heap.put(id, Key::Index(0), Value::Number(0.0), DEFAULT_ATTRS);
        heap.put(id, Key::Index(2), Value::Number(2.0), DEFAULT_ATTRS);
        assert!(matches!(heap.get(id).elements, Elements::Dense(_)));
        assert!(heap.own(id, Key::Index(1)).is_none());
        heap.put(id, Key::Index(1_000_000), Value::Number(9.0), DEFAULT_ATTRS);
        assert!(matches!(heap.get(id).elements, Elements::Sparse(_)));
        assert!(matches!(heap.get(id).kind, Kind::Array(ArrayState { length: 1_000_001, .. })));
        assert!(heap.truncate_array(id, 1));
        assert_eq!(heap.own_keys(id), vec![Key::Index(0)]);
    }

    #[test]
    fn the_collector_frees_what_is_unreachable() {
        let mut heap = Heap::default();
        let root = heap.alloc(None, Kind::Ordinary, 0);
        let kept = heap.alloc(None, Kind::Ordinary, 0);
        let cycle_a = heap.alloc(None, Kind::Ordinary, 0);
        let cycle_b = heap.alloc(Some(cycle_a), Kind::Ordinary, 0);
        heap.put(cycle_a, Key::Atom(Atom(1)), Value::Object(cycle_b), DEFAULT_ATTRS);
        heap.put(root, Key::Atom(Atom(1)), Value::Object(kept), DEFAULT_ATTRS);
        assert_eq!(heap.collect(std::iter::once(Value::Object(root))), 2);
        assert_eq!(heap.len(), 2);
        let reused = heap.alloc(None, Kind::Ordinary, 0);
        assert!(reused == cycle_a || reused == cycle_b);
    }
}
