// Benchmark: a realistic Express handler under closed-loop load. Each of
// 100 keep-alive clients sends its next request when the last is answered;
// the handler awaits a 5 ms database call and answers with JSON. The
// router, the async function and the promise machinery are interpreted.
// scripts/bench-load.py sets `amount` from its sizes.
// @looplab db 5ms
// @looplab load closed connections=100 amount=10000 paths=/user/1:1,/user/2:1
const express = require('express');
const app = express();

app.get('/user/:id', async (req, res) => {
  const user = await db.findUser(req.params.id);
  res.json(user);
});

app.listen(3000);
