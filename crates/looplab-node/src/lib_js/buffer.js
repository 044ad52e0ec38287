// Temporary: replaced by the full Buffer.
const binding = require('%bufferbinding');
class Buffer {
  constructor(length) { this.length = length; }
  static alloc(length) { return new Buffer(length); }
  static from(value) { return new Buffer(typeof value === 'string' ? value.length : value.length); }
  static concat(list) { let n = 0; for (const b of list) n += b.length; return new Buffer(n); }
  static byteLength(value) { return value.length; }
  static isBuffer(value) { return value instanceof Buffer; }
  toString() { return binding.placeholder(this.length); }
}
function fromOpaque(size) { return new Buffer(size); }
module.exports = { Buffer, fromOpaque, kMaxLength: 2 ** 32, constants: { MAX_LENGTH: 2 ** 32 } };
