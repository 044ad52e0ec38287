// zlib with real bytes: gzip's header, a round trip through each format, Node's errors for damaged input.
const zlib = require('zlib');
const z = zlib.gzipSync('hello hello hello');
console.log(z.subarray(0, 10).toString('hex'), zlib.gunzipSync(z).toString());
console.log(zlib.inflateSync(zlib.deflateSync(Buffer.from('abc'))).toString());
try { zlib.gunzipSync(Buffer.from('nope')); } catch (e) { console.log(e.message, e.code, e.errno); }
zlib.gunzip(Buffer.from('nope nope'), (err) => console.log('async', err.message, err.code));
zlib.gzip('x'.repeat(1000), (err, out) => zlib.gunzip(out, (err2, back) => console.log(back.length, out.length < 100)));
