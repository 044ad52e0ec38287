// dgram: bind() resolves its address first, so 'listening' comes on
// process.nextTick; an unbound socket's send() binds it, then sends; the
// datagram's 'message' runs in the receiver's next poll phase, before the
// check phase's immediates; close() emits 'close' on process.nextTick.
// (Real Node v20 printed these lines in this order.)
const dgram = require('dgram');
const a = dgram.createSocket('udp4');
const b = dgram.createSocket('udp4');
a.on('message', (message, rinfo) => {
  console.log('a got', message.toString(), rinfo.address, rinfo.family, rinfo.size);
  a.close(() => console.log('a closed'));
  b.close();
});
a.on('listening', () => console.log('a listening'));
a.bind(0, '127.0.0.1', () => {
  console.log('a bound cb');
  b.send('hey', a.address().port, '127.0.0.1', (err) => console.log('send cb', err));
  process.nextTick(() => console.log('tick after send'));
  setImmediate(() => console.log('immediate after send'));
  b.on('listening', () => console.log('b listening (implicit bind)'));
});
try {
  b.address();
} catch (e) {
  console.log(e.code, e.message);
}
process.nextTick(() => console.log('tick 1'));
Promise.resolve().then(() => console.log('micro 1'));
