// Node's `buffer` module (v20), written in the JavaScript subset Looplab runs.
// Like Node's own FastBuffer, every Buffer is an instance of a Uint8Array
// subclass, so indexing, `length`, `byteOffset` and `buffer` are the engine's.
// The engine's Uint8Array offers only its constructors, indexing, length,
// byteOffset, byteLength, buffer and subarray, so every copy, search and
// encoding below is a plain loop. Behaviour follows Node's docs
// (https://nodejs.org/docs/latest-v20.x/api/buffer.html) and was checked
// case by case against Node v20 (buffer.test.js next to this file).
//
// Some Buffers have a size but no simulated bytes (a 10 MB file read from the
// virtual disk). They sit on an "opaque" ArrayBuffer from the binding whose
// bytes throw when read; toString and inspect show a placeholder instead, and
// Buffer.from/concat of them stay opaque, so the common "collect chunks,
// concat, toString" pattern works without inventing file contents.
const binding = require('%bufferbinding');

// Node v20 on 64-bit: buffer.constants (2 ** 32 and V8's string limit).
const kMaxLength = 2 ** 32;
const kStringMaxLength = 2 ** 29 - 24;
const constants = { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength };
const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

const { nodeError, nativeError, quote, inspectPrimitive, describe, invalidArgType, outOfRange } = require('%errors');

function outOfBounds(name) {
  return nodeError(RangeError, 'ERR_BUFFER_OUT_OF_BOUNDS', name
    ? '"' + name + '" is outside of buffer bounds' : 'Attempt to access memory outside buffer bounds');
}

function unknownEncoding(encoding) {
  return nodeError(TypeError, 'ERR_UNKNOWN_ENCODING', 'Unknown encoding: ' + encoding);
}

function invalidArgValue(name, value) {
  // only reached with an empty Buffer/Uint8Array or a string that encodes to nothing
  const text = value instanceof Buffer ? inspectBytes(value)
    : isUint8Array(value) ? 'Uint8Array(' + value.length + ') []' : inspectPrimitive(value);
  return nodeError(TypeError, 'ERR_INVALID_ARG_VALUE', "The argument '" + name + "' is invalid. Received " + text);
}


function notSupported(what) {
  return new Error('not supported in Looplab: ' + what);
}

function validateNumber(value, name, min, max) {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (min !== undefined && (value < min || value > max || value !== value)) {
    throw outOfRange(name, '>= ' + min + ' && <= ' + max, value);
  }
}

// Node's validateOffset: a number, an integer, within min..max ("&&" wording).
function validateOffset(value, name, min = 0, max = kMaxLength) {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < min || value > max) throw outOfRange(name, '>= ' + min + ' && <= ' + max, value);
}

// The error of the read/write methods for an offset outside 0..last ("and" wording).
function boundsError(value, last, name = 'offset') {
  if (Math.floor(value) !== value) {
    validateNumber(value, name);
    throw outOfRange(name, 'an integer', value);
  }
  if (last < 0) throw outOfBounds();
  throw outOfRange(name, '>= ' + (name === 'byteLength' ? 1 : 0) + ' and <= ' + last, value);
}

// ------------------------------------------------------------- encodings --
// Each codec: byteLength(string) (an upper bound for hex/base64, as Node's),
// write(buf, string, offset, max) -> bytes written (never a partial
// character), and slice(buf, start, end) -> string.

// Turns an array of UTF-16 code units into a string, 8192 units per call.
function unitsToString(units) {
  let out = '';
  for (let i = 0; i < units.length; i += 8192) {
    out += String.fromCharCode.apply(null, units.slice(i, i + 8192));
  }
  return out;
}

function hex2(byte) {
  return (byte < 16 ? '0' : '') + byte.toString(16);
}

const utf8 = {
  byteLength(str) {
    let n = 0;
    for (let i = 0; i < str.length; i++) {
      const c = str.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length &&
               (str.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 4; i++; }
      else n += 3; // BMP character, or a lone surrogate written as U+FFFD
    }
    return n;
  },
  // `raw` keeps lone surrogates as 3-byte ED xx xx sequences (WTF-8): Node's
  // indexOf encodes a string needle that way, so '\ud83d' never matches U+FFFD.
  write(buf, str, offset, max, raw) {
    let pos = offset;
    const limit = offset + max;
    for (let i = 0; i < str.length; i++) {
      let c = str.charCodeAt(i);
      if (c < 0x80) {
        if (pos >= limit) break;
        buf[pos++] = c;
      } else if (c < 0x800) {
        if (pos + 2 > limit) break;
        buf[pos++] = 0xc0 | (c >> 6);
        buf[pos++] = 0x80 | (c & 63);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const next = i + 1 < str.length ? str.charCodeAt(i + 1) : 0;
          if (c <= 0xdbff && (next & 0xfc00) === 0xdc00) {
            if (pos + 4 > limit) break;
            const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
            buf[pos++] = 0xf0 | (cp >> 18);
            buf[pos++] = 0x80 | ((cp >> 12) & 63);
            buf[pos++] = 0x80 | ((cp >> 6) & 63);
            buf[pos++] = 0x80 | (cp & 63);
            i++;
            continue;
          }
          if (!raw) c = 0xfffd; // lone surrogate: WHATWG encoders write U+FFFD
        }
        if (pos + 3 > limit) break;
        buf[pos++] = 0xe0 | (c >> 12);
        buf[pos++] = 0x80 | ((c >> 6) & 63);
        buf[pos++] = 0x80 | (c & 63);
      }
    }
    return pos - offset;
  },
  // WHATWG "UTF-8 decode" with replacement: each maximal subpart of an
  // ill-formed sequence becomes one U+FFFD, and the byte that broke the
  // sequence is decoded afresh (Unicode 15, section 3.9, "U+FFFD substitution").
  slice(buf, start, end) {
    const units = [];
    let i = start;
    while (i < end) {
      const b = buf[i++];
      if (b < 0x80) { units.push(b); continue; }
      let need, cp, lower = 0x80, upper = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; }
      else if (b >= 0xe0 && b <= 0xef) {
        need = 2; cp = b & 0xf;
        if (b === 0xe0) lower = 0xa0; // overlong
        else if (b === 0xed) upper = 0x9f; // surrogates
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3; cp = b & 7;
        if (b === 0xf0) lower = 0x90; // overlong
        else if (b === 0xf4) upper = 0x8f; // above U+10FFFF
      } else { units.push(0xfffd); continue; }
      for (; need > 0; need--) {
        const c = i < end ? buf[i] : -1;
        if (c < lower || c > upper) break;
        cp = (cp << 6) | (c & 63);
        lower = 0x80; upper = 0xbf;
        i++;
      }
      if (need > 0) units.push(0xfffd);
      else if (cp >= 0x10000) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + (cp & 0x3ff));
      else units.push(cp);
    }
    return unitsToString(units);
  },
};

// latin1 and ascii both write the low byte of each UTF-16 unit (Node docs:
// "latin1 ... characters above U+00FF are truncated").
const latin1 = {
  byteLength: (str) => str.length,
  write(buf, str, offset, max) {
    const n = Math.min(str.length, max);
    for (let i = 0; i < n; i++) buf[offset + i] = str.charCodeAt(i) & 255;
    return n;
  },
  slice: (buf, start, end) => bytesToString(buf, start, end, 0xff),
};

// Node's ascii decoder clears the high bit of every byte.
const ascii = { byteLength: latin1.byteLength, write: latin1.write,
  slice: (buf, start, end) => bytesToString(buf, start, end, 0x7f) };

function bytesToString(buf, start, end, mask) {
  const units = [];
  for (let i = start; i < end; i++) units.push(buf[i] & mask);
  return unitsToString(units);
}

// UTF-16LE: whole code units only; an odd trailing byte is ignored.
const ucs2 = {
  byteLength: (str) => str.length * 2,
  write(buf, str, offset, max) {
    const n = Math.min(str.length, max >>> 1);
    for (let i = 0; i < n; i++) {
      const c = str.charCodeAt(i);
      buf[offset + 2 * i] = c & 255;
      buf[offset + 2 * i + 1] = c >>> 8;
    }
    return n * 2;
  },
  slice(buf, start, end) {
    const units = [];
    for (let i = start; i + 1 < end; i += 2) units.push(buf[i] | (buf[i + 1] << 8));
    return unitsToString(units);
  },
};

// Node decodes hex pair by pair from the start and stops at the first pair
// that is not two hex digits; it reads only the low byte of each UTF-16 unit.
function hexValue(code) {
  code &= 255;
  if (code >= 48 && code <= 57) return code - 48;
  code |= 32;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

const hex = {
  byteLength: (str) => str.length >>> 1,
  write(buf, str, offset, max) {
    const n = Math.min(str.length >>> 1, max);
    let i = 0;
    for (; i < n; i++) {
      const hi = hexValue(str.charCodeAt(2 * i));
      const lo = hexValue(str.charCodeAt(2 * i + 1));
      if (hi < 0 || lo < 0) break;
      buf[offset + i] = hi * 16 + lo;
    }
    return i;
  },
  slice(buf, start, end) {
    const parts = [];
    for (let i = start; i < end; i++) parts.push(HEX[buf[i]]);
    return parts.join('');
  },
};
const HEX = [];
for (let i = 0; i < 256; i++) HEX.push(hex2(i));

// Base64: decoding accepts both alphabets, skips every other character
// (whitespace included), and stops at the first '=' (Node docs: "whitespace
// ... is ignored"; checked against Node for stray and inner characters).
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_VALUE = [];
for (let i = 0; i < 256; i++) B64_VALUE.push(-1);
for (let i = 0; i < 64; i++) {
  B64_VALUE[B64.charCodeAt(i)] = i;
  B64_VALUE[B64URL.charCodeAt(i)] = i;
}

function base64ByteLength(str) {
  let n = str.length;
  if (n > 0 && str.charCodeAt(n - 1) === 0x3d) n--;
  if (n > 1 && str.charCodeAt(n - 1) === 0x3d) n--;
  return (n * 3) >>> 2;
}

function base64Write(buf, str, offset, max) {
  let pos = offset;
  const limit = offset + max;
  let bits = 0;
  let count = 0;
  for (let i = 0; i < str.length && pos < limit; i++) {
    const code = str.charCodeAt(i) & 255;
    if (code === 0x3d) break;
    const v = B64_VALUE[code];
    if (v < 0) continue;
    bits = ((bits << 6) | v) & 0xffffff;
    count += 6;
    if (count >= 8) {
      count -= 8;
      buf[pos++] = (bits >> count) & 255;
    }
  }
  return pos - offset;
}

function base64Slice(alphabet, pad) {
  return function slice(buf, start, end) {
    const units = [];
    let i = start;
    for (; i + 2 < end; i += 3) {
      const n = (buf[i] << 16) | (buf[i + 1] << 8) | buf[i + 2];
      units.push(alphabet.charCodeAt(n >> 18), alphabet.charCodeAt((n >> 12) & 63),
        alphabet.charCodeAt((n >> 6) & 63), alphabet.charCodeAt(n & 63));
    }
    const rest = end - i;
    if (rest > 0) {
      const n = (buf[i] << 16) | (rest === 2 ? buf[i + 1] << 8 : 0);
      units.push(alphabet.charCodeAt(n >> 18), alphabet.charCodeAt((n >> 12) & 63));
      if (rest === 2) units.push(alphabet.charCodeAt((n >> 6) & 63));
      if (pad) units.push(61); // '='
      if (pad && rest === 1) units.push(61);
    }
    return unitsToString(units);
  };
}

const base64 = { byteLength: base64ByteLength, write: base64Write, slice: base64Slice(B64, true) };
const base64url = { byteLength: base64ByteLength, write: base64Write, slice: base64Slice(B64URL, false) };

const CODECS = {
  utf8, 'utf-8': utf8, ucs2, 'ucs-2': ucs2, utf16le: ucs2, 'utf-16le': ucs2,
  latin1, binary: latin1, ascii, hex, base64, base64url,
};

// Encoding names are matched case-insensitively (Node's getEncodingOps).
function codecOf(encoding) {
  const name = ('' + encoding).toLowerCase();
  return Object.prototype.hasOwnProperty.call(CODECS, name) ? CODECS[name] : undefined;
}

function isUint8Array(v) {
  return v instanceof Uint8Array;
}

function isOpaque(view) {
  return binding.isOpaque(view.buffer);
}

// Copies count bytes; views of one ArrayBuffer may overlap, so copy from the
// end when the target lies after the source (memmove, as Node's copy does).
function copyBytes(src, srcStart, dst, dstStart, count) {
  if (src.buffer === dst.buffer && dst.byteOffset + dstStart > src.byteOffset + srcStart) {
    for (let i = count - 1; i >= 0; i--) dst[dstStart + i] = src[srcStart + i];
  } else {
    for (let i = 0; i < count; i++) dst[dstStart + i] = src[srcStart + i];
  }
  return count;
}

// ------------------------------------------------------------ the class --
// FastBuffer is the real class; the module only calls it with (length) or
// (arrayBuffer, byteOffset, length), the engine's supported forms.
class FastBuffer extends Uint8Array {
  constructor(a, b, c) {
    if (b === undefined) super(a);
    else super(a, b, c);
  }
}

let warnedDeprecated = false;

// `Buffer(...)` and `new Buffer(...)` still work in Node with warning DEP0005;
// Buffer is a plain function sharing FastBuffer's prototype, as in Node, so
// both calls work and `instanceof Buffer` holds for every FastBuffer.
function Buffer(arg, encodingOrOffset, length) {
  if (!warnedDeprecated && typeof process === 'object' && process && typeof process.emitWarning === 'function') {
    warnedDeprecated = true;
    process.emitWarning('Buffer() is deprecated due to security and usability issues. Please use the ' +
      'Buffer.alloc(), Buffer.allocUnsafe(), or Buffer.from() methods instead.', 'DeprecationWarning', 'DEP0005');
  }
  if (typeof arg === 'number') {
    if (typeof encodingOrOffset === 'string') throw invalidArgType('string', 'of type string', arg);
    return Buffer.alloc(arg);
  }
  return Buffer.from(arg, encodingOrOffset, length);
}
Object.setPrototypeOf(Buffer, Uint8Array);
Buffer.prototype = FastBuffer.prototype;
FastBuffer.prototype.constructor = Buffer;
const proto = Buffer.prototype;

// A Buffer of `size` bytes that are not simulated (see the header).
function fromOpaque(size) {
  return new FastBuffer(binding.opaque(size), 0, size);
}

Buffer.poolSize = 8192;

Buffer.alloc = function alloc(size, fill, encoding) {
  validateNumber(size, 'size', 0, kMaxLength);
  const buf = new FastBuffer(Math.floor(size));
  if (fill !== undefined && fill !== 0 && size > 0) fillBuffer(buf, fill, 0, buf.length, encoding);
  return buf;
};

// Node may hand out pooled, uninitialised memory here; zeroed bytes are one of
// the contents Node could return, and each Buffer gets its own ArrayBuffer.
Buffer.allocUnsafe = function allocUnsafe(size) {
  return Buffer.alloc(size);
};
Buffer.allocUnsafeSlow = function allocUnsafeSlow(size) {
  return Buffer.alloc(size);
};

function fromString(string, encoding) {
  let codec = utf8;
  if (typeof encoding === 'string' && encoding.length > 0) {
    codec = codecOf(encoding);
    if (codec === undefined) throw unknownEncoding(encoding);
  }
  const buf = new FastBuffer(codec.byteLength(string));
  const written = codec.write(buf, string, 0, buf.length);
  return written === buf.length ? buf : new FastBuffer(buf.buffer, 0, written);
}

function fromArrayBuffer(ab, byteOffset, length) {
  byteOffset = byteOffset === undefined ? 0 : +byteOffset;
  if (byteOffset !== byteOffset) byteOffset = 0;
  const maxLength = ab.byteLength - byteOffset;
  if (maxLength < 0) throw outOfBounds('offset');
  if (length === undefined) length = maxLength;
  else {
    length = +length;
    if (length > 0) { if (length > maxLength) throw outOfBounds('length'); }
    else length = 0;
  }
  // V8's own message for `new Uint8Array(ab, -1)`.
  if (byteOffset < 0) throw new RangeError('Start offset ' + byteOffset + ' is outside the bounds of the buffer');
  return new FastBuffer(ab, Math.floor(byteOffset), Math.floor(length));
}

// Copies an array-like: each element goes through ToNumber and wraps mod 256.
function fromArrayLike(obj) {
  if (isUint8Array(obj) && isOpaque(obj)) return fromOpaque(obj.length);
  const len = Math.floor(obj.length);
  if (!(len > 0)) return new FastBuffer(0);
  if (len > kMaxLength) throw new RangeError('Invalid typed array length: ' + len);
  const buf = new FastBuffer(len);
  for (let i = 0; i < len; i++) buf[i] = +obj[i] & 255;
  return buf;
}

Buffer.from = function from(value, encodingOrOffset, length) {
  if (typeof value === 'string') return fromString(value, encodingOrOffset);
  if (typeof value === 'object' && value !== null) {
    if (value instanceof ArrayBuffer) return fromArrayBuffer(value, encodingOrOffset, length);
    // new String('x') and other boxes are unwrapped first (Node docs, Buffer.from(object)).
    const unboxed = value.valueOf && value.valueOf();
    if (unboxed != null && unboxed !== value && (typeof unboxed === 'string' || typeof unboxed === 'object')) {
      return from(unboxed, encodingOrOffset, length);
    }
    if (value.length !== undefined || value.buffer instanceof ArrayBuffer) {
      return typeof value.length === 'number' ? fromArrayLike(value) : new FastBuffer(0);
    }
    if (value.type === 'Buffer' && Array.isArray(value.data)) return fromArrayLike(value.data);
    if (typeof value[Symbol.toPrimitive] === 'function') {
      const primitive = value[Symbol.toPrimitive]('string');
      if (typeof primitive === 'string') return fromString(primitive, encodingOrOffset);
    }
  }
  throw invalidArgType('first argument',
    'of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object', value);
};

Buffer.of = function of(...items) {
  return fromArrayLike(items);
};

Buffer.isBuffer = function isBuffer(b) {
  return b instanceof Buffer;
};

Buffer.isEncoding = function isEncoding(encoding) {
  return typeof encoding === 'string' && encoding.length !== 0 && codecOf(encoding) !== undefined;
};

Buffer.byteLength = function byteLength(string, encoding) {
  if (typeof string !== 'string') {
    if (isUint8Array(string) || string instanceof ArrayBuffer) return string.byteLength;
    throw invalidArgType('string', 'of type string or an instance of Buffer or ArrayBuffer', string);
  }
  if (string.length === 0) return 0;
  // An unknown encoding counts UTF-8 bytes instead of throwing, as Node does.
  const codec = encoding ? codecOf(encoding) || utf8 : utf8;
  return codec.byteLength(string);
};

// Byte-wise comparison of a[aStart..aEnd) and b[bStart..bEnd): -1, 0 or 1.
function compareRanges(a, aStart, aEnd, b, bStart, bEnd) {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < n; i++) {
    const x = a[aStart + i];
    const y = b[bStart + i];
    if (x !== y) return x < y ? -1 : 1;
  }
  const la = aEnd - aStart;
  const lb = bEnd - bStart;
  return la < lb ? -1 : la > lb ? 1 : 0;
}

Buffer.compare = function compare(buf1, buf2) {
  if (!isUint8Array(buf1)) throw invalidArgType('buf1', 'an instance of Buffer or Uint8Array', buf1);
  if (!isUint8Array(buf2)) throw invalidArgType('buf2', 'an instance of Buffer or Uint8Array', buf2);
  if (buf1 === buf2) return 0;
  return compareRanges(buf1, 0, buf1.length, buf2, 0, buf2.length);
};

Buffer.concat = function concat(list, totalLength) {
  if (!Array.isArray(list)) throw invalidArgType('list', 'an instance of Array', list);
  if (list.length === 0) return new FastBuffer(0);
  if (totalLength === undefined) {
    totalLength = 0;
    for (let i = 0; i < list.length; i++) if (list[i].length) totalLength += list[i].length;
  } else {
    validateOffset(totalLength, 'length');
  }
  let opaque = false;
  for (let i = 0; i < list.length; i++) {
    if (!isUint8Array(list[i])) throw invalidArgType('list[' + i + ']', 'an instance of Buffer or Uint8Array', list[i]);
    if (isOpaque(list[i])) opaque = true;
  }
  if (opaque) return fromOpaque(totalLength);
  const result = new FastBuffer(totalLength);
  let pos = 0;
  for (let i = 0; i < list.length && pos < totalLength; i++) {
    pos += copyBytes(list[i], 0, result, pos, Math.min(list[i].length, totalLength - pos));
  }
  return result; // a shorter list leaves the rest zero, as Node's fill(0) does
};

// ----------------------------------------------------- prototype: text --
proto.toString = function toString(encoding, start, end) {
  const len = this.length;
  if (arguments.length === 0) {
    return len > 0 && isOpaque(this) ? binding.placeholder(len) : utf8.slice(this, 0, len);
  }
  // Node's rules: start <= 0 is 0, start past the end gives '', fractions truncate.
  if (start <= 0) start = 0;
  else if (start >= len) return '';
  else start = Math.trunc(start) || 0;
  if (end === undefined || end > len) end = len;
  else end = Math.trunc(end) || 0;
  if (end <= start) return '';
  const codec = encoding === undefined ? utf8 : codecOf(encoding);
  if (codec === undefined) throw unknownEncoding(encoding);
  if (isOpaque(this)) return binding.placeholder(end - start);
  return codec.slice(this, start, end);
};
proto.toLocaleString = proto.toString;

proto.write = function write(string, offset, length, encoding) {
  const len = this.length;
  if (offset === undefined) {
    offset = 0; length = len; encoding = undefined;
  } else if (length === undefined && typeof offset === 'string') {
    encoding = offset; offset = 0; length = len; // write(string, encoding)
  } else {
    validateOffset(offset, 'offset', 0, len);
    const remaining = len - offset;
    if (length === undefined) length = remaining;
    else if (typeof length === 'string') { encoding = length; length = remaining; }
    else {
      validateOffset(length, 'length', 0, len);
      if (length > remaining) length = remaining;
    }
  }
  const codec = !encoding ? utf8 : codecOf(encoding);
  if (codec === undefined) throw unknownEncoding(encoding);
  if (typeof string !== 'string') throw nativeError(TypeError, 'ERR_INVALID_ARG_TYPE', 'argument must be a string');
  return codec.write(this, string, offset, length);
};

// The undocumented per-encoding methods (buf.utf8Slice, buf.hexWrite, ...)
// that some npm packages call directly; bounds as Node's C++ checks them.
for (const name of ['ascii', 'base64', 'base64url', 'latin1', 'hex', 'ucs2', 'utf8']) {
  const codec = CODECS[name];
  proto[name + 'Slice'] = function (start, end) {
    const len = this.length;
    start = start === undefined ? 0 : Math.trunc(start) || 0;
    end = end === undefined ? len : Math.trunc(end) || 0;
    if (start < 0 || end > len) throw nativeError(RangeError, 'ERR_OUT_OF_RANGE', 'Index out of range');
    if (end <= start) return '';
    return isOpaque(this) ? binding.placeholder(end - start) : codec.slice(this, start, end);
  };
  proto[name + 'Write'] = function (string, offset, length) {
    const len = this.length;
    offset = offset === undefined ? 0 : Math.trunc(offset) || 0;
    if (typeof string !== 'string') throw nativeError(TypeError, 'ERR_INVALID_ARG_TYPE', 'argument must be a string');
    if (offset < 0) throw nativeError(RangeError, 'ERR_OUT_OF_RANGE', 'Index out of range');
    if (offset > len) throw nativeError(RangeError, 'ERR_BUFFER_OUT_OF_BOUNDS', '"offset" is outside of buffer bounds');
    const max = length === undefined ? len - offset : Math.min(len - offset, Math.trunc(length) || 0);
    return codec.write(this, string, offset, Math.max(max, 0));
  };
}

proto.toJSON = function toJSON() {
  const data = [];
  for (let i = 0; i < this.length; i++) data.push(this[i]);
  return { type: 'Buffer', data };
};

function inspectBytes(buf) {
  if (isOpaque(buf)) return '<Buffer ' + binding.placeholder(buf.length) + '>';
  const max = module.exports.INSPECT_MAX_BYTES;
  const shown = Math.min(buf.length, max);
  const parts = [];
  for (let i = 0; i < shown; i++) parts.push(HEX[buf[i]]);
  let text = '<Buffer ' + parts.join(' ');
  const more = buf.length - max;
  if (more > 0) text += ' ... ' + more + ' more byte' + (more > 1 ? 's' : '');
  return text + '>';
}

proto[inspectSymbol] = function inspect() {
  return inspectBytes(this);
};
proto.inspect = proto[inspectSymbol];

// --------------------------------------------- prototype: bytes and views --
// Node's slice/subarray index rule: truncate, count negatives from the end, clamp.
function relativeIndex(value, length) {
  value = Math.trunc(value);
  if (value !== value) return 0;
  if (value < 0) return Math.max(value + length, 0);
  return Math.min(value, length);
}

proto.subarray = function subarray(start, end) {
  const len = this.length;
  start = relativeIndex(start, len);
  end = end === undefined ? len : relativeIndex(end, len);
  return new FastBuffer(this.buffer, this.byteOffset + start, end > start ? end - start : 0);
};
// buf.slice is a view too, unlike Uint8Array#slice (Node docs: "modifying the
// new Buffer slice will modify the memory in the original Buffer").
proto.slice = function slice(start, end) {
  return this.subarray(start, end);
};

proto.equals = function equals(otherBuffer) {
  if (!isUint8Array(otherBuffer)) throw invalidArgType('otherBuffer', 'an instance of Buffer or Uint8Array', otherBuffer);
  if (this === otherBuffer) return true;
  if (this.byteLength !== otherBuffer.byteLength) return false;
  return compareRanges(this, 0, this.length, otherBuffer, 0, otherBuffer.length) === 0;
};

proto.compare = function compare(target, targetStart, targetEnd, sourceStart, sourceEnd) {
  if (!isUint8Array(target)) throw invalidArgType('target', 'an instance of Buffer or Uint8Array', target);
  if (arguments.length === 1) return compareRanges(this, 0, this.length, target, 0, target.length);
  if (targetStart === undefined) targetStart = 0;
  else validateOffset(targetStart, 'targetStart');
  if (targetEnd === undefined) targetEnd = target.length;
  else validateOffset(targetEnd, 'targetEnd', 0, target.length);
  if (sourceStart === undefined) sourceStart = 0;
  else validateOffset(sourceStart, 'sourceStart');
  if (sourceEnd === undefined) sourceEnd = this.length;
  else validateOffset(sourceEnd, 'sourceEnd', 0, this.length);
  if (sourceStart >= sourceEnd) return targetStart >= targetEnd ? 0 : -1;
  if (targetStart >= targetEnd) return 1;
  return compareRanges(this, sourceStart, sourceEnd, target, targetStart, targetEnd);
};

// copy's positions: finite numbers round down; NaN and ±Infinity mean the default.
function toPosition(value, fallback) {
  value = +value;
  return Number.isFinite(value) ? Math.floor(value) : fallback;
}

proto.copy = function copy(target, targetStart, sourceStart, sourceEnd) {
  if (!isUint8Array(target)) throw invalidArgType('target', 'an instance of Buffer or Uint8Array', target);
  targetStart = targetStart === undefined ? 0 : toPosition(targetStart, 0);
  if (targetStart < 0) throw outOfRange('targetStart', '>= 0', targetStart);
  sourceStart = sourceStart === undefined ? 0 : toPosition(sourceStart, 0);
  if (sourceStart < 0 || sourceStart > this.length) {
    throw outOfRange('sourceStart', '>= 0 && <= ' + this.length, sourceStart);
  }
  sourceEnd = sourceEnd === undefined ? this.length : toPosition(sourceEnd, 0);
  if (sourceEnd < 0) throw outOfRange('sourceEnd', '>= 0', sourceEnd);
  if (targetStart >= target.length || sourceStart >= sourceEnd) return 0;
  const count = Math.min(sourceEnd, this.length) - sourceStart;
  return copyBytes(this, sourceStart, target, targetStart, Math.min(count, target.length - targetStart));
};

// fill(value[, offset[, end]][, encoding]): strings are encoded and repeated,
// a Uint8Array is repeated, anything else is a number taken mod 256.
function fillBuffer(buf, value, offset, end, encoding) {
  let pattern = null;
  if (typeof value === 'string') {
    if (offset === undefined || typeof offset === 'string') {
      encoding = offset; offset = 0; end = buf.length;
    } else if (typeof end === 'string') {
      encoding = end; end = buf.length;
    }
    const codec = encoding == null ? utf8 : codecOf(encoding);
    if (codec === undefined) {
      if (typeof encoding !== 'string') throw invalidArgType('encoding', 'of type string', encoding);
      throw unknownEncoding(encoding);
    }
    if (value.length === 0) value = 0; // Node: an empty string fills with zeros
    else {
      pattern = new FastBuffer(codec.byteLength(value));
      pattern = pattern.subarray(0, codec.write(pattern, value, 0, pattern.length));
    }
  } else if (isUint8Array(value)) {
    pattern = value;
  } else {
    value = +value & 255;
  }
  if (offset === undefined) {
    offset = 0; end = buf.length;
  } else {
    validateOffset(offset, 'offset');
    if (end === undefined) end = buf.length;
    else validateOffset(end, 'end', 0, buf.length);
    if (offset >= end) return buf;
  }
  if (pattern === null) {
    for (let i = offset; i < end; i++) buf[i] = value;
  } else {
    if (pattern.length === 0) throw invalidArgValue('value', value);
    // Copy the pattern once, so filling a buffer from a view of itself still repeats the original bytes.
    const bytes = fromArrayLike(pattern);
    for (let i = offset, j = 0; i < end; i++) {
      buf[i] = bytes[j];
      if (++j === bytes.length) j = 0;
    }
  }
  return buf;
}

proto.fill = function fill(value, offset, end, encoding) {
  return fillBuffer(this, value, offset, end, encoding);
};

// ------------------------------------------------------------- searching --
// Where a search may start, from the byte offset Node's C++ receives (an
// integer): negative counts from the end; past either end either clamps or
// means "no match", depending on direction (Node's IndexOfOffset).
function searchStart(length, offset, needleLength, forward) {
  if (offset < 0) {
    if (offset + length >= 0) return length + offset;
    return forward || needleLength === 0 ? 0 : -1;
  }
  if (offset + needleLength <= length) return offset;
  if (needleLength === 0) return length;
  return forward ? -1 : length - 1;
}

// Forward: the first match at or after `from`; backward: the last match
// starting at or before `from`. step 2 is the UTF-16 search, which Node does
// on whole code units, so matches start at even offsets only.
function findBytes(hay, hayLength, needle, needleLength, from, forward, step) {
  const last = hayLength - needleLength;
  if (last < 0) return -1;
  const first = needle[0];
  for (let i = forward ? from : Math.min(from, last); forward ? i <= last : i >= 0; i += forward ? step : -step) {
    if (hay[i] !== first) continue;
    let j = 1;
    while (j < needleLength && hay[i + j] === needle[j]) j++;
    if (j === needleLength) return i;
  }
  return -1;
}

function indexOfImpl(buf, value, byteOffset, encoding, forward) {
  if (typeof byteOffset === 'string') {
    encoding = byteOffset;
    byteOffset = undefined;
  } else if (byteOffset > 0x7fffffff) byteOffset = 0x7fffffff;
  else if (byteOffset < -0x80000000) byteOffset = -0x80000000;
  byteOffset = +byteOffset; // null and [] become 0, like Node
  if (byteOffset !== byteOffset) byteOffset = forward ? 0 : buf.length; // undefined, 'x', {}: whole buffer
  byteOffset = Math.trunc(byteOffset);
  let length = buf.length;
  let needle;
  let codec = encoding === undefined ? utf8 : codecOf(encoding);
  if (typeof value === 'number') {
    needle = new FastBuffer(1);
    needle[0] = (value >>> 0) & 255;
    codec = utf8;
  } else if (typeof value === 'string') {
    if (codec === undefined) throw unknownEncoding(encoding);
    needle = new FastBuffer(codec.byteLength(value));
    needle = needle.subarray(0, codec.write(needle, value, 0, needle.length, true));
    // A UTF-16 string search ignores an odd last byte of the haystack.
    if (codec === ucs2) length &= ~1;
  } else if (isUint8Array(value)) {
    needle = value;
    if (codec === undefined) codec = utf8;
  } else {
    throw invalidArgType('value', 'one of type number or string or an instance of Buffer or Uint8Array', value);
  }

  const from = searchStart(length, byteOffset, needle.length, forward);
  if (needle.length === 0) return from;
  if (length === 0 || from < 0) return -1;
  if ((forward && needle.length + from > length) || needle.length > length) return -1;
  if (codec !== ucs2) return findBytes(buf, length, needle, needle.length, from, forward, 1);
  if (length < 2 || needle.length < 2) return -1;
  return findBytes(buf, length & ~1, needle, needle.length & ~1, from & ~1, forward, 2);
}

proto.indexOf = function indexOf(value, byteOffset, encoding) {
  return indexOfImpl(this, value, byteOffset, encoding, true);
};
proto.lastIndexOf = function lastIndexOf(value, byteOffset, encoding) {
  return indexOfImpl(this, value, byteOffset, encoding, false);
};
proto.includes = function includes(value, byteOffset, encoding) {
  return this.indexOf(value, byteOffset, encoding) !== -1;
};

// -------------------------------------------------------------- swapping --
function swapper(size) {
  return function () {
    if (this.length % size !== 0) {
      throw nodeError(RangeError, 'ERR_INVALID_BUFFER_SIZE', 'Buffer size must be a multiple of ' + size * 8 + '-bits');
    }
    for (let i = 0; i < this.length; i += size) {
      for (let a = i, b = i + size - 1; a < b; a++, b--) {
        const t = this[a];
        this[a] = this[b];
        this[b] = t;
      }
    }
    return this;
  };
}
proto.swap16 = swapper(2);
proto.swap32 = swapper(4);
proto.swap64 = swapper(8);

// ------------------------------------------------------- integers, floats --
function checkedOffset(buf, offset, size) {
  if (offset === undefined) offset = 0;
  if (typeof offset !== 'number') throw invalidArgType('offset', 'of type number', offset);
  const last = buf.length - size;
  if (!(offset >= 0 && offset <= last) || Math.floor(offset) !== offset) boundsError(offset, last);
  return offset;
}

// Reads `size` bytes as an unsigned integer, most significant byte first in
// the buffer unless little-endian; exact up to 6 bytes (< 2 ** 53).
function readUnsigned(buf, offset, size, little) {
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + buf[offset + (little ? size - 1 - i : i)];
  return value;
}

function readInt(buf, offset, size, signed, little) {
  offset = checkedOffset(buf, offset, size);
  const value = readUnsigned(buf, offset, size, little);
  return signed && value >= 2 ** (size * 8 - 1) ? value - 2 ** (size * 8) : value;
}

// Node's range text: exact bounds up to 4 bytes, powers of two beyond.
function checkIntValue(value, size, signed) {
  const bits = size * 8;
  const min = signed ? -(2 ** (bits - 1)) : 0;
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  if (value > max || value < min) {
    let range = '>= ' + min + ' and <= ' + max;
    if (size > 4) range = signed ? '>= -(2 ** ' + (bits - 1) + ') and < 2 ** ' + (bits - 1) : '>= 0 and < 2 ** ' + bits;
    throw outOfRange('value', range, value);
  }
}

// Low 32 bits by ToUint32, higher bytes from floor(value / 2 ** 32): both wrap
// like two's complement, and NaN writes zeros, as Node's typed-array stores do.
function writeInt(buf, value, offset, size, signed, little) {
  value = +value;
  if (size === 1) { // Node checks the offset's type before the value here only
    if (offset === undefined) offset = 0;
    if (typeof offset !== 'number') throw invalidArgType('offset', 'of type number', offset);
  }
  checkIntValue(value, size, signed);
  offset = checkedOffset(buf, offset, size);
  const high = Math.floor(value / 2 ** 32);
  for (let i = 0; i < size; i++) {
    const byte = i < 4 ? (value >>> (8 * i)) & 255 : (high >>> (8 * (i - 4))) & 255;
    buf[offset + (little ? i : size - 1 - i)] = byte;
  }
  return offset + size;
}

const INT_METHODS = [
  ['UInt8', 1, false, true], ['UInt16LE', 2, false, true], ['UInt16BE', 2, false, false],
  ['UInt32LE', 4, false, true], ['UInt32BE', 4, false, false],
  ['Int8', 1, true, true], ['Int16LE', 2, true, true], ['Int16BE', 2, true, false],
  ['Int32LE', 4, true, true], ['Int32BE', 4, true, false],
];

function defineMethod(name, fn) {
  Object.defineProperty(fn, 'name', { value: name, configurable: true });
  proto[name] = fn;
  // Node also spells the unsigned methods "Uint" (readUint8 === readUInt8).
  if (name.includes('UInt')) proto[name.replace('UInt', 'Uint')] = fn;
}

for (const [suffix, size, signed, little] of INT_METHODS) {
  defineMethod('read' + suffix, function (offset) {
    return readInt(this, offset, size, signed, little);
  });
  defineMethod('write' + suffix, function (value, offset) {
    return writeInt(this, value, offset, size, signed, little);
  });
}

// readUIntLE(offset, byteLength) and friends: 1 to 6 bytes.
function checkByteLength(byteLength) {
  if (byteLength >= 1 && byteLength <= 6 && Math.floor(byteLength) === byteLength) return;
  boundsError(byteLength, 6, 'byteLength');
}

for (const [suffix, signed, little] of [['UIntLE', false, true], ['UIntBE', false, false],
  ['IntLE', true, true], ['IntBE', true, false]]) {
  defineMethod('read' + suffix, function (offset, byteLength) {
    if (offset === undefined) throw invalidArgType('offset', 'of type number', offset);
    checkByteLength(byteLength);
    return readInt(this, offset, byteLength, signed, little);
  });
  defineMethod('write' + suffix, function (value, offset, byteLength) {
    checkByteLength(byteLength);
    return writeInt(this, value, offset, byteLength, signed, little);
  });
}

// IEEE 754 by hand (the engine has no Float32Array/DataView): a float is
// sign, biased exponent and mantissa; every step below is exact in doubles.
const FORMATS = {
  Float: { size: 4, expBits: 8, mantBits: 23, bias: 127 },
  Double: { size: 8, expBits: 11, mantBits: 52, bias: 1023 },
};

function decodeFloat(hi, lo, f) {
  let sign, expField, mantissa;
  if (f.size === 4) {
    sign = lo >>> 31; expField = (lo >>> 23) & 0xff; mantissa = lo & 0x7fffff;
  } else {
    sign = hi >>> 31; expField = (hi >>> 20) & 0x7ff; mantissa = (hi & 0xfffff) * 2 ** 32 + lo;
  }
  const s = sign ? -1 : 1;
  if (expField === (1 << f.expBits) - 1) return mantissa ? NaN : s * Infinity;
  if (expField === 0) return s * mantissa * 2 ** (1 - f.bias - f.mantBits); // subnormal
  return s * (mantissa + 2 ** f.mantBits) * 2 ** (expField - f.bias - f.mantBits);
}

// Returns the bits as { hi, lo } 32-bit words (a float uses lo only).
function encodeFloat(value, f) {
  if (f.size === 4) value = Math.fround(value);
  const expMax = (1 << f.expBits) - 1;
  let sign = 0;
  let expField = 0;
  let mantissa = 0;
  if (value !== value) {
    expField = expMax;
    mantissa = 2 ** (f.mantBits - 1); // the quiet NaN V8 stores
  } else {
    if (value < 0 || Object.is(value, -0)) { sign = 1; value = -value; }
    if (value === Infinity) expField = expMax;
    else if (value !== 0) {
      let e = Math.floor(Math.log2(value));
      if (2 ** e > value) e--; // log2 may be off by one near powers of two
      else if (2 ** (e + 1) <= value) e++;
      if (e < 1 - f.bias) { // subnormal: value = mantissa * 2 ** (1 - bias - mantBits)
        mantissa = value * 2 ** (f.bias - 1) * 2 ** f.mantBits;
      } else {
        expField = e + f.bias;
        mantissa = (value / 2 ** e - 1) * 2 ** f.mantBits;
      }
    }
  }
  if (f.size === 4) return { hi: 0, lo: ((sign << 31) | (expField << 23) | mantissa) >>> 0 };
  const mantHigh = Math.floor(mantissa / 2 ** 32);
  return { hi: ((sign << 31) | (expField << 20) | mantHigh) >>> 0, lo: mantissa - mantHigh * 2 ** 32 };
}

for (const type of ['Float', 'Double']) {
  const f = FORMATS[type];
  for (const little of [true, false]) {
    const end = little ? 'LE' : 'BE';
    defineMethod('read' + type + end, function (offset) {
      offset = checkedOffset(this, offset, f.size);
      const lo = readUnsigned(this, offset + (little ? 0 : f.size - 4), 4, little);
      const hi = f.size === 8 ? readUnsigned(this, offset + (little ? 4 : 0), 4, little) : 0;
      return decodeFloat(hi, lo, f);
    });
    defineMethod('write' + type + end, function (value, offset) {
      value = +value;
      offset = checkedOffset(this, offset, f.size);
      const { hi, lo } = encodeFloat(value, f);
      const words = f.size === 8 ? (little ? [lo, hi] : [hi, lo]) : [lo];
      for (let w = 0; w < words.length; w++) {
        for (let i = 0; i < 4; i++) {
          this[offset + 4 * w + (little ? i : 3 - i)] = (words[w] >>> (8 * i)) & 255;
        }
      }
      return offset + f.size;
    });
  }
}

// BigInt reads/writes: not in Looplab's engine.
for (const op of ['read', 'write']) {
  for (const kind of ['BigUInt64', 'BigUint64', 'BigInt64']) {
    for (const end of ['LE', 'BE']) {
      const name = op + kind + end;
      proto[name] = function () { throw notSupported('Buffer.prototype.' + name); };
    }
  }
}

// Iteration (for..of, spread, Array.from) comes from TypedArray.prototype in
// Node; the engine's Uint8Array lacks it, so Buffers get their own,
// non-enumerable like the inherited ones. Drop these once the engine has them.
const iterators = {
  *values() { for (let i = 0; i < this.length; i++) yield this[i]; },
  *keys() { for (let i = 0; i < this.length; i++) yield i; },
  *entries() { for (let i = 0; i < this.length; i++) yield [i, this[i]]; },
};
for (const name of ['values', 'keys', 'entries']) {
  Object.defineProperty(proto, name, { value: iterators[name], writable: true, configurable: true });
}
Object.defineProperty(proto, Symbol.iterator, { value: iterators.values, writable: true, configurable: true });

// Deprecated aliases Node still has (enumerable getters on the prototype).
Object.defineProperty(proto, 'parent', {
  enumerable: true,
  get() { return this instanceof Buffer ? this.buffer : undefined; },
});
Object.defineProperty(proto, 'offset', {
  enumerable: true,
  get() { return this instanceof Buffer ? this.byteOffset : undefined; },
});

module.exports = {
  Buffer,
  kMaxLength,
  kStringMaxLength,
  constants,
  INSPECT_MAX_BYTES: 50,
  fromOpaque,
};
for (const name of ['atob', 'btoa']) {
  Object.defineProperty(module.exports, name, { get: () => require('%encoding')[name], enumerable: true, configurable: true });
}
