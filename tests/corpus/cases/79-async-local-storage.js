const { AsyncLocalStorage, AsyncResource } = require('async_hooks');
const fs = require('fs');
const als = new AsyncLocalStorage();
const log = (where) => console.log(where, als.getStore());
log('top');
als.run({ id: 1 }, () => {
  log('sync');
  setTimeout(() => log('timeout'), 5);
  setImmediate(() => log('immediate'));
  process.nextTick(() => log('tick'));
  queueMicrotask(() => log('microtask'));
  Promise.resolve().then(() => log('then'));
  (async () => { await null; log('after await'); await new Promise((r) => setTimeout(r, 7)); log('after await timer'); })();
  als.run({ id: 2 }, () => { setTimeout(() => log('inner timeout'), 15); });
  als.exit(() => log('exit'));
  const r = new AsyncResource('X');
  setTimeout(() => als.run({ id: 9 }, () => r.runInAsyncScope(() => log('resource scope'))), 3);
});
log('after run');
const p = als.run({ id: 3 }, () => new Promise((r) => setTimeout(r, 10)));
p.then(() => log('then of promise made in run, then() outside'));
als.enterWith({ id: 4 });
log('entered');
setTimeout(() => {
  log('timer after enterWith');
  als.run({ id: 5 }, () => fs.readFile(__filename, () => log('readFile')));
}, 20);
