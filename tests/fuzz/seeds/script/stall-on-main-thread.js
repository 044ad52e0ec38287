// The first article's /heavy route, measured the way real Node was measured
// (tests/corpus/timing.json, "http_fast_vs_heavy"): a client asks for /fast
// every 10 ms and for /heavy once, at 100 ms. /heavy burns 200 ms of CPU on
// the main thread, so every /fast that arrives meanwhile waits for it.
// @looplab load open rate=100/s amount=48 path=/fast
// @looplab load burst at=100ms count=1 path=/heavy
const express = require('express');
const app = express();

app.get('/heavy', (req, res) => {
  const start = Date.now();
  while (Date.now() - start < 200) {} // 200 ms of CPU: the loop stalls
  res.json({ done: true });
});

app.get('/fast', (req, res) => {
  res.json({ ok: true });
});

app.listen(3000);
