// Node's crypto, the parts Looplab simulates: pbkdf2 (a thread-pool job
// whose duration is the model's; its key is computed for real when read),
// randomBytes and randomUUID (from the run's seeded generator), and
// createHash / createHmac computing real digests (runtime/crypto.rs).
const binding = require('%cryptobinding');

function toBytes(data, encoding, name) {
  if (typeof data === 'string') return Buffer.from(data, encoding);
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) return data;
  const err = new TypeError(`The "${name}" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received ${data === null ? 'null' : typeof data}`);
  err.code = 'ERR_INVALID_ARG_TYPE';
  throw err;
}

// Docs, crypto, "Class: Hash": update() any number of times, digest() once.
class Hash {
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
    const copy = new Hash(this._algorithm, this._key);
    copy._chunks = this._chunks.slice();
    return copy;
  }
}

class Hmac extends Hash {}

function createHash(algorithm) {
  return new Hash(algorithm);
}

function createHmac(algorithm, key) {
  return new Hmac(algorithm, toBytes(key, undefined, 'key'));
}

function getHashes() {
  return ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];
}

module.exports = {
  pbkdf2: binding.pbkdf2,
  pbkdf2Sync: binding.pbkdf2Sync,
  randomBytes: binding.randomBytes,
  randomUUID: binding.randomUUID,
  createHash,
  createHmac,
  getHashes,
  Hash,
  Hmac,
};
