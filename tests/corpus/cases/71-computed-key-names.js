const k = 'ab';
const o = { [k]: function () {}, [k + 'c']: () => 1, [Symbol.iterator]: function () {}, plain: function () {} };
console.log(o.ab.name, o.abc.name, o[Symbol.iterator].name, o.plain.name);
class C { static [k] = function () {}; [k + 'x']() {} }
console.log(C.ab.name, new C().abx.name);
{
const o = { f(){}, get g(){ return 1 }, async h() {}, *[Symbol.iterator]() {}, 'q'(a) {} };
console.log(String(o.f), String(Object.getOwnPropertyDescriptor(o, 'g').get), String(o.h), String(o[Symbol.iterator]), String(o.q));
class C { m() {} static async * s() {} #p() {} }
console.log(String(C.prototype.m), String(C.s), String(C));
}
