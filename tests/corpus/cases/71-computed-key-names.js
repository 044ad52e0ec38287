const k = 'ab';
const o = { [k]: function () {}, [k + 'c']: () => 1, [Symbol.iterator]: function () {}, plain: function () {} };
console.log(o.ab.name, o.abc.name, o[Symbol.iterator].name, o.plain.name);
class C { static [k] = function () {}; [k + 'x']() {} }
console.log(C.ab.name, new C().abx.name);
