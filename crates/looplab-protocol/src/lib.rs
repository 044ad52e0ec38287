//! The messages between the UI (page) and the simulation Web Worker.
//!
//! Both ends use these types; on the wire each message is postcard bytes
//! (a `Uint8Array`): decoding postcard takes a fraction of the wasm that
//! decoding JSON did (the page and the worker were about 40 KB of gzipped
//! wasm lighter without serde_json). `looplab message encode|decode` turns
//! messages into JSON and back, for scripts and for reading one by eye; the
//! JSON has serde's default (external) tagging, `{"Finished": {...}}`.
//!
//! postcard writes fields in order with no names, so both ends must be built
//! from the same source, which they always are (one build makes both).
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
pub const PROTOCOL_VERSION: u32 = 5;

/// How many trace events one [`FromWorker::Trace`] message carries at most.
pub const TRACE_CHUNK_EVENTS: usize = 512;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Run a built-in scenario with these settings.
    Run { run_id: u64, scenario_id: String, settings: Settings },
    /// Run a scenario's text (the editor's, a share link's). With
    /// `trace: false` the worker only measures: no trace chunks, the
    /// summary's metrics only (for compare views and benchmarks).
    ///
    /// A run's trace can be far longer than anyone will watch (a million
    /// requests make millions of events): past `trace_events_max` events
    /// (0: no limit) the worker stops recording it and only measures, and
    /// the summary says the trace was cut.
    RunSource {
        run_id: u64,
        title: String,
        source: String,
        settings: Settings,
        trace: bool,
        #[serde(default)]
        trace_events_max: u64,
    },
    /// Makes the worker panic, as a bug would: the page's crash handling
    /// (restart, keep the code, say what happened) is tested with it.
    CrashDrill,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    Ready {
        protocol_version: u32,
    },
    Started {
        run_id: u64,
        source: String,
        title: String,
        pool_size: u32,
    },
    Trace {
        run_id: u64,
        events: Vec<TraceEvent>,
    },
    /// How far a long run has got: sent every few thousand events.
    Progress {
        run_id: u64,
        share: Option<f64>,
        sim_time_us: u64,
        events: u64,
    },
    Finished {
        run_id: u64,
        summary: RunSummary,
    },
    /// The run could not start. `errors` locates problems in the code
    /// (line and column) when there are any; `message` says it in words.
    Failed {
        run_id: u64,
        message: String,
        #[serde(default)]
        errors: Vec<looplab_core::ScriptError>,
    },
}

/// Figures about a finished run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub stop_reason: StopReason,
    pub sim_time_us: u64,
    pub events: u64,
    pub trace_events: u64,
    /// The trace stopped at the request's `trace_events_max`; the metrics
    /// cover the whole run.
    #[serde(default)]
    pub trace_truncated: bool,
    /// Hex FNV-1a of the dense trace: equal natively and in wasm.
    pub trace_hash: String,
    pub console: Vec<String>,
    /// What the run measured (requests, event loop, pool, memory, CPU).
    pub metrics: looplab_core::Metrics,
    /// Problems with the scenario found by running it (a load line whose
    /// server never listened), each at its line.
    pub problems: Vec<looplab_core::ScriptError>,
    /// The worker's memory after the run (its wasm memory never shrinks):
    /// the page starts a fresh worker before the next run when it is large.
    /// 0 where nothing measures it.
    #[serde(default)]
    pub memory_in_use_bytes: u64,
}

impl ToWorker {
    pub fn to_json(&self) -> String {
        // Serialising plain data with derived impls cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<ToWorker, String> {
        serde_json::from_str(text).map_err(|error| format!("bad message to worker: {error}"))
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<ToWorker, String> {
        postcard::from_bytes(bytes).map_err(|error| format!("bad message to worker: {error}"))
    }
}

impl FromWorker {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<FromWorker, String> {
        serde_json::from_str(text).map_err(|error| format!("bad message from worker: {error}"))
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<FromWorker, String> {
        postcard::from_bytes(bytes).map_err(|error| format!("bad message from worker: {error}"))
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
            events: vec![TraceEvent {
                t_us: 12,
                thread: 0,
                kind: TraceKind::CallbackStart { source: Source::MainScript, label: "(main module)".into(), line: 1 },
            }],
        };
        assert_eq!(FromWorker::from_json(&trace.to_json()), Ok(trace));
    }

    #[test]
    fn malformed_message_is_an_error_not_a_panic() {
        assert!(ToWorker::from_json("{\"type\":\"Nope\"}").is_err());
        assert!(FromWorker::from_json("not json").is_err());
        assert!(ToWorker::from_bytes(&[]).is_err());
        assert!(ToWorker::from_bytes(&[99, 1, 2]).is_err());
        assert!(FromWorker::from_bytes(&[2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err());
    }

    /// The page's wire format carries messages intact, and the worker's
    /// answer kinds have the first bytes scripts/bench-wasm.mjs looks for
    /// (0 Ready, 4 Finished, 5 Failed). The worker's tests send a real run's
    /// answers through it too.
    #[test]
    fn messages_round_trip_through_postcard() {
        let run = ToWorker::RunSource {
            run_id: 9,
            title: "t".into(),
            source: "setTimeout(() => {}, 5);".into(),
            settings: Settings::default(),
            trace: true,
            trace_events_max: 300_000,
        };
        assert_eq!(ToWorker::from_bytes(&run.to_bytes()), Ok(run));
        assert_eq!(ToWorker::from_bytes(&ToWorker::CrashDrill.to_bytes()), Ok(ToWorker::CrashDrill));
        let trace = FromWorker::Trace {
            run_id: 9,
            events: vec![TraceEvent { t_us: 3, thread: 1, kind: TraceKind::CallbackStart { source: Source::MainScript, label: "x".into(), line: 2 } }],
        };
        assert_eq!(FromWorker::from_bytes(&trace.to_bytes()), Ok(trace));
        let progress = FromWorker::Progress { run_id: 9, share: Some(0.5), sim_time_us: 7, events: 8 };
        assert_eq!(FromWorker::from_bytes(&progress.to_bytes()), Ok(progress));
        let failed = FromWorker::Failed { run_id: 1, message: "m".into(), errors: Vec::new() };
        assert_eq!(failed.to_bytes()[0], 5);
        assert_eq!(FromWorker::Ready { protocol_version: PROTOCOL_VERSION }.to_bytes()[0], 0);
    }
}
