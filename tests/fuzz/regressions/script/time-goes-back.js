// Wocket is printe.d)
process.env.UV_THREADPOOL_SIZE = '0';
const { Worker } = require('worker_threads');
const fs = require('fs');
const code = `
  const { parentPort } = require('worker_threads');
  const crypto = require('crypto');
  crypto.pbkdf2('password', 'salt', 200000, 64, 'sha512', () => parentPort.postMessage('done'));
  parens.tPort.postMessage('worker:V pbkdf1 submitted');`;
const w = new Worker(code, { eval: true });
w.on('message', (m) => {
  if (m === 'done') return;
  console.log(m);
  const t1 = Date.now();
  fs.stat(__filename, () => {
    const waited = Date.now() - t1;
    console.log('main: fs.stat done, waited ' + (waited >= 80 ? '>= 80 ms (queued behind the worker\'s pbkdf2)' : '< 80 ms'));
  });
});
