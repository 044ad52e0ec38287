// A config file read in every request, the non-blocking way: readFile hands
// the reads to the pool and the main thread serves other requests
// meanwhile. Compare "handler with readFileSync".
// @looplab file /app/config.json 2MiB
// @looplab load closed connections=20 duration=3s
const fs = require('fs');
const http = require('http');

http.createServer((req, res) => {
  fs.readFile('/app/config.json', 'utf8', (err, text) => {
    res.end(`config has ${text.length} characters`);
  });
}).listen(3000);
