//! Shapes (hidden classes): objects whose own properties were added in the
//! same order, with the same attributes, onto the same prototype, share one
//! shape, which maps each key to a slot in the object's value vector.
//! (V8, "Fast properties in V8"; boa's `object/shape`.)
//!
//! A shape is its parent plus one key. Shapes along one chain of additions
//! share one append-only key table, so a lookup is a scan of a few keys or
//! one hash probe, never a walk up the chain. Property accesses in bytecode
//! cache the shape and slot they last saw (see `interp`): shape identity
//! says both the layout and the prototype.

use crate::value::{Key, ObjId};
use crate::FastMap as HashMap;

pub const WRITABLE: u8 = 1;
pub const ENUMERABLE: u8 = 2;
pub const CONFIGURABLE: u8 = 4;
/// The slot holds an accessor pair object (getter and setter).
pub const ACCESSOR: u8 = 8;
/// A private element (`#x`): untouched by freeze and seal, invisible to
/// every reflective operation.
pub const PRIVATE: u8 = 16;
/// What an assignment or an object literal creates.
pub const DEFAULT_ATTRS: u8 = WRITABLE | ENUMERABLE | CONFIGURABLE;
/// What built-in methods get (ECMA-262 18: "writable, configurable, not enumerable").
pub const METHOD_ATTRS: u8 = WRITABLE | CONFIGURABLE;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ShapeId(pub u32);

/// Keys at or below this count are found by scanning.
const SCAN_MAX: u32 = 8;
/// A shape with this many transitions stops making new ones: objects that
/// keep getting new, different keys (`cache[id] = …`) become dictionaries.
pub const TRANSITIONS_MAX: usize = 64;
/// Objects with more properties than this become dictionaries.
pub const SHAPED_PROPS_MAX: u32 = 128;

struct KeyTable {
    entries: Vec<(Key, u8)>,
    positions: HashMap<Key, u32>,
}

pub struct Shape {
    pub proto: Option<ObjId>,
    pub len: u32,
    table: u32,
    transitions: Vec<(Key, u8, ShapeId)>,
}

#[derive(Default)]
pub struct Shapes {
    shapes: Vec<Shape>,
    tables: Vec<KeyTable>,
    roots: HashMap<Option<ObjId>, ShapeId>,
}

impl Shapes {
    /// The empty shape of objects with prototype `proto`.
    pub fn root(&mut self, proto: Option<ObjId>) -> ShapeId {
        if let Some(root) = self.roots.get(&proto) {
            return *root;
        }
        let table = self.tables.len() as u32;
        self.tables.push(KeyTable { entries: Vec::new(), positions: HashMap::default() });
        let id = ShapeId(self.shapes.len() as u32);
        self.shapes.push(Shape { proto, len: 0, table, transitions: Vec::new() });
        self.roots.insert(proto, id);
        id
    }

    pub fn get(&self, id: ShapeId) -> &Shape {
        &self.shapes[id.0 as usize]
    }

    pub fn count(&self) -> usize {
        self.shapes.len()
    }

    /// The slot and attributes of `key` in `shape`.
    #[inline]
    pub fn lookup(&self, id: ShapeId, key: Key) -> Option<(u32, u8)> {
        let shape = &self.shapes[id.0 as usize];
        let table = &self.tables[shape.table as usize];
        if shape.len <= SCAN_MAX {
            table.entries[..shape.len as usize].iter().position(|(k, _)| *k == key).map(|slot| (slot as u32, table.entries[slot].1))
        } else {
            let slot = *table.positions.get(&key)?;
            (slot < shape.len).then(|| (slot, table.entries[slot as usize].1))
        }
    }

    /// The keys of `shape` in slot order, with their attributes.
    pub fn keys(&self, id: ShapeId) -> &[(Key, u8)] {
        let shape = &self.shapes[id.0 as usize];
        &self.tables[shape.table as usize].entries[..shape.len as usize]
    }

    /// The shape `id` plus `key`, or `None` when the object should become a
    /// dictionary instead (too many properties, or too many transitions).
    pub fn add(&mut self, id: ShapeId, key: Key, attrs: u8) -> Option<ShapeId> {
        let shape = &self.shapes[id.0 as usize];
        if let Some((_, _, next)) = shape.transitions.iter().find(|(k, a, _)| *k == key && *a == attrs) {
            return Some(*next);
        }
        if shape.transitions.len() >= TRANSITIONS_MAX || shape.len >= SHAPED_PROPS_MAX {
            return None;
        }
        let (len, proto, table_index) = (shape.len, shape.proto, shape.table);
        let table = &mut self.tables[table_index as usize];
        let table_index = if table.entries.len() as u32 == len {
            table.entries.push((key, attrs));
            table.positions.insert(key, len);
            table_index
        } else {
            // A branch: this chain gets its own table from here on.
            let entries: Vec<(Key, u8)> = table.entries[..len as usize].iter().copied().chain(std::iter::once((key, attrs))).collect();
            let positions = entries.iter().enumerate().map(|(slot, (k, _))| (*k, slot as u32)).collect();
            self.tables.push(KeyTable { entries, positions });
            (self.tables.len() - 1) as u32
        };
        let next = ShapeId(self.shapes.len() as u32);
        self.shapes.push(Shape { proto, len: len + 1, table: table_index, transitions: Vec::new() });
        self.shapes[id.0 as usize].transitions.push((key, attrs, next));
        Some(next)
    }
}
