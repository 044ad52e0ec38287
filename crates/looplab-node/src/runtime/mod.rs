//! The Node runtime over Looplab's ECMAScript engine (`looplab-js`):
//! [`NodeGuest`] is the simulation's guest, one engine `Vm` per JS thread
//! (the main thread and each `worker_threads` Worker), like Node's isolates,
//! sharing nothing but the process's thread pool.
//!
//! - [`host`] — the engine's embedder: virtual CPU, the clock, promise jobs
//!   as microtasks, limits.
//! - [`natives`] — Node's native functions, a typed table.
//! - [`modules`] — `require`: Node's modules (native ones, and the ones
//!   written in JavaScript in `src/lib_js/`) and the scenario's own files.
//! - [`fs`], [`path`] — the file system and path natives.

pub mod crypto;
pub mod fs;
pub mod host;
pub mod http_load;
pub mod memory;
pub mod modules;
pub mod natives;
pub mod node_exports;
pub mod path;
pub mod ports;
pub mod process;
pub mod zlib;

use crate::MAIN_DIR;
use host::{HostJob, NodeHost, ThreadState};
use looplab_core::{FnRef, Guest, Host, HostValue, ScriptError, ThreadId};
use looplab_js::object::{Handler, Kind, PromiseState};
use looplab_js::{ErrorType, JobId, JsResult, Key, Unwind, Value, Vm};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// Virtual pool time of `crypto.pbkdf2` per iteration with SHA-512, in
/// nanoseconds: real Node v20 took ~100 ms for 100,000 iterations of a
/// 64-byte key on the corpus machine (`shared/corpus/timing.json`).
pub const PBKDF2_NS_PER_ITERATION: u64 = 1_000;
/// Virtual time of one Salsa20/8 core in scrypt's ROMix, in nanoseconds
/// (a key costs 2·N·2·r·p of them): real Node v20 took ~43 ms for
/// `scryptSync('pw', 'salt', 64)` (N = 16384, r = 8, p = 1) on this
/// project's machine, measured with `process.hrtime` over five calls.
pub const SCRYPT_NS_PER_SALSA_CORE: u64 = 81;
/// getaddrinfo for `localhost` or an IP literal (no network).
pub const DNS_LOCAL_US: u64 = 100;
/// One DNS round trip to a resolver on the network.
pub const DNS_NETWORK_US: u64 = 20_000;
/// Time for `new Worker` to start running the worker's script: Node
/// creates an isolate and bootstraps its own loop. Real Node v20 took
/// ~30 ms (timing.json, "http_fast_vs_heavy").
pub const WORKER_STARTUP_US: u64 = 30_000;
/// The largest Buffer whose bytes are kept; larger ones only have a size.
pub const BUFFER_BYTES_MAX: u64 = 16 * 1024 * 1024;
/// Past this, a run stops as Node would with "JavaScript heap out of
/// memory" (Node's default old-space limit on a 24 GiB machine is ~4 GiB).
pub const HEAP_BYTES_MAX: u64 = 4 << 30;

/// A stable address in TEST-NET-3 (RFC 5737) for a simulated host name.
pub fn documentation_address(hostname: &str) -> String {
    let hash = hostname.bytes().fold(7u32, |hash, byte| hash.wrapping_mul(31).wrapping_add(u32::from(byte)));
    format!("203.0.113.{}", 1 + hash % 254)
}

/// Virtual time and output size of a zlib operation: compressing runs at
/// about 50 MB/s (level 6 on compressible data), inflating at ~200 MB/s.
pub fn zlib_cost(name: &str, size: u64) -> (u64, u64) {
    if matches!(name.trim_end_matches("Sync"), "gzip" | "deflate" | "deflateRaw") {
        (20 + size / 50, size / 4 + 20)
    } else {
        (10 + size / 200, size.saturating_mul(4))
    }
}

/// Runs a JavaScript program as the simulation's guest.
pub struct NodeGuest {
    threads: Vec<Option<Thread>>,
    /// The scenario's files by path (see [`crate::split_files`]).
    files: Rc<BTreeMap<String, String>>,
    /// What the process's threads share: file contents, MessagePorts.
    process: Rc<RefCell<process::Process>>,
    /// Workers' code and environment, waiting for their thread to start.
    pending: BTreeMap<ThreadId, host::Spawned>,
}

/// One JS thread: its engine and its runtime state.
struct Thread {
    vm: Vm,
    state: ThreadState,
    main: Rc<looplab_js::bytecode::Code>,
    /// The main script's `__filename`.
    filename: String,
}

impl NodeGuest {
    /// Compiles the main file (the first); errors carry line and column.
    pub fn new(files: Vec<crate::ScenarioFile>) -> Result<NodeGuest, Vec<looplab_js::compiler::CompileError>> {
        let main_path = files.first().map_or_else(|| format!("{MAIN_DIR}/main.js"), |file| file.path.clone());
        let main_source = files.first().map(|file| file.source.clone()).unwrap_or_default();
        let files: Rc<BTreeMap<String, String>> = Rc::new(files.into_iter().map(|file| (file.path, file.source)).collect());
        let contents = files.iter().map(|(path, text)| (path.clone(), text.as_bytes().to_vec())).collect();
        let process = Rc::new(RefCell::new(process::Process { contents, ..process::Process::default() }));
        let main = Thread::new(&main_source, files.clone(), process.clone(), main_path)?;
        Ok(NodeGuest { threads: vec![Some(main)], files, process, pending: BTreeMap::new() })
    }

    fn thread(&mut self, thread: ThreadId) -> Option<&mut Thread> {
        self.threads.get_mut(thread.index()).and_then(Option::as_mut)
    }

    /// Collects the workers a callback spawned.
    fn collect_spawned(&mut self, thread: ThreadId) {
        if let Some(guest) = self.thread(thread) {
            let spawned = std::mem::take(&mut guest.state.spawned);
            self.pending.extend(spawned);
        }
    }

    /// How many objects the main thread's heap holds (for tests).
    pub fn heap_objects(&self) -> usize {
        self.threads.first().and_then(Option::as_ref).map_or(0, |thread| thread.vm.heap.len())
    }
}

/// The compiled form of a CommonJS module: Node's wrapper function around
/// the file's text. The wrapper's first line is its own, so the file's
/// lines keep their numbers once [`shift_lines`] moves them up by one.
pub fn compile_commonjs(
    vm: &mut Vm,
    source: &str,
    filename: &str,
    hide_positions: bool,
) -> Result<Rc<looplab_js::bytecode::Code>, Vec<looplab_js::compiler::CompileError>> {
    let wrapped = format!("(function (exports, require, module, __filename, __dirname) {{\n{source}\n}})");
    match looplab_js::compiler::compile(&wrapped, looplab_js::compiler::Goal::Script, &mut vm.atoms) {
        Ok(mut code) => {
            looplab_js::compiler::adjust_positions(&mut code, &|(line, column)| if hide_positions || line <= 1 { (0, 0) } else { (line - 1, column) });
            looplab_js::compiler::set_script_name(&mut code, &Rc::from(filename));
            Ok(code)
        }
        Err(mut errors) => {
            for error in &mut errors {
                let line = error.line.saturating_sub(1).max(1);
                // "not supported in Looplab: … at L:C" names the position too.
                let wrapped_at = format!(" at {}:{}", error.line, error.column);
                if let Some(text) = error.message.strip_suffix(&wrapped_at) {
                    error.message = format!("{text} at {line}:{}", error.column);
                }
                error.line = line;
            }
            Err(errors)
        }
    }
}

impl Thread {
    fn new(
        source: &str,
        files: Rc<BTreeMap<String, String>>,
        process: Rc<RefCell<process::Process>>,
        filename: String,
    ) -> Result<Thread, Vec<looplab_js::compiler::CompileError>> {
        let mut vm = Vm::new();
        looplab_js::builtins::install(&mut vm);
        let main = if filename == EVAL_WORKER_FILENAME {
            // `new Worker(code, { eval: true })` runs the code as a script
            // (lib/internal/main/worker_thread.js evalScript), not a module:
            // __filename, require and module are globals it may shadow.
            let mut code = looplab_js::compiler::compile(source, looplab_js::compiler::Goal::Script, &mut vm.atoms)?;
            looplab_js::compiler::set_script_name(&mut code, &Rc::from(filename.as_str()));
            code
        } else {
            compile_commonjs(&mut vm, source, &filename, false)?
        };
        let state = ThreadState::new(files, process);
        Ok(Thread { vm, state, main, filename })
    }

    /// Starts a callback: the operation count for its limit.
    fn enter(&mut self) {
        self.state.ops_at_entry = self.vm.ops;
    }

    /// Runs `work` as one callback of this thread, then settles how it
    /// ended as Node would (see [`finish`]).
    fn run(&mut self, host: &mut Host<'_>, work: impl FnOnce(&mut Vm, &mut NodeHost<'_, '_>) -> JsResult<()>) {
        self.enter();
        let mut nh = NodeHost { host, state: &mut self.state };
        let outcome = work(&mut self.vm, &mut nh);
        finish(&mut self.vm, &mut nh, outcome);
    }

    fn run_main(&mut self, host: &mut Host<'_>) {
        self.enter();
        let mut nh = NodeHost { host, state: &mut self.state };
        let outcome = (|| -> JsResult<()> {
            modules::install_globals(&mut self.vm, &mut nh)?;
            let dirname = self
                .filename
                .rsplit_once('/')
                .map_or(MAIN_DIR.to_string(), |(dirname, _)| if dirname.is_empty() { "/".to_string() } else { dirname.to_string() });
            if self.filename == EVAL_WORKER_FILENAME {
                return modules::run_eval_script(&mut self.vm, &mut nh, self.main.clone(), &self.filename);
            }
            modules::run_module(&mut self.vm, &mut nh, self.main.clone(), &format!("%file:{}", self.filename), &self.filename, &dirname)?;
            Ok(())
        })();
        finish(&mut self.vm, &mut nh, outcome);
    }

    fn call(&mut self, func: FnRef, args: &[HostValue], host: &mut Host<'_>) {
        self.enter();
        let Some(job) = self.state.take_job(func.0) else { return };
        let mut nh = NodeHost { host, state: &mut self.state };
        let vm = &mut self.vm;
        let outcome = match job {
            HostJob::Call { call, repeat } => (|| -> JsResult<()> {
                let array = vm.persistent(call);
                if repeat {
                    // setInterval's callback stays registered for the next run.
                    nh.state.restore_job(func.0, HostJob::Call { call, repeat });
                } else {
                    vm.release(call);
                }
                let mut values = Vec::new();
                for value in args {
                    values.push(host_value(vm, &mut nh, value)?);
                }
                let length = array_length(vm, &array);
                let this = element(vm, &array, 1);
                let made_with = element(vm, &array, 0);
                vm.continuation_data = element(vm, &array, 2);
                let Some((function, fired_id)) = natives::timeout_function(vm, &mut nh, &this, made_with) else { return Ok(()) };
                for index in 3..length {
                    values.push(element(vm, &array, index));
                }
                vm.call(&mut nh, &function, &this, &values)?;
                if repeat {
                    natives::interval_ran(vm, &mut nh, &this);
                } else {
                    natives::timer_ran(vm, &mut nh, &this, fired_id, &function, &values)?;
                }
                Ok(())
            })(),
            HostJob::Promise(job) => vm.run_job(&mut nh, job),
            HostJob::LoadRequest { server } => (|| -> JsResult<()> {
                nh.state.restore_job(func.0, HostJob::LoadRequest { server });
                let server = vm.persistent(server);
                let mut values = Vec::new();
                for value in args {
                    values.push(host_value(vm, &mut nh, value)?);
                }
                http_load::load_request(vm, &mut nh, &server, &values)
            })(),
            HostJob::DumpRequest { request } => {
                let value = vm.persistent(request);
                vm.release(request);
                http_load::dump_request(vm, &mut nh, &value)
            }
        };
        finish(vm, &mut nh, outcome);
    }
}

pub(super) fn array_length(vm: &Vm, array: &Value) -> u32 {
    match array {
        Value::Object(id) => match &vm.heap.get(*id).kind {
            Kind::Array(state) => state.length,
            _ => 0,
        },
        _ => 0,
    }
}

pub(super) fn element(vm: &Vm, array: &Value, index: u32) -> Value {
    match array {
        Value::Object(id) => vm.heap.own(*id, Key::Index(index)).map(|found| found.value).unwrap_or_default(),
        _ => Value::Undefined,
    }
}

/// Turns how a callback ended into what Node does: an uncaught exception
/// goes to `process.on('uncaughtException')` listeners, or is printed to
/// stderr and the process exits with code 1.
fn finish(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, outcome: JsResult<()>) {
    vm.report_unreported_ops(nh);
    nh.flush_cpu();
    match outcome {
        Ok(()) => {}
        Err(Unwind::Throw(error)) => uncaught(vm, nh, error),
        Err(Unwind::Halt) => {
            let reason = nh.state.halted.clone().unwrap_or_else(|| "stopped".to_string());
            if reason != "process.exit" {
                nh.host.halt(&reason);
            }
        }
    }
    vm.collect_if_due();
    // A callback's continuation data (or the main module's enterWith)
    // ends with it.
    vm.continuation_data = Value::Undefined;
}

/// Node's processPromiseRejections (lib/internal/process/promises.js), run
/// by the engine once the nextTick and microtask queues are empty: each
/// promise still rejected with no handler goes, in order, to
/// `process.on('unhandledRejection')` listeners; with none, the default
/// `--unhandled-rejections=throw` makes the first an uncaught exception.
fn process_rejections(vm: &mut Vm, nh: &mut NodeHost<'_, '_>) -> JsResult<()> {
    let handles = std::mem::take(&mut nh.state.unhandled);
    let promises: Vec<Value> = handles.iter().map(|handle| vm.persistent(*handle)).collect();
    for handle in handles {
        vm.release(handle);
    }
    for promise in promises {
        let reason = match promise.as_object().map(|id| &vm.heap.get(id).kind) {
            Some(Kind::Promise(data)) => match &data.state {
                PromiseState::Rejected(reason) => reason.clone(),
                _ => Value::Undefined,
            },
            _ => Value::Undefined,
        };
        let listeners = process_listeners(vm, "unhandledRejection");
        if listeners.is_empty() {
            uncaught(vm, nh, reason);
            return Ok(());
        }
        let process = process_object(vm);
        for listener in listeners {
            vm.call(nh, &listener, &process, &[reason.clone(), promise.clone()])?;
        }
    }
    Ok(())
}

fn uncaught(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, error: Value) {
    let position = vm.throw_position.take();
    // process.on('uncaughtException', fn): the listeners get the error
    // and the process goes on (Node docs, process, 'uncaughtException').
    let listeners = process_listeners(vm, "uncaughtException");
    if !listeners.is_empty() && nh.state.halted.is_none() {
        let process = process_object(vm);
        for listener in listeners {
            let origin = Value::str("uncaughtException");
            if let Err(Unwind::Throw(again)) = vm.call(nh, &listener, &process, &[error.clone(), origin]) {
                // An error in the handler itself is fatal.
                print_uncaught(vm, nh, again, None);
                return;
            }
        }
        return;
    }
    print_uncaught(vm, nh, error, position);
}

fn print_uncaught(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, error: Value, position: Option<(u32, u32)>) {
    let thread = nh.host.thread();
    let (name, message) = error_name_message(vm, nh, &error);
    if thread != ThreadId::MAIN && !nh.host.is_server_thread() {
        // In a worker thread an uncaught exception is not printed: the
        // parent's Worker emits 'error' with it, then 'exit' with code 1
        // (Node docs, worker_threads, "Event: 'error'").
        let payload = format!("{{\"%error\":{},\"%name\":{}}}", json_quote(&message), json_quote(&name));
        nh.host.post_message(ThreadId::MAIN, u64::from(thread.0), payload);
        let _ = emit_process(vm, nh, "exit", 1);
        nh.flush_cpu();
        nh.host.exit(1);
        return;
    }
    let printed = modules::inspect_for_uncaught(vm, nh, &error);
    let summary = if error.is_object() {
        if message.is_empty() {
            name
        } else {
            format!("{name}: {message}")
        }
    } else {
        format!("Uncaught {printed}")
    };
    nh.host.console_error(&if error.is_object() { printed } else { format!("Uncaught {printed}") });
    let (line, column) = position.or_else(|| stack_position(vm, &error)).unwrap_or((0, 0));
    nh.host.report_error(ScriptError { line, column, message: summary });
    // Node emits 'exit' with code 1 before the process dies; an error in a
    // listener there is ignored.
    nh.state.halted = Some("process.exit".to_string());
    let code = exit_after_listeners(vm, nh, 1);
    nh.flush_cpu();
    nh.host.exit(code);
}

/// Node's exit: `process.exitCode` becomes `code`, 'exit' is emitted with
/// it, and the process ends with `process.exitCode` as the listeners left
/// it (lib/internal/process/per_thread.js, exit; an error in a listener is
/// ignored here).
pub fn exit_after_listeners(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, code: i32) -> i32 {
    let process = process_object(vm);
    natives::set(vm, &process, "exitCode", Value::Number(f64::from(code)));
    let _ = emit_process(vm, nh, "exit", code);
    match natives::peek(vm, &process, "exitCode") {
        Value::Number(final_code) if final_code.is_finite() => final_code as i32,
        _ => code,
    }
}

/// Where an error was made, from its stack's first frame in the main
/// module (`at f (/app/main.js:3:11)`): for a rejection nobody threw.
fn stack_position(vm: &mut Vm, error: &Value) -> Option<(u32, u32)> {
    let Value::String(stack) = natives::peek(vm, error, "stack") else { return None };
    let stack = stack.to_rust();
    let marker = format!("{MAIN_DIR}/main.js:");
    let at = stack.find(&marker)? + marker.len();
    let rest = &stack[at..];
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == ':')).unwrap_or(rest.len());
    let (line, column) = rest[..end].split_once(':')?;
    Some((line.parse().ok()?, column.parse().ok()?))
}

fn error_name_message(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, error: &Value) -> (String, String) {
    if !error.is_object() {
        return ("Error".to_string(), vm.to_display(error));
    }
    let name_key = vm.key("name");
    let message_key = vm.key("message");
    let name = vm.get(nh, error, name_key).ok().filter(|name| !name.is_undefined());
    let message = vm.get(nh, error, message_key).ok().filter(|message| !message.is_undefined());
    let name = name.and_then(|name| vm.to_string(nh, &name).ok()).map_or("Error".to_string(), |name| name.to_rust());
    let message = message.and_then(|message| vm.to_string(nh, &message).ok()).map_or(String::new(), |message| message.to_rust());
    (name, message)
}

/// A string as a JSON literal.
pub fn json_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An internal object kept by name, made on first use.
pub fn internal_object(vm: &mut Vm, state: &mut ThreadState, name: &'static str) -> Value {
    match state.internal(vm, name) {
        Value::Object(id) => Value::Object(id),
        _ => {
            let created = Value::Object(vm.new_object());
            state.set_internal(vm, name, created.clone());
            created
        }
    }
}

/// The global `process`.
pub fn process_object(vm: &mut Vm) -> Value {
    let global = Value::Object(vm.intrinsics.global);
    natives::peek(vm, &global, "process")
}

/// The listeners registered with `process.on(event, …)`: `process` is an
/// EventEmitter (bootstrap.js), whose `_events` holds one function or an
/// array of them per event (events.js, as Node stores them).
pub fn process_listeners(vm: &mut Vm, event: &str) -> Vec<Value> {
    let process = process_object(vm);
    let events = natives::peek(vm, &process, "_events");
    let entry = natives::peek_named(vm, &events, event);
    if vm.is_callable(&entry) {
        return vec![entry];
    }
    let length = array_length(vm, &entry);
    (0..length).map(|index| element(vm, &entry, index)).collect()
}

/// Calls every listener of a process event, in registration order.
pub fn emit_process(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, event: &str, code: i32) -> JsResult<()> {
    let process = process_object(vm);
    for listener in process_listeners(vm, event) {
        vm.call(nh, &listener, &process, &[Value::Number(f64::from(code))])?;
    }
    Ok(())
}

fn host_value(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, value: &HostValue) -> JsResult<Value> {
    Ok(match value {
        HostValue::Undefined => Value::Undefined,
        HostValue::Null => Value::Null,
        HostValue::Number(n) => Value::Number(*n),
        HostValue::Str(text) => Value::str(text),
        HostValue::Shared(text) => Value::str(text),
        HostValue::StrList(items) => {
            let values = items.iter().map(|item| Value::str(item)).collect();
            Value::Object(vm.new_array(values))
        }
        HostValue::Buffer(length) => opaque_buffer(vm, nh, *length)?,
        HostValue::Error { code, message } => {
            let error = vm.make_error(ErrorType::Error, message);
            natives::set(vm, &error, "code", Value::str(code));
            error
        }
    })
}

/// `Buffer`'s static function `name` (`%class` is `Buffer` itself).
pub fn buffer_function(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, name: &str) -> JsResult<Value> {
    let module = modules::require_builtin(vm, nh, "buffer")?;
    let key = vm.key("Buffer");
    let buffer = vm.get(nh, &module, key)?;
    if name == "%class" {
        return Ok(buffer);
    }
    let key = vm.key(name);
    vm.get(nh, &buffer, key)
}

/// A Buffer of `size` bytes whose contents are not simulated (a file's,
/// a hash's): reading its bytes fails loudly.
pub fn opaque_buffer(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, size: u64) -> JsResult<Value> {
    let module = modules::require_builtin(vm, nh, "buffer")?;
    let key = vm.key("fromOpaque");
    let from_opaque = vm.get(nh, &module, key)?;
    vm.call(nh, &from_opaque, &Value::Undefined, &[Value::Number(size as f64)])
}

/// A string's UTF-8 length, or a Buffer's `length`.
pub fn byte_length(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, value: &Value) -> JsResult<u64> {
    match value {
        Value::String(text) => Ok(text.to_rust().len() as u64),
        Value::Object(_) => {
            let length = vm.get(nh, value, Key::Atom(looplab_js::atoms::LENGTH))?;
            match length {
                Value::Number(length) if length >= 0.0 => Ok(length as u64),
                _ => Ok(vm.to_string(nh, value)?.to_rust().len() as u64),
            }
        }
        other => Ok(vm.to_display(other).len() as u64),
    }
}

/// Passes `process.env.UV_THREADPOOL_SIZE` to the engine before work reaches
/// the pool (libuv reads the variable once, on the pool's first use).
pub fn sync_pool_size(vm: &mut Vm, nh: &mut NodeHost<'_, '_>) {
    if nh.host.pool_started() {
        return;
    }
    let global = Value::Object(vm.intrinsics.global);
    let process = natives::peek(vm, &global, "process");
    let env = natives::peek(vm, &process, "env");
    let key = vm.key("UV_THREADPOOL_SIZE");
    let Ok(size) = vm.get(nh, &env, key) else { return };
    if size.is_nullish() {
        return;
    }
    let Ok(size) = vm.to_number(nh, &size) else { return };
    if size.is_finite() && size >= 1.0 {
        nh.host.request_pool_size(size as u32);
    }
}

/// A value as a short label for the UI (`db.findUser(42)`).
pub fn describe_argument(vm: &Vm, value: &Value) -> String {
    match value {
        Value::String(text) => format!("'{}'", text.to_rust()),
        Value::Object(_) => "…".to_string(),
        other => vm.to_display(other),
    }
}

/// `JSON.stringify(value)` (structured clone's stand-in for messages).
pub fn json_stringify(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, value: &Value) -> JsResult<String> {
    let global = Value::Object(vm.intrinsics.global);
    let json = natives::peek(vm, &global, "JSON");
    let stringify = natives::peek(vm, &json, "stringify");
    match vm.call(nh, &stringify, &json, std::slice::from_ref(value))? {
        Value::String(text) => Ok(text.to_rust()),
        _ => Ok("null".to_string()),
    }
}

pub fn json_parse_public(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, text: &str) -> JsResult<Value> {
    let global = Value::Object(vm.intrinsics.global);
    let json = natives::peek(vm, &global, "JSON");
    let parse = natives::peek(vm, &json, "parse");
    vm.call(nh, &parse, &json, &[Value::str(text)])
}

/// The `__filename` of a worker's code given as text (`{ eval: true }`).
const EVAL_WORKER_FILENAME: &str = "[worker eval]";

/// `new Worker(file | code, { eval })`: a new JS thread, started after
/// Node's isolate start-up time.
pub fn spawn_worker(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, target: &Value, is_eval: bool, worker_data: String, moved: &[u64]) -> JsResult<Value> {
    let target = vm.to_string(nh, target)?.to_rust();
    let (source, filename) = if is_eval {
        (target, EVAL_WORKER_FILENAME.to_string())
    } else {
        let path = path::resolve(&target);
        modules::scenario_file(nh.state, &path).unwrap_or((String::new(), path))
    };
    let load_error = (!is_eval && !nh.state.files.contains_key(&filename)).then(|| format!("Cannot find module '{filename}'"));
    let global = Value::Object(vm.intrinsics.global);
    let process = natives::peek(vm, &global, "process");
    let key = vm.key("env");
    let env = vm.get(nh, &process, key)?;
    let env_json = json_stringify(vm, nh, &env)?;
    let thread = nh.host.spawn_thread(WORKER_STARTUP_US);
    nh.state.process.borrow_mut().ports.move_to(moved, thread);
    nh.state.spawned.push((thread, host::Spawned { source, filename, env_json, worker_data, load_error }));
    // The Worker keeps its parent's loop alive until it exits.
    nh.host.ref_handle(true);
    Ok(Value::Number(f64::from(thread.0)))
}

/// What internal slots an object has, as `util.types` tells (for inspect).
pub fn inspect_kind(vm: &Vm, value: &Value) -> &'static str {
    let Value::Object(id) = value else { return "Primitive" };
    let object = vm.heap.get(*id);
    match &object.kind {
        Kind::Map(_) => "Map",
        Kind::Set(_) => "Set",
        Kind::WeakMap(_) => "WeakMap",
        Kind::WeakSet(_) => "WeakSet",
        Kind::Date(_) => "Date",
        Kind::RegExp(_) => "RegExp",
        Kind::Error => "Error",
        Kind::Promise(_) => "Promise",
        Kind::Number(_) => "NumberObject",
        Kind::String(_) => "StringObject",
        Kind::Boolean(_) => "BooleanObject",
        Kind::Symbol(_) => "SymbolObject",
        Kind::Arguments { .. } => "Arguments",
        Kind::Generator(_) => "Generator",
        Kind::Array(_) => "Array",
        Kind::Function(_) => "Function",
        Kind::Iterator(_) => "Iterator",
        Kind::ArrayBuffer(_) => "ArrayBuffer",
        Kind::TypedArray { element, .. } => element.name(),
        Kind::DataView { .. } => "DataView",
        _ => "Object",
    }
}

/// `[state, result]` of a promise: 0 pending, 1 fulfilled, 2 rejected.
pub fn promise_state(vm: &mut Vm, value: &Value) -> Value {
    let Some(id) = value.as_object() else { return Value::Undefined };
    let (state, result) = match &vm.heap.get(id).kind {
        Kind::Promise(data) => match &data.state {
            PromiseState::Pending => (0.0, Value::Undefined),
            PromiseState::Fulfilled(value) => (1.0, value.clone()),
            PromiseState::Rejected(value) => (2.0, value.clone()),
        },
        _ => return Value::Undefined,
    };
    Value::Object(vm.new_array(vec![Value::Number(state), result]))
}

/// A Map's or Set's entries as `[key, value]` pairs, without running code.
pub fn map_entries(vm: &mut Vm, value: &Value) -> Value {
    let Some(id) = value.as_object() else { return Value::Undefined };
    let pairs: Vec<(Value, Value)> = match &vm.heap.get(id).kind {
        Kind::Map(map) | Kind::Set(map) => map.entries.iter().flatten().cloned().collect(),
        _ => return Value::Undefined,
    };
    let arrays: Vec<Value> = pairs.into_iter().map(|(key, value)| Value::Object(vm.new_array(vec![key, value]))).collect();
    Value::Object(vm.new_array(arrays))
}

/// The name a promise job shows with in the trace: its handler's, or
/// `resume f` for an `await` continuing `f`.
pub fn job_name(vm: &Vm, job: JobId) -> String {
    match vm.jobs.get(job.0 as usize).and_then(Option::as_ref) {
        Some(looplab_js::jobs::Job::Reaction { reaction, .. }) => match &reaction.handler {
            Handler::Function(function) => host::function_label(vm, function),
            Handler::Resume(generator) => {
                let name = vm.coroutine_name(*generator);
                format!("resume {}", if name.is_empty() { "async function" } else { &name })
            }
            Handler::Empty => "promise reaction".to_string(),
        },
        Some(looplab_js::jobs::Job::ResolveThenable { .. }) => "PromiseResolveThenableJob".to_string(),
        None => "promise reaction".to_string(),
    }
}

impl Guest for NodeGuest {
    fn run_main(&mut self, host: &mut Host<'_>) {
        let thread = host.thread();
        if thread != ThreadId::MAIN {
            let Some(spawned) = self.pending.remove(&thread) else { return };
            // 'online' reaches the parent as the worker starts running.
            host.post_message(ThreadId::MAIN, u64::from(thread.0), "{\"%online\":true}".to_string());
            if let Some(message) = spawned.load_error {
                host.post_message(ThreadId::MAIN, u64::from(thread.0), format!("{{\"%error\":{}}}", json_quote(&message)));
                host.exit(1);
                return;
            }
            match Thread::new(&spawned.source, self.files.clone(), self.process.clone(), spawned.filename) {
                Ok(mut guest) => {
                    guest.state.set_internal(&mut guest.vm, "%env", Value::str(&spawned.env_json));
                    guest.state.set_internal(&mut guest.vm, "%workerData", Value::str(&spawned.worker_data));
                    if self.threads.len() <= thread.index() {
                        self.threads.resize_with(thread.index() + 1, || None);
                    }
                    self.threads[thread.index()] = Some(guest);
                }
                Err(errors) => {
                    // Code that is not JavaScript is a SyntaxError, as Node's
                    // (its message has no position); a refusal says where.
                    let first = errors.first();
                    let syntax = first.is_some_and(|error| error.is_syntax_error);
                    let message = match first {
                        Some(error) if syntax => error.message.clone(),
                        Some(error) => format!("{} (worker code {}:{})", error.message, error.line, error.column),
                        None => String::new(),
                    };
                    let name = if syntax { ",\"%name\":\"SyntaxError\"" } else { "" };
                    host.post_message(ThreadId::MAIN, u64::from(thread.0), format!("{{\"%error\":{}{name}}}", json_quote(&message)));
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
        let vm = &guest.vm;
        match guest.state.jobs.get(func.0 as usize).and_then(Option::as_ref) {
            Some(HostJob::Call { call, .. }) => vm.function_line(&element(vm, &vm.persistent(*call), 0)),
            Some(HostJob::Promise(job)) => match vm.jobs.get(job.0 as usize).and_then(Option::as_ref) {
                Some(looplab_js::jobs::Job::Reaction { reaction, .. }) => match &reaction.handler {
                    Handler::Function(function) => vm.function_line(function),
                    _ => 0,
                },
                _ => 0,
            },
            // A load client's request runs the server's first 'request'
            // listener: the handler the script gave createServer or `on`.
            Some(HostJob::LoadRequest { server }) => modules::first_listener_line(vm, &vm.persistent(*server), "request"),
            Some(HostJob::DumpRequest { .. }) => 0,
            None => 0,
        }
    }

    fn has_process_listeners(&self, thread: ThreadId, event: &str) -> bool {
        let Some(guest) = self.threads.get(thread.index()).and_then(Option::as_ref) else { return false };
        let vm = &guest.vm;
        let own = |object: &Value, name: &str| -> Option<Value> {
            let atom = vm.atoms.get(&looplab_js::JsStr::from_str(name))?;
            vm.heap.find(object.as_object()?, Key::Atom(atom)).map(|(_, found)| found.value)
        };
        let Some(process) = own(&Value::Object(vm.intrinsics.global), "process") else { return false };
        let Some(events) = own(&process, "_events") else { return false };
        match own(&events, event) {
            Some(entry) if vm.is_callable(&entry) => true,
            Some(entry) => array_length(vm, &entry) > 0,
            None => false,
        }
    }

    fn exit_code(&self, thread: ThreadId) -> Option<i32> {
        let guest = self.threads.get(thread.index()).and_then(Option::as_ref)?;
        let global = guest.vm.intrinsics.global;
        let process_key = guest.vm.atoms.get(&looplab_js::JsStr::from_str("process"))?;
        let code_key = guest.vm.atoms.get(&looplab_js::JsStr::from_str("exitCode"))?;
        let process = guest.vm.heap.own(global, Key::Atom(process_key))?.value.as_object()?;
        match guest.vm.heap.find(process, Key::Atom(code_key)).map(|(_, found)| found.value) {
            Some(Value::Number(code)) if code.is_finite() => Some(code as i32),
            Some(Value::String(text)) => text.to_rust().trim().parse().ok(),
            _ => None,
        }
    }

    fn has_unhandled_rejections(&self, thread: ThreadId) -> bool {
        self.threads.get(thread.index()).and_then(Option::as_ref).is_some_and(|guest| guest.state.halted.is_none() && !guest.state.unhandled.is_empty())
    }

    fn process_rejections(&mut self, host: &mut Host<'_>) {
        let thread = host.thread();
        if let Some(guest) = self.thread(thread) {
            guest.run(host, process_rejections);
        }
        self.collect_spawned(thread);
    }

    fn emit_process_event(&mut self, event: &str, code: i32, host: &mut Host<'_>) {
        let thread = host.thread();
        if let Some(guest) = self.thread(thread) {
            guest.run(host, |vm, nh| emit_process(vm, nh, event, code));
        }
    }

    fn deliver_message(&mut self, port: u64, payload: &str, host: &mut Host<'_>) {
        let thread = host.thread();
        if let Some(guest) = self.thread(thread) {
            guest.run(host, |vm, nh| deliver(vm, nh, port, payload));
        }
        self.collect_spawned(thread);
    }

    fn thread_exited(&mut self, code: i32, host: &mut Host<'_>) {
        let thread = host.thread();
        let peers = self.process.borrow_mut().ports.close_thread(thread);
        for (peer_thread, port) in peers {
            host.post_message(peer_thread, port, "{\"%close\":true}".to_string());
        }
        host.post_message(ThreadId::MAIN, u64::from(thread.0), format!("{{\"%exit\":{code}}}"));
    }
}

/// A message from another thread: on the main thread it is for the Worker
/// object of `port` (or is its 'online'/'exit'/'error'); in a worker it is
/// for `parentPort`.
fn deliver(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, port: u64, payload: &str) -> JsResult<()> {
    if port == ports::TERMINATE_PORT {
        // worker.terminate(): the worker stops where it is, exit code 1.
        // Ended like process.exit(1) in the worker, without its 'exit' event.
        nh.state.halted = Some("process.exit".to_string());
        nh.flush_cpu();
        nh.host.exit(1);
        return Err(looplab_js::Unwind::Halt);
    }
    let value = json_parse_public(vm, nh, payload)?;
    if port >= ports::PORT_BASE {
        let receiver = nh.state.internal(vm, "%portReceiver");
        if receiver.is_object() {
            vm.call(nh, &receiver, &Value::Undefined, &[Value::Number((port - ports::PORT_BASE) as f64), value])?;
        }
        return Ok(());
    }
    let target = if nh.host.thread() == ThreadId::MAIN {
        let workers = nh.state.internal(vm, "%workers");
        natives::peek_named(vm, &workers, &port.to_string())
    } else {
        nh.state.internal(vm, "%parentPort")
    };
    if target.is_nullish() {
        return Ok(());
    }
    let key = vm.key("emit");
    let emit = vm.get(nh, &target, key)?;
    let control = |vm: &mut Vm, key: &'static str| -> Option<Value> {
        let found = natives::peek(vm, &value, key);
        (value.is_object() && !found.is_undefined()).then_some(found)
    };
    let args = if control(vm, "%online").is_some() {
        vec![Value::str("online")]
    } else if let Some(code) = control(vm, "%exit") {
        // The Worker handle stops keeping the parent's loop alive.
        nh.host.ref_handle(false);
        vec![Value::str("exit"), code]
    } else if let Some(message) = control(vm, "%error") {
        let message = vm.to_string(nh, &message)?.to_rust();
        let name = match control(vm, "%name") {
            Some(name) => vm.to_string(nh, &name)?.to_rust(),
            None => "Error".to_string(),
        };
        let error = vm.make_error(ErrorType::Error, &message);
        if name != "Error" {
            let global = Value::Object(vm.intrinsics.global);
            let constructor = natives::peek_named(vm, &global, &name);
            let prototype = natives::peek(vm, &constructor, "prototype");
            if let (Value::Object(error), Value::Object(prototype)) = (&error, prototype) {
                vm.set_prototype(*error, Some(prototype));
            }
        }
        vec![Value::str("error"), error]
    } else {
        // The structured clone's tree becomes values again (ports, bytes).
        let deserialize = nh.state.internal(vm, "%deserialize");
        let message = if deserialize.is_object() { vm.call(nh, &deserialize, &Value::Undefined, &[value.clone()])? } else { value.clone() };
        vec![Value::str("message"), message]
    };
    vm.call(nh, &emit, &target, &args)?;
    Ok(())
}
