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
                return emit(FromWorker::Failed { run_id, message });
            };
            run(run_id, scenario.title, scenario.source, settings, true, emit);
        }
        ToWorker::RunSource { run_id, title, source, settings, trace } => run(run_id, &title, &source, settings, trace, emit),
    }
}

/// Runs a scenario's text: `Started`, the trace in chunks (unless `trace`
/// is off), then `Finished` with the summary and metrics.
fn run(run_id: u64, title: &str, source: &str, settings: looplab_core::Settings, trace: bool, emit: &mut dyn FnMut(FromWorker)) {
    emit(FromWorker::Started { run_id, source: source.to_string(), title: title.to_string(), pool_size: settings.pool_size });
    // The scenario's text is real JavaScript, run by the interpreter.
    let mut sim = match looplab_js::prepare(source, settings) {
        Ok(sim) => sim,
        Err(errors) => {
            let message = errors.iter().map(|error| format!("{}:{}: {}", error.line, error.column, error.message)).collect::<Vec<_>>().join("\n");
            return emit(FromWorker::Failed { run_id, message });
        }
    };
    if !trace {
        sim.disable_trace();
    }
    // The hash is folded over the whole trace while it streams, so the
    // worker never has to keep the trace itself.
    let mut hasher = TraceHasher::default();
    let mut trace_events = 0u64;
    let mut running = true;
    while running {
        running = sim.step();
        let mut events = sim.drain_trace();
        if events.is_empty() {
            continue;
        }
        events.iter().for_each(|event| hasher.add(event));
        trace_events += events.len() as u64;
        while !events.is_empty() {
            let rest = events.split_off(events.len().min(TRACE_CHUNK_EVENTS));
            emit(FromWorker::Trace { run_id, events });
            events = rest;
        }
    }
    let summary = RunSummary {
        stop_reason: sim.stop_reason().cloned().unwrap_or(looplab_core::StopReason::WaitingForever),
        sim_time_us: sim.now_us(),
        events: sim.events_processed(),
        trace_events,
        trace_hash: if trace { format!("{:016x}", hasher.finish()) } else { String::new() },
        console: sim.console().to_vec(),
        metrics: sim.metrics(),
        problems: sim.load_problems(),
    };
    emit(FromWorker::Finished { run_id, summary });
}

#[cfg(test)]
mod tests {
    use super::*;
    use looplab_core::Settings;

    fn answers(request: ToWorker) -> Vec<FromWorker> {
        let mut answers = Vec::new();
        execute(request, &mut |message| answers.push(message));
        answers
    }

    #[test]
    fn a_run_streams_started_trace_then_finished() {
        let answers = answers(ToWorker::Run { run_id: 3, scenario_id: "readfile-intro".into(), settings: Settings::default() });
        assert!(matches!(answers.first(), Some(FromWorker::Started { run_id: 3, .. })));
        let Some(FromWorker::Finished { run_id: 3, summary }) = answers.last() else {
            panic!("last answer must be Finished: {answers:?}");
        };
        assert_eq!(summary.console, ["before reading file", "after calling readFile", "file has been read"]);
        let streamed: usize = answers
            .iter()
            .map(|answer| match answer {
                FromWorker::Trace { events, .. } => events.len(),
                _ => 0,
            })
            .sum();
        assert_eq!(streamed as u64, summary.trace_events);
    }

    #[test]
    fn unknown_scenario_fails_with_a_message() {
        let answers = answers(ToWorker::Run { run_id: 1, scenario_id: "nope".into(), settings: Settings::default() });
        assert_eq!(answers, [FromWorker::Failed { run_id: 1, message: "unknown scenario 'nope'".into() }]);
    }
}
