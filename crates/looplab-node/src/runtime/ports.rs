//! MessagePorts across threads (Node docs, worker_threads, "Class:
//! MessageChannel"): the two ends of a channel are entangled; either may
//! move to another thread inside a message (its transfer list), and closing
//! either closes both. One table for the process, shared by every thread's
//! runtime, says where each end lives, which end is its peer, and whether
//! the channel is closed. The objects themselves are each thread's
//! (`lib_js/worker_threads.js`).

use looplab_core::ThreadId;
use std::collections::BTreeMap;

/// A message's `port` at or above this is a MessagePort's id; below it, a
/// worker's thread id (the Worker object or `parentPort`).
pub const PORT_BASE: u64 = 1 << 40;
/// The `port` of the message that terminates a worker (`worker.terminate()`).
pub const TERMINATE_PORT: u64 = u64::MAX;

#[derive(Clone, Copy)]
struct PortEntry {
    thread: ThreadId,
    peer: u64,
    closed: bool,
}

/// Where a message posted on one end goes.
pub enum Route {
    /// The peer's thread and the message `port` that reaches it.
    To(ThreadId, u64),
    /// The channel is closed: the message is dropped.
    Closed,
    /// The peer itself is in the transfer list: the channel is lost.
    Lost,
}

#[derive(Default)]
pub struct Ports {
    next: u64,
    entries: BTreeMap<u64, PortEntry>,
}

impl Ports {
    /// A new channel with both ends on `thread`: their ids.
    pub fn channel(&mut self, thread: ThreadId) -> (u64, u64) {
        let first = self.next + 1;
        let second = self.next + 2;
        self.next += 2;
        self.entries.insert(first, PortEntry { thread, peer: second, closed: false });
        self.entries.insert(second, PortEntry { thread, peer: first, closed: false });
        (first, second)
    }

    /// Where a message from `from` goes, carrying the ports `moved`.
    pub fn route(&self, from: u64, moved: &[u64]) -> Route {
        let Some(entry) = self.entries.get(&from) else { return Route::Closed };
        if entry.closed {
            return Route::Closed;
        }
        if moved.contains(&entry.peer) {
            return Route::Lost;
        }
        match self.entries.get(&entry.peer) {
            Some(peer) => Route::To(peer.thread, PORT_BASE + entry.peer),
            None => Route::Closed,
        }
    }

    /// The ports `moved` now live on `thread` (a transfer).
    pub fn move_to(&mut self, moved: &[u64], thread: ThreadId) {
        for id in moved {
            if let Some(entry) = self.entries.get_mut(id) {
                entry.thread = thread;
            }
        }
    }

    /// Closes `id`'s channel: where each end lives, for its 'close'.
    pub fn close(&mut self, id: u64) -> Vec<(ThreadId, u64)> {
        let Some(entry) = self.entries.get(&id).copied() else { return Vec::new() };
        let mut ends = Vec::new();
        for end in [id, entry.peer] {
            if let Some(entry) = self.entries.get_mut(&end) {
                entry.closed = true;
                ends.push((entry.thread, PORT_BASE + end));
            }
        }
        ends
    }

    /// A thread ended: its ports close, and each peer elsewhere is told
    /// (where it lives, and the message `port` that reaches it).
    pub fn close_thread(&mut self, thread: ThreadId) -> Vec<(ThreadId, u64)> {
        let here: Vec<u64> = self.entries.iter().filter(|(_, entry)| entry.thread == thread && !entry.closed).map(|(id, _)| *id).collect();
        let mut peers = Vec::new();
        for id in here {
            for (end_thread, port) in self.close(id) {
                if end_thread != thread {
                    peers.push((end_thread, port));
                }
            }
        }
        peers
    }
}
