//! The event queue: everything that happens is an [`Event`] ordered by
//! `(at_us, seq)`, virtual time first and then the order in which events
//! were scheduled, so ties are broken in insertion order.

#[allow(unused_imports)]
use super::*;

/// What the engine does at a point in time.
#[derive(Debug)]
pub(super) enum Event {
    /// A JS thread has finished its current callback (or was woken, or
    /// started) and continues its event loop.
    ThreadFree { thread: ThreadId },
    /// Work reaches the thread pool's queue.
    /// Boxed: the queue of events moves its entries, so they stay small.
    PoolSubmit(Box<Job>),
    /// A pool thread finishes its job.
    PoolDone { thread: u32 },
    /// The poll phase's timeout expires (`epoll_wait` returns with nothing).
    PollTimeout { thread: ThreadId, generation: u64 },
    /// Kernel I/O (a socket) becomes ready: no thread was involved.
    KernelReady { thread: ThreadId, id: u64, callback: usize },
    /// A message posted to another JS thread arrives (a `MessagePort`,
    /// signalled through a `uv_async` handle into the receiver's poll phase).
    Message { thread: ThreadId, port: u64, payload: String },
    /// A client of the scenario's load sends a request.
    Arrival { group: u32, connection: u32 },
    /// A computing thread may be done (stale if its token moved on).
    CpuDone { owner: crate::cpu::CpuOwner, token: u64 },
    /// A thread-per-request server thread's blocking I/O returns.
    DirectDone { index: u32 },
}

#[derive(Debug)]
pub(super) struct Scheduled {
    pub(super) at_us: u64,
    pub(super) seq: u64,
    pub(super) event: Event,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Scheduled) -> bool {
        (self.at_us, self.seq) == (other.at_us, other.seq)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Scheduled) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    fn cmp(&self, other: &Scheduled) -> Ordering {
        (self.at_us, self.seq).cmp(&(other.at_us, other.seq))
    }
}

impl Core {
    pub(super) fn schedule(&mut self, at_us: u64, event: Event) {
        debug_assert!(at_us >= self.now_us, "events are never scheduled in the past");
        self.seq += 1;
        self.events.push(Reverse(Scheduled { at_us, seq: self.seq, event }));
    }

    pub(super) fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}
