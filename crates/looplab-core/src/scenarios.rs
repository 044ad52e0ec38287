//! Built-in scenarios: the examples from the articles Looplab grew from.
//!
//! Each scenario's text lives in `www/scenarios/` (the playground runs it as
//! JavaScript); the equivalent [`Program`] here lets the engine's own tests
//! run it without the JavaScript front end.

use crate::fs::VirtualFs;
use crate::program::{Func, Program, Stmt};

/// A scenario: code to show, a program to run, the files it can see.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub id: &'static str,
    pub title: &'static str,
    pub source: &'static str,
    pub program: Program,
    pub fs: VirtualFs,
}

/// The first example of "Node.js Runs on One Thread": `fs.readFile` hands the
/// read to the thread pool and its callback runs after the main script.
pub fn readfile_intro() -> Scenario {
    let source = include_str!("../../../www/scenarios/readfile-intro.js");
    let program = Program {
        main: vec![
            Stmt::Log("before reading file".to_string()),
            Stmt::ReadFile {
                path: "/some/big/file.txt".to_string(),
                callback: Func::new("(err, data) => {…}", vec![Stmt::Log("file has been read".to_string())]),
            },
            Stmt::Log("after calling readFile".to_string()),
        ],
    };
    // The file's size comes from the scenario's own `@looplab file` line.
    let mut settings = crate::sim::Settings::default();
    let mut fs = VirtualFs::default();
    let errors = crate::directives::apply(source, &mut settings, &mut fs, &mut crate::load::Workload::default());
    debug_assert!(errors.is_empty(), "built-in scenario directives are valid");
    Scenario { id: "readfile-intro", title: "fs.readFile does not block", source, program, fs }
}

/// Every built-in scenario, in gallery order.
pub fn all() -> Vec<Scenario> {
    vec![readfile_intro()]
}

/// Looks a built-in scenario up by its id.
pub fn by_id(id: &str) -> Option<Scenario> {
    all().into_iter().find(|scenario| scenario.id == id)
}
