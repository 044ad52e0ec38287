// Reflect (ECMA-262 28.1): the internal methods as functions; V8's messages.
const o = { a: 1, [Symbol('s')]: 2, 2: 'x' };
console.log(Reflect.ownKeys(o), Reflect.has(o, 'a'), Reflect.get(o, 'a'));
class A { get v() { return this.n; } }
console.log(Reflect.get(A.prototype, 'v', { n: 7 }));
console.log(Reflect.apply(Math.max, null, [1, 5, 3]), Reflect.construct(Date, [0]).getTime());
class B { constructor() { this.t = new.target.name; } } class C extends B {}
console.log(Reflect.construct(B, [], C).t, Reflect.construct(B, [], C) instanceof C);
const f = Object.freeze({ z: 1 });
console.log(Reflect.set(f, 'z', 2), Reflect.defineProperty(f, 'y', { value: 1 }), Reflect.deleteProperty(f, 'z'), Reflect.isExtensible(f));
console.log(Reflect.getOwnPropertyDescriptor(o, 'a'), Reflect.getPrototypeOf([]) === Array.prototype, Reflect.setPrototypeOf({}, null));
console.log(String(Reflect), Object.getOwnPropertyNames(Reflect).join());
try { Reflect.get(1, 'a'); } catch (e) { console.log(e.message); }
try { Reflect.apply(1); } catch (e) { console.log(e.message); }
