// Eight equal pbkdf2 jobs on the default 4-thread pool finish in two waves.
const crypto = require('crypto');
const start = Date.now();
for (let i = 0; i < 8; i++) {
  crypto.pbkdf2('password', 'salt', 50000, 64, 'sha512', () => {
    console.log('job ' + i + ' done after ' + (Date.now() - start) + ' ms');
  });
}
