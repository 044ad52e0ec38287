//! Scenario-in, trace-out tests of the engine (one integration binary for
//! the crate, to keep link time down). Snapshots live in `snapshots/` and are
//! re-blessed with `UPDATE_EXPECT=1 cargo test`.

use expect_test::expect_file;
use looplab_core::fs::VirtualFs;
use looplab_core::program::{Func, Program, ProgramGuest, Stmt};
use looplab_core::rng::Rng;
use looplab_core::scenarios;
use looplab_core::trace::{dense_text, trace_hash};
use looplab_core::view::View;
use looplab_core::{Phase, QueueKind, Settings, Sim, Source, StopReason, TraceEvent, TraceKind};
use std::collections::BTreeSet;

struct Run {
    console: Vec<String>,
    trace: Vec<TraceEvent>,
    stop: StopReason,
}

fn run_program(program: Program, settings: Settings, fs: VirtualFs) -> Run {
    let mut sim = Sim::new(ProgramGuest::new(program), settings, fs);
    let stop = sim.run();
    Run { console: sim.console().to_vec(), trace: sim.drain_trace(), stop }
}

fn run_seed_readfile() -> Run {
    let scenario = scenarios::readfile_intro();
    run_program(scenario.program, Settings::default(), scenario.fs)
}

fn log(text: &str) -> Stmt {
    Stmt::Log(text.to_string())
}

fn func(name: &str, body: Vec<Stmt>) -> Func {
    Func::new(name, body)
}

fn position(trace: &[TraceEvent], wanted: impl Fn(&TraceKind) -> bool) -> usize {
    trace.iter().position(|event| wanted(&event.kind)).expect("event present in trace")
}

#[test]
fn readfile_seed_prints_in_node_order() {
    let run = run_seed_readfile();
    assert_eq!(run.console, ["before reading file", "after calling readFile", "file has been read"]);
    assert_eq!(run.stop, StopReason::Exited { code: 0 });
}

#[test]
fn readfile_seed_trace_snapshot() {
    let run = run_seed_readfile();
    expect_file!["snapshots/readfile_intro.trace"].assert_eq(&dense_text(&run.trace));
}

#[test]
fn readfile_callback_runs_only_after_the_main_script_in_the_poll_phase() {
    let run = run_seed_readfile();
    let main_end = position(&run.trace, |kind| matches!(kind, TraceKind::CallbackEnd));
    let user_log = position(&run.trace, |kind| matches!(kind, TraceKind::Console { text } if text == "file has been read"));
    assert!(user_log > main_end, "the callback must not run before the main script returns");
    // The user's callback runs inside readFileAfterClose, a poll-phase callback.
    let view = View::after(4, &run.trace, user_log + 1);
    assert_eq!(view.phase, Some(Phase::Poll));
    assert_eq!(view.running, Some((Source::PoolCompletion, "readFileAfterClose".to_string())));
    assert_eq!(view.stack, ["readFileAfterClose", "(err, data) => {…}"]);
}

#[test]
fn readfile_pool_thread_is_busy_then_free() {
    let run = run_seed_readfile();
    let first_start = position(&run.trace, |kind| matches!(kind, TraceKind::PoolStart { .. }));
    let busy = View::after(4, &run.trace, first_start + 1);
    assert_eq!(busy.pool_busy(), 1);
    assert!(busy.pool[0].job.as_ref().is_some_and(|job| job.label.starts_with("open /some/big/file.txt")));
    let done = View::after(4, &run.trace, run.trace.len());
    assert_eq!(done.pool_busy(), 0);
    // open + fstat + four 512 KiB reads of the 2 MiB file + close.
    assert_eq!(done.pool.iter().map(|thread| thread.jobs_done).sum::<u64>(), 7);
    assert!(done.queues.values().all(Vec::is_empty), "every queue drains by exit");
    assert_eq!(done.exit_code, Some(0));
}

#[test]
fn readfile_keeps_the_loop_waiting_while_the_pool_works() {
    let run = run_seed_readfile();
    assert!(run.trace.iter().any(|event| matches!(event.kind, TraceKind::PollWait { timeout_ms: None })));
    let first_read = run.trace.iter().find(|event| matches!(&event.kind, TraceKind::PoolStart { label, .. } if label.starts_with("read")));
    let exit = run.trace.last().expect("trace is not empty");
    assert!(first_read.is_some_and(|event| event.t_us < exit.t_us));
    assert!(matches!(exit.kind, TraceKind::Exit { code: 0 }));
}

#[test]
fn next_tick_runs_before_promise_microtasks_after_the_main_script() {
    let program = Program {
        main: vec![Stmt::QueueMicrotask(func("microtask", vec![log("microtask")])), Stmt::NextTick(func("tick", vec![log("nextTick")])), log("sync")],
    };
    let run = run_program(program, Settings::default(), VirtualFs::default());
    assert_eq!(run.console, ["sync", "nextTick", "microtask"]);
}

#[test]
fn microtask_queue_drains_fully_before_a_tick_it_queued() {
    // A nextTick queued from inside a microtask waits for the whole
    // microtask queue (V8 drains it to empty before Node looks again).
    let program = Program {
        main: vec![
            Stmt::QueueMicrotask(func("m1", vec![log("m1"), Stmt::NextTick(func("t", vec![log("tick from m1")]))])),
            Stmt::QueueMicrotask(func("m2", vec![log("m2")])),
        ],
    };
    let run = run_program(program, Settings::default(), VirtualFs::default());
    assert_eq!(run.console, ["m1", "m2", "tick from m1"]);
}

#[test]
fn inside_an_io_callback_set_immediate_beats_a_zero_timeout() {
    let program = Program {
        main: vec![Stmt::ReadFile {
            path: "/a.txt".to_string(),
            callback: func(
                "cb",
                vec![
                    Stmt::SetTimeout { delay_ms: 0.0, callback: func("timeout", vec![log("timeout")]) },
                    Stmt::SetImmediate(func("immediate", vec![log("immediate")])),
                ],
            ),
        }],
    };
    let run = run_program(program, Settings::default(), VirtualFs::default().with_file("/a.txt", 10));
    assert_eq!(run.console, ["immediate", "timeout"]);
}

#[test]
fn timers_fire_in_order_of_due_time_then_creation() {
    let program = Program {
        main: vec![
            Stmt::SetTimeout { delay_ms: 10.0, callback: func("t10", vec![log("10")]) },
            Stmt::SetTimeout { delay_ms: 0.0, callback: func("t0", vec![log("0 (is 1)")]) },
            Stmt::SetTimeout { delay_ms: 1.0, callback: func("t1", vec![log("1")]) },
        ],
    };
    let run = run_program(program, Settings::default(), VirtualFs::default());
    assert_eq!(run.console, ["0 (is 1)", "1", "10"]);
    let fired_at: Vec<u64> = run.trace.iter().filter(|event| matches!(event.kind, TraceKind::Console { .. })).map(|event| event.t_us / 1000).collect();
    assert!(fired_at[2] >= 10, "a 10 ms timer never fires early: {fired_at:?}");
}

#[test]
fn immediates_queued_during_check_wait_for_the_next_iteration() {
    let program = Program {
        main: vec![Stmt::SetImmediate(func("a", vec![log("a"), Stmt::SetImmediate(func("c", vec![log("c")]))])), Stmt::SetImmediate(func("b", vec![log("b")]))],
    };
    let run = run_program(program, Settings::default(), VirtualFs::default());
    assert_eq!(run.console, ["a", "b", "c"]);
    let iteration_of = |text: &str| {
        let at = position(&run.trace, |kind| matches!(kind, TraceKind::Console { text: t } if t == text));
        View::after(4, &run.trace, at + 1).iteration
    };
    assert_eq!(iteration_of("a"), iteration_of("b"));
    assert_eq!(iteration_of("c"), iteration_of("a") + 1);
}

#[test]
fn a_one_thread_pool_runs_jobs_one_after_another() {
    let read = |name: &str| Stmt::ReadFile { path: "/f".to_string(), callback: func(name, vec![log(name)]) };
    let program = Program { main: vec![read("first"), read("second")] };
    let settings = Settings { pool_size: 1, ..Settings::default() };
    let run = run_program(program, settings, VirtualFs::default().with_file("/f", 1024));
    assert_eq!(run.console, ["first", "second"]);
    let mut view = View::new(1);
    for event in &run.trace {
        view.apply(event);
        assert!(view.pool_busy() <= 1);
    }
    assert!(run.trace.iter().any(|event| matches!(&event.kind, TraceKind::QueueAdd { queue: QueueKind::PoolWork, .. })));
}

#[test]
fn missing_file_calls_back_after_the_failed_open() {
    let program = Program { main: vec![Stmt::ReadFile { path: "/nope".to_string(), callback: func("cb", vec![log("called back")]) }] };
    let run = run_program(program, Settings::default(), VirtualFs::default());
    assert_eq!(run.console, ["called back"]);
    let jobs = run.trace.iter().filter(|event| matches!(event.kind, TraceKind::PoolStart { .. })).count();
    assert_eq!(jobs, 1, "only the open reaches the pool");
}

#[test]
fn same_scenario_same_trace_hash() {
    let first = run_seed_readfile();
    let second = run_seed_readfile();
    assert_eq!(trace_hash(&first.trace), trace_hash(&second.trace));
    assert_ne!(trace_hash(&first.trace), trace_hash(&first.trace[1..]));
}

#[test]
fn runaway_next_tick_recursion_stops_at_the_event_limit() {
    // A microtask that queues itself forever is modelled by a long chain; the
    // engine's event limit must end the run rather than hang.
    let mut chain = vec![log("end")];
    for _ in 0..50 {
        chain = vec![Stmt::NextTick(func("again", chain))];
    }
    let settings = Settings { events_max: 20, ..Settings::default() };
    let run = run_program(Program { main: chain }, settings, VirtualFs::default());
    assert_eq!(run.stop, StopReason::EventLimit { events_max: 20, why: None });
}

/// A random program over every statement kind, nested a few levels deep.
fn random_body(rng: &mut Rng, depth: u32, counter: &mut u32) -> Vec<Stmt> {
    let len = rng.below(4) + 1;
    (0..len)
        .map(|_| {
            *counter += 1;
            let name = format!("f{counter}");
            let nested = |rng: &mut Rng, counter: &mut u32| {
                if depth == 0 {
                    vec![Stmt::Log(format!("{name} ran"))]
                } else {
                    let mut body = random_body(rng, depth - 1, counter);
                    body.insert(0, Stmt::Log(format!("{name} ran")));
                    body
                }
            };
            match rng.below(8) {
                0 => Stmt::Log(format!("log {counter}")),
                1 => Stmt::Cpu { cost_us: rng.below(3000) },
                2 => Stmt::ReadFile { path: format!("/file{}", rng.below(3)), callback: Func::new(&name, nested(rng, counter)) },
                3 => Stmt::SetTimeout { delay_ms: rng.below(5) as f64, callback: Func::new(&name, nested(rng, counter)) },
                4 => Stmt::SetImmediate(Func::new(&name, nested(rng, counter))),
                5 => Stmt::NextTick(Func::new(&name, nested(rng, counter))),
                6 => Stmt::QueueMicrotask(Func::new(&name, nested(rng, counter))),
                _ => Stmt::Call(Func::new(&name, nested(rng, counter))),
            }
        })
        .collect()
}

#[test]
fn seeded_random_programs_keep_the_invariants() {
    for seed in 0..300 {
        let mut rng = Rng::new(seed);
        let mut counter = 0;
        let program = Program { main: random_body(&mut rng, 3, &mut counter) };
        let pool_size = (rng.below(4) + 1) as u32;
        let fs = VirtualFs::default().with_file("/file0", 10).with_file("/file1", 3 * 1024 * 1024);
        let settings = Settings { pool_size, seed, ..Settings::default() };
        let run = run_program(program, settings, fs);
        assert!(matches!(run.stop, StopReason::Exited { code: 0 }), "seed {seed}: {:?}", run.stop);

        let mut view = View::new(pool_size);
        let mut last_t_us = 0;
        let mut queued = BTreeSet::new();
        let mut taken = BTreeSet::new();
        let mut in_callback_from = None;
        for (index, event) in run.trace.iter().enumerate() {
            assert!(event.t_us >= last_t_us, "seed {seed}: time went back at event {index}");
            last_t_us = event.t_us;
            match &event.kind {
                // Ids are unique within a queue (a pool job keeps its id
                // from the work queue to the poll queue).
                TraceKind::QueueAdd { queue, id, .. } => {
                    assert!(queued.insert((*queue, *id)), "seed {seed}: {id} queued twice in {queue:?}");
                }
                TraceKind::QueueTake { queue, id } => {
                    assert!(queued.contains(&(*queue, *id)), "seed {seed}: {id} taken before queued");
                    assert!(taken.insert((*queue, *id)), "seed {seed}: {id} left {queue:?} twice");
                }
                TraceKind::CallbackStart { source, .. } => {
                    assert!(in_callback_from.is_none(), "seed {seed}: callbacks overlap on the main thread");
                    in_callback_from = Some(*source);
                    // Microtasks drain before any macrotask callback starts.
                    if !matches!(source, Source::NextTick | Source::Microtask | Source::MainScript) {
                        assert!(view.queue(QueueKind::Microtask).is_empty(), "seed {seed}: macrotask before microtasks drained");
                        assert!(view.queue(QueueKind::NextTick).is_empty(), "seed {seed}: macrotask before ticks drained");
                    }
                }
                TraceKind::CallbackEnd => in_callback_from = None,
                _ => {}
            }
            view.apply(event);
            assert!(view.pool_busy() <= pool_size as usize, "seed {seed}: more busy pool threads than the pool has");
        }
        assert_eq!(queued, taken, "seed {seed}: every queued callback ran exactly once");
        assert!(matches!(run.trace.last().map(|event| &event.kind), Some(TraceKind::Exit { code: 0 })));
    }
}
