function* g() { const r = yield 1; console.log('g got', r); yield 2; return 'g-done'; }
async function* inner() { try { yield 'a'; yield 'b'; return 'inner-done'; } finally { console.log('inner finally'); } }
async function* outer() {
  const r1 = yield* g();
  console.log('r1', r1);
  const r2 = yield* inner();
  console.log('r2', r2);
  yield* [Promise.resolve('p1'), 'x'];
}
(async () => {
  const it = outer();
  console.log(await it.next());
  console.log(await it.next('sent'));
  console.log(await it.next());
  console.log(await it.next());
  console.log(await it.next());
  console.log(await it.next());
  console.log(await it.next());
  console.log(await it.next());
  const it2 = outer();
  await it2.next(); await it2.next(); await it2.next(); await it2.next();
  console.log('ret', await it2.return(Promise.resolve('R')));
  const it3 = (async function* () { try { yield* inner(); } catch (e) { console.log('caught', e); yield 'after'; } })();
  console.log(await it3.next());
  console.log(await it3.throw('boom'));
  for await (const v of (async function* () { yield* (async function* () { yield 1; yield 2; })(); })()) console.log('fa', v);
  const order = [];
  async function* slow() { yield* { [Symbol.asyncIterator]() { return { i: 0, next() { order.push('next'); return Promise.resolve({ value: this.i, done: this.i++ > 1 }); } }; } }; }
  for await (const v of slow()) order.push(v);
  Promise.resolve().then(() => order.push('tick'));
  console.log(order.join());
})();
