//! `fs`: files live in the simulation's virtual file system, which knows
//! sizes, not contents. Asynchronous calls are thread-pool work costed by
//! the disk model; synchronous ones block the calling thread for as long.

use super::element;
use super::host::NodeHost;
use super::natives::{self, require_callback, set, Native};
use looplab_core::{Callback, HostValue};
use looplab_js::{ErrorType, JsResult, Unwind, Value, Vm};

/// `fs.readFileSync` reads in chunks of this size.
pub const READ_SYNC_CHUNK_BYTES: u64 = 512 * 1024;

fn arg(args: &[Value], index: usize) -> Value {
    args.get(index).cloned().unwrap_or_default()
}

fn path_of(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, value: &Value) -> JsResult<String> {
    match value {
        Value::String(text) => Ok(super::path::resolve(&text.to_rust())),
        other => {
            let message = format!("The \"path\" argument must be of type string or an instance of Buffer or URL. Received {}", natives::received(vm, other));
            let _ = nh;
            Err(Unwind::Throw(natives::node_error(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE", &message)))
        }
    }
}

/// The encoding a read asks for (`'utf8'` or `{ encoding }`), if any.
fn encoding_of(vm: &mut Vm, value: &Value) -> Option<String> {
    match value {
        Value::String(encoding) => Some(encoding.to_rust()),
        Value::Object(_) => match natives::peek(vm, value, "encoding") {
            Value::String(encoding) => Some(encoding.to_rust()),
            _ => None,
        },
        _ => None,
    }
}

/// The name the UI shows for an I/O callback.
fn label(vm: &Vm, args: &[Value], api: &str) -> String {
    match args.iter().rev().find(|value| vm.is_callable(value)) {
        Some(function) => format!("{} ({api} callback)", super::host::function_label(vm, function)),
        None => format!("{api} settles"),
    }
}

/// `fs.readFile(path[, options], cb)` and `fs.promises.readFile`.
pub fn read_file(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, is_promise: bool, args: &[Value]) -> JsResult<Value> {
    let path = path_of(vm, nh, &arg(args, 0))?;
    let encoding = encoding_of(vm, &arg(args, 1));
    let (promise, target) = if is_promise {
        let promise = looplab_js::builtins::promise::new_promise(vm);
        (Some(promise), Value::Object(promise))
    } else {
        let function = if vm.is_callable(&arg(args, 1)) { arg(args, 1) } else { arg(args, 2) };
        require_callback(vm, &function, "cb")?;
        (None, function)
    };
    // options.signal (validateAbortSignal): an AbortSignal or nothing.
    let options = arg(args, 1);
    let signal = if options.is_object() && !vm.is_callable(&options) { natives::peek(vm, &options, "signal") } else { Value::Undefined };
    if !signal.is_undefined() {
        let key = vm.static_key("aborted");
        let is_signal = matches!(signal, Value::Object(id) if vm.has_property(id, key));
        if !is_signal {
            let message = format!("The \"options.signal\" property must be an instance of AbortSignal. Received {}", natives::received(vm, &signal));
            return Err(Unwind::Throw(natives::node_error(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE", &message)));
        }
        if is_aborted(vm, nh, &signal)? {
            // Aborted before it started: the callback hears AbortError at
            // once (lib/fs.js, readFile: checkAborted); the promise rejects.
            let error = abort_error(vm, nh, &signal)?;
            if let Some(promise) = promise {
                looplab_js::builtins::promise::reject_promise(vm, nh, promise, error);
                return Ok(Value::Object(promise));
            }
            vm.call(nh, &target, &Value::Undefined, &[error])?;
            return Ok(Value::Undefined);
        }
    }
    let data = Value::Object(vm.new_array(vec![
        target,
        Value::Bool(is_promise),
        encoding.map_or(Value::Undefined, |encoding| Value::str(&encoding)),
        Value::str(&path),
        signal,
    ]));
    if let Some(size) = nh.host.file_size(&path).filter(|size| *size > IO_MAX_BYTES) {
        // Refused after the open and fstat, before any read.
        let data = Value::Object(vm.new_array(vec![element(vm, &data, 0), element(vm, &data, 1), Value::Number(size as f64)]));
        let done = natives::function(vm, Native::ReadFileTooLarge, data);
        let callback = nh.callback(vm, &done, Value::Undefined, &[], false);
        let disk = nh.host.disk().clone();
        super::sync_pool_size(vm, nh);
        nh.host.pool_work(&format!("open {path}"), disk.open_us + disk.stat_us, callback, vec![HostValue::Null]);
        return Ok(promise.map(Value::Object).unwrap_or_default());
    }
    let done = natives::function(vm, Native::ReadFileDone, data);
    let callback = nh.callback(vm, &done, Value::Undefined, &[], false);
    let api = if is_promise { "fs.promises.readFile" } else { "fs.readFile" };
    let name = label(vm, args, api);
    super::sync_pool_size(vm, nh);
    nh.host.read_file(&path, Callback { name: name.into(), ..callback });
    Ok(promise.map(Value::Object).unwrap_or_default())
}

/// The engine's `(err, buffer)` turned into what the user asked for.
pub fn read_file_done(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, data: &Value, args: &[Value]) -> JsResult<Value> {
    let target = element(vm, data, 0);
    let is_promise = element(vm, data, 1).truthy();
    let encoding = element(vm, data, 2);
    let path = vm.to_display(&element(vm, data, 3));
    let mut error = arg(args, 0);
    let mut contents = arg(args, 1);
    let signal = element(vm, data, 4);
    if signal.is_object() && is_aborted(vm, nh, &signal)? {
        error = abort_error(vm, nh, &signal)?;
        return settle(vm, nh, &target, is_promise, error, Value::Undefined);
    }
    if error.is_nullish() {
        let size = super::byte_length(vm, nh, &contents)?;
        contents = file_value(vm, nh, &path, size, &encoding)?;
    }
    settle(vm, nh, &target, is_promise, error, contents)
}

/// What reading a file gives: its bytes when Looplab holds them (the
/// scenario's text, what the program wrote), as a Buffer or decoded; else a
/// Buffer that has only a size, or for an encoding a placeholder naming
/// the size (an empty file is empty either way).
fn file_value(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, path: &str, size: u64, encoding: &Value) -> JsResult<Value> {
    let known = nh.state.process.borrow().contents.get(path).cloned();
    let bytes = match known {
        Some(bytes) => bytes,
        None if size == 0 => Vec::new(),
        None if encoding.is_undefined() => return super::opaque_buffer(vm, nh, size),
        None => return Ok(Value::str(&format!("<{size} bytes>"))),
    };
    let buffer = super::crypto::buffer_of(vm, nh, bytes)?;
    if encoding.is_undefined() {
        return Ok(buffer);
    }
    let key = vm.key("toString");
    let to_string = vm.get(nh, &buffer, key)?;
    vm.call(nh, &to_string, &buffer, &[encoding.clone()])
}

/// Records what a write leaves in a file: its bytes when they are known
/// (a string, a Buffer with contents), else that the contents are unknown.
fn record_write(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, path: &str, data: &Value, append: bool) -> JsResult<()> {
    let bytes = match data {
        Value::Number(_) | Value::Bool(_) => Some(vm.to_string(nh, data)?.to_rust().into_bytes()),
        _ => super::crypto::known_bytes(vm, data).flatten(),
    };
    let mut process = nh.state.process.borrow_mut();
    match bytes {
        Some(bytes) if append => {
            if let Some(existing) = process.contents.get_mut(path) {
                existing.extend_from_slice(&bytes);
            } else if nh.host.file_size(path).unwrap_or(0) == 0 {
                process.contents.insert(path.to_string(), bytes);
            }
        }
        Some(bytes) => {
            process.contents.insert(path.to_string(), bytes);
        }
        None => {
            process.contents.remove(path);
        }
    }
    Ok(())
}

/// Calls the user's callback, or settles the promise.
fn settle(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, target: &Value, is_promise: bool, error: Value, value: Value) -> JsResult<Value> {
    if is_promise {
        let Value::Object(promise) = target else { return Ok(Value::Undefined) };
        if error.is_nullish() {
            looplab_js::builtins::promise::resolve_promise(vm, nh, *promise, value)?;
        } else {
            looplab_js::builtins::promise::reject_promise(vm, nh, *promise, error);
        }
        return Ok(Value::Undefined);
    }
    if value.is_undefined() {
        vm.call(nh, target, &Value::Undefined, &[error])
    } else {
        vm.call(nh, target, &Value::Undefined, &[error, value])
    }
}

fn enoent(vm: &mut Vm, syscall: &str, path: &str) -> Value {
    let error = natives::node_error(vm, ErrorType::Error, "ENOENT", &format!("ENOENT: no such file or directory, {syscall} '{path}'"));
    set(vm, &error, "errno", Value::Number(-2.0));
    set(vm, &error, "syscall", Value::str(syscall));
    set(vm, &error, "path", Value::str(path));
    error
}

/// The synchronous calls: they block the main thread for the disk's time.
/// Node's kIoMaxLength: readFile refuses a file larger than this
/// (ERR_FS_FILE_TOO_LARGE).
const IO_MAX_BYTES: u64 = (1 << 31) - 1;
/// The virtual disk `fs.statfs` describes, and its block size.
const DISK_BYTES: u64 = 256 << 30;
const STATFS_BLOCK_BYTES: u64 = 4096;
/// Past this, a file made larger by `truncate` keeps only its size.
const HELD_BYTES_MAX: u64 = 64 << 20;

/// RangeError [ERR_FS_FILE_TOO_LARGE], as lib/internal/fs/utils.js words it.
fn too_large(vm: &mut Vm, size: u64) -> Value {
    natives::node_error(vm, ErrorType::RangeError, "ERR_FS_FILE_TOO_LARGE", &format!("File size ({size}) is greater than 2 GiB"))
}

pub fn sync_call(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, native: Native, args: &[Value]) -> JsResult<Value> {
    let path = path_of(vm, nh, &arg(args, 0))?;
    let disk = nh.host.disk().clone();
    Ok(match native {
        Native::FsExistsSync => {
            nh.host.spend_cpu_us(disk.stat_us);
            Value::Bool(nh.host.file_size(&path).is_some() || path == crate::MAIN_DIR || path == "/")
        }
        Native::FsMkdirSync | Native::FsUnlinkSync => {
            nh.host.spend_cpu_us(disk.stat_us);
            Value::Undefined
        }
        Native::FsStatfsSync => {
            // The virtual disk: 256 GiB in 4 KiB blocks, half of them free.
            nh.host.spend_cpu_us(disk.stat_us);
            let stats = Value::Object(vm.new_object());
            let blocks = DISK_BYTES / STATFS_BLOCK_BYTES;
            for (name, value) in [
                ("type", 0xEF53 as f64),
                ("bsize", STATFS_BLOCK_BYTES as f64),
                ("blocks", blocks as f64),
                ("bfree", (blocks / 2) as f64),
                ("bavail", (blocks / 2) as f64),
                ("files", 16_777_216.0),
                ("ffree", 16_000_000.0),
            ] {
                set(vm, &stats, name, Value::Number(value));
            }
            stats
        }
        Native::FsTruncateSync => {
            let Some(_) = nh.host.file_size(&path) else {
                nh.host.spend_cpu_us(disk.open_us);
                return Err(Unwind::Throw(enoent(vm, "open", &path)));
            };
            let length = match arg(args, 1) {
                Value::Undefined => 0,
                value => vm.to_number(nh, &value)?.max(0.0) as u64,
            };
            nh.host.spend_cpu_us(disk.open_us + disk.close_us);
            // Bytes Looplab holds grow with zeros or shrink; a file grown
            // past what is worth holding keeps only its size.
            {
                let mut process = nh.state.process.borrow_mut();
                if let Some(bytes) = process.contents.get_mut(&path) {
                    if length <= HELD_BYTES_MAX {
                        bytes.resize(length as usize, 0);
                    } else {
                        process.contents.remove(&path);
                    }
                }
            }
            nh.host.write_file(&path, length);
            Value::Undefined
        }
        Native::FsWriteFileSync | Native::FsAppendFileSync => {
            let size = super::byte_length(vm, nh, &arg(args, 1))?;
            nh.host.spend_cpu_us(disk.open_us + disk.read_us(size) + disk.close_us);
            let existing = if native == Native::FsAppendFileSync { nh.host.file_size(&path).unwrap_or(0) } else { 0 };
            record_write(vm, nh, &path, &arg(args, 1), native == Native::FsAppendFileSync)?;
            nh.host.write_file(&path, existing + size);
            Value::Undefined
        }
        _ => match nh.host.file_size(&path) {
            Some(size) if native == Native::FsStatSync => {
                nh.host.spend_cpu_us(disk.stat_us);
                stat_object(vm, size)
            }
            Some(size) if size > IO_MAX_BYTES => {
                nh.host.spend_cpu_us(disk.open_us + disk.stat_us + disk.close_us);
                return Err(Unwind::Throw(too_large(vm, size)));
            }
            Some(size) => {
                let mut cost = disk.open_us + disk.stat_us + disk.close_us;
                let mut left = size;
                loop {
                    let chunk = left.min(READ_SYNC_CHUNK_BYTES);
                    cost += disk.read_us(chunk);
                    left -= chunk;
                    if left == 0 {
                        break;
                    }
                }
                nh.host.spend_cpu_us(cost);
                let encoding = encoding_of(vm, &arg(args, 1)).map_or(Value::Undefined, |encoding| Value::str(&encoding));
                file_value(vm, nh, &path, size, &encoding)?
            }
            None => {
                nh.host.spend_cpu_us(disk.open_us);
                let syscall = if native == Native::FsStatSync { "stat" } else { "open" };
                return Err(Unwind::Throw(enoent(vm, syscall, &path)));
            }
        },
    })
}

/// `fs.stat`, `fs.writeFile` and their promise forms: pool work.
pub fn stat_or_write(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, native: Native, args: &[Value]) -> JsResult<Value> {
    let is_promise = matches!(native, Native::FsPromisesStat | Native::FsPromisesWriteFile);
    let is_write = matches!(native, Native::FsWriteFile | Native::FsPromisesWriteFile);
    // writeFile(fd, …) writes through a descriptor fs.open gave; one not
    // open for writing, or a `flag` that does not write, is EBADF.
    let mut refused = None;
    let path = match arg(args, 0) {
        Value::Number(fd) if is_write => match nh.state.process.borrow().fds.get(&(fd as u32)) {
            Some(open) => {
                if !open.writable {
                    refused = Some("EBADF");
                }
                open.path.clone()
            }
            None => {
                refused = Some("EBADF");
                String::new()
            }
        },
        other => path_of(vm, nh, &other)?,
    };
    let options = arg(args, 2);
    let mut signal = Value::Undefined;
    if is_write && options.is_object() {
        if let Value::String(flag) = natives::peek(vm, &options, "flag") {
            if !open_flags(&flag.to_rust()).is_some_and(|(writable, _)| writable) {
                refused = Some("EBADF");
            }
        }
        signal = natives::peek(vm, &options, "signal");
    }
    if signal.is_object() && is_aborted(vm, nh, &signal)? {
        // Aborted before it started: nothing is written, and the callback
        // hears an AbortError at once (lib/fs.js, writeFile: checkAborted
        // calls it synchronously); the promise form rejects.
        let error = abort_error(vm, nh, &signal)?;
        if is_promise {
            let promise = looplab_js::builtins::promise::new_promise(vm);
            looplab_js::builtins::promise::reject_promise(vm, nh, promise, error);
            return Ok(Value::Object(promise));
        }
        let function = args.iter().rev().find(|value| vm.is_callable(value)).cloned().unwrap_or_default();
        require_callback(vm, &function, "cb")?;
        vm.call(nh, &function, &Value::Undefined, &[error])?;
        return Ok(Value::Undefined);
    }
    let disk = nh.host.disk().clone();
    let (promise, target) = if is_promise {
        let promise = looplab_js::builtins::promise::new_promise(vm);
        (Some(promise), Value::Object(promise))
    } else {
        let function = args.iter().rev().find(|value| vm.is_callable(value)).cloned().unwrap_or_default();
        require_callback(vm, &function, "cb")?;
        (None, function)
    };
    let (duration_us, result) = if let Some(code) = refused {
        (disk.open_us, vec![HostValue::Error { code: code.into(), message: format!("{code}: bad file descriptor, write") }])
    } else if is_write {
        let size = super::byte_length(vm, nh, &arg(args, 1))?;
        record_write(vm, nh, &path, &arg(args, 1), false)?;
        nh.host.write_file(&path, size);
        (disk.open_us + disk.read_us(size) + disk.close_us, vec![HostValue::Null])
    } else {
        match nh.host.file_size(&path) {
            Some(size) => (disk.stat_us, vec![HostValue::Null, HostValue::Number(size as f64)]),
            None => (disk.stat_us, vec![HostValue::Error { code: "ENOENT".into(), message: format!("ENOENT: no such file or directory, stat '{path}'") }]),
        }
    };
    let data = Value::Object(vm.new_array(vec![target, Value::Bool(is_promise), Value::Bool(is_write), signal]));
    let done = natives::function(vm, Native::StatDone, data);
    let callback = nh.callback(vm, &done, Value::Undefined, &[], false);
    let api = match native {
        Native::FsStat => "fs.stat",
        Native::FsPromisesStat => "fs.promises.stat",
        Native::FsWriteFile => "fs.writeFile",
        _ => "fs.promises.writeFile",
    };
    let name = label(vm, args, api);
    super::sync_pool_size(vm, nh);
    nh.host.pool_work(&format!("{} {path}", if is_write { "write" } else { "stat" }), duration_us, Callback { name: name.into(), ..callback }, result);
    Ok(promise.map(Value::Object).unwrap_or_default())
}

pub fn stat_done(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, data: &Value, args: &[Value]) -> JsResult<Value> {
    let target = element(vm, data, 0);
    let is_promise = element(vm, data, 1).truthy();
    let is_write = element(vm, data, 2).truthy();
    let value = match (is_write, arg(args, 1)) {
        (false, Value::Number(size)) => stat_object(vm, size as u64),
        _ => Value::Undefined,
    };
    // A write whose signal was aborted while it ran ends with AbortError.
    let signal = element(vm, data, 3);
    if is_write && signal.is_object() && is_aborted(vm, nh, &signal)? {
        let error = abort_error(vm, nh, &signal)?;
        return settle(vm, nh, &target, is_promise, error, Value::Undefined);
    }
    settle(vm, nh, &target, is_promise, arg(args, 0), value)
}

/// `signal.aborted` (a getter on AbortSignal.prototype).
fn is_aborted(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, signal: &Value) -> JsResult<bool> {
    let key = vm.static_key("aborted");
    Ok(vm.get(nh, signal, key)?.truthy())
}

/// `new AbortError(undefined, { cause: signal.reason })`, as Node's fs
/// makes it.
fn abort_error(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, signal: &Value) -> JsResult<Value> {
    let web = super::modules::require_builtin(vm, nh, "%web")?;
    let constructor = natives::peek(vm, &web, "AbortError");
    let options = Value::Object(vm.new_object());
    let key = vm.static_key("reason");
    let reason = vm.get(nh, signal, key)?;
    set(vm, &options, "cause", reason);
    vm.construct(nh, &constructor, &[Value::Undefined, options], None)
}

fn stat_object(vm: &mut Vm, size: u64) -> Value {
    let stats = Value::Object(vm.new_object());
    set(vm, &stats, "size", Value::Number(size as f64));
    let is_file = natives::function(vm, Native::StatIsFile, Value::Undefined);
    set(vm, &stats, "isFile", is_file);
    stats
}

/// The pool requests behind fs streams: `(path|fd, [length,] cb)`.
pub fn stream_binding(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, native: Native, args: &[Value]) -> JsResult<Value> {
    let function = args.iter().rev().find(|value| vm.is_callable(value)).cloned().unwrap_or_default();
    require_callback(vm, &function, "callback")?;
    let disk = nh.host.disk().clone();
    let (label, duration_us, result) = match native {
        Native::FsbOpen => {
            let path = path_of(vm, nh, &arg(args, 0))?;
            match nh.host.file_size(&path) {
                Some(size) => {
                    let fd = 20.0 + (vm.ops % 1000) as f64;
                    (format!("open {path}"), disk.open_us, vec![HostValue::Null, HostValue::Number(fd), HostValue::Number(size as f64)])
                }
                None => (
                    format!("open {path}"),
                    disk.open_us,
                    vec![HostValue::Error { code: "ENOENT".into(), message: format!("ENOENT: no such file or directory, open '{path}'") }],
                ),
            }
        }
        Native::FsbRead => {
            let length = vm.to_number(nh, &arg(args, 1))?.max(0.0) as u64;
            (format!("read {length} B"), disk.read_us(length), vec![HostValue::Null, HostValue::Number(length as f64)])
        }
        _ => ("close".to_string(), disk.close_us, vec![HostValue::Null]),
    };
    let callback = nh.callback(vm, &function, Value::Undefined, &[], false);
    super::sync_pool_size(vm, nh);
    nh.host.pool_work(&label, duration_us, callback, result);
    Ok(Value::Undefined)
}

/// Whether `flags` (`'r'`, `'w+'`, `'a'`, `'wx'` …) may write, create, and
/// must find the file; `None` for flags Node refuses.
fn open_flags(flags: &str) -> Option<(bool, bool)> {
    match flags {
        "r" | "rs" | "sr" => Some((false, false)),
        "r+" | "rs+" | "sr+" => Some((true, false)),
        "w" | "wx" | "xw" | "w+" | "wx+" | "xw+" | "a" | "ax" | "xa" | "as" | "sa" | "a+" | "ax+" | "xa+" | "as+" | "sa+" => Some((true, true)),
        _ => None,
    }
}

/// `fs.open(path[, flags[, mode]], cb)`, `fs.close(fd, cb)` and their
/// sync forms: a descriptor table per process; opening for writing creates
/// (and truncates, for `w`) the file, on the thread pool.
pub fn open_or_close(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, native: Native, args: &[Value]) -> JsResult<Value> {
    let sync = matches!(native, Native::FsOpenSync | Native::FsCloseSync);
    let disk = nh.host.disk().clone();
    let callback = if sync {
        Value::Undefined
    } else {
        let function = args.iter().rev().find(|value| vm.is_callable(value)).cloned().unwrap_or_default();
        require_callback(vm, &function, "cb")?;
        function
    };
    let (work, duration_us, outcome): (String, u64, Result<Option<u32>, (String, String)>) = if matches!(native, Native::FsOpen | Native::FsOpenSync) {
        let path = path_of(vm, nh, &arg(args, 0))?;
        let flags = match arg(args, 1) {
            Value::String(flags) => flags.to_rust(),
            _ => "r".to_string(),
        };
        let Some((writable, creates)) = open_flags(&flags) else {
            let message = format!("The argument 'flags' is invalid. Received '{flags}'");
            return Err(Unwind::Throw(natives::node_error(vm, ErrorType::TypeError, "ERR_INVALID_ARG_VALUE", &message)));
        };
        let exists = nh.host.file_size(&path).is_some();
        let outcome = if !exists && !creates {
            Err(("ENOENT".to_string(), format!("ENOENT: no such file or directory, open '{path}'")))
        } else if exists && flags.contains('x') {
            Err(("EEXIST".to_string(), format!("EEXIST: file already exists, open '{path}'")))
        } else {
            if creates && (flags.starts_with('w') || !exists) {
                record_write(vm, nh, &path, &Value::str(""), false)?;
                nh.host.write_file(&path, 0);
            }
            let mut process = nh.state.process.borrow_mut();
            let fd = process.next_fd.max(super::process::FIRST_FD);
            process.next_fd = fd + 1;
            process.fds.insert(fd, super::process::OpenFile { path: path.clone(), writable });
            Ok(Some(fd))
        };
        (format!("open {path}"), disk.open_us, outcome)
    } else {
        let fd = vm.to_number(nh, &arg(args, 0))?;
        let removed = nh.state.process.borrow_mut().fds.remove(&(fd as u32));
        let outcome = match removed {
            Some(_) => Ok(None),
            None => Err(("EBADF".to_string(), "EBADF: bad file descriptor, close".to_string())),
        };
        ("close".to_string(), disk.close_us, outcome)
    };
    if sync {
        return match outcome {
            Ok(fd) => Ok(fd.map_or(Value::Undefined, |fd| Value::Number(f64::from(fd)))),
            Err((code, message)) => {
                let error = natives::node_error(vm, ErrorType::Error, &code, &message);
                Err(Unwind::Throw(error))
            }
        };
    }
    let result = match outcome {
        Ok(Some(fd)) => vec![HostValue::Null, HostValue::Number(f64::from(fd))],
        Ok(None) => vec![HostValue::Null],
        Err((code, message)) => vec![HostValue::Error { code, message }],
    };
    let done = natives::function(vm, Native::OpenDone, callback);
    let host_callback = nh.callback(vm, &done, Value::Undefined, &[], false);
    let name = label(vm, args, if matches!(native, Native::FsOpen) { "fs.open" } else { "fs.close" });
    super::sync_pool_size(vm, nh);
    nh.host.pool_work(&work, duration_us, Callback { name: name.into(), ..host_callback }, result);
    Ok(Value::Undefined)
}

/// The completion of `fs.open`/`fs.close`: the user's callback with
/// `(err)` or `(null, fd)`.
pub fn open_done(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, data: &Value, args: &[Value]) -> JsResult<Value> {
    let error = arg(args, 0);
    match arg(args, 1) {
        Value::Number(fd) if error.is_nullish() => vm.call(nh, data, &Value::Undefined, &[Value::Null, Value::Number(fd)]),
        _ => vm.call(nh, data, &Value::Undefined, &[error]),
    }
}

/// A readFile of a file over 2 GiB, refused after its open and fstat.
pub fn read_file_too_large(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, data: &Value) -> JsResult<Value> {
    let target = element(vm, data, 0);
    let is_promise = element(vm, data, 1).truthy();
    let size = match element(vm, data, 2) {
        Value::Number(size) => size as u64,
        _ => 0,
    };
    let error = too_large(vm, size);
    settle(vm, nh, &target, is_promise, error, Value::Undefined)
}
