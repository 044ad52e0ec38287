//! `looplab run FILE.js [--json]`, `looplab trace FILE.js`, and
//! `looplab message encode|decode` for the worker's wire format, and
//! `looplab random program|server SEED` for the property tests' scenarios.

use looplab_cli::{run_source_reporting, run_source_with, Progress, TraceMode};
use looplab_core::Settings;
use std::process::ExitCode;

// The simulator allocates small objects at a high rate (each request's
// `req`, `res`, closures and environments); mimalloc serves them about a
// quarter faster than glibc's malloc (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str =
    "usage: looplab run FILE.js [--json] [--no-trace] [--timeline] [--compare] [--set key=value]...\n       looplab trace FILE.js [--set key=value]...\n       looplab message encode|decode\n       looplab random program|server SEED\n\n\
`trace` prints the event trace, one event a line; the legend is in crates/looplab-core/src/trace.rs.\n\
--set overrides a setting as a `// @looplab` line would: pool=8, cores=2, seed=3, db=20ms, cpu-speed=2x,\n\
load=\"open rate=100/s duration=5s\" (replaces the file's load lines).\n\
--no-trace records no trace (faster; for benchmarks): trace_hash is empty.\n\
--timeline adds the measurements over time to --json (in-flight, pool, utilization, delay per slice).\n\
--compare runs the file twice, on Node's event loop and on a thread-per-request server\n\
(`// @looplab server thread-per-request threads=N stack=SIZE` sets that server), side by side.\n\
`message encode` turns a request to the page's worker, as JSON on stdin, into the bytes the page posts;\n\
`message decode` turns the bytes of a worker's answer, on stdin, into JSON (scripts/bench-wasm.mjs uses both).\n\
`random program SEED` and `random server SEED` print the seeded random scenarios the property tests run.";

/// Writes to standard output; a reader that went away (`looplab trace … |
/// head`) ends the program quietly instead of panicking on a broken pipe.
fn write_out(text: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout.write_fmt(text).and_then(|()| stdout.flush()) {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("looplab: cannot write the output: {error}");
        std::process::exit(1);
    }
}

macro_rules! out {
    ($($arg:tt)*) => { write_out(format_args!($($arg)*)) };
}

macro_rules! outln {
    ($($arg:tt)*) => { write_out(format_args!("{}\n", format_args!($($arg)*))) };
}

/// The page and its worker speak postcard (crates/looplab-protocol); this
/// converts between that and JSON, so a script can talk to the real worker.
fn message(direction: Option<&str>) -> ExitCode {
    use std::io::{Read, Write};
    let mut input = Vec::new();
    if let Err(error) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("looplab: cannot read standard input: {error}");
        return ExitCode::from(2);
    }
    let output = match direction {
        Some("encode") => String::from_utf8(input)
            .map_err(|_| "the request is not UTF-8 text".to_string())
            .and_then(|text| looplab_protocol::ToWorker::from_json(&text))
            .map(|request| request.to_bytes()),
        Some("decode") => looplab_protocol::FromWorker::from_bytes(&input).map(|answer| answer.to_json().into_bytes()),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match output {
        Ok(bytes) => {
            let mut stdout = std::io::stdout().lock();
            if stdout.write_all(&bytes).and_then(|()| stdout.flush()).is_err() {
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("looplab: {message}");
            ExitCode::from(1)
        }
    }
}

/// A run that cannot start: under `--json`, one JSON object on stdout
/// (`{"error": {"kind", "message", "file"}}`) so a script reading the
/// output gets a reason it can parse; otherwise a line on stderr (with the
/// usage for a usage error). Exit code 2 either way.
fn refuse(json: bool, kind: &str, file: Option<&str>, message: &str) -> ExitCode {
    if json {
        let error = serde_json::json!({ "error": { "kind": kind, "message": message, "file": file } });
        outln!("{}", serde_json::to_string_pretty(&error).unwrap_or_default());
    } else {
        match file {
            Some(file) => eprintln!("looplab: {file}: {message}"),
            None => eprintln!("looplab: {message}"),
        }
        if kind == "usage" {
            eprintln!("{USAGE}");
        }
    }
    ExitCode::from(2)
}

/// A scenario's text, or why it cannot be had: missing, unreadable (a
/// directory, no permission), or not UTF-8 (with the line and column of
/// the first byte that is not).
fn read_source(file: &str) -> Result<String, (&'static str, String)> {
    let bytes = std::fs::read(file).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => ("missing", "no such file".to_string()),
        _ => ("unreadable", format!("cannot read it: {error}")),
    })?;
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|byte| **byte == b'\n').count() + 1;
        let column = valid.iter().rev().take_while(|byte| **byte != b'\n').count() + 1;
        ("not-utf8", format!("not UTF-8 text: the byte at {line}:{column} is not (save the file as UTF-8)"))
    })
}

fn main() -> ExitCode {
    // A program that grows without end stops at 4 GiB of resident memory,
    // about where Node's own default heap limit would stop it.
    looplab_node::runtime::memory::set_memory_limit(Some(looplab_node::runtime::memory::MemoryLimit {
        bytes_in_use: looplab_cli::resident_bytes,
        limit_bytes: 4 << 30,
    }));
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("message") {
        return message(args.get(1).map(String::as_str));
    }
    if args.first().map(String::as_str) == Some("random") {
        let seed = args.get(2).and_then(|seed| seed.parse::<u64>().ok());
        match (args.get(1).map(String::as_str), seed) {
            (Some("program"), Some(seed)) => out!("{}", looplab_cli::random::program(seed).0),
            (Some("server"), Some(seed)) => out!("{}", looplab_cli::random::server(seed)),
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
        return ExitCode::SUCCESS;
    }
    if args.iter().any(|arg| arg == "--help" || arg == "-h") {
        outln!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let json = args.iter().any(|arg| arg == "--json");
    let (command, file) = match (args.first(), args.get(1)) {
        (Some(command), Some(file)) if command == "run" || command == "trace" => (command.as_str(), file),
        _ => return refuse(json, "usage", None, "expected `run FILE.js` or `trace FILE.js`"),
    };
    let source = match read_source(file) {
        Ok(source) => source,
        Err((kind, message)) => return refuse(json, kind, Some(file), &message),
    };
    let mut overrides = Vec::new();
    let mut rest = args.iter().skip(2);
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--json" | "--no-trace" | "--compare" | "--timeline" => {}
            "--set" => match rest.next() {
                Some(entry) => overrides.push(entry.clone()),
                None => return refuse(json, "usage", None, "--set needs key=value"),
            },
            other => return refuse(json, "usage", None, &format!("unknown option '{other}'")),
        }
    }
    let source = match looplab_cli::apply_overrides(&source, &overrides) {
        Ok(source) => source,
        Err(message) => return refuse(json, "override", Some(file), &message),
    };
    let trace_mode = if command == "trace" {
        TraceMode::Keep
    } else if args.iter().any(|arg| arg == "--no-trace") {
        TraceMode::Off
    } else {
        TraceMode::Hash
    };
    if command == "run" && args.iter().any(|arg| arg == "--compare") {
        return compare(&source, trace_mode, json, args.iter().any(|arg| arg == "--timeline"));
    }
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
    let mut report = run_source_reporting(&source, Settings::default(), trace_mode, &mut draw);
    if !args.iter().any(|arg| arg == "--timeline") {
        report.timeline = None;
    }
    if drawn {
        // Clear the bar's line.
        eprint!("\r{}\r", " ".repeat(78));
    }
    if command == "trace" {
        out!("{}", report.trace_text);
    } else if json {
        match serde_json::to_string_pretty(&report) {
            Ok(text) => outln!("{text}"),
            Err(error) => eprintln!("looplab: {error}"),
        }
    } else {
        for line in &report.console {
            outln!("{line}");
        }
        for line in &report.stderr {
            eprintln!("{line}");
        }
        eprintln!("-- {} (after {:.3} ms of virtual time, {} events)", report.stop_reason, report.sim_time_ms, report.events);
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

/// `looplab run FILE --compare`: the same code and load on Node's event loop
/// and on a thread-per-request server.
fn compare(source: &str, trace_mode: TraceMode, json: bool, timeline: bool) -> ExitCode {
    let has_server_line = source.lines().any(|line| line.trim_start().starts_with("// @looplab server thread-per-request"));
    let blocking_source = if has_server_line { source.to_string() } else { format!("{source}\n// @looplab server thread-per-request\n") };
    let event_loop_source = format!("{source}\n// @looplab server event-loop\n");
    let mut node = run_source_with(&event_loop_source, Settings::default(), trace_mode);
    let mut blocking = run_source_with(&blocking_source, Settings::default(), trace_mode);
    if !timeline {
        node.timeline = None;
        blocking.timeline = None;
    }
    if json {
        let both = serde_json::json!({ "event_loop": node, "thread_per_request": blocking });
        match serde_json::to_string_pretty(&both) {
            Ok(text) => outln!("{text}"),
            Err(error) => eprintln!("looplab: {error}"),
        }
    } else {
        let row = |name: &str, value: &dyn Fn(&looplab_cli::RunReport) -> String| outln!("{name:<28} {:>22} {:>22}", value(&node), value(&blocking));
        outln!("{:<28} {:>22} {:>22}", "", "event loop (Node)", "thread per request");
        let latency = |report: &looplab_cli::RunReport, pick: fn(&looplab_cli::Millis) -> f64| {
            report.requests.as_ref().map_or("-".to_string(), |requests| format!("{:.1} ms", pick(&requests.latency_ms)))
        };
        row("requests answered", &|report| {
            report.requests.as_ref().map_or("-".to_string(), |requests| format!("{} of {}", requests.completed, requests.count))
        });
        row("latency p50", &|report| latency(report, |ms| ms.p50));
        row("latency p99", &|report| latency(report, |ms| ms.p99));
        row("latency max", &|report| latency(report, |ms| ms.max));
        row("throughput", &|report| report.requests.as_ref().map_or("-".to_string(), |requests| format!("{:.0} req/s", requests.throughput_rps)));
        row("threads", &|report| match &report.server {
            Some(server) => format!("{} made, {} serving max", server.threads_made, server.busy_peak),
            None => format!("1 JS + {} pool", report.pool.size),
        });
        row("memory peak", &|report| format!("{:.1} MiB", report.memory.peak_bytes as f64 / 1048576.0));
        row("CPU utilization", &|report| format!("{:.0}% of {} cores", report.cpu.utilization * 100.0, report.cpu.cores));
    }
    if node.errors.is_empty() && blocking.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        for error in node.errors.iter() {
            eprintln!("{}:{}: {}", error.line, error.column, error.message);
        }
        ExitCode::from(1)
    }
}
