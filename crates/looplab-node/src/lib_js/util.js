// Node's util, the parts event-loop code uses: promisify (with the custom
// forms of setTimeout and setImmediate), format and inspect (the same
// formatting console.log uses), and deprecate.
const inspector = require('%inspect');
const custom = '%promisify.custom';
const customSymbol = Symbol.for('nodejs.util.promisify.custom');

function invalidArgType(name, expected, actual) {
  const error = new TypeError(`The "${name}" argument must be ${expected}. Received ${actual === null ? 'null' : typeof actual === 'function' ? `function ${actual.name}` : `type ${typeof actual} (${inspector.inspect(actual)})`}`);
  error.code = 'ERR_INVALID_ARG_TYPE';
  return error;
}

function promisify(original) {
  if (typeof original !== 'function') {
    const error = new TypeError('The "original" argument must be of type function');
    error.code = 'ERR_INVALID_ARG_TYPE';
    throw error;
  }
  if (original === setTimeout) return require('timers/promises').setTimeout;
  if (original === setImmediate) return require('timers/promises').setImmediate;
  if (typeof original[customSymbol] === 'function') return original[customSymbol];
  if (original[custom]) return original[custom];
  return function promisified(...args) {
    return new Promise((resolve, reject) => {
      original.call(this, ...args, (error, value) => {
        if (error) reject(error);
        else resolve(value);
      });
    });
  };
}

const format = inspector.format;
const inspect = inspector.inspect;

promisify.custom = customSymbol;

// Docs, util.deprecate: the wrapper warns once (once per code, when one is
// given), then calls the function.
const warnedCodes = new Set();
function deprecate(fn, message, code) {
  let warned = false;
  function deprecated(...args) {
    if (!warned && !(code !== undefined && warnedCodes.has(code))) {
      warned = true;
      if (code !== undefined) warnedCodes.add(code);
      process.emitWarning(message, 'DeprecationWarning', code);
    }
    return new.target ? new fn(...args) : fn.apply(this, args);
  }
  Object.setPrototypeOf(deprecated, fn);
  if (fn.prototype) deprecated.prototype = fn.prototype;
  return deprecated;
}

// Docs, util.inherits: the old way to inherit (super_ and the prototype).
function inherits(ctor, superCtor) {
  if (ctor === undefined || ctor === null) throw invalidArgType('ctor', 'of type function', ctor);
  if (superCtor === undefined || superCtor === null) throw invalidArgType('superCtor', 'of type function', superCtor);
  if (superCtor.prototype === undefined) {
    const error = new TypeError('The "superCtor.prototype" property must be of type object. Received undefined');
    error.code = 'ERR_INVALID_ARG_TYPE';
    throw error;
  }
  Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

// Docs, util.callbackify: an async function as a callback-last function.
function callbackify(original) {
  if (typeof original !== 'function') throw invalidArgType('original', 'of type function', original);
  return function callbackified(...args) {
    const callback = args.pop();
    if (typeof callback !== 'function') throw invalidArgType('last argument', 'of type function', callback);
    const settle = (error, value) => process.nextTick(callback, error, value);
    original.apply(this, args).then((value) => settle(null, value), (reason) => {
      if (!reason) {
        const error = new Error('Promise was rejected with a falsy value');
        error.code = 'ERR_FALSY_VALUE_REJECTION';
        error.reason = reason;
        reason = error;
      }
      settle(reason);
    });
  };
}

function isDeepStrictEqual(a, b) {
  try {
    require('assert').deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

const kind = (value) => require('%inspectbinding').kind(value);
const types = {
  isPromise: (value) => kind(value) === 'Promise',
  isDate: (value) => kind(value) === 'Date',
  isRegExp: (value) => kind(value) === 'RegExp',
  isMap: (value) => kind(value) === 'Map',
  isSet: (value) => kind(value) === 'Set',
  isWeakMap: (value) => kind(value) === 'WeakMap',
  isWeakSet: (value) => kind(value) === 'WeakSet',
  isNativeError: (value) => kind(value) === 'Error',
  isUint8Array: (value) => kind(value) === 'Uint8Array',
  isArrayBuffer: (value) => kind(value) === 'ArrayBuffer',
  isGeneratorObject: (value) => kind(value) === 'Generator',
  isAsyncFunction: (value) => typeof value === 'function' && value[Symbol.toStringTag] === 'AsyncFunction',
  isGeneratorFunction: (value) => typeof value === 'function' && /^(GeneratorFunction|AsyncGeneratorFunction)$/.test(value[Symbol.toStringTag]),
};

// util.log (deprecated, DEP0059): "d Mon HH:MM:SS - message" on stdout.
const logMonths = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const log = deprecate(function log(...args) {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  const time = [pad(now.getHours()), pad(now.getMinutes()), pad(now.getSeconds())].join(':');
  console.log('%s - %s', `${now.getDate()} ${logMonths[now.getMonth()]} ${time}`, format(...args));
}, 'util.log() is deprecated. Use a third party module instead.', 'DEP0059');

module.exports = {
  log,
  promisify,
  callbackify,
  format,
  formatWithOptions: inspector.formatWithOptions,
  inspect,
  deprecate,
  inherits,
  isDeepStrictEqual,
  isArray: Array.isArray,
  types,
};
for (const name of ['TextEncoder', 'TextDecoder']) {
  Object.defineProperty(module.exports, name, { get: () => require('%encoding')[name], enumerable: true, configurable: true });
}
