// The Encoding Standard's TextEncoder and TextDecoder (UTF-8, UTF-16LE and
// latin1 / windows-1252 as Node without ICU data names them) and the HTML
// Standard's atob / btoa, over Buffer's codecs. Streaming decode
// ({ stream: true }) is not simulated and says so.
'use strict';
const { invalidArgType, nodeError } = require('%errors');
const customInspect = Symbol.for('nodejs.util.inspect.custom');

function bytesOf(input) {
  if (input === undefined) return Buffer.alloc(0);
  if (ArrayBuffer.isView(input)) return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (input instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && input instanceof SharedArrayBuffer)) return Buffer.from(input);
  throw invalidArgType('input', 'an instance of ArrayBuffer or ArrayBufferView', input);
}

class TextEncoder {
  get encoding() { return 'utf-8'; }

  encode(input = '') {
    return new Uint8Array(Buffer.from(`${input}`, 'utf8'));
  }

  // Writes whole characters only; read counts UTF-16 code units.
  encodeInto(source, destination) {
    if (!(destination instanceof Uint8Array)) throw invalidArgType('dest', 'an instance of Uint8Array', destination);
    source = `${source}`;
    let read = 0;
    let written = 0;
    for (const char of source) {
      const bytes = Buffer.from(char, 'utf8');
      if (written + bytes.length > destination.length) break;
      destination.set(bytes, written);
      written += bytes.length;
      read += char.length;
    }
    return { read, written };
  }

  [customInspect](depth, options, inspect) {
    return inspect({ encoding: this.encoding }, options);
  }
}

const labels = {
  'utf-8': ['unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'utf-8', 'utf8', 'x-unicode20utf8'],
  'utf-16le': ['csunicode', 'iso-10646-ucs-2', 'ucs-2', 'unicode', 'unicodefeff', 'utf-16', 'utf-16le'],
  'windows-1252': ['ansi_x3.4-1968', 'ascii', 'cp1252', 'cp819', 'csisolatin1', 'ibm819', 'iso-8859-1', 'iso-ir-100',
    'iso8859-1', 'iso88591', 'iso_8859-1', 'iso_8859-1:1987', 'l1', 'latin1', 'us-ascii', 'windows-1252', 'x-cp1252'],
};

// Whether `bytes` are well-formed UTF-8 (Encoding Standard 8.1.1).
function isUtf8(bytes) {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    let need = 0;
    let low = 0x80;
    let high = 0xbf;
    if (b < 0x80) { i++; continue; }
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) { need = 2; if (b === 0xe0) low = 0xa0; if (b === 0xed) high = 0x9f; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; if (b === 0xf0) low = 0x90; if (b === 0xf4) high = 0x8f; }
    else return false;
    for (let k = 1; k <= need; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return false;
    }
    i += need + 1;
  }
  return true;
}

class TextDecoder {
  constructor(encoding = 'utf-8', options = {}) {
    const label = `${encoding}`.trim().toLowerCase();
    const name = Object.keys(labels).find((key) => labels[key].includes(label));
    if (name === undefined) throw nodeError(RangeError, 'ERR_ENCODING_NOT_SUPPORTED', `The "${encoding}" encoding is not supported`);
    this._encoding = name;
    this._fatal = Boolean(options && options.fatal);
    this._ignoreBOM = Boolean(options && options.ignoreBOM);
  }

  get encoding() { return this._encoding; }
  get fatal() { return this._fatal; }
  get ignoreBOM() { return this._ignoreBOM; }

  decode(input = undefined, options = {}) {
    if (options && options.stream) throw new Error('not supported in Looplab: TextDecoder.decode with { stream: true }');
    let bytes = bytesOf(input);
    if (this._encoding === 'utf-8') {
      if (!this._ignoreBOM && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      if (this._fatal && !isUtf8(bytes)) {
        throw nodeError(TypeError, 'ERR_ENCODING_INVALID_ENCODED_DATA', 'The encoded data was not valid for encoding utf-8');
      }
      return bytes.toString('utf8');
    }
    if (this._encoding === 'utf-16le') {
      if (!this._ignoreBOM && bytes[0] === 0xff && bytes[1] === 0xfe) bytes = bytes.subarray(2);
      return bytes.toString('utf16le');
    }
    return bytes.toString('latin1');
  }

  [customInspect](depth, options, inspect) {
    return `TextDecoder ${inspect({ encoding: this.encoding, fatal: this.fatal, ignoreBOM: this.ignoreBOM }, options)}`;
  }
}

function invalidCharacter() {
  const { DOMException } = require('%web');
  return new DOMException('Invalid character', 'InvalidCharacterError');
}

// HTML Standard, "Base64 utility methods": btoa takes Latin-1 text.
function btoa(input) {
  if (arguments.length === 0) throw invalidArgType('input', 'of type string', undefined);
  input = `${input}`;
  for (let i = 0; i < input.length; i++) if (input.charCodeAt(i) > 0xff) throw invalidCharacter();
  return Buffer.from(input, 'latin1').toString('base64');
}

// Forgiving-base64 decode: ASCII whitespace ignored, padding checked.
function atob(input) {
  if (arguments.length === 0) throw invalidArgType('input', 'of type string', undefined);
  let text = `${input}`.replace(/[\t\n\f\r ]/g, '');
  if (text.length % 4 === 0) text = text.replace(/={1,2}$/, '');
  if (text.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(text)) throw invalidCharacter();
  return Buffer.from(text, 'base64').toString('latin1');
}

module.exports = { TextEncoder, TextDecoder, atob, btoa };
