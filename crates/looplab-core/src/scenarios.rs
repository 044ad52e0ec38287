//! Built-in scenarios: the examples from the articles Looplab grew from.
//!
//! Until the JavaScript front end lands, each scenario pairs the source a
//! learner reads with the equivalent [`Program`] the engine runs.

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
    let source = "const fs = require('fs');

console.log('before reading file');

fs.readFile('/some/big/file.txt', 'utf8', (err, data) => {
  // this callback runs later, when the file is done being read
  console.log('file has been read');
});

console.log('after calling readFile');
";
    let program = Program {
        main: vec![
            Stmt::Log("before reading file".to_string()),
            Stmt::ReadFile {
                path: "/some/big/file.txt".to_string(),
                callback: Func::new(
                    "(err, data) => {…}",
                    vec![Stmt::Log("file has been read".to_string())],
                ),
            },
            Stmt::Log("after calling readFile".to_string()),
        ],
    };
    Scenario {
        id: "readfile-intro",
        title: "fs.readFile does not block",
        source,
        program,
        // A "big" file: 2 MiB, so the read is four 512 KiB pool requests.
        fs: VirtualFs::default().with_file("/some/big/file.txt", 2 * 1024 * 1024),
    }
}

/// Every built-in scenario, in gallery order.
pub fn all() -> Vec<Scenario> {
    vec![readfile_intro()]
}

/// Looks a built-in scenario up by its id.
pub fn by_id(id: &str) -> Option<Scenario> {
    all().into_iter().find(|scenario| scenario.id == id)
}
