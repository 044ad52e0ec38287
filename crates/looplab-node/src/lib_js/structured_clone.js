// structuredClone(value, { transfer }) (HTML Standard, "Safe passing of
// structured data"; V8's ValueSerializer decides what clones): primitives,
// wrappers of primitives, Date, RegExp, ArrayBuffer (copied, or moved when
// transferred), SharedArrayBuffer (shared), typed arrays and DataView (a
// Buffer comes back a Uint8Array), Map, Set, Error (name, message, stack,
// cause), arrays and ordinary objects (own enumerable string keys, read
// with their getters; the prototype is not kept), cycles and shared
// references kept. Functions, symbols and other exotic objects (Promise,
// WeakMap, generators, arguments) throw V8's DataCloneError.
'use strict';
const { DOMException } = require('%web');
const inspectBinding = require('%inspectbinding');
const { nodeError } = require('%errors');

function dataCloneError(message) {
  return new DOMException(message, 'DataCloneError');
}

const errorConstructors = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
const viewKinds = new Set(['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
  'Uint32Array', 'Float32Array', 'Float64Array', 'DataView']);

// V8's name for an object it cannot clone: #<Constructor>.
function unclonable(value) {
  const constructor = Object.getPrototypeOf(value)?.constructor;
  const name = typeof constructor === 'function' && constructor.name ? constructor.name : 'Object';
  return dataCloneError(`#<${name}> could not be cloned.`);
}

function structuredClone(value, options = undefined) {
  if (arguments.length === 0) throw nodeError(TypeError, 'ERR_MISSING_ARGS', 'The value argument must be specified');
  const transfer = options !== undefined && options !== null && options.transfer !== undefined ? Array.from(options.transfer) : [];
  for (const item of transfer) {
    if (!(item instanceof ArrayBuffer)) throw dataCloneError('Found invalid value in transferList.');
  }
  const memory = new Map();

  function copyKeys(from, to) {
    for (const key of Object.keys(from)) to[key] = clone(from[key]);
  }

  function clone(v) {
    if (typeof v === 'symbol') throw dataCloneError(`${String(v)} could not be cloned.`);
    if (typeof v === 'function') throw dataCloneError(`${Function.prototype.toString.call(v)} could not be cloned.`);
    if (v === null || typeof v !== 'object') return v;
    if (memory.has(v)) return memory.get(v);
    const kind = inspectBinding.kind(v);
    let out;
    switch (kind) {
      case 'NumberObject': out = Object(Number.prototype.valueOf.call(v)); break;
      case 'StringObject': out = Object(String.prototype.valueOf.call(v)); break;
      case 'BooleanObject': out = Object(Boolean.prototype.valueOf.call(v)); break;
      case 'SymbolObject': throw dataCloneError('[object Symbol] could not be cloned.');
      case 'Date': out = new Date(Date.prototype.getTime.call(v)); break;
      case 'RegExp': out = new RegExp(v.source, v.flags); break;
      case 'ArrayBuffer':
        if (typeof SharedArrayBuffer === 'function' && v instanceof SharedArrayBuffer) out = v;
        else out = v.slice(0);
        break;
      case 'Map': {
        out = new Map();
        memory.set(v, out);
        for (const [key, entry] of Map.prototype.entries.call(v)) out.set(clone(key), clone(entry));
        return out;
      }
      case 'Set': {
        out = new Set();
        memory.set(v, out);
        for (const entry of Set.prototype.values.call(v)) out.add(clone(entry));
        return out;
      }
      case 'Array': {
        out = new Array(v.length);
        memory.set(v, out);
        copyKeys(v, out);
        return out;
      }
      case 'Error': {
        const name = Object.prototype.hasOwnProperty.call(errorConstructors, v.name) ? v.name : 'Error';
        out = Object.create(errorConstructors[name].prototype);
        memory.set(v, out);
        const message = Object.getOwnPropertyDescriptor(v, 'message');
        if (message) Object.defineProperty(out, 'message', { value: String(v.message), writable: true, configurable: true });
        Object.defineProperty(out, 'stack', { value: v.stack === undefined ? undefined : String(v.stack), writable: true, configurable: true });
        if (Object.prototype.hasOwnProperty.call(v, 'cause')) {
          Object.defineProperty(out, 'cause', { value: clone(v.cause), writable: true, configurable: true });
        }
        return out;
      }
      case 'Object':
        out = {};
        memory.set(v, out);
        copyKeys(v, out);
        return out;
      default:
        if (viewKinds.has(kind)) {
          const buffer = clone(v.buffer);
          const Ctor = globalThis[kind];
          out = kind === 'DataView' ? new DataView(buffer, v.byteOffset, v.byteLength) : new Ctor(buffer, v.byteOffset, v.length);
          break;
        }
        throw unclonable(v);
    }
    memory.set(v, out);
    return out;
  }

  // A transferred buffer moves: the clone takes its bytes, it is detached.
  for (const buffer of transfer) {
    if (memory.has(buffer)) throw dataCloneError('Transfer list contains duplicate ArrayBuffer');
    memory.set(buffer, buffer.slice(0));
  }
  const result = clone(value);
  if (transfer.length > 0) {
    const detach = require('%workerbinding').detach;
    for (const buffer of transfer) detach(buffer);
  }
  return result;
}

module.exports = { structuredClone };
