//! The load model checked against queueing theory and against real Node.
//!
//! - An M/M/4 queue on the thread pool (Poisson arrivals, exponential pbkdf2
//!   cost) must give the Erlang C mean wait, P(wait > 0) and p99 wait. The
//!   run is seeded, so the test is deterministic; its tolerance is 1.5× the
//!   95% half-width a correct simulator shows at this many customers
//!   (../shared/peers/README.md: ±2.3% at ρ = 0.5 and ±3.2% at ρ = 0.8 for
//!   1,000,000 customers, growing with 1/√n). `scripts/dev bench` runs the
//!   full-size check.
//! - The stall: real Node's /fast latencies around a 200 ms /heavy
//!   (tests/corpus/timing.json, "http_fast_vs_heavy").

use looplab_cli::{apply_overrides, run_source, RunReport};
use looplab_core::Settings;
use std::path::PathBuf;

fn preset(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../www/scenarios").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn run(name: &str, overrides: &[&str]) -> RunReport {
    let overrides: Vec<String> = overrides.iter().map(|entry| entry.to_string()).collect();
    let source = apply_overrides(&preset(name), &overrides).expect("overrides");
    let report = run_source(&source, Settings::default(), false);
    assert!(report.errors.is_empty(), "{name}: {:?}", report.errors);
    report
}

/// Erlang C for M/M/c: (P(wait > 0), mean wait, p99 wait), in seconds.
fn erlang_c(servers: u32, arrival_rate: f64, service_rate: f64) -> (f64, f64, f64) {
    let offered = arrival_rate / service_rate;
    let rho = offered / f64::from(servers);
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..servers {
        term *= offered / f64::from(k);
        sum += term;
    }
    let last = term * offered / f64::from(servers) / (1.0 - rho);
    let wait_probability = last / (sum + last);
    let drain_rate = f64::from(servers) * service_rate - arrival_rate;
    let mean_wait = wait_probability / drain_rate;
    // P(W > t) = C·e^(−drain·t), so the 99th percentile is where that is 1%.
    let p99_wait = if wait_probability > 0.01 { (wait_probability / 0.01).ln() / drain_rate } else { 0.0 };
    (wait_probability, mean_wait, p99_wait)
}

fn check_erlang(rho: f64, customers: u64, wait_tolerance: f64, probability_tolerance: f64) {
    let service_rate = 10.0; // exp(100ms)
    let arrival_rate = rho * 4.0 * service_rate;
    let load = format!("load=open rate={arrival_rate}/s arrivals=poisson amount={customers}");
    let report = run("pool-queue-erlang-c.js", &[&load, "seed=11"]);
    let (probability, mean_wait, p99_wait) = erlang_c(4, arrival_rate, service_rate);
    let pool = &report.pool;
    assert_eq!(report.requests.as_ref().map(|requests| requests.completed), Some(customers));
    let mean_error = (pool.wait_ms.mean / 1000.0 - mean_wait) / mean_wait;
    let p99_error = (pool.wait_ms.p99 / 1000.0 - p99_wait) / p99_wait;
    eprintln!(
        "ρ={rho}: mean wait {:.2} ms (Erlang C {:.2}, {:+.1}%), P(wait) {:.4} ({probability:.4}), p99 {:.1} ms ({:.1}, {:+.1}%)",
        pool.wait_ms.mean,
        mean_wait * 1000.0,
        mean_error * 100.0,
        pool.waited_share,
        pool.wait_ms.p99,
        p99_wait * 1000.0,
        p99_error * 100.0
    );
    assert!(mean_error.abs() <= wait_tolerance, "ρ={rho}: mean wait off by {:.1}%", mean_error * 100.0);
    assert!((pool.waited_share - probability).abs() <= probability_tolerance, "ρ={rho}: P(wait) {} vs {probability}", pool.waited_share);
    assert!(p99_error.abs() <= wait_tolerance, "ρ={rho}: p99 wait off by {:.1}%", p99_error * 100.0);
    assert!((pool.utilization - rho).abs() < 0.03, "pool utilization {} vs ρ {rho}", pool.utilization);
}

#[test]
fn pool_wait_matches_erlang_c_at_half_load() {
    // 40,000 customers: the 95% half-width is ≈ 2.3% × √25 = 11.5%.
    check_erlang(0.5, 40_000, 0.17, 0.03);
}

#[test]
fn pool_wait_matches_erlang_c_at_80_percent() {
    // ≈ 3.2% × √25 = 16%.
    check_erlang(0.8, 40_000, 0.24, 0.04);
}

#[test]
fn a_stall_delays_every_request_behind_it_as_in_real_node() {
    let inline = run("stall-on-main-thread.js", &[]);
    let requests = inline.requests.expect("requests");
    let fast = &requests.by_path[0];
    let heavy = &requests.by_path[1];
    assert_eq!((fast.path.as_str(), fast.completed, heavy.completed), ("/fast", 48, 1));
    // Real Node v20: /fast p90 156-159 ms, max 190-194 ms; /heavy 201-203 ms.
    assert!((145.0..=170.0).contains(&fast.latency_ms.p90), "fast p90 {}", fast.latency_ms.p90);
    assert!((185.0..=210.0).contains(&fast.latency_ms.max), "fast max {}", fast.latency_ms.max);
    assert!((195.0..=210.0).contains(&heavy.latency_ms.max), "heavy {}", heavy.latency_ms.max);
    assert!(fast.latency_ms.p50 < 3.0, "most /fast arrive outside the stall: p50 {}", fast.latency_ms.p50);
    // The event-loop delay monitor sees the 200 ms stall.
    assert!(inline.event_loop.delay_ms.max >= 200.0, "delay max {}", inline.event_loop.delay_ms.max);

    let offloaded = run("stall-moved-to-worker.js", &[]);
    let requests = offloaded.requests.expect("requests");
    // Real Node v20: /fast max 8-10 ms (client overhead included), /heavy 229-232 ms.
    assert!(requests.by_path[0].latency_ms.max < 10.0, "fast max {}", requests.by_path[0].latency_ms.max);
    assert!((220.0..=240.0).contains(&requests.by_path[1].latency_ms.max), "heavy {}", requests.by_path[1].latency_ms.max);
    assert!(offloaded.event_loop.delay_ms.max < 20.0);
}

#[test]
fn closed_clients_saturate_one_thread_and_the_run_ends_when_they_are_answered() {
    let source = "// @looplab load closed connections=50 amount=5000 think=exp(1ms)\n\
                  require('http').createServer((req, res) => res.end('hello')).listen(3000);\n";
    let report = run_source(source, Settings::default(), false);
    let requests = report.requests.expect("requests");
    assert_eq!((requests.count, requests.completed), (5000, 5000));
    assert!(requests.in_flight_peak <= 50);
    assert!(report.stop_reason.contains("all 5000 requests answered"), "{}", report.stop_reason);
    // One JS thread serves a hello-world in ~0.1 ms: about 10k requests/s.
    assert!((5_000.0..=20_000.0).contains(&requests.throughput_rps), "{}", requests.throughput_rps);
    assert!(report.event_loop.utilization > 0.9);
    // Same scenario and seed: the same run.
    assert_eq!(run_source(source, Settings::default(), false).trace_hash, report.trace_hash);
}

#[test]
fn bad_load_lines_point_at_their_line() {
    let source = "console.log(1);\n// @looplab load open rate=fast amount=1\n// @looplab load closed connections=5\n// @looplab cost sha exp(1ms)\n";
    let report = run_source(source, Settings::default(), false);
    let lines: Vec<u32> = report.errors.iter().map(|error| error.line).collect();
    assert_eq!(lines, [2, 3, 4], "{:?}", report.errors);
    assert!(report.errors[0].message.contains("rate=fast"));
    assert!(report.errors[1].message.contains("amount=N or duration"));
    assert!(report.errors[2].message.contains("no cost named 'sha'"));
}

#[test]
fn busy_wait_fast_path_ends_where_interpreting_every_spin_ends() {
    // Parentheses hide the pattern from the fast path, so the second loop of
    // each pair is interpreted spin by spin.
    for (fast, slow) in [
        ("while (Date.now() - t < 30) {}", "while ((Date.now() - t) < 30) {}"),
        ("while (Date.now() - t <= 30) {}", "while ((Date.now() - t) <= 30) {}"),
        ("while (performance.now() - t < 7.5) {}", "while ((performance.now() - t) < 7.5) {}"),
        ("while (Date.now() < t + 12) {}", "while ((Date.now()) < t + 12) {}"),
    ] {
        let clock = if fast.contains("performance") { "performance.now()" } else { "Date.now()" };
        let script = |body: &str| format!("const t = {clock};\n{body}\nconsole.log('spun', Math.round(({clock} - t) * 1000));\n");
        let fast_report = run_source(&script(fast), Settings::default(), false);
        let slow_report = run_source(&script(slow), Settings::default(), false);
        assert!(fast_report.errors.is_empty() && slow_report.errors.is_empty());
        let difference_ms = (fast_report.sim_time_ms - slow_report.sim_time_ms).abs();
        assert!(difference_ms <= 0.001, "{fast}: {} ms vs {} ms", fast_report.sim_time_ms, slow_report.sim_time_ms);
        assert!(fast_report.sim_time_ms >= 7.5, "{fast}: ran {} ms", fast_report.sim_time_ms);
    }
}

fn path_p50(report: &RunReport, path: &str) -> f64 {
    let requests = report.requests.as_ref().expect("a load run");
    requests.by_path.iter().find(|entry| entry.path == path).map(|entry| entry.latency_ms.p50).expect("the path was requested")
}

#[test]
fn the_presets_show_what_their_comments_say() {
    // pbkdf2: two waves on a pool of 4, one wave on a pool of 8.
    let waves = |name: &str| -> Vec<u32> {
        run(name, &[]).console.iter().map(|line| line.rsplit(' ').nth(1).and_then(|ms| ms.parse().ok()).expect("a time in ms")).collect()
    };
    let pool_4 = waves("pbkdf2-waves-pool-4.js");
    assert_eq!(pool_4.iter().filter(|&&ms| ms < 150).count(), 4, "{pool_4:?}");
    assert!(pool_4.iter().all(|&ms| ms < 250), "{pool_4:?}");
    let pool_8 = waves("pbkdf2-waves-pool-8.js");
    assert!(pool_8.iter().all(|&ms| ms < 150), "{pool_8:?}");

    // Twice the pool threads: the file server's requests stop queueing.
    let small = run("file-server-pool-4.js", &[]);
    let large = run("file-server-pool-8.js", &[]);
    let p99 = |report: &RunReport| report.requests.as_ref().map(|requests| requests.latency_ms.p99).unwrap_or_default();
    assert!(p99(&small) > 3.0 * p99(&large), "pool 4 p99 {} vs pool 8 p99 {}", p99(&small), p99(&large));

    // readFileSync occupies the main thread: utilization 1, slower requests.
    let asynchronous = run("handler-readfile.js", &[]);
    let synchronous = run("handler-readfilesync.js", &[]);
    assert!(synchronous.event_loop.utilization > 0.99 && asynchronous.event_loop.utilization < 0.6);
    assert!(path_p50(&synchronous, "/") > 2.0 * path_p50(&asynchronous, "/"));

    // Network dns.lookup calls hold the pool; the small file read waits.
    let dns = run("dns-lookup-starves-fs.js", &[]);
    assert!(path_p50(&dns, "/config") > 20.0, "config p50 {}", path_p50(&dns, "/config"));

    // Ten thousand open connections cost Node about 7 KiB each.
    let idle = run("idle-connections.js", &[]);
    let requests = idle.requests.as_ref().expect("requests");
    assert_eq!(requests.connections_peak, 10_000);
    let per_connection = (idle.memory.peak_bytes - looplab_core::sim::NODE_BASELINE_BYTES) / 10_000;
    assert_eq!(per_connection, looplab_core::sim::NODE_PER_CONNECTION_BYTES);
    assert!(requests.latency_ms.p99 < 5.0 && idle.event_loop.utilization < 0.1);

    // One cook, many dishes: each done ~200 ms after it was ordered, the
    // cook mostly idle.
    let chef = run("chef-one-cook.js", &[]);
    assert!((200.0..=215.0).contains(&path_p50(&chef, "/order")));
    assert!(chef.event_loop.utilization < 0.2);
}

#[test]
fn a_thread_per_request_server_trades_memory_for_isolation() {
    // The stall: on its own thread, /heavy no longer delays /fast.
    let blocking = run("stall-on-main-thread.js", &["server=thread-per-request"]);
    let requests = blocking.requests.as_ref().expect("requests");
    assert!(requests.by_path[0].latency_ms.p99 < 5.0, "fast p99 {}", requests.by_path[0].latency_ms.p99);
    assert!(requests.by_path[1].latency_ms.max >= 200.0);

    // Ten thousand keep-alive connections: 200 threads cannot hold them
    // (connections wait for a thread), 10,000 threads cost their stacks.
    let few = run("idle-connections.js", &["server=thread-per-request threads=200"]);
    let server = few.server.as_ref().expect("server metrics");
    assert_eq!(server.threads_made, 200);
    assert!(server.queue_max > 5_000, "queue max {}", server.queue_max);
    assert!(few.requests.as_ref().map(|requests| requests.latency_ms.p50).unwrap_or_default() > 1_000.0);
    let many = run("idle-connections.js", &["server=thread-per-request threads=10000 stack=1MiB"]);
    assert_eq!(many.memory.peak_bytes, looplab_core::sim::NODE_BASELINE_BYTES + 10_000 * 1024 * 1024);
    let node = run("idle-connections.js", &[]);
    assert!(node.memory.peak_bytes * 50 < many.memory.peak_bytes, "node {} vs threads {}", node.memory.peak_bytes, many.memory.peak_bytes);
    assert_eq!(node.requests.as_ref().map(|requests| requests.completed), many.requests.as_ref().map(|requests| requests.completed));
}

#[test]
fn load_that_no_server_takes_says_so_at_its_line() {
    let report = run_source(
        "// @looplab load open rate=10/s amount=5 port=4000\nrequire('http').createServer((q, s) => s.end()).listen(3000);\n",
        Settings::default(),
        false,
    );
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].line, 1);
    assert!(report.errors[0].message.contains("nothing listened on port 4000"), "{}", report.errors[0].message);
}

#[test]
fn an_overloaded_server_stops_with_a_reason_not_a_crash() {
    let source = "// @looplab load open rate=100000/s duration=10s\n\
                  require('http').createServer((req, res) => { const t = Date.now(); while (Date.now() - t < 1) {} res.end('x'); }).listen(3000);\n";
    let report = run_source(source, Settings::default(), false);
    assert!(report.stop_reason.contains("requests in flight at once"), "{}", report.stop_reason);
    let requests = report.requests.expect("requests");
    assert!(requests.completed > 1_000 && requests.count > requests.completed);
    assert!(report.event_loop.utilization > 0.99);
}

/// `cpu-speed` scales CPU costs only: pbkdf2 on the pool and JavaScript
/// finish in half the time at 2x, while a timer keeps its delay.
#[test]
fn cpu_speed_scales_cpu_work_and_nothing_else() {
    let at = |speed: &str| run("pbkdf2-waves-pool-4.js", &[&format!("cpu-speed={speed}")]).sim_time_ms;
    let (normal, fast, slow) = (at("1x"), at("2x"), at("50%"));
    assert!((fast / normal - 0.5).abs() < 0.01, "2x: {fast} ms vs {normal} ms");
    assert!((slow / normal - 2.0).abs() < 0.02, "50%: {slow} ms vs {normal} ms");
    let timer = "// @looplab cpu-speed 4x\nsetTimeout(() => console.log('done'), 100);\n";
    let report = run_source(timer, Settings::default(), false);
    assert!((report.sim_time_ms - 100.0).abs() < 1.0, "a timer does not speed up: {} ms", report.sim_time_ms);
}

/// A load request's `req` and `res` are built natively (looplab-node's
/// `http_load`); a server whose `emit` a script replaced gets them from
/// http.js's own constructors. Both must be the same objects, and
/// `res.end` must leave them in the same state.
#[test]
fn a_load_request_gets_the_objects_http_js_builds() {
    let script = |replace_emit: bool| {
        format!(
            "// @looplab load closed connections=1 amount=2 paths=/a:1\n\
             const http = require('http');\n\
             const EventEmitter = require('events');\n\
             const own = (o) => [...Object.getOwnPropertyNames(o), ...Object.getOwnPropertySymbols(o)].map((k) => String(k) + '=' + (typeof o[k] === 'object' && o[k] !== null ? Object.keys(o[k]).join('+') : String(o[k]))).join(',');\n\
             const server = http.createServer((req, res) => {{\n\
               console.log(own(req), '|', own(res), '|', Object.getPrototypeOf(req) === http.IncomingMessage.prototype, Object.getPrototypeOf(res) === http.ServerResponse.prototype, Object.getPrototypeOf(req._events), JSON.stringify(req.headers));\n\
               res.on('finish', () => console.log('finish'));\n\
               res.end('ok');\n\
               console.log(JSON.stringify(res._chunks), res.finished, res.writableEnded, res.headersSent, req.complete, req._flowing);\n\
               setImmediate(() => console.log('later', req.complete, req._flowing, req._unread));\n\
             }});\n\
             {}\n\
             server.listen(3000);\n",
            if replace_emit { "server.emit = function (...args) { return EventEmitter.prototype.emit.apply(this, args); };" } else { "" }
        )
    };
    let native = run_source(&script(false), Settings::default(), false);
    let in_js = run_source(&script(true), Settings::default(), false);
    assert!(native.errors.is_empty() && in_js.errors.is_empty(), "{:?} {:?}", native.errors, in_js.errors);
    assert_eq!(native.console.len(), 8, "{:?}", native.console);
    assert_eq!(native.console, in_js.console);
}
