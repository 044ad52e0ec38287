//! The page. Components render [`AppState`] and dispatch [`Action`]s; all
//! decisions live in the reducer (`state.rs`). The effects here only talk
//! to the world: the worker, timers, the keyboard, local storage.

use crate::bridge::WorkerBridge;
use crate::charts::{Histogram, LineChart, Measure, Series, Shared};
use crate::editor::{CodeView, Editor};
use crate::lanes::Lanes;
use crate::predict::PredictPanel;
use crate::presets::{self, PRESETS};
use crate::share::{self as share_state, Saved};
use crate::sharing::{self, ExportKind, SharePanel};
use crate::state::{Action, AppState, CompareWith, Knob, Pane, PresentView, WorkerStatus, SPEEDS, TRACE_EVENTS_MAX};
use crate::tracks_view::TracksView;
use gloo_timers::callback::{Interval, Timeout};
use looplab_core::Settings;
use looplab_protocol::{RunSummary, ToWorker};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Where the editor's text is kept between visits (nothing typed is lost).
const STORAGE_SOURCE: &str = "looplab.source";
const STORAGE_PRESET: &str = "looplab.preset";
/// The person's own text, set aside when they opened someone's link.
const STORAGE_OWN_SOURCE: &str = "looplab.own.source";
const STORAGE_OWN_PRESET: &str = "looplab.own.preset";
/// "1" while the kept text is a link's, unedited.
const STORAGE_FROM_LINK: &str = "looplab.source.from-link";
/// Quiet time after typing before the code runs again.
const EDIT_DEBOUNCE_MS: u32 = 400;
/// Playback's frame interval.
const FRAME_MS: u32 = 16;

/// Yew's reducer hook wants `Rc<Self>` in and out; the logic itself is the
/// by-value [`AppState::apply`].
#[derive(Default, PartialEq)]
pub struct Store(pub AppState);

impl Reducible for Store {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(Store(self.0.clone().apply(action)))
    }
}

/// Page-wide event listeners that stop listening when dropped (an
/// effect's cleanup drops them).
pub(crate) struct Listening {
    target: Option<web_sys::EventTarget>,
    kinds: &'static [&'static str],
    closure: Closure<dyn FnMut(web_sys::Event)>,
}

pub(crate) fn listen(target: Option<web_sys::EventTarget>, kinds: &'static [&'static str], handler: impl FnMut(web_sys::Event) + 'static) -> Listening {
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(handler);
    if let Some(target) = &target {
        for kind in kinds {
            let _ = target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref());
        }
    }
    Listening { target, kinds, closure }
}

impl Drop for Listening {
    fn drop(&mut self) {
        if let Some(target) = &self.target {
            for kind in self.kinds {
                let _ = target.remove_event_listener_with_callback(kind, self.closure.as_ref().unchecked_ref());
            }
        }
    }
}

fn document() -> Option<web_sys::EventTarget> {
    web_sys::window().and_then(|window| window.document()).map(Into::into)
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn load_saved(source_key: &str, preset_key: &str) -> Option<Saved> {
    let storage = storage()?;
    let source = storage.get_item(source_key).ok().flatten()?;
    let preset_id = storage.get_item(preset_key).ok().flatten().filter(|id| !id.is_empty());
    let from_link = source_key == STORAGE_SOURCE && storage.get_item(STORAGE_FROM_LINK).ok().flatten().as_deref() == Some("1");
    Some(Saved { source, preset_id, from_link })
}

fn store_saved(source_key: &str, preset_key: &str, saved: &Saved) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(source_key, &saved.source);
        let _ = storage.set_item(preset_key, saved.preset_id.as_deref().unwrap_or(""));
        if source_key == STORAGE_SOURCE {
            let _ = storage.set_item(STORAGE_FROM_LINK, if saved.from_link { "1" } else { "" });
        }
    }
}

/// The state a visit starts from: a share link's scenario (the person's own
/// text set aside in local storage), or the text they left last time, or
/// the first preset (see `share::open`).
fn initial_state() -> AppState {
    let opening = share_state::open(sharing::location_fragment().as_deref(), load_saved(STORAGE_SOURCE, STORAGE_PRESET));
    if let Some(own) = &opening.set_aside {
        store_saved(STORAGE_OWN_SOURCE, STORAGE_OWN_PRESET, own);
    }
    opening.state
}

/// What the worker should run for the state: the code plus the knobs'
/// directive lines.
fn run_request(state: &AppState, run_id: u64, compare: Option<CompareWith>) -> Option<(ToWorker, String)> {
    let mut source = state.source.clone();
    let mut overrides = state.knobs.overrides();
    let mut label = String::new();
    if let Some(with) = compare {
        match with {
            CompareWith::Pair => {
                let pair = state.preset_id.as_deref().and_then(presets::by_id).and_then(|preset| preset.pair).and_then(presets::by_id)?;
                source = pair.source.to_string();
                label = pair.title.to_string();
            }
            CompareWith::DoublePool => {
                let pool = state.knobs.pool.unwrap_or(CodeSettings::of(&state.source).pool) * 2;
                overrides.push(format!("pool={pool}"));
                label = format!("pool of {pool}");
            }
            CompareWith::DoubleCores => {
                let cores = state.knobs.cores.unwrap_or(CodeSettings::of(&state.source).cores) * 2;
                overrides.push(format!("cores={cores}"));
                label = format!("{cores} cores");
            }
            CompareWith::ThreadPerRequest => {
                overrides.push("server=thread-per-request threads=200 stack=1MiB".to_string());
                label = "thread per request (200 threads)".to_string();
            }
        }
    }
    let text = looplab_core::directives::apply_overrides(&source, &overrides).ok()?;
    let request = ToWorker::RunSource {
        run_id,
        title: state.title.clone(),
        source: text,
        settings: Settings::default(),
        trace: compare.is_none(),
        trace_events_max: TRACE_EVENTS_MAX,
    };
    Some((request, label))
}

#[function_component(App)]
pub fn app() -> Html {
    let store = use_reducer(|| Store(initial_state()));
    let bridge = use_mut_ref(|| None::<WorkerBridge>);
    let next_run_id = use_mut_ref(|| Cell::new(0u64));
    let state = &store.0;

    // Start the worker once. Its `Ready` message arrives as an action.
    {
        let dispatcher = store.dispatcher();
        let bridge = bridge.clone();
        use_effect_with((), move |_| {
            let dispatch = move |action: Action| dispatcher.dispatch(action);
            match WorkerBridge::spawn(dispatch.clone()) {
                Ok(spawned) => *bridge.borrow_mut() = Some(spawned),
                Err(message) => dispatch(Action::WorkerCrashed(message)),
            }
            move || drop(bridge.borrow_mut().take())
        });
    }

    // Run the code whenever it or a knob changes (after a pause in typing).
    // A run still going is abandoned: the worker restarts for the new one.
    let run_now = {
        let dispatcher = store.dispatcher();
        let bridge = bridge.clone();
        let next_run_id = next_run_id.clone();
        let state = state.clone();
        Callback::from(move |_: ()| {
            // Dispatching only queues a render; nothing it triggers borrows
            // the bridge before this returns.
            let mut guard = bridge.borrow_mut();
            let Some(bridge) = guard.as_mut() else { return };
            let busy = state.running || state.comparison.as_ref().is_some_and(|comparison| comparison.summary.is_none() && comparison.error.is_none());
            if busy || bridge.needs_fresh_worker() {
                bridge.restart();
            }
            let ids = next_run_id.borrow();
            ids.set(ids.get() + 1);
            let run_id = ids.get();
            if let Some((request, _)) = run_request(&state, run_id, None) {
                dispatcher.dispatch(Action::RunRequested { run_id });
                bridge.send(&request);
            }
            if let Some(with) = state.compare_with {
                ids.set(ids.get() + 1);
                if let Some((request, label)) = run_request(&state, ids.get(), Some(with)) {
                    dispatcher.dispatch(Action::CompareRequested { run_id: ids.get(), label });
                    bridge.send(&request);
                }
            }
        })
    };
    let latest_run = use_mut_ref(|| None::<Callback<()>>);
    *latest_run.borrow_mut() = Some(run_now.clone());
    {
        let run_now = run_now.clone();
        let key = (state.source.clone(), state.knobs.clone(), state.compare_with, state.worker == WorkerStatus::Ready && !state.halted_by_crash);
        use_effect_with(key, move |(_, _, _, ready)| {
            let timeout = ready.then(|| Timeout::new(EDIT_DEBOUNCE_MS, move || run_now.emit(())));
            move || drop(timeout)
        });
    }

    // A crashed worker is replaced at once; the reducer keeps the code and
    // holds automatic runs until the person acts.
    {
        let bridge = bridge.clone();
        use_effect_with(state.crashes, move |crashes| {
            if *crashes > 0 {
                if let Some(bridge) = bridge.borrow_mut().as_mut() {
                    bridge.restart();
                }
            }
        });
    }
    // The crash drill: a `looplab:crash-drill` event on the window makes the
    // worker panic, so the crash path can be tested in a real browser.
    {
        let bridge = bridge.clone();
        use_effect_with((), move |_| {
            let listening = listen(web_sys::window().map(Into::into), &["looplab:crash-drill"], move |_| {
                if let Some(bridge) = bridge.borrow().as_ref() {
                    bridge.send(&ToWorker::CrashDrill);
                }
            });
            move || drop(listening)
        });
    }

    // Keep the text, so a reload or a crash loses nothing. An embed keeps
    // nothing: it shows someone's scenario inside someone else's page.
    {
        let key = (state.source.clone(), state.preset_id.clone(), state.embed.is_some());
        let from_link = state.link_source.as_ref() == Some(&state.source);
        use_effect_with(key, move |(source, preset_id, embedded)| {
            if !embedded {
                store_saved(STORAGE_SOURCE, STORAGE_PRESET, &Saved { source: source.clone(), preset_id: preset_id.clone(), from_link });
            }
        });
    }

    // The address bar holds the scenario, so the address is always a link
    // to what is on screen (the playground only; an embed's is its own).
    // Encoded once per change of what it holds, not per frame of playback
    // (the embed's "Open in Looplab" and the crash notice use it too).
    let fragment = {
        let key = (state.source.clone(), state.preset_id.clone(), state.title.clone(), state.knobs.clone(), state.compare_with, state.pane);
        use_memo(key, |_| {
            let scenario = share_state::scenario_of(state);
            looplab_share::encode(&looplab_share::Scenario { view: looplab_share::ViewState { time_us: None, ..scenario.view }, ..scenario })
        })
    };
    {
        let embedded = state.embed.is_some();
        // Presentation mode and a prediction stay on through a reload, and
        // travel in the address as a link.
        let modes = looplab_share::mode_items(state.present, state.predict.as_ref().map(|prediction| prediction.order.as_slice()));
        use_effect_with((fragment.clone(), modes), move |(fragment, modes)| {
            if !embedded {
                sharing::replace_fragment(&format!("{modes}{fragment}"));
            }
        });
    }

    // Another link pasted into the address bar of this tab changes only the
    // fragment: start over from it. (The page's own updates use
    // replaceState, which fires no hashchange.)
    use_effect_with((), |_| {
        let listening = listen(web_sys::window().map(Into::into), &["hashchange"], |_| {
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
        });
        move || drop(listening)
    });

    // An embed: its theme, its height told to the page around it after
    // every render, and playback paused while it is off screen.
    {
        let theme = state.embed.as_ref().and_then(|embed| embed.theme);
        use_effect_with(theme, |theme| sharing::set_theme(*theme));
        // The page around an embed switches its theme live: a
        // `looplab:theme` message from the parent window (what
        // `<looplab-embed theme=…>` sends; a blog's theme toggle can send it
        // to a plain iframe too).
        use_effect_with(state.embed.is_some(), |embedded| {
            let listening = embedded.then(|| {
                listen(web_sys::window().map(Into::into), &["message"], |event| {
                    if let Some(theme) = sharing::theme_message(&event) {
                        sharing::set_theme(theme);
                    }
                })
            });
            move || drop(listening)
        });
    }
    {
        let last_height = use_mut_ref(|| 0);
        let embedded = state.embed.is_some();
        use_effect(move || {
            if embedded {
                let height = sharing::document_height();
                if height != *last_height.borrow() {
                    *last_height.borrow_mut() = height;
                    sharing::post_height(height);
                }
            }
        });
    }
    {
        let dispatcher = store.dispatcher();
        use_effect_with(state.embed.is_some(), move |embedded| {
            let observer = embedded.then(|| sharing::watch_visibility(Callback::from(move |visible| dispatcher.dispatch(Action::Visible(visible)))));
            move || drop(observer)
        });
    }

    // Embeds on one page take turns: starting to play pauses the others.
    {
        let turns = use_mut_ref(|| None::<sharing::EmbedTurns>);
        {
            let turns = turns.clone();
            let dispatcher = store.dispatcher();
            use_effect_with(state.embed.is_some(), move |embedded| {
                *turns.borrow_mut() = embedded.then(|| sharing::EmbedTurns::new(Callback::from(move |()| dispatcher.dispatch(Action::Pause)))).flatten();
                move || drop(turns.borrow_mut().take())
            });
        }
        use_effect_with(state.playing, move |playing| {
            if let (true, Some(turns)) = (*playing, turns.borrow().as_ref()) {
                turns.playing();
            }
        });
    }

    // Playback: one tick per frame while playing, with the real time passed.
    {
        let dispatcher = store.dispatcher();
        use_effect_with(state.playing, move |playing| {
            let last = Rc::new(Cell::new(js_sys::Date::now()));
            let interval = playing.then(|| {
                Interval::new(FRAME_MS, move || {
                    let now = js_sys::Date::now();
                    let real_ms = (now - last.get()).clamp(0.0, 250.0);
                    last.set(now);
                    dispatcher.dispatch(Action::Tick { real_ms });
                })
            });
            move || drop(interval)
        });
    }

    // Keyboard: space plays/pauses, arrows step, [ and ] change speed,
    // Home/End, n: next stall.
    {
        let dispatcher = store.dispatcher();
        use_effect_with((), move |_| {
            let listening = listen(document(), &["keydown"], move |event| {
                let Some(event) = event.dyn_ref::<KeyboardEvent>() else { return };
                if typing_in_a_control(event) || event.ctrl_key() || event.meta_key() || event.alt_key() {
                    return;
                }
                let action = match event.key().as_str() {
                    " " => Action::TogglePlay,
                    "ArrowRight" => Action::StepForward,
                    "ArrowLeft" => Action::StepBack,
                    "Home" => Action::Restart,
                    "End" => Action::ToEnd,
                    "]" => Action::Faster,
                    "[" => Action::Slower,
                    "n" => Action::NextStall,
                    // Goes on past a walkthrough's step (a no-op without one).
                    "Enter" => Action::ContinueStep,
                    // Presentation mode's next view (nothing else shows it).
                    "v" | "V" => Action::CyclePresentView,
                    _ => return,
                };
                event.prevent_default();
                dispatcher.dispatch(action);
            });
            move || drop(listening)
        });
    }

    // Explain: what the pointer or the focus is on, in one sentence.
    {
        let dispatcher = store.dispatcher();
        use_effect_with((), move |_| {
            let listening = listen(document(), &["mouseover", "focusin"], move |event| {
                let text = event
                    .target()
                    .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
                    .and_then(|element| element.closest("[data-explain]").ok().flatten())
                    .and_then(|element| element.get_attribute("data-explain"));
                dispatcher.dispatch(Action::Explain(text));
            });
            move || drop(listening)
        });
    }

    let dispatch = |action: Action| {
        let dispatcher = store.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(action.clone()))
    };
    // Callbacks that never change, so the editor and the panels re-render
    // only when their own data does (playback re-renders 60 times a second).
    let on_edit = {
        let dispatcher = store.dispatcher();
        use_callback((), move |text: String, _| dispatcher.dispatch(Action::EditSource(text)))
    };
    let on_run = {
        let latest_run = latest_run.clone();
        use_callback((), move |_: (), _| {
            if let Some(run_now) = latest_run.borrow().as_ref() {
                run_now.emit(());
            }
        })
    };
    let on_pick = {
        let dispatcher = store.dispatcher();
        use_callback((), move |id: String, _| dispatcher.dispatch(Action::LoadPreset(id)))
    };
    let on_knob = {
        let dispatcher = store.dispatcher();
        use_callback((), move |knob: Knob, _| dispatcher.dispatch(Action::SetKnob(knob)))
    };
    let on_reset = {
        let dispatcher = store.dispatcher();
        use_callback((), move |_: MouseEvent, _| dispatcher.dispatch(Action::ResetKnobs))
    };
    let on_seek = {
        let dispatcher = store.dispatcher();
        use_callback((), move |t_us: u64, _| dispatcher.dispatch(Action::SeekTime(t_us)))
    };
    let on_seek_event = {
        let dispatcher = store.dispatcher();
        use_callback((), move |(index, t_us): (usize, u64), _| dispatcher.dispatch(Action::SeekEvent { index, t_us }))
    };
    let on_compare = {
        let dispatcher = store.dispatcher();
        use_callback((), move |with: Option<CompareWith>, _| dispatcher.dispatch(Action::SetCompare(with)))
    };
    let in_code = use_memo(state.source.clone(), |source| CodeSettings::of(source));
    // What the code says, as the engine resolved it: a pool size the code
    // sets with process.env.UV_THREADPOOL_SIZE is only known by running it.
    let settings_of_run = {
        let mut settings = (*in_code).clone();
        if let Some(summary) = state.summary.as_ref().filter(|_| state.knobs.pool.is_none() && state.run_source == state.source) {
            settings.pool = summary.metrics.pool.size.max(1);
        }
        settings
    };
    let on_speed = {
        let dispatcher = store.dispatcher();
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() {
                if let Ok(index) = select.value().parse::<usize>() {
                    dispatcher.dispatch(Action::SetSpeed(index));
                }
            }
        })
    };
    let on_scrub = {
        let dispatcher = store.dispatcher();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                // The scrubber's step is 1 µs, so its value is a whole number.
                if let Ok(t_us) = input.value().parse::<u64>() {
                    dispatcher.dispatch(Action::SeekTime(t_us));
                }
            }
        })
    };
    let on_stop = {
        let bridge = bridge.clone();
        let dispatcher = store.dispatcher();
        Callback::from(move |_: MouseEvent| {
            if let Some(bridge) = bridge.borrow_mut().as_mut() {
                bridge.restart();
            }
            dispatcher.dispatch(Action::FromWorker(looplab_protocol::FromWorker::Failed {
                run_id: 0,
                message: "stopped: you pressed Stop. Your code is untouched; change it or press Run to go again.".to_string(),
                errors: Vec::new(),
            }));
        })
    };

    let share_open = use_state(|| false);
    let export_message = use_state(|| None::<String>);
    let on_export = {
        let state = state.clone();
        let export_message = export_message.clone();
        Callback::from(move |kind: ExportKind| {
            let stem = crate::export::file_stem(&state.title);
            export_message.set(None);
            match kind {
                ExportKind::RequestsCsv => sharing::download_text(&format!("{stem}-requests.csv"), "text/csv", &crate::export::requests_csv(&state.events)),
                ExportKind::RequestsJson => {
                    sharing::download_text(&format!("{stem}-requests.json"), "application/json", &crate::export::requests_json(&state.events))
                }
                ExportKind::TraceCsv => sharing::download_text(&format!("{stem}-trace.csv"), "text/csv", &crate::export::trace_csv(&state.events)),
                ExportKind::TraceText => sharing::download_text(&format!("{stem}-trace.txt"), "text/plain", &crate::export::trace_text(&state.events)),
                ExportKind::PosterSvg => sharing::download_text(
                    &crate::poster::file_name(&state.title, "svg"),
                    "image/svg+xml",
                    &crate::poster::svg(&state.title, &state.source, &state.tracks, &sharing::poster_css()),
                ),
                ExportKind::PosterPng => {
                    let export_message = export_message.clone();
                    sharing::download_svg_png(
                        crate::poster::svg(&state.title, &state.source, &state.tracks, &sharing::poster_css()),
                        crate::poster::WIDTH,
                        crate::poster::HEIGHT,
                        &crate::poster::file_name(&state.title, "png"),
                        Callback::from(move |outcome: Result<(), String>| {
                            export_message.set(Some(match outcome {
                                Ok(()) => "Saved the poster as a PNG.".to_string(),
                                Err(message) => format!("The poster could not be made: {message}."),
                            }))
                        }),
                    );
                }
                ExportKind::ViewPng => {
                    let export_message = export_message.clone();
                    sharing::download_png(
                        "[data-testid=lanes]",
                        &format!("{stem}.png"),
                        Callback::from(move |outcome: Result<(), String>| {
                            export_message.set(Some(match outcome {
                                Ok(()) => "Saved the view as a PNG.".to_string(),
                                Err(message) => format!("The PNG could not be made: {message}."),
                            }))
                        }),
                    );
                }
            }
        })
    };
    let clip_progress = use_state(|| None::<f64>);
    let on_clip = {
        let dispatcher = store.dispatcher();
        let clip_progress = clip_progress.clone();
        let export_message = export_message.clone();
        let stem = crate::export::file_stem(&state.title);
        Callback::from(move |request: sharing::ClipRequest| {
            dispatcher.dispatch(Action::Pause);
            clip_progress.set(Some(0.0));
            export_message.set(None);
            let seek = {
                let dispatcher = dispatcher.clone();
                Callback::from(move |t_us: u64| dispatcher.dispatch(Action::SeekTime(t_us)))
            };
            let progress = {
                let clip_progress = clip_progress.clone();
                Callback::from(move |share: f64| clip_progress.set(Some(share)))
            };
            let done = {
                let clip_progress = clip_progress.clone();
                let export_message = export_message.clone();
                Callback::from(move |outcome: Result<(), String>| {
                    clip_progress.set(None);
                    export_message.set(Some(match outcome {
                        Ok(()) => "Saved the clip as WebM.".to_string(),
                        Err(message) => format!("The clip could not be made: {message}."),
                    }));
                })
            };
            sharing::record_clip(request, &format!("{stem}.webm"), seek, progress, done);
        })
    };
    let on_share = {
        let share_open = share_open.clone();
        Callback::from(move |_: MouseEvent| share_open.set(!*share_open))
    };
    let on_share_close = {
        let share_open = share_open.clone();
        Callback::from(move |_: ()| share_open.set(false))
    };
    let on_restore = {
        let dispatcher = store.dispatcher();
        Callback::from(move |_: MouseEvent| {
            if let Some(own) = load_saved(STORAGE_OWN_SOURCE, STORAGE_OWN_PRESET) {
                dispatcher.dispatch(Action::RestoreOwn { source: own.source, preset_id: own.preset_id });
            }
        })
    };
    let on_dismiss = dispatch(Action::DismissNotice);

    let status = match (&state.worker, &state.error) {
        (WorkerStatus::Failed(message), _) => format!("Error: {message}"),
        (_, Some(message)) if state.errors.is_empty() => message.clone(),
        (_, Some(_)) => "The code has problems: see below the editor.".to_string(),
        (WorkerStatus::Starting, _) => "Starting the simulation worker…".to_string(),
        (WorkerStatus::Ready, _) if state.running => match state.progress {
            Some(share) => format!("Simulating… {:.0}%", share * 100.0),
            None => "Simulating…".to_string(),
        },
        (WorkerStatus::Ready, _) if state.summary.is_none() => "Ready.".to_string(),
        (WorkerStatus::Ready, _) => format!(
            "t = {} · event {} of {}{} · the run ends at {}: {}",
            format_ms(state.clock_us),
            state.cursor,
            state.events.len(),
            if state.summary.as_ref().is_some_and(|summary| summary.trace_truncated) {
                " (the animation covers the first part; the charts the whole run)"
            } else {
                ""
            },
            format_ms(state.end_us()),
            state.stop_description().unwrap_or_default(),
        ),
    };
    let end_us = state.end_us();
    let code_errors: Vec<_> = state.code_errors().into_iter().cloned().collect();

    let controls = html! {
                    <div class="controls" role="toolbar" aria-label="Playback">
                        <button data-testid="restart" onclick={dispatch(Action::Restart)} title="Back to the start (Home)" aria-label="Back to the start">{icon("M3 3h2v10H3z M13 3v10L6 8z")}</button>
                        <button data-testid="step-back" onclick={dispatch(Action::StepBack)} title="Step back one event (←)" aria-label="Step back one event">{icon("M11 3v10L4 8z")}</button>
                        <button data-testid="play" class="primary" onclick={dispatch(Action::TogglePlay)}
                            disabled={state.events.is_empty()} aria-pressed={state.playing.to_string()} title="Play or pause (space)">
                            { if state.playing { "Pause" } else { "Play" } }
                        </button>
                        <button data-testid="step-forward" onclick={dispatch(Action::StepForward)} title="Step forward one event (→)" aria-label="Step forward one event">{icon("M5 3v10l7-5z")}</button>
                        <button data-testid="to-end" onclick={dispatch(Action::ToEnd)} title="Instant: jump to the end (End)" aria-label="Jump to the end">{icon("M3 3v10l7-5z M11 3h2v10h-2z")}</button>
                        <button data-testid="next-stall" onclick={dispatch(Action::NextStall)} disabled={state.stalls.iter().all(|stall| stall.start_us <= state.clock_us)}
                            title="Jump to the next stall (n)">{"Next stall"}</button>
                        <label class="speed">{"Speed "}
                            <select data-testid="speed" onchange={on_speed} aria-label="Playback speed ([ and ])">
                                { for SPEEDS.iter().enumerate().map(|(index, speed)| html! {
                                    <option value={index.to_string()} selected={index == state.speed_index}>{format!("{speed}×")}</option>
                                }) }
                            </select>
                        </label>
                        <button data-testid="run" onclick={{ let run_now = run_now.clone(); Callback::from(move |_| run_now.emit(())) }} title="Run the code again now (Ctrl+Enter in the editor)">{"Run"}</button>
                        <button data-testid="predict-start" onclick={dispatch(Action::PredictStart)} disabled={state.events.is_empty() || state.predict.is_some()}
                            title="Predict the order of the printed lines, then run and see">{"Predict"}</button>
                        if state.running { <button data-testid="stop" class="danger" onclick={on_stop} title="Stop the simulation">{"Stop"}</button> }
                    </div>
    };
    let predict_panel = state
        .predict
        .as_ref()
        .map(|prediction| {
            let dispatcher = store.dispatcher();
            let on_move = Callback::from(move |(from, to): (usize, usize)| dispatcher.dispatch(Action::PredictMove { from, to }));
            let act = |action: Action| {
                let dispatcher = store.dispatcher();
                Callback::from(move |()| dispatcher.dispatch(action.clone()))
            };
            html! {
                <PredictPanel prediction={Shared(prediction.clone())} printed_so_far={state.view.console.len()} {on_move}
                    on_check={act(Action::PredictCheck)} on_again={act(Action::PredictAgain)}
                    on_close={act(Action::PredictQuit)} />
            }
        })
        .unwrap_or_default();
    let step_box = html! {
        if let Some(step) = state.step_shown.and_then(|index| state.walkthrough.get(index).map(|step| (index, step))) {
                        <div class="walkthrough-step" data-testid="walkthrough-step" role="status">
                            <span class="step-count">{format!("Step {} of {}", step.0 + 1, state.walkthrough.len())}
                                { if step.1.line > 0 { format!(" · line {}", step.1.line) } else { String::new() } }</span>
                            <p data-testid="walkthrough-text">{step.1.text.clone()}</p>
                            <button data-testid="walkthrough-continue" onclick={dispatch(Action::ContinueStep)}>{"Continue"}<kbd>{"Enter"}</kbd></button>
                        </div>
                    }
    };
    let stage_core = html! {
        <>
                    <Timeline clock_us={state.clock_us} end_us={end_us} stalls={state.stalls.clone()} on_scrub={on_scrub.clone()} />
                    if state.running {
                        <progress data-testid="progress" max="1" value={state.progress.unwrap_or(0.0).to_string()} aria-label="Simulation progress"></progress>
                    }
                    <p class="status" data-testid="status" role="status" data-run-id={state.run_id.to_string()}
                        data-done={(!state.running && (state.summary.is_some() || state.error.is_some())).to_string()}>{status}</p>
                    <p class="narration" data-testid="narration" aria-live="polite">{state.narration()}</p>
                    { step_box.clone() }
                    <Lanes view={state.view.clone()} clock_us={state.clock_us}
                        has_requests={state.summary.as_ref().is_some_and(|summary| summary.metrics.requests.is_some()) || state.view.requests_done > 0 || !state.view.requests_in_flight.is_empty()}
                        stall={state.current_stall().map(|(stall, so_far)| (stall.clone(), so_far))}
                        cores={state.knobs.cores.unwrap_or(in_code.cores)} />
        </>
    };
    let figures = html! {
        <>
                    if let Some(summary) = &state.summary {
                        <Figures summary={Shared(summary.clone())} />
                    }
                    // Charts need a run long enough to have a shape.
                    if let Some(summary) = state.summary.as_ref().filter(|summary| summary.metrics.requests.is_some() || summary.sim_time_us >= 100_000) {
                        <Charts summary={Shared(summary.clone())} comparison={state.comparison.as_ref().and_then(|comparison| comparison.summary.clone().map(|summary| (comparison.label.clone(), Shared(summary))))}
                            clock_us={state.clock_us} latencies_us={state.latencies_us.clone()} />
                    }
        </>
    };
    // The timeline once the run is complete (it is built from the whole trace).
    let timeline = html! {
        if state.summary.is_some() && !state.events.is_empty() {
            <TracksView key={state.run_id.to_string()} tracks={Shared(state.tracks.clone())} clock_us={state.clock_us} on_seek_event={on_seek_event.clone()} />
        }
    };
    let notice = state
        .notice
        .as_ref()
        .map(|notice| {
            html! {
                <div class="notice" role="status" data-testid="notice">
                    <span>{notice.text.clone()}</span>
                    if notice.offers_restore {
                        <button data-testid="restore-own" onclick={on_restore.clone()}>{"Restore my code"}</button>
                    }
                    if notice.offers_link {
                        <a data-testid="crash-link" href={format!("{}#{}", sharing::page_address(), fragment)}>
                            {"The link that reproduces it"}</a>
                    }
                    <button data-testid="dismiss-notice" onclick={on_dismiss.clone()} aria-label="Dismiss this message">{"Dismiss"}</button>
                </div>
            }
        })
        .unwrap_or_default();

    if state.present {
        // Presentation mode: large type, the code and one view, the arrow
        // keys going from step to step (for talks and screen recordings).
        let leave = format!("{}#{}", sharing::page_address(), fragment);
        let lit_line =
            state.step_shown.and_then(|index| state.walkthrough.get(index)).map(|step| step.line).filter(|line| *line > 0).or_else(|| state.executing_line());
        let show_view = |view: PresentView| dispatch(Action::ShowPresentView(view));
        let keys = if state.walkthrough.is_empty() {
            "→ ← step one event · space plays · V next view"
        } else {
            "→ next step · ← step back · space plays · V next view"
        };
        return html! {
            <div class="app present" data-testid="present">
                <header class="present-bar">
                    <strong class="brand">{"Looplab"}</strong>
                    <h1 class="present-title">{state.title.clone()}</h1>
                    <div class="present-views" role="group" aria-label="The view beside the code (V)">
                        { for PresentView::ALL.iter().map(|view| html! {
                            <button data-testid={format!("present-view-{}", view.label().to_lowercase())} aria-pressed={(state.present_view == *view).to_string()}
                                onclick={show_view(*view)}>{view.label()}</button>
                        }) }
                    </div>
                    <span class="present-keys" data-testid="present-keys">{keys}</span>
                    <a class="open-full" data-testid="present-leave" href={leave}>{"Leave presentation"}</a>
                </header>
                { notice }
                <main class="present-body">
                    <section class="panel present-code" aria-label="Code">
                        <CodeView source={state.source.clone()} lit_line={lit_line} />
                    </section>
                    <section class="panel stage present-stage" aria-label={state.present_view.label()}>
                        { controls }
                        { predict_panel }
                        if state.present_view == PresentView::Animation {
                            { stage_core }
                        } else {
                            <Timeline clock_us={state.clock_us} end_us={end_us} stalls={state.stalls.clone()} on_scrub={on_scrub.clone()} />
                            { step_box }
                            if state.present_view == PresentView::Timeline { { timeline } }
                            if state.present_view == PresentView::Charts { { figures } }
                            if state.present_view == PresentView::Console {
                                <ConsolePanel console={state.view.console.clone()} on_seek={on_seek} />
                            }
                        }
                    </section>
                </main>
            </div>
        };
    }

    if let Some(embed) = &state.embed {
        // The embed view: the animation and its controls, with the panels
        // the author chose, and a way out to the full playground.
        let full = format!("{}#{}", sharing::page_address(), fragment);
        let shows = |panel: looplab_share::Panel| embed.panels.contains(&panel);
        return html! {
            <div class="app embed" data-testid="embed">
                <header class="embed-bar">
                    <strong class="brand">{"Looplab"}</strong>
                    <span class="embed-title">{state.title.clone()}</span>
                    <a class="open-full" data-testid="open-full" href={full} target="_blank" rel="noopener">{"Open in Looplab ↗"}</a>
                </header>
                { notice }
                <main class="workspace embed-workspace">
                    if shows(looplab_share::Panel::Code) {
                        <section class="panel code-panel" aria-label="Code">
                            <pre class="code-readonly" data-testid="embed-code" tabindex="0" aria-label="The scenario's code">{state.source.clone()}</pre>
                        </section>
                    }
                    <section class="panel stage" aria-label="Simulation">
                        { controls }
                        { predict_panel }
                        { stage_core }
                        if shows(looplab_share::Panel::Timeline) { { timeline } }
                        if shows(looplab_share::Panel::Charts) { { figures } }
                        if shows(looplab_share::Panel::Console) {
                            <ConsolePanel console={state.view.console.clone()} on_seek={on_seek} />
                        }
                    </section>
                </main>
            </div>
        };
    }

    html! {
        <div class="app">
            <header class="topbar">
                <h1 class="brand">{"Looplab"}</h1>
                <p class="tagline">{"How Node.js serves many requests on one JavaScript thread"}</p>
                <button class="share-button" data-testid="share" aria-expanded={share_open.to_string()} onclick={on_share}
                    title="A link to this scenario, an embed for a post, and exports">{"Share"}</button>
                <Gallery current={state.preset_id.clone()} on_pick={on_pick} />
            </header>
            { notice }
            if *share_open {
                <SharePanel scenario={share_state::scenario_of(state)} title={state.title.clone()} has_run={state.summary.is_some()}
                    on_export={on_export} on_close={on_share_close} export_message={(*export_message).clone()}
                    clock_us={state.clock_us} end_us={state.end_us()} on_clip={on_clip} clip_progress={*clip_progress} />
            }
            <div class="pane-tabs" role="tablist" aria-label="Show">
                { for [(Pane::Code, "Code"), (Pane::Simulation, "Simulation")].into_iter().map(|(pane, label)| html! {
                    <button role="tab" id={format!("tab-{}", pane.key())} data-testid={format!("pane-{}", pane.key())}
                        aria-selected={(state.pane == pane).to_string()} aria-controls={format!("pane-{}", pane.key())}
                        onclick={dispatch(Action::ShowPane(pane))}>{label}</button>
                }) }
            </div>
            <main class="workspace" data-pane={state.pane.key()}>
                <section class="panel code-panel" id="pane-code" aria-label="Code">
                    <h2 data-testid="code-title">{ if state.title.is_empty() { "Code".to_string() } else { state.title.clone() } }
                        if state.edited_from_preset() { <span class="edited" title="The code is no longer the example's: the title describes the original">{" · edited"}</span> }
                    </h2>
                    <Editor source={state.source.clone()} errors={code_errors} executing_line={state.executing_line()}
                        on_input={on_edit} on_run={on_run} />
                    <KnobsPanel knobs={state.knobs.clone()} in_code={settings_of_run.clone()} errors={state.knob_errors().into_iter().cloned().collect::<Vec<_>>()}
                        on_knob={on_knob} on_reset={on_reset} />
                    <ConsolePanel console={state.view.console.clone()} on_seek={on_seek} />
                </section>
                <section class="panel stage" id="pane-simulation" aria-label="Simulation">
                    { controls }
                    { predict_panel }
                    { stage_core }
                    { timeline }
                    { figures }
                    <ComparePanel preset_id={state.preset_id.clone()} compare_with={state.compare_with} knobs={state.knobs.clone()} in_code={(*in_code).clone()}
                        comparison={state.comparison.clone()} summary={state.summary.clone()} on_change={on_compare} />
                </section>
            </main>
            <footer class="keys">
                <p class="explain" data-testid="explain" aria-live="polite">{state.explain.clone().unwrap_or_else(|| "Point at or focus anything to hear what it is.".to_string())}</p>
                <p>{"Keys: space play/pause · ← → step · Home/End · [ ] speed · n next stall · Ctrl+Enter run · Esc leave the editor"}
                { state.summary.as_ref().filter(|summary| !summary.trace_hash.is_empty()).map(|summary| html! {
                    <span class="hash" title="Fingerprint of the whole run: the same scenario and seed give the same trace natively and in the browser">
                        {" · trace "}<code data-testid="trace-hash">{summary.trace_hash.clone()}</code>
                    </span>
                }).unwrap_or_default() }</p>
            </footer>
        </div>
    }
}

/// What the code's own `// @looplab` lines set: the knobs' placeholders,
/// and the base the compare view doubles.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeSettings {
    pub pool: u32,
    pub cores: u32,
    /// The load line's words after `load`.
    pub load: Option<String>,
}

impl CodeSettings {
    /// Reads the lines as the core does (the last one wins), without
    /// linking the core's whole directive parser into the page.
    pub fn of(source: &str) -> CodeSettings {
        let defaults = Settings::default();
        let mut settings = CodeSettings { pool: defaults.pool_size, cores: defaults.cores, load: None };
        for line in source.lines() {
            let Some(rest) = line.trim_start().strip_prefix("// @looplab ") else { continue };
            let mut words = rest.split_whitespace();
            match (words.next(), words.next().and_then(|word| word.parse::<u32>().ok())) {
                (Some("pool"), Some(pool)) if pool > 0 => settings.pool = pool,
                (Some("cores"), Some(cores)) if cores > 0 => settings.cores = cores,
                _ => {}
            }
            if settings.load.is_none() {
                settings.load = rest.strip_prefix("load ").map(|load| load.trim().to_string());
            }
        }
        settings
    }
}

pub fn format_ms(t_us: u64) -> String {
    let ms = t_us as f64 / 1000.0;
    if ms >= 10_000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{ms:.3} ms")
    }
}

/// A 16×16 control icon. Inline SVG, because the media-control characters
/// (⏮ ⏭) are missing from many systems' fonts.
fn icon(path: &'static str) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
            <path d={path} fill="currentColor" />
        </svg>
    }
}

fn typing_in_a_control(event: &KeyboardEvent) -> bool {
    let tag = event.target().and_then(|target| target.dyn_into::<web_sys::Element>().ok()).map(|element| element.tag_name()).unwrap_or_default();
    match tag.as_str() {
        "TEXTAREA" => true,
        "INPUT" | "SELECT" => !matches!(event.key().as_str(), "[" | "]" | "n") || tag == "INPUT",
        "BUTTON" => matches!(event.key().as_str(), " " | "Enter"),
        _ => false,
    }
}

#[derive(Properties, PartialEq)]
struct GalleryProps {
    current: Option<String>,
    on_pick: Callback<String>,
}

/// Every seed example, one click away, each with its one-line promise.
#[function_component(Gallery)]
fn gallery(props: &GalleryProps) -> Html {
    let details = use_node_ref();
    html! {
        <details class="gallery" data-testid="gallery" ref={details.clone()}>
            <summary>{"Examples"}</summary>
            <ul>
                { for PRESETS.iter().map(|preset| {
                    let on_pick = props.on_pick.clone();
                    let id = preset.id.to_string();
                    let details = details.clone();
                    html! {
                        <li>
                            <button class={classes!("preset", (props.current.as_deref() == Some(preset.id)).then_some("current"))}
                                data-testid={format!("preset-{}", preset.id)} data-explain={preset.description}
                                onclick={Callback::from(move |_| {
                                    // Picked: fold the gallery away, back to the code.
                                    if let Some(element) = details.cast::<web_sys::Element>() {
                                        let _ = element.remove_attribute("open");
                                    }
                                    on_pick.emit(id.clone());
                                })}>
                                <strong>{preset.title}</strong>
                                <span>{preset.description}</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </details>
    }
}

#[derive(Properties, PartialEq)]
struct KnobsProps {
    knobs: crate::state::Knobs,
    in_code: CodeSettings,
    errors: Vec<looplab_core::ScriptError>,
    on_knob: Callback<Knob>,
    on_reset: Callback<MouseEvent>,
}

fn parse_number<T: std::str::FromStr>(event: &Event) -> Option<T> {
    let input = event.target_dyn_into::<web_sys::HtmlInputElement>()?;
    input.value().trim().parse().ok()
}

#[function_component(KnobsPanel)]
fn knobs_panel(props: &KnobsProps) -> Html {
    let knobs = &props.knobs;
    let knob = |make: fn(&Event) -> Knob| {
        let on_knob = props.on_knob.clone();
        Callback::from(move |event: Event| on_knob.emit(make(&event)))
    };
    let errors = &props.errors;
    html! {
        <fieldset class="knobs" data-testid="knobs" data-explain="The runtime and the load, without editing the code: each change re-runs the simulation.">
            <legend>{"Runtime and load"}</legend>
            <label data-explain="UV_THREADPOOL_SIZE: how many libuv pool threads run file, dns.lookup, crypto and zlib work.">{"UV_THREADPOOL_SIZE "}
                <input type="number" min="1" max="1024" data-testid="knob-pool" placeholder={props.in_code.pool.to_string()}
                    value={knobs.pool.map(|pool| pool.to_string()).unwrap_or_default()}
                    onchange={knob(|event| Knob::Pool(parse_number(event)))} />
            </label>
            <label data-explain="CPU cores of the simulated machine: threads that compute share them.">{"CPU cores "}
                <input type="number" min="1" max="256" data-testid="knob-cores" placeholder={props.in_code.cores.to_string()}
                    value={knobs.cores.map(|cores| cores.to_string()).unwrap_or_default()}
                    onchange={knob(|event| Knob::Cores(parse_number(event)))} />
            </label>
            <label data-explain="CPU speed against the machine Looplab's costs were measured on: 200% makes every computation take half as long.">{"CPU speed % "}
                <input type="number" min="10" max="1000" step="10" data-testid="knob-cpu" placeholder="100"
                    value={knobs.cpu_speed_percent.map(|percent| percent.to_string()).unwrap_or_default()}
                    onchange={knob(|event| Knob::CpuSpeed(parse_number(event)))} />
            </label>
            <label data-explain="The seed of the run's random numbers: the same seed gives the same run.">{"Seed "}
                <input type="number" min="0" data-testid="knob-seed" placeholder="1"
                    value={knobs.seed.map(|seed| seed.to_string()).unwrap_or_default()}
                    onchange={knob(|event| Knob::Seed(parse_number(event)))} />
            </label>
            <label class="wide" data-explain="The clients: closed connections=50 amount=1000, open rate=100/s duration=5s, or burst at=100ms count=3 (the same words as a // @looplab load line).">{"Load "}
                <input type="text" data-testid="knob-load" placeholder={props.in_code.load.clone().unwrap_or_else(|| "closed connections=50 amount=1000".to_string())}
                    value={knobs.load.clone().unwrap_or_default()}
                    onchange={knob(|event| Knob::Load(event.target_dyn_into::<web_sys::HtmlInputElement>().map(|input| input.value()).filter(|text| !text.trim().is_empty())))} />
            </label>
            <button onclick={props.on_reset.clone()} title="Back to the code's own settings">{"As the code says"}</button>
            if !errors.is_empty() {
                <ul class="problems" data-testid="knob-problems" role="alert">
                    { for errors.iter().map(|error| html! { <li>{&error.message}</li> }) }
                </ul>
            }
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
struct ConsoleProps {
    console: Vec<looplab_core::view::ConsoleLine>,
    on_seek: Callback<u64>,
}

#[function_component(ConsolePanel)]
fn console_panel(props: &ConsoleProps) -> Html {
    html! {
        <section class="console" aria-label="Console output" data-explain="What the program printed so far; click a line to see the moment it was printed.">
            <h2>{"Console"}</h2>
            <ol class="lines" data-testid="console">
                { for props.console.iter().map(|line| {
                    let on_seek = props.on_seek.clone();
                    let t_us = line.t_us;
                    html! {
                        <li data-testid="console-line">
                            <button class="at link" onclick={Callback::from(move |_| on_seek.emit(t_us))} title="Go to this moment">{format_ms(line.t_us)}</button>
                            <span class="text">{line.text.clone()}</span>
                        </li>
                    }
                }) }
                if props.console.is_empty() { <li class="empty">{"(nothing printed yet)"}</li> }
            </ol>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TimelineProps {
    clock_us: u64,
    end_us: u64,
    stalls: Vec<crate::state::Stall>,
    on_scrub: Callback<InputEvent>,
}

/// The run's whole length: drag to any moment; stalls are marked red.
#[function_component(Timeline)]
fn timeline(props: &TimelineProps) -> Html {
    let end = props.end_us.max(1) as f64;
    html! {
        <div class="timeline" data-explain="The run's virtual time: drag to go to any moment. Red marks are stalls, when a callback held the main thread 20 ms or more.">
            <div class="stall-marks" aria-hidden="true">
                { for props.stalls.iter().map(|stall| html! {
                    <span class="stall-mark" style={format!("left:{:.3}%;width:{:.3}%", stall.start_us as f64 / end * 100.0, ((stall.end_us - stall.start_us) as f64 / end * 100.0).max(0.4))}
                        title={format!("stall: {} for {}", stall.label, format_ms(stall.end_us - stall.start_us))}></span>
                }) }
            </div>
            <input type="range" data-testid="scrubber" min="0" max={props.end_us.to_string()} step="1" value={props.clock_us.to_string()}
                oninput={props.on_scrub.clone()} aria-label="Virtual time" aria-valuetext={format_ms(props.clock_us)} />
            <span class="clock" data-testid="clock">{format_ms(props.clock_us)}</span>
            if !props.stalls.is_empty() { <span class="stall-count">{format!("{} stall{}", props.stalls.len(), if props.stalls.len() == 1 { "" } else { "s" })}</span> }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct FiguresProps {
    summary: Shared<RunSummary>,
}

/// The run's key numbers, named as Node names them.
#[function_component(Figures)]
fn figures(props: &FiguresProps) -> Html {
    let metrics = &props.summary.metrics;
    let ms = |us: f64| format!("{:.1} ms", us / 1000.0);
    html! {
        <dl class="figures" data-testid="figures">
            if let Some(requests) = &metrics.requests {
                <div data-explain="From a request's arrival to the handler's response."><dt>{"latency p50 / p99"}</dt>
                    <dd data-testid="figure-latency">{format!("{} / {}", ms(requests.latency_us.p50), ms(requests.latency_us.p99))}</dd></div>
                <div><dt>{"requests"}</dt><dd data-testid="figure-requests">{format!("{} answered", requests.completed)}</dd></div>
                <div><dt>{"throughput"}</dt><dd>{format!("{:.0} req/s", requests.throughput_rps)}</dd></div>
            }
            <div data-explain="perf_hooks.monitorEventLoopDelay(): how late a 10 ms timer fires; a free loop shows about 10 ms, a stall shows its length.">
                <dt>{"event-loop delay p99"}</dt><dd data-testid="figure-delay">{ms(metrics.event_loop.delay_us.p99)}</dd></div>
            <div data-explain="performance.eventLoopUtilization(): the share of time the main thread was not idle in poll.">
                <dt>{"event-loop utilization"}</dt><dd data-testid="figure-elu">{format!("{:.0}%", metrics.event_loop.utilization * 100.0)}</dd></div>
            <div data-explain="How long work waited for a free pool thread, on average.">
                <dt>{"pool wait (mean)"}</dt><dd>{ms(metrics.pool.wait_us.mean)}</dd></div>
            <div><dt>{"memory (peak)"}</dt><dd>{format!("{:.1} MiB", metrics.memory_peak_bytes as f64 / (1024.0 * 1024.0))}</dd></div>
        </dl>
    }
}

#[derive(Properties, PartialEq)]
struct ChartsProps {
    summary: Shared<RunSummary>,
    comparison: Option<(String, Shared<RunSummary>)>,
    clock_us: u64,
    latencies_us: Rc<Vec<u64>>,
}

/// Every chart's series, from a run's timeline (and the comparison's).
struct ChartData {
    latency: Shared<Vec<Series>>,
    delay: Shared<Vec<Series>>,
    utilization: Shared<Vec<Series>>,
    pool: Shared<Vec<Series>>,
    in_flight: Shared<Vec<Series>>,
    throughput: Shared<Vec<Series>>,
    memory: Shared<Vec<Series>>,
    x_max_ms: f64,
}

impl ChartData {
    fn of(summary: &RunSummary, comparison: Option<&(String, Shared<RunSummary>)>) -> ChartData {
        let main = &summary.metrics.timeline;
        // This run's line is solid; the comparison's is dashed, in a second
        // colour. A chart's second measure gets a third colour.
        let series_in = |measure: Measure, name: &str, class: &'static str| {
            let mut all =
                vec![Series { name: format!("{name}{}", if comparison.is_some() { " · this run" } else { "" }), class, points: measure.points(main) }];
            if let Some((label, other)) = comparison {
                all.push(Series { name: format!("{name} · {label}"), class: "s1", points: measure.points(&other.metrics.timeline) });
            }
            all
        };
        let series = |measure: Measure, name: &str| series_in(measure, name, "s0");
        let join = |mut first: Vec<Series>, second: Vec<Series>| {
            first.extend(second);
            Shared(Rc::new(first))
        };
        let one = |series: Vec<Series>| Shared(Rc::new(series));
        ChartData {
            latency: join(series(Measure::LatencyMean, "mean"), series_in(Measure::LatencyMax, "max", "s2")),
            delay: one(series(Measure::Delay, "delay")),
            utilization: one(series(Measure::Utilization, "ELU")),
            pool: join(series(Measure::PoolBusy, "busy"), series_in(Measure::PoolQueue, "queued", "s2")),
            in_flight: one(series(Measure::InFlight, "in flight")),
            throughput: one(series(Measure::Throughput, "answered")),
            memory: one(series(Measure::MemoryMiB, "resident")),
            x_max_ms: (summary.sim_time_us.max(comparison.map_or(0, |(_, other)| other.sim_time_us))) as f64 / 1000.0,
        }
    }
}

#[function_component(Charts)]
fn charts(props: &ChartsProps) -> Html {
    let data = use_memo((props.summary.clone(), props.comparison.clone()), |(summary, comparison)| ChartData::of(summary, comparison.as_ref()));
    let x_max_ms = data.x_max_ms;
    let cursor_ms = props.clock_us as f64 / 1000.0;
    let has_requests = props.summary.metrics.requests.is_some();
    let marks = props
        .summary
        .metrics
        .requests
        .as_ref()
        .map(|requests| {
            vec![
                ("p50".to_string(), requests.latency_us.p50 / 1000.0),
                ("p90".to_string(), requests.latency_us.p90 / 1000.0),
                ("p99".to_string(), requests.latency_us.p99 / 1000.0),
            ]
        })
        .unwrap_or_default();
    html! {
        <div class="charts" data-testid="charts">
            if has_requests {
                <LineChart title="Latency over time" unit="ms" testid="chart-latency" series={data.latency.clone()}
                    x_max_ms={x_max_ms} cursor_ms={cursor_ms} explain="Each slice's mean and slowest request latency." />
                <Histogram values_us={props.latencies_us.clone()} marks_ms={marks} />
            }
            <LineChart title="Event-loop delay" unit="ms" testid="chart-delay" series={data.delay.clone()} x_max_ms={x_max_ms} cursor_ms={cursor_ms}
                explain="monitorEventLoopDelay: the largest delay sampled in each slice. A stall shows as a spike as tall as the stall." />
            <LineChart title="Event-loop utilization" unit="share" testid="chart-elu" series={data.utilization.clone()} x_max_ms={x_max_ms} cursor_ms={cursor_ms}
                explain="eventLoopUtilization: the share of each slice the main thread was busy (1 = never idle)." />
            <LineChart title="Thread pool" unit="threads / jobs" testid="chart-pool" series={data.pool.clone()}
                x_max_ms={x_max_ms} cursor_ms={cursor_ms} explain="Busy pool threads and jobs waiting for one, per slice." />
            if has_requests {
                <LineChart title="Requests in flight" unit="requests" testid="chart-inflight" series={data.in_flight.clone()} x_max_ms={x_max_ms} cursor_ms={cursor_ms}
                    explain="Requests that arrived and have no answer yet: they pile up when the main thread is blocked." />
                <LineChart title="Throughput" unit="req/s" testid="chart-throughput" series={data.throughput.clone()} x_max_ms={x_max_ms} cursor_ms={cursor_ms}
                    explain="Requests answered per second, per slice." />
                <LineChart title="Memory" unit="MiB" testid="chart-memory" series={data.memory.clone()} x_max_ms={x_max_ms} cursor_ms={cursor_ms}
                    explain="Node's resident memory in the model: the process's baseline plus about 7 KiB per open connection." />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CompareProps {
    preset_id: Option<String>,
    compare_with: Option<CompareWith>,
    knobs: crate::state::Knobs,
    in_code: CodeSettings,
    comparison: Option<crate::state::Comparison>,
    summary: Option<Rc<RunSummary>>,
    on_change: Callback<Option<CompareWith>>,
}

/// Run a variant beside this one: the charts overlay both on one scale and
/// the figures sit side by side.
#[function_component(ComparePanel)]
fn compare_panel(props: &CompareProps) -> Html {
    let state = props;
    let pair = state.preset_id.as_deref().and_then(presets::by_id).and_then(|preset| preset.pair).and_then(presets::by_id);
    let on_change = {
        let on_change = props.on_change.clone();
        Callback::from(move |event: Event| {
            let value = event.target_dyn_into::<web_sys::HtmlSelectElement>().map(|select| select.value()).unwrap_or_default();
            on_change.emit(CompareWith::from_key(&value));
        })
    };
    let option = |with: CompareWith, text: String| html! { <option value={with.key()} selected={state.compare_with == Some(with)}>{text}</option> };
    html! {
        <section class="compare" data-testid="compare" data-explain="Run a variant of this scenario beside it: the charts share one scale.">
            <label>{"Compare with "}
                <select data-testid="compare-select" onchange={on_change}>
                    <option value="" selected={state.compare_with.is_none()}>{"nothing"}</option>
                    if let Some(pair) = pair { {option(CompareWith::Pair, format!("“{}”", pair.title))} }
                    {option(CompareWith::DoublePool, format!("twice the pool ({})", state.knobs.pool.unwrap_or(state.in_code.pool) * 2))}
                    {option(CompareWith::DoubleCores, format!("twice the cores ({})", state.knobs.cores.unwrap_or(state.in_code.cores) * 2))}
                    {option(CompareWith::ThreadPerRequest, "a thread-per-request server".to_string())}
                </select>
            </label>
            if let Some(comparison) = &state.comparison {
                if let Some(error) = &comparison.error { <p class="problems">{error}</p> }
                else if let (Some(other), Some(this)) = (&comparison.summary, &state.summary) {
                    <table class="compare-table" data-testid="compare-table">
                        <thead><tr><th></th><th>{"this run"}</th><th>{&comparison.label}</th></tr></thead>
                        <tbody>
                            { compare_row("latency p99", this, other, |summary| summary.metrics.requests.as_ref().map(|requests| format!("{:.1} ms", requests.latency_us.p99 / 1000.0))) }
                            { compare_row("throughput", this, other, |summary| summary.metrics.requests.as_ref().map(|requests| format!("{:.0} req/s", requests.throughput_rps))) }
                            { compare_row("event-loop delay p99", this, other, |summary| Some(format!("{:.1} ms", summary.metrics.event_loop.delay_us.p99 / 1000.0))) }
                            { compare_row("pool wait (mean)", this, other, |summary| Some(format!("{:.1} ms", summary.metrics.pool.wait_us.mean / 1000.0))) }
                            { compare_row("memory (peak)", this, other, |summary| Some(format!("{:.1} MiB", summary.metrics.memory_peak_bytes as f64 / (1024.0 * 1024.0)))) }
                            { compare_row("run ends at", this, other, |summary| Some(format_ms(summary.sim_time_us))) }
                        </tbody>
                    </table>
                } else { <p class="status">{"Simulating the comparison…"}</p> }
            }
        </section>
    }
}

fn compare_row(name: &str, this: &RunSummary, other: &RunSummary, figure: impl Fn(&RunSummary) -> Option<String>) -> Html {
    html! {
        <tr><th scope="row">{name}</th><td>{figure(this).unwrap_or_else(|| "—".to_string())}</td><td>{figure(other).unwrap_or_else(|| "—".to_string())}</td></tr>
    }
}
