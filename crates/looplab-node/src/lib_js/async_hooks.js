// Node's async_hooks module: AsyncLocalStorage and AsyncResource (Node docs,
// "Asynchronous context tracking"). The current context is a Map from each
// AsyncLocalStorage to its store, kept by the runtime as the continuation
// data that every callback (timers, immediates, nextTick, I/O, the pool) and
// every promise job takes from where it was made. A context is never
// changed in place: run() and enterWith() make a new Map.
// createHook (the low-level hooks) is not simulated.
const binding = require('%asyncbinding');

function current() {
  return binding.getContext();
}

function withStore(storage, store) {
  const context = new Map(current() || undefined);
  if (store === kNoStore) context.delete(storage);
  else context.set(storage, store);
  return context;
}

const kNoStore = Symbol('kNoStore');

function runIn(context, fn, thisArg, args) {
  const outer = current();
  binding.setContext(context);
  try {
    return Reflect.apply(fn, thisArg, args);
  } finally {
    binding.setContext(outer);
  }
}

function validateFunction(fn, name) {
  if (typeof fn !== 'function') {
    const { invalidArgType } = require('%errors');
    throw invalidArgType(name, 'of type function', fn);
  }
}

class AsyncLocalStorage {
  constructor() {
    this._enabled = true;
  }

  // Docs: "Returns the current store. If called outside of an asynchronous
  // context initialized by calling asyncLocalStorage.run() or
  // asyncLocalStorage.enterWith(), it returns undefined."
  getStore() {
    if (!this._enabled) return undefined;
    const context = current();
    return context instanceof Map ? context.get(this) : undefined;
  }

  run(store, callback, ...args) {
    this._enabled = true;
    return runIn(withStore(this, store), callback, undefined, args);
  }

  exit(callback, ...args) {
    return runIn(withStore(this, kNoStore), callback, undefined, args);
  }

  // The store for the rest of the current synchronous execution and the
  // asynchronous work it starts.
  enterWith(store) {
    this._enabled = true;
    binding.setContext(withStore(this, store));
  }

  disable() {
    this._enabled = false;
    const context = current();
    if (context instanceof Map && context.has(this)) binding.setContext(withStore(this, kNoStore));
  }

  static bind(fn) {
    validateFunction(fn, 'fn');
    const context = current();
    return function bound(...args) {
      return runIn(context, fn, this, args);
    };
  }

  static snapshot() {
    const context = current();
    return function runInAsyncScope(fn, ...args) {
      return runIn(context, fn, this, args);
    };
  }
}

let nextAsyncId = 1;

class AsyncResource {
  constructor(type, options) {
    if (typeof type !== 'string') {
      const { invalidArgType } = require('%errors');
      throw invalidArgType('type', 'of type string', type);
    }
    this._context = current();
    this._asyncId = ++nextAsyncId;
    this._triggerAsyncId = typeof options === 'number' ? options : (options && options.triggerAsyncId) || 1;
  }

  runInAsyncScope(fn, thisArg, ...args) {
    return runIn(this._context, fn, thisArg, args);
  }

  bind(fn, thisArg) {
    validateFunction(fn, 'fn');
    const resource = this;
    const bound = function bound(...args) {
      return resource.runInAsyncScope(fn, thisArg === undefined ? this : thisArg, ...args);
    };
    Object.defineProperty(bound, 'length', { value: fn.length, configurable: true });
    Object.defineProperty(bound, 'asyncResource', { value: this, configurable: true, enumerable: true, writable: true });
    return bound;
  }

  static bind(fn, type, thisArg) {
    return new AsyncResource(type || fn.name || 'bound-anonymous-fn').bind(fn, thisArg);
  }

  emitDestroy() {
    return this;
  }

  asyncId() {
    return this._asyncId;
  }

  triggerAsyncId() {
    return this._triggerAsyncId;
  }
}

function createHook() {
  throw new Error('not supported in Looplab: async_hooks.createHook (the low-level hooks; AsyncLocalStorage and AsyncResource are)');
}

function executionAsyncResource() {
  throw new Error('not supported in Looplab: async_hooks.executionAsyncResource');
}

module.exports = {
  AsyncLocalStorage,
  AsyncResource,
  createHook,
  executionAsyncResource,
  executionAsyncId: () => { throw new Error('not supported in Looplab: async_hooks.executionAsyncId'); },
  triggerAsyncId: () => { throw new Error('not supported in Looplab: async_hooks.triggerAsyncId'); },
};
