//! The bytes of `crypto`: hashes, HMACs and PBKDF2 keys computed for real
//! with the RustCrypto crates (sha1, sha2, md-5, hmac, pbkdf2), so a digest
//! prints as Node prints it. Their virtual cost stays the model's (a pool
//! job's duration, the main thread's time for a sync call); a derived key is
//! computed the first time the program reads it, so a load of a million
//! pbkdf2 calls whose keys nobody reads costs no real hashing.

use super::host::NodeHost;
use super::natives;
use hmac::{Hmac, Mac};
use looplab_js::object::Kind;
use looplab_js::{ErrorType, JsResult, Unwind, Value, Vm};
use sha2::Digest as _;
use std::rc::Rc;

/// The digests Looplab computes (Node accepts OpenSSL's names for them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Digest {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Digest {
    pub fn from_name(name: &str) -> Option<Digest> {
        Some(match name.to_ascii_lowercase().as_str() {
            "md5" | "rsa-md5" => Digest::Md5,
            "sha1" | "sha-1" | "rsa-sha1" => Digest::Sha1,
            "sha224" | "sha-224" | "rsa-sha224" => Digest::Sha224,
            "sha256" | "sha-256" | "rsa-sha256" => Digest::Sha256,
            "sha384" | "sha-384" | "rsa-sha384" => Digest::Sha384,
            "sha512" | "sha-512" | "rsa-sha512" => Digest::Sha512,
            _ => return None,
        })
    }

    pub fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            Digest::Md5 => md5::Md5::digest(data).to_vec(),
            Digest::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Digest::Sha224 => sha2::Sha224::digest(data).to_vec(),
            Digest::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Digest::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Digest::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }

    pub fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
            match <M as hmac::digest::KeyInit>::new_from_slice(key) {
                Ok(mut mac) => {
                    mac.update(data);
                    mac.finalize().into_bytes().to_vec()
                }
                Err(_) => Vec::new(),
            }
        }
        match self {
            Digest::Md5 => run::<Hmac<md5::Md5>>(key, data),
            Digest::Sha1 => run::<Hmac<sha1::Sha1>>(key, data),
            Digest::Sha224 => run::<Hmac<sha2::Sha224>>(key, data),
            Digest::Sha256 => run::<Hmac<sha2::Sha256>>(key, data),
            Digest::Sha384 => run::<Hmac<sha2::Sha384>>(key, data),
            Digest::Sha512 => run::<Hmac<sha2::Sha512>>(key, data),
        }
    }

    /// PBKDF2 with HMAC of this digest (RFC 8018, 5.2).
    pub fn pbkdf2(self, password: &[u8], salt: &[u8], iterations: u32, key_length: usize) -> Vec<u8> {
        let mut key = vec![0; key_length];
        match self {
            Digest::Md5 => pbkdf2::pbkdf2_hmac::<md5::Md5>(password, salt, iterations, &mut key),
            Digest::Sha1 => pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, iterations, &mut key),
            Digest::Sha224 => pbkdf2::pbkdf2_hmac::<sha2::Sha224>(password, salt, iterations, &mut key),
            Digest::Sha256 => pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, iterations, &mut key),
            Digest::Sha384 => pbkdf2::pbkdf2_hmac::<sha2::Sha384>(password, salt, iterations, &mut key),
            Digest::Sha512 => pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password, salt, iterations, &mut key),
        }
        key
    }
}

/// The digest a call names, or Node's error for it.
pub fn digest_arg(vm: &mut Vm, value: &Value) -> JsResult<Digest> {
    let Value::String(name) = value else {
        let message = format!("The \"digest\" argument must be of type string. Received {}", natives::received(vm, value));
        return Err(Unwind::Throw(natives::node_error(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE", &message)));
    };
    let name = name.to_rust();
    Digest::from_name(&name)
        .ok_or_else(|| Unwind::Throw(natives::node_error(vm, ErrorType::TypeError, "ERR_CRYPTO_INVALID_DIGEST", &format!("Invalid digest: {name}"))))
}

/// The bytes Looplab holds for a string (UTF-8), a Buffer, a typed array
/// or an ArrayBuffer (computing pending ones): `Some(None)` for a buffer
/// whose contents are not simulated, `None` for any other value.
pub fn known_bytes(vm: &mut Vm, value: &Value) -> Option<Option<Vec<u8>>> {
    let id = match value {
        Value::String(text) => return Some(Some(text.to_rust().into_bytes())),
        Value::Object(id) => *id,
        _ => return None,
    };
    let (buffer, offset, length) = match (&vm.heap.get(id).kind, vm.view_bytes(id)) {
        (_, Some((buffer, offset, length))) => (buffer, offset as usize, length as usize),
        (Kind::ArrayBuffer(data), None) => (id, 0, data.length as usize),
        _ => return None,
    };
    vm.materialize_array_buffer(buffer);
    match &vm.heap.get(buffer).kind {
        Kind::ArrayBuffer(data) if data.opaque => Some(None),
        Kind::ArrayBuffer(data) => Some(Some(data.bytes.get(offset..offset + length).map(<[u8]>::to_vec).unwrap_or_default())),
        _ => None,
    }
}

/// The bytes of a string (UTF-8), a Buffer, a typed array or an
/// ArrayBuffer, as Node's crypto takes them.
pub fn bytes_of(vm: &mut Vm, value: &Value, name: &str) -> JsResult<Vec<u8>> {
    match known_bytes(vm, value) {
        Some(Some(bytes)) => Ok(bytes),
        Some(None) => vm.unsupported("crypto on the bytes of a buffer whose contents are not simulated"),
        None => {
            let message = format!(
                "The \"{name}\" argument must be of type string or an instance of ArrayBuffer, Buffer, TypedArray, or DataView. Received {}",
                natives::received(vm, value)
            );
            Err(Unwind::Throw(natives::node_error(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE", &message)))
        }
    }
}

/// A Buffer holding `bytes`.
pub fn buffer_of(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, bytes: Vec<u8>) -> JsResult<Value> {
    let length = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    let array_buffer = vm.new_array_buffer(length, None);
    if let Kind::ArrayBuffer(data) = &mut vm.heap.get_mut(array_buffer).kind {
        data.bytes = bytes;
    }
    buffer_over(vm, nh, array_buffer)
}

/// A Buffer of `length` bytes that `compute` makes when first read.
pub fn computed_buffer(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, length: u32, compute: Rc<dyn Fn() -> Vec<u8>>) -> JsResult<Value> {
    let array_buffer = vm.new_array_buffer_computed(length, compute);
    buffer_over(vm, nh, array_buffer)
}

fn buffer_over(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, array_buffer: looplab_js::ObjId) -> JsResult<Value> {
    // A Buffer is a Uint8Array on Buffer.prototype with no own properties
    // (buffer.js's FastBuffer): made here, without running JavaScript.
    let class = super::buffer_function(vm, nh, "%class")?;
    let prototype = natives::peek(vm, &class, "prototype").as_object();
    let length = match &vm.heap.get(array_buffer).kind {
        Kind::ArrayBuffer(data) => data.length,
        _ => 0,
    };
    Ok(Value::Object(vm.new_uint8_view(prototype, array_buffer, 0, length)))
}

/// `pbkdf2(password, salt, iterations, keylen, digest)`'s checked arguments
/// and its key, computed when read.
pub fn pbkdf2_key(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, args: &[Value]) -> JsResult<(u64, Value)> {
    let arg = |index: usize| args.get(index).cloned().unwrap_or_default();
    let password = bytes_of(vm, &arg(0), "password")?;
    let salt = bytes_of(vm, &arg(1), "salt")?;
    let iterations = integer_in(vm, &arg(2), "iterations", 1.0, 2_147_483_647.0)?;
    let key_length = integer_in(vm, &arg(3), "keylen", 0.0, 2_147_483_647.0)?;
    let digest = digest_arg(vm, &arg(4))?;
    let (iterations, key_length) = (iterations as u32, key_length as usize);
    let compute: Rc<dyn Fn() -> Vec<u8>> = Rc::new(move || digest.pbkdf2(&password, &salt, iterations, key_length));
    let key = computed_buffer(vm, nh, key_length as u32, compute)?;
    Ok((u64::from(iterations), key))
}

/// A number argument that must be an integer in `min..=max` (Node's
/// validateInt32 / validateNumber messages).
fn integer_in(vm: &mut Vm, value: &Value, name: &str, min: f64, max: f64) -> JsResult<f64> {
    let Value::Number(number) = value else {
        let message = format!("The \"{name}\" argument must be of type number. Received {}", natives::received(vm, value));
        return Err(Unwind::Throw(natives::node_error(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE", &message)));
    };
    if number.fract() != 0.0 || *number < min || *number > max {
        let rule = if number.fract() != 0.0 { "an integer".to_string() } else { format!(">= {min} && <= {max}") };
        let shown = vm.to_display(value);
        let message = format!("The value of \"{name}\" is out of range. It must be {rule}. Received {shown}");
        return Err(Unwind::Throw(natives::node_error(vm, ErrorType::RangeError, "ERR_OUT_OF_RANGE", &message)));
    }
    Ok(*number)
}

/// `scrypt(password, salt, keylen, N, r, p, maxmem)`'s parameters, checked
/// as OpenSSL's EVP_PBE_scrypt checks them (crypto.js has applied Node's
/// option rules and defaults), and its key, computed when read. The first
/// value is the work: the number of Salsa20/8 cores the key costs.
pub fn scrypt_key(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, args: &[Value]) -> JsResult<(u64, Value)> {
    let arg = |index: usize| args.get(index).cloned().unwrap_or_default();
    let password = bytes_of(vm, &arg(0), "password")?;
    let salt = bytes_of(vm, &arg(1), "salt")?;
    let number = |index: usize| arg(index).as_number().unwrap_or(0.0) as u64;
    let (key_length, cost, block_size, parallelization, max_memory) = (number(2), number(3), number(4), number(5), number(6));
    let memory = scrypt_memory(cost, block_size, parallelization).map_err(|memory_limit| {
        let message =
            if memory_limit { "Invalid scrypt params: error:030000AC:digital envelope routines::memory limit exceeded" } else { "Invalid scrypt params" };
        Unwind::Throw(natives::node_error(vm, ErrorType::RangeError, "ERR_CRYPTO_INVALID_SCRYPT_PARAMS", message))
    })?;
    if memory > max_memory {
        let message = "Invalid scrypt params: error:030000AC:digital envelope routines::memory limit exceeded";
        return Err(Unwind::Throw(natives::node_error(vm, ErrorType::RangeError, "ERR_CRYPTO_INVALID_SCRYPT_PARAMS", message)));
    }
    if memory > SCRYPT_MEMORY_MAX {
        return vm.unsupported("scrypt with parameters needing more than 1 GiB of memory");
    }
    let work = cost.saturating_mul(4).saturating_mul(block_size).saturating_mul(parallelization);
    let log_cost = cost.trailing_zeros() as u8;
    let (block_size, parallelization) = (block_size as u32, parallelization as u32);
    let compute: Rc<dyn Fn() -> Vec<u8>> = Rc::new(move || {
        let mut key = vec![0; key_length as usize];
        let params = scrypt::Params::new(log_cost, block_size, parallelization, scrypt::Params::RECOMMENDED_LEN);
        if let (Ok(params), false) = (params, key.is_empty()) {
            // The parameters passed OpenSSL's checks above, which are
            // stricter than the crate's; an empty key needs no work.
            let _ = scrypt::scrypt(&password, &salt, &params, &mut key);
        }
        key
    });
    let key = computed_buffer(vm, nh, key_length as u32, compute)?;
    Ok((work, key))
}

/// The `N` a scrypt call's pool job is labelled with.
pub fn scrypt_cost_label(args: &[Value]) -> String {
    args.get(3).and_then(Value::as_number).map(|cost| cost.to_string()).unwrap_or_default()
}

/// The most memory a scrypt key Looplab computes may take.
const SCRYPT_MEMORY_MAX: u64 = 1 << 30;

/// The bytes scrypt's ROMix needs for these parameters, or why OpenSSL
/// refuses them (`true`: its "memory limit exceeded"; `false`: no reason
/// given). OpenSSL's crypto/kdf/scrypt.c: N a power of two above 1,
/// p·r < 2^30, N < 2^(16·r), and B (128·r·p) + V (128·r·(N+2)) bytes.
fn scrypt_memory(cost: u64, block_size: u64, parallelization: u64) -> Result<u64, bool> {
    if block_size == 0 || parallelization == 0 || cost < 2 || !cost.is_power_of_two() {
        return Err(false);
    }
    if parallelization > ((1 << 30) - 1) / block_size {
        return Err(true);
    }
    if 16 * block_size <= 63 && cost >= 1 << (16 * block_size) {
        return Err(true);
    }
    let block_bytes = parallelization.checked_mul(128 * block_size).ok_or(true)?;
    let vector_bytes = (cost + 2).checked_mul(128).and_then(|bytes| bytes.checked_mul(block_size)).ok_or(true)?;
    block_bytes.checked_add(vector_bytes).ok_or(true)
}
