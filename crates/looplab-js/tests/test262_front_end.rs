//! The front end against test262: every test in `../shared/test262` that
//! V8 rejects before running (`negative: {phase: parse}`) must be rejected
//! as a SyntaxError, and every other one must be accepted, composed as the
//! selection's README says (a `"use strict";` line first for `onlyStrict`
//! tests; harness files are separate scripts, so they are not needed to
//! judge a test's syntax).
//!
//! Disagreements known today are listed, each with its kind, in
//! `test262-front-end-expected.txt`; a new one fails, and so does a listed
//! one that starts agreeing (delete its line). `BLESS=1` rewrites the list.

use looplab_js::compiler::{check, Goal};
use std::path::{Path, PathBuf};

fn shared_test262() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/test262")
}

#[test]
fn the_front_end_accepts_and_rejects_what_v8_does() {
    let root = shared_test262();
    let index = std::fs::read_to_string(root.join("tests.json")).unwrap_or_else(|error| panic!("the test262 oracle is at {}: {error}", root.display()));
    let tests: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&index).expect("tests.json is JSON");
    let mut disagreements = Vec::new();
    for (path, meta) in &tests {
        let source = std::fs::read_to_string(root.join(path)).unwrap_or_else(|error| panic!("{path}: {error}"));
        let flags: Vec<&str> = meta["flags"].as_array().map(|flags| flags.iter().filter_map(|flag| flag.as_str()).collect()).unwrap_or_default();
        let text = if flags.contains(&"onlyStrict") { format!("\"use strict\";\n{source}") } else { source };
        let must_reject = meta["negative"]["phase"].as_str() == Some("parse");
        let outcome = std::panic::catch_unwind(|| check(&text, Goal::Script));
        let verdict = match outcome {
            Err(_) => Some("panicked"),
            Ok(Ok(_)) if must_reject => Some("accepted an early error"),
            Ok(Err(errors)) if !must_reject => {
                Some(if errors.iter().all(|error| error.is_syntax_error) { "rejected valid code" } else { "refused valid code" })
            }
            Ok(_) => None,
        };
        if let Some(verdict) = verdict {
            disagreements.push(format!("{path} {verdict}"));
        }
    }
    disagreements.sort();
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/test262-front-end-expected.txt");
    let summary = format!("test262 front end: {} agree of {}", tests.len() - disagreements.len(), tests.len());
    println!("{summary}");
    // Cargo hides a passing test's output; scripts/dev prints this file.
    let _ = std::fs::write(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test262-front-end.txt"), format!("{summary}\n"));
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&expected_path, disagreements.join("\n") + "\n").expect("the expectations file is writable");
        return;
    }
    let expected_text = std::fs::read_to_string(&expected_path).unwrap_or_default();
    let expected: Vec<&str> = expected_text.lines().filter(|line| !line.is_empty()).collect();
    let new: Vec<&String> = disagreements.iter().filter(|line| !expected.contains(&line.as_str())).collect();
    let fixed: Vec<&&str> = expected.iter().filter(|line| !disagreements.iter().any(|d| d == **line)).collect();
    assert!(!disagreements.iter().any(|line| line.ends_with("panicked")), "the front end panicked: {disagreements:#?}");
    assert!(new.is_empty(), "new disagreements with V8 (fix them, or BLESS=1 if they are known): {new:#?}");
    assert!(fixed.is_empty(), "these now agree with V8: remove them from {}: {fixed:#?}", expected_path.display());
}

/// Every test V8 runs must compile to bytecode, unless the compiler says
/// plainly what it does not support yet. The tests it refuses, each with
/// its first reason, are listed in `test262-codegen-expected.txt`: a new
/// refusal fails, and so does a listed test that now compiles.
#[test]
fn the_code_generator_compiles_what_v8_runs() {
    let root = shared_test262();
    let index = std::fs::read_to_string(root.join("tests.json")).unwrap_or_else(|error| panic!("the test262 oracle is at {}: {error}", root.display()));
    let tests: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&index).expect("tests.json is JSON");
    let mut refused = Vec::new();
    let mut compiled = 0;
    for (path, meta) in &tests {
        if meta["negative"]["phase"].as_str() == Some("parse") {
            continue;
        }
        let source = std::fs::read_to_string(root.join(path)).unwrap_or_else(|error| panic!("{path}: {error}"));
        let flags: Vec<&str> = meta["flags"].as_array().map(|flags| flags.iter().filter_map(|flag| flag.as_str()).collect()).unwrap_or_default();
        let text = if flags.contains(&"onlyStrict") { format!("\"use strict\";\n{source}") } else { source };
        let outcome = std::panic::catch_unwind(|| {
            let mut atoms = looplab_js::atoms::AtomTable::default();
            looplab_js::compiler::compile(&text, Goal::Script, &mut atoms).map(|_| ())
        });
        match outcome {
            Err(_) => panic!("the code generator panicked on {path}"),
            Ok(Ok(())) => compiled += 1,
            Ok(Err(errors)) => {
                let reason = errors.first().map(|error| error.message.split(" at ").next().unwrap_or("").to_string()).unwrap_or_default();
                refused.push(format!("{path}: {reason}"));
            }
        }
    }
    refused.sort();
    let summary = format!("test262 code generator: {compiled} compile of {}", compiled + refused.len());
    println!("{summary}");
    let _ = std::fs::write(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test262-codegen.txt"), format!("{summary}\n"));
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/test262-codegen-expected.txt");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&expected_path, refused.join("\n") + "\n").expect("the expectations file is writable");
        return;
    }
    let expected_text = std::fs::read_to_string(&expected_path).unwrap_or_default();
    let expected: std::collections::BTreeSet<&str> = expected_text.lines().filter(|line| !line.is_empty()).collect();
    let actual: std::collections::BTreeSet<&str> = refused.iter().map(String::as_str).collect();
    let new: Vec<&&str> = actual.difference(&expected).collect();
    let fixed: Vec<&&str> = expected.difference(&actual).collect();
    assert!(new.is_empty(), "newly refused (fix, or BLESS=1 if intended): {new:#?}");
    assert!(fixed.is_empty(), "these compile now: BLESS=1 to update {}: {fixed:#?}", expected_path.display());
}
