// Node's stream module, its oldest part: the legacy Stream, an EventEmitter
// whose pipe() forwards 'data' to a destination's write() and ends it on
// 'end' (lib/internal/streams/legacy.js has Node's). Readable, Writable and
// the rest of the streams API are not simulated: they say so when used.
const EventEmitter = require('events');

function Stream(options) {
  EventEmitter.call(this, options);
}
Object.setPrototypeOf(Stream.prototype, EventEmitter.prototype);
Object.setPrototypeOf(Stream, EventEmitter);

// An 'error' listener that must run before the others; emitters without
// prependListener get it put first in their listener storage.
function listenFirst(emitter, event, listener) {
  if (typeof emitter.prependListener === 'function') {
    emitter.prependListener(event, listener);
    return;
  }
  const events = emitter._events;
  const existing = events ? events[event] : undefined;
  if (!existing) emitter.on(event, listener);
  else if (Array.isArray(existing)) existing.unshift(listener);
  else events[event] = [listener, existing];
}

Stream.prototype.pipe = function pipe(destination, options) {
  const source = this;
  const forward = (chunk) => {
    // Backpressure: a full destination pauses the source until 'drain'.
    if (destination.writable && destination.write(chunk) === false && typeof source.pause === 'function') source.pause();
  };
  const resumeOnDrain = () => {
    if (source.readable && typeof source.resume === 'function') source.resume();
  };
  source.on('data', forward);
  destination.on('drain', resumeOnDrain);

  let finished = false;
  const endDestination = () => {
    if (finished) return;
    finished = true;
    destination.end();
  };
  const destroyDestination = () => {
    if (finished) return;
    finished = true;
    if (typeof destination.destroy === 'function') destination.destroy();
  };
  if (!destination._isStdio && (!options || options.end !== false)) {
    source.on('end', endDestination);
    source.on('close', destroyDestination);
  }

  function stopForwarding() {
    source.removeListener('data', forward);
    destination.removeListener('drain', resumeOnDrain);
    source.removeListener('end', endDestination);
    source.removeListener('close', destroyDestination);
    source.removeListener('error', onError);
    destination.removeListener('error', onError);
    source.removeListener('end', stopForwarding);
    source.removeListener('close', stopForwarding);
    destination.removeListener('close', stopForwarding);
  }
  // An error on either side stops the pipe; unhandled, it is thrown.
  function onError(error) {
    stopForwarding();
    if (EventEmitter.listenerCount(this, 'error') === 0) this.emit('error', error);
  }
  listenFirst(source, 'error', onError);
  listenFirst(destination, 'error', onError);
  source.on('end', stopForwarding);
  source.on('close', stopForwarding);
  destination.on('close', stopForwarding);

  destination.emit('pipe', source);
  return destination;
};

Stream.Stream = Stream;
module.exports = Stream;
