//! `looplab run FILE.js [--json]` and `looplab trace FILE.js`.

use looplab_cli::{run_source_reporting, Progress, TraceMode};
use looplab_core::Settings;
use std::process::ExitCode;

const USAGE: &str = "usage: looplab run FILE.js [--json] [--no-trace] [--set key=value]...\n       looplab trace FILE.js [--set key=value]...\n\n\
`trace` prints the event trace, one event a line; the legend is in crates/looplab-core/src/trace.rs.\n\
--set overrides a setting as a `// @looplab` line would: pool=8, cores=2, seed=3, db=20ms,\n\
load=\"open rate=100/s duration=5s\" (replaces the file's load lines).\n\
--no-trace records no trace (faster; for benchmarks): trace_hash is empty.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, file) = match (args.first(), args.get(1)) {
        (Some(command), Some(file)) if command == "run" || command == "trace" => (command.as_str(), file),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let json = args.iter().any(|arg| arg == "--json");
    let source = match std::fs::read_to_string(file) {
        Ok(source) => source,
        Err(error) => {
            eprintln!("looplab: cannot read {file}: {error}");
            return ExitCode::from(2);
        }
    };
    let mut overrides = Vec::new();
    let mut rest = args.iter().skip(2);
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--json" | "--no-trace" => {}
            "--set" => match rest.next() {
                Some(entry) => overrides.push(entry.clone()),
                None => {
                    eprintln!("looplab: --set needs key=value\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!("looplab: unknown option '{other}'\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let source = match looplab_cli::apply_overrides(&source, &overrides) {
        Ok(source) => source,
        Err(message) => {
            eprintln!("looplab: {message}");
            return ExitCode::from(2);
        }
    };
    let trace_mode = if command == "trace" {
        TraceMode::Keep
    } else if args.iter().any(|arg| arg == "--no-trace") {
        TraceMode::Off
    } else {
        TraceMode::Hash
    };
    // A long run on a terminal shows a progress bar on stderr; piped or
    // redirected output stays quiet.
    let interactive = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let started = std::time::Instant::now();
    let mut last_drawn = started;
    let mut drawn = false;
    let mut draw = |progress: Progress| {
        let now = std::time::Instant::now();
        if !interactive || now.duration_since(started).as_millis() < 500 || now.duration_since(last_drawn).as_millis() < 100 {
            return;
        }
        last_drawn = now;
        drawn = true;
        let (bar, percent) = match progress.share {
            Some(share) => {
                let filled = (share * 30.0).round() as usize;
                (format!("[{}{}]", "=".repeat(filled.min(30)), " ".repeat(30 - filled.min(30))), format!("{:3.0}%", share * 100.0))
            }
            None => ("[running]".to_string(), String::new()),
        };
        eprint!("\r{bar} {percent}  {:.1} s virtual, {} events", progress.sim_time_us as f64 / 1e6, progress.events);
    };
    let report = run_source_reporting(&source, Settings::default(), trace_mode, &mut draw);
    if drawn {
        // Clear the bar's line.
        eprint!("\r{}\r", " ".repeat(78));
    }
    if command == "trace" {
        print!("{}", report.trace_text);
    } else if json {
        match serde_json::to_string_pretty(&report) {
            Ok(text) => println!("{text}"),
            Err(error) => eprintln!("looplab: {error}"),
        }
    } else {
        for line in &report.console {
            println!("{line}");
        }
        for line in &report.stderr {
            eprintln!("{line}");
        }
        eprintln!("-- {} after {:.3} ms of virtual time, {} events", report.stop_reason, report.sim_time_ms, report.events);
        if let Some(requests) = &report.requests {
            eprintln!(
                "-- {} requests, {} answered, latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; event-loop delay p99 {:.1} ms; utilization {:.2}",
                requests.count,
                requests.completed,
                requests.latency_ms.p50,
                requests.latency_ms.p99,
                requests.latency_ms.max,
                report.event_loop.delay_ms.p99,
                report.event_loop.utilization
            );
        }
    }
    for error in &report.errors {
        if !json {
            eprintln!("{file}:{}:{}: {}", error.line, error.column, error.message);
        }
    }
    if report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
