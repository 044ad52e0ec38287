'use strict';
// A stand-in for Node's test/common, written from the behaviour documented in
// Node's test/common/README.md ("Common Module API"): what the vendored
// test/parallel tests use.

// Some tests replace the process global (test-timer-immediate.js does
// `global.process = {}`), so keep our own reference to the real one.
const process = globalThis.process;
const assert = require('assert');
const { inspect } = require('util');
const { isMainThread } = require('worker_threads');  // tests run in Workers too

// Looplab simulates Node v20 on Linux: its crypto exists, Node v20 bundles
// OpenSSL 3, and Looplab has no Intl. (Node computes these from process.*.)
const hasCrypto = true;
const hasOpenSSL3 = true;
const hasFipsCrypto = false;  // Node's default build is not in FIPS mode
const hasIntl = false;
const isWindows = false;
const isLinux = true;

// Set by our first 'exit' listener (added below, before any test's own): a
// mustCall made while exiting could never be checked, so it is refused.
let exiting = false;

// Where the caller of a common helper is: the first frame outside this file.
function callSite() {
  const stack = String(new Error().stack).split('\n').slice(1);
  const line = stack.find((l) => !l.includes(__filename));
  return line ? line.trim().replace(/^at /, '') : '<unknown>';
}
const noop = () => {};

// --- mustCall family (README: mustCall, mustCallAtLeast, mustSucceed) ------

const callChecks = [];  // one record per mustCall*/expectsError function

function runCallChecks(code) {
  // A failing exit code already fails the test; Node's common also checks
  // nothing then (test-process-beforeexit-throw-exit.js relies on that).
  if (code !== undefined && code !== 0) return;
  const failed = callChecks.filter((c) => ('minimum' in c ?
    c.actual < c.minimum : c.actual !== c.exact));
  if (failed.length === 0) return;
  const message = failed.map((c) => `Mismatched ${c.name} function calls. Expected ` +
    `${'minimum' in c ? 'at least ' + c.minimum : 'exactly ' + c.exact}, actual ` +
    `${c.actual}.\n    at ${c.site}`).join('\n');
  console.error(message);
  // Fail loudly: exit code 1, and throw so that no later 'exit' listener of
  // the test can reset process.exitCode (Node exits 1 on a throw here).
  process.exitCode = 1;
  throw new assert.AssertionError({ message });
}

function makeChecked(fn, criteria, field) {
  if (exiting)
    throw new Error('Cannot use common.mustCall*() in process exit handler');
  if (typeof fn === 'number') [criteria, fn] = [fn, noop];  // mustCall(2)
  if (fn === undefined) fn = noop;  // README: "If fn is not provided, an empty function"
  if (criteria === undefined) criteria = 1;
  if (typeof criteria !== 'number')
    throw new TypeError(`Invalid ${field} value: ${criteria}`);

  const record = { actual: 0, name: fn.name || '<anonymous>', site: callSite() };
  record[field] = criteria;
  // One listener for all checks; it is added when the first check is made,
  // as Node does, so it runs before 'exit' listeners the test adds later.
  if (callChecks.length === 0) process.on('exit', runCallChecks);
  callChecks.push(record);

  const wrapper = function() {
    record.actual++;
    return fn.apply(this, arguments);
  };
  // Keep name and length: some code inspects the listener it was given.
  Object.defineProperty(wrapper, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: fn.length, configurable: true });
  return wrapper;
}

const mustCall = (fn, exact) => makeChecked(fn, exact, 'exact');
const mustCallAtLeast = (fn, minimum) => makeChecked(fn, minimum, 'minimum');

// README: a callback (err, ...args); err must be null/undefined.
function mustSucceed(fn, exact) {
  return mustCall(function(err, ...args) {
    assert.ifError(err);
    if (typeof fn === 'function') return fn.apply(this, args);
  }, exact);
}

// README: "Returns a function that triggers an AssertionError if it is invoked".
function mustNotCall(msg) {
  const site = callSite();
  return function mustNotCall(...args) {
    const got = args.length === 0 ? '' :
      `\ncalled with arguments: ${args.map((a) => inspect(a)).join(', ')}`;
    assert.fail(`${msg || 'function should not have been called'} at ${site}${got}`);
  };
}

// README: the error is validated like `assert.throws(() => { throw error; },
// validator)`, and the callback must be called `exact` times (default 1).
function expectsError(validator, exact) {
  return mustCall((...args) => {
    if (args.length !== 1) assert.fail(`Expected one argument, got ${inspect(args)}`);
    const error = args[0];
    // Node's errors keep `message` as an own, non-enumerable property.
    const desc = Object.getOwnPropertyDescriptor(error, 'message');
    assert.ok(desc && desc.enumerable === false,
              'the error message should be an own non-enumerable property');
    assert.throws(() => { throw error; }, validator);
    return true;
  }, exact);
}

// --- warnings (README: expectWarning(name[, expected[, code]])) -------------

let expectedWarnings;  // name -> mustCall'd checker, set on first use

// Normalise the README's forms into a list of [message, code] pairs.
function warningList(name, expected, code) {
  let list;
  if (typeof expected === 'string') list = [[expected, code]];
  else if (!Array.isArray(expected)) list = Object.keys(expected).map((k) => [expected[k], k]);
  else if (!Array.isArray(expected[0])) list = [[expected[0], expected[1]]];
  else list = expected.slice();
  // README: "The code is required in case the name is set to 'DeprecationWarning'".
  if (name === 'DeprecationWarning') list.forEach(([, c]) => assert(c, 'missing code'));
  return mustCall((warning) => {
    const next = list.shift();
    if (!next) assert.fail(`Unexpected extra warning received: ${warning}`);
    assert.strictEqual(warning.name, name);
    if (typeof next[0] === 'string') assert.strictEqual(warning.message, next[0]);
    else assert.match(warning.message, next[0]);
    assert.strictEqual(warning.code, next[1]);
  }, list.length);
}

function expectWarning(nameOrMap, expected, code) {
  if (expectedWarnings === undefined) {
    expectedWarnings = {};
    // Node's process.emitWarning emits 'warning' on process (docs:
    // process, "Event: 'warning'"); an unexpected warning fails the test.
    process.on('warning', (warning) => {
      const check = expectedWarnings[warning.name];
      if (!check)
        throw new TypeError(`"${warning.name}" was triggered without being expected.\n` +
                            inspect(warning));
      check(warning);
    });
  }
  if (typeof nameOrMap === 'string') {
    expectedWarnings[nameOrMap] = warningList(nameOrMap, expected, code);
  } else {
    for (const name of Object.keys(nameOrMap))
      expectedWarnings[name] = warningList(name, nameOrMap[name]);
  }
}

// --- leaked globals (README: allowGlobals; env NODE_TEST_KNOWN_GLOBALS) -----
// Node fails a test that leaves new enumerable globals behind. We compare with
// the globals there when common was loaded, so the check does not depend on
// which globals a runtime has; comparing descriptors runs no global getter.
const globalsAtLoad = new Map();
for (const key of Object.keys(globalThis))
  globalsAtLoad.set(key, Object.getOwnPropertyDescriptor(globalThis, key));
const knownFromEnv = process.env.NODE_TEST_KNOWN_GLOBALS;  // '0' turns it off
let allowed = knownFromEnv ? knownFromEnv.split(',') : [];  // values or names

function allowGlobals(...allowlist) {
  allowed = allowed.concat(allowlist);
  return allowed;
}

process.on('exit', () => {
  exiting = true;
  if (knownFromEnv === '0') return;
  const leaked = Object.keys(globalThis).filter((key) => {
    const now = Object.getOwnPropertyDescriptor(globalThis, key);
    const before = globalsAtLoad.get(key);
    if (before && now.get === before.get && now.value === before.value) return false;
    return !allowed.includes(globalThis[key]) && !allowed.includes(key);
  });
  if (leaked.length > 0) {
    process.exitCode = 1;
    assert.fail(`Unexpected global(s) found: ${leaked.join(', ')}`);
  }
});

// --- small helpers -----------------------------------------------------------

// README: scales a timeout for slow builds/hosts; none apply here.
const platformTimeout = (ms) => ms;

// README: "Logs '1..0 # Skipped: ' + msg"; skip() then "exits with exit code 0".
const printSkipMessage = (msg) => console.log(`1..0 # Skipped: ${msg}`);
function skip(msg) {
  printSkipMessage(msg);
  process.exit(0);
}
function skipIfWorker() {
  if (!isMainThread) skip('This test only works on a main thread');
}

// The " Received ..." tail (leading space included) of Node's
// ERR_INVALID_ARG_TYPE messages, as Node v20.20 words it (lib/internal/errors.js,
// determineSpecificType); check.sh compares it with Node's real messages.
function invalidArgTypeHelper(input) {
  if (input == null) return ` Received ${input}`;
  if (typeof input === 'function') return ` Received function ${input.name}`;  // even ''
  if (typeof input === 'object') {
    if (input.constructor && 'name' in input.constructor)
      return ` Received an instance of ${input.constructor.name}`;
    return ` Received ${inspect(input, { depth: -1 })}`;
  }
  if (typeof input === 'string') {  // cut to 25 + '...'; quoted as JSON if it has a '
    const s = input.length > 28 ? `${input.slice(0, 25)}...` : input;
    return ` Received type string (${s.includes("'") ? JSON.stringify(s) : `'${s}'`})`;
  }
  const shown = Object.is(input, -0) ? '-0' : typeof input === 'bigint' ? `${input}n` : String(input);
  return ` Received type ${typeof input} (${shown})`;
}

// README: "all possible BufferSources of the provided Buffer": each
// ArrayBufferView type the length allows, then an ArrayBuffer (all copies).
// A missing type throws rather than being left out: a runtime without it must
// not pass the test on fewer cases.
const viewTypes = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array',
  'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
  'BigInt64Array', 'BigUint64Array', 'DataView'];
function getBufferSources(buf) {
  const out = [];
  for (const name of viewTypes) {
    const Type = globalThis[name];
    if (typeof Type !== 'function') throw new Error(`getBufferSources: no ${name}`);
    if (buf.length % (Type.BYTES_PER_ELEMENT || 1) === 0)
      out.push(new Type(new Uint8Array(buf).buffer));
  }
  return out.concat([new Uint8Array(buf).buffer]);
}

// README: "all possible ArrayBufferViews of the provided Buffer", sharing
// its memory. A missing type throws, as in getBufferSources.
function getArrayBufferViews(buf) {
  const { buffer, byteOffset, byteLength } = buf;
  const out = [];
  for (const name of viewTypes) {
    const Type = globalThis[name];
    if (typeof Type !== 'function') throw new Error(`getArrayBufferViews: no ${name}`);
    const size = Type.BYTES_PER_ELEMENT || 1;
    if (byteLength % size === 0) out.push(new Type(buffer, byteOffset, byteLength / size));
  }
  return out;
}

// README: "Returns a Proxy for the given object that throws on any attempt
// to mutate it, deeply". Looplab has no Proxy: plain objects and arrays come
// back as deep frozen copies (a write throws in strict code, Node's own
// modules' included; reads see the same values), anything else as it is.
const notMutable = new WeakMap();
function mustNotMutateObjectDeep(original) {
  if (original === null || typeof original !== 'object') return original;
  const proto = Object.getPrototypeOf(original);
  if (!Array.isArray(original) && proto !== Object.prototype && proto !== null) return original;
  if (notMutable.has(original)) return notMutable.get(original);
  const copy = Array.isArray(original) ? [] : Object.create(proto);
  notMutable.set(original, copy);
  for (const key of Reflect.ownKeys(original)) {
    const descriptor = Object.getOwnPropertyDescriptor(original, key);
    if ('value' in descriptor) descriptor.value = mustNotMutateObjectDeep(descriptor.value);
    Object.defineProperty(copy, key, descriptor);
  }
  return Object.freeze(copy);
}

module.exports = {
  allowGlobals, expectsError, hasFipsCrypto, expectWarning, getArrayBufferViews, getBufferSources, hasCrypto,
  hasIntl, hasOpenSSL3, invalidArgTypeHelper, isLinux, isMainThread, isWindows,
  mustCall, mustCallAtLeast, mustNotCall, mustNotMutateObjectDeep, mustSucceed, platformTimeout,
  printSkipMessage, skip, skipIfWorker,
};
