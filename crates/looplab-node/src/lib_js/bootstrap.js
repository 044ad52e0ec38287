// The globals Node sets up in JavaScript before the main module runs:
// console, performance, Buffer, process.stdout/stderr. Node's own are
// JavaScript too (lib/internal/console, lib/internal/perf), so their cost is
// interpreted time here as it is there.
const output = require('%consolebinding');
const inspector = require('%inspect');
const perf = require('%perfbinding');

// Node 20 names the explicit-resource-management symbols before the
// language has them (lib/internal/process/pre_execution.js): Symbol.dispose
// is Symbol(nodejs.dispose), and timers and other handles define it.
for (const [name, description] of [['dispose', 'nodejs.dispose'], ['asyncDispose', 'nodejs.asyncDispose']]) {
  if (!(name in Symbol)) Object.defineProperty(Symbol, name, { value: Symbol(description) });
}

const counts = new Map();
const timers = new Map();
let indent = '';

function write(stream, text) {
  // A multi-line message keeps its group indentation on every line.
  const line = indent === '' ? text : indent + text.split('\n').join('\n' + indent);
  if (stream === 1) output.stdout(line);
  else output.stderr(line);
}

function formatArgs(args) {
  return inspector.format(...args);
}

// Node's console methods (Node docs, Console): log/info/debug write to
// stdout; error/warn/trace to stderr.
const console = {
  log(...args) { write(1, formatArgs(args)); },
  info(...args) { write(1, formatArgs(args)); },
  debug(...args) { write(1, formatArgs(args)); },
  error(...args) { write(2, formatArgs(args)); },
  warn(...args) { write(2, formatArgs(args)); },
  trace(...args) {
    const error = new Error(formatArgs(args));
    error.name = 'Trace';
    write(2, error.stack);
  },
  dir(value, options) { write(1, inspector.inspect(value, { customInspect: false, ...options })); },
  assert(condition, ...args) {
    if (!condition) {
      args[0] = 'Assertion failed' + (args.length === 0 ? '' : ': ' + args[0]);
      write(2, formatArgs(args));
    }
  },
  count(label = 'default') {
    label = String(label);
    const count = (counts.get(label) || 0) + 1;
    counts.set(label, count);
    write(1, label + ': ' + count);
  },
  countReset(label = 'default') { counts.delete(String(label)); },
  group(...args) {
    if (args.length > 0) write(1, formatArgs(args));
    indent += '  ';
  },
  groupEnd() { indent = indent.slice(0, indent.length - 2); },
  time(label = 'default') { timers.set(String(label), perf.now()); },
  timeEnd(label = 'default') {
    label = String(label);
    if (!timers.has(label)) return;
    write(1, label + ': ' + formatDuration(perf.now() - timers.get(label)));
    timers.delete(label);
  },
  timeLog(label = 'default', ...data) {
    label = String(label);
    if (!timers.has(label)) return;
    const extra = data.length > 0 ? ' ' + formatArgs(data) : '';
    write(1, label + ': ' + formatDuration(perf.now() - timers.get(label)) + extra);
  },
  table() { throw new Error('not supported in Looplab: console.table'); },
};
console.groupCollapsed = console.group;

// Node prints durations with three decimals and a unit (lib/internal/console).
function formatDuration(ms) {
  if (ms >= 1000) {
    if (ms >= 60000) {
      if (ms >= 3600000) return (ms / 3600000).toFixed(3) + 'h';
      return (ms / 60000).toFixed(3) + 'min';
    }
    return (ms / 1000).toFixed(3) + 's';
  }
  return Number(ms.toFixed(3)) + 'ms';
}

function defineGlobal(name, value) {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}

defineGlobal('console', console);
defineGlobal('performance', {
  now: perf.now,
  timeOrigin: 1767225600000,
  eventLoopUtilization: (...args) => require('perf_hooks').performance.eventLoopUtilization(...args),
});

// Buffer is a global in Node; its module loads on first use.
Object.defineProperty(globalThis, 'Buffer', {
  get() { return require('buffer').Buffer; },
  set(value) { defineGlobal('Buffer', value); },
  configurable: true,
  enumerable: false,
});

// The web platform's classes Node has as globals (web.js), loaded on
// first use.
for (const name of ['Event', 'EventTarget', 'DOMException', 'AbortController', 'AbortSignal']) {
  Object.defineProperty(globalThis, name, {
    get() { return require('%web')[name]; },
    set(value) { defineGlobal(name, value); },
    configurable: true,
    enumerable: false,
  });
}

// More of the web platform, each from its module on first use: URL and
// URLSearchParams (url.js), the Encoding Standard and base64 (encoding.js),
// structuredClone (structured_clone.js).
for (const [module, names] of [['url', ['URL', 'URLSearchParams']], ['worker_threads', ['MessageChannel', 'MessagePort', 'MessageEvent']],
  ['%encoding', ['TextEncoder', 'TextDecoder', 'atob', 'btoa']], ['%structured_clone', ['structuredClone']]]) {
  for (const name of names) {
    Object.defineProperty(globalThis, name, {
      get() { return require(module)[name]; },
      set(value) { defineGlobal(name, value); },
      configurable: true,
      enumerable: false,
    });
  }
}

// process is an EventEmitter (Node docs, process: "The process object is
// an instance of EventEmitter"); the runtime emits its events.
{
  const EventEmitter = require('events');
  Object.setPrototypeOf(process, EventEmitter.prototype);
  EventEmitter.init.call(process);
}

process.stdout = {
  write(chunk) { output.stdout(String(chunk).replace(/\n$/, '')); return true; },
  isTTY: false,
  columns: 80,
};
process.stderr = {
  write(chunk) { output.stderr(String(chunk).replace(/\n$/, '')); return true; },
  isTTY: false,
};
