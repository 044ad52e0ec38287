//! What a run can leave as files: per-request results (CSV, JSON), the
//! trace (JSON, and the dense text the trace hash is computed over) and the
//! run's figures. Pure functions over the state; the page only downloads.

use looplab_core::{TraceEvent, TraceKind};

/// One request from arrival to answer, as the trace saw it.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestRow {
    pub id: u64,
    pub path: String,
    pub arrived_ms: f64,
    /// None: not answered within the trace.
    pub answered_ms: Option<f64>,
    pub latency_ms: Option<f64>,
    pub status: Option<u16>,
}

/// Every request in the trace, in arrival order. A request id is reused
/// once its answer is sent, so arrivals are matched to the open one.
pub fn requests(events: &[TraceEvent]) -> Vec<RequestRow> {
    let mut rows: Vec<RequestRow> = Vec::new();
    let mut open = std::collections::HashMap::new();
    for event in events {
        let ms = event.t_us as f64 / 1000.0;
        match &event.kind {
            TraceKind::RequestArrive { request, path } => {
                open.insert(*request, rows.len());
                rows.push(RequestRow { id: *request, path: path.clone(), arrived_ms: ms, answered_ms: None, latency_ms: None, status: None });
            }
            TraceKind::RequestDone { request, status } => {
                if let Some(row) = open.remove(request).and_then(|index| rows.get_mut(index)) {
                    row.answered_ms = Some(ms);
                    row.latency_ms = Some(ms - row.arrived_ms);
                    row.status = Some(*status);
                }
            }
            _ => {}
        }
    }
    rows
}

/// A CSV field: quoted when it holds a comma, a quote or a line break;
/// a leading =, +, - or @ is neutralised so a spreadsheet never runs it.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text.to_string() };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn optional(value: Option<impl ToString>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}

pub fn requests_csv(events: &[TraceEvent]) -> String {
    let mut csv = String::from("id,path,arrived_ms,answered_ms,latency_ms,status\n");
    for row in requests(events) {
        csv.push_str(&format!(
            "{},{},{},{},{},{}\n",
            row.id,
            csv_field(&row.path),
            row.arrived_ms,
            optional(row.answered_ms),
            optional(row.latency_ms),
            optional(row.status)
        ));
    }
    csv
}

/// The requests as a JSON array of objects, one per request. Written by
/// hand, with the link codec's string escaping: serde_json's writer would
/// add to the page's download for this one file.
pub fn requests_json(events: &[TraceEvent]) -> String {
    fn number_or_null(value: Option<impl std::fmt::Display>) -> String {
        value.map_or_else(|| "null".to_string(), |value| value.to_string())
    }
    let mut json = String::from("[");
    for (index, row) in requests(events).iter().enumerate() {
        if index > 0 {
            json.push(',');
        }
        json.push_str(&format!("{{\"id\":{},\"path\":", row.id));
        looplab_share::push_json_string(&mut json, &row.path);
        json.push_str(&format!(
            ",\"arrived_ms\":{},\"answered_ms\":{},\"latency_ms\":{},\"status\":{}}}",
            row.arrived_ms,
            number_or_null(row.answered_ms),
            number_or_null(row.latency_ms),
            number_or_null(row.status)
        ));
    }
    json.push(']');
    json
}

/// The trace as CSV: time, thread, and the event in the dense text's words.
/// (Built from the dense text rather than serde, so the page carries no
/// serialiser for the whole trace vocabulary.)
pub fn trace_csv(events: &[TraceEvent]) -> String {
    let mut csv = String::from("t_us,thread,event\n");
    for event in events {
        let line = event.dense();
        // "{t_us:>9} " then "w{thread} " off the main thread.
        let mut rest = line.get(10..).unwrap_or_default();
        if event.thread != 0 {
            rest = rest.split_once(' ').map_or(rest, |(_, after)| after);
        }
        csv.push_str(&format!("{},{},{}\n", event.t_us, event.thread, csv_field(rest.trim_end())));
    }
    csv
}

/// The dense text, one line per event: what the trace hash is computed on.
pub fn trace_text(events: &[TraceEvent]) -> String {
    looplab_core::trace::dense_text(events)
}

/// A file name from the scenario's title: letters, digits and dashes.
pub fn file_stem(title: &str) -> String {
    let stem: String = title.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let stem = stem.split('-').filter(|part| !part.is_empty()).collect::<Vec<_>>().join("-");
    if stem.is_empty() {
        "looplab".to_string()
    } else {
        format!("looplab-{}", stem.chars().take(40).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Action, AppState, Knobs};

    fn event(t_us: u64, kind: TraceKind) -> TraceEvent {
        TraceEvent { t_us, thread: 0, kind }
    }

    #[test]
    fn requests_pair_arrivals_with_answers_even_when_ids_are_reused() {
        let events = vec![
            event(1000, TraceKind::RequestArrive { request: 0, path: "/a,\"b\"".into() }),
            event(1500, TraceKind::RequestArrive { request: 1, path: "=HYPERLINK(1)".into() }),
            event(3000, TraceKind::RequestDone { request: 0, status: 200 }),
            event(4000, TraceKind::RequestArrive { request: 0, path: "/c".into() }),
        ];
        let rows = requests(&events);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].latency_ms, Some(2.0));
        assert_eq!(rows[2].latency_ms, None);
        let csv = requests_csv(&events);
        assert_eq!(csv, "id,path,arrived_ms,answered_ms,latency_ms,status\n0,\"/a,\"\"b\"\"\",1,3,2,200\n1,'=HYPERLINK(1),1.5,,,\n0,/c,4,,,\n");
        let parsed: serde_json::Value = serde_json::from_str(&requests_json(&events)).expect("JSON");
        assert_eq!(parsed[0]["status"], 200);
        assert_eq!(parsed[0]["path"], "/a,\"b\"");
        assert_eq!(parsed[0]["latency_ms"], 2.0);
        assert_eq!(parsed[1]["arrived_ms"], 1.5);
        assert_eq!(parsed[2]["answered_ms"], serde_json::Value::Null);
    }

    #[test]
    fn a_real_runs_exports_parse_and_agree() {
        let state = crate::state::tests::run_to_finish(AppState::default().apply(Action::LoadPreset("handler-readfile".into())));
        assert_eq!(state.knobs, Knobs::default());
        let rows = requests(&state.events);
        assert!(rows.len() > 20, "{} requests", rows.len());
        assert!(rows.iter().filter(|row| row.latency_ms.is_some()).count() > 20);
        let csv = trace_csv(&state.events);
        assert_eq!(csv.lines().count(), state.events.len() + 1);
        assert!(csv.lines().skip(1).all(|line| line.split(',').count() >= 3), "every row has its three fields");
        assert!(csv.contains(",0,phase poll #"), "{}", &csv[..400.min(csv.len())]);
        assert_eq!(trace_text(&state.events).lines().count(), state.events.len());
        assert_eq!(file_stem("pbkdf2 waves, pool of 4"), "looplab-pbkdf2-waves-pool-of-4");
        assert_eq!(file_stem("<>"), "looplab");
    }
}
