//! A run's JavaScript heap is freed when the run ends, cycles and all
//! (crates/looplab-node/src/heap.rs): the page's worker runs one scenario
//! after another and must not keep any of them.

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
    // Cycles on purpose, and runs cut short in the middle of their work.
    sources.push((
        "cycles".into(),
        "const a = {}; const b = { a }; a.b = b; const f = () => f; globalThis.keep = [a, f];\nclass C { m() { return this; } }\nnew C().self = new C();\n"
            .into(),
    ));
    sources.push(("runaway".into(), "function again() { Promise.resolve().then(again); }\nagain();\n".into()));
    sources
}

#[test]
fn every_runs_heap_is_freed_when_the_run_ends() {
    let settings = Settings { events_max: 30_000, time_max_us: 5_000_000, ..Settings::default() };
    let sources = sources();
    assert!(sources.len() > 30, "only {} programs", sources.len());
    for (name, source) in sources {
        let untracked_before = looplab_node::heap::untracked_objects();
        let Ok(mut sim) = looplab_node::prepare(&source, settings.clone()) else { continue };
        sim.run();
        let heap = sim.guest().heap();
        assert!(heap.live_objects() > 0, "{name}: a run allocates objects");
        drop(sim);
        assert_eq!(heap.live_objects(), 0, "{name}: objects outlived their run");
        assert_eq!(looplab_node::heap::untracked_objects(), untracked_before, "{name}: objects allocated outside the run's heap");
    }
}

/// Reference counting alone keeps a cycle; breaking cycles frees it.
#[test]
fn a_cycle_lives_until_its_heap_breaks_it() {
    use looplab_node::value::{Class, Object, Value};
    let heap = looplab_node::heap::Heap::new();
    let weak = {
        let _entered = looplab_node::heap::enter(&heap);
        let object = Object::new(Class::Plain, None);
        object.borrow_mut().set_own("self", Value::Object(object.clone()));
        std::rc::Rc::downgrade(&object)
    };
    assert!(weak.upgrade().is_some(), "the cycle keeps itself alive");
    assert_eq!(heap.live_objects(), 1);
    heap.break_cycles();
    assert!(weak.upgrade().is_none());
}
