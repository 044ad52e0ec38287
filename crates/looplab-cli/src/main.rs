//! `looplab run FILE.js [--json]` and `looplab trace FILE.js`.

use looplab_cli::run_source;
use looplab_core::Settings;
use std::process::ExitCode;

const USAGE: &str = "usage: looplab run FILE.js [--json]\n       looplab trace FILE.js\n\n\
`trace` prints the event trace, one event a line; the legend is in crates/looplab-core/src/trace.rs.";

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
    let report = run_source(&source, Settings::default(), command == "trace");
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
