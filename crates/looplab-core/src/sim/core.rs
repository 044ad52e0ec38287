//! The engine's state between events (`Core`) and the operations every
//! part uses: CPU time, callbacks kept for later, switching threads.

#[allow(unused_imports)]
use super::*;

/// Engine state the guest may reach through [`Host`].
#[derive(Debug)]
pub(super) struct Core {
    pub(super) settings: Settings,
    /// Hundredths of a microsecond left over by [`Core::scale_cpu_us`].
    pub(super) cpu_carry: u64,
    pub(super) fs: VirtualFs,
    pub(super) now_us: u64,
    pub(super) seq: u64,
    pub(super) next_id: u64,
    pub(super) events: BinaryHeap<Reverse<Scheduled>>,
    pub(super) events_processed: u64,
    pub(super) trace: TraceBuffer,
    pub(super) console: Vec<String>,
    /// The loop of the thread being processed; the others wait in `loops`.
    pub(super) event_loop: EventLoop,
    pub(super) loops: Vec<Option<EventLoop>>,
    pub(super) current_thread: ThreadId,
    /// Messages between threads: (port, payload), taken when delivered.
    pub(super) messages: Vec<Option<(u64, String)>>,
    pub(super) pool: Option<Pool>,
    pub(super) read_files: Vec<ReadFileContext>,
    /// Callbacks of generic pool work, with the values they receive.
    pub(super) pool_callbacks: Vec<(Callback, Vec<HostValue>)>,
    /// Slots of `pool_callbacks` already called, for reuse (a long load
    /// run would otherwise keep every request's callback).
    pub(super) free_callbacks: Vec<usize>,
    /// Why the run ended; written only by `Sim::stop`.
    pub(super) stop_reason: Option<StopReason>,
    /// A stop asked for while an event is processed (the guest's halt, the
    /// load's in-flight limit): `Sim::step` ends the run with it next, the
    /// one way a run stops, so pending trace entries are always flushed.
    pub(super) stop_requested: Option<StopReason>,
    pub(super) stderr: Vec<String>,
    pub(super) errors: Vec<ScriptError>,
    pub(super) rng: crate::rng::Rng,
    pub(super) exit_requested: Option<i32>,
    pub(super) races: Vec<Race>,
    pub(super) races_total: u64,
    /// The last pool completion: (time, job duration, label, thread).
    pub(super) last_pool_done: Option<(u64, u64, String, u32)>,
    /// Timers already judged at a race point (judged once each).
    pub(super) raced_timers: std::collections::BTreeSet<u64>,
    /// The scenario's `@looplab load` and `cost` lines.
    pub(super) workload: crate::load::Workload,
    /// The scenario's clients, while they run.
    pub(super) load: Option<LoadRun>,
    pub(super) cpu: crate::cpu::Cpu,
    /// Thread-per-request mode's server threads, when the scenario asks.
    pub(super) server: Option<ServerThreads>,
    /// Blocking calls a server thread makes itself (no pool in that model).
    pub(super) direct_jobs: Vec<Option<Job>>,
    pub(super) free_direct_jobs: Vec<u32>,
    /// Listening servers that take the load's requests: (port, thread, handler).
    pub(super) listeners: Vec<(u16, ThreadId, Callback)>,
    pub(super) metrics: MetricsState,
    pub(super) recent: RecentCallbacks,
}

impl Core {
    /// Asks for the run to end with `reason` once the current event is
    /// processed; the first request wins.
    pub(super) fn request_stop(&mut self, reason: StopReason) {
        self.stop_requested.get_or_insert(reason);
    }

    /// A CPU cost at the scenario's CPU speed. Fractions of a microsecond
    /// carry over to the next cost, so many small costs add up exactly.
    pub(super) fn scale_cpu_us(&mut self, cost_us: u64) -> u64 {
        let speed = u64::from(self.settings.cpu_speed_percent.max(1));
        if speed == 100 {
            return cost_us;
        }
        let scaled = cost_us.saturating_mul(100).saturating_add(self.cpu_carry);
        self.cpu_carry = scaled % speed;
        scaled / speed
    }

    /// Keeps a callback (and its arguments) until its I/O completes.
    pub(super) fn store_callback(&mut self, callback: Callback, args: Vec<HostValue>) -> usize {
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

    /// Makes `thread`'s loop the current one.
    pub(super) fn switch_to(&mut self, thread: ThreadId) {
        if thread == self.current_thread {
            return;
        }
        let Some(incoming) = self.loops.get_mut(thread.index()).and_then(Option::take) else {
            return;
        };
        let outgoing = std::mem::replace(&mut self.event_loop, incoming);
        self.loops[self.current_thread.index()] = Some(outgoing);
        self.current_thread = thread;
    }

    /// Wakes the current thread if its poll phase is blocked.
    pub(super) fn wake_current(&mut self, now_us: u64) {
        if self.event_loop.waiting.take().is_some() {
            self.event_loop.wait_generation += 1;
            self.record(now_us, TraceKind::PollWake);
            let thread = self.current_thread;
            self.schedule(now_us, Event::ThreadFree { thread });
        }
    }

    /// A thread starts computing `work_us` (at full speed) now; it shares
    /// the cores with whoever else computes.
    pub(super) fn cpu_run(&mut self, owner: crate::cpu::CpuOwner, work_us: u64) {
        for completion in self.cpu.start(self.now_us, owner, work_us) {
            self.schedule(completion.at_us, Event::CpuDone { owner: completion.owner, token: completion.token });
        }
    }

    /// Keeps a race point; past [`RACES_KEPT`] only counts it (a long load
    /// run can meet one at every other pool completion).
    pub(super) fn note_race(&mut self, race: Race) {
        self.races_total += 1;
        if self.races.len() < RACES_KEPT {
            self.races.push(race);
        }
    }
}
