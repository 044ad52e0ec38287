//! Looplab's simulation core: a deterministic model of one Node.js process.
//!
//! The core owns virtual time (integer microseconds), the libuv event loop
//! with its phases, the `process.nextTick` and microtask queues, and the
//! thread pool. JavaScript itself is behind the [`Guest`] trait: the core asks
//! the guest to run a callback, the guest calls back into the [`Host`] for
//! every Node API it uses, and each call costs virtual CPU time.
//!
//! Architecture invariants (see ARCHITECTURE.md):
//! - no wall clock, no threads, no randomness except [`rng::Rng`] seeded by
//!   the scenario, no web dependency: the same scenario and seed give the
//!   same trace natively and in wasm;
//! - time never goes back, and events with equal times run in the order
//!   they were scheduled.

pub mod cost;
pub mod cpu;
pub mod directives;
pub mod fs;
pub mod load;
pub mod program;
pub mod rng;
pub mod scenarios;
pub mod sim;
pub mod trace;
pub mod view;

pub use sim::{Callback, FnRef, Guest, Host, HostValue, Metrics, Race, ScriptError, Settings, Sim, StopReason, ThreadId, CPU_SPEED_PERCENT_RANGE};
pub use trace::{Phase, QueueKind, Source, TraceEvent, TraceKind};
