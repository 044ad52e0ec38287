// Node's net module over simulated loopback TCP, in the JavaScript subset.
// Connecting takes a kernel round trip (no thread). A refused connection
// reports ECONNREFUSED from the poll phase, as epoll delivers it on Linux.
// Destroying a socket closes its handle with uv_close, so its 'close' event
// comes from the close-callbacks phase; a server's 'close' is emitted on
// process.nextTick once it has no connections (lib/net.js).
const EventEmitter = require('events');
const binding = require('%netbinding');

// On loopback the kernel completes the handshake (or answers with a reset)
// inside the connect() call itself, so the result is ready for the next poll.
const CONNECT_US = 0;
const servers = {};

class Socket extends EventEmitter {
  constructor(server) {
    super();
    this.server = server || null;
    this.destroyed = false;
    this.connecting = false;
    this.remotePort = undefined;
    this.peer = null;
  }

  connect(port, host, listener) {
    if (typeof host === 'function') listener = host;
    if (listener) this.once('connect', listener);
    this.connecting = true;
    this.remotePort = port;
    binding.ref(true);
    const socket = this;
    binding.hop('connect :' + port, CONNECT_US, function connectDone() {
      socket.connecting = false;
      const server = servers[port];
      if (!server || socket.destroyed) {
        const error = new Error('connect ECONNREFUSED 127.0.0.1:' + port);
        error.code = 'ECONNREFUSED';
        error.errno = -111;
        error.syscall = 'connect';
        socket.destroy(error);
        return;
      }
      const peer = new Socket(server);
      peer.peer = socket;
      socket.peer = peer;
      server.connections++;
      server.emit('connection', peer);
      if (!socket.destroyed) socket.emit('connect');
    });
    return this;
  }

  write(data, callback) {
    if (callback) process.nextTick(callback);
    return true;
  }

  end(data) {
    if (data !== undefined) this.write(data);
    return this.destroy();
  }

  setEncoding() {
    return this;
  }

  setNoDelay() {
    return this;
  }

  destroy(error) {
    if (this.destroyed) return this;
    this.destroyed = true;
    const socket = this;
    if (error) process.nextTick(() => socket.emit('error', error));
    if (this.server) {
      this.server.connections--;
      this.server._maybeClosed();
      this.server = null;
    } else {
      binding.ref(false);
    }
    binding.close(function socketClosed() {
      socket.emit('close', Boolean(error));
    });
    // The other end sees the connection end (a FIN on the wire), then closes.
    const peer = this.peer;
    if (peer && !peer.destroyed) {
      binding.hop('FIN → peer', CONNECT_US, function peerEnded() {
        if (peer.destroyed) return;
        peer.emit('end');
        peer.destroy();
      });
    }
    return this;
  }
}

class Server extends EventEmitter {
  constructor(listener) {
    super();
    if (listener) this.on('connection', listener);
    this.listening = false;
    this.port = null;
    this.connections = 0;
    this._closing = false;
  }

  listen(...args) {
    const callback = args.find((arg) => typeof arg === 'function');
    const port = typeof args[0] === 'number' && args[0] > 0 ? args[0] : binding.nextPort();
    this.port = port;
    this.listening = true;
    servers[port] = this;
    binding.ref(true);
    // The scenario's load (`@looplab load …`) reaches the server here.
    binding.listen(port, this);
    if (callback) this.once('listening', callback);
    const server = this;
    process.nextTick(() => server.emit('listening'));
    return this;
  }

  address() {
    return this.listening ? { address: '127.0.0.1', family: 'IPv4', port: this.port } : null;
  }

  close(callback) {
    if (callback) this.once('close', callback);
    if (this.listening) {
      this.listening = false;
      delete servers[this.port];
      binding.unlisten(this.port);
      binding.ref(false);
      // The listening handle's uv_close: it is closing until the close
      // phase, which keeps the loop alive until then (lib/net.js
      // Server.prototype.close calls this._handle.close()).
      binding.close(function serverHandleClosed() {});
    }
    this._closing = true;
    this._maybeClosed();
    return this;
  }

  // A load client's request on a plain net server: it connects, and
  // counts as answered when the server's 'connection' listener has run.
  _loadRequest(id) {
    const socket = new Socket(this);
    this.connections++;
    this.emit('connection', socket);
    binding.respond(id, 200);
    socket.destroy();
  }

  _maybeClosed() {
    if (this._closing && this.connections === 0) {
      this._closing = false;
      const server = this;
      process.nextTick(() => server.emit('close'));
    }
  }
}

function connect(port, host, listener) {
  if (typeof port === 'object') return new Socket().connect(port.port, port.host, host);
  return new Socket().connect(port, host, listener);
}

// net.isIPv4 / isIPv6 / isIP (lib/internal/net.js): 4, 6 or 0.
const v4Seg = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const v4Str = `(?:${v4Seg}\\.){3}${v4Seg}`;
const IPv4Reg = new RegExp(`^${v4Str}$`);
const v6Seg = '(?:[0-9a-fA-F]{1,4})';
const IPv6Reg = new RegExp('^(?:' +
  `(?:${v6Seg}:){7}(?:${v6Seg}|:)|` +
  `(?:${v6Seg}:){6}(?:${v4Str}|:${v6Seg}|:)|` +
  `(?:${v6Seg}:){5}(?::${v4Str}|(?::${v6Seg}){1,2}|:)|` +
  `(?:${v6Seg}:){4}(?:(?::${v6Seg}){0,1}:${v4Str}|(?::${v6Seg}){1,3}|:)|` +
  `(?:${v6Seg}:){3}(?:(?::${v6Seg}){0,2}:${v4Str}|(?::${v6Seg}){1,4}|:)|` +
  `(?:${v6Seg}:){2}(?:(?::${v6Seg}){0,3}:${v4Str}|(?::${v6Seg}){1,5}|:)|` +
  `(?:${v6Seg}:){1}(?:(?::${v6Seg}){0,4}:${v4Str}|(?::${v6Seg}){1,6}|:)|` +
  `(?::(?:(?::${v6Seg}){0,5}:${v4Str}|(?::${v6Seg}){1,7}|:))` +
')(?:%[0-9a-zA-Z-.:]{1,})?$');
const isIPv4 = (input) => IPv4Reg.test(`${input}`);
const isIPv6 = (input) => IPv6Reg.test(`${input}`);
const isIP = (input) => (isIPv4(input) ? 4 : isIPv6(input) ? 6 : 0);

module.exports = {
  isIP,
  isIPv4,
  isIPv6,
  createServer: (options, listener) => new Server(typeof options === 'function' ? options : listener),
  // For http: the server listening on a port, if any.
  serverOn: (port) => servers[port] || null,
  connect,
  createConnection: connect,
  Socket,
  Server,
};
