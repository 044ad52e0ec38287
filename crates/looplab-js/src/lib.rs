//! Looplab's ECMAScript engine: the language alone, knowing nothing of Node,
//! of an event loop or of the simulation that runs it.
//!
//! - Values ([`value`]) are 16 bytes; strings ([`string`]) are UTF-16 (kept
//!   as ASCII when they are); property names are interned ([`atoms`]).
//! - Objects live in one arena per agent ([`heap`]) with a precise
//!   mark-and-sweep collector; their named properties are laid out by
//!   shapes ([`shape`]) or, once that stops paying, a dictionary; indexed
//!   elements are kept apart ([`object`], [`props`]).
//! - The engine reaches whoever runs it through one trait, [`Embedder`]:
//!   a clock, a CPU meter, a job queue, a way to be stopped, host functions.
//!
//! The bytecode ([`bytecode`]) and its interpreter's frames ([`interp`]) are
//! the next layer; the compiler from oxc's AST and the built-ins build on it.

// A program's input never reaches a panic: no unwrap or expect outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod atoms;
pub mod builtins;
pub mod bytecode;
mod calls;
mod classes;
pub mod compiler;
mod coroutine;
mod define;
pub mod errors;
pub mod exec;
pub mod fast_loops;
mod globals;
pub mod heap;
mod ic;
pub(crate) mod ieee754;
pub mod interp;
mod iteration;
pub mod jobs;
pub mod native_ic;
pub mod number;
pub mod object;
pub mod ops;
pub mod props;
pub mod shape;
pub mod string;
pub mod value;
pub mod vm;

/// The engine's hash tables: keys are its own (atoms, shapes, map keys),
/// never adversarial, so a fast fixed-seed hasher serves, and the same
/// everywhere (natively and in wasm).
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

pub use errors::ErrorType;
pub use string::JsStr;
pub use value::{Atom, Key, ObjId, Sym, Value};
pub use vm::{Embedder, JobId, JsResult, Persistent, Unwind, Vm};

/// Prototype chains longer than this are cut short (a cycle cannot be made
/// through `setPrototypeOf`, which checks, but a bound keeps every walk finite).
pub const PROTO_CHAIN_MAX: usize = 100_000;

/// The longest string V8 makes (2^29 - 24 UTF-16 units); longer ones are
/// `RangeError: Invalid string length`.
pub const STRING_LENGTH_MAX: usize = (1 << 29) - 24;

/// The collector does not run before this many objects were allocated
/// since it last ran.
pub const GC_MIN_ALLOCATIONS: usize = 100_000;
