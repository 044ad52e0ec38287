//! A run's JavaScript heap stays bounded: the engine's collector
//! (crates/looplab-js/src/heap.rs) frees what a run no longer reaches,
//! cycles included, between callbacks; and the whole heap is dropped with
//! the run, so the page's worker, which runs one scenario after another,
//! keeps none of them.

use looplab_core::Settings;
use std::path::Path;

fn sources() -> Vec<(String, String)> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut sources = Vec::new();
    for dir in ["www/scenarios", "tests/corpus/cases"] {
        let Ok(entries) = std::fs::read_dir(repo.join(dir)) else { continue };
        for path in entries.filter_map(Result::ok).map(|entry| entry.path()) {
            if path.extension().is_some_and(|extension| extension == "js") {
                sources.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap_or_default()));
            }
        }
    }
    sources.sort();
    sources
}

/// After any preset or corpus script, the heap holds what the program can
/// still reach, not everything it ever made.
#[test]
fn every_runs_heap_stays_bounded() {
    let settings = Settings { events_max: 30_000, time_max_us: 5_000_000, ..Settings::default() };
    let sources = sources();
    assert!(sources.len() > 30, "only {} programs", sources.len());
    for (name, source) in sources {
        let Ok(mut sim) = looplab_node::prepare(&source, settings.clone()) else { continue };
        sim.run();
        let live = sim.guest().heap_objects();
        assert!(live > 0, "{name}: a run allocates objects");
        assert!(live < 150_000, "{name}: {live} objects alive after the run");
    }
}

/// Cycles made on every timer callback are garbage once the callback
/// returns, and the collector frees them.
#[test]
fn garbage_cycles_are_collected_between_callbacks() {
    let source = "let n = 0;\nconst t = setInterval(() => {\n  for (let i = 0; i < 2000; i++) { const a = {}; const b = { a }; a.b = b; a.f = () => a; }\n  if (++n === 500) clearInterval(t);\n}, 1);\n";
    let settings = Settings { time_max_us: 60_000_000, ..Settings::default() };
    let mut sim = looplab_node::prepare(source, settings).expect("compiles");
    sim.run();
    // 500 callbacks made 3,000,000 objects; far fewer are alive.
    let live = sim.guest().heap_objects();
    assert!(live < 400_000, "{live} objects alive");
}
