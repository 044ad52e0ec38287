// Node's timers/promises: the timers as promises, cancellable with an
// AbortSignal (the promise rejects with Node's AbortError, the signal's
// reason as its cause), and the scheduler (wait, yield).
const { AbortError } = require('%web');

function validateOptions(options) {
  if (options === null || typeof options !== 'object') {
    const err = new TypeError(`The "options" argument must be of type object. Received ${options === null ? 'null' : `type ${typeof options}`}`);
    err.code = 'ERR_INVALID_ARG_TYPE';
    throw err;
  }
  const { signal, ref = true } = options;
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || !('aborted' in signal))) {
    const err = new TypeError('The "options.signal" property must be an instance of AbortSignal.');
    err.code = 'ERR_INVALID_ARG_TYPE';
    throw err;
  }
  return { signal, ref };
}

// A timer as a promise: `arm(resolve)` starts it and returns its handle.
function cancellable(options, arm, disarm) {
  let settings;
  try {
    settings = validateOptions(options);
  } catch (err) {
    return Promise.reject(err);
  }
  const { signal, ref } = settings;
  if (signal && signal.aborted) return Promise.reject(new AbortError(undefined, { cause: signal.reason }));
  let onAbort;
  const promise = new Promise((resolve, reject) => {
    const handle = arm(resolve);
    if (!ref) handle.unref();
    if (signal) {
      onAbort = () => {
        disarm(handle);
        reject(new AbortError(undefined, { cause: signal.reason }));
      };
      signal.addEventListener('abort', onAbort);
    }
  });
  // lib/timers/promises.js: with a signal, the promise handed back is the
  // timer's through finally() (which removes the listener), so it settles
  // a few microtasks after the timer's own.
  return signal ? promise.finally(() => signal.removeEventListener('abort', onAbort)) : promise;
}

function setTimeoutPromise(delay, value, options = {}) {
  return cancellable(options, (done) => setTimeout(() => done(value), delay), clearTimeout);
}

function setImmediatePromise(value, options = {}) {
  return cancellable(options, (done) => setImmediate(() => done(value)), clearImmediate);
}

// Docs, timersPromises.scheduler: wait(delay, options) is
// setTimeout(delay, undefined, options); yield() is setImmediate().
const scheduler = {
  wait(delay, options) {
    return setTimeoutPromise(delay, undefined, options);
  },
  yield() {
    return setImmediatePromise();
  },
};

module.exports = { setTimeout: setTimeoutPromise, setImmediate: setImmediatePromise, scheduler };
