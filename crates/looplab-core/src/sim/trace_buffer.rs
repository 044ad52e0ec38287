//! The time-ordered trace, built from entries recorded ahead of the event
//! being processed (a callback's effects at its CPU cursor's time).

#[allow(unused_imports)]
use super::*;

impl<G: Guest> Sim<G> {
    /// The finished part of the trace, handed over and forgotten, so a long
    /// run can be streamed in chunks.
    pub fn drain_trace(&mut self) -> Vec<TraceEvent> {
        std::mem::take(&mut self.core.trace.flushed)
    }
}

/// The time-ordered trace, built from entries that may be recorded ahead of
/// the event being processed (a callback's effects at its cursor's time).
#[derive(Debug, Default)]
pub(super) struct TraceBuffer {
    /// Measuring only (benchmarks): nothing is recorded.
    pub(super) off: bool,
    pending: BinaryHeap<Reverse<(u64, u64, PendingEntry)>>,
    seq: u64,
    pub(super) flushed: Vec<TraceEvent>,
}

/// A trace entry waiting to be flushed; ordered only by its key.
#[derive(Debug)]
struct PendingEntry(u32, TraceKind);

impl PartialEq for PendingEntry {
    fn eq(&self, _: &PendingEntry) -> bool {
        true
    }
}
impl Eq for PendingEntry {}
impl PartialOrd for PendingEntry {
    fn partial_cmp(&self, other: &PendingEntry) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for PendingEntry {
    fn cmp(&self, _: &PendingEntry) -> Ordering {
        Ordering::Equal
    }
}

impl TraceBuffer {
    pub(super) fn record(&mut self, t_us: u64, thread: ThreadId, kind: TraceKind) {
        if self.off {
            return;
        }
        self.seq += 1;
        self.pending.push(Reverse((t_us, self.seq, PendingEntry(thread.0, kind))));
    }

    /// Moves every entry at or before `t_us` into the finished trace.
    pub(super) fn flush_until(&mut self, t_us: u64) {
        while let Some(Reverse((at_us, _, _))) = self.pending.peek() {
            if *at_us > t_us {
                break;
            }
            if let Some(Reverse((at_us, _, PendingEntry(thread, kind)))) = self.pending.pop() {
                self.flushed.push(TraceEvent { t_us: at_us, thread, kind });
            }
        }
    }
}

impl Core {
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
}
