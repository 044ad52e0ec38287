// worker_threads in the JavaScript subset. Each Worker is a JS thread with
// its own VM and event loop (the engine's thread), sharing the process's
// thread pool. Messages are copied and reach the other thread's poll phase.
// A Worker keeps its parent alive until it exits; a worker's parentPort,
// once listened to, keeps the worker alive until it is closed.
const EventEmitter = require('events');
const binding = require('%workerbinding');

class Worker extends EventEmitter {
  constructor(code, options) {
    super();
    this.threadId = binding.spawn(String(code), Boolean(options && options.eval));
    binding.register(this.threadId, this);
  }

  postMessage(value) {
    binding.post(this.threadId, 0, value);
  }

  ref() {
    return this;
  }

  unref() {
    return this;
  }
}

class MessagePort extends EventEmitter {
  constructor() {
    super();
    this.referenced = false;
    this.closed = false;
  }

  postMessage(value) {
    if (!this.closed) binding.post(0, binding.threadId(), value);
  }

  on(name, listener) {
    super.on(name, listener);
    if (name === 'message' && !this.referenced && !this.closed) {
      this.referenced = true;
      binding.ref(true);
    }
    return this;
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    if (this.referenced) {
      this.referenced = false;
      binding.ref(false);
    }
    const port = this;
    process.nextTick(() => port.emit('close'));
  }

  unref() {
    if (this.referenced) {
      this.referenced = false;
      binding.ref(false);
    }
    return this;
  }

  ref() {
    if (!this.referenced && !this.closed) {
      this.referenced = true;
      binding.ref(true);
    }
    return this;
  }
}

const threadId = binding.threadId();
const isMainThread = threadId === 0;
let parentPort = null;
if (!isMainThread) {
  parentPort = new MessagePort();
  binding.setParentPort(parentPort);
}

module.exports = { Worker, MessagePort, isMainThread, parentPort, threadId, workerData: null };
