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

impl Core {
    /// A CPU cost at the scenario's CPU speed. Fractions of a microsecond
    /// carry over to the next cost, so many small costs add up exactly.
    fn scale_cpu_us(&mut self, cost_us: u64) -> u64 {
        let speed = u64::from(self.settings.cpu_speed_percent.max(1));
        if speed == 100 {
            return cost_us;
        }
        let scaled = cost_us.saturating_mul(100).saturating_add(self.cpu_carry);
        self.cpu_carry = scaled % speed;
        scaled / speed
    }

    fn schedule(&mut self, at_us: u64, event: Event) {
        debug_assert!(at_us >= self.now_us, "events are never scheduled in the past");
        self.seq += 1;
        self.events.push(Reverse(Scheduled { at_us, seq: self.seq, event }));
    }

    /// Keeps a callback (and its arguments) until its I/O completes.
    fn store_callback(&mut self, callback: Callback, args: Vec<HostValue>) -> usize {
        match self.free_callbacks.pop() {
            Some(index) => {
                self.pool_callbacks[index] = (callback, args);
                index
            }
            None => {
                self.pool_callbacks.push((callback, args));
                self.pool_callbacks.len() - 1
            }
        }
    }

    fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn record(&mut self, t_us: u64, kind: TraceKind) {
        self.trace.record(t_us, self.current_thread, kind);
    }

    /// Like `record`, building the entry (a label, a name) only when the
    /// trace is kept: a measuring-only run skips the allocations.
    fn record_lazy(&mut self, t_us: u64, kind: impl FnOnce() -> TraceKind) {
        if !self.trace.off {
            self.trace.record(t_us, self.current_thread, kind());
        }
    }

    /// Makes `thread`'s loop the current one.
    fn switch_to(&mut self, thread: u32) {
        if thread == self.current_thread {
            return;
        }
        let Some(incoming) = self.loops.get_mut(thread as usize).and_then(Option::take) else {
            return;
        };
        let outgoing = std::mem::replace(&mut self.event_loop, incoming);
        self.loops[self.current_thread as usize] = Some(outgoing);
        self.current_thread = thread;
    }

    /// Wakes the current thread if its poll phase is blocked.
    fn wake_current(&mut self, now_us: u64) {
        if self.event_loop.waiting.take().is_some() {
            self.event_loop.wait_generation += 1;
            self.record(now_us, TraceKind::PollWake);
            let thread = self.current_thread;
            self.schedule(now_us, Event::ThreadFree { thread });
        }
    }

    /// `uv_update_time`: refresh the loop's cached millisecond clock.
    fn update_loop_time(&mut self) {
        self.event_loop.loop_time_ms = self.now_us / 1000;
    }

    fn enter_phase(&mut self, phase: Phase) {
        let iteration = self.event_loop.iteration;
        if self.current_thread == 0 {
            self.recent.phase_entered(phase);
        }
        self.record(self.now_us, TraceKind::PhaseEnter { phase, iteration });
    }

    fn pool_submit(&mut self, mut job: Job) {
        job.submitted_us = self.now_us;
        if self.is_server_thread(job.owner) {
            return self.direct_start(job);
        }
        let pool_size = self.settings.pool_size.clamp(1, POOL_SIZE_MAX) as usize;
        // libuv creates its threads on the first request (`init_once`), which
        // is why UV_THREADPOOL_SIZE must be set before the pool is first used.
        let pool = self.pool.get_or_insert_with(|| Pool { threads: (0..pool_size).map(|_| None).collect(), queue: VecDeque::new() });
        // Which idle thread wakes first is up to the OS; the lowest index
        // keeps runs deterministic.
        let free_thread = pool.threads.iter().position(Option::is_none);
        let (id, label) = (job.id, job.label.clone());
        self.record_lazy(self.now_us, || TraceKind::QueueAdd { queue: QueueKind::PoolWork, id, label });
        match free_thread {
            Some(thread) => self.pool_start(thread, job),
            None => {
                if let Some(pool) = self.pool.as_mut() {
                    pool.queue.push_back(job);
                    self.metrics.pool_queue_max = self.metrics.pool_queue_max.max(pool.queue.len() as u64);
                }
                self.touch_timeline(self.now_us);
            }
        }
    }

    fn pool_start(&mut self, thread: usize, mut job: Job) {
        let now_us = self.now_us;
        job.started_us = now_us;
        self.metrics.pool_waits_us.push((now_us - job.submitted_us).min(u64::from(u32::MAX)) as u32);
        self.record(now_us, TraceKind::QueueTake { queue: QueueKind::PoolWork, id: job.id });
        self.record_lazy(now_us, || TraceKind::PoolStart { job: job.id, thread: thread as u32, label: job.label.clone() });
        if job.cpu {
            self.cpu_run(crate::cpu::CpuOwner::Pool(thread as u32), job.duration_us);
        } else {
            self.schedule(now_us + job.duration_us, Event::PoolDone { thread: thread as u32 });
        }
        if let Some(pool) = self.pool.as_mut() {
            pool.threads[thread] = Some(job);
        }
        self.touch_timeline(now_us);
    }

    fn pool_done(&mut self, thread: u32) {
        let Some(pool) = self.pool.as_mut() else {
            return;
        };
        let Some(job) = pool.threads[thread as usize].take() else {
            return;
        };
        self.metrics.pool_busy_us += self.now_us - job.started_us;
        let next = pool.queue.pop_front();
        let now_us = self.now_us;
        // Two jobs on different threads finishing within 1% of a job's
        // duration: real Node's threads race for the completion queue
        // (corpus case 60). One thread's jobs are ordered, never a race.
        if let Some((last_us, last_duration_us, last_label, last_thread)) = &self.last_pool_done {
            let window_us = (job.duration_us.max(*last_duration_us) / 100).max(1);
            if *last_thread != thread && now_us - last_us <= window_us {
                let description = format!(
                    "pool jobs '{last_label}' and '{}' finish within {} µs of each other: in real Node either may complete first",
                    job.label,
                    now_us - last_us
                );
                self.note_race(Race { t_us: now_us, description });
            }
        }
        self.last_pool_done = Some((now_us, job.duration_us, job.label.clone(), thread));
        if let Some(next) = next {
            let next_owner = next.owner;
            self.switch_to(next_owner);
            self.record(now_us, TraceKind::PoolDone { job: job.id, thread });
            self.pool_start(thread as usize, next);
        } else {
            self.switch_to(job.owner);
            self.record(now_us, TraceKind::PoolDone { job: job.id, thread });
        }
        // The completion goes to the loop of the thread that asked. It
        // arrives through a `uv_async` handle, which makes a blocked
        // `epoll_wait` return.
        self.switch_to(job.owner);
        self.record_lazy(now_us, || TraceKind::QueueAdd { queue: QueueKind::Poll, id: job.id, label: job.label.clone() });
        self.event_loop.completions.push_back(Completion { id: job.id, then: job.then });
        self.wake_current(now_us);
    }

    fn kernel_ready(&mut self, id: u64, callback: usize) {
        let now_us = self.now_us;
        let label = self.pool_callbacks[callback].0.name.clone();
        self.record(now_us, TraceKind::KernelDone { id });
        self.record_lazy(now_us, || TraceKind::QueueAdd { queue: QueueKind::Poll, id, label: label.to_string() });
        self.event_loop.completions.push_back(Completion { id, then: Continuation::Callback { callback } });
        self.wake_current(now_us);
    }

    /// A message arrives at the current thread's loop (if it still runs).
    fn message_arrived(&mut self, port: u64, payload: String) {
        if self.event_loop.stage == Stage::Exited {
            return;
        }
        let now_us = self.now_us;
        self.messages.push(Some((port, payload)));
        let message = self.messages.len() - 1;
        let id = self.fresh_id();
        self.record_lazy(now_us, || TraceKind::QueueAdd { queue: QueueKind::Poll, id, label: "message".to_string() });
        self.event_loop.completions.push_back(Completion { id, then: Continuation::Message { message } });
        self.wake_current(now_us);
    }

    /// The main thread leaves the poll phase's wait: the time it waited is
    /// idle time, and `monitorEventLoopDelay`'s timer fired on time at each
    /// of its due points in between (the wait would have ended for it).
    fn main_wakes(&mut self) {
        if self.current_thread != 0 {
            return;
        }
        if let Some(since_us) = self.metrics.main_blocked_since_us.take() {
            self.metrics.main_idle_us += self.now_us - since_us;
            // The idle time, split over the timeline's slices.
            let gauges = self.gauges();
            let mut from_us = since_us;
            while from_us < self.now_us {
                let width_us = self.metrics.timeline.bucket_us;
                let slice_end_us = ((from_us / width_us) + 1) * width_us;
                let to_us = slice_end_us.min(self.now_us);
                self.metrics.timeline.at(from_us, gauges).main_idle_us += to_us - from_us;
                from_us = to_us;
            }
            let metrics = &mut self.metrics;
            let elapsed_us = self.now_us.saturating_sub(metrics.delay_last_fire_us);
            if elapsed_us >= DELAY_RESOLUTION_US {
                let firings = elapsed_us / DELAY_RESOLUTION_US;
                metrics.delay_idle_samples += firings;
                metrics.delay_last_fire_us += firings * DELAY_RESOLUTION_US;
                let last_fire_us = metrics.delay_last_fire_us;
                let bucket = self.metrics.timeline.at(last_fire_us, gauges);
                bucket.delay_max_us = bucket.delay_max_us.max(DELAY_RESOLUTION_US as u32);
            }
        }
    }

    /// The main thread enters the timers phase: the delay monitor's timer
    /// fires if due, and records the interval since it last fired (Node's
    /// `ELDHistogram` records these deltas, so a free loop reports ≈ 10 ms).
    fn delay_monitor_at_timers(&mut self) {
        if self.current_thread != 0 {
            return;
        }
        let metrics = &mut self.metrics;
        if self.now_us >= metrics.delay_last_fire_us + DELAY_RESOLUTION_US {
            let delta_us = self.now_us - metrics.delay_last_fire_us;
            let sample = delta_us.min(u64::from(u32::MAX)) as u32;
            metrics.delay_samples_us.push(sample);
            metrics.delay_last_fire_us = self.now_us;
            let (now_us, gauges) = (self.now_us, self.gauges());
            let bucket = self.metrics.timeline.at(now_us, gauges);
            bucket.delay_max_us = bucket.delay_max_us.max(sample);
        }
    }

    /// A thread starts computing `work_us` (at full speed) now; it shares
    /// the cores with whoever else computes.
    fn cpu_run(&mut self, owner: crate::cpu::CpuOwner, work_us: u64) {
        for completion in self.cpu.start(self.now_us, owner, work_us) {
            self.schedule(completion.at_us, Event::CpuDone { owner: completion.owner, token: completion.token });
        }
    }

    /// Keeps a race point; past [`RACES_KEPT`] only counts it (a long load
    /// run can meet one at every other pool completion).
    fn note_race(&mut self, race: Race) {
        self.races_total += 1;
        if self.races.len() < RACES_KEPT {
            self.races.push(race);
        }
    }

    /// The levels the timeline samples.
    fn gauges(&self) -> Gauges {
        let (in_flight, connections) = self.load.as_ref().map_or((0, 0), |load| (load.in_flight_count as u32, load.connections_open as u32));
        Gauges { in_flight, connections, ..self.gauges_of_pool() }
    }

    /// The pool's levels alone (when the load is borrowed).
    fn gauges_of_pool(&self) -> Gauges {
        let (pool_queue, pool_busy) =
            self.pool.as_ref().map_or((0, 0), |pool| (pool.queue.len() as u32, pool.threads.iter().filter(|thread| thread.is_some()).count() as u32));
        Gauges { in_flight: 0, pool_queue, pool_busy, connections: 0 }
    }

    /// Samples the gauges into the timeline at `t_us`.
    fn touch_timeline(&mut self, t_us: u64) {
        let gauges = self.gauges();
        self.metrics.timeline.at(t_us, gauges);
    }

    /// A server starts listening: it takes the load aimed at its port (or
    /// at the first server, when the load names no port).
    fn listen(&mut self, port: u16, callback: Callback) {
        let thread = self.current_thread;
        self.listeners.retain(|(existing, ..)| *existing != port);
        self.listeners.push((port, thread, callback));
        let now_us = self.now_us;
        let Some(load) = self.load.as_mut() else { return };
        let mut starts: Vec<(u64, Event)> = Vec::new();
        for (index, group) in load.groups.iter().enumerate() {
            if load.started_us[index].is_some() || group.port.is_some_and(|wanted| wanted != port) {
                continue;
            }
            load.started_us[index] = Some(now_us);
            let group_index = index as u32;
            match &group.model {
                crate::load::Model::Closed { connections, ramp_us, .. } => {
                    load.active[index] = u64::from(*connections);
                    load.connections_open += u64::from(*connections);
                    load.connections_peak = load.connections_peak.max(load.connections_open);
                    let count = u64::from(*connections);
                    starts.extend(
                        (0..*connections)
                            .map(|connection| (now_us + ramp_us * u64::from(connection) / count, Event::Arrival { group: group_index, connection })),
                    );
                }
                crate::load::Model::Open { .. } => {
                    load.active[index] = 1;
                    starts.push((now_us, Event::Arrival { group: group_index, connection: 0 }));
                }
                crate::load::Model::Burst { at_us, count } => {
                    load.active[index] = *count;
                    starts.extend((0..*count).map(|connection| (now_us + at_us, Event::Arrival { group: group_index, connection: connection as u32 })));
                }
            }
        }
        for (at_us, event) in starts {
            self.schedule(at_us, event);
        }
    }

    fn unlisten(&mut self, port: u16) {
        self.listeners.retain(|(existing, ..)| *existing != port);
    }

    /// A client sends a request (or, its budget spent, stops sending).
    fn arrival(&mut self, group: u32, connection: u32) {
        let now_us = self.now_us;
        let Some(load) = self.load.as_mut() else { return };
        let index = group as usize;
        let spec = &load.groups[index];
        let started_us = load.started_us[index].unwrap_or(now_us);
        let over_amount = spec.amount.is_some_and(|amount| load.sent[index] >= amount);
        let over_time = spec.duration_us.is_some_and(|duration_us| now_us - started_us >= duration_us);
        if over_amount || over_time {
            load.active[index] = load.active[index].saturating_sub(1);
            if matches!(spec.model, crate::load::Model::Closed { .. }) {
                load.connections_open = load.connections_open.saturating_sub(1);
                // The connection closes: a blocking server's thread for it is free.
                let held = self.server.as_mut().and_then(|server| server.connection_threads.remove(&(group, connection)));
                if let Some(thread) = held {
                    self.server_release(thread);
                }
            }
            self.check_load_finished();
            return;
        }
        load.sent[index] += 1;
        let path = spec.pick_path(&mut self.rng) as u32;
        let port = spec.port;
        let listener = self.listeners.iter().position(|(listening, ..)| port.is_none_or(|wanted| wanted == *listening));
        let load = self.load.as_mut().expect("load");
        let spec = &load.groups[index];
        // An open model's next client comes whatever the server does.
        let next_gap_us = match &spec.model {
            crate::load::Model::Open { gap } => Some(gap.sample_us(&mut self.rng).max(if matches!(gap, crate::load::Dist::Exp { .. }) { 0 } else { 1 })),
            _ => None,
        };
        let Some(listener) = listener else {
            // Nothing listens: the kernel refuses the connection (ECONNREFUSED).
            load.refused += 1;
            let think = match &spec.model {
                crate::load::Model::Closed { think, .. } => Some(think.clone()),
                _ => None,
            };
            if let Some(think) = think {
                let retry_us = think.sample_us(&mut self.rng).max(1000);
                self.schedule(now_us + retry_us, Event::Arrival { group, connection });
            } else if matches!(load.groups[index].model, crate::load::Model::Burst { .. }) {
                load.active[index] = load.active[index].saturating_sub(1);
            }
            if let Some(gap_us) = next_gap_us {
                self.schedule(now_us + gap_us, Event::Arrival { group, connection });
            }
            self.check_load_finished();
            return;
        };
        let (_, thread, _) = self.listeners[listener];
        let record = InFlight { arrival_us: now_us, group, connection, path, thread, listener: listener as u32 };
        while load.releasing.peek().is_some_and(|Reverse((at_us, _))| *at_us <= now_us) {
            if let Some(Reverse((_, slot))) = load.releasing.pop() {
                load.free_slots.push(slot);
            }
        }
        let slot = slab_insert(&mut load.in_flight, &mut load.free_slots, record);
        load.in_flight_count += 1;
        load.in_flight_peak = load.in_flight_peak.max(load.in_flight_count);
        if load.in_flight_count > crate::load::IN_FLIGHT_MAX && self.stop_reason.is_none() {
            let reason = format!(
                "stopped with {} requests in flight at once: requests arrive faster than the server answers them, so the queue grows without end (lower the rate, or make the handler cheaper)",
                crate::load::IN_FLIGHT_MAX
            );
            self.stop_reason = Some(StopReason::Halted { reason });
        }
        if !matches!(load.groups[index].model, crate::load::Model::Closed { .. }) {
            load.connections_open += 1;
            load.connections_peak = load.connections_peak.max(load.connections_open);
        }
        load.first_arrival_us.get_or_insert(now_us);
        let path_name = load.groups[index].paths[path as usize].0.clone();
        if let Some(gap_us) = next_gap_us {
            self.schedule(now_us + gap_us, Event::Arrival { group, connection });
        }
        self.touch_timeline(now_us);
        if self.server.is_some() {
            // A blocking server: the request waits for a thread of its own.
            self.switch_to(thread);
            self.record_lazy(now_us, || TraceKind::RequestArrive { request: u64::from(slot), path: path_name });
            let held = self.server.as_ref().and_then(|server| server.connection_threads.get(&(group, connection)).copied());
            return match held {
                Some(thread) => self.server_assign(thread, slot),
                None => self.server_dispatch(slot),
            };
        }
        // The kernel has accepted the connection and the request is in the
        // socket: epoll reports it to the server's loop, whose poll phase
        // runs the handler.
        self.switch_to(thread);
        let id = self.fresh_id();
        self.record_lazy(now_us, || TraceKind::RequestArrive { request: u64::from(slot), path: path_name.clone() });
        self.record_lazy(now_us, || TraceKind::QueueAdd { queue: QueueKind::Poll, id, label: format!("request {path_name}") });
        self.event_loop.completions.push_back(Completion { id, then: Continuation::Request { slot } });
        self.wake_current(now_us);
    }

    fn is_server_thread(&self, thread: u32) -> bool {
        self.server.as_ref().is_some_and(|server| server.is_server.get(thread as usize).copied().unwrap_or(false))
    }

    /// Gives request `slot` a free server thread (making one while there
    /// are fewer than the configured number), or queues it.
    fn server_dispatch(&mut self, slot: u32) {
        let Some(server) = self.server.as_mut() else { return };
        let thread = match server.free.pop() {
            Some(thread) => Some(thread),
            None if (server.threads.len() as u32) < server.config.threads => {
                let thread = self.loops.len() as u32;
                let mut event_loop = EventLoop::new();
                // A server thread runs no main script: it serves requests.
                event_loop.stage = Stage::LoopStart;
                self.loops.push(Some(event_loop));
                let server = self.server.as_mut().expect("server");
                server.threads.push(thread);
                server.is_server.resize(thread as usize + 1, false);
                server.is_server[thread as usize] = true;
                server.fresh.push(thread);
                Some(thread)
            }
            None => None,
        };
        match thread {
            Some(thread) => self.server_assign(thread, slot),
            None => {
                let server = self.server.as_mut().expect("server");
                server.queue.push_back(slot);
                server.queue_max = server.queue_max.max(server.queue.len() as u64);
            }
        }
    }

    /// A server thread is free: it takes the next waiting request, if any.
    fn server_release(&mut self, thread: u32) {
        let Some(server) = self.server.as_mut() else { return };
        match server.queue.pop_front() {
            Some(next) => self.server_assign(thread, next),
            None => server.free.push(thread),
        }
    }

    /// Server thread `thread` takes request `slot`: the request's handler
    /// joins that thread's loop.
    fn server_assign(&mut self, thread: u32, slot: u32) {
        let now_us = self.now_us;
        let Some(server) = self.server.as_mut() else { return };
        server.busy += 1;
        server.busy_peak = server.busy_peak.max(server.busy);
        let fresh = match server.fresh.iter().position(|&candidate| candidate == thread) {
            Some(position) => {
                server.fresh.swap_remove(position);
                true
            }
            None => false,
        };
        let mut keep_alive = None;
        if let Some(load) = self.load.as_mut() {
            if let Some(Some(record)) = load.in_flight.get_mut(slot as usize) {
                record.thread = thread;
                if matches!(load.groups[record.group as usize].model, crate::load::Model::Closed { .. }) {
                    keep_alive = Some((record.group, record.connection));
                }
            }
        }
        if let (Some(key), Some(server)) = (keep_alive, self.server.as_mut()) {
            server.connection_threads.insert(key, thread);
        }
        self.switch_to(thread);
        let id = self.fresh_id();
        self.record_lazy(now_us, || TraceKind::QueueAdd { queue: QueueKind::Poll, id, label: format!("request #{slot}") });
        self.event_loop.completions.push_back(Completion { id, then: Continuation::Request { slot } });
        // The request keeps the thread's loop alive until its handler runs.
        self.event_loop.active_requests += 1;
        if fresh {
            self.schedule(now_us, Event::ThreadFree { thread });
        } else {
            self.wake_current(now_us);
        }
    }

    /// A blocking call on a server thread (file I/O, a hash, a DNS lookup):
    /// the thread does it itself, holding its request, with no pool.
    fn direct_start(&mut self, job: Job) {
        let now_us = self.now_us;
        self.record_lazy(now_us, || TraceKind::KernelStart { id: job.id, label: format!("{} (blocking, on this thread)", job.label) });
        let (cpu, duration_us) = (job.cpu, job.duration_us);
        let index = slab_insert(&mut self.direct_jobs, &mut self.free_direct_jobs, job);
        if cpu {
            self.cpu_run(crate::cpu::CpuOwner::Direct(index), duration_us);
        } else {
            self.schedule(now_us + duration_us, Event::DirectDone { index });
        }
    }

    fn direct_done(&mut self, index: u32) {
        let Some(job) = self.direct_jobs.get_mut(index as usize).and_then(Option::take) else { return };
        self.free_direct_jobs.push(index);
        let now_us = self.now_us;
        self.switch_to(job.owner);
        self.record(now_us, TraceKind::KernelDone { id: job.id });
        self.record_lazy(now_us, || TraceKind::QueueAdd { queue: QueueKind::Poll, id: job.id, label: job.label.clone() });
        self.event_loop.completions.push_back(Completion { id: job.id, then: job.then });
        self.wake_current(now_us);
    }

    /// The server answered request `slot` at `at_us`.
    fn respond(&mut self, slot: u32, status: u16, at_us: u64) {
        let Some(load) = self.load.as_mut() else { return };
        let Some(record) = load.in_flight.get_mut(slot as usize).and_then(Option::take) else { return };
        load.releasing.push(Reverse((at_us, slot)));
        load.in_flight_count -= 1;
        // The client measures from sending to receiving: the request's and
        // the response's trips across loopback are part of its latency.
        let latency_us = (at_us - record.arrival_us + 2 * cost::LOOPBACK_ONE_WAY_US).min(u64::from(u32::MAX)) as u32;
        let path_index = load.path_base[record.group as usize] + record.path as usize;
        load.latencies_us[path_index].push(latency_us);
        let gauges = Gauges { in_flight: load.in_flight_count as u32, ..self.gauges_of_pool() };
        let bucket = self.metrics.timeline.at(at_us, gauges);
        bucket.answered += 1;
        bucket.latency_sum_us += u64::from(latency_us);
        bucket.latency_max_us = bucket.latency_max_us.max(latency_us);
        let Some(load) = self.load.as_mut() else { return };
        load.last_done_us = load.last_done_us.max(at_us);
        self.trace.record(at_us, record.thread, TraceKind::RequestDone { request: u64::from(slot), status });
        let group = &load.groups[record.group as usize];
        if !matches!(group.model, crate::load::Model::Closed { .. }) {
            load.connections_open = load.connections_open.saturating_sub(1);
        }
        if let crate::load::Model::Closed { think, .. } = &group.model {
            // The response crosses to the client, which thinks, and its next
            // request crosses back (arrivals are at the server).
            let think_us = think.sample_us(&mut self.rng);
            self.schedule(at_us + think_us + 2 * cost::LOOPBACK_ONE_WAY_US, Event::Arrival { group: record.group, connection: record.connection });
        } else if matches!(group.model, crate::load::Model::Burst { .. }) {
            load.active[record.group as usize] = load.active[record.group as usize].saturating_sub(1);
        }
        // A blocking server's thread is free for the next request, unless
        // a keep-alive connection holds it.
        let held = self.server.as_ref().is_some_and(|server| server.connection_threads.contains_key(&(record.group, record.connection)));
        if self.is_server_thread(record.thread) {
            if let Some(server) = self.server.as_mut() {
                server.busy -= 1;
            }
            if !held {
                let saved_now_us = self.now_us;
                self.now_us = at_us;
                self.server_release(record.thread);
                self.now_us = saved_now_us;
            }
        }
        self.check_load_finished();
    }

    /// The load is over when no group sends any more and every request has
    /// its answer.
    fn check_load_finished(&mut self) {
        if let Some(load) = self.load.as_mut() {
            if load.in_flight_count == 0 && load.active.iter().all(|&active| active == 0) && load.started_us.iter().all(Option::is_some) {
                load.finished = true;
            }
        }
    }

    fn read_file_job(&mut self, context: usize, step: ReadFileStep) -> Job {
        let disk = &self.fs.disk;
        let path = &self.read_files[context].path;
        let (label, duration_us) = match step {
            ReadFileStep::Open => (format!("open {path}"), disk.open_us),
            ReadFileStep::Stat => (format!("fstat {path}"), disk.stat_us),
            ReadFileStep::Read { bytes } => (format!("read {bytes} B of {path}"), disk.read_us(bytes)),
            ReadFileStep::Close => (format!("close {path}"), disk.close_us),
        };
        let owner = self.current_thread;
        Job { id: self.fresh_id(), label, duration_us, submitted_us: 0, started_us: 0, cpu: false, then: Continuation::ReadFile { context, step }, owner }
    }
}

/// The guest's window on the engine while one callback runs. Every call
/// happens at the cursor's virtual time and may advance it.
pub struct Host<'a> {
    core: &'a mut Core,
    cursor_us: u64,
}

impl Host<'_> {
    /// Virtual time at this point of the running callback.
    pub fn now_us(&self) -> u64 {
        self.cursor_us
    }

    /// Spends CPU time on the main thread (synchronous JavaScript).
    /// The main thread (or this worker's thread) computes for `cost_us`
    /// at the measured machine's speed.
    pub fn spend_cpu_us(&mut self, cost_us: u64) {
        let cost_us = self.core.scale_cpu_us(cost_us);
        self.cursor_us = self.cursor_us.saturating_add(cost_us);
    }

    pub fn push_frame(&mut self, name: &str) {
        self.spend_cpu_us(cost::FUNCTION_CALL_US);
        self.core.record_lazy(self.cursor_us, || TraceKind::FramePush { name: name.to_string() });
    }

    pub fn pop_frame(&mut self) {
        self.core.record(self.cursor_us, TraceKind::FramePop);
    }

    /// `console.log`: the line is printed when the call returns.
    pub fn console_log(&mut self, text: &str) {
        self.spend_cpu_us(cost::CONSOLE_LOG_US);
        self.core.console.push(text.to_string());
        self.core.record(self.cursor_us, TraceKind::Console { text: text.to_string() });
    }

    /// `console.error`: a line on stderr.
    pub fn console_error(&mut self, text: &str) {
        self.spend_cpu_us(cost::CONSOLE_LOG_US);
        self.core.stderr.push(text.to_string());
        self.core.record(self.cursor_us, TraceKind::Stderr { text: text.to_string() });
    }

    /// Whether virtual time has passed the run's limit.
    pub fn over_time_limit(&self) -> bool {
        self.cursor_us > self.core.settings.time_max_us
    }

    /// A number in `[0, 1)` from the run's seeded generator (`Math.random`).
    pub fn random_unit(&mut self) -> f64 {
        (self.core.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Records an error in the program (an uncaught exception).
    pub fn report_error(&mut self, error: ScriptError) {
        self.core.errors.push(error);
    }

    /// `process.exit(code)`: the process ends when this callback returns.
    pub fn exit(&mut self, code: i32) {
        self.core.exit_requested = Some(code);
    }

    /// Ends the run now with a reason (a limit the guest enforces).
    pub fn halt(&mut self, reason: &str) {
        if self.core.stop_reason.is_none() {
            self.core.stop_reason = Some(StopReason::Halted { reason: reason.to_string() });
        }
    }

    /// Size of a virtual file, if it exists.
    pub fn file_size(&self, path: &str) -> Option<u64> {
        self.core.fs.size_of(path)
    }

    /// Creates or replaces a virtual file (`fs.writeFile*`).
    pub fn write_file(&mut self, path: &str, size_bytes: u64) {
        self.core.fs.files.insert(path.to_string(), size_bytes);
    }

    /// The disk model, for the cost of synchronous fs calls.
    pub fn disk(&self) -> &crate::fs::DiskModel {
        &self.core.fs.disk
    }

    /// Hands work to the thread pool (`crypto.pbkdf2`, `zlib`,
    /// `dns.lookup`, `fs.stat`…): it occupies a pool thread for
    /// `duration_us`, then `callback` runs in the poll phase with `args`.
    pub fn pool_work(&mut self, label: &str, duration_us: u64, callback: Callback, args: Vec<HostValue>) {
        self.pool_job(label, duration_us, callback, args, false);
    }

    /// Like [`Host::pool_work`], for work that computes (`crypto.pbkdf2`,
    /// zlib): the pool thread needs a CPU core for `duration_us`.
    pub fn pool_cpu_work(&mut self, label: &str, duration_us: u64, callback: Callback, args: Vec<HostValue>) {
        self.pool_job(label, duration_us, callback, args, true);
    }

    fn pool_job(&mut self, label: &str, duration_us: u64, callback: Callback, args: Vec<HostValue>, cpu: bool) {
        self.spend_cpu_us(cost::API_CALL_US);
        let duration_us = if cpu { self.core.scale_cpu_us(duration_us) } else { duration_us };
        let index = self.core.store_callback(callback, args);
        self.core.event_loop.active_requests += 1;
        let job = Job {
            id: self.core.fresh_id(),
            label: label.to_string(),
            duration_us,
            submitted_us: 0,
            started_us: 0,
            cpu,
            then: Continuation::Callback { callback: index },
            owner: self.core.current_thread,
        };
        self.core.schedule(self.cursor_us, Event::PoolSubmit(Box::new(job)));
    }

    /// Work the kernel does without any thread (sockets watched by epoll,
    /// c-ares DNS queries): ready after `latency_us`, then `callback` runs
    /// in the poll phase with `args`.
    pub fn kernel_io(&mut self, label: &str, latency_us: u64, callback: Callback, args: Vec<HostValue>) {
        self.spend_cpu_us(cost::API_CALL_US);
        let index = self.core.store_callback(callback, args);
        self.core.event_loop.active_requests += 1;
        let id = self.core.fresh_id();
        self.core.record_lazy(self.cursor_us, || TraceKind::KernelStart { id, label: label.to_string() });
        let thread = self.core.current_thread;
        self.core.schedule(self.cursor_us + latency_us, Event::KernelReady { thread, id, callback: index });
    }

    /// A server listens on `port`: the scenario's load, if it targets the
    /// port, starts now; each request calls `handler` (id, method, path) in
    /// the poll phase.
    pub fn listen(&mut self, port: u16, handler: Callback) {
        let saved_now_us = self.core.now_us;
        self.core.now_us = self.cursor_us;
        self.core.listen(port, handler);
        self.core.now_us = saved_now_us;
    }

    /// The server on `port` stops taking requests.
    pub fn unlisten(&mut self, port: u16) {
        self.core.unlisten(port);
    }

    /// The handler answered request `id` (its response is on its way).
    pub fn respond(&mut self, id: u64, status: u16) {
        self.spend_cpu_us(cost::HTTP_RESPONSE_US);
        let at_us = self.cursor_us;
        self.core.respond(id as u32, status, at_us);
    }

    /// A draw of the scenario's `@looplab cost NAME …`, if it sets one.
    pub fn sample_cost_us(&mut self, name: &str) -> Option<u64> {
        let dist = self.core.workload.cost(name)?.clone();
        Some(dist.sample_us(&mut self.core.rng))
    }

    /// The JS thread running this callback (0 is the main thread).
    /// Whether this thread is a thread-per-request server's (not a
    /// `worker_threads` Worker).
    pub fn is_server_thread(&self) -> bool {
        self.core.is_server_thread(self.core.current_thread)
    }

    pub fn thread(&self) -> u32 {
        self.core.current_thread
    }

    /// The main thread's time idle in the poll phase so far, and now (µs),
    /// for `performance.eventLoopUtilization()`.
    pub fn main_idle_us(&self) -> (u64, u64) {
        (self.core.metrics.main_idle_us, self.cursor_us)
    }

    /// The isolate (the program's heap and functions) this callback runs
    /// in: the thread's own, except that a thread-per-request server's
    /// threads all run the main program's handlers (isolate 0).
    pub fn isolate(&self) -> u32 {
        if self.core.is_server_thread(self.core.current_thread) {
            0
        } else {
            self.core.current_thread
        }
    }

    /// Starts a new JS thread with its own event loop (`new Worker`); its
    /// main script runs (through `Guest::run_main`) after `startup_us`.
    pub fn spawn_thread(&mut self, startup_us: u64) -> u32 {
        self.spend_cpu_us(cost::API_CALL_US);
        let thread = self.core.loops.len() as u32;
        self.core.loops.push(Some(EventLoop::new()));
        self.core.schedule(self.cursor_us + startup_us, Event::ThreadFree { thread });
        thread
    }

    /// Posts a message to another JS thread: it reaches that thread's poll
    /// phase after `MESSAGE_LATENCY_US`, and `Guest::deliver_message` gets it.
    pub fn post_message(&mut self, thread: u32, port: u64, payload: String) {
        self.spend_cpu_us(cost::API_CALL_US);
        self.core.schedule(self.cursor_us + MESSAGE_LATENCY_US, Event::Message { thread, port, payload });
    }

    /// `uv_close(handle, callback)`: the callback runs in the close phase.
    pub fn close_handle(&mut self, callback: Callback) {
        self.spend_cpu_us(cost::API_CALL_US);
        self.enqueue(QueueKind::Close, callback);
    }

    /// A handle (a listening server, an open socket) starts or stops keeping
    /// the loop alive (`uv__loop_alive` counts active handles).
    pub fn ref_handle(&mut self, active: bool) {
        let handles = &mut self.core.event_loop.active_handles;
        *handles = if active { *handles + 1 } else { handles.saturating_sub(1) };
    }

    /// `clearTimeout` / `clearInterval`.
    pub fn clear_timer(&mut self, id: u64) {
        let key = self.core.event_loop.timers.iter().find(|(_, item)| item.id == id).map(|(key, _)| *key);
        if let Some(key) = key {
            self.core.event_loop.timers.remove(&key);
            self.core.record(self.cursor_us, TraceKind::QueueTake { queue: QueueKind::Timers, id });
        }
    }

    /// `clearImmediate`.
    pub fn clear_immediate(&mut self, id: u64) {
        let before = self.core.event_loop.immediates.len();
        self.core.event_loop.immediates.retain(|item| item.id != id);
        if self.core.event_loop.immediates.len() != before {
            self.core.record(self.cursor_us, TraceKind::QueueTake { queue: QueueKind::Immediate, id });
        }
    }

    /// `fs.readFile(path, callback)`: open, fstat, reads of 512 KiB, close,
    /// each a separate thread-pool request; the callback runs in the poll
    /// phase after the close completes.
    pub fn read_file(&mut self, path: &str, callback: Callback) {
        self.spend_cpu_us(cost::API_CALL_US);
        let size_bytes = self.core.fs.size_of(path);
        self.core.read_files.push(ReadFileContext { path: path.to_string(), size_bytes, bytes_read: 0, callback });
        let context = self.core.read_files.len() - 1;
        self.core.event_loop.active_requests += 1;
        let job = self.core.read_file_job(context, ReadFileStep::Open);
        self.core.schedule(self.cursor_us, Event::PoolSubmit(Box::new(job)));
    }

    /// `setTimeout(callback, delay)`. The delay is coerced as Node does
    /// (lib/internal/timers.js `Timeout`): below 1 or above 2^31-1 becomes 1,
    /// then it is truncated to whole milliseconds. The timer starts at the
    /// call, from a refreshed loop time (`getLibuvNow`).
    pub fn set_timeout(&mut self, callback: Callback, delay_ms: f64) -> u64 {
        self.arm_timer(callback, delay_ms, false)
    }

    /// `setInterval(callback, delay)`: re-armed each time it fires, from the
    /// time it fired (no catch-up for missed periods).
    pub fn set_interval(&mut self, callback: Callback, delay_ms: f64) -> u64 {
        self.arm_timer(callback, delay_ms, true)
    }

    fn arm_timer(&mut self, callback: Callback, delay_ms: f64, repeat: bool) -> u64 {
        self.spend_cpu_us(cost::API_CALL_US);
        let delay_ms = if (1.0..=2_147_483_647.0).contains(&delay_ms) { delay_ms as u64 } else { 1 };
        let start_ms = self.cursor_us / 1000;
        let id = self.core.fresh_id();
        let due_ms = start_ms + delay_ms;
        let repeat_ms = repeat.then_some(delay_ms);
        let label = (!self.core.trace.off).then(|| format!("{} (due {due_ms} ms)", callback.name));
        self.core.event_loop.timers.insert((due_ms, id), Queued { id, callback, repeat_ms });
        if let Some(label) = label {
            self.core.record(self.cursor_us, TraceKind::QueueAdd { queue: QueueKind::Timers, id, label });
        }
        id
    }

    /// `timer.ref()` / `timer.unref()`, and an Immediate's.
    pub fn set_timer_ref(&mut self, id: u64, is_ref: bool) {
        if is_ref {
            self.core.event_loop.unref_timers.remove(&id);
        } else {
            self.core.event_loop.unref_timers.insert(id);
        }
    }

    /// Whether the pool has started: its size is fixed from then on.
    pub fn pool_started(&self) -> bool {
        self.core.pool.is_some()
    }

    /// `process.env.UV_THREADPOOL_SIZE` as the program set it: libuv reads
    /// it once, when the pool is first used, so later changes do nothing.
    pub fn request_pool_size(&mut self, size: u32) {
        if self.core.pool.is_none() {
            self.core.settings.pool_size = size.clamp(1, POOL_SIZE_MAX);
        }
    }

    /// Round trip of one simulated database call.
    pub fn db_latency_us(&self) -> u64 {
        self.core.settings.db_latency_us
    }

    /// CPU cores of the simulated machine.
    pub fn cores(&self) -> u32 {
        self.core.settings.cores
    }

    /// `setImmediate(callback)`: runs in the next check phase.
    pub fn set_immediate(&mut self, callback: Callback) -> u64 {
        self.spend_cpu_us(cost::API_CALL_US);
        self.enqueue(QueueKind::Immediate, callback)
    }

    /// `process.nextTick(callback)`.
    pub fn next_tick(&mut self, callback: Callback) {
        self.spend_cpu_us(cost::API_CALL_US);
        self.enqueue(QueueKind::NextTick, callback);
    }

    /// `queueMicrotask(callback)`, and the reaction job of a settled promise.
    pub fn queue_microtask(&mut self, callback: Callback) {
        self.spend_cpu_us(cost::API_CALL_US);
        self.enqueue(QueueKind::Microtask, callback);
    }

    fn enqueue(&mut self, queue: QueueKind, callback: Callback) -> u64 {
        let id = self.core.fresh_id();
        let label = callback.name.clone();
        self.core.record_lazy(self.cursor_us, || TraceKind::QueueAdd { queue, id, label: label.to_string() });
        let item = Queued { id, callback, repeat_ms: None };
        let event_loop = &mut self.core.event_loop;
        match queue {
            QueueKind::NextTick => event_loop.next_ticks.push_back(item),
            QueueKind::Microtask => event_loop.microtasks.push_back(item),
            QueueKind::Immediate => event_loop.immediates.push_back(item),
            QueueKind::Close => event_loop.closing.push_back(item),
            _ => unreachable!("enqueue is only used for callback queues"),
        }
        id
    }
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

impl<G: Guest> Sim<G> {
    pub fn new(guest: G, settings: Settings, fs: VirtualFs) -> Sim<G> {
        let mut core = Core {
            settings,
            fs,
            now_us: 0,
            seq: 0,
            next_id: 0,
            events: BinaryHeap::new(),
            events_processed: 0,
            trace: TraceBuffer::default(),
            console: Vec::new(),
            event_loop: EventLoop::new(),
            loops: vec![None],
            current_thread: 0,
            messages: Vec::new(),
            pool: None,
            read_files: Vec::new(),
            pool_callbacks: Vec::new(),
            free_callbacks: Vec::new(),
            cpu_carry: 0,
            stop_reason: None,
            stderr: Vec::new(),
            errors: Vec::new(),
            rng: crate::rng::Rng::new(0),
            exit_requested: None,
            races: Vec::new(),
            races_total: 0,
            last_pool_done: None,
            raced_timers: std::collections::BTreeSet::new(),
            workload: crate::load::Workload::default(),
            load: None,
            cpu: crate::cpu::Cpu::new(1),
            server: None,
            direct_jobs: Vec::new(),
            free_direct_jobs: Vec::new(),
            listeners: Vec::new(),
            metrics: MetricsState::default(),
            recent: RecentCallbacks::default(),
        };
        core.rng = crate::rng::Rng::new(core.settings.seed);
        core.cpu = crate::cpu::Cpu::new(core.settings.cores);
        core.schedule(0, Event::ThreadFree { thread: 0 });
        Sim { guest, core }
    }

    pub fn now_us(&self) -> u64 {
        self.core.now_us
    }

    pub fn console(&self) -> &[String] {
        &self.core.console
    }

    /// Runs without a trace, for benchmarks that only want the metrics:
    /// the run is the same, only nothing is recorded.
    pub fn disable_trace(&mut self) {
        self.core.trace.off = true;
    }

    /// Sets the scenario's load and costs (before the run starts).
    pub fn set_workload(&mut self, workload: crate::load::Workload) {
        if !workload.groups.is_empty() {
            let groups = workload.groups.clone();
            let mut path_names = Vec::new();
            let mut path_base = Vec::new();
            for group in &groups {
                path_base.push(path_names.len());
                path_names.extend(group.paths.iter().map(|(path, _)| path.clone()));
            }
            // A load run's events grow with its requests; the event limit
            // guards against runaway code, not against the load asked for.
            let planned: u64 = groups
                .iter()
                .map(|group| match &group.model {
                    crate::load::Model::Burst { count, .. } => *count,
                    _ => group.amount.unwrap_or(crate::load::REQUESTS_MAX),
                })
                .fold(0u64, u64::saturating_add)
                .min(crate::load::REQUESTS_MAX);
            self.core.settings.events_max = self.core.settings.events_max.max(planned.saturating_mul(200));
            // Likewise virtual time: room for the load's own length (an open
            // group's amount at its rate, or its duration) twice over.
            let planned_us = groups
                .iter()
                .map(|group| match &group.model {
                    crate::load::Model::Open { gap } => {
                        let by_amount = group.amount.map(|amount| (amount as f64 * gap.mean_us()) as u64);
                        by_amount.into_iter().chain(group.duration_us).min().unwrap_or(0)
                    }
                    crate::load::Model::Closed { .. } => group.duration_us.unwrap_or(0),
                    crate::load::Model::Burst { at_us, .. } => *at_us,
                })
                .max()
                .unwrap_or(0);
            self.core.settings.time_max_us = self.core.settings.time_max_us.max(planned_us.saturating_mul(2).saturating_add(60_000_000));
            let groups_methods = groups.iter().map(|group| std::rc::Rc::from(group.method.as_str())).collect();
            self.core.load = Some(LoadRun {
                started_us: vec![None; groups.len()],
                sent: vec![0; groups.len()],
                active: vec![0; groups.len()],
                latencies_us: vec![Vec::new(); path_names.len()],
                groups,
                in_flight: Vec::new(),
                free_slots: Vec::new(),
                releasing: BinaryHeap::new(),
                in_flight_count: 0,
                in_flight_peak: 0,
                connections_open: 0,
                connections_peak: 0,
                path_names_shared: path_names.iter().map(|name| std::rc::Rc::from(name.as_str())).collect(),
                methods_shared: groups_methods,
                path_names,
                path_base,
                refused: 0,
                first_arrival_us: None,
                last_done_us: 0,
                finished: false,
            });
        }
        if let Some(config) = workload.thread_per_request {
            self.core.server = Some(ServerThreads {
                config,
                threads: Vec::new(),
                is_server: Vec::new(),
                free: Vec::new(),
                fresh: Vec::new(),
                queue: VecDeque::new(),
                connection_threads: BTreeMap::new(),
                busy: 0,
                busy_peak: 0,
                queue_max: 0,
            });
        }
        self.core.workload = workload;
    }

    /// How far the scenario's load has got, 0 to 1, when it can tell (an
    /// amount of requests, or a duration): for progress bars.
    pub fn load_progress(&self) -> Option<f64> {
        let load = self.core.load.as_ref()?;
        let mut shares = Vec::new();
        for (index, group) in load.groups.iter().enumerate() {
            let by_amount = group.amount.map(|amount| load.sent[index] as f64 / amount as f64);
            let by_time = match (group.duration_us, load.started_us[index]) {
                (Some(duration_us), Some(started_us)) => Some(self.core.now_us.saturating_sub(started_us) as f64 / duration_us as f64),
                (Some(_), None) => Some(0.0),
                _ => None,
            };
            let share = match (by_amount, by_time) {
                (Some(a), Some(b)) => a.max(b),
                (Some(a), None) => a,
                (None, Some(b)) => b,
                (None, None) => continue,
            };
            shares.push(share.min(1.0));
        }
        shares.into_iter().reduce(f64::min)
    }

    /// Load lines whose clients never started, each with its line: no
    /// server listened on their port before the run ended.
    pub fn load_problems(&self) -> Vec<ScriptError> {
        let Some(load) = &self.core.load else { return Vec::new() };
        let listened: Vec<String> = self.core.listeners.iter().map(|(port, ..)| port.to_string()).collect();
        load.groups
            .iter()
            .zip(&load.started_us)
            .filter(|(_, started)| started.is_none())
            .map(|(group, _)| {
                let message = match (group.port, listened.is_empty()) {
                    (_, true) => "@looplab load: no server listened, so these clients never sent a request (start one with http.createServer(…).listen(port))"
                        .to_string(),
                    (Some(port), false) => format!(
                        "@looplab load: nothing listened on port {port}, so these clients never sent a request (servers listened on: {})",
                        listened.join(", ")
                    ),
                    (None, false) => "@looplab load: these clients never started".to_string(),
                };
                ScriptError { line: group.line, column: 1, message }
            })
            .collect()
    }

    /// What the run measured, named as Node names it.
    pub fn metrics(&self) -> Metrics {
        let core = &self.core;
        let elapsed_us = core.now_us.max(1);
        let idle_us = core.metrics.main_idle_us + core.metrics.main_blocked_since_us.map_or(0, |since_us| core.now_us - since_us);
        let mut delays: Vec<u64> = core.metrics.delay_samples_us.iter().map(|&us| u64::from(us)).collect();
        delays.sort_unstable();
        let mut waits: Vec<u64> = core.metrics.pool_waits_us.iter().map(|&us| u64::from(us)).collect();
        let jobs = waits.len() as u64;
        let waited = waits.iter().filter(|&&wait| wait > 0).count() as u64;
        let pool_size = core.pool.as_ref().map_or(core.settings.pool_size, |pool| pool.threads.len() as u32);
        let mut metrics = Metrics {
            event_loop: EventLoopMetrics {
                delay_us: crate::load::Percentiles::of_with_repeats(&delays, DELAY_RESOLUTION_US, core.metrics.delay_idle_samples),
                delay_samples: core.metrics.delay_samples_us.len() as u64 + core.metrics.delay_idle_samples,
                utilization: (elapsed_us - idle_us.min(elapsed_us)) as f64 / elapsed_us as f64,
            },
            pool: PoolMetrics {
                size: pool_size,
                jobs,
                queue_max: core.metrics.pool_queue_max,
                utilization: core.metrics.pool_busy_us as f64 / (elapsed_us as f64 * f64::from(pool_size.max(1))),
                wait_us: crate::load::Percentiles::of(&mut waits),
                waited_share: if jobs == 0 { 0.0 } else { waited as f64 / jobs as f64 },
            },
            requests: None,
            server: None,
            timeline: Timeline { bucket_us: core.metrics.timeline.bucket_us, buckets: core.metrics.timeline.buckets.clone() },
            memory_peak_bytes: NODE_BASELINE_BYTES,
            cpu: CpuMetrics { cores: core.cpu.cores(), utilization: core.cpu.busy_core_us(core.now_us) / (elapsed_us as f64 * f64::from(core.cpu.cores())) },
        };
        if let Some(server) = &core.server {
            // Each thread made reserves its stack.
            let threads = server.threads.len() as u64;
            metrics.server = Some(ServerMetrics {
                threads_max: server.config.threads,
                threads_made: server.threads.len() as u32,
                busy_peak: server.busy_peak,
                queue_max: server.queue_max,
                stack_bytes: server.config.stack_bytes,
            });
            metrics.memory_peak_bytes = NODE_BASELINE_BYTES + threads * server.config.stack_bytes;
        }
        if let Some(load) = &core.load {
            let mut all: Vec<u64> = load.latencies_us.iter().flatten().map(|&us| u64::from(us)).collect();
            let completed = all.len() as u64;
            let span_us = load.last_done_us.saturating_sub(load.first_arrival_us.unwrap_or(0)).max(1);
            let by_path = load
                .path_names
                .iter()
                .zip(&load.latencies_us)
                .map(|(path, latencies)| {
                    let mut values: Vec<u64> = latencies.iter().map(|&us| u64::from(us)).collect();
                    PathMetrics { path: path.clone(), completed: values.len() as u64, latency_us: crate::load::Percentiles::of(&mut values) }
                })
                .collect();
            metrics.requests = Some(RequestMetrics {
                count: load.sent.iter().sum(),
                completed,
                refused: load.refused,
                in_flight_peak: load.in_flight_peak,
                connections_peak: load.connections_peak,
                latency_us: crate::load::Percentiles::of(&mut all),
                throughput_rps: completed as f64 * 1_000_000.0 / span_us as f64,
                by_path,
            });
            if core.server.is_none() {
                metrics.memory_peak_bytes = NODE_BASELINE_BYTES + load.connections_peak * NODE_PER_CONNECTION_BYTES;
            }
        }
        metrics
    }

    pub fn events_processed(&self) -> u64 {
        self.core.events_processed
    }

    pub fn stderr(&self) -> &[String] {
        &self.core.stderr
    }

    /// The first [`RACES_KEPT`] race points.
    pub fn races(&self) -> &[Race] {
        &self.core.races
    }

    /// How many race points the run met, listed or not.
    pub fn races_total(&self) -> u64 {
        self.core.races_total
    }

    pub fn errors(&self) -> &[ScriptError] {
        &self.core.errors
    }

    /// The guest that runs the scenario's code.
    pub fn guest(&self) -> &G {
        &self.guest
    }

    pub fn stop_reason(&self) -> Option<&StopReason> {
        self.core.stop_reason.as_ref()
    }

    /// The finished part of the trace, handed over and forgotten, so a long
    /// run can be streamed in chunks.
    pub fn drain_trace(&mut self) -> Vec<TraceEvent> {
        std::mem::take(&mut self.core.trace.flushed)
    }

    /// Processes one event. Returns `false` once the run has stopped.
    pub fn step(&mut self) -> bool {
        if self.core.stop_reason.is_some() {
            return false;
        }
        if let Some(load) = self.core.load.as_ref().filter(|load| load.finished) {
            let requests = load.sent.iter().sum();
            return self.stop(StopReason::LoadFinished { requests });
        }
        if self.core.events_processed >= self.core.settings.events_max {
            let events_max = self.core.settings.events_max;
            let why = self.core.recent.diagnose();
            return self.stop(StopReason::EventLimit { events_max, why });
        }
        let Some(Reverse(scheduled)) = self.core.events.pop() else {
            return self.stop(StopReason::WaitingForever);
        };
        if scheduled.at_us > self.core.settings.time_max_us {
            let time_max_us = self.core.settings.time_max_us;
            let why = self.core.recent.diagnose();
            return self.stop(StopReason::TimeLimit { time_max_us, why });
        }
        // An engine invariant, not a property of the program: if a bug ever
        // breaks it, the run ends with the reason instead of taking the
        // worker down (tests and fuzzing, in debug builds, still panic).
        debug_assert!(scheduled.at_us >= self.core.now_us, "virtual time never goes back");
        if scheduled.at_us < self.core.now_us {
            return self.stop(StopReason::Halted {
                reason: format!(
                    "internal error: an event at {} µs came after {} µs (virtual time went back). This is a bug in Looplab; the link to this scenario reproduces it.",
                    scheduled.at_us, self.core.now_us
                ),
            });
        }
        self.core.now_us = scheduled.at_us;
        self.core.events_processed += 1;
        self.core.trace.flush_until(scheduled.at_us);
        match scheduled.event {
            Event::ThreadFree { thread } => {
                self.core.switch_to(thread);
                self.core.main_wakes();
                self.resume_main_thread();
            }
            Event::PoolSubmit(job) => {
                self.core.switch_to(job.owner);
                self.core.pool_submit(*job);
            }
            Event::PoolDone { thread } => self.core.pool_done(thread),
            Event::KernelReady { thread, id, callback } => {
                self.core.switch_to(thread);
                self.core.kernel_ready(id, callback);
            }
            Event::Message { thread, port, payload } => {
                self.core.switch_to(thread);
                self.core.message_arrived(port, payload);
            }
            Event::Arrival { group, connection } => self.core.arrival(group, connection),
            Event::DirectDone { index } => self.core.direct_done(index),
            Event::CpuDone { owner, token } => {
                let now_us = self.core.now_us;
                if let Some(completions) = self.core.cpu.finish(now_us, owner, token) {
                    for completion in completions {
                        self.core.schedule(completion.at_us, Event::CpuDone { owner: completion.owner, token: completion.token });
                    }
                    match owner {
                        crate::cpu::CpuOwner::Js(thread) => {
                            self.core.switch_to(thread);
                            self.core.main_wakes();
                            self.resume_main_thread();
                        }
                        crate::cpu::CpuOwner::Pool(thread) => self.core.pool_done(thread),
                        crate::cpu::CpuOwner::Direct(index) => self.core.direct_done(index),
                    }
                }
            }
            Event::PollTimeout { thread, generation } => {
                self.core.switch_to(thread);
                if self.core.event_loop.waiting == Some(generation) {
                    self.core.main_wakes();
                    self.core.event_loop.waiting = None;
                    self.core.record(self.core.now_us, TraceKind::PollWake);
                    self.core.update_loop_time();
                    self.core.event_loop.stage = Stage::Check { budget: usize::MAX };
                    self.resume_main_thread();
                }
            }
        }
        true
    }

    /// Runs until the process exits or a limit stops it.
    pub fn run(&mut self) -> StopReason {
        while self.step() {}
        self.core.stop_reason.clone().unwrap_or(StopReason::WaitingForever)
    }

    fn stop(&mut self, reason: StopReason) -> bool {
        self.core.trace.flush_until(u64::MAX);
        self.core.stop_reason = Some(reason);
        false
    }

    /// The main thread is free: run the next callback the event loop has
    /// for it, or block in the poll phase, or exit.
    fn resume_main_thread(&mut self) {
        loop {
            let event_loop = &mut self.core.event_loop;
            if event_loop.stage == Stage::Exited {
                return;
            }
            if let Stage::AfterExitEvent { code } = event_loop.stage {
                // An 'exit' listener may set process.exitCode.
                let code = self.guest.exit_code(self.core.current_thread).unwrap_or(code);
                return self.exit(code);
            }
            // After the main script and after every callback, Node drains the
            // nextTick queue, then the microtask queue, and repeats until both
            // are empty (Node guide "The Node.js Event Loop", since Node 11).
            if event_loop.stage != Stage::Script {
                if event_loop.draining_microtasks {
                    if let Some(item) = event_loop.microtasks.pop_front() {
                        return self.run_queued(QueueKind::Microtask, Source::Microtask, item);
                    }
                    event_loop.draining_microtasks = false;
                }
                if let Some(item) = event_loop.next_ticks.pop_front() {
                    return self.run_queued(QueueKind::NextTick, Source::NextTick, item);
                }
                if let Some(item) = event_loop.microtasks.pop_front() {
                    event_loop.draining_microtasks = true;
                    return self.run_queued(QueueKind::Microtask, Source::Microtask, item);
                }
            }
            match event_loop.stage {
                Stage::Exited | Stage::AfterExitEvent { .. } => return,
                Stage::AfterBeforeExit => {
                    // Node's SpinEventLoop: after 'beforeExit', run the loop
                    // again if anything is alive (uv_run starts with timers).
                    if event_loop.is_alive() {
                        event_loop.stage = Stage::LoopStart;
                    } else {
                        let code = self.guest.exit_code(self.core.current_thread).unwrap_or(0);
                        return self.emit_exit(code);
                    }
                }
                Stage::Script => {
                    event_loop.stage = Stage::LoopStart;
                    return self.run_callback(Source::MainScript, "(main module)", Runnable::Main);
                }
                Stage::LoopStart => {
                    if !event_loop.is_alive() {
                        return self.loop_drained();
                    }
                    self.core.update_loop_time();
                    self.core.enter_phase(Phase::Timers);
                    self.core.delay_monitor_at_timers();
                    self.core.event_loop.stage = Stage::Timers { end_of_iteration: false };
                }
                Stage::Timers { end_of_iteration } => {
                    self.judge_timer_race();
                    let event_loop = &mut self.core.event_loop;
                    let loop_time_ms = event_loop.loop_time_ms;
                    let due = event_loop.timers.keys().next().copied().filter(|&(due_ms, _)| due_ms <= loop_time_ms);
                    if let Some(key) = due {
                        if let Some(item) = event_loop.timers.remove(&key) {
                            if let Some(repeat_ms) = item.repeat_ms {
                                // Re-armed before the callback runs, so a
                                // clearInterval inside it removes the next run.
                                let due_ms = self.core.now_us / 1000 + repeat_ms;
                                let again = Queued { id: item.id, callback: item.callback.clone(), repeat_ms: Some(repeat_ms) };
                                let label = format!("{} (due {due_ms} ms)", item.callback.name);
                                self.core.record(self.core.now_us, TraceKind::QueueTake { queue: QueueKind::Timers, id: item.id });
                                self.core.record_lazy(self.core.now_us, || TraceKind::QueueAdd { queue: QueueKind::Timers, id: item.id, label });
                                self.core.event_loop.timers.insert((due_ms, item.id), again);
                                return self.run_callback(Source::Timer, &item.callback.name, Runnable::Guest(item.callback.func));
                            }
                            return self.run_queued(QueueKind::Timers, Source::Timer, item);
                        }
                    }
                    if end_of_iteration && !event_loop.is_alive() {
                        return self.loop_drained();
                    }
                    event_loop.stage = Stage::IterationStart;
                }
                Stage::IterationStart => {
                    event_loop.iteration += 1;
                    event_loop.stage = Stage::Pending;
                    self.core.enter_phase(Phase::Pending);
                }
                Stage::Pending => {
                    event_loop.stage = Stage::IdlePrepare;
                    self.core.enter_phase(Phase::IdlePrepare);
                }
                Stage::IdlePrepare => {
                    event_loop.stage = Stage::PollEnter;
                    self.core.enter_phase(Phase::Poll);
                }
                Stage::PollEnter => {
                    if !event_loop.completions.is_empty() {
                        // `uv__work_done` takes every completion present when
                        // the async handle fires; later ones wait a poll.
                        event_loop.poll_batch = std::mem::take(&mut event_loop.completions);
                        event_loop.stage = Stage::PollRunning;
                        continue;
                    }
                    match event_loop.poll_timeout_ms() {
                        Some(0) => event_loop.stage = Stage::Check { budget: usize::MAX },
                        timeout_ms => return self.block_in_poll(timeout_ms),
                    }
                }
                Stage::PollRunning => match event_loop.poll_batch.pop_front() {
                    Some(completion) => return self.run_completion(completion),
                    None => event_loop.stage = Stage::Check { budget: usize::MAX },
                },
                Stage::Check { budget } => {
                    // The check phase runs the immediates queued when it
                    // started; ones queued meanwhile wait for the next
                    // iteration (lib/internal/timers.js `processImmediate`).
                    let budget = if budget == usize::MAX {
                        self.core.enter_phase(Phase::Check);
                        self.core.event_loop.immediates.len()
                    } else {
                        budget
                    };
                    let event_loop = &mut self.core.event_loop;
                    if budget > 0 {
                        if let Some(item) = event_loop.immediates.pop_front() {
                            event_loop.stage = Stage::Check { budget: budget - 1 };
                            return self.run_queued(QueueKind::Immediate, Source::Immediate, item);
                        }
                    }
                    event_loop.stage = Stage::Close { budget: usize::MAX };
                }
                Stage::Close { budget } => {
                    // `uv__run_closing_handles` runs the handles closed before
                    // the phase began; ones closed by these callbacks wait
                    // for the next iteration.
                    let budget = if budget == usize::MAX {
                        self.core.enter_phase(Phase::Close);
                        self.core.event_loop.closing.len()
                    } else {
                        budget
                    };
                    let event_loop = &mut self.core.event_loop;
                    if budget > 0 {
                        if let Some(item) = event_loop.closing.pop_front() {
                            event_loop.stage = Stage::Close { budget: budget - 1 };
                            return self.run_queued(QueueKind::Close, Source::Close, item);
                        }
                    }
                    // libuv 1.45+ runs due timers at the end of each iteration,
                    // after a clock update (libuv PR #3927).
                    self.core.update_loop_time();
                    self.core.enter_phase(Phase::Timers);
                    self.core.delay_monitor_at_timers();
                    self.core.event_loop.stage = Stage::Timers { end_of_iteration: true };
                }
            }
        }
    }

    fn block_in_poll(&mut self, timeout_ms: Option<u64>) {
        let now_us = self.core.now_us;
        self.core.record(now_us, TraceKind::PollWait { timeout_ms });
        if self.core.current_thread == 0 {
            self.core.metrics.main_blocked_since_us = Some(now_us);
        }
        let event_loop = &mut self.core.event_loop;
        event_loop.wait_generation += 1;
        let generation = event_loop.wait_generation;
        event_loop.waiting = Some(generation);
        if let Some(timeout_ms) = timeout_ms {
            let thread = self.core.current_thread;
            self.core.schedule(now_us + timeout_ms * 1000, Event::PollTimeout { thread, generation });
        }
        // Woken by a completion, the poll phase looks again for completions.
        self.core.event_loop.stage = Stage::PollEnter;
    }

    /// `setTimeout(f, 0)` against `setImmediate`: when the earliest timer is
    /// within a millisecond of due as the timers phase looks at it, and
    /// immediates wait, whether it fires first depends on how fast the
    /// machine got here (Node guide "setImmediate() vs setTimeout()": "the
    /// order … is non-deterministic"). The seed picks: the loop clock is
    /// read as just before or just after the due time.
    fn judge_timer_race(&mut self) {
        let core = &mut self.core;
        let event_loop = &core.event_loop;
        if event_loop.immediates.is_empty() {
            return;
        }
        let Some((&(due_ms, id), _)) = event_loop.timers.iter().next() else {
            return;
        };
        let loop_time_ms = event_loop.loop_time_ms;
        let borderline = due_ms == loop_time_ms || due_ms == loop_time_ms + 1;
        if !borderline || !core.raced_timers.insert(id) {
            return;
        }
        let fires_now = core.rng.below(2) == 0;
        core.event_loop.loop_time_ms = if fires_now { due_ms } else { due_ms - 1 };
        let description = format!(
            "a timer due at {due_ms} ms and a setImmediate: the timer is within 1 ms of due when the loop checks, \
             so real Node may run either first (this run: the {} first)",
            if fires_now { "timer" } else { "immediate" }
        );
        let race = Race { t_us: core.now_us, description };
        core.note_race(race);
    }

    /// The loop has nothing left: emit 'beforeExit' (Node's
    /// `EmitProcessBeforeExit`), which may schedule more work.
    fn loop_drained(&mut self) {
        // A server thread with nothing to do waits for its next request.
        if self.core.is_server_thread(self.core.current_thread) {
            return self.block_in_poll(None);
        }
        let code = self.guest.exit_code(self.core.current_thread).unwrap_or(0);
        if self.guest.has_process_listeners(self.core.current_thread, "beforeExit") {
            self.core.event_loop.stage = Stage::AfterBeforeExit;
            let runnable = Runnable::ProcessEvent { event: "beforeExit", code };
            return self.run_callback(Source::ProcessEvent, "process.emit('beforeExit')", runnable);
        }
        self.emit_exit(code)
    }

    /// Emits 'exit' (listeners run synchronously; no tick runs after them),
    /// then ends the process.
    fn emit_exit(&mut self, code: i32) {
        if self.guest.has_process_listeners(self.core.current_thread, "exit") {
            self.core.event_loop.stage = Stage::AfterExitEvent { code };
            let runnable = Runnable::ProcessEvent { event: "exit", code };
            return self.run_callback(Source::ProcessEvent, "process.emit('exit')", runnable);
        }
        self.exit(code)
    }

    fn exit(&mut self, code: i32) {
        if self.core.current_thread != 0 {
            // A worker thread's loop ended: the process goes on; the guest
            // tells the parent ('exit' on the Worker).
            self.core.record(self.core.now_us, TraceKind::Exit { code });
            self.core.event_loop.stage = Stage::Exited;
            let cursor_us = self.core.now_us;
            let mut host = Host { core: &mut self.core, cursor_us };
            self.guest.thread_exited(code, &mut host);
            return;
        }
        self.core.record(self.core.now_us, TraceKind::Exit { code });
        self.core.event_loop.stage = Stage::Exited;
        self.stop(StopReason::Exited { code });
    }

    fn run_queued(&mut self, queue: QueueKind, source: Source, item: Queued) {
        self.core.record(self.core.now_us, TraceKind::QueueTake { queue, id: item.id });
        self.run_callback(source, &item.callback.name, Runnable::Guest(item.callback.func));
    }

    fn run_completion(&mut self, completion: Completion) {
        self.core.record(self.core.now_us, TraceKind::QueueTake { queue: QueueKind::Poll, id: completion.id });
        let label = match completion.then {
            Continuation::ReadFile { step, .. } => match step {
                ReadFileStep::Open => "readFileAfterOpen",
                ReadFileStep::Stat => "readFileAfterStat",
                ReadFileStep::Read { .. } => "readFileAfterRead",
                ReadFileStep::Close => "readFileAfterClose",
            },
            // Node's C++ completion (`AfterNoArgs`-style) calls `oncomplete`.
            Continuation::Callback { .. } => "oncomplete",
            Continuation::Message { .. } => "MessagePort.onmessage",
            // The socket is readable; Node's HTTP parser emits 'request'.
            Continuation::Request { .. } => "parserOnIncoming",
        };
        self.run_callback(Source::PoolCompletion, label, Runnable::Continuation(completion.then));
    }

    /// Runs one callback to completion on the main thread and schedules the
    /// moment the thread is free again.
    fn run_callback(&mut self, source: Source, label: &str, runnable: Runnable) {
        let start_us = self.core.now_us;
        if self.core.current_thread == 0 {
            self.core.recent.callback(source);
        }
        if !self.core.trace.off {
            let line = match &runnable {
                Runnable::Main => 1,
                Runnable::Guest(func) => self.guest.source_line(*func),
                Runnable::Continuation(Continuation::Callback { callback }) => {
                    self.core.pool_callbacks.get(*callback).map_or(0, |(callback, _)| self.guest.source_line(callback.func))
                }
                // A load client's request: the server's handler.
                Runnable::Continuation(Continuation::Request { slot }) => self
                    .core
                    .load
                    .as_ref()
                    .and_then(|load| load.in_flight.get(*slot as usize).copied().flatten())
                    .and_then(|record| self.core.listeners.get(record.listener as usize))
                    .map_or(0, |(_, _, callback)| self.guest.source_line(callback.func)),
                // The last step of fs.readFile calls the user's callback.
                Runnable::Continuation(Continuation::ReadFile { context, step: ReadFileStep::Close }) => {
                    self.core.read_files.get(*context).map_or(0, |file| self.guest.source_line(file.callback.func))
                }
                _ => 0,
            };
            self.core.record(start_us, TraceKind::CallbackStart { source, label: label.to_string(), line });
        }
        let mut host = Host { core: &mut self.core, cursor_us: start_us + cost::CALLBACK_ENTRY_US };
        host.push_frame(&label);
        match runnable {
            Runnable::Main => self.guest.run_main(&mut host),
            Runnable::ProcessEvent { event, code } => self.guest.emit_process_event(event, code, &mut host),
            Runnable::Guest(func) => self.guest.call(func, &[], &mut host),
            Runnable::Continuation(Continuation::ReadFile { context, step }) => {
                Self::continue_read_file(&mut self.guest, &mut host, context, step);
            }
            Runnable::Continuation(Continuation::Message { message }) => {
                if let Some((port, payload)) = host.core.messages.get_mut(message).and_then(Option::take) {
                    self.guest.deliver_message(port, &payload, &mut host);
                }
            }
            Runnable::Continuation(Continuation::Request { slot }) => {
                if host.core.is_server_thread(host.core.current_thread) {
                    host.core.event_loop.active_requests -= 1;
                }
                let record = host.core.load.as_ref().and_then(|load| load.in_flight.get(slot as usize).copied().flatten());
                if let Some(record) = record {
                    let listener = host.core.listeners.get(record.listener as usize).map(|(_, _, callback)| callback.clone());
                    let load = host.core.load.as_ref().expect("load");
                    let path_index = load.path_base[record.group as usize] + record.path as usize;
                    let args = [
                        HostValue::Number(f64::from(slot)),
                        HostValue::Shared(load.methods_shared[record.group as usize].clone()),
                        HostValue::Shared(load.path_names_shared[path_index].clone()),
                    ];
                    if let Some(listener) = listener {
                        host.spend_cpu_us(cost::HTTP_REQUEST_US);
                        host.push_frame(&listener.name);
                        self.guest.call(listener.func, &args, &mut host);
                        host.pop_frame();
                    }
                }
            }
            Runnable::Continuation(Continuation::Callback { callback: index }) => {
                host.core.event_loop.active_requests -= 1;
                let (callback, args) =
                    std::mem::replace(&mut host.core.pool_callbacks[index], (Callback { func: FnRef(u32::MAX), name: std::rc::Rc::from("") }, Vec::new()));
                host.core.free_callbacks.push(index);

                host.push_frame(&callback.name);
                self.guest.call(callback.func, &args, &mut host);
                host.pop_frame();
            }
        }
        host.pop_frame();
        let end_us = host.cursor_us;
        self.core.record(end_us, TraceKind::CallbackEnd);
        if self.core.stop_reason.is_some() {
            // The guest halted the run inside this callback.
            self.core.now_us = self.core.now_us.max(end_us);
            self.core.trace.flush_until(u64::MAX);
            return;
        }
        if let Some(code) = self.core.exit_requested.take() {
            if self.core.current_thread == 0 {
                // The process ends where the callback did: nothing runs after.
                self.core.now_us = end_us;
                return self.exit(code);
            }
            // A worker thread ends where its callback did, but the engine's
            // clock is shared: other threads still have events before
            // `end_us`, so the clock moves there only for the exit itself.
            let engine_us = self.core.now_us;
            self.core.now_us = end_us;
            self.exit(code);
            self.core.now_us = engine_us;
            return;
        }
        // The callback's work needs a core: with more computing threads
        // than cores it takes longer than its CPU time (see `cpu`).
        let thread = self.core.current_thread;
        self.core.cpu_run(crate::cpu::CpuOwner::Js(thread), end_us - start_us);
    }

    /// Node's JS between two `fs.readFile` steps: issue the next request, or
    /// call the user's callback once the file is closed.
    fn continue_read_file(guest: &mut G, host: &mut Host<'_>, context: usize, step: ReadFileStep) {
        host.spend_cpu_us(cost::FS_INTERNAL_STEP_US);
        let file = &mut host.core.read_files[context];
        let next = match step {
            ReadFileStep::Open if file.size_bytes.is_none() => None,
            ReadFileStep::Open => Some(ReadFileStep::Stat),
            ReadFileStep::Stat | ReadFileStep::Read { .. } => {
                if let ReadFileStep::Read { bytes } = step {
                    file.bytes_read += bytes;
                }
                let size_bytes = file.size_bytes.unwrap_or(0);
                if step != ReadFileStep::Stat && file.bytes_read >= size_bytes {
                    Some(ReadFileStep::Close)
                } else {
                    let bytes = (size_bytes - file.bytes_read).min(READ_FILE_CHUNK_BYTES);
                    Some(ReadFileStep::Read { bytes })
                }
            }
            ReadFileStep::Close => None,
        };
        match next {
            Some(next) => {
                let job = host.core.read_file_job(context, next);
                host.core.schedule(host.cursor_us, Event::PoolSubmit(Box::new(job)));
            }
            None => {
                // The request is complete: the user's callback runs inside
                // this same poll-phase callback (`readFileAfterClose`, or
                // `readFileAfterOpen` with ENOENT).
                host.core.event_loop.active_requests -= 1;
                let file = &host.core.read_files[context];
                let callback = file.callback.clone();
                let args = match file.size_bytes {
                    Some(size) => vec![HostValue::Null, HostValue::Buffer(size)],
                    None => vec![HostValue::Error { code: "ENOENT".to_string(), message: format!("ENOENT: no such file or directory, open '{}'", file.path) }],
                };
                host.push_frame(&callback.name);
                guest.call(callback.func, &args, host);
                host.pop_frame();
            }
        }
    }
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

/// What a run measured, named as Node names it (see [`Sim::metrics`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub event_loop: EventLoopMetrics,
    pub pool: PoolMetrics,
    /// Present when the scenario has a load.
    pub requests: Option<RequestMetrics>,
    /// Present for a thread-per-request server.
    pub server: Option<ServerMetrics>,
    /// The measurements over time (for charts).
    pub timeline: Timeline,
    /// Node: the process baseline plus each open connection's bytes.
    pub memory_peak_bytes: u64,
    pub cpu: CpuMetrics,
}

/// A thread-per-request server's threads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerMetrics {
    pub threads_max: u32,
    /// Threads made (one per concurrently served request, up to the max).
    pub threads_made: u32,
    pub busy_peak: u32,
    /// Requests that waited for a thread at once, at most.
    pub queue_max: u64,
    pub stack_bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CpuMetrics {
    pub cores: u32,
    /// Busy core-time over elapsed time × cores (the cores share work
    /// equally, so each core's utilization is this too).
    pub utilization: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventLoopMetrics {
    /// As `perf_hooks.monitorEventLoopDelay()` reports it: the intervals
    /// between firings of a timer that repeats every 10 ms, so a free loop
    /// shows about 10 ms and a 100 ms stall about 110 ms.
    pub delay_us: crate::load::Percentiles,
    pub delay_samples: u64,
    /// `performance.eventLoopUtilization().utilization`: the share of time
    /// the main thread was not waiting in the poll phase.
    pub utilization: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PoolMetrics {
    pub size: u32,
    pub jobs: u64,
    pub queue_max: u64,
    /// Busy thread-time over elapsed time × threads.
    pub utilization: f64,
    /// Time a job waited in the queue before a thread took it.
    pub wait_us: crate::load::Percentiles,
    /// The share of jobs that waited at all (Erlang C's P(wait > 0)).
    pub waited_share: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestMetrics {
    pub count: u64,
    pub completed: u64,
    /// Requests that found no server listening (ECONNREFUSED).
    pub refused: u64,
    pub in_flight_peak: u64,
    /// Client connections open at once, at most.
    pub connections_peak: u64,
    /// From arrival to the handler's response.
    pub latency_us: crate::load::Percentiles,
    pub throughput_rps: f64,
    pub by_path: Vec<PathMetrics>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PathMetrics {
    pub path: String,
    pub completed: u64,
    pub latency_us: crate::load::Percentiles,
}
