// The same load as "stall on the main thread", with /heavy's 200 ms of CPU
// moved to a worker_threads Worker: the main thread stays free and /fast
// stays fast; /heavy pays the worker's start-up.
// @looplab load open rate=100/s amount=48 path=/fast
// @looplab load burst at=100ms count=1 path=/heavy
const express = require('express');
const { Worker } = require('worker_threads');
const app = express();

app.get('/heavy', (req, res) => {
  const worker = new Worker('./burn.js');
  worker.on('message', (result) => res.json(result));
});

app.get('/fast', (req, res) => {
  res.json({ ok: true });
});

app.listen(3000);

// burn.js
const { parentPort } = require('worker_threads');
const start = Date.now();
while (Date.now() - start < 200) {}
parentPort.postMessage({ done: true });
