// Node's `events` module (v20), written in the JavaScript subset Looplab runs.
// Node's own lib/events.js is JavaScript too, so listeners cost interpreted
// time and show on the call stack as they would under Node. Listeners run
// synchronously, in registration order (Node docs, events, "Asynchronous vs.
// synchronous").
//
// Storage, as Node keeps it (readers outside this file rely on it):
//   emitter._events       a null-prototype object: event name -> listeners
//   emitter._events[name] undefined, ONE function (the usual case), or an
//                         array of 2+ functions; a `once` listener is stored
//                         as its wrapper, whose `.listener` is the original
//   emitter._eventsCount  how many names have listeners
'use strict';

const kCapture = Symbol('kCapture');
// The runtime's native request path asks whether an emitter captures.
require('%eventsbinding').setup(kCapture);
const kShapeMode = Symbol('shapeMode');
const kErrorMonitor = Symbol('events.errorMonitor');
const kMaxEventTargetListeners = Symbol('events.maxEventTargetListeners');
const kMaxEventTargetListenersWarned = Symbol('events.maxEventTargetListenersWarned');
// Docs: "events.captureRejectionSymbol ... Symbol.for('nodejs.rejection')".
const kRejection = Symbol.for('nodejs.rejection');
const kAsyncIterator = Symbol.asyncIterator || Symbol('Symbol.asyncIterator');
const kDispose = Symbol.dispose || Symbol('Symbol.dispose');

let utilInspect;
function inspect(value) {
  if (utilInspect === undefined) utilInspect = require('util').inspect;
  return utilInspect(value);
}

// ---------------------------------------------------------------------------
// Node's error shapes (docs, errors, "Node.js error codes"): a built-in error
// with an enumerable own `code`, `String(err)` and the stack's first line
// read "TypeError [ERR_X]: message", and `err.constructor` is the built-in.

const nodeErrorProtos = new Map();
function nodeError(Base, code, message) {
  // Own properties in Node's order: stack, code, then a non-enumerable message.
  const err = new Base();
  err.code = code;
  Object.defineProperty(err, 'message', { value: message, writable: true, configurable: true });
  if (!nodeErrorProtos.has(Base)) {
    const toString = function toString() { return `${this.name} [${this.code}]: ${this.message}`; };
    nodeErrorProtos.set(Base, Object.create(Base.prototype, {
      constructor: { value: Base, writable: true, configurable: true },
      toString: { value: toString, writable: true, configurable: true },
    }));
  }
  Object.setPrototypeOf(err, nodeErrorProtos.get(Base));
  // The stack was captured without the message: give it Node's first line
  // (guarded: an engine may make `stack` read-only).
  const stack = err.stack;
  const frames = typeof stack === 'string' ? stack.indexOf('\n    at ') : -2;
  try {
    if (frames !== -2) err.stack = `${Base.name} [${code}]: ${message}${frames === -1 ? '' : stack.slice(frames)}`;
  } catch {}
  return err;
}

// How Node's messages describe a received value ("Received type number (1)",
// "Received an instance of Object", "Received function f", ...).
function describeReceived(value) {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'bigint': return `type bigint (${value}n)`;
    case 'number': return `type number (${formatNumber(value)})`;
    case 'boolean': return `type boolean (${value})`;
    case 'symbol': return `type symbol (${String(value)})`;
    case 'function': return `function ${value.name}`;
    case 'string': {
      let text = value.length > 28 ? `${value.slice(0, 25)}...` : value;
      return text.indexOf("'") === -1 ? `type string ('${text}')` : `type string (${JSON.stringify(text)})`;
    }
    default:
      if (value.constructor && 'name' in value.constructor) return `an instance of ${value.constructor.name}`;
      return shallowInspect(value);
  }
}

function formatNumber(n) {
  return Object.is(n, -0) ? '-0' : String(n);
}

// util.inspect(value, { depth: -1 }) of an object with properties:
// "[EventEmitter]", "[MyEmitter]", "[Object: null prototype]". Looplab's
// util.inspect takes no options, so this small case is done here.
function shallowInspect(value) {
  let name = null;
  for (let obj = value; obj !== null; obj = Object.getPrototypeOf(obj)) {
    const desc = Object.getOwnPropertyDescriptor(obj, 'constructor');
    if (desc !== undefined && typeof desc.value === 'function' && desc.value.name !== '' &&
        value instanceof desc.value) {
      name = desc.value.name;
      break;
    }
  }
  if (name !== null) return `[${name}]`;
  return ownKeys(value).length === 0 ? '[Object: null prototype] {}' : '[Object: null prototype]';
}

// ERR_INVALID_ARG_TYPE: a dotted name is a "property", any other an "argument".
function invalidArgType(name, expected, actual) {
  const kind = name.includes('.') ? 'property' : 'argument';
  return nodeError(TypeError, 'ERR_INVALID_ARG_TYPE',
    `The "${name}" ${kind} must be ${expected}. Received ${describeReceived(actual)}`);
}

function outOfRange(name, range, received) {
  let text = formatNumber(received);
  // Node groups the digits of large integers: 1_099_511_627_776.
  if (Number.isInteger(received) && Math.abs(received) > 2 ** 32) text = text.replace(/\B(?=(\d{3})+$)/g, '_');
  return nodeError(RangeError, 'ERR_OUT_OF_RANGE',
    `The value of "${name}" is out of range. It must be ${range}. Received ${text}`);
}

function validateNumber(value, name, min) {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (value < min || value !== value) throw outOfRange(name, `>= ${min}`, value);
}

function validateInteger(value, name, min) {
  const max = Number.MAX_SAFE_INTEGER;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
}

function validateBoolean(value, name) {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
}
function checkListener(listener) {
  if (typeof listener !== 'function') throw invalidArgType('listener', 'of type function', listener);
}

// Anything with an `aborted` property passes, as in Node's validator.
function validateAbortSignal(signal, name) {
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || !('aborted' in signal))) {
    throw invalidArgType(name, 'an instance of AbortSignal', signal);
  }
}

class AbortError extends Error {
  constructor(message = 'The operation was aborted', options = undefined) {
    super(message, options);
    this.code = 'ABORT_ERR';
    this.name = 'AbortError';
  }
}

function ownKeys(obj) {
  // Reflect.ownKeys order: integer keys, other strings, then symbols.
  return Object.getOwnPropertyNames(obj).concat(Object.getOwnPropertySymbols(obj));
}

// ---------------------------------------------------------------------------
// EventEmitter. A plain function, not a class: old-style subclasses call
// `EventEmitter.call(this)`, and the methods are enumerable so mixins
// (`Object.assign(obj, EventEmitter.prototype)`) copy them, as with Node.

function EventEmitter(opts) {
  EventEmitter.init.call(this, opts);
}
module.exports = EventEmitter;
EventEmitter.addAbortListener = addAbortListener;
EventEmitter.once = once;
EventEmitter.on = on;
EventEmitter.getEventListeners = getEventListeners;
EventEmitter.getMaxListeners = getMaxListeners;
EventEmitter.EventEmitter = EventEmitter; // backwards compatibility (Node 0.10)
EventEmitter.usingDomains = false;
EventEmitter.captureRejectionSymbol = kRejection;

// Docs: "events.captureRejections: Change the default captureRejections
// option on all new EventEmitter objects." It lives on the prototype.
Object.defineProperty(EventEmitter, 'captureRejections', {
  get() { return EventEmitter.prototype[kCapture]; },
  set(value) {
    validateBoolean(value, 'EventEmitter.captureRejections');
    EventEmitter.prototype[kCapture] = value;
  },
  enumerable: true,
});

// Needs async_hooks' AsyncResource, which Looplab does not have.
let EventEmitterAsyncResource;
Object.defineProperty(EventEmitter, 'EventEmitterAsyncResource', {
  enumerable: true,
  configurable: true,
  get() {
    EventEmitterAsyncResource ??= class EventEmitterAsyncResource extends EventEmitter {
      constructor() { super(); throw new Error('not supported in Looplab: EventEmitterAsyncResource'); }
    };
    return EventEmitterAsyncResource;
  },
});

EventEmitter.errorMonitor = kErrorMonitor;

Object.defineProperty(EventEmitter.prototype, kCapture, { value: false, writable: true, enumerable: false });
EventEmitter.prototype._events = undefined;
EventEmitter.prototype._eventsCount = 0;
EventEmitter.prototype._maxListeners = undefined;

// Docs: "By default, a maximum of 10 listeners can be registered for any
// single event" before a warning.
let defaultMaxListeners = 10;
Object.defineProperty(EventEmitter, 'defaultMaxListeners', {
  enumerable: true,
  get: function() { return defaultMaxListeners; },
  set: function(value) { validateNumber(value, 'defaultMaxListeners', 0); defaultMaxListeners = value; },
});

Object.defineProperty(EventEmitter, 'kMaxEventTargetListeners', { value: kMaxEventTargetListeners });
Object.defineProperty(EventEmitter, 'kMaxEventTargetListenersWarned', { value: kMaxEventTargetListenersWarned });

// events.setMaxListeners(n, ...eventTargets): with no targets, the default.
// An EventTarget (recognised by its methods: Looplab has none built in)
// keeps its limit under EventEmitter.kMaxEventTargetListeners.
EventEmitter.setMaxListeners = function(n = defaultMaxListeners, ...eventTargets) {
  validateNumber(n, 'setMaxListeners', 0);
  if (eventTargets.length === 0) {
    defaultMaxListeners = n;
    return;
  }
  for (let i = 0; i < eventTargets.length; i++) {
    const target = eventTargets[i];
    if (typeof target?.dispatchEvent === 'function' && typeof target.addEventListener === 'function') {
      target[kMaxEventTargetListeners] = n;
      target[kMaxEventTargetListenersWarned] = false;
    } else if (typeof target.setMaxListeners === 'function') {
      target.setMaxListeners(n);
    } else {
      throw invalidArgType('eventTargets', 'an instance of EventEmitter or EventTarget', target);
    }
  }
};

// An object whose `_events` was set before the constructor ran (a subclass
// presetting keys for a stable shape) is in "shape mode": removing the last
// listener of a name sets it to undefined instead of deleting it, as Node 20.
EventEmitter.init = function(opts) {
  if (this._events === undefined || this._events === Object.getPrototypeOf(this)._events) {
    this._events = Object.create(null);
    this._eventsCount = 0;
    this[kShapeMode] = false;
  } else {
    this[kShapeMode] = true;
  }
  this._maxListeners = this._maxListeners || undefined;
  if (opts?.captureRejections) {
    validateBoolean(opts.captureRejections, 'options.captureRejections');
    this[kCapture] = Boolean(opts.captureRejections);
  } else {
    this[kCapture] = EventEmitter.prototype[kCapture];
  }
};

// Docs, "Capture rejections of promises": with captureRejections, a promise
// a listener returns that rejects goes to `emitter[Symbol.for(
// 'nodejs.rejection')]` if defined, else to an 'error' event, on nextTick.
function addCatch(that, promise, type, args) {
  if (!that[kCapture]) return;
  try {
    const then = promise.then; // read once: it could be a throwing getter
    if (typeof then === 'function') {
      then.call(promise, undefined, function(err) {
        process.nextTick(emitUnhandledRejectionOrErr, that, err, type, args);
      });
    }
  } catch (err) {
    that.emit('error', err);
  }
}

function emitUnhandledRejectionOrErr(ee, err, type, args) {
  if (typeof ee[kRejection] === 'function') return void ee[kRejection](err, type, ...args);
  // Turned off meanwhile so a rejecting 'error' listener cannot loop.
  const prev = ee[kCapture];
  try {
    ee[kCapture] = false;
    ee.emit('error', err);
  } finally {
    ee[kCapture] = prev;
  }
}

EventEmitter.prototype.setMaxListeners = function setMaxListeners(n) {
  validateNumber(n, 'setMaxListeners', 0);
  this._maxListeners = n;
  return this;
};

function _getMaxListeners(that) {
  return that._maxListeners === undefined ? EventEmitter.defaultMaxListeners : that._maxListeners;
}
EventEmitter.prototype.getMaxListeners = function getMaxListeners() { return _getMaxListeners(this); };

EventEmitter.prototype.emit = function emit(type, ...args) {
  let doError = type === 'error';
  const events = this._events;
  if (events !== undefined) {
    // Docs, "events.errorMonitor": its listeners see an 'error' before the
    // regular ones, and do not count as handling it.
    if (doError && events[kErrorMonitor] !== undefined) this.emit(kErrorMonitor, ...args);
    doError = doError && events.error === undefined;
  } else if (!doError) {
    return false;
  }

  // Docs, "Error events": with no 'error' listener the error is thrown; a
  // value that is no Error is wrapped in ERR_UNHANDLED_ERROR.
  if (doError) {
    const er = args.length > 0 ? args[0] : undefined;
    if (er instanceof Error) throw er; // Unhandled 'error' event
    let text;
    try { text = inspect(er); } catch { text = er; }
    const err = nodeError(Error, 'ERR_UNHANDLED_ERROR', `Unhandled error. (${text})`);
    err.context = er;
    throw err; // Unhandled 'error' event
  }

  const handler = events[type];
  if (handler === undefined) return false;
  if (typeof handler === 'function') {
    const result = handler.apply(this, args);
    if (result !== undefined && result !== null) addCatch(this, result, type, args);
  } else {
    // A copy: listeners added or removed while emitting do not change this
    // round (docs: "any removeListener() or removeAllListeners() calls after
    // emitting and before the last listener finishes ... will not remove
    // them from emit() in progress").
    const listeners = handler.slice();
    for (let i = 0; i < listeners.length; i++) {
      const result = listeners[i].apply(this, args);
      if (result !== undefined && result !== null) addCatch(this, result, type, args);
    }
  }
  return true;
};

function _addListener(target, type, listener, prepend) {
  checkListener(listener);
  let events = target._events;
  let existing;
  if (events === undefined) {
    events = target._events = Object.create(null);
    target._eventsCount = 0;
  } else {
    // Docs: 'newListener' is emitted "before a listener is added", with the
    // original function of a once() wrapper.
    if (events.newListener !== undefined) {
      target.emit('newListener', type, listener.listener ?? listener);
      events = target._events; // a 'newListener' listener may have replaced it
    }
    existing = events[type];
  }

  if (existing === undefined) {
    events[type] = listener; // one listener: the function itself, no array
    ++target._eventsCount;
    return target;
  }
  if (typeof existing === 'function') existing = events[type] = prepend ? [listener, existing] : [existing, listener];
  else if (prepend) existing.unshift(listener);
  else existing.push(listener);

  // Docs, "emitter.setMaxListeners(n)": past the limit a warning is printed
  // once per event name (the flag rides on the array).
  const m = _getMaxListeners(target);
  if (m > 0 && existing.length > m && !existing.warned) {
    existing.warned = true;
    const w = new Error(`Possible EventEmitter memory leak detected. ${existing.length} ${String(type)} ` +
      `listeners added to ${shallowInspect(target)}. MaxListeners is ${m}. ` +
      'Use emitter.setMaxListeners() to increase limit');
    // Own properties in this order, as Node's warning object has them.
    Object.assign(w, { name: 'MaxListenersExceededWarning', emitter: target, type, count: existing.length });
    process.emitWarning(w);
  }
  return target;
}

EventEmitter.prototype.addListener = function addListener(type, listener) {
  return _addListener(this, type, listener, false);
};
EventEmitter.prototype.on = EventEmitter.prototype.addListener;
EventEmitter.prototype.prependListener = function prependListener(type, listener) {
  return _addListener(this, type, listener, true);
};

// A once() listener is stored as a bound wrapper (rawListeners() shows it;
// listeners() shows `.listener`, the original). `fired` keeps it from
// running twice when a listener re-emits the same event mid-round.
function onceWrapper() {
  if (this.fired) return undefined;
  this.target.removeListener(this.type, this.wrapFn);
  this.fired = true;
  if (arguments.length === 0) return this.listener.call(this.target);
  return this.listener.apply(this.target, arguments);
}

function _onceWrap(target, type, listener) {
  const state = { fired: false, wrapFn: undefined, target, type, listener };
  const wrapped = onceWrapper.bind(state);
  wrapped.listener = listener;
  state.wrapFn = wrapped;
  return wrapped;
}

EventEmitter.prototype.once = function once(type, listener) {
  checkListener(listener);
  this.on(type, _onceWrap(this, type, listener));
  return this;
};
EventEmitter.prototype.prependOnceListener = function prependOnceListener(type, listener) {
  checkListener(listener);
  this.prependListener(type, _onceWrap(this, type, listener));
  return this;
};

// Docs: removeListener() "will remove, at most, one instance", the most
// recently added; 'removeListener' is emitted after removal.
EventEmitter.prototype.removeListener = function removeListener(type, listener) {
  checkListener(listener);
  const events = this._events;
  if (events === undefined) return this;
  // Like Node, only an undefined type skips this check (and then fails below).
  if (type !== undefined && events[type] === undefined) return this;
  const list = events[type];

  if (list === listener || list.listener === listener) {
    this._eventsCount -= 1;
    if (this[kShapeMode]) {
      events[type] = undefined; // Node 20 emits no 'removeListener' here
    } else if (this._eventsCount === 0) {
      this._events = Object.create(null);
    } else {
      delete events[type];
      if (events.removeListener) this.emit('removeListener', type, list.listener || listener);
    }
  } else if (typeof list !== 'function') {
    let position = list.length - 1;
    while (position >= 0 && list[position] !== listener && list[position].listener !== listener) position--;
    if (position < 0) return this;
    list.splice(position, 1);
    if (list.length === 1) events[type] = list[0];
    if (events.removeListener !== undefined) this.emit('removeListener', type, listener);
  }
  return this;
};
EventEmitter.prototype.off = EventEmitter.prototype.removeListener;

// With no argument at all (not `undefined`), every name. When someone listens
// to 'removeListener', each removal goes through removeListener() so it is
// reported: per name in LIFO order, 'removeListener' itself last.
EventEmitter.prototype.removeAllListeners = function removeAllListeners(type) {
  const events = this._events;
  if (events === undefined) return this;

  if (events.removeListener === undefined) {
    if (arguments.length === 0) {
      this._events = Object.create(null);
      this._eventsCount = 0;
    } else if (events[type] !== undefined) {
      if (--this._eventsCount === 0) this._events = Object.create(null);
      else delete events[type];
    }
    this[kShapeMode] = false;
    return this;
  }

  if (arguments.length === 0) {
    for (const key of ownKeys(events)) if (key !== 'removeListener') this.removeAllListeners(key);
    this.removeAllListeners('removeListener');
    this._events = Object.create(null);
    this._eventsCount = 0;
    this[kShapeMode] = false;
    return this;
  }

  const listeners = events[type];
  if (typeof listeners === 'function') {
    this.removeListener(type, listeners);
  } else if (listeners !== undefined) {
    for (let i = listeners.length - 1; i >= 0; i--) this.removeListener(type, listeners[i]);
  }
  return this;
};

function _listeners(target, type, unwrap) {
  const events = target._events;
  if (events === undefined) return [];
  const list = events[type];
  if (list === undefined) return [];
  if (typeof list === 'function') return unwrap ? [list.listener || list] : [list];
  const copy = list.slice();
  for (let i = 0; unwrap && i < copy.length; i++) {
    if (typeof copy[i].listener === 'function') copy[i] = copy[i].listener;
  }
  return copy;
}

EventEmitter.prototype.listeners = function listeners(type) { return _listeners(this, type, true); };
EventEmitter.prototype.rawListeners = function rawListeners(type) { return _listeners(this, type, false); };

// Docs: "emitter.listenerCount(eventName[, listener])": with `listener`,
// how many times it (or a once() wrapper of it) is registered.
function listenerCount(type, listener) {
  const events = this._events;
  if (events === undefined) return 0;
  const list = events[type];
  if (typeof list === 'function') return listener == null || listener === list || listener === list.listener ? 1 : 0;
  if (list === undefined) return 0;
  if (listener == null) return list.length;
  let matching = 0;
  for (let i = 0; i < list.length; i++) if (list[i] === listener || list[i].listener === listener) matching++;
  return matching;
}

// Deprecated static form (docs: "events.listenerCount(emitter, eventName)").
EventEmitter.listenerCount = function(emitter, type) {
  if (typeof emitter.listenerCount === 'function') return emitter.listenerCount(type);
  return listenerCount.call(emitter, type);
};

EventEmitter.prototype.listenerCount = listenerCount;
EventEmitter.prototype.eventNames = function eventNames() {
  return this._eventsCount > 0 ? ownKeys(this._events) : [];
};

// ---------------------------------------------------------------------------
// Module functions.

function getEventListeners(emitterOrTarget, type) {
  if (typeof emitterOrTarget.listeners === 'function') return emitterOrTarget.listeners(type);
  throw invalidArgType('emitter', 'an instance of EventEmitter or EventTarget', emitterOrTarget);
}

function getMaxListeners(emitterOrTarget) {
  if (typeof emitterOrTarget?.getMaxListeners === 'function') return _getMaxListeners(emitterOrTarget);
  if (emitterOrTarget?.[kMaxEventTargetListeners]) return emitterOrTarget[kMaxEventTargetListeners];
  // An EventTarget starts at the default (lib/internal/event_target.js,
  // initEventTarget).
  if (emitterOrTarget instanceof require('%web').EventTarget) return EventEmitter.defaultMaxListeners;
  throw invalidArgType('emitter', 'an instance of EventEmitter or EventTarget', emitterOrTarget);
}

// Docs: "events.addAbortListener(signal, listener)"; returns a disposable.
function addAbortListener(signal, listener) {
  if (signal === undefined) throw invalidArgType('signal', 'an instance of AbortSignal', signal);
  validateAbortSignal(signal, 'signal');
  checkListener(listener);
  let remove;
  if (signal.aborted) {
    queueMicrotask(() => listener());
  } else {
    signal.addEventListener('abort', listener, { once: true });
    remove = () => signal.removeEventListener('abort', listener);
  }
  const disposable = Object.create(null);
  disposable[kDispose] = function() { if (remove !== undefined) remove(); };
  return disposable;
}

// Node's helpers for "an EventEmitter or an EventTarget".
function addListenerTo(emitter, name, listener, flags) {
  if (typeof emitter.on === 'function') {
    if (flags?.once) emitter.once(name, listener);
    else emitter.on(name, listener);
  } else if (typeof emitter.addEventListener === 'function') {
    emitter.addEventListener(name, listener, flags);
  } else {
    throw invalidArgType('emitter', 'an instance of EventEmitter', emitter);
  }
}

function removeListenerFrom(emitter, name, listener) {
  if (typeof emitter.removeListener === 'function') emitter.removeListener(name, listener);
  else if (typeof emitter.removeEventListener === 'function') emitter.removeEventListener(name, listener);
  else throw invalidArgType('emitter', 'an instance of EventEmitter', emitter);
}

// Docs, "events.once(emitter, name[, options])": a promise of the next
// event's arguments, rejected by an 'error' event meanwhile (unless the
// awaited event is 'error' itself). Async, so bad arguments reject.
async function once(emitter, name, options = {}) {
  const signal = options?.signal;
  validateAbortSignal(signal, 'options.signal');
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal?.reason });
  return new Promise((resolve, reject) => {
    const errorListener = (err) => {
      emitter.removeListener(name, resolver);
      if (signal != null) removeListenerFrom(signal, 'abort', abortListener);
      reject(err);
    };
    const resolver = (...args) => {
      if (typeof emitter.removeListener === 'function') emitter.removeListener('error', errorListener);
      if (signal != null) removeListenerFrom(signal, 'abort', abortListener);
      resolve(args);
    };
    addListenerTo(emitter, name, resolver, { once: true });
    if (name !== 'error' && typeof emitter.once === 'function') emitter.once('error', errorListener);
    function abortListener() {
      removeListenerFrom(emitter, name, resolver);
      removeListenerFrom(emitter, 'error', errorListener);
      reject(new AbortError(undefined, { cause: signal?.reason }));
    }
    if (signal != null) addListenerTo(signal, 'abort', abortListener, { once: true });
  });
}

// Docs, "events.on(emitter, eventName[, options])": an AsyncIterator of
// argument arrays. Looplab has no async generators, so the iterator is a
// plain object whose next()/return() answer promises, as Node's is:
// events that nobody awaits yet are queued; an 'error' event rejects one
// next() and ends the iteration; options.close names events that end it;
// highWaterMark/lowWaterMark pause()/resume() the emitter.
function on(emitter, event, options = {}) {
  const signal = options.signal;
  validateAbortSignal(signal, 'options.signal');
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal?.reason });
  const highWaterMark = options.highWaterMark ?? options.highWatermark ?? Number.MAX_SAFE_INTEGER;
  validateInteger(highWaterMark, 'options.highWaterMark', 1);
  const lowWaterMark = options.lowWaterMark ?? options.lowWatermark ?? 1;
  validateInteger(lowWaterMark, 'options.lowWaterMark', 1);

  const unconsumedEvents = [];
  const unconsumedPromises = []; // { resolve, reject } of pending next()s
  let paused = false;
  let error = null;
  let finished = false;
  const added = []; // [name, listener] pairs, removed when iteration ends

  const iterator = {
    next() {
      if (unconsumedEvents.length > 0) {
        const value = unconsumedEvents.shift();
        if (paused && unconsumedEvents.length < lowWaterMark) {
          emitter.resume();
          paused = false;
        }
        return Promise.resolve({ value, done: false });
      }
      if (error) {
        const p = Promise.reject(error);
        error = null; // only one next() sees the error
        return p;
      }
      if (finished) return closeHandler();
      return new Promise((resolve, reject) => unconsumedPromises.push({ resolve, reject }));
    },
    return() { return closeHandler(); },
    throw(err) {
      if (!err || !(err instanceof Error)) throw invalidArgType('EventEmitter.AsyncIterator', 'an instance of Error', err);
      errorHandler(err);
    },
    [kAsyncIterator]() { return this; },
  };

  function listen(name, listener) {
    addListenerTo(emitter, name, listener);
    added.push([name, listener]);
  }
  listen(event, function(...args) { eventHandler(args); });
  if (event !== 'error' && typeof emitter.on === 'function') listen('error', errorHandler);
  const closeEvents = options?.close;
  for (let i = 0; closeEvents?.length && i < closeEvents.length; i++) listen(closeEvents[i], closeHandler);
  const abortDisposable = signal ? addAbortListener(signal, abortListener) : null;
  return iterator;

  function abortListener() { errorHandler(new AbortError(undefined, { cause: signal?.reason })); }

  function eventHandler(value) {
    if (unconsumedPromises.length > 0) {
      unconsumedPromises.shift().resolve({ value, done: false });
      return;
    }
    if (!paused && unconsumedEvents.length + 1 > highWaterMark) {
      paused = true;
      emitter.pause();
    }
    unconsumedEvents.push(value);
  }

  function errorHandler(err) {
    if (unconsumedPromises.length > 0) unconsumedPromises.shift().reject(err);
    else error = err;
    closeHandler();
  }

  function closeHandler() {
    if (abortDisposable !== null) abortDisposable[kDispose]();
    while (added.length > 0) { // newest first, as Node
      const [name, listener] = added.pop();
      removeListenerFrom(emitter, name, listener);
    }
    finished = true;
    const doneResult = { value: undefined, done: true };
    while (unconsumedPromises.length > 0) unconsumedPromises.shift().resolve(doneResult);
    return Promise.resolve(doneResult);
  }
}
