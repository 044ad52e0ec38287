//! Seeded random JavaScript programs through the whole stack (parser, VM,
//! engine), with the engine's invariants checked on every trace:
//! virtual time never goes back; callbacks never overlap on the main
//! thread; nextTicks and microtasks are drained before any other callback;
//! busy pool threads never exceed the pool; every queued item leaves its
//! queue exactly once; every program exits.
//!
//! `LOOPLAB_SEEDS=N` runs N programs (default 3,000); `LOOPLAB_SEED=S` replays
//! one and prints its source.

use looplab_cli::random::program;
use looplab_core::view::View;
use looplab_core::{QueueKind, Settings, Source, TraceKind};
use std::collections::BTreeSet;

fn check(seed: u64) -> Result<(), String> {
    let (source, pool) = program(seed);
    let mut sim =
        looplab_node::prepare(&source, Settings { seed, ..Settings::default() }).map_err(|errors| format!("does not compile: {errors:?}\n{source}"))?;
    let mut trace = Vec::new();
    while sim.step() {
        trace.extend(sim.drain_trace());
    }
    trace.extend(sim.drain_trace());
    let fail = |what: String| Err(format!("seed {seed}: {what}\n--- source ---\n{source}"));
    if !sim.errors().is_empty() {
        return fail(format!("errors {:?}", sim.errors()));
    }
    let mut view = View::new(pool);
    let (mut last_t_us, mut running) = (0, false);
    let (mut queued, mut taken) = (BTreeSet::new(), BTreeSet::new());
    for event in &trace {
        if event.t_us < last_t_us {
            return fail(format!("time went back at {}", event.dense()));
        }
        last_t_us = event.t_us;
        match &event.kind {
            TraceKind::QueueAdd { queue, id, .. } if !queued.insert((*queue, *id)) && *queue != QueueKind::Timers => {
                return fail(format!("{id} queued twice in {queue:?}"));
            }
            TraceKind::QueueTake { queue, id } => {
                if !queued.contains(&(*queue, *id)) {
                    return fail(format!("{id} left {queue:?} before joining it"));
                }
                taken.insert((*queue, *id));
            }
            TraceKind::CallbackStart { source, .. } => {
                if running {
                    return fail(format!("callbacks overlap at {}", event.dense()));
                }
                running = true;
                let drains_first = !matches!(source, Source::NextTick | Source::Microtask | Source::MainScript | Source::ProcessEvent);
                if drains_first && (!view.queue(QueueKind::NextTick).is_empty() || !view.queue(QueueKind::Microtask).is_empty()) {
                    return fail(format!("a {source:?} callback started before the nextTick/microtask queues drained"));
                }
            }
            TraceKind::CallbackEnd => running = false,
            _ => {}
        }
        view.apply(event);
        if view.pool_busy() > pool as usize {
            return fail("more busy pool threads than the pool has".to_string());
        }
    }
    if queued != taken {
        return fail(format!("left in queues: {:?}", queued.difference(&taken).collect::<Vec<_>>()));
    }
    match trace.last().map(|event| &event.kind) {
        Some(TraceKind::Exit { code: 0 }) => Ok(()),
        other => fail(format!("did not exit cleanly: {other:?}, stop {:?}", sim.stop_reason())),
    }
}

#[test]
fn random_javascript_programs_keep_the_invariants() {
    if let Some(seed) = std::env::var("LOOPLAB_SEED").ok().and_then(|seed| seed.parse().ok()) {
        println!("{}", program(seed).0);
        if let Err(message) = check(seed) {
            panic!("{message}");
        }
        return;
    }
    let seeds: u64 = std::env::var("LOOPLAB_SEEDS").ok().and_then(|n| n.parse().ok()).unwrap_or(3000);
    for seed in 0..seeds {
        if let Err(message) = check(seed) {
            panic!("{message}\nreplay: LOOPLAB_SEED={seed} cargo test --release -p looplab-cli --test random_programs -- --nocapture");
        }
    }
}
