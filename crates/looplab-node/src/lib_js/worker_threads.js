// worker_threads in the JavaScript subset. Each Worker is a JS thread with
// its own VM and event loop (the engine's thread), sharing the process's
// thread pool. Messages are copied (a structured clone, below) and reach
// the other thread's poll phase, as uv_async delivers them in Node; that
// holds for a MessageChannel's two ports on one thread too. A Worker keeps
// its parent alive until it exits; a port with a 'message' listener keeps
// its thread alive until it is closed (docs: worker_threads, port.ref()).
const EventEmitter = require('events');
const binding = require('%workerbinding');

const kCreate = Symbol('kCreate');
const kId = Symbol('kId');
const kOnMessage = Symbol('kOnMessage');

function nodeError(Base, code, message) {
  const err = new Base(message);
  err.code = code;
  return err;
}

const { DOMException } = require('%web');

function dataCloneError(message) {
  return new DOMException(message, 'DataCloneError');
}

// The structured clone algorithm (HTML, "StructuredSerializeWithTransfer"),
// for the values Looplab has, as a JSON tree: special values are objects
// with a '%t' tag. Ports and ArrayBuffers in the transfer list move.
function serialize(value, transferList, source) {
  const ports = [];
  const buffers = [];
  for (const item of transferList) {
    if (item instanceof MessagePort) {
      if (item === source) throw dataCloneError('Transfer list contains source port');
      if (ports.includes(item)) throw dataCloneError('Transfer list contains duplicate MessagePort');
      if (item[kId] === null || item._closed) throw dataCloneError('MessagePort in transfer list is already detached');
      ports.push(item);
    } else if (item instanceof ArrayBuffer) {
      if (buffers.includes(item)) throw dataCloneError('Transfer list contains duplicate ArrayBuffer');
      buffers.push(item);
    } else {
      throw dataCloneError('Found invalid value in transferList.');
    }
  }
  const seen = new Set();
  function walk(v) {
    if (v === undefined) return { '%t': 'u' };
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (Number.isFinite(v) && !Object.is(v, -0)) return v;
      return { '%t': 'n', v: String(v === 0 ? '-0' : v) };
    }
    if (typeof v === 'function') throw dataCloneError(`${String(v)} could not be cloned.`);
    if (typeof v !== 'object') throw dataCloneError(`${String(v)} could not be cloned.`);
    if (v instanceof MessagePort) {
      if (!ports.includes(v)) throw dataCloneError('Object that needs transfer was found in message but not listed in transferList');
      return { '%t': 'p', id: v[kId] };
    }
    if (seen.has(v)) throw new Error('not supported in Looplab: a message that contains itself (a cycle)');
    seen.add(v);
    let out;
    if (v instanceof ArrayBuffer) out = { '%t': 'ab', bytes: Array.from(new Uint8Array(v)) };
    else if (v instanceof Uint8Array) out = { '%t': 'u8', bytes: Array.from(v) };
    else if (v instanceof Date) out = { '%t': 'd', v: v.getTime() };
    else if (v instanceof RegExp) out = { '%t': 'r', source: v.source, flags: v.flags };
    else if (v instanceof Map) out = { '%t': 'm', entries: Array.from(v, ([k, x]) => [walk(k), walk(x)]) };
    else if (v instanceof Set) out = { '%t': 's', values: Array.from(v, walk) };
    else if (v instanceof Error) out = { '%t': 'e', name: v.name, message: v.message, stack: v.stack };
    else if (Array.isArray(v)) {
      out = [];
      for (let i = 0; i < v.length; i++) out.push(walk(v[i]));
    } else {
      out = {};
      for (const key of Object.keys(v)) out[key] = walk(v[key]);
      if (Object.prototype.hasOwnProperty.call(out, '%t')) out = { '%t': 'o', v: out };
    }
    seen.delete(v);
    return out;
  }
  const tree = walk(value);
  for (const buffer of buffers) binding.detach(buffer);
  const moved = ports.map((port) => port[kId]);
  // A transferred port's object here is detached: it no longer receives.
  for (const port of ports) {
    port.unref();
    portsById.delete(port[kId]);
    port[kId] = null;
  }
  return { payload: JSON.stringify(tree), moved };
}

const errorConstructors = { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };

function deserialize(tree) {
  if (tree === null || typeof tree !== 'object') return tree;
  if (Array.isArray(tree)) return tree.map(deserialize);
  switch (tree['%t']) {
    case undefined: {
      const out = {};
      for (const key of Object.keys(tree)) out[key] = deserialize(tree[key]);
      return out;
    }
    case 'u': return undefined;
    case 'n': return tree.v === '-0' ? -0 : Number(tree.v);
    case 'p': return portFor(tree.id);
    case 'ab': return new Uint8Array(tree.bytes).buffer;
    case 'u8': return new Uint8Array(tree.bytes);
    case 'd': return new Date(tree.v);
    case 'r': return new RegExp(tree.source, tree.flags);
    case 'm': return new Map(tree.entries.map(([k, v]) => [deserialize(k), deserialize(v)]));
    case 's': return new Set(tree.values.map(deserialize));
    case 'e': {
      const err = new (errorConstructors[tree.name] || Error)(tree.message);
      Object.defineProperty(err, 'stack', { value: tree.stack, writable: true, configurable: true });
      return err;
    }
    case 'o': {
      const out = {};
      for (const key of Object.keys(tree.v)) out[key] = deserialize(tree.v[key]);
      return out;
    }
    default: return tree;
  }
}

function transferListOf(options) {
  if (options === undefined || options === null) return [];
  if (Array.isArray(options)) return options;
  if (typeof options === 'object' && options.transfer !== undefined) return Array.from(options.transfer);
  return [];
}

// This thread's ports by id, for messages that arrive for them.
const portsById = new Map();

function portFor(id) {
  let port = portsById.get(id);
  if (!port) {
    port = new Port(id);
  }
  return port;
}

// Ports are made here only: the exported MessagePort, like Node's, throws
// when called or constructed, and shares this class's prototype.
class Port extends EventEmitter {
  constructor(id) {
    super();
    this[kId] = id;
    this._closed = false;
    this._closeEmitted = false;
    this._referenced = false;
    this[kOnMessage] = null;
    portsById.set(id, this);
    // Node's setupPortReferencing: a 'message' listener refs the port, the
    // last one removed unrefs it.
    this.on('newListener', (name) => {
      if (name === 'message' && this.listenerCount('message') === 0) this.ref();
    });
    this.on('removeListener', (name) => {
      if (name === 'message' && this.listenerCount('message') === 0) this.unref();
    });
  }

  postMessage(value, transferList) {
    const { payload, moved } = serialize(value, transferListOf(transferList), this);
    if (this[kId] === null || this._closed) return;
    if (binding.portPost(this[kId], payload, moved) === 'lost') {
      process.emitWarning('The target port was posted to itself, and the communication channel was lost');
      this.close();
    }
  }

  // Closing either end closes the channel: no more messages are received
  // here, and both ends get 'close' (after what was already sent).
  close(callback) {
    if (typeof callback === 'function') this.once('close', callback);
    if (this[kId] === null || this._closed) return;
    this._closed = true;
    this.unref();
    const port = this;
    binding.portClose(this[kId], () => port._receive({ '%close': true }));
  }

  start() {}

  ref() {
    if (!this._referenced && !this._closed && this[kId] !== null) {
      this._referenced = true;
      binding.ref(true);
    }
    return this;
  }

  unref() {
    if (this._referenced) {
      this._referenced = false;
      binding.ref(false);
    }
    return this;
  }

  hasRef() {
    return this._referenced;
  }

  get onmessage() {
    return this[kOnMessage] ? this[kOnMessage].handler : null;
  }

  // An EventTarget's handler gets a MessageEvent: the value is its `data`.
  set onmessage(handler) {
    if (this[kOnMessage]) this.off('message', this[kOnMessage].wrapper);
    if (typeof handler !== 'function') {
      this[kOnMessage] = null;
      return;
    }
    const port = this;
    const wrapper = (data) => handler.call(port, { type: 'message', data, target: port, ports: [] });
    this[kOnMessage] = { handler, wrapper };
    this.on('message', wrapper);
  }

  _receive(tree) {
    if (tree !== null && typeof tree === 'object' && tree['%close'] === true) {
      if (this._closeEmitted) return;
      this._closed = true;
      this._closeEmitted = true;
      this.unref();
      portsById.delete(this[kId]);
      this.emit('close');
      return;
    }
    if (!this._closed) this.emit('message', deserialize(tree));
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `MessagePort [EventTarget] { active: ${!this._closed && this[kId] !== null}, refed: ${this._referenced} }`;
  }
}

function MessagePort() {
  throw nodeError(TypeError, 'ERR_CONSTRUCT_CALL_INVALID', 'Constructor cannot be called');
}
MessagePort.prototype = Port.prototype;
Object.defineProperty(Port.prototype, 'constructor', { value: MessagePort, writable: true, configurable: true });
Object.setPrototypeOf(MessagePort, EventEmitter);

function MessageChannel() {
  if (new.target === undefined) throw nodeError(TypeError, 'ERR_CONSTRUCT_CALL_REQUIRED', "Class constructor MessageChannel cannot be invoked without 'new'");
  const [id1, id2] = binding.channel();
  this.port1 = new Port(id1);
  this.port2 = new Port(id2);
}

binding.setPortReceiver((id, tree) => {
  const port = portsById.get(id);
  if (port) port._receive(tree);
});
binding.setDeserializer(deserialize);

class Worker extends EventEmitter {
  constructor(code, options) {
    super();
    const data = options && 'workerData' in options ? serialize(options.workerData, transferListOf(options.transferList), null) : null;
    this.threadId = binding.spawn(String(code), Boolean(options && options.eval), data ? data.payload : '', data ? data.moved : []);
    this._exited = false;
    binding.register(this.threadId, this);
    this.once('exit', () => { this._exited = true; });
  }

  postMessage(value, transferList) {
    const { payload, moved } = serialize(value, transferListOf(transferList), null);
    if (!this._exited) binding.post(this.threadId, 0, payload, moved);
  }

  // Docs: "Stop all JavaScript execution in the worker thread as soon as
  // possible. Returns a Promise for the exit code" ('exit' comes with 1).
  terminate() {
    const worker = this;
    return new Promise((resolve) => {
      if (worker._exited) return resolve(undefined);
      worker.once('exit', (code) => resolve(code));
      binding.terminate(worker.threadId);
    });
  }

  ref() {
    return this;
  }

  unref() {
    return this;
  }
}

const threadId = binding.threadId();
const isMainThread = threadId === 0;
let parentPort = null;
let workerData = null;
if (!isMainThread) {
  // The parent's end: posting goes to thread 0's Worker object of this thread.
  parentPort = new Port(-1);
  parentPort.postMessage = function postMessage(value, transferList) {
    const { payload, moved } = serialize(value, transferListOf(transferList), this);
    if (!this._closed) binding.post(0, threadId, payload, moved);
  };
  parentPort.close = function close(callback) {
    if (typeof callback === 'function') this.once('close', callback);
    if (this._closed) return;
    this._closed = true;
    this.unref();
    const port = this;
    process.nextTick(() => port.emit('close'));
  };
  binding.setParentPort(parentPort);
  const data = binding.workerData();
  workerData = data === '' ? undefined : deserialize(JSON.parse(data));
}

// Looplab has one context per thread: moving a port into another is refused.
function moveMessagePortToContext(port) {
  if (port instanceof MessagePort && (port._closed || port[kId] === null)) {
    throw nodeError(Error, 'ERR_CLOSED_MESSAGE_PORT', 'Cannot send data on closed MessagePort');
  }
  throw new Error('not supported in Looplab: worker_threads.moveMessagePortToContext');
}

module.exports = { Worker, MessagePort, MessageChannel, DOMException, moveMessagePortToContext, isMainThread, parentPort, threadId, workerData };
