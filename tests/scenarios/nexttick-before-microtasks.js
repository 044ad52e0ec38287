// After the main script: the whole nextTick queue, then the microtask queue.
Promise.resolve().then(() => console.log('promise'));
queueMicrotask(() => console.log('microtask'));
process.nextTick(() => console.log('tick'));
console.log('sync');
