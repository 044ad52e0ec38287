'use strict';
// Node's test/common/countdown.js, as its README describes it: `new
// Countdown(limit, callback)` calls `callback` (a mustCall) when dec() has
// been called `limit` times; dec() past zero is an error.
const assert = require('assert');
const common = require('./');

const kLimit = Symbol('limit');
const kCallback = Symbol('callback');

class Countdown {
  constructor(limit, callback) {
    assert.strictEqual(typeof limit, 'number');
    assert.strictEqual(typeof callback, 'function');
    this[kLimit] = limit;
    this[kCallback] = common.mustCall(callback);
  }

  dec() {
    assert(this[kLimit] > 0, 'Countdown expired');
    if (--this[kLimit] === 0) this[kCallback]();
    return this[kLimit];
  }

  get remaining() {
    return this[kLimit];
  }
}

module.exports = Countdown;
