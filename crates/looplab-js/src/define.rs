//! Defining own properties with the checks of [[DefineOwnProperty]]
//! (ECMA-262 10.1.6, and arrays' length and indices, 10.4.2.1), and
//! changing an object's prototype.

use crate::object::Kind;
use crate::shape::DEFAULT_ATTRS;
use crate::value::{Key, ObjId, Value};
use crate::{atoms, Vm};

impl Vm {
    /// Appends to an array the compiler is building.
    pub(crate) fn array_append(&mut self, id: ObjId, value: Value) {
        let length = match self.heap.get(id).kind {
            Kind::Array(state) => state.length,
            _ => return,
        };
        self.heap.put(id, Key::Index(length), value, DEFAULT_ATTRS);
    }

    /// Defines an own data property without running setters.
    pub fn define_data(&mut self, id: ObjId, key: Key, value: Value, attrs: u8) {
        let desc = crate::props::Descriptor::data(value, attrs);
        self.define_property(id, key, &desc);
    }

    /// [[DefineOwnProperty]] for ordinary objects and arrays (ECMA-262
    /// 10.1.6, 10.4.2.1).
    pub fn define_property(&mut self, id: ObjId, key: Key, desc: &crate::props::Descriptor) -> bool {
        if let Kind::Array(state) = self.heap.get(id).kind {
            if key == Key::Atom(atoms::LENGTH) {
                return self.define_array_length(id, desc);
            }
            if let Key::Index(index) = key {
                if index >= state.length && !state.length_writable {
                    return false;
                }
            }
        }
        let proto = self.intrinsics.object_prototype;
        let _ = proto;
        self.heap.define(id, key, desc, &mut |heap, get, set| Value::Object(heap.alloc(None, Kind::Accessor(get, set), 0)))
    }

    pub(crate) fn define_array_length(&mut self, id: ObjId, desc: &crate::props::Descriptor) -> bool {
        let Kind::Array(state) = self.heap.get(id).kind else { return false };
        if desc.is_accessor() || desc.configurable == Some(true) || desc.enumerable == Some(true) {
            return false;
        }
        if let Some(value) = &desc.value {
            let number = value.as_number().unwrap_or(f64::NAN);
            let length = crate::number::to_uint32(number);
            if !state.length_writable && length != state.length {
                return false;
            }
            let complete = self.heap.truncate_array(id, length);
            if desc.writable == Some(false) {
                if let Kind::Array(state) = &mut self.heap.get_mut(id).kind {
                    state.length_writable = false;
                }
            }
            return complete;
        }
        if desc.writable == Some(true) && !state.length_writable {
            return false;
        }
        if desc.writable == Some(false) {
            if let Kind::Array(state) = &mut self.heap.get_mut(id).kind {
                state.length_writable = false;
            }
        }
        true
    }

    /// Changes an object's prototype and its shape with it.
    pub fn set_prototype(&mut self, id: ObjId, proto: Option<ObjId>) {
        if self.heap.get(id).proto == proto {
            return;
        }
        if let Some(proto) = proto {
            self.heap.mark_prototype(proto);
        }
        self.heap.to_dict(id);
        let object = self.heap.get_mut(id);
        object.proto = proto;
        self.heap.proto_epoch = self.heap.proto_epoch.wrapping_add(1);
    }
}
