// util.inspect and util.format as Node v20 prints them (what console.log uses).
// The rules follow Node v20's lib/internal/util/inspect.js and the util docs
// (https://nodejs.org/docs/latest-v20.x/api/util.html); the code is written
// afresh for Looplab. Colours are never produced (`colors` is ignored).
// What only the runtime knows comes from '%inspectbinding':
//   kind(v)         'Map' | 'Set' | 'WeakMap' | 'WeakSet' | 'Date' | 'RegExp' | 'Error' |
//                   'Promise' | 'NumberObject' | 'StringObject' | 'BooleanObject' |
//                   'SymbolObject' | 'Arguments' | 'Generator' | 'Array' | 'Function' |
//                   'Object', 'ArrayBuffer', 'DataView', or a typed array's constructor name
//   promiseState(p) [state, result]: 0 pending, 1 fulfilled, 2 rejected
//   mapEntries(m)   [[key, value], ...] read without user code (a Set gives [v, v])
'use strict';

const binding = require('%inspectbinding');

const customInspectSymbol = Symbol.for('nodejs.util.inspect.custom');

// Captured at load so user code patching prototypes cannot change the
// output (Node's "primordials" do the same).
const hasOwn = Function.prototype.call.bind(Object.prototype.hasOwnProperty);
const isEnumerable = Function.prototype.call.bind(Object.prototype.propertyIsEnumerable);
const isPrototypeOf = Function.prototype.call.bind(Object.prototype.isPrototypeOf);
const getProto = Object.getPrototypeOf;
const getDescriptor = Object.getOwnPropertyDescriptor;
const ObjectPrototype = Object.prototype;
const FunctionPrototype = Function.prototype;
const errorToString = Error.prototype.toString;
const dateGetTime = Date.prototype.getTime;
const dateToISOString = Date.prototype.toISOString;
const dateToString = Date.prototype.toString;
const regexpToString = RegExp.prototype.toString;
const functionToString = Function.prototype.toString;
const symbolToString = Symbol.prototype.toString;
const boxedValueOf = {
  NumberObject: Number.prototype.valueOf,
  StringObject: String.prototype.valueOf,
  BooleanObject: Boolean.prototype.valueOf,
  SymbolObject: Symbol.prototype.valueOf,
};
const AsyncFunctionPrototype = getProto(async function () {});
const GeneratorFunctionPrototype = getProto(function* () {});

// Constructors named like capitalised globals count as built in: showHidden
// skips their prototypes, %s inspects objects whose toString is theirs.
const builtInObjects = new Set(
  Object.getOwnPropertyNames(globalThis).filter((name) => /^[A-Z][a-zA-Z0-9]+$/.test(name)));

// util.inspect.defaultOptions as documented.
const inspectDefaultOptions = Object.seal({
  showHidden: false,
  depth: 2,
  colors: false,
  customInspect: true,
  showProxy: false,
  maxArrayLength: 100,
  maxStringLength: 10000,
  breakLength: 80,
  compact: 3,
  sorted: false,
  getters: false,
  numericSeparator: false,
});

// Entries print as `key: value` (objects), bare values (array elements,
// which may be grouped into columns) or `key: value` after elements.
const kObjectType = 0;
const kArrayType = 1;
const kArrayExtrasType = 2;

const indexKeyRegExp = /^(0|[1-9][0-9]*)$/;
const plainKeyRegExp = /^[a-zA-Z_][a-zA-Z_0-9]*$/;

// ---------------------------------------------------------------- strings

const namedEscapes = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r', 39: "\\'", 92: '\\\\' };

function escapeCode(code) {
  if (namedEscapes[code] !== undefined) return namedEscapes[code];
  if (code < 0xa0) return `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
  return `\\u${code.toString(16)}`; // a lone surrogate
}

// Escapes C0/C1 controls, the backslash, lone surrogates and (if asked) the
// single quote; valid surrogate pairs stay as they are.
function escapeBody(str, escapeQuote) {
  let out = '';
  let last = 0;
  for (let i = 0; i < str.length; i++) {
    const code = str.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < str.length ? str.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    } else if (!(code < 32 || (code > 126 && code < 160) || code === 92 || (code === 39 && escapeQuote))) {
      continue;
    }
    out += str.slice(last, i) + escapeCode(code);
    last = i + 1;
  }
  return last === 0 ? str : out + str.slice(last);
}

// Node quotes with ' unless the text contains one; then " if possible, then `
// (if there is neither ` nor "${"), else ' with the quotes escaped.
function quoteString(str) {
  let quote = "'";
  if (str.includes("'")) {
    if (!str.includes('"')) quote = '"';
    else if (!str.includes('`') && !str.includes('${')) quote = '`';
  }
  return quote + escapeBody(str, quote === "'") + quote;
}

// Columns a string takes on a terminal, for laying out array columns. Node
// asks ICU; this follows Node's no-ICU fallback: controls and combining marks
// take none, East Asian wide characters and common emoji take two.
const zeroWidthRanges = [[0, 0x1f], [0x7f, 0x9f], [0x300, 0x36f], [0x200b, 0x200f], [0x20d0, 0x20ff],
  [0xfe00, 0xfe0f], [0xfe20, 0xfe2f], [0xe0100, 0xe01ef]];
const fullWidthRanges = [[0x1100, 0x115f], [0x2329, 0x232a], [0x2e80, 0x303e], [0x3040, 0x3247],
  [0x3250, 0x4dbf], [0x4e00, 0xa4c6], [0xa960, 0xa97c], [0xac00, 0xd7a3], [0xf900, 0xfaff],
  [0xfe10, 0xfe19], [0xfe30, 0xfe6b], [0xff01, 0xff60], [0xffe0, 0xffe6], [0x1b000, 0x1b001],
  [0x1f200, 0x1f251], [0x1f300, 0x1f64f], [0x20000, 0x3fffd]];
const inRanges = (ranges, code) => ranges.some(([from, to]) => code >= from && code <= to);

function getStringWidth(str) {
  let width = 0;
  for (const char of str) {
    const code = char.codePointAt(0);
    if (code < 127) width += code >= 32 ? 1 : 0;
    else if (inRanges(fullWidthRanges, code)) width += 2;
    else if (!inRanges(zeroWidthRanges, code)) width += 1;
  }
  return width;
}

// ------------------------------------------------------------- primitives

// numericSeparator puts '_' between groups of three digits on both sides of
// the point (Node's own slicing, odd cases like 1e-7 included).
function separateDigits(text, isInteger) {
  const integer = (s) => s.replace(/\B(?=(\d{3})+$)/g, '_');
  if (isInteger) return text.includes('e') ? text : integer(text);
  const dot = text.indexOf('.');
  return `${integer(text.slice(0, dot))}.${text.slice(dot + 1).replace(/(.{3})(?=.)/g, '$1_')}`;
}

function formatNumber(number, numericSeparator) {
  if (Object.is(number, -0)) return '-0'; // String(-0) would drop the sign
  const text = `${number}`;
  if (!numericSeparator || !Number.isFinite(number)) return text;
  return separateDigits(text, Math.trunc(number) === number);
}

function formatBigInt(bigint, numericSeparator) {
  return `${numericSeparator ? separateDigits(`${bigint}`, true) : bigint}n`;
}

function formatPrimitive(ctx, value) {
  switch (typeof value) {
    case 'string': {
      let trailer = '';
      if (value.length > ctx.maxStringLength) {
        const remaining = value.length - ctx.maxStringLength;
        value = value.slice(0, ctx.maxStringLength);
        trailer = `... ${remaining} more character${remaining > 1 ? 's' : ''}`;
      }
      // A string too long for the line is cut after each newline into
      // quoted pieces joined by ` +` (never one shorter than 16 characters).
      if (ctx.compact !== true && value.length > 16 &&
          value.length > ctx.breakLength - ctx.indentationLvl - 4) {
        const pieces = value.split('\n').map((line, i, all) => (i < all.length - 1 ? `${line}\n` : line));
        if (pieces.length > 1 && pieces[pieces.length - 1] === '') pieces.pop();
        return pieces.map(quoteString).join(` +\n${' '.repeat(ctx.indentationLvl + 2)}`) + trailer;
      }
      return quoteString(value) + trailer;
    }
    case 'number': return formatNumber(value, ctx.numericSeparator);
    case 'bigint': return formatBigInt(value, ctx.numericSeparator);
    case 'boolean': return `${value}`;
    case 'undefined': return 'undefined';
    default: return symbolToString.call(value);
  }
}

// ------------------------------------------------------------ entry point

const stylizeNoColor = (str) => str;

function inspect(value, opts) {
  const ctx = { budget: {}, indentationLvl: 0, seen: [], currentDepth: 0, stylize: stylizeNoColor,
    ...inspectDefaultOptions };
  if (arguments.length > 1) {
    // Legacy signature: inspect(value, showHidden, depth, colors).
    if (arguments.length > 2 && arguments[2] !== undefined) ctx.depth = arguments[2];
    if (arguments.length > 3 && arguments[3] !== undefined) ctx.colors = arguments[3];
    if (typeof opts === 'boolean') {
      ctx.showHidden = opts;
    } else if (opts) {
      for (const key of Object.keys(opts)) {
        if (hasOwn(inspectDefaultOptions, key) || key === 'stylize') ctx[key] = opts[key];
        // Unknown keys reach custom inspect functions untouched.
        else if (ctx.userOptions === undefined) ctx.userOptions = opts;
      }
    }
  }
  if (ctx.maxArrayLength === null) ctx.maxArrayLength = Infinity;
  if (ctx.maxStringLength === null) ctx.maxStringLength = Infinity;
  return formatValue(ctx, value, 0);
}
inspect.custom = customInspectSymbol;
Object.defineProperty(inspect, 'defaultOptions', {
  get() { return inspectDefaultOptions; },
  set(options) {
    if (options === null || typeof options !== 'object') throw invalidArgType('options', options);
    return Object.assign(inspectDefaultOptions, options);
  },
});

// The options a custom inspect function receives: every option, then any
// unknown keys the caller passed. (Node's extra care for objects from other
// vm contexts does not apply here.)
function getUserOptions(ctx) {
  const options = { stylize: ctx.stylize };
  for (const key of Object.keys(inspectDefaultOptions)) options[key] = ctx[key];
  return Object.assign(options, ctx.userOptions);
}

function formatValue(ctx, value, recurseTimes, typedArray) {
  if (typeof value !== 'object' && typeof value !== 'function') return formatPrimitive(ctx, value);
  if (value === null) return 'null';
  if (ctx.customInspect) {
    const custom = value[customInspectSymbol];
    // `C.prototype` holding the method prints normally; instances use it.
    if (typeof custom === 'function' && custom !== inspect &&
        !(value.constructor && value.constructor.prototype === value)) {
      const depth = ctx.depth === null ? null : ctx.depth - recurseTimes;
      const ret = custom.call(value, depth, getUserOptions(ctx), inspect);
      if (ret !== value) {
        if (typeof ret !== 'string') return formatValue(ctx, ret, recurseTimes);
        return ret.split('\n').join(`\n${' '.repeat(ctx.indentationLvl)}`);
      }
    }
  }
  // Meeting an object that is already on the path from the root is a cycle.
  // Targets are numbered in order of discovery: `<ref *1>` / `[Circular *1]`.
  if (ctx.seen.includes(value)) {
    if (ctx.circular === undefined) ctx.circular = new Map();
    if (!ctx.circular.has(value)) ctx.circular.set(value, ctx.circular.size + 1);
    return `[Circular *${ctx.circular.get(value)}]`;
  }
  return formatRaw(ctx, value, recurseTimes, typedArray);
}

// ----------------------------------------------------- names and keys

// The class V8 reports for an object whose prototype chain names none.
function internalConstructorName(value) {
  if (typeof value === 'function') return 'Function';
  const kind = binding.kind(value);
  if (kind in boxedValueOf) return kind.slice(0, -6); // NumberObject -> Number
  return kind === 'Arguments' || kind === 'Generator' ? 'Object' : kind;
}

function isInstanceof(object, ctor) {
  try { return object instanceof ctor; } catch { return false; } // a throwing Symbol.hasInstance
}

// The name of the nearest constructor on the prototype chain that `obj` is
// an instance of; null when the chain ends without one. With showHidden
// (`protoProps` given) it also collects properties from user prototypes.
function getConstructorName(obj, ctx, recurseTimes, protoProps) {
  let firstProto;
  const target = obj;
  while (obj) {
    // Object.prototype and Function.prototype name their type even when
    // `constructor` was tampered with (the target inherits from them unless
    // it is that very prototype).
    const known = obj === ObjectPrototype ? 'Object' : obj === FunctionPrototype ? 'Function' : undefined;
    if (known !== undefined && obj !== target) {
      if (protoProps !== undefined && firstProto !== obj) {
        addPrototypeProperties(ctx, target, firstProto || target, recurseTimes, protoProps);
      }
      return known;
    }
    const descriptor = getDescriptor(obj, 'constructor');
    if (descriptor !== undefined && typeof descriptor.value === 'function' &&
        descriptor.value.name !== '' && isInstanceof(target, descriptor.value)) {
      if (protoProps !== undefined && (firstProto !== obj || !builtInObjects.has(descriptor.value.name))) {
        addPrototypeProperties(ctx, target, firstProto || target, recurseTimes, protoProps);
      }
      return String(descriptor.value.name);
    }
    obj = getProto(obj);
    if (firstProto === undefined) firstProto = obj;
  }
  if (firstProto === null) return null;
  // A chain with prototypes that name nothing: `Object <Complex prototype>`,
  // `Object <[Object: null prototype] {}>`.
  const res = internalConstructorName(target);
  if (recurseTimes > ctx.depth && ctx.depth !== null) return `${res} <Complex prototype>`;
  const protoName = getConstructorName(firstProto, ctx, recurseTimes + 1, protoProps);
  if (protoName !== null) return `${res} <${protoName}>`;
  return `${res} <${inspect(firstProto, { ...ctx, customInspect: false, depth: -1 })}>`;
}

// showHidden also lists the non-method properties that user prototypes (up
// to three levels, stopping at built-in ones) give the object.
function addPrototypeProperties(ctx, main, obj, recurseTimes, output) {
  let keys = [];
  const shadowed = new Set();
  for (let depth = 0; depth < 3; depth++) {
    if (depth !== 0 || main === obj) {
      obj = getProto(obj);
      if (obj === null) return;
      const descriptor = getDescriptor(obj, 'constructor');
      if (descriptor !== undefined && typeof descriptor.value === 'function' &&
          builtInObjects.has(descriptor.value.name)) {
        return;
      }
    }
    for (const key of keys) shadowed.add(key);
    // Reflect.ownKeys order: string keys, then symbols.
    keys = Object.getOwnPropertyNames(obj).concat(Object.getOwnPropertySymbols(obj));
    ctx.seen.push(main);
    for (const key of keys) {
      if (key === 'constructor' || hasOwn(main, key) || shadowed.has(key)) continue;
      const desc = getDescriptor(obj, key);
      if (typeof desc.value === 'function') continue;
      output.push(formatProperty(ctx, obj, recurseTimes, key, kObjectType, desc, main));
    }
    ctx.seen.pop();
  }
}

// Enumerable own string keys, then enumerable symbols (all with showHidden).
function getKeys(value, showHidden) {
  const symbols = Object.getOwnPropertySymbols(value);
  if (showHidden) return Object.getOwnPropertyNames(value).concat(symbols);
  return Object.keys(value).concat(symbols.filter((key) => isEnumerable(value, key)));
}

// Array-likes print their elements separately; these are the other keys.
function getNonIndexKeys(value, showHidden) {
  return getKeys(value, showHidden).filter((key) =>
    typeof key === 'symbol' || !indexKeyRegExp.test(key) || Number(key) >= 2 ** 32 - 1);
}

// `Foo `, `Foo [tag] `, `Array(2) `, `[Object: null prototype] `...
function getPrefix(constructor, tag, fallback, size = '') {
  if (constructor === null) {
    if (tag !== '' && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `;
    return `[${fallback}${size}: null prototype] `;
  }
  if (tag !== '' && constructor !== tag) return `${constructor}${size} [${tag}] `;
  return `${constructor}${size} `;
}

function getCtxStyle(value, constructor, tag) {
  let fallback = '';
  if (constructor === null) {
    fallback = internalConstructorName(value);
    if (fallback === tag) fallback = 'Object';
  }
  return getPrefix(constructor, tag, fallback);
}

// ---------------------------------------------------------------- objects

function formatRaw(ctx, value, recurseTimes, typedArray) {
  let protoProps;
  if (ctx.showHidden && (recurseTimes <= ctx.depth || ctx.depth === null)) protoProps = [];
  const constructor = getConstructorName(value, ctx, recurseTimes, protoProps);
  if (protoProps !== undefined && protoProps.length === 0) protoProps = undefined;

  // Symbol.toStringTag shows only when it is not printed as a key anyway.
  let tag = value[Symbol.toStringTag];
  if (typeof tag !== 'string' ||
      (tag !== '' && (ctx.showHidden ? hasOwn : isEnumerable)(value, Symbol.toStringTag))) {
    tag = '';
  }

  const kind = binding.kind(value);
  const nothingElse = () => keys.length === 0 && protoProps === undefined;
  let keys;
  let base = '';
  let braces = ['{', '}'];
  let formatter = () => [];
  let extrasType = kObjectType;
  let iterable = false;

  // Array-like and collection layouts (a null prototype hides
  // Symbol.iterator, so such objects are checked too).
  if (Symbol.iterator in value || constructor === null) {
    iterable = true;
    if (Array.isArray(value) || kTypedArrayKinds.has(kind)) {
      const isArray = !kTypedArrayKinds.has(kind);
      const fallback = isArray ? 'Array' : constructor === null ? kind : '';
      // A plain array has no prefix; anything else says what it is.
      const prefix = (!isArray || constructor !== 'Array' || tag !== '') ?
        getPrefix(constructor, tag, fallback, `(${value.length})`) : '';
      keys = getNonIndexKeys(value, ctx.showHidden);
      braces = [`${prefix}[`, ']'];
      if (value.length === 0 && (isArray ? nothingElse() : keys.length === 0 && !ctx.showHidden)) {
        return `${braces[0]}]`;
      }
      extrasType = kArrayExtrasType;
      formatter = () => (isArray ? formatArray : formatTypedArray)(ctx, value, recurseTimes);
    } else if (kind === 'Set' || kind === 'Map') {
      const entries = binding.mapEntries(value);
      const prefix = getPrefix(constructor, tag, kind, `(${entries.length})`);
      keys = getKeys(value, ctx.showHidden);
      if (entries.length === 0 && nothingElse()) return `${prefix}{}`;
      braces = [`${prefix}{`, '}'];
      formatter = () => formatMapOrSet(ctx, entries, kind === 'Map', recurseTimes);
    } else {
      iterable = false;
    }
  }

  if (!iterable) {
    keys = getKeys(value, ctx.showHidden);
    if (typeof value === 'function') {
      base = getFunctionBase(value, constructor, tag);
      if (nothingElse()) return base;
    } else if (constructor === 'Object') {
      if (kind === 'Arguments') braces[0] = '[Arguments] {';
      else if (tag !== '') braces[0] = `${getPrefix(constructor, tag, 'Object')}{`;
      if (nothingElse()) return `${braces[0]}}`;
    } else if (kind === 'RegExp') {
      base = regexpToString.call(constructor !== null ? value : new RegExp(value));
      const prefix = getPrefix(constructor, tag, 'RegExp');
      if (prefix !== 'RegExp ') base = `${prefix}${base}`;
      if (nothingElse() || (recurseTimes > ctx.depth && ctx.depth !== null)) return base;
    } else if (kind === 'Date') {
      base = Number.isNaN(dateGetTime.call(value)) ? dateToString.call(value) : dateToISOString.call(value);
      const prefix = getPrefix(constructor, tag, 'Date');
      if (prefix !== 'Date ') base = `${prefix}${base}`;
      if (nothingElse()) return base;
    } else if (isErrorLike(value, kind)) {
      base = formatError(value, constructor, tag, ctx, keys);
      if (nothingElse()) return base;
    } else if (kind === 'ArrayBuffer') {
      const prefix = getPrefix(constructor, tag, 'ArrayBuffer');
      if (typedArray === undefined) formatter = () => [formatArrayBufferContents(ctx, value)];
      else if (nothingElse()) return `${prefix}{ byteLength: ${formatNumber(value.byteLength, false)} }`;
      braces[0] = `${prefix}{`;
      keys.unshift('byteLength');
    } else if (kind === 'DataView') {
      braces[0] = `${getPrefix(constructor, tag, 'DataView')}{`;
      keys.unshift('byteLength', 'byteOffset', 'buffer');
    } else if (kind === 'Promise') {
      braces[0] = `${getPrefix(constructor, tag, 'Promise')}{`;
      formatter = () => formatPromise(ctx, value, recurseTimes);
    } else if (kind === 'WeakSet' || kind === 'WeakMap') {
      // Weak collections cannot be listed (Node lists them only with
      // showHidden, through V8's previewEntries).
      braces[0] = `${getPrefix(constructor, tag, kind)}{`;
      formatter = () => ['<items unknown>'];
    } else if (kind in boxedValueOf) {
      base = getBoxedBase(ctx, value, kind, keys, constructor, tag);
      if (nothingElse()) return base;
    } else {
      if (nothingElse()) return `${getCtxStyle(value, constructor, tag)}{}`;
      braces[0] = `${getCtxStyle(value, constructor, tag)}{`;
    }
  }

  // Past the depth limit only the type is named: `[Object]`, `[Foo]`.
  if (recurseTimes > ctx.depth && ctx.depth !== null) {
    const name = getCtxStyle(value, constructor, tag).slice(0, -1);
    return constructor !== null ? `[${name}]` : name;
  }

  recurseTimes += 1;
  ctx.seen.push(value);
  ctx.currentDepth = recurseTimes;
  let output;
  const indentationLvl = ctx.indentationLvl;
  try {
    output = formatter();
    for (const key of keys) output.push(formatProperty(ctx, value, recurseTimes, key, extrasType));
    if (protoProps !== undefined) output.push(...protoProps);
  } catch (err) {
    if (!(err instanceof RangeError && /call stack/i.test(String(err.message)))) throw err;
    ctx.seen.pop();
    ctx.indentationLvl = indentationLvl;
    const name = getCtxStyle(value, constructor, tag).slice(0, -1);
    return `[${name}: Inspection interrupted prematurely. Maximum call stack size exceeded.]`;
  }

  // A target of `[Circular *n]` announces itself first.
  if (ctx.circular !== undefined && ctx.circular.has(value)) {
    const reference = `<ref *${ctx.circular.get(value)}>`;
    if (ctx.compact !== true) base = base === '' ? reference : `${reference} ${base}`;
    else braces[0] = `${reference} ${braces[0]}`;
  }
  ctx.seen.pop();

  if (ctx.sorted) {
    const comparator = ctx.sorted === true ? undefined : ctx.sorted;
    if (extrasType === kObjectType) {
      output.sort(comparator);
    } else if (keys.length > 1) {
      // Elements keep their order; only the named extras are sorted.
      output.push(...output.splice(output.length - keys.length).sort(comparator));
    }
  }
  return reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
}

function getFunctionBase(value, constructor, tag) {
  const source = functionToString.call(value);
  if (source.startsWith('class') && source.endsWith('}')) {
    // Source starting with "class" might be a method named `class`; a real
    // class has no `(` before its body (once comments are stripped).
    const rest = source.slice(5, -1);
    const brace = rest.indexOf('{');
    if (brace !== -1 && (!rest.slice(0, brace).includes('(') ||
        /^(\s+[^(]*?)\s*{/.test(rest.replace(/(\/\/.*?\n)|(\/\*(.|\n)*?\*\/)/g, '')))) {
      return getClassBase(value, constructor, tag);
    }
  }
  // V8 knows a function's kind internally; here the prototype it was created
  // with tells.
  let type = 'Function';
  if (inPrototypeChain(value, GeneratorFunctionPrototype)) type = `Generator${type}`;
  if (inPrototypeChain(value, AsyncFunctionPrototype)) type = `Async${type}`;
  let base = `[${type}`;
  if (constructor === null) base += ' (null prototype)';
  base += value.name === '' ? ' (anonymous)]' : `: ${value.name}]`;
  if (constructor !== type && constructor !== null) base += ` ${constructor}`;
  if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
  return base;
}

const inPrototypeChain = (value, proto) => isPrototypeOf(proto, value);

function getClassBase(value, constructor, tag) {
  const name = (hasOwn(value, 'name') && value.name) || '(anonymous)';
  let base = `class ${name}`;
  if (constructor !== 'Function' && constructor !== null) base += ` [${constructor}]`;
  if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
  if (constructor === null) base += ' extends [null prototype]';
  else if (getProto(value).name) base += ` extends ${getProto(value).name}`;
  return `[${base}]`;
}

// `[Number: 3]`, `[String: 'x']`, `[Number (MyNum): 5]`...
function getBoxedBase(ctx, value, kind, keys, constructor, tag) {
  const type = kind.slice(0, -6);
  // A boxed string's index keys only repeat its characters.
  if (kind === 'StringObject') keys.splice(0, value.length);
  let base = `[${type}`;
  if (type !== constructor) base += constructor === null ? ' (null prototype)' : ` (${constructor})`;
  base += `: ${formatPrimitive(ctx, boxedValueOf[kind].call(value))}]`;
  if (tag !== '' && tag !== constructor) base += ` [${tag}]`;
  return base;
}

// ----------------------------------------------------------------- errors

// Node's isError: a native error, or anything inheriting from Error.
function isErrorLike(value, kind = binding.kind(value)) {
  return kind === 'Error' || isInstanceof(value, Error);
}

const getStackString = (error) => (error.stack ? String(error.stack) : errorToString.call(error));

// Where the first run of more than three equal lines of `a` appears in `b`;
// frames an error shares with its cause are folded into one line.
function identicalSequenceRange(a, b) {
  for (let i = 0; i < a.length - 3; i++) {
    const pos = b.indexOf(a[i]);
    if (pos === -1 || b.length - pos <= 3) continue;
    const maxLen = Math.min(a.length - i, b.length - pos);
    let len = 1;
    while (maxLen > len && a[i + len] === b[pos + len]) len++;
    if (len > 3) return { len, offset: i };
  }
  return { len: 0, offset: 0 };
}

function getStackFrames(err, framesText) {
  const frames = framesText.split('\n');
  let cause;
  try {
    cause = err.cause;
  } catch {
    // a throwing `cause` getter is ignored
  }
  if ((typeof cause === 'object' || typeof cause === 'function') && cause !== null && isErrorLike(cause)) {
    const causeStack = getStackString(cause);
    const start = causeStack.indexOf('\n    at');
    if (start !== -1) {
      const { len, offset } = identicalSequenceRange(frames, causeStack.slice(start + 1).split('\n'));
      if (len > 0) {
        frames.splice(offset + 1, len - 2, `    ... ${len - 2} lines matching cause stack trace ...`);
      }
    }
  }
  return frames;
}

// Make the first line say what the error really is when the stack's name
// hides it: `MyErr [TypeError]: x`, `[Error: null prototype]: x`.
function improveStack(stack, constructor, name, tag) {
  let len = name.length;
  if (constructor === null ||
      (name.endsWith('Error') && stack.startsWith(name) &&
       (stack.length === len || stack[len] === ':' || stack[len] === '\n'))) {
    let fallback = 'Error';
    if (constructor === null) {
      const start = /^([A-Z][a-z_ A-Z0-9[\]()-]+)(?::|\n {4}at)/.exec(stack) ||
        /^([a-z_A-Z0-9-]*Error)$/.exec(stack);
      fallback = (start && start[1]) || '';
      len = fallback.length;
      fallback = fallback || 'Error';
    }
    const prefix = getPrefix(constructor, tag, fallback).slice(0, -1);
    if (name !== prefix) {
      if (!prefix.includes(name)) stack = `${prefix} [${name}]${stack.slice(len)}`;
      else if (len === 0) stack = `${prefix}: ${stack}`;
      else stack = `${prefix}${stack.slice(len)}`;
    }
  }
  return stack;
}

function formatError(err, constructor, tag, ctx, keys) {
  const name = err.name != null ? String(err.name) : 'Error';
  let stack = getStackString(err);
  // Own name/message/stack keys are not repeated when the stack shows them.
  if (!ctx.showHidden && keys.length !== 0) {
    for (const key of ['name', 'message', 'stack']) {
      const index = keys.indexOf(key);
      if (index !== -1 && stack.includes(err[key])) keys.splice(index, 1);
    }
  }
  if ('cause' in err && !keys.includes('cause')) keys.push('cause');
  if (Array.isArray(err.errors) && !keys.includes('errors')) keys.push('errors');
  stack = improveStack(stack, constructor, name, tag);

  // Frames start at the first "\n    at" after the message (which Node only
  // skips when found past index 0: `indexOf(...) || -1`).
  let pos = (err.message && stack.indexOf(err.message)) || -1;
  if (pos !== -1) pos += err.message.length;
  const stackStart = stack.indexOf('\n    at', pos);
  if (stackStart === -1) {
    stack = `[${stack}]`; // no frames: `[Error: msg]`
  } else {
    const frames = getStackFrames(err, stack.slice(stackStart + 1));
    stack = `${stack.slice(0, stackStart)}\n${frames.join('\n')}`;
  }
  return stack.split('\n').join(`\n${' '.repeat(ctx.indentationLvl)}`);
}

// ---------------------------------------------- arrays, collections, promises

const moreItems = (count) => `... ${count} more item${count > 1 ? 's' : ''}`;
const emptyItems = (count) => `<${count} empty item${count > 1 ? 's' : ''}>`;

function formatArray(ctx, value, recurseTimes) {
  const shown = Math.min(Math.max(0, ctx.maxArrayLength), value.length);
  const output = [];
  for (let i = 0; i < shown; i++) {
    if (!hasOwn(value, i)) return formatSparseArray(ctx, value, recurseTimes, shown, output, i);
    output.push(formatProperty(ctx, value, recurseTimes, i, kArrayType));
  }
  if (value.length > shown) output.push(moreItems(value.length - shown));
  return output;
}

// Each run of holes prints as one `<n empty items>` entry, which counts as
// one entry toward maxArrayLength.
function formatSparseArray(ctx, value, recurseTimes, maxLength, output, i) {
  const keys = Object.keys(value);
  let index = i;
  for (; i < keys.length && output.length < maxLength; i++) {
    const key = keys[i];
    const number = +key;
    if (number > 2 ** 32 - 2) break;
    if (`${index}` !== key) {
      if (!indexKeyRegExp.test(key)) break;
      output.push(emptyItems(number - index));
      index = number;
      if (output.length === maxLength) break;
    }
    output.push(formatProperty(ctx, value, recurseTimes, key, kArrayType));
    index++;
  }
  const remaining = value.length - index;
  if (remaining > 0) output.push(output.length !== maxLength ? emptyItems(remaining) : moreItems(remaining));
  return output;
}

// What binding.kind says of a typed array: its constructor's name.
const kTypedArrayKinds = new Set(['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array',
  'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array']);

function formatTypedArray(ctx, value, recurseTimes) {
  const shown = Math.min(Math.max(0, ctx.maxArrayLength), value.length);
  const output = [];
  for (let i = 0; i < shown; i++) output.push(formatNumber(value[i], ctx.numericSeparator));
  if (value.length > shown) output.push(moreItems(value.length - shown));
  if (ctx.showHidden) {
    // Prototype getters that showHidden lists like keys.
    ctx.indentationLvl += 2;
    for (const key of ['BYTES_PER_ELEMENT', 'length', 'byteLength', 'byteOffset', 'buffer']) {
      output.push(`[${key}]: ${formatValue(ctx, value[key], recurseTimes, true)}`);
    }
    ctx.indentationLvl -= 2;
  }
  return output;
}

function formatArrayBufferContents(ctx, buffer) {
  const bytes = new Uint8Array(buffer);
  const hex = [];
  for (let i = 0; i < Math.min(ctx.maxArrayLength, bytes.length); i++) {
    hex.push(bytes[i].toString(16).padStart(2, '0'));
  }
  const remaining = bytes.length - ctx.maxArrayLength;
  const more = remaining > 0 ? ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}` : '';
  return `[Uint8Contents]: <${hex.join(' ')}${more}>`;
}

// Map entries print as `key => value`, Set entries as the value.
function formatMapOrSet(ctx, entries, isMap, recurseTimes) {
  const shown = Math.min(Math.max(0, ctx.maxArrayLength), entries.length);
  const output = [];
  ctx.indentationLvl += 2;
  for (let i = 0; i < shown; i++) {
    const key = formatValue(ctx, entries[i][0], recurseTimes);
    output.push(isMap ? `${key} => ${formatValue(ctx, entries[i][1], recurseTimes)}` : key);
  }
  if (entries.length > shown) output.push(moreItems(entries.length - shown));
  ctx.indentationLvl -= 2;
  return output;
}

function formatPromise(ctx, value, recurseTimes) {
  const [state, result] = binding.promiseState(value);
  if (state === 0) return ['<pending>'];
  ctx.indentationLvl += 2;
  const str = formatValue(ctx, result, recurseTimes);
  ctx.indentationLvl -= 2;
  return [state === 2 ? `<rejected> ${str}` : str];
}

// ------------------------------------------------------ properties, layout

function formatProperty(ctx, value, recurseTimes, key, type, desc, original = value) {
  let str;
  let separator = ' ';
  desc = desc || getDescriptor(value, key) || { value: value[key], enumerable: true };
  if (desc.value !== undefined) {
    // compact=true lines values up one column further, after `key: `.
    const diff = (ctx.compact !== true || type !== kObjectType) ? 2 : 3;
    ctx.indentationLvl += diff;
    str = formatValue(ctx, desc.value, recurseTimes);
    if (diff === 3 && ctx.breakLength < getStringWidth(str)) {
      separator = `\n${' '.repeat(ctx.indentationLvl)}`;
    }
    ctx.indentationLvl -= diff;
  } else if (desc.get !== undefined) {
    const label = desc.set !== undefined ? 'Getter/Setter' : 'Getter';
    const getters = ctx.getters;
    if (getters && (getters === true || (getters === 'get' && desc.set === undefined) ||
        (getters === 'set' && desc.set !== undefined))) {
      try {
        const result = desc.get.call(original);
        ctx.indentationLvl += 2;
        if (result === null) str = `[${label}: null]`;
        else if (typeof result === 'object') str = `[${label}] ${formatValue(ctx, result, recurseTimes)}`;
        else str = `[${label}: ${formatPrimitive(ctx, result)}]`;
        ctx.indentationLvl -= 2;
      } catch (err) {
        str = `[${label}: <Inspection threw (${err.message})>]`;
      }
    } else {
      str = `[${label}]`;
    }
  } else {
    str = desc.set !== undefined ? '[Setter]' : 'undefined';
  }
  if (type === kArrayType) return str;

  let name;
  if (typeof key === 'symbol') name = `[${escapeBody(symbolToString.call(key), true)}]`;
  else if (key === '__proto__') name = "['__proto__']"; // `__proto__:` would read as the prototype
  else if (desc.enumerable === false) name = `[${escapeBody(key, true)}]`;
  else if (plainKeyRegExp.test(key)) name = key;
  else name = quoteString(key);
  return `${name}:${separator}${str}`;
}

// Whether the entries fit in breakLength, counting a separator per entry and
// `start` for the braces and indentation.
function isBelowBreakLength(ctx, output, start, base) {
  let totalLength = output.length + start;
  if (totalLength + output.length > ctx.breakLength) return false;
  for (const entry of output) {
    totalLength += entry.length;
    if (totalLength > ctx.breakLength) return false;
  }
  return base === '' || !base.includes('\n');
}

// One line `{ a, b }` or one entry per line.
function reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value) {
  if (ctx.compact !== true) {
    if (typeof ctx.compact === 'number' && ctx.compact >= 1) {
      const entries = output.length;
      // More than six array entries may be grouped into aligned columns.
      if (extrasType === kArrayExtrasType && entries > 6) output = groupArrayElements(ctx, output, value);
      // compact=N: the N innermost levels (counted from the deepest object
      // printed so far, ctx.currentDepth) share a line when short enough.
      if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
        const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
        if (isBelowBreakLength(ctx, output, start, base)) {
          const joined = output.join(', ');
          if (!joined.includes('\n')) return `${base ? `${base} ` : ''}${braces[0]} ${joined} ${braces[1]}`;
        }
      }
    }
    const indentation = `\n${' '.repeat(ctx.indentationLvl)}`;
    return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ` +
      `${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
  }
  // compact=true, the older style: entries continue on the brace's line.
  if (isBelowBreakLength(ctx, output, 0, base)) {
    return `${braces[0]}${base ? ` ${base}` : ''} ${output.join(', ')} ${braces[1]}`;
  }
  const indentation = ' '.repeat(ctx.indentationLvl);
  const ln = base === '' && braces[0].length === 1 ? ' ' : `${base ? ` ${base}` : ''}\n${indentation}  `;
  return `${braces[0]}${ln}${output.join(`,\n${indentation}  `)} ${braces[1]}`;
}

// Lays out many short entries as a table: roughly square if characters are
// 2.5 times as tall as wide, at most 15 (and 4 * compact) columns, within
// breakLength. Numbers are right-aligned, anything else left-aligned.
function groupArrayElements(ctx, output, value) {
  let totalLength = 0;
  let maxLength = 0;
  // A trailing "... more items" entry stays out of the table.
  const outputLength = ctx.maxArrayLength < output.length ? output.length - 1 : output.length;
  const separatorSpace = 2; // ", "
  const dataLen = [];
  for (let i = 0; i < outputLength; i++) {
    const len = getStringWidth(output[i]);
    dataLen.push(len);
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  // Only when three columns fit and no entry dwarfs the rest.
  if (actualMax * 3 + ctx.indentationLvl >= ctx.breakLength ||
      (totalLength / actualMax <= 5 && maxLength > 6)) {
    return output;
  }
  const averageBias = Math.sqrt(actualMax - totalLength / output.length);
  const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
  const columns = Math.min(
    Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
    Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
    ctx.compact * 4,
    15);
  if (columns <= 1) return output;
  const maxLineLength = [];
  for (let i = 0; i < columns; i++) {
    let lineMaxLength = 0;
    for (let j = i; j < output.length; j += columns) {
      if (dataLen[j] > lineMaxLength) lineMaxLength = dataLen[j];
    }
    maxLineLength.push(lineMaxLength + separatorSpace);
  }
  let alignRight = value !== undefined;
  for (let i = 0; alignRight && i < output.length; i++) {
    if (typeof value[i] !== 'number' && typeof value[i] !== 'bigint') alignRight = false;
  }
  const rows = [];
  for (let i = 0; i < outputLength; i += columns) {
    const max = Math.min(i + columns, outputLength);
    let str = '';
    let j = i;
    for (; j < max - 1; j++) {
      // Widths differ from lengths for wide characters; pad by width.
      const padding = maxLineLength[j - i] + output[j].length - dataLen[j];
      str += alignRight ? `${output[j]}, `.padStart(padding) : `${output[j]}, `.padEnd(padding);
    }
    if (alignRight) {
      str += output[j].padStart(maxLineLength[j - i] + output[j].length - dataLen[j] - separatorSpace);
    } else {
      str += output[j];
    }
    rows.push(str);
  }
  if (outputLength < output.length) rows.push(output[outputLength]);
  return rows;
}

// ------------------------------------------------------------ util.format

// %s inspects an object only when its toString/Symbol.toPrimitive is a
// built-in one; user-defined ones are called through String().
function hasBuiltInToString(value) {
  let ownToString = hasOwn;
  let ownToPrimitive = hasOwn;
  if (typeof value.toString !== 'function') {
    if (typeof value[Symbol.toPrimitive] !== 'function') return true;
    if (hasOwn(value, Symbol.toPrimitive)) return false;
    ownToString = () => false;
  } else if (hasOwn(value, 'toString')) {
    return false;
  } else if (typeof value[Symbol.toPrimitive] !== 'function') {
    ownToPrimitive = () => false;
  } else if (hasOwn(value, Symbol.toPrimitive)) {
    return false;
  }
  let pointer = value;
  do {
    pointer = getProto(pointer);
  } while (!ownToString(pointer, 'toString') && !ownToPrimitive(pointer, Symbol.toPrimitive));
  const descriptor = getDescriptor(pointer, 'constructor');
  return descriptor !== undefined && typeof descriptor.value === 'function' &&
    builtInObjects.has(descriptor.value.name);
}

// %j is JSON, except that a circular structure prints '[Circular]'. The
// engine's circular-error message is learned once by provoking it.
let circularErrorMessage;
function tryStringify(arg) {
  const firstLine = (error) => String(error.message).split('\n', 1)[0];
  try {
    return JSON.stringify(arg);
  } catch (err) {
    if (circularErrorMessage === undefined) {
      const a = {};
      a.a = a;
      try {
        JSON.stringify(a);
      } catch (circularError) {
        circularErrorMessage = firstLine(circularError);
      }
    }
    if (err && err.name === 'TypeError' && firstLine(err) === circularErrorMessage) return '[Circular]';
    throw err;
  }
}

function invalidArgType(name, value) {
  const received = value == null ? `${value}` : `type ${typeof value} (${inspect(value).slice(0, 25)})`;
  const error = new TypeError(`The "${name}" argument must be of type object. Received ${received}`);
  error.code = 'ERR_INVALID_ARG_TYPE';
  return error;
}

const format = (...args) => formatWithOptionsInternal(undefined, args);

function formatWithOptions(inspectOptions, ...args) {
  if (inspectOptions === null || typeof inspectOptions !== 'object') {
    throw invalidArgType('inspectOptions', inspectOptions);
  }
  return formatWithOptionsInternal(inspectOptions, args);
}

// Conversions for each placeholder; each takes the argument it consumes.
function placeholder(char, arg, inspectOptions) {
  const separators = (inspectOptions && inspectOptions.numericSeparator) ?? false;
  const number = (n) => (typeof n === 'bigint' ? formatBigInt(n, separators) : formatNumber(n, separators));
  switch (char) {
    case 's':
      if (typeof arg === 'number' || typeof arg === 'bigint') return number(arg);
      if (typeof arg !== 'object' || arg === null || !hasBuiltInToString(arg)) return String(arg);
      return inspect(arg, { ...inspectOptions, compact: 3, colors: false, depth: 0 });
    case 'j': return tryStringify(arg);
    case 'd': return typeof arg === 'symbol' ? 'NaN' : number(typeof arg === 'bigint' ? arg : Number(arg));
    case 'i': return typeof arg === 'symbol' ? 'NaN' : number(typeof arg === 'bigint' ? arg : Number.parseInt(arg));
    case 'f': return typeof arg === 'symbol' ? 'NaN' : number(Number.parseFloat(arg));
    case 'O': return inspect(arg, inspectOptions);
    case 'o': return inspect(arg, { ...inspectOptions, showHidden: true, showProxy: true, depth: 4 });
    default: return ''; // 'c': CSS styling is consumed and dropped
  }
}

function formatWithOptionsInternal(inspectOptions, args) {
  const first = args[0];
  let a = 0;
  let str = '';
  let join = '';
  if (typeof first === 'string') {
    if (args.length === 1) return first;
    let lastPos = 0;
    for (let i = 0; i < first.length - 1; i++) {
      if (first[i] !== '%') continue;
      const char = first[++i];
      if (char === '%') {
        // '%%' prints one '%' (and consumes no argument).
        str += first.slice(lastPos, i);
        lastPos = i + 1;
      } else if (a + 1 !== args.length && 'sjdifoOc'.includes(char)) {
        // Other letters are not placeholders and stay as written; once the
        // arguments run out, placeholders stay too.
        if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
        str += placeholder(char, args[++a], inspectOptions);
        lastPos = i + 1;
      }
    }
    if (lastPos !== 0) {
      a++;
      join = ' ';
      if (lastPos < first.length) str += first.slice(lastPos);
    }
  }
  // The remaining arguments: strings as they are, anything else inspected.
  for (; a < args.length; a++) {
    const value = args[a];
    str += join + (typeof value !== 'string' ? inspect(value, inspectOptions) : value);
    join = ' ';
  }
  return str;
}

module.exports = { inspect, format, formatWithOptions };
