// Node's util, the parts event-loop code uses: promisify (with the custom
// forms of setTimeout and setImmediate), format and inspect (the same
// formatting console.log uses), and deprecate.
const inspector = require('%inspect');
const custom = '%promisify.custom';

function promisify(original) {
  if (typeof original !== 'function') {
    const error = new TypeError('The "original" argument must be of type function');
    error.code = 'ERR_INVALID_ARG_TYPE';
    throw error;
  }
  if (original === setTimeout) return require('timers/promises').setTimeout;
  if (original === setImmediate) return require('timers/promises').setImmediate;
  if (original[custom]) return original[custom];
  return function promisified(...args) {
    return new Promise((resolve, reject) => {
      original.call(this, ...args, (error, value) => {
        if (error) reject(error);
        else resolve(value);
      });
    });
  };
}

const format = inspector.format;
const inspect = inspector.inspect;

function deprecate(fn) {
  return fn;
}

module.exports = { promisify, format, formatWithOptions: inspector.formatWithOptions, inspect, deprecate, types: {} };
