// Eight crypto.pbkdf2 hashes at once on libuv's default pool of 4 threads:
// four run, four wait, so they finish in two waves. (Eight cores, so the
// only limit is the pool.) Compare "pbkdf2 waves, pool of 8".
// @looplab cores 8
const crypto = require('crypto');
const start = Date.now();

for (let i = 1; i <= 8; i++) {
  crypto.pbkdf2('password', 'salt', 100000, 64, 'sha512', () => {
    console.log(`hash ${i} done after ${Date.now() - start} ms`);
  });
}
