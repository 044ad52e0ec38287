//! `Sim`: building a process and running it event by event, through libuv's
//! phases, the main thread's callbacks and the threads it talks to.

#[allow(unused_imports)]
use super::*;

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

    pub(super) fn stop(&mut self, reason: StopReason) -> bool {
        self.core.trace.flush_until(u64::MAX);
        self.core.stop_reason = Some(reason);
        false
    }

    /// The main thread is free: run the next callback the event loop has
    /// for it, or block in the poll phase, or exit.
    pub(super) fn resume_main_thread(&mut self) {
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

    pub(super) fn block_in_poll(&mut self, timeout_ms: Option<u64>) {
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
    pub(super) fn judge_timer_race(&mut self) {
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
    pub(super) fn loop_drained(&mut self) {
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
    pub(super) fn emit_exit(&mut self, code: i32) {
        if self.guest.has_process_listeners(self.core.current_thread, "exit") {
            self.core.event_loop.stage = Stage::AfterExitEvent { code };
            let runnable = Runnable::ProcessEvent { event: "exit", code };
            return self.run_callback(Source::ProcessEvent, "process.emit('exit')", runnable);
        }
        self.exit(code)
    }

    pub(super) fn exit(&mut self, code: i32) {
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

    pub(super) fn run_queued(&mut self, queue: QueueKind, source: Source, item: Queued) {
        self.core.record(self.core.now_us, TraceKind::QueueTake { queue, id: item.id });
        self.run_callback(source, &item.callback.name, Runnable::Guest(item.callback.func));
    }

    pub(super) fn run_completion(&mut self, completion: Completion) {
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
    pub(super) fn run_callback(&mut self, source: Source, label: &str, runnable: Runnable) {
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
    pub(super) fn continue_read_file(guest: &mut G, host: &mut Host<'_>, context: usize, step: ReadFileStep) {
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
