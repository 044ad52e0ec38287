// Node's timers module: the global timer functions, and the deprecated
// ways of making any object a timer (enroll, unenroll, active,
// _unrefActive: lib/timers.js). Such an object's `_onTimeout()` runs
// `_idleTimeout` ms after it is made active; Looplab arms a Timeout for it.
const kHandle = Symbol('kTimerHandle');
const TIMEOUT_MAX = 2 ** 31 - 1;
const warned = new Set();

function deprecate(name, code, replacement) {
  if (warned.has(code)) return;
  warned.add(code);
  process.emitWarning(`${name} is deprecated. Please use ${replacement} instead.`, 'DeprecationWarning', code);
}

function invalidMsecs(msecs) {
  const err = new RangeError(`The value of "msecs" is out of range. It must be >= 0 && <= ${TIMEOUT_MAX}. Received ${msecs}`);
  err.code = 'ERR_OUT_OF_RANGE';
  return err;
}

function disarm(item) {
  const handle = item[kHandle];
  if (handle) {
    clearTimeout(handle);
    item[kHandle] = undefined;
  }
}

// insertGuarded: only an item with a valid _idleTimeout is armed.
function arm(item, refed) {
  const msecs = item._idleTimeout;
  if (typeof msecs !== 'number' || !(msecs >= 0)) return;
  disarm(item);
  const handle = setTimeout(() => {
    item[kHandle] = undefined;
    if (typeof item._onTimeout === 'function') item._onTimeout();
  }, msecs);
  if (!refed) handle.unref();
  if (!Object.prototype.hasOwnProperty.call(item, kHandle)) {
    Object.defineProperty(item, kHandle, { value: handle, writable: true, configurable: true, enumerable: false });
  } else {
    item[kHandle] = handle;
  }
  item._idleStart = Math.floor(performance.now());
  item._idleNext = handle;
  item._idlePrev = handle;
}

function unenroll(item) {
  deprecate('timers.unenroll()', 'DEP0096', 'clearTimeout');
  disarm(item);
  if (item._idleNext) {
    item._idleNext = null;
    item._idlePrev = null;
  }
  item._idleTimeout = -1;
}

function enroll(item, msecs) {
  deprecate('timers.enroll()', 'DEP0095', 'setTimeout');
  if (typeof msecs !== 'number') {
    const err = new TypeError(`The "msecs" argument must be of type number. Received ${typeof msecs}`);
    err.code = 'ERR_INVALID_ARG_TYPE';
    throw err;
  }
  if (!(msecs >= 0 && msecs <= TIMEOUT_MAX)) throw invalidMsecs(msecs);
  disarm(item);
  item._idleTimeout = msecs;
}

function active(item) {
  deprecate('timers.active()', 'DEP0126', 'timeout.refresh()');
  arm(item, true);
}

function _unrefActive(item) {
  deprecate('timers._unrefActive()', 'DEP0127', 'timeout.refresh()');
  arm(item, false);
}

module.exports = {
  setTimeout,
  setInterval,
  setImmediate,
  clearTimeout,
  clearInterval,
  clearImmediate,
  active,
  _unrefActive,
  enroll,
  unenroll,
};
Object.defineProperty(module.exports, 'promises', { get: () => require('timers/promises'), enumerable: true, configurable: true });
