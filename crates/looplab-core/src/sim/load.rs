//! The scenario's load: clients and their requests, listening servers,
//! the answers, and the thread-per-request model's server threads.

#[allow(unused_imports)]
use super::*;

impl<G: Guest> Sim<G> {
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
}

/// A thread-per-request server: threads are engine JS threads whose loops
/// serve one request at a time, all running the one program's handlers
/// (they share its isolate: see [`Host::isolate`]).
#[derive(Debug)]
pub(super) struct ServerThreads {
    pub(super) config: crate::load::ThreadPerRequest,
    /// Engine thread ids of the server threads made so far.
    pub(super) threads: Vec<ThreadId>,
    /// By engine thread id: is it a server thread?
    pub(super) is_server: Vec<bool>,
    pub(super) free: Vec<ThreadId>,
    /// Threads made but not started yet.
    pub(super) fresh: Vec<ThreadId>,
    /// Requests waiting for a thread (slots).
    pub(super) queue: VecDeque<RequestSlot>,
    /// A closed client's keep-alive connection holds its thread between
    /// requests: (group, connection) -> thread.
    pub(super) connection_threads: BTreeMap<(u32, u32), ThreadId>,
    pub(super) busy: u32,
    pub(super) busy_peak: u32,
    pub(super) queue_max: u64,
}

/// The load while it runs.
#[derive(Debug)]
pub(super) struct LoadRun {
    pub(super) groups: Vec<crate::load::ClientGroup>,
    /// Per group: when its server started listening (its clock's zero).
    pub(super) started_us: Vec<Option<u64>>,
    pub(super) sent: Vec<u64>,
    /// Per group: connections (closed) or arrival streams still sending.
    pub(super) active: Vec<u64>,
    /// Requests in flight by slot; freed slots are reused.
    pub(super) in_flight: Vec<Option<InFlight>>,
    pub(super) free_slots: Vec<u32>,
    /// Slots of answered requests, free from the moment of the answer: a
    /// callback runs ahead of the engine's clock (its CPU time is known at
    /// once), and an id must not name two requests at one virtual time.
    pub(super) releasing: BinaryHeap<Reverse<(u64, u32)>>,
    pub(super) in_flight_count: u64,
    pub(super) in_flight_peak: u64,
    /// Client connections open now: a closed client keeps its connection
    /// (keep-alive) from its first request to its last; an open or burst
    /// client opens one per request.
    pub(super) connections_open: u64,
    pub(super) connections_peak: u64,
    /// Completed requests' latencies, µs, by global path index.
    pub(super) latencies_us: Vec<Vec<u32>>,
    pub(super) path_names: Vec<String>,
    /// The same names, and each group's method, as the guest receives them.
    pub(super) path_names_shared: Vec<std::rc::Rc<str>>,
    pub(super) methods_shared: Vec<std::rc::Rc<str>>,
    /// Offset of each group's first path in `latencies_us`.
    pub(super) path_base: Vec<usize>,
    pub(super) refused: u64,
    pub(super) first_arrival_us: Option<u64>,
    pub(super) last_done_us: u64,
    pub(super) finished: bool,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct InFlight {
    pub(super) arrival_us: u64,
    pub(super) group: u32,
    pub(super) connection: u32,
    pub(super) path: u32,
    pub(super) thread: ThreadId,
    pub(super) listener: u32,
}

impl Core {
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
        let slot = RequestSlot(slab_insert(&mut load.in_flight, &mut load.free_slots, record));
        load.in_flight_count += 1;
        load.in_flight_peak = load.in_flight_peak.max(load.in_flight_count);
        if load.in_flight_count > crate::load::IN_FLIGHT_MAX {
            let reason = format!(
                "stopped with {} requests in flight at once: requests arrive faster than the server answers them, so the queue grows without end (lower the rate, or make the handler cheaper)",
                crate::load::IN_FLIGHT_MAX
            );
            self.stop_requested.get_or_insert(StopReason::Halted { reason });
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
            self.record_lazy(now_us, || TraceKind::RequestArrive { request: u64::from(slot.0), path: path_name });
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
        self.record_lazy(now_us, || TraceKind::RequestArrive { request: u64::from(slot.0), path: path_name.clone() });
        self.record_lazy(now_us, || TraceKind::QueueAdd { queue: QueueKind::Poll, id, label: format!("request {path_name}") });
        self.event_loop.completions.push_back(Completion { id, then: Continuation::Request { slot } });
        self.wake_current(now_us);
    }

    pub(super) fn is_server_thread(&self, thread: ThreadId) -> bool {
        self.server.as_ref().is_some_and(|server| server.is_server.get(thread.index()).copied().unwrap_or(false))
    }

    /// Gives request `slot` a free server thread (making one while there
    /// are fewer than the configured number), or queues it.
    pub(super) fn server_dispatch(&mut self, slot: RequestSlot) {
        let Some(server) = self.server.as_mut() else { return };
        let thread = match server.free.pop() {
            Some(thread) => Some(thread),
            None if (server.threads.len() as u32) < server.config.threads => {
                let thread = ThreadId(self.loops.len() as u32);
                let mut event_loop = EventLoop::new();
                // A server thread runs no main script: it serves requests.
                event_loop.stage = Stage::LoopStart;
                self.loops.push(Some(event_loop));
                let server = self.server.as_mut().expect("server");
                server.threads.push(thread);
                server.is_server.resize(thread.index() + 1, false);
                server.is_server[thread.index()] = true;
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
    pub(super) fn server_release(&mut self, thread: ThreadId) {
        let Some(server) = self.server.as_mut() else { return };
        match server.queue.pop_front() {
            Some(next) => self.server_assign(thread, next),
            None => server.free.push(thread),
        }
    }

    /// Server thread `thread` takes request `slot`: the request's handler
    /// joins that thread's loop.
    pub(super) fn server_assign(&mut self, thread: ThreadId, slot: RequestSlot) {
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
            if let Some(Some(record)) = load.in_flight.get_mut(slot.index()) {
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
        self.record_lazy(now_us, || TraceKind::QueueAdd { queue: QueueKind::Poll, id, label: format!("request #{}", slot.0) });
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
    pub(super) fn respond(&mut self, slot: RequestSlot, status: u16, at_us: u64) {
        let Some(load) = self.load.as_mut() else { return };
        let Some(record) = load.in_flight.get_mut(slot.index()).and_then(Option::take) else { return };
        load.releasing.push(Reverse((at_us, slot.0)));
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
        self.trace.record(at_us, record.thread, TraceKind::RequestDone { request: u64::from(slot.0), status });
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
}
