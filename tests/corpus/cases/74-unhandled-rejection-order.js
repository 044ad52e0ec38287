// Node's processTicksAndRejections: rejections nobody caught are handled
// once the nextTick and microtask queues are empty, each in order; a
// handler attached from a nextTick is in time. timers/promises with a
// signal hands back its promise through finally(), a few microtasks later.
process.on('unhandledRejection', (reason, promise) => {
  console.log('unhandledRejection', reason instanceof Error ? reason.message : reason, promise instanceof Promise);
  process.nextTick(() => console.log('tick queued by the listener'));
});
Promise.reject(new Error('first'));
Promise.reject(2);
const late = Promise.reject(3);
process.nextTick(() => late.catch((value) => console.log('caught in time', value)));
const ac = new AbortController();
require('timers/promises').setTimeout(3, null, { signal: ac.signal }).catch((err) => console.log(err.name, err.code));
ac.abort();
Promise.resolve().then(() => console.log('microtask'));
process.nextTick(() => console.log('nextTick'));
const tp = require('timers/promises');
const ac2 = new AbortController();
setTimeout(() => {
  tp.setTimeout(1, 'with signal', { signal: ac2.signal }).then((v) => console.log(v));
  tp.setTimeout(1, 'plain').then((v) => console.log(v));
}, 5);
setTimeout(() => {
  Promise.resolve().then(() => console.log('m1')).then(() => console.log('m2')).then(() => console.log('m3')).then(() => console.log('m4'));
  Promise.reject(new Error('from a timer'));
}, 20);
