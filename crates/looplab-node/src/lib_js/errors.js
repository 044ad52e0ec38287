// Node's internal errors (lib/internal/errors.js), shared by the modules
// in this directory: the built-in class with an enumerable own `code`, and
// the wording of Node's messages (ERR_INVALID_ARG_TYPE's "Received ...").
'use strict';

// Node's internal errors: the built-in class, an enumerable own `code`, and
// `String(err)` / the stack's first line reading "RangeError [CODE]: message".
function nodeError(Ctor, code, message) {
  const err = new Ctor(message);
  err.code = code;
  Object.defineProperty(err, 'toString', {
    value() { return this.name + ' [' + code + ']: ' + this.message; },
    writable: true, enumerable: false, configurable: true,
  });
  if (typeof err.stack === 'string' && err.stack.startsWith(err.name + ':')) {
    err.stack = err.name + ' [' + code + ']' + err.stack.slice(err.name.length);
  }
  return err;
}

// util.inspect of a string as Node's messages quote it: single quotes unless
// the text contains one; control characters and lone surrogates escaped.
const ESCAPES = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r', 92: '\\\\' };
function quote(s) {
  let q = "'";
  if (s.includes("'")) q = !s.includes('"') ? '"' : !s.includes('`') && !s.includes('${') ? '`' : "'";
  let out = q;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (s[i] === q) out += '\\' + q;
    else if (ESCAPES[c]) out += ESCAPES[c];
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) out += '\\x' + c.toString(16).padStart(2, '0').toUpperCase();
    else if (pair) out += s[i] + s[++i];
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\u' + c.toString(16).toUpperCase();
    else out += s[i];
  }
  return out + q;
}

function inspectPrimitive(v) {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return String(v) + 'n';
  return String(v);
}

// The "Received ..." tail of ERR_INVALID_ARG_TYPE (Node's determineSpecificType).
function describe(v) {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'function' && v.name) return 'function ' + v.name;
  if (typeof v === 'object') {
    const ctor = v.constructor;
    if (ctor && ctor.name) return 'an instance of ' + ctor.name;
    return '[Object: null prototype] {}';
  }
  let text = typeof v === 'function' ? '[Function (anonymous)]' : inspectPrimitive(v);
  if (text.length > 28) text = text.slice(0, 25) + '...';
  return 'type ' + typeof v + ' (' + text + ')';
}

// Node writes large integers with "_" every three digits (4_294_967_296).
function withSeparators(text) {
  const first = text[0] === '-' ? 1 : 0;
  let tail = '';
  let i = text.length;
  for (; i >= first + 4; i -= 3) tail = '_' + text.slice(i - 3, i) + tail;
  return text.slice(0, i) + tail;
}

function invalidArgType(name, expected, value) {
  const subject = name.endsWith(' argument') ? name : '"' + name + '" argument';
  return nodeError(TypeError, 'ERR_INVALID_ARG_TYPE',
    'The ' + subject + ' must be ' + expected + '. Received ' + describe(value));
}

function outOfRange(name, range, value) {
  const received = Number.isInteger(value) && Math.abs(value) > 2 ** 32
    ? withSeparators(String(value)) : inspectPrimitive(value);
  return nodeError(RangeError, 'ERR_OUT_OF_RANGE',
    'The value of "' + name + '" is out of range. It must be ' + range + '. Received ' + received);
}

// Errors Node's C++ layer throws: a code, but a plain "TypeError: ..." string.
function nativeError(Ctor, code, message) {
  const err = new Ctor(message);
  err.code = code;
  return err;
}

module.exports = { nodeError, nativeError, quote, inspectPrimitive, describe, withSeparators, invalidArgType, outOfRange };
