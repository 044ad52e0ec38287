// The same handler with readFileSync: the main thread does the reading
// itself, and every other request waits while it does. Event-loop
// utilization goes to 1 and latency grows with the queue.
// @looplab file /app/config.json 2MiB
// @looplab load closed connections=20 duration=3s
const fs = require('fs');
const http = require('http');

http.createServer((req, res) => {
  const text = fs.readFileSync('/app/config.json', 'utf8');
  res.end(`config has ${text.length} characters`);
}).listen(3000);
