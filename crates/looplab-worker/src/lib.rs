//! What the simulation worker does with a request, independent of the
//! browser: run the scenario and emit the protocol's answers in order.
//! `main.rs` only moves these messages across `postMessage`.

use looplab_core::scenarios;
use looplab_core::trace::TraceHasher;
use looplab_protocol::{FromWorker, RunSummary, ToWorker, TRACE_CHUNK_EVENTS};

/// Handles one message from the page, calling `emit` for each answer.
pub fn execute(request: ToWorker, emit: &mut dyn FnMut(FromWorker)) {
    match request {
        ToWorker::Run { run_id, scenario_id, settings } => {
            let Some(scenario) = scenarios::by_id(&scenario_id) else {
                let message = format!("unknown scenario '{scenario_id}'");
                return emit(FromWorker::Failed { run_id, message, errors: Vec::new() });
            };
            run(run_id, scenario.title, scenario.source, settings, TraceLimit::All, emit);
        }
        ToWorker::RunSource { run_id, title, source, settings, trace, trace_events_max } => {
            if source.len() > SOURCE_MAX_BYTES {
                let message = format!(
                    "the code is {} KiB; Looplab runs at most {} KiB. Shorten it (a large data literal can become a `// @looplab file` line).",
                    source.len() / 1024,
                    SOURCE_MAX_BYTES / 1024
                );
                return emit(FromWorker::Failed { run_id, message, errors: Vec::new() });
            }
            let limit = match (trace, trace_events_max) {
                (false, _) => TraceLimit::None,
                (true, 0) => TraceLimit::All,
                (true, max) => TraceLimit::First(max),
            };
            run(run_id, &title, &source, settings, limit, emit);
        }
        // A deliberate panic; in the browser it aborts the worker, which is
        // what a real bug would do.
        ToWorker::CrashDrill => panic!("crash drill: the page asked the worker to fail"),
    }
}

/// The most code a run takes: far beyond any scenario written by hand, and
/// small enough that parsing it stays quick.
pub const SOURCE_MAX_BYTES: usize = 256 * 1024;

/// How much of a run's trace to record and send.
#[derive(Clone, Copy)]
enum TraceLimit {
    None,
    All,
    First(u64),
}

/// Events between two `Progress` messages.
const PROGRESS_EVERY_EVENTS: u64 = 131_072;

/// Runs a scenario's text: `Started`, the trace in chunks (unless `trace`
/// is off), then `Finished` with the summary and metrics.
fn run(run_id: u64, title: &str, source: &str, settings: looplab_core::Settings, limit: TraceLimit, emit: &mut dyn FnMut(FromWorker)) {
    emit(FromWorker::Started { run_id, source: source.to_string(), title: title.to_string(), pool_size: settings.pool_size });
    // The scenario's text is real JavaScript, run by the interpreter.
    let mut sim = match looplab_node::prepare(source, settings) {
        Ok(sim) => sim,
        Err(errors) => {
            let message = errors.iter().map(|error| format!("{}:{}: {}", error.line, error.column, error.message)).collect::<Vec<_>>().join("\n");
            return emit(FromWorker::Failed { run_id, message, errors });
        }
    };
    if matches!(limit, TraceLimit::None) {
        sim.disable_trace();
    }
    let mut trace_truncated = false;
    // The hash is folded over the whole trace while it streams, so the
    // worker never has to keep the trace itself.
    let mut hasher = TraceHasher::default();
    let mut trace_events = 0u64;
    let mut running = true;
    while running {
        running = sim.step();
        if sim.events_processed() % PROGRESS_EVERY_EVENTS == 0 {
            emit(FromWorker::Progress { run_id, share: sim.load_progress(), sim_time_us: sim.now_us(), events: sim.events_processed() });
        }
        let mut events = sim.drain_trace();
        if events.is_empty() {
            continue;
        }
        if let TraceLimit::First(max) = limit {
            if trace_events + events.len() as u64 >= max && !trace_truncated {
                events.truncate(max.saturating_sub(trace_events) as usize);
                sim.disable_trace();
                trace_truncated = true;
            } else if trace_truncated {
                continue;
            }
        }
        events.iter().for_each(|event| hasher.add(event));
        trace_events += events.len() as u64;
        while !events.is_empty() {
            let rest = events.split_off(events.len().min(TRACE_CHUNK_EVENTS));
            emit(FromWorker::Trace { run_id, events });
            events = rest;
        }
    }
    let mut summary = RunSummary {
        stop_reason: sim.stop_reason().cloned().unwrap_or(looplab_core::StopReason::WaitingForever),
        sim_time_us: sim.now_us(),
        events: sim.events_processed(),
        trace_events,
        trace_truncated,
        // A cut trace's hash would describe only its start: none is given.
        trace_hash: if matches!(limit, TraceLimit::None) || trace_truncated { String::new() } else { format!("{:016x}", hasher.finish()) },
        console: sim.console().to_vec(),
        metrics: sim.metrics(),
        problems: sim.load_problems(),
        memory_in_use_bytes: 0,
    };
    // The run's heap is freed with the simulation; what the worker holds
    // after that is what the next run starts from.
    drop(sim);
    summary.memory_in_use_bytes = looplab_node::runtime::memory::bytes_in_use().unwrap_or(0);
    emit(FromWorker::Finished { run_id, summary });
}

#[cfg(test)]
mod tests {
    use super::*;
    use looplab_core::Settings;

    /// Trace events the answers carried.
    fn streamed_events(answers: &[FromWorker]) -> usize {
        answers
            .iter()
            .map(|answer| match answer {
                FromWorker::Trace { events, .. } => events.len(),
                _ => 0,
            })
            .sum()
    }

    fn answers(request: ToWorker) -> Vec<FromWorker> {
        let mut answers = Vec::new();
        execute(request, &mut |message| answers.push(message));
        answers
    }

    #[test]
    fn code_over_the_size_limit_is_refused_in_words() {
        let source = format!("// {}\nconsole.log(1);\n", "x".repeat(SOURCE_MAX_BYTES));
        let request = ToWorker::RunSource { run_id: 3, title: "big".into(), source, settings: Settings::default(), trace: true, trace_events_max: 0 };
        match answers(request).as_slice() {
            [FromWorker::Failed { run_id: 3, message, .. }] => assert!(message.contains("at most 256 KiB"), "{message}"),
            other => panic!("expected one Failed answer, got {other:?}"),
        }
    }

    #[test]
    fn a_run_streams_started_trace_then_finished() {
        let answers = answers(ToWorker::Run { run_id: 3, scenario_id: "readfile-intro".into(), settings: Settings::default() });
        assert!(matches!(answers.first(), Some(FromWorker::Started { run_id: 3, .. })));
        let Some(FromWorker::Finished { run_id: 3, summary }) = answers.last() else {
            panic!("last answer must be Finished: {answers:?}");
        };
        assert_eq!(summary.console, ["before reading file", "after calling readFile", "file has been read"]);
        let streamed = streamed_events(&answers);
        assert_eq!(streamed as u64, summary.trace_events);
    }

    /// Every answer of a real run (a server under load: requests, pool,
    /// metrics with every figure) crosses the page's wire format intact.
    #[test]
    fn a_runs_answers_cross_the_wire_intact() {
        let source = include_str!("../../../www/scenarios/handler-readfile.js").to_string();
        let request = ToWorker::RunSource { run_id: 4, title: "x".into(), source, settings: Settings::default(), trace: true, trace_events_max: 0 };
        assert_eq!(ToWorker::from_bytes(&request.to_bytes()).as_ref(), Ok(&request));
        let answers = answers(request);
        assert!(
            matches!(answers.last(), Some(FromWorker::Finished { summary, .. }) if summary.metrics.requests.as_ref().is_some_and(|requests| requests.completed > 0)),
            "the run answered no request"
        );
        for answer in &answers {
            assert_eq!(FromWorker::from_bytes(&answer.to_bytes()).as_ref(), Ok(answer));
        }
    }

    #[test]
    fn unknown_scenario_fails_with_a_message() {
        let answers = answers(ToWorker::Run { run_id: 1, scenario_id: "nope".into(), settings: Settings::default() });
        assert_eq!(answers, [FromWorker::Failed { run_id: 1, message: "unknown scenario 'nope'".into(), errors: Vec::new() }]);
    }

    #[test]
    fn a_long_trace_is_cut_at_the_limit_and_the_metrics_cover_the_whole_run() {
        let source = include_str!("../../../www/scenarios/pool-queue-erlang-c.js").replace("amount=5000", "amount=40000");
        let request = ToWorker::RunSource { run_id: 4, title: "t".into(), source, settings: Settings::default(), trace: true, trace_events_max: 1000 };
        let answers = answers(request);
        let streamed = streamed_events(&answers);
        assert_eq!(streamed, 1000);
        assert!(answers.iter().any(|answer| matches!(answer, FromWorker::Progress { run_id: 4, .. })), "a long run reports progress");
        let Some(FromWorker::Finished { summary, .. }) = answers.last() else { panic!("no summary") };
        assert!(summary.trace_truncated);
        assert_eq!(summary.metrics.requests.as_ref().map(|requests| requests.completed), Some(40000));
    }

    #[test]
    fn code_errors_come_back_with_their_positions() {
        let request =
            ToWorker::RunSource { run_id: 5, title: "t".into(), source: "let x = ;\n".into(), settings: Settings::default(), trace: true, trace_events_max: 0 };
        let answers = answers(request);
        let Some(FromWorker::Failed { errors, .. }) = answers.last() else { panic!("expected Failed: {answers:?}") };
        assert_eq!(errors.first().map(|error| error.line), Some(1));
    }
}
