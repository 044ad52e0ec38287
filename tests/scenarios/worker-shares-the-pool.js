// @looplab pool 1
// A worker has its own event loop but shares the process's thread pool: its
// pbkdf2 holds the only pool thread, so the main thread's fs.stat waits.
const { Worker } = require('worker_threads');
const fs = require('fs');
const worker = new Worker(`
  const { parentPort } = require('worker_threads');
  const crypto = require('crypto');
  crypto.pbkdf2('password', 'salt', 100000, 64, 'sha512', () => parentPort.postMessage('pbkdf2 done'));
  parentPort.postMessage('pbkdf2 submitted');
`, { eval: true });
worker.on('message', (message) => {
  console.log('worker: ' + message);
  if (message !== 'pbkdf2 submitted') return;
  const t = Date.now();
  fs.stat(__filename, () => console.log('main: fs.stat waited ' + (Date.now() - t) + ' ms'));
});
worker.on('exit', (code) => console.log('worker exited with ' + code));
