//! Running a process event by event: the accessors of a run, `step`,
//! the one way a run stops, and running one callback on a JS thread.

#[allow(unused_imports)]
use super::*;

impl<G: Guest> Sim<G> {
    pub fn now_us(&self) -> u64 {
        self.core.now_us
    }

    pub fn console(&self) -> &[String] {
        &self.core.console
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

    /// Processes one event. Returns `false` once the run has stopped.
    pub fn step(&mut self) -> bool {
        if self.core.stop_reason.is_some() {
            return false;
        }
        if let Some(reason) = self.core.stop_requested.take() {
            return self.stop(reason);
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
                    self.core.event_loop.stage = Stage::Check { batch_end: None };
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
        if self.core.current_thread == ThreadId::MAIN {
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
                    .and_then(|load| load.in_flight.get(slot.index()).copied().flatten())
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
            Runnable::Rejections => self.guest.process_rejections(&mut host),
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
                let record = host.core.load.as_ref().and_then(|load| load.in_flight.get(slot.index()).copied().flatten());
                if let Some(record) = record {
                    let listener = host.core.listeners.get(record.listener as usize).map(|(_, _, callback)| callback.clone());
                    let load = host.core.load.as_ref().expect("load");
                    let path_index = load.path_base[record.group as usize] + record.path as usize;
                    let args = [
                        HostValue::Number(f64::from(slot.0)),
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
        if self.core.stop_requested.is_some() {
            // The guest halted the run inside this callback: the next step
            // stops it, and nothing more runs on this thread.
            self.core.now_us = self.core.now_us.max(end_us);
            return;
        }
        if let Some(code) = self.core.exit_requested.take() {
            if self.core.current_thread == ThreadId::MAIN {
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
}

/// What a main-thread callback runs.
pub(super) enum Runnable {
    Main,
    ProcessEvent { event: &'static str, code: i32 },
    Rejections,
    Guest(FnRef),
    Continuation(Continuation),
}
