//! The timeline's model: the trace turned into spans on tracks — the main
//! thread's callbacks, each worker thread's, each pool thread's jobs, the
//! kernel's waits and the requests from arrival to answer — built once when
//! a run finishes, and what of it is visible in a window of time, with
//! spans too narrow to see merged (so 100,000 requests draw as a few
//! hundred marks, as Perfetto and DevTools do).

use looplab_core::trace::{Source, TraceEvent, TraceKind};
use std::collections::BTreeMap;
use std::rc::Rc;

/// What a span is, which sets its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpanKind {
    MainScript,
    Timer,
    /// A pool job's or an I/O completion's callback (fs, crypto, dns …).
    Io,
    /// A request reaching its handler.
    Request,
    Immediate,
    NextTick,
    Microtask,
    Close,
    Process,
    /// A job on a pool thread.
    PoolJob,
    /// A wait in the kernel (a database call, a socket).
    KernelWait,
    /// A request from its arrival to its answer.
    RequestBar,
}

impl SpanKind {
    /// The CSS class that colours it.
    pub fn class(self) -> &'static str {
        match self {
            SpanKind::MainScript => "tk-main",
            SpanKind::Timer => "tk-timer",
            SpanKind::Io => "tk-io",
            SpanKind::Request => "tk-request",
            SpanKind::Immediate => "tk-immediate",
            SpanKind::NextTick => "tk-tick",
            SpanKind::Microtask => "tk-micro",
            SpanKind::Close => "tk-close",
            SpanKind::Process => "tk-process",
            SpanKind::PoolJob => "tk-pool",
            SpanKind::KernelWait => "tk-kernel",
            SpanKind::RequestBar => "tk-bar",
        }
    }

    /// Where the callback came from, in Node's words (for the legend).
    pub fn name(self) -> &'static str {
        match self {
            SpanKind::MainScript => "main module",
            SpanKind::Timer => "timer",
            SpanKind::Io => "I/O callback",
            SpanKind::Request => "request handler",
            SpanKind::Immediate => "immediate",
            SpanKind::NextTick => "nextTick",
            SpanKind::Microtask => "microtask",
            SpanKind::Close => "close callback",
            SpanKind::Process => "process event",
            SpanKind::PoolJob => "pool job",
            SpanKind::KernelWait => "kernel wait",
            SpanKind::RequestBar => "request",
        }
    }

    fn of_callback(source: Source, label: &str) -> SpanKind {
        match source {
            Source::MainScript => SpanKind::MainScript,
            Source::Timer => SpanKind::Timer,
            Source::PoolCompletion if label == REQUEST_CALLBACK => SpanKind::Request,
            Source::PoolCompletion => SpanKind::Io,
            Source::Immediate => SpanKind::Immediate,
            Source::NextTick => SpanKind::NextTick,
            Source::Microtask => SpanKind::Microtask,
            Source::Close => SpanKind::Close,
            Source::ProcessEvent => SpanKind::Process,
        }
    }
}

/// One block on a track.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub start_us: u64,
    pub end_us: u64,
    /// What the block says: the user's function first, Node's name second.
    pub label: Rc<str>,
    pub kind: SpanKind,
    /// The user's source line (1-based), 0 when the code has none.
    pub line: u32,
    /// Node's own code, not the user's: drawn dimmed.
    pub internal: bool,
    /// The trace event where it starts, or where the user's function in it
    /// starts (clicking it goes there).
    pub event: usize,
}

/// A row of spans in start order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Track {
    pub name: String,
    pub spans: Vec<Span>,
    /// The longest span, so a window's first visible span can be found by
    /// a binary search on starts.
    longest_us: u64,
}

impl Track {
    fn named(name: impl Into<String>) -> Track {
        Track { name: name.into(), ..Track::default() }
    }

    fn push(&mut self, span: Span) {
        self.longest_us = self.longest_us.max(span.end_us - span.start_us);
        self.spans.push(span);
    }

    fn sort(&mut self) {
        self.spans.sort_by_key(|span| (span.start_us, span.event));
    }
}

/// Every track of a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tracks {
    pub tracks: Vec<Track>,
    pub end_us: u64,
    /// Each request bar's segments (what it waited for), by its span's
    /// event (the request's arrival).
    pub request_waits: std::collections::HashMap<usize, Rc<[crate::request_waits::Segment]>>,
}

/// What a window shows of one track: single spans, and marks that stand
/// for several spans too narrow to draw apart.
#[derive(Clone, Debug, PartialEq)]
pub enum Mark<'a> {
    One(&'a Span),
    Many { start_us: u64, end_us: u64, count: usize, first: &'a Span },
}

/// Rows the kernel's waits and the requests are packed into; more
/// overlapping ones share the row that frees up first.
pub const KERNEL_ROWS_MAX: usize = 4;
pub const REQUEST_ROWS_MAX: usize = 12;

/// The label Node's HTTP parser gives a request's callback.
const REQUEST_CALLBACK: &str = "parserOnIncoming";

/// Labels that are Node's internals, not the user's functions.
fn is_internal(label: &str) -> bool {
    label == REQUEST_CALLBACK
        || label.starts_with("readFileAfter")
        || matches!(label, "oncomplete" | "onLoadRequest" | "MessagePort.onmessage" | "(anonymous)" | "processPromiseRejections")
        || label.starts_with("process.emit(")
}

/// Builds the tracks of a finished run; spans still open at `end_us` (a
/// listening server, a trace cut at its cap) end there.
pub fn build(events: &[TraceEvent], end_us: u64) -> Tracks {
    let mut threads: BTreeMap<u32, Track> = BTreeMap::new();
    let mut open_callbacks: BTreeMap<u32, (u64, usize, SpanKind, Rc<str>, u32, bool)> = BTreeMap::new();
    let mut pool: BTreeMap<u32, Track> = BTreeMap::new();
    let mut open_jobs: BTreeMap<u64, (u64, usize, u32, Rc<str>)> = BTreeMap::new();
    let mut kernel = Packer::new("kernel", KERNEL_ROWS_MAX);
    let mut open_waits: BTreeMap<u64, (u64, usize, Rc<str>)> = BTreeMap::new();
    let mut requests = Packer::new("requests", REQUEST_ROWS_MAX);
    let mut open_requests: BTreeMap<u64, (u64, usize, Rc<str>)> = BTreeMap::new();
    for (index, event) in events.iter().enumerate() {
        let t_us = event.t_us;
        match &event.kind {
            TraceKind::CallbackStart { source, label, line } => {
                let kind = SpanKind::of_callback(*source, label);
                let internal = is_internal(label);
                let text: Rc<str> = match (internal, *line) {
                    (true, line) if line > 0 => Rc::from(format!("{} · line {line} ({label})", kind.name())),
                    (_, line) if line > 0 => Rc::from(format!("{label} · line {line}")),
                    _ => Rc::from(label.as_str()),
                };
                open_callbacks.insert(event.thread, (t_us, index, kind, text, *line, internal && *line == 0));
            }
            TraceKind::CallbackNamed { label, line } => {
                // The user's function, found inside Node's plumbing: it
                // names the block, Node's name second.
                if let Some((_, at, kind, text, open_line, internal)) = open_callbacks.get_mut(&event.thread) {
                    // Clicking the block goes to where the user's code starts.
                    *at = index;
                    let line = if *line > 0 { *line } else { *open_line };
                    *text = if line > 0 { Rc::from(format!("{label} · line {line}")) } else { Rc::from(label.as_str()) };
                    if *kind == SpanKind::Io && label.ends_with(" handler") {
                        *kind = SpanKind::Request;
                    }
                    *open_line = line;
                    *internal = false;
                }
            }
            TraceKind::CallbackEnd => {
                if let Some((start_us, at, kind, label, line, internal)) = open_callbacks.remove(&event.thread) {
                    let track = threads.entry(event.thread).or_insert_with(|| Track::named(thread_name(event.thread)));
                    track.push(Span { start_us, end_us: t_us, label, kind, line, internal, event: at });
                }
            }
            TraceKind::PoolStart { job, thread, label, .. } => {
                open_jobs.insert(*job, (t_us, index, *thread, Rc::from(label.as_str())));
            }
            TraceKind::PoolDone { job, .. } => {
                if let Some((start_us, at, thread, label)) = open_jobs.remove(job) {
                    let track = pool.entry(thread).or_insert_with(|| Track::named(format!("pool thread {}", thread + 1)));
                    track.push(Span { start_us, end_us: t_us, label, kind: SpanKind::PoolJob, line: 0, internal: false, event: at });
                }
            }
            TraceKind::KernelStart { id, label } => {
                open_waits.insert(*id, (t_us, index, Rc::from(label.as_str())));
            }
            TraceKind::KernelDone { id } => {
                if let Some((start_us, at, label)) = open_waits.remove(id) {
                    kernel.place(Span { start_us, end_us: t_us, label, kind: SpanKind::KernelWait, line: 0, internal: false, event: at });
                }
            }
            TraceKind::RequestArrive { request, path } => {
                open_requests.insert(*request, (t_us, index, Rc::from(path.as_str())));
            }
            TraceKind::RequestDone { request, status } => {
                if let Some((start_us, at, path)) = open_requests.remove(request) {
                    let label = Rc::from(format!("{path} → {status}"));
                    requests.place(Span { start_us, end_us: t_us, label, kind: SpanKind::RequestBar, line: 0, internal: false, event: at });
                }
            }
            _ => {}
        }
    }
    // What never ended runs to the end of the run.
    for (thread, (start_us, at, kind, label, line, internal)) in open_callbacks {
        let track = threads.entry(thread).or_insert_with(|| Track::named(thread_name(thread)));
        track.push(Span { start_us, end_us: end_us.max(start_us), label, kind, line, internal, event: at });
    }
    for (_, (start_us, at, thread, label)) in open_jobs {
        let track = pool.entry(thread).or_insert_with(|| Track::named(format!("pool thread {}", thread + 1)));
        track.push(Span { start_us, end_us: end_us.max(start_us), label, kind: SpanKind::PoolJob, line: 0, internal: false, event: at });
    }
    for (_, (start_us, at, label)) in open_waits {
        kernel.place(Span { start_us, end_us: end_us.max(start_us), label, kind: SpanKind::KernelWait, line: 0, internal: false, event: at });
    }
    for (_, (start_us, at, path)) in open_requests {
        let label = Rc::from(format!("{path} (no answer yet)"));
        requests.place(Span { start_us, end_us: end_us.max(start_us), label, kind: SpanKind::RequestBar, line: 0, internal: false, event: at });
    }
    let mut tracks: Vec<Track> = threads.into_values().collect();
    if tracks.is_empty() {
        tracks.push(Track::named(thread_name(0)));
    }
    tracks.extend(pool.into_values());
    tracks.extend(kernel.rows);
    tracks.extend(requests.rows);
    for track in &mut tracks {
        track.sort();
    }
    Tracks { tracks, end_us, request_waits: crate::request_waits::segments(events, end_us) }
}

fn thread_name(thread: u32) -> String {
    if thread == 0 {
        "main thread".to_string()
    } else {
        format!("worker {thread}")
    }
}

/// Packs overlapping spans into rows: the first row free at a span's
/// start takes it; with every row busy, the one that frees up first.
struct Packer {
    name: &'static str,
    rows_max: usize,
    rows: Vec<Track>,
    row_end_us: Vec<u64>,
}

impl Packer {
    fn new(name: &'static str, rows_max: usize) -> Packer {
        Packer { name, rows_max, rows: Vec::new(), row_end_us: Vec::new() }
    }

    fn place(&mut self, span: Span) {
        let free = self.row_end_us.iter().position(|&end_us| end_us <= span.start_us);
        let row = match free {
            Some(row) => row,
            None if self.rows.len() < self.rows_max => {
                let name = if self.rows.is_empty() { self.name.to_string() } else { String::new() };
                self.rows.push(Track::named(name));
                self.row_end_us.push(0);
                self.rows.len() - 1
            }
            None => (0..self.rows.len()).min_by_key(|&row| self.row_end_us[row]).unwrap_or(0),
        };
        self.row_end_us[row] = self.row_end_us[row].max(span.end_us);
        self.rows[row].push(span);
    }
}

/// The marks of `track` inside `[from_us, to_us]` when `us_per_mark` is
/// the narrowest a span may be to be drawn alone: neighbouring narrow
/// spans merge into one mark, and so do spans that overlap (a packed row
/// with every row busy), so a window draws at most a few marks per unit of
/// width however many spans it holds.
pub fn marks(track: &Track, from_us: u64, to_us: u64, us_per_mark: f64) -> Vec<Mark<'_>> {
    let first = track.spans.partition_point(|span| span.start_us.saturating_add(track.longest_us) < from_us);
    let mut marks: Vec<Mark<'_>> = Vec::new();
    for span in track.spans[first..].iter().take_while(|span| span.start_us <= to_us) {
        if span.end_us < from_us {
            continue;
        }
        let narrow = |start_us: u64, end_us: u64| ((end_us - start_us) as f64) < us_per_mark;
        let merged = match marks.last() {
            Some(Mark::One(last)) => {
                let joins = span.start_us < last.end_us
                    || (narrow(last.start_us, last.end_us) && narrow(span.start_us, span.end_us) && (span.start_us as f64) < last.end_us as f64 + us_per_mark);
                joins.then(|| Mark::Many { start_us: last.start_us, end_us: last.end_us.max(span.end_us), count: 2, first: last })
            }
            Some(Mark::Many { start_us, end_us, count, first }) => {
                let joins = span.start_us < *end_us || (narrow(span.start_us, span.end_us) && (span.start_us as f64) < *end_us as f64 + us_per_mark);
                joins.then(|| Mark::Many { start_us: *start_us, end_us: (*end_us).max(span.end_us), count: count + 1, first })
            }
            None => None,
        };
        match merged {
            Some(mark) => {
                if let Some(last) = marks.last_mut() {
                    *last = mark;
                }
            }
            None => marks.push(Mark::One(span)),
        }
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;
    use looplab_core::trace::{Source, TraceEvent, TraceKind};

    fn event(t_us: u64, thread: u32, kind: TraceKind) -> TraceEvent {
        TraceEvent { t_us, thread, kind }
    }

    fn start(t_us: u64, source: Source, label: &str, line: u32) -> TraceEvent {
        event(t_us, 0, TraceKind::CallbackStart { source, label: label.to_string(), line })
    }

    #[test]
    fn callbacks_jobs_waits_and_requests_become_spans() {
        let events = vec![
            start(0, Source::MainScript, "(main module)", 0),
            event(5, 0, TraceKind::PoolStart { job: 1, thread: 2, label: "pbkdf2".into(), computes: true }),
            event(10, 0, TraceKind::CallbackEnd),
            event(20, 0, TraceKind::RequestArrive { request: 7, path: "/heavy".into() }),
            start(21, Source::PoolCompletion, "parserOnIncoming", 10),
            event(22, 0, TraceKind::KernelStart { id: 3, label: "db.query".into() }),
            event(221, 0, TraceKind::CallbackEnd),
            event(300, 0, TraceKind::KernelDone { id: 3 }),
            event(400, 0, TraceKind::PoolDone { job: 1, thread: 2 }),
            event(410, 0, TraceKind::RequestDone { request: 7, status: 200 }),
        ];
        let tracks = build(&events, 500);
        let names: Vec<&str> = tracks.tracks.iter().map(|track| track.name.as_str()).collect();
        assert_eq!(names, ["main thread", "pool thread 3", "kernel", "requests"]);
        let main = &tracks.tracks[0].spans;
        assert_eq!(main.len(), 2);
        assert_eq!((main[1].start_us, main[1].end_us, main[1].kind), (21, 221, SpanKind::Request));
        // The user's handler first, Node's name second.
        assert_eq!(&*main[1].label, "request handler · line 10 (parserOnIncoming)");
        assert!(!main[1].internal, "a callback with a user line is the user's");
        assert_eq!(main[1].event, 4);
        let named = [
            start(0, Source::PoolCompletion, "parserOnIncoming", 0),
            event(3, 0, TraceKind::CallbackNamed { label: "GET /heavy handler".into(), line: 10 }),
            event(200, 0, TraceKind::CallbackEnd),
        ];
        let span = &build(&named, 300).tracks[0].spans[0];
        assert_eq!((&*span.label, span.kind, span.internal, span.event), ("GET /heavy handler · line 10", SpanKind::Request, false, 1));
        assert_eq!((tracks.tracks[1].spans[0].start_us, tracks.tracks[1].spans[0].end_us), (5, 400));
        assert_eq!(&*tracks.tracks[3].spans[0].label, "/heavy → 200");
    }

    #[test]
    fn overlapping_requests_pack_into_rows_and_narrow_spans_merge() {
        let mut events = Vec::new();
        for request in 0..1000u64 {
            events.push(event(request * 10, 0, TraceKind::RequestArrive { request, path: "/".into() }));
        }
        for request in 0..1000u64 {
            events.push(event(100_000 + request, 0, TraceKind::RequestDone { request, status: 200 }));
        }
        events.sort_by_key(|event| event.t_us);
        let tracks = build(&events, 200_000);
        assert_eq!(tracks.tracks.iter().filter(|track| track.spans.first().is_some_and(|span| span.kind == SpanKind::RequestBar)).count(), REQUEST_ROWS_MAX);
        let total: usize = tracks.tracks.iter().map(|track| track.spans.len()).sum();
        assert_eq!(total, 1000, "every request is on a row");
        // Zoomed out, a row of long overlapping bars draws few marks.
        let row = tracks.tracks.iter().find(|track| track.name == "requests").expect("a requests row");
        let marks = marks(row, 0, 200_000, 200.0);
        assert!(matches!(marks.as_slice(), [Mark::Many { count, .. }] if *count == row.spans.len()), "overlapping bars merge: {marks:?}");
        // Zoomed in far enough, the first bar stands alone.
        let zoomed = super::marks(row, 0, 5, 0.01);
        assert!(matches!(zoomed.first(), Some(Mark::One(span)) if span.start_us == 0));
    }

    #[test]
    fn a_window_finds_spans_that_start_before_it() {
        let events = vec![
            start(0, Source::Timer, "tick", 3),
            event(1_000, 0, TraceKind::CallbackEnd),
            start(2_000, Source::Timer, "tock", 4),
            event(2_001, 0, TraceKind::CallbackEnd),
        ];
        let tracks = build(&events, 3_000);
        let marks = marks(&tracks.tracks[0], 500, 600, 1.0);
        assert!(matches!(marks.as_slice(), [Mark::One(span)] if &*span.label == "tick · line 3"));
    }
}
