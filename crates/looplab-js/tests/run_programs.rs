//! Programs run end to end through the rebuilt engine with a small
//! first-in-first-out embedder (as boa tests its engine apart from its
//! runtime), each compared with what real Node v20 printed for it (the
//! `print` below is `console.log` there; the outputs were taken from
//! `node` when these cases were written).

use looplab_js::compiler::{compile, Goal};
use looplab_js::{Embedder, JobId, JsResult, ObjId, Value, Vm};

#[derive(Default)]
struct Fifo {
    output: Vec<String>,
    jobs: std::collections::VecDeque<JobId>,
}

impl Embedder for Fifo {
    fn now_ms(&mut self) -> f64 {
        0.0
    }
    fn spend(&mut self, _ops: u64) {}
    fn enqueue_job(&mut self, _vm: &mut Vm, job: JobId) {
        self.jobs.push_back(job);
    }
    fn interrupt(&mut self, vm: &mut Vm) -> Option<String> {
        (vm.ops > 50_000_000).then(|| "too many operations".to_string())
    }
    fn call_host(&mut self, vm: &mut Vm, id: u32, _data: &Value, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
        if id == CONTEXT_FUNCTION {
            return Ok(vm.continuation_data.clone());
        }
        let mut parts = Vec::new();
        for value in args {
            parts.push(vm.to_string(self, value)?.to_rust());
        }
        self.output.push(parts.join(" "));
        Ok(Value::Undefined)
    }
    fn random(&mut self) -> f64 {
        0.5
    }
}

/// The host function id of `context()`: the current continuation data.
const CONTEXT_FUNCTION: u32 = 1;

fn run(source: &str) -> String {
    let mut vm = Vm::new();
    looplab_js::builtins::install(&mut vm);
    let print = vm.host_function("print", 1, 0, Value::Undefined);
    let global = vm.intrinsics.global;
    vm.define_value(global, "print", Value::Object(print));
    let code = match compile(source, Goal::Script, &mut vm.atoms) {
        Ok(code) => code,
        Err(errors) => return format!("compile error: {errors:?}"),
    };
    let mut host = Fifo::default();
    let mut outcome = vm.run_script(&mut host, code).map(|_| ());
    while outcome.is_ok() {
        let Some(job) = host.jobs.pop_front() else { break };
        outcome = vm.run_job(&mut host, job);
    }
    if let Err(looplab_js::Unwind::Throw(error)) = outcome {
        let text = vm.to_string(&mut host, &error).map(|s| s.to_rust()).unwrap_or_default();
        host.output.push(format!("uncaught {text}"));
    }
    host.output.join("\n")
}

#[test]
fn closures_loops_and_recursion() {
    let source = "
        function counter() { let n = 0; return () => ++n; }
        const c = counter(); c(); c();
        print(c());
        const fns = [];
        for (let i = 0; i < 3; i++) fns.push(() => i);
        print(fns[0](), fns[1](), fns[2]());
        function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
        print(fib(20));
        let s = 0; let k = 0;
        while (true) { k++; if (k % 2) continue; s += k; if (k > 10) break; }
        print(s, `k=${k}`);
    ";
    assert_eq!(run(source), "3\n0 1 2\n6765\n42 k=12");
}

#[test]
fn objects_classes_and_accessors() {
    let source = "
        class Animal {
            constructor(name) { this.name = name; }
            speak() { return this.name + ' makes a sound'; }
            get upper() { return this.name + '!'; }
        }
        class Dog extends Animal {
            legs = 4;
            speak() { return super.speak() + ' (woof)'; }
        }
        const d = new Dog('Rex');
        print(d.speak(), d.upper, d.legs, d instanceof Animal);
        const o = { a: 1, get b() { return this.a + 1; }, ['c' + 1]: 3, m() { return 'm'; } };
        print(o.a, o.b, o.c1, o.m(), Object.keys(o).length);
        const { a, ...rest } = o;
        print(a, rest.c1);
        const [x, , y = 9, ...zs] = [1, 2, undefined, 4, 5];
        print(x, y, zs.length);
    ";
    assert_eq!(run(source), "Rex makes a sound (woof) Rex! 4 true\n1 2 3 m 4\n1 3\n1 9 2");
}

#[test]
fn exceptions_and_finally() {
    let source = "
        function f() {
            try { return 'try'; } finally { print('finally runs'); }
        }
        print(f());
        try { null.x; } catch (e) { print(e instanceof TypeError, e.message); }
        try { undefinedName; } catch ({ name }) { print(name); }
        let log = [];
        outer: for (const i of [1, 2, 3]) {
            for (const j of [1, 2]) {
                try { if (j === 2) continue outer; log.push(i * 10 + j); } finally { log.push('f'); }
            }
        }
        print(log.length, log[0], log[1], log[log.length - 1]);
        class E extends Error {}
        try { throw new E('boom'); } catch (e) { print(e instanceof E, e instanceof Error, e.message); }
        const t = 1;
        try { t = 2; } catch (e) { print(e.message); }
        print(typeof nothing, typeof print, [1, 2].length);
    ";
    assert_eq!(run(source), "finally runs\ntry\ntrue Cannot read properties of null (reading 'x')\nReferenceError\n9 11 f f\ntrue true boom\nAssignment to constant variable.\nundefined function 2");
}

#[test]
fn generators_and_async_functions() {
    let source = "
        function* count(limit) {
            try {
                for (let i = 0; i < limit; i++) { const got = yield i; if (got) print('got', got); }
            } finally { print('cleanup'); }
            return 'end';
        }
        const g = count(3);
        print(g.next().value, g.next('x').value, g.return('early').value, g.next().done);
        const collected = [];
        for (const n of count(4)) collected.push(n);
        print(collected.length, collected[3]);
        const [a, b] = count(10);
        print(a, b);
        async function twice(x) { const y = await x; return y * 2; }
        twice(Promise.resolve(21)).then((v) => print('async', v));
        (async () => { try { await Promise.reject(new TypeError('no')); } catch (e) { print('caught', e.message); } })();
        print('sync done');
    ";
    assert_eq!(run(source), "got x\ncleanup\n0 1 early true\ncleanup\n4 3\ncleanup\n0 1\nsync done\ncaught no\nasync 42");
}

#[test]
fn private_members() {
    let source = "
        class Counter {
            #count = 0;
            static #instances = 0;
            #log = [];
            constructor() { Counter.#instances++; }
            get value() { return this.#count; }
            #bump(by) { this.#count += by; this.#log.push(by); }
            increment() { this.#bump(1); return this; }
            static instances() { return Counter.#instances; }
            static has(o) { return #count in o; }
            get #secret() { return 'shh'; }
            reveal() { return this.#secret; }
        }
        const c = new Counter().increment().increment();
        new Counter();
        print(c.value, Counter.instances(), Counter.has(c), Counter.has({}), c.reveal());
        print(Object.keys(c).length, JSON.stringify(c), Object.getOwnPropertySymbols(c).length);
        try { Counter.prototype.increment.call({}); } catch (e) { print(e.constructor.name, e.message); }
        const frozen = Object.freeze(new Counter());
        frozen.increment();
        print(frozen.value);
    ";
    assert_eq!(run(source), "2 2 true false shh\n0 {} 0\nTypeError Receiver must be an instance of class Counter\n1");
}

#[test]
fn garbage_is_collected_while_a_long_callback_runs() {
    let mut vm = Vm::new();
    looplab_js::builtins::install(&mut vm);
    let source = "let kept = []; for (let i = 0; i < 1000000; i++) { const o = { x: i, y: [i, i + 1] }; if (i % 50000 === 0) kept.push(o); } kept.length";
    let code = compile(source, Goal::Script, &mut vm.atoms).expect("compiles");
    let mut host = Fifo::default();
    let result = match vm.run_script(&mut host, code) {
        Ok(result) => result,
        Err(looplab_js::Unwind::Throw(error)) => panic!("threw {}", vm.to_string(&mut host, &error).map(|s| s.to_rust()).unwrap_or_default()),
        Err(_) => panic!("halted"),
    };
    assert_eq!(result.as_number(), Some(20.0));
    // Two million objects were made; the heap holds what is reachable
    // plus at most what was allocated since the last collection.
    assert!(vm.heap.collections > 0, "the collector ran");
    assert!(vm.heap.len() < 1_000_000, "heap holds {} objects", vm.heap.len());
}

#[test]
fn yield_star_delegates_every_resumption() {
    let source = r#"
        function* inner() { try { const x = yield 1; yield x * 2; return "r"; } finally { print("inner finally"); } }
        function* outer() { const r = yield* inner(); print("got", r); yield* [7, 8]; }
        const g = outer();
        print(JSON.stringify([g.next(), g.next(5), g.next(), g.next(), g.next(), g.next()]));
        const h = outer(); h.next();
        print(JSON.stringify(h.return(9)));
    "#;
    assert_eq!(
        run(source),
        "inner finally\ngot r\n[{\"value\":1,\"done\":false},{\"value\":10,\"done\":false},{\"value\":7,\"done\":false},{\"value\":8,\"done\":false},{\"done\":true},{\"done\":true}]\ninner finally\n{\"value\":9,\"done\":true}"
    );
}

#[test]
fn named_function_expressions_see_themselves() {
    let source = "
        print((function again() { return typeof again; })());
        (function () { print((function a2() { return typeof a2; })()); })();
        (function () { const f = function a3() { return typeof a3; }; print(f()); })();
    ";
    assert_eq!(run(source), "function\nfunction\nfunction");
}

/// Found running a further test262 sample: a direct `eval()` with no
/// argument panicked (it read the argument that is not there).
#[test]
fn direct_eval_without_an_argument_is_undefined() {
    let source = "function f() { return eval(); }\nprint(String(eval()), f(), typeof eval(), eval(1, 2));";
    assert_eq!(run(source), "undefined undefined undefined 1");
}

/// The engine carries the embedder's continuation data through promise
/// jobs: a reaction runs with the data current when it was made.
#[test]
fn promise_jobs_run_with_the_continuation_data_of_their_making() {
    let mut vm = Vm::new();
    looplab_js::builtins::install(&mut vm);
    let global = vm.intrinsics.global;
    let print = vm.host_function("print", 1, 0, Value::Undefined);
    vm.define_value(global, "print", Value::Object(print));
    let context = vm.host_function("context", 0, CONTEXT_FUNCTION, Value::Undefined);
    vm.define_value(global, "context", Value::Object(context));
    let mut host = Fifo::default();
    vm.continuation_data = Value::str("made");
    let source = "Promise.resolve().then(() => print('then', context())); (async () => { await null; print('await', context()); })();";
    let code = compile(source, Goal::Script, &mut vm.atoms).expect("compiles");
    vm.run_script(&mut host, code).expect("runs");
    vm.continuation_data = Value::str("later");
    while let Some(job) = host.jobs.pop_front() {
        vm.run_job(&mut host, job).expect("the job runs");
        assert_eq!(vm.continuation_data.as_string().map(|s| s.to_rust()), Some("later".to_string()), "the caller's data is current again after each job");
    }
    assert_eq!(host.output, vec!["then made", "await made"]);
}
