const u = new Uint8Array([1,2,3]);
console.log(Object.keys(u), JSON.stringify(u), u, Object.getOwnPropertyDescriptor(u, 0));
const f = new Float64Array([1.5, -2, NaN]);
console.log(f, f.length, f.byteLength, f.BYTES_PER_ELEMENT, Float64Array.BYTES_PER_ELEMENT);
const i16 = new Int16Array(new Uint8Array([1,2,3,4]).buffer);
console.log(i16, i16[0], i16[1], i16.byteOffset);
const c = new Uint8ClampedArray([300, -5, 2.5, 3.5]);
console.log(c, [...c], Array.from(c.entries()));
const s = new Int32Array([5, -1, 3, 10]);
console.log(s.sort(), s.map(x => x * 2), s.filter(x => x > 0), s.slice(1, 3), s.subarray(1).length);
console.log(s.indexOf(3), s.includes(10), s.join('-'), s.reduce((a, b) => a + b), s.at(-1));
console.log(Object.getPrototypeOf(Int8Array).name, Object.getPrototypeOf(Int8Array.prototype) === Object.getPrototypeOf(Uint8Array.prototype));
const dv = new DataView(new ArrayBuffer(8));
dv.setUint16(0, 0x1234); dv.setFloat32(4, 1.5, true);
console.log(dv.getUint8(0), dv.getUint16(0, true), dv.getFloat32(4, true), require('util').inspect(dv, { breakLength: Infinity }));
const sab = new SharedArrayBuffer(4);
console.log(sab, sab.byteLength, Object.prototype.toString.call(sab), new Uint32Array(sab));
try { new Int16Array(new ArrayBuffer(3)); } catch (e) { console.log(e.message); }
try { new Int32Array(new ArrayBuffer(8), 2); } catch (e) { console.log(e.message); }
try { Int8Array(); } catch (e) { console.log(e.message); }
for (const k in new Uint16Array(2)) console.log('key', k);
console.log(Float32Array.from([1, 2], x => x / 3), Uint8Array.of(1, 2, 257), new Uint16Array(3).fill(7));
const t = new Uint8Array(4); t.set([1, 2], 1); t.set(new Uint8Array([9]), 3); console.log(t, t.toString(), String(t.toReversed()), t.with(0, 5));
console.log(Buffer.from('hi'), new Float64Array(2).toLocaleString());
console.log({...new Uint8Array([4,5])}, ArrayBuffer.isView(dv), ArrayBuffer.isView(sab));
