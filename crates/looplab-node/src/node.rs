//! Node's API surface, and [`JsGuest`]: the VM as the engine's guest.
//!
//! Each API validates its arguments as Node does (a missing callback is a
//! `TypeError` with Node's `ERR_INVALID_ARG_TYPE` wording), then hands the
//! work to the engine through [`Host`]: timers and immediates to the loop,
//! file and crypto work to the thread pool.

use crate::buffer::BufferData;
use crate::bytecode::Code;
use crate::compile::{compile_module, CompileError};
use crate::value::*;
use crate::vm::{Job, JsResult, Unwind, Vm};
use looplab_core::{Callback, FnRef, Guest, Host, HostValue, ScriptError};
use std::collections::BTreeMap;
use std::rc::Rc;

/// `Date.now()` at virtual time zero: 2026-01-01T00:00:00Z.
pub const EPOCH_MS: f64 = 1_767_225_600_000.0;
/// The directory the main module runs from (`__dirname`).
pub const MAIN_DIR: &str = "/app";

/// Virtual pool time of `crypto.pbkdf2` per iteration with SHA-512, in
/// nanoseconds: real Node v20 took ~100 ms for 100,000 iterations of a
/// 64-byte key on the corpus machine (`shared/corpus/timing.json`).
const PBKDF2_NS_PER_ITERATION: u64 = 1_000;

/// getaddrinfo for `localhost` or an IP literal (no network).
const DNS_LOCAL_US: u64 = 100;
/// One DNS round trip to a resolver on the network.
const DNS_NETWORK_US: u64 = 20_000;

/// A stable address in TEST-NET-3 (RFC 5737) for a simulated host name.
fn documentation_address(hostname: &str) -> String {
    let hash = hostname.bytes().fold(7u32, |hash, byte| hash.wrapping_mul(31).wrapping_add(u32::from(byte)));
    format!("203.0.113.{}", 1 + hash % 254)
}

/// Virtual time and output size of a zlib operation: compressing runs at
/// about 50 MB/s (level 6 on compressible data), inflating at ~200 MB/s.
fn zlib_cost(name: &str, size: u64) -> (u64, u64) {
    if name.ends_with("gzip") || name.ends_with("deflate") {
        (20 + size / 50, size / 4 + 20)
    } else {
        (10 + size / 200, size.saturating_mul(4))
    }
}

/// Time for `new Worker` to start running the worker's script: Node
/// creates an isolate and bootstraps its own loop. Real Node v20 took
/// ~30 ms (timing.json, "http_fast_vs_heavy": /heavy in a worker answered
/// in 229-232 ms for 200 ms of work).
const WORKER_STARTUP_US: u64 = 30_000;

/// Runs a JavaScript program as the simulation's guest: one VM per JS
/// thread (the main thread and each `worker_threads` Worker), like Node's
/// isolates, sharing nothing but the process's thread pool.
pub struct JsGuest {
    threads: Vec<Option<ThreadGuest>>,
    /// The scenario's files by path (see [`crate::split_files`]).
    files: Rc<BTreeMap<String, String>>,
    /// Workers' code and environment, waiting for their thread to start.
    pending: BTreeMap<u32, crate::vm::Spawned>,
    /// Every object the run allocates, freed with the guest (see
    /// [`crate::heap`]). Every entry point below enters it first.
    heap: Rc<crate::heap::Heap>,
}

impl Drop for JsGuest {
    fn drop(&mut self) {
        self.heap.break_cycles();
    }
}

impl JsGuest {
    /// Compiles the main file (the first); errors carry line and column.
    pub fn new(files: Vec<crate::ScenarioFile>) -> Result<JsGuest, Vec<CompileError>> {
        let main_path = files.first().map_or_else(|| format!("{MAIN_DIR}/main.js"), |file| file.path.clone());
        let main_source = files.first().map(|file| file.source.clone()).unwrap_or_default();
        let files: Rc<BTreeMap<String, String>> = Rc::new(files.into_iter().map(|file| (file.path, file.source)).collect());
        let heap = crate::heap::Heap::new();
        let main = {
            let _entered = crate::heap::enter(&heap);
            ThreadGuest::new(&main_source, 0, files.clone(), main_path)
        };
        Ok(JsGuest { threads: vec![Some(main?)], files, pending: BTreeMap::new(), heap })
    }

    /// The run's heap: how many of its objects are alive (for tests that it
    /// is freed with the run).
    pub fn heap(&self) -> Rc<crate::heap::Heap> {
        self.heap.clone()
    }

    fn thread(&mut self, thread: u32) -> Option<&mut ThreadGuest> {
        self.threads.get_mut(thread as usize).and_then(Option::as_mut)
    }

    /// Collects the workers a callback spawned.
    fn collect_spawned(&mut self, thread: u32) {
        if let Some(guest) = self.thread(thread) {
            let spawned = std::mem::take(&mut guest.vm.spawned);
            self.pending.extend(spawned);
        }
    }
}

impl Guest for JsGuest {
    fn run_main(&mut self, host: &mut Host<'_>) {
        let _entered = crate::heap::enter(&self.heap);
        let thread = host.thread();
        if thread != 0 {
            let Some(spawned) = self.pending.remove(&thread) else {
                return;
            };
            // 'online' reaches the parent as the worker starts running.
            host.post_message(0, u64::from(thread), "{\"%online\":true}".to_string());
            if let Some(message) = spawned.load_error {
                let payload = format!("{{\"%error\":{}}}", crate::builtins::json_quote(&message));
                host.post_message(0, u64::from(thread), payload);
                host.exit(1);
                return;
            }
            match ThreadGuest::new(&spawned.source, thread, self.files.clone(), spawned.filename) {
                Ok(mut guest) => {
                    guest.set_env(&spawned.env_json);
                    if self.threads.len() <= thread as usize {
                        self.threads.resize_with(thread as usize + 1, || None);
                    }
                    self.threads[thread as usize] = Some(guest);
                }
                Err(errors) => {
                    let message = errors.first().map(|error| format!("{} (worker code {}:{})", error.message, error.line, error.column)).unwrap_or_default();
                    let payload = format!("{{\"%error\":{}}}", crate::builtins::json_quote(&message));
                    host.post_message(0, u64::from(thread), payload);
                    host.exit(1);
                    return;
                }
            }
        }
        if let Some(guest) = self.thread(thread) {
            guest.run_main(host);
        }
        self.collect_spawned(thread);
    }

    fn call(&mut self, func: FnRef, args: &[HostValue], host: &mut Host<'_>) {
        let _entered = crate::heap::enter(&self.heap);
        // A thread-per-request server's threads run the main program.
        let thread = host.isolate();
        if let Some(guest) = self.thread(thread) {
            guest.call(func, args, host);
        }
        self.collect_spawned(thread);
    }

    fn source_line(&self, func: FnRef) -> u32 {
        // Workers' functions are in their own files: only the main thread's
        // lines belong to the editor's text.
        let Some(guest) = self.threads.first().and_then(Option::as_ref) else { return 0 };
        match guest.vm.jobs.get(func.0 as usize).and_then(Option::as_ref) {
            Some(Job::Call { function, .. }) => function_line(function),
            Some(Job::Reaction { handler: crate::value::Handler::Function(function), .. }) => function_line(function),
            // A load client's request runs the server's first 'request'
            // listener: the handler the script gave createServer or `on`.
            Some(Job::LoadRequest { server }) => first_listener_line(server, "request"),
            _ => 0,
        }
    }

    fn has_process_listeners(&self, thread: u32, event: &str) -> bool {
        self.threads.get(thread as usize).and_then(Option::as_ref).is_some_and(|guest| !process_listeners(&guest.vm, event).is_empty())
    }

    fn emit_process_event(&mut self, event: &str, code: i32, host: &mut Host<'_>) {
        let _entered = crate::heap::enter(&self.heap);
        let thread = host.thread();
        if let Some(guest) = self.thread(thread) {
            guest.vm.enter_callback();
            let outcome = emit_process(&mut guest.vm, host, event, code);
            guest.finish(outcome, host);
        }
    }

    fn deliver_message(&mut self, port: u64, payload: &str, host: &mut Host<'_>) {
        let _entered = crate::heap::enter(&self.heap);
        let thread = host.thread();
        if let Some(guest) = self.thread(thread) {
            let outcome = guest.deliver(port, payload, host);
            guest.finish(outcome, host);
        }
        self.collect_spawned(thread);
    }

    fn thread_exited(&mut self, code: i32, host: &mut Host<'_>) {
        let _entered = crate::heap::enter(&self.heap);
        let thread = host.thread();
        host.post_message(0, u64::from(thread), format!("{{\"%exit\":{code}}}"));
    }
}

/// Where a closure is defined (0 for Node's own modules). A native that
/// wraps the user's function (`readFileDone`) is where that function is.
/// The line of the first function in `emitter._events[name]` (a list or a
/// single function), read without running any script code.
fn first_listener_line(emitter: &Value, name: &str) -> u32 {
    let Some(events) = emitter.as_object().and_then(|object| crate::value::lookup(object, "_events")) else { return 0 };
    let Some(listeners) = events.as_object().and_then(|object| object.borrow().own(name).cloned()) else { return 0 };
    let first = match listeners.as_object().map(|object| object.borrow()) {
        Some(borrowed) => match &borrowed.class {
            Class::Array(items) => items.first().cloned(),
            _ => Some(listeners.clone()),
        },
        None => None,
    };
    first.as_ref().map_or(0, function_line)
}

fn function_line(function: &Value) -> u32 {
    match function.as_object().map(|object| object.borrow()) {
        Some(borrowed) => match &borrowed.class {
            Class::Function(Function::Closure(closure)) => closure.code.line,
            Class::Function(Function::Native(native)) => native.captured.iter().map(function_line).find(|line| *line > 0).unwrap_or(0),
            _ => 0,
        },
        None => 0,
    }
}

/// One JS thread's VM and main script.
struct ThreadGuest {
    vm: Vm,
    main: Rc<Code>,
    /// The main script's `__filename`.
    filename: String,
}

impl ThreadGuest {
    fn new(source: &str, thread: u32, files: Rc<BTreeMap<String, String>>, filename: String) -> Result<ThreadGuest, Vec<CompileError>> {
        let main = compile_module(source)?;
        let mut vm = Vm::new(crate::builtins::new_realm());
        vm.files = files;
        crate::builtins::install(&mut vm);
        install_globals(&mut vm);
        vm.realm.global.borrow_mut().set_own("%threadId", Value::Number(f64::from(thread)));
        Ok(ThreadGuest { vm, main, filename })
    }

    /// Replaces `process.env` with a copy of the parent's.
    fn set_env(&mut self, env_json: &str) {
        let env = crate::builtins::json_parse_value(&self.vm, env_json).unwrap_or_default();
        let process = self.vm.realm.global.borrow().own("process").cloned();
        if let (Some(Value::Object(process)), Value::Object(_)) = (process, &env) {
            process.borrow_mut().set_own("env", env);
        }
    }

    /// A message from another thread: on the main thread it is for the
    /// Worker object of `port` (or is its 'online'/'exit'/'error'); in a
    /// worker it is for `parentPort`.
    fn deliver(&mut self, port: u64, payload: &str, host: &mut Host<'_>) -> JsResult<()> {
        self.vm.enter_callback();
        let vm = &mut self.vm;
        let value = crate::builtins::json_parse_value(vm, payload).unwrap_or_default();
        let target = if host.thread() == 0 {
            let workers = vm.realm.global.borrow().own("%workers").cloned().unwrap_or_default();
            vm.get(&workers, &port.to_string())?
        } else {
            vm.realm.global.borrow().own("%parentPort").cloned().unwrap_or_default()
        };
        if target.is_nullish() {
            return Ok(());
        }
        let emit = vm.get(&target, "emit")?;
        let control = |key: &str| -> Option<Value> {
            match &value {
                Value::Object(object) => object.borrow().own(key).cloned(),
                _ => None,
            }
        };
        let args = if control("%online").is_some() {
            vec![Value::str("online")]
        } else if let Some(code) = control("%exit") {
            // The Worker handle stops keeping the parent's loop alive.
            host.ref_handle(false);
            vec![Value::str("exit"), code]
        } else if let Some(message) = control("%error") {
            let message = vm.to_string(&message);
            let name = control("%name").map(|name| vm.to_string(&name).to_string()).unwrap_or_else(|| "Error".to_string());
            vec![Value::str("error"), vm.make_error(&name, &message)]
        } else {
            vec![Value::str("message"), value]
        };
        vm.call(host, &emit, target, args)?;
        Ok(())
    }

    /// Turns an unwinding from a callback into what Node does: an uncaught
    /// exception is printed to stderr and the process exits with code 1.
    fn finish(&mut self, outcome: JsResult<()>, host: &mut Host<'_>) {
        self.vm.flush_cpu(host);
        match outcome {
            Ok(()) => {}
            Err(Unwind::Throw(error)) => self.uncaught(error, host),
            Err(Unwind::Halt) => {
                let reason = self.vm.halted.clone().unwrap_or_else(|| "stopped".to_string());
                if reason != "process.exit" {
                    host.halt(&reason);
                }
            }
        }
        if let Some(rejected) = self.vm.unhandled_rejections.first().cloned() {
            // Node's default `--unhandled-rejections=throw`: the rejection
            // becomes an uncaught exception once the microtasks are drained.
            // Checked here, after the callback: close enough for output.
            let reason = match &rejected.borrow().class {
                Class::Promise(PromiseState::Rejected(reason)) => reason.clone(),
                _ => Value::Undefined,
            };
            self.vm.unhandled_rejections.clear();
            self.uncaught(reason, host);
        }
    }

    fn uncaught(&mut self, error: Value, host: &mut Host<'_>) {
        let thread = host.thread();
        if thread != 0 && !host.is_server_thread() {
            // In a worker thread an uncaught exception is not printed: the
            // parent's Worker emits 'error' with it, then 'exit' with code 1
            // (Node docs, worker_threads, "Event: 'error'").
            let (name, message) = match &error {
                Value::Object(_) => {
                    let name = self.vm.get(&error, "name").map(|name| self.vm.to_string(&name).to_string()).unwrap_or_default();
                    let message = self.vm.get(&error, "message").map(|message| self.vm.to_string(&message).to_string()).unwrap_or_default();
                    (if name.is_empty() { "Error".to_string() } else { name }, message)
                }
                other => ("Error".to_string(), format!("Uncaught {}", crate::builtins::inspect(&self.vm, other, 0, true))),
            };
            let _ = self.vm.error_position.take();
            let payload = format!("{{\"%error\":{},\"%name\":{}}}", crate::builtins::json_quote(&message), crate::builtins::json_quote(&name));
            host.post_message(0, u64::from(thread), payload);
            let _ = emit_process(&mut self.vm, host, "exit", 1);
            self.vm.flush_cpu(host);
            host.exit(1);
            return;
        }
        let text = crate::builtins::inspect(&self.vm, &error, 0, false);
        let message = match &error {
            Value::Object(_) => self.vm.to_string(&error).to_string(),
            other => format!("Uncaught {}", crate::builtins::inspect(&self.vm, other, 0, true)),
        };
        host.console_error(&text);
        let (line, column) = self.vm.error_position.take().unwrap_or((0, 0));
        host.report_error(ScriptError { line, column, message });
        // Node emits 'exit' with code 1 before the process dies; an error in
        // a listener there is ignored.
        let _ = emit_process(&mut self.vm, host, "exit", 1);
        self.vm.flush_cpu(host);
        host.exit(1);
    }
}

/// The listeners registered with `process.on(event, …)`.
fn process_listeners(vm: &Vm, event: &str) -> Vec<Value> {
    let listeners = vm.realm.global.borrow().own("%processListeners").cloned();
    let Some(Value::Object(listeners)) = listeners else {
        return Vec::new();
    };
    let list = listeners.borrow().own(event).cloned();
    match list {
        Some(Value::Object(array)) => match &array.borrow().class {
            Class::Array(items) => items.clone(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Calls every listener of a process event, in registration order.
fn emit_process(vm: &mut Vm, host: &mut Host<'_>, event: &str, code: i32) -> JsResult<()> {
    for listener in process_listeners(vm, event) {
        vm.call(host, &listener, Value::Undefined, vec![Value::Number(f64::from(code))])?;
    }
    Ok(())
}

impl ThreadGuest {
    fn run_main(&mut self, host: &mut Host<'_>) {
        self.vm.enter_callback();
        let env = Env::new(0, None);
        let exports = Value::Object(self.vm.new_object());
        let module = self.vm.new_object();
        module.borrow_mut().set_own("exports", exports.clone());
        let require = self.vm.native("require", NativeOp::Require, Vec::new());
        let dirname = self.filename.rsplit_once('/').map_or(MAIN_DIR, |(dirname, _)| if dirname.is_empty() { "/" } else { dirname });
        let args = vec![exports, require, Value::Object(module), Value::str(&self.filename), Value::str(dirname)];
        let code = self.main.clone();
        let outcome = self.vm.call_closure(host, code, env, Value::Undefined, args, None).map(|_| ());
        self.finish(outcome, host);
    }

    fn call(&mut self, func: FnRef, args: &[HostValue], host: &mut Host<'_>) {
        self.vm.enter_callback();
        let Some(job) = self.vm.take_job(func.0) else {
            return;
        };
        let outcome = match job {
            Job::Call { function, args: bound, repeat } => {
                let mut all: Vec<Value> = args.iter().map(|value| host_value(&self.vm, value)).collect();
                all.extend(bound.iter().cloned());
                if repeat {
                    // setInterval's callback stays registered for the next run.
                    self.vm.restore_job(func.0, Job::Call { function: function.clone(), args: bound, repeat });
                }
                self.vm.call(host, &function, Value::Undefined, all).map(|_| ())
            }
            Job::LoadRequest { server } => {
                self.vm.restore_job(func.0, Job::LoadRequest { server: server.clone() });
                let mut values = args.iter().map(|value| host_value(&self.vm, value));
                let mut next = || values.next().unwrap_or_default();
                let (id, method, path) = (next(), next(), next());
                crate::http_load::load_request(&mut self.vm, host, &server, id, method, path)
            }
            other => self.vm.run_job(host, other),
        };
        self.finish(outcome, host);
    }
}

fn host_value(vm: &Vm, value: &HostValue) -> Value {
    match value {
        HostValue::Undefined => Value::Undefined,
        HostValue::Null => Value::Null,
        HostValue::Number(n) => Value::Number(*n),
        HostValue::Str(text) => Value::str(text),
        HostValue::Shared(text) => Value::String(text.clone()),
        HostValue::StrList(items) => vm.new_array(items.iter().map(|item| Value::str(item)).collect()),
        HostValue::Buffer(length) => crate::buffer::new_buffer(vm, BufferData::Sized(*length)),
        HostValue::Error { code, message } => {
            let error = vm.make_error("Error", message);
            let _ = vm_set_plain(&error, "code", Value::str(code));
            error
        }
    }
}

fn vm_set_plain(target: &Value, key: &str, value: Value) -> Option<()> {
    target.as_object()?.borrow_mut().set_own(key, value);
    Some(())
}

fn node_fn(vm: &Vm, name: &str) -> Value {
    vm.native(name, NativeOp::Node, Vec::new())
}

fn module_object(vm: &Vm, prefix: &str, names: &[&str]) -> Value {
    let object = vm.new_object();
    for name in names {
        let short = name.rsplit('.').next().unwrap_or(name);
        object.borrow_mut().set_own(short, node_fn(vm, &format!("{prefix}.{name}")));
    }
    Value::Object(object)
}

fn install_globals(vm: &mut Vm) {
    let global = vm.realm.global.clone();
    for name in ["setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "clearImmediate", "queueMicrotask"] {
        global.borrow_mut().set_own(name, node_fn(vm, name));
    }
    let process = module_object(vm, "process", &["nextTick", "on", "once", "exit", "cwd", "hrtime", "memoryUsage", "uptime", "emitWarning"]);
    let env = vm.new_object();
    vm_set_plain(&process, "env", Value::Object(env));
    vm_set_plain(&process, "argv", vm.new_array(vec![Value::str("/usr/local/bin/node"), Value::str(&format!("{MAIN_DIR}/main.js"))]));
    vm_set_plain(&process, "platform", Value::str("linux"));
    vm_set_plain(&process, "pid", Value::Number(4242.0));
    vm_set_plain(&process, "version", Value::str("v20.20.2"));
    vm_set_plain(&process, "exitCode", Value::Undefined);
    global.borrow_mut().set_own("process", process);
    // Looplab's simulated database: the articles call `db.findUser(id)`
    // without defining `db`; here every call is a network round trip to a
    // database server (kernel I/O, no thread) that resolves a promise.
    let db = module_object(vm, "db", &["query", "findUser", "find", "findOne", "findById", "get", "insert", "update", "delete"]);
    global.borrow_mut().set_own("db", db);
    let buffer = module_object(vm, "Buffer", crate::buffer::STATIC_METHODS);
    global.borrow_mut().set_own("Buffer", buffer);
    for method in crate::buffer::PROTOTYPE_METHODS {
        let function = node_fn(vm, &format!("Buffer.prototype.{method}"));
        vm.realm.buffer_prototype.borrow_mut().set_own(method, function);
    }
}

/// `require(name)`.
pub fn require(vm: &mut Vm, _host: &mut Host<'_>, name: &Value) -> JsResult<Value> {
    let cache_key = format!("%module:{}", vm.to_string(name).trim_start_matches("node:"));
    if let Some(cached) = vm.realm.global.borrow().own(&cache_key).cloned() {
        return Ok(cached);
    }
    let name = vm.to_string(name);
    let name = name.strip_prefix("node:").unwrap_or(&name).to_string();
    if name.starts_with("./") || name.starts_with("../") || name.starts_with('/') {
        return require_file(vm, _host, &name);
    }
    let module = match name.as_str() {
        "fs" => {
            let fs = module_object(
                vm,
                "fs",
                &["readFile", "readFileSync", "writeFile", "writeFileSync", "existsSync", "mkdirSync", "stat", "statSync", "unlinkSync", "appendFileSync"],
            );
            let promises = module_object(vm, "fs.promises", &["readFile", "writeFile", "stat"]);
            vm_set_plain(&fs, "promises", promises);
            let streams = js_module(vm, _host, "fs_streams", include_str!(concat!(env!("OUT_DIR"), "/fs_streams.js")))?;
            for name in ["createReadStream", "ReadStream"] {
                let value = vm.get(&streams, name)?;
                vm_set_plain(&fs, name, value);
            }
            fs
        }
        "fs/promises" => module_object(vm, "fs.promises", &["readFile", "writeFile", "stat"]),
        "crypto" => module_object(vm, "crypto", &["pbkdf2", "pbkdf2Sync", "randomBytes", "randomUUID", "createHash"]),
        "path" => module_object(vm, "path", &["join", "resolve", "dirname", "basename", "extname"]),
        "timers" => {
            let timers = vm.new_object();
            for name in ["setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "clearImmediate"] {
                timers.borrow_mut().set_own(name, node_fn(vm, name));
            }
            Value::Object(timers)
        }
        "os" => module_object(vm, "os", &["cpus", "availableParallelism", "totalmem", "freemem", "platform"]),
        "%dnsbinding" => module_object(vm, "dns", &["lookup", "resolve", "resolve4"]),
        "dns" => return js_module(vm, _host, "dns", include_str!(concat!(env!("OUT_DIR"), "/dns.js"))),
        "dgram" => return js_module(vm, _host, "dgram", include_str!(concat!(env!("OUT_DIR"), "/dgram.js"))),
        "util" => return js_module(vm, _host, "util", include_str!(concat!(env!("OUT_DIR"), "/util.js"))),
        "timers/promises" => return js_module(vm, _host, "timers/promises", include_str!(concat!(env!("OUT_DIR"), "/timers_promises.js"))),
        "perf_hooks" => return js_module(vm, _host, "perf_hooks", include_str!(concat!(env!("OUT_DIR"), "/perf_hooks.js"))),
        "%utilbinding" => module_object(vm, "utilbinding", &["format", "inspect"]),
        "%perfbinding" => module_object(vm, "perfbinding", &["elu"]),
        "events" => return js_module(vm, _host, "events", include_str!(concat!(env!("OUT_DIR"), "/events.js"))),
        "%fsbinding" => module_object(vm, "fsbinding", &["open", "read", "close"]),
        "%netbinding" => module_object(vm, "netbinding", &["hop", "ref", "nextPort", "close", "listen", "unlisten", "respond", "httpSetup"]),
        "net" => return js_module(vm, _host, "net", include_str!(concat!(env!("OUT_DIR"), "/net.js"))),
        "%workerbinding" => module_object(vm, "workerbinding", &["spawn", "post", "threadId", "ref", "register", "setParentPort"]),
        "worker_threads" => return js_module(vm, _host, "worker_threads", include_str!(concat!(env!("OUT_DIR"), "/worker_threads.js"))),
        "http" => return js_module(vm, _host, "http", include_str!(concat!(env!("OUT_DIR"), "/http.js"))),
        "express" => return js_module(vm, _host, "express", include_str!(concat!(env!("OUT_DIR"), "/express.js"))),
        "zlib" => module_object(vm, "zlib", &["gzip", "gunzip", "deflate", "inflate", "gzipSync", "gunzipSync", "deflateSync", "inflateSync"]),
        other => {
            let message = format!(
                "not supported in Looplab: require('{other}') (supported: fs, crypto, dns, dgram, zlib, events, http, express, net, worker_threads, path, timers, timers/promises, os, util, perf_hooks; more Node modules are coming)"
            );
            return vm.throw_error("Error", &message);
        }
    };
    Ok(module)
}

/// A scenario file by path, trying `.js` as Node's resolver does: its text
/// and its path.
fn scenario_file(vm: &Vm, path: &str) -> Option<(String, String)> {
    [path.to_string(), format!("{path}.js"), format!("{path}/index.js")]
        .into_iter()
        .find_map(|candidate| vm.files.get(&candidate).map(|source| (source.clone(), candidate)))
}

/// Node's `MODULE_NOT_FOUND`, with how a scenario holds more than one file.
/// The message is Node's own, word for word; README's "More than one file"
/// says how a scenario holds other files.
fn module_not_found<T>(vm: &Vm, request: &str) -> JsResult<T> {
    let message = format!("Cannot find module '{request}'\nRequire stack:\n- {MAIN_DIR}/main.js");
    let error = vm.make_error("Error", &message);
    vm_set_plain(&error, "code", Value::str("MODULE_NOT_FOUND"));
    Err(Unwind::Throw(error))
}

/// `require('./x')`: a scenario file, run once as a CommonJS module and
/// cached by path, as Node's module cache does.
fn require_file(vm: &mut Vm, host: &mut Host<'_>, request: &str) -> JsResult<Value> {
    let Some((source, path)) = scenario_file(vm, &resolve_path(request)) else { return module_not_found(vm, request) };
    let dirname = path.rsplit_once('/').map_or(MAIN_DIR.to_string(), |(dirname, _)| dirname.to_string());
    run_commonjs(vm, host, &format!("%file:{path}"), &source, &path, &dirname)
}

/// A Node module written in JavaScript (`src/lib_js/`): compiled and run
/// once, on its first `require`, then cached like Node's module cache.
fn js_module(vm: &mut Vm, host: &mut Host<'_>, name: &str, source: &str) -> JsResult<Value> {
    run_commonjs(vm, host, &format!("%module:{name}"), source, &format!("node:{name}"), "node:")
}

/// Clears a freshly compiled module's source positions: errors inside
/// Node's own modules point at the user's calling line instead.
fn without_positions(mut code: Rc<Code>) -> Rc<Code> {
    if let Some(inner) = Rc::get_mut(&mut code) {
        inner.lines.iter_mut().for_each(|position| *position = (0, 0));
        inner.functions = std::mem::take(&mut inner.functions).into_iter().map(without_positions).collect();
    }
    code
}

/// Compiles and runs a CommonJS module once, caching its exports.
fn run_commonjs(vm: &mut Vm, host: &mut Host<'_>, cache_key: &str, source: &str, filename: &str, dirname: &str) -> JsResult<Value> {
    if let Some(cached) = vm.realm.global.borrow().own(cache_key).cloned() {
        return Ok(cached);
    }
    let code = match compile_module(source) {
        Ok(code) if filename.starts_with("node:") => without_positions(code),
        Ok(code) => code,
        Err(errors) => {
            let first = errors.first().map(|error| format!("{} at {}:{}", error.message, error.line, error.column)).unwrap_or_default();
            return vm.throw_error("SyntaxError", &format!("{filename}: {first}"));
        }
    };
    let exports = Value::Object(vm.new_object());
    let module = vm.new_object();
    module.borrow_mut().set_own("exports", exports.clone());
    // Cached before it runs, so a require cycle sees the partial exports.
    vm.realm.global.borrow_mut().set_own(cache_key, exports.clone());
    let require = vm.native("require", NativeOp::Require, Vec::new());
    let args = vec![exports, require, Value::Object(module.clone()), Value::str(filename), Value::str(dirname)];
    vm.call_closure(host, code, Env::new(0, None), Value::Undefined, args, None)?;
    let exported = module.borrow().own("exports").cloned().unwrap_or_default();
    vm.realm.global.borrow_mut().set_own(cache_key, exported.clone());
    Ok(exported)
}

/// An internal object kept on the global under a `%` name, made on first use.
fn hidden_global(vm: &Vm, name: &str) -> Value {
    if let Some(existing) = vm.realm.global.borrow().own(name).cloned() {
        return existing;
    }
    let created = Value::Object(vm.new_object());
    vm.realm.global.borrow_mut().set_own(name, created.clone());
    created
}

fn arg(args: &[Value], index: usize) -> Value {
    args.get(index).cloned().unwrap_or_default()
}

/// Node's `ERR_INVALID_ARG_TYPE` for a callback that is not a function.
fn require_callback(vm: &Vm, value: &Value, name: &str) -> JsResult<()> {
    if value.is_callable() {
        return Ok(());
    }
    let received = match value {
        Value::Undefined => "undefined".to_string(),
        other => format!("type {} ({})", other.type_of(), vm.to_string(other)),
    };
    vm.throw_error("TypeError", &format!("The \"{name}\" argument must be of type function. Received {received}"))
}

/// Registers a callback the engine will call back, named for the UI.
fn callback(vm: &mut Vm, function: &Value, bound: Vec<Value>, repeat: bool) -> Callback {
    let name = vm.function_label(function);
    let index = vm.add_job(Job::Call { function: function.clone(), args: bound, repeat });
    Callback { func: FnRef(index), name }
}

/// A `Timeout` or `Immediate` object. Its methods live on one shared
/// prototype, as on Node's `Timeout.prototype`, made on first use.
fn timer_handle(vm: &mut Vm, kind: HostKind, id: u64) -> Value {
    let prototype = match &vm.timer_prototype {
        Some(prototype) => prototype.clone(),
        None => {
            let prototype = Object::new(Class::Plain, Some(vm.realm.object_prototype.clone()));
            for method in ["unref", "ref", "hasRef", "refresh"] {
                prototype.borrow_mut().set_own(method, vm.native(&format!("Timeout.{method}"), NativeOp::Node, Vec::new()));
            }
            vm.timer_prototype = Some(prototype.clone());
            prototype
        }
    };
    Value::Object(Object::new(Class::Host(kind, id), Some(prototype)))
}

fn handle_id(value: &Value) -> Option<(HostKind, u64)> {
    match &value.as_object()?.borrow().class {
        Class::Host(kind, id) => Some((*kind, *id)),
        _ => None,
    }
}

fn path_normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

fn resolve_path(path: &str) -> String {
    if path.starts_with('/') {
        path_normalize(path)
    } else {
        path_normalize(&format!("{MAIN_DIR}/{path}"))
    }
}

/// Calls one of Node's functions, by its qualified name.
pub fn call(vm: &mut Vm, host: &mut Host<'_>, name: &str, _captured: &[Value], this: Value, args: Vec<Value>) -> JsResult<Value> {
    let a0 = arg(&args, 0);
    vm.flush_cpu(host);
    Ok(match name {
        "setTimeout" | "setInterval" => {
            require_callback(vm, &a0, "callback")?;
            let delay = match arg(&args, 1) {
                Value::Undefined => 1.0,
                delay => vm.to_number(&delay),
            };
            let repeat = name == "setInterval";
            let cb = callback(vm, &a0, args.iter().skip(2).cloned().collect(), repeat);
            let id = if repeat { host.set_interval(cb, delay) } else { host.set_timeout(cb, delay) };
            timer_handle(vm, if repeat { HostKind::Interval } else { HostKind::Timeout }, id)
        }
        "setImmediate" => {
            require_callback(vm, &a0, "callback")?;
            let cb = callback(vm, &a0, args.iter().skip(1).cloned().collect(), false);
            let id = host.set_immediate(cb);
            timer_handle(vm, HostKind::Immediate, id)
        }
        "clearTimeout" | "clearInterval" | "clearImmediate" => {
            if let Some((kind, id)) = handle_id(&a0) {
                match kind {
                    HostKind::Immediate => host.clear_immediate(id),
                    _ => host.clear_timer(id),
                }
            }
            Value::Undefined
        }
        "Timeout.unref" | "Timeout.ref" => {
            if let Some((_, id)) = handle_id(&this) {
                host.set_timer_ref(id, name == "Timeout.ref");
            }
            this
        }
        "Timeout.hasRef" => Value::Bool(true),
        "Timeout.refresh" => this,
        "queueMicrotask" => {
            require_callback(vm, &a0, "callback")?;
            let cb = callback(vm, &a0, Vec::new(), false);
            host.queue_microtask(cb);
            Value::Undefined
        }
        "process.nextTick" => {
            require_callback(vm, &a0, "callback")?;
            let cb = callback(vm, &a0, args.iter().skip(1).cloned().collect(), false);
            host.next_tick(cb);
            Value::Undefined
        }
        "process.on" | "process.once" => {
            // 'exit' and 'beforeExit' listeners: see `process_event`.
            let event = vm.to_string(&a0).to_string();
            let listeners = hidden_global(vm, "%processListeners");
            let list = match vm.get(&listeners, &event)? {
                Value::Undefined => {
                    let list = vm.new_array(Vec::new());
                    vm.set(&listeners, &event, list.clone())?;
                    list
                }
                list => list,
            };
            if let Some(Value::Object(array)) = Some(list) {
                if let Class::Array(items) = &mut array.borrow_mut().class {
                    items.push(arg(&args, 1));
                }
            }
            let process = vm.realm.global.borrow().own("process").cloned().unwrap_or_default();
            process
        }
        "process.exit" => {
            let code = match a0 {
                Value::Undefined => 0.0,
                code => vm.to_number(&code),
            };
            // process.exit emits 'exit' synchronously, then ends the process.
            emit_process(vm, host, "exit", code as i32)?;
            vm.flush_cpu(host);
            host.exit(code as i32);
            vm.halted = Some("process.exit".to_string());
            return Err(Unwind::Halt);
        }
        "process.cwd" => Value::str(MAIN_DIR),
        "process.hrtime" => {
            let now_ns = host.now_us() * 1000;
            vm.new_array(vec![Value::Number((now_ns / 1_000_000_000) as f64), Value::Number((now_ns % 1_000_000_000) as f64)])
        }
        "process.uptime" => Value::Number(host.now_us() as f64 / 1e6),
        "process.memoryUsage" => {
            let usage = vm.new_object();
            for key in ["rss", "heapTotal", "heapUsed", "external"] {
                usage.borrow_mut().set_own(key, Value::Number(40.0 * 1024.0 * 1024.0));
            }
            Value::Object(usage)
        }
        "process.emitWarning" => Value::Undefined,
        "fs.readFile" | "fs.promises.readFile" => {
            let path = resolve_path(&vm.to_string(&a0));
            let (promise, function) = if name == "fs.promises.readFile" {
                let promise = vm.new_promise();
                let settle = vm.native("readFile", NativeOp::Node, vec![Value::Object(promise.clone())]);
                (Some(promise), settle)
            } else {
                let function = if arg(&args, 1).is_callable() { arg(&args, 1) } else { arg(&args, 2) };
                require_callback(vm, &function, "cb")?;
                (None, function)
            };
            let encoding = match arg(&args, 1) {
                Value::String(encoding) => Some(encoding),
                Value::Object(options) => match lookup(&options, "encoding") {
                    Some(Value::String(encoding)) => Some(encoding),
                    _ => None,
                },
                _ => None,
            };
            let bound = encoding.map(|encoding| vec![Value::String(encoding)]).unwrap_or_default();
            let function = vm.native("readFileDone", NativeOp::Node, vec![function, Value::Bool(promise.is_some())]);
            let _ = bound;
            let cb = callback(vm, &function, Vec::new(), false);
            sync_pool_size(vm, host);
            host.read_file(&path, Callback { name: vm_label(vm, &args, name).into(), ..cb });
            match promise {
                Some(promise) => Value::Object(promise),
                None => Value::Undefined,
            }
        }
        "readFileDone" => {
            // (err, buffer) from the engine; hand the user (err, data).
            let target = arg(_captured, 0);
            let is_promise = arg(_captured, 1).truthy();
            let data = arg(&args, 1);
            let data = match &data {
                Value::Object(object) => match &object.borrow().class {
                    Class::Buffer(buffer) => Value::str(&crate::buffer::placeholder_text(buffer.len())),
                    _ => data.clone(),
                },
                _ => data,
            };
            if is_promise {
                return call(vm, host, "readFile", &[target], Value::Undefined, vec![a0, data]);
            }
            vm.call(host, &target, Value::Undefined, vec![a0, data])?
        }
        "readFile" => {
            // The settle step of fs.promises.readFile.
            let Some(Value::Object(promise)) = _captured.first().cloned() else {
                return Ok(Value::Undefined);
            };
            if a0.is_nullish() {
                vm.resolve_promise(host, &promise, arg(&args, 1))?;
            } else {
                vm.reject_promise(host, &promise, a0);
            }
            Value::Undefined
        }
        "fs.readFileSync" | "fs.statSync" | "fs.existsSync" | "fs.writeFileSync" | "fs.mkdirSync" | "fs.unlinkSync" | "fs.appendFileSync" => {
            // A synchronous fs call blocks the main thread for the disk's time.
            let path = resolve_path(&vm.to_string(&a0));
            let disk = host.disk().clone();
            match name {
                "fs.existsSync" => {
                    host.spend_cpu_us(disk.stat_us);
                    Value::Bool(host.file_size(&path).is_some() || path == MAIN_DIR || path == "/")
                }
                "fs.mkdirSync" | "fs.unlinkSync" => {
                    host.spend_cpu_us(disk.stat_us);
                    Value::Undefined
                }
                "fs.writeFileSync" | "fs.appendFileSync" => {
                    let data = arg(&args, 1);
                    let size = crate::buffer::byte_length(vm, &data);
                    host.spend_cpu_us(disk.open_us + disk.read_us(size) + disk.close_us);
                    let existing = if name == "fs.appendFileSync" { host.file_size(&path).unwrap_or(0) } else { 0 };
                    host.write_file(&path, existing + size);
                    Value::Undefined
                }
                _ => match host.file_size(&path) {
                    Some(size) => {
                        if name == "fs.statSync" {
                            host.spend_cpu_us(disk.stat_us);
                            stat_object(vm, size)
                        } else {
                            let mut cost = disk.open_us + disk.stat_us + disk.close_us;
                            let mut left = size;
                            loop {
                                let chunk = left.min(crate::node::READ_SYNC_CHUNK_BYTES);
                                cost += disk.read_us(chunk);
                                left -= chunk;
                                if left == 0 {
                                    break;
                                }
                            }
                            host.spend_cpu_us(cost);
                            let encoding = !arg(&args, 1).is_nullish();
                            if encoding {
                                Value::str(&format!("<{size} bytes>"))
                            } else {
                                crate::buffer::new_buffer(vm, BufferData::Sized(size))
                            }
                        }
                    }
                    None => {
                        host.spend_cpu_us(disk.open_us);
                        let error = vm.make_error("Error", &format!("ENOENT: no such file or directory, open '{path}'"));
                        vm_set_plain(&error, "code", Value::str("ENOENT"));
                        return Err(Unwind::Throw(error));
                    }
                },
            }
        }
        "fs.stat" | "fs.promises.stat" | "fs.writeFile" | "fs.promises.writeFile" => {
            let path = resolve_path(&vm.to_string(&a0));
            let disk = host.disk().clone();
            let is_promise = name.starts_with("fs.promises");
            let is_write = name.ends_with("writeFile");
            let promise = is_promise.then(|| vm.new_promise());
            let user = if let Some(promise) = &promise {
                vm.native("readFile", NativeOp::Node, vec![Value::Object(promise.clone())])
            } else {
                let function = args.iter().rev().find(|value| value.is_callable()).cloned().unwrap_or_default();
                require_callback(vm, &function, "cb")?;
                function
            };
            let (duration_us, result) = if is_write {
                let size = crate::buffer::byte_length(vm, &arg(&args, 1));
                host.write_file(&path, size);
                (disk.open_us + disk.read_us(size) + disk.close_us, vec![HostValue::Null])
            } else {
                match host.file_size(&path) {
                    Some(size) => (disk.stat_us, vec![HostValue::Null, HostValue::Number(size as f64)]),
                    None => {
                        (disk.stat_us, vec![HostValue::Error { code: "ENOENT".into(), message: format!("ENOENT: no such file or directory, stat '{path}'") }])
                    }
                }
            };
            let wrapper = vm.native("statDone", NativeOp::Node, vec![user, Value::Bool(is_write)]);
            let cb = callback(vm, &wrapper, Vec::new(), false);
            let label = format!("{} {path}", if is_write { "write" } else { "stat" });
            sync_pool_size(vm, host);
            host.pool_work(&label, duration_us, Callback { name: vm_label(vm, &args, name).into(), ..cb }, result);
            promise.map(Value::Object).unwrap_or_default()
        }
        "statDone" => {
            let target = arg(_captured, 0);
            let is_write = arg(_captured, 1).truthy();
            let second = if is_write {
                Value::Undefined
            } else {
                match arg(&args, 1) {
                    Value::Number(size) => stat_object(vm, size as u64),
                    _ => Value::Undefined,
                }
            };
            vm.call(host, &target, Value::Undefined, vec![a0, second])?
        }
        "crypto.pbkdf2" => {
            let function = arg(&args, 5);
            require_callback(vm, &function, "callback")?;
            let iterations = vm.to_number(&arg(&args, 2)).max(1.0) as u64;
            let key_length = vm.to_number(&arg(&args, 3)).max(0.0) as u64;
            // `@looplab cost pbkdf2 …` replaces the iteration-count model.
            let duration_us = host.sample_cost_us("pbkdf2").unwrap_or_else(|| iterations.saturating_mul(PBKDF2_NS_PER_ITERATION) / 1000);
            let cb = callback(vm, &function, Vec::new(), false);
            sync_pool_size(vm, host);
            host.pool_cpu_work(&format!("pbkdf2 {iterations} iterations"), duration_us, cb, vec![HostValue::Null, HostValue::Buffer(key_length)]);
            Value::Undefined
        }
        "dns.lookup" => {
            // getaddrinfo runs on a pool thread: quick for names in
            // /etc/hosts, a network round trip (holding the thread) otherwise.
            let hostname = vm.to_string(&a0).to_string();
            let function = args.iter().rev().find(|value| value.is_callable()).cloned().unwrap_or_default();
            require_callback(vm, &function, "callback")?;
            if let Ok(ip) = hostname.parse::<std::net::IpAddr>() {
                // An IP literal needs no getaddrinfo: lib/dns.js answers on
                // process.nextTick without touching the pool.
                let family = if ip.is_ipv6() { 6.0 } else { 4.0 };
                let cb = callback(vm, &function, vec![Value::Null, Value::str(&hostname), Value::Number(family)], false);
                host.next_tick(cb);
                return Ok(Value::Undefined);
            }
            let local = hostname == "localhost";
            // `@looplab cost dns …` replaces the lookup's duration.
            let duration_us = host.sample_cost_us("dns").unwrap_or(if local { DNS_LOCAL_US } else { DNS_NETWORK_US });
            let address = if local { "127.0.0.1".to_string() } else { documentation_address(&hostname) };
            let family = 4.0;
            let cb = callback(vm, &function, Vec::new(), false);
            sync_pool_size(vm, host);
            host.pool_work(&format!("getaddrinfo {hostname}"), duration_us, cb, vec![HostValue::Null, HostValue::Str(address), HostValue::Number(family)]);
            Value::Undefined
        }
        "dns.resolve" | "dns.resolve4" => {
            // c-ares sends UDP queries watched by the event loop: no thread.
            let hostname = vm.to_string(&a0).to_string();
            let function = args.iter().rev().find(|value| value.is_callable()).cloned().unwrap_or_default();
            require_callback(vm, &function, "callback")?;
            let cb = callback(vm, &function, Vec::new(), false);
            let address = documentation_address(&hostname);
            host.kernel_io(&format!("DNS query {hostname}"), DNS_NETWORK_US, cb, vec![HostValue::Null, HostValue::StrList(vec![address])]);
            Value::Undefined
        }
        "zlib.gzip" | "zlib.gunzip" | "zlib.deflate" | "zlib.inflate" => {
            let function = args.iter().rev().find(|value| value.is_callable()).cloned().unwrap_or_default();
            require_callback(vm, &function, "callback")?;
            let size = crate::buffer::byte_length(vm, &a0);
            let (duration_us, output) = zlib_cost(name, size);
            let duration_us = host.sample_cost_us("zlib").unwrap_or(duration_us);
            let cb = callback(vm, &function, Vec::new(), false);
            sync_pool_size(vm, host);
            let short = name.trim_start_matches("zlib.");
            host.pool_cpu_work(&format!("zlib {short} {size} B"), duration_us, cb, vec![HostValue::Null, HostValue::Buffer(output)]);
            Value::Undefined
        }
        "zlib.gzipSync" | "zlib.gunzipSync" | "zlib.deflateSync" | "zlib.inflateSync" => {
            let size = crate::buffer::byte_length(vm, &a0);
            let (duration_us, output) = zlib_cost(name.trim_end_matches("Sync"), size);
            host.spend_cpu_us(duration_us);
            crate::buffer::new_buffer(vm, BufferData::Sized(output))
        }
        "netbinding.hop" => {
            // A message on a simulated socket: the kernel carries it for the
            // given latency (no thread), then its callback runs in poll.
            let label = vm.to_string(&a0).to_string();
            let latency_us = vm.to_number(&arg(&args, 1)).max(0.0) as u64;
            let function = arg(&args, 2);
            require_callback(vm, &function, "callback")?;
            let cb = callback(vm, &function, Vec::new(), false);
            host.kernel_io(&label, latency_us, cb, Vec::new());
            Value::Undefined
        }
        name if name.starts_with("db.") => {
            let operation = name.trim_start_matches("db.");
            let promise = vm.new_promise();
            let row = vm.new_object();
            let key = if a0.is_nullish() { Value::Number(1.0) } else { a0.clone() };
            row.borrow_mut().set_own("id", key.clone());
            row.borrow_mut().set_own("name", Value::str(&format!("user {}", vm.to_string(&key))));
            let result = if operation == "query" || operation == "find" { vm.new_array(vec![Value::Object(row)]) } else { Value::Object(row) };
            let resolve = vm.resolving_functions(&promise)[0].clone();
            let cb = callback(vm, &resolve, vec![result], false);
            let label = format!("db.{operation}({})", crate::builtins::inspect(vm, &a0, 1, true));
            let latency_us = host.sample_cost_us("db").unwrap_or_else(|| host.db_latency_us());
            host.kernel_io(&label, latency_us, Callback { name: format!("{label} result").into(), ..cb }, Vec::new());
            Value::Object(promise)
        }
        "workerbinding.spawn" => {
            let (source, filename) = if arg(&args, 1).truthy() {
                (vm.to_string(&a0).to_string(), "[worker eval]".to_string())
            } else {
                let path = resolve_path(&vm.to_string(&a0));
                scenario_file(vm, &path).unwrap_or_else(|| (String::new(), path))
            };
            let load_error = (!arg(&args, 1).truthy() && !vm.files.contains_key(&filename)).then(|| format!("Cannot find module '{filename}'"));
            let process = vm.realm.global.borrow().own("process").cloned().unwrap_or_default();
            let env = vm.get(&process, "env")?;
            let env_json = crate::builtins::json_stringify_value(&env).unwrap_or_else(|| "{}".to_string());
            let thread = host.spawn_thread(WORKER_STARTUP_US);
            vm.spawned.push((thread, crate::vm::Spawned { source, filename, env_json, load_error }));
            // The Worker keeps its parent's loop alive until it exits.
            host.ref_handle(true);
            Value::Number(f64::from(thread))
        }
        "workerbinding.post" => {
            let target = vm.to_number(&a0) as u32;
            let port = vm.to_number(&arg(&args, 1)) as u64;
            // Messages are copied (structured clone); JSON carries plain data.
            let payload = crate::builtins::json_stringify_value(&arg(&args, 2)).unwrap_or_else(|| "null".to_string());
            host.post_message(target, port, payload);
            Value::Undefined
        }
        "workerbinding.threadId" => Value::Number(f64::from(host.isolate())),
        "workerbinding.ref" => {
            host.ref_handle(a0.truthy());
            Value::Undefined
        }
        "workerbinding.register" => {
            let workers = hidden_global(vm, "%workers");
            let key = vm.to_string(&a0);
            vm.set(&workers, &key, arg(&args, 1))?;
            Value::Undefined
        }
        "workerbinding.setParentPort" => {
            vm.realm.global.borrow_mut().set_own("%parentPort", a0);
            Value::Undefined
        }
        "netbinding.close" => {
            // uv_close: the callback runs in the close-callbacks phase.
            require_callback(vm, &a0, "callback")?;
            let cb = callback(vm, &a0, Vec::new(), false);
            host.close_handle(cb);
            Value::Undefined
        }
        "utilbinding.format" => Value::str(&crate::builtins::format_log(vm, &args)),
        "utilbinding.inspect" => Value::str(&crate::builtins::inspect(vm, &a0, 0, false)),
        "perfbinding.elu" => {
            // performance.eventLoopUtilization(): ms idle in the poll phase
            // and ms active, since the loop started.
            let (idle_us, now_us) = host.main_idle_us();
            let result = vm.new_object();
            result.borrow_mut().set_own("idle", Value::Number(idle_us as f64 / 1000.0));
            result.borrow_mut().set_own("active", Value::Number(now_us.saturating_sub(idle_us) as f64 / 1000.0));
            Value::Object(result)
        }
        "netbinding.listen" => {
            // (port, server): the scenario's load reaches the server through
            // `server._loadRequest(id, method, path)` (see `http_load`).
            let port = vm.to_number(&a0) as u16;
            let index = vm.add_job(Job::LoadRequest { server: arg(&args, 1) });
            host.listen(port, Callback { func: FnRef(index), name: "onLoadRequest".into() });
            Value::Undefined
        }
        "netbinding.httpSetup" => crate::http_load::setup(vm, &args)?,
        "netbinding.unlisten" => {
            host.unlisten(vm.to_number(&a0) as u16);
            Value::Undefined
        }
        "netbinding.respond" => {
            host.respond(vm.to_number(&a0) as u64, vm.to_number(&arg(&args, 1)) as u16);
            Value::Undefined
        }
        "netbinding.ref" => {
            host.ref_handle(a0.truthy());
            Value::Undefined
        }
        "netbinding.nextPort" => {
            let next = vm.realm.global.borrow().own("%nextPort").map_or(40_000.0, |port| vm.to_number(port));
            vm.realm.global.borrow_mut().set_own("%nextPort", Value::Number(next + 1.0));
            Value::Number(next)
        }
        "fsbinding.open" | "fsbinding.read" | "fsbinding.close" => {
            // The pool requests behind fs streams: (path|fd, [length,] cb).
            let function = args.iter().rev().find(|value| value.is_callable()).cloned().unwrap_or_default();
            let disk = host.disk().clone();
            let (label, duration_us, result) = match name {
                "fsbinding.open" => {
                    let path = resolve_path(&vm.to_string(&a0));
                    match host.file_size(&path) {
                        Some(size) => {
                            let fd = 20.0 + vm.ops as f64 % 1000.0;
                            (format!("open {path}"), disk.open_us, vec![HostValue::Null, HostValue::Number(fd), HostValue::Number(size as f64)])
                        }
                        None => (
                            format!("open {path}"),
                            disk.open_us,
                            vec![HostValue::Error { code: "ENOENT".into(), message: format!("ENOENT: no such file or directory, open '{path}'") }],
                        ),
                    }
                }
                "fsbinding.read" => {
                    let length = vm.to_number(&arg(&args, 1)).max(0.0) as u64;
                    (format!("read {length} B"), disk.read_us(length), vec![HostValue::Null, HostValue::Number(length as f64)])
                }
                _ => ("close".to_string(), disk.close_us, vec![HostValue::Null]),
            };
            let cb = callback(vm, &function, Vec::new(), false);
            sync_pool_size(vm, host);
            host.pool_work(&label, duration_us, cb, result);
            Value::Undefined
        }
        "crypto.pbkdf2Sync" => {
            let iterations = vm.to_number(&arg(&args, 2)).max(1.0) as u64;
            let key_length = vm.to_number(&arg(&args, 3)).max(0.0) as u64;
            host.spend_cpu_us(iterations.saturating_mul(PBKDF2_NS_PER_ITERATION) / 1000);
            crate::buffer::new_buffer(vm, BufferData::Sized(key_length))
        }
        "crypto.randomBytes" => {
            // Real bytes from the run's seeded generator, so
            // `randomBytes(16).toString('hex')` gives an id, the same every run.
            let size = vm.to_number(&a0).max(0.0) as u64;
            let data = if size <= crate::buffer::BUFFER_BYTES_MAX {
                BufferData::from_vec((0..size).map(|_| (host.random_unit() * 256.0) as u8).collect())
            } else {
                BufferData::Sized(size)
            };
            crate::buffer::new_buffer(vm, data)
        }
        "crypto.randomUUID" => {
            let (a, b) = ((host.random_unit() * 4_294_967_295.0) as u64, (host.random_unit() * 281_474_976_710_655.0) as u64);
            Value::str(&format!("{a:08x}-0000-4000-8000-{b:012x}"))
        }
        "crypto.createHash" => return vm.throw_error("Error", "not supported in Looplab: crypto.createHash"),
        "path.join" => {
            let parts: Vec<String> = args.iter().map(|part| vm.to_string(part).to_string()).filter(|part| !part.is_empty()).collect();
            Value::str(&path_normalize(&parts.join("/")))
        }
        "path.resolve" => {
            let mut resolved = MAIN_DIR.to_string();
            for part in &args {
                let part = vm.to_string(part);
                resolved = if part.starts_with('/') { part.to_string() } else { format!("{resolved}/{part}") };
            }
            Value::str(&path_normalize(&resolved))
        }
        "path.dirname" => {
            let path = vm.to_string(&a0);
            Value::str(match path.rfind('/') {
                Some(0) => "/",
                Some(index) => &path[..index],
                None => ".",
            })
        }
        "path.basename" => {
            let path = vm.to_string(&a0);
            let base = path.rsplit('/').next().unwrap_or("").to_string();
            let base = match arg(&args, 1) {
                Value::String(ext) => base.strip_suffix(&*ext).unwrap_or(&base).to_string(),
                _ => base,
            };
            Value::str(&base)
        }
        "path.extname" => {
            let path = vm.to_string(&a0);
            let base = path.rsplit('/').next().unwrap_or("");
            Value::str(base.rfind('.').filter(|&index| index > 0).map_or("", |index| &base[index..]))
        }
        "os.cpus" => {
            let cores = (0..host.cores()).map(|_| {
                let cpu = vm.new_object();
                cpu.borrow_mut().set_own("model", Value::str("Looplab virtual CPU"));
                cpu.borrow_mut().set_own("speed", Value::Number(3000.0));
                Value::Object(cpu)
            });
            let cores: Vec<Value> = cores.collect();
            vm.new_array(cores)
        }
        "os.availableParallelism" => Value::Number(f64::from(host.cores())),
        "os.totalmem" => Value::Number(24.0 * 1024.0 * 1024.0 * 1024.0),
        "os.freemem" => Value::Number(16.0 * 1024.0 * 1024.0 * 1024.0),
        "os.platform" => Value::str("linux"),
        "isFile" => Value::Bool(true),
        name if name.starts_with("Buffer.") => return crate::buffer::call(vm, name, &this, &args),
        other => return vm.throw_error("Error", &format!("not supported in Looplab: {other}")),
    })
}

/// Passes `process.env.UV_THREADPOOL_SIZE` to the engine before work reaches
/// the pool (libuv reads the variable on the pool's first use).
fn sync_pool_size(vm: &mut Vm, host: &mut Host<'_>) {
    // libuv reads UV_THREADPOOL_SIZE once, when the pool starts.
    if host.pool_started() {
        return;
    }
    let process = vm.realm.global.borrow().own("process").cloned().unwrap_or_default();
    let Ok(env) = vm.get(&process, "env") else {
        return;
    };
    let Ok(size) = vm.get(&env, "UV_THREADPOOL_SIZE") else {
        return;
    };
    if size.is_nullish() {
        return;
    }
    let size = vm.to_number(&size);
    if size.is_finite() && size >= 1.0 {
        host.request_pool_size(size as u32);
    }
}

/// The name the UI shows for an I/O callback.
fn vm_label(vm: &Vm, args: &[Value], api: &str) -> String {
    let function = args.iter().rev().find(|value| value.is_callable());
    match function {
        Some(function) => format!("{} ({api} callback)", vm.function_name(function)),
        None => format!("{api} settles"),
    }
}

/// `fs.readFileSync` reads in chunks of this size.
pub const READ_SYNC_CHUNK_BYTES: u64 = 512 * 1024;

fn stat_object(vm: &Vm, size: u64) -> Value {
    let stats = vm.new_object();
    stats.borrow_mut().set_own("size", Value::Number(size as f64));
    stats.borrow_mut().set_own("isFile", vm.native("isFile", NativeOp::Node, Vec::new()));
    Value::Object(stats)
}

/// `new X(...)` for Node classes.
pub fn construct(vm: &mut Vm, _host: &mut Host<'_>, name: &str, _captured: &[Value], _args: Vec<Value>) -> JsResult<Value> {
    vm.throw_error("TypeError", &format!("not supported in Looplab: new {name}()"))
}

/// `super(...)` from a class extending a Node class.
pub fn super_construct(vm: &mut Vm, _host: &mut Host<'_>, name: &str, _captured: &[Value], _this: &Value, _args: Vec<Value>) -> JsResult<()> {
    vm.throw_error("TypeError", &format!("not supported in Looplab: extending {name}"))
}
