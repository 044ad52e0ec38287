// Node's EventEmitter, written in the JavaScript subset Looplab runs (Node's
// own lib/events.js is JavaScript too, so its listeners cost interpreted time
// and show on the call stack as they would). Listeners run synchronously, in
// registration order, as Node documents ("Asynchronous vs. synchronous").
class EventEmitter {
  constructor() {
    this._events = {};
  }

  on(name, listener) {
    if (typeof listener !== 'function') {
      throw new TypeError('The "listener" argument must be of type function. Received ' + typeof listener);
    }
    if (!this._events) this._events = {};
    if (!this._events[name]) this._events[name] = [];
    this._events[name].push(listener);
    return this;
  }

  addListener(name, listener) {
    return this.on(name, listener);
  }

  prependListener(name, listener) {
    this.on(name, listener);
    const list = this._events[name];
    list.unshift(list.pop());
    return this;
  }

  once(name, listener) {
    const emitter = this;
    function onceWrapper(...args) {
      emitter.off(name, onceWrapper);
      return listener.apply(emitter, args);
    }
    onceWrapper.listener = listener;
    return this.on(name, onceWrapper);
  }

  off(name, listener) {
    const list = this._events && this._events[name];
    if (list) {
      const index = list.findIndex((candidate) => candidate === listener || candidate.listener === listener);
      if (index >= 0) list.splice(index, 1);
    }
    return this;
  }

  removeListener(name, listener) {
    return this.off(name, listener);
  }

  removeAllListeners(name) {
    if (!this._events) return this;
    if (name === undefined) this._events = {};
    else delete this._events[name];
    return this;
  }

  emit(name, ...args) {
    const list = this._events && this._events[name];
    if (!list || list.length === 0) {
      if (name === 'error') {
        throw args[0] instanceof Error ? args[0] : new Error('Unhandled error. (' + args[0] + ')');
      }
      return false;
    }
    for (const listener of list.slice()) {
      listener.apply(this, args);
    }
    return true;
  }

  listenerCount(name) {
    const list = this._events && this._events[name];
    return list ? list.length : 0;
  }

  listeners(name) {
    const list = this._events && this._events[name];
    return list ? list.slice() : [];
  }

  eventNames() {
    return this._events ? Object.keys(this._events) : [];
  }
}

// events.once(emitter, name): a promise of the next event's arguments
// (rejected by an 'error' event meanwhile).
function once(emitter, name) {
  return new Promise((resolve, reject) => {
    const onEvent = (...args) => {
      if (name !== 'error') emitter.removeListener('error', onError);
      resolve(args);
    };
    const onError = (error) => {
      emitter.removeListener(name, onEvent);
      reject(error);
    };
    emitter.once(name, onEvent);
    if (name !== 'error') emitter.once('error', onError);
  });
}

EventEmitter.once = once;
EventEmitter.EventEmitter = EventEmitter;
EventEmitter.defaultMaxListeners = 10;
module.exports = EventEmitter;
