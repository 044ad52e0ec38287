// Temporary: replaced by the full assert module.
class AssertionError extends Error {
  constructor(options) { super(options.message); this.name = 'AssertionError'; this.code = 'ERR_ASSERTION'; }
}
function assert(value, message) { if (!value) throw new AssertionError({ message: message || 'assertion failed' }); }
assert.ok = assert;
assert.strictEqual = (a, b, message) => { if (!Object.is(a, b)) throw new AssertionError({ message: message || `Expected values to be strictly equal:\n\n${a} !== ${b}\n` }); };
assert.AssertionError = AssertionError;
assert.strict = assert;
module.exports = assert;
