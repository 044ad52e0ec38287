var o = { x: 1, f() { return this === o; }, [Symbol.unscopables]: { y: true }, y: 'hidden' };
var x = 'outer', y = 'outer-y', z = 'outer-z';
with (o) {
  console.log(x, y, z, f(), typeof x, typeof nope);
  x = 2; z = 3;
  var x = 5;
  let w = 'inner';
  console.log(w, x);
}
console.log(o.x, x, z, 'z' in o);
function g(obj) {
  with (obj) { return a + (typeof b) + delete obj.a + a; }
}
var a = 'ga';
console.log(g({ a: 'A' }));
with ([1,2,3]) { console.log(length, join('-'), typeof keys); }
with ('str') console.log(length, charAt(1));
try { with (null) {} } catch (e) { console.log(e.constructor.name, e.message); }
var n = 0; with ({ n: 10 }) { n++; n += 5; console.log(n); } console.log(n);
outer: with ({}) { for (;;) break outer; } console.log('done');
with ({ p: 1 }) { with ({ q: 2 }) console.log(p + q); }
