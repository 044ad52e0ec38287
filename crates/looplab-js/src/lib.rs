//! Looplab's JavaScript: a real subset of the language, parsed by oxc,
//! compiled to a small stack bytecode, and run by a VM that is the
//! simulation's [`looplab_core::Guest`].
//!
//! - [`compile`] turns source text into [`bytecode::Code`], resolving every
//!   variable to an environment slot. Anything outside the subset fails here,
//!   loudly, with its line and column.
//! - [`vm`] runs bytecode with explicit frames, so `await` parks a frame in a
//!   promise reaction and resumes it from a microtask.
//! - [`node`] is the Node API surface (`require('fs')`, timers, `process`…),
//!   each call forwarded to the engine through [`looplab_core::Host`].

pub mod builtins;
pub mod bytecode;
pub mod compile;
pub mod node;
pub mod value;
pub mod vm;

pub use compile::CompileError;
pub use node::JsGuest;
