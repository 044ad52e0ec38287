//! Hostile and broken programs through the front door (directives, parser,
//! compiler, interpreter, simulator), on stable, in every test run:
//!
//! - every input the fuzzer starts from (the presets, `www/scenarios`, and
//!   real Node's corpus, `tests/corpus/cases`) and every input it once
//!   broke us with (`tests/fuzz/regressions/script`);
//! - seeded mutations of the presets and real Node's corpus: spans cut,
//!   repeated and swapped, hostile fragments spliced in. `HOSTILE_SEED=N`
//!   replays one mutation.
//!
//! Each must end with a report (errors are fine, panics are not) within
//! small limits. `cargo +nightly fuzz run --fuzz-dir tests/fuzz script`
//! explores further from the same seeds.

use looplab_cli::{run_source_with, TraceMode};
use looplab_core::rng::Rng;
use looplab_core::Settings;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.is_file())
                .map(|path| (path.display().to_string(), String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()).into_owned()))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn limits() -> Settings {
    Settings { events_max: 20_000, time_max_us: 10_000_000, ..Settings::default() }
}

#[test]
fn saved_fuzz_inputs_end_cleanly() {
    let inputs: Vec<_> = [repo().join("www/scenarios"), repo().join("tests/corpus/cases"), repo().join("tests/fuzz/regressions/script")]
        .iter()
        .flat_map(|dir| files(dir))
        .collect();
    assert!(inputs.len() >= 16, "only {} saved inputs", inputs.len());
    for (name, source) in inputs {
        let report = run_source_with(&source, limits(), TraceMode::Hash);
        // Ended, with a reason or with the problems found in the code (a
        // load raises the event limit with its own length, by design).
        assert!(!report.stop_reason.is_empty() || !report.errors.is_empty(), "{name}: no stop reason");
    }
}

/// Fragments a hostile or confused program might hold.
const SPLICES: &[&str] = &[
    "process.nextTick(function again() { process.nextTick(again); });",
    "setInterval(() => {}, 0);",
    "Promise.resolve().then(function loop() { return Promise.resolve().then(loop); });",
    "function f() { return f(); } f();",
    "new Array(1e9).fill(0);",
    "'x'.repeat(1 << 30);",
    "throw new Error('<script>alert(1)</script>');",
    "await",
    "}}}}",
    "((((",
    "// @looplab load open rate=1e12/s amount=1e15",
    "// @looplab pool 100000",
    "// @looplab file /<img src=x onerror=alert(1)> 99999GiB",
    "require('fs').readFile(null, undefined);",
    "JSON.parse('{');",
    "const x = 1; const x = 2;",
    "let a = []; a.length = -1;",
    "Object.prototype.__proto__ = Object.prototype;",
];

fn mutate(rng: &mut Rng, source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    if chars.is_empty() {
        return SPLICES[rng.below(SPLICES.len() as u64) as usize].to_string();
    }
    let at = rng.below(chars.len() as u64) as usize;
    let span = (rng.below(40) as usize).min(chars.len() - at);
    let mut out: Vec<char> = chars[..at].to_vec();
    match rng.below(4) {
        // Cut a span.
        0 => out.extend_from_slice(&chars[at + span..]),
        // Repeat a span.
        1 => {
            out.extend_from_slice(&chars[at..at + span]);
            out.extend_from_slice(&chars[at..]);
        }
        // Move a span elsewhere.
        2 => {
            let rest: Vec<char> = chars[at + span..].to_vec();
            let to = rng.below(rest.len() as u64 + 1) as usize;
            out.extend_from_slice(&rest[..to]);
            out.extend_from_slice(&chars[at..at + span]);
            out.extend_from_slice(&rest[to..]);
        }
        // Splice in a hostile fragment.
        _ => {
            out.push('\n');
            out.extend(SPLICES[rng.below(SPLICES.len() as u64) as usize].chars());
            out.push('\n');
            out.extend_from_slice(&chars[at..]);
        }
    }
    out.into_iter().collect()
}

#[test]
fn mutated_programs_end_cleanly() {
    let seeds: Vec<u64> = match std::env::var("HOSTILE_SEED") {
        Ok(seed) => vec![seed.parse().expect("HOSTILE_SEED is a number")],
        Err(_) => (0..400).collect(),
    };
    let bases: Vec<(String, String)> = files(&repo().join("www/scenarios")).into_iter().chain(files(&repo().join("tests/corpus/cases"))).collect();
    for seed in seeds {
        let mut rng = Rng::new(seed);
        let (name, base) = &bases[rng.below(bases.len() as u64) as usize];
        let mut source = base.clone();
        for _ in 0..=rng.below(3) {
            source = mutate(&mut rng, &source);
        }
        let report = run_source_with(&source, limits(), TraceMode::Hash);
        assert!(!report.stop_reason.is_empty() || !report.errors.is_empty(), "seed {seed} ({name}): no stop reason");
    }
}

#[test]
fn a_reader_that_stops_early_is_not_a_crash() {
    use std::io::Read;
    let file = repo().join("www/scenarios/stall-on-main-thread.js");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_looplab"))
        .args(["trace", &file.display().to_string()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("looplab starts");
    let mut first = [0u8; 64];
    let read = child.stdout.as_mut().expect("stdout").read(&mut first).expect("some output");
    assert!(read > 0);
    // `| head`: the reader goes away.
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("looplab ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(output.status.success(), "exit {:?}: {stderr}", output.status);
}

/// A file that is missing, unreadable or not UTF-8: under `--json` one JSON
/// object saying why (and exit 2), never a bare line on stderr; without
/// it, one line naming the file.
#[test]
fn a_file_that_cannot_be_read_says_why_in_json() {
    let dir = std::env::temp_dir().join(format!("looplab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let latin1 = dir.join("latin1.js");
    std::fs::write(&latin1, b"console.log('ok');\nconsole.log('caf\xe9');\n").expect("write");
    let cases = [
        (dir.join("missing.js"), "missing", "no such file"),
        (dir.clone(), "unreadable", "cannot read it"),
        (latin1, "not-utf8", "not UTF-8 text: the byte at 2:17"),
    ];
    for (path, kind, message) in cases {
        let path = path.display().to_string();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_looplab")).args(["run", &path, "--json"]).output().expect("looplab runs");
        assert_eq!(output.status.code(), Some(2), "{path}");
        let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| panic!("{path}: {error}: {:?}", output.stdout));
        assert_eq!(value["error"]["kind"], kind, "{value}");
        assert!(value["error"]["message"].as_str().unwrap_or_default().starts_with(message), "{value}");
        assert_eq!(value["error"]["file"], path.as_str());
        assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
        let plain = std::process::Command::new(env!("CARGO_BIN_EXE_looplab")).args(["run", &path]).output().expect("looplab runs");
        let stderr = String::from_utf8_lossy(&plain.stderr);
        assert!(plain.stdout.is_empty() && stderr.starts_with(&format!("looplab: {path}: {message}")), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Real Node v20 prints "error event: boom" then "exit 1" for this: an
/// uncaught exception in a worker becomes the Worker's 'error' event, then
/// 'exit' with code 1, and nothing is printed by the worker itself. (A
/// worker throwing while its pool job was pending once moved the shared
/// clock backwards: `tests/fuzz/regressions/script/time-goes-back.js`.)
#[test]
fn a_worker_that_throws_tells_its_parent_as_node_does() {
    let source = "const { Worker } = require('worker_threads');\n\
        const w = new Worker(`require('crypto').pbkdf2('p', 's', 200000, 64, 'sha512', () => {});\\nthrow new RangeError('boom');`, { eval: true });\n\
        w.on('error', (e) => console.log('error event: ' + e.name + ': ' + e.message));\n\
        w.on('exit', (code) => console.log('exit ' + code));\n";
    let report = run_source_with(source, Settings::default(), TraceMode::Hash);
    assert_eq!(report.console, ["error event: RangeError: boom", "exit 1"]);
    assert!(report.stderr.is_empty(), "{:?}", report.stderr);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    // With no 'error' listener the parent dies of it, with code 1.
    let unhandled = "const { Worker } = require('worker_threads');\nnew Worker(`throw new TypeError('boom');`, { eval: true });\nsetTimeout(() => console.log('never'), 1000);\n";
    let report = run_source_with(unhandled, Settings::default(), TraceMode::Hash);
    assert!(report.console.is_empty(), "{:?}", report.console);
    assert!(report.stop_reason.contains("code 1"), "{}", report.stop_reason);
}
