//! Everyday snippets, as a new user pastes them, run as real Node v20 runs
//! them: each expected output and exit code below is what `node` printed
//! for the same text when the case was written (issue 15's and 16's lists:
//! `clearInterval(this)`, `process.on('uncaughtException')`, a regex route,
//! a generator, a private field, getters, `process.exitCode`, unhandled
//! rejections, `Buffer`).

use looplab_cli::{run_source_with, TraceMode};
use looplab_core::Settings;

fn run(source: &str) -> (Vec<String>, String) {
    let report = run_source_with(source, Settings::default(), TraceMode::Off);
    (report.console, report.stop_reason)
}

#[test]
fn clear_interval_with_this_stops_the_interval() {
    let (console, stop) = run("let n = 0;\nsetInterval(function () { if (++n === 3) { console.log('stop at', n); clearInterval(this); } }, 10);\n");
    assert_eq!(console, ["stop at 3"]);
    assert_eq!(stop, "exited with code 0");
}

#[test]
fn uncaught_exception_listeners_keep_the_process_alive() {
    let source = "process.on('uncaughtException', (err, origin) => { console.log('caught:', err.message, origin); });\n\
                  setTimeout(() => { throw new Error('late'); }, 5);\nsetTimeout(() => console.log('still alive'), 10);\n";
    let (console, stop) = run(source);
    assert_eq!(console, ["caught: late uncaughtException", "still alive"]);
    assert_eq!(stop, "exited with code 0");
}

#[test]
fn the_language_people_paste_runs_and_prints_as_node_does() {
    let source = r#"const route = /^\/users\/(?<id>\d+)$/;
const m = '/users/42'.match(route);
console.log(m.groups.id, '/a/b'.replace(/\//g, '-'), 'a,b;c'.split(/[,;]/));
function* gen() { yield 1; yield 2; return 3; }
console.log([...gen()], Array.from({ length: 3 }, (_, i) => i * i));
class Counter { #n = 0; inc() { return ++this.#n; } static create() { return new Counter(); } }
const c = Counter.create(); c.inc(); console.log(c.inc(), c);
const o = { get x() { return 1; }, ['y' + 1]: 2 };
console.log(o, Object.getOwnPropertyDescriptor(o, 'x'));
console.log(new Map([[1, { a: [1, 2] }]]), new Set(['x']), [1, , 3], -0, Symbol('s'), class A {}, function f() {});
const b = Buffer.from('héllo'); console.log(b, b.toString('base64'), b.length);
console.log('%s is %d years', 'Bob', 42, { extra: true });
process.exitCode = 3;
"#;
    let (console, stop) = run(source);
    let expected = [
        "42 -a-b [ 'a', 'b', 'c' ]",
        "[ 1, 2 ] [ 0, 1, 4 ]",
        "2 Counter {}",
        "{ x: [Getter], y1: 2 } {\n  get: [Function: get x],\n  set: undefined,\n  enumerable: true,\n  configurable: true\n}",
        "Map(1) { 1 => { a: [ 1, 2 ] } } Set(1) { 'x' } [ 1, <1 empty item>, 3 ] -0 Symbol(s) [class A] [Function: f]",
        "<Buffer 68 c3 a9 6c 6c 6f> aMOpbGxv 6",
        "Bob is 42 years { extra: true }",
    ];
    assert_eq!(console, expected);
    assert_eq!(stop, "exited with code 3");
}

#[test]
fn an_unhandled_rejection_ends_the_process_unless_listened_for() {
    let report =
        run_source_with("Promise.reject(new Error('nobody catches me'));\nsetTimeout(() => console.log('never'), 10);\n", Settings::default(), TraceMode::Off);
    assert!(report.console.is_empty(), "{:?}", report.console);
    assert_eq!(report.stop_reason, "exited with code 1");
    assert!(
        report.stderr.iter().any(|line| line.starts_with("Error: nobody catches me\n    at Object.<anonymous> (/app/main.js:1:16)")),
        "{:?}",
        report.stderr
    );
    let source = "process.on('unhandledRejection', (reason) => console.log('unhandled:', reason.message));\nPromise.reject(new Error('x'));\n\
                  setTimeout(() => console.log('after'), 1);\nconst t = setTimeout(() => {}, 1000); console.log(t.hasRef(), t.unref().hasRef(), typeof t[Symbol.toPrimitive]());\n";
    let (console, stop) = run(source);
    assert_eq!(console, ["true false number", "unhandled: x", "after"]);
    assert_eq!(stop, "exited with code 0");
}

#[test]
fn calling_what_is_not_a_function_names_it_as_v8_does() {
    let source = "const o = {};\ntry { o.missing(); } catch (e) { console.log(e.message); }\ntry { Math.nope(1); } catch (e) { console.log(e.message); }\n\
                  try { let f; f(); } catch (e) { console.log(e.message); }\ntry { new o.K(); } catch (e) { console.log(e.message); }\n";
    let (console, _) = run(source);
    assert_eq!(console, ["o.missing is not a function", "Math.nope is not a function", "f is not a function", "o.K is not a constructor"]);
}

/// An async generator paced by timers, read with `for await`, and `for
/// await` over plain values and promises (issue 15's "for await" snippet).
#[test]
fn for_await_over_an_async_generator_runs_as_node_runs_it() {
    let source = "async function* ticks(n) {\n  for (let i = 0; i < n; i++) {\n    await new Promise((resolve) => setTimeout(resolve, 100));\n    yield i;\n  }\n}\n\
                  (async () => {\n  const start = Date.now();\n  for await (const tick of ticks(3)) console.log('tick', tick, Date.now() - start >= (tick + 1) * 100);\n  \
                  for await (const value of [Promise.resolve('a'), 'b']) console.log(value);\n})();\n";
    let (console, stop) = run(source);
    assert_eq!(console, ["tick 0 true", "tick 1 true", "tick 2 true", "a", "b"]);
    assert_eq!(stop, "exited with code 0");
}
