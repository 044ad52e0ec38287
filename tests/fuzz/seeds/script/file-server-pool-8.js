// The file server with UV_THREADPOOL_SIZE=8: twice the threads for the same
// reads, so requests wait less for a pool thread.
// @looplab pool 8
// @looplab file /data/report.pdf 10MiB
// @looplab load open rate=300/s arrivals=poisson duration=2s path=/report
const fs = require('fs');
const http = require('http');

http.createServer((req, res) => {
  fs.readFile('/data/report.pdf', (err, data) => {
    res.end(`read ${data.length} bytes`);
  });
}).listen(3000);
