// The arguments object: one per call, an arrow's is its function's, and in
// sloppy functions with simple parameters it is mapped to them both ways
// (ECMA-262 10.4.4); Object.defineProperty on it unties or keeps the mapping.
function f(a) { const g = () => arguments[0]; return g(9); }
console.log(f(1));
function h(a) { arguments[0] = 5; return a; }
console.log(h(1));
function k(a) { a = 7; return arguments[0]; }
console.log(k(1));
(function(){ console.log(arguments === arguments); })();
(function(a){ console.log(arguments === arguments); a = 2; })(1);
(function(a){ 'use strict'; console.log(arguments === arguments); })(1);
function a(x, y) { x = 10; return [...arguments].join(); }
console.log(a(1, 2));
function b(x) { x = 'q'; return Array.prototype.slice.call(arguments).join(); }
console.log(b('p', 'r'));
function c(x) { x = 5; const out = []; for (const v of arguments) out.push(v); return out.join(); }
console.log(c(1, 2));
function d(x) { x = 9; return Array.from(arguments).join() + ' ' + JSON.stringify(arguments) + ' ' + Object.keys(arguments); }
console.log(d(1));
function e(x) { arguments[0] = 3; return x + arguments.length; }
console.log(e(1, 2, 3));
function f(x) { 'use strict'; x = 2; return arguments[0]; }
console.log(f(1));
function g(x = 0) { x = 2; return arguments[0]; }
console.log(g(1));
function h(x) { delete arguments[0]; x = 4; return arguments[0]; }
console.log(h(1));
function i(x) { x = 4; return arguments[1]; }
console.log(i(1));
function j(x, y) { y = 8; return arguments[1] + ' ' + arguments.length; }
console.log(j(1));
const o = { m(x) { x = 6; return arguments[0]; } };
console.log(o.m(1));
function k() { return () => () => arguments.length; }
console.log(k(1, 2, 3)()());
function* gen(x) { x = 'g'; yield arguments[0]; }
console.log(gen('a').next().value);
async function as(x) { x = 'as'; await null; return arguments[0]; }
as('b').then(console.log);
(function(a) {
  Object.defineProperty(arguments, "0", { configurable: false });
  arguments[0] = 2;
  console.log(a, arguments[0], JSON.stringify(Object.getOwnPropertyDescriptor(arguments, "0")));
})(1);
(function(a) {
  Object.defineProperty(arguments, "0", { writable: false });
  a = 3;
  console.log(a, arguments[0]);
})(1);
(function() {
  Object.defineProperty(arguments, "genericProperty", { value: 1001, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(arguments, "genericProperty", { value: 1002, enumerable: false, configurable: false });
  console.log(JSON.stringify(Object.getOwnPropertyDescriptor(arguments, "genericProperty")));
})(1, 2, 3);
(function() {
  Object.defineProperty(arguments, "0", { get: () => 10, enumerable: false, configurable: false });
  try { Object.defineProperty(arguments, "0", { get: () => 20 }); console.log('no throw') } catch (e) { console.log(e.constructor.name, arguments[0]); }
})(1);
