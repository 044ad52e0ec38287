// A direct eval inside a function sees its caller: its variables (read, written, const and TDZ
// checked), this, arguments, new.target and super; strict code keeps its own vars; nested
// closures and evals inside the eval see them too (ECMA-262 19.2.1.1 PerformEval).
function f(a) { let b = 2; const c = 3; return eval('a + b + c'); }
console.log(f(1));
function g() { let x = 1; eval('x = 5'); return x; }
console.log(g());
function h() { 'use strict'; eval('var y = 3'); return typeof y; }
console.log(h());
function k() { const q = 1; try { eval('q = 2'); } catch (e) { return e.constructor.name; } }
console.log(k());
function m() { return eval('this === undefined ? "u" : typeof this'); }
console.log(m.call({}));
function n() { return eval('arguments.length + ":" + arguments[0]'); }
console.log(n(7, 8));
function nt() { return eval('new.target === nt'); }
console.log(new nt() instanceof nt, nt());
class B { get v() { return 'bv'; } }
class A extends B { m() { return eval('super.v'); } }
console.log(new A().m());
function o() { let i = 0; return eval('for (let j = 0; j < 3; j++) i += j; i'); }
console.log(o());
function p() { let z = 1; const inner = () => eval('z + 1'); return inner(); }
console.log(p());
function q() { let w = 1; return eval('let w = 10; w') + w; }
console.log(q());
function r() { let s = 'outer'; return eval('(function () { return s; })()'); }
console.log(r());
function t() { let u = 2; return eval('eval("u * 21")'); }
console.log(t());
function v() { return eval('typeof notDefinedAnywhere'); }
console.log(v());
