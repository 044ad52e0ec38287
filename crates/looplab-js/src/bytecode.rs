//! The instruction set. A function compiles to one [`Code`]: a flat list of
//! [`Insn`]s over an operand stack, with the function's variables resolved
//! at compile time to a register (a slot in the frame, for bindings no
//! closure captures) or a `(depth, slot)` pair in the chain of heap scopes
//! (for captured ones). Property accesses carry an inline-cache index.
//!
//! Stack effects are written `[before] -> [after]`, top of stack last.

use crate::string::JsStr;
use crate::value::Atom;
use std::cell::Cell;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Insn {
    // Constants.
    Undefined,
    Null,
    True,
    False,
    /// The internal empty value (a hole, an uninitialised binding).
    Empty,
    Int(i32),
    /// A number or string from [`Code::constants`].
    Const(u32),

    // The operand stack.
    Pop,
    Dup,
    /// `[a, b] -> [a, b, a, b]`.
    Dup2,
    Swap,
    /// `[a, b] -> [a, b, a]`.
    Over,
    /// `[a, b, c] -> [c, a, b]`.
    RotDown3,
    /// `[a, b, c, d] -> [d, a, b, c]`.
    RotDown4,
    /// Copies the value `n` below the top (0 is the top itself) onto the top.
    Pick(u32),

    // Registers: the frame's own bindings.
    GetReg(u32),
    /// Stores the top of the stack, keeping it.
    SetReg(u32),
    /// Stores the top of the stack, popping it.
    PutReg(u32),
    /// Reads a `let`/`const`/`class` binding that may still be in its
    /// temporal dead zone; the name (a constant) is for the ReferenceError.
    GetRegChecked {
        reg: u32,
        name: u32,
    },
    /// Throws a ReferenceError if the register is still uninitialised.
    CheckReg {
        reg: u32,
        name: u32,
    },

    // Heap scopes: bindings closures capture.
    GetScope {
        depth: u16,
        slot: u16,
    },
    SetScope {
        depth: u16,
        slot: u16,
    },
    PutScope {
        depth: u16,
        slot: u16,
    },
    GetScopeChecked {
        depth: u16,
        slot: u16,
    },
    CheckScope {
        depth: u16,
        slot: u16,
    },
    /// Enters a new heap scope of layout `Code::scopes[index]`.
    PushScope(u32),
    PopScope,
    /// Replaces the current scope by a copy (per-iteration `let` bindings).
    CloneScope,

    // Names not resolved at compile time.
    GetGlobal {
        name: Atom,
        ic: u32,
    },
    /// `typeof name` for a global that may not exist.
    TypeofGlobal(Atom),
    SetGlobal {
        name: Atom,
        ic: u32,
    },
    /// Assignment to an undeclared global in strict code throws.
    SetGlobalStrict {
        name: Atom,
        ic: u32,
    },
    DeleteGlobal(Atom),
    /// Global `let`/`const`/`class` (declarative records across scripts).
    GetGlobalLexical(Atom),
    PutGlobalLexical(Atom),
    /// GlobalDeclarationInstantiation for a script: `Code::globals[index]`.
    DeclareGlobals(u32),
    /// Direct `eval`: names looked up through the scope chain at run time.
    GetName(Atom),
    SetName(Atom),
    TypeofName(Atom),
    DeleteName(Atom),

    // The function's own values.
    This,
    /// `this` in a derived constructor: throws until `super()` ran.
    ThisChecked,
    NewTarget,
    /// The function being run.
    Callee,
    /// Creates the `arguments` object (mapped when the code is sloppy with
    /// simple parameters).
    Arguments,
    /// `[] -> [array]`: the arguments from index `n` on (rest parameter).
    RestArguments(u32),
    /// `[] -> [value]`: argument `n`, `undefined` if absent.
    GetArgument(u32),

    // Properties.
    /// `[obj] -> [obj.name]`.
    GetProp {
        name: Atom,
        ic: u32,
    },
    /// `[obj] -> [obj, obj.name]` (method calls keep the receiver).
    GetMethod {
        name: Atom,
        ic: u32,
    },
    /// `[obj, value] -> [value]`.
    SetProp {
        name: Atom,
        ic: u32,
    },
    /// `[obj, key] -> [obj[key]]`.
    GetElem,
    /// `[obj, key] -> [obj, obj[key]]`.
    GetElemMethod,
    /// `[obj, key, value] -> [value]`.
    SetElem,
    /// `[obj] -> [bool]`.
    DeleteProp(Atom),
    /// `[obj, key] -> [bool]`.
    DeleteElem,
    /// `[key, obj] -> [bool]`: the `in` operator.
    In,
    /// `[value, key] -> [bool]`: `#x in obj`, key being the private name.
    PrivateIn,
    /// `super.name`: `[] -> [value]` with `this` as receiver.
    GetSuper(Atom),
    /// `[key] -> [value]`.
    GetSuperElem,
    /// `[value] -> [value]`.
    SetSuper(Atom),
    /// `[key, value] -> [value]`.
    SetSuperElem,
    /// `[obj, key] -> [obj, key]` with key converted by ToPropertyKey.
    ToPropertyKey,
    /// `[base, key] -> [base, key]`: a member's base and key read before a
    /// compound assignment or an update (`a[k] += 1`, `a[k]++`): a null or
    /// undefined base throws before the key is converted (GetValue's
    /// ToObject comes before its ToPropertyKey, ECMA-262 6.2.5.5). The key
    /// stays as it is: the read and the write each convert it, as V8 does
    /// (an object key's toString runs twice).
    ToMemberKey,

    // Literals.
    NewObject,
    /// `[obj, value] -> [obj]`, defining `obj.name`.
    InitProp(Atom),
    /// `[obj, key, value] -> [obj]`.
    InitElem,
    /// `[obj, key, getter] -> [obj]`; `enumerable` for literals, not classes.
    InitGetter {
        enumerable: bool,
    },
    InitSetter {
        enumerable: bool,
    },
    /// `[obj, key, method] -> [obj]`: a non-enumerable class method.
    InitMethod,
    /// `[obj, source] -> [obj]`: `{ ...source }`.
    CopyDataProperties,
    /// `[target, source, k1 … kn] -> [target]`: object rest, excluding n keys.
    CopyDataPropertiesExcept(u32),
    /// `[obj, proto] -> [obj]`: `{ __proto__: proto }`.
    SetProtoLiteral,
    /// `[] -> [array]` with room for `n` elements.
    NewArray(u32),
    /// `[array, value] -> [array]`.
    ArrayPush,
    /// `[array] -> [array]`: an elision.
    ArrayHole,
    /// `[array, iterable] -> [array]`.
    ArraySpread,
    /// The template object of `Code::templates[index]`, made once per site.
    TemplateObject(u32),
    /// A new RegExp from `Code::regexps[index]`.
    RegExp(u32),

    // Functions and classes.
    /// Creates a closure of `Code::functions[index]` over the current scope.
    Closure(u32),
    /// `[parent_or_empty, constructor_closure] -> [class, prototype]`: sets up
    /// a class's constructor and prototype (ECMA-262 ClassDefinitionEvaluation).
    Class {
        derived: bool,
    },
    /// `[function, home] -> [function]`: sets a method's home object.
    SetHome,
    /// `[class, fields_fn] -> [class]`: the function that defines instance fields.
    SetFields,
    /// Runs the current constructor's field initialiser on `this`.
    InitFields,
    /// `[key, function]` unchanged: SetFunctionName (ECMA-262 10.2.9) from a
    /// computed key, prefixed `get `/`set ` for 1/2, when the function has
    /// no name of its own yet (a class with a static `name` member keeps it).
    NameFromKey(u8),
    /// `[] -> [symbol]`: a fresh private name (`#x`) described by a constant.
    NewPrivateName(u32),
    /// `[obj, name] -> [obj.#x]`.
    GetPrivate,
    /// `[obj, name, value] -> [value]`.
    SetPrivate,
    /// `[obj, name, value] -> [obj]`: defines a private field.
    DefinePrivate,
    /// `[obj, name, method] -> [obj]`: a private method (not writable).
    DefinePrivateMethod,
    /// `[obj, name, getter_or_undefined, setter_or_undefined] -> [obj]`.
    DefinePrivateAccessor,
    /// `[obj, key, value] -> [obj]`: a public class field (CreateDataPropertyOrThrow).
    DefineField,

    // Calls.
    /// `[callee, args…] -> [result]` with `this` undefined.
    Call(u32),
    /// `[this, callee, args…] -> [result]`.
    CallMethod(u32),
    /// `[callee, args_array] -> [result]`.
    CallSpread,
    /// `[this, callee, args_array] -> [result]`.
    CallMethodSpread,
    /// A direct `eval(…)`: `[callee, args…] -> [result]`; `site` indexes
    /// the code's `eval_sites` (what the eval can see of its caller).
    CallEval {
        argc: u16,
        site: u16,
    },
    /// `[callee, args…] -> [object]`.
    New(u32),
    /// `[callee, args_array] -> [object]`.
    NewSpread,
    /// `super(args…)`: `[args…] -> [this]`.
    SuperCall(u32),
    /// `[args_array] -> [this]`.
    SuperCallSpread,
    Return,

    // Control flow (targets are instruction indices).
    Jump(u32),
    /// Before the back edge of a loop that only waits for the clock (see
    /// `Embedder::idle_spins`): each spin runs this many operations.
    IdleSpin(u32),
    /// A counting loop run in closed form (`Code::fast_loops[i]`), when
    /// its registers hold numbers; the ordinary loop follows.
    FastSumLoop(u32),
    JumpIfFalse(u32),
    JumpIfTrue(u32),
    /// Jumps keeping the value when truthy (`||`), popping it otherwise.
    JumpIfTrueKeep(u32),
    JumpIfFalseKeep(u32),
    /// Jumps keeping the value when it is neither null nor undefined (`??`).
    JumpIfNotNullishKeep(u32),
    /// Optional chaining: jumps (leaving `undefined`) when the value is nullish.
    JumpIfNullish(u32),
    /// Pops; jumps when the value was `undefined` (defaults).
    JumpIfUndefined(u32),
    JumpIfNotUndefined(u32),

    // Operators.
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Exp,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
    UShr,
    Eq,
    Ne,
    StrictEq,
    StrictNe,
    Lt,
    Le,
    Gt,
    Ge,
    InstanceOf,
    Neg,
    /// Unary `+`: ToNumber.
    ToNumber,
    /// ToNumeric, for `x++` (the old value is what the expression gives).
    ToNumeric,
    Not,
    BitNot,
    Typeof,
    Inc,
    Dec,
    /// `[a, b] -> [String(a) + String(b)]`: template literal pieces.
    Concat,
    /// `[value] -> [String(value)]` as a template literal substitutes it.
    ToStringForConcat,

    // Exceptions.
    Throw,
    /// Throws a TypeError or ReferenceError with a message from the constants.
    ThrowError {
        kind: ErrorKind,
        message: u32,
    },
    /// Installs a handler: an exception jumps to `catch_pc` with the stack
    /// cut back to its height here, and the exception pushed.
    EnterTry(u32),
    /// Removes the innermost handler.
    LeaveTry,
    /// The end of a `finally` block: `[value, kind] -> []` where kind is
    /// 0 normal, 1 throw (rethrow value), 2 return (return value, through
    /// the next enclosing finally if `outer` is set), 3+k a jump to the
    /// `k`th break/continue target of this finally (`Code::finally_exits`).
    EndFinally {
        outer: u32,
        exits: u32,
    },

    // Iteration.
    /// `[iterable] -> [iterator, next]` (GetIterator, sync).
    GetIterator,
    /// `[iterable] -> [iterator, next]` (GetIterator, async).
    GetAsyncIterator,
    /// `[iterator, next] -> [iterator, next, result]`: calls next, checks
    /// the result is an object.
    IteratorNext,
    /// `[result] -> [result, done]`.
    IteratorDone,
    /// `[result] -> [value]`.
    IteratorValue,
    /// `[iterator, next] -> [iterator, next, array]`: the values left (a
    /// rest element in array destructuring).
    IteratorRest,
    /// `[iterator, next] -> []`: IteratorClose after a normal completion.
    IteratorClose,
    /// `[iterator, next, exception] -> [exception]`: IteratorClose on a
    /// throw completion (errors from `return` are dropped).
    IteratorCloseForThrow,
    /// `[value] -> [value]`: throws a TypeError for null and undefined
    /// (RequireObjectCoercible, before an object pattern reads anything).
    ToObjectCoercible,
    /// `[value] -> [object]`: ToObject of a `with` statement's expression.
    ToWithObject,
    /// `[obj] -> [bool]`: HasBinding of a `with` object's Environment
    /// Record: the object has the name and its @@unscopables does not
    /// list it (ECMA-262 9.1.1.2.1).
    WithHas(Atom),
    /// `[obj] -> [for_in_state]`.
    ForInStart,
    /// `[state] -> [state, key]`; jumps to the target when done (popping nothing).
    ForInNext(u32),

    // Generators and async functions.
    /// Suspends a fresh generator until its first `next()`.
    GeneratorStart,
    /// `[value] -> [sent, is_return]`: suspends, yielding `value`; resumes
    /// with what `next(x)` or `return(x)` sent (a `throw(x)` resumption
    /// throws at this point instead).
    Yield,
    /// `yield*` (ECMA-262 15.5.5): `[iterator, next, received, mode]` with
    /// mode 0 next, 1 throw, 2 return. Passes the resumption to the inner
    /// iterator; while it is not done, suspends yielding its result object
    /// as it is (and resumes after this instruction with a new `received,
    /// mode`); once done, leaves `[value, is_return]` and jumps to the target.
    YieldStar(u32),
    /// `yield*` in an async generator (ECMA-262 15.5.5, generatorKind
    /// async), one step of its loop: `[iterator, next, received, mode]
    /// -> [iterator, next, mode, inner_result]` (the caller awaits the
    /// result). A `return` with no `return` method leaves `[iterator,
    /// next, received]` … `[received]` and jumps to the target.
    AsyncYieldStarCall(u32),
    /// `[iterator, next, mode, awaited_result]`: once done, leaves `[value,
    /// is_return]` and jumps to the target; else `[iterator, next, value]`.
    AsyncYieldStarResult(u32),
    /// `[value] -> [received, mode]`: suspends yielding `value` as it is
    /// (AsyncGeneratorYield, no await), resuming with what a request sent
    /// and how (0 next, 1 throw, 2 return), as `YieldStar` does.
    AsyncYieldStarYield,
    /// `[value] -> [resolved]`: suspends until the promise settles.
    Await,
    /// Async generators: `[value] -> [value]` awaits a returned value.
    AsyncGeneratorReturnAwait,

    Debugger,
    Nop,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    TypeError,
    ReferenceError,
    SyntaxError,
    RangeError,
}

/// A constant in a function's pool.
#[derive(Clone, Debug)]
pub enum Constant {
    Number(f64),
    String(JsStr),
}

/// What kind of function a [`Code`] is (ECMA-262 10.2, [[ThisMode]],
/// [[ConstructorKind]], generator and async kinds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FunctionKind {
    /// A script or CommonJS module body.
    TopLevel,
    Normal,
    Arrow,
    Method,
    Getter,
    Setter,
    ClassConstructor,
    DerivedConstructor,
    /// The synthetic function that defines a class's instance fields.
    FieldInitializer,
    /// A class static block.
    StaticBlock,
}

/// One heap scope's layout: its bindings' names (for `eval` and errors).
#[derive(Clone, Debug, Default)]
pub struct ScopeLayout {
    pub names: Vec<Atom>,
}

/// A script's top-level declarations (ECMA-262 16.1.7,
/// GlobalDeclarationInstantiation).
#[derive(Clone, Debug, Default)]
pub struct GlobalDeclarations {
    pub vars: Vec<Atom>,
    pub functions: Vec<Atom>,
    pub lexicals: Vec<(Atom, bool)>,
}

/// One entry of an inline cache: a shape a property access saw, and where
/// the property was (own slot, a prototype's slot valid while the heap's
/// prototype epoch stays the same, or, for a write that added the property,
/// the shape the object moved to).
#[derive(Clone, Copy, Debug, Default)]
pub struct InlineCache {
    pub shape: u32,
    pub slot: u32,
    /// [`IC_OWN`], [`IC_TRANSITION`], else the holder's object index.
    pub holder: u32,
    pub epoch: u32,
    /// For [`IC_TRANSITION`]: the shape after the property is added.
    pub next: u32,
}

/// Each access site has this many entries (most recently used first), so a
/// site that sees two kinds of receiver (`this._events` in an emitter's
/// method, called on requests and responses) stays cached.
pub const IC_WAYS: usize = 2;
pub const IC_OWN: u32 = u32::MAX;
pub const IC_TRANSITION: u32 = u32::MAX - 1;
pub const IC_EMPTY_SHAPE: u32 = u32::MAX;

/// What a direct eval at one call site sees of its caller (ECMA-262
/// 19.2.1.1 PerformEval with direct true): the caller's bindings in heap
/// scopes (a function with a direct eval keeps all its bindings there),
/// innermost first, and the caller's strictness.
#[derive(Debug, Default)]
pub struct EvalSite {
    pub bindings: Vec<EvalBinding>,
    pub strict: bool,
}

/// One binding a direct eval can name.
#[derive(Clone, Debug)]
pub struct EvalBinding {
    pub name: String,
    /// Scopes out from the caller's innermost one at the call.
    pub depth: u16,
    pub slot: u16,
    /// `let`, `const` or `class`: read with its temporal dead zone.
    pub lexical: bool,
    pub constant: bool,
}

#[derive(Debug)]
pub struct Code {
    pub name: JsStr,
    pub kind: FunctionKind,
    pub is_strict: bool,
    pub is_async: bool,
    pub is_generator: bool,
    /// The `length` property: parameters before the first default or rest.
    pub length: u32,
    /// Registers the frame needs.
    pub registers: u32,
    pub insns: Vec<Insn>,
    pub constants: Vec<Constant>,
    pub functions: Vec<Rc<Code>>,
    pub scopes: Vec<ScopeLayout>,
    pub globals: Vec<GlobalDeclarations>,
    /// Template literal sites: cooked strings (None where invalid) and raw.
    pub templates: Vec<(Vec<Option<JsStr>>, Vec<JsStr>)>,
    pub regexps: Vec<(JsStr, JsStr)>,
    pub fast_loops: Vec<crate::fast_loops::FastSumLoop>,
    /// The callee as the source wrote it (`o.missing`, `Math.nope`, `f`),
    /// by call or `new` instruction, for V8's "o.missing is not a function".
    pub call_sites: Vec<(u32, JsStr)>,
    /// Per `EndFinally`: the instruction each break/continue exit resumes at.
    pub finally_exits: Vec<Vec<u32>>,
    pub ics: Vec<Cell<InlineCache>>,
    /// The 1-based source line and column of each instruction.
    pub positions: Vec<(u32, u32)>,
    /// Where the function is defined (0 for Node's own modules).
    pub line: u32,
    pub column: u32,
    /// The script or module the code comes from, as stack traces name it
    /// (set by the embedder with `compiler::set_script_name`).
    pub script: Option<Rc<str>>,
    /// The function's source text, for `Function.prototype.toString`.
    pub source: Option<Rc<str>>,
    pub source_span: (u32, u32),
    /// The parameter names in order, when the parameters are simple (for
    /// mapped `arguments`): registers or scope slots are found by position.
    pub simple_parameters: bool,
    /// Uses direct eval: every binding lives in a named heap scope.
    pub has_eval: bool,
    /// Reads `arguments`: the frame keeps every argument it was given.
    pub uses_arguments: bool,
    /// Sloppy code with simple parameters that reads `arguments`: parameter
    /// `i`'s slot in the function's scope (None: a later parameter of the
    /// same name is the one mapped), for a mapped arguments object.
    pub mapped_slots: Option<Rc<[Option<u32>]>>,
    /// The direct evals' call sites (see `Insn::CallEval`).
    pub eval_sites: Vec<Rc<EvalSite>>,
}
