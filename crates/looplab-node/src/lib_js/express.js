// Express 5 (the version `npm install express` gives), in the JavaScript
// subset Looplab runs: apps and Routers with their middleware stacks, routes
// with Express 5's path syntax (`:name`, `*name`, `{optional}`) or a RegExp,
// `next()`, `next('route')`, `next('router')`, `next(err)` and error-handling
// middleware `(err, req, res, next)`, a rejected promise from a handler
// passed to `next`, `express.json()`/`express.urlencoded()`, and the final
// handler's 404 and 500 answers (the 500 logs the stack to stderr, as
// finalhandler does outside the 'test' env). Behaviour follows
// https://expressjs.com/en/5x/api.html and the router and finalhandler
// packages it depends on.
'use strict';
const http = require('http');
const { nameCallback } = require('%tracebinding');

// ------------------------------------------------------------------ paths --
// path-to-regexp 8 (Express 5): `:name` matches one segment, `*name` one or
// more (its value is the array of segments), `{…}` is optional; matching is
// case-insensitive and ignores one trailing slash. A `use` path matches a
// prefix ending at a segment boundary.
function escapeRegExp(text) {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

function compilePath(path, end) {
  if (path instanceof RegExp) return { regexp: path, keys: null, regExpPath: true };
  if (Array.isArray(path)) {
    const parts = path.map((one) => compilePath(one, end));
    return { regexp: null, parts, keys: null };
  }
  const keys = [];
  let source = '';
  let i = 0;
  const text = String(path);
  function group(stopAt) {
    let out = '';
    while (i < text.length) {
      const c = text[i];
      if (c === stopAt) { i++; return out; }
      if (c === '{') { i++; out += '(?:' + group('}') + ')?'; continue; }
      if (c === ':' || c === '*') {
        i++;
        let name = '';
        while (i < text.length && /[A-Za-z0-9_$]/.test(text[i])) name += text[i++];
        if (!name) throw new TypeError('Missing parameter name at ' + (i - 1) + ': https://git.new/pathToRegexpError');
        keys.push({ name, splat: c === '*' });
        out += c === '*' ? '(.+)' : '([^/]+)';
        continue;
      }
      if (c === '\\') { out += escapeRegExp(text[i + 1] || ''); i += 2; continue; }
      if ('()[]?+!'.includes(c)) throw new TypeError('Unexpected ' + c + ' at ' + i + ', expected END: https://git.new/pathToRegexpError');
      out += escapeRegExp(c);
      i++;
    }
    return out;
  }
  source = group(undefined);
  if (source.endsWith('/')) source = source.slice(0, -1);
  const tail = end ? '/?$' : '(?=/|$)';
  // A path of plain characters needs no regular expression: it is
  // compared as lower-case text, with the same trailing-slash rule.
  const literal = keys.length === 0 && /^[A-Za-z0-9\-._~/]*$/.test(text) ? text.toLowerCase().replace(/\/$/, '') : null;
  return { regexp: new RegExp('^' + source + tail, 'i'), keys, literal, end };
}

function matchLiteral(compiled, path) {
  const literal = compiled.literal;
  const lower = path.toLowerCase();
  if (!lower.startsWith(literal)) return null;
  const rest = lower.length - literal.length;
  if (compiled.end ? rest > 1 || (rest === 1 && lower[literal.length] !== '/') : rest > 0 && lower[literal.length] !== '/') return null;
  return { path: compiled.end ? path : path.slice(0, literal.length), params: {} };
}

function decodeParam(value) {
  try {
    return decodeURIComponent(value);
  } catch (err) {
    err.message = "Failed to decode param '" + value + "'";
    err.status = err.statusCode = 400;
    throw err;
  }
}

// { path: the matched part, params } or null.
function matchPath(compiled, path) {
  if (compiled.parts) {
    for (const part of compiled.parts) {
      const found = matchPath(part, path);
      if (found) return found;
    }
    return null;
  }
  if (compiled.literal !== null && compiled.literal !== undefined) return matchLiteral(compiled, path);
  const found = compiled.regexp.exec(path);
  if (!found) return null;
  const params = {};
  if (compiled.keys === null) {
    for (let k = 1; k < found.length; k++) if (found[k] !== undefined) params[k - 1] = decodeParam(found[k]);
    if (found.groups) Object.assign(params, found.groups);
  } else {
    const keys = compiled.keys;
    for (let k = 0; k < keys.length; k++) {
      const value = found[k + 1];
      if (value === undefined) continue;
      params[keys[k].name] = keys[k].splat ? value.split('/').map(decodeParam) : decodeParam(value);
    }
  }
  return { path: found[0], params };
}

function pathname(url) {
  const question = url.indexOf('?');
  return question >= 0 ? url.slice(0, question) : url;
}

// ------------------------------------------------------------------ layers --
class Layer {
  constructor(path, options, handle) {
    this.handle = handle;
    this.name = handle.name || '<anonymous>';
    this.end = options.end;
    this.slashRoot = !options.end && path === '/';
    this.compiled = this.slashRoot ? null : compilePath(path, options.end);
    this.route = undefined;
  }

  match(path) {
    if (this.slashRoot) return { path: '', params: {} };
    return matchPath(this.compiled, path);
  }
}

// Runs one handler as the router does: error handlers (four parameters)
// only while there is an error, the others only while there is none; a
// throw or a rejected promise goes to `next`.
function callLayer(fn, error, req, res, next) {
  const isErrorHandler = fn.length === 4;
  if (Boolean(error) !== isErrorHandler) return next(error);
  let result;
  try {
    result = isErrorHandler ? fn(error, req, res, next) : fn(req, res, next);
  } catch (err) {
    return next(err);
  }
  if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
    result.then(undefined, (err) => next(err || new Error('Rejected promise')));
  }
}

const METHODS = ['get', 'post', 'put', 'delete', 'patch', 'head', 'options'];

class Route {
  constructor(path) {
    this.path = path;
    this.stack = [];
    this.methods = {};
  }

  handlesMethod(method) {
    if (this.methods._all) return true;
    const name = method.toLowerCase();
    return Boolean(this.methods[name] || (name === 'head' && this.methods.get));
  }

  dispatch(req, res, done) {
    const stack = this.stack;
    let index = 0;
    const method = req.method.toLowerCase() === 'head' && !this.methods.head ? 'get' : req.method.toLowerCase();
    req.route = this;
    const next = (err) => {
      if (err === 'route') return done();
      if (err === 'router') return done(err);
      while (index < stack.length) {
        const layer = stack[index++];
        if (layer.method && layer.method !== method) continue;
        // The views name the request's callback by the user's handler.
        nameCallback(`${req.method} ${this.path} handler`, layer.handle);
        return callLayer(layer.handle, err, req, res, next);
      }
      done(err);
    };
    next();
  }
}

for (const method of [...METHODS, 'all']) {
  Route.prototype[method] = function (...handlers) {
    for (const handle of handlers.flat(Infinity)) {
      if (typeof handle !== 'function') {
        throw new TypeError('argument handler must be a function');
      }
      this.stack.push({ method: method === 'all' ? undefined : method, handle });
      this.methods[method === 'all' ? '_all' : method] = true;
    }
    return this;
  };
}

// ------------------------------------------------------------------ router --
const routerMethods = {
  use(path, ...handlers) {
    if (typeof path !== 'string' && !(path instanceof RegExp) && !Array.isArray(path)) {
      handlers.unshift(path);
      path = '/';
    }
    const list = handlers.flat(Infinity);
    if (list.length === 0) throw new TypeError('argument handler is required');
    for (const handle of list) {
      if (typeof handle !== 'function') throw new TypeError('argument handler must be a function');
      this.stack.push(new Layer(path, { end: false }, handle));
    }
    return this;
  },

  route(path) {
    const route = new Route(path);
    const layer = new Layer(path, { end: true }, (req, res, next) => route.dispatch(req, res, next));
    layer.route = route;
    this.stack.push(layer);
    return route;
  },

  handle(req, res, out) {
    const stack = this.stack;
    let index = 0;
    const parentUrl = req.baseUrl || '';
    const parentParams = req.params;
    let removed = '';
    let slashAdded = false;
    if (req.originalUrl === undefined) req.originalUrl = req.url;
    const done = (err) => {
      req.baseUrl = parentUrl;
      req.params = parentParams;
      out(err === 'router' ? undefined : err);
    };
    const next = (err) => {
      let layerError = err === 'route' ? null : err;
      // Back from a `use` layer: the path it saw below its mount point
      // becomes the whole path again.
      if (slashAdded) {
        req.url = req.url.slice(1);
        slashAdded = false;
      }
      if (removed) {
        req.url = removed + req.url;
        req.baseUrl = parentUrl;
        removed = '';
      }
      if (layerError === 'router') return done(layerError);
      const path = pathname(req.url);
      while (index < stack.length) {
        const layer = stack[index++];
        let found;
        try {
          found = layer.match(path);
        } catch (matchError) {
          layerError = layerError || matchError;
          continue;
        }
        if (!found) continue;
        if (layer.route) {
          if (layerError) continue;
          if (!layer.route.handlesMethod(req.method)) continue;
        }
        req.params = Object.assign({}, parentParams, found.params);
        if (layer.route) return callLayer(layer.handle, layerError, req, res, next);
        // A `use` layer sees the path below its mount point.
        const mounted = found.path;
        if (mounted.length > 0) {
          removed = mounted;
          req.url = req.url.slice(mounted.length);
          if (!req.url.startsWith('/')) {
            req.url = '/' + req.url;
            slashAdded = true;
          }
          req.baseUrl = parentUrl + (mounted.endsWith('/') ? mounted.slice(0, -1) : mounted);
        }
        return callLayer(layer.handle, layerError, req, res, next);
      }
      done(layerError);
    };
    next();
  },
};

for (const method of [...METHODS, 'all']) {
  routerMethods[method] = function (path, ...handlers) {
    this.route(path)[method](...handlers);
    return this;
  };
}

function Router() {
  const router = function router(req, res, next) {
    router.handle(req, res, next);
  };
  Object.setPrototypeOf(router, routerProto);
  router.stack = [];
  router.params = {};
  return router;
}
const routerProto = Object.create(Function.prototype);
Object.assign(routerProto, routerMethods);

// ----------------------------------------------------------- final handler --
function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function htmlPage(message) {
  return '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>' +
    escapeHtml(message).replace(/\n/g, '<br>').replace(/ {2}/g, ' &nbsp;') + '</pre>\n</body>\n</html>\n';
}

// finalhandler: what answers when no layer did.
function finalHandler(app, req, res) {
  return (err) => {
    let status;
    let message;
    if (err) {
      status = Number(err.status || err.statusCode);
      if (!(status >= 400 && status < 600)) status = 500;
      message = app.get('env') === 'production' ? http.STATUS_CODES[status] || String(status) : (err.stack || String(err));
      if (app.get('env') !== 'test') console.error(err);
    } else {
      status = 404;
      message = 'Cannot ' + req.method + ' ' + pathname(req.originalUrl || req.url);
    }
    if (res.headersSent) return;
    res.statusCode = status;
    res.setHeader('content-security-policy', "default-src 'none'");
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(htmlPage(message));
  };
}

// --------------------------------------------------------------------- app --
const appMethods = {
  set(setting, value) {
    if (arguments.length === 1) return this.settings[setting];
    this.settings[setting] = value;
    return this;
  },
  enable(setting) { return this.set(setting, true); },
  disable(setting) { return this.set(setting, false); },
  enabled(setting) { return Boolean(this.settings[setting]); },
  disabled(setting) { return !this.settings[setting]; },
  use(...args) {
    this.router.use(...args);
    return this;
  },
  route(path) { return this.router.route(path); },
  all(path, ...handlers) {
    this.router.all(path, ...handlers);
    return this;
  },
  handle(req, res, callback) {
    req.res = res;
    res.req = req;
    res.locals = res.locals || Object.create(null);
    const question = req.url.indexOf('?');
    req.query = question >= 0 ? parseQuery(req.url.slice(question + 1)) : {};
    this.router.handle(req, res, callback || finalHandler(this, req, res));
  },
  listen(...args) {
    const server = http.createServer(this);
    return server.listen(...args);
  },
  param() {
    throw new Error('not supported in Looplab: app.param()');
  },
  engine() {
    throw new Error('not supported in Looplab: view engines (app.engine)');
  },
  render() {
    throw new Error('not supported in Looplab: view rendering (app.render)');
  },
};

for (const method of METHODS) {
  appMethods[method] = function (path, ...handlers) {
    // app.get(setting): one argument reads a setting.
    if (method === 'get' && handlers.length === 0) return this.set(path);
    this.router.route(path)[method](...handlers);
    return this;
  };
}

function parseQuery(search) {
  const query = {};
  if (!search) return query;
  for (const pair of search.split('&')) {
    if (!pair) continue;
    const equals = pair.indexOf('=');
    const decode = (text) => {
      try { return decodeURIComponent(text.replace(/\+/g, ' ')); } catch { return text; }
    };
    const key = decode(equals < 0 ? pair : pair.slice(0, equals));
    const value = equals < 0 ? '' : decode(pair.slice(equals + 1));
    if (Object.hasOwn(query, key)) query[key] = [].concat(query[key], value);
    else query[key] = value;
  }
  return query;
}

function createApplication() {
  const app = function app(req, res, next) {
    app.handle(req, res, next);
  };
  Object.assign(app, appMethods);
  app.settings = { env: (process.env.NODE_ENV || 'development'), 'x-powered-by': true };
  app.locals = Object.create(null);
  app.locals.settings = app.settings;
  app.router = Router();
  return app;
}

// ------------------------------------------------------------ body parsers --
// body-parser: a request with a body of the given type is read to its end
// and parsed into req.body; others pass by with req.body left as it is.
function hasBody(req) {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
}

function typeMatches(req, wanted) {
  const type = String(req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  return type === wanted || (wanted === 'application/json' && type.endsWith('+json'));
}

function bodyParser(name, type, parse) {
  const parser = function (req, res, next) {
    if (req._body || !hasBody(req) || !typeMatches(req, type)) return next();
    req._body = true;
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { text += chunk; });
    req.on('end', () => {
      try {
        req.body = parse(text);
      } catch (err) {
        err.status = err.statusCode = 400;
        err.expose = true;
        err.type = 'entity.parse.failed';
        err.body = text;
        return next(err);
      }
      next();
    });
  };
  Object.defineProperty(parser, 'name', { value: name });
  return parser;
}

// body-parser's strict JSON (the default): only an object or an array. A
// body starting otherwise gets the SyntaxError JSON.parse gives for the
// body with that character replaced by '#', the '#' then put back
// (createStrictSyntaxError), so the message reads as V8's own.
function json() {
  return bodyParser('jsonParser', 'application/json', (text) => {
    if (text.length === 0) return {};
    const first = text.trimStart()[0];
    if (first !== '{' && first !== '[') {
      const index = text.indexOf(first);
      const partial = text.slice(0, index) + '#' + text.slice(index + 1);
      let error;
      try {
        JSON.parse(partial);
        error = new SyntaxError('strict violation');
      } catch (parseError) {
        error = new SyntaxError(parseError.message.replace(/#+/g, (hashes) => text.slice(index, index + hashes.length)));
      }
      throw error;
    }
    return JSON.parse(text);
  });
}

function urlencoded() {
  return bodyParser('urlencodedParser', 'application/x-www-form-urlencoded', parseQuery);
}

function text() {
  return bodyParser('textParser', 'text/plain', (body) => body);
}

// ------------------------------------------------------ request / response --
// Express adds its helpers to every request and response of an app; Looplab
// puts them on http's prototypes when express loads (swapping each request's
// prototype, as Express does, would cost a lookup cache per request).
const request = http.IncomingMessage.prototype;
request.get = request.header = function header(name) {
  const lower = String(name).toLowerCase();
  if (lower === 'referer' || lower === 'referrer') return this.headers.referrer || this.headers.referer;
  return this.headers[lower];
};
Object.defineProperty(request, 'path', {
  configurable: true,
  enumerable: true,
  get() { return pathname(this.url); },
});
Object.defineProperty(request, 'hostname', {
  configurable: true,
  enumerable: true,
  get() { return String(this.headers.host || '').split(':')[0] || undefined; },
});

const response = http.ServerResponse.prototype;
response.status = function status(code) {
  this.statusCode = code;
  return this;
};
response.set = response.header = function header(field, value) {
  if (typeof field === 'object' && field !== null) {
    for (const name of Object.keys(field)) this.setHeader(name, field[name]);
  } else {
    this.setHeader(field, Array.isArray(value) ? value.map(String) : String(value));
  }
  return this;
};
response.get = function get(field) {
  return this.getHeader(field);
};
const TYPES = { html: 'text/html', json: 'application/json', text: 'text/plain', txt: 'text/plain', js: 'text/javascript', css: 'text/css' };
response.type = function type(name) {
  const mime = name.includes('/') ? name : TYPES[name.replace(/^\./, '')] || 'application/octet-stream';
  return this.set('content-type', mime.startsWith('text/') || mime === 'application/json' ? mime + '; charset=utf-8' : mime);
};
response.json = function json(value) {
  const body = JSON.stringify(value);
  if (this.getHeader('content-type') === undefined) this.setHeader('content-type', 'application/json; charset=utf-8');
  return this.send(body === undefined ? '' : body);
};
response.send = function send(body) {
  if (body !== null && typeof body === 'object' && !(body instanceof Uint8Array)) return this.json(body);
  if (typeof body === 'number' || typeof body === 'boolean') body = String(body);
  if (typeof body === 'string' && this.getHeader('content-type') === undefined) this.setHeader('content-type', 'text/html; charset=utf-8');
  if (body instanceof Uint8Array && this.getHeader('content-type') === undefined) this.setHeader('content-type', 'application/octet-stream');
  if (this.statusCode === 204 || this.statusCode === 304) {
    this.removeHeader('content-type');
    this.removeHeader('content-length');
    this.removeHeader('transfer-encoding');
    body = '';
  }
  return this.end(body === undefined || body === null ? undefined : body);
};
response.sendStatus = function sendStatus(code) {
  this.statusCode = code;
  this.type('txt');
  return this.send(http.STATUS_CODES[code] || String(code));
};
response.location = function location(url) {
  return this.set('location', url === 'back' ? this.req.get('referrer') || '/' : url);
};
response.redirect = function redirect(status, url) {
  if (url === undefined) {
    url = status;
    status = 302;
  }
  this.location(url);
  this.statusCode = status;
  this.set('content-type', 'text/plain; charset=utf-8');
  return this.end(http.STATUS_CODES[status] + '. Redirecting to ' + url);
};

function unsupported(what) {
  return function () {
    throw new Error('not supported in Looplab: ' + what);
  };
}

createApplication.Router = Router;
createApplication.Route = Route;
createApplication.json = json;
createApplication.urlencoded = urlencoded;
createApplication.text = text;
createApplication.raw = unsupported('express.raw()');
createApplication.static = unsupported('express.static() (Looplab has no HTTP file serving)');
createApplication.application = appMethods;
createApplication.request = request;
createApplication.response = response;

module.exports = createApplication;
