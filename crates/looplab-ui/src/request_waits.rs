//! What each request was waiting for, from its arrival to its answer: the
//! kernel's accept queue (until its handler first runs), the main thread
//! (its callbacks running, or queued for the thread), the pool, the kernel
//! (a database call, a socket), or a timer — the segments of its bar on the
//! timeline.
//!
//! The trace says which request a callback serves only at the start: the
//! poll item that delivers it. From there the request follows its work as
//! Node's async context does (AsyncLocalStorage): whatever a callback of
//! the request queues (a timer, a nextTick, a promise reaction, a pool job,
//! a kernel wait) belongs to it, and so does the callback that work calls
//! back. An operation keeps one id from its queueing to its completion's
//! poll item (`q+ pool work #3` … `done job #3` … `q+ poll #3`), which is
//! what ties them together.

use looplab_core::trace::{QueueKind, TraceEvent, TraceKind};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

/// What a request waits for during a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Wait {
    /// Arrived, its handler not yet run: the kernel's accept queue and the
    /// poll phase's queue, waiting for the main thread to get to it.
    Accept,
    /// One of its callbacks runs on the main thread.
    Running,
    /// Its next callback is queued for the main thread.
    MainThread,
    /// Its work waits for or runs on a pool thread.
    Pool,
    /// It waits in the kernel: a database call, a socket, a file.
    Io,
    /// It waits for a timer to be due.
    Timer,
}

impl Wait {
    pub const ALL: [Wait; 6] = [Wait::Accept, Wait::Running, Wait::MainThread, Wait::Pool, Wait::Io, Wait::Timer];

    pub fn class(self) -> &'static str {
        match self {
            Wait::Accept => "tk-w-accept",
            Wait::Running => "tk-w-running",
            Wait::MainThread => "tk-w-main",
            Wait::Pool => "tk-w-pool",
            Wait::Io => "tk-w-io",
            Wait::Timer => "tk-w-timer",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Wait::Accept => "accept queue",
            Wait::Running => "running",
            Wait::MainThread => "waiting for the main thread",
            Wait::Pool => "pool",
            Wait::Io => "I/O",
            Wait::Timer => "timer",
        }
    }

    /// When several things of one request are outstanding at once, the
    /// one the bar shows: running beats waiting for the thread, which
    /// beats waiting on the pool, the kernel, then a timer.
    fn precedence(self) -> u8 {
        match self {
            Wait::Running => 0,
            Wait::Accept | Wait::MainThread => 1,
            Wait::Pool => 2,
            Wait::Io => 3,
            Wait::Timer => 4,
        }
    }
}

/// A stretch of a request's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub start_us: u64,
    pub end_us: u64,
    pub wait: Wait,
}

/// Each answered or open request's segments, by the index of its
/// `RequestArrive` event (as the timeline's request spans are keyed).
pub fn segments(events: &[TraceEvent], end_us: u64) -> HashMap<usize, Rc<[Segment]>> {
    // A visit: one request from its arrival (request ids are load slots,
    // reused once answered).
    struct Visit {
        arrived_us: u64,
        arrival: usize,
        stretches: Vec<(u64, u64, Wait)>,
    }
    let mut visits: Vec<Visit> = Vec::new();
    let mut visit_of_request: HashMap<u64, usize> = HashMap::new();
    let mut last_arrival: Option<(u64, usize)> = None;
    // The request of the callback that ran last on each thread (work it
    // queues is recorded as it ends, at the same moment).
    let mut last_callback: HashMap<u32, Option<usize>> = HashMap::new();
    let mut running: HashMap<u32, (usize, u64)> = HashMap::new();
    let mut taken: HashMap<u32, usize> = HashMap::new();
    let mut queued: BTreeMap<(QueueKind, u64), (usize, u64)> = BTreeMap::new();
    let mut operations: HashMap<u64, usize> = HashMap::new();
    let mut open_operations: HashMap<u64, (usize, u64, Wait)> = HashMap::new();
    let mut done: HashMap<usize, Rc<[Segment]>> = HashMap::new();

    for (index, event) in events.iter().enumerate() {
        let t_us = event.t_us;
        let thread = event.thread;
        match &event.kind {
            TraceKind::RequestArrive { request, .. } => {
                let visit = visits.len();
                visits.push(Visit { arrived_us: t_us, arrival: index, stretches: Vec::new() });
                visit_of_request.insert(*request, visit);
                last_arrival = Some((t_us, visit));
            }
            TraceKind::QueueAdd { queue, id, label } => {
                let owner = match queue {
                    // A completion belongs to its operation's request; a
                    // request's own delivery follows its arrival.
                    QueueKind::Poll => operations
                        .get(id)
                        .copied()
                        .or_else(|| last_arrival.filter(|(arrived_us, _)| *arrived_us == t_us && label.starts_with("request ")).map(|(_, visit)| visit)),
                    _ => last_callback.get(&thread).copied().flatten(),
                };
                if let Some(visit) = owner {
                    queued.insert((*queue, *id), (visit, t_us));
                    if *queue == QueueKind::PoolWork {
                        operations.insert(*id, visit);
                    }
                }
            }
            TraceKind::QueueTake { queue, id } => {
                if let Some((visit, added_us)) = queued.remove(&(*queue, *id)) {
                    let wait = match queue {
                        QueueKind::Timers => Wait::Timer,
                        QueueKind::PoolWork => Wait::Pool,
                        _ => Wait::MainThread,
                    };
                    visits[visit].stretches.push((added_us, t_us, wait));
                    if *queue != QueueKind::PoolWork {
                        taken.insert(thread, visit);
                    }
                } else if *queue != QueueKind::PoolWork {
                    taken.remove(&thread);
                }
            }
            TraceKind::CallbackStart { .. } => {
                let owner = taken.remove(&thread);
                last_callback.insert(thread, owner);
                if let Some(visit) = owner {
                    running.insert(thread, (visit, t_us));
                }
            }
            TraceKind::CallbackEnd => {
                if let Some((visit, started_us)) = running.remove(&thread) {
                    visits[visit].stretches.push((started_us, t_us, Wait::Running));
                }
            }
            TraceKind::PoolStart { job, .. } => {
                if let Some(&visit) = operations.get(job) {
                    open_operations.insert(*job, (visit, t_us, Wait::Pool));
                }
            }
            TraceKind::KernelStart { id, .. } => {
                if let Some(visit) = last_callback.get(&thread).copied().flatten() {
                    operations.insert(*id, visit);
                    open_operations.insert(*id, (visit, t_us, Wait::Io));
                }
            }
            TraceKind::PoolDone { job: id, .. } | TraceKind::KernelDone { id } => {
                if let Some((visit, started_us, wait)) = open_operations.remove(id) {
                    visits[visit].stretches.push((started_us, t_us, wait));
                }
            }
            TraceKind::RequestDone { request, .. } => {
                if let Some(visit) = visit_of_request.remove(request) {
                    // Answered from inside its callback: it ran until now.
                    for (owner, started_us) in running.values() {
                        if *owner == visit {
                            visits[visit].stretches.push((*started_us, t_us, Wait::Running));
                        }
                    }
                    let Visit { arrived_us, arrival, stretches } = &visits[visit];
                    done.insert(*arrival, lay_out(*arrived_us, t_us, stretches));
                }
            }
            _ => {}
        }
    }
    // Requests still open at the end run to it.
    for visit in visit_of_request.into_values() {
        let Visit { arrived_us, arrival, stretches } = &visits[visit];
        done.insert(*arrival, lay_out(*arrived_us, end_us.max(*arrived_us), stretches));
    }
    done
}

/// The segments of a life from `from_us` to `to_us`: at each moment, the
/// outstanding stretch of highest precedence; before its first callback
/// runs, waiting is the accept queue.
fn lay_out(from_us: u64, to_us: u64, stretches: &[(u64, u64, Wait)]) -> Rc<[Segment]> {
    let mut cuts: Vec<u64> = vec![from_us, to_us];
    for &(start_us, end_us, _) in stretches {
        cuts.extend([start_us.clamp(from_us, to_us), end_us.clamp(from_us, to_us)]);
    }
    cuts.sort_unstable();
    cuts.dedup();
    let first_run_us = stretches.iter().filter(|(.., wait)| *wait == Wait::Running).map(|(start_us, ..)| *start_us).min().unwrap_or(to_us);
    let mut segments: Vec<Segment> = Vec::new();
    for pair in cuts.windows(2) {
        let (start_us, end_us) = (pair[0], pair[1]);
        let outstanding = stretches.iter().filter(|(from, to, _)| *from <= start_us && end_us <= *to && from < to).map(|(.., wait)| *wait);
        let mut wait = outstanding.min_by_key(|wait| wait.precedence()).unwrap_or(Wait::MainThread);
        if start_us < first_run_us && wait != Wait::Running {
            wait = Wait::Accept;
        }
        match segments.last_mut() {
            Some(last) if last.wait == wait && last.end_us == start_us => last.end_us = end_us,
            _ => segments.push(Segment { start_us, end_us, wait }),
        }
    }
    segments.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::tests::loaded;
    use crate::state::Knobs;

    #[test]
    fn a_file_servers_request_waits_for_the_pool_between_its_callbacks() {
        let state = loaded("file-server-pool-4", Knobs::default());
        let all = segments(&state.events, state.end_us());
        assert!(!all.is_empty());
        let (_, first) = all.iter().min_by_key(|(index, _)| **index).expect("a request");
        let waits: Vec<Wait> = first.iter().map(|segment| segment.wait).collect();
        assert_eq!(waits.first(), Some(&Wait::Accept), "{first:?}");
        assert!(waits.contains(&Wait::Running) && waits.contains(&Wait::Pool), "{first:?}");
        // The segments tile the request's life.
        assert!(first.windows(2).all(|pair| pair[0].end_us == pair[1].start_us));
        // The pool's share is most of it: the reads are the work.
        let pool_us: u64 = first.iter().filter(|segment| segment.wait == Wait::Pool).map(|segment| segment.end_us - segment.start_us).sum();
        let life_us = first.last().map_or(0, |last| last.end_us) - first[0].start_us;
        assert!(pool_us * 2 > life_us, "pool {pool_us} of {life_us} µs");
    }

    #[test]
    fn a_stalled_requests_bar_is_mostly_the_accept_queue() {
        let state = loaded("stall-on-main-thread", Knobs::default());
        let all = segments(&state.events, state.end_us());
        let longest_accept = all
            .values()
            .flat_map(|segments| segments.iter().filter(|segment| segment.wait == Wait::Accept).map(|segment| segment.end_us - segment.start_us))
            .max()
            .unwrap_or(0);
        assert!(longest_accept > 100_000, "a /fast request waits behind the 200 ms stall: {longest_accept} µs");
        for segments in all.values() {
            assert!(segments.iter().any(|segment| segment.wait == Wait::Running), "every answered request ran: {segments:?}");
        }
    }
}
