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
        if let Some(mapped) = self.mapped_argument(id, key) {
            return self.define_mapped_argument(id, key, mapped, desc);
        }
        self.ordinary_define(id, key, desc)
    }

    fn ordinary_define(&mut self, id: ObjId, key: Key, desc: &crate::props::Descriptor) -> bool {
        self.heap.define(id, key, desc, &mut |heap, get, set| Value::Object(heap.alloc(None, Kind::Accessor(get, set), 0)))
    }

    /// The parameter a mapped `arguments` object's index is tied to: its
    /// scope and slot.
    fn mapped_argument(&self, id: ObjId, key: Key) -> Option<(ObjId, usize)> {
        let (Kind::Arguments { scope: Some(scope), mapped }, Key::Index(index)) = (&self.heap.get(id).kind, key) else { return None };
        mapped.get(index as usize).copied().flatten().map(|slot| (*scope, slot as usize))
    }

    /// A mapped arguments object's [[DefineOwnProperty]] (ECMA-262
    /// 10.4.4.2): the property is defined as usual (a non-writable one
    /// keeps the parameter's current value), then the parameter follows a
    /// new value, and an accessor or a non-writable property unties them.
    fn define_mapped_argument(&mut self, id: ObjId, key: Key, (scope, slot): (ObjId, usize), desc: &crate::props::Descriptor) -> bool {
        let current = match &self.heap.get(scope).kind {
            Kind::Scope(data) => data.vars.get(slot).cloned().unwrap_or_default(),
            _ => Value::Undefined,
        };
        // Reads come from the parameter: the stored copy may be stale.
        self.heap.set_existing(id, key, current.clone());
        let mut arg_desc = desc.clone();
        if !desc.is_accessor() && desc.value.is_none() && desc.writable == Some(false) {
            arg_desc.value = Some(current);
        }
        if !self.ordinary_define(id, key, &arg_desc) {
            return false;
        }
        if !desc.is_accessor() {
            if let Some(value) = &desc.value {
                if let Kind::Scope(data) = &mut self.heap.get_mut(scope).kind {
                    if let Some(var) = data.vars.get_mut(slot) {
                        *var = value.clone();
                    }
                }
            }
        }
        if desc.is_accessor() || desc.writable == Some(false) {
            if let (Kind::Arguments { mapped, .. }, Key::Index(index)) = (&mut self.heap.get_mut(id).kind, key) {
                if let Some(entry) = mapped.get_mut(index as usize) {
                    *entry = None;
                }
            }
        }
        true
    }

    /// [[DefineOwnProperty]] with a descriptor from user code
    /// (Object.defineProperty, Object.defineProperties,
    /// Reflect.defineProperty): an array's new `length` is converted first
    /// (ArraySetLength, ECMA-262 10.4.2.4 steps 3-5: ToUint32 and ToNumber
    /// must agree, else a RangeError), which may run user code.
    pub(crate) fn define_property_checked(
        &mut self,
        host: &mut dyn crate::Embedder,
        id: ObjId,
        key: Key,
        desc: &crate::props::Descriptor,
    ) -> crate::JsResult<bool> {
        if let (Kind::Array(_), Key::Atom(atoms::LENGTH), Some(value)) = (&self.heap.get(id).kind, key, &desc.value) {
            let value = value.clone();
            let length = crate::number::to_uint32(self.to_number(host, &value)?);
            let number = self.to_number(host, &value)?;
            if f64::from(length) != number {
                return self.range_error("Invalid array length");
            }
            let desc = crate::props::Descriptor { value: Some(Value::Number(f64::from(length))), ..desc.clone() };
            return Ok(self.define_property(id, key, &desc));
        }
        Ok(self.define_property(id, key, desc))
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
