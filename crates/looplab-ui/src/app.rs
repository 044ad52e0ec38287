//! The components. They render [`AppState`] and dispatch [`Action`]s; all
//! decisions live in the reducer (`state.rs`).

use crate::bridge::WorkerBridge;
use crate::state::{phase_sentence, Action, AppState, WorkerStatus, SPEEDS};
use gloo_timers::callback::Interval;
use looplab_core::view::View;
use looplab_core::{Phase, QueueKind, Settings, Source};
use looplab_protocol::ToWorker;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

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

#[function_component(App)]
pub fn app() -> Html {
    let store = use_reducer(Store::default);
    let bridge = use_mut_ref(|| None::<WorkerBridge>);

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

    // As soon as the worker is ready, ask for the scenario's run.
    {
        let dispatcher = store.dispatcher();
        let bridge = bridge.clone();
        let ready = store.0.worker == WorkerStatus::Ready;
        let scenario_id = store.0.scenario_id.clone();
        use_effect_with(ready, move |ready| {
            if *ready {
                if let Some(bridge) = bridge.borrow().as_ref() {
                    let run_id = 1;
                    dispatcher.dispatch(Action::RunRequested { run_id });
                    bridge.send(&ToWorker::Run { run_id, scenario_id, settings: Settings::default() });
                }
            }
        });
    }

    // Playback: one tick per interval while playing.
    {
        let dispatcher = store.dispatcher();
        let interval_ms = store.0.step_interval_ms();
        use_effect_with((store.0.playing, interval_ms), move |(playing, interval_ms)| {
            let interval = playing.then(|| Interval::new(*interval_ms, move || dispatcher.dispatch(Action::Tick)));
            move || drop(interval)
        });
    }

    // Keyboard: space plays/pauses, arrows step, [ and ] change speed.
    {
        let dispatcher = store.dispatcher();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn FnMut(KeyboardEvent)>::new(move |event: KeyboardEvent| {
                if typing_in_a_control(&event) {
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
                    _ => return,
                };
                event.prevent_default();
                dispatcher.dispatch(action);
            });
            let document = web_sys::window().and_then(|window| window.document());
            if let Some(document) = &document {
                let _ = document.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(document) = &document {
                    let _ = document.remove_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
                }
            }
        });
    }

    let state = &store.0;
    let dispatch = |action: Action| {
        let dispatcher = store.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(action.clone()))
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

    let status = match (&state.worker, &state.error) {
        (WorkerStatus::Failed(message), _) => format!("Error: {message}"),
        (_, Some(message)) => format!("Error: {message}"),
        (WorkerStatus::Starting, _) => "Starting the simulation worker…".to_string(),
        (WorkerStatus::Ready, _) if state.summary.is_none() => "Simulating…".to_string(),
        (WorkerStatus::Ready, _) => format!(
            "t = {:.3} ms · event {} of {} · the run ends at {:.3} ms: {}",
            state.view.t_us as f64 / 1000.0,
            state.cursor,
            state.events.len(),
            state.summary.as_ref().map_or(0, |summary| summary.sim_time_us) as f64 / 1000.0,
            state.stop_description().unwrap_or_default(),
        ),
    };

    html! {
        <div class="app">
            <header class="topbar">
                <h1 class="brand">{"Looplab"}</h1>
                <p class="tagline">{"How Node.js serves many requests on one JavaScript thread"}</p>
            </header>
            <section class="controls" aria-label="Playback">
                <button data-testid="restart" onclick={dispatch(Action::Restart)} title="Back to the start (Home)" aria-label="Back to the start">{icon("M3 3h2v10H3z M13 3v10L6 8z")}</button>
                <button data-testid="step-back" onclick={dispatch(Action::StepBack)} title="Step back (←)" aria-label="Step back one event">{icon("M11 3v10L4 8z")}</button>
                <button data-testid="play" class="primary" onclick={dispatch(Action::TogglePlay)}
                    disabled={state.events.is_empty()} aria-pressed={state.playing.to_string()}
                    title="Play or pause (space)">
                    { if state.playing { "Pause" } else { "Play" } }
                </button>
                <button data-testid="step-forward" onclick={dispatch(Action::StepForward)} title="Step forward (→)" aria-label="Step forward one event">{icon("M5 3v10l7-5z")}</button>
                <button data-testid="to-end" onclick={dispatch(Action::ToEnd)} title="Jump to the end (End)" aria-label="Jump to the end">{icon("M3 3v10l7-5z M11 3h2v10h-2z")}</button>
                <label class="speed">{"Speed "}
                    <select data-testid="speed" onchange={on_speed} aria-label="Playback speed ([ and ])">
                        { for SPEEDS.iter().enumerate().map(|(index, speed)| html! {
                            <option value={index.to_string()} selected={index == state.speed_index}>{format!("{speed}×")}</option>
                        }) }
                    </select>
                </label>
                <span class="status" data-testid="status" role="status">{status}</span>
            </section>
            <p class="narration" data-testid="narration" aria-live="polite">{state.narration()}</p>
            <main class="stage">
                <CodePanel title={state.title.clone()} source={state.source.clone()} />
                <ProcessPanel view={state.view.clone()} />
                <ConsolePanel view={state.view.clone()} />
            </main>
            <footer class="keys">
                {"Keys: space play/pause · ← → step · Home/End · [ ] speed"}
                { state.summary.as_ref().map(|summary| html! {
                    <span class="hash" title="Fingerprint of the whole run: the same scenario and seed give the same trace natively and in the browser">
                        {" · trace "}<code data-testid="trace-hash">{summary.trace_hash.clone()}</code>
                    </span>
                }).unwrap_or_default() }
            </footer>
        </div>
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
    matches!(tag.as_str(), "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON") && matches!(event.key().as_str(), " " | "Enter" | "ArrowLeft" | "ArrowRight")
}

#[derive(Properties, PartialEq)]
struct CodeProps {
    title: String,
    source: String,
}

#[function_component(CodePanel)]
fn code_panel(props: &CodeProps) -> Html {
    html! {
        <section class="panel code" aria-label="Code">
            <h2>{ if props.title.is_empty() { "Code".to_string() } else { props.title.clone() } }</h2>
            <pre data-testid="code"><code>
                { for props.source.lines().enumerate().map(|(index, line)| html! {
                    <span class="line"><span class="ln" aria-hidden="true">{index + 1}</span>{line}{"\n"}</span>
                }) }
            </code></pre>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ViewProps {
    view: View,
}

#[function_component(ProcessPanel)]
fn process_panel(props: &ViewProps) -> Html {
    let view = &props.view;
    let main_status = if view.exit_code.is_some() {
        "exited".to_string()
    } else if let Some((Source::MainScript, _)) = &view.running {
        "running the main script".to_string()
    } else if let Some((source, label)) = &view.running {
        format!("running {label} ({})", source.name())
    } else if view.waiting {
        "waiting in poll (epoll_wait)".to_string()
    } else {
        "between callbacks".to_string()
    };
    html! {
        <section class="panel process" aria-label="The Node process">
            <h2>{"Node process"}</h2>
            <div class="lane main-thread" data-testid="main-thread">
                <h3 title="The one thread that runs JavaScript: only one callback at a time.">{"Main thread"}</h3>
                <p class={classes!("thread-status", view.running.as_ref().map(|_| "busy"))} data-testid="main-status">{main_status}</p>
                <div class="stack" data-testid="call-stack" aria-label="Call stack">
                    { for view.stack.iter().rev().map(|frame| html! { <div class="frame">{frame}</div> }) }
                    { if view.stack.is_empty() { html! { <div class="empty">{"(empty call stack)"}</div> } } else { html! {} } }
                </div>
            </div>
            <div class="lane loop" aria-label="Event loop phases">
                <h3 title="One pass through these phases is one loop iteration.">{format!("Event loop · iteration {}", view.iteration)}</h3>
                <ol class="phases">
                    { for Phase::ALL.iter().map(|&phase| html! {
                        <li class={classes!("phase", (view.phase == Some(phase)).then_some("current"))}
                            data-testid={format!("phase-{}", phase.name().replace('/', "-"))}
                            title={phase_sentence(phase)}>{phase.name()}</li>
                    }) }
                </ol>
            </div>
            <div class="lane queues" aria-label="Queues">
                <h3>{"Queues"}</h3>
                { for QueueKind::ALL.iter().filter(|&&queue| queue != QueueKind::PoolWork).map(|&queue| queue_row(view, queue)) }
            </div>
            <div class="lane pool" data-testid="pool" aria-label="Thread pool">
                <h3 title="libuv's thread pool runs file system, dns.lookup, crypto and zlib work off the main thread.">
                    {format!("Thread pool · {} of {} busy", view.pool_busy(), view.pool.len())}
                </h3>
                <div class="threads">
                    { for view.pool.iter().enumerate().map(|(index, thread)| html! {
                        <div class={classes!("pool-thread", thread.job.as_ref().map(|_| "busy"))} data-testid="pool-thread">
                            <span class="thread-name">{format!("thread {index}")}</span>
                            <span class="job">{ thread.job.as_ref().map(|job| job.label.clone()).unwrap_or_else(|| "idle".to_string()) }</span>
                        </div>
                    }) }
                </div>
                { queue_row(view, QueueKind::PoolWork) }
            </div>
            <div class="lane kernel" data-testid="kernel" aria-label="Kernel I/O">
                <h3 title="Network I/O waits in the operating system (epoll): it needs no thread at all.">
                    {format!("Kernel (epoll) · {} waiting", view.kernel.len())}
                </h3>
                <div class="items">
                    { for view.kernel.iter().map(|item| html! { <span class="chip">{item.label.clone()}</span> }) }
                    { if view.kernel.is_empty() { html! { <span class="empty">{"nothing waiting"}</span> } } else { html! {} } }
                </div>
            </div>
        </section>
    }
}

fn queue_row(view: &View, queue: QueueKind) -> Html {
    let items = view.queue(queue);
    html! {
        <div class="queue" data-testid={format!("queue-{queue:?}").to_lowercase()}>
            <span class="queue-name">{queue.name()}</span>
            <span class="items">
                { for items.iter().map(|item| html! { <span class="chip">{item.label.clone()}</span> }) }
                { if items.is_empty() { html! { <span class="empty">{"empty"}</span> } } else { html! {} } }
            </span>
        </div>
    }
}

#[function_component(ConsolePanel)]
fn console_panel(props: &ViewProps) -> Html {
    html! {
        <section class="panel console" aria-label="Console output">
            <h2>{"Console"}</h2>
            <ol class="lines" data-testid="console">
                { for props.view.console.iter().map(|line| html! {
                    <li data-testid="console-line">
                        <span class="at">{format!("{:.3} ms", line.t_us as f64 / 1000.0)}</span>
                        <span class="text">{line.text.clone()}</span>
                    </li>
                }) }
            </ol>
        </section>
    }
}
