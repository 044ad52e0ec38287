// The article's fix: the heavy loop moves to a worker_threads Worker, so the
// main thread stays free. Two files, as in the article: the line
// `// heavy-calc.js` below starts the worker's file.
const express = require('express');
const { Worker } = require('worker_threads');
const app = express();

app.get('/heavy', (req, res) => {
  const worker = new Worker('./heavy-calc.js');

  worker.on('message', (result) => {
    res.json({ sum: result });
  });

  worker.on('error', (err) => {
    res.status(500).json({ error: err.message });
  });
});

app.get('/fast', (req, res) => res.json({ ok: true }));

const server = app.listen(3000);

// Two clients: /heavy at 0 ms, /fast at 10 ms.
const http = require('http');
const t0 = Date.now();
let done = 0;
const call = (path, at) => setTimeout(() => {
  http.get('http://127.0.0.1:3000' + path, (res) => {
    let body = '';
    res.on('data', (chunk) => (body += chunk));
    res.on('end', () => {
      console.log(path + ' -> ' + body + ' at ' + (Date.now() - t0) + ' ms');
      if (++done === 2) server.close();
    });
  });
}, at);
call('/heavy', 0);
call('/fast', 10);

// heavy-calc.js
const { parentPort } = require('worker_threads');

let sum = 0;
for (let i = 0; i < 1_000_000_000; i++) {
  sum += i;
}

parentPort.postMessage(sum);
