//! Setting a process up: the run's settings and a new [`Sim`].

#[allow(unused_imports)]
use super::*;

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
            current_thread: ThreadId::MAIN,
            messages: Vec::new(),
            pool: None,
            read_files: Vec::new(),
            pool_callbacks: Vec::new(),
            free_callbacks: Vec::new(),
            cpu_carry: 0,
            stop_reason: None,
            stop_requested: None,
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
        core.schedule(0, Event::ThreadFree { thread: ThreadId::MAIN });
        Sim { guest, core }
    }

    /// Runs without a trace, for benchmarks that only want the metrics:
    /// the run is the same, only nothing is recorded.
    pub fn disable_trace(&mut self) {
        self.core.trace.off = true;
    }
}
