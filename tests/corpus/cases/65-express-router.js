// Express 5 (recorded with express 5.3.0 from npm): a Router mounted with app.use(path), express.json(),
// next('route'), error middleware, a rejected async handler, Express 5 path syntax (*splat, {optional}),
// RegExp routes, sendStatus/redirect/type, and the final handler's 404 and error pages.
const express = require('express');
const http = require('http');
const app = express();
const api = express.Router();
app.use(express.json());
app.use((req, res, next) => { req.seen = (req.seen || 0) + 1; next(); });
api.get('/users/:id', (req, res) => res.json({ id: req.params.id, base: req.baseUrl, url: req.url, original: req.originalUrl, q: req.query }));
api.post('/echo', (req, res) => res.status(201).send({ got: req.body }));
api.get('/boom', () => { throw new Error('boom'); });
api.get('/async', async () => { throw Object.assign(new Error('nope'), { status: 418 }); });
api.get('/skip', (req, res, next) => next('route'), (req, res) => res.send('not here'));
api.get('/skip', (req, res) => res.send('second route'));
app.use('/api', api);
app.get('/files/*path', (req, res) => res.json(req.params));
app.get('/opt{/:x}', (req, res) => res.json(req.params));
app.get(/^\/re(\d+)$/, (req, res) => res.json(req.params));
app.get('/status', (req, res) => res.sendStatus(204));
app.get('/redir', (req, res) => res.redirect('/api/users/9'));
app.route('/chain').get((req, res) => res.type('text').send('chain get')).post((req, res) => res.send('chain post'));
app.use((err, req, res, next) => {
  if (err.message === 'boom') return res.status(500).json({ error: err.message, seen: req.seen });
  next(err);
});
const server = app.listen(3101, async () => {
  const paths = [['GET', '/api/users/42?a=1&b=x'], ['POST', '/api/echo', '{"n":1}'], ['POST', '/api/echo', 'nope'], ['GET', '/api/boom'], ['GET', '/api/async'], ['GET', '/api/skip'], ['GET', '/files/a/b/c'], ['GET', '/opt'], ['GET', '/opt/7'], ['GET', '/re12'], ['GET', '/status'], ['GET', '/redir'], ['GET', '/chain'], ['POST', '/chain'], ['GET', '/nowhere'], ['GET', '/API/USERS/5']];
  for (const [method, path, body] of paths) {
    await new Promise((resolve) => {
      const req = http.request({ host: 'localhost', port: 3101, method, path, headers: body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {} }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => { text += c; });
        res.on('end', () => {
          const firstLine = text.split('\n').filter((l) => l.startsWith('<pre>') || !l.startsWith('<'))[0] || '';
          console.log(method, path, res.statusCode, String(res.headers['content-type']), res.headers.location || '', firstLine.split(/<br>|<\/pre>/)[0].slice(0, 100));
          resolve();
        });
      });
      if (body) req.write(body);
      req.end();
    });
  }
  server.close();
});
