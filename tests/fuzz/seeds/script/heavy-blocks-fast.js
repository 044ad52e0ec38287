// The article's /heavy route: a CPU loop on the main thread blocks every
// other request. Here the two clients live in the same process, so even the
// /fast client's 10 ms timer waits for the loop (real Node does the same);
// times are measured from the start of the process.
const express = require('express');
const app = express();

app.get('/heavy', (req, res) => {
  // this blocks the entire server
  let sum = 0;
  for (let i = 0; i < 1_000_000_000; i++) {
    sum += i;
  }
  res.json({ sum });
});

app.get('/fast', (req, res) => {
  res.json({ ok: true });
});

const server = app.listen(3000);

const http = require('http');
const t0 = Date.now();
let done = 0;
function call(path, at) {
  setTimeout(() => {
    console.log(path + ' sent at ' + (Date.now() - t0) + ' ms (timer set for ' + at + ' ms)');
    http.get('http://127.0.0.1:3000' + path, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        console.log(path + ' -> ' + body + ' at ' + (Date.now() - t0) + ' ms');
        if (++done === 2) server.close();
      });
    });
  }, at);
}
call('/heavy', 0);
call('/fast', 10);
