//! Seeded random servers under seeded random load, with the load model's
//! invariants checked on every run: every request is answered exactly once
//! (when the load finishes); latencies are at least the loopback round trip
//! and their percentiles are ordered; utilizations stay within [0, 1];
//! closed clients never have more requests in flight than connections; a
//! thread-per-request server never makes more threads than allowed; and the
//! same scenario and seed give the same trace.
//!
//! `LOOPLAB_LOAD_SEEDS=N` runs N scenarios (default 1,000); `LOOPLAB_LOAD_SEED=S`
//! replays one and prints it.

use looplab_cli::random::server as scenario;
use looplab_cli::{run_source, RunReport};
use looplab_core::Settings;

fn check(seed: u64, source: &str, report: &RunReport) -> Result<(), String> {
    if !report.errors.is_empty() {
        return Err(format!("errors: {:?}", report.errors));
    }
    let requests = report.requests.as_ref().ok_or("no request metrics")?;
    if !report.stop_reason.starts_with("the load finished") {
        return Err(format!("did not finish: {}", report.stop_reason));
    }
    if requests.completed != requests.count || requests.refused != 0 {
        return Err(format!("{} sent, {} answered, {} refused", requests.count, requests.completed, requests.refused));
    }
    let by_path: u64 = requests.by_path.iter().map(|path| path.completed).sum();
    if by_path != requests.completed {
        return Err(format!("per-path counts {by_path} != {}", requests.completed));
    }
    let latency = &requests.latency_ms;
    if latency.p50 < 0.1 || latency.p50 > latency.p90 || latency.p90 > latency.p99 || latency.p99 > latency.max {
        return Err(format!("latency percentiles out of order or below the loopback round trip: {latency:?}"));
    }
    for (name, value) in [("event loop", report.event_loop.utilization), ("pool", report.pool.utilization), ("cpu", report.cpu.utilization)] {
        if !(0.0..=1.0 + 1e-9).contains(&value) {
            return Err(format!("{name} utilization {value}"));
        }
    }
    if let Some(connections) = source.split("connections=").nth(1).and_then(|rest| rest.split_whitespace().next()).and_then(|n| n.parse::<u64>().ok()) {
        if requests.in_flight_peak > connections {
            return Err(format!("{} in flight with {connections} connections", requests.in_flight_peak));
        }
    }
    if let Some(server) = &report.server {
        if server.threads_made > server.threads_max || server.busy_peak > server.threads_made {
            return Err(format!("server threads: {server:?}"));
        }
    }
    let again = run_source(source, Settings::default(), true);
    if again.trace_hash != report.trace_hash {
        return Err(format!("seed {seed}: the same scenario gave another trace"));
    }
    // A request id names one request at a time: it is not reused before
    // the answer it names (the UI pairs arrivals and answers by id).
    let mut open = std::collections::HashSet::new();
    for line in again.trace_text.lines() {
        // `t_us [wN] kind id …`: a thread other than the main one is named.
        let mut words = line.split_whitespace().skip(1).skip_while(|word| word.starts_with('w') && word[1..].chars().all(|c| c.is_ascii_digit()));
        let (kind, id) = (words.next(), words.next());
        match (kind, id) {
            (Some("req+"), Some(id)) if !open.insert(id.to_string()) => return Err(format!("request {id} arrives while {id} is in flight: {line}")),
            (Some("req-"), Some(id)) if !open.remove(id) => return Err(format!("request {id} answered but not in flight: {line}")),
            _ => {}
        }
    }
    Ok(())
}

#[test]
fn random_servers_under_random_load_keep_the_invariants() {
    if let Some(seed) = std::env::var("LOOPLAB_LOAD_SEED").ok().and_then(|seed| seed.parse().ok()) {
        let source = scenario(seed);
        println!("{source}");
        let report = run_source(&source, Settings::default(), false);
        println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
        return check(seed, &source, &report).unwrap_or_else(|message| panic!("seed {seed}: {message}"));
    }
    let seeds: u64 = std::env::var("LOOPLAB_LOAD_SEEDS").ok().and_then(|n| n.parse().ok()).unwrap_or(1000);
    for seed in 0..seeds {
        let source = scenario(seed);
        let report = run_source(&source, Settings::default(), false);
        if let Err(message) = check(seed, &source, &report) {
            panic!("seed {seed}: {message}\nreplay: LOOPLAB_LOAD_SEED={seed} cargo test --release -p looplab-cli --test random_load -- --nocapture");
        }
    }
}
