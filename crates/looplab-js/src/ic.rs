//! Inline caches for named property reads and writes: a shape says the
//! layout and the prototype, the heap's prototype epoch says the
//! prototypes' layouts are unchanged. Each site keeps [`IC_WAYS`] entries,
//! most recently used first; a write that adds a property caches the shape
//! transition, so constructors filling in `this` skip the lookups.

use crate::bytecode::{Code, InlineCache, IC_EMPTY_SHAPE, IC_OWN, IC_TRANSITION, IC_WAYS};
use crate::object::{Kind, IS_PROTOTYPE};
use crate::shape::{DEFAULT_ATTRS, WRITABLE};
use crate::value::{Key, ObjId, Value};
use crate::{atoms, Embedder, JsResult, Vm};
use std::cell::Cell;

fn entries(code: &Code, ic: u32) -> &[Cell<InlineCache>] {
    let start = ic as usize * IC_WAYS;
    code.ics.get(start..start + IC_WAYS).unwrap_or(&[])
}

/// The site's entry for `object`'s shape (a shaped object only).
#[inline]
fn matching(code: &Code, ic: u32, object: &crate::object::Object) -> Option<InlineCache> {
    if object.dict.is_some() {
        return None;
    }
    let shape = object.shape.0;
    entries(code, ic).iter().map(Cell::get).find(|cache| cache.shape == shape)
}

/// Records `entry` as the site's most recent, keeping the other ways.
fn remember(code: &Code, ic: u32, entry: InlineCache) {
    let ways = entries(code, ic);
    let Some(first) = ways.first() else { return };
    if first.get().shape != entry.shape {
        for index in (1..ways.len()).rev() {
            ways[index].set(ways[index - 1].get());
        }
    }
    first.set(entry);
}

impl Vm {
    /// An inline-cache hit for `object.name` (ECMA-262 leaves the how to
    /// us: a shape says the layout and the prototype, the epoch says the
    /// prototypes' layouts are unchanged).
    #[inline]
    pub(crate) fn cached_get(&self, code: &Code, ic: u32, object: &Value) -> Option<Value> {
        let Value::Object(id) = object else { return None };
        let object = self.heap.get(*id);
        let cache = matching(code, ic, object)?;
        if cache.holder == IC_OWN {
            return object.slots.get(cache.slot as usize).cloned();
        }
        if cache.holder == IC_TRANSITION || cache.epoch != self.heap.proto_epoch {
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
                            let entry = InlineCache {
                                shape: receiver_shape.0,
                                slot,
                                holder: if own { IC_OWN } else { holder.0 },
                                epoch: self.heap.proto_epoch,
                                next: IC_EMPTY_SHAPE,
                            };
                            remember(code, ic, entry);
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

    /// An inline-cache hit for `object.name = value`: an own writable data
    /// property, or the addition of a new one whose shape transition was
    /// seen before (valid while no prototype changed, so no setter or
    /// read-only property has appeared on the chain since).
    #[inline]
    pub(crate) fn cached_set(&mut self, code: &Code, ic: u32, object: &Value, value: &Value) -> bool {
        let Value::Object(id) = object else { return false };
        let epoch = self.heap.proto_epoch;
        let Some(cache) = matching(code, ic, self.heap.get(*id)) else { return false };
        let object = self.heap.get_mut(*id);
        if cache.holder == IC_OWN {
            if object.flags & IS_PROTOTYPE != 0 {
                self.heap.prototype_writes = self.heap.prototype_writes.wrapping_add(1);
            }
            let object = self.heap.get_mut(*id);
            return match object.slots.get_mut(cache.slot as usize) {
                Some(slot) => {
                    *slot = value.clone();
                    true
                }
                None => false,
            };
        }
        if cache.holder != IC_TRANSITION
            || cache.epoch != epoch
            || !object.is_extensible()
            || object.flags & IS_PROTOTYPE != 0
            || object.slots.len() != cache.slot as usize
        {
            return false;
        }
        object.slots.push(value.clone());
        object.shape = crate::shape::ShapeId(cache.next);
        self.heap.grew(1);
        true
    }

    /// After a slow `object.name = value`: caches where the property now is
    /// when it is an own writable data property, and the shape transition
    /// when the write added it to an ordinary object with nothing named so
    /// on its prototypes.
    pub(crate) fn cache_set(&mut self, code: &Code, ic: u32, object: &Value, name: crate::value::Atom, before: Option<(u32, usize)>) {
        let Value::Object(id) = object else { return };
        let object = self.heap.get(*id);
        if object.dict.is_some() || name == atoms::LENGTH {
            return;
        }
        let key = Key::Atom(name);
        let Some((slot, attrs)) = self.heap.shapes.lookup(object.shape, key) else { return };
        if attrs & (crate::shape::ACCESSOR | WRITABLE) != WRITABLE {
            return;
        }
        let added = match before {
            Some((shape, len)) => shape != object.shape.0 && slot as usize == len && object.slots.len() == len + 1,
            None => false,
        };
        if !added {
            remember(code, ic, InlineCache { shape: object.shape.0, slot, holder: IC_OWN, epoch: 0, next: IC_EMPTY_SHAPE });
            return;
        }
        let ordinary = matches!(object.kind, Kind::Ordinary | Kind::Error | Kind::Function(_));
        if attrs != DEFAULT_ATTRS || !ordinary || object.flags & IS_PROTOTYPE != 0 {
            return;
        }
        // A setter on the chain could have added the property itself: cache
        // only when no prototype has the name at all.
        let mut proto = object.proto;
        for _ in 0..crate::PROTO_CHAIN_MAX {
            let Some(holder) = proto else { break };
            if self.heap.get(holder).dict.is_some()
                || self.heap.own(holder, key).is_some()
                || !matches!(self.heap.get(holder).kind, Kind::Ordinary | Kind::Function(_) | Kind::Error)
            {
                return;
            }
            proto = self.heap.get(holder).proto;
        }
        let Some((shape, _)) = before else { return };
        remember(code, ic, InlineCache { shape, slot, holder: IC_TRANSITION, epoch: self.heap.proto_epoch, next: object.shape.0 });
    }

    /// The receiver's shape and slot count before a slow write, for
    /// [`Vm::cache_set`].
    pub(crate) fn shape_before_set(&self, object: &Value) -> Option<(u32, usize)> {
        let Value::Object(id) = object else { return None };
        let object = self.heap.get(*id);
        object.dict.is_none().then(|| (object.shape.0, object.slots.len()))
    }
}
