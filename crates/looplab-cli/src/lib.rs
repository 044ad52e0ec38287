//! What `looplab run` computes, as a library so tests (the conformance
//! runner) call the same code the command does.

use looplab_core::trace::{dense_text, TraceHasher};
use looplab_core::{Settings, StopReason};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct ErrorReport {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// The JSON `looplab run --json` prints.
#[derive(Debug, Serialize)]
pub struct RunReport {
    pub console: Vec<String>,
    pub stderr: Vec<String>,
    pub sim_time_ms: f64,
    pub events: u64,
    pub trace_hash: String,
    pub stop_reason: String,
    /// Points where real Node could order things differently, with the
    /// outcome this run's seed picked.
    pub races: Vec<String>,
    pub errors: Vec<ErrorReport>,
    #[serde(skip)]
    pub trace_text: String,
}

/// Compiles and runs a script; compile errors come back as the report's
/// `errors` with nothing run.
pub fn run_source(source: &str, settings: Settings, keep_trace: bool) -> RunReport {
    let mut sim = match looplab_js::prepare(source, settings) {
        Ok(sim) => sim,
        Err(errors) => {
            return RunReport {
                console: Vec::new(),
                stderr: Vec::new(),
                sim_time_ms: 0.0,
                events: 0,
                trace_hash: String::new(),
                stop_reason: "not run: the code has errors".to_string(),
                races: Vec::new(),
                errors: errors.into_iter().map(|error| ErrorReport { line: error.line, column: error.column, message: error.message }).collect(),
                trace_text: String::new(),
            }
        }
    };
    let mut hasher = TraceHasher::default();
    let mut trace_text = String::new();
    while sim.step() {
        let events = sim.drain_trace();
        events.iter().for_each(|event| hasher.add(event));
        if keep_trace {
            trace_text.push_str(&dense_text(&events));
        }
    }
    let events = sim.drain_trace();
    events.iter().for_each(|event| hasher.add(event));
    if keep_trace {
        trace_text.push_str(&dense_text(&events));
    }
    RunReport {
        console: sim.console().to_vec(),
        stderr: sim.stderr().to_vec(),
        sim_time_ms: sim.now_us() as f64 / 1000.0,
        events: sim.events_processed(),
        trace_hash: format!("{:016x}", hasher.finish()),
        stop_reason: sim.stop_reason().map(StopReason::describe).unwrap_or_default(),
        races: sim.races().iter().map(|race| format!("at {:.3} ms: {}", race.t_us as f64 / 1000.0, race.description)).collect(),
        errors: sim.errors().iter().map(|error| ErrorReport { line: error.line, column: error.column, message: error.message.clone() }).collect(),
        trace_text,
    }
}
