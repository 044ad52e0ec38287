//! Inline caches for native code: an embedder's native function that reads
//! the same property of objects of the same shape again and again (a
//! request's `_events`, a server's `emit`) remembers where it found it, as
//! the interpreter's property instructions do (`ic.rs`).
//!
//! A cache entry holds the receiver's shape, the prototype epoch, and where
//! the property lives: in the receiver's own slot, in a prototype's slot, or
//! nowhere. The value is always read live from that slot, so a write of a
//! new value needs no invalidation; only a change of layout does, and that
//! changes the receiver's shape (own properties, its prototype) or bumps
//! `Heap::proto_epoch` (any prototype's properties or prototype).

use crate::heap::Heap;
use crate::object::Kind;
use crate::shape::{ShapeId, ACCESSOR, WRITABLE};
use crate::value::{Key, ObjId, Value};

/// Where a property was found, for one receiver shape.
#[derive(Clone, Copy)]
pub struct PropertyCache {
    shape: ShapeId,
    epoch: u32,
    holder: u32,
    slot: u32,
    writable: bool,
}

/// `holder` of a property in the receiver's own slots.
const OWN: u32 = u32::MAX;
/// `holder` of a property found nowhere on the chain.
const ABSENT: u32 = u32::MAX - 1;

impl Default for PropertyCache {
    fn default() -> PropertyCache {
        PropertyCache { shape: ShapeId(u32::MAX), epoch: 0, holder: ABSENT, slot: 0, writable: false }
    }
}

impl Heap {
    /// `object[key]` when the property is a data property (own or
    /// inherited) or absent (Undefined), through `cache`; `None` when a
    /// getter would run, so the caller must use the full `Vm::get`.
    pub fn get_data(&self, cache: &mut PropertyCache, object: ObjId, key: Key) -> Option<Value> {
        let receiver = self.get(object);
        if receiver.shape == cache.shape
            && cache.epoch == self.proto_epoch
            && receiver.dict.is_none()
            && matches!(receiver.kind, Kind::Ordinary | Kind::Function(_))
        {
            return Some(match cache.holder {
                OWN => receiver.slots[cache.slot as usize].clone(),
                ABSENT => Value::Undefined,
                holder => self.get(ObjId(holder)).slots[cache.slot as usize].clone(),
            });
        }
        let mut holder = object;
        loop {
            let current = self.get(holder);
            // Only objects whose own properties are all in their shape:
            // arrays (`length`), strings, typed arrays and the like have
            // own properties that are not.
            let plain = matches!(current.kind, Kind::Ordinary | Kind::Function(_)) && current.dict.is_none() && !matches!(key, Key::Index(_));
            if !plain {
                let found = self.find(object, key);
                return match found {
                    Some((_, found)) if found.is_accessor() => None,
                    Some((_, found)) => Some(found.value),
                    None => Some(Value::Undefined),
                };
            }
            if let Some((slot, attrs)) = self.shapes.lookup(current.shape, key) {
                if attrs & ACCESSOR != 0 {
                    return None;
                }
                *cache = PropertyCache {
                    shape: receiver.shape,
                    epoch: self.proto_epoch,
                    holder: if holder == object { OWN } else { holder.0 },
                    slot,
                    writable: attrs & WRITABLE != 0,
                };
                return Some(current.slots[slot as usize].clone());
            }
            match current.proto {
                Some(proto) => holder = proto,
                None => {
                    *cache = PropertyCache { shape: receiver.shape, epoch: self.proto_epoch, holder: ABSENT, slot: 0, writable: false };
                    return Some(Value::Undefined);
                }
            }
        }
    }

    /// `object[key] = value` when `key` is an own writable data property
    /// of `object` (as `cache` found it with [`Heap::get_data`]); false
    /// otherwise, and the caller must use the full `Vm::set`.
    pub fn set_own_data(&mut self, cache: &mut PropertyCache, object: ObjId, key: Key, value: Value) -> bool {
        if self.get_data(cache, object, key).is_none() || cache.holder != OWN || !cache.writable {
            return false;
        }
        self.value_written(object);
        self.get_mut(object).slots[cache.slot as usize] = value;
        true
    }
}
