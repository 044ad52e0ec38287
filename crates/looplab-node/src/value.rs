//! JavaScript values and objects.
//!
//! Objects are reference-counted cells with an insertion-ordered property
//! list and a prototype. Cycles are freed when the run ends (see
//! [`crate::heap`]); during a run nothing is collected, which is fine: a run
//! is bounded.

use crate::bytecode::{Code, Str};
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

pub type ObjRef = Rc<RefCell<Object>>;
pub type EnvRef = Rc<RefCell<Env>>;

#[derive(Clone, Default)]
pub enum Value {
    #[default]
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    String(Str),
    Object(ObjRef),
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Undefined => write!(f, "undefined"),
            Value::Null => write!(f, "null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::Object(_) => write!(f, "[object]"),
        }
    }
}

/// A variable environment: one function's or one block's bindings.
#[derive(Debug, Default)]
pub struct Env {
    pub slots: Vec<Value>,
    pub parent: Option<EnvRef>,
}

impl Env {
    pub fn new(size: usize, parent: Option<EnvRef>) -> EnvRef {
        Rc::new(RefCell::new(Env { slots: vec![Value::Undefined; size], parent }))
    }
}

pub struct Object {
    pub class: Class,
    /// Own properties in insertion order (the order `Object.keys` reports).
    /// Change them only through `set_own`/`remove_own`, which keep `index`.
    pub props: Vec<(Str, Value)>,
    pub proto: Option<ObjRef>,
    /// Positions of the properties by name, once there are many of them
    /// (the global object, module objects): a scan is faster below that.
    index: Option<Box<PropIndex>>,
}

/// Objects with more properties than this get a hash index.
const INDEXED_PROPS_MIN: usize = 12;

type PropIndex = std::collections::HashMap<Str, usize, std::hash::BuildHasherDefault<Fnv>>;

/// FNV-1a: a fixed hash, so nothing in a run depends on a random seed.
#[derive(Default)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = hash;
    }
}

impl fmt::Debug for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Object({:?}, {} props)", self.class.kind_name(), self.props.len())
    }
}

/// What kind of object this is, with the internal slots of that kind.
pub enum Class {
    Plain,
    Array(Vec<Value>),
    Function(Function),
    Promise(PromiseState),
    Error,
    /// Internal iteration state for `for…of`, spread and destructuring.
    Iterator(IterState),
    /// A `Buffer`: real bytes, or only a size (see [`crate::buffer`]).
    Buffer(crate::buffer::BufferData),
    Map(Vec<(Value, Value)>),
    Set(Vec<Value>),
    /// A Node object owned by the host, identified by kind and id (a
    /// timer handle, a server, a socket, a worker…).
    Host(HostKind, u64),
}

impl Class {
    pub fn kind_name(&self) -> &'static str {
        match self {
            Class::Plain => "Object",
            Class::Array(_) => "Array",
            Class::Function(_) => "Function",
            Class::Promise(_) => "Promise",
            Class::Error => "Error",
            Class::Iterator(_) => "Iterator",
            Class::Buffer(_) => "Buffer",
            Class::Map(_) => "Map",
            Class::Set(_) => "Set",
            Class::Host(..) => "Host",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostKind {
    Timeout,
    Immediate,
    Interval,
}

pub enum IterState {
    Array { array: ObjRef, index: usize },
    Values { values: Vec<Value>, index: usize },
}

pub enum Function {
    Closure(Closure),
    Native(Native),
}

pub struct Closure {
    pub code: Rc<Code>,
    pub env: EnvRef,
    /// An arrow function's `this`, captured where it was created.
    pub this: Option<Value>,
    /// For class constructors and methods: the class whose parent `super`
    /// refers to.
    pub home_class: Option<ObjRef>,
}

/// A function implemented by the VM, with the values it closes over.
pub struct Native {
    pub name: Str,
    pub op: NativeOp,
    pub captured: Vec<Value>,
}

/// Every built-in function. Kept as one closed enum so a call is one match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NativeOp {
    // Promise machinery.
    PromiseResolveFunction,
    PromiseRejectFunction,
    PromiseThen,
    PromiseCatch,
    PromiseFinally,
    PromiseFinallyThen,
    PromiseFinallyCatch,
    PromiseStaticResolve,
    PromiseStaticReject,
    PromiseAll,
    PromiseAllSettled,
    PromiseRace,
    PromiseAny,
    PromiseConstructor,
    PromiseAllElement,
    PromiseAllSettledElement,
    /// `ServerResponse.prototype.end` (see [`crate::http_load`]).
    HttpResponseEnd,
    // Global functions and objects.
    ConsoleLog,
    ConsoleError,
    Require,
    ErrorConstructor,
    ObjectKeys,
    ObjectValues,
    ObjectEntries,
    ObjectAssign,
    ObjectFreeze,
    ObjectCreate,
    ArrayIsArray,
    ArrayFrom,
    ArrayOf,
    ArrayConstructor,
    NumberConstructor,
    StringConstructor,
    BooleanConstructor,
    ParseInt,
    ParseFloat,
    IsNaN,
    IsFinite,
    NumberIsInteger,
    NumberIsFinite,
    MathFunction,
    JsonStringify,
    JsonParse,
    DateNow,
    DateConstructor,
    /// A `Date.prototype` method; its name is the native's first captured value.
    DateMethod,
    PerformanceNow,
    MapConstructor,
    SetConstructor,
    SymbolIterator,
    // Array.prototype.
    ArrayPush,
    ArrayPop,
    ArrayShift,
    ArrayUnshift,
    ArraySlice,
    ArraySplice,
    ArrayConcat,
    ArrayJoin,
    ArrayReverse,
    ArrayIndexOf,
    ArrayIncludes,
    ArraySort,
    ArrayMap,
    ArrayFilter,
    ArrayForEach,
    ArrayReduce,
    ArraySome,
    ArrayEvery,
    ArrayFind,
    ArrayFindIndex,
    ArrayFill,
    ArrayKeys,
    ArrayFlat,
    // String.prototype.
    StringMethod,
    // Number.prototype.
    NumberToFixed,
    NumberToString,
    // Object.prototype / Function.prototype.
    HasOwnProperty,
    ObjectToString,
    FunctionCall,
    FunctionApply,
    FunctionBind,
    BoundFunction,
    // Map and Set.
    MapMethod,
    SetMethod,
    // Node: the rest lives in `node.rs`, dispatched by name.
    Node,
}

pub enum PromiseState {
    Pending { reactions: Vec<Reaction> },
    Fulfilled(Value),
    Rejected(Value),
}

/// What to do when a promise settles (`PerformPromiseThen`).
pub struct Reaction {
    pub on_fulfilled: Handler,
    pub on_rejected: Handler,
    /// The promise `then` returned, settled by the handler's outcome.
    pub derived: Option<ObjRef>,
}

#[derive(Clone)]
pub enum Handler {
    /// Pass the value (or reason) through to the derived promise.
    Identity,
    Function(Value),
    /// Resume an `await`ing async function (its frame is parked in the VM).
    Resume {
        frame: usize,
        is_throw: bool,
    },
}

impl Value {
    pub fn str(text: &str) -> Value {
        Value::String(Rc::from(text))
    }

    pub fn is_nullish(&self) -> bool {
        matches!(self, Value::Undefined | Value::Null)
    }

    pub fn as_object(&self) -> Option<&ObjRef> {
        match self {
            Value::Object(object) => Some(object),
            _ => None,
        }
    }

    pub fn is_callable(&self) -> bool {
        self.as_object().is_some_and(|object| matches!(object.borrow().class, Class::Function(_)))
    }

    pub fn truthy(&self) -> bool {
        match self {
            Value::Undefined | Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::String(s) => !s.is_empty(),
            Value::Object(_) => true,
        }
    }

    pub fn type_of(&self) -> &'static str {
        match self {
            Value::Undefined => "undefined",
            Value::Null => "object",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Object(object) => match object.borrow().class {
                Class::Function(_) => "function",
                _ => "object",
            },
        }
    }

    pub fn same_object(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Object(a), Value::Object(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// `===`.
    pub fn strict_equals(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// SameValueZero (`includes`, Map and Set keys).
    pub fn same_value_zero(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) if a.is_nan() && b.is_nan() => true,
            _ => self.strict_equals(other),
        }
    }
}

impl Object {
    pub fn new(class: Class, proto: Option<ObjRef>) -> ObjRef {
        let object = Rc::new(RefCell::new(Object { class, props: Vec::new(), proto, index: None }));
        crate::heap::track(&object);
        object
    }

    /// Builds an object whose own properties are already known (no index:
    /// keep them under [`INDEXED_PROPS_MIN`]).
    pub fn with_props(class: Class, proto: Option<ObjRef>, props: Vec<(Str, Value)>) -> ObjRef {
        debug_assert!(props.len() <= INDEXED_PROPS_MIN);
        let object = Rc::new(RefCell::new(Object { class, props, proto, index: None }));
        crate::heap::track(&object);
        object
    }

    /// Drops the property index (for [`crate::heap::Heap::break_cycles`],
    /// which empties the properties).
    pub(crate) fn clear_index(&mut self) {
        self.index = None;
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            // Names are interned (see [`intern`]): the same pointer is the
            // same name. Comparing the first byte before the rest keeps a
            // miss cheap.
            None => self.props.iter().position(|(name, _)| {
                std::ptr::eq(name.as_ptr(), key.as_ptr()) || (name.len() == key.len() && name.as_bytes().first() == key.as_bytes().first() && &**name == key)
            }),
        }
    }

    /// [`Object::position`] for a name that came from [`intern`]: while the
    /// table is complete, the same name is the same pointer, so no bytes
    /// need comparing.
    fn position_key(&self, key: &Str) -> Option<usize> {
        if self.index.is_some() || !is_canonical(key) {
            return self.position(key);
        }
        self.props.iter().position(|(name, _)| Rc::ptr_eq(name, key))
    }

    /// The own property `key` (an interned name).
    pub fn own_key(&self, key: &Str) -> Option<&Value> {
        self.position_key(key).map(|position| &self.props[position].1)
    }

    /// Sets the own property `key` (an interned name).
    pub fn set_own_key(&mut self, key: &Str, value: Value) {
        match self.position_key(key) {
            Some(position) => self.props[position].1 = value,
            None => self.set_own(key, value),
        }
    }

    pub fn own(&self, key: &str) -> Option<&Value> {
        self.position(key).map(|position| &self.props[position].1)
    }

    pub fn set_own(&mut self, key: &str, value: Value) {
        match self.position(key) {
            Some(position) => self.props[position].1 = value,
            None => {
                let name: Str = intern(key);
                if let Some(index) = self.index.as_mut() {
                    index.insert(name.clone(), self.props.len());
                }
                self.props.push((name, value));
                if self.index.is_none() && self.props.len() > INDEXED_PROPS_MIN {
                    self.rebuild_index();
                }
            }
        }
    }

    pub fn remove_own(&mut self, key: &str) -> bool {
        let Some(position) = self.position(key) else { return false };
        self.props.remove(position);
        if self.index.is_some() {
            self.rebuild_index();
        }
        true
    }

    fn rebuild_index(&mut self) {
        self.index = Some(Box::new(self.props.iter().enumerate().map(|(position, (name, _))| (name.clone(), position)).collect()));
    }
}

/// Interned strings, at most this long and this many: property names and
/// the program's string constants (names computed at run time, such as
/// `cache[id]`, would otherwise grow the table without end).
const INTERNED_LEN_MAX: usize = 64;
const INTERNED_MAX: usize = 65_536;

thread_local! {
    static INTERNED: RefCell<std::collections::HashSet<Str, std::hash::BuildHasherDefault<Fnv>>> = RefCell::default();
    /// Set once the table has filled: names made after that are not shared.
    static INTERNED_FULL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether `key` (from [`intern`]) is the only pointer with its text that
/// a property name can have.
fn is_canonical(key: &str) -> bool {
    key.len() <= INTERNED_LEN_MAX && !INTERNED_FULL.with(std::cell::Cell::get)
}

/// One shared `Rc<str>` per distinct short string, so that building an
/// object does not allocate its property names again, and names compare by
/// pointer. A name past the limits gets a fresh allocation, as before.
pub fn intern(text: &str) -> Str {
    if text.len() > INTERNED_LEN_MAX {
        return Rc::from(text);
    }
    INTERNED.with(|table| {
        let mut table = table.borrow_mut();
        if let Some(existing) = table.get(text) {
            return existing.clone();
        }
        let fresh: Str = Rc::from(text);
        if table.len() < INTERNED_MAX {
            table.insert(fresh.clone());
        } else {
            INTERNED_FULL.with(|full| full.set(true));
        }
        fresh
    })
}

/// Walks the prototype chain from `object`, returning the first value
/// `own` finds on an object of it.
fn lookup_with(object: &ObjRef, own: impl Fn(&Object) -> Option<&Value>) -> Option<Value> {
    let mut current = Some(object.clone());
    let mut hops = 0;
    while let Some(node) = current {
        let borrowed = node.borrow();
        if let Some(value) = own(&borrowed) {
            return Some(value.clone());
        }
        current = borrowed.proto.clone();
        hops += 1;
        // A prototype cycle cannot be built from the subset, but a bound
        // keeps a bug from hanging the worker.
        if hops > 10_000 {
            return None;
        }
    }
    None
}

/// [`lookup`] for an interned name.
pub fn lookup_key(object: &ObjRef, key: &Str) -> Option<Value> {
    lookup_with(object, |node| node.own_key(key))
}

/// Looks a property up along the prototype chain.
pub fn lookup(object: &ObjRef, key: &str) -> Option<Value> {
    lookup_with(object, |node| node.own(key))
}

/// JavaScript's `Number.prototype.toString()` (ECMA-262 Number::toString):
/// the shortest digits that round-trip, with JS's exponent rules.
pub fn format_number(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_string();
    }
    if value == 0.0 {
        return "0".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    if value < 0.0 {
        return format!("-{}", format_number(-value));
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "d.ddddde±x".
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i32;
    let n = exponent.parse::<i32>().unwrap_or(0) + 1;
    if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let sign = if n > 0 { "+" } else { "-" };
        let exponent = (n - 1).abs();
        if k == 1 {
            format!("{digits}e{sign}{exponent}")
        } else {
            format!("{}.{}e{sign}{exponent}", &digits[..1], &digits[1..])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::format_number;

    #[test]
    fn numbers_print_as_javascript_prints_them() {
        let cases = [
            (0.1 + 0.2, "0.30000000000000004"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123.456, "123.456"),
            (1e-7, "1e-7"),
            (0.000001, "0.000001"),
            (-5.0, "-5"),
            (499_999_999_067_109_000.0, "499999999067109000"),
            (2.5e-10, "2.5e-10"),
            (f64::NAN, "NaN"),
        ];
        for (value, expected) in cases {
            assert_eq!(format_number(value), expected, "{value:?}");
        }
    }
}
