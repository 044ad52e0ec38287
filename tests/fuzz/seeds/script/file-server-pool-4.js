// A server that reads a 10 MB file per request, 300 requests a second. Every
// readFile is open, fstat, twenty 512 KiB reads and close, each a job for
// the 4-thread pool: the pool, not the disk, sets the pace. Compare
// "file server, pool of 8".
// @looplab file /data/report.pdf 10MiB
// @looplab load open rate=300/s arrivals=poisson duration=2s path=/report
const fs = require('fs');
const http = require('http');

http.createServer((req, res) => {
  fs.readFile('/data/report.pdf', (err, data) => {
    res.end(`read ${data.length} bytes`);
  });
}).listen(3000);
