// Node's dns module. dns.lookup is getaddrinfo on the thread pool; the
// resolve* functions are c-ares, which sends UDP queries on sockets the event
// loop polls, so they need no pool thread (Node docs, dns: "Implementation
// considerations"). A Resolver pointed at a server in this process with
// setServers() really asks it: the query is a DNS packet on simulated UDP,
// and the answer is parsed from the packet the server sends back.
const binding = require('%dnsbinding');

// Node's error helpers, loaded when an error is made (not at require time).
function errors() {
  return require('%errors');
}

function lookup(hostname, options, callback) {
  return binding.lookup(hostname, options, callback);
}

function resolve4(hostname, options, callback) {
  return binding.resolve4(hostname, options, callback);
}

function resolve(hostname, rrtype, callback) {
  if (typeof rrtype === 'function') return binding.resolve(hostname, rrtype);
  if (rrtype !== 'A') throw notSupported('dns.resolve with rrtype ' + rrtype + ' (supported: A)');
  return binding.resolve(hostname, callback);
}

function notSupported(what) {
  return new Error('not supported in Looplab: ' + what);
}

function dnsError(code, syscall, hostname) {
  const error = new Error(syscall + ' ' + code + ' ' + hostname);
  error.code = code;
  error.syscall = syscall;
  error.hostname = hostname;
  return error;
}

// A DNS query for an A record: header (id, RD flag, one question) and the
// question (the name as length-prefixed labels, QTYPE A, QCLASS IN).
function queryPacket(id, hostname) {
  const parts = [Buffer.from([id >> 8, id & 255, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0])];
  for (const label of hostname.split('.')) {
    if (label.length === 0) continue;
    parts.push(Buffer.from([label.length]));
    parts.push(Buffer.from(label));
  }
  parts.push(Buffer.from([0, 0, 1, 0, 1]));
  return Buffer.concat(parts);
}

// Skips a (possibly compressed) name; returns the offset after it.
function skipName(packet, offset) {
  while (offset < packet.length) {
    const length = packet[offset];
    if (length === 0) return offset + 1;
    if (length >= 192) return offset + 2;
    offset += length + 1;
  }
  return offset;
}

// The A records of a response, or an error code as c-ares names it.
function parseAnswer(packet, id) {
  if (packet.length < 12 || packet.readUInt16BE(0) !== id) return { code: 'EBADRESP' };
  const flags = packet.readUInt16BE(2);
  const rcode = flags & 15;
  if (rcode === 3) return { code: 'ENOTFOUND' };
  if (rcode === 2) return { code: 'ESERVFAIL' };
  if (rcode === 5) return { code: 'EREFUSED' };
  if (rcode !== 0) return { code: 'EBADRESP' };
  const questions = packet.readUInt16BE(4);
  const answers = packet.readUInt16BE(6);
  let offset = 12;
  for (let i = 0; i < questions; i++) offset = skipName(packet, offset) + 4;
  const addresses = [];
  for (let i = 0; i < answers; i++) {
    offset = skipName(packet, offset);
    if (offset + 10 > packet.length) return { code: 'EBADRESP' };
    const type = packet.readUInt16BE(offset);
    const length = packet.readUInt16BE(offset + 8);
    offset += 10;
    if (type === 1 && length === 4 && offset + 4 <= packet.length) {
      addresses.push(packet[offset] + '.' + packet[offset + 1] + '.' + packet[offset + 2] + '.' + packet[offset + 3]);
    }
    offset += length;
  }
  if (addresses.length === 0) return { code: 'ENODATA' };
  return { addresses };
}

let nextQueryId = 4660;

class Resolver {
  constructor(options) {
    this._timeoutMs = options && options.timeout > 0 ? options.timeout : 5000;
    this._tries = options && options.tries > 0 ? options.tries : 4;
    this._servers = null;
  }

  setServers(servers) {
    this._servers = servers.slice();
  }

  getServers() {
    return this._servers ? this._servers.slice() : ['127.0.0.53'];
  }

  cancel() {}

  resolve(hostname, rrtype, callback) {
    if (typeof rrtype === 'function') return this.resolve4(hostname, rrtype);
    if (rrtype !== 'A') throw notSupported('resolver.resolve with rrtype ' + rrtype + ' (supported: A)');
    return this.resolve4(hostname, callback);
  }

  resolve4(hostname, options, callback) {
    if (typeof options === 'function') callback = options;
    if (typeof callback !== 'function') {
      const error = new TypeError('The "callback" argument must be of type function. Received ' + typeof callback);
      error.code = 'ERR_INVALID_ARG_TYPE';
      throw error;
    }
    if (!this._servers) return binding.resolve4(hostname, callback);
    const server = this._servers[0];
    const colon = server.lastIndexOf(':');
    const address = colon > 0 ? server.slice(0, colon) : server;
    const port = colon > 0 ? Number(server.slice(colon + 1)) : 53;
    if (address !== '127.0.0.1' && address !== 'localhost') {
      throw notSupported('a DNS server at ' + server + ' (a Resolver can ask a dgram server in this script, at 127.0.0.1:PORT)');
    }
    query(hostname, port, this._timeoutMs * this._tries, callback);
  }
}

// One c-ares query: a UDP socket of its own, the packet sent at once, the
// answer read when the loop polls the socket, or ETIMEOUT.
function query(hostname, port, timeoutMs, callback) {
  const udp = require('dgram')['%udp'];
  const id = nextQueryId++ & 65535;
  let done = false;
  let localPort = 0;
  let timer = null;
  const finish = function finish(error, addresses) {
    if (done) return;
    done = true;
    udp.unbind(localPort);
    clearTimeout(timer);
    callback(error, addresses);
  };
  localPort = udp.bind({
    _receive(packet) {
      const answer = parseAnswer(packet, id);
      if (answer.code) finish(dnsError(answer.code, 'queryA', hostname));
      else finish(null, answer.addresses);
    },
  });
  timer = setTimeout(() => finish(dnsError('ETIMEOUT', 'queryA', hostname)), timeoutMs);
  udp.deliver(localPort, port, queryPacket(id, hostname));
}

// dns.lookupService(address, port, callback): getnameinfo (lib/dns.js
// validates the address and the port first).
function lookupService(address, port, callback) {
  if (arguments.length !== 3) {
    throw errors().nodeError(TypeError, 'ERR_MISSING_ARGS', 'The "address", "port", and "callback" arguments must be specified');
  }
  if (require('net').isIP(address) === 0) {
    throw errors().nodeError(TypeError, 'ERR_INVALID_ARG_VALUE', `The argument 'address' is invalid. Received ${errors().inspectPrimitive(address)}`);
  }
  port = validatePort(port);
  if (typeof callback !== 'function') throw errors().invalidArgType('callback', 'of type function', callback);
  return binding.lookupService(address, port, (err, hostname, service) => {
    if (err) {
      err.syscall = 'getnameinfo';
      err.hostname = address;
      return callback(err);
    }
    callback(null, hostname, service);
  });
}

function validatePort(port) {
  const number = typeof port === 'string' && port.trim() !== '' ? Number(port) : port;
  if ((typeof number !== 'number') || !Number.isInteger(number) || number < 0 || number > 0xFFFF) {
    throw errors().nodeError(RangeError, 'ERR_SOCKET_BAD_PORT', `Port should be >= 0 and < 65536. Received ${errors().describe(port)}.`);
  }
  return number;
}

// dns.promises: the same lookups, answered by a promise.
const promises = {
  lookup(hostname, options) {
    return new Promise((resolve, reject) => {
      lookup(hostname, options || {}, (err, address, family) => (err ? reject(err) : resolve(options && options.all ? address : { address, family })));
    });
  },
  lookupService(address, port) {
    if (arguments.length !== 2) {
      throw errors().nodeError(TypeError, 'ERR_MISSING_ARGS', 'The "address" and "port" arguments must be specified');
    }
    return new Promise((resolve, reject) => {
      lookupService(address, port, (err, hostname, service) => (err ? reject(err) : resolve({ hostname, service })));
    });
  },
  resolve4(hostname, options) {
    return new Promise((resolve, reject) => resolve4(hostname, options || {}, (err, addresses) => (err ? reject(err) : resolve(addresses))));
  },
  resolve(hostname, rrtype = 'A') {
    return new Promise((resolve, reject) => module.exports.resolve(hostname, rrtype, (err, addresses) => (err ? reject(err) : resolve(addresses))));
  },
};

module.exports = { lookup, lookupService, resolve, resolve4, Resolver, promises };
