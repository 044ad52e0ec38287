//! Runaway diagnosis: what the main thread has been running lately, so a
//! run stopped by a limit can say why it never ended.

#[allow(unused_imports)]
use super::*;

/// What the main thread has been running lately, so a run stopped by a
/// limit can say why it never ended: the starvation the Node docs warn of
/// ("The Node.js Event Loop": a recursive `process.nextTick` "prevents the
/// event loop from reaching the poll phase"), or a loop that never idles.
#[derive(Debug, Default)]
pub(super) struct RecentCallbacks {
    /// The phase the main thread's loop last entered; None while the main
    /// module and what it queued still run (the loop has not started).
    pub(super) phase: Option<Phase>,
    /// Callbacks by [`Source`] since the loop entered `phase`.
    pub(super) since_phase: [u64; SOURCE_KINDS],
    /// The sources of the last [`RECENT_CALLBACKS`] callbacks, as a ring.
    pub(super) window: Vec<u8>,
    pub(super) window_at: usize,
}

pub(super) const SOURCE_KINDS: usize = 8;
// The counters are indexed by `Source as usize`: a new source must grow them.
const _: () = assert!(Source::ProcessEvent as usize + 1 == SOURCE_KINDS);
pub(super) const RECENT_CALLBACKS: usize = 4096;

impl RecentCallbacks {
    pub(super) fn phase_entered(&mut self, phase: Phase) {
        self.phase = Some(phase);
        self.since_phase = [0; SOURCE_KINDS];
    }

    pub(super) fn callback(&mut self, source: Source) {
        let kind = source as usize;
        self.since_phase[kind] += 1;
        if self.window.len() < RECENT_CALLBACKS {
            self.window.push(kind as u8);
        } else {
            self.window[self.window_at] = kind as u8;
            self.window_at = (self.window_at + 1) % RECENT_CALLBACKS;
        }
    }

    /// A sentence on why the run did not end by itself, or None when the
    /// callbacks show nothing that stands out.
    pub(super) fn diagnose(&self) -> Option<String> {
        let stuck: u64 = self.since_phase.iter().sum();
        let share = |counts: &[u64; SOURCE_KINDS], source: Source, of: u64| of > 0 && counts[source as usize] * 10 >= of * 9;
        // The loop has not moved on for a whole window of callbacks: the
        // queues drained after every callback are refilling themselves.
        if stuck >= RECENT_CALLBACKS as u64 {
            let never = match self.phase {
                None => "the event loop never starts: no timer, I/O callback or immediate ever runs".to_string(),
                Some(phase) => format!("the loop stays in the {} phase: timers, I/O and immediates never get their turn", phase.name()),
            };
            if share(&self.since_phase, Source::NextTick, stuck) {
                return Some(format!(
                    "process.nextTick keeps re-queueing itself, and Node drains the nextTick queue completely after every callback, so {never}. This is the starvation real Node shows."
                ));
            }
            if share(&self.since_phase, Source::Microtask, stuck) {
                return Some(format!(
                    "promise callbacks keep queueing more (a chain of then() or await that never ends), and Node drains the microtask queue completely after every callback, so {never}. This is the starvation real Node shows."
                ));
            }
        }
        if self.window.len() < RECENT_CALLBACKS {
            return None;
        }
        let mut counts = [0u64; SOURCE_KINDS];
        for kind in &self.window {
            counts[*kind as usize] += 1;
        }
        let of = RECENT_CALLBACKS as u64;
        if share(&counts, Source::Immediate, of) {
            return Some(
                "setImmediate keeps queueing another immediate, so the loop never goes idle and the process never exits. Timers and I/O still get their turn each loop iteration, as in real Node.".to_string(),
            );
        }
        if share(&counts, Source::Timer, of) {
            return Some("a timer keeps firing (a setInterval, or a setTimeout that sets itself again), so the process never exits; real Node would run it until clearInterval or clearTimeout.".to_string());
        }
        None
    }
}
