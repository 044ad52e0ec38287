// Node's timers/promises: the timers, as promises.
function setTimeoutPromise(delay, value) {
  return new Promise((resolve) => setTimeout(() => resolve(value), delay));
}

function setImmediatePromise(value) {
  return new Promise((resolve) => setImmediate(() => resolve(value)));
}

module.exports = { setTimeout: setTimeoutPromise, setImmediate: setImmediatePromise };
