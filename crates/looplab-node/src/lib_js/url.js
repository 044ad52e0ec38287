// WHATWG URL and URLSearchParams (URL Standard, https://url.spec.whatwg.org/;
// Node docs, url) and the url module's fileURLToPath / pathToFileURL.
// The parser follows the standard's state machine in outline: special
// schemes (http, https, ws, wss, ftp, file) with their default ports, hosts
// lowercased and checked for forbidden code points, IPv4 numbers in any
// base, dot segments removed, each component percent-encoded with its own
// set; relative references resolved against a base. Not here: IDNA for
// non-ASCII host names and IPv6 compression (both refused in words), and
// the legacy url.parse / url.format.
'use strict';
const { invalidArgType } = require('%errors');

const specialPorts = { 'ftp:': '21', 'file:': null, 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };
const isSpecial = (protocol) => Object.prototype.hasOwnProperty.call(specialPorts, protocol);

function invalidUrl(input) {
  const err = new TypeError('Invalid URL');
  err.code = 'ERR_INVALID_URL';
  err.input = input;
  return err;
}

// Percent-encode sets (URL Standard 1.3).
const C0 = (c) => c < 0x20 || c > 0x7e;
const FRAGMENT = (c) => C0(c) || c === 0x20 || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x60;
const QUERY = (c) => C0(c) || c === 0x20 || c === 0x22 || c === 0x23 || c === 0x3c || c === 0x3e;
const SPECIAL_QUERY = (c) => QUERY(c) || c === 0x27;
const PATH = (c) => QUERY(c) || c === 0x3f || c === 0x60 || c === 0x7b || c === 0x7d;
const USERINFO = (c) => PATH(c) || c === 0x2f || c === 0x3a || c === 0x3b || c === 0x3d || c === 0x40 ||
  (c >= 0x5b && c <= 0x5e) || c === 0x7c;
const COMPONENT = (c) => USERINFO(c) || (c >= 0x24 && c <= 0x26) || c === 0x2b || c === 0x2c;
const FORM = (c) => COMPONENT(c) || c === 0x21 || (c >= 0x27 && c <= 0x29) || c === 0x7e;

const hex = (byte) => '%' + byte.toString(16).toUpperCase().padStart(2, '0');

function encode(text, set, spaceAsPlus) {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0);
    if (code < 0x80) {
      if (spaceAsPlus && code === 0x20) out += '+';
      else out += set(code) ? hex(code) : char;
    } else {
      for (const byte of Buffer.from(char.length === 1 && code >= 0xd800 && code <= 0xdfff ? '\ufffd' : char)) out += hex(byte);
    }
  }
  return out;
}

function decodeBytes(text) {
  const bytes = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      const end = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? i + 2 : i + 1;
      for (const byte of Buffer.from(text.slice(i, end))) bytes.push(byte);
      i = end - 1;
    }
  }
  return Buffer.from(bytes);
}

// IPv4 parser (URL Standard 3.5): up to four numbers, each decimal, octal
// (leading 0) or hexadecimal (0x); the last may fill the remaining bytes.
function parseIPv4Number(part) {
  if (part === '') return NaN;
  let radix = 10;
  if (/^0[xX]/.test(part)) { part = part.slice(2); radix = 16; } else if (part.length > 1 && part[0] === '0') { part = part.slice(1); radix = 8; }
  if (part === '') return 0;
  const valid = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  return valid.test(part) ? parseInt(part, radix) : NaN;
}

function endsInNumber(host) {
  const parts = host.split('.');
  if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
  const last = parts[parts.length - 1];
  return /^[0-9]+$/.test(last) || !Number.isNaN(parseIPv4Number(last)) && /^0[xX][0-9a-fA-F]*$/.test(last);
}

function parseIPv4(host, input) {
  const parts = host.split('.');
  if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
  if (parts.length > 4) throw invalidUrl(input);
  const numbers = parts.map(parseIPv4Number);
  if (numbers.some(Number.isNaN)) throw invalidUrl(input);
  const last = numbers.pop();
  if (numbers.some((n) => n > 255) || last >= 256 ** (4 - numbers.length)) throw invalidUrl(input);
  let address = last;
  numbers.forEach((n, i) => { address += n * 256 ** (3 - i); });
  const bytes = [];
  for (let i = 3; i >= 0; i--) bytes.push(Math.floor(address / 256 ** i) % 256);
  return bytes.join('.');
}

const FORBIDDEN_HOST = /[\u0000\t\n\r #/:<>?@[\\\]^|]/;
const FORBIDDEN_DOMAIN = /[\u0000-\u001f\t\n\r #%/:<>?@[\\\]^|\u007f]/;

function parseHost(text, special, input) {
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw invalidUrl(input);
    throw new Error('not supported in Looplab: IPv6 addresses in URLs');
  }
  if (!special) {
    if (FORBIDDEN_HOST.test(text)) throw invalidUrl(input);
    return encode(text, C0);
  }
  const domain = decodeBytes(text).toString().toLowerCase();
  if (/[^\u0000-\u007f]/.test(domain)) throw new Error('not supported in Looplab: non-ASCII host names in URLs (IDNA)');
  if (domain === '' || FORBIDDEN_DOMAIN.test(domain)) throw invalidUrl(input);
  return endsInNumber(domain) ? parseIPv4(domain, input) : domain;
}

// Path segments with dot segments resolved (URL Standard 4.4, path state).
function pushSegments(path, text, special, isFile) {
  const segments = special ? text.split(/[/\\]/) : text.split('/');
  segments.forEach((raw, i) => {
    const last = i === segments.length - 1;
    const lower = raw.toLowerCase();
    if (lower === '..' || lower === '.%2e' || lower === '%2e.' || lower === '%2e%2e') {
      if (path.length > 0 && !(isFile && path.length === 1 && /^[a-zA-Z]:$/.test(path[0]))) path.pop();
      if (last) path.push('');
    } else if (lower === '.' || lower === '%2e') {
      if (last) path.push('');
    } else {
      path.push(encode(raw, PATH));
    }
  });
}

function splitTail(rest) {
  let hash = null;
  let query = null;
  const hashAt = rest.indexOf('#');
  if (hashAt >= 0) { hash = rest.slice(hashAt + 1); rest = rest.slice(0, hashAt); }
  const queryAt = rest.indexOf('?');
  if (queryAt >= 0) { query = rest.slice(queryAt + 1); rest = rest.slice(0, queryAt); }
  return { rest, query, hash };
}

function parseAuthority(record, text, input) {
  const special = isSpecial(record.protocol);
  const end = text.search(special ? /[/\\?#]/ : /[/?#]/);
  const authority = end < 0 ? text : text.slice(0, end);
  const rest = end < 0 ? '' : text.slice(end);
  let hostPort = authority;
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    hostPort = authority.slice(at + 1);
    const colon = userinfo.indexOf(':');
    record.username = encode(colon < 0 ? userinfo : userinfo.slice(0, colon), USERINFO);
    record.password = colon < 0 ? '' : encode(userinfo.slice(colon + 1), USERINFO);
  }
  const portAt = hostPort.startsWith('[') ? hostPort.indexOf(':', hostPort.indexOf(']')) : hostPort.lastIndexOf(':');
  let host = portAt < 0 ? hostPort : hostPort.slice(0, portAt);
  let port = portAt < 0 ? '' : hostPort.slice(portAt + 1);
  if (!/^[0-9]*$/.test(port)) throw invalidUrl(input);
  if (port !== '') {
    const number = Number(port);
    if (number > 65535) throw invalidUrl(input);
    port = String(number);
    if (port === specialPorts[record.protocol]) port = '';
  }
  if (host === '' && (special && record.protocol !== 'file:' || at >= 0 || port !== '')) throw invalidUrl(input);
  host = host === '' ? '' : parseHost(host, special, input);
  if (record.protocol === 'file:' && host === 'localhost') host = '';
  record.hostname = host;
  record.port = port;
  record.hasAuthority = true;
  return rest;
}

function emptyRecord(protocol) {
  return { protocol, username: '', password: '', hostname: '', port: '', hasAuthority: false, path: [], opaque: null, query: null, hash: null };
}

function parse(input, base) {
  input = String(input).replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+\-.]*):/.exec(input);
  let record;
  let rest;
  if (schemeMatch) {
    const protocol = schemeMatch[1].toLowerCase() + ':';
    rest = input.slice(schemeMatch[0].length);
    record = emptyRecord(protocol);
    const special = isSpecial(protocol);
    if (special && base && base.protocol === protocol && protocol !== 'file:' && !/^[/\\]/.test(rest)) {
      return relative(rest, base, input);
    }
    if (protocol === 'file:') {
      if (/^[/\\]{2}/.test(rest)) rest = parseAuthority(record, rest.slice(2), input);
      else if (base && base.protocol === 'file:' && !/^[/\\]/.test(rest)) return relative(rest, base, input);
      else record.hasAuthority = true;
    } else if (special) {
      rest = parseAuthority(record, rest.replace(/^[/\\]*/, ''), input);
    } else if (rest.startsWith('//')) {
      rest = parseAuthority(record, rest.slice(2), input);
    } else if (!rest.startsWith('/')) {
      const tail = splitTail(rest);
      record.opaque = encode(tail.rest, C0);
      record.query = tail.query === null ? null : encode(tail.query, QUERY);
      record.hash = tail.hash === null ? null : encode(tail.hash, FRAGMENT);
      return record;
    }
  } else {
    if (!base) throw invalidUrl(input);
    return relative(input, base, input);
  }
  const tail = splitTail(rest);
  const special = isSpecial(record.protocol);
  if (tail.rest !== '' || special) pushSegments(record.path, tail.rest.replace(special ? /^[/\\]/ : /^\//, ''), special, record.protocol === 'file:');
  record.query = tail.query === null ? null : encode(tail.query, special ? SPECIAL_QUERY : QUERY);
  record.hash = tail.hash === null ? null : encode(tail.hash, FRAGMENT);
  return record;
}

// A relative reference against `base` (URL Standard 4.4, relative state).
function relative(text, base, input) {
  const special = isSpecial(base.protocol);
  if (base.opaque !== null) {
    if (!text.startsWith('#')) throw invalidUrl(input);
    return { ...base, path: [], hash: encode(text.slice(1), FRAGMENT) };
  }
  const record = emptyRecord(base.protocol);
  const slash = special ? /^[/\\]/ : /^\//;
  if (special ? /^[/\\]{2}/.test(text) : text.startsWith('//')) {
    const rest = parseAuthority(record, text.slice(2), input);
    const tail = splitTail(rest);
    pushSegments(record.path, tail.rest.replace(slash, ''), special, record.protocol === 'file:');
    record.query = tail.query === null ? null : encode(tail.query, special ? SPECIAL_QUERY : QUERY);
    record.hash = tail.hash === null ? null : encode(tail.hash, FRAGMENT);
    return record;
  }
  Object.assign(record, { username: base.username, password: base.password, hostname: base.hostname, port: base.port, hasAuthority: base.hasAuthority });
  const tail = splitTail(text);
  if (tail.rest === '') {
    // '', '?query' or '#fragment': the base's path, and its query unless
    // a new one is given.
    record.path = base.path.slice();
    record.query = tail.query === null ? base.query : encode(tail.query, special ? SPECIAL_QUERY : QUERY);
  } else if (slash.test(tail.rest)) {
    pushSegments(record.path, tail.rest.replace(slash, ''), special, record.protocol === 'file:');
    record.query = tail.query === null ? null : encode(tail.query, special ? SPECIAL_QUERY : QUERY);
  } else {
    record.path = base.path.slice(0, -1);
    pushSegments(record.path, tail.rest, special, record.protocol === 'file:');
    record.query = tail.query === null ? null : encode(tail.query, special ? SPECIAL_QUERY : QUERY);
  }
  record.hash = tail.hash === null ? null : encode(tail.hash, FRAGMENT);
  return record;
}

function serializePath(record) {
  if (record.opaque !== null) return record.opaque;
  const path = '/' + record.path.join('/');
  // A path starting '//' without a host would read as one: '/.' guards it.
  return !record.hasAuthority && record.path.length > 1 && record.path[0] === '' ? '/.' + path : path;
}

function serializeHost(record) {
  return record.hostname + (record.port === '' ? '' : ':' + record.port);
}

function serialize(record, excludeFragment) {
  let out = record.protocol;
  if (record.hasAuthority) {
    out += '//';
    if (record.username !== '' || record.password !== '') {
      out += record.username + (record.password !== '' ? ':' + record.password : '') + '@';
    }
    out += serializeHost(record);
  }
  out += serializePath(record);
  if (record.query !== null) out += '?' + record.query;
  if (!excludeFragment && record.hash !== null) out += '#' + record.hash;
  return out;
}

const kRecord = Symbol('kRecord');
const kParams = Symbol('kParams');
const kList = Symbol('kList');
const kUrl = Symbol('kUrl');
const customInspect = Symbol.for('nodejs.util.inspect.custom');

class URL {
  constructor(input, base) {
    if (arguments.length === 0) throw invalidArgType('url', 'of type string', undefined);
    input = `${input}`;
    let baseRecord;
    if (base !== undefined) baseRecord = parse(`${base}`);
    this[kRecord] = parse(input, baseRecord);
    this[kParams] = undefined;
  }

  static canParse(input, base) {
    try {
      parse(`${input}`, base === undefined ? undefined : parse(`${base}`));
      return true;
    } catch {
      return false;
    }
  }

  get href() { return serialize(this[kRecord], false); }
  set href(value) {
    this[kRecord] = parse(`${value}`);
    if (this[kParams]) this[kParams][kList] = parseParams(this[kRecord].query || '');
  }
  get origin() {
    const record = this[kRecord];
    if (record.protocol === 'blob:') {
      try { return new URL(serializePath(record)).origin; } catch { return 'null'; }
    }
    if (!isSpecial(record.protocol) || record.protocol === 'file:') return 'null';
    return record.protocol + '//' + serializeHost(record);
  }
  get protocol() { return this[kRecord].protocol; }
  set protocol(value) {
    const protocol = `${value}`.replace(/:.*$/, '').toLowerCase() + ':';
    if (!/^[a-z][a-z0-9+\-.]*:$/.test(protocol)) return;
    const record = this[kRecord];
    if (isSpecial(protocol) !== isSpecial(record.protocol)) return;
    record.protocol = protocol;
    if (record.port === specialPorts[protocol]) record.port = '';
  }
  get username() { return this[kRecord].username; }
  set username(value) { if (this[kRecord].hostname !== '') this[kRecord].username = encode(`${value}`, USERINFO); }
  get password() { return this[kRecord].password; }
  set password(value) { if (this[kRecord].hostname !== '') this[kRecord].password = encode(`${value}`, USERINFO); }
  get host() { return serializeHost(this[kRecord]); }
  set host(value) {
    if (this[kRecord].opaque !== null) return;
    try {
      const parsed = parse(this[kRecord].protocol + '//' + `${value}`.replace(/[/\\?#].*$/, ''));
      this[kRecord].hostname = parsed.hostname;
      this[kRecord].port = parsed.port;
    } catch { /* an invalid host leaves the URL as it was */ }
  }
  get hostname() { return this[kRecord].hostname; }
  set hostname(value) {
    if (this[kRecord].opaque !== null) return;
    try {
      this[kRecord].hostname = parse(this[kRecord].protocol + '//' + `${value}`.replace(/[:/\\?#].*$/, '')).hostname;
    } catch { /* as above */ }
  }
  get port() { return this[kRecord].port; }
  set port(value) {
    const record = this[kRecord];
    if (record.hostname === '' || record.protocol === 'file:') return;
    const digits = /^[0-9]*/.exec(`${value}`)[0];
    if (digits === '') { if (`${value}` === '') record.port = ''; return; }
    const number = Number(digits);
    if (number > 65535) return;
    record.port = String(number) === specialPorts[record.protocol] ? '' : String(number);
  }
  get pathname() { return serializePath(this[kRecord]); }
  set pathname(value) {
    const record = this[kRecord];
    if (record.opaque !== null) return;
    const special = isSpecial(record.protocol);
    record.path = [];
    pushSegments(record.path, `${value}`.replace(special ? /^[/\\]/ : /^\//, ''), special, record.protocol === 'file:');
  }
  get search() { const query = this[kRecord].query; return query === null || query === '' ? '' : '?' + query; }
  set search(value) {
    const text = `${value}`.replace(/^\?/, '');
    this[kRecord].query = `${value}` === '' ? null : encode(text, isSpecial(this[kRecord].protocol) ? SPECIAL_QUERY : QUERY);
    if (this[kParams]) this[kParams][kList] = parseParams(text);
  }
  get searchParams() {
    if (this[kParams] === undefined) {
      this[kParams] = new URLSearchParams(this[kRecord].query || '');
      this[kParams][kUrl] = this;
    }
    return this[kParams];
  }
  get hash() { const hash = this[kRecord].hash; return hash === null || hash === '' ? '' : '#' + hash; }
  set hash(value) {
    const text = `${value}`;
    this[kRecord].hash = text === '' ? null : encode(text.replace(/^#/, ''), FRAGMENT);
  }
  toString() { return this.href; }
  toJSON() { return this.href; }

  [customInspect](depth, options, inspect) {
    if (depth < 0) return this;
    const shown = { href: this.href, origin: this.origin, protocol: this.protocol, username: this.username, password: this.password,
      host: this.host, hostname: this.hostname, port: this.port, pathname: this.pathname, search: this.search,
      searchParams: this.searchParams, hash: this.hash };
    return `${this.constructor.name} ${inspect(shown, { ...options, customInspect: true })}`;
  }
}
Object.defineProperty(URL.prototype, Symbol.toStringTag, { value: 'URL', configurable: true });
for (const name of ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'searchParams', 'hash', 'toString', 'toJSON']) {
  Object.defineProperty(URL.prototype, name, { ...Object.getOwnPropertyDescriptor(URL.prototype, name), enumerable: true });
}

// application/x-www-form-urlencoded (URL Standard 5).
function parseParams(text) {
  const list = [];
  for (const piece of text.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = eq < 0 ? piece : piece.slice(0, eq);
    const value = eq < 0 ? '' : piece.slice(eq + 1);
    list.push([decodeBytes(name.replace(/\+/g, ' ')).toString(), decodeBytes(value.replace(/\+/g, ' ')).toString()]);
  }
  return list;
}

function serializeParams(list) {
  return list.map(([name, value]) => encode(name, FORM, true) + '=' + encode(value, FORM, true)).join('&');
}

function update(params) {
  const url = params[kUrl];
  if (url) {
    const text = serializeParams(params[kList]);
    url[kRecord].query = text === '' ? null : text;
  }
}

class URLSearchParams {
  constructor(init = undefined) {
    this[kList] = [];
    this[kUrl] = null;
    if (init === undefined || init === null) return;
    if (typeof init === 'object' || typeof init === 'function') {
      if (typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const entry = Array.from(pair);
          if (entry.length !== 2) {
            const err = new TypeError('Each query pair must be an iterable [name, value] tuple');
            err.code = 'ERR_INVALID_TUPLE';
            throw err;
          }
          this[kList].push([`${entry[0]}`, `${entry[1]}`]);
        }
      } else {
        for (const key of Reflect.ownKeys(init)) {
          if (typeof key === 'string' && Object.prototype.propertyIsEnumerable.call(init, key)) this[kList].push([key, `${init[key]}`]);
        }
      }
      return;
    }
    this[kList] = parseParams(`${init}`.replace(/^\?/, ''));
  }

  get size() { return this[kList].length; }
  append(name, value) { this[kList].push([`${name}`, `${value}`]); update(this); }
  delete(name, value) {
    name = `${name}`;
    this[kList] = this[kList].filter(([n, v]) => n !== name || (value !== undefined && v !== `${value}`));
    update(this);
  }
  get(name) { const found = this[kList].find(([n]) => n === `${name}`); return found ? found[1] : null; }
  getAll(name) { return this[kList].filter(([n]) => n === `${name}`).map(([, v]) => v); }
  has(name, value) { return this[kList].some(([n, v]) => n === `${name}` && (value === undefined || v === `${value}`)); }
  set(name, value) {
    name = `${name}`;
    const index = this[kList].findIndex(([n]) => n === name);
    if (index < 0) this[kList].push([name, `${value}`]);
    else {
      this[kList][index][1] = `${value}`;
      this[kList] = this[kList].filter(([n], i) => n !== name || i === index);
    }
    update(this);
  }
  sort() {
    // By code units, stably (URL Standard: "sort ... by their names").
    this[kList] = this[kList].map((entry, i) => [entry, i])
      .sort(([a, i], [b, j]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : i - j)).map(([entry]) => entry);
    update(this);
  }
  forEach(callback, thisArg = undefined) {
    if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback);
    for (let i = 0; i < this[kList].length; i++) {
      const [name, value] = this[kList][i];
      callback.call(thisArg, value, name, this);
    }
  }
  *entries() { for (let i = 0; i < this[kList].length; i++) yield [this[kList][i][0], this[kList][i][1]]; }
  *keys() { for (const [name] of this.entries()) yield name; }
  *values() { for (const [, value] of this.entries()) yield value; }
  toString() { return serializeParams(this[kList]); }

  [customInspect](depth, options, inspect) {
    if (depth < 0) return '[Object]';
    const name = this.constructor.name;
    if (this[kList].length === 0) return `${name} {}`;
    const parts = this[kList].map(([n, v]) => `${inspect(n, options)} => ${inspect(v, options)}`);
    return `${name} { ${parts.join(', ')} }`;
  }
}
URLSearchParams.prototype[Symbol.iterator] = URLSearchParams.prototype.entries;
Object.defineProperty(URLSearchParams.prototype, Symbol.toStringTag, { value: 'URLSearchParams', configurable: true });

function fileURLToPath(path) {
  const url = typeof path === 'string' ? new URL(path) : path;
  if (!(url instanceof URL)) throw invalidArgType('path', 'of type string or an instance of URL', path);
  if (url.protocol !== 'file:') {
    const err = new TypeError('The URL must be of scheme file');
    err.code = 'ERR_INVALID_URL_SCHEME';
    throw err;
  }
  if (url.hostname !== '') {
    const err = new TypeError('File URL host must be "localhost" or empty on linux');
    err.code = 'ERR_INVALID_FILE_URL_HOST';
    throw err;
  }
  if (/%2f/i.test(url.pathname)) {
    const err = new TypeError('File URL path must not include encoded / characters');
    err.code = 'ERR_INVALID_FILE_URL_PATH';
    throw err;
  }
  return decodeURIComponent(url.pathname);
}

function pathToFileURL(path) {
  if (typeof path !== 'string') throw invalidArgType('path', 'of type string', path);
  const resolved = require('path').resolve(path) + (path.endsWith('/') && path.length > 1 ? '/' : '');
  const url = new URL('file://');
  url.pathname = resolved.replace(/%/g, '%25').replace(/\\/g, '%5C').replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/\t/g, '%09');
  return url;
}

module.exports = { URL, URLSearchParams, fileURLToPath, pathToFileURL };
