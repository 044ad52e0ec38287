const u=new URL('HTTP://User:pa ss@EXAMPLE.com:80/a/./b/../c d^{}|?q=a b\'&x=é#frag ment');
console.log(require('util').inspect(u, { breakLength: Infinity })); console.log(u.href);
console.log(new URL('../x?y#z', 'https://h.org/p/q/r').href, String(new URL('//o.com/p', 'https://h.org')));
console.log(String(new URL('http://0x7f.1/')), String(new URL('file:///C:/a/../b')), String(new URL('mailto:A b@x.com')), String(new URL('foo://Host/A B')));
try { new URL('nope') } catch(e) { console.log(e.name, e.code, e.message, e.input, Object.keys(e)) }
console.log(new URLSearchParams({a:'1 2', b:'&='}), new URLSearchParams(''), String(new URLSearchParams('?a=1+2&b=%41&c')));
const t=new URL('http://a/b'); t.searchParams.append('k','v w'); t.hash='h'; t.port='8080'; t.pathname='/x y'; console.log(t.href);
console.log(URL.canParse('x:'), URL.canParse('x'), typeof require('url').fileURLToPath);
console.log(new URL('/users/42?sort=asc', 'http://localhost:3000').searchParams.get('sort'), new URL('?a=1', 'http://h/p?z#f').href, new URL('#g', 'http://h/p?z#f').href, new URL('', 'http://h/p?z#f').href);
console.log(JSON.stringify({ u: new URL('https://x.io') }), [...new URLSearchParams('b=2&a=1&b=3')], new URLSearchParams('b=2&a=1&b=3').getAll('b'));
const sp = new URLSearchParams('z=1&a=2&z=0'); sp.sort(); sp.set('a', 'é'); sp.delete('q'); console.log(sp.toString(), sp.size, sp.has('z'));
console.log(require('url').fileURLToPath('file:///tmp/a%20b.txt'), require('url').pathToFileURL('/tmp/a b#c').href);
console.log(new TextEncoder().encode('hé'), new TextDecoder().decode(new Uint8Array([104, 0xc3, 0xa9])), JSON.stringify(new TextDecoder().decode(new Uint8Array([0xff,0x41]))), new TextEncoder().encodeInto('hé', new Uint8Array(2)));
console.log(new TextEncoder(), new TextDecoder(), new TextDecoder('latin1').encoding);
try{atob('*')}catch(e){console.log(e.name,e.message)}; try{btoa('é€')}catch(e){console.log(e.name,e.message)}
try{ new TextDecoder('utf-8',{fatal:true}).decode(new Uint8Array([0xff]))}catch(e){console.log(e.name,e.code,e.message)}
console.log(new TextDecoder().decode(new Uint8Array([0xef,0xbb,0xbf,0x41])), new TextDecoder('utf-16le').decode(new Uint8Array([65,0])), atob(' aGk= '), btoa('hi'));
for (const v of [()=>1, Symbol('s'), new WeakMap(), Promise.resolve(), (function(){return arguments})(), {f(){}}, Object(Symbol('q'))]) { try { structuredClone(v) } catch (e) { console.log(e.name, e.message, e.code) } }
try { structuredClone() } catch (e) { console.log(e.name, e.code, e.message) }
class P { constructor(){ this.x=1 } get y(){return 2} }
const o = {a:1, d:new Date(5), r:/x/g, m:new Map([[1,{b:2}]]), s:new Set([1]), buf: Buffer.from('hi'), f: new Float32Array([1.5]), p: new P(), n: new Number(3), arr:[1,,3]};
o.self = o;
const c = structuredClone(o);
console.log(require('util').inspect(c, { breakLength: Infinity }), c.self===c, c.p.constructor.name, c.m !== o.m);
const ab = new ArrayBuffer(4); const c2 = structuredClone(ab, {transfer:[ab]}); console.log(ab.byteLength, c2.byteLength);
const e = structuredClone(new RangeError('m', {cause: 1})); console.log(e instanceof RangeError, e.message, e.cause, Object.keys(e));
console.log(typeof require('util').TextEncoder, typeof require('buffer').atob);
