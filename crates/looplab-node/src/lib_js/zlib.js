// Node's zlib, the parts Looplab simulates: the convenience functions
// (gzip, deflate, deflateRaw and their inverses, unzip; callback and Sync
// forms) with real bytes (runtime/zlib.rs), the `info` option, the engine
// classes (Gzip, Gunzip, Deflate, Inflate, DeflateRaw, InflateRaw, Unzip)
// with _processChunk(chunk, Z_FINISH), `constants` and `codes` with Node
// v20's values. A callback form is one thread-pool job, as in Node for an
// input under one chunk (Node runs one job per 16 KiB chunk of a larger
// one). Not simulated, and saying so when used: the classes as streams
// (write, end, pipe), brotli, crc32.
'use strict';
const binding = require('%zlibbinding');
const Stream = require('stream');
const { invalidArgType } = require('%errors');

const constants = Object.freeze({
  Z_NO_FLUSH: 0, Z_PARTIAL_FLUSH: 1, Z_SYNC_FLUSH: 2, Z_FULL_FLUSH: 3, Z_FINISH: 4, Z_BLOCK: 5,
  Z_OK: 0, Z_STREAM_END: 1, Z_NEED_DICT: 2, Z_ERRNO: -1, Z_STREAM_ERROR: -2, Z_DATA_ERROR: -3,
  Z_MEM_ERROR: -4, Z_BUF_ERROR: -5, Z_VERSION_ERROR: -6, Z_NO_COMPRESSION: 0, Z_BEST_SPEED: 1,
  Z_BEST_COMPRESSION: 9, Z_DEFAULT_COMPRESSION: -1, Z_FILTERED: 1, Z_HUFFMAN_ONLY: 2, Z_RLE: 3,
  Z_FIXED: 4, Z_DEFAULT_STRATEGY: 0, ZLIB_VERNUM: 4880, DEFLATE: 1, INFLATE: 2, GZIP: 3, GUNZIP: 4,
  DEFLATERAW: 5, INFLATERAW: 6, UNZIP: 7, BROTLI_DECODE: 8, BROTLI_ENCODE: 9, Z_MIN_WINDOWBITS: 8,
  Z_MAX_WINDOWBITS: 15, Z_DEFAULT_WINDOWBITS: 15, Z_MIN_CHUNK: 64, Z_MAX_CHUNK: Infinity,
  Z_DEFAULT_CHUNK: 16384, Z_MIN_MEMLEVEL: 1, Z_MAX_MEMLEVEL: 9, Z_DEFAULT_MEMLEVEL: 8,
  Z_MIN_LEVEL: -1, Z_MAX_LEVEL: 9, Z_DEFAULT_LEVEL: -1, BROTLI_OPERATION_PROCESS: 0,
  BROTLI_OPERATION_FLUSH: 1, BROTLI_OPERATION_FINISH: 2, BROTLI_OPERATION_EMIT_METADATA: 3,
  BROTLI_PARAM_MODE: 0, BROTLI_MODE_GENERIC: 0, BROTLI_MODE_TEXT: 1, BROTLI_MODE_FONT: 2,
  BROTLI_DEFAULT_MODE: 0, BROTLI_PARAM_QUALITY: 1, BROTLI_MIN_QUALITY: 0, BROTLI_MAX_QUALITY: 11,
  BROTLI_DEFAULT_QUALITY: 11, BROTLI_PARAM_LGWIN: 2, BROTLI_MIN_WINDOW_BITS: 10,
  BROTLI_MAX_WINDOW_BITS: 24, BROTLI_LARGE_MAX_WINDOW_BITS: 30, BROTLI_DEFAULT_WINDOW: 22,
  BROTLI_PARAM_LGBLOCK: 3, BROTLI_MIN_INPUT_BLOCK_BITS: 16, BROTLI_MAX_INPUT_BLOCK_BITS: 24,
  BROTLI_PARAM_DISABLE_LITERAL_CONTEXT_MODELING: 4, BROTLI_PARAM_SIZE_HINT: 5,
  BROTLI_PARAM_LARGE_WINDOW: 6, BROTLI_PARAM_NPOSTFIX: 7, BROTLI_PARAM_NDIRECT: 8,
  BROTLI_DECODER_RESULT_ERROR: 0, BROTLI_DECODER_RESULT_SUCCESS: 1,
  BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT: 2, BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT: 3,
  BROTLI_DECODER_PARAM_DISABLE_RING_BUFFER_REALLOCATION: 0, BROTLI_DECODER_PARAM_LARGE_WINDOW: 1,
  BROTLI_DECODER_NO_ERROR: 0, BROTLI_DECODER_SUCCESS: 1, BROTLI_DECODER_NEEDS_MORE_INPUT: 2,
  BROTLI_DECODER_NEEDS_MORE_OUTPUT: 3, BROTLI_DECODER_ERROR_FORMAT_EXUBERANT_NIBBLE: -1,
  BROTLI_DECODER_ERROR_FORMAT_RESERVED: -2, BROTLI_DECODER_ERROR_FORMAT_EXUBERANT_META_NIBBLE: -3,
  BROTLI_DECODER_ERROR_FORMAT_SIMPLE_HUFFMAN_ALPHABET: -4,
  BROTLI_DECODER_ERROR_FORMAT_SIMPLE_HUFFMAN_SAME: -5, BROTLI_DECODER_ERROR_FORMAT_CL_SPACE: -6,
  BROTLI_DECODER_ERROR_FORMAT_HUFFMAN_SPACE: -7,
  BROTLI_DECODER_ERROR_FORMAT_CONTEXT_MAP_REPEAT: -8,
  BROTLI_DECODER_ERROR_FORMAT_BLOCK_LENGTH_1: -9, BROTLI_DECODER_ERROR_FORMAT_BLOCK_LENGTH_2: -10,
  BROTLI_DECODER_ERROR_FORMAT_TRANSFORM: -11, BROTLI_DECODER_ERROR_FORMAT_DICTIONARY: -12,
  BROTLI_DECODER_ERROR_FORMAT_WINDOW_BITS: -13, BROTLI_DECODER_ERROR_FORMAT_PADDING_1: -14,
  BROTLI_DECODER_ERROR_FORMAT_PADDING_2: -15, BROTLI_DECODER_ERROR_FORMAT_DISTANCE: -16,
  BROTLI_DECODER_ERROR_DICTIONARY_NOT_SET: -19, BROTLI_DECODER_ERROR_INVALID_ARGUMENTS: -20,
  BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES: -21, BROTLI_DECODER_ERROR_ALLOC_TREE_GROUPS: -22,
  BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MAP: -25, BROTLI_DECODER_ERROR_ALLOC_RING_BUFFER_1: -26,
  BROTLI_DECODER_ERROR_ALLOC_RING_BUFFER_2: -27, BROTLI_DECODER_ERROR_ALLOC_BLOCK_TYPE_TREES: -30,
  BROTLI_DECODER_ERROR_UNREACHABLE: -31,
});

// zlib's return codes both ways (Node's zlib.codes).
const codes = {
  Z_OK: 0, Z_STREAM_END: 1, Z_NEED_DICT: 2, Z_ERRNO: -1, Z_STREAM_ERROR: -2,
  Z_DATA_ERROR: -3, Z_MEM_ERROR: -4, Z_BUF_ERROR: -5, Z_VERSION_ERROR: -6,
};
for (const name of Object.keys(codes)) codes[codes[name]] = name;
Object.freeze(codes);

function unsupported(what) {
  return new Error('not supported in Looplab: ' + what +
    ' (zlib with whole buffers is: zlib.gzip, zlib.gzipSync and the like)');
}

const bufferTypes = 'of type string or an instance of Buffer, TypedArray, DataView, or ArrayBuffer';

function isAnyArrayBuffer(value) {
  return value instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer);
}

function checkBuffer(buffer) {
  if (typeof buffer !== 'string' && !ArrayBuffer.isView(buffer) && !isAnyArrayBuffer(buffer)) {
    throw invalidArgType('buffer', bufferTypes, buffer);
  }
}

// lib/zlib.js: ZlibBase, then one class per mode. Functions rather than
// classes, as Node's are: `zlib.Gzip()` without `new` makes one too.
function ZlibBase(opts, format) {
  Stream.call(this, opts);
  this.bytesWritten = 0;
  this._format = format;
  this._chunkSize = (opts && opts.chunkSize) || constants.Z_DEFAULT_CHUNK;
  this._level = opts && opts.level !== undefined ? opts.level : constants.Z_DEFAULT_COMPRESSION;
  this._input = [];
  this._ended = false;
}
Object.setPrototypeOf(ZlibBase.prototype, Stream.prototype);
Object.setPrototypeOf(ZlibBase, Stream);

// _processChunk(chunk, flushFlag): zlib's synchronous step. Input is held
// until Z_FINISH, which returns everything the engine makes from it; a
// partial flush would need zlib's streaming state, which is not simulated.
ZlibBase.prototype._processChunk = function _processChunk(chunk, flushFlag, cb) {
  if (typeof cb === 'function') throw unsupported('zlib _processChunk with a callback');
  if (this._ended) {
    const err = new Error('zlib binding closed');
    err.code = 'ERR_ZLIB_BINDING_CLOSED';
    throw err;
  }
  checkBuffer(chunk);
  const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(
    isAnyArrayBuffer(chunk) ? new Uint8Array(chunk) : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  this._input.push(bytes);
  this.bytesWritten += bytes.length;
  if (flushFlag !== constants.Z_FINISH) {
    throw unsupported('zlib _processChunk with a flush other than Z_FINISH');
  }
  this._ended = true;
  return binding[this._format + 'Sync'](Buffer.concat(this._input));
};

for (const method of ['write', 'end', 'pipe', 'flush', 'params', 'reset']) {
  ZlibBase.prototype[method] = function () {
    throw unsupported(`zlib streams (${this.constructor.name}.${method})`);
  };
}

ZlibBase.prototype.close = function close(callback) {
  if (typeof callback === 'function') process.nextTick(callback);
  this._ended = true;
};

function Zlib(opts, format) {
  ZlibBase.call(this, opts, format);
}
Object.setPrototypeOf(Zlib.prototype, ZlibBase.prototype);
Object.setPrototypeOf(Zlib, ZlibBase);

const classes = {};
const formats = {
  Deflate: 'deflate', Inflate: 'inflate', Gzip: 'gzip', Gunzip: 'gunzip',
  DeflateRaw: 'deflateRaw', InflateRaw: 'inflateRaw', Unzip: 'unzip',
};
for (const name of Object.keys(formats)) {
  const format = formats[name];
  const Class = {
    [name]: function (opts) {
      if (!new.target) return new Class(opts);
      Zlib.call(this, opts, format);
    },
  }[name];
  Object.setPrototypeOf(Class.prototype, Zlib.prototype);
  Object.setPrototypeOf(Class, Zlib);
  classes[name] = Class;
}

// The convenience functions: `gzip(buffer[, options], callback)` and
// `gzipSync(buffer[, options])`; with `{ info: true }` the result is
// `{ buffer, engine }`.
function convenience(name, className) {
  const format = formats[className];
  const asynchronous = {
    [name](buffer, opts, callback) {
      if (typeof opts === 'function') {
        callback = opts;
        opts = {};
      }
      if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback);
      checkBuffer(buffer);
      if (opts && opts.info) {
        const engine = new classes[className](opts);
        binding[format](buffer, function zlibBufferOnEnd(err, result) {
          if (err) callback(err);
          else callback(null, { buffer: result, engine });
        });
        return;
      }
      binding[format](buffer, callback);
    },
  }[name];
  const synchronous = {
    [name + 'Sync'](buffer, opts) {
      checkBuffer(buffer);
      const result = binding[format + 'Sync'](buffer);
      return opts && opts.info ? { buffer: result, engine: new classes[className](opts) } : result;
    },
  }[name + 'Sync'];
  return [asynchronous, synchronous];
}

module.exports = { constants, codes };
for (const [name, className] of [['deflate', 'Deflate'], ['inflate', 'Inflate'], ['gzip', 'Gzip'],
  ['gunzip', 'Gunzip'], ['deflateRaw', 'DeflateRaw'], ['inflateRaw', 'InflateRaw'], ['unzip', 'Unzip']]) {
  const [asynchronous, synchronous] = convenience(name, className);
  module.exports[name] = asynchronous;
  module.exports[name + 'Sync'] = synchronous;
  module.exports[className] = classes[className];
  module.exports['create' + className] = function (opts) { return new classes[className](opts); };
}
