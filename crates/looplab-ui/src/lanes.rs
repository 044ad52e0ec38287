//! The animation: lanes for the parts of a Node process, drawn from the
//! replayed [`View`] at playback's clock.

use crate::state::{phase_sentence, Stall};
use looplab_core::view::View;
use looplab_core::{Phase, QueueKind, Source};
use yew::prelude::*;

/// Request tokens drawn at most; the rest are counted.
const TOKENS_MAX: usize = 400;

#[derive(Properties, PartialEq)]
pub struct LanesProps {
    pub view: View,
    pub clock_us: u64,
    /// The stall the clock is inside, and how long it has lasted so far.
    pub stall: Option<(Stall, u64)>,
    pub cores: u32,
    /// Whether the scenario has clients at all (else no requests lane).
    pub has_requests: bool,
}

/// What one queue is, in a sentence.
fn queue_sentence(queue: QueueKind) -> &'static str {
    match queue {
        QueueKind::NextTick => "process.nextTick callbacks: run right after the current callback, before promise callbacks and before the loop moves on.",
        QueueKind::Microtask => "Promise callbacks (then, await): run right after the nextTick queue is empty, after every callback.",
        QueueKind::Timers => "setTimeout and setInterval callbacks waiting for their time; the timers phase runs the due ones.",
        QueueKind::Poll => "Finished I/O waiting for its callback: the poll phase runs these (file reads, requests, sockets).",
        QueueKind::Immediate => "setImmediate callbacks: the check phase runs them, right after poll.",
        QueueKind::Close => "Close callbacks, such as a socket's 'close': the last phase of an iteration.",
        QueueKind::PoolWork => "Work waiting for a free thread-pool thread: all threads are busy.",
    }
}

#[function_component(Lanes)]
pub fn lanes(props: &LanesProps) -> Html {
    let view = &props.view;
    let main_status = if view.exit_code.is_some() {
        "exited".to_string()
    } else if let Some((stall, so_far_us)) = &props.stall {
        format!("BLOCKED for {:.1} ms by {}", *so_far_us as f64 / 1000.0, stall.label)
    } else if let Some((Source::MainScript, _)) = &view.running {
        "running the main script".to_string()
    } else if let Some((source, label)) = &view.running {
        format!("running {label} ({})", source.name())
    } else if view.waiting {
        "idle: waiting in poll (epoll_wait)".to_string()
    } else {
        "between callbacks".to_string()
    };
    let pool_computing = view.pool.iter().filter(|thread| thread.job.is_some() && thread.computes).count();
    let workers_computing = view.workers.values().filter(|running| running.is_some()).count();
    let runnable = usize::from(view.running.is_some()) + pool_computing + workers_computing;
    let cores = props.cores.max(1) as usize;
    html! {
        <section class="lanes" data-testid="lanes" aria-label="The Node process">
            if props.has_requests {
            <div class="lane requests" data-testid="requests" data-explain="Clients' requests: each dot is one that has arrived and has no answer yet, coloured by how long it has waited (green under 10 ms, amber under 100 ms, red beyond).">
                <h3>{format!("Requests · {} in flight · {} answered", view.requests_in_flight.len(), view.requests_done)}</h3>
                <div class="tokens" aria-hidden="true">
                    { for view.requests_in_flight.iter().take(TOKENS_MAX).map(|request| {
                        let waited_us = props.clock_us.saturating_sub(request.arrived_us);
                        let class = if waited_us < 10_000 { "fresh" } else if waited_us < 100_000 { "waiting" } else { "late" };
                        // The title names the request and its arrival, which do not change
                        // from frame to frame (so the page does not rewrite 1,000 titles).
                        html! { <span key={request.id} class={classes!("token", class)} title={format!("{} · arrived at {:.3} ms", request.path, request.arrived_us as f64 / 1000.0)}></span> }
                    }) }
                    if view.requests_in_flight.len() > TOKENS_MAX { <span class="more">{format!("+{}", view.requests_in_flight.len() - TOKENS_MAX)}</span> }
                    if view.requests_in_flight.is_empty() { <span class="empty">{"none waiting"}</span> }
                </div>
            </div>
            }
            <div class={classes!("lane", "main-thread", props.stall.as_ref().map(|_| "blocked"))} data-testid="main-thread"
                data-explain="The one thread that runs your JavaScript. It runs one callback at a time, to the end; while it computes, nothing else can run.">
                <h3>{"Main thread"}</h3>
                <p class={classes!("thread-status", view.running.as_ref().map(|_| "busy"))} data-testid="main-status" role="status">{main_status}</p>
                <div class="stack" data-testid="call-stack" aria-label="Call stack" data-explain="The call stack: the functions running now, the innermost on top.">
                    { for view.stack.iter().rev().map(|frame| html! { <div class="frame">{frame}</div> }) }
                    if view.stack.is_empty() { <div class="empty">{"(empty call stack)"}</div> }
                </div>
            </div>
            <div class="lane loop" aria-label="Event loop phases" data-explain="One pass through these six phases is one loop iteration; the lit phase is where the loop is now.">
                <h3>{format!("Event loop · iteration {}", view.iteration)}</h3>
                <ol class="phases">
                    { for Phase::ALL.iter().map(|&phase| html! {
                        <li class={classes!("phase", (view.phase == Some(phase)).then_some("current"))}
                            data-testid={format!("phase-{}", phase.name().replace('/', "-"))}
                            data-explain={phase_sentence(phase)} tabindex="0"
                            aria-current={(view.phase == Some(phase)).then_some("step")}>{phase.name()}</li>
                    }) }
                </ol>
            </div>
            <div class="lane queues" aria-label="Queues">
                <h3>{"Queues"}</h3>
                { for QueueKind::ALL.iter().filter(|&&queue| queue != QueueKind::PoolWork).map(|&queue| queue_row(view, queue)) }
            </div>
            <div class="lane pool" data-testid="pool" aria-label="Thread pool"
                data-explain="libuv's thread pool (UV_THREADPOOL_SIZE): file system work, dns.lookup, crypto and zlib run here, off the main thread. When every thread is busy, work waits in line.">
                <h3>{format!("Thread pool · {} of {} busy", view.pool_busy(), view.pool.len())}</h3>
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
            <div class="lane kernel" data-testid="kernel" aria-label="Kernel I/O"
                data-explain="Network I/O waits in the operating system (epoll): sockets, outgoing requests and database calls need no thread at all while they wait.">
                <h3>{format!("Kernel (epoll) · {} waiting", view.kernel.len())}</h3>
                <div class="items">
                    { for view.kernel.iter().take(60).map(|item| html! { <span class="chip">{item.label.clone()}</span> }) }
                    if view.kernel.len() > 60 { <span class="more">{format!("+{}", view.kernel.len() - 60)}</span> }
                    if view.kernel.is_empty() { <span class="empty">{"nothing waiting"}</span> }
                </div>
            </div>
            if !view.workers.is_empty() {
                <div class="lane workers" data-testid="workers" data-explain="worker_threads Workers: each has its own JavaScript thread and event loop, and computes without blocking the main thread.">
                    <h3>{format!("Worker threads · {}", view.workers.len())}</h3>
                    <div class="threads">
                        { for view.workers.iter().map(|(thread, running)| html! {
                            <div class={classes!("pool-thread", running.as_ref().map(|_| "busy"))}>
                                <span class="thread-name">{format!("worker {thread}")}</span>
                                <span class="job">{ running.clone().unwrap_or_else(|| "idle".to_string()) }</span>
                            </div>
                        }) }
                    </div>
                </div>
            }
            <div class="lane cpu" data-testid="cores" data-explain="CPU cores of the simulated machine. Threads that compute (the main thread, Workers, crypto and zlib on the pool) share them; waiting on disk or network uses none.">
                <h3>{format!("CPU · {} computing on {} cores", runnable, cores)}</h3>
                <div class="cores">
                    { for (0..cores.min(64)).map(|core| html! {
                        <span class={classes!("core", (core < runnable).then_some("busy"))} title={format!("core {core}")}></span>
                    }) }
                    if runnable > cores { <span class="more">{format!("{} threads share {} cores: each runs slower", runnable, cores)}</span> }
                </div>
            </div>
        </section>
    }
}

fn queue_row(view: &View, queue: QueueKind) -> Html {
    let items = view.queue(queue);
    html! {
        <div class="queue" data-testid={format!("queue-{queue:?}").to_lowercase()} data-explain={queue_sentence(queue)} tabindex="0">
            <span class="queue-name">{queue.name()}</span>
            <span class="items">
                { for items.iter().take(40).map(|item| html! { <span class="chip">{item.label.clone()}</span> }) }
                if items.len() > 40 { <span class="more">{format!("+{}", items.len() - 40)}</span> }
                if items.is_empty() { <span class="empty">{"empty"}</span> }
            </span>
        </div>
    }
}
