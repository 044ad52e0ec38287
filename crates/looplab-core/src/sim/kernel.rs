//! Kernel I/O: sockets that become ready without a thread, and messages
//! between JS threads (a `uv_async` into the receiver's poll phase).

#[allow(unused_imports)]
use super::*;

impl Core {
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
}
