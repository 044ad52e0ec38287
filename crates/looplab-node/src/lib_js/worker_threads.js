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
const kOnMessageError = Symbol('kOnMessageError');
const kStarted = Symbol('kStarted');
const kQueue = Symbol('kQueue');
const untransferable = new WeakSet();

function nodeError(Base, code, message) {
  const err = new Base(message);
  err.code = code;
  return err;
}

const { DOMException, Event } = require('%web');

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
    // markAsUntransferable: left out of the transfer list (copied, or for a
    // port, not in the list at all).
    if (untransferable.has(item)) continue;
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
      if (!ports.includes(v)) {
        // Node 20 words this one as a TypeError with a code, not a DataCloneError.
        throw nodeError(TypeError, 'ERR_MISSING_TRANSFERABLE_IN_TRANSFER_LIST', 'Object that needs transfer was found in message but not listed in transferList');
      }
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
    case 'p': {
      const port = portFor(tree.id);
      if (receivedPorts) receivedPorts.push(port);
      return port;
    }
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

// postMessage's second argument: an iterable transfer list, or options
// with one in `transfer` (Node's MessagePort::PostMessage checks both).
function transferListOf(options) {
  if (options === undefined || options === null) return [];
  if (typeof options !== 'object' && typeof options !== 'function') throw notIterable('transferList');
  if (typeof options[Symbol.iterator] === 'function') return iterateTransferList(options, 'transferList');
  const transfer = options.transfer;
  if (transfer === undefined) return [];
  if (transfer === null || (typeof transfer !== 'object' && typeof transfer !== 'function')) throw notIterable('options.transfer');
  return iterateTransferList(transfer, 'options.transfer');
}

function notIterable(name) {
  return nodeError(TypeError, 'ERR_INVALID_ARG_TYPE', `Optional ${name} argument must be an iterable`);
}

function iterateTransferList(iterable, name) {
  const method = iterable[Symbol.iterator];
  if (typeof method !== 'function') throw notIterable(name);
  const iterator = method.call(iterable);
  if (iterator === null || typeof iterator !== 'object' || typeof iterator.next !== 'function') throw notIterable(name);
  const list = [];
  for (let step = iterator.next(); !step.done; step = iterator.next()) list.push(step.value);
  return list;
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

// The ports a message being delivered carried (its MessageEvent's ports).
let receivedPorts = null;

// Node's MessagePort is a NodeEventTarget: an EventTarget with the
// EventEmitter methods, one set of listeners. Here it is an EventEmitter
// whose EventTarget methods reach the same listeners: an EventTarget
// listener gets an event (a MessageEvent for messages; for anything
// emitted, an event whose detail is the value), an EventEmitter listener
// gets the value.
const kEventListeners = Symbol('kEventListeners');

class NodeEventTarget extends EventEmitter {
  addEventListener(type, listener, options) {
    if (listener === null || listener === undefined) return;
    type = String(type);
    if (!this[kEventListeners]) this[kEventListeners] = [];
    if (this[kEventListeners].some((entry) => entry.type === type && entry.listener === listener)) return;
    const target = this;
    const once = typeof options === 'object' && options !== null && Boolean(options.once);
    const wrapper = function eventListener(value) {
      if (once) target.removeEventListener(type, listener);
      const event = type === 'message' || type === 'messageerror' ? messageEvent(type, value, target) : detailEvent(type, value, target);
      if (typeof listener === 'function') listener.call(target, event);
      else if (typeof listener.handleEvent === 'function') listener.handleEvent(event);
    };
    this[kEventListeners].push({ type, listener, wrapper });
    this.on(type, wrapper);
  }

  removeEventListener(type, listener) {
    const list = this[kEventListeners];
    if (!list) return;
    const index = list.findIndex((entry) => entry.type === String(type) && entry.listener === listener);
    if (index < 0) return;
    const [entry] = list.splice(index, 1);
    this.off(entry.type, entry.wrapper);
  }

  dispatchEvent(event) {
    if (!(event instanceof Event)) throw nodeError(TypeError, 'ERR_INVALID_ARG_TYPE', 'The "event" argument must be an instance of Event. Received ' + typeof event);
    this.emit(event.type, event instanceof MessageEvent ? event.data : event.detail);
    return !event.defaultPrevented;
  }
}

function messageEvent(type, data, target) {
  const event = new MessageEvent(type, { data, ports: receivedPorts || [] });
  event._target = target;
  event._currentTarget = target;
  return event;
}

function detailEvent(type, detail, target) {
  const event = new Event(type);
  Object.defineProperty(event, 'detail', { value: detail, configurable: true });
  event._target = target;
  event._currentTarget = target;
  return event;
}

// HTML's MessageEvent, a global in Node (lib/internal/worker/io.js).
const kData = Symbol('kData');
class MessageEvent extends Event {
  constructor(type, init = undefined) {
    super(type, init);
    const { data = null, origin = '', lastEventId = '', source = null, ports = [] } = init ?? {};
    if (source !== null && !(source instanceof MessagePort)) throw invalidProperty('init.source', source);
    const list = [...ports];
    list.forEach((port, index) => {
      if (!(port instanceof MessagePort)) throw invalidProperty(`init.ports[${index}]`, port);
    });
    this[kData] = { data, origin: `${origin}`, lastEventId: `${lastEventId}`, source, ports: list };
  }

  get data() { return this[kData].data; }
  get origin() { return this[kData].origin; }
  get lastEventId() { return this[kData].lastEventId; }
  get source() { return this[kData].source; }
  get ports() { return this[kData].ports; }
}

function invalidProperty(name, value) {
  const { describe } = require('%errors');
  return nodeError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "${name}" property must be an instance of MessagePort. Received ${describe(value)}`);
}

// A message, or the channel's close, arriving at a port.
function receive(port, tree) {
  if (tree !== null && typeof tree === 'object' && tree['%close'] === true) {
    if (port._closeEmitted) return;
    port._closed = true;
    port._closeEmitted = true;
    port.unref();
    portsById.delete(port[kId]);
    port.emit('close');
    return;
  }
  // What arrived before the channel's 'close' is still emitted, even after
  // this end called close() (Node drains the port's queue first).
  if (port._closeEmitted) return;
  if (!port[kStarted]) {
    // A stopped port keeps what arrives until it starts (a 'message'
    // listener, onmessage or start()).
    port[kQueue].push(JSON.stringify(tree));
    return;
  }
  receivedPorts = [];
  try {
    port.emit('message', deserialize(tree));
  } finally {
    receivedPorts = null;
  }
}

// Ports are made here only: the exported MessagePort, like Node's, throws
// when called or constructed, and shares this class's prototype.
class Port extends NodeEventTarget {
  constructor(id) {
    super();
    this[kId] = id;
    this._closed = false;
    this._closeEmitted = false;
    this._referenced = false;
    this[kOnMessage] = null;
    portsById.set(id, this);
    this[kStarted] = false;
    this[kQueue] = [];
    // Node's setupPortReferencing: the first 'message' listener refs and
    // starts the port, removing the last one stops and unrefs it.
    this.on('newListener', (name) => {
      if (name === 'message' && this.listenerCount('message') === 0) {
        this.ref();
        startPort(this);
      }
    });
    this.on('removeListener', (name) => {
      if (name === 'message' && this.listenerCount('message') === 0) {
        this[kStarted] = false;
        this.unref();
      }
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
    binding.portClose(this[kId], () => receive(port, { '%close': true }));
  }

  start() {
    startPort(this);
  }

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
    setHandler(this, 'message', handler);
  }

  get onmessageerror() {
    return this[kOnMessageError] ? this[kOnMessageError].handler : null;
  }

  set onmessageerror(handler) {
    setHandler(this, 'messageerror', handler);
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `MessagePort [EventTarget] { active: ${!this._closed && this[kId] !== null}, refed: ${this._referenced} }`;
  }
}

function startPort(port) {
  if (port[kStarted]) return;
  port[kStarted] = true;
  const queue = port[kQueue];
  port[kQueue] = [];
  for (const payload of queue) binding.portRequeue(port[kId], payload);
}

function setHandler(port, type, handler) {
  const key = type === 'message' ? kOnMessage : kOnMessageError;
  if (port[key]) port.removeEventListener(type, port[key].handler);
  if (typeof handler !== 'function') {
    port[key] = null;
    return;
  }
  port[key] = { handler };
  port.addEventListener(type, handler);
}

function MessagePort() {
  throw nodeError(TypeError, 'ERR_CONSTRUCT_CALL_INVALID', 'Constructor cannot be called');
}
MessagePort.prototype = Port.prototype;
Object.defineProperty(Port.prototype, 'constructor', { value: MessagePort, writable: true, configurable: true });
Object.setPrototypeOf(MessagePort, NodeEventTarget);

function MessageChannel() {
  if (new.target === undefined) throw nodeError(TypeError, 'ERR_CONSTRUCT_CALL_REQUIRED', "Class constructor MessageChannel cannot be invoked without 'new'");
  const [id1, id2] = binding.channel();
  this.port1 = new Port(id1);
  this.port2 = new Port(id2);
}

binding.setPortReceiver((id, tree) => {
  const port = portsById.get(id);
  if (port) receive(port, tree);
});
binding.setDeserializer(deserialize);

class Worker extends EventEmitter {
  constructor(code, options) {
    super();
    if (typeof code !== 'string' && !(code instanceof URL)) {
      throw require('%errors').invalidArgType('filename', 'of type string or an instance of URL', code);
    }
    const data = options && 'workerData' in options ? serialize(options.workerData, transferListOf(options.transferList), null) : null;
    this.threadId = binding.spawn(String(code), Boolean(options && options.eval), data ? data.payload : '', data ? data.moved : []);
    this._exited = false;
    binding.register(this.threadId, this);
    this.once('exit', () => { this._exited = true; });
    // lib/internal/worker.js: the process hears of each new Worker.
    const worker = this;
    process.nextTick(function emitWorkerEvent() { process.emit('worker', worker); });
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

// worker_threads.receiveMessageOnPort: the port's next message, taken now
// (not emitted), as { message }; undefined when there is none.
function receiveMessageOnPort(port) {
  if (!(port instanceof MessagePort)) throw nodeError(TypeError, 'ERR_INVALID_ARG_TYPE', 'The "port" argument must be a MessagePort instance');
  if (port[kId] === null || port._closeEmitted) return undefined;
  const payload = port[kQueue].length > 0 ? port[kQueue].shift() : binding.portTake(port[kId]);
  if (payload === undefined) return undefined;
  return { message: deserialize(JSON.parse(payload)) };
}

// worker_threads.markAsUntransferable: the object is copied, never moved,
// and a port so marked cannot be posted at all.
function markAsUntransferable(object) {
  if ((typeof object !== 'object' && typeof object !== 'function') || object === null) return;
  untransferable.add(object);
}

// Looplab has one context per thread: moving a port into another is refused.
function moveMessagePortToContext(port) {
  if (port instanceof MessagePort && (port._closed || port[kId] === null)) {
    throw nodeError(Error, 'ERR_CLOSED_MESSAGE_PORT', 'Cannot send data on closed MessagePort');
  }
  throw new Error('not supported in Looplab: worker_threads.moveMessagePortToContext');
}

module.exports = { Worker, MessagePort, MessageChannel, MessageEvent, DOMException, receiveMessageOnPort, markAsUntransferable, moveMessagePortToContext, isMainThread, parentPort, threadId, workerData };
