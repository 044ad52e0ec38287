'use strict';
// Node's test/common/README.md, "tick Module": tick(x, cb) calls cb after x
// turns of the event loop, counted as x chained setImmediate callbacks.
module.exports = function tick(x, cb) {
  function turn() {
    x--;
    if (x > 0) setImmediate(turn);
    else if (typeof cb === 'function') cb();
  }
  setImmediate(turn);
};
