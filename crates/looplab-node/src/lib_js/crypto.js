// Node's crypto, the parts Looplab simulates: pbkdf2 and scrypt (thread-pool
// jobs whose duration is the model's; their keys are computed for real when
// read),
// randomBytes and randomUUID (from the run's seeded generator), and
// createHash / createHmac computing real digests (runtime/crypto.rs).
const binding = require('%cryptobinding');
const { nodeError, invalidArgType, outOfRange } = require('%errors');

function toBytes(data, encoding, name) {
  if (typeof data === 'string') return Buffer.from(data, encoding);
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) return data;
  const err = new TypeError(`The "${name}" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received ${data === null ? 'null' : typeof data}`);
  err.code = 'ERR_INVALID_ARG_TYPE';
  throw err;
}

// Docs, crypto, "Class: Hash": update() any number of times, digest() once.
class HashObject {
  constructor(algorithm, hmacKey) {
    if (typeof algorithm !== 'string') {
      const err = new TypeError(`The "algorithm" argument must be of type string. Received ${algorithm === null ? 'null' : typeof algorithm}`);
      err.code = 'ERR_INVALID_ARG_TYPE';
      throw err;
    }
    // OpenSSL's words for a name it does not know (no code in Node 20).
    try { binding.checkDigest(algorithm); } catch { throw new Error(hmacKey === undefined ? 'Digest method not supported' : `Invalid digest: ${algorithm}`); }
    this._algorithm = algorithm;
    this._key = hmacKey;
    this._chunks = [];
    this._finalized = false;
  }

  update(data, encoding) {
    if (this._finalized) {
      const err = new Error('Digest already called');
      err.code = 'ERR_CRYPTO_HASH_FINALIZED';
      throw err;
    }
    this._chunks.push(toBytes(data, encoding, 'data'));
    return this;
  }

  digest(encoding) {
    if (this._finalized) {
      const err = new Error('Digest already called');
      err.code = 'ERR_CRYPTO_HASH_FINALIZED';
      throw err;
    }
    this._finalized = true;
    const data = Buffer.concat(this._chunks.map((chunk) => (chunk instanceof ArrayBuffer ? Buffer.from(chunk) : chunk)));
    const result = this._key === undefined ? binding.hash(this._algorithm, data) : binding.hmac(this._algorithm, this._key, data);
    return encoding === undefined || encoding === 'buffer' ? result : result.toString(encoding);
  }

  copy() {
    const copy = new HashObject(this._algorithm, this._key);
    copy._chunks = this._chunks.slice();
    return copy;
  }
}

class HmacObject extends HashObject {}

// Node's Hash and Hmac are functions that construct when called without
// `new` (lib/internal/crypto/hash.js: `if (!(this instanceof Hash)) return
// new Hash(...)`); createHash and createHmac call them.
function Hash(algorithm, options) {
  return new HashObject(algorithm);
}
Hash.prototype = HashObject.prototype;
Object.defineProperty(HashObject.prototype, 'constructor', { value: Hash, writable: true, configurable: true });

function Hmac(hmac, key, options) {
  if (typeof hmac !== 'string') throw invalidArgType('hmac', 'of type string', hmac);
  return new HmacObject(hmac, toBytes(key, undefined, 'key'));
}
Hmac.prototype = HmacObject.prototype;
Object.defineProperty(HmacObject.prototype, 'constructor', { value: Hmac, writable: true, configurable: true });

function createHash(algorithm, options) {
  return new Hash(algorithm, options);
}

function createHmac(algorithm, key, options) {
  return new Hmac(algorithm, key, options);
}

// randomFillSync(buffer[, offset[, size]]): the view's bytes from the run's
// seeded generator; randomFill the same on the pool.
function fillTarget(buffer, offset, size) {
  if (!(buffer instanceof ArrayBuffer) && !ArrayBuffer.isView(buffer)) {
    throw invalidArgType('buf', 'an instance of ArrayBuffer or ArrayBufferView', buffer);
  }
  const bytes = buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const elementSize = buffer instanceof ArrayBuffer ? 1 : (buffer.BYTES_PER_ELEMENT || 1);
  const start = offset === undefined ? 0 : offset * elementSize;
  validateNumberIn(start, 'offset', 0, bytes.length, false);
  const length = size === undefined ? bytes.length - start : size * elementSize;
  validateNumberIn(length, 'size', 0, bytes.length - start, false);
  return bytes.subarray(start, start + length);
}

function randomFillSync(buffer, offset, size) {
  const target = fillTarget(buffer, offset, size);
  target.set(binding.randomBytes(target.length));
  return buffer;
}

function randomFill(buffer, offset, size, callback) {
  if (typeof offset === 'function') { callback = offset; offset = undefined; size = undefined; }
  else if (typeof size === 'function') { callback = size; size = undefined; }
  if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback);
  const target = fillTarget(buffer, offset, size);
  binding.randomBytes(target.length, (err, bytes) => {
    if (err) return callback(err);
    target.set(bytes);
    callback(null, buffer);
  });
}

// randomUUID([options]): options, if given, an object whose
// disableEntropyCache is a boolean (lib/internal/crypto/random.js).
function randomUUID(options) {
  if (options !== undefined) {
    if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
    const { disableEntropyCache = false } = options;
    if (typeof disableEntropyCache !== 'boolean') {
      throw nodeError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "options.disableEntropyCache" property must be of type boolean. Received ${require('%errors').describe(disableEntropyCache)}`);
    }
  }
  return binding.randomUUID();
}

function getHashes() {
  return ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];
}

// lib/internal/crypto/scrypt.js: N/cost, r/blockSize, p/parallelization
// and maxmem, each pair's two names exclusive, a 0 meaning the default.
const SCRYPT_DEFAULTS = { N: 16384, r: 8, p: 1, maxmem: 32 << 20 };

function validateNumberIn(value, name, min, max, integer) {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (integer && !Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (!(value >= min && value <= max)) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
}

function arrayBufferOrView(value, name) {
  if (typeof value === 'string' || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value;
  throw invalidArgType(name, 'of type string or an instance of ArrayBuffer, Buffer, TypedArray, or DataView', value);
}

function scryptParams(password, salt, keylen, options) {
  arrayBufferOrView(password, 'password');
  arrayBufferOrView(salt, 'salt');
  validateNumberIn(keylen, 'keylen', 0, 2147483647, true);
  let { N, r, p, maxmem } = SCRYPT_DEFAULTS;
  if (options && options !== SCRYPT_DEFAULTS) {
    const pick = (short, long, value) => {
      const hasShort = options[short] !== undefined;
      if (hasShort) { value = options[short]; validateNumberIn(value, short, 0, 4294967295, true); }
      if (options[long] !== undefined) {
        if (hasShort) throw nodeError(Error, 'ERR_CRYPTO_SCRYPT_INVALID_PARAMETER', 'Invalid scrypt parameter');
        value = options[long];
        validateNumberIn(value, long, 0, 4294967295, true);
      }
      return value;
    };
    N = pick('N', 'cost', N);
    r = pick('r', 'blockSize', r);
    p = pick('p', 'parallelization', p);
    if (options.maxmem !== undefined) {
      maxmem = options.maxmem;
      validateNumberIn(maxmem, 'maxmem', 0, Number.MAX_SAFE_INTEGER, true);
    }
    if (N === 0) N = SCRYPT_DEFAULTS.N;
    if (r === 0) r = SCRYPT_DEFAULTS.r;
    if (p === 0) p = SCRYPT_DEFAULTS.p;
    if (maxmem === 0) maxmem = SCRYPT_DEFAULTS.maxmem;
  }
  return [password, salt, keylen, N, r, p, maxmem];
}

function scrypt(password, salt, keylen, options, callback = SCRYPT_DEFAULTS) {
  if (callback === SCRYPT_DEFAULTS) {
    callback = options;
    options = SCRYPT_DEFAULTS;
  }
  binding.scrypt(...scryptParams(password, salt, keylen, options), callback);
}

function scryptSync(password, salt, keylen, options = SCRYPT_DEFAULTS) {
  return binding.scryptSync(...scryptParams(password, salt, keylen, options));
}

module.exports = {
  pbkdf2: binding.pbkdf2,
  pbkdf2Sync: binding.pbkdf2Sync,
  scrypt,
  scryptSync,
  randomBytes: binding.randomBytes,
  randomUUID,
  randomFill,
  randomFillSync,
  createHash,
  createHmac,
  getHashes,
  Hash,
  Hmac,
};
