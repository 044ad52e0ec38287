//! What the process looks like at one point of a run, rebuilt by replaying
//! the trace from the start. The UI draws a [`View`]; keeping the replay here
//! makes it a pure function that native tests cover.

use crate::trace::{Phase, QueueKind, Source, TraceEvent, TraceKind};
use std::collections::BTreeMap;

/// An item waiting in a queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueItem {
    pub id: u64,
    pub label: String,
}

/// A thread-pool thread and the job it runs, if any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PoolThread {
    pub job: Option<QueueItem>,
    /// Whether its job computes (needs a core), as the engine says.
    pub computes: bool,
    /// Jobs this thread has finished so far.
    pub jobs_done: u64,
}

/// A client's request that has arrived and has no answer yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestItem {
    pub id: u64,
    /// Shared: the UI copies the view on every frame of playback.
    pub path: std::rc::Rc<str>,
    pub arrived_us: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleLine {
    pub t_us: u64,
    pub text: String,
}

/// The state of the simulated process after some prefix of the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    pub t_us: u64,
    pub phase: Option<Phase>,
    pub iteration: u64,
    /// The callback on the main thread, with what scheduled it.
    pub running: Option<(Source, String)>,
    pub stack: Vec<String>,
    pub queues: BTreeMap<QueueKind, Vec<QueueItem>>,
    pub pool: Vec<PoolThread>,
    pub console: Vec<ConsoleLine>,
    /// Operations the kernel is waiting on (sockets), which use no thread.
    pub kernel: Vec<QueueItem>,
    /// The poll phase is blocked waiting for I/O or a timer.
    pub waiting: bool,
    /// Client requests that arrived and are not answered yet.
    pub requests_in_flight: Vec<RequestItem>,
    /// `worker_threads` Workers (by engine thread) and the callback each
    /// runs now, if any.
    pub workers: BTreeMap<u32, Option<String>>,
    pub requests_done: u64,
    pub exit_code: Option<i32>,
}

impl View {
    pub fn new(pool_size: u32) -> View {
        View {
            t_us: 0,
            phase: None,
            iteration: 0,
            running: None,
            stack: Vec::new(),
            queues: QueueKind::ALL.iter().map(|&queue| (queue, Vec::new())).collect(),
            pool: vec![PoolThread::default(); pool_size as usize],
            console: Vec::new(),
            kernel: Vec::new(),
            waiting: false,
            requests_in_flight: Vec::new(),
            workers: BTreeMap::new(),
            requests_done: 0,
            exit_code: None,
        }
    }

    /// Replays the first `count` events of `events`.
    pub fn after(pool_size: u32, events: &[TraceEvent], count: usize) -> View {
        let mut view = View::new(pool_size);
        for event in events.iter().take(count) {
            view.apply(event);
        }
        view
    }

    pub fn queue(&self, queue: QueueKind) -> &[QueueItem] {
        self.queues.get(&queue).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn pool_busy(&self) -> usize {
        self.pool.iter().filter(|thread| thread.job.is_some()).count()
    }

    pub fn apply(&mut self, event: &TraceEvent) {
        self.t_us = event.t_us;
        // This view draws the main thread. Of a worker thread's events it
        // keeps what is shared: the pool, the kernel, and the console.
        let shared = matches!(
            event.kind,
            TraceKind::PoolStart { .. }
                | TraceKind::PoolDone { .. }
                | TraceKind::KernelStart { .. }
                | TraceKind::KernelDone { .. }
                | TraceKind::Console { .. }
                | TraceKind::Stderr { .. }
                | TraceKind::QueueAdd { queue: crate::trace::QueueKind::PoolWork, .. }
                | TraceKind::QueueTake { queue: crate::trace::QueueKind::PoolWork, .. }
        );
        if event.thread != 0 && !shared {
            // A worker's own loop: only whether it is computing, and what.
            match &event.kind {
                TraceKind::CallbackStart { label, .. } => {
                    self.workers.insert(event.thread, Some(label.clone()));
                }
                TraceKind::CallbackNamed { label, .. } => {
                    self.workers.insert(event.thread, Some(label.clone()));
                }
                TraceKind::CallbackEnd => {
                    self.workers.insert(event.thread, None);
                }
                TraceKind::Exit { .. } => {
                    self.workers.remove(&event.thread);
                }
                _ => {}
            }
            return;
        }
        match &event.kind {
            TraceKind::CallbackStart { source, label, .. } => {
                self.running = Some((*source, label.clone()));
            }
            TraceKind::CallbackEnd => {
                self.running = None;
                self.stack.clear();
            }
            TraceKind::CallbackNamed { label, .. } => {
                // The user's function first: it names the callback, and
                // tops the stack above Node's frames.
                if let Some((_, running)) = &mut self.running {
                    running.clone_from(label);
                }
                self.stack.push(label.clone());
            }
            TraceKind::FramePush { name } => self.stack.push(name.clone()),
            TraceKind::FramePop => {
                self.stack.pop();
            }
            TraceKind::Console { text } => {
                self.console.push(ConsoleLine { t_us: event.t_us, text: text.clone() });
            }
            TraceKind::Stderr { text } => {
                self.console.push(ConsoleLine { t_us: event.t_us, text: text.clone() });
            }
            TraceKind::PhaseEnter { phase, iteration } => {
                self.phase = Some(*phase);
                self.iteration = *iteration;
            }
            TraceKind::QueueAdd { queue, id, label } => {
                let item = QueueItem { id: *id, label: label.clone() };
                self.queues.entry(*queue).or_default().push(item);
            }
            TraceKind::QueueTake { queue, id } => {
                if let Some(items) = self.queues.get_mut(queue) {
                    items.retain(|item| item.id != *id);
                }
            }
            TraceKind::PoolStart { job, thread, label, computes } => {
                let thread = *thread as usize;
                if self.pool.len() <= thread {
                    self.pool.resize(thread + 1, PoolThread::default());
                }
                self.pool[thread].job = Some(QueueItem { id: *job, label: label.clone() });
                self.pool[thread].computes = *computes;
            }
            TraceKind::PoolDone { thread, .. } => {
                if let Some(slot) = self.pool.get_mut(*thread as usize) {
                    slot.job = None;
                    slot.jobs_done += 1;
                }
            }
            TraceKind::KernelStart { id, label } => self.kernel.push(QueueItem { id: *id, label: label.clone() }),
            TraceKind::KernelDone { id } => self.kernel.retain(|item| item.id != *id),
            TraceKind::PollWait { .. } => self.waiting = true,
            TraceKind::PollWake => self.waiting = false,
            TraceKind::Exit { code } => {
                self.exit_code = Some(*code);
                self.phase = None;
            }
            TraceKind::RequestArrive { request, path } => {
                let path = match self.requests_in_flight.last() {
                    Some(last) if *last.path == **path => last.path.clone(),
                    _ => std::rc::Rc::from(path.as_str()),
                };
                self.requests_in_flight.push(RequestItem { id: *request, path, arrived_us: event.t_us });
            }
            TraceKind::RequestDone { request, .. } => {
                self.requests_in_flight.retain(|item| item.id != *request);
                self.requests_done += 1;
            }
        }
    }
}
