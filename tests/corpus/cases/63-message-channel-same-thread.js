// A MessageChannel's two ports on one thread: a message is a structured
// clone (the Uint8Array arrives as a new one, undefined stays undefined)
// delivered in the poll phase, as uv_async delivers it: after the script,
// its nextTicks and microtasks, before the check phase's setImmediate.
// port.close() calls back from the close phase, after the immediate.
const { MessageChannel } = require('worker_threads');
const { port1, port2 } = new MessageChannel();
const sent = { n: 1, bytes: new Uint8Array([1, 2]), nothing: undefined };
port1.on('message', (message) => {
  console.log('message', message.n, message.bytes, message.nothing, message === sent);
  port1.close();
});
port1.on('close', () => console.log('close port1'));
setImmediate(() => console.log('immediate'));
process.nextTick(() => console.log('nextTick'));
Promise.resolve().then(() => console.log('microtask'));
port2.postMessage(sent);
console.log('sync');
