//! Node's native functions: a typed table ([`Native`]) the engine reaches
//! through `Embedder::call_host` by index, never by name.
//!
//! Each API validates its arguments as Node does (a missing callback is a
//! `TypeError` with Node's `ERR_INVALID_ARG_TYPE` wording), then hands the
//! work to the simulation through [`looplab_core::Host`]: timers and
//! immediates to the loop, file and crypto work to the thread pool, sockets
//! and the database to the kernel.

use super::host::{function_label, NodeHost, CLOCK_READ_PS};
use crate::MAIN_DIR;
use looplab_core::{Callback, FnRef, HostValue};
use looplab_js::shape::DEFAULT_ATTRS;
use looplab_js::{ErrorType, JsResult, Key, ObjId, Unwind, Value, Vm};

macro_rules! natives {
    ($($variant:ident = $name:literal / $length:literal,)*) => {
        /// Every native function of the runtime. The discriminant is the
        /// host-function id the engine hands back.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u32)]
        pub enum Native { $($variant,)* }
        const NATIVES: &[(Native, &str, u32)] = &[$((Native::$variant, $name, $length),)*];
    };
}

natives! {
    Require = "require" / 1,
    SetTimeout = "setTimeout" / 2,
    SetInterval = "setInterval" / 2,
    SetImmediate = "setImmediate" / 1,
    ClearTimeout = "clearTimeout" / 1,
    ClearInterval = "clearInterval" / 1,
    ClearImmediate = "clearImmediate" / 1,
    QueueMicrotask = "queueMicrotask" / 1,
    TimeoutUnref = "unref" / 0,
    TimeoutDispose = "[Symbol.dispose]" / 0,
    TimeoutRef = "ref" / 0,
    TimeoutHasRef = "hasRef" / 0,
    TimeoutRefresh = "refresh" / 0,
    TimeoutClose = "close" / 0,
    TimeoutToPrimitive = "[Symbol.toPrimitive]" / 0,
    ProcessNextTick = "nextTick" / 1,
    ProcessExit = "exit" / 1,
    ProcessCwd = "cwd" / 0,
    ProcessHrtime = "hrtime" / 1,
    ProcessMemoryUsage = "memoryUsage" / 0,
    ProcessUptime = "uptime" / 0,
    ProcessEmitWarning = "emitWarning" / 1,
    Stdout = "stdout" / 1,
    Stderr = "stderr" / 1,
    PerformanceNow = "now" / 0,
    FsReadFile = "readFile" / 3,
    FsReadFileSync = "readFileSync" / 2,
    FsWriteFile = "writeFile" / 4,
    FsOpen = "open" / 4,
    FsStatfsSync = "statfsSync" / 2,
    FsTruncateSync = "truncateSync" / 2,
    FsClose = "close" / 2,
    FsOpenSync = "openSync" / 3,
    FsCloseSync = "closeSync" / 1,
    OpenDone = "onopen" / 2,
    ReadFileTooLarge = "onread" / 2,
    FsWriteFileSync = "writeFileSync" / 3,
    FsExistsSync = "existsSync" / 1,
    FsMkdirSync = "mkdirSync" / 2,
    FsStat = "stat" / 2,
    FsStatSync = "statSync" / 2,
    FsUnlinkSync = "unlinkSync" / 1,
    FsAppendFileSync = "appendFileSync" / 3,
    FsPromisesReadFile = "readFile" / 2,
    FsPromisesWriteFile = "writeFile" / 3,
    FsPromisesStat = "stat" / 1,
    ReadFileDone = "readFileDone" / 2,
    StatDone = "statDone" / 2,
    StatIsFile = "isFile" / 0,
    CryptoPbkdf2 = "pbkdf2" / 6,
    CryptoPbkdf2Sync = "pbkdf2Sync" / 5,
    NameCallback = "nameCallback" / 2,
    CryptoScrypt = "scrypt" / 8,
    CryptoScryptSync = "scryptSync" / 7,
    CryptoRandomBytes = "randomBytes" / 1,
    CryptoRandomUuid = "randomUUID" / 0,
    CryptoHash = "hash" / 2,
    CryptoHmac = "hmac" / 3,
    CryptoCheckDigest = "checkDigest" / 1,
    PathJoin = "join" / 0,
    PathResolve = "resolve" / 0,
    PathDirname = "dirname" / 1,
    PathBasename = "basename" / 1,
    PathExtname = "extname" / 1,
    PathRelative = "relative" / 2,
    PathNormalize = "normalize" / 1,
    PathIsAbsolute = "isAbsolute" / 1,
    OsCpus = "cpus" / 0,
    OsAvailableParallelism = "availableParallelism" / 0,
    OsTotalmem = "totalmem" / 0,
    OsFreemem = "freemem" / 0,
    OsPlatform = "platform" / 0,
    DnsLookup = "lookup" / 3,
    DnsResolve = "resolve" / 3,
    DnsResolve4 = "resolve4" / 3,
    ZlibGzip = "gzip" / 3,
    ZlibGunzip = "gunzip" / 3,
    ZlibDeflate = "deflate" / 3,
    ZlibInflate = "inflate" / 3,
    ZlibDeflateRaw = "deflateRaw" / 3,
    ZlibInflateRaw = "inflateRaw" / 3,
    ZlibUnzip = "unzip" / 3,
    ZlibGzipSync = "gzipSync" / 2,
    ZlibGunzipSync = "gunzipSync" / 2,
    ZlibDeflateSync = "deflateSync" / 2,
    ZlibInflateSync = "inflateSync" / 2,
    ZlibDeflateRawSync = "deflateRawSync" / 2,
    ZlibInflateRawSync = "inflateRawSync" / 2,
    ZlibUnzipSync = "unzipSync" / 2,
    Db = "db" / 1,
    NetHop = "hop" / 3,
    NetRef = "ref" / 1,
    NetNextPort = "nextPort" / 0,
    NetClose = "close" / 1,
    NetListen = "listen" / 2,
    NetUnlisten = "unlisten" / 1,
    NetRespond = "respond" / 2,
    NetHttpSetup = "httpSetup" / 4,
    HttpResponseEnd = "end" / 1,
    EventsSetup = "setup" / 1,
    FsbOpen = "open" / 2,
    FsbRead = "read" / 3,
    FsbClose = "close" / 2,
    WorkerSpawn = "spawn" / 4,
    WorkerPost = "post" / 4,
    WorkerChannel = "channel" / 0,
    WorkerPortPost = "portPost" / 3,
    WorkerPortClose = "portClose" / 2,
    WorkerPortRequeue = "portRequeue" / 2,
    WorkerPortTake = "portTake" / 1,
    DnsLookupService = "lookupService" / 3,
    AsyncGetContext = "getContext" / 0,
    AsyncSetContext = "setContext" / 1,
    WorkerSetPortReceiver = "setPortReceiver" / 1,
    WorkerSetDeserializer = "setDeserializer" / 1,
    WorkerTerminate = "terminate" / 1,
    WorkerDetach = "detach" / 1,
    WorkerData = "workerData" / 0,
    WorkerThreadId = "threadId" / 0,
    WorkerRef = "ref" / 1,
    WorkerRegister = "register" / 2,
    WorkerSetParentPort = "setParentPort" / 1,
    PerfElu = "elu" / 0,
    InspectKind = "kind" / 1,
    InspectPromiseState = "promiseState" / 1,
    InspectMapEntries = "mapEntries" / 1,
    BufferOpaque = "opaque" / 1,
    BufferIsOpaque = "isOpaque" / 1,
    BufferPlaceholder = "placeholder" / 1,
    Unsupported = "unsupported" / 0,
    AssertSourceText = "sourceText" / 1,
}

/// `Date.now()`'s zero: see [`crate::EPOCH_MS`].
const DB_OPERATIONS: &[&str] = &["query", "findUser", "find", "findOne", "findById", "get", "insert", "update", "delete"];

/// A function object for `native`, carrying `data` (what it closes over).
pub fn function(vm: &mut Vm, native: Native, data: Value) -> Value {
    let (_, name, length) = NATIVES[native as usize];
    Value::Object(vm.host_function(name, length, native as u32, data))
}

/// Sets a plain (enumerable, writable) property.
pub fn set(vm: &mut Vm, target: &Value, name: &'static str, value: Value) {
    if let Value::Object(id) = target {
        let key = vm.static_key(name);
        vm.heap.put(*id, key, value, DEFAULT_ATTRS);
    }
}

/// [`set`] for a name made at run time.
pub fn set_named(vm: &mut Vm, target: &Value, name: &str, value: Value) {
    if let Value::Object(id) = target {
        let key = vm.key(name);
        vm.heap.put(*id, key, value, DEFAULT_ATTRS);
    }
}

/// [`peek`] for a name made at run time.
pub fn peek_named(vm: &mut Vm, target: &Value, name: &str) -> Value {
    let Value::Object(id) = target else { return Value::Undefined };
    let key = vm.key(name);
    match vm.heap.find(*id, key) {
        Some((_, found)) if !found.is_accessor() => found.value,
        _ => Value::Undefined,
    }
}

/// Reads an own or inherited data property without running user code
/// (undefined for accessors).
pub fn peek(vm: &mut Vm, target: &Value, name: &'static str) -> Value {
    let Value::Object(id) = target else { return Value::Undefined };
    let key = vm.static_key(name);
    match vm.heap.find(*id, key) {
        Some((_, found)) if !found.is_accessor() => found.value,
        _ => Value::Undefined,
    }
}

/// An object whose properties are the given natives.
pub fn module_object(vm: &mut Vm, natives: &[Native]) -> Value {
    let object = Value::Object(vm.new_object());
    for native in natives {
        let (_, name, _) = NATIVES[*native as usize];
        let value = function(vm, *native, Value::Undefined);
        set(vm, &object, name, value);
    }
    object
}

fn arg(args: &[Value], index: usize) -> Value {
    args.get(index).cloned().unwrap_or_default()
}

fn text(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, value: &Value) -> JsResult<String> {
    Ok(vm.to_string(nh, value)?.to_rust())
}

fn number(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, value: &Value) -> JsResult<f64> {
    vm.to_number(nh, value)
}

/// A Node error: `new Type(message)` with `code`.
pub fn node_error(vm: &mut Vm, kind: ErrorType, code: &str, message: &str) -> Value {
    let error = vm.make_error(kind, message);
    set(vm, &error, "code", Value::str(code));
    error
}

/// How Node's `ERR_INVALID_ARG_TYPE` describes what it received.
pub fn received(vm: &mut Vm, value: &Value) -> String {
    match value {
        Value::Undefined => "undefined".to_string(),
        Value::Null => "null".to_string(),
        Value::Object(_) if vm.is_callable(value) => format!("function {}", function_label(vm, value)),
        Value::Object(_) => {
            let constructor = peek(vm, value, "constructor");
            let name = if constructor.is_object() { function_label(vm, &constructor) } else { String::new() };
            if name.is_empty() || name == "(anonymous)" {
                "an instance of Object".to_string()
            } else {
                format!("an instance of {name}")
            }
        }
        other => {
            let shown = match other {
                Value::String(text) => format!("'{}'", text.to_rust()),
                other => vm.to_display(other),
            };
            format!("type {} ({shown})", vm.typeof_value(other))
        }
    }
}

/// Node's `ERR_INVALID_ARG_TYPE` for a callback that is not a function.
pub fn require_callback(vm: &mut Vm, value: &Value, name: &str) -> JsResult<()> {
    if vm.is_callable(value) {
        return Ok(());
    }
    let message = format!("The \"{name}\" argument must be of type function. Received {}", received(vm, value));
    Err(Unwind::Throw(node_error(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE", &message)))
}

fn last_callable(vm: &Vm, args: &[Value]) -> Value {
    args.iter().rev().find(|value| vm.is_callable(value)).cloned().unwrap_or_default()
}

/// Calls one of the runtime's natives (the engine's `call_host`).
pub fn call(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, id: u32, data: &Value, this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    let Some(&(native, name, _)) = NATIVES.get(id as usize) else { return vm.unsupported("an unknown native function") };
    if native == Native::Unsupported {
        // A Node API Looplab lacks (see `modules::install_unsupported`).
        let what = match data {
            Value::String(what) => what.to_rust(),
            _ => "this Node API".to_string(),
        };
        return vm.unsupported(&what);
    }
    if new_target.is_some() {
        return vm.type_error(&format!("{name} is not a constructor"));
    }
    nh.flush_cpu();
    let a0 = arg(args, 0);
    use Native::*;
    Ok(match native {
        Require => super::modules::require(vm, nh, &a0, data)?,
        SetTimeout | SetInterval => {
            require_callback(vm, &a0, "callback")?;
            let delay = match arg(args, 1) {
                Value::Undefined => 1.0,
                delay => number(vm, nh, &delay)?,
            };
            if delay > 2_147_483_647.0 {
                // lib/internal/timers.js, Timeout: the delay becomes 1.
                let shown = text(vm, nh, &Value::Number(delay))?;
                let message = format!("{shown} does not fit into a 32-bit signed integer.\nTimeout duration was set to 1.");
                let warning = vm.make_error(ErrorType::Error, &message);
                set(vm, &warning, "name", Value::str("TimeoutOverflowWarning"));
                let process = peek(vm, &Value::Object(vm.intrinsics.global), "process");
                emit_process_warning(vm, nh, &process, &warning)?;
            }
            let repeat = native == SetInterval;
            let handle = timer_handle(vm, nh, false);
            let callback = nh.callback(vm, &a0, handle.clone(), &args[2.min(args.len())..], repeat);
            let id = if repeat { nh.host.set_interval(callback, delay) } else { nh.host.set_timeout(callback, delay) };
            let now_ms = (nh.host.now_us() / 1000) as f64;
            set_timer_fields(vm, &handle, if repeat { 1 } else { 0 }, id, delay);
            set_timeout_fields(vm, &handle, &a0, &args[2.min(args.len())..], now_ms, repeat.then_some(delay));
            handle
        }
        SetImmediate => {
            require_callback(vm, &a0, "callback")?;
            let handle = timer_handle(vm, nh, true);
            let callback = nh.callback(vm, &a0, handle.clone(), &args[1.min(args.len())..], false);
            let id = nh.host.set_immediate(callback);
            set_timer_fields(vm, &handle, 2, id, 0.0);
            set(vm, &handle, "_onImmediate", a0.clone());
            set(vm, &handle, "_destroyed", Value::Bool(false));
            handle
        }
        ClearTimeout | ClearInterval | ClearImmediate | TimeoutClose | TimeoutDispose => {
            let target = match (&a0, native) {
                (_, TimeoutClose | TimeoutDispose) => this.clone(),
                (Value::Number(_) | Value::String(_), ClearTimeout | ClearInterval) => {
                    // A timer's number, or that number as a string.
                    let name = text(vm, nh, &a0)?;
                    let key = vm.key(&name);
                    match known_timers(vm, nh) {
                        known @ Value::Object(id) => {
                            let found = peek_named(vm, &known, &name);
                            vm.heap.remove(id, key);
                            found
                        }
                        _ => Value::Undefined,
                    }
                }
                _ => a0.clone(),
            };
            // Node's unenroll: the timer is destroyed, its _idleTimeout -1.
            match timer_fields(vm, &target) {
                Some((2, id)) => {
                    nh.host.clear_immediate(id);
                    set(vm, &target, "_destroyed", Value::Bool(true));
                }
                Some((_, id)) => {
                    nh.host.clear_timer(id);
                    set(vm, &target, "_idleTimeout", Value::Number(-1.0));
                    set(vm, &target, "_destroyed", Value::Bool(true));
                }
                None => {}
            }
            if native == TimeoutClose {
                this.clone()
            } else {
                Value::Undefined
            }
        }
        TimeoutUnref | TimeoutRef => {
            if let Some((_, id)) = timer_fields(vm, this) {
                nh.host.set_timer_ref(id, native == TimeoutRef);
                set(vm, this, "%ref", Value::Bool(native == TimeoutRef));
            }
            this.clone()
        }
        TimeoutHasRef => Value::Bool(!matches!(peek(vm, this, "%ref"), Value::Bool(false))),
        TimeoutRefresh => {
            refresh_timeout(vm, nh, this)?;
            this.clone()
        }
        TimeoutToPrimitive => match timer_fields(vm, this) {
            Some((_, id)) => {
                // lib/internal/timers.js: a Timeout turned into its number
                // is known by it, so clearTimeout(number or string) finds it.
                let known = known_timers(vm, nh);
                let key = vm.key(&id.to_string());
                if let Value::Object(known) = known {
                    vm.heap.put(known, key, this.clone(), DEFAULT_ATTRS);
                }
                Value::Number(id as f64)
            }
            None => Value::Number(f64::NAN),
        },
        QueueMicrotask => {
            require_callback(vm, &a0, "callback")?;
            let callback = nh.callback(vm, &a0, Value::Undefined, &[], false);
            nh.host.queue_microtask(callback);
            Value::Undefined
        }
        ProcessNextTick => {
            require_callback(vm, &a0, "callback")?;
            let callback = nh.callback(vm, &a0, Value::Undefined, &args[1.min(args.len())..], false);
            nh.host.next_tick(callback);
            Value::Undefined
        }
        ProcessExit => {
            let code = match a0 {
                Value::Undefined => match peek(vm, this, "exitCode") {
                    Value::Undefined => 0.0,
                    code => number(vm, nh, &code)?,
                },
                code => number(vm, nh, &code)?,
            };
            // process.exit emits 'exit' synchronously, then ends the process
            // (a second process.exit inside an 'exit' listener just ends it).
            let mut code = code as i32;
            if nh.state.halted.is_none() {
                nh.state.halted = Some("process.exit".to_string());
                code = super::exit_after_listeners(vm, nh, code);
            } else {
                // Inside an 'exit' listener: lib/internal/process/per_thread.js
                // sets process.exitCode first, so this code is the one the
                // process ends with.
                set(vm, this, "exitCode", Value::Number(f64::from(code)));
            }
            nh.flush_cpu();
            nh.host.exit(code);
            return Err(Unwind::Halt);
        }
        ProcessCwd => Value::str(MAIN_DIR),
        ProcessHrtime => {
            let now_ns = nh.host.now_us() * 1000;
            let mut parts = [(now_ns / 1_000_000_000) as f64, (now_ns % 1_000_000_000) as f64];
            if let Value::Object(previous) = &a0 {
                let seconds = vm.get(nh, &Value::Object(*previous), Key::Index(0))?;
                let nanos = vm.get(nh, &Value::Object(*previous), Key::Index(1))?;
                let (seconds, nanos) = (number(vm, nh, &seconds)?, number(vm, nh, &nanos)?);
                let mut diff = (parts[0] - seconds) * 1e9 + (parts[1] - nanos);
                diff = diff.max(0.0);
                parts = [(diff / 1e9).floor(), diff % 1e9];
            }
            Value::Object(vm.new_array(parts.iter().map(|part| Value::Number(*part)).collect()))
        }
        ProcessUptime => Value::Number(nh.host.now_us() as f64 / 1e6),
        ProcessMemoryUsage => {
            let usage = Value::Object(vm.new_object());
            let heap = vm.heap.bytes as f64;
            for (key, value) in [
                ("rss", 40.0 * 1024.0 * 1024.0 + heap),
                ("heapTotal", 8.0 * 1024.0 * 1024.0 + heap),
                ("heapUsed", 4.0 * 1024.0 * 1024.0 + heap),
                ("external", 1024.0 * 1024.0),
                ("arrayBuffers", 16384.0),
            ] {
                set(vm, &usage, key, Value::Number(value.round()));
            }
            usage
        }
        ProcessEmitWarning => {
            // process.emitWarning(warning | message, type | options, code):
            // the warning is an Error named for its type; 'warning'
            // listeners get it on the next tick, and Node prints it to
            // stderr as `(node:PID) Name: message` (Node docs, process,
            // "process.emitWarning").
            let warning = match &a0 {
                Value::Object(_) => a0.clone(),
                other => {
                    let message = text(vm, nh, other)?;
                    let (kind, code) = match arg(args, 1) {
                        Value::String(kind) => (kind.to_rust(), arg(args, 2)),
                        Value::Object(options) => {
                            let options = Value::Object(options);
                            let kind = match peek(vm, &options, "type") {
                                Value::String(kind) => kind.to_rust(),
                                _ => "Warning".to_string(),
                            };
                            (kind, peek(vm, &options, "code"))
                        }
                        _ => ("Warning".to_string(), Value::Undefined),
                    };
                    let warning = vm.make_error(ErrorType::Error, &message);
                    set(vm, &warning, "name", Value::str(&kind));
                    if let Value::String(code) = code {
                        set(vm, &warning, "code", Value::String(code));
                    }
                    warning
                }
            };
            emit_process_warning(vm, nh, this, &warning)?;
            Value::Undefined
        }
        Stdout | Stderr => {
            let line = text(vm, nh, &a0)?;
            // A console call costs about a microsecond in Node (a write to
            // a pipe, synchronous for files and pipes on Linux).
            if native == Stdout {
                nh.host.console_log(&line);
            } else {
                nh.host.console_error(&line);
            }
            Value::Undefined
        }
        PerformanceNow => {
            nh.spend_ps(CLOCK_READ_PS);
            nh.state.clock_granularity_us = 1;
            nh.state.clock_read = true;
            nh.flush_cpu();
            Value::Number(nh.host.now_us() as f64 / 1000.0)
        }
        FsReadFile | FsPromisesReadFile => super::fs::read_file(vm, nh, native == FsPromisesReadFile, args)?,
        ReadFileDone => super::fs::read_file_done(vm, nh, data, args)?,
        FsReadFileSync | FsStatSync | FsExistsSync | FsWriteFileSync | FsMkdirSync | FsUnlinkSync | FsAppendFileSync | FsStatfsSync | FsTruncateSync => {
            super::fs::sync_call(vm, nh, native, args)?
        }
        FsStat | FsPromisesStat | FsWriteFile | FsPromisesWriteFile => super::fs::stat_or_write(vm, nh, native, args)?,
        FsOpen | FsClose | FsOpenSync | FsCloseSync => super::fs::open_or_close(vm, nh, native, args)?,
        OpenDone => super::fs::open_done(vm, nh, data, args)?,
        ReadFileTooLarge => super::fs::read_file_too_large(vm, nh, data)?,
        StatDone => super::fs::stat_done(vm, nh, data, args)?,
        StatIsFile => Value::Bool(true),
        FsbOpen | FsbRead | FsbClose => super::fs::stream_binding(vm, nh, native, args)?,
        CryptoPbkdf2 => {
            // pbkdf2(password, salt, iterations, keylen, callback) is a
            // missing digest (lib/internal/crypto/pbkdf2.js): the arguments
            // are checked before the callback.
            let mut args = args.to_vec();
            args.resize(6, Value::Undefined);
            if vm.is_callable(&args[4]) {
                args[5] = std::mem::take(&mut args[4]);
            }
            let (iterations, key) = super::crypto::pbkdf2_key(vm, nh, &args)?;
            let function = args[5].clone();
            require_callback(vm, &function, "callback")?;
            // `@looplab cost pbkdf2 …` replaces the iteration-count model.
            let duration_us = nh.host.sample_cost_us("pbkdf2").unwrap_or_else(|| iterations.saturating_mul(super::PBKDF2_NS_PER_ITERATION) / 1000);
            let callback = nh.callback(vm, &function, Value::Undefined, &[Value::Null, key], false);
            super::sync_pool_size(vm, nh);
            nh.host.pool_cpu_work(&format!("pbkdf2 {iterations} iterations"), duration_us, callback, Vec::new());
            Value::Undefined
        }
        CryptoPbkdf2Sync => {
            let (iterations, key) = super::crypto::pbkdf2_key(vm, nh, args)?;
            nh.host.spend_cpu_us(iterations.saturating_mul(super::PBKDF2_NS_PER_ITERATION) / 1000);
            key
        }
        CryptoScrypt => {
            // lib/internal/crypto/scrypt.js checked the options; the
            // callback is checked before OpenSSL's parameter check.
            let function = arg(args, 7);
            require_callback(vm, &function, "callback")?;
            let (work, key) = super::crypto::scrypt_key(vm, nh, args)?;
            let duration_us = nh.host.sample_cost_us("scrypt").unwrap_or_else(|| work.saturating_mul(super::SCRYPT_NS_PER_SALSA_CORE) / 1000);
            let callback = nh.callback(vm, &function, Value::Undefined, &[Value::Null, key], false);
            super::sync_pool_size(vm, nh);
            let label = format!("scrypt N={}", super::crypto::scrypt_cost_label(args));
            nh.host.pool_cpu_work(&label, duration_us, callback, Vec::new());
            Value::Undefined
        }
        CryptoScryptSync => {
            let (work, key) = super::crypto::scrypt_key(vm, nh, args)?;
            nh.host.spend_cpu_us(work.saturating_mul(super::SCRYPT_NS_PER_SALSA_CORE) / 1000);
            key
        }
        CryptoHash => {
            let digest = super::crypto::digest_arg(vm, &a0)?;
            let data = super::crypto::bytes_of(vm, &arg(args, 1), "data")?;
            super::crypto::buffer_of(vm, nh, digest.hash(&data))?
        }
        CryptoHmac => {
            let digest = super::crypto::digest_arg(vm, &a0)?;
            let key = super::crypto::bytes_of(vm, &arg(args, 1), "key")?;
            let data = super::crypto::bytes_of(vm, &arg(args, 2), "data")?;
            super::crypto::buffer_of(vm, nh, digest.hmac(&key, &data))?
        }
        CryptoCheckDigest => {
            super::crypto::digest_arg(vm, &a0)?;
            Value::Undefined
        }
        CryptoRandomBytes => {
            // Real bytes from the run's seeded generator, so
            // `randomBytes(16).toString('hex')` gives an id, the same every run.
            let size = number(vm, nh, &a0)?.max(0.0) as u64;
            if size > super::BUFFER_BYTES_MAX {
                super::opaque_buffer(vm, nh, size)?
            } else {
                let bytes: Vec<Value> = (0..size).map(|_| Value::Number((nh.host.random_unit() * 256.0).floor())).collect();
                let array = Value::Object(vm.new_array(bytes));
                let from = super::buffer_function(vm, nh, "from")?;
                let buffer_class = super::buffer_function(vm, nh, "%class")?;
                vm.call(nh, &from, &buffer_class, &[array])?
            }
        }
        CryptoRandomUuid => {
            let (a, b) = ((nh.host.random_unit() * 4_294_967_295.0) as u64, (nh.host.random_unit() * 281_474_976_710_655.0) as u64);
            Value::str(&format!("{a:08x}-0000-4000-8000-{b:012x}"))
        }
        PathJoin | PathResolve | PathDirname | PathBasename | PathExtname | PathRelative | PathNormalize | PathIsAbsolute => {
            let mut parts = Vec::with_capacity(args.len());
            for part in args {
                if !matches!(part, Value::String(_)) && !(native == PathBasename && parts.len() == 1 && part.is_undefined()) {
                    let message = format!("The \"path\" argument must be of type string. Received {}", received(vm, part));
                    return Err(Unwind::Throw(node_error(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE", &message)));
                }
                parts.push(text(vm, nh, part)?);
            }
            if native == PathIsAbsolute {
                return Ok(Value::Bool(parts.first().is_some_and(|path| path.starts_with('/'))));
            }
            Value::str(&super::path::call(native, &parts))
        }
        OsCpus => {
            let mut cores = Vec::new();
            for _ in 0..nh.host.cores() {
                let cpu = Value::Object(vm.new_object());
                set(vm, &cpu, "model", Value::str("Looplab virtual CPU"));
                set(vm, &cpu, "speed", Value::Number(3000.0));
                cores.push(cpu);
            }
            Value::Object(vm.new_array(cores))
        }
        OsAvailableParallelism => Value::Number(f64::from(nh.host.cores())),
        OsTotalmem => Value::Number(24.0 * 1024.0 * 1024.0 * 1024.0),
        OsFreemem => Value::Number(16.0 * 1024.0 * 1024.0 * 1024.0),
        OsPlatform => Value::str("linux"),
        DnsLookup => {
            // getaddrinfo runs on a pool thread: quick for names in
            // /etc/hosts, a network round trip (holding the thread) otherwise.
            let hostname = text(vm, nh, &a0)?;
            let function = last_callable(vm, args);
            require_callback(vm, &function, "callback")?;
            if let Ok(ip) = hostname.parse::<std::net::IpAddr>() {
                // An IP literal needs no getaddrinfo: lib/dns.js answers on
                // process.nextTick without touching the pool.
                let family = if ip.is_ipv6() { 6.0 } else { 4.0 };
                let callback = nh.callback(vm, &function, Value::Undefined, &[Value::Null, Value::str(&hostname), Value::Number(family)], false);
                nh.host.next_tick(callback);
                return Ok(Value::Undefined);
            }
            let local = hostname == "localhost";
            // `@looplab cost dns …` replaces the lookup's duration.
            let duration_us = nh.host.sample_cost_us("dns").unwrap_or(if local { super::DNS_LOCAL_US } else { super::DNS_NETWORK_US });
            let address = if local { "127.0.0.1".to_string() } else { super::documentation_address(&hostname) };
            let callback = nh.callback(vm, &function, Value::Undefined, &[], false);
            super::sync_pool_size(vm, nh);
            nh.host.pool_work(
                &format!("getaddrinfo {hostname}"),
                duration_us,
                callback,
                vec![HostValue::Null, HostValue::Str(address), HostValue::Number(4.0)],
            );
            Value::Undefined
        }
        // The continuation data that follows callbacks and promise jobs
        // (async_hooks.js keeps AsyncLocalStorage's stores in it).
        AsyncGetContext => vm.continuation_data.clone(),
        AsyncSetContext => {
            vm.continuation_data = a0.clone();
            Value::Undefined
        }
        DnsLookupService => {
            // getnameinfo runs on a pool thread, as getaddrinfo does. The
            // simulated network names the loopback address only.
            let address = text(vm, nh, &a0)?;
            let port = number(vm, nh, &arg(args, 1))? as u16;
            let function = last_callable(vm, args);
            require_callback(vm, &function, "callback")?;
            let loopback = address.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
            let duration_us = nh.host.sample_cost_us("dns").unwrap_or(if loopback { super::DNS_LOCAL_US } else { super::DNS_NETWORK_US });
            let result = if loopback {
                vec![HostValue::Null, HostValue::Str("localhost".to_string()), HostValue::Str(service_name(port))]
            } else {
                vec![HostValue::Error { code: "ENOTFOUND".into(), message: format!("getnameinfo ENOTFOUND {address}") }]
            };
            let callback = nh.callback(vm, &function, Value::Undefined, &[], false);
            super::sync_pool_size(vm, nh);
            nh.host.pool_work(&format!("getnameinfo {address}:{port}"), duration_us, callback, result);
            Value::Undefined
        }
        DnsResolve | DnsResolve4 => {
            // c-ares sends UDP queries watched by the event loop: no thread.
            let hostname = text(vm, nh, &a0)?;
            let function = last_callable(vm, args);
            require_callback(vm, &function, "callback")?;
            let callback = nh.callback(vm, &function, Value::Undefined, &[], false);
            let address = super::documentation_address(&hostname);
            nh.host.kernel_io(&format!("DNS query {hostname}"), super::DNS_NETWORK_US, callback, vec![HostValue::Null, HostValue::StrList(vec![address])]);
            Value::Undefined
        }
        ZlibGzip | ZlibGunzip | ZlibDeflate | ZlibInflate | ZlibDeflateRaw | ZlibInflateRaw | ZlibUnzip => {
            let function = last_callable(vm, args);
            require_callback(vm, &function, "callback")?;
            if let Some(Some(bytes)) = super::crypto::known_bytes(vm, &a0) {
                // Real bytes in, real bytes out: computed now, delivered when
                // the pool job completes.
                let (duration_us, _) = super::zlib_cost(name, bytes.len() as u64);
                let duration_us = nh.host.sample_cost_us("zlib").unwrap_or(duration_us);
                let outcome = match super::zlib::run(name, &bytes) {
                    Ok(output) => vec![Value::Null, super::crypto::buffer_of(vm, nh, output)?],
                    Err(error) => vec![zlib_error(vm, &error)],
                };
                let callback = nh.callback(vm, &function, Value::Undefined, &outcome, false);
                super::sync_pool_size(vm, nh);
                nh.host.pool_cpu_work(&format!("zlib {name} {} B", bytes.len()), duration_us, callback, Vec::new());
                return Ok(Value::Undefined);
            }
            let size = super::byte_length(vm, nh, &a0)?;
            let (duration_us, output) = super::zlib_cost(name, size);
            let duration_us = nh.host.sample_cost_us("zlib").unwrap_or(duration_us);
            let callback = nh.callback(vm, &function, Value::Undefined, &[], false);
            super::sync_pool_size(vm, nh);
            nh.host.pool_cpu_work(&format!("zlib {name} {size} B"), duration_us, callback, vec![HostValue::Null, HostValue::Buffer(output)]);
            Value::Undefined
        }
        ZlibGzipSync | ZlibGunzipSync | ZlibDeflateSync | ZlibInflateSync | ZlibDeflateRawSync | ZlibInflateRawSync | ZlibUnzipSync => {
            if let Some(Some(bytes)) = super::crypto::known_bytes(vm, &a0) {
                let (duration_us, _) = super::zlib_cost(name.trim_end_matches("Sync"), bytes.len() as u64);
                nh.host.spend_cpu_us(duration_us);
                return match super::zlib::run(name, &bytes) {
                    Ok(output) => super::crypto::buffer_of(vm, nh, output),
                    Err(error) => Err(Unwind::Throw(zlib_error(vm, &error))),
                };
            }
            let size = super::byte_length(vm, nh, &a0)?;
            let (duration_us, output) = super::zlib_cost(name.trim_end_matches("Sync"), size);
            nh.host.spend_cpu_us(duration_us);
            super::opaque_buffer(vm, nh, output)?
        }
        Db => {
            // Looplab's simulated database: every call is a network round
            // trip to a database server (kernel I/O, no thread) that
            // resolves a promise.
            let operation = match data {
                Value::String(operation) => operation.to_rust(),
                _ => "query".to_string(),
            };
            let promise = looplab_js::builtins::promise::new_promise(vm);
            let row = Value::Object(vm.new_object());
            let key = if a0.is_nullish() { Value::Number(1.0) } else { a0.clone() };
            set(vm, &row, "id", key.clone());
            let shown = text(vm, nh, &key)?;
            set(vm, &row, "name", Value::str(&format!("user {shown}")));
            let result = if operation == "query" || operation == "find" { Value::Object(vm.new_array(vec![row])) } else { row };
            let (resolve, _) = looplab_js::builtins::promise::resolving_functions(vm, promise);
            let described = super::describe_argument(vm, &a0);
            let label = format!("db.{operation}({described})");
            let callback = nh.callback(vm, &resolve, Value::Undefined, &[result], false);
            let latency_us = nh.host.sample_cost_us("db").unwrap_or_else(|| nh.host.db_latency_us());
            nh.host.kernel_io(&label, latency_us, Callback { name: format!("{label} result").into(), ..callback }, Vec::new());
            Value::Object(promise)
        }
        NetHop => {
            // A message on a simulated socket: the kernel carries it for the
            // given latency (no thread), then its callback runs in poll.
            let label = text(vm, nh, &a0)?;
            let latency_us = number(vm, nh, &arg(args, 1))?.max(0.0) as u64;
            let function = arg(args, 2);
            require_callback(vm, &function, "callback")?;
            let callback = nh.callback(vm, &function, Value::Undefined, &[], false);
            nh.host.kernel_io(&label, latency_us, callback, Vec::new());
            Value::Undefined
        }
        NetRef | WorkerRef => {
            nh.host.ref_handle(a0.truthy());
            Value::Undefined
        }
        NetNextPort => {
            let net = super::internal_object(vm, nh.state, "%net");
            let next = match peek(vm, &net, "nextPort") {
                Value::Number(port) => port,
                _ => 40_000.0,
            };
            set(vm, &net, "nextPort", Value::Number(next + 1.0));
            Value::Number(next)
        }
        NetClose => {
            // uv_close: the callback runs in the close-callbacks phase.
            require_callback(vm, &a0, "callback")?;
            let callback = nh.callback(vm, &a0, Value::Undefined, &[], false);
            nh.host.close_handle(callback);
            Value::Undefined
        }
        NetListen => {
            // (port, server): the scenario's load reaches the server through
            // `server._loadRequest(id, method, path)`.
            let port = number(vm, nh, &a0)? as u16;
            let server = vm.persist(arg(args, 1));
            let index = nh.state.add_job(super::host::HostJob::LoadRequest { server });
            nh.host.listen(port, Callback { func: FnRef(index), name: "onLoadRequest".into() });
            Value::Undefined
        }
        NetUnlisten => {
            let port = number(vm, nh, &a0)? as u16;
            nh.host.unlisten(port);
            Value::Undefined
        }
        NetRespond => {
            let id = number(vm, nh, &a0)? as u64;
            let status = number(vm, nh, &arg(args, 1))? as u16;
            nh.host.respond(id, status);
            Value::Undefined
        }
        NetHttpSetup => super::http_load::setup(vm, nh, args)?,
        HttpResponseEnd => super::http_load::response_end(vm, nh, this, args)?,
        EventsSetup => {
            // events.js's private `kCapture` symbol: the native request
            // path reads whether an emitter captures rejections.
            nh.state.set_internal(vm, "%kCapture", a0);
            Value::Undefined
        }
        WorkerSpawn => {
            let worker_data = text(vm, nh, &arg(args, 2))?;
            let moved = port_ids(vm, &arg(args, 3));
            super::spawn_worker(vm, nh, &a0, arg(args, 1).truthy(), worker_data, &moved)?
        }
        WorkerPost => {
            // worker_threads.js made the structured clone: a JSON tree.
            let target = looplab_core::ThreadId(number(vm, nh, &a0)? as u32);
            let port = number(vm, nh, &arg(args, 1))? as u64;
            let payload = text(vm, nh, &arg(args, 2))?;
            let moved = port_ids(vm, &arg(args, 3));
            nh.state.process.borrow_mut().ports.move_to(&moved, target);
            nh.host.post_message(target, port, payload);
            Value::Undefined
        }
        WorkerChannel => {
            let (first, second) = nh.state.process.borrow_mut().ports.channel(nh.host.isolate());
            let ids = vec![Value::Number(first as f64), Value::Number(second as f64)];
            Value::Object(vm.new_array(ids))
        }
        WorkerPortPost => {
            let from = number(vm, nh, &a0)? as u64;
            let payload = text(vm, nh, &arg(args, 1))?;
            let moved = port_ids(vm, &arg(args, 2));
            let route = nh.state.process.borrow().ports.route(from, &moved);
            match route {
                super::ports::Route::To(thread, port) => {
                    nh.state.process.borrow_mut().ports.move_to(&moved, thread);
                    nh.host.post_message(thread, port, payload);
                    Value::str("sent")
                }
                super::ports::Route::Closed => Value::str("closed"),
                super::ports::Route::Lost => Value::str("lost"),
            }
        }
        WorkerPortRequeue => {
            // A message that reached a stopped port: it waits in the port's
            // queue, and starting the port delivers it again from the
            // message queue (MessagePort::Start triggers its uv_async).
            let id = number(vm, nh, &a0)? as u64;
            let payload = text(vm, nh, &arg(args, 1))?;
            let thread = nh.host.thread();
            nh.host.post_message(thread, super::ports::PORT_BASE + id, payload);
            Value::Undefined
        }
        WorkerPortTake => {
            let id = number(vm, nh, &a0)? as u64;
            match nh.host.take_message(super::ports::PORT_BASE + id, "{\"%close\":true}") {
                Some(payload) => Value::str(&payload),
                None => Value::Undefined,
            }
        }
        WorkerPortClose => {
            // This end's 'close' comes from the close phase (uv_close); the
            // other end learns by a message, which arrives only if its
            // thread is still running then.
            let id = number(vm, nh, &a0)? as u64;
            let function = arg(args, 1);
            require_callback(vm, &function, "callback")?;
            let ends = nh.state.process.borrow_mut().ports.close(id);
            for (thread, port) in ends.into_iter().skip(1) {
                nh.host.post_message(thread, port, "{\"%close\":true}".to_string());
            }
            let callback = nh.callback(vm, &function, Value::Undefined, &[], false);
            nh.host.close_handle(callback);
            Value::Undefined
        }
        WorkerSetPortReceiver => {
            nh.state.set_internal(vm, "%portReceiver", a0);
            Value::Undefined
        }
        WorkerSetDeserializer => {
            nh.state.set_internal(vm, "%deserialize", a0);
            Value::Undefined
        }
        WorkerTerminate => {
            let thread = looplab_core::ThreadId(number(vm, nh, &a0)? as u32);
            nh.host.post_message(thread, super::ports::TERMINATE_PORT, String::new());
            Value::Undefined
        }
        WorkerDetach => {
            if let Value::Object(buffer) = a0 {
                looplab_js::builtins::typed_array::detach(vm, buffer);
            }
            Value::Undefined
        }
        WorkerData => nh.state.internal(vm, "%workerData"),
        WorkerThreadId => Value::Number(f64::from(nh.host.isolate().0)),
        NameCallback => {
            // nameCallback(label, fn): the running callback runs the user's
            // `fn` (Express's router calling a route handler). Its line is
            // the editor's only on the main thread; Node's modules have none.
            let label = text(vm, nh, &a0)?;
            let line = if nh.host.thread() == looplab_core::ThreadId::MAIN { vm.function_line(&arg(args, 1)) } else { 0 };
            nh.host.name_callback(&label, line);
            Value::Undefined
        }
        WorkerRegister => {
            let workers = super::internal_object(vm, nh.state, "%workers");
            let key = text(vm, nh, &a0)?;
            set_named(vm, &workers, &key, arg(args, 1));
            Value::Undefined
        }
        WorkerSetParentPort => {
            nh.state.set_internal(vm, "%parentPort", a0);
            Value::Undefined
        }
        PerfElu => {
            // performance.eventLoopUtilization(): ms idle in the poll phase
            // and ms active, since the loop started.
            let (idle_us, now_us) = nh.host.main_idle_us();
            let result = Value::Object(vm.new_object());
            set(vm, &result, "idle", Value::Number(idle_us as f64 / 1000.0));
            set(vm, &result, "active", Value::Number(now_us.saturating_sub(idle_us) as f64 / 1000.0));
            result
        }
        InspectKind => Value::str(super::inspect_kind(vm, &a0)),
        InspectPromiseState => super::promise_state(vm, &a0),
        InspectMapEntries => super::map_entries(vm, &a0),
        BufferOpaque => {
            let size = number(vm, nh, &a0)?;
            Value::Object(vm.new_array_buffer_opaque(size.max(0.0) as u64))
        }
        BufferIsOpaque => match a0.as_object() {
            Some(id) => {
                // A buffer whose bytes can be computed is read now.
                vm.materialize_array_buffer(id);
                Value::Bool(vm.is_opaque_array_buffer(id))
            }
            None => Value::Bool(false),
        },
        Unsupported => Value::Undefined,
        AssertSourceText => {
            // assert(x)'s message quotes the call's source line, read from
            // the scenario's text (not from the virtual disk, which keeps
            // sizes, not contents, and whose reads cost time).
            let path = text(vm, nh, &a0)?;
            match nh.state.files.get(&path) {
                Some(source) => Value::str(source),
                None => Value::Undefined,
            }
        }
        BufferPlaceholder => {
            let size = number(vm, nh, &a0)?;
            Value::str(&format!("<{} bytes>", size.max(0.0) as u64))
        }
    })
}

/// A `Timeout` or an `Immediate`: an object on its class's prototype
/// holding its kind and the simulation's timer id (Node's
/// `Timeout.prototype` and `Immediate.prototype`, lib/internal/timers.js
/// and lib/timers.js: an Immediate has no refresh, close or
/// Symbol.toPrimitive). Each prototype's `constructor` is named as Node's
/// class, which is how stack traces name a timer callback's frame
/// (`Timeout._onTimeout`).
fn timer_handle(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, immediate: bool) -> Value {
    let internal = if immediate { "%immediatePrototype" } else { "%timeoutPrototype" };
    let prototype = match nh.state.internal(vm, internal) {
        Value::Object(prototype) => prototype,
        _ => {
            let prototype = vm.new_object();
            let value = Value::Object(prototype);
            let methods: &[Native] = if immediate {
                &[Native::TimeoutRef, Native::TimeoutUnref, Native::TimeoutHasRef]
            } else {
                &[Native::TimeoutUnref, Native::TimeoutRef, Native::TimeoutHasRef, Native::TimeoutRefresh, Native::TimeoutClose]
            };
            for native in methods {
                let (_, name, _) = NATIVES[*native as usize];
                let function = function(vm, *native, Value::Undefined);
                let key = vm.key(name);
                vm.heap.put(prototype, key, function, looplab_js::shape::METHOD_ATTRS);
            }
            // Symbol.dispose is Node's own symbol (bootstrap.js defines it).
            let global = Value::Object(vm.intrinsics.global);
            let symbol = peek(vm, &global, "Symbol");
            if let Value::Symbol(dispose) = peek(vm, &symbol, "dispose") {
                let function = function(vm, Native::TimeoutDispose, Value::Undefined);
                vm.heap.put(prototype, Key::Symbol(dispose), function, looplab_js::shape::METHOD_ATTRS);
            }
            if !immediate {
                let to_primitive = function(vm, Native::TimeoutToPrimitive, Value::Undefined);
                vm.heap.put(prototype, Key::Symbol(looplab_js::vm::symbols::TO_PRIMITIVE), to_primitive, looplab_js::shape::METHOD_ATTRS);
            }
            let class = if immediate { "Immediate" } else { "Timeout" };
            let what = Value::str(&format!("new {class}() (timers are made by set{class})"));
            let constructor = vm.host_function(class, 0, Native::Unsupported as u32, what);
            let prototype_key = vm.static_key("prototype");
            vm.heap.put(constructor, prototype_key, value.clone(), 0);
            let constructor_key = vm.static_key("constructor");
            vm.heap.put(prototype, constructor_key, Value::Object(constructor), looplab_js::shape::METHOD_ATTRS);
            nh.state.set_internal(vm, internal, value);
            prototype
        }
    };
    // Made with its prototype, not given one after: changing an object's
    // prototype turns it into a dictionary and invalidates every cached
    // prototype lookup.
    let handle = vm.heap.alloc(Some(prototype), looplab_js::object::Kind::Ordinary, 0);
    Value::Object(handle)
}

/// Kind (0 timeout, 1 interval, 2 immediate) and id, as hidden fields.
fn set_timer_fields(vm: &mut Vm, handle: &Value, kind: u32, id: u64, delay_ms: f64) {
    if let Value::Object(object) = handle {
        let key = vm.static_key("%timer");
        vm.heap.put(*object, key, Value::Number(f64::from(kind) * 1e12 + id as f64), 0);
        if kind != 2 {
            let key = vm.static_key("_idleTimeout");
            vm.heap.put(*object, key, Value::Number(delay_ms.max(1.0).min(2_147_483_647.0).floor()), DEFAULT_ATTRS);
        }
    }
}

/// A Timeout's own properties as Node's has them (lib/internal/timers.js,
/// `Timeout`): when it started, what it calls, whether it repeats.
fn set_timeout_fields(vm: &mut Vm, handle: &Value, callback: &Value, args: &[Value], now_ms: f64, repeat_ms: Option<f64>) {
    set(vm, handle, "_idleStart", Value::Number(now_ms));
    set(vm, handle, "_onTimeout", callback.clone());
    let timer_args = if args.is_empty() { Value::Undefined } else { Value::Object(vm.new_array(args.to_vec())) };
    set(vm, handle, "_timerArgs", timer_args);
    set(vm, handle, "_repeat", repeat_ms.map_or(Value::Null, |ms| Value::Number(ms.max(1.0).min(2_147_483_647.0).floor())));
    set(vm, handle, "_destroyed", Value::Bool(false));
}

/// What `process.emitWarning` does with the warning made: 'warning'
/// listeners get it on the next tick, and Node prints it to stderr as
/// `(node:PID) Name: message` unless it is a deprecation and
/// `process.noDeprecation` is set.
fn emit_process_warning(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, this: &Value, warning: &Value) -> JsResult<()> {
    let (name_key, message_key) = (vm.key("name"), vm.key("message"));
    let name = vm.get(nh, warning, name_key)?;
    let message = vm.get(nh, warning, message_key)?;
    let (name, message) = (text(vm, nh, &name)?, text(vm, nh, &message)?);
    let listeners = super::process_listeners(vm, "warning");
    for listener in listeners {
        let callback = nh.callback(vm, &listener, this.clone(), std::slice::from_ref(warning), false);
        nh.host.next_tick(callback);
    }
    if name != "DeprecationWarning" || !peek(vm, this, "noDeprecation").truthy() {
        let code = match peek(vm, warning, "code") {
            Value::String(code) => format!("[{}] ", code.to_rust()),
            _ => String::new(),
        };
        // Node tells how to trace warnings after the first one only.
        let hint = if peek(vm, this, "%traceHintShown").truthy() {
            ""
        } else {
            set(vm, this, "%traceHintShown", Value::Bool(true));
            "\n(Use `node --trace-warnings ...` to show where the warning was created)"
        };
        nh.host.console_error(&format!("(node:4242) {code}{name}: {message}{hint}"));
    }
    Ok(())
}

/// `timeout.refresh()` (lib/internal/timers.js `Timeout.prototype.refresh`,
/// `insertGuarded`): the timer starts again from now with its delay; one
/// that already ran runs again; a cleared one (`_idleTimeout` -1) stays
/// cleared.
fn refresh_timeout(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, handle: &Value) -> JsResult<()> {
    let Some((kind @ (0 | 1), id)) = timer_fields(vm, handle) else { return Ok(()) };
    let Value::Number(delay) = peek(vm, handle, "_idleTimeout") else { return Ok(()) };
    if delay < 0.0 {
        return Ok(());
    }
    let now_ms = (nh.host.now_us() / 1000) as f64;
    set(vm, handle, "_idleStart", Value::Number(now_ms));
    if nh.host.refresh_timer(id, delay) {
        return Ok(());
    }
    let function = peek(vm, handle, "_onTimeout");
    let args = match peek(vm, handle, "_timerArgs") {
        array @ Value::Object(_) => (0..super::array_length(vm, &array)).map(|index| super::element(vm, &array, index)).collect(),
        _ => Vec::new(),
    };
    let repeat = kind == 1;
    let callback = nh.callback(vm, &function, handle.clone(), &args, repeat);
    let new_id = if repeat { nh.host.set_interval(callback, delay) } else { nh.host.set_timeout(callback, delay) };
    if matches!(peek(vm, handle, "%ref"), Value::Bool(false)) {
        nh.host.set_timer_ref(new_id, false);
    }
    set_timer_fields(vm, handle, kind, new_id, delay);
    set(vm, handle, "_destroyed", Value::Bool(false));
    Ok(())
}

/// A port's service name as /etc/services on Debian gives it (the ones a
/// program is likely to ask about), else the number.
fn service_name(port: u16) -> String {
    let name = match port {
        21 => "ftp",
        22 => "ssh",
        23 => "telnet",
        25 => "smtp",
        53 => "domain",
        80 => "http",
        110 => "pop3",
        143 => "imap2",
        443 => "https",
        3306 => "mysql",
        5432 => "postgresql",
        _ => return port.to_string(),
    };
    name.to_string()
}

/// The Timeouts whose number was asked for, by that number (Node's
/// `knownTimersById`).
fn known_timers(vm: &mut Vm, nh: &mut NodeHost<'_, '_>) -> Value {
    match nh.state.internal(vm, "%knownTimersById") {
        known @ Value::Object(_) => known,
        _ => {
            let known = Value::Object(vm.new_object());
            nh.state.set_internal(vm, "%knownTimersById", known.clone());
            known
        }
    }
}

/// What a firing Timeout calls (lib/internal/timers.js listOnTimeout):
/// its `_onTimeout` as it is now. None when the handle is a Timeout with
/// no `_onTimeout` left: it is destroyed (an interval is cleared) and
/// nothing runs. Other callbacks call what they were made with.
/// With it, the id of the host timer that fired (`timer_ran` tells by it
/// whether the callback armed the timer again).
pub fn timeout_function(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, this: &Value, made_with: Value) -> Option<(Value, Option<u64>)> {
    let Some((0 | 1, id)) = timer_fields(vm, this) else { return Some((made_with, None)) };
    let function = peek(vm, this, "_onTimeout");
    if vm.is_callable(&function) {
        return Some((function, Some(id)));
    }
    nh.host.clear_timer(id);
    set(vm, this, "_destroyed", Value::Bool(true));
    None
}

/// After an interval's callback: one whose `_idleTimeout` the callback
/// set to -1 (unenroll) runs no more (listOnTimeout re-inserts only when
/// `timer._idleTimeout !== -1`).
pub fn interval_ran(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, this: &Value) {
    if let Some((1, id)) = timer_fields(vm, this) {
        if matches!(peek(vm, this, "_idleTimeout"), Value::Number(ms) if ms == -1.0) {
            nh.host.clear_timer(id);
            set(vm, this, "_destroyed", Value::Bool(true));
        }
    }
}

/// After a Timeout or Immediate's callback ran (listOnTimeout and
/// processImmediate in lib/internal/timers.js): a Timeout whose `_repeat`
/// the callback set runs again that many ms later, unless it was cleared;
/// otherwise it is destroyed.
pub fn timer_ran(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, handle: &Value, fired_id: Option<u64>, function: &Value, args: &[Value]) -> JsResult<()> {
    match timer_fields(vm, handle) {
        // refresh() in the callback armed it again: it stays alive.
        Some((0, id)) if Some(id) != fired_id => {}
        Some((0, _)) => {
            let repeat = peek(vm, handle, "_repeat");
            let cleared = matches!(peek(vm, handle, "_idleTimeout"), Value::Number(ms) if ms == -1.0);
            if repeat.truthy() && !cleared {
                let delay = number(vm, nh, &repeat)?;
                let callback = nh.callback(vm, function, handle.clone(), args, false);
                let id = nh.host.set_timeout(callback, delay);
                let now_ms = (nh.host.now_us() / 1000) as f64;
                set_timer_fields(vm, handle, 0, id, delay);
                set(vm, handle, "_idleStart", Value::Number(now_ms));
            } else {
                set(vm, handle, "_destroyed", Value::Bool(true));
                if let (Some(id), Value::Object(known)) = (fired_id, nh.state.internal(vm, "%knownTimersById")) {
                    let key = vm.key(&id.to_string());
                    vm.heap.remove(known, key);
                }
            }
        }
        Some((2, _)) => set(vm, handle, "_destroyed", Value::Bool(true)),
        _ => {}
    }
    Ok(())
}

fn timer_fields(vm: &mut Vm, handle: &Value) -> Option<(u32, u64)> {
    match peek(vm, handle, "%timer") {
        Value::Number(packed) => Some(((packed / 1e12).floor() as u32, (packed % 1e12) as u64)),
        _ => None,
    }
}

/// The error Node's zlib gives for damaged input: `Error: incorrect header
/// check` with `errno` and `code` (Z_DATA_ERROR is -3, Z_BUF_ERROR -5).
fn zlib_error(vm: &mut Vm, error: &super::zlib::ZlibError) -> Value {
    let value = vm.make_error(ErrorType::Error, error.message);
    let errno = if error.code == "Z_BUF_ERROR" { -5.0 } else { -3.0 };
    set(vm, &value, "errno", Value::Number(errno));
    set(vm, &value, "code", Value::str(error.code));
    value
}

/// The `db` global: one native per operation, each carrying its name.
pub fn db_object(vm: &mut Vm) -> Value {
    let object = Value::Object(vm.new_object());
    for operation in DB_OPERATIONS {
        let function = function(vm, Native::Db, Value::str(operation));
        set(vm, &object, operation, function);
    }
    object
}

/// The MessagePort ids in a transfer list worker_threads.js made.
fn port_ids(vm: &Vm, list: &Value) -> Vec<u64> {
    (0..super::array_length(vm, list)).filter_map(|index| super::element(vm, list, index).as_number()).map(|id| id as u64).collect()
}
