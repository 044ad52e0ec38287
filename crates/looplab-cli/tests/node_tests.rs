//! Node's own tests (issue 16): the 67 tests of `../shared/node-tests/`
//! (from Node's `test/parallel`, which real Node v20 passes), each run
//! through Looplab as a scenario with Node's test helper beside it —
//! `require('../common')` loads our honest `common`
//! (`tests/node_common/`: its `mustCall` checks run at process exit, as
//! Node's do) — and `assert` from Looplab's own Node modules.
//!
//! A test passes when its process exits with code 0 and nothing uncaught.
//! Prints `node tests: P passed of T` (also in target/node-tests.txt) with
//! each failure's first cause; `node-tests-expected.txt` lists the tests
//! known to fail, so a regression fails the build and a test that starts
//! passing is noticed (`BLESS=1` rewrites it).

use looplab_core::{Settings, StopReason};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `NODE_TESTS_ROOT=dir` runs another selection laid out the same way
/// (`dir/parallel`, `dir/fixtures`), e.g. more of Node's tests picked the
/// way the shared ones were, to see how the work generalises (the
/// expectations are then not checked).
fn shared() -> PathBuf {
    match std::env::var_os("NODE_TESTS_ROOT") {
        Some(root) => PathBuf::from(root),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/node-tests/test"),
    }
}

/// Our `common` modules at `/common/…`, and Node's fixtures at `/fixtures/…`
/// (the virtual disk knows their sizes; their contents are not simulated).
fn harness_files() -> Vec<(String, String)> {
    let mut files = Vec::new();
    let common = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node_common");
    for entry in std::fs::read_dir(&common).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|extension| extension == "js") {
            let name = path.file_name().map(|name| name.to_string_lossy().to_string()).unwrap_or_default();
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            // Where `../common` reaches from the test (/app), and where
            // Node's tree has it (`../../test/common/tmpdir` in some tests).
            files.push((format!("/test/common/{name}"), text.clone()));
            files.push((format!("/common/{name}"), text));
        }
    }
    for entry in std::fs::read_dir(shared().join("fixtures")).into_iter().flatten().flatten() {
        let path = entry.path();
        let name = path.file_name().map(|name| name.to_string_lossy().to_string()).unwrap_or_default();
        let bytes = std::fs::read(&path).unwrap_or_default();
        files.push((format!("/fixtures/{name}"), String::from_utf8_lossy(&bytes).to_string()));
    }
    files.sort();
    files
}

/// Runs one test: `Ok` when it passes, or its first cause of failure.
fn run_test(source: &str, files: &[(String, String)]) -> Result<(), String> {
    let settings = Settings { time_max_us: 120_000_000, ..Settings::default() };
    let mut sim = looplab_node::prepare_with_files(source, files, settings).map_err(|errors| {
        let first = errors.first().map(|error| format!("{}:{}: {}", error.line, error.column, error.message)).unwrap_or_default();
        format!("does not compile: {first}")
    })?;
    sim.disable_trace();
    sim.run();
    if std::env::var_os("NODE_TEST").is_some() {
        // Debugging one test: everything it printed.
        for line in sim.console().iter().chain(sim.stderr()) {
            eprintln!("{line}");
        }
    }
    let first_error = || sim.stderr().iter().find(|line| !line.trim().is_empty()).map(|line| line.lines().next().unwrap_or("").to_string()).unwrap_or_default();
    match sim.stop_reason() {
        // As Node's runner judges: exit code 0 (an uncaught error whose
        // 'exit' listener sets process.exitCode = 0 passes there too), but a
        // refusal is never a pass.
        Some(StopReason::Exited { code: 0 }) if !sim.errors().iter().any(|error| error.message.contains("not supported in Looplab")) => Ok(()),
        Some(StopReason::Exited { code }) => Err(format!("exit code {code}: {}", first_error())),
        Some(other) => Err(format!("{}: {}", other.describe(), first_error())),
        None => Err("did not stop".to_string()),
    }
}

#[test]
fn nodes_own_tests() {
    let root = shared().join("parallel");
    let Ok(entries) = std::fs::read_dir(&root) else {
        println!("node tests: ../shared/node-tests not found; skipped");
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).filter(|path| path.extension().is_some_and(|e| e == "js")).collect();
    paths.sort();
    // `NODE_TEST=readfile cargo test --test node_tests` runs the matching
    // tests only, printing their output (the expectations are not checked).
    let only = std::env::var("NODE_TEST").ok();
    if let Some(only) = &only {
        paths.retain(|path| path.to_string_lossy().contains(only.as_str()));
    }
    let files = harness_files();
    let results: Vec<(String, Result<(), String>)> = std::thread::scope(|scope| {
        let chunks: Vec<Vec<PathBuf>> = (0..2).map(|part| paths.iter().skip(part).step_by(2).cloned().collect()).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let files = &files;
                std::thread::Builder::new()
                    .stack_size(256 << 20)
                    .spawn_scoped(scope, move || {
                        chunk
                            .iter()
                            .map(|path| {
                                let name = path.file_name().map(|name| name.to_string_lossy().to_string()).unwrap_or_default();
                                let source = std::fs::read_to_string(path).unwrap_or_default();
                                (name, run_test(&source, files))
                            })
                            .collect::<Vec<_>>()
                    })
                    .expect("a test thread starts")
            })
            .collect();
        handles.into_iter().flat_map(|handle| handle.join().unwrap_or_default()).collect()
    });
    let mut results = results;
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let passed = results.iter().filter(|(_, outcome)| outcome.is_ok()).count();
    let mut report = String::new();
    for (name, outcome) in &results {
        if let Err(cause) = outcome {
            let cause: String = cause.chars().take(160).collect();
            report.push_str(&format!("  fail  {name}: {cause}\n"));
        }
    }
    report.push_str(&format!("node tests: {passed} passed of {}\n", results.len()));
    println!("{report}");
    let _ = std::fs::write(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/node-tests.txt"), &report);

    if only.is_some() || std::env::var_os("NODE_TESTS_ROOT").is_some() {
        return;
    }
    let failing: BTreeMap<String, String> = results
        .iter()
        .filter_map(|(name, outcome)| outcome.as_ref().err().map(|cause| (name.clone(), cause.replace('\n', " ").chars().take(160).collect())))
        .collect();
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node-tests-expected.txt");
    if std::env::var_os("BLESS").is_some() {
        let text: String = failing.iter().map(|(name, cause)| format!("{name}: {cause}\n")).collect();
        std::fs::write(&expected_path, text).expect("the expectations file is writable");
        return;
    }
    let expected_text = std::fs::read_to_string(&expected_path).unwrap_or_default();
    let expected: BTreeMap<&str, &str> = expected_text.lines().filter_map(|line| line.split_once(": ")).collect();
    let regressions: Vec<&String> = failing.keys().filter(|name| !expected.contains_key(name.as_str())).collect();
    let now_passing: Vec<&&str> = expected.keys().filter(|name| !failing.contains_key(**name)).collect();
    assert!(regressions.is_empty(), "{} of Node's tests fail that passed before (or BLESS=1 if intended): {regressions:#?}", regressions.len());
    assert!(now_passing.is_empty(), "{} of Node's tests pass now: BLESS=1 to update {}: {now_passing:#?}", now_passing.len(), expected_path.display());
}

/// The harness is honest: a `mustCall` called once too few, a called
/// `mustNotCall` and an unequal comparison fail on Looplab as on Node.
#[test]
fn the_harness_fails_what_node_fails() {
    let files = harness_files();
    let pass = "'use strict';\nconst common = require('../common');\nconst assert = require('assert');\nconst f = common.mustCall(() => {}, 2);\nf();\nsetTimeout(f, 1);\nassert.strictEqual(1, 1);\n";
    assert_eq!(run_test(pass, &files), Ok(()));
    let too_few = "'use strict';\nconst common = require('../common');\nconst f = common.mustCall(() => {}, 2);\nf();\n";
    assert!(run_test(too_few, &files).is_err_and(|cause| cause.contains("exit code 1")));
    let called = "'use strict';\nconst common = require('../common');\nsetTimeout(common.mustNotCall(), 1);\n";
    assert!(run_test(called, &files).is_err());
    let unequal = "'use strict';\nrequire('../common');\nconst assert = require('assert');\nassert.strictEqual(1, 2);\n";
    assert!(run_test(unequal, &files).is_err());
}
