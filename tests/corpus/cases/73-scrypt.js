const crypto = require('crypto');
console.log(crypto.scryptSync('pw','salt',16).toString('hex'));
console.log(crypto.scryptSync('pw','salt',16,{cost:1024, blockSize:4, parallelization:2}).toString('hex'));
console.log(crypto.scryptSync(Buffer.from('pw'),'salt',0).length);
for (const o of [{N:3},{N:1},{N:1<<20},{cost:16, N:16},{maxmem:100},{r:0},{p:0}, {foo:1}, {N:1.5}, {N:'a'}, {maxmem:-1}]) {
  try { crypto.scryptSync('pw','salt',16,o); console.log('ok', JSON.stringify(o)); } catch (e) { console.log(JSON.stringify(o), e.name, e.code, e.message); }
}
for (const k of [-1, 1.5, 'x']) try { crypto.scryptSync('pw','salt',k); } catch (e) { console.log(e.name, e.code, e.message); }
try { crypto.scryptSync(1,'salt',1); } catch (e) { console.log(e.name, e.code, e.message); }
try { crypto.scrypt('pw','salt',16); } catch (e) { console.log(e.name, e.code, e.message); }
crypto.scrypt('pw','salt',16,(err,k)=>console.log('cb', err, k.toString('hex')));
crypto.scrypt('pw','salt',16,{N:4}, (err,k)=>console.log('cb2', err, k.toString('hex')));
try { crypto.scrypt('pw','salt',16,{N:3}, (err,k)=>console.log('cb3', err, k)); } catch (e) { console.log(e.name, e.code, e.message); }
setTimeout(() => console.log('timer'), 10);
