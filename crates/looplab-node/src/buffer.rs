//! Node's `Buffer`.
//!
//! Buffers a script builds (`Buffer.alloc`, `Buffer.from`, `Buffer.concat`,
//! `crypto.randomBytes`) hold real bytes, and `subarray`/`slice` are views
//! onto the same memory, as in Node (`buf.subarray` "references the same
//! memory as the original", Node docs, Buffer). A Buffer read from the
//! virtual file system, or made by a simulated hash or compressor, has only
//! a size: Looplab simulates file sizes and costs, not contents. Reading the
//! bytes of such a Buffer fails loudly instead of inventing them.

use crate::value::{Class, Object, Value};
use crate::vm::{JsResult, Vm};
use std::cell::RefCell;
use std::rc::Rc;

/// The largest Buffer whose bytes are kept; larger ones only have a size,
/// so `Buffer.alloc(1e9)` costs a number, not a gigabyte of wasm memory.
pub const BUFFER_BYTES_MAX: u64 = 16 * 1024 * 1024;

/// Node's `buffer.constants.MAX_LENGTH` on 64-bit platforms (v20).
const BUFFER_LENGTH_MAX: u64 = 4 * 1024 * 1024 * 1024;

#[derive(Clone)]
pub enum BufferData {
    /// Only the size is simulated (file contents, hashes, compressed data).
    Sized(u64),
    /// Real bytes: a window `start..start + len` onto shared memory.
    Bytes { store: Rc<RefCell<Vec<u8>>>, start: usize, len: usize },
}

impl BufferData {
    pub fn from_vec(bytes: Vec<u8>) -> BufferData {
        let len = bytes.len();
        BufferData::Bytes { store: Rc::new(RefCell::new(bytes)), start: 0, len }
    }

    /// Zero-filled bytes, or only a size when it is over [`BUFFER_BYTES_MAX`].
    pub fn zeroed(size: u64) -> BufferData {
        if size <= BUFFER_BYTES_MAX {
            BufferData::from_vec(vec![0; size as usize])
        } else {
            BufferData::Sized(size)
        }
    }

    pub fn len(&self) -> u64 {
        match self {
            BufferData::Sized(size) => *size,
            BufferData::Bytes { len, .. } => *len as u64,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A copy of the bytes, or `None` when only the size is simulated.
    pub fn to_vec(&self) -> Option<Vec<u8>> {
        match self {
            BufferData::Sized(0) => Some(Vec::new()),
            BufferData::Sized(_) => None,
            BufferData::Bytes { store, start, len } => Some(store.borrow()[*start..*start + *len].to_vec()),
        }
    }

    /// The view `begin..end` (already clamped), sharing memory.
    fn view(&self, begin: usize, end: usize) -> BufferData {
        match self {
            BufferData::Sized(_) => BufferData::Sized((end - begin) as u64),
            BufferData::Bytes { store, start, .. } => BufferData::Bytes { store: store.clone(), start: start + begin, len: end - begin },
        }
    }

    /// The byte at `index`: `Ok(None)` past the end, `Err` when the bytes
    /// are not simulated.
    pub fn byte_at(&self, index: usize) -> Result<Option<u8>, u64> {
        match self {
            BufferData::Sized(size) => Err(*size),
            BufferData::Bytes { store, start, len } => Ok((index < *len).then(|| store.borrow()[start + index])),
        }
    }

    /// Writes a byte; writes past the end are ignored, as for typed arrays.
    pub fn set_byte(&self, index: usize, byte: u8) -> Result<(), u64> {
        match self {
            BufferData::Sized(size) => Err(*size),
            BufferData::Bytes { store, start, len } => {
                if index < *len {
                    store.borrow_mut()[start + index] = byte;
                }
                Ok(())
            }
        }
    }
}

/// The error for touching the bytes of a size-only Buffer.
pub fn contents_not_simulated<T>(vm: &Vm, size: u64) -> JsResult<T> {
    vm.throw_error(
        "Error",
        &format!(
            "not supported in Looplab: the bytes of this {size}-byte Buffer (it came from a file, a hash or a compressor, whose sizes and costs Looplab simulates but not their contents)"
        ),
    )
}

pub fn new_buffer(vm: &Vm, data: BufferData) -> Value {
    Value::Object(Object::new(Class::Buffer(data), Some(vm.realm.buffer_prototype.clone())))
}

/// The Buffer behind a value, if it is one.
pub fn buffer_data(value: &Value) -> Option<BufferData> {
    let object = value.as_object()?;
    let borrowed = object.borrow();
    match &borrowed.class {
        Class::Buffer(data) => Some(data.clone()),
        _ => None,
    }
}

/// ToUint8, as a typed-array element store does.
pub fn to_uint8(number: f64) -> u8 {
    if !number.is_finite() {
        return 0;
    }
    (number.trunc().rem_euclid(256.0)) as u8
}

/// `buf.toString()` for size-only Buffers: a placeholder that says what
/// it stands for, since the real text is not simulated.
pub fn placeholder_text(size: u64) -> String {
    format!("<{size} bytes>")
}

/// Node's `util.inspect` of a Buffer: `<Buffer 68 69>`, at most 50 bytes.
pub fn inspect(data: &BufferData) -> String {
    match data.to_vec() {
        None => format!("<Buffer ({} bytes)>", data.len()),
        Some(bytes) => {
            let mut text = String::from("<Buffer");
            for byte in bytes.iter().take(50) {
                text.push_str(&format!(" {byte:02x}"));
            }
            if bytes.len() > 50 {
                text.push_str(&format!(" ... {} more bytes", bytes.len() - 50));
            }
            text.push('>');
            text
        }
    }
}

pub const STATIC_METHODS: &[&str] = &["alloc", "allocUnsafe", "from", "concat", "byteLength", "isBuffer"];
pub const PROTOTYPE_METHODS: &[&str] = &[
    "toString",
    "subarray",
    "slice",
    "copy",
    "fill",
    "equals",
    "readUInt8",
    "readUInt16BE",
    "readUInt16LE",
    "readUInt32BE",
    "readUInt32LE",
    "writeUInt8",
    "writeUInt16BE",
    "writeUInt16LE",
    "writeUInt32BE",
    "writeUInt32LE",
];

fn arg(args: &[Value], index: usize) -> Value {
    args.get(index).cloned().unwrap_or_default()
}

/// Encodes a string as `Buffer.from(string, encoding)` does.
fn encode(vm: &Vm, text: &str, encoding: &str) -> JsResult<Vec<u8>> {
    match encoding {
        "utf8" | "utf-8" => Ok(text.as_bytes().to_vec()),
        "latin1" | "binary" | "ascii" => Ok(text.chars().map(|c| c as u32 as u8).collect()),
        "hex" => {
            // Node stops at the first pair that is not hex.
            let digits: Vec<u8> = text.bytes().collect();
            let mut bytes = Vec::new();
            for pair in digits.chunks_exact(2) {
                match u8::from_str_radix(std::str::from_utf8(pair).unwrap_or("zz"), 16) {
                    Ok(byte) => bytes.push(byte),
                    Err(_) => break,
                }
            }
            Ok(bytes)
        }
        other => vm.throw_error("TypeError", &format!("not supported in Looplab: the '{other}' encoding (supported: utf8, hex, latin1)")),
    }
}

fn decode(vm: &Vm, bytes: &[u8], encoding: &str) -> JsResult<String> {
    match encoding {
        "utf8" | "utf-8" => Ok(String::from_utf8_lossy(bytes).into_owned()),
        "latin1" | "binary" => Ok(bytes.iter().map(|&byte| char::from(byte)).collect()),
        "ascii" => Ok(bytes.iter().map(|&byte| char::from(byte & 0x7f)).collect()),
        "hex" => Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect()),
        other => vm.throw_error("TypeError", &format!("not supported in Looplab: the '{other}' encoding (supported: utf8, hex, latin1)")),
    }
}

fn encoding_arg(vm: &Vm, value: &Value) -> String {
    if value.is_nullish() {
        "utf8".to_string()
    } else {
        vm.to_string(value).to_ascii_lowercase()
    }
}

/// A relative index argument clamped to `0..=len`, as `subarray` reads it.
fn relative_index(vm: &Vm, value: &Value, len: usize, default: usize) -> usize {
    if value.is_nullish() {
        return default;
    }
    let number = vm.to_number(value);
    let number = if number.is_nan() { 0.0 } else { number.trunc() };
    let index = if number < 0.0 { (len as f64 + number).max(0.0) } else { number.min(len as f64) };
    index as usize
}

/// A read or write of `width` bytes at `offset`, checked as Node checks it.
fn checked_offset(vm: &Vm, value: &Value, width: usize, len: usize) -> JsResult<usize> {
    let offset = if value.is_nullish() { 0.0 } else { vm.to_number(value) };
    if offset.fract() != 0.0 || offset < 0.0 || offset as usize + width > len {
        let range = if len >= width { format!(">= 0 and <= {}", len - width) } else { "out of bounds".to_string() };
        let error = format!("The value of \"offset\" is out of range. It must be {range}. Received {offset}");
        return vm.throw_error("RangeError", &error);
    }
    Ok(offset as usize)
}

/// `Buffer.*` and `Buffer.prototype.*`.
pub fn call(vm: &mut Vm, name: &str, this: &Value, args: &[Value]) -> JsResult<Value> {
    let a0 = arg(args, 0);
    if let Some(method) = name.strip_prefix("Buffer.prototype.") {
        let Some(data) = buffer_data(this) else {
            return vm.throw_error("TypeError", &format!("Buffer.prototype.{method} called on something that is not a Buffer"));
        };
        return prototype_call(vm, method, &data, args);
    }
    Ok(match name {
        "Buffer.alloc" | "Buffer.allocUnsafe" => {
            let size = vm.to_number(&a0);
            if !(0.0..=BUFFER_LENGTH_MAX as f64).contains(&size) {
                return vm
                    .throw_error("RangeError", &format!("The value of \"size\" is out of range. It must be >= 0 && <= {BUFFER_LENGTH_MAX}. Received {size}"));
            }
            let data = BufferData::zeroed(size as u64);
            let fill = arg(args, 1);
            if !fill.is_nullish() {
                prototype_call(vm, "fill", &data, &[fill])?;
            }
            new_buffer(vm, data)
        }
        "Buffer.from" => {
            let data = match &a0 {
                Value::String(text) => BufferData::from_vec(encode(vm, text, &encoding_arg(vm, &arg(args, 1)))?),
                Value::Object(object) => {
                    let items = match &object.borrow().class {
                        Class::Array(items) => Some(items.clone()),
                        _ => None,
                    };
                    match (items, buffer_data(&a0)) {
                        (Some(items), _) => BufferData::from_vec(items.iter().map(|item| to_uint8(vm.to_number(item))).collect()),
                        (None, Some(source)) => match source.to_vec() {
                            Some(bytes) => BufferData::from_vec(bytes),
                            None => BufferData::Sized(source.len()),
                        },
                        (None, None) => {
                            return vm.throw_error(
                                "TypeError",
                                "not supported in Looplab: Buffer.from of this object (supported: a string, an array of bytes, a Buffer)",
                            )
                        }
                    }
                }
                _ => {
                    let received = vm.to_string(&a0);
                    let message = format!("The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object. Received {received}");
                    return vm.throw_error("TypeError", &message);
                }
            };
            new_buffer(vm, data)
        }
        "Buffer.concat" => {
            let parts: Vec<BufferData> = match a0.as_object().map(|object| match &object.borrow().class {
                Class::Array(items) => Some(items.clone()),
                _ => None,
            }) {
                Some(Some(items)) => items.iter().filter_map(buffer_data).collect(),
                _ => return vm.throw_error("TypeError", "The \"list\" argument must be an instance of Array."),
            };
            let total: u64 = parts.iter().map(BufferData::len).sum();
            let contents: Option<Vec<Vec<u8>>> = parts.iter().map(BufferData::to_vec).collect();
            let data = match contents {
                Some(contents) if total <= BUFFER_BYTES_MAX => BufferData::from_vec(contents.concat()),
                _ => BufferData::Sized(total),
            };
            new_buffer(vm, data)
        }
        "Buffer.byteLength" => Value::Number(byte_length(vm, &a0) as f64),
        "Buffer.isBuffer" => Value::Bool(buffer_data(&a0).is_some()),
        other => return vm.throw_error("Error", &format!("not supported in Looplab: {other}")),
    })
}

/// A value's length in bytes, as `Buffer.byteLength` counts it.
pub fn byte_length(vm: &Vm, value: &Value) -> u64 {
    match value {
        Value::String(text) => text.len() as u64,
        other => match buffer_data(other) {
            Some(data) => data.len(),
            None => vm.to_string(other).len() as u64,
        },
    }
}

fn prototype_call(vm: &mut Vm, method: &str, data: &BufferData, args: &[Value]) -> JsResult<Value> {
    let a0 = arg(args, 0);
    let len = data.len() as usize;
    let unsigned = |method: &str| -> Option<(usize, bool)> {
        let width = match method.trim_start_matches("read").trim_start_matches("write") {
            "UInt8" => (1, true),
            "UInt16BE" => (2, true),
            "UInt16LE" => (2, false),
            "UInt32BE" => (4, true),
            "UInt32LE" => (4, false),
            _ => return None,
        };
        Some(width)
    };
    Ok(match method {
        "toString" => match data.to_vec() {
            None => Value::str(&placeholder_text(data.len())),
            Some(bytes) => {
                let end = relative_index(vm, &arg(args, 2), bytes.len(), bytes.len());
                let start = relative_index(vm, &arg(args, 1), bytes.len(), 0).min(end);
                Value::str(&decode(vm, &bytes[start..end], &encoding_arg(vm, &a0))?)
            }
        },
        "subarray" | "slice" => {
            let end = relative_index(vm, &arg(args, 1), len, len);
            let start = relative_index(vm, &a0, len, 0).min(end);
            new_buffer(vm, data.view(start, end))
        }
        "copy" => {
            let Some(target) = buffer_data(&a0) else {
                return vm.throw_error("TypeError", "The \"target\" argument must be an instance of Buffer or Uint8Array.");
            };
            let Some(bytes) = data.to_vec() else {
                return contents_not_simulated(vm, data.len());
            };
            let target_start = relative_index(vm, &arg(args, 1), target.len() as usize, 0);
            let source_end = relative_index(vm, &arg(args, 3), len, len);
            let source_start = relative_index(vm, &arg(args, 2), len, 0).min(source_end);
            let count = (source_end - source_start).min(target.len() as usize - target_start);
            for (offset, byte) in bytes[source_start..source_start + count].iter().enumerate() {
                if let Err(size) = target.set_byte(target_start + offset, *byte) {
                    return contents_not_simulated(vm, size);
                }
            }
            Value::Number(count as f64)
        }
        "fill" => {
            let pattern = match &a0 {
                Value::String(text) => text.as_bytes().to_vec(),
                other => vec![to_uint8(vm.to_number(other))],
            };
            if let (BufferData::Bytes { .. }, false) = (data, pattern.is_empty()) {
                for index in 0..len {
                    let _ = data.set_byte(index, pattern[index % pattern.len()]);
                }
            }
            Value::Undefined
        }
        "equals" => {
            let Some(other) = buffer_data(&a0) else {
                return vm.throw_error("TypeError", "The \"otherBuffer\" argument must be an instance of Buffer or Uint8Array.");
            };
            match (data.to_vec(), other.to_vec()) {
                (Some(mine), Some(theirs)) => Value::Bool(mine == theirs),
                (None, _) => return contents_not_simulated(vm, data.len()),
                (_, None) => return contents_not_simulated(vm, other.len()),
            }
        }
        read if read.starts_with("read") => {
            let Some((width, big_endian)) = unsigned(read) else {
                return vm.throw_error("Error", &format!("not supported in Looplab: buf.{read}"));
            };
            let Some(bytes) = data.to_vec() else {
                return contents_not_simulated(vm, data.len());
            };
            let offset = checked_offset(vm, &a0, width, len)?;
            let mut value: u64 = 0;
            for index in 0..width {
                let byte = if big_endian { bytes[offset + index] } else { bytes[offset + width - 1 - index] };
                value = (value << 8) | u64::from(byte);
            }
            Value::Number(value as f64)
        }
        write if write.starts_with("write") => {
            let Some((width, big_endian)) = unsigned(write) else {
                return vm.throw_error("Error", &format!("not supported in Looplab: buf.{write}"));
            };
            let value = vm.to_number(&a0);
            let max = (1u64 << (8 * width)) - 1;
            if !(0.0..=max as f64).contains(&value) {
                return vm.throw_error("RangeError", &format!("The value of \"value\" is out of range. It must be >= 0 and <= {max}. Received {value}"));
            }
            let offset = checked_offset(vm, &arg(args, 1), width, len)?;
            let value = value as u64;
            for index in 0..width {
                let shift = if big_endian { 8 * (width - 1 - index) } else { 8 * index };
                if let Err(size) = data.set_byte(offset + index, (value >> shift) as u8) {
                    return contents_not_simulated(vm, size);
                }
            }
            Value::Number((offset + width) as f64)
        }
        other => return vm.throw_error("Error", &format!("not supported in Looplab: buf.{other}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_share_memory_and_sized_buffers_refuse_byte_access() {
        let whole = BufferData::from_vec(vec![1, 2, 3, 4]);
        let middle = whole.view(1, 3);
        middle.set_byte(0, 9).unwrap();
        assert_eq!(whole.to_vec().unwrap(), vec![1, 9, 3, 4]);
        assert_eq!(middle.byte_at(2), Ok(None));
        assert_eq!(BufferData::Sized(10).byte_at(0), Err(10));
        assert!(matches!(BufferData::zeroed(BUFFER_BYTES_MAX + 1), BufferData::Sized(_)));
        assert_eq!(to_uint8(-1.0), 255);
        assert_eq!(to_uint8(256.5), 0);
    }
}
