//! What a run measured (`Metrics`), named as Node names it.

#[allow(unused_imports)]
use super::*;

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
