//! `Host`: the guest's window on the engine while one callback runs (timers,
//! immediates, pool work, kernel I/O, messages, the load's answers).

#[allow(unused_imports)]
use super::*;

/// The guest's window on the engine while one callback runs. Every call
/// happens at the cursor's virtual time and may advance it.
pub struct Host<'a> {
    pub(super) core: &'a mut Core,
    pub(super) cursor_us: u64,
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

    /// The running callback runs the user's function `label` (at `line`):
    /// the views name the callback by it (see `TraceKind::CallbackNamed`).
    pub fn name_callback(&mut self, label: &str, line: u32) {
        self.core.record_lazy(self.cursor_us, || TraceKind::CallbackNamed { label: label.to_string(), line });
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
        self.core.request_stop(StopReason::Halted { reason: reason.to_string() });
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

    pub(super) fn pool_job(&mut self, label: &str, duration_us: u64, callback: Callback, args: Vec<HostValue>, cpu: bool) {
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
        self.core.respond(RequestSlot(id as u32), status, at_us);
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

    pub fn thread(&self) -> ThreadId {
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
    pub fn isolate(&self) -> ThreadId {
        if self.core.is_server_thread(self.core.current_thread) {
            ThreadId::MAIN
        } else {
            self.core.current_thread
        }
    }

    /// Starts a new JS thread with its own event loop (`new Worker`); its
    /// main script runs (through `Guest::run_main`) after `startup_us`.
    pub fn spawn_thread(&mut self, startup_us: u64) -> ThreadId {
        self.spend_cpu_us(cost::API_CALL_US);
        let thread = ThreadId(self.core.loops.len() as u32);
        self.core.loops.push(Some(EventLoop::new()));
        self.core.schedule(self.cursor_us + startup_us, Event::ThreadFree { thread });
        thread
    }

    /// Posts a message to another JS thread: it reaches that thread's poll
    /// phase after `MESSAGE_LATENCY_US`, and `Guest::deliver_message` gets it.
    pub fn post_message(&mut self, thread: ThreadId, port: u64, payload: String) {
        self.spend_cpu_us(cost::API_CALL_US);
        self.core.schedule(self.cursor_us + MESSAGE_LATENCY_US, Event::Message { thread, port, payload });
    }

    /// `receiveMessageOnPort`: the oldest message for `port` not yet
    /// delivered, taken out of the way (Node dequeues it from the port's
    /// queue synchronously): one that arrived and waits in a poll queue,
    /// else one still in flight. `skip` payloads (the channel's close) are
    /// never taken.
    pub fn take_message(&mut self, port: u64, skip: &str) -> Option<String> {
        let arrived = self.core.messages.iter().position(|message| message.as_ref().is_some_and(|(to, payload)| *to == port && payload != skip));
        if let Some(index) = arrived {
            return self.core.messages[index].take().map(|(_, payload)| payload);
        }
        let mut scheduled = std::mem::take(&mut self.core.events).into_vec();
        let mut found = None;
        for (index, entry) in scheduled.iter().enumerate() {
            if let queue::Event::Message { port: to, payload, .. } = &entry.0.event {
                let earlier = found.is_none_or(|best: usize| (entry.0.at_us, entry.0.seq) < (scheduled[best].0.at_us, scheduled[best].0.seq));
                if *to == port && payload != skip && earlier {
                    found = Some(index);
                }
            }
        }
        let taken = found.map(|index| scheduled.swap_remove(index));
        self.core.events = std::collections::BinaryHeap::from(scheduled);
        match taken.map(|entry| entry.0.event) {
            Some(queue::Event::Message { payload, .. }) => Some(payload),
            _ => None,
        }
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

    /// `timeout.refresh()` on a pending timer (lib/internal/timers.js
    /// `active`): it keeps its id and callback and is due `delay_ms` from
    /// now, as a new timer started now would be. False when it is not
    /// pending (it ran, or was cleared).
    pub fn refresh_timer(&mut self, id: u64, delay_ms: f64) -> bool {
        let Some(key) = self.core.event_loop.timers.iter().find(|(_, item)| item.id == id).map(|(key, _)| *key) else { return false };
        let Some(item) = self.core.event_loop.timers.remove(&key) else { return false };
        self.core.record(self.cursor_us, TraceKind::QueueTake { queue: QueueKind::Timers, id });
        self.spend_cpu_us(cost::API_CALL_US);
        let delay_ms = if (1.0..=2_147_483_647.0).contains(&delay_ms) { delay_ms as u64 } else { 1 };
        let due_ms = self.cursor_us / 1000 + delay_ms;
        let label = (!self.core.trace.off).then(|| format!("{} (due {due_ms} ms)", item.callback.name));
        self.core.event_loop.timers.insert((due_ms, id), item);
        if let Some(label) = label {
            self.core.record(self.cursor_us, TraceKind::QueueAdd { queue: QueueKind::Timers, id, label });
        }
        true
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

    pub(super) fn arm_timer(&mut self, callback: Callback, delay_ms: f64, repeat: bool) -> u64 {
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

    pub(super) fn enqueue(&mut self, queue: QueueKind, callback: Callback) -> u64 {
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
