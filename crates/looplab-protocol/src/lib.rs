//! The messages between the UI (page) and the simulation Web Worker.
//!
//! Both ends use these types; on the wire each message is one JSON string,
//! which keeps the boundary easy to inspect in devtools and in browser tests.
//!
//! The conversation: the worker starts, installs its message listener, and
//! only then sends [`FromWorker::Ready`] (messages posted to a worker before
//! its listener exists are lost). The page sends [`ToWorker::Run`]; the
//! worker answers with [`FromWorker::Started`], any number of
//! [`FromWorker::Trace`] chunks in time order, then [`FromWorker::Finished`]
//! (or [`FromWorker::Failed`]). Every answer carries the request's `run_id`,
//! so answers to a superseded run can be ignored.

use looplab_core::{Settings, StopReason, TraceEvent};
use serde::{Deserialize, Serialize};

/// Bumped whenever a message changes shape.
pub const PROTOCOL_VERSION: u32 = 2;

/// How many trace events one [`FromWorker::Trace`] message carries at most.
pub const TRACE_CHUNK_EVENTS: usize = 512;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ToWorker {
    /// Run a built-in scenario with these settings.
    Run { run_id: u64, scenario_id: String, settings: Settings },
    /// Run a scenario's text (the editor's, a share link's). With
    /// `trace: false` the worker only measures: no trace chunks, the
    /// summary's metrics only (for compare views and benchmarks).
    RunSource { run_id: u64, title: String, source: String, settings: Settings, trace: bool },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum FromWorker {
    Ready { protocol_version: u32 },
    Started { run_id: u64, source: String, title: String, pool_size: u32 },
    Trace { run_id: u64, events: Vec<TraceEvent> },
    Finished { run_id: u64, summary: RunSummary },
    Failed { run_id: u64, message: String },
}

/// Figures about a finished run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub stop_reason: StopReason,
    pub sim_time_us: u64,
    pub events: u64,
    pub trace_events: u64,
    /// Hex FNV-1a of the dense trace: equal natively and in wasm.
    pub trace_hash: String,
    pub console: Vec<String>,
    /// What the run measured (requests, event loop, pool, memory, CPU).
    pub metrics: looplab_core::Metrics,
    /// Problems with the scenario found by running it (a load line whose
    /// server never listened), each at its line.
    pub problems: Vec<looplab_core::ScriptError>,
}

impl ToWorker {
    pub fn to_json(&self) -> String {
        // Serialising plain data with derived impls cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<ToWorker, String> {
        serde_json::from_str(text).map_err(|error| format!("bad message to worker: {error}"))
    }
}

impl FromWorker {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<FromWorker, String> {
        serde_json::from_str(text).map_err(|error| format!("bad message from worker: {error}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use looplab_core::{Source, TraceKind};

    #[test]
    fn messages_round_trip_through_json() {
        let run = ToWorker::Run { run_id: 7, scenario_id: "readfile-intro".into(), settings: Settings::default() };
        assert_eq!(ToWorker::from_json(&run.to_json()), Ok(run));
        let trace = FromWorker::Trace {
            run_id: 7,
            events: vec![TraceEvent { t_us: 12, thread: 0, kind: TraceKind::CallbackStart { source: Source::MainScript, label: "(main module)".into() } }],
        };
        assert_eq!(FromWorker::from_json(&trace.to_json()), Ok(trace));
    }

    #[test]
    fn malformed_message_is_an_error_not_a_panic() {
        assert!(ToWorker::from_json("{\"type\":\"Nope\"}").is_err());
        assert!(FromWorker::from_json("not json").is_err());
    }
}
