//! Inline caches for named property reads and writes: a shape says the
//! layout and the prototype, the heap's prototype epoch says the
//! prototypes' layouts are unchanged.

use crate::bytecode::Code;
use crate::object::Kind;
use crate::shape::WRITABLE;
use crate::value::{Key, ObjId, Value};
use crate::{atoms, Embedder, JsResult, Vm};

impl Vm {
    /// An inline-cache hit for `object.name` (ECMA-262 leaves the how to
    /// us: a shape says the layout and the prototype, the epoch says the
    /// prototypes' layouts are unchanged).
    #[inline]
    pub(crate) fn cached_get(&self, code: &Code, ic: u32, object: &Value) -> Option<Value> {
        let Value::Object(id) = object else { return None };
        let cache = code.ics.get(ic as usize)?.get();
        let object = self.heap.get(*id);
        if object.shape.0 != cache.shape || object.dict.is_some() {
            return None;
        }
        if cache.holder == u32::MAX {
            return object.slots.get(cache.slot as usize).cloned();
        }
        if cache.epoch != self.heap.proto_epoch {
            return None;
        }
        let holder = self.heap.get(ObjId(cache.holder));
        if holder.dict.is_some() {
            return None;
        }
        holder.slots.get(cache.slot as usize).cloned()
    }

    /// The slow path of a named read; remembers where a plain data
    /// property was found.
    pub(crate) fn get_and_cache(&mut self, host: &mut dyn Embedder, code: &Code, ic: u32, object: &Value, name: crate::value::Atom) -> JsResult<Value> {
        let key = Key::Atom(name);
        if let Value::Object(id) = object {
            let receiver = &self.heap.get(*id);
            // Exotic named properties (an array's length) are not in shapes.
            let exotic = name == atoms::LENGTH && matches!(receiver.kind, Kind::Array(_) | Kind::String(_) | Kind::Arguments { .. });
            if !exotic && receiver.dict.is_none() {
                let receiver_shape = receiver.shape;
                let mut holder = *id;
                for _ in 0..64 {
                    let object = self.heap.get(holder);
                    if object.dict.is_some() {
                        break;
                    }
                    if let Some((slot, attrs)) = self.heap.shapes.lookup(object.shape, key) {
                        if attrs & crate::shape::ACCESSOR == 0 {
                            let own = holder == *id;
                            if let Some(cell) = code.ics.get(ic as usize) {
                                cell.set(crate::bytecode::InlineCache {
                                    shape: receiver_shape.0,
                                    slot,
                                    holder: if own { u32::MAX } else { holder.0 },
                                    epoch: self.heap.proto_epoch,
                                });
                            }
                        }
                        break;
                    }
                    if matches!(object.kind, Kind::String(_) | Kind::Arguments { .. }) {
                        break;
                    }
                    match object.proto {
                        Some(proto) => holder = proto,
                        None => break,
                    }
                }
            }
        }
        self.get(host, object, key)
    }

    /// An inline-cache hit for `object.name = value` on an own writable
    /// data property.
    #[inline]
    pub(crate) fn cached_set(&mut self, code: &Code, ic: u32, object: &Value, value: &Value) -> bool {
        let Value::Object(id) = object else { return false };
        let Some(cache) = code.ics.get(ic as usize).map(std::cell::Cell::get) else { return false };
        let object = self.heap.get_mut(*id);
        if cache.holder != u32::MAX || object.shape.0 != cache.shape || object.dict.is_some() {
            return false;
        }
        match object.slots.get_mut(cache.slot as usize) {
            Some(slot) => {
                *slot = value.clone();
                true
            }
            None => false,
        }
    }

    pub(crate) fn cache_own_data(&mut self, code: &Code, ic: u32, object: &Value, name: crate::value::Atom) {
        let Value::Object(id) = object else { return };
        let object = self.heap.get(*id);
        if object.dict.is_some() || (name == atoms::LENGTH && object.is_array()) {
            return;
        }
        if let Some((slot, attrs)) = self.heap.shapes.lookup(object.shape, Key::Atom(name)) {
            if attrs & (crate::shape::ACCESSOR | WRITABLE) == WRITABLE {
                if let Some(cell) = code.ics.get(ic as usize) {
                    cell.set(crate::bytecode::InlineCache { shape: object.shape.0, slot, holder: u32::MAX, epoch: 0 });
                }
            }
        }
    }
}
