//! The UI's state and the closed set of actions that change it. Pure logic,
//! tested natively; the components only render it and dispatch actions.

use looplab_core::view::View;
use looplab_core::{Phase, Source, TraceEvent, TraceKind};
use looplab_protocol::{FromWorker, RunSummary};
use std::rc::Rc;

/// Playback speeds, as multiples of the base pace of one trace event per
/// [`BASE_STEP_MS`].
pub const SPEEDS: [f64; 7] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0];
pub const DEFAULT_SPEED_INDEX: usize = 2;
pub const BASE_STEP_MS: f64 = 160.0;

#[derive(Clone, Debug, PartialEq)]
pub enum WorkerStatus {
    Starting,
    Ready,
    Failed(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    pub worker: WorkerStatus,
    pub run_id: u64,
    pub scenario_id: String,
    pub title: String,
    pub source: String,
    pub pool_size: u32,
    /// Every trace event received so far for the current run.
    pub events: Rc<Vec<TraceEvent>>,
    /// How many events the animation has applied.
    pub cursor: usize,
    pub view: View,
    pub playing: bool,
    pub speed_index: usize,
    pub summary: Option<RunSummary>,
    pub error: Option<String>,
}

/// Everything that can happen to the UI.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The page asked the worker for a run with this id.
    RunRequested {
        run_id: u64,
    },
    WorkerCrashed(String),
    FromWorker(FromWorker),
    TogglePlay,
    /// One beat of playback while playing.
    Tick,
    StepForward,
    StepBack,
    Restart,
    ToEnd,
    Faster,
    Slower,
    SetSpeed(usize),
}

impl Default for AppState {
    fn default() -> AppState {
        AppState {
            worker: WorkerStatus::Starting,
            run_id: 0,
            scenario_id: "readfile-intro".to_string(),
            title: String::new(),
            source: String::new(),
            pool_size: 4,
            events: Rc::new(Vec::new()),
            cursor: 0,
            view: View::new(4),
            playing: false,
            speed_index: DEFAULT_SPEED_INDEX,
            summary: None,
            error: None,
        }
    }
}

impl AppState {
    pub fn apply(mut self, action: Action) -> AppState {
        match action {
            Action::RunRequested { run_id } => {
                self.run_id = run_id;
                self.events = Rc::new(Vec::new());
                self.summary = None;
                self.error = None;
                self.seek(0);
            }
            Action::WorkerCrashed(message) => {
                self.worker = WorkerStatus::Failed(message);
                self.playing = false;
            }
            Action::FromWorker(message) => self.receive(message),
            Action::TogglePlay => {
                if self.playing {
                    self.playing = false;
                } else if self.can_play() {
                    if self.at_end() {
                        self.seek(0);
                    }
                    self.playing = true;
                }
            }
            Action::Tick => {
                if self.playing {
                    self.step_forward();
                    if self.at_end() {
                        self.playing = false;
                    }
                }
            }
            Action::StepForward => {
                self.playing = false;
                self.step_forward();
            }
            Action::StepBack => {
                self.playing = false;
                self.seek(self.cursor.saturating_sub(1));
            }
            Action::Restart => {
                self.playing = false;
                self.seek(0);
            }
            Action::ToEnd => {
                self.playing = false;
                self.seek(self.events.len());
            }
            Action::Faster => self.speed_index = (self.speed_index + 1).min(SPEEDS.len() - 1),
            Action::Slower => self.speed_index = self.speed_index.saturating_sub(1),
            Action::SetSpeed(index) => self.speed_index = index.min(SPEEDS.len() - 1),
        }
        self
    }

    fn receive(&mut self, message: FromWorker) {
        match message {
            FromWorker::Ready { .. } => self.worker = WorkerStatus::Ready,
            FromWorker::Started { run_id, source, title, pool_size } if run_id == self.run_id => {
                self.source = source;
                self.title = title;
                self.pool_size = pool_size;
                self.seek(0);
            }
            FromWorker::Trace { run_id, events } if run_id == self.run_id => {
                Rc::make_mut(&mut self.events).extend(events);
            }
            FromWorker::Finished { run_id, summary } if run_id == self.run_id => {
                self.summary = Some(summary);
            }
            FromWorker::Failed { run_id, message } if run_id == self.run_id || run_id == 0 => {
                self.error = Some(message);
                self.playing = false;
            }
            // An answer to a run the page no longer shows.
            _ => {}
        }
    }

    fn can_play(&self) -> bool {
        !self.events.is_empty()
    }

    pub fn at_end(&self) -> bool {
        self.summary.is_some() && self.cursor >= self.events.len()
    }

    /// Applies the next event; `false` when there is none yet.
    fn step_forward(&mut self) -> bool {
        match self.events.get(self.cursor) {
            Some(event) => {
                self.view.apply(event);
                self.cursor += 1;
                true
            }
            None => false,
        }
    }

    /// Rebuilds the view after the first `cursor` events (stepping back
    /// replays from the start: the trace is the only source of truth).
    fn seek(&mut self, cursor: usize) {
        let cursor = cursor.min(self.events.len());
        self.view = View::after(self.pool_size, &self.events, cursor);
        self.cursor = cursor;
    }

    pub fn step_interval_ms(&self) -> u32 {
        (BASE_STEP_MS / SPEEDS[self.speed_index]).round().max(1.0) as u32
    }

    /// The last applied event in words: the animation's text alternative.
    pub fn narration(&self) -> String {
        match self.cursor.checked_sub(1).and_then(|index| self.events.get(index)) {
            Some(event) => narrate(&event.kind),
            None if self.events.is_empty() => "Waiting for the simulation…".to_string(),
            None => "Ready. Press play (space) to watch the process run.".to_string(),
        }
    }

    pub fn stop_description(&self) -> Option<String> {
        self.summary.as_ref().map(|summary| summary.stop_reason.describe())
    }
}

/// One sentence for one trace event, in the seeds' plain language.
pub fn narrate(kind: &TraceKind) -> String {
    match kind {
        TraceKind::CallbackStart { source: Source::MainScript, .. } => "The main thread starts running your script from top to bottom.".to_string(),
        TraceKind::CallbackStart { source, label } => {
            format!("The event loop hands the main thread `{label}` ({}).", source.name())
        }
        TraceKind::CallbackEnd => "The callback returns; the call stack is empty again.".to_string(),
        TraceKind::FramePush { name } => format!("`{name}` is pushed onto the call stack."),
        TraceKind::FramePop => "A function returns and leaves the call stack.".to_string(),
        TraceKind::Console { text } => format!("console.log prints \"{text}\"."),
        TraceKind::Stderr { text } => format!("console.error prints \"{text}\" (on stderr)."),
        TraceKind::PhaseEnter { phase, .. } => phase_sentence(*phase).to_string(),
        TraceKind::QueueAdd { queue, label, .. } => {
            format!("`{label}` joins the {} queue.", queue.name())
        }
        TraceKind::QueueTake { queue, .. } => format!("An item leaves the {} queue.", queue.name()),
        TraceKind::PoolStart { thread, label, .. } => {
            format!("Pool thread {thread} picks up `{label}`; the main thread is not involved.")
        }
        TraceKind::PoolDone { thread, .. } => {
            format!("Pool thread {thread} is done and queues the result for the poll phase.")
        }
        TraceKind::KernelStart { label, .. } => {
            format!("The kernel waits on `{label}` for us: no thread is used while it waits.")
        }
        TraceKind::KernelDone { .. } => "The kernel reports the operation ready (epoll); its callback joins the poll queue.".to_string(),
        TraceKind::PollWait { timeout_ms: Some(ms) } => {
            format!("Nothing to run: the loop waits in poll for I/O, at most {ms} ms (until the next timer).")
        }
        TraceKind::PollWait { timeout_ms: None } => "Nothing to run: the loop sleeps in poll until some I/O completes.".to_string(),
        TraceKind::PollWake => "I/O completed: the loop wakes up.".to_string(),
        TraceKind::Exit { code } => {
            format!("Nothing keeps the loop alive: the process exits (code {code}).")
        }
        TraceKind::RequestArrive { path, .. } => {
            format!("A client's request for {path} arrives: the kernel accepted it, and its handler joins the poll queue.")
        }
        TraceKind::RequestDone { status, .. } => format!("The handler responds ({status}); the client has its answer."),
    }
}

/// What each phase is for, in one sentence.
pub fn phase_sentence(phase: Phase) -> &'static str {
    match phase {
        Phase::Timers => "Timers phase: run the setTimeout/setInterval callbacks that are due.",
        Phase::Pending => "Pending phase: run I/O callbacks deferred from the previous iteration.",
        Phase::IdlePrepare => "Idle/prepare: libuv's internal housekeeping.",
        Phase::Poll => "Poll phase: collect finished I/O and run its callbacks, or wait for some.",
        Phase::Check => "Check phase: run setImmediate callbacks.",
        Phase::Close => "Close phase: run close callbacks, such as a socket's 'close'.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use looplab_protocol::ToWorker;

    /// Feeds the state the worker's real answers for the seed scenario.
    fn loaded_state() -> AppState {
        let mut state = AppState::default().apply(Action::FromWorker(FromWorker::Ready { protocol_version: 1 }));
        state = state.apply(Action::RunRequested { run_id: 1 });
        let request = ToWorker::Run { run_id: 1, scenario_id: "readfile-intro".into(), settings: Default::default() };
        let mut answers = Vec::new();
        looplab_worker::execute(request, &mut |answer| answers.push(answer));
        for answer in answers {
            state = state.apply(Action::FromWorker(answer));
        }
        state
    }

    #[test]
    fn playing_to_the_end_shows_the_three_lines_in_order() {
        let mut state = loaded_state().apply(Action::TogglePlay);
        assert!(state.playing);
        for _ in 0..10_000 {
            state = state.apply(Action::Tick);
        }
        assert!(!state.playing, "playback stops at the end");
        assert!(state.at_end());
        let lines: Vec<&str> = state.view.console.iter().map(|line| line.text.as_str()).collect();
        assert_eq!(lines, ["before reading file", "after calling readFile", "file has been read"]);
    }

    #[test]
    fn playback_stops_on_the_last_event_not_a_beat_later() {
        let mut state = loaded_state().apply(Action::TogglePlay);
        let total = state.events.len();
        for _ in 0..total - 1 {
            state = state.apply(Action::Tick);
        }
        assert!(state.playing);
        state = state.apply(Action::Tick);
        assert!(!state.playing);
        assert_eq!(state.cursor, total);
    }

    #[test]
    fn step_back_undoes_step_forward() {
        let mut state = loaded_state();
        for _ in 0..5 {
            state = state.apply(Action::StepForward);
        }
        let after_five = state.view.clone();
        state = state.apply(Action::StepForward).apply(Action::StepBack);
        assert_eq!(state.cursor, 5);
        assert_eq!(state.view, after_five);
    }

    #[test]
    fn answers_for_an_old_run_are_ignored() {
        let state = loaded_state().apply(Action::RunRequested { run_id: 2 });
        let stale = FromWorker::Trace { run_id: 1, events: vec![] };
        let state = state.apply(Action::FromWorker(stale));
        assert!(state.events.is_empty());
    }

    #[test]
    fn speed_stays_in_range() {
        let mut state = AppState::default();
        for _ in 0..20 {
            state = state.apply(Action::Faster);
        }
        assert_eq!(state.speed_index, SPEEDS.len() - 1);
        for _ in 0..20 {
            state = state.apply(Action::Slower);
        }
        assert_eq!(state.speed_index, 0);
        assert!(state.step_interval_ms() > 0);
    }

    #[test]
    fn play_at_the_end_restarts() {
        let state = loaded_state().apply(Action::ToEnd);
        assert!(state.at_end());
        let state = state.apply(Action::TogglePlay);
        assert_eq!(state.cursor, 0);
        assert!(state.playing);
    }
}
