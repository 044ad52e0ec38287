//! Trace snapshots: each `tests/scenarios/NAME.js` (one Node rule each, real
//! JavaScript that real Node also runs) against `NAME.trace`, and each
//! playground preset `www/scenarios/NAME.js` against
//! `tests/scenarios/preset-NAME.trace`: the console plus the dense trace.
//! Re-bless with `UPDATE_EXPECT=1 cargo test --release`.

use looplab_cli::run_source;
use looplab_core::Settings;
use std::path::PathBuf;

fn scenarios_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios")
}

fn presets_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../www/scenarios")
}

fn scripts_in(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("scenario folder exists")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "js"))
        .collect();
    scripts.sort();
    scripts
}

fn rendered(source: &str) -> String {
    let report = run_source(source, Settings::default(), true);
    let mut text = String::from("# console\n");
    for line in &report.console {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str(&format!("# stop: {}\n# races: {}\n", report.stop_reason, report.races.len()));
    if let Some(requests) = &report.requests {
        // A load run: its measurements are part of the snapshot.
        let latency = &requests.latency_ms;
        text.push_str(&format!(
            "# requests: {} sent, {} answered; latency p50 {:.3} p90 {:.3} p99 {:.3} max {:.3} ms\n",
            requests.count, requests.completed, latency.p50, latency.p90, latency.p99, latency.max
        ));
        text.push_str(&format!(
            "# event loop: delay p99 {:.3} ms, utilization {:.4}; pool wait mean {:.3} ms\n",
            report.event_loop.delay_ms.p99, report.event_loop.utilization, report.pool.wait_ms.mean
        ));
    }
    // Long traces keep their head and their hash, so snapshots stay small.
    let lines: Vec<&str> = report.trace_text.lines().collect();
    if lines.len() > TRACE_LINES_KEPT {
        text.push_str(&format!("# trace: {} events, hash {}; the first {TRACE_LINES_KEPT}:\n", lines.len(), report.trace_hash));
        lines.iter().take(TRACE_LINES_KEPT).for_each(|line| {
            text.push_str(line);
            text.push('\n');
        });
    } else {
        text.push_str("# trace\n");
        text.push_str(&report.trace_text);
    }
    text
}

const TRACE_LINES_KEPT: usize = 1500;

#[test]
fn scenario_traces_match_their_snapshots() {
    let bless = std::env::var_os("UPDATE_EXPECT").is_some();
    let rules = scripts_in(&scenarios_dir());
    assert!(rules.len() >= 10, "one scenario per rule: found {}", rules.len());
    let presets = scripts_in(&presets_dir());
    let snapshot_of = |script: &PathBuf, prefix: &str| {
        let name = script.file_stem().and_then(|stem| stem.to_str()).unwrap_or_default();
        scenarios_dir().join(format!("{prefix}{name}.trace"))
    };
    let cases: Vec<(PathBuf, PathBuf)> = rules
        .iter()
        .map(|script| (script.clone(), snapshot_of(script, "")))
        .chain(presets.iter().map(|script| (script.clone(), snapshot_of(script, "preset-"))))
        .collect();
    let mut mismatches = Vec::new();
    for (script, snapshot) in cases {
        let source = std::fs::read_to_string(&script).expect("readable scenario");
        let actual = rendered(&source);
        if bless {
            std::fs::write(&snapshot, &actual).expect("writable snapshot");
            continue;
        }
        let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
        if expected != actual {
            let first_difference =
                expected.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(expected.lines().count().min(actual.lines().count()));
            mismatches.push(format!(
                "{}: differs from its snapshot at line {} (expected {:?}, got {:?}); re-bless with UPDATE_EXPECT=1 if intended",
                script.display(),
                first_difference + 1,
                expected.lines().nth(first_difference),
                actual.lines().nth(first_difference)
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
