const zlib = require('zlib');
const zipper = new zlib.Gzip();
zipper.on('close', () => console.log('close!'));
const zipped = zipper._processChunk(Buffer.from('Come on, Fhqwhgads.'), zlib.constants.Z_FINISH);
const unzipped = new zlib.Gunzip()._processChunk(zipped, zlib.constants.Z_FINISH);
console.log(zipped.slice(0, 4), unzipped.toString(), zipper instanceof zlib.Gzip, zlib.Gzip() instanceof zlib.Gzip, zipper.bytesWritten);
console.log(zlib.inflateRawSync(zlib.deflateRawSync('raw!')).toString(), zlib.unzipSync(zlib.deflateSync(new Uint16Array([65, 66]))).toString('hex'));
const r = zlib.gzipSync('x', { info: true });
console.log(r.engine instanceof zlib.Gzip, zlib.gunzipSync(r.buffer).toString(), zlib.constants.Z_MAX_CHUNK, zlib.codes[-3], zlib.codes.Z_BUF_ERROR);
try { zlib.gzip('abc'); } catch (e) { console.log(e.code, e.message); }
try { zlib.gzipSync(5); } catch (e) { console.log(e.code, e.message); }
zlib.deflateRaw('hello', { info: true }, (err, res) => {
  console.log('deflateRaw', err, res.engine.constructor.name);
  zlib.inflateRaw(res.buffer, (err, out) => console.log('inflateRaw', err, out.toString()));
});
zlib.unzip(zlib.gzipSync('via unzip'), (err, out) => console.log('unzip', out.toString()));
