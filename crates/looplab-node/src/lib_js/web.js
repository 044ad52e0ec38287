// The web platform classes Node 20 has as globals and uses for
// cancellation: Event, EventTarget, DOMException, AbortController and
// AbortSignal (DOM Standard, "Interface EventTarget" and "Aborting
// ongoing activities"; Node docs, Globals). An EventTarget has no
// propagation path here: its listeners are its own.
const kListeners = Symbol('kListeners');
const kStop = Symbol('kStop');

// WebIDL's DOMException names with a legacy numeric code.
const domExceptionCodes = {
  IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5, NoModificationAllowedError: 7,
  NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11, SyntaxError: 12, InvalidModificationError: 13,
  NamespaceError: 14, InvalidAccessError: 15, TypeMismatchError: 17, SecurityError: 18, NetworkError: 19,
  AbortError: 20, URLMismatchError: 21, QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
};

class DOMException extends Error {
  constructor(message = '', options = 'Error') {
    super(message);
    const name = typeof options === 'object' && options !== null ? String(options.name ?? 'Error') : String(options);
    Object.defineProperty(this, 'name', { value: name, writable: true, configurable: true });
    if (typeof options === 'object' && options !== null && 'cause' in options) {
      Object.defineProperty(this, 'cause', { value: options.cause, writable: true, configurable: true });
    }
  }

  get code() {
    return domExceptionCodes[this.name] ?? 0;
  }
}

function invalidThis(what) {
  const err = new TypeError(`Value of "this" must be of type ${what}`);
  err.code = 'ERR_INVALID_THIS';
  return err;
}

class Event {
  constructor(type, options = {}) {
    if (arguments.length === 0) {
      const err = new TypeError('The "type" argument must be specified');
      err.code = 'ERR_MISSING_ARGS';
      throw err;
    }
    this._type = String(type);
    this._cancelable = Boolean(options && options.cancelable);
    this._bubbles = Boolean(options && options.bubbles);
    this._defaultPrevented = false;
    this._target = null;
    this._currentTarget = null;
    this._timeStamp = performance.now();
    this[kStop] = false;
  }

  get type() { return this._type; }
  get target() { return this._target; }
  get currentTarget() { return this._currentTarget; }
  get srcElement() { return this._target; }
  get cancelable() { return this._cancelable; }
  get bubbles() { return this._bubbles; }
  get defaultPrevented() { return this._cancelable && this._defaultPrevented; }
  get timeStamp() { return this._timeStamp; }
  get isTrusted() { return false; }
  get eventPhase() { return this._currentTarget ? 2 : 0; }
  composedPath() { return this._currentTarget ? [this._currentTarget] : []; }
  preventDefault() { this._defaultPrevented = true; }
  stopPropagation() {}
  stopImmediatePropagation() { this[kStop] = true; }
}

class EventTarget {
  constructor() {
    this[kListeners] = new Map();
  }

  addEventListener(type, listener, options) {
    if (!(kListeners in this)) throw invalidThis('EventTarget');
    if (listener === null || listener === undefined) return;
    const once = typeof options === 'object' && options !== null && Boolean(options.once);
    const signal = typeof options === 'object' && options !== null ? options.signal : undefined;
    if (signal && signal.aborted) return;
    type = String(type);
    let list = this[kListeners].get(type);
    if (!list) this[kListeners].set(type, (list = []));
    if (list.some((entry) => entry.listener === listener)) return;
    const entry = { listener, once, removed: false };
    list.push(entry);
    if (signal) signal.addEventListener('abort', () => this.removeEventListener(type, listener), { once: true });
  }

  removeEventListener(type, listener) {
    if (!(kListeners in this)) throw invalidThis('EventTarget');
    const list = this[kListeners].get(String(type));
    if (!list) return;
    const index = list.findIndex((entry) => entry.listener === listener);
    if (index >= 0) {
      list[index].removed = true;
      list.splice(index, 1);
    }
  }

  dispatchEvent(event) {
    if (!(kListeners in this)) throw invalidThis('EventTarget');
    if (!(event instanceof Event)) {
      const err = new TypeError('The "event" argument must be an instance of Event. Received ' + typeof event);
      err.code = 'ERR_INVALID_ARG_TYPE';
      throw err;
    }
    event._target = this;
    event._currentTarget = this;
    const list = (this[kListeners].get(event.type) || []).slice();
    for (const entry of list) {
      if (entry.removed) continue;
      if (entry.once) this.removeEventListener(event.type, entry.listener);
      try {
        if (typeof entry.listener === 'function') entry.listener.call(this, event);
        else if (entry.listener && typeof entry.listener.handleEvent === 'function') entry.listener.handleEvent(event);
      } catch (err) {
        // Node reports a listener's error as uncaught, after the dispatch.
        process.nextTick(() => { throw err; });
      }
      if (event[kStop]) break;
    }
    event._currentTarget = null;
    return !event.defaultPrevented;
  }
}

// An `on<event>` property that is a listener like any other (DOM
// Standard, "event handler attributes").
function defineEventHandler(prototype, type) {
  const key = Symbol(`on${type}`);
  Object.defineProperty(prototype, `on${type}`, {
    get() { return this[key] ? this[key].handler : null; },
    set(handler) {
      if (this[key]) this.removeEventListener(type, this[key].wrapper);
      if (typeof handler !== 'function') {
        this[key] = undefined;
        return;
      }
      const wrapper = (event) => handler.call(this, event);
      this[key] = { handler, wrapper };
      this.addEventListener(type, wrapper);
    },
    configurable: true,
    enumerable: true,
  });
}

const kCreate = Symbol('kCreate');

class AbortSignal extends EventTarget {
  constructor(token) {
    if (token !== kCreate) {
      const err = new TypeError('Illegal constructor');
      err.code = 'ERR_ILLEGAL_CONSTRUCTOR';
      throw err;
    }
    super();
    this._aborted = false;
    this._reason = undefined;
  }

  get aborted() { return this._aborted; }
  get reason() { return this._reason; }

  throwIfAborted() {
    if (this._aborted) throw this._reason;
  }

  static abort(reason = new DOMException('This operation was aborted', 'AbortError')) {
    const signal = new AbortSignal(kCreate);
    signal._aborted = true;
    signal._reason = reason;
    return signal;
  }

  // Docs, AbortSignal.timeout(delay): aborts with a TimeoutError; its timer
  // does not keep the process alive.
  static timeout(delay) {
    const signal = new AbortSignal(kCreate);
    setTimeout(() => abortSignal(signal, new DOMException('The operation was aborted due to timeout', 'TimeoutError')), delay).unref();
    return signal;
  }

  static any(signals) {
    const signal = new AbortSignal(kCreate);
    for (const source of signals) {
      if (source.aborted) {
        signal._aborted = true;
        signal._reason = source.reason;
        return signal;
      }
    }
    for (const source of signals) source.addEventListener('abort', () => abortSignal(signal, source.reason), { once: true });
    return signal;
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `AbortSignal { aborted: ${this._aborted} }`;
  }
}
defineEventHandler(AbortSignal.prototype, 'abort');

// DOM Standard, interface Event: the eventPhase constants, on the class and
// its prototype, read-only.
for (const [name, value] of [['NONE', 0], ['CAPTURING_PHASE', 1], ['AT_TARGET', 2], ['BUBBLING_PHASE', 3]]) {
  const descriptor = { value, writable: false, enumerable: true, configurable: false };
  Object.defineProperty(Event, name, descriptor);
  Object.defineProperty(Event.prototype, name, descriptor);
}

function abortSignal(signal, reason) {
  if (signal._aborted) return;
  signal._aborted = true;
  signal._reason = reason;
  signal.dispatchEvent(new Event('abort'));
}

class AbortController {
  constructor() {
    this._signal = new AbortSignal(kCreate);
  }

  get signal() { return this._signal; }

  abort(reason = new DOMException('This operation was aborted', 'AbortError')) {
    abortSignal(this._signal, reason);
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `AbortController { signal: AbortSignal { aborted: ${this._signal.aborted} } }`;
  }
}

// Node's own AbortError (lib/internal/errors.js): what its APIs reject
// with when a signal aborts them, the signal's reason as its cause.
class AbortError extends Error {
  constructor(message = 'The operation was aborted', options = undefined) {
    super(message, options);
    this.code = 'ABORT_ERR';
    this.name = 'AbortError';
  }
}

module.exports = { Event, EventTarget, DOMException, AbortController, AbortSignal, AbortError };
