//! The trace: everything observable that happens in a run, in time order.
//!
//! The trace is the core's only output. The UI replays it to animate the
//! process ([`crate::view`]), tests compare it with snapshots, and
//! [`trace_hash`] fingerprints it so native and wasm runs can be compared.
//!
//! Each event renders as one dense line (see [`TraceEvent::dense`]):
//!
//! ```text
//!     t_us kind       details
//!        0 cb+        main (main script)
//!       45 log        "before reading file"
//! ```
//!
//! Legend of kinds: `cb+`/`cb-` callback starts/ends on the main thread;
//! `push`/`pop` call-stack frame; `log` console output (`err` on stderr); `phase` the loop
//! enters a phase; `q+`/`q-` an item joins/leaves a queue; `job+` work
//! submitted to the thread pool, `run` a pool thread starts it, `done` it
//! finishes; `io+`/`io-` the kernel starts/finishes an operation that needs no thread
//! (a socket); `wait` the poll phase blocks; `wake` it unblocks; `exit` the
//! process exits; `req+`/`req-` a client's request arrives / is answered; `name` the running
//! callback runs this user function.

use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// The libuv loop phases, in the order one loop iteration runs them
/// (libuv "Design overview", Node "The Node.js Event Loop").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Phase {
    Timers,
    Pending,
    IdlePrepare,
    Poll,
    Check,
    Close,
}

impl Phase {
    pub const ALL: [Phase; 6] = [Phase::Timers, Phase::Pending, Phase::IdlePrepare, Phase::Poll, Phase::Check, Phase::Close];

    pub fn name(self) -> &'static str {
        match self {
            Phase::Timers => "timers",
            Phase::Pending => "pending",
            Phase::IdlePrepare => "idle/prepare",
            Phase::Poll => "poll",
            Phase::Check => "check",
            Phase::Close => "close",
        }
    }
}

/// What scheduled a callback the main thread runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// The main module itself.
    MainScript,
    NextTick,
    Microtask,
    Timer,
    /// A thread-pool completion delivered in the poll phase.
    PoolCompletion,
    Immediate,
    Close,
    /// `process.emit('beforeExit' | 'exit')`.
    ProcessEvent,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::MainScript => "main script",
            Source::NextTick => "process.nextTick",
            Source::Microtask => "microtask",
            Source::Timer => "timer",
            Source::PoolCompletion => "pool completion",
            Source::Immediate => "setImmediate",
            Source::Close => "close callback",
            Source::ProcessEvent => "process event",
        }
    }
}

/// The queues the UI draws. Each item in a queue has an id unique in the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum QueueKind {
    NextTick,
    Microtask,
    Timers,
    /// Completed I/O waiting for the poll phase.
    Poll,
    Immediate,
    Close,
    /// Work waiting for a free thread-pool thread.
    PoolWork,
}

impl QueueKind {
    pub const ALL: [QueueKind; 7] =
        [QueueKind::NextTick, QueueKind::Microtask, QueueKind::Timers, QueueKind::Poll, QueueKind::Immediate, QueueKind::Close, QueueKind::PoolWork];

    pub fn name(self) -> &'static str {
        match self {
            QueueKind::NextTick => "nextTick",
            QueueKind::Microtask => "microtasks",
            QueueKind::Timers => "timers",
            QueueKind::Poll => "poll (I/O callbacks)",
            QueueKind::Immediate => "check (immediates)",
            QueueKind::Close => "close",
            QueueKind::PoolWork => "pool work queue",
        }
    }
}

/// One observable event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEvent {
    /// Virtual time, microseconds since the main script started.
    pub t_us: u64,
    /// The JavaScript thread it happened on: 0 is the main thread, others
    /// are `worker_threads` (pool events belong to the thread that asked).
    #[serde(default)]
    pub thread: u32,
    pub kind: TraceKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TraceKind {
    CallbackStart {
        source: Source,
        label: String,
        /// The 1-based source line of the function that runs (0: none, as
        /// for Node's own plumbing). For the editor; not part of the dense
        /// line, so snapshots and trace hashes do not depend on it.
        #[serde(default)]
        line: u32,
    },
    CallbackEnd,
    FramePush {
        name: String,
    },
    FramePop,
    Console {
        text: String,
    },
    Stderr {
        text: String,
    },
    PhaseEnter {
        phase: Phase,
        iteration: u64,
    },
    QueueAdd {
        queue: QueueKind,
        id: u64,
        label: String,
    },
    QueueTake {
        queue: QueueKind,
        id: u64,
    },
    PoolStart {
        job: u64,
        thread: u32,
        label: String,
        /// The job computes (crypto, zlib: it needs a core) rather than
        /// waits (disk, DNS). Not in the dense line.
        #[serde(default)]
        computes: bool,
    },
    PoolDone {
        job: u64,
        thread: u32,
    },
    /// The kernel starts waiting on a socket for this operation.
    KernelStart {
        id: u64,
        label: String,
    },
    KernelDone {
        id: u64,
    },
    PollWait {
        timeout_ms: Option<u64>,
    },
    PollWake,
    Exit {
        code: i32,
    },
    /// A client's request reaches the server (the kernel accepted it).
    RequestArrive {
        request: u64,
        path: String,
    },
    /// The server answered the request.
    RequestDone {
        request: u64,
        status: u16,
    },
    /// The running callback turned out to run this function of the user's
    /// (Express's router calling a route handler, `GET /heavy handler`):
    /// the views name it before Node's own plumbing.
    CallbackNamed {
        label: String,
        /// Its 1-based source line (0: none); not in the dense line.
        #[serde(default)]
        line: u32,
    },
}

impl TraceEvent {
    /// One dense, fixed-column line; the legend is in the module docs.
    pub fn dense(&self) -> String {
        let mut line = format!("{:>9} ", self.t_us);
        if self.thread != 0 {
            let _ = write!(line, "w{} ", self.thread);
        }
        let _ = match &self.kind {
            TraceKind::CallbackStart { source, label, .. } => {
                write!(line, "cb+   {label} ({})", source.name())
            }
            TraceKind::CallbackEnd => write!(line, "cb-"),
            TraceKind::FramePush { name } => write!(line, "push  {name}"),
            TraceKind::FramePop => write!(line, "pop"),
            TraceKind::Console { text } => write!(line, "log   {text:?}"),
            TraceKind::Stderr { text } => write!(line, "err   {text:?}"),
            TraceKind::PhaseEnter { phase, iteration } => {
                write!(line, "phase {} #{iteration}", phase.name())
            }
            TraceKind::QueueAdd { queue, id, label } => {
                write!(line, "q+    {} #{id} {label}", queue.name())
            }
            TraceKind::QueueTake { queue, id } => write!(line, "q-    {} #{id}", queue.name()),
            TraceKind::PoolStart { job, thread, label, .. } => {
                write!(line, "run   pool[{thread}] job #{job} {label}")
            }
            TraceKind::PoolDone { job, thread } => write!(line, "done  pool[{thread}] job #{job}"),
            TraceKind::KernelStart { id, label } => write!(line, "io+   kernel #{id} {label}"),
            TraceKind::KernelDone { id } => write!(line, "io-   kernel #{id}"),
            TraceKind::PollWait { timeout_ms: Some(ms) } => write!(line, "wait  up to {ms} ms"),
            TraceKind::PollWait { timeout_ms: None } => write!(line, "wait  for I/O"),
            TraceKind::PollWake => write!(line, "wake"),
            TraceKind::Exit { code } => write!(line, "exit  code {code}"),
            TraceKind::RequestArrive { request, path } => write!(line, "req+  #{request} {path}"),
            TraceKind::RequestDone { request, status } => write!(line, "req-  #{request} {status}"),
            TraceKind::CallbackNamed { label, .. } => write!(line, "name  {label}"),
        };
        line
    }
}

/// A 64-bit FNV-1a hash of the dense rendering of every event, fed one
/// event at a time so a streamed trace need not be kept. The same scenario
/// and seed must give the same hash on every platform.
#[derive(Clone, Debug)]
pub struct TraceHasher {
    hash: u64,
}

impl Default for TraceHasher {
    fn default() -> TraceHasher {
        TraceHasher { hash: 0xcbf2_9ce4_8422_2325 }
    }
}

impl TraceHasher {
    pub fn add(&mut self, event: &TraceEvent) {
        for byte in event.dense().bytes().chain(std::iter::once(b'\n')) {
            self.hash ^= u64::from(byte);
            self.hash = self.hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub fn finish(&self) -> u64 {
        self.hash
    }
}

/// [`TraceHasher`] over a whole trace.
pub fn trace_hash(events: &[TraceEvent]) -> u64 {
    let mut hasher = TraceHasher::default();
    events.iter().for_each(|event| hasher.add(event));
    hasher.finish()
}

/// The whole trace as dense text, one event a line.
pub fn dense_text(events: &[TraceEvent]) -> String {
    let mut text = String::new();
    for event in events {
        text.push_str(&event.dense());
        text.push('\n');
    }
    text
}
