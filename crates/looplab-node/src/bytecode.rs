//! The VM's instruction set. A function compiles to one [`Code`]: a flat list
//! of [`Op`]s over an operand stack, with variables already resolved to
//! `(depth, slot)` pairs in the chain of environments.

use std::rc::Rc;

pub type Str = Rc<str>;

#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    Str(Str),
    Pop,
    Dup,
    /// `[a, b] -> [a, b, a, b]`.
    Dup2,
    Swap,
    /// Reads a variable `depth` environments up.
    Load {
        depth: u16,
        slot: u16,
    },
    /// Writes the top of the stack to a variable, leaving it on the stack.
    Store {
        depth: u16,
        slot: u16,
    },
    LoadGlobal(Str),
    /// `typeof name` for a name that may not exist.
    TypeofGlobal(Str),
    StoreGlobal(Str),
    This,
    /// Enters a block scope with this many slots.
    PushEnv(u16),
    PopEnv,
    /// Replaces the current environment by a copy (per-iteration `let`).
    CloneEnv,
    /// `[obj] -> [obj.name]`.
    GetProp(Str),
    /// `[obj, value] -> [value]`, setting `obj.name`.
    SetProp(Str),
    /// `[obj, key] -> [obj[key]]`.
    GetIndex,
    /// `[obj, key, value] -> [value]`.
    SetIndex,
    /// `[obj] -> [result]`: `obj.name++` and friends.
    UpdateProp {
        name: Str,
        delta: f64,
        prefix: bool,
    },
    /// `[obj, key] -> [result]`.
    UpdateIndex {
        delta: f64,
        prefix: bool,
    },
    UpdateLocal {
        depth: u16,
        slot: u16,
        delta: f64,
        prefix: bool,
    },
    UpdateGlobal {
        name: Str,
        delta: f64,
        prefix: bool,
    },
    DeleteProp(Str),
    DeleteIndex,
    NewObject,
    /// `[obj, value] -> [obj]`, defining `obj.name`.
    InitProp(Str),
    /// `[obj, key, value] -> [obj]`.
    InitIndex,
    /// `[obj, source] -> [obj]`: `{ ...source }`.
    SpreadInto,
    NewArray,
    /// `[array, value] -> [array]`.
    ArrayPush,
    /// `[array, iterable] -> [array]`: `[...iterable]`.
    ArraySpread,
    /// `[array] -> [array, hole]`: an elision (kept as `undefined`).
    ArrayHole,
    /// Creates a closure over the current environment from nested code `index`.
    Closure(u32),
    /// `[callee, args…] -> [result]`.
    Call(u16),
    /// `[this, callee, args…] -> [result]`.
    CallMethod(u16),
    /// `[callee, argsArray] -> [result]` and `[this, callee, argsArray]`.
    CallSpread {
        with_this: bool,
    },
    New(u16),
    NewSpread,
    Return,
    Throw,
    Jump(u32),
    JumpIfFalse(u32),
    JumpIfTrue(u32),
    /// Jumps, keeping the value, if it is truthy (`||`) / falsy (`&&`).
    JumpIfTrueKeep(u32),
    JumpIfFalseKeep(u32),
    /// Jumps, keeping the value, if it is not null/undefined (`??`).
    JumpIfNotNullishKeep(u32),
    /// Jumps, replacing the value with `undefined`, if it is null/undefined
    /// (optional chaining).
    JumpIfNullishUndefined(u32),
    /// Jumps, popping, if the value is not `undefined` (defaults).
    JumpIfNotUndefined(u32),
    Unary(UnaryOp),
    Binary(BinaryOp),
    /// `[a, b] -> [String(a) + String(b)]` (template literals).
    Concat,
    Await,
    /// Installs an exception handler at `catch_pc`.
    EnterTry(u32),
    ExitTry,
    /// `[iterable] -> [iterator]`.
    IterInit,
    /// `[iterator] -> [iterator, value]`, or pops and jumps when done.
    IterNext(u32),
    /// `[object] -> [iterator over its keys]` (`for…in`).
    KeysIter,
    /// `[value] -> [array]` for array destructuring.
    ToArray,
    /// `[array] -> [array.slice(n)]`.
    SliceFrom(u32),
    /// `[obj, excludedKeysArray] -> [copy without them]` (object rest).
    ObjectRest,
    /// `[parent, ctor] -> [ctor]` or `[ctor] -> [ctor]`: finish a class.
    MakeClass {
        has_parent: bool,
    },
    /// `[ctor, fn] -> [ctor]`: a method on the prototype (or the class).
    DefineMethod {
        name: Str,
        is_static: bool,
    },
    /// `super(args…)` in a derived constructor.
    SuperCall(u16),
    /// `[] -> [this, super.name]`, ready for `CallMethod`.
    SuperMethod(Str),
    /// A counted loop with a closed form (see `compile::loop_fast_path`).
    FastSumLoop(Rc<FastSumLoop>),
    /// At the top of `while (Date.now() - start < ms) {}`: skips the spins
    /// that would find the condition still true (see `compile::busy_wait`).
    BusyWait(Rc<BusyWait>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Negate,
    Plus,
    BitNot,
    Typeof,
    Void,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Exp,
    Eq,
    NotEq,
    StrictEq,
    StrictNotEq,
    Lt,
    Le,
    Gt,
    Ge,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
    UShr,
    In,
    InstanceOf,
}

/// `for (let i = start; i < end; i++) { acc += i; }` (or `acc += k`, or an
/// empty body): run in closed form, exactly as double arithmetic would.
#[derive(Clone, Debug, PartialEq)]
pub struct FastSumLoop {
    pub counter: (u16, u16),
    /// The accumulator's `(depth, slot)`, if the body adds to one.
    pub accumulator: Option<(u16, u16)>,
    /// `Some(k)`: the body adds the constant `k`; `None`: it adds the counter.
    pub addend: Option<f64>,
    /// Where the loop's end value is: a constant or a variable.
    pub end: LoopBound,
    pub inclusive: bool,
    /// Ops one ordinary iteration would run, for its virtual CPU cost.
    pub ops_per_iteration: u32,
    /// Where to continue when the fast path handled the loop.
    pub exit: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LoopBound {
    Constant(f64),
    Variable { depth: u16, slot: u16 },
    Global(Str),
}

/// One compiled function (or the main module).
#[derive(Debug, PartialEq)]
pub struct Code {
    pub name: Str,
    pub ops: Vec<Op>,
    /// Source line and column of each op, for error messages.
    pub lines: Vec<(u32, u32)>,
    /// Nested functions, referenced by `Op::Closure`.
    pub functions: Vec<Rc<Code>>,
    pub param_count: u16,
    /// Index of the rest parameter's slot, if any.
    pub rest_slot: Option<u16>,
    /// Slots in the function's environment (parameters first).
    pub env_size: u16,
    pub is_async: bool,
    pub is_arrow: bool,
    pub is_class_constructor: bool,
    /// A derived class constructor: `this` comes from `super(...)`.
    pub is_derived: bool,
    pub line: u32,
    pub column: u32,
}

/// Which clock a busy-wait loop reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// `Date.now()`: whole milliseconds since the epoch.
    DateNow,
    /// `performance.now()`: fractional milliseconds since start.
    PerformanceNow,
}

/// `while (CLOCK() - start < limit) {}` or `while (CLOCK() < limit) {}`
/// (`<=` too) with an empty body.
#[derive(Clone, Debug, PartialEq)]
pub struct BusyWait {
    pub clock: Clock,
    pub start: Option<LoopBound>,
    pub limit: LoopBound,
    pub inclusive: bool,
    /// Ops one spin runs (this op, the test, the branch, the jump back).
    pub ops_per_iteration: u32,
}
