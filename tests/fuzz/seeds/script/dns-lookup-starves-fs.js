// dns.lookup is getaddrinfo on the thread pool, and a lookup that goes to
// the network holds its thread for the whole round trip. 180 lookups a
// second fill the 4 threads, and /config, which only reads a small file,
// waits behind them. (dns.resolve4 would use no pool thread at all.)
// @looplab file /app/config.json 4KiB
// @looplab load open rate=180/s arrivals=poisson duration=3s path=/lookup
// @looplab load open rate=10/s duration=3s path=/config
const dns = require('dns');
const fs = require('fs');
const express = require('express');
const app = express();

app.get('/lookup', (req, res) => {
  dns.lookup(`api-${Math.floor(Math.random() * 1000)}.example.com`, (err, address) => res.json({ address }));
});

app.get('/config', (req, res) => {
  fs.readFile('/app/config.json', 'utf8', (err, text) => res.json({ size: text.length }));
});

app.listen(3000);
