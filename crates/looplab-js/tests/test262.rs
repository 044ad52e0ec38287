//! The test262 runner: every test in `../shared/test262`, composed as its
//! README says, run through the engine in-process on every core, judged
//! as test262's INTERPRETING.md says.
//!
//! It prints `test262: P passed of T`, the pass rate of each directory, and
//! the most common first causes of failure. `test262-expected.txt` lists
//! every failing test with its cause: a test that fails and is not listed
//! fails the run (a regression), and so does a listed test that now passes
//! (delete its line, or `BLESS=1` to rewrite the list).

use looplab_js::compiler::{compile, Goal};
use looplab_js::{Embedder, JobId, JsResult, ObjId, Unwind, Value, Vm};
use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Operations one test may run before it counts as hanging.
const OPS_MAX: u64 = 200_000_000;

/// `TEST262_ROOT=dir` runs another selection laid out the same way (a
/// further sample drawn as the shared one was, to see how the work
/// generalises); its failures are then listed in target/test262.txt and
/// the expectations and README are left alone.
fn shared_test262() -> PathBuf {
    match std::env::var_os("TEST262_ROOT") {
        Some(root) => PathBuf::from(root),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/test262"),
    }
}

/// The embedder a test runs in: `print` collects lines; promise jobs run
/// first in, first out after the script.
#[derive(Default)]
struct Runner {
    printed: Vec<String>,
    jobs: VecDeque<JobId>,
}

impl Embedder for Runner {
    fn now_ms(&mut self) -> f64 {
        1_767_225_600_000.0
    }
    fn spend(&mut self, _ops: u64) {}
    fn enqueue_job(&mut self, _vm: &mut Vm, job: JobId) {
        self.jobs.push_back(job);
    }
    fn interrupt(&mut self, vm: &mut Vm) -> Option<String> {
        (vm.ops > OPS_MAX).then(|| "timeout".to_string())
    }
    fn call_host(&mut self, vm: &mut Vm, _id: u32, _data: &Value, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
        let text = match args.first() {
            Some(value) => vm.to_string(self, value)?.to_rust(),
            None => String::new(),
        };
        self.printed.push(text);
        Ok(Value::Undefined)
    }
    fn random(&mut self) -> f64 {
        0.5
    }
}

struct Meta {
    path: String,
    flags: Vec<String>,
    includes: Vec<String>,
    negative: Option<(String, String)>,
}

fn load_tests(root: &Path) -> Vec<Meta> {
    let index = std::fs::read_to_string(root.join("tests.json")).unwrap_or_else(|error| panic!("the test262 oracle is at {}: {error}", root.display()));
    let tests: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&index).expect("tests.json is JSON");
    let strings = |value: &serde_json::Value| -> Vec<String> {
        value.as_array().map(|items| items.iter().filter_map(|item| item.as_str().map(str::to_string)).collect()).unwrap_or_default()
    };
    tests
        .iter()
        .map(|(path, meta)| Meta {
            path: path.clone(),
            flags: strings(&meta["flags"]),
            includes: strings(&meta["includes"]),
            negative: meta["negative"]["phase"].as_str().map(|phase| (phase.to_string(), meta["negative"]["type"].as_str().unwrap_or("").to_string())),
        })
        .collect()
}

/// The name of an error value's constructor, as a negative test names it.
fn error_name(vm: &mut Vm, host: &mut Runner, error: &Value) -> String {
    if !error.is_object() {
        return String::new();
    }
    let constructor = vm.get(host, error, looplab_js::Key::Atom(looplab_js::atoms::CONSTRUCTOR)).unwrap_or_default();
    let name =
        if constructor.is_object() { vm.get(host, &constructor, looplab_js::Key::Atom(looplab_js::atoms::NAME)).unwrap_or_default() } else { Value::Undefined };
    match name {
        Value::String(text) => text.to_rust(),
        _ => String::new(),
    }
}

/// How an uncaught value reads in a failure cause.
fn describe(vm: &mut Vm, host: &mut Runner, error: &Value) -> String {
    let text = match error {
        Value::Object(_) => {
            let name = error_name(vm, host, error);
            let message = vm.get(host, error, looplab_js::Key::Atom(looplab_js::atoms::MESSAGE)).unwrap_or_default();
            let message = match message {
                Value::String(text) => text.to_rust(),
                _ => String::new(),
            };
            format!("{name}: {message}")
        }
        other => vm.to_string(host, other).map(|text| text.to_rust()).unwrap_or_else(|_| "a thrown value".to_string()),
    };
    text.lines().next().unwrap_or("").chars().take(160).collect()
}

/// Runs one test: `Ok(())` when it passes, else the first cause.
fn run_one(root: &Path, harness: &BTreeMap<String, String>, meta: &Meta) -> Result<(), String> {
    let source = std::fs::read_to_string(root.join(&meta.path)).map_err(|error| format!("unreadable: {error}"))?;
    let is_async = meta.flags.iter().any(|flag| flag == "async");
    let text = if meta.flags.iter().any(|flag| flag == "raw") {
        source
    } else {
        let mut text = String::new();
        if meta.flags.iter().any(|flag| flag == "onlyStrict") {
            text.push_str("\"use strict\";\n");
        }
        let mut files = vec!["assert.js".to_string(), "sta.js".to_string()];
        if is_async {
            files.push("doneprintHandle.js".to_string());
        }
        files.extend(meta.includes.iter().cloned());
        for file in files {
            text.push_str(harness.get(&file).map(String::as_str).unwrap_or(""));
            text.push('\n');
        }
        text.push_str(&source);
        text
    };
    let mut vm = Vm::new();
    looplab_js::builtins::install(&mut vm);
    let print = vm.host_function("print", 1, 0, Value::Undefined);
    let global = vm.intrinsics.global;
    vm.define_value(global, "print", Value::Object(print));
    let compiled = compile(&text, Goal::Script, &mut vm.atoms);
    let wants = meta.negative.clone();
    let code = match compiled {
        Ok(code) => code,
        Err(errors) => {
            let first = errors.first().map(|error| (error.is_syntax_error, error.message.clone())).unwrap_or((true, String::new()));
            return match (&wants, first.0) {
                (Some((phase, kind)), true) if phase == "parse" && kind == "SyntaxError" => Ok(()),
                (_, true) => Err(format!("SyntaxError: {}", first.1)),
                (_, false) => Err(first.1.split(" at ").next().unwrap_or("").to_string()),
            };
        }
    };
    if matches!(&wants, Some((phase, _)) if phase == "parse") {
        return Err("accepted an early error".to_string());
    }
    let mut host = Runner::default();
    let mut outcome = vm.run_script(&mut host, code).map(|_| ());
    while outcome.is_ok() {
        let Some(job) = host.jobs.pop_front() else { break };
        outcome = vm.run_job(&mut host, job);
    }
    match (outcome, &wants) {
        (Ok(()), None) => {
            if is_async && !host.printed.iter().any(|line| line == "Test262:AsyncTestComplete") {
                let failure = host.printed.iter().find(|line| line.starts_with("Test262:AsyncTestFailure")).cloned();
                return Err(failure.unwrap_or_else(|| "async test never completed".to_string()));
            }
            Ok(())
        }
        (Ok(()), Some((_, kind))) => Err(format!("expected {kind}, ran to completion")),
        (Err(Unwind::Halt), _) => Err("timeout".to_string()),
        (Err(Unwind::Throw(error)), Some((_, kind))) => {
            let name = error_name(&mut vm, &mut host, &error);
            if &name == kind {
                Ok(())
            } else {
                Err(format!("expected {kind}, got {}", describe(&mut vm, &mut host, &error)))
            }
        }
        (Err(Unwind::Throw(error)), None) => Err(describe(&mut vm, &mut host, &error)),
    }
}

/// A failure's cause, with the specifics (quoted names, numbers) taken
/// out, so causes group.
fn cause_group(cause: &str) -> String {
    let mut group = String::new();
    let mut quoted = false;
    for c in cause.chars().take(90) {
        match c {
            '\'' | '"' | '`' => {
                quoted = !quoted;
                if quoted {
                    group.push('…');
                }
            }
            _ if quoted => {}
            c if c.is_ascii_digit() => {
                if !group.ends_with('#') {
                    group.push('#');
                }
            }
            c => group.push(c),
        }
    }
    group
}

#[test]
fn test262() {
    let root = shared_test262();
    let tests = load_tests(&root);
    let mut harness = BTreeMap::new();
    for entry in std::fs::read_dir(root.join("harness")).expect("the harness directory is readable").flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if let Ok(text) = std::fs::read_to_string(entry.path()) {
            harness.insert(name, text);
        }
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(String, Result<(), String>)>> = Mutex::new(Vec::new());
    let durations: Mutex<Vec<(std::time::Duration, String)>> = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(meta) = tests.get(index) else { break };
                // Each test in its own thread with a large stack: deep
                // recursion in a test must not take the runner down.
                let started = std::time::Instant::now();
                let outcome = std::thread::Builder::new().stack_size(64 << 20).spawn_scoped_fallback(&root, &harness, meta);
                durations.lock().expect("no thread panics holding the lock").push((started.elapsed(), meta.path.clone()));
                results.lock().expect("no thread panics holding the lock").push((meta.path.clone(), outcome));
            });
        }
    });
    let mut results = results.into_inner().expect("no thread panics holding the lock");
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let passed = results.iter().filter(|(_, outcome)| outcome.is_ok()).count();
    let summary = format!("test262: {passed} passed of {}", results.len());
    // By directory (two levels under test/).
    let mut directories: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut causes: BTreeMap<String, usize> = BTreeMap::new();
    for (path, outcome) in &results {
        // Two levels under test/: `built-ins/Array`, `language/expressions`.
        let parts: Vec<&str> = path.split('/').collect();
        let directory: String = parts[1..parts.len().saturating_sub(1)].iter().take(2).copied().collect::<Vec<_>>().join("/");
        let entry = directories.entry(directory).or_default();
        entry.1 += 1;
        match outcome {
            Ok(()) => entry.0 += 1,
            Err(cause) => *causes.entry(cause_group(cause)).or_default() += 1,
        }
    }
    let mut report = String::new();
    report.push_str("by directory (passed/total):\n");
    for (directory, (pass, total)) in &directories {
        report.push_str(&format!("  {pass:>5}/{total:<5} {:>5.1}%  {directory}\n", 100.0 * *pass as f64 / *total as f64));
    }
    let mut ranked: Vec<(&String, &usize)> = causes.iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    report.push_str("first causes of failure:\n");
    for (cause, count) in ranked.iter().take(40) {
        report.push_str(&format!("  {count:>5}  {cause}\n"));
    }
    let mut durations = durations.into_inner().expect("no thread panics holding the lock");
    durations.sort_by(|a, b| b.0.cmp(&a.0));
    report.push_str("slowest:\n");
    for (duration, path) in durations.iter().take(8) {
        report.push_str(&format!("  {:>8.1} ms  {path}\n", duration.as_secs_f64() * 1000.0));
    }
    report.push_str(&summary);
    report.push('\n');
    println!("{report}");
    let _ = std::fs::write(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test262.txt"), &report);
    let failures: Vec<String> =
        results.iter().filter_map(|(path, outcome)| outcome.as_ref().err().map(|cause| format!("{path}: {}", cause.replace('\n', " ")))).collect();
    if std::env::var_os("TEST262_ROOT").is_some() {
        let _ = std::fs::write(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test262-failures.txt"), failures.join("\n") + "\n");
        return;
    }
    let what_runs = what_runs_table(&root, &results);

    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/test262-expected.txt");
    let readme_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(&readme_path).expect("README.md is readable");
    let (before, rest) = readme.split_once(WHAT_RUNS_START).expect("README.md has the what-runs markers");
    let (_, after) = rest.split_once(WHAT_RUNS_END).expect("README.md has the what-runs end marker");
    let regenerated = format!("{before}{WHAT_RUNS_START}\n{what_runs}{WHAT_RUNS_END}{after}");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&expected_path, failures.join("\n") + "\n").expect("the expectations file is writable");
        std::fs::write(&readme_path, regenerated).expect("README.md is writable");
        return;
    }
    let expected_text = std::fs::read_to_string(&expected_path).unwrap_or_default();
    let expected: BTreeMap<&str, &str> = expected_text.lines().filter_map(|line| line.split_once(": ")).collect();
    let failing: BTreeMap<&str, &str> = failures.iter().filter_map(|line| line.split_once(": ")).collect();
    let regressions: Vec<&&str> = failing.keys().filter(|path| !expected.contains_key(**path)).collect();
    let now_passing: Vec<&&str> = expected.keys().filter(|path| !failing.contains_key(**path)).collect();
    assert!(regressions.is_empty(), "{} tests fail that passed before (or BLESS=1 if intended): {regressions:#?}", regressions.len());
    assert!(now_passing.is_empty(), "{} tests pass now: BLESS=1 to update {}: {now_passing:#?}", now_passing.len(), expected_path.display());
    assert!(readme == regenerated, "README.md's \"What runs\" table is not this run's: BLESS=1 to regenerate it");
}

const WHAT_RUNS_START: &str = "<!-- what-runs: generated by crates/looplab-js/tests/test262.rs (BLESS=1) -->";
const WHAT_RUNS_END: &str = "<!-- /what-runs -->";

/// The `features:` of a test's front matter (`features: [a, b]` or a list).
fn features_of(source: &str) -> Vec<String> {
    let Some(start) = source.find("/*---") else { return Vec::new() };
    let Some(length) = source[start..].find("---*/") else { return Vec::new() };
    let front = &source[start..start + length];
    let mut features = Vec::new();
    let mut in_list = false;
    for line in front.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("features:") {
            let rest = rest.trim();
            if let Some(inline) = rest.strip_prefix('[') {
                features.extend(inline.trim_end_matches(']').split(',').map(|f| f.trim().to_string()).filter(|f| !f.is_empty()));
            } else {
                in_list = true;
            }
        } else if in_list {
            match trimmed.strip_prefix("- ") {
                Some(feature) => features.push(feature.trim().to_string()),
                None => in_list = false,
            }
        }
    }
    features
}

/// README's "What runs": the pass rate of every language feature test262
/// tags (features with at least five tests here), and of the tests with no
/// tag by area, from this run.
fn what_runs_table(root: &Path, results: &[(String, Result<(), String>)]) -> String {
    let mut features: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut untagged: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (path, outcome) in results {
        let source = std::fs::read_to_string(root.join(path)).unwrap_or_default();
        let tags = features_of(&source);
        let passed = usize::from(outcome.is_ok());
        if tags.is_empty() {
            let area = path.split('/').nth(2).unwrap_or("other").to_string();
            let top = path.split('/').nth(1).unwrap_or("other");
            let entry = untagged.entry(format!("{top}/{area}")).or_default();
            entry.0 += passed;
            entry.1 += 1;
        }
        for tag in tags {
            let entry = features.entry(tag).or_default();
            entry.0 += passed;
            entry.1 += 1;
        }
    }
    let passed = results.iter().filter(|(_, outcome)| outcome.is_ok()).count();
    let mut table = format!(
        "test262 selection (`../shared/test262/`): **{passed} of {} pass ({:.1}%)**. By the feature each test is tagged with (a test may have several; features with at least five tests here):\n\n| feature | tests | pass |\n|---|---:|---:|\n",
        results.len(),
        100.0 * passed as f64 / results.len().max(1) as f64
    );
    for (feature, (pass, total)) in features.iter().filter(|(_, (_, total))| *total >= 5) {
        table.push_str(&format!("| {feature} | {total} | {:.0}% |\n", 100.0 * *pass as f64 / *total as f64));
    }
    table.push_str("\nTests with no feature tag, by area:\n\n| area | tests | pass |\n|---|---:|---:|\n");
    for (area, (pass, total)) in &untagged {
        table.push_str(&format!("| {area} | {total} | {:.0}% |\n", 100.0 * *pass as f64 / *total as f64));
    }
    table
}

/// Runs a test on a thread of its own (a big stack), turning a panic into
/// a failure.
trait SpawnTest {
    fn spawn_scoped_fallback(self, root: &Path, harness: &BTreeMap<String, String>, meta: &Meta) -> Result<(), String>;
}

impl SpawnTest for std::thread::Builder {
    fn spawn_scoped_fallback(self, root: &Path, harness: &BTreeMap<String, String>, meta: &Meta) -> Result<(), String> {
        std::thread::scope(|scope| match self.spawn_scoped(scope, || run_one(root, harness, meta)) {
            Ok(handle) => handle.join().unwrap_or_else(|_| Err("the engine panicked".to_string())),
            Err(error) => Err(format!("could not start a thread: {error}")),
        })
    }
}
