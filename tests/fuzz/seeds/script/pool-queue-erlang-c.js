// A queue textbooks solve exactly: Poisson arrivals, one exponential job
// each on the 4-thread pool (an M/M/4 queue at 80% utilization). The mean
// wait for a pool thread should match the Erlang C formula: 74.6 ms here.
// @looplab pool 4
// @looplab cores 8
// @looplab load open rate=32/s arrivals=poisson amount=5000
// @looplab cost pbkdf2 exp(100ms)
const http = require('http');
const crypto = require('crypto');

http.createServer((req, res) => {
  crypto.pbkdf2('secret', 'salt', 1, 64, 'sha512', () => res.end('ok'));
}).listen(3000);
