//! The UI's state and the closed set of actions that change it. Pure logic,
//! tested natively; the components only render it and dispatch actions.
//!
//! Playback runs on the run's virtual clock: at speed 1× one virtual
//! millisecond takes one real millisecond. So that events which happen at
//! the same instant (a whole main script at t = 0) can still be followed,
//! each speed also gives every event a minimum time on screen; while that
//! holds an event back, the clock waits for it.

use crate::presets::{self, Preset};
use looplab_core::view::View;
use looplab_core::{Phase, ScriptError, Source, TraceEvent, TraceKind};
use looplab_protocol::{FromWorker, RunSummary};
use std::rc::Rc;

/// Playback speeds: virtual time per real time.
pub const SPEEDS: [f64; 7] = [0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0];
/// The least real time each event stays on screen at each speed, ms.
const DWELL_MS: [f64; 7] = [400.0, 250.0, 60.0, 0.0, 0.0, 0.0, 0.0];
pub const DEFAULT_SPEED_INDEX: usize = 1;

/// Events the worker records for one run; past that it only measures.
pub const TRACE_EVENTS_MAX: u64 = 300_000;
/// A view is kept every this many events, so seeking replays few.
const CHECKPOINT_EVERY: usize = 2_000;
/// A callback that holds the main thread at least this long is a stall.
pub const STALL_MIN_US: u64 = 20_000;
/// The playground's limits on the knobs (a runaway value is refused, not run).
pub const POOL_MAX: u32 = 1024;
pub const CORES_MAX: u32 = 256;

#[derive(Clone, Debug, PartialEq)]
pub enum WorkerStatus {
    Starting,
    Ready,
    Failed(String),
}

/// Settings the page overrides without editing the code, applied as
/// `// @looplab` lines after the code's own (later lines win).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Knobs {
    pub pool: Option<u32>,
    pub cores: Option<u32>,
    pub cpu_speed_percent: Option<u32>,
    pub seed: Option<u64>,
    /// A load line's words after `load` (`open rate=100/s duration=5s`).
    pub load: Option<String>,
}

impl Knobs {
    /// As `key=value` overrides (see `looplab_core::directives::apply_overrides`).
    pub fn overrides(&self) -> Vec<String> {
        let mut overrides = Vec::new();
        if let Some(pool) = self.pool {
            overrides.push(format!("pool={pool}"));
        }
        if let Some(cores) = self.cores {
            overrides.push(format!("cores={cores}"));
        }
        if let Some(percent) = self.cpu_speed_percent {
            overrides.push(format!("cpu-speed={percent}%"));
        }
        if let Some(seed) = self.seed {
            overrides.push(format!("seed={seed}"));
        }
        if let Some(load) = self.load.as_ref().filter(|load| !load.trim().is_empty()) {
            overrides.push(format!("load={}", load.trim()));
        }
        overrides
    }

    /// The inverse of [`Knobs::overrides`] (a share link's knobs). Words
    /// it does not know are skipped: the code's own lines still apply.
    pub fn from_overrides(overrides: &[String]) -> Knobs {
        let mut knobs = Knobs::default();
        for item in overrides {
            let Some((key, value)) = item.split_once('=') else { continue };
            match key.trim() {
                "pool" => knobs.pool = value.trim().parse().ok().map(|pool: u32| pool.clamp(1, POOL_MAX)),
                "cores" => knobs.cores = value.trim().parse().ok().map(|cores: u32| cores.clamp(1, CORES_MAX)),
                "cpu-speed" => {
                    let range = looplab_core::CPU_SPEED_PERCENT_RANGE;
                    knobs.cpu_speed_percent = value.trim().trim_end_matches('%').parse().ok().map(|percent: u32| percent.clamp(*range.start(), *range.end()));
                }
                "seed" => knobs.seed = value.trim().parse().ok(),
                "load" => knobs.load = Some(value.trim().to_string()).filter(|load| !load.is_empty()),
                _ => {}
            }
        }
        knobs
    }
}

/// One knob's new value (`None`: as the code says).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Knob {
    Pool(Option<u32>),
    Cores(Option<u32>),
    CpuSpeed(Option<u32>),
    Seed(Option<u64>),
    Load(Option<String>),
}

/// A callback that held the main thread for a long time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stall {
    pub start_us: u64,
    pub end_us: u64,
    pub label: String,
}

/// A finished comparison run (measured, no trace).
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub label: String,
    pub run_id: u64,
    pub summary: Option<Rc<RunSummary>>,
    pub error: Option<String>,
}

/// What the compare view runs beside the current scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareWith {
    DoublePool,
    DoubleCores,
    ThreadPerRequest,
    /// The preset that differs in one idea (sync vs worker…).
    Pair,
}

impl CompareWith {
    pub const ALL: [CompareWith; 4] = [CompareWith::Pair, CompareWith::DoublePool, CompareWith::DoubleCores, CompareWith::ThreadPerRequest];

    pub fn key(self) -> &'static str {
        match self {
            CompareWith::DoublePool => "pool",
            CompareWith::DoubleCores => "cores",
            CompareWith::ThreadPerRequest => "threads",
            CompareWith::Pair => "pair",
        }
    }

    pub fn from_key(key: &str) -> Option<CompareWith> {
        CompareWith::ALL.into_iter().find(|with| with.key() == key)
    }
}

/// Which half of the workspace a narrow screen shows: a phone has room for
/// the code or the simulation, not both (wide screens show both always).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pane {
    Code,
    #[default]
    Simulation,
}

impl Pane {
    pub fn key(self) -> &'static str {
        match self {
            Pane::Code => "code",
            Pane::Simulation => "simulation",
        }
    }

    pub fn from_key(key: &str) -> Option<Pane> {
        [Pane::Code, Pane::Simulation].into_iter().find(|pane| pane.key() == key)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    pub worker: WorkerStatus,
    /// The preset the code came from, if it did.
    pub preset_id: Option<String>,
    pub title: String,
    /// The editor's text: the user's, never replaced without their action.
    pub source: String,
    pub knobs: Knobs,
    /// The current run.
    pub run_id: u64,
    pub running: bool,
    pub progress: Option<f64>,
    /// The text the current run ran (its lines are the editor's lines).
    pub run_source: String,
    pub pool_size: u32,
    pub events: Rc<Vec<TraceEvent>>,
    checkpoints: Rc<Vec<View>>,
    pub cursor: usize,
    pub view: View,
    /// Playback's position on the run's virtual clock.
    pub clock_us: u64,
    /// Events playback may still show before the clock moves on.
    credit: f64,
    pub playing: bool,
    pub speed_index: usize,
    /// Whether the person chose a speed (then a new run keeps it).
    speed_chosen: bool,
    /// Shared: every frame of playback copies the state, not the figures.
    pub summary: Option<Rc<RunSummary>>,
    pub error: Option<String>,
    /// Problems in the code, at their line and column.
    pub errors: Vec<ScriptError>,
    pub stalls: Vec<Stall>,
    /// Latencies of the requests in the trace, µs (for the histogram).
    pub latencies_us: Rc<Vec<u64>>,
    /// The timeline's tracks, built when the run finishes.
    pub tracks: Rc<crate::tracks::Tracks>,
    /// The scenario's walkthrough, placed on the finished run.
    pub walkthrough: Rc<Vec<crate::walkthrough::Step>>,
    /// The step on screen (playback waits for the reader).
    pub step_shown: Option<usize>,
    /// Steps before the cursor: shown already, or skipped by a seek.
    steps_passed: usize,
    /// One sentence about what the pointer or focus is on.
    pub explain: Option<String>,
    pub compare_with: Option<CompareWith>,
    pub comparison: Option<Comparison>,
    /// The half shown on a narrow screen.
    pub pane: Pane,
    /// The embed view's options (None: the playground).
    pub embed: Option<looplab_share::EmbedOptions>,
    /// Presentation mode (`#…&present`): large type, the code and one
    /// view, arrow keys step through the walkthrough or the run.
    pub present: bool,
    /// The one view presentation mode shows beside the code.
    pub present_view: PresentView,
    /// Predict, then run: the learner's prediction of the printed lines.
    /// Shared: playback copies the state every frame, not the prediction.
    pub predict: Option<Rc<crate::predict::Prediction>>,
    /// A prediction to lay out when the run finishes (a link's order; empty
    /// for a fresh one).
    pub predict_wanted: Option<Vec<usize>>,
    /// Where playback goes when the next run finishes (a link's moment).
    pub start_at_us: Option<u64>,
    /// Whether the page is on screen (an embed scrolled away pauses).
    pub visible: bool,
    /// Playback paused because the page left the screen, to resume on return.
    resume_when_visible: bool,
    /// A message above the workspace (a link opened, or one that could not be).
    pub notice: Option<Notice>,
    /// The code a share link opened with (kept text equal to it is the
    /// link's, not the person's own work).
    pub link_source: Option<String>,
    /// How many times the worker crashed (the page restarts it each time).
    pub crashes: u32,
    /// A crash stopped automatic runs until the person changes something or
    /// presses Run: the same code would crash the fresh worker again.
    pub halted_by_crash: bool,
}

/// What presentation mode shows beside the code, one at a time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PresentView {
    /// The lanes: the thread, the queues, the pool, the requests.
    #[default]
    Animation,
    Timeline,
    Charts,
    Console,
}

impl PresentView {
    pub const ALL: [PresentView; 4] = [PresentView::Animation, PresentView::Timeline, PresentView::Charts, PresentView::Console];

    pub fn label(self) -> &'static str {
        match self {
            PresentView::Animation => "Animation",
            PresentView::Timeline => "Timeline",
            PresentView::Charts => "Charts",
            PresentView::Console => "Console",
        }
    }

    fn next(self) -> PresentView {
        let index = PresentView::ALL.iter().position(|view| *view == self).unwrap_or(0);
        PresentView::ALL[(index + 1) % PresentView::ALL.len()]
    }
}

/// A message about the page itself, with what the person can do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    /// The person's own code was set aside for a link's: offer it back.
    pub offers_restore: bool,
    /// The worker crashed: offer the link that reproduces it.
    pub offers_link: bool,
}

/// Everything that can happen to the UI.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    WorkerCrashed(String),
    FromWorker(FromWorker),
    /// The editor's text changed.
    EditSource(String),
    LoadPreset(String),
    SetKnob(Knob),
    ResetKnobs,
    /// The page sent a run of the current text with this id.
    RunRequested {
        run_id: u64,
    },
    /// The page sent the comparison run with this id.
    CompareRequested {
        run_id: u64,
        label: String,
    },
    SetCompare(Option<CompareWith>),
    TogglePlay,
    /// Stop playing (a clip is being recorded, say).
    Pause,
    /// Real time passed while playing.
    Tick {
        real_ms: f64,
    },
    StepForward,
    StepBack,
    Restart,
    /// Show the end at once ("instant": results only).
    ToEnd,
    /// Move the clock (the timeline's scrubber, a console line).
    SeekTime(u64),
    /// The reader read the step on screen: playback goes on.
    ContinueStep,
    /// Predict, then run: lay out the printed lines to order.
    PredictStart,
    /// Move the line at one position of the prediction to another.
    PredictMove {
        from: usize,
        to: usize,
    },
    /// Check the prediction: the run plays from the start, marking it.
    PredictCheck,
    /// A fresh prediction (the lines shuffled again).
    PredictAgain,
    PredictQuit,
    /// Presentation mode: the next of its views (V).
    CyclePresentView,
    ShowPresentView(PresentView),
    /// Move to a trace event (a block on the timeline): just after it is
    /// applied, at its time, so the callback it starts is the one shown.
    SeekEvent {
        index: usize,
        t_us: u64,
    },
    NextStall,
    Faster,
    Slower,
    SetSpeed(usize),
    Explain(Option<String>),
    ShowPane(Pane),
    /// The page came on or went off screen.
    Visible(bool),
    DismissNotice,
    /// Put back the person's own code, set aside when a link was opened.
    RestoreOwn {
        source: String,
        preset_id: Option<String>,
    },
}

impl Default for AppState {
    fn default() -> AppState {
        let first = &presets::PRESETS[0];
        AppState {
            worker: WorkerStatus::Starting,
            preset_id: Some(first.id.to_string()),
            title: first.title.to_string(),
            source: first.source.to_string(),
            knobs: Knobs::default(),
            run_id: 0,
            running: false,
            progress: None,
            run_source: String::new(),
            pool_size: 4,
            events: Rc::new(Vec::new()),
            checkpoints: Rc::new(Vec::new()),
            cursor: 0,
            view: View::new(4),
            clock_us: 0,
            credit: 0.0,
            playing: false,
            speed_index: DEFAULT_SPEED_INDEX,
            speed_chosen: false,
            summary: None,
            error: None,
            errors: Vec::new(),
            stalls: Vec::new(),
            latencies_us: Rc::new(Vec::new()),
            tracks: Rc::default(),
            walkthrough: Rc::default(),
            present: false,
            present_view: PresentView::default(),
            predict: None,
            predict_wanted: None,
            step_shown: None,
            steps_passed: 0,
            explain: None,
            compare_with: None,
            comparison: None,
            pane: Pane::default(),
            embed: None,
            start_at_us: None,
            visible: true,
            resume_when_visible: false,
            notice: None,
            link_source: None,
            crashes: 0,
            halted_by_crash: false,
        }
    }
}

impl AppState {
    /// A state that starts from `preset`, or from the user's own text.
    pub fn with_source(title: &str, source: &str, preset_id: Option<&str>) -> AppState {
        AppState { title: title.to_string(), source: source.to_string(), preset_id: preset_id.map(str::to_string), ..AppState::default() }
    }

    pub fn apply(mut self, action: Action) -> AppState {
        match action {
            Action::WorkerCrashed(message) => {
                self.notice = Some(Notice {
                    text: format!(
                        "The simulation crashed ({message}). It has been restarted and your code is kept; press Run to try again. \
                         This is a bug in Looplab: the link below reproduces it."
                    ),
                    offers_restore: false,
                    offers_link: true,
                });
                self.worker = WorkerStatus::Failed(message);
                self.crashes += 1;
                self.halted_by_crash = true;
                self.playing = false;
                self.running = false;
            }
            Action::FromWorker(message) => self.receive(message),
            Action::EditSource(text) => {
                if text != self.source {
                    self.source = text;
                    self.halted_by_crash = false;
                }
            }
            Action::LoadPreset(id) => {
                if let Some(preset) = presets::by_id(&id) {
                    self.load_preset(preset);
                }
            }
            Action::SetKnob(knob) => {
                self.halted_by_crash = false;
                self.set_knob(knob);
            }
            Action::ResetKnobs => self.knobs = Knobs::default(),
            Action::RunRequested { run_id } => {
                self.halted_by_crash = false;
                self.run_id = run_id;
                self.running = true;
                self.progress = None;
                self.events = Rc::new(Vec::new());
                self.checkpoints = Rc::new(Vec::new());
                self.summary = None;
                self.error = None;
                self.errors.clear();
                self.stalls.clear();
                self.latencies_us = Rc::new(Vec::new());
                self.tracks = Rc::default();
                self.walkthrough = Rc::default();
                self.step_shown = None;
                self.steps_passed = 0;
                self.comparison = None;
                self.playing = false;
                self.seek_cursor(0);
            }
            Action::CompareRequested { run_id, label } => {
                self.comparison = Some(Comparison { label, run_id, summary: None, error: None });
            }
            Action::SetCompare(with) => {
                self.compare_with = with;
                if with.is_none() {
                    self.comparison = None;
                }
            }
            Action::TogglePlay => {
                if self.playing {
                    self.playing = false;
                } else if self.can_play() {
                    if self.at_end() {
                        self.seek_cursor(0);
                    }
                    self.step_shown = None;
                    self.playing = true;
                    self.credit = 1.0;
                }
            }
            Action::Pause => {
                self.playing = false;
                // Asked to stop: coming back on screen does not resume.
                self.resume_when_visible = false;
            }
            Action::Tick { real_ms } => {
                if self.playing {
                    self.advance(real_ms);
                }
            }
            // Presenting a walkthrough, the arrows go from step to step.
            Action::StepForward if self.present && !self.walkthrough.is_empty() => self.present_next(),
            Action::StepBack if self.present && !self.walkthrough.is_empty() => self.present_back(),
            Action::CyclePresentView => self.present_view = self.present_view.next(),
            Action::PredictStart | Action::PredictAgain => {
                self.predict = Some(Rc::new(crate::predict::Prediction::new(crate::predict::printed(&self.events), None)));
                self.playing = false;
                self.seek_cursor(0);
            }
            Action::PredictMove { from, to } => {
                if let Some(prediction) = self.predict.as_mut().filter(|prediction| !prediction.revealed) {
                    Rc::make_mut(prediction).move_line(from, to);
                }
            }
            Action::PredictCheck => {
                if let Some(prediction) = self.predict.as_mut() {
                    Rc::make_mut(prediction).revealed = true;
                    self.seek_cursor(0);
                    self.playing = self.can_play();
                    self.credit = 1.0;
                }
            }
            Action::PredictQuit => self.predict = None,
            Action::ShowPresentView(view) => self.present_view = view,
            Action::StepForward => {
                self.playing = false;
                self.step_forward();
                if self.step_due(self.clock_us) {
                    self.show_step();
                }
            }
            Action::ContinueStep => {
                if self.step_shown.take().is_some() && !self.at_end() {
                    self.playing = true;
                    self.credit = 1.0;
                }
            }
            Action::StepBack => {
                self.playing = false;
                self.seek_cursor(self.cursor.saturating_sub(1));
            }
            Action::Restart => {
                self.playing = false;
                self.seek_cursor(0);
            }
            Action::ToEnd => {
                self.playing = false;
                self.seek_cursor(self.events.len());
                self.clock_us = self.end_us();
            }
            Action::SeekTime(t_us) => {
                let t_us = t_us.min(self.end_us());
                let cursor = self.events.partition_point(|event| event.t_us <= t_us);
                self.seek_cursor(cursor);
                self.clock_us = t_us;
            }
            Action::SeekEvent { index, t_us } => {
                self.playing = false;
                self.seek_cursor(index + 1);
                let at_us = self.events.get(index).map_or(t_us, |event| event.t_us.max(t_us));
                self.clock_us = at_us.min(self.end_us());
            }
            Action::NextStall => {
                let next = self.stalls.iter().find(|stall| stall.start_us > self.clock_us).map(|stall| stall.start_us);
                if let Some(start_us) = next {
                    self.playing = false;
                    // Just after its start: the stall is on screen.
                    let cursor = self.events.partition_point(|event| event.t_us <= start_us);
                    self.seek_cursor(cursor);
                    self.clock_us = start_us;
                }
            }
            Action::Faster => self.set_speed(self.speed_index + 1),
            Action::Slower => self.set_speed(self.speed_index.saturating_sub(1)),
            Action::SetSpeed(index) => self.set_speed(index),
            Action::Explain(text) => self.explain = text,
            Action::ShowPane(pane) => self.pane = pane,
            Action::Visible(visible) => {
                self.visible = visible;
                if !visible && self.playing {
                    self.playing = false;
                    self.resume_when_visible = true;
                } else if visible && std::mem::take(&mut self.resume_when_visible) && self.can_play() {
                    self.playing = true;
                    self.credit = 1.0;
                }
            }
            Action::DismissNotice => self.notice = None,
            Action::RestoreOwn { source, preset_id } => {
                let preset = presets::unedited(preset_id.as_deref(), &source);
                self.title = preset.map_or("Your code", |preset| preset.title).to_string();
                self.preset_id = preset.map(|preset| preset.id.to_string());
                self.source = source;
                self.knobs = Knobs::default();
                self.notice = None;
            }
        }
        self
    }

    fn set_knob(&mut self, knob: Knob) {
        match knob {
            Knob::Pool(pool) => self.knobs.pool = pool.map(|pool| pool.clamp(1, POOL_MAX)),
            Knob::Cores(cores) => self.knobs.cores = cores.map(|cores| cores.clamp(1, CORES_MAX)),
            Knob::CpuSpeed(percent) => {
                let range = looplab_core::CPU_SPEED_PERCENT_RANGE;
                self.knobs.cpu_speed_percent = percent.map(|percent| percent.clamp(*range.start(), *range.end()));
            }
            Knob::Seed(seed) => self.knobs.seed = seed,
            Knob::Load(load) => self.knobs.load = load,
        }
    }

    fn load_preset(&mut self, preset: &Preset) {
        self.halted_by_crash = false;
        self.preset_id = Some(preset.id.to_string());
        self.title = preset.title.to_string();
        self.source = preset.source.to_string();
        self.knobs = Knobs::default();
        self.speed_chosen = false;
        if self.compare_with == Some(CompareWith::Pair) && preset.pair.is_none() {
            self.compare_with = None;
        }
    }

    fn set_speed(&mut self, index: usize) {
        self.choose_speed(index);
    }

    /// A speed the person (or a link) chose: later runs keep it.
    pub fn choose_speed(&mut self, index: usize) {
        self.speed_index = index.min(SPEEDS.len() - 1);
        self.speed_chosen = true;
    }

    fn receive(&mut self, message: FromWorker) {
        match message {
            FromWorker::Ready { .. } => self.worker = WorkerStatus::Ready,
            FromWorker::Started { run_id, source, pool_size, .. } if run_id == self.run_id => {
                self.run_source = source;
                self.pool_size = pool_size;
                self.seek_cursor(0);
            }
            FromWorker::Trace { run_id, events } if run_id == self.run_id => {
                Rc::make_mut(&mut self.events).extend(events);
            }
            FromWorker::Progress { run_id, share, .. } if run_id == self.run_id => self.progress = share,
            FromWorker::Finished { run_id, summary } if run_id == self.run_id => {
                self.running = false;
                self.progress = None;
                self.finish(summary);
            }
            FromWorker::Finished { run_id, summary } => {
                if let Some(comparison) = self.comparison.as_mut().filter(|comparison| comparison.run_id == run_id) {
                    comparison.summary = Some(Rc::new(summary));
                }
            }
            FromWorker::Failed { run_id, message, errors } if run_id == self.run_id || run_id == 0 => {
                self.running = false;
                self.progress = None;
                self.playing = false;
                self.error = Some(message);
                // Problems in the code are shown in the editor: a phone
                // showing the simulation turns to it.
                if !errors.is_empty() {
                    self.pane = Pane::Code;
                }
                self.errors = errors;
            }
            FromWorker::Failed { run_id, message, .. } => {
                if let Some(comparison) = self.comparison.as_mut().filter(|comparison| comparison.run_id == run_id) {
                    comparison.error = Some(message);
                }
            }
            // An answer to a run the page no longer shows.
            _ => {}
        }
    }

    /// The run is complete: index the trace for seeking, find the stalls,
    /// and pick a pace that shows the whole run in about half a minute
    /// (unless the person chose one).
    fn finish(&mut self, summary: RunSummary) {
        // The pool's size as the engine resolved it (after the code's
        // `process.env.UV_THREADPOOL_SIZE` and the knobs): the lanes show
        // that many threads from the start, as libuv makes them at once.
        let resolved_pool = summary.metrics.pool.size;
        let pool_changed = resolved_pool > 0 && resolved_pool != self.pool_size;
        if resolved_pool > 0 {
            self.pool_size = resolved_pool;
        }
        let mut checkpoints = Vec::new();
        let mut view = View::new(self.pool_size);
        let mut open: Option<(u64, String)> = None;
        let mut stalls = Vec::new();
        let mut arrivals = std::collections::HashMap::new();
        let mut latencies = Vec::new();
        for (index, event) in self.events.iter().enumerate() {
            if index % CHECKPOINT_EVERY == 0 {
                checkpoints.push(view.clone());
            }
            view.apply(event);
            match &event.kind {
                TraceKind::CallbackStart { label, .. } if event.thread == 0 => open = Some((event.t_us, label.clone())),
                // The user's function names the stall (`GET /heavy handler`).
                TraceKind::CallbackNamed { label, .. } if event.thread == 0 => {
                    if let Some((_, open_label)) = &mut open {
                        open_label.clone_from(label);
                    }
                }
                TraceKind::CallbackEnd if event.thread == 0 => {
                    if let Some((start_us, label)) = open.take() {
                        if event.t_us.saturating_sub(start_us) >= STALL_MIN_US {
                            stalls.push(Stall { start_us, end_us: event.t_us, label });
                        }
                    }
                }
                TraceKind::RequestArrive { request, .. } => {
                    arrivals.insert(*request, event.t_us);
                }
                TraceKind::RequestDone { request, .. } => {
                    if let Some(arrived_us) = arrivals.remove(request) {
                        latencies.push(event.t_us - arrived_us);
                    }
                }
                _ => {}
            }
        }
        self.checkpoints = Rc::new(checkpoints);
        self.stalls = stalls;
        self.latencies_us = Rc::new(latencies);
        if !self.speed_chosen {
            self.speed_index = pace_for(summary.sim_time_us);
        }
        self.summary = Some(Rc::new(summary));
        self.tracks = Rc::new(crate::tracks::build(&self.events, self.end_us()));
        let mut steps = crate::walkthrough::place(&self.run_source, &self.events);
        if let Some(preset) = self.preset_id.as_deref().and_then(presets::by_id).filter(|preset| preset.source == self.source) {
            steps.extend(crate::walkthrough::place(presets::walkthrough_of(preset.id), &self.events));
            steps.sort_by_key(|step| (step.cursor, step.t_us));
        }
        self.walkthrough = Rc::new(steps);
        self.steps_passed = self.walkthrough.partition_point(|step| step.cursor < self.cursor);
        self.step_shown = None;
        // Predicting: the new run's lines, in the learner's order if they
        // are the same lines (a re-run after a knob), else shuffled afresh.
        let wanted = self.predict_wanted.take().or_else(|| self.predict.as_ref().map(|prediction| prediction.order.clone()));
        if let Some(order) = wanted {
            let lines = crate::predict::printed(&self.events);
            let same = self.predict.as_ref().is_none_or(|prediction| *prediction.lines == lines);
            self.predict = Some(Rc::new(crate::predict::Prediction::new(lines, same.then_some(order.as_slice()))));
        }
        if pool_changed {
            let clock_us = self.clock_us;
            self.seek_cursor(self.cursor);
            self.clock_us = clock_us;
        }
        // A link's moment, once.
        if let Some(t_us) = self.start_at_us.take() {
            *self = std::mem::take(self).apply(Action::SeekTime(t_us));
        }
        // A prediction to make waits for the learner's Check.
        let predicting = self.predict.as_ref().is_some_and(|prediction| !prediction.revealed);
        if self.embed.as_ref().is_some_and(|embed| embed.autoplay) && self.can_play() && !predicting {
            // An embed off screen starts when it is scrolled to.
            if self.visible {
                self.playing = true;
                self.credit = 1.0;
            } else {
                self.resume_when_visible = true;
            }
        }
    }

    fn can_play(&self) -> bool {
        !self.events.is_empty()
    }

    /// Whether the title is a preset's and the code no longer its text (the
    /// title then says so: the preset's words describe other code). A
    /// link's own title describes the link's code.
    pub fn edited_from_preset(&self) -> bool {
        self.preset_id.as_deref().and_then(presets::by_id).is_some_and(|preset| preset.title == self.title && preset.source != self.source)
    }

    /// The run's last moment (its summary's, or the last event's so far).
    pub fn end_us(&self) -> u64 {
        let last = self.events.last().map_or(0, |event| event.t_us);
        self.summary.as_ref().map_or(last, |summary| summary.sim_time_us.max(last))
    }

    pub fn at_end(&self) -> bool {
        self.summary.is_some() && self.cursor >= self.events.len() && self.clock_us >= self.end_us()
    }

    /// Playback for `real_ms` of real time.
    fn advance(&mut self, real_ms: f64) {
        let speed = SPEEDS[self.speed_index];
        let dwell_ms = DWELL_MS[self.speed_index];
        let target_us = self.clock_us.saturating_add((real_ms * 1000.0 * speed) as u64);
        if dwell_ms > 0.0 {
            // Credit never piles up beyond one frame's worth: after a quiet
            // stretch, simultaneous events still come one dwell apart.
            self.credit = (self.credit + real_ms / dwell_ms).min((real_ms / dwell_ms).max(1.0));
        }
        while let Some(event) = self.events.get(self.cursor) {
            if self.step_due(target_us) {
                return self.show_step();
            }
            if event.t_us > target_us {
                break;
            }
            if dwell_ms > 0.0 && self.credit < 1.0 {
                // The next event is due but the last still needs its time on
                // screen: the clock waits with it.
                self.clock_us = self.clock_us.max(self.events[self.cursor.saturating_sub(1)].t_us);
                return;
            }
            self.view.apply(event);
            self.cursor += 1;
            if dwell_ms > 0.0 {
                // At slow speeds the next event waits a whole dwell.
                self.credit = if dwell_ms >= real_ms { 0.0 } else { self.credit - 1.0 };
            }
        }
        if self.step_due(target_us) {
            return self.show_step();
        }
        self.clock_us = target_us.min(self.end_us());
        if self.summary.is_some() && self.cursor >= self.events.len() && self.clock_us >= self.end_us() {
            if self.embed.as_ref().is_some_and(|embed| embed.looped) {
                // A looping embed starts over and keeps playing.
                self.seek_cursor(0);
                self.clock_us = 0;
            } else {
                self.playing = false;
            }
        }
    }

    /// Whether the next step's moment has come: its events are applied and
    /// the clock may reach `until_us`.
    fn step_due(&self, until_us: u64) -> bool {
        self.walkthrough.get(self.steps_passed).is_some_and(|step| step.cursor <= self.cursor && step.t_us <= until_us)
    }

    /// Stops playback at the next step and shows it.
    fn show_step(&mut self) {
        let Some(step) = self.walkthrough.get(self.steps_passed) else { return };
        self.clock_us = self.clock_us.max(step.t_us).min(self.end_us());
        self.step_shown = Some(self.steps_passed);
        self.steps_passed += 1;
        self.playing = false;
    }

    /// Presentation mode's →: the next step, at once (a talk goes at the
    /// speaker's pace, not playback's; space still plays the animation),
    /// and after the last one the run's end.
    fn present_next(&mut self) {
        match self.walkthrough.get(self.steps_passed).cloned() {
            Some(step) => self.go_to_step(self.steps_passed, &step),
            None => *self = std::mem::take(self).apply(Action::ToEnd),
        }
    }

    /// Presentation mode's ←: the step before the one on screen (or the
    /// last one passed), shown again.
    fn present_back(&mut self) {
        let index = match self.step_shown {
            Some(index) => index.checked_sub(1),
            None => self.steps_passed.checked_sub(1),
        };
        match index.and_then(|index| self.walkthrough.get(index).cloned().map(|step| (index, step))) {
            Some((index, step)) => self.go_to_step(index, &step),
            None => {
                self.playing = false;
                self.seek_cursor(0);
            }
        }
    }

    fn go_to_step(&mut self, index: usize, step: &crate::walkthrough::Step) {
        self.playing = false;
        self.seek_cursor(step.cursor);
        self.clock_us = self.clock_us.max(step.t_us).min(self.end_us());
        self.step_shown = Some(index);
        self.steps_passed = index + 1;
    }

    /// Applies the next event; `false` when there is none yet.
    fn step_forward(&mut self) -> bool {
        match self.events.get(self.cursor) {
            Some(event) => {
                self.view.apply(event);
                self.clock_us = event.t_us;
                self.cursor += 1;
                true
            }
            None => false,
        }
    }

    /// Rebuilds the view after the first `cursor` events, replaying from
    /// the nearest checkpoint before it (the trace is the only truth).
    fn seek_cursor(&mut self, cursor: usize) {
        let cursor = cursor.min(self.events.len());
        let checkpoint = (cursor / CHECKPOINT_EVERY).min(self.checkpoints.len().saturating_sub(1));
        let (mut view, from) = match self.checkpoints.get(checkpoint) {
            Some(view) => (view.clone(), checkpoint * CHECKPOINT_EVERY),
            None => (View::new(self.pool_size), 0),
        };
        for event in &self.events[from..cursor] {
            view.apply(event);
        }
        self.view = view;
        self.cursor = cursor;
        // A seek skips the steps before it; the next play shows the rest.
        self.steps_passed = self.walkthrough.partition_point(|step| step.cursor < cursor);
        self.step_shown = None;
        self.clock_us = cursor.checked_sub(1).and_then(|index| self.events.get(index)).map_or(0, |event| event.t_us);
        self.credit = 1.0;
    }

    /// The stall the clock is inside, if any: (its start, how long so far).
    pub fn current_stall(&self) -> Option<(&Stall, u64)> {
        self.stalls.iter().find(|stall| stall.start_us <= self.clock_us && self.clock_us < stall.end_us).map(|stall| (stall, self.clock_us - stall.start_us))
    }

    /// The source line of the callback the main thread runs now (1-based).
    pub fn executing_line(&self) -> Option<u32> {
        self.view.running.as_ref()?;
        // The running callback's start is the last CallbackStart on the main
        // thread before the cursor.
        let line = self.events[..self.cursor].iter().rev().find_map(|event| match &event.kind {
            TraceKind::CallbackStart { line, .. } if event.thread == 0 => Some(*line),
            TraceKind::CallbackNamed { line, .. } if event.thread == 0 && *line > 0 => Some(*line),
            _ => None,
        })?;
        (line > 0).then_some(line)
    }

    /// The last applied event in words: the animation's text alternative.
    pub fn narration(&self) -> String {
        if let Some((stall, so_far_us)) = self.current_stall() {
            return format!(
                "The main thread is blocked running `{}`: {:.1} ms so far, {:.1} ms in all. Nothing else runs meanwhile; new requests wait at the door.",
                stall.label,
                so_far_us as f64 / 1000.0,
                (stall.end_us - stall.start_us) as f64 / 1000.0
            );
        }
        match self.cursor.checked_sub(1).and_then(|index| self.events.get(index)) {
            Some(event) => narrate(&event.kind),
            None if self.running => "Simulating…".to_string(),
            None if self.events.is_empty() => "No events yet.".to_string(),
            None => "Ready. Press play (space) to watch the process run.".to_string(),
        }
    }

    pub fn stop_description(&self) -> Option<String> {
        self.summary.as_ref().map(|summary| summary.stop_reason.describe())
    }

    /// Problems to show at the knobs: those in lines past the code (the
    /// knobs' own `// @looplab` lines).
    pub fn knob_errors(&self) -> Vec<&ScriptError> {
        let code_lines = self.source.lines().count() as u32;
        self.errors.iter().chain(self.summary.iter().flat_map(|summary| summary.problems.iter())).filter(|error| error.line > code_lines).collect()
    }

    /// Problems in the code itself, with the summary's (a load line whose
    /// server never listened).
    pub fn code_errors(&self) -> Vec<&ScriptError> {
        let code_lines = self.source.lines().count() as u32;
        self.errors.iter().chain(self.summary.iter().flat_map(|summary| summary.problems.iter())).filter(|error| error.line <= code_lines).collect()
    }
}

/// The speed at which a run of `sim_time_us` plays in about 30 seconds.
fn pace_for(sim_time_us: u64) -> usize {
    let wanted = sim_time_us as f64 / 30_000_000.0;
    SPEEDS.iter().position(|&speed| speed >= wanted).unwrap_or(SPEEDS.len() - 1).max(DEFAULT_SPEED_INDEX)
}

/// One sentence for one trace event, in the seeds' plain language.
pub fn narrate(kind: &TraceKind) -> String {
    match kind {
        TraceKind::CallbackStart { source: Source::MainScript, .. } => "The main thread starts running your script from top to bottom.".to_string(),
        TraceKind::CallbackStart { source, label, .. } => {
            format!("The event loop hands the main thread `{label}` ({}).", source.name())
        }
        TraceKind::CallbackEnd => "The callback returns; the call stack is empty again.".to_string(),
        TraceKind::CallbackNamed { label, line } if *line > 0 => format!("Node's plumbing calls your `{label}` (line {line})."),
        TraceKind::CallbackNamed { label, .. } => format!("Node's plumbing calls your `{label}`."),
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
pub(crate) mod tests {
    use super::*;
    use looplab_core::Settings;
    use looplab_protocol::ToWorker;

    /// Feeds the state the worker's real answers for a preset.
    pub(crate) fn loaded(preset: &str, knobs: Knobs) -> AppState {
        let mut state = AppState::default().apply(Action::LoadPreset(preset.to_string()));
        state.knobs = knobs;
        run_to_finish(state)
    }

    /// Runs the state's code and knobs through the worker's real request
    /// handling, as the page does, and applies every answer.
    pub(crate) fn run_to_finish(mut state: AppState) -> AppState {
        state = state.apply(Action::FromWorker(FromWorker::Ready { protocol_version: looplab_protocol::PROTOCOL_VERSION }));
        state = state.apply(Action::RunRequested { run_id: 1 });
        let source = looplab_core::directives::apply_overrides(&state.source, &state.knobs.overrides()).expect("overrides");
        let request = ToWorker::RunSource {
            run_id: 1,
            title: state.title.clone(),
            source,
            settings: Settings::default(),
            trace: true,
            trace_events_max: TRACE_EVENTS_MAX,
        };
        let mut answers = Vec::new();
        looplab_worker::execute(request, &mut |answer| answers.push(answer));
        for answer in answers {
            state = state.apply(Action::FromWorker(answer));
        }
        state
    }

    /// Runs `source` as the person's own code.
    pub(crate) fn run_source(source: &str) -> AppState {
        run_to_finish(AppState::with_source("Mine", source, None))
    }

    fn loaded_intro() -> AppState {
        loaded("readfile-intro", Knobs::default())
    }

    /// Plays to the end, going on past every step of a walkthrough.
    fn play_to_end(mut state: AppState) -> AppState {
        state = state.apply(Action::TogglePlay);
        for _ in 0..1_000_000 {
            if state.step_shown.is_some() {
                state = state.apply(Action::ContinueStep);
            }
            if !state.playing {
                break;
            }
            state = state.apply(Action::Tick { real_ms: 16.0 });
        }
        state
    }

    #[test]
    fn playing_to_the_end_shows_the_three_lines_in_order() {
        let state = play_to_end(loaded_intro());
        assert!(state.at_end());
        let lines: Vec<&str> = state.view.console.iter().map(|line| line.text.as_str()).collect();
        assert_eq!(lines, ["before reading file", "after calling readFile", "file has been read"]);
    }

    #[test]
    fn every_event_gets_its_time_on_screen() {
        // At the default pace each event stays at least 250 ms: 16 ms ticks
        // never apply two events in a row.
        let mut state = loaded_intro().apply(Action::TogglePlay);
        let mut last_cursor = 0;
        let mut ticks_since_change = 0;
        for _ in 0..100_000 {
            if state.step_shown.is_some() {
                // The step kept the event on screen until the reader went on.
                state = state.apply(Action::ContinueStep);
                ticks_since_change = 15;
            }
            if !state.playing {
                break;
            }
            state = state.apply(Action::Tick { real_ms: 16.0 });
            if state.cursor != last_cursor {
                assert!(state.cursor - last_cursor <= 1, "two events in one tick");
                if last_cursor > 1 {
                    assert!(ticks_since_change >= 15, "an event was shown for only {ticks_since_change} ticks");
                }
                last_cursor = state.cursor;
                ticks_since_change = 0;
            } else {
                ticks_since_change += 1;
            }
        }
        assert!(state.at_end());
    }

    #[test]
    fn step_back_undoes_step_forward() {
        let mut state = loaded_intro();
        for _ in 0..5 {
            state = state.apply(Action::StepForward);
        }
        let after_five = state.view.clone();
        state = state.apply(Action::StepForward).apply(Action::StepBack);
        assert_eq!(state.cursor, 5);
        assert_eq!(state.view, after_five);
    }

    #[test]
    fn seeking_far_into_a_long_trace_matches_replaying_it() {
        let state = loaded("pool-queue-erlang-c", Knobs { load: Some("open rate=32/s arrivals=poisson amount=500".into()), ..Knobs::default() });
        assert!(state.events.len() > 2 * CHECKPOINT_EVERY, "a long trace: {}", state.events.len());
        let t_us = state.events[state.events.len() * 2 / 3].t_us;
        let sought = state.clone().apply(Action::SeekTime(t_us));
        let replayed = View::after(state.pool_size, &state.events, sought.cursor);
        assert_eq!(sought.view, replayed);
        assert_eq!(sought.clock_us, t_us);
    }

    #[test]
    fn the_stall_is_found_and_next_stall_jumps_to_it() {
        let state = loaded("stall-on-main-thread", Knobs::default());
        let stall = state.stalls.first().cloned().expect("the /heavy stall");
        assert!((195_000..=205_000).contains(&(stall.end_us - stall.start_us)), "{stall:?}");
        let state = state.apply(Action::NextStall);
        assert_eq!(state.clock_us, stall.start_us);
        let state = state.apply(Action::SeekTime(stall.start_us + 50_000));
        assert!(state.current_stall().is_some());
        assert!(state.narration().contains("blocked"), "{}", state.narration());
        assert!(state.latencies_us.len() > 40);
    }

    /// The charts draw the engine's timeline; for every preset it must agree
    /// with the engine's own summary figures (issue 17: the pool chart of
    /// pbkdf2-waves-pool-8 showed 7 busy threads where the engine measured
    /// 8 at 99.8%).
    #[test]
    fn every_presets_charts_agree_with_the_engines_figures() {
        for preset in presets::PRESETS {
            let state = loaded(preset.id, Knobs::default());
            let Some(summary) = state.summary.as_ref() else { continue };
            let (metrics, timeline) = (&summary.metrics, &summary.metrics.timeline);
            let id = preset.id;
            // The pool: never more busy than it has threads; a busy share
            // the bars' maxima can show (each bar is its slice's maximum).
            let busy_max = timeline.buckets.iter().map(|bucket| bucket.pool_busy_max).max().unwrap_or(0);
            assert!(busy_max <= metrics.pool.size, "{id}: {busy_max} busy of {}", metrics.pool.size);
            if metrics.pool.jobs >= u64::from(metrics.pool.size) && metrics.pool.utilization > 0.5 {
                assert_eq!(busy_max, metrics.pool.size, "{id}: a full pool shows every thread busy");
            }
            let drawn: f64 = timeline.buckets.iter().map(|bucket| f64::from(bucket.pool_busy_max) * timeline.bucket_us as f64).sum();
            let measured = metrics.pool.utilization * f64::from(metrics.pool.size) * summary.sim_time_us as f64;
            assert!(drawn + 1.0 >= measured * 0.999, "{id}: the pool chart shows {drawn:.0} thread-µs, the engine measured {measured:.0}");
            // Answers: every answered request is in one slice.
            if let Some(requests) = &metrics.requests {
                let answered: u64 = timeline.buckets.iter().map(|bucket| u64::from(bucket.answered)).sum();
                assert_eq!(answered, requests.completed, "{id}: answered requests");
            }
            // The main thread's idle time adds up to its utilization.
            let idle_us: u64 = timeline.buckets.iter().map(|bucket| bucket.main_idle_us).sum();
            let utilization = 1.0 - idle_us as f64 / summary.sim_time_us.max(1) as f64;
            assert!((utilization - metrics.event_loop.utilization).abs() < 0.01, "{id}: utilization {utilization} vs {}", metrics.event_loop.utilization);
        }
    }

    #[test]
    fn presentation_mode_steps_through_the_walkthrough_by_arrows_alone() {
        let mut state = loaded("stall-on-main-thread", Knobs::default());
        state.present = true;
        let steps = state.walkthrough.len();
        assert!(steps >= 3);
        // Each → shows the next step at its moment.
        for expected in 0..steps {
            state = state.apply(Action::StepForward);
            assert_eq!(state.step_shown, Some(expected));
            assert!(!state.playing);
            assert_eq!(state.cursor, state.walkthrough[expected].cursor);
        }
        // After the last, the run's end.
        assert!(state.clone().apply(Action::StepForward).at_end());
        // ← shows the one before, at its moment.
        state = state.apply(Action::StepBack);
        assert_eq!(state.step_shown, Some(steps - 2));
        assert_eq!(state.clock_us, state.walkthrough[steps - 2].t_us.max(state.clock_us));
        let again = state.clone().apply(Action::StepBack).apply(Action::StepBack);
        assert_eq!(again.step_shown, None, "before the first step: the start");
        assert_eq!(again.cursor, 0);
        // → while playing goes to the next step too.
        let playing = state.clone().apply(Action::TogglePlay);
        assert!(playing.playing);
        assert_eq!(playing.apply(Action::StepForward).step_shown, Some(steps - 1));
        // V cycles the one view beside the code.
        assert_eq!(state.apply(Action::CyclePresentView).present_view, PresentView::Timeline);
        // Outside presentation mode the arrows step one event.
        let mut plain = loaded("stall-on-main-thread", Knobs::default());
        plain = plain.apply(Action::StepForward);
        assert_eq!(plain.cursor, 1);
    }

    #[test]
    fn playback_stops_at_each_step_of_the_walkthrough_until_the_reader_goes_on() {
        let mut state = loaded("stall-on-main-thread", Knobs::default());
        assert_eq!(state.walkthrough.len(), 3, "{:?}", state.walkthrough);
        state = state.apply(Action::TogglePlay);
        let mut shown = Vec::new();
        for _ in 0..1_000_000 {
            if let Some(index) = state.step_shown {
                assert!(!state.playing, "playback waits at a step");
                // Still waiting after more frames.
                state = state.apply(Action::Tick { real_ms: 500.0 });
                assert_eq!(state.step_shown, Some(index));
                shown.push((index, state.clock_us, state.executing_line()));
                state = state.apply(Action::ContinueStep);
                continue;
            }
            if !state.playing {
                break;
            }
            state = state.apply(Action::Tick { real_ms: 16.0 });
        }
        assert!(state.at_end(), "played to the end");
        let indices: Vec<usize> = shown.iter().map(|(index, ..)| *index).collect();
        assert_eq!(indices, [0, 1, 2]);
        // The /heavy step shows while its handler (line 10) runs.
        assert_eq!(shown[1].2, Some(10));
        assert_eq!(shown[2].1, 305_000);
        // Playing again from the start shows them again; a seek skips those before it.
        let again = state.apply(Action::SeekTime(200_000)).apply(Action::TogglePlay).apply(Action::Tick { real_ms: 16.0 });
        assert_eq!(again.walkthrough.len(), 3);
        assert!(again.step_shown.is_none() || again.step_shown == Some(2));
    }

    /// Every step of every preset's walkthrough is reached by its run.
    #[test]
    fn every_presets_walkthrough_plays() {
        for (id, steps) in presets::PRESETS.iter().map(|preset| (preset.id, presets::walkthrough_of(preset.id))) {
            let written = steps.lines().filter(|line| line.contains("@looplab step")).count();
            assert!(written > 0, "{id} has no walkthrough");
            assert!(
                steps.lines().all(
                    |line| line.trim().is_empty() || looplab_core::directives::parse_step(line.trim_start().trim_start_matches("// @looplab step")).is_ok()
                ),
                "{id}"
            );
            let state = loaded(id, Knobs::default());
            assert_eq!(state.walkthrough.len(), written, "{id}: every step is placed on the run: {:?}", state.walkthrough);
        }
    }

    #[test]
    fn an_edited_preset_says_so() {
        let state = loaded("stall-on-main-thread", Knobs::default());
        assert!(!state.edited_from_preset());
        let source = format!("{}\n// mine", state.source);
        assert!(state.apply(Action::EditSource(source)).edited_from_preset());
    }

    #[test]
    fn a_knob_changes_the_run() {
        let four = loaded("pbkdf2-waves-pool-4", Knobs::default());
        let eight = loaded("pbkdf2-waves-pool-4", Knobs { pool: Some(8), ..Knobs::default() });
        let end = |state: &AppState| state.summary.as_ref().map(|summary| summary.sim_time_us).unwrap_or(0);
        assert!(end(&eight) * 3 < end(&four) * 2, "pool 8: {} vs pool 4: {}", end(&eight), end(&four));
        // The engine's resolved size, not the page's default: eight threads
        // from the start.
        assert_eq!(eight.pool_size, 8);
        assert_eq!(eight.view.pool.len(), 8);
        let code = loaded("pbkdf2-waves-pool-8", Knobs::default());
        assert_eq!((code.pool_size, code.view.pool.len()), (8, 8), "process.env.UV_THREADPOOL_SIZE in the code");
        assert_eq!(code.clone().apply(Action::Restart).view.pool.len(), 8);
    }

    #[test]
    fn a_bad_knob_is_reported_at_the_knobs_not_in_the_code() {
        let state = loaded("stall-on-main-thread", Knobs { load: Some("open rate=fast".into()), ..Knobs::default() });
        assert!(state.summary.is_none());
        assert_eq!(state.knob_errors().len(), 1, "{:?}", state.errors);
        assert!(state.code_errors().is_empty());
    }

    #[test]
    fn a_code_error_keeps_the_text_and_points_at_its_line() {
        let mut state = AppState::default().apply(Action::EditSource("const a = 1;\nlet = ;\n".into()));
        state = state.apply(Action::RunRequested { run_id: 1 });
        let mut answers = Vec::new();
        let request = ToWorker::RunSource {
            run_id: 1,
            title: String::new(),
            source: state.source.clone(),
            settings: Settings::default(),
            trace: true,
            trace_events_max: 0,
        };
        looplab_worker::execute(request, &mut |answer| answers.push(answer));
        for answer in answers {
            state = state.apply(Action::FromWorker(answer));
        }
        assert_eq!(state.code_errors().first().map(|error| error.line), Some(2));
        assert_eq!(state.source, "const a = 1;\nlet = ;\n");
        assert!(!state.running);
    }

    #[test]
    fn the_executing_line_is_the_running_callbacks() {
        let mut state = loaded_intro();
        let callback_line = state.source.lines().position(|line| line.contains("fs.readFile(")).expect("readFile line") as u32 + 1;
        let mut seen = Vec::new();
        while state.cursor < state.events.len() {
            state = state.apply(Action::StepForward);
            if let Some(line) = state.executing_line() {
                seen.push(line);
            }
        }
        assert!(seen.contains(&1), "the main script: {seen:?}");
        assert!(seen.contains(&callback_line), "the readFile callback's line {callback_line}: {seen:?}");
    }

    #[test]
    fn a_load_request_lights_its_handlers_line() {
        let mut state = loaded("handler-readfile", Knobs::default());
        let handler_line = state.source.lines().position(|line| line.contains("http.createServer(")).expect("createServer line") as u32 + 1;
        let mut seen = Vec::new();
        while state.cursor < state.events.len() && seen.len() < 50 {
            state = state.apply(Action::StepForward);
            if let Some(TraceKind::CallbackStart { label, .. }) = state.events.get(state.cursor.wrapping_sub(1)).map(|event| &event.kind) {
                if label == "parserOnIncoming" {
                    seen.push(state.executing_line());
                }
            }
        }
        assert!(!seen.is_empty(), "no request reached the handler");
        assert!(seen.iter().all(|line| *line == Some(handler_line)), "the handler's line {handler_line}: {seen:?}");
    }

    #[test]
    fn a_phone_turns_to_the_code_when_it_has_problems() {
        let mut state = AppState::default().apply(Action::ShowPane(Pane::Simulation));
        assert_eq!(state.pane, Pane::Simulation);
        state = state.apply(Action::EditSource("let = ;\n".to_string())).apply(Action::RunRequested { run_id: 1 });
        let request = ToWorker::RunSource {
            run_id: 1,
            title: state.title.clone(),
            source: state.source.clone(),
            settings: Settings::default(),
            trace: true,
            trace_events_max: 0,
        };
        let mut answers = Vec::new();
        looplab_worker::execute(request, &mut |answer| answers.push(answer));
        for answer in answers {
            state = state.apply(Action::FromWorker(answer));
        }
        assert_eq!(state.pane, Pane::Code);
        assert_eq!(Pane::from_key(Pane::Code.key()), Some(Pane::Code));
    }

    #[test]
    fn a_crash_keeps_the_code_says_so_and_holds_runs_until_the_person_acts() {
        let mut state = loaded_intro();
        let source = state.source.clone();
        state = state.apply(Action::WorkerCrashed("RuntimeError: unreachable".into()));
        assert_eq!(state.source, source);
        assert_eq!(state.crashes, 1);
        assert!(state.halted_by_crash);
        let notice = state.notice.clone().expect("a notice");
        assert!(notice.offers_link && notice.text.contains("RuntimeError: unreachable"), "{}", notice.text);
        state = state.apply(Action::FromWorker(FromWorker::Ready { protocol_version: looplab_protocol::PROTOCOL_VERSION }));
        assert_eq!(state.worker, WorkerStatus::Ready);
        assert!(state.halted_by_crash, "the fresh worker is not handed the same code at once");
        state = state.apply(Action::EditSource(format!("{source}\n")));
        assert!(!state.halted_by_crash);
    }

    #[test]
    fn answers_for_an_old_run_are_ignored() {
        let state = loaded_intro().apply(Action::RunRequested { run_id: 2 });
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
    }

    #[test]
    fn a_long_run_gets_a_faster_pace_unless_one_was_chosen() {
        let state = loaded("pool-queue-erlang-c", Knobs::default());
        assert!(state.speed_index > DEFAULT_SPEED_INDEX, "{}", state.speed_index);
        let chosen = AppState::default().apply(Action::SetSpeed(0));
        assert!(chosen.speed_chosen);
    }

    #[test]
    fn play_at_the_end_restarts() {
        let state = loaded_intro().apply(Action::ToEnd);
        assert!(state.at_end());
        let state = state.apply(Action::TogglePlay);
        assert_eq!(state.cursor, 0);
        assert!(state.playing);
    }

    #[test]
    fn absurd_knob_values_are_clamped() {
        let state = AppState::default().apply(Action::SetKnob(Knob::Pool(Some(1_000_000)))).apply(Action::SetKnob(Knob::CpuSpeed(Some(0))));
        assert_eq!(state.knobs.pool, Some(POOL_MAX));
        assert_eq!(state.knobs.cpu_speed_percent, Some(10));
    }
}
