//! Objects: a prototype, named properties (by shape, or a dictionary),
//! indexed elements kept apart, and the internal slots of their kind.

use crate::shape::ShapeId;
use crate::string::JsStr;
use crate::value::{Key, ObjId, Sym, Value};
use crate::FastMap as HashMap;
use std::collections::BTreeMap;
use std::rc::Rc;

/// The object may get new properties (ECMA-262 [[Extensible]]).
pub const EXTENSIBLE: u8 = 1;
/// Some shape has this object as its prototype: a change to its own
/// properties invalidates prototype lookups cached by inline caches.
pub const IS_PROTOTYPE: u8 = 2;
/// A class constructor (calling it without `new` throws).
pub const CLASS_CONSTRUCTOR: u8 = 4;
/// Set by the collector's mark phase.
pub const MARKED: u8 = 8;
/// A callable object: `typeof` says "function".
pub const CALLABLE: u8 = 16;
/// A constructor ([[Construct]] exists).
pub const CONSTRUCTOR: u8 = 32;
/// A class constructor whose class has an `extends` clause.
pub const DERIVED: u8 = 64;

pub struct Object {
    pub proto: Option<ObjId>,
    /// The shape of the named properties, unless `dict` holds them.
    pub shape: ShapeId,
    pub slots: Vec<Value>,
    pub dict: Option<Box<Dict>>,
    pub elements: Elements,
    pub kind: Kind,
    pub flags: u8,
}

impl Object {
    pub fn is_extensible(&self) -> bool {
        self.flags & EXTENSIBLE != 0
    }
    pub fn is_callable(&self) -> bool {
        self.flags & CALLABLE != 0
    }
    pub fn is_constructor(&self) -> bool {
        self.flags & CONSTRUCTOR != 0
    }
    pub fn is_array(&self) -> bool {
        matches!(self.kind, Kind::Array(_))
    }
}

/// Named properties of an object in dictionary mode: after a delete, an
/// attribute change, or too many distinct keys for shapes to pay off.
#[derive(Default)]
pub struct Dict {
    /// Insertion order; deleted entries leave `None` until compaction.
    pub entries: Vec<Option<(Key, Value, u8)>>,
    pub positions: HashMap<Key, u32>,
    pub live: u32,
}

impl Dict {
    pub fn get(&self, key: Key) -> Option<&(Key, Value, u8)> {
        let position = *self.positions.get(&key)?;
        self.entries[position as usize].as_ref()
    }

    pub fn get_mut(&mut self, key: Key) -> Option<&mut (Key, Value, u8)> {
        let position = *self.positions.get(&key)?;
        self.entries[position as usize].as_mut()
    }

    pub fn insert(&mut self, key: Key, value: Value, attrs: u8) {
        if let Some(entry) = self.get_mut(key) {
            entry.1 = value;
            entry.2 = attrs;
            return;
        }
        self.positions.insert(key, self.entries.len() as u32);
        self.entries.push(Some((key, value, attrs)));
        self.live += 1;
    }

    pub fn remove(&mut self, key: Key) -> bool {
        let Some(position) = self.positions.remove(&key) else { return false };
        self.entries[position as usize] = None;
        self.live -= 1;
        if self.entries.len() > 16 && (self.live as usize) < self.entries.len() / 2 {
            self.entries.retain(Option::is_some);
            self.positions = self.entries.iter().enumerate().filter_map(|(i, e)| e.as_ref().map(|(k, _, _)| (*k, i as u32))).collect();
        }
        true
    }

    pub fn iter(&self) -> impl Iterator<Item = &(Key, Value, u8)> {
        self.entries.iter().flatten()
    }
}

/// Indexed properties. Dense elements have the default attributes (writable,
/// enumerable, configurable); `Value::Empty` is a hole. Anything else —
/// huge indices, read-only or accessor elements — is sparse.
pub enum Elements {
    Dense(Vec<Value>),
    Sparse(Box<BTreeMap<u32, (Value, u8)>>),
}

impl Default for Elements {
    fn default() -> Elements {
        Elements::Dense(Vec::new())
    }
}

/// An array's `length` (ECMA-262 10.4.2): kept apart from its elements,
/// which may be fewer (holes at the end are not stored).
#[derive(Clone, Copy)]
pub struct ArrayState {
    pub length: u32,
    pub length_writable: bool,
}

/// A native function: the VM, its embedder, `this`, the arguments, and
/// `new.target` (present when called as a constructor).
pub type NativeFn = fn(&mut crate::Vm, &mut dyn crate::Embedder, &Value, &[Value], Option<ObjId>) -> crate::JsResult<Value>;

pub enum FunctionKind {
    Closure(Closure),
    Native {
        f: NativeFn,
        data: Value,
    },
    Bound {
        target: ObjId,
        this: Value,
        args: Vec<Value>,
    },
    /// Implemented by the embedder (see [`crate::Embedder::call_host`]).
    Host {
        id: u32,
        data: Value,
    },
}

pub struct Closure {
    pub code: Rc<crate::bytecode::Code>,
    pub scope: Option<ObjId>,
    /// The object whose prototype `super.x` looks in (methods, class members).
    pub home: Option<ObjId>,
    /// Arrow functions: the `this`, `new.target` and function they were made in.
    pub lexical: Option<Box<Lexical>>,
    /// Class constructors: the function that defines instance fields.
    pub fields: Option<ObjId>,
}

#[derive(Clone)]
pub struct Lexical {
    pub this: Value,
    pub new_target: Value,
    pub home: Option<ObjId>,
    pub function: Option<ObjId>,
    pub arguments: Value,
}

/// An environment record (ECMA-262 9.1): a block's or function's captured bindings.
pub struct Scope {
    pub vars: Vec<Value>,
    pub parent: Option<ObjId>,
}

pub enum PromiseState {
    Pending,
    Fulfilled(Value),
    Rejected(Value),
}

pub struct PromiseData {
    pub state: PromiseState,
    pub fulfill_reactions: Vec<Reaction>,
    pub reject_reactions: Vec<Reaction>,
    /// [[PromiseIsHandled]].
    pub handled: bool,
}

pub struct ArrayBufferData {
    pub bytes: Vec<u8>,
    pub length: u32,
    pub opaque: bool,
    /// A SharedArrayBuffer (ECMA-262 25.2) rather than an ArrayBuffer.
    pub shared: bool,
    /// Detached (ECMA-262 25.1.3.5): its bytes were transferred away.
    pub detached: bool,
    /// For an opaque buffer whose bytes the embedder can compute (a hash, a
    /// derived key): how, run the first time they are read.
    pub pending: Option<std::rc::Rc<dyn Fn() -> Vec<u8>>>,
}

/// A PromiseReaction record (ECMA-262 27.2.1.2).
#[derive(Clone)]
pub struct Reaction {
    /// The promise `then` returned, with its resolving functions.
    pub capability: Option<Capability>,
    pub handler: Handler,
    /// The embedder's continuation data when the reaction was made
    /// (`Vm::continuation_data`): it is current again while the job runs.
    pub context: Value,
}

#[derive(Clone)]
pub struct Capability {
    pub promise: Value,
    pub resolve: Value,
    pub reject: Value,
}

#[derive(Clone)]
pub enum Handler {
    /// No handler: pass the value (or rethrow the reason) along.
    Empty,
    Function(Value),
    /// Resume a suspended async function or generator (its object).
    Resume(ObjId),
}

/// What an iterator object created by the engine iterates.
pub enum IterState {
    /// `Array.prototype.values` / `keys` / `entries` over any array-like.
    Array {
        target: Option<ObjId>,
        index: u32,
        kind: IterKind,
    },
    String {
        text: JsStr,
        index: usize,
    },
    Map {
        target: ObjId,
        index: usize,
        kind: IterKind,
    },
    Set {
        target: ObjId,
        index: usize,
        kind: IterKind,
    },
    RegExpString {
        regexp: ObjId,
        text: JsStr,
        global: bool,
        unicode: bool,
        done: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum IterKind {
    Keys,
    Values,
    Entries,
}

/// The state of a `for (k in o)` loop: the keys to visit, checked again
/// before each visit (a deleted key is skipped).
pub struct ForIn {
    pub object: Option<ObjId>,
    pub keys: Vec<Value>,
    pub index: usize,
}

/// Entries of a Map or Set in insertion order; deleted entries leave a hole
/// so live iterators keep their place (ECMA-262 24.1.3.5 notes).
#[derive(Default)]
pub struct OrderedMap {
    pub entries: Vec<Option<(Value, Value)>>,
    pub index: HashMap<MapKey, usize>,
    pub live: usize,
}

/// A Map key as SameValueZero sees it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum MapKey {
    Undefined,
    Null,
    Bool(bool),
    /// The bits of the number, with -0 as +0 and every NaN as one NaN.
    Number(u64),
    String(JsStr),
    Symbol(Sym),
    Object(ObjId),
}

impl MapKey {
    pub fn of(value: &Value) -> MapKey {
        match value {
            Value::Undefined | Value::Empty => MapKey::Undefined,
            Value::Null => MapKey::Null,
            Value::Bool(b) => MapKey::Bool(*b),
            Value::Number(n) => {
                let n = if *n == 0.0 {
                    0.0
                } else if n.is_nan() {
                    f64::NAN
                } else {
                    *n
                };
                MapKey::Number(n.to_bits())
            }
            Value::String(s) => MapKey::String(s.clone()),
            Value::Symbol(s) => MapKey::Symbol(*s),
            Value::Object(o) => MapKey::Object(*o),
        }
    }
}

impl OrderedMap {
    pub fn get(&self, key: &Value) -> Option<&Value> {
        let index = *self.index.get(&MapKey::of(key))?;
        self.entries[index].as_ref().map(|(_, v)| v)
    }

    pub fn has(&self, key: &Value) -> bool {
        self.index.contains_key(&MapKey::of(key))
    }

    pub fn set(&mut self, key: Value, value: Value) {
        let map_key = MapKey::of(&key);
        if let Some(index) = self.index.get(&map_key) {
            if let Some(entry) = self.entries[*index].as_mut() {
                entry.1 = value;
            }
            return;
        }
        // -0 is stored as +0 (ECMA-262 24.1.3.9 step 5).
        let key = match key {
            Value::Number(n) if n == 0.0 => Value::Number(0.0),
            other => other,
        };
        self.index.insert(map_key, self.entries.len());
        self.entries.push(Some((key, value)));
        self.live += 1;
    }

    pub fn delete(&mut self, key: &Value) -> bool {
        let Some(index) = self.index.remove(&MapKey::of(key)) else { return false };
        self.entries[index] = None;
        self.live -= 1;
        true
    }

    pub fn clear(&mut self) {
        for entry in &mut self.entries {
            *entry = None;
        }
        self.index.clear();
        self.live = 0;
    }
}

pub struct RegExpData {
    pub source: JsStr,
    pub flags: JsStr,
    pub matcher: Rc<regress::Regex>,
}

/// A suspended generator or async function: its frame, saved off the stack.
pub struct GeneratorData {
    pub state: GeneratorState,
    pub frame: Option<Box<crate::interp::SavedFrame>>,
    /// Async functions: the promise their caller holds.
    /// Async generators: the queue of requests.
    pub promise: Option<ObjId>,
    pub queue: Vec<AsyncGenRequest>,
    pub kind: GeneratorKind,
    /// Suspended inside `yield*`: resumptions go to the inner iterator,
    /// and what it yields is handed out as it is.
    pub delegating: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GeneratorState {
    SuspendedStart,
    SuspendedYield,
    Executing,
    /// Async generators: waiting on an `await` or a `return` being awaited.
    AwaitingReturn,
    Completed,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GeneratorKind {
    Generator,
    Async,
    AsyncGenerator,
}

/// A request queued on an async generator (ECMA-262 27.6.3.1).
pub struct AsyncGenRequest {
    pub completion: Completion,
    pub capability: Capability,
}

#[derive(Clone, Debug)]
pub enum Completion {
    Normal(Value),
    Return(Value),
    Throw(Value),
}

pub enum Kind {
    Ordinary,
    Array(ArrayState),
    Function(Box<FunctionKind>),
    Error,
    Boolean(bool),
    Number(f64),
    String(JsStr),
    Symbol(Sym),
    Date(f64),
    RegExp(Box<RegExpData>),
    Map(Box<OrderedMap>),
    Set(Box<OrderedMap>),
    WeakMap(Box<OrderedMap>),
    WeakSet(Box<OrderedMap>),
    Promise(Box<PromiseData>),
    Generator(Box<GeneratorData>),
    /// Sloppy functions' `arguments` with simple parameters are mapped:
    /// element `i` is parameter `i`'s binding in `scope` while `mapped[i]`.
    Arguments {
        scope: Option<ObjId>,
        mapped: Vec<Option<u32>>,
    },
    Scope(Box<Scope>),
    /// An accessor property's getter and setter (never seen by programs).
    Accessor(Value, Value),
    Iterator(Box<IterState>),
    ForIn(Box<ForIn>),
    /// The async-from-sync iterator wrapper (ECMA-262 27.1.4).
    AsyncFromSync {
        iterator: Value,
        next: Value,
    },
    /// An ArrayBuffer's bytes (ECMA-262 25.1). `opaque` buffers have a
    /// length but no contents: the embedder made them for data it does not
    /// simulate, and reading their bytes is an error.
    ArrayBuffer(Box<ArrayBufferData>),
    /// A typed array (ECMA-262 23.2): `length` elements of type `element`
    /// in `buffer`, from byte `offset`.
    TypedArray {
        element: crate::builtins::typed_array::Element,
        buffer: ObjId,
        offset: u32,
        length: u32,
    },
    /// A DataView (ECMA-262 25.3): `length` bytes of `buffer` from byte
    /// `offset`.
    DataView {
        buffer: ObjId,
        offset: u32,
        length: u32,
    },
    /// Objects the embedder defines (a timer handle, a socket…).
    Host {
        tag: u32,
        id: u64,
    },
    /// A free slot in the heap.
    Free,
}

impl Object {
    /// Every value this object refers to, for the collector.
    pub fn for_each_ref(&self, mut visit: impl FnMut(&Value)) {
        if let Some(proto) = self.proto {
            visit(&Value::Object(proto));
        }
        self.slots.iter().for_each(&mut visit);
        if let Some(dict) = &self.dict {
            dict.iter().for_each(|(_, v, _)| visit(v));
        }
        match &self.elements {
            Elements::Dense(values) => values.iter().for_each(&mut visit),
            Elements::Sparse(map) => map.values().for_each(|(v, _)| visit(v)),
        }
        let obj = |id: &Option<ObjId>, visit: &mut dyn FnMut(&Value)| {
            if let Some(id) = id {
                visit(&Value::Object(*id));
            }
        };
        match &self.kind {
            Kind::Function(function) => match &**function {
                FunctionKind::Closure(closure) => {
                    obj(&closure.scope, &mut visit);
                    obj(&closure.home, &mut visit);
                    obj(&closure.fields, &mut visit);
                    if let Some(lexical) = &closure.lexical {
                        visit(&lexical.this);
                        visit(&lexical.new_target);
                        visit(&lexical.arguments);
                        obj(&lexical.home, &mut visit);
                        obj(&lexical.function, &mut visit);
                    }
                }
                FunctionKind::Native { data, .. } | FunctionKind::Host { data, .. } => visit(data),
                FunctionKind::Bound { target, this, args } => {
                    visit(&Value::Object(*target));
                    visit(this);
                    args.iter().for_each(&mut visit);
                }
            },
            Kind::Map(map) | Kind::Set(map) | Kind::WeakMap(map) | Kind::WeakSet(map) => {
                for (k, v) in map.entries.iter().flatten() {
                    visit(k);
                    visit(v);
                }
            }
            Kind::TypedArray { buffer, .. } | Kind::DataView { buffer, .. } => visit(&Value::Object(*buffer)),
            Kind::Promise(promise) => {
                match &promise.state {
                    PromiseState::Fulfilled(v) | PromiseState::Rejected(v) => visit(v),
                    PromiseState::Pending => {}
                }
                for reaction in promise.fulfill_reactions.iter().chain(promise.reject_reactions.iter()) {
                    visit_reaction(reaction, &mut visit);
                }
            }
            Kind::Generator(generator) => {
                if let Some(frame) = &generator.frame {
                    frame.for_each_ref(&mut visit);
                }
                obj(&generator.promise, &mut visit);
                for request in &generator.queue {
                    match &request.completion {
                        Completion::Normal(v) | Completion::Return(v) | Completion::Throw(v) => visit(v),
                    }
                    visit_capability(&request.capability, &mut visit);
                }
            }
            Kind::Arguments { scope, .. } => obj(scope, &mut visit),
            Kind::Scope(scope) => {
                scope.vars.iter().for_each(&mut visit);
                obj(&scope.parent, &mut visit);
            }
            Kind::Accessor(get, set) => {
                visit(get);
                visit(set);
            }
            Kind::Iterator(state) => match &**state {
                IterState::Array { target, .. } => obj(target, &mut visit),
                IterState::Map { target, .. } | IterState::Set { target, .. } => visit(&Value::Object(*target)),
                IterState::RegExpString { regexp, .. } => visit(&Value::Object(*regexp)),
                IterState::String { .. } => {}
            },
            Kind::ForIn(state) => {
                obj(&state.object, &mut visit);
                state.keys.iter().for_each(&mut visit);
            }
            Kind::AsyncFromSync { iterator, next } => {
                visit(iterator);
                visit(next);
            }
            Kind::Ordinary
            | Kind::Array(_)
            | Kind::Error
            | Kind::Boolean(_)
            | Kind::Number(_)
            | Kind::String(_)
            | Kind::Symbol(_)
            | Kind::Date(_)
            | Kind::RegExp(_)
            | Kind::Host { .. }
            | Kind::ArrayBuffer(_)
            | Kind::Free => {}
        }
    }
}

fn visit_capability(capability: &Capability, visit: &mut dyn FnMut(&Value)) {
    visit(&capability.promise);
    visit(&capability.resolve);
    visit(&capability.reject);
}

pub fn visit_reaction(reaction: &Reaction, visit: &mut dyn FnMut(&Value)) {
    if let Some(capability) = &reaction.capability {
        visit_capability(capability, visit);
    }
    match &reaction.handler {
        Handler::Function(f) => visit(f),
        Handler::Resume(id) => visit(&Value::Object(*id)),
        Handler::Empty => {}
    }
    visit(&reaction.context);
}
