// @looplab file /data.txt 4KiB
// Inside an I/O callback the check phase comes before the next timers phase.
const fs = require('fs');
fs.readFile('/data.txt', () => {
  setTimeout(() => console.log('timeout'), 0);
  setImmediate(() => console.log('immediate'));
});
