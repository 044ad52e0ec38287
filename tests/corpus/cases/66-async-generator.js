// Async generators (ECMA-262 27.6): for await, next/return/throw, the request queue, finally on break, for await over sync values.
async function* count(n) {
  for (let i = 0; i < n; i++) {
    await new Promise((r) => setTimeout(r, 10));
    yield i;
  }
  return 'end';
}
(async () => {
  for await (const x of count(3)) console.log('got', x);
  const g = count(2);
  console.log(await g.next(), await g.next(), await g.next(), await g.next());
  const h = count(5);
  console.log(await h.next(), await h.return('early'), await h.next());
  const t = count(5);
  try { await t.throw(new Error('boom')); } catch (e) { console.log('thrown', e.message); }
  for await (const v of [Promise.resolve('a'), 'b']) console.log('sync', v);
  console.log(Object.prototype.toString.call(count(1)), typeof count(1)[Symbol.asyncIterator]);
  async function* inner() { try { yield 1; yield 2; } finally { console.log('cleanup'); } }
  for await (const v of inner()) { console.log('inner', v); break; }
  const order = [];
  const q = count(2);
  const p1 = q.next().then((r) => order.push('1:' + r.value));
  const p2 = q.next().then((r) => order.push('2:' + r.value));
  await Promise.all([p1, p2]);
  console.log(order.join(' '));
})();
