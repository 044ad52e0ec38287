// Temporary: replaced by the full util.inspect.
function inspect(value) {
  if (typeof value === 'string') return "'" + value + "'";
  if (value instanceof Error) return value.stack || String(value);
  return String(value);
}
function format(...args) {
  return args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg))).join(' ');
}
module.exports = { inspect, format, formatWithOptions: (options, ...args) => format(...args) };
