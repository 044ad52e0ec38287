// Benchmark: a plain http handler that answers after a 5 ms timer, under
// closed-loop load from 100 keep-alive clients.
// scripts/bench-load.py sets `amount` from its sizes.
// @looplab load closed connections=100 amount=10000
const http = require('http');

http.createServer((req, res) => {
  setTimeout(() => res.end('ok'), 5);
}).listen(3000);
