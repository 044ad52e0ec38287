//! The layering ARCHITECTURE.md promises, checked: dependencies between
//! the workspace's crates point one way (the language engine knows nothing
//! of Node, the Node runtime nothing of the page, the core nothing of
//! either), the engine's sources use no Node name, and every source file
//! opens with a `//!` summary.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Each crate's normal (not dev-) dependencies on other workspace crates.
fn internal_dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let mut crates = BTreeMap::new();
    let entries = std::fs::read_dir(workspace_root().join("crates")).expect("crates/ is readable");
    for entry in entries {
        let dir = entry.expect("a crates/ entry").path();
        let Ok(manifest) = std::fs::read_to_string(dir.join("Cargo.toml")) else { continue };
        let name = dir.file_name().and_then(|name| name.to_str()).unwrap_or_default().to_string();
        let mut section = String::new();
        let mut dependencies = BTreeSet::new();
        for line in manifest.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                section = line.to_string();
                continue;
            }
            let is_normal = section == "[dependencies]" || (section.starts_with("[target.") && section.ends_with(".dependencies]"));
            if is_normal && line.starts_with("looplab-") {
                let dependency = line.split(|c: char| c == '.' || c == '=' || c.is_whitespace()).next().unwrap_or_default();
                dependencies.insert(dependency.to_string());
            }
        }
        crates.insert(name, dependencies);
    }
    crates
}

#[test]
fn dependencies_between_crates_point_one_way() {
    // What each crate may depend on. Anything not listed is a new crate,
    // which must be placed here (and in ARCHITECTURE.md's crate map).
    let allowed: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("looplab-core", &[][..]),
        ("looplab-js", &[][..]),
        ("looplab-node", &["looplab-core", "looplab-js"][..]),
        ("looplab-protocol", &["looplab-core"][..]),
        ("looplab-share", &[][..]),
        ("looplab-cli", &["looplab-core", "looplab-js", "looplab-node", "looplab-protocol"][..]),
        ("looplab-worker", &["looplab-core", "looplab-js", "looplab-node", "looplab-protocol"][..]),
        ("looplab-ui", &["looplab-core", "looplab-protocol", "looplab-share"][..]),
    ]);
    let actual = internal_dependencies();
    assert!(actual.len() >= allowed.len(), "every crate in the map exists: {actual:?}");
    for (name, dependencies) in &actual {
        let Some(permitted) = allowed.get(name.as_str()) else {
            panic!("crate {name} is not in the layering map of tests/architecture.rs");
        };
        for dependency in dependencies {
            assert!(permitted.contains(&dependency.as_str()), "{name} must not depend on {dependency} (allowed: {permitted:?})");
        }
    }
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name != "target") {
                rust_files(&path, files);
            }
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
}

#[test]
fn every_source_file_opens_with_a_summary() {
    let mut files = Vec::new();
    rust_files(&workspace_root().join("crates"), &mut files);
    assert!(files.len() > 50, "found the sources ({})", files.len());
    let missing: Vec<String> =
        files.iter().filter(|path| !std::fs::read_to_string(path).is_ok_and(|text| text.starts_with("//!"))).map(|path| path.display().to_string()).collect();
    assert!(missing.is_empty(), "files without a //! summary: {missing:#?}");
}

#[test]
fn the_language_engine_names_nothing_of_node() {
    let mut files = Vec::new();
    rust_files(&workspace_root().join("crates/looplab-js"), &mut files);
    assert!(!files.is_empty());
    let forbidden = ["looplab_core", "looplab_node", "nextTick", "setTimeout", "setImmediate", "require(", "process.", "libuv", "Buffer"];
    for path in files {
        let text = std::fs::read_to_string(&path).expect("a source file is readable");
        for word in forbidden {
            // A whole word: `ArrayBuffer` is the language's own.
            let named = text.match_indices(word).any(|(at, _)| !text[..at].ends_with(|c: char| c.is_ascii_alphanumeric()));
            assert!(!named, "{} mentions `{word}`: the engine must know nothing of Node", path.display());
        }
    }
}
