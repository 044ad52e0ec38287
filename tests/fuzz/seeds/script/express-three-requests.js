// @looplab db 50ms
// The article's Express example: three requests at roughly the same time,
// each awaiting a ~50 ms database call. The three clients at the bottom are
// part of the script, so real Node prints the same three lines.
const express = require('express');
const app = express();

app.get('/user/:id', async (req, res) => {
  const user = await db.findUser(req.params.id);  // ~50ms, non-blocking
  res.json(user);
});

const server = app.listen(3000);

// Three clients, a few milliseconds apart.
const http = require('http');
let done = 0;
['A', 'B', 'C'].forEach((id, i) => {
  setTimeout(() => {
    const started = Date.now();
    http.get('http://127.0.0.1:3000/user/' + id, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        console.log('request ' + id + ': ' + body + ' after ' + (Date.now() - started) + ' ms');
        if (++done === 3) server.close();
      });
    });
  }, i * 5);
});
