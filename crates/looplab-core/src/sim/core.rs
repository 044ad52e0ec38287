//! The engine's state between events (`Core`): the event queue, the loops,
//! the pool, the cores and the load, and the operations on them.

#[allow(unused_imports)]
use super::*;

impl Core {
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

    pub(super) fn schedule(&mut self, at_us: u64, event: Event) {
        debug_assert!(at_us >= self.now_us, "events are never scheduled in the past");
        self.seq += 1;
        self.events.push(Reverse(Scheduled { at_us, seq: self.seq, event }));
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

    pub(super) fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub(super) fn record(&mut self, t_us: u64, kind: TraceKind) {
        self.trace.record(t_us, self.current_thread, kind);
    }

    /// Like `record`, building the entry (a label, a name) only when the
    /// trace is kept: a measuring-only run skips the allocations.
    pub(super) fn record_lazy(&mut self, t_us: u64, kind: impl FnOnce() -> TraceKind) {
        if !self.trace.off {
            self.trace.record(t_us, self.current_thread, kind());
        }
    }

    /// Makes `thread`'s loop the current one.
    pub(super) fn switch_to(&mut self, thread: u32) {
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
    pub(super) fn wake_current(&mut self, now_us: u64) {
        if self.event_loop.waiting.take().is_some() {
            self.event_loop.wait_generation += 1;
            self.record(now_us, TraceKind::PollWake);
            let thread = self.current_thread;
            self.schedule(now_us, Event::ThreadFree { thread });
        }
    }

    /// `uv_update_time`: refresh the loop's cached millisecond clock.
    pub(super) fn update_loop_time(&mut self) {
        self.event_loop.loop_time_ms = self.now_us / 1000;
    }

    pub(super) fn enter_phase(&mut self, phase: Phase) {
        let iteration = self.event_loop.iteration;
        if self.current_thread == 0 {
            self.recent.phase_entered(phase);
        }
        self.record(self.now_us, TraceKind::PhaseEnter { phase, iteration });
    }

    pub(super) fn pool_submit(&mut self, mut job: Job) {
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

    pub(super) fn pool_start(&mut self, thread: usize, mut job: Job) {
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

    pub(super) fn pool_done(&mut self, thread: u32) {
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

    pub(super) fn kernel_ready(&mut self, id: u64, callback: usize) {
        let now_us = self.now_us;
        let label = self.pool_callbacks[callback].0.name.clone();
        self.record(now_us, TraceKind::KernelDone { id });
        self.record_lazy(now_us, || TraceKind::QueueAdd { queue: QueueKind::Poll, id, label: label.to_string() });
        self.event_loop.completions.push_back(Completion { id, then: Continuation::Callback { callback } });
        self.wake_current(now_us);
    }

    /// A message arrives at the current thread's loop (if it still runs).
    pub(super) fn message_arrived(&mut self, port: u64, payload: String) {
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
    pub(super) fn main_wakes(&mut self) {
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
    pub(super) fn delay_monitor_at_timers(&mut self) {
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

    /// A server starts listening: it takes the load aimed at its port (or
    /// at the first server, when the load names no port).
    pub(super) fn listen(&mut self, port: u16, callback: Callback) {
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

    pub(super) fn unlisten(&mut self, port: u16) {
        self.listeners.retain(|(existing, ..)| *existing != port);
    }

    /// A client sends a request (or, its budget spent, stops sending).
    pub(super) fn arrival(&mut self, group: u32, connection: u32) {
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

    pub(super) fn is_server_thread(&self, thread: u32) -> bool {
        self.server.as_ref().is_some_and(|server| server.is_server.get(thread as usize).copied().unwrap_or(false))
    }

    /// Gives request `slot` a free server thread (making one while there
    /// are fewer than the configured number), or queues it.
    pub(super) fn server_dispatch(&mut self, slot: u32) {
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
    pub(super) fn server_release(&mut self, thread: u32) {
        let Some(server) = self.server.as_mut() else { return };
        match server.queue.pop_front() {
            Some(next) => self.server_assign(thread, next),
            None => server.free.push(thread),
        }
    }

    /// Server thread `thread` takes request `slot`: the request's handler
    /// joins that thread's loop.
    pub(super) fn server_assign(&mut self, thread: u32, slot: u32) {
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
    pub(super) fn direct_start(&mut self, job: Job) {
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

    pub(super) fn direct_done(&mut self, index: u32) {
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
    pub(super) fn respond(&mut self, slot: u32, status: u16, at_us: u64) {
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
    pub(super) fn check_load_finished(&mut self) {
        if let Some(load) = self.load.as_mut() {
            if load.in_flight_count == 0 && load.active.iter().all(|&active| active == 0) && load.started_us.iter().all(Option::is_some) {
                load.finished = true;
            }
        }
    }

    pub(super) fn read_file_job(&mut self, context: usize, step: ReadFileStep) -> Job {
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
