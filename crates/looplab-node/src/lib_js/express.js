// A small Express: `express()` returns a request handler with routes and
// middleware, so the articles' `app.get('/user/:id', async (req, res) => …)`
// runs as written. Routes are matched in order; `:name` segments fill
// req.params. A handler's rejected promise becomes a 500 (Express 5).
const http = require('http');

// A route's pattern is split once, when it is registered; a request's path
// once per request.
function matchParts(wanted, actual) {
  if (wanted.length !== actual.length) return null;
  const params = {};
  for (let i = 0; i < wanted.length; i++) {
    if (wanted[i].startsWith(':')) params[wanted[i].slice(1)] = actual[i];
    else if (wanted[i] !== actual[i]) return null;
  }
  return params;
}

function parseQuery(search) {
  const query = {};
  if (!search) return query;
  for (const pair of search.split('&')) {
    const equals = pair.indexOf('=');
    if (equals < 0) query[pair] = '';
    else query[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return query;
}

// One request's walk down the app's stack. `next` is handed out bound
// afresh each time, so nothing here refers back to itself: the request's
// objects are freed when it is answered (Looplab's heap counts references).
class Dispatch {
  constructor(stack, req, res, path) {
    this.stack = stack;
    this.req = req;
    this.res = res;
    this.path = path;
    this.parts = null;
    this.index = 0;
  }

  next(error) {
    const stack = this.stack;
    const req = this.req;
    const res = this.res;
    const path = this.path;
    if (error) {
      res.statusCode = 500;
      res.end(String(error && error.message ? error.message : error));
      return;
    }
    while (this.index < stack.length) {
      const layer = stack[this.index++];
      if (layer.method && layer.method !== req.method) continue;
      if (layer.method && this.parts === null) this.parts = path.split('/');
      const params = layer.method ? matchParts(layer.parts, this.parts) : (path.startsWith(layer.path) ? {} : null);
      if (!params) continue;
      req.params = params;
      const result = layer.handler(req, res, this.next.bind(this));
      if (result && typeof result.then === 'function') result.then(undefined, this.next.bind(this));
      return;
    }
    res.statusCode = 404;
    res.end('Cannot ' + req.method + ' ' + path);
  }
}

function express() {
  const stack = [];
  const app = function handle(req, res) {
    const question = req.url.indexOf('?');
    const path = question >= 0 ? req.url.slice(0, question) : req.url;
    req.query = question >= 0 ? parseQuery(req.url.slice(question + 1)) : {};
    req.path = path;
    new Dispatch(stack, req, res, path).next();
  };
  const route = (method) => (path, ...handlers) => {
    const parts = path.split('/');
    for (const handler of handlers) stack.push({ method, path, parts, handler });
    return app;
  };
  app.get = route('GET');
  app.post = route('POST');
  app.put = route('PUT');
  app.delete = route('DELETE');
  app.use = (path, handler) => {
    if (typeof path === 'function') stack.push({ method: null, path: '/', handler: path });
    else stack.push({ method: null, path, handler });
    return app;
  };
  app.listen = (...args) => http.createServer(app).listen(...args);
  return app;
}

module.exports = express;
