// fs.createReadStream: a readable stream over thread-pool reads of
// `highWaterMark` bytes (default 64 KiB), written in the JavaScript subset.
// As in Node: 'open' and 'ready' come from the open's callback; once a 'data'
// listener makes the stream flow, each read's chunk is emitted from that
// read's callback; at end of file 'end' follows on process.nextTick, then the
// file is closed on the pool and 'close' follows on process.nextTick.
const EventEmitter = require('events');
const binding = require('%fsbinding');

class ReadStream extends EventEmitter {
  constructor(path, options) {
    super();
    this.path = path;
    this.highWaterMark = (options && options.highWaterMark) || 64 * 1024;
    this.bytesRead = 0;
    this.fd = null;
    this.flowing = false;
    this.destroyed = false;
    const stream = this;
    binding.open(path, (err, fd, size) => {
      if (err) {
        stream.destroyed = true;
        stream.emit('error', err);
        process.nextTick(() => stream.emit('close'));
        return;
      }
      stream.fd = fd;
      stream.size = size;
      stream.emit('open', fd);
      stream.emit('ready');
      if (stream.flowing) stream._read();
    });
  }

  on(name, listener) {
    super.on(name, listener);
    if (name === 'data' && !this.flowing) {
      this.flowing = true;
      if (this.fd !== null) this._read();
    }
    return this;
  }

  pause() {
    this.flowing = false;
    return this;
  }

  resume() {
    if (!this.flowing) {
      this.flowing = true;
      if (this.fd !== null) this._read();
    }
    return this;
  }

  _read() {
    const stream = this;
    const length = Math.min(this.highWaterMark, this.size - this.bytesRead);
    binding.read(this.fd, length, (err, bytes) => {
      if (bytes === 0) {
        process.nextTick(() => {
          stream.emit('end');
          binding.close(stream.fd, () => {
            stream.destroyed = true;
            process.nextTick(() => stream.emit('close'));
          });
        });
        return;
      }
      stream.bytesRead += bytes;
      stream.emit('data', Buffer.alloc(bytes));
      if (stream.flowing) stream._read();
    });
  }
}

module.exports = { ReadStream, createReadStream: (path, options) => new ReadStream(path, options) };
