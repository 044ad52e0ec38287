//! The interpreter's micro-benchmarks: property access, calls, closures,
//! allocation, array loops, string building, a promise chain. Each runs a
//! fixed program through the rebuilt engine and prints the wall time and
//! the time per loop iteration. `cargo run --release -p looplab-js
//! --example microbench` (scripts/microbench.sh runs the same programs on
//! the engine the product uses today, for the before-and-after figures).

use looplab_js::compiler::{compile, Goal};
use looplab_js::{Embedder, JobId, JsResult, ObjId, Value, Vm};
use std::time::Instant;

#[derive(Default)]
struct Quiet {
    jobs: std::collections::VecDeque<JobId>,
}

impl Embedder for Quiet {
    fn now_ms(&mut self) -> f64 {
        0.0
    }
    fn spend(&mut self, _ops: u64) {}
    fn enqueue_job(&mut self, _vm: &mut Vm, job: JobId) {
        self.jobs.push_back(job);
    }
    fn interrupt(&mut self, _vm: &mut Vm) -> Option<String> {
        None
    }
    fn call_host(&mut self, _vm: &mut Vm, _id: u32, _data: &Value, _this: &Value, _args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
        Ok(Value::Undefined)
    }
    fn random(&mut self) -> f64 {
        0.5
    }
}

/// (name, iterations, program). Every program is also valid Node, so the
/// same file runs under `node` for comparison.
pub const BENCHMARKS: &[(&str, u32, &str)] = &[
    ("property get/set", 2_000_000, "const o = { a: 1, b: 2 }; let s = 0; for (let i = 0; i < N; i++) { o.a = i; s += o.a + o.b; }"),
    (
        "method calls",
        2_000_000,
        "class P { constructor(x) { this.x = x; } get2() { return this.x * 2; } } const p = new P(3); let s = 0; for (let i = 0; i < N; i++) s += p.get2();",
    ),
    ("closures", 1_000_000, "function make(k) { return (x) => x + k; } let s = 0; for (let i = 0; i < N; i++) { const f = make(i); s += f(1); }"),
    ("allocation", 1_000_000, "let last; for (let i = 0; i < N; i++) { last = { id: i, tags: [i, i + 1], name: 'n' }; }"),
    (
        "array loops",
        200,
        "const a = []; for (let i = 0; i < 10000; i++) a.push(i); let s = 0; for (let k = 0; k < N; k++) { for (let i = 0; i < a.length; i++) s += a[i]; }",
    ),
    ("string building", 200_000, "let s = ''; for (let i = 0; i < N; i++) { s += 'x'; } s.length"),
    ("promise chain", 100_000, "let p = Promise.resolve(0); for (let i = 0; i < N; i++) p = p.then((v) => v + 1);"),
];

fn main() {
    println!("{:<20} {:>12} {:>12}", "benchmark", "total ms", "ns/iter");
    // `cargo run --example microbench -- closures` runs only the ones named.
    let only: Vec<String> = std::env::args().skip(1).collect();
    for (name, iterations, program) in BENCHMARKS {
        if !only.is_empty() && !only.iter().any(|wanted| name.contains(wanted.as_str())) {
            continue;
        }
        // Inside a function, as a CommonJS module's code is: its bindings
        // are the function's, not the global object's.
        let source = format!("(function () {{ const N = {iterations};\n{program}\n}})();");
        let mut vm = Vm::new();
        looplab_js::builtins::install(&mut vm);
        let code = match compile(&source, Goal::Script, &mut vm.atoms) {
            Ok(code) => code,
            Err(errors) => {
                println!("{name}: compile error {errors:?}");
                continue;
            }
        };
        let mut host = Quiet::default();
        let started = Instant::now();
        let mut outcome = vm.run_script(&mut host, code).map(|_| ());
        while outcome.is_ok() {
            let Some(job) = host.jobs.pop_front() else { break };
            outcome = vm.run_job(&mut host, job);
        }
        let elapsed = started.elapsed();
        if outcome.is_err() {
            println!("{name}: threw");
            continue;
        }
        let per = elapsed.as_nanos() as f64 / f64::from(*iterations);
        println!("{name:<20} {:>12.1} {per:>12.1}", elapsed.as_secs_f64() * 1000.0);
    }
}
