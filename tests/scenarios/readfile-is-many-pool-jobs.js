// @looplab file /big.bin 2MiB
// @looplab pool 1
// fs.readFile is open, fstat, reads of 512 KiB and close, each a pool job:
// on a 1-thread pool a later fs.stat overtakes it.
const fs = require('fs');
fs.readFile('/big.bin', () => console.log('readFile done (submitted first)'));
fs.stat('/big.bin', () => console.log('stat done (submitted second)'));
