// Date, as real Node 20 prints it with TZ=UTC (the simulated machine's zone);
// new Date() reads the virtual clock.
const a = new Date(0);
const b = new Date(1700000000123);
const c = new Date('2024-02-29T12:30:00.250Z');
const d = new Date(2024, 0, 31, 23, 59, 58, 7);
console.log(a.toISOString(), b.toISOString(), c.getTime(), d.toISOString());
console.log(b.getFullYear(), b.getMonth(), b.getDate(), b.getDay(), b.getHours(), b.getMinutes(), b.getSeconds(), b.getMilliseconds());
console.log(String(b));
console.log(b.toUTCString(), '|', b.toDateString());
console.log(b.toLocaleDateString('en-US'), b.toLocaleTimeString('en-US'), b.toLocaleString('en-US'));
console.log(JSON.stringify({ when: b }), b - a, b > a, typeof Date(), new Date('nope').getTime());
console.log(b);
console.log([b]);
const start = new Date();
setTimeout(() => console.log('elapsed >= 20:', new Date() - start >= 20), 20);
