// Node's `assert` module (v20), written for Looplab's runtime; also
// `node:assert`, and `module.exports.strict` is `assert/strict`. Behaviour
// follows Node v20's docs (https://nodejs.org/docs/latest-v20.x/api/assert.html)
// and, where they are silent (message texts, which keys are compared), what
// Node v20.20 does; assert.test.js checks this file against Node's module.
// The engine has no Proxy, Reflect or util.types, so kinds of objects are told
// apart by brand checks: built-in methods that throw on a foreign receiver.
'use strict';

let utilInspect;
function inspect(value, options) {
  if (utilInspect === undefined) utilInspect = require('util').inspect;
  return utilInspect(value, options);
}
// How messages show values (as Node's assertion errors do): fixed options, so
// util.inspect.defaultOptions cannot change them; one property per line, so
// the line-by-line diff lines up; sorted keys; getters' values shown.
const kInspectOptions = {
  compact: false, customInspect: false, depth: 1000, maxArrayLength: Infinity,
  showHidden: false, showProxy: false, sorted: true, getters: true,
};
const inspectValue = (value) => inspect(value, kInspectOptions);

// ---------------------------------------------------------------------------
// Node's coded errors (docs, "Node.js error codes"): a built-in error with an
// enumerable own `code`; String(err) and the stack read "TypeError [ERR_X]: ...".
function codedError(Base, code, message) {
  const err = new Base(message);
  err.code = code;
  Object.defineProperty(err, 'toString', {
    value() { return `${this.name} [${this.code}]: ${this.message}`; }, writable: true, configurable: true,
  });
  const frames = typeof err.stack === 'string' ? err.stack.indexOf('\n    at ') : -1;
  err.stack = `${Base.name} [${code}]: ${message}${frames === -1 ? '' : err.stack.slice(frames)}`;
  return err;
}

// How Node's argument errors describe the value they were given.
function describeReceived(value) {
  if (value === null || value === undefined) return String(value);
  switch (typeof value) {
    case 'bigint': return `type bigint (${value}n)`;
    case 'number': return `type number (${Object.is(value, -0) ? '-0' : value})`;
    case 'function': return `function ${value.name}`;
    case 'object':
      if (value.constructor && 'name' in value.constructor) return `an instance of ${value.constructor.name}`;
      return inspect(value, { depth: -1 });
    case 'string': {
      const text = value.length > 28 ? `${value.slice(0, 25)}...` : value;
      return text.includes("'") ? `type string (${JSON.stringify(text)})` : `type string ('${text}')`;
    }
    default: return `type ${typeof value} (${String(value)})`;
  }
}
const invalidArgType = (name, expected, value) => codedError(TypeError, 'ERR_INVALID_ARG_TYPE',
  `The "${name}" argument must be ${expected}. Received ${describeReceived(value)}`);
const ambiguous = (reason) => codedError(TypeError, 'ERR_AMBIGUOUS_ARGUMENT',
  `The "error/message" argument is ambiguous. ${reason}`);
const kErrorArgTypes = 'of type function or an instance of Error, RegExp, or Object';

// ---------------------------------------------------------------------------
// Kinds of objects. Brand checks still work when Symbol.toStringTag or the
// prototype has been changed, as Node's util.types checks do.
function hasBrand(method, value) {
  try { method.call(value); return true; } catch { return false; }
}
const kNoBrand = () => { throw new TypeError('no such kind'); };
const getter = (proto, key) => (Object.getOwnPropertyDescriptor(proto, key) || {}).get || kNoBrand;
const regExpSource = getter(RegExp.prototype, 'source');
const regExpExec = RegExp.prototype.exec;
const bufferLength = getter(ArrayBuffer.prototype, 'byteLength');
const sharedLength = typeof SharedArrayBuffer === 'function' ? getter(SharedArrayBuffer.prototype, 'byteLength') : kNoBrand;
const objectToString = Object.prototype.toString;
const hasOwn = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);
const isEnumerable = (obj, key) => Object.prototype.propertyIsEnumerable.call(obj, key);

const isObjectLike = (v) => typeof v === 'object' && v !== null;
// RegExp.prototype answers the `source` getter too, but is no RegExp.
const isRegExp = (v) => isObjectLike(v) && v !== RegExp.prototype && hasBrand(regExpSource, v);
const isDate = (v) => isObjectLike(v) && hasBrand(Date.prototype.getTime, v);
const isMap = (v) => isObjectLike(v) && hasBrand(Map.prototype.has, v);
const isSet = (v) => isObjectLike(v) && hasBrand(Set.prototype.has, v);
const isView = (v) => isObjectLike(v) && ArrayBuffer.isView(v);
const isAnyArrayBuffer = (v) => isObjectLike(v) && (hasBrand(bufferLength, v) || hasBrand(sharedLength, v));
// Node's isError: a native error, or anything inheriting from Error.
const isError = (v) => (isObjectLike(v) && objectToString.call(v) === '[object Error]') || v instanceof Error;

// A boxed primitive's value, with its kind so only like kinds compare
// (new Number(1) is not new String('1')); undefined when not boxed.
const kBoxes = [Number, String, Boolean, typeof BigInt === 'function' && BigInt, Symbol].filter(Boolean);
function unbox(value) {
  for (const Type of isObjectLike(value) ? kBoxes : []) {
    try { return { Type, value: Type.prototype.valueOf.call(value) }; } catch {}
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// AssertionError and its messages.
const kHeaders = {
  deepStrictEqual: 'Expected values to be strictly deep-equal:',
  strictEqual: 'Expected values to be strictly equal:',
  strictEqualObject: 'Expected "actual" to be reference-equal to "expected":',
  deepEqual: 'Expected values to be loosely deep-equal:',
  notDeepStrictEqual: 'Expected "actual" not to be strictly deep-equal to:',
  notStrictEqual: 'Expected "actual" to be strictly unequal to:',
  notStrictEqualObject: 'Expected "actual" not to be reference-equal to "expected":',
  notDeepEqual: 'Expected "actual" not to be loosely deep-equal to:',
  notIdentical: 'Values have same structure but are not reference-equal:',
  notDeepEqualUnequal: 'Expected values not to be loosely deep-equal:',
};
// A value is shown with at most ~50 lines; a longer one is cut at line 46.
const clipLines = (lines) => (lines.length > 50 ? [...lines.slice(0, 46), '...'] : lines);

// The message of a failed strictEqual / deepStrictEqual. Node v20 compares
// the two inspected values line by line at equal positions (no LCS), printing
// "+ actual" / "- expected" lines with a little unchanged context around them.
// A user's message (`custom`) replaces the header line, as in Node v20.20.
function diffMessage(actual, expected, operator, custom) {
  if (operator === 'strictEqual' && ((isObjectLike(actual) && isObjectLike(expected)) ||
      (typeof actual === 'function' && typeof expected === 'function'))) operator = 'strictEqualObject';
  const head = custom || kHeaders[operator];
  const full = inspectValue(actual);
  const a = full.split('\n');
  const e = inspectValue(expected).split('\n');
  let pointer = '';
  if (a.length === 1 && e.length === 1 && a[0] !== e[0]) {
    const width = a[0].length + e[0].length;
    if (width <= 12) {
      // Short primitives read "1 !== 2" (but 0 and -0 get the long form).
      if (!isObjectLike(actual) && !isObjectLike(expected) && (actual !== 0 || expected !== 0)) {
        return `${head}\n\n${a[0]} !== ${e[0]}\n`;
      }
    } else if (operator !== 'strictEqualObject') {
      // A caret under the first difference, if both fit on a terminal line.
      const columns = process.stderr && process.stderr.isTTY ? process.stderr.columns : 80;
      let at = 0;
      while (a[0][at] === e[0][at]) at++;
      if (width < columns && at > 2) pointer = `\n  ${' '.repeat(at)}^`;
    }
  }
  // Lines both values end with are shown once, last: the first of them, "..."
  // if lines are left out, and the last three.
  const tail = [];
  while (a.length > 0 && e.length > 0 && a[a.length - 1] === e[e.length - 1]) {
    tail.unshift(a.pop());
    e.pop();
  }
  if (a.length === 0 && e.length === 0) {
    return `${kHeaders.notIdentical}\n\n${clipLines(full.split('\n')).join('\n')}\n`;
  }
  let skipped = tail.length >= 5;
  let end = tail.length >= 4 ? `\n  ${tail[0]}${skipped ? '\n...' : ''}` : '';
  for (const line of tail.slice(-3)) end += `\n  ${line}`;

  let out = '';
  let minus = '';  // "-" lines held back, so a run of changes reads +++--- not +-+-+-
  let same = 0;    // equal lines in a row; the first two are printed at once
  let shown = 0;
  // Before the next change, the rest of a run of equal lines: all of a short
  // run, else "..." and its last two.
  const flushSame = (lines, i) => {
    if (same <= 2) return;
    if (same === 5) { out += `\n  ${lines[i - 3]}`; shown++; }
    if (same > 5) { out += '\n...'; skipped = true; }
    if (same > 3) { out += `\n  ${lines[i - 2]}`; shown++; }
    out += `\n  ${lines[i - 1]}`;
    shown++;
  };
  const rows = Math.max(a.length, e.length);
  const longer = a.length >= e.length ? a : e;
  for (let i = 0; i < rows; i++) {
    if (i >= Math.min(a.length, e.length)) {  // only the longer side has a line here
      flushSame(longer, i);
      same = 0;
      if (longer === a) out += `\n+ ${a[i]}`;
      else minus += `\n- ${e[i]}`;
      shown++;
    } else {
      let line = a[i];
      // Lines that differ only by a trailing comma count as equal.
      let differ = line !== e[i] && !(line.endsWith(',') && line.slice(0, -1) === e[i]);
      if (differ && e[i].endsWith(',') && e[i].slice(0, -1) === line) [differ, line] = [false, `${line},`];
      if (differ) {
        flushSame(a, i);
        same = 0;
        out += `\n+ ${line}`;
        minus += `\n- ${e[i]}`;
        shown += 2;
      } else {
        out += minus;
        minus = '';
        if (++same <= 2) { out += `\n  ${line}`; shown++; }
      }
    }
    if (shown > 50 && i < rows - 2) return `${head}\n+ actual - expected ... Lines skipped\n${out}\n...${minus}\n...`;
  }
  return `${head}\n+ actual - expected${skipped ? ' ... Lines skipped' : ''}\n${out}${minus}${end}${pointer}`;
}

// The generated message for the other operators (==, !=, deepEqual, ...,
// and whatever operator fail() is given).
function plainMessage(actual, expected, operator) {
  if (operator === 'notDeepStrictEqual' || operator === 'notStrictEqual') {
    const reference = operator === 'notStrictEqual' && (isObjectLike(actual) || typeof actual === 'function');
    const head = kHeaders[reference ? 'notStrictEqualObject' : operator];
    const lines = clipLines(inspectValue(actual).split('\n'));
    if (lines.length === 1) return `${head}${lines[0].length > 5 ? '\n\n' : ' '}${lines[0]}`;
    return `${head}\n\n${lines.join('\n')}\n`;
  }
  let left = inspectValue(actual);
  let right = inspectValue(expected);
  if (operator === 'notDeepEqual' && left === right) {
    const text = `${kHeaders.notDeepEqual}\n\n${left}`;
    return text.length > 1024 ? `${text.slice(0, 1021)}...` : text;
  }
  if (left.length > 512) left = `${left.slice(0, 509)}...`;
  if (right.length > 512) right = `${right.slice(0, 509)}...`;
  if (operator === 'deepEqual') return `${kHeaders.deepEqual}\n\n${left}\n\nshould loosely deep-equal\n\n${right}`;
  if (operator === 'notDeepEqual') {
    return `${kHeaders.notDeepEqualUnequal}\n\n${left}\n\nshould not loosely deep-equal\n\n${right}`;
  }
  return `${left} ${operator} ${right}`;
}

// Errors are shown without their stacks (which would drown the diff): same
// prototype and enumerable properties, `message` as a hidden own property.
function withoutStack(error) {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(error)), error);
  Object.defineProperty(copy, 'message', { value: error.message });
  return copy;
}

class AssertionError extends Error {
  constructor(options) {
    if (!isObjectLike(options) || Array.isArray(options)) throw invalidArgType('options', 'of type object', options);
    const { message, operator, stackStartFn, stackStartFunction } = options;
    let { actual, expected } = options;
    const diffs = operator === 'deepStrictEqual' || operator === 'strictEqual';
    let text;
    if (message != null) {
      text = diffs ? diffMessage(actual, expected, operator, message) : String(message);
    } else {
      if (isObjectLike(actual) && isObjectLike(expected) && 'stack' in actual && actual instanceof Error &&
          'stack' in expected && expected instanceof Error) {
        [actual, expected] = [withoutStack(actual), withoutStack(expected)];  // kept as err.actual/expected too
      }
      text = diffs ? diffMessage(actual, expected, operator) : plainMessage(actual, expected, operator);
    }
    super(text);
    this.generatedMessage = !message;
    // Own and hidden, as in Node; the long form is in place while the stack is
    // made, so it reads "AssertionError [ERR_ASSERTION]: ...".
    Object.defineProperty(this, 'name', { value: 'AssertionError [ERR_ASSERTION]', writable: true, configurable: true });
    this.code = 'ERR_ASSERTION';
    this.actual = actual;
    this.expected = expected;
    this.operator = operator;
    // The stack starts at the user's call of the assertion (V8 formats it
    // lazily, hence the read before the name is reset).
    if (typeof Error.captureStackTrace === 'function') {
      Error.captureStackTrace(this, stackStartFn || stackStartFunction || AssertionError);
    }
    void this.stack;
    this.name = 'AssertionError';
  }

  toString() {
    return `${this.name} [${this.code}]: ${this.message}`;
  }
}

// ---------------------------------------------------------------------------
// Deep equality (docs: "Comparison details" of deepEqual and deepStrictEqual).
// `strict` picks deepStrictEqual's rules: Object.is for primitives, equal
// prototypes, enumerable symbol keys. `active` maps each object being compared
// further up to its partners: meeting such a pair again (a cycle) counts as
// equal, the rest of the comparison decides.
function equivalent(a, b, strict, active) {
  if (a === b) return a !== 0 || !strict || Object.is(a, b);
  if (strict) {
    if (typeof a === 'number') return Number.isNaN(a) && Number.isNaN(b);
    if (!isObjectLike(a) || !isObjectLike(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  } else if (!isObjectLike(a) || !isObjectLike(b)) {
    // eslint-disable-next-line eqeqeq
    return !isObjectLike(a) && !isObjectLike(b) && (a == b || (Number.isNaN(a) && Number.isNaN(b)));
  }
  const tag = objectToString.call(a);
  if (tag !== objectToString.call(b)) return false;

  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    const keys = extraKeys(a, strict);
    return keys.length === extraKeys(b, strict).length && compareKeys(a, b, strict, active, keys, sameElements);
  }
  if (tag === '[object Object]') return compareKeys(a, b, strict, active);
  if (isDate(a)) {
    if (!isDate(b) || a.getTime() !== b.getTime()) return false;
  } else if (isRegExp(a)) {
    if (!isRegExp(b) || a.source !== b.source || a.flags !== b.flags || a.lastIndex !== b.lastIndex) return false;
  } else if (isView(a)) {
    if (!isView(b) || !sameBytes(a, b, !strict && /Float(32|64)/.test(tag))) return false;
    const keys = extraKeys(a, strict);
    return keys.length === extraKeys(b, strict).length && compareKeys(a, b, strict, active, keys);
  } else if (isSet(a)) {
    return isSet(b) && a.size === b.size && compareKeys(a, b, strict, active, undefined, sameSetValues);
  } else if (isMap(a)) {
    return isMap(b) && a.size === b.size && compareKeys(a, b, strict, active, undefined, sameMapEntries);
  } else if (isAnyArrayBuffer(a)) {
    if (!isAnyArrayBuffer(b) || !sameBytes(new Uint8Array(a), new Uint8Array(b), false)) return false;
  } else if (isError(a)) {
    if (!isError(b)) return false;
    // These are usually own but hidden, so compared here; when enumerable,
    // with the other keys below.
    for (const key of ['message', 'name', 'cause', 'errors']) {
      const shown = isEnumerable(a, key);
      if (shown !== isEnumerable(b, key)) return false;
      if (!shown && (key === 'message' || key === 'name' ? a[key] !== b[key] : !equivalent(a[key], b[key], strict, active))) {
        return false;
      }
    }
  } else if (unbox(a) !== undefined) {
    const [x, y] = [unbox(a), unbox(b)];
    if (y === undefined || x.Type !== y.Type || !Object.is(x.value, y.value)) return false;
  } else if (Array.isArray(b) || isView(b) || isSet(b) || isMap(b) || isDate(b) || isRegExp(b) ||
             isAnyArrayBuffer(b) || unbox(b) !== undefined || isError(b)) {
    return false;
  } else if (tag === '[object URL]' && typeof a.href === 'string' && a.href !== b.href) {
    return false;  // URLs keep their state in private fields
  }
  return compareKeys(a, b, strict, active);
}

// Own enumerable keys of an array or typed array that are not indices (with
// enumerable symbols for strict). Index keys come first in key order, so the
// others are found from the end without looking at every element's key.
function extraKeys(obj, strict) {
  const all = Object.keys(obj);
  const isIndex = (key) => /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 4294967295;
  let first = all.length;
  while (first > 0 && !isIndex(all[first - 1])) first--;
  const keys = all.slice(first);
  if (strict) for (const sym of Object.getOwnPropertySymbols(obj)) if (isEnumerable(obj, sym)) keys.push(sym);
  return keys;
}

// Typed arrays and DataViews: same contents, byte by byte; loose mode
// compares float elements by value instead (so 0 equals -0).
function sameBytes(a, b, byValue) {
  if (a.byteLength !== b.byteLength) return false;
  if (!byValue) {
    a = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    b = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// The same own enumerable keys with equivalent values (string keys, and for
// strict the enumerable symbols), then `more` (elements, set values, map
// entries). Arrays and typed arrays pass their non-index `keys`, already counted.
function compareKeys(a, b, strict, active, keys, more) {
  const counted = keys !== undefined;
  if (!counted) keys = Object.keys(a);
  for (const key of keys) if (!isEnumerable(b, key)) return false;
  if (!counted) {
    if (keys.length !== Object.keys(b).length) return false;
    if (strict) {
      const [all, allB] = [Object.getOwnPropertySymbols(a), Object.getOwnPropertySymbols(b)];
      for (const sym of all) if (isEnumerable(a, sym) !== isEnumerable(b, sym)) return false;
      const symbols = all.filter((sym) => isEnumerable(a, sym));
      // As Node v20 does, b's other enumerable symbols count only when the
      // two have different numbers of symbols in all.
      if (all.length !== allB.length && allB.filter((sym) => isEnumerable(b, sym)).length !== symbols.length) return false;
      keys.push(...symbols);
    }
  }
  if (keys.length === 0 && (more === undefined || (more === sameElements ? a.length === 0 : a.size === 0))) return true;

  if (active === undefined) active = new Map();
  let partners = active.get(a);
  if (partners !== undefined && partners.has(b)) return true;
  if (partners === undefined) active.set(a, partners = new Set());
  partners.add(b);
  try {
    for (const key of keys) if (!equivalent(a[key], b[key], strict, active)) return false;
    return more === undefined || more(a, b, strict, active);
  } finally {
    partners.delete(b);
    if (partners.size === 0) active.delete(a);
  }
}

// Elements in order; a hole only equals a hole.
function sameElements(a, b, strict, active) {
  for (let i = 0; i < a.length; i++) {
    if (hasOwn(a, i) ? !hasOwn(b, i) || !equivalent(a[i], b[i], strict, active) : hasOwn(b, i)) return false;
  }
  return true;
}

// Loose mode: whether primitive `value`, missing from set/map `b`, may still
// loosely equal another primitive there (1 == '1'). undefined and null have
// just one partner each: each other.
function mayHaveLoosePartner(value, a, b) {
  if (value == null) {
    const other = value === undefined ? null : undefined;
    return b.has(other) && !a.has(other);
  }
  if (typeof value === 'symbol') return false;
  return (typeof value !== 'string' && typeof value !== 'number') || !Number.isNaN(+value);
}

// Removes from `pool` the first value `matches` accepts; false if none.
function takeMatch(pool, matches) {
  for (const candidate of pool) if (matches(candidate)) return pool.delete(candidate);
  return false;
}

// Values found as they are in both sets need no work; the rest (objects, or
// loosely equal primitives) are paired off one by one.
function sameSetValues(a, b, strict, active) {
  let rest = null;
  for (const value of a) {
    if (b.has(value)) continue;
    if (!isObjectLike(value) && (strict || !mayHaveLoosePartner(value, a, b))) return false;
    if (rest === null && b.size === 1) return equivalent(value, b.values().next().value, strict, active);
    (rest || (rest = new Set())).add(value);
  }
  if (rest === null) return true;
  for (const value of b) {
    if (a.has(value) || (strict && !isObjectLike(value))) continue;
    if (!takeMatch(rest, (candidate) => equivalent(candidate, value, strict, active))) return false;
  }
  return rest.size === 0;
}

// Map entries: primitive keys are looked up directly; object keys (and, in
// loose mode, keys without an equal entry under the same key) are paired off.
function sameMapEntries(a, b, strict, active) {
  let rest = null;
  for (const [key, value] of a) {
    if (isObjectLike(key)) {
      if (rest === null && b.size === 1) {
        const [otherKey, otherValue] = b.entries().next().value;
        return equivalent(key, otherKey, strict, active) && equivalent(value, otherValue, strict, active);
      }
    } else {
      const other = b.get(key);
      if ((other !== undefined || b.has(key)) && equivalent(value, other, strict, active)) continue;
      if (strict) return false;
      if (key == null) {
        const alt = key === undefined ? null : undefined;
        if (!b.has(alt) || a.has(alt) || !equivalent(value, b.get(alt), false, active)) return false;
      } else if (!mayHaveLoosePartner(key, a, b)) {
        return false;
      }
    }
    (rest || (rest = new Set())).add(key);
  }
  if (rest === null) return true;
  for (const [key, value] of b) {
    if (!isObjectLike(key) && (strict || (a.has(key) && equivalent(a.get(key), value, strict, active)))) continue;
    const found = takeMatch(rest, (candidate) =>
      equivalent(candidate, key, strict, active) && equivalent(a.get(candidate), value, strict, active));
    if (!found) return false;
  }
  return rest.size === 0;
}

const isDeepEqual = (a, b) => equivalent(a, b, false);
const isDeepStrictEqual = (a, b) => equivalent(a, b, true);

// ---------------------------------------------------------------------------
// assert(value) with no message shows the call's source text, as Node does:
// "The expression evaluated to a falsy value:\n\n  assert(x === 1)\n". The
// call site comes from the stack, the text from its file; when either is
// missing, the message is Node's other form, "false == true".
const sourceCache = new Map();

function sourceMessage(fn) {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 20;  // enough to get past this file's own frames
  const stack = new Error().stack;
  Error.stackTraceLimit = limit;
  for (const frame of typeof stack === 'string' ? stack.split('\n').slice(1) : []) {
    // This file's frames are skipped (Looplab shows none of its modules'); no
    // text for code without a file or in Node's own modules.
    const site = /^\s*at (?:.*\()?(.+?):(\d+):(\d+)\)?$/.exec(frame);
    if (site !== null && site[1] === __filename) continue;
    if (site === null || site[1].startsWith('node:')) return undefined;
    const id = site.slice(1).join(':');
    if (!sourceCache.has(id)) sourceCache.set(id, callText(site[1], Number(site[2]), Number(site[3]) - 1, fn.name));
    return sourceCache.get(id);
  }
  return undefined;
}

// Node reads the file. Looplab's virtual disk knows sizes, not texts (and a
// read would cost simulated time), so there the runtime's optional `%assert`
// binding is asked: sourceText(path) gives a scenario file's text.
function callText(file, line, column, fnName) {
  let text;
  try {
    text = String(__filename.startsWith('node:') ? require('%assert').sourceText(file) :
      require('fs').readFileSync(file.startsWith('file://') ? file.slice(7) : file, 'utf8'));
  } catch {
    return undefined;
  }
  let start = 0;
  for (let i = 1; i < line && start !== -1; i++) start = text.indexOf('\n', start) + 1 || -1;
  const call = start === -1 ? null : findCall(text = text.slice(start), column, ['assert', 'ok', 'strict', fnName]);
  if (call === null) return undefined;
  // Control characters other than tabs and line breaks are shown escaped;
  // continuation lines lose the indentation of the call's first line.
  const code = text.slice(call.start, call.end).replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, (ch) =>
    ({ '\b': '\\b', '\f': '\\f' })[ch] || `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .split('\n').map((rest, i) => (i === 0 ? rest : rest.replace(/^[ \t]*/, (lead) => lead.slice(call.start))));
  return `The expression evaluated to a falsy value:\n\n  ${code.join('\n  ')}\n`;
}

// The call around `offset` on the first line of `text`: a callee such as
// `assert`, `assert.ok` or `t.assert.strict`, then its arguments. V8 points at
// the callee's last name, Looplab at the call's start (or, when its arguments
// make calls, at the last of those); so of the calls enclosing the position,
// the innermost whose callee ends in one of `names` is taken, else the innermost.
function findCall(text, offset, names) {
  let fallback = null;
  const lineEnd = text.indexOf('\n') === -1 ? text.length : text.indexOf('\n');
  for (let start = Math.min(offset, lineEnd - 1); start >= 0; start--) {
    if (/[\w$.]/.test(text[start - 1] || ' ')) continue;
    const callee = /^[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*\s*\(/.exec(text.slice(start, start + 200));
    const end = callee === null ? -1 : closingParen(text, start + callee[0].length - 1);
    if (end <= offset) continue;
    if (names.includes(/([\w$]+)\s*\($/.exec(callee[0])[1])) return { start, end };
    fallback = fallback || { start, end };
  }
  return fallback;
}

// Index just past the bracket closing the one at `open` (-1 if the text ends
// first), skipping comments, strings, template literals (whole: a substitution
// holding a backtick is not understood) and regular expression literals (a
// `/` after an operator or an opening bracket starts one).
const kToken = /\/\/.*|\/\*[\s\S]*?\*\/|'(?:\\.|[^\\'\n])*'|"(?:\\.|[^\\"\n])*"|`(?:\\[\s\S]|[^\\`])*`|\/(?:\\.|\[(?:\\.|[^\\\]\n])*\]|[^\\/[\n])+\/[a-z]*|\s+|[\s\S]/y;
function closingParen(text, open) {
  const stack = [];
  let last = '(';
  for (let i = open; i < text.length;) {
    let token = '/';  // a division
    if (text[i] !== '/' || /[/*]/.test(text[i + 1]) || /[-(,=:[!&|?{};+*%<>~^]/.test(last)) {
      kToken.lastIndex = i;
      token = kToken.exec(text)[0];
    }
    i += token.length;
    if ('([{'.includes(token)) stack.push(token);
    if (')]}'.includes(token)) {
      if (stack.pop() !== '([{'[')]}'.indexOf(token)]) return -1;
      if (stack.length === 0) return i;
    }
    if (!/^(\s|\/\/|\/\*)/.test(token)) last = token[token.length - 1];
  }
  return -1;
}

// ---------------------------------------------------------------------------
// The assertions. Each passes itself as stackStartFn, so the stack starts at
// the user's call, and its name is the error's `operator`.
function innerFail(details) {
  if (details.message instanceof Error) throw details.message;
  throw new AssertionError(details);
}

function innerOk(fn, argc, value, message) {
  if (value) return;
  const generated = argc === 0 || message == null;
  if (argc === 0) message = 'No value argument passed to `assert.ok()`';
  else if (message == null) message = sourceMessage(fn);
  else if (isError(message)) throw message;
  const err = new AssertionError({ actual: value, expected: true, message, operator: '==', stackStartFn: fn });
  err.generatedMessage = generated;
  throw err;
}

const assert = module.exports = function ok(...args) { innerOk(ok, args.length, ...args); };

let failWarned = false;
assert.fail = function fail(actual, expected, message, operator, stackStartFn) {
  const argc = arguments.length;
  let internal = false;
  if (actual == null && argc <= 1) {
    [internal, message] = [true, 'Failed'];
  } else if (argc === 1) {
    [message, actual] = [actual, undefined];
  } else {
    // The old form (actual, expected, message, operator) is deprecated: DEP0094.
    if (!failWarned && typeof process.emitWarning === 'function') {
      failWarned = true;
      process.emitWarning('assert.fail() with more than one argument is deprecated. ' +
        'Please use assert.strictEqual() instead or only pass a message.', 'DeprecationWarning', 'DEP0094');
    }
    if (argc === 2) operator = '!=';
  }
  if (message instanceof Error) throw message;
  const err = new AssertionError({
    actual, expected, message, operator: operator === undefined ? 'fail' : operator, stackStartFn: stackStartFn || fail,
  });
  if (internal) err.generatedMessage = true;
  throw err;
};
assert.AssertionError = AssertionError;
assert.ok = assert;

// The comparisons: both values required, a test, and the operator a failure
// reports (the function's name, but "==" and "!=" for equal and notEqual).
const kMissingArgs = 'The "actual" and "expected" arguments must be specified';
function comparison(name, operator, passes) {
  const fn = {
    [name](actual, expected, message) {
      if (arguments.length < 2) throw codedError(TypeError, 'ERR_MISSING_ARGS', kMissingArgs);
      if (!passes(actual, expected)) innerFail({ actual, expected, message, operator, stackStartFn: fn });
    },
  }[name];
  return fn;
}
// eslint-disable-next-line eqeqeq
const looseEqual = (a, b) => a == b || (Number.isNaN(a) && Number.isNaN(b));
assert.equal = comparison('equal', '==', looseEqual);
assert.notEqual = comparison('notEqual', '!=', (a, b) => !looseEqual(a, b));
assert.deepEqual = comparison('deepEqual', 'deepEqual', isDeepEqual);
assert.notDeepEqual = comparison('notDeepEqual', 'notDeepEqual', (a, b) => !isDeepEqual(a, b));
assert.deepStrictEqual = comparison('deepStrictEqual', 'deepStrictEqual', isDeepStrictEqual);
assert.notDeepStrictEqual = comparison('notDeepStrictEqual', 'notDeepStrictEqual', (a, b) => !isDeepStrictEqual(a, b));
assert.strictEqual = comparison('strictEqual', 'strictEqual', Object.is);
assert.notStrictEqual = comparison('notStrictEqual', 'notStrictEqual', (a, b) => !Object.is(a, b));

// --- throws / rejects / doesNotThrow / doesNotReject
const NO_EXCEPTION = Symbol('no exception');

// Stand-ins for a failed validation object and the error: only the keys
// compared, so the diff shows just those ("Comparison { ... }").
class Comparison {
  constructor(obj, keys, actual) {
    for (const key of keys) {
      if (!(key in obj)) continue;
      const matched = actual !== undefined && typeof actual[key] === 'string' && isRegExp(obj[key]) &&
        regExpExec.call(obj[key], actual[key]) !== null;
      this[key] = matched ? actual[key] : obj[key];
    }
  }
}

function checkThrown(actual, expected, message, fn) {
  let generated = !message;
  if (typeof expected !== 'function') {
    if (isRegExp(expected)) {
      const text = String(actual);
      if (regExpExec.call(expected, text) !== null) return;
      message = message || `The input did not match the regular expression ${inspect(expected)}. Input:\n\n${inspect(text)}\n`;
    } else if (!isObjectLike(actual)) {
      // A thrown primitive cannot have the expected properties.
      const err = new AssertionError({ actual, expected, message, operator: 'deepStrictEqual', stackStartFn: fn });
      err.operator = fn.name;
      throw err;
    } else {
      // A validation object: each key must match (an Error's name and message
      // too); a RegExp may match a string property.
      const keys = Object.keys(expected);
      if (expected instanceof Error) {
        keys.push('name', 'message');
      } else if (keys.length === 0) {
        let shown = inspect(expected);
        if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
        throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', `The argument 'error' may not be an empty object. Received ${shown}`);
      }
      for (const key of keys) {
        if (typeof actual[key] === 'string' && isRegExp(expected[key]) &&
            regExpExec.call(expected[key], actual[key]) !== null) continue;
        if (key in actual && isDeepStrictEqual(actual[key], expected[key])) continue;
        if (message) innerFail({ actual, expected, message, operator: fn.name, stackStartFn: fn });
        const err = new AssertionError({
          actual: new Comparison(actual, keys), expected: new Comparison(expected, keys, actual),
          operator: 'deepStrictEqual', stackStartFn: fn,
        });
        [err.actual, err.expected, err.operator] = [actual, expected, fn.name];
        throw err;
      }
      return;
    }
  } else if (expected.prototype !== undefined && actual instanceof expected) {
    return;
  } else if (Object.prototype.isPrototypeOf.call(Error, expected)) {
    // An Error subclass the thrown value is no instance of.
    if (!message) {
      message = `The error is expected to be an instance of "${expected.name}". Received `;
      if (isError(actual)) {
        const name = (actual.constructor && actual.constructor.name) || actual.name;
        message += expected.name === name ? 'an error with identical name but a different prototype.' : `"${name}"`;
        if (actual.message) message += `\n\nError message:\n\n${actual.message}`;
      } else {
        message += `"${inspect(actual, { depth: -1 })}"`;
      }
    }
  } else {
    // Any other function validates: it must return true.
    const result = expected.call({}, actual);
    if (result === true) return;
    if (!message) {
      const name = expected.name ? `"${expected.name}" ` : '';
      message = `The ${name}validation function is expected to return "true". Received ${inspect(result)}`;
      if (isError(actual)) message += `\n\nCaught error:\n\n${actual}`;
    }
  }
  const err = new AssertionError({ actual, expected, message, operator: fn.name, stackStartFn: fn });
  err.generatedMessage = generated;
  throw err;
}

function expectThrown(fn, actual, error, message) {
  if (typeof error === 'string') {
    if (arguments.length === 4) throw invalidArgType('error', kErrorArgTypes, error);
    // A string is the message; a thrown value equal to it suggests the caller
    // meant it as the expected error.
    if (isObjectLike(actual) && actual.message === error) {
      throw ambiguous(`The error message "${actual.message}" is identical to the message.`);
    }
    if (!isObjectLike(actual) && actual === error) throw ambiguous(`The error "${actual}" is identical to the message.`);
    [message, error] = [error, undefined];
  } else if (error != null && typeof error !== 'object' && typeof error !== 'function') {
    throw invalidArgType('error', kErrorArgTypes, error);
  }
  if (actual === NO_EXCEPTION) {
    const details = `${error && error.name ? ` (${error.name})` : ''}${message ? `: ${message}` : '.'}`;
    const message2 = `Missing expected ${fn === assert.rejects ? 'rejection' : 'exception'}${details}`;
    innerFail({ actual: undefined, expected: error, operator: fn.name, message: message2, stackStartFn: fn });
  }
  if (error) checkThrown(actual, error, message, fn);
}

function expectNotThrown(fn, actual, error, message) {
  if (actual === NO_EXCEPTION) return;
  if (typeof error === 'string') [message, error] = [error, undefined];
  // Only an error of the kind named is reported; any other is rethrown.
  if (error) {
    let matches;
    if (typeof error !== 'function') {
      if (!isRegExp(error)) throw invalidArgType('expected', 'of type function or an instance of RegExp', error);
      matches = regExpExec.call(error, String(actual)) !== null;
    } else {
      matches = (error.prototype !== undefined && actual instanceof error) ||
        (!Object.prototype.isPrototypeOf.call(Error, error) && error.call({}, actual) === true);
    }
    if (!matches) throw actual;
  }
  const what = fn === assert.doesNotReject ? 'rejection' : 'exception';
  innerFail({
    actual, expected: error, operator: fn.name, stackStartFn: fn,
    message: `Got unwanted ${what}${message ? `: ${message}` : '.'}\nActual message: "${actual && actual.message}"`,
  });
}

function runCatching(fn) {
  if (typeof fn !== 'function') throw invalidArgType('fn', 'of type function', fn);
  try { fn(); } catch (e) { return e; }
  return NO_EXCEPTION;
}

// A promise, or promise-like enough: `then` and `catch` methods.
const isPromiseLike = (v) => v instanceof Promise ||
  (isObjectLike(v) && typeof v.then === 'function' && typeof v.catch === 'function');

async function settle(promiseFn) {
  let promise = promiseFn;
  if (typeof promiseFn === 'function') {
    promise = promiseFn();  // a synchronous throw rejects the caller's promise
    if (!isPromiseLike(promise)) {
      throw codedError(TypeError, 'ERR_INVALID_RETURN_VALUE', 'Expected instance of Promise to be returned from ' +
        `the "promiseFn" function but got ${describeReceived(promise)}.`);
    }
  } else if (!isPromiseLike(promiseFn)) {
    throw invalidArgType('promiseFn', 'of type function or an instance of Promise', promiseFn);
  }
  try { await promise; } catch (e) { return e; }
  return NO_EXCEPTION;
}

assert.throws = function throws(fn, ...args) { expectThrown(throws, runCatching(fn), ...args); };
assert.rejects = async function rejects(promiseFn, ...args) {
  expectThrown(rejects, await settle(promiseFn), ...args);
};
assert.doesNotThrow = function doesNotThrow(fn, ...args) { expectNotThrown(doesNotThrow, runCatching(fn), ...args); };
assert.doesNotReject = async function doesNotReject(promiseFn, ...args) {
  expectNotThrown(doesNotReject, await settle(promiseFn), ...args);
};

assert.ifError = function ifError(err) {
  if (err === null || err === undefined) return;
  let message = 'ifError got unwanted exception: ';
  if (typeof err === 'object' && typeof err.message === 'string') {
    message += err.message.length === 0 && err.constructor ? err.constructor.name : err.message;
  } else {
    message += inspect(err);
  }
  const failure = new AssertionError({ actual: err, expected: null, operator: 'ifError', message, stackStartFn: ifError });
  // The stack: the new frames down to where they meet the original error's,
  // then the original's, so both places show.
  const original = err.stack;
  const at = typeof original === 'string' ? original.indexOf('\n    at') : -1;
  if (at !== -1 && typeof failure.stack === 'string') {
    const oldFrames = original.slice(at + 1).split('\n');
    let newFrames = failure.stack.split('\n');
    const meet = oldFrames.map((frame) => newFrames.indexOf(frame)).find((pos) => pos !== -1);
    if (meet !== undefined) newFrames = newFrames.slice(0, meet);
    failure.stack = `${newFrames.join('\n')}\n${oldFrames.join('\n')}`;
  }
  throw failure;
};

function matchTest(string, regexp, message, fn, wanted) {
  if (!isRegExp(regexp)) throw invalidArgType('regexp', 'an instance of RegExp', regexp);
  if (typeof string === 'string' && (regExpExec.call(regexp, string) !== null) === wanted) return;
  if (message instanceof Error) throw message;
  const generated = !message;
  if (!message) {
    message = typeof string !== 'string' ?
      `The "string" argument must be of type string. Received type ${typeof string} (${inspect(string)})` :
      `The input ${wanted ? 'did not match' : 'was expected to not match'} the regular expression ` +
        `${inspect(regexp)}. Input:\n\n${inspect(string)}\n`;
  }
  const err = new AssertionError({ actual: string, expected: regexp, message, operator: fn.name, stackStartFn: fn });
  err.generatedMessage = generated;
  throw err;
}
assert.match = function match(string, regexp, message) { matchTest(string, regexp, message, match, true); };
assert.doesNotMatch = function doesNotMatch(string, regexp, message) {
  matchTest(string, regexp, message, doesNotMatch, false);
};

// assert.strict: the same functions, the strict comparisons under the loose
// names (docs: "Strict assertion mode").
function strict(...args) { innerOk(strict, args.length, ...args); }
assert.strict = Object.assign(strict, assert, {
  equal: assert.strictEqual, deepEqual: assert.deepStrictEqual,
  notEqual: assert.notStrictEqual, notDeepEqual: assert.notDeepStrictEqual,
});
assert.strict.strict = assert.strict;
