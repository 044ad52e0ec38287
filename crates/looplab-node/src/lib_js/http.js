// Node's http module over simulated loopback sockets, in the JavaScript
// subset. The network is kernel I/O: a request or response travels for
// LOOPBACK_US with no thread involved, and its handler runs in the poll
// phase, as epoll would deliver it. A listening server is a ref'd handle: it
// keeps the process alive until server.close().
const EventEmitter = require('events');
const net = require('net');
const binding = require('%netbinding');
const { nodeError, invalidArgType } = require('%errors');
const { nameCallback } = require('%tracebinding');

// One-way latency of a request or response on loopback, in microseconds.
const LOOPBACK_US = 50;

class IncomingMessage extends EventEmitter {
  constructor(url, method, headers) {
    super();
    this.url = url;
    this.method = method;
    this.headers = headers || {};
    this.statusCode = undefined;
    this.complete = false;
    this._flowing = false;
    // The body not yet emitted. Not `_body`: body-parser sets req._body.
    this._unread = null;
  }

  // A Readable starts paused: 'data' and 'end' come once it flows, when a
  // 'data' listener is added or resume() is called (Node docs, stream,
  // "Two reading modes"). Listening to 'end' alone does not start it.
  on(name, listener) {
    super.on(name, listener);
    if (name === 'data') this.resume();
    return this;
  }

  resume() {
    if (!this._flowing) {
      this._flowing = true;
      this._flow();
    }
    return this;
  }

  setEncoding() {
    return this;
  }

  // The server discards an unread request once its response has finished
  // (lib/_http_server.js, resOnFinish -> req._dump()), so its 'end' comes.
  _dump() {
    this.resume();
  }

  _deliver(body) {
    this._unread = body;
    this._flow();
  }

  // The body arrives with the headers on loopback; a flowing stream emits
  // it from process.nextTick, then 'end'. With nobody listening the stream
  // just completes: nothing observable would happen.
  _flow() {
    if (!this._flowing || this._unread === null) return;
    const body = this._unread;
    this._unread = null;
    if (this.listenerCount('data') === 0 && this.listenerCount('end') === 0) {
      this.complete = true;
      return;
    }
    const message = this;
    process.nextTick(() => {
      if (body.length > 0) message.emit('data', body);
      message.complete = true;
      process.nextTick(() => message.emit('end'));
    });
  }
}

// lib/_http_outgoing.js, write_: a chunk is a string or bytes.
function checkChunk(chunk) {
  if (chunk === null) throw nodeError(TypeError, 'ERR_STREAM_NULL_VALUES', 'May not write null values to stream');
  if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
    throw invalidArgType('chunk', 'of type string or an instance of Buffer or Uint8Array', chunk);
  }
}

class ServerResponse extends EventEmitter {
  constructor(request, exchange) {
    super();
    this.req = request;
    this.statusCode = 200;
    this.headers = {};
    this.headersSent = false;
    this.finished = false;
    this.writableEnded = false;
    this._chunks = [];
    this._exchange = exchange;
  }

  setHeader(name, value) {
    this.headers[String(name).toLowerCase()] = value;
    return this;
  }

  getHeader(name) {
    return this.headers[String(name).toLowerCase()];
  }

  removeHeader(name) {
    delete this.headers[String(name).toLowerCase()];
  }

  hasHeader(name) {
    return Object.hasOwn(this.headers, String(name).toLowerCase());
  }

  getHeaderNames() {
    return Object.keys(this.headers);
  }

  getHeaders() {
    return Object.assign(Object.create(null), this.headers);
  }

  writeHead(statusCode, headers) {
    this.statusCode = statusCode;
    if (headers) {
      for (const name of Object.keys(headers)) this.setHeader(name, headers[name]);
    }
    return this;
  }

  write(chunk) {
    checkChunk(chunk);
    this._chunks.push(String(chunk));
    return true;
  }

  // end([chunk[, encoding]][, callback]): a falsy chunk writes nothing; the
  // callback listens for 'finish'.
  end(chunk, encoding, callback) {
    if (typeof chunk === 'function') {
      callback = chunk;
      chunk = null;
    } else if (typeof encoding === 'function') {
      callback = encoding;
    }
    if (chunk) checkChunk(chunk);
    if (this.finished) return this;
    if (chunk) this._chunks.push(String(chunk));
    if (typeof callback === 'function') this.once('finish', callback);
    this.finished = true;
    this.writableEnded = true;
    this.headersSent = true;
    const exchange = this._exchange;
    if (typeof exchange.id === 'number') binding.respond(exchange.id, this.statusCode);
    else exchange.respond(this.statusCode, this.headers, this._chunks.join(''));
    this.emit('finish');
    const request = this.req;
    if (request && !request._flowing) process.nextTick(() => request._dump());
    return this;
  }
}

// As in Node, an http.Server is a net.Server whose connections carry
// requests: listening, address() and close() are net's.
class Server extends net.Server {
  constructor(handler) {
    super();
    if (handler) this.on('request', handler);
  }

  // A request from the scenario's load: Node's parser has the whole
  // request, so 'request' is emitted with an IncomingMessage whose (empty)
  // body follows; ending the response answers the client.
  _loadRequest(id, method, path) {
    const incoming = new IncomingMessage(path, method, { host: 'localhost' });
    // No closure over this scope: the request's objects hold no cycle, so
    // they are freed once it is answered.
    const exchange = { id };
    nameRequestCallback(this, method, path);
    this.emit('request', incoming, new ServerResponse(incoming, exchange));
    incoming._deliver('');
  }
}

class ClientRequest extends EventEmitter {
  constructor(options, callback) {
    super();
    this.method = (options.method || 'GET').toUpperCase();
    this.path = options.path || '/';
    this.port = Number(options.port) || 80;
    this.host = options.hostname || options.host || 'localhost';
    this.headers = options.headers || {};
    this._body = [];
    this._ended = false;
    if (callback) this.once('response', callback);
  }

  setHeader(name, value) {
    this.headers[String(name).toLowerCase()] = value;
  }

  write(chunk) {
    this._body.push(String(chunk));
    return true;
  }

  setTimeout() {
    return this;
  }

  end(chunk) {
    if (this._ended) return this;
    if (chunk !== undefined && chunk !== null) this._body.push(String(chunk));
    this._ended = true;
    const request = this;
    const label = this.method + ' ' + this.path + ' → :' + this.port;
    binding.hop(label, LOOPBACK_US, function deliverRequest() {
      const server = net.serverOn(request.port);
      if (!server) {
        const error = new Error('connect ECONNREFUSED 127.0.0.1:' + request.port);
        error.code = 'ECONNREFUSED';
        request.emit('error', error);
        return;
      }
      const incoming = new IncomingMessage(request.path, request.method, request.headers);
      const exchange = {
        respond(statusCode, headers, body) {
          binding.hop(statusCode + ' for ' + request.path + ' → client', LOOPBACK_US, function deliverResponse() {
            const response = new IncomingMessage(request.path, request.method, headers);
            response.statusCode = statusCode;
            request.emit('response', response);
            response._deliver(body);
          });
        },
      };
      const response = new ServerResponse(incoming, exchange);
      nameRequestCallback(server, request.method, request.path);
      server.emit('request', incoming, response);
      incoming._deliver(request._body.join(''));
    });
    return this;
  }
}

function parseTarget(target, options) {
  if (typeof target !== 'string') return Object.assign({}, target, options || {});
  const url = target.startsWith('http://') ? target.slice('http://'.length) : target;
  const slash = url.indexOf('/');
  const hostPort = slash >= 0 ? url.slice(0, slash) : url;
  const path = slash >= 0 ? url.slice(slash) : '/';
  const colon = hostPort.lastIndexOf(':');
  const parsed = {
    hostname: colon >= 0 ? hostPort.slice(0, colon) : hostPort,
    port: colon >= 0 ? Number(hostPort.slice(colon + 1)) : 80,
    path,
  };
  return Object.assign(parsed, options || {});
}

function request(target, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = undefined;
  }
  return new ClientRequest(parseTarget(target, options), callback);
}

function get(target, options, callback) {
  const req = request(target, options, callback);
  req.end();
  return req;
}

// Requests from the scenario's load are built and answered natively (see
// crates/looplab-node/src/runtime/http_load.rs): the same objects and steps
// as above, without interpreting them a million times. The native `end`
// calls this file's `end` for every other exchange.
ServerResponse.prototype.end = binding.httpSetup(IncomingMessage, ServerResponse, Server.prototype._loadRequest, EventEmitter);

// http.STATUS_CODES as Node v20 has it.
// The views name a request's callback by the server's handler (`GET /x
// handler`, at its line); Express names it again by the route it picks.
function nameRequestCallback(server, method, path) {
  const handler = server._events.request;
  const first = typeof handler === 'function' ? handler : handler && handler[0];
  if (first) nameCallback(`${method} ${path} handler`, first);
}

const STATUS_CODES = {
  100: 'Continue',
  101: 'Switching Protocols',
  102: 'Processing',
  103: 'Early Hints',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  203: 'Non-Authoritative Information',
  204: 'No Content',
  205: 'Reset Content',
  206: 'Partial Content',
  207: 'Multi-Status',
  208: 'Already Reported',
  226: 'IM Used',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  305: 'Use Proxy',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  417: 'Expectation Failed',
  418: "I'm a Teapot",
  421: 'Misdirected Request',
  422: 'Unprocessable Entity',
  423: 'Locked',
  424: 'Failed Dependency',
  425: 'Too Early',
  426: 'Upgrade Required',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
  506: 'Variant Also Negotiates',
  507: 'Insufficient Storage',
  508: 'Loop Detected',
  509: 'Bandwidth Limit Exceeded',
  510: 'Not Extended',
  511: 'Network Authentication Required',
};

module.exports = {
  createServer: (options, handler) => new Server(typeof options === 'function' ? options : handler),
  request,
  get,
  Server,
  IncomingMessage,
  ServerResponse,
  ClientRequest,
  STATUS_CODES,
};
