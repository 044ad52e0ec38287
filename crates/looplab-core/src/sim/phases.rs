//! libuv's loop phases on a JS thread: the loop's queues (nextTick,
//! microtasks, timers, immediates, close callbacks, completions), where the
//! thread is in `uv_run`, and the main thread's walk through them.

#[allow(unused_imports)]
use super::*;

/// A JS callback waiting in one of the loop's queues.
#[derive(Debug, Clone)]
pub(super) struct Queued {
    pub(super) id: u64,
    pub(super) callback: Callback,
    /// For `setInterval`: the period to re-arm with.
    pub(super) repeat_ms: Option<u64>,
}

/// Where the main thread is in its life: the main script, then libuv's
/// `uv_run` (libuv src/unix/core.c, v1.46: timers once before the first
/// iteration, then pending, idle, prepare, poll, check, close, timers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
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
        /// The id of the last immediate queued when the phase began (None:
        /// not begun). Ids grow, so one queued later, or cleared, is not
        /// counted, as a count would.
        batch_end: Option<u64>,
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
pub(super) struct EventLoop {
    pub(super) stage: Stage,
    pub(super) iteration: u64,
    /// libuv's cached loop time, whole milliseconds (`uv_now`).
    pub(super) loop_time_ms: u64,
    /// While V8 drains the microtask queue it runs it to empty before Node
    /// looks at the nextTick queue again (lib/internal/process/task_queues.js).
    pub(super) draining_microtasks: bool,
    pub(super) next_ticks: VecDeque<Queued>,
    pub(super) microtasks: VecDeque<Queued>,
    pub(super) immediates: VecDeque<Queued>,
    /// `uv_close` callbacks waiting for the close phase.
    pub(super) closing: VecDeque<Queued>,
    /// Timers keyed by (due time in ms, creation order).
    pub(super) timers: BTreeMap<(u64, u64), Queued>,
    /// Completed pool work not yet taken by the poll phase.
    pub(super) completions: VecDeque<Completion>,
    /// The completions the current poll phase is running.
    pub(super) poll_batch: VecDeque<Completion>,
    /// Ref'd handles other than timers (listening servers, open sockets).
    pub(super) active_handles: u64,
    /// Timers that do not keep the loop alive (`timer.unref()`).
    pub(super) unref_timers: std::collections::BTreeSet<u64>,
    /// Requests (pool work) whose JS callback has not run yet: they keep the
    /// loop alive (`uv__loop_alive` counts active requests).
    pub(super) active_requests: u64,
    /// `Some(generation)` while the poll phase blocks.
    pub(super) waiting: Option<u64>,
    pub(super) wait_generation: u64,
}

impl EventLoop {
    pub(super) fn new() -> EventLoop {
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
    pub(super) fn is_alive(&self) -> bool {
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
    pub(super) fn poll_timeout_ms(&self) -> Option<u64> {
        if !self.is_alive() || !self.immediates.is_empty() || !self.closing.is_empty() {
            return Some(0);
        }
        self.timers.keys().next().map(|&(due_ms, _)| due_ms.saturating_sub(self.loop_time_ms))
    }
}

impl Core {
    /// `uv_update_time`: refresh the loop's cached millisecond clock.
    pub(super) fn update_loop_time(&mut self) {
        self.event_loop.loop_time_ms = self.now_us / 1000;
    }

    pub(super) fn enter_phase(&mut self, phase: Phase) {
        let iteration = self.event_loop.iteration;
        if self.current_thread == ThreadId::MAIN {
            self.recent.phase_entered(phase);
        }
        self.record(self.now_us, TraceKind::PhaseEnter { phase, iteration });
    }

    /// The main thread leaves the poll phase's wait: the time it waited is
    /// idle time, and `monitorEventLoopDelay`'s timer fired on time at each
    /// of its due points in between (the wait would have ended for it).
    pub(super) fn main_wakes(&mut self) {
        if self.current_thread != ThreadId::MAIN {
            return;
        }
        if let Some(since_us) = self.metrics.main_blocked_since_us.take() {
            self.metrics.main_idle_us += self.now_us - since_us;
            // The idle time, split over the timeline's slices; those slices
            // keep the levels they had (sampling today's levels into them
            // showed a pool of 8 as 7 busy threads for a whole run).
            self.metrics.timeline.add_idle(since_us, self.now_us);
            let metrics = &mut self.metrics;
            let elapsed_us = self.now_us.saturating_sub(metrics.delay_last_fire_us);
            if elapsed_us >= DELAY_RESOLUTION_US {
                let firings = elapsed_us / DELAY_RESOLUTION_US;
                metrics.delay_idle_samples += firings;
                metrics.delay_last_fire_us += firings * DELAY_RESOLUTION_US;
                let last_fire_us = metrics.delay_last_fire_us;
                let bucket = self.metrics.timeline.slice(last_fire_us);
                bucket.delay_max_us = bucket.delay_max_us.max(DELAY_RESOLUTION_US as u32);
            }
        }
    }

    /// The main thread enters the timers phase: the delay monitor's timer
    /// fires if due, and records the interval since it last fired (Node's
    /// `ELDHistogram` records these deltas, so a free loop reports ≈ 10 ms).
    pub(super) fn delay_monitor_at_timers(&mut self) {
        if self.current_thread != ThreadId::MAIN {
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
}

impl<G: Guest> Sim<G> {
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
                // Both queues are empty: Node's processTicksAndRejections
                // now handles the rejections nobody caught, and drains again
                // if their listeners queued more.
                if self.guest.has_unhandled_rejections(self.core.current_thread) {
                    return self.run_callback(Source::ProcessEvent, "processPromiseRejections", Runnable::Rejections);
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
                        Some(0) => event_loop.stage = Stage::Check { batch_end: None },
                        timeout_ms => return self.block_in_poll(timeout_ms),
                    }
                }
                Stage::PollRunning => match event_loop.poll_batch.pop_front() {
                    Some(completion) => return self.run_completion(completion),
                    None => event_loop.stage = Stage::Check { batch_end: None },
                },
                Stage::Check { batch_end } => {
                    // The check phase runs the immediates queued when it
                    // started; ones queued meanwhile wait for the next
                    // iteration (lib/internal/timers.js `processImmediate`).
                    let batch_end = match batch_end {
                        Some(end) => end,
                        None => {
                            self.core.enter_phase(Phase::Check);
                            self.core.event_loop.immediates.back().map_or(0, |item| item.id)
                        }
                    };
                    let event_loop = &mut self.core.event_loop;
                    if event_loop.immediates.front().is_some_and(|item| item.id <= batch_end) {
                        if let Some(item) = event_loop.immediates.pop_front() {
                            event_loop.stage = Stage::Check { batch_end: Some(batch_end) };
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
        if self.core.current_thread == ThreadId::MAIN {
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
        if self.core.current_thread != ThreadId::MAIN {
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
}
