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
mod metrics;
mod run;

pub use host::Host;
pub use metrics::*;

/// Time for a message between JS threads to reach the receiving loop.
pub const MESSAGE_LATENCY_US: u64 = 20;

/// libuv caps `UV_THREADPOOL_SIZE` at 1024 (libuv docs, "Thread pool work
/// scheduling").
pub const POOL_SIZE_MAX: u32 = 1024;

/// Run settings that are not part of the code: the runtime and the limits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// `UV_THREADPOOL_SIZE`; libuv's default is 4.
    pub pool_size: u32,
    /// CPU cores of the simulated machine (`os.cpus().length`).
    pub cores: u32,
    /// Round-trip time of one call to the simulated database (`db.*`).
    pub db_latency_us: u64,
    /// Seed of the run's only random generator.
    pub seed: u64,
    /// Stop after this many engine events, so runaway code ends.
    pub events_max: u64,
    /// Stop when virtual time passes this point.
    pub time_max_us: u64,
    /// Speed of the simulated CPU against the machine the costs were
    /// measured on (`tests/corpus`): 200 halves every CPU cost (JavaScript,
    /// pool crypto and zlib); disk, network and timers do not change.
    #[serde(default = "default_cpu_speed_percent")]
    pub cpu_speed_percent: u32,
}

fn default_cpu_speed_percent() -> u32 {
    100
}

/// The CPU speed a scenario may ask for, in percent of the measured machine.
pub const CPU_SPEED_PERCENT_RANGE: std::ops::RangeInclusive<u32> = 10..=1000;

impl Default for Settings {
    fn default() -> Settings {
        Settings { pool_size: 4, cores: 4, db_latency_us: 50_000, seed: 1, events_max: 10_000_000, time_max_us: 600_000_000, cpu_speed_percent: 100 }
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
    fn has_process_listeners(&self, _thread: u32, _event: &str) -> bool {
        false
    }
    /// Calls the listeners of a process event with the exit code.
    fn emit_process_event(&mut self, _event: &str, _code: i32, _host: &mut Host<'_>) {}
    /// `process.exitCode`, when the program set it: the code a process
    /// that runs out of work exits with (Node docs, process.exitCode).
    fn exit_code(&self, _thread: u32) -> Option<i32> {
        None
    }
    /// A message from another thread arrives on `port` (in the poll phase).
    fn deliver_message(&mut self, _port: u64, _payload: &str, _host: &mut Host<'_>) {}
    /// A worker thread's loop ended with `code`: the guest tells its parent.
    fn thread_exited(&mut self, _code: i32, _host: &mut Host<'_>) {}
}

/// What the engine does at a point in time.
#[derive(Debug)]
enum Event {
    /// A JS thread has finished its current callback (or was woken, or
    /// started) and continues its event loop.
    ThreadFree { thread: u32 },
    /// Work reaches the thread pool's queue.
    /// Boxed: the queue of events moves its entries, so they stay small.
    PoolSubmit(Box<Job>),
    /// A pool thread finishes its job.
    PoolDone { thread: u32 },
    /// The poll phase's timeout expires (`epoll_wait` returns with nothing).
    PollTimeout { thread: u32, generation: u64 },
    /// Kernel I/O (a socket) becomes ready: no thread was involved.
    KernelReady { thread: u32, id: u64, callback: usize },
    /// A message posted to another JS thread arrives (a `MessagePort`,
    /// signalled through a `uv_async` handle into the receiver's poll phase).
    Message { thread: u32, port: u64, payload: String },
    /// A client of the scenario's load sends a request.
    Arrival { group: u32, connection: u32 },
    /// A computing thread may be done (stale if its token moved on).
    CpuDone { owner: crate::cpu::CpuOwner, token: u64 },
    /// A thread-per-request server thread's blocking I/O returns.
    DirectDone { index: u32 },
}

#[derive(Debug)]
struct Scheduled {
    at_us: u64,
    seq: u64,
    event: Event,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Scheduled) -> bool {
        (self.at_us, self.seq) == (other.at_us, other.seq)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Scheduled) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    fn cmp(&self, other: &Scheduled) -> Ordering {
        (self.at_us, self.seq).cmp(&(other.at_us, other.seq))
    }
}

/// A unit of work for a pool thread, and what to do when it completes.
#[derive(Debug)]
struct Job {
    id: u64,
    label: String,
    duration_us: u64,
    /// When the job reached the pool's queue (for the pool's wait time).
    submitted_us: u64,
    /// When a pool thread took it.
    started_us: u64,
    /// CPU work (crypto, zlib) needs a core; disk and network waits do not.
    cpu: bool,
    then: Continuation,
    /// The JS thread whose loop receives the completion.
    owner: u32,
}

/// What runs on the main thread when a pool job's completion is polled.
#[derive(Debug, Clone, Copy)]
enum Continuation {
    ReadFile {
        context: usize,
        step: ReadFileStep,
    },
    /// Generic pool work (crypto, zlib, dns.lookup…): call back with a result.
    Callback {
        callback: usize,
    },
    /// A message from another JS thread.
    Message {
        message: usize,
    },
    /// A client's request, for the listening server's handler.
    Request {
        slot: u32,
    },
}

/// The steps of `fs.readFile`: Node issues each as a separate pool request
/// from the JS callback of the previous one (lib/internal/fs/read/context.js).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReadFileStep {
    Open,
    Stat,
    Read { bytes: u64 },
    Close,
}

#[derive(Debug)]
struct ReadFileContext {
    path: String,
    size_bytes: Option<u64>,
    bytes_read: u64,
    callback: Callback,
}

#[derive(Debug)]
struct Completion {
    id: u64,
    then: Continuation,
}

/// A JS callback waiting in one of the loop's queues.
#[derive(Debug, Clone)]
struct Queued {
    id: u64,
    callback: Callback,
    /// For `setInterval`: the period to re-arm with.
    repeat_ms: Option<u64>,
}

/// Where the main thread is in its life: the main script, then libuv's
/// `uv_run` (libuv src/unix/core.c, v1.46: timers once before the first
/// iteration, then pending, idle, prepare, poll, check, close, timers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Script,
    LoopStart,
    Timers {
        end_of_iteration: bool,
    },
    IterationStart,
    Pending,
    IdlePrepare,
    PollEnter,
    PollRunning,
    Check {
        budget: usize,
    },
    Close {
        budget: usize,
    },
    /// 'beforeExit' listeners ran: run the loop again if they added work.
    AfterBeforeExit,
    /// 'exit' listeners ran: the process ends, with no more ticks.
    AfterExitEvent {
        code: i32,
    },
    Exited,
}

#[derive(Debug)]
struct EventLoop {
    stage: Stage,
    iteration: u64,
    /// libuv's cached loop time, whole milliseconds (`uv_now`).
    loop_time_ms: u64,
    /// While V8 drains the microtask queue it runs it to empty before Node
    /// looks at the nextTick queue again (lib/internal/process/task_queues.js).
    draining_microtasks: bool,
    next_ticks: VecDeque<Queued>,
    microtasks: VecDeque<Queued>,
    immediates: VecDeque<Queued>,
    /// `uv_close` callbacks waiting for the close phase.
    closing: VecDeque<Queued>,
    /// Timers keyed by (due time in ms, creation order).
    timers: BTreeMap<(u64, u64), Queued>,
    /// Completed pool work not yet taken by the poll phase.
    completions: VecDeque<Completion>,
    /// The completions the current poll phase is running.
    poll_batch: VecDeque<Completion>,
    /// Ref'd handles other than timers (listening servers, open sockets).
    active_handles: u64,
    /// Timers that do not keep the loop alive (`timer.unref()`).
    unref_timers: std::collections::BTreeSet<u64>,
    /// Requests (pool work) whose JS callback has not run yet: they keep the
    /// loop alive (`uv__loop_alive` counts active requests).
    active_requests: u64,
    /// `Some(generation)` while the poll phase blocks.
    waiting: Option<u64>,
    wait_generation: u64,
}

impl EventLoop {
    fn new() -> EventLoop {
        EventLoop {
            stage: Stage::Script,
            iteration: 0,
            loop_time_ms: 0,
            draining_microtasks: false,
            next_ticks: VecDeque::new(),
            microtasks: VecDeque::new(),
            immediates: VecDeque::new(),
            closing: VecDeque::new(),
            timers: BTreeMap::new(),
            completions: VecDeque::new(),
            poll_batch: VecDeque::new(),
            unref_timers: std::collections::BTreeSet::new(),
            active_handles: 0,
            active_requests: 0,
            waiting: None,
            wait_generation: 0,
        }
    }

    /// `uv__loop_alive`: active handles (timers, the immediate idle handle),
    /// active requests, or closing handles.
    fn is_alive(&self) -> bool {
        self.timers.values().any(|timer| !self.unref_timers.contains(&timer.id))
            // Node refs its immediate handle only while ref'd immediates
            // wait (lib/internal/timers.js, immediateInfo[kRefCount]).
            || self.immediates.iter().any(|item| !self.unref_timers.contains(&item.id))
            || self.active_requests > 0
            || self.active_handles > 0
            || !self.closing.is_empty()
    }

    /// `uv__backend_timeout`: how long the poll phase may block, in ms;
    /// `None` is "until something happens".
    fn poll_timeout_ms(&self) -> Option<u64> {
        if !self.is_alive() || !self.immediates.is_empty() || !self.closing.is_empty() {
            return Some(0);
        }
        self.timers.keys().next().map(|&(due_ms, _)| due_ms.saturating_sub(self.loop_time_ms))
    }
}

#[derive(Debug)]
struct Pool {
    threads: Vec<Option<Job>>,
    queue: VecDeque<Job>,
}

/// The time-ordered trace, built from entries that may be recorded ahead of
/// the event being processed (a callback's effects at its cursor's time).
#[derive(Debug, Default)]
struct TraceBuffer {
    /// Measuring only (benchmarks): nothing is recorded.
    off: bool,
    pending: BinaryHeap<Reverse<(u64, u64, PendingEntry)>>,
    seq: u64,
    flushed: Vec<TraceEvent>,
}

/// A trace entry waiting to be flushed; ordered only by its key.
#[derive(Debug)]
struct PendingEntry(u32, TraceKind);

impl PartialEq for PendingEntry {
    fn eq(&self, _: &PendingEntry) -> bool {
        true
    }
}
impl Eq for PendingEntry {}
impl PartialOrd for PendingEntry {
    fn partial_cmp(&self, other: &PendingEntry) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for PendingEntry {
    fn cmp(&self, _: &PendingEntry) -> Ordering {
        Ordering::Equal
    }
}

impl TraceBuffer {
    fn record(&mut self, t_us: u64, thread: u32, kind: TraceKind) {
        if self.off {
            return;
        }
        self.seq += 1;
        self.pending.push(Reverse((t_us, self.seq, PendingEntry(thread, kind))));
    }

    /// Moves every entry at or before `t_us` into the finished trace.
    fn flush_until(&mut self, t_us: u64) {
        while let Some(Reverse((at_us, _, _))) = self.pending.peek() {
            if *at_us > t_us {
                break;
            }
            if let Some(Reverse((at_us, _, PendingEntry(thread, kind)))) = self.pending.pop() {
                self.flushed.push(TraceEvent { t_us: at_us, thread, kind });
            }
        }
    }
}

/// Engine state the guest may reach through [`Host`].
#[derive(Debug)]
struct Core {
    settings: Settings,
    /// Hundredths of a microsecond left over by [`Core::scale_cpu_us`].
    cpu_carry: u64,
    fs: VirtualFs,
    now_us: u64,
    seq: u64,
    next_id: u64,
    events: BinaryHeap<Reverse<Scheduled>>,
    events_processed: u64,
    trace: TraceBuffer,
    console: Vec<String>,
    /// The loop of the thread being processed; the others wait in `loops`.
    event_loop: EventLoop,
    loops: Vec<Option<EventLoop>>,
    current_thread: u32,
    /// Messages between threads: (port, payload), taken when delivered.
    messages: Vec<Option<(u64, String)>>,
    pool: Option<Pool>,
    read_files: Vec<ReadFileContext>,
    /// Callbacks of generic pool work, with the values they receive.
    pool_callbacks: Vec<(Callback, Vec<HostValue>)>,
    /// Slots of `pool_callbacks` already called, for reuse (a long load
    /// run would otherwise keep every request's callback).
    free_callbacks: Vec<usize>,
    stop_reason: Option<StopReason>,
    stderr: Vec<String>,
    errors: Vec<ScriptError>,
    rng: crate::rng::Rng,
    exit_requested: Option<i32>,
    races: Vec<Race>,
    races_total: u64,
    /// The last pool completion: (time, job duration, label, thread).
    last_pool_done: Option<(u64, u64, String, u32)>,
    /// Timers already judged at a race point (judged once each).
    raced_timers: std::collections::BTreeSet<u64>,
    /// The scenario's `@looplab load` and `cost` lines.
    workload: crate::load::Workload,
    /// The scenario's clients, while they run.
    load: Option<LoadRun>,
    cpu: crate::cpu::Cpu,
    /// Thread-per-request mode's server threads, when the scenario asks.
    server: Option<ServerThreads>,
    /// Blocking calls a server thread makes itself (no pool in that model).
    direct_jobs: Vec<Option<Job>>,
    free_direct_jobs: Vec<u32>,
    /// Listening servers that take the load's requests: (port, thread, handler).
    listeners: Vec<(u16, u32, Callback)>,
    metrics: MetricsState,
    recent: RecentCallbacks,
}

/// What the main thread has been running lately, so a run stopped by a
/// limit can say why it never ended: the starvation the Node docs warn of
/// ("The Node.js Event Loop": a recursive `process.nextTick` "prevents the
/// event loop from reaching the poll phase"), or a loop that never idles.
#[derive(Debug, Default)]
struct RecentCallbacks {
    /// The phase the main thread's loop last entered; None while the main
    /// module and what it queued still run (the loop has not started).
    phase: Option<Phase>,
    /// Callbacks by [`Source`] since the loop entered `phase`.
    since_phase: [u64; SOURCE_KINDS],
    /// The sources of the last [`RECENT_CALLBACKS`] callbacks, as a ring.
    window: Vec<u8>,
    window_at: usize,
}

const SOURCE_KINDS: usize = 8;
// The counters are indexed by `Source as usize`: a new source must grow them.
const _: () = assert!(Source::ProcessEvent as usize + 1 == SOURCE_KINDS);
const RECENT_CALLBACKS: usize = 4096;

impl RecentCallbacks {
    fn phase_entered(&mut self, phase: Phase) {
        self.phase = Some(phase);
        self.since_phase = [0; SOURCE_KINDS];
    }

    fn callback(&mut self, source: Source) {
        let kind = source as usize;
        self.since_phase[kind] += 1;
        if self.window.len() < RECENT_CALLBACKS {
            self.window.push(kind as u8);
        } else {
            self.window[self.window_at] = kind as u8;
            self.window_at = (self.window_at + 1) % RECENT_CALLBACKS;
        }
    }

    /// A sentence on why the run did not end by itself, or None when the
    /// callbacks show nothing that stands out.
    fn diagnose(&self) -> Option<String> {
        let stuck: u64 = self.since_phase.iter().sum();
        let share = |counts: &[u64; SOURCE_KINDS], source: Source, of: u64| of > 0 && counts[source as usize] * 10 >= of * 9;
        // The loop has not moved on for a whole window of callbacks: the
        // queues drained after every callback are refilling themselves.
        if stuck >= RECENT_CALLBACKS as u64 {
            let never = match self.phase {
                None => "the event loop never starts: no timer, I/O callback or immediate ever runs".to_string(),
                Some(phase) => format!("the loop stays in the {} phase: timers, I/O and immediates never get their turn", phase.name()),
            };
            if share(&self.since_phase, Source::NextTick, stuck) {
                return Some(format!(
                    "process.nextTick keeps re-queueing itself, and Node drains the nextTick queue completely after every callback, so {never}. This is the starvation real Node shows."
                ));
            }
            if share(&self.since_phase, Source::Microtask, stuck) {
                return Some(format!(
                    "promise callbacks keep queueing more (a chain of then() or await that never ends), and Node drains the microtask queue completely after every callback, so {never}. This is the starvation real Node shows."
                ));
            }
        }
        if self.window.len() < RECENT_CALLBACKS {
            return None;
        }
        let mut counts = [0u64; SOURCE_KINDS];
        for kind in &self.window {
            counts[*kind as usize] += 1;
        }
        let of = RECENT_CALLBACKS as u64;
        if share(&counts, Source::Immediate, of) {
            return Some(
                "setImmediate keeps queueing another immediate, so the loop never goes idle and the process never exits. Timers and I/O still get their turn each loop iteration, as in real Node.".to_string(),
            );
        }
        if share(&counts, Source::Timer, of) {
            return Some("a timer keeps firing (a setInterval, or a setTimeout that sets itself again), so the process never exits; real Node would run it until clearInterval or clearTimeout.".to_string());
        }
        None
    }
}

/// What the engine measures as it goes (see [`Metrics`]).
#[derive(Debug, Default)]
struct MetricsState {
    /// Each pool job's wait in the queue, µs.
    pool_waits_us: Vec<u32>,
    pool_busy_us: u64,
    pool_queue_max: u64,
    /// The main thread's time blocked in the poll phase (idle, as
    /// `performance.eventLoopUtilization()` counts it).
    main_idle_us: u64,
    main_blocked_since_us: Option<u64>,
    /// `monitorEventLoopDelay`'s timer: when it last fired, µs.
    delay_last_fire_us: u64,
    /// The intervals between its firings, µs (Node records these deltas),
    /// except those of an idle loop, which are exactly the resolution and
    /// only counted (a long idle run would otherwise keep millions).
    delay_samples_us: Vec<u32>,
    delay_idle_samples: u64,
    /// The run's measurements over time.
    timeline: TimelineState,
}

/// At most this many timeline buckets: past it, neighbours merge and the
/// bucket width doubles.
pub const TIMELINE_BUCKETS_MAX: usize = 1000;

#[derive(Debug)]
struct TimelineState {
    bucket_us: u64,
    buckets: Vec<Bucket>,
    /// The levels at the last sample: they held until this one.
    last: Gauges,
}

impl Default for TimelineState {
    fn default() -> TimelineState {
        TimelineState { bucket_us: 10_000, buckets: Vec::new(), last: Gauges::default() }
    }
}

impl TimelineState {
    /// The bucket holding `t_us`, made (with the gauges' current values)
    /// if needed.
    fn at(&mut self, t_us: u64, gauges: Gauges) -> &mut Bucket {
        while t_us / self.bucket_us >= TIMELINE_BUCKETS_MAX as u64 {
            self.buckets = self.buckets.chunks(2).map(|pair| pair.iter().skip(1).fold(pair[0], |merged, next| merged.merge(next))).collect();
            self.bucket_us *= 2;
        }
        let index = (t_us / self.bucket_us) as usize;
        // Slices since the last sample saw the levels of that sample: they
        // only change when something samples them.
        let last = self.last;
        while self.buckets.len() <= index {
            self.buckets.push(Bucket {
                in_flight_max: last.in_flight,
                pool_queue_max: last.pool_queue,
                pool_busy_max: last.pool_busy,
                connections_max: last.connections,
                ..Bucket::default()
            });
        }
        self.last = gauges;
        let bucket = &mut self.buckets[index];
        bucket.in_flight_max = bucket.in_flight_max.max(gauges.in_flight);
        bucket.pool_queue_max = bucket.pool_queue_max.max(gauges.pool_queue);
        bucket.pool_busy_max = bucket.pool_busy_max.max(gauges.pool_busy);
        bucket.connections_max = bucket.connections_max.max(gauges.connections);
        bucket
    }
}

/// The levels the timeline samples whenever they may change.
#[derive(Clone, Copy, Debug, Default)]
struct Gauges {
    in_flight: u32,
    pool_queue: u32,
    pool_busy: u32,
    connections: u32,
}

/// One slice of a run's timeline.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    /// Requests answered in this slice, and their latencies' sum and max.
    pub answered: u32,
    pub latency_sum_us: u64,
    pub latency_max_us: u32,
    /// The most requests in flight, pool jobs waiting, pool threads busy.
    pub in_flight_max: u32,
    pub pool_queue_max: u32,
    pub pool_busy_max: u32,
    /// The main thread's time waiting in poll (utilization = 1 − idle/width).
    pub main_idle_us: u64,
    /// The largest `monitorEventLoopDelay` sample taken in this slice.
    pub delay_max_us: u32,
    /// The most client connections open (Node's memory grows with them).
    #[serde(default)]
    pub connections_max: u32,
}

impl Bucket {
    fn merge(self, other: &Bucket) -> Bucket {
        Bucket {
            answered: self.answered + other.answered,
            latency_sum_us: self.latency_sum_us + other.latency_sum_us,
            latency_max_us: self.latency_max_us.max(other.latency_max_us),
            in_flight_max: self.in_flight_max.max(other.in_flight_max),
            pool_queue_max: self.pool_queue_max.max(other.pool_queue_max),
            pool_busy_max: self.pool_busy_max.max(other.pool_busy_max),
            main_idle_us: self.main_idle_us + other.main_idle_us,
            delay_max_us: self.delay_max_us.max(other.delay_max_us),
            connections_max: self.connections_max.max(other.connections_max),
        }
    }
}

/// A run's measurements over time, in equal slices of `bucket_us`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    pub bucket_us: u64,
    pub buckets: Vec<Bucket>,
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

/// A thread-per-request server: threads are engine JS threads whose loops
/// serve one request at a time, all running the one program's handlers
/// (they share its isolate: see [`Host::isolate`]).
#[derive(Debug)]
struct ServerThreads {
    config: crate::load::ThreadPerRequest,
    /// Engine thread ids of the server threads made so far.
    threads: Vec<u32>,
    /// By engine thread id: is it a server thread?
    is_server: Vec<bool>,
    free: Vec<u32>,
    /// Threads made but not started yet.
    fresh: Vec<u32>,
    /// Requests waiting for a thread (slots).
    queue: VecDeque<u32>,
    /// A closed client's keep-alive connection holds its thread between
    /// requests: (group, connection) -> thread.
    connection_threads: BTreeMap<(u32, u32), u32>,
    busy: u32,
    busy_peak: u32,
    queue_max: u64,
}

/// The load while it runs.
#[derive(Debug)]
struct LoadRun {
    groups: Vec<crate::load::ClientGroup>,
    /// Per group: when its server started listening (its clock's zero).
    started_us: Vec<Option<u64>>,
    sent: Vec<u64>,
    /// Per group: connections (closed) or arrival streams still sending.
    active: Vec<u64>,
    /// Requests in flight by slot; freed slots are reused.
    in_flight: Vec<Option<InFlight>>,
    free_slots: Vec<u32>,
    /// Slots of answered requests, free from the moment of the answer: a
    /// callback runs ahead of the engine's clock (its CPU time is known at
    /// once), and an id must not name two requests at one virtual time.
    releasing: BinaryHeap<Reverse<(u64, u32)>>,
    in_flight_count: u64,
    in_flight_peak: u64,
    /// Client connections open now: a closed client keeps its connection
    /// (keep-alive) from its first request to its last; an open or burst
    /// client opens one per request.
    connections_open: u64,
    connections_peak: u64,
    /// Completed requests' latencies, µs, by global path index.
    latencies_us: Vec<Vec<u32>>,
    path_names: Vec<String>,
    /// The same names, and each group's method, as the guest receives them.
    path_names_shared: Vec<std::rc::Rc<str>>,
    methods_shared: Vec<std::rc::Rc<str>>,
    /// Offset of each group's first path in `latencies_us`.
    path_base: Vec<usize>,
    refused: u64,
    first_arrival_us: Option<u64>,
    last_done_us: u64,
    finished: bool,
}

#[derive(Debug, Clone, Copy)]
struct InFlight {
    arrival_us: u64,
    group: u32,
    connection: u32,
    path: u32,
    thread: u32,
    listener: u32,
}

/// What a main-thread callback runs.
enum Runnable {
    Main,
    ProcessEvent { event: &'static str, code: i32 },
    Guest(FnRef),
    Continuation(Continuation),
}

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
