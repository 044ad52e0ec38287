//! Looplab's Node runtime: Node's APIs over the simulation core
//! (`looplab-core`), running JavaScript on Looplab's ECMAScript engine
//! (`looplab-js`).
//!
//! - [`runtime`] is the guest the simulation runs ([`NodeGuest`]): one engine
//!   per JS thread, Node's natives as a typed table, `require` and Node's
//!   modules (those Node writes in JavaScript are JavaScript here too, in
//!   `src/lib_js/`).
//! - [`split_files`] and [`prepare`] turn a scenario's text into a run.

pub mod runtime;

pub use runtime::NodeGuest;

/// `Date.now()` at virtual time zero: 2026-01-01T00:00:00Z.
pub const EPOCH_MS: f64 = 1_767_225_600_000.0;
/// The directory the main module runs from (`__dirname`).
pub const MAIN_DIR: &str = "/app";

use looplab_core::{fs::VirtualFs, ScriptError, Settings, Sim};

/// One file of a scenario: its absolute path in the virtual file system and
/// its text. The text keeps the scenario's line numbering (the lines of the
/// other files are blank), so an error's line and column point into the
/// editor, whichever file it is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioFile {
    pub path: String,
    pub source: String,
    /// The 1-based line of the marker that starts the file (0 for the main file).
    pub marker_line: u32,
}

/// Splits a scenario's text into its files.
///
/// A scenario is one text (a share link, a test file, the editor hold one
/// thing), but Node code often spans files: the seed's worker example is
/// `new Worker('./heavy-calc.js')` with `heavy-calc.js` beside it. A line
/// that is only `// heavy-calc.js` starts that file, when the rest of the
/// text names it in a string (`'./heavy-calc.js'` or `'./heavy-calc'`), so
/// pasting the article's two listings one after the other just works, and a
/// stray comment naming a file never cuts a script in two.
/// `// @looplab module NAME.js` starts a file unconditionally. Lines before
/// the first marker are the main file, `/app/main.js`.
pub fn split_files(source: &str) -> Vec<ScenarioFile> {
    let lines: Vec<&str> = source.split('\n').collect();
    let mut starts: Vec<(usize, String)> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let text = line.trim();
        if let Some(name) = text.strip_prefix("// @looplab module ") {
            let name = name.trim();
            if is_file_name(name) {
                starts.push((index, name.trim_start_matches("./").to_string()));
            }
            continue;
        }
        let Some(name) = text.strip_prefix("//").map(str::trim) else { continue };
        if is_file_name(name) && index > 0 && is_referenced(source, name) {
            starts.push((index, name.trim_start_matches("./").to_string()));
        }
    }
    let blank_except = |from: usize, to: usize| -> String {
        lines.iter().enumerate().map(|(index, line)| if index >= from && index < to { *line } else { "" }).collect::<Vec<_>>().join("\n")
    };
    let main_end = starts.first().map_or(lines.len(), |(index, _)| *index);
    let mut files = vec![ScenarioFile { path: format!("{MAIN_DIR}/main.js"), source: blank_except(0, main_end), marker_line: 0 }];
    for (position, (index, name)) in starts.iter().enumerate() {
        let end = starts.get(position + 1).map_or(lines.len(), |(next, _)| *next);
        let path = format!("{MAIN_DIR}/{name}");
        if files.iter().any(|file| file.path == path) {
            continue;
        }
        files.push(ScenarioFile { path, source: blank_except(*index + 1, end), marker_line: *index as u32 + 1 });
    }
    files
}

/// `name.js`, `lib/name.cjs`: a relative file name with a JavaScript extension.
fn is_file_name(name: &str) -> bool {
    let stem = [".js", ".cjs", ".mjs"].iter().find_map(|extension| name.strip_suffix(extension));
    stem.is_some_and(|stem| {
        !stem.is_empty()
            && !name.starts_with('/')
            && !name.contains("..")
            && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'))
    })
}

/// Whether the text names `./name` (with or without `.js`) in a string.
fn is_referenced(source: &str, name: &str) -> bool {
    let name = name.trim_start_matches("./");
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    ['\'', '"', '`'].iter().any(|quote| [name, stem].iter().any(|candidate| source.contains(&format!("{quote}./{candidate}{quote}"))))
}

/// Everything needed to run a scenario's text: its `@looplab` directives
/// applied, its files compiled, each present in the virtual file system.
/// Used by the CLI and the worker alike, so both run exactly the same thing.
pub fn prepare(source: &str, settings: Settings) -> Result<Sim<NodeGuest>, Vec<ScriptError>> {
    prepare_with_files(source, &[], settings)
}

/// [`prepare`], with more files beside the scenario's own: JavaScript
/// modules `require` can load by absolute path (`/common/index.js` for
/// Node's test harness), and data files whose sizes the virtual disk
/// knows. Each is `(absolute path, text)`.
pub fn prepare_with_files(source: &str, extra_files: &[(String, String)], mut settings: Settings) -> Result<Sim<NodeGuest>, Vec<ScriptError>> {
    let mut fs = VirtualFs::default();
    let mut workload = looplab_core::load::Workload::default();
    let mut errors: Vec<ScriptError> = looplab_core::directives::apply(source, &mut settings, &mut fs, &mut workload)
        .into_iter()
        .map(|error| ScriptError { line: error.line, column: 1, message: format!("@looplab directive: {}", error.message) })
        .collect();
    let mut files = split_files(source);
    for file in &files {
        // A file's size is its own text's (`fs.readFile(__filename)`).
        let size = file.source.lines().filter(|line| !line.is_empty()).map(|line| line.len() as u64 + 1).sum();
        fs.files.insert(file.path.clone(), size);
        if file.marker_line > 0 {
            // The entry compiles in `NodeGuest::new`; the others here, so
            // every file's errors show at once.
            let mut scratch = looplab_js::Vm::new();
            if let Err(compile_errors) = runtime::compile_commonjs(&mut scratch, &file.source, &file.path, false) {
                errors.extend(compile_errors.into_iter().map(|error| ScriptError { line: error.line, column: error.column, message: error.message }));
            }
        }
    }
    for (path, text) in extra_files {
        // Never instead of one of the scenario's own files.
        if !files.iter().any(|file| file.path == *path) {
            files.push(ScenarioFile { path: path.clone(), source: text.clone(), marker_line: 0 });
            fs.files.insert(path.clone(), text.len() as u64);
        }
    }
    match NodeGuest::new(files) {
        Ok(guest) if errors.is_empty() => {
            let mut sim = Sim::new(guest, settings, fs);
            sim.set_workload(workload);
            Ok(sim)
        }
        Ok(_) => {
            errors.sort_by_key(|error| (error.line, error.column));
            Err(errors)
        }
        Err(compile_errors) => {
            errors.extend(compile_errors.into_iter().map(|error| ScriptError { line: error.line, column: error.column, message: error.message }));
            errors.sort_by_key(|error| (error.line, error.column));
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_comment_splits_only_when_the_text_names_the_file() {
        let seed = "const w = new Worker('./heavy-calc.js');\n// heavy-calc.js\nparentPort.postMessage(1);\n";
        let files = split_files(seed);
        assert_eq!(files.len(), 2);
        assert_eq!(files[1].path, "/app/heavy-calc.js");
        assert_eq!(files[1].marker_line, 2);
        assert_eq!(files[0].source, "const w = new Worker('./heavy-calc.js');\n\n\n");
        assert_eq!(files[1].source, "\n\nparentPort.postMessage(1);\n");
        // A comment that happens to name a file nobody loads stays a comment.
        assert_eq!(split_files("// server.js\nconsole.log(1);\n// utils.js\nconsole.log(2);\n").len(), 1);
        // `require('./lib')` names lib.js; the explicit directive always splits.
        assert_eq!(split_files("require('./lib');\n// lib.js\nmodule.exports = 1;\n").len(), 2);
        assert_eq!(split_files("1;\n// @looplab module other.js\n2;\n").len(), 2);
        assert_eq!(split_files("1;\n// @looplab module ../../etc/passwd.js\n2;\n").len(), 1);
    }
}
