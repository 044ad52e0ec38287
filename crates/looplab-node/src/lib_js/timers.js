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

const { invalidArgType, outOfRange } = require('%errors');

// lib/timers.js getTimerDuration: a non-negative finite number, truncated
// to TIMEOUT_MAX with a warning.
function getTimerDuration(msecs, name) {
  if (typeof msecs !== 'number') throw invalidArgType(name, 'of type number', msecs);
  if (msecs < 0 || !Number.isFinite(msecs)) throw outOfRange(name, 'a non-negative finite number', msecs);
  if (msecs > TIMEOUT_MAX) {
    process.emitWarning(`${msecs} does not fit into a 32-bit signed integer.\nTimer duration was truncated to ${TIMEOUT_MAX}.`, 'TimeoutOverflowWarning');
    return TIMEOUT_MAX;
  }
  return msecs;
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
  // A Timeout itself (clearTimeout is unenroll in lib/timers.js).
  clearTimeout(item);
  disarm(item);
  if (item._idleNext) {
    item._idleNext = null;
    item._idlePrev = null;
  }
  item._idleTimeout = -1;
}

function enroll(item, msecs) {
  deprecate('timers.enroll()', 'DEP0095', 'setTimeout');
  item._idleTimeout = getTimerDuration(msecs, 'msecs');
  disarm(item);
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
