// Ten thousand clients keep a connection open and ask for something every
// 10 seconds or so: mostly idle, as chat and notification servers are. One
// Node thread holds them all; memory grows by a few KiB per connection.
// `looplab run --compare` shows a thread-per-connection server beside it: with
// 200 threads most connections wait; with 10,000 their stacks take 10 GB.
// @looplab load closed connections=10000 ramp=10s think=exp(10s) duration=30s path=/inbox
const http = require('http');

http.createServer((req, res) => {
  res.end(JSON.stringify({ messages: [] }));
}).listen(3000);
