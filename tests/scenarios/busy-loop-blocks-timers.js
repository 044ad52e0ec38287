// A busy loop holds the only JS thread: a timer due meanwhile waits for it.
setTimeout(() => console.log('timer (due at 5 ms)'), 5);
const t = Date.now();
while (Date.now() - t < 20) {}
console.log('busy loop done after 20 ms');
