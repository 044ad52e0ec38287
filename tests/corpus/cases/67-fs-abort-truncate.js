// fs with an AbortSignal (aborted before: the callback runs at once), truncateSync, statfsSync, readFile option checks.
const fs = require('fs');
fs.writeFile('/tmp/looplab-ab.txt', 'x', { signal: AbortSignal.abort() }, (err) => console.log('write cb', err.name));
fs.readFile('/tmp/looplab-ab.txt', { signal: AbortSignal.abort() }, (err) => console.log('read cb', err.name));
console.log('sync end');
fs.promises.writeFile('/tmp/looplab-ab.txt', 'x', { signal: AbortSignal.abort() }).catch((e) => console.log('promise', e.name));
process.nextTick(() => console.log('tick'));
fs.writeFileSync('/tmp/looplab-rf.txt', 'hello');
fs.truncateSync('/tmp/looplab-rf.txt', 3);
console.log(fs.readFileSync('/tmp/looplab-rf.txt', 'utf8'));
fs.truncateSync('/tmp/looplab-rf.txt', 5);
console.log(JSON.stringify(fs.readFileSync('/tmp/looplab-rf.txt', 'utf8')));
fs.readFile('/tmp/looplab-rf.txt', { signal: AbortSignal.abort() }, (err) => console.log('abort', err.name, err.code, err.message));
try { fs.readFile('/tmp/looplab-rf.txt', { signal: 'hello' }, () => {}); } catch (e) { console.log(e.code, e.message); }
const s = fs.statfsSync('/tmp'); console.log(typeof s.bavail, typeof s.bsize);
try { fs.truncateSync('/tmp/looplab-nope.txt'); } catch (e) { console.log(e.code); }
