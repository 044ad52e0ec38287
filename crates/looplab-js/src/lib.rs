//! Looplab's JavaScript: a real subset of the language, parsed by oxc,
//! compiled to a small stack bytecode, and run by a VM that is the
//! simulation's [`looplab_core::Guest`].
//!
//! - [`compile`] turns source text into [`bytecode::Code`], resolving every
//!   variable to an environment slot. Anything outside the subset fails here,
//!   loudly, with its line and column.
//! - [`vm`] runs bytecode with explicit frames, so `await` parks a frame in a
//!   promise reaction and resumes it from a microtask.
//! - [`node`] is the Node API surface (`require('fs')`, timers, `process`…),
//!   each call forwarded to the engine through [`looplab_core::Host`].

pub mod builtins;
pub mod bytecode;
pub mod compile;
pub mod node;
pub mod value;
pub mod vm;

pub use compile::CompileError;
pub use node::JsGuest;

use looplab_core::{fs::VirtualFs, ScriptError, Settings, Sim};

/// Everything needed to run a scenario's text: its `@looplab` directives
/// applied, its code compiled, the main module present as a file. Used by
/// the CLI and the worker alike, so both run exactly the same thing.
pub fn prepare(source: &str, mut settings: Settings) -> Result<Sim<JsGuest>, Vec<ScriptError>> {
    let mut fs = VirtualFs::default();
    let mut errors: Vec<ScriptError> = looplab_core::directives::apply(source, &mut settings, &mut fs)
        .into_iter()
        .map(|error| ScriptError { line: error.line, column: 1, message: format!("@looplab directive: {}", error.message) })
        .collect();
    // The main module is a file too (`fs.readFile(__filename)` reads it).
    fs.files.insert(format!("{}/main.js", node::MAIN_DIR), source.len() as u64);
    match JsGuest::new(source) {
        Ok(guest) if errors.is_empty() => Ok(Sim::new(guest, settings, fs)),
        Ok(_) => Err(errors),
        Err(compile_errors) => {
            errors.extend(compile_errors.into_iter().map(|error| ScriptError { line: error.line, column: error.column, message: error.message }));
            errors.sort_by_key(|error| (error.line, error.column));
            Err(errors)
        }
    }
}
