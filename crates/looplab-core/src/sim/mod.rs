//! The discrete-event engine: one Node.js process in virtual time.
//!
//! Everything that happens is an [`Event`] in one priority queue ordered by
//! `(at_us, seq)`: virtual time first, then the order in which events were
//! scheduled, so ties are broken deterministically in insertion order.
//!
//! JavaScript runs to completion (Node guide "The Node.js Event Loop"): a
//! callback is executed atomically when the main thread picks it up, and the
//! virtual CPU time it spends moves a cursor forward. Effects that stay on the
//! main thread (a `console.log`, a timer armed, a `process.nextTick`) are
//! recorded at the cursor's time. Effects that reach another thread (work
//! handed to the thread pool) become events at the cursor's time, so the pool
//! sees them in true time order even though the callback was run in one go.

use crate::cost;
use crate::fs::{VirtualFs, READ_FILE_CHUNK_BYTES};
use crate::trace::{Phase, QueueKind, Source, TraceEvent, TraceKind};
use serde::{Deserialize, Serialize};
use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap, VecDeque};

mod core;
mod host;
mod kernel;
mod load;
mod metrics;
mod phases;
mod pool;
mod queue;
mod run;
mod runaway;
mod setup;
mod trace_buffer;

pub use host::Host;
pub use metrics::*;
pub use setup::{Settings, CPU_SPEED_PERCENT_RANGE};

use self::core::Core;
use load::{LoadRun, ServerThreads};
use phases::{EventLoop, Queued, Stage};
use pool::{Completion, Continuation, Job, Pool, ReadFileContext, ReadFileStep};
use queue::{Event, Scheduled};
use run::Runnable;
use runaway::RecentCallbacks;
use trace_buffer::TraceBuffer;

/// Time for a message between JS threads to reach the receiving loop.
pub const MESSAGE_LATENCY_US: u64 = 20;

/// libuv caps `UV_THREADPOOL_SIZE` at 1024 (libuv docs, "Thread pool work
/// scheduling").
pub const POOL_SIZE_MAX: u32 = 1024;

/// A JavaScript thread of the process, by creation order: the main thread
/// is 0; worker threads and thread-per-request server threads follow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ThreadId(pub u32);

impl ThreadId {
    pub const MAIN: ThreadId = ThreadId(0);

    /// Its place in per-thread tables.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A request of the load while it is in flight: its slot in the in-flight
/// table, free again once it is answered (so a long run reuses them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct RequestSlot(pub(crate) u32);

impl RequestSlot {
    /// Its place in the in-flight table.
    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }
}

/// A point where real Node could have ordered things differently, with the
/// outcome this run's seed picked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Race {
    pub t_us: u64,
    pub description: String,
}

/// Why a run ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopReason {
    /// The loop had nothing left to keep it alive and the process exited.
    Exited { code: i32 },
    /// The process would wait forever: something keeps it alive but no event
    /// will ever arrive (a listening server with no more clients).
    WaitingForever,
    EventLimit {
        events_max: u64,
        /// Why the run never ended, when the callbacks before the limit show
        /// it (see [`Sim::diagnose_runaway`]).
        #[serde(default)]
        why: Option<String>,
    },
    TimeLimit {
        time_max_us: u64,
        #[serde(default)]
        why: Option<String>,
    },
    /// The guest stopped the run (a runaway loop hit its operation limit).
    Halted { reason: String },
    /// Every client of the scenario's load has its answer: the measurement
    /// ends, as autocannon's does, though the server still listens.
    LoadFinished { requests: u64 },
}

fn with_why(what: String, why: &Option<String>) -> String {
    match why {
        Some(why) => format!("{what}: {why}"),
        None => what,
    }
}

impl StopReason {
    /// One sentence a person reads: the CLI prints it, the page shows it.
    pub fn describe(&self) -> String {
        match self {
            StopReason::Exited { code } => format!("exited with code {code}"),
            StopReason::WaitingForever => "waiting forever (something keeps the process alive)".to_string(),
            StopReason::EventLimit { events_max, why } => with_why(format!("stopped after {events_max} events"), why),
            StopReason::TimeLimit { time_max_us, why } => with_why(format!("stopped at the virtual time limit of {} ms", time_max_us / 1000), why),
            StopReason::Halted { reason } => reason.clone(),
            StopReason::LoadFinished { requests } => format!("the load finished: all {requests} requests answered"),
        }
    }
}

/// A function value the guest handed to the host, to be called later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FnRef(pub u32);

/// A function handed to a Node API, with the name the UI shows for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Callback {
    pub func: FnRef,
    /// Shared, not copied: a name is handed along with every callback.
    pub name: std::rc::Rc<str>,
}

/// A value the engine hands to a guest callback (Node passes `(err, data)`
/// to most I/O callbacks). The guest turns it into a JS value.
#[derive(Clone, Debug, PartialEq)]
pub enum HostValue {
    Undefined,
    Null,
    Number(f64),
    Str(String),
    /// A string the engine hands out many times (a load request's method
    /// and path): shared, not copied.
    Shared(std::rc::Rc<str>),
    /// A `Buffer` of this many bytes.
    Buffer(u64),
    /// An array of strings (`dns.resolve4`'s addresses).
    StrList(Vec<String>),
    /// An `Error` with a Node error code such as `ENOENT`.
    Error {
        code: String,
        message: String,
    },
}

/// An error in the user's program, at a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// The JavaScript side of the process. The core calls it to run code; the
/// guest calls back into [`Host`] for every Node API it uses.
pub trait Guest {
    /// Runs the main module to completion.
    fn run_main(&mut self, host: &mut Host<'_>);
    /// Calls a function the guest handed over earlier.
    fn call(&mut self, func: FnRef, args: &[HostValue], host: &mut Host<'_>);
    /// The 1-based source line where a function handed over earlier is
    /// defined (0 when it has none), for the editor to light up.
    fn source_line(&self, _func: FnRef) -> u32 {
        0
    }
    /// Whether `process.on(event, …)` listeners exist ('beforeExit', 'exit').
    fn has_process_listeners(&self, _thread: ThreadId, _event: &str) -> bool {
        false
    }
    /// Calls the listeners of a process event with the exit code.
    fn emit_process_event(&mut self, _event: &str, _code: i32, _host: &mut Host<'_>) {}
    /// `process.exitCode`, when the program set it: the code a process
    /// that runs out of work exits with (Node docs, process.exitCode).
    fn exit_code(&self, _thread: ThreadId) -> Option<i32> {
        None
    }
    /// Whether promises rejected with no handler wait for Node's
    /// `processPromiseRejections`, which runs once the nextTick and
    /// microtask queues are empty (lib/internal/process/task_queues.js,
    /// processTicksAndRejections).
    fn has_unhandled_rejections(&self, _thread: ThreadId) -> bool {
        false
    }
    /// Handles those rejections: 'unhandledRejection' listeners, or the
    /// default `--unhandled-rejections=throw`.
    fn process_rejections(&mut self, _host: &mut Host<'_>) {}
    /// A message from another thread arrives on `port` (in the poll phase).
    fn deliver_message(&mut self, _port: u64, _payload: &str, _host: &mut Host<'_>) {}
    /// A worker thread's loop ended with `code`: the guest tells its parent.
    fn thread_exited(&mut self, _code: i32, _host: &mut Host<'_>) {}
}

/// Race points listed at most; more are only counted.
pub const RACES_KEPT: usize = 1000;

/// `monitorEventLoopDelay`'s default resolution: its timer repeats every 10 ms.
pub const DELAY_RESOLUTION_US: u64 = 10_000;

/// Memory the model charges, from real Node v20 on Linux
/// (`tests/corpus`'s timing.json, "memory"): an http server's resident set
/// before any client (~43.5 MB), and what each open TCP connection adds to
/// it (7.0 KiB median over 2,000 idle connections).
pub const NODE_BASELINE_BYTES: u64 = 43_500 * 1024;
pub const NODE_PER_CONNECTION_BYTES: u64 = 7 * 1024;

/// A simulated Node.js process running one guest program.
pub struct Sim<G: Guest> {
    guest: G,
    core: Core,
}

/// Puts `value` in a free slot of `slots` (or a new one) and returns its
/// index: long runs reuse the slots of finished requests and jobs.
fn slab_insert<T>(slots: &mut Vec<Option<T>>, free: &mut Vec<u32>, value: T) -> u32 {
    match free.pop() {
        Some(index) => {
            slots[index as usize] = Some(value);
            index
        }
        None => {
            slots.push(Some(value));
            (slots.len() - 1) as u32
        }
    }
}
