// Node's dgram module over simulated loopback UDP, in the JavaScript subset.
// As in lib/dgram.js, bind() and send() first resolve the address with
// dns.lookup (an IP literal answers on process.nextTick, a name takes the
// thread pool); the socket then binds and emits 'listening'. A datagram is in
// the receiver's socket buffer when sendmsg returns, so its 'message' event
// runs in the receiver's next poll phase. close() emits 'close' on
// process.nextTick.
const EventEmitter = require('events');
const binding = require('%netbinding');

// Bound UDP ports of this process: port -> receiver (a Socket, or c-ares'
// query socket in the dns module).
const bound = {};

function systemError(code, syscall, message) {
  const error = new Error(message || syscall + ' ' + code);
  error.code = code;
  error.errno = code === 'EADDRINUSE' ? -98 : -9;
  error.syscall = syscall;
  return error;
}

// Hands a datagram to the kernel: the receiver sees it in its next poll
// phase. Returns false when nothing is bound at the port (the datagram is
// dropped, as UDP does).
function deliver(fromPort, port, bytes) {
  const copy = Buffer.from(bytes);
  const receiving = Boolean(bound[port]);
  binding.hop('udp datagram :' + fromPort + ' to :' + port, 0, function datagramArrives() {
    const receiver = bound[port];
    if (receiver) {
      receiver._receive(copy, { address: '127.0.0.1', family: 'IPv4', port: fromPort, size: copy.length });
    }
  });
  return receiving;
}

function lookup(address, callback) {
  require('dns').lookup(address || '127.0.0.1', 4, callback);
}

class Socket extends EventEmitter {
  constructor(type, listener) {
    super();
    this.type = typeof type === 'object' && type ? type.type : type;
    if (this.type !== 'udp4' && this.type !== 'udp6') {
      const error = new TypeError('Bad socket type specified. Valid types are: udp4, udp6');
      error.code = 'ERR_SOCKET_BAD_TYPE';
      throw error;
    }
    this._port = null;
    this._address = null;
    this._binding = false;
    this._closed = false;
    this._referenced = true;
    this._queue = [];
    if (typeof listener === 'function') this.on('message', listener);
  }

  bind(port, address, callback) {
    if (typeof port === 'function') {
      callback = port;
      port = 0;
      address = undefined;
    } else if (port && typeof port === 'object') {
      callback = address;
      address = port.address;
      port = port.port;
    }
    if (typeof address === 'function') {
      callback = address;
      address = undefined;
    }
    if (this._binding || this._port !== null) {
      const error = new Error('Socket is already bound');
      error.code = 'ERR_SOCKET_ALREADY_BOUND';
      throw error;
    }
    if (typeof callback === 'function') this.once('listening', callback);
    this._binding = true;
    if (this._referenced) binding.ref(true);
    const socket = this;
    lookup(address || (this.type === 'udp6' ? '::' : '0.0.0.0'), function afterLookup(err, ip) {
      if (socket._closed) return;
      const wanted = port || 0;
      if (wanted !== 0 && bound[wanted]) {
        socket._binding = false;
        socket.emit('error', systemError('EADDRINUSE', 'bind', 'bind EADDRINUSE ' + ip + ':' + wanted));
        return;
      }
      socket._port = wanted === 0 ? binding.nextPort() : wanted;
      socket._address = ip;
      bound[socket._port] = socket;
      socket._binding = false;
      socket.emit('listening');
    });
    return this;
  }

  address() {
    if (this._port === null) throw systemError('EBADF', 'getsockname');
    return { address: this._address, family: this.type === 'udp6' ? 'IPv6' : 'IPv4', port: this._port };
  }

  send(msg, offset, length, port, address, callback) {
    let list = msg;
    if (typeof offset === 'number' && typeof length === 'number' && typeof port === 'number') {
      // send(msg, offset, length, port[, address][, callback])
      list = [Buffer.from(msg).subarray(offset, offset + length)];
    } else {
      // send(msg, port[, address][, callback])
      callback = port;
      address = length;
      port = offset;
      list = Array.isArray(msg) ? msg : [msg];
    }
    if (typeof address === 'function') {
      callback = address;
      address = undefined;
    }
    const parts = [];
    for (const part of list) parts.push(typeof part === 'string' ? Buffer.from(part) : part);
    const bytes = Buffer.concat(parts);
    if (this._closed) throw systemError('ERR_SOCKET_DGRAM_NOT_RUNNING', 'send', 'Not running');
    const socket = this;
    const doSend = function doSend() {
      lookup(address, function afterLookup(err, ip) {
        if (socket._closed) return;
        deliver(socket._port, port, bytes);
        if (typeof callback === 'function') callback(null, bytes.length);
      });
    };
    if (this._port === null) {
      // An unbound socket binds to a random port first (lib/dgram.js).
      this._queue.push(doSend);
      if (!this._binding) {
        this.bind(0);
        this.once('listening', function flushQueue() {
          const queue = socket._queue;
          socket._queue = [];
          for (const send of queue) send();
        });
      }
      return;
    }
    doSend();
  }

  _receive(msg, rinfo) {
    if (!this._closed) this.emit('message', msg, rinfo);
  }

  close(callback) {
    if (this._closed) throw systemError('ERR_SOCKET_DGRAM_NOT_RUNNING', 'close', 'Not running');
    if (typeof callback === 'function') this.on('close', callback);
    this._closed = true;
    if (this._port !== null && bound[this._port] === this) delete bound[this._port];
    if (this._referenced && (this._port !== null || this._binding)) binding.ref(false);
    this._referenced = false;
    const socket = this;
    process.nextTick(() => socket.emit('close'));
    return this;
  }

  ref() {
    if (!this._referenced && !this._closed) {
      this._referenced = true;
      if (this._port !== null || this._binding) binding.ref(true);
    }
    return this;
  }

  unref() {
    if (this._referenced) {
      this._referenced = false;
      if (this._port !== null || this._binding) binding.ref(false);
    }
    return this;
  }
}

function createSocket(type, listener) {
  return new Socket(type, listener);
}

// The UDP port table, for c-ares' query sockets in the dns module.
const udp = {
  deliver,
  bind(receiver) {
    const port = binding.nextPort();
    bound[port] = receiver;
    return port;
  },
  unbind(port) {
    delete bound[port];
  },
};

module.exports = { createSocket, Socket, '%udp': udp };
