//! The run's heap: every object in one arena, addressed by [`ObjId`], with a
//! precise mark-and-sweep collector.
//!
//! A JavaScript callback runs to completion, and the interpreter keeps every
//! value it works on in its own stack and frames, so the roots are always
//! known: the VM's stack and frames, the realm's intrinsics, the job queue
//! and the embedder's persistent handles. The collector runs only where no
//! native Rust code holds an `ObjId` in a local (see `Vm::maybe_collect`).
//! A run's heap is dropped whole when the run ends.

use crate::object::{Elements, Kind, Object, EXTENSIBLE, IS_PROTOTYPE, MARKED};
use crate::shape::{ShapeId, Shapes};
use crate::value::{ObjId, Value};

/// Bytes an object costs beyond its vectors' contents (an estimate used
/// for the memory limit: the header, the arena slot, allocator overhead).
pub const OBJECT_BYTES: usize = 160;
const VALUE_BYTES: usize = std::mem::size_of::<Value>();

pub struct Heap {
    objects: Vec<Object>,
    free: Vec<u32>,
    pub shapes: Shapes,
    /// Bumped whenever a prototype's own properties change shape, or an
    /// object's prototype changes: cached prototype lookups then miss.
    pub proto_epoch: u32,
    /// Bumped by every write of a value to a property of an object that is
    /// some shape's prototype (a value write leaves `proto_epoch` alone:
    /// inline caches hold where a property is, not its value). An embedder
    /// that caches what a constructor makes checks both counters.
    pub prototype_writes: u32,
    /// Objects allocated since the last collection.
    pub allocated_since_gc: usize,
    /// Live objects after the last collection.
    pub live_after_gc: usize,
    /// Estimated bytes held: objects, their property and element vectors.
    pub bytes: usize,
    pub collections: u64,
}

impl Default for Heap {
    fn default() -> Heap {
        Heap {
            objects: Vec::new(),
            free: Vec::new(),
            shapes: Shapes::default(),
            proto_epoch: 0,
            prototype_writes: 0,
            allocated_since_gc: 0,
            live_after_gc: 0,
            bytes: 0,
            collections: 0,
        }
    }
}

impl Heap {
    /// A new ordinary object with prototype `proto` and kind `kind`.
    pub fn alloc(&mut self, proto: Option<ObjId>, kind: Kind, flags: u8) -> ObjId {
        if let Some(proto) = proto {
            self.mark_prototype(proto);
        }
        let shape = self.shapes.root(proto);
        let object = Object { proto, shape, slots: Vec::new(), dict: None, elements: Elements::Dense(Vec::new()), kind, flags: flags | EXTENSIBLE };
        self.allocated_since_gc += 1;
        self.bytes += OBJECT_BYTES;
        match self.free.pop() {
            Some(index) => {
                self.objects[index as usize] = object;
                ObjId(index)
            }
            None => {
                self.objects.push(object);
                ObjId(self.objects.len() as u32 - 1)
            }
        }
    }

    /// Records that `id` is some object's prototype.
    pub fn mark_prototype(&mut self, id: ObjId) {
        let object = &mut self.objects[id.0 as usize];
        if object.flags & IS_PROTOTYPE == 0 {
            object.flags |= IS_PROTOTYPE;
            self.proto_epoch = self.proto_epoch.wrapping_add(1);
        }
    }

    #[inline]
    pub fn get(&self, id: ObjId) -> &Object {
        &self.objects[id.0 as usize]
    }

    #[inline]
    pub fn get_mut(&mut self, id: ObjId) -> &mut Object {
        &mut self.objects[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.objects.len() - self.free.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Accounts `count` more values held by some object's vectors.
    pub fn grew(&mut self, count: usize) {
        self.bytes += count * VALUE_BYTES;
    }

    /// Called when an object's own layout changed; invalidates prototype
    /// caches when the object is someone's prototype.
    #[inline]
    pub fn layout_changed(&mut self, id: ObjId) {
        if self.objects[id.0 as usize].flags & IS_PROTOTYPE != 0 {
            self.proto_epoch = self.proto_epoch.wrapping_add(1);
        }
    }

    /// Called before a value is written to an own property of `id`.
    #[inline]
    pub fn value_written(&mut self, id: ObjId) {
        if self.objects[id.0 as usize].flags & IS_PROTOTYPE != 0 {
            self.prototype_writes = self.prototype_writes.wrapping_add(1);
        }
    }

    /// A copy of `template`'s own named properties, with its prototype,
    /// shape, kind-less state and flags: what an engine does to make an
    /// object literal from its boilerplate. `None` unless the template is an
    /// ordinary, extensible, non-callable object with shaped properties and no elements.
    pub fn clone_plain(&mut self, template: ObjId) -> Option<ObjId> {
        let source = self.get(template);
        let plain = matches!(source.kind, Kind::Ordinary)
            && source.dict.is_none()
            && matches!(&source.elements, Elements::Dense(values) if values.is_empty())
            && source.flags & (crate::object::CALLABLE | IS_PROTOTYPE) == 0
            && source.flags & EXTENSIBLE != 0;
        if !plain {
            return None;
        }
        let (proto, shape, slots, flags) = (source.proto, source.shape, source.slots.clone(), source.flags);
        let count = slots.len();
        let id = self.alloc(proto, Kind::Ordinary, flags & !MARKED);
        let object = self.get_mut(id);
        object.shape = shape;
        object.slots = slots;
        self.grew(count);
        Some(id)
    }

    pub fn set_shape(&mut self, id: ObjId, shape: ShapeId) {
        self.objects[id.0 as usize].shape = shape;
    }

    /// Marks everything reachable from `roots`, then frees the rest.
    /// Returns how many objects were freed.
    pub fn collect(&mut self, roots: impl Iterator<Item = Value>) -> usize {
        let mut stack: Vec<ObjId> = Vec::new();
        let push = |value: &Value, stack: &mut Vec<ObjId>| {
            if let Value::Object(id) = value {
                stack.push(*id);
            }
        };
        for root in roots {
            push(&root, &mut stack);
        }
        while let Some(id) = stack.pop() {
            let object = &mut self.objects[id.0 as usize];
            if object.flags & MARKED != 0 {
                continue;
            }
            object.flags |= MARKED;
            let object = &self.objects[id.0 as usize];
            object.for_each_ref(|value| push(value, &mut stack));
        }
        let mut freed = 0;
        let mut bytes = 0;
        let mut freed_prototype = false;
        for (index, object) in self.objects.iter_mut().enumerate() {
            if matches!(object.kind, Kind::Free) {
                continue;
            }
            if object.flags & MARKED != 0 {
                object.flags &= !MARKED;
                bytes += OBJECT_BYTES + (object.slots.capacity() + dense_capacity(&object.elements)) * VALUE_BYTES;
            } else {
                freed_prototype |= object.flags & IS_PROTOTYPE != 0;
                *object =
                    Object { proto: None, shape: ShapeId(0), slots: Vec::new(), dict: None, elements: Elements::Dense(Vec::new()), kind: Kind::Free, flags: 0 };
                self.free.push(index as u32);
                freed += 1;
            }
        }
        if freed_prototype {
            // A cached holder may have died; its slot may be reused.
            self.proto_epoch = self.proto_epoch.wrapping_add(1);
        }
        self.bytes = bytes;
        self.live_after_gc = self.len();
        self.allocated_since_gc = 0;
        self.collections += 1;
        freed
    }
}

fn dense_capacity(elements: &Elements) -> usize {
    match elements {
        Elements::Dense(values) => values.capacity(),
        Elements::Sparse(map) => map.len() * 2,
    }
}
