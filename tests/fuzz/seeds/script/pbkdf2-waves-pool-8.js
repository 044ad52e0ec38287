// The same eight hashes with UV_THREADPOOL_SIZE=8, set before the pool's
// first use (libuv reads it once): one wave. With only 4 cores the eight
// threads would share them and the wave would take twice as long.
// @looplab cores 8
process.env.UV_THREADPOOL_SIZE = '8';
const crypto = require('crypto');
const start = Date.now();

for (let i = 1; i <= 8; i++) {
  crypto.pbkdf2('password', 'salt', 100000, 64, 'sha512', () => {
    console.log(`hash ${i} done after ${Date.now() - start} ms`);
  });
}
