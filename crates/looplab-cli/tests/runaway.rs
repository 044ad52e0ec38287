//! Runaway programs stop at a limit and say why they never ended, in the
//! words of the Node docs' starvation warning, and keep what they printed.
//! A program that merely runs long says nothing beyond the limit.

use looplab_cli::{run_source_with, TraceMode};
use looplab_core::Settings;

fn stopped(source: &str) -> String {
    let settings = Settings { events_max: 50_000, time_max_us: 60_000_000, ..Settings::default() };
    run_source_with(source, settings, TraceMode::Off).stop_reason
}

#[test]
fn recursive_next_tick_is_named_as_starvation() {
    let reason = stopped("setTimeout(() => console.log('timer'), 0);\nfunction again() { process.nextTick(again); }\nagain();\n");
    assert!(reason.starts_with("stopped after 50000 events: process.nextTick keeps re-queueing itself"), "{reason}");
    assert!(reason.contains("the event loop never starts"), "{reason}");
}

#[test]
fn next_tick_recursion_inside_a_phase_names_the_phase() {
    let source = "setImmediate(() => { function again() { process.nextTick(again); } again(); });\nsetTimeout(() => console.log('never'), 5);\n";
    let reason = stopped(source);
    assert!(reason.contains("process.nextTick keeps re-queueing itself"), "{reason}");
    assert!(reason.contains("the loop stays in the check phase"), "{reason}");
}

#[test]
fn endless_promise_chains_are_named_as_starvation() {
    for source in [
        "function again() { Promise.resolve().then(again); }\nagain();\n",
        "async function spin() { while (true) { await null; } }\nspin();\n",
        "queueMicrotask(function again() { queueMicrotask(again); });\n",
    ] {
        let reason = stopped(source);
        assert!(reason.contains("promise callbacks keep queueing more"), "{source}: {reason}");
    }
}

#[test]
fn set_immediate_forever_is_not_called_starvation() {
    let reason = stopped("let timers = 0;\nsetInterval(() => timers++, 1);\nfunction again() { setImmediate(again); }\nagain();\n");
    assert!(reason.contains("setImmediate keeps queueing another immediate"), "{reason}");
    assert!(!reason.contains("starvation"), "{reason}");
}

#[test]
fn set_interval_forever_stops_at_the_time_limit_and_says_why() {
    let settings = Settings { events_max: 10_000_000, time_max_us: 60_000_000, ..Settings::default() };
    let report = run_source_with("let n = 0;\nsetInterval(() => { if (++n === 3) console.log('third'); }, 10);\n", settings, TraceMode::Off);
    assert!(report.stop_reason.starts_with("stopped at the virtual time limit of 60000 ms: a timer keeps firing"), "{}", report.stop_reason);
    assert_eq!(report.console, ["third"], "what it printed before the limit is kept");
}

#[test]
fn a_long_ordinary_run_gets_no_diagnosis() {
    // Mixed work (timers, file reads, immediates): nothing dominates.
    let source = "const fs = require('fs');\nfunction work() {\n  fs.readFile('/etc/hosts', () => setImmediate(() => setTimeout(work, 1)));\n}\nwork();\n";
    let reason = stopped(source);
    assert_eq!(reason, "stopped after 50000 events", "{reason}");
}

/// A program that grows without end stops at the memory limit, measured
/// for real (this process's resident memory), long before its operation
/// limit; a string doubling in a loop meets V8's RangeError first.
#[test]
fn growth_without_end_stops_at_the_memory_limit() {
    let limit_bytes = looplab_cli::resident_bytes() + (256 << 20);
    looplab_node::runtime::memory::set_memory_limit(Some(looplab_node::runtime::memory::MemoryLimit {
        bytes_in_use: looplab_cli::resident_bytes,
        limit_bytes,
    }));
    let settings = Settings { events_max: 1_000, time_max_us: 600_000_000, ..Settings::default() };
    let report = run_source_with("console.log('start');\nconst grow = [];\nwhile (true) grow.push({ n: grow.length });\n", settings.clone(), TraceMode::Off);
    assert!(report.stop_reason.starts_with("stopped: the program's memory grew to"), "{}", report.stop_reason);
    assert!(report.stop_reason.contains("JavaScript heap out of memory"), "{}", report.stop_reason);
    assert_eq!(report.console, ["start"]);
    let report = run_source_with("let s = 'x';\nwhile (true) s += s;\n", settings, TraceMode::Off);
    assert!(report.stderr.iter().any(|line| line.contains("RangeError: Invalid string length")), "{:?}", report.stderr);
    looplab_node::runtime::memory::set_memory_limit(None);
}
