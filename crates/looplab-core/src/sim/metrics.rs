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

/// At most this many timeline buckets: past it, neighbours merge and the
/// bucket width doubles.
pub const TIMELINE_BUCKETS_MAX: usize = 1000;

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

impl<G: Guest> Sim<G> {
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
            timeline: {
                // A wait still open when the run stopped is idle time too,
                // as the utilization above counts it.
                let mut timeline = core.metrics.timeline.clone();
                if let Some(since_us) = core.metrics.main_blocked_since_us {
                    timeline.add_idle(since_us, core.now_us);
                }
                Timeline { bucket_us: timeline.bucket_us, buckets: timeline.buckets }
            },
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
}

/// What the engine measures as it goes (see [`Metrics`]).
#[derive(Debug, Default)]
pub(super) struct MetricsState {
    /// Each pool job's wait in the queue, µs.
    pub(super) pool_waits_us: Vec<u32>,
    pub(super) pool_busy_us: u64,
    pub(super) pool_queue_max: u64,
    /// The main thread's time blocked in the poll phase (idle, as
    /// `performance.eventLoopUtilization()` counts it).
    pub(super) main_idle_us: u64,
    pub(super) main_blocked_since_us: Option<u64>,
    /// `monitorEventLoopDelay`'s timer: when it last fired, µs.
    pub(super) delay_last_fire_us: u64,
    /// The intervals between its firings, µs (Node records these deltas),
    /// except those of an idle loop, which are exactly the resolution and
    /// only counted (a long idle run would otherwise keep millions).
    pub(super) delay_samples_us: Vec<u32>,
    pub(super) delay_idle_samples: u64,
    /// The run's measurements over time.
    pub(super) timeline: TimelineState,
}

#[derive(Clone, Debug)]
pub(super) struct TimelineState {
    pub(super) bucket_us: u64,
    pub(super) buckets: Vec<Bucket>,
    /// The levels at the last sample: they held until this one.
    pub(super) last: Gauges,
}

impl Default for TimelineState {
    fn default() -> TimelineState {
        TimelineState { bucket_us: 10_000, buckets: Vec::new(), last: Gauges::default() }
    }
}

impl TimelineState {
    /// Samples `gauges` (the levels now) at `t_us`, and gives the bucket
    /// holding it.
    pub(super) fn at(&mut self, t_us: u64, gauges: Gauges) -> &mut Bucket {
        let index = self.made_to(t_us);
        self.last = gauges;
        let bucket = &mut self.buckets[index];
        bucket.in_flight_max = bucket.in_flight_max.max(gauges.in_flight);
        bucket.pool_queue_max = bucket.pool_queue_max.max(gauges.pool_queue);
        bucket.pool_busy_max = bucket.pool_busy_max.max(gauges.pool_busy);
        bucket.connections_max = bucket.connections_max.max(gauges.connections);
        bucket
    }

    /// The bucket holding `t_us`, sampling nothing: for what is added to a
    /// slice after the fact (idle time, a delay monitor firing), whose
    /// levels are the last sample's, not today's.
    pub(super) fn slice(&mut self, t_us: u64) -> &mut Bucket {
        let index = self.made_to(t_us);
        &mut self.buckets[index]
    }

    /// The main thread's idle time from `from_us` to `to_us`, split over
    /// the slices it covers.
    pub(super) fn add_idle(&mut self, mut from_us: u64, to_us: u64) {
        while from_us < to_us {
            let index = self.made_to(from_us);
            let slice_end_us = (from_us / self.bucket_us + 1) * self.bucket_us;
            let end_us = slice_end_us.min(to_us);
            self.buckets[index].main_idle_us += end_us - from_us;
            from_us = end_us;
        }
    }

    /// Makes the buckets up to the one holding `t_us` and gives its index.
    fn made_to(&mut self, t_us: u64) -> usize {
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
        index
    }
}

/// The levels the timeline samples whenever they may change.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Gauges {
    pub(super) in_flight: u32,
    pub(super) pool_queue: u32,
    pub(super) pool_busy: u32,
    pub(super) connections: u32,
}

impl Core {
    /// The levels the timeline samples.
    pub(super) fn gauges(&self) -> Gauges {
        let (in_flight, connections) = self.load.as_ref().map_or((0, 0), |load| (load.in_flight_count as u32, load.connections_open as u32));
        Gauges { in_flight, connections, ..self.gauges_of_pool() }
    }

    /// The pool's levels alone (when the load is borrowed).
    pub(super) fn gauges_of_pool(&self) -> Gauges {
        let (pool_queue, pool_busy) =
            self.pool.as_ref().map_or((0, 0), |pool| (pool.queue.len() as u32, pool.threads.iter().filter(|thread| thread.is_some()).count() as u32));
        Gauges { in_flight: 0, pool_queue, pool_busy, connections: 0 }
    }

    /// Samples the gauges into the timeline at `t_us`.
    pub(super) fn touch_timeline(&mut self, t_us: u64) {
        let gauges = self.gauges();
        self.metrics.timeline.at(t_us, gauges);
    }
}
