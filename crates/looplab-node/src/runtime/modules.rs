//! `require`, Node's module cache, and the globals a thread starts with.
//!
//! Node's native modules (`fs`, `crypto`, `path` …) are objects of
//! natives; the modules Node itself writes in JavaScript are JavaScript
//! here too (`src/lib_js/`), compiled on first `require` with their source
//! positions hidden, so an error raised inside one points at the user's
//! calling line. The scenario's own files are CommonJS modules, run once
//! and cached by path, as Node's module cache does.

use super::host::NodeHost;
use super::natives::{self, module_object, set, Native};
use crate::MAIN_DIR;
use looplab_js::{ErrorType, JsResult, Key, Unwind, Value, Vm};

macro_rules! lib_js {
    ($($name:literal => $file:literal,)*) => {
        /// Node's modules written in JavaScript, by the name `require` takes.
        const LIB_JS: &[(&str, &str)] = &[$(($name, include_str!(concat!(env!("OUT_DIR"), "/", $file))),)*];
    };
}

lib_js! {
    "%bootstrap" => "bootstrap.js",
    "%inspect" => "inspect.js",
    "%errors" => "errors.js",
    "buffer" => "buffer.js",
    "events" => "events.js",
    "util" => "util.js",
    "dns" => "dns.js",
    "dgram" => "dgram.js",
    "%web" => "web.js",
    "crypto" => "crypto.js",
    "stream" => "stream.js",
    "zlib" => "zlib.js",
    "url" => "url.js",
    "%encoding" => "encoding.js",
    "%structured_clone" => "structured_clone.js",
    "timers" => "timers.js",
    "timers/promises" => "timers_promises.js",
    "perf_hooks" => "perf_hooks.js",
    "%fs_streams" => "fs_streams.js",
    "net" => "net.js",
    "http" => "http.js",
    "express" => "express.js",
    "worker_threads" => "worker_threads.js",
    "async_hooks" => "async_hooks.js",
    "assert" => "assert.js",
}

/// What `require` names in its message when a module is missing.
const SUPPORTED: &str =
    "assert, async_hooks (AsyncLocalStorage, AsyncResource), fs, crypto, dns, dgram, zlib, events, http, express, net, worker_threads, path, timers, timers/promises, os, util, url, perf_hooks, buffer, stream (the legacy Stream)";

/// Sets up a thread's globals: Node's timers, `process`, `Buffer`, the
/// simulated `db`, then `lib_js/bootstrap.js` (console, performance…).
pub fn install_globals(vm: &mut Vm, nh: &mut NodeHost<'_, '_>) -> JsResult<()> {
    let global = Value::Object(vm.intrinsics.global);
    for native in [
        Native::SetTimeout,
        Native::SetInterval,
        Native::SetImmediate,
        Native::ClearTimeout,
        Native::ClearInterval,
        Native::ClearImmediate,
        Native::QueueMicrotask,
    ] {
        let function = natives::function(vm, native, Value::Undefined);
        define_global(vm, &global, native_name(native), function);
    }
    define_global(vm, &global, "global", global.clone());
    let process = module_object(
        vm,
        &[
            Native::ProcessNextTick,
            Native::ProcessExit,
            Native::ProcessCwd,
            Native::ProcessHrtime,
            Native::ProcessMemoryUsage,
            Native::ProcessUptime,
            Native::ProcessEmitWarning,
        ],
    );
    let env = match nh.state.internal(vm, "%env") {
        Value::String(json) => {
            let text = json.to_rust();
            let parsed = super::json_parse_public(vm, nh, &text)?;
            if parsed.is_object() {
                parsed
            } else {
                Value::Object(vm.new_object())
            }
        }
        _ => Value::Object(vm.new_object()),
    };
    set(vm, &process, "env", env);
    let argv = vm.new_array(vec![Value::str("/usr/local/bin/node"), Value::str(&format!("{MAIN_DIR}/main.js"))]);
    set(vm, &process, "argv", Value::Object(argv));
    let exec_argv = vm.new_array(Vec::new());
    set(vm, &process, "execArgv", Value::Object(exec_argv));
    set(vm, &process, "platform", Value::str("linux"));
    set(vm, &process, "arch", Value::str("x64"));
    set(vm, &process, "pid", Value::Number(4242.0));
    set(vm, &process, "version", Value::str("v20.20.2"));
    let versions = Value::Object(vm.new_object());
    set(vm, &versions, "node", Value::str("20.20.2"));
    set(vm, &versions, "v8", Value::str("11.3.244.8-node.33"));
    set(vm, &versions, "uv", Value::str("1.46.0"));
    set(vm, &process, "versions", versions);
    set(vm, &process, "exitCode", Value::Undefined);
    define_global(vm, &global, "process", process);
    let db = natives::db_object(vm);
    define_global(vm, &global, "db", db);
    let bootstrap = require_builtin(vm, nh, "%bootstrap")?;
    let _ = bootstrap;
    // Node's globals Looplab lacks say so when used. The language's own
    // (Proxy, SharedArrayBuffer…) stay absent: code tests for them with
    // `typeof`, and a stub would pass that test.
    for name in super::node_exports::NODE_GLOBALS.iter().filter(|name| !super::node_exports::LANGUAGE_GLOBALS.contains(name)) {
        let key = vm.key(name);
        let present = vm.heap.find(vm.intrinsics.global, key).is_some();
        if !present && *name != "undefined" {
            let stub = unsupported_stub(vm, name);
            define_global(vm, &global, name, stub);
        }
    }
    Ok(())
}

/// A function that says "not supported in Looplab: `what`" when called or
/// constructed.
fn unsupported_stub(vm: &mut Vm, what: &str) -> Value {
    let stub = natives::function(vm, Native::Unsupported, Value::str(what));
    if let Value::Object(id) = &stub {
        vm.heap.get_mut(*id).flags |= looplab_js::object::CONSTRUCTOR;
        let key = vm.key("name");
        let short = what.rsplit('.').next().unwrap_or(what);
        vm.heap.put(*id, key, Value::str(short), looplab_js::shape::CONFIGURABLE);
    }
    stub
}

/// Gives a module of Node's every name Node's own exports and Looplab's
/// lacks, as a stub that says so: `fs.open` is "not supported in Looplab:
/// fs.open", never "fs.open is not a function".
fn install_unsupported(vm: &mut Vm, module: &Value, name: &str) {
    let Some((_, names)) = super::node_exports::MODULE_EXPORTS.iter().find(|(module, _)| *module == name) else { return };
    if !module.is_object() {
        return;
    }
    for export in *names {
        if natives::peek(vm, module, export).is_undefined() {
            let key = vm.key(export);
            let present = module.as_object().is_some_and(|id| vm.heap.find(id, key).is_some());
            if !present {
                let stub = unsupported_stub(vm, &format!("{name}.{export}"));
                set(vm, module, export, stub);
            }
        }
    }
}

fn native_name(native: Native) -> &'static str {
    match native {
        Native::SetTimeout => "setTimeout",
        Native::SetInterval => "setInterval",
        Native::SetImmediate => "setImmediate",
        Native::ClearTimeout => "clearTimeout",
        Native::ClearInterval => "clearInterval",
        Native::ClearImmediate => "clearImmediate",
        _ => "queueMicrotask",
    }
}

/// A global as Node's are: writable, configurable, not enumerable.
fn define_global(vm: &mut Vm, global: &Value, name: &str, value: Value) {
    if let Value::Object(id) = global {
        let key = vm.key(name);
        vm.heap.put(*id, key, value, looplab_js::shape::METHOD_ATTRS);
    }
}

/// `require(name)`.
pub fn require(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, name: &Value, dirname: &Value) -> JsResult<Value> {
    let Value::String(name) = name else {
        let message = format!("The \"id\" argument must be of type string. Received {}", natives::received(vm, name));
        return Err(Unwind::Throw(natives::node_error(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE", &message)));
    };
    let request = name.to_rust();
    let name = request.strip_prefix("node:").unwrap_or(&request).to_string();
    if name.starts_with("./") || name.starts_with("../") || name.starts_with('/') {
        // Relative to the requiring module's directory, as Node resolves.
        let dirname = match dirname {
            Value::String(dirname) if dirname.to_rust().starts_with('/') => dirname.to_rust(),
            _ => MAIN_DIR.to_string(),
        };
        let path = if name.starts_with('/') { name.clone() } else { format!("{dirname}/{name}") };
        return require_file(vm, nh, &name, &super::path::normalize(&path));
    }
    require_builtin(vm, nh, &name)
}

/// One of Node's modules (or an internal `%` one), cached after its first load.
pub fn require_builtin(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, name: &str) -> JsResult<Value> {
    let cache_key = format!("%module:{name}");
    if let Some(handle) = nh.state.modules.get(&cache_key) {
        return Ok(vm.persistent(*handle));
    }
    if name == "assert/strict" {
        let assert = require_builtin(vm, nh, "assert")?;
        let key = vm.key("strict");
        return vm.get(nh, &assert, key);
    }
    if let Some((_, source)) = LIB_JS.iter().find(|(module, _)| *module == name) {
        let code = match super::compile_commonjs(vm, source, &format!("node:{name}"), true) {
            Ok(code) => code,
            Err(errors) => {
                let first = errors.first().map(|error| format!("{} at {}:{}", error.message, error.line, error.column)).unwrap_or_default();
                return vm.throw(ErrorType::SyntaxError, &format!("node:{name}: {first}"));
            }
        };
        let module = run_module(vm, nh, code, &cache_key, &format!("node:{name}"), "node:")?;
        install_unsupported(vm, &module, name);
        return Ok(module);
    }
    use Native::*;
    let module = match name {
        "fs" => {
            let fs = module_object(
                vm,
                &[
                    FsReadFile,
                    FsReadFileSync,
                    FsWriteFile,
                    FsWriteFileSync,
                    FsExistsSync,
                    FsMkdirSync,
                    FsStat,
                    FsStatSync,
                    FsUnlinkSync,
                    FsAppendFileSync,
                    FsOpen,
                    FsClose,
                    FsOpenSync,
                    FsCloseSync,
                    FsStatfsSync,
                    FsTruncateSync,
                ],
            );
            let promises = require_builtin(vm, nh, "fs/promises")?;
            set(vm, &fs, "promises", promises);
            let streams = require_builtin(vm, nh, "%fs_streams")?;
            for name in ["createReadStream", "ReadStream"] {
                let key = vm.key(name);
                let value = vm.get(nh, &streams, key)?;
                set(vm, &fs, name, value);
            }
            fs
        }
        "fs/promises" => module_object(vm, &[FsPromisesReadFile, FsPromisesWriteFile, FsPromisesStat]),
        "%tracebinding" => module_object(vm, &[NameCallback]),
        "%cryptobinding" => module_object(
            vm,
            &[CryptoPbkdf2, CryptoPbkdf2Sync, CryptoScrypt, CryptoScryptSync, CryptoRandomBytes, CryptoRandomUuid, CryptoHash, CryptoHmac, CryptoCheckDigest],
        ),
        "path" => {
            let path = module_object(vm, &[PathJoin, PathResolve, PathDirname, PathBasename, PathExtname, PathRelative, PathNormalize, PathIsAbsolute]);
            set(vm, &path, "sep", Value::str("/"));
            set(vm, &path, "delimiter", Value::str(":"));
            let posix = path.clone();
            set(vm, &path, "posix", posix);
            path
        }
        "os" => {
            let os = module_object(vm, &[OsCpus, OsAvailableParallelism, OsTotalmem, OsFreemem, OsPlatform]);
            set(vm, &os, "EOL", Value::str("\n"));
            os
        }
        "%zlibbinding" => module_object(
            vm,
            &[
                ZlibGzip,
                ZlibGunzip,
                ZlibDeflate,
                ZlibInflate,
                ZlibDeflateRaw,
                ZlibInflateRaw,
                ZlibUnzip,
                ZlibGzipSync,
                ZlibGunzipSync,
                ZlibDeflateSync,
                ZlibInflateSync,
                ZlibDeflateRawSync,
                ZlibInflateRawSync,
                ZlibUnzipSync,
            ],
        ),
        "%dnsbinding" => module_object(vm, &[DnsLookup, DnsLookupService, DnsResolve, DnsResolve4]),
        "%perfbinding" => {
            let binding = module_object(vm, &[PerfElu]);
            let now = natives::function(vm, PerformanceNow, Value::Undefined);
            set(vm, &binding, "now", now);
            binding
        }
        "%fsbinding" => module_object(vm, &[FsbOpen, FsbRead, FsbClose]),
        "%eventsbinding" => module_object(vm, &[EventsSetup]),
        "%netbinding" => module_object(vm, &[NetHop, NetRef, NetNextPort, NetClose, NetListen, NetUnlisten, NetRespond, NetHttpSetup]),
        "%workerbinding" => module_object(
            vm,
            &[
                WorkerSpawn,
                WorkerPost,
                WorkerThreadId,
                WorkerRef,
                WorkerRegister,
                WorkerSetParentPort,
                WorkerChannel,
                WorkerPortPost,
                WorkerPortClose,
                WorkerPortRequeue,
                WorkerPortTake,
                WorkerSetPortReceiver,
                WorkerSetDeserializer,
                WorkerTerminate,
                WorkerDetach,
                WorkerData,
            ],
        ),
        "%inspectbinding" => module_object(vm, &[InspectKind, InspectPromiseState, InspectMapEntries]),
        "%bufferbinding" => module_object(vm, &[BufferOpaque, BufferIsOpaque, BufferPlaceholder]),
        "%consolebinding" => module_object(vm, &[Stdout, Stderr]),
        "%asyncbinding" => module_object(vm, &[AsyncGetContext, AsyncSetContext]),
        "%requirebinding" => module_object(vm, &[Require]),
        "%assert" => module_object(vm, &[AssertSourceText]),
        other => {
            let message = format!("not supported in Looplab: require('{other}') (supported: {SUPPORTED}; more Node modules are coming)");
            return vm.throw(ErrorType::Error, &message);
        }
    };
    install_unsupported(vm, &module, name);
    let handle = vm.persist(module.clone());
    nh.state.modules.insert(cache_key, handle);
    Ok(module)
}

/// A scenario file by path, trying `.js` as Node's resolver does: its text
/// and its path.
pub fn scenario_file(state: &super::host::ThreadState, path: &str) -> Option<(String, String)> {
    [path.to_string(), format!("{path}.js"), format!("{path}/index.js")]
        .into_iter()
        .find_map(|candidate| state.files.get(&candidate).map(|source| (source.clone(), candidate)))
}

/// `require('./x')`: a scenario file, run once as a CommonJS module.
fn require_file(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, request: &str, resolved: &str) -> JsResult<Value> {
    let Some((source, path)) = scenario_file(nh.state, resolved) else {
        // Node's MODULE_NOT_FOUND, word for word.
        let message = format!("Cannot find module '{request}'\nRequire stack:\n- {MAIN_DIR}/main.js");
        return Err(Unwind::Throw(natives::node_error(vm, ErrorType::Error, "MODULE_NOT_FOUND", &message)));
    };
    let cache_key = format!("%file:{path}");
    if let Some(handle) = nh.state.modules.get(&cache_key) {
        return Ok(vm.persistent(*handle));
    }
    let dirname = path.rsplit_once('/').map_or(MAIN_DIR.to_string(), |(dirname, _)| dirname.to_string());
    let code = match super::compile_commonjs(vm, &source, &path, false) {
        Ok(code) => code,
        Err(errors) => {
            let first = errors.first().map(|error| format!("{} at {}:{}", error.message, error.line, error.column)).unwrap_or_default();
            return vm.throw(ErrorType::SyntaxError, &format!("{path}: {first}"));
        }
    };
    run_module(vm, nh, code, &cache_key, &path, &dirname)
}

/// Runs a compiled CommonJS wrapper once, caching its exports: `this` is
/// `module.exports`, as in Node.
pub fn run_module(
    vm: &mut Vm,
    nh: &mut NodeHost<'_, '_>,
    code: std::rc::Rc<looplab_js::bytecode::Code>,
    cache_key: &str,
    filename: &str,
    dirname: &str,
) -> JsResult<Value> {
    let wrapper = vm.run_script(nh, code)?;
    let exports = Value::Object(vm.new_object());
    let module = Value::Object(vm.new_object());
    set(vm, &module, "exports", exports.clone());
    set(vm, &module, "id", Value::str(if cache_key.starts_with("%file:/app/main") { "." } else { filename }));
    set(vm, &module, "filename", Value::str(filename));
    set(vm, &module, "loaded", Value::Bool(false));
    // Cached before it runs, so a require cycle sees the partial exports.
    let handle = vm.persist(module.clone());
    let previous = nh.state.modules.insert(format!("{cache_key}#module"), handle);
    if let Some(previous) = previous {
        vm.release(previous);
    }
    let exports_handle = vm.persist(exports.clone());
    nh.state.modules.insert(cache_key.to_string(), exports_handle);
    let require = natives::function(vm, Native::Require, Value::str(dirname));
    let args = [exports.clone(), require, module.clone(), Value::str(filename), Value::str(dirname)];
    vm.call(nh, &wrapper, &exports, &args)?;
    let key = vm.key("exports");
    let exported = vm.get(nh, &module, key)?;
    set(vm, &module, "loaded", Value::Bool(true));
    let handle = vm.persist(exported.clone());
    if let Some(previous) = nh.state.modules.insert(cache_key.to_string(), handle) {
        vm.release(previous);
    }
    Ok(exported)
}

/// Code given as text to run as a script (a Worker's `{ eval: true }`):
/// `module`, `exports`, `require`, `__filename` and `__dirname` are global
/// object properties, as Node's evalScript makes them.
pub fn run_eval_script(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, code: std::rc::Rc<looplab_js::bytecode::Code>, filename: &str) -> JsResult<()> {
    let global = Value::Object(vm.intrinsics.global);
    let exports = Value::Object(vm.new_object());
    let module = Value::Object(vm.new_object());
    set(vm, &module, "exports", exports.clone());
    set(vm, &module, "id", Value::str(filename));
    set(vm, &module, "filename", Value::str(filename));
    set(vm, &module, "loaded", Value::Bool(false));
    let require = natives::function(vm, Native::Require, Value::str(crate::MAIN_DIR));
    for (name, value) in [("module", module), ("exports", exports), ("require", require), ("__filename", Value::str(filename)), ("__dirname", Value::str("."))]
    {
        let key = vm.key(name);
        if let Value::Object(id) = global {
            vm.heap.put(id, key, value, looplab_js::shape::DEFAULT_ATTRS);
        }
    }
    vm.run_script(nh, code)?;
    Ok(())
}

/// The line of the first function in `emitter._events[name]` (a list or a
/// single function), read without running any script code.
pub fn first_listener_line(vm: &Vm, emitter: &Value, name: &str) -> u32 {
    let Some(events_atom) = vm.atoms.get(&looplab_js::JsStr::from_str("_events")) else { return 0 };
    let Some(name_atom) = vm.atoms.get(&looplab_js::JsStr::from_str(name)) else { return 0 };
    let Some(emitter) = emitter.as_object() else { return 0 };
    let Some((_, events)) = vm.heap.find(emitter, Key::Atom(events_atom)) else { return 0 };
    let Some(events) = events.value.as_object() else { return 0 };
    let Some(listeners) = vm.heap.own(events, Key::Atom(name_atom)).map(|found| found.value) else { return 0 };
    let first = match listeners.as_object() {
        Some(id) if vm.heap.get(id).is_array() => vm.heap.own(id, Key::Index(0)).map(|found| found.value).unwrap_or_default(),
        _ => listeners,
    };
    vm.function_line(&first)
}

/// How Node prints an uncaught exception: `util.inspect` of it.
pub fn inspect_for_uncaught(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, error: &Value) -> String {
    let inspected = (|| -> JsResult<String> {
        let module = require_builtin(vm, nh, "%inspect")?;
        let key = vm.key("inspect");
        let inspect = vm.get(nh, &module, key)?;
        let text = vm.call(nh, &inspect, &Value::Undefined, std::slice::from_ref(error))?;
        Ok(vm.to_string(nh, &text)?.to_rust())
    })();
    inspected.unwrap_or_else(|_| vm.to_display(error))
}
