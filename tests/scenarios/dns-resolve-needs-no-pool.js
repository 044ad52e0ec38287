// @looplab pool 1
// dns.lookup queues behind pbkdf2 on the only pool thread; dns.resolve4 uses
// the kernel (c-ares sockets) and needs no thread.
const crypto = require('crypto');
const dns = require('dns');
crypto.pbkdf2('password', 'salt', 100000, 64, 'sha512', () => console.log('pbkdf2 done'));
dns.lookup('localhost', () => console.log('lookup done (waited for the pool)'));
dns.resolve4('example.test', (err, addresses) => console.log('resolve4 done: ' + addresses.join(',')));
