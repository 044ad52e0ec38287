//! What `looplab run` computes, as a library so tests (the conformance
//! runner) call the same code the command does.

pub mod random;

/// The process's resident memory, from Linux's /proc (0 elsewhere): the
/// CLI's measure for `looplab_node::runtime::memory::set_memory_limit`.
pub fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    statm.split_whitespace().nth(1).and_then(|pages| pages.parse::<u64>().ok()).unwrap_or(0) * 4096
}

use looplab_core::trace::{dense_text, TraceHasher};
use looplab_core::{Settings, StopReason};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct ErrorReport {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// The JSON `looplab run --json` prints.
#[derive(Debug, Serialize)]
pub struct RunReport {
    pub console: Vec<String>,
    pub stderr: Vec<String>,
    pub sim_time_ms: f64,
    pub events: u64,
    pub trace_hash: String,
    pub stop_reason: String,
    /// Points where real Node could order things differently, with the
    /// outcome this run's seed picked.
    pub races: Vec<String>,
    pub errors: Vec<ErrorReport>,
    /// The scenario's clients, when it has a load.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests: Option<RequestsReport>,
    pub event_loop: EventLoopReport,
    pub pool: PoolReport,
    pub memory: MemoryReport,
    pub cpu: CpuReport,
    /// A thread-per-request server's threads, when the scenario runs one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<ServerReport>,
    /// The measurements over time (`--timeline`): slices of `bucket_us`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<looplab_core::sim::Timeline>,
    #[serde(skip)]
    pub trace_text: String,
}

/// Percentiles in milliseconds.
#[derive(Debug, Default, Serialize)]
pub struct Millis {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
}

impl From<looplab_core::load::Percentiles> for Millis {
    fn from(us: looplab_core::load::Percentiles) -> Millis {
        Millis { p50: us.p50 / 1000.0, p90: us.p90 / 1000.0, p99: us.p99 / 1000.0, max: us.max / 1000.0, mean: us.mean / 1000.0 }
    }
}

#[derive(Debug, Serialize)]
pub struct RequestsReport {
    pub count: u64,
    pub completed: u64,
    pub refused: u64,
    pub in_flight_peak: u64,
    pub connections_peak: u64,
    pub latency_ms: Millis,
    pub throughput_rps: f64,
    pub by_path: Vec<PathReport>,
}

#[derive(Debug, Serialize)]
pub struct PathReport {
    pub path: String,
    pub completed: u64,
    pub latency_ms: Millis,
}

/// `monitorEventLoopDelay` and `eventLoopUtilization`, as Node reports them.
#[derive(Debug, Default, Serialize)]
pub struct EventLoopReport {
    pub delay_ms: Millis,
    pub utilization: f64,
}

#[derive(Debug, Default, Serialize)]
pub struct PoolReport {
    pub size: u32,
    pub jobs: u64,
    pub queue_max: u64,
    pub utilization: f64,
    pub wait_ms: Millis,
    /// The share of jobs that waited for a thread (P(wait > 0)).
    pub waited_share: f64,
}

#[derive(Debug, Default, Serialize)]
pub struct MemoryReport {
    pub peak_bytes: u64,
}

#[derive(Debug, Default, Serialize)]
pub struct CpuReport {
    pub cores: u32,
    pub utilization: f64,
}

#[derive(Debug, Default, Serialize)]
pub struct ServerReport {
    pub threads_max: u32,
    pub threads_made: u32,
    pub busy_peak: u32,
    pub queue_max: u64,
    pub stack_bytes: u64,
}

type Reports = (Option<RequestsReport>, EventLoopReport, PoolReport, MemoryReport, CpuReport, Option<ServerReport>, looplab_core::sim::Timeline);

fn reports(metrics: looplab_core::Metrics) -> Reports {
    let requests = metrics.requests.map(|requests| RequestsReport {
        count: requests.count,
        completed: requests.completed,
        refused: requests.refused,
        in_flight_peak: requests.in_flight_peak,
        connections_peak: requests.connections_peak,
        latency_ms: requests.latency_us.into(),
        throughput_rps: requests.throughput_rps,
        by_path: requests
            .by_path
            .into_iter()
            .map(|path| PathReport { path: path.path, completed: path.completed, latency_ms: path.latency_us.into() })
            .collect(),
    });
    let event_loop = EventLoopReport { delay_ms: metrics.event_loop.delay_us.into(), utilization: metrics.event_loop.utilization };
    let pool = PoolReport {
        size: metrics.pool.size,
        jobs: metrics.pool.jobs,
        queue_max: metrics.pool.queue_max,
        utilization: metrics.pool.utilization,
        wait_ms: metrics.pool.wait_us.into(),
        waited_share: metrics.pool.waited_share,
    };
    let cpu = CpuReport { cores: metrics.cpu.cores, utilization: metrics.cpu.utilization };
    let server = metrics.server.map(|server| ServerReport {
        threads_max: server.threads_max,
        threads_made: server.threads_made,
        busy_peak: server.busy_peak,
        queue_max: server.queue_max,
        stack_bytes: server.stack_bytes,
    });
    (requests, event_loop, pool, MemoryReport { peak_bytes: metrics.memory_peak_bytes }, cpu, server, metrics.timeline)
}

/// `--set key=value` overrides: see [`looplab_core::directives::apply_overrides`].
pub use looplab_core::directives::apply_overrides;

/// Compiles and runs a script; compile errors come back as the report's
/// `errors` with nothing run.
pub fn run_source(source: &str, settings: Settings, keep_trace: bool) -> RunReport {
    run_source_with(source, settings, TraceMode::from_keep(keep_trace))
}

/// What a run does with its trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceMode {
    /// Hash it (`trace_hash`), keep nothing.
    Hash,
    /// Hash it and keep its text (`looplab trace`).
    Keep,
    /// Record none (`--no-trace`, for benchmarks): `trace_hash` is empty.
    Off,
}

impl TraceMode {
    fn from_keep(keep_trace: bool) -> TraceMode {
        if keep_trace {
            TraceMode::Keep
        } else {
            TraceMode::Hash
        }
    }
}

/// [`run_source`] with a choice of trace handling.
pub fn run_source_with(source: &str, settings: Settings, trace_mode: TraceMode) -> RunReport {
    run_source_reporting(source, settings, trace_mode, &mut |_| {})
}

/// Where a run is, for a progress bar: called every few thousand events.
pub struct Progress {
    /// 0 to 1 when the scenario's load says how long it is.
    pub share: Option<f64>,
    pub events: u64,
    pub sim_time_us: u64,
}

/// [`run_source_with`], telling `progress` how far it has got as it runs.
pub fn run_source_reporting(source: &str, settings: Settings, trace_mode: TraceMode, progress: &mut dyn FnMut(Progress)) -> RunReport {
    let keep_trace = trace_mode == TraceMode::Keep;
    let mut sim = match looplab_node::prepare(source, settings) {
        Ok(sim) => sim,
        Err(errors) => {
            return RunReport {
                console: Vec::new(),
                stderr: Vec::new(),
                sim_time_ms: 0.0,
                events: 0,
                trace_hash: String::new(),
                stop_reason: "not run: the code has errors".to_string(),
                races: Vec::new(),
                errors: errors.into_iter().map(|error| ErrorReport { line: error.line, column: error.column, message: error.message }).collect(),
                requests: None,
                event_loop: EventLoopReport::default(),
                pool: PoolReport::default(),
                memory: MemoryReport::default(),
                cpu: CpuReport::default(),
                server: None,
                timeline: None,
                trace_text: String::new(),
            }
        }
    };
    if trace_mode == TraceMode::Off {
        sim.disable_trace();
    }
    let mut hasher = TraceHasher::default();
    let mut trace_text = String::new();
    while sim.step() {
        if sim.events_processed() % 4096 == 0 {
            progress(Progress { share: sim.load_progress(), events: sim.events_processed(), sim_time_us: sim.now_us() });
        }
        let events = sim.drain_trace();
        events.iter().for_each(|event| hasher.add(event));
        if keep_trace {
            trace_text.push_str(&dense_text(&events));
        }
    }
    let events = sim.drain_trace();
    events.iter().for_each(|event| hasher.add(event));
    if keep_trace {
        trace_text.push_str(&dense_text(&events));
    }
    let (requests, event_loop, pool, memory, cpu, server, timeline) = reports(sim.metrics());
    RunReport {
        timeline: Some(timeline),
        requests,
        event_loop,
        pool,
        memory,
        cpu,
        server,
        console: sim.console().to_vec(),
        stderr: sim.stderr().to_vec(),
        sim_time_ms: sim.now_us() as f64 / 1000.0,
        events: sim.events_processed(),
        trace_hash: if trace_mode == TraceMode::Off { String::new() } else { format!("{:016x}", hasher.finish()) },
        stop_reason: sim.stop_reason().map(StopReason::describe).unwrap_or_default(),
        races: sim
            .races()
            .iter()
            .map(|race| format!("at {:.3} ms: {}", race.t_us as f64 / 1000.0, race.description))
            .chain((sim.races_total() > sim.races().len() as u64).then(|| format!("… and {} more race points", sim.races_total() - sim.races().len() as u64)))
            .collect(),
        errors: sim
            .errors()
            .iter()
            .cloned()
            .chain(sim.load_problems())
            .map(|error| ErrorReport { line: error.line, column: error.column, message: error.message })
            .collect(),
        trace_text,
    }
}
