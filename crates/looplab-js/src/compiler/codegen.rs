//! The code generator's shared state: the function being compiled, where
//! each binding lives, jumps and their patching, constants, and the
//! compilation of functions themselves. Statements, expressions, patterns
//! and classes are in their own files, as `impl Codegen` blocks.

use super::scope::Summary;
use super::{CompileError, Goal, LineIndex};
use crate::atoms::AtomTable;
use crate::bytecode::{Code, Constant, FunctionKind, GlobalDeclarations, InlineCache, Insn, ScopeLayout};
use crate::string::JsStr;
use crate::value::Atom;
use oxc_ast::ast::*;
use oxc_semantic::Scoping;
use oxc_span::Span;
use oxc_syntax::scope::ScopeId;
use oxc_syntax::symbol::{SymbolFlags, SymbolId};
use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

/// Where a binding lives.
#[derive(Clone, Copy, Debug)]
pub(super) enum Storage {
    Register(u32),
    /// Slot `slot` of the heap scope made for oxc scope `scope`.
    Scope {
        scope: ScopeId,
        slot: u16,
    },
    /// A script's top-level `var` or function: a global object property.
    GlobalVar,
    /// A script's top-level `let`/`const`/`class`.
    GlobalLexical,
}

/// A `break`/`continue` target.
pub(super) struct JumpTarget {
    pub labels: Vec<Atom>,
    pub is_loop: bool,
    /// A labelled statement that is not a loop: only labelled breaks reach it.
    pub is_labelled_block: bool,
    pub breaks: Vec<usize>,
    pub continues: Vec<usize>,
    /// The unwind stack's height at the target.
    pub unwind_height: usize,
}

/// What a jump out of a construct must undo, innermost last.
#[derive(Clone)]
pub(super) enum UnwindEntry<'s, 'a> {
    /// A heap scope was pushed (and `chain` holds it).
    Scope,
    /// An exception handler was installed.
    Handler,
    /// A value on the operand stack.
    StackItem,
    /// A `for…of` iterator and its `next` method: closed on the way out.
    Iterator,
    /// A `finally` block: run on the way out.
    Finally(&'s BlockStatement<'a>),
}

pub(super) struct FnState {
    pub insns: Vec<Insn>,
    pub positions: Vec<(u32, u32)>,
    pub constants: Vec<Constant>,
    string_constants: HashMap<JsStr, u32>,
    pub functions: Vec<Rc<Code>>,
    pub scopes: Vec<ScopeLayout>,
    pub globals: Vec<GlobalDeclarations>,
    pub templates: Vec<(Vec<Option<JsStr>>, Vec<JsStr>)>,
    pub regexps: Vec<(JsStr, JsStr)>,
    pub fast_loops: Vec<crate::fast_loops::FastSumLoop>,
    pub call_sites: Vec<(u32, JsStr)>,
    pub finally_exits: Vec<Vec<u32>>,
    pub ics: u32,
    pub registers: u32,
    pub kind: FunctionKind,
    pub is_strict: bool,
    pub is_async: bool,
    pub is_generator: bool,
    pub jumps: Vec<JumpTarget>,
    pub position: (u32, u32),
    /// Labels waiting for the statement they label.
    pub pending_labels: Vec<Atom>,
    pub uses_arguments: bool,
    /// The last instruction index some jump may target (peephole guard).
    pub label_at: u32,
    /// Script code's completion value (ECMA-262 8.1 and each statement's
    /// evaluation; what an eval returns): the register expression
    /// statements write. None in functions.
    pub completion: Option<u32>,
    /// A mapped arguments object's parameter slots (see `Code`).
    pub mapped_slots: Option<Rc<[Option<u32>]>>,
    pub eval_sites: Vec<Rc<crate::bytecode::EvalSite>>,
}

/// Chain entries standing for a direct eval's caller's scopes: ids no
/// parse gives a scope.
pub(super) const EVAL_PLACEHOLDER_BASE: usize = 0x00ff_0000;

pub struct Codegen<'s, 'a> {
    pub(super) source: &'s str,
    pub(super) lines: LineIndex<'s>,
    pub(super) scoping: &'s Scoping,
    pub(super) summary: &'s Summary,
    pub(super) atoms: &'s mut AtomTable,
    pub(super) errors: Vec<CompileError>,
    pub(super) fns: Vec<FnState>,
    /// The oxc scopes that have a heap scope at this point, innermost last
    /// (across functions: a closure continues its maker's chain).
    pub(super) chain: Vec<ScopeId>,
    pub(super) storage: HashMap<SymbolId, Storage>,
    pub(super) goal: Goal,
    /// A named function expression's name, bound inside it to the function
    /// itself (ECMA-262 15.2.5 InstantiateOrdinaryFunctionExpression):
    /// set by the expression, taken by the function it compiles.
    pub(super) self_name: Option<&'s BindingIdentifier<'a>>,
    /// Per heap-scope oxc scope: its captured bindings in slot order.
    pub(super) layouts: HashMap<ScopeId, Vec<SymbolId>>,
    /// Compiling a direct eval's code: what it sees of its caller, the
    /// chain entries that stand for the caller's scopes (seeded at the
    /// bottom of `chain`), and where the eval's own body (an arrow in the
    /// wrapper it is parsed in) starts.
    pub(super) eval_outer: Option<(Rc<crate::bytecode::EvalSite>, Vec<ScopeId>, u32)>,
    /// Lexical bindings in registers whose declaration has run on every
    /// path to the code being compiled (no TDZ check needed).
    pub(super) initialized: std::collections::HashSet<SymbolId>,
    /// Scopes of `switch` blocks: a case may run without the declarations
    /// of the cases above it, so their bindings are always checked.
    pub(super) switch_scopes: std::collections::HashSet<ScopeId>,
    /// The `with` statements whose bodies are being compiled, innermost last.
    pub(super) withs: Vec<super::with::WithEntry>,
    /// A declaration's initialiser, while its array pattern takes the
    /// value's iterator (V8 names it in "x is not iterable").
    pub(super) iterable_source: Option<&'s Expression<'a>>,
    /// Classes being compiled: all their parts are strict code (ECMA-262
    /// 11.2.2), methods and the functions inside them included.
    pub(super) class_depth: u32,
    /// Immutable name bindings: a named function expression's own name, a
    /// class's name inside its body.
    pub(super) function_names: std::collections::HashSet<SymbolId>,
    /// Per function being compiled: what a jump out must undo.
    pub(super) unwind: Vec<Vec<UnwindEntry<'s, 'a>>>,
    /// The private names of the classes being compiled, innermost last.
    pub(super) private_names: Vec<super::class::PrivateNames>,
    marker: std::marker::PhantomData<&'a ()>,
}

/// Decodes oxc's string value, where lone surrogates are escaped as
/// U+FFFD followed by four hex digits (U+FFFD itself as `\u{FFFD}fffd`).
pub(super) fn js_string(value: &str, lone_surrogates: bool) -> JsStr {
    if !lone_surrogates {
        return JsStr::from_str(value);
    }
    let mut units = Vec::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\u{FFFD}' {
            let hex: String = chars.by_ref().take(4).collect();
            units.push(u16::from_str_radix(&hex, 16).unwrap_or(0xFFFD));
        } else {
            let mut buffer = [0u16; 2];
            units.extend_from_slice(c.encode_utf16(&mut buffer));
        }
    }
    JsStr::from_units(units)
}

impl<'s, 'a> Codegen<'s, 'a> {
    pub(super) fn new(source: &'s str, scoping: &'s Scoping, summary: &'s Summary, atoms: &'s mut AtomTable, goal: Goal) -> Codegen<'s, 'a> {
        Codegen {
            source,
            lines: LineIndex::new(source),
            scoping,
            summary,
            atoms,
            errors: Vec::new(),
            fns: Vec::new(),
            chain: Vec::new(),
            storage: HashMap::new(),
            goal,
            self_name: None,
            layouts: HashMap::new(),
            eval_outer: None,
            initialized: std::collections::HashSet::new(),
            switch_scopes: std::collections::HashSet::new(),
            withs: Vec::new(),
            iterable_source: None,
            function_names: std::collections::HashSet::new(),
            class_depth: 0,
            unwind: Vec::new(),
            private_names: Vec::new(),
            marker: std::marker::PhantomData,
        }
    }

    pub(super) fn f(&mut self) -> &mut FnState {
        // A function is always being compiled while code is emitted.
        let last = self.fns.len() - 1;
        &mut self.fns[last]
    }

    pub(super) fn fr(&self) -> &FnState {
        &self.fns[self.fns.len() - 1]
    }

    pub(super) fn unsupported(&mut self, span: Span, what: &str) {
        let (line, column) = self.lines.position(span.start);
        self.errors.push(CompileError { line, column, message: format!("not supported in Looplab: {what} at {line}:{column}"), is_syntax_error: false });
    }

    pub(super) fn syntax_error(&mut self, span: Span, message: &str) {
        let (line, column) = self.lines.position(span.start);
        self.errors.push(CompileError { line, column, message: message.to_string(), is_syntax_error: true });
    }

    pub(super) fn at(&mut self, span: Span) {
        let position = self.lines.position(span.start);
        self.f().position = position;
    }

    pub(super) fn emit(&mut self, insn: Insn) -> usize {
        let state = self.f();
        if matches!(insn, Insn::RestArguments(_) | Insn::Arguments) {
            // The frame must keep every argument it is given.
            state.uses_arguments = true;
        }
        // `SetReg r; Pop` is `PutReg r` (likewise for scope slots), unless a
        // jump may land on the Pop.
        if insn == Insn::Pop && state.label_at != state.insns.len() as u32 {
            let folded = match state.insns.last() {
                Some(Insn::SetReg(reg)) => Some(Insn::PutReg(*reg)),
                Some(Insn::SetScope { depth, slot }) => Some(Insn::PutScope { depth: *depth, slot: *slot }),
                _ => None,
            };
            if let Some(folded) = folded {
                let last = state.insns.len() - 1;
                state.insns[last] = folded;
                return last;
            }
        }
        state.insns.push(insn);
        state.positions.push(state.position);
        state.insns.len() - 1
    }

    /// The next instruction's index, as a jump target.
    pub(super) fn here(&mut self) -> u32 {
        let state = self.f();
        let here = state.insns.len() as u32;
        state.label_at = here;
        here
    }

    /// Points the jump at `at` to the current position.
    pub(super) fn patch(&mut self, at: usize) {
        let target = self.here();
        self.patch_to(at, target);
    }

    pub(super) fn patch_to(&mut self, at: usize, target: u32) {
        if target == self.fr().insns.len() as u32 {
            self.f().label_at = target;
        }
        let insn = &mut self.f().insns[at];
        *insn = match *insn {
            Insn::Jump(_) => Insn::Jump(target),
            Insn::JumpIfFalse(_) => Insn::JumpIfFalse(target),
            Insn::JumpIfTrue(_) => Insn::JumpIfTrue(target),
            Insn::JumpIfTrueKeep(_) => Insn::JumpIfTrueKeep(target),
            Insn::JumpIfFalseKeep(_) => Insn::JumpIfFalseKeep(target),
            Insn::JumpIfNotNullishKeep(_) => Insn::JumpIfNotNullishKeep(target),
            Insn::JumpIfNullish(_) => Insn::JumpIfNullish(target),
            Insn::JumpIfUndefined(_) => Insn::JumpIfUndefined(target),
            Insn::JumpIfNotUndefined(_) => Insn::JumpIfNotUndefined(target),
            Insn::EnterTry(_) => Insn::EnterTry(target),
            Insn::ForInNext(_) => Insn::ForInNext(target),
            Insn::AsyncYieldStarCall(_) => Insn::AsyncYieldStarCall(target),
            Insn::AsyncYieldStarResult(_) => Insn::AsyncYieldStarResult(target),
            other => other,
        };
    }

    pub(super) fn atom(&mut self, text: &str) -> Atom {
        self.atoms.intern_str(text)
    }

    pub(super) fn atom_js(&mut self, text: &JsStr) -> Atom {
        self.atoms.intern(text)
    }

    pub(super) fn string_constant(&mut self, text: JsStr) -> u32 {
        if let Some(index) = self.fr().string_constants.get(&text) {
            return *index;
        }
        let state = self.f();
        let index = state.constants.len() as u32;
        state.constants.push(Constant::String(text.clone()));
        state.string_constants.insert(text, index);
        index
    }

    pub(super) fn push_string(&mut self, text: JsStr) {
        let index = self.string_constant(text);
        self.emit(Insn::Const(index));
    }

    pub(super) fn push_number(&mut self, value: f64) {
        if value.fract() == 0.0 && value.abs() < 1e9 && !(value == 0.0 && value.is_sign_negative()) {
            self.emit(Insn::Int(value as i32));
        } else {
            let state = self.f();
            let index = state.constants.len() as u32;
            state.constants.push(Constant::Number(value));
            self.emit(Insn::Const(index));
        }
    }

    pub(super) fn new_ic(&mut self) -> u32 {
        let state = self.f();
        state.ics += 1;
        state.ics - 1
    }

    pub(super) fn new_register(&mut self) -> u32 {
        let state = self.f();
        state.registers += 1;
        state.registers - 1
    }

    // ----- Bindings -----

    /// Decides the storage of every binding declared directly in `scope`,
    /// and returns whether it needs a heap scope (some are captured).
    pub(super) fn declare_scope(&mut self, scope: ScopeId) -> bool {
        let at_root = scope == self.scoping.root_scope_id();
        // A script's top-level declarations are global; an eval's (global
        // code run by eval, ECMA-262 19.2.1.3 EvalDeclarationInstantiation)
        // keeps its lexical ones in its own scope, and in strict code its
        // vars and functions too.
        let global_vars = at_root && (self.goal == Goal::Script || (self.goal == Goal::Eval && !self.fns.first().is_some_and(|f| f.is_strict)));
        let global_lexicals = at_root && self.goal == Goal::Script;
        let mut captured: Vec<SymbolId> = Vec::new();
        let mut symbols: Vec<SymbolId> = self.scoping.get_bindings(scope).values().copied().collect();
        symbols.sort();
        for symbol in symbols {
            if self.storage.contains_key(&symbol) {
                continue;
            }
            let lexical = self.scoping.symbol_flags(symbol).intersects(SymbolFlags::BlockScopedVariable | SymbolFlags::Class);
            let storage = if global_lexicals && lexical {
                Storage::GlobalLexical
            } else if global_vars && !lexical {
                Storage::GlobalVar
            } else if self.summary.is_captured(symbol) {
                captured.push(symbol);
                Storage::Scope { scope, slot: (captured.len() - 1) as u16 }
            } else {
                Storage::Register(self.new_register())
            };
            self.storage.insert(symbol, storage);
        }
        let needs_heap = !captured.is_empty();
        if needs_heap {
            self.layouts.insert(scope, captured);
        }
        needs_heap
    }

    /// Emits `PushScope` for `scope` when it has captured bindings.
    pub(super) fn enter_scope(&mut self, scope: ScopeId) -> bool {
        if !self.declare_scope(scope) {
            return false;
        }
        let names: Vec<Atom> = self.layouts[&scope].clone().into_iter().map(|symbol| self.atoms.intern_str(self.scoping.symbol_name(symbol))).collect();
        let state = self.f();
        state.scopes.push(ScopeLayout { names });
        let index = state.scopes.len() as u32 - 1;
        self.emit(Insn::PushScope(index));
        self.chain.push(scope);
        if let Some(unwind) = self.unwind.last_mut() {
            unwind.push(UnwindEntry::Scope);
        }
        true
    }

    pub(super) fn leave_scope(&mut self, pushed: bool) {
        if pushed {
            self.emit(Insn::PopScope);
            self.chain.pop();
            if let Some(unwind) = self.unwind.last_mut() {
                unwind.pop();
            }
        }
    }

    /// Sets every `let`/`const`/`class` binding declared in `scope` to the
    /// empty value (the temporal dead zone), so a loop body that runs again
    /// does not see the last iteration's values.
    pub(super) fn init_lexical_tdz(&mut self, scope: ScopeId) {
        let mut symbols: Vec<SymbolId> = self.scoping.get_bindings(scope).values().copied().collect();
        symbols.sort();
        for symbol in symbols {
            let flags = self.scoping.symbol_flags(symbol);
            if flags.intersects(SymbolFlags::BlockScopedVariable | SymbolFlags::Class) && !flags.contains(SymbolFlags::Function) {
                self.initialized.remove(&symbol);
                match self.storage.get(&symbol).copied() {
                    Some(Storage::Register(register)) => {
                        self.emit(Insn::Empty);
                        self.emit(Insn::PutReg(register));
                    }
                    Some(Storage::Scope { scope, slot }) => {
                        if let Some(depth) = self.depth_of(scope) {
                            self.emit(Insn::Empty);
                            self.emit(Insn::PutScope { depth, slot });
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn depth_of(&self, scope: ScopeId) -> Option<u16> {
        let position = self.chain.iter().rposition(|entry| *entry == scope)?;
        Some((self.chain.len() - 1 - position) as u16)
    }

    pub(super) fn is_lexical(&self, symbol: SymbolId) -> bool {
        let flags = self.scoping.symbol_flags(symbol);
        flags.intersects(SymbolFlags::BlockScopedVariable | SymbolFlags::Class) && !flags.contains(SymbolFlags::Function)
    }

    pub(super) fn is_const(&self, symbol: SymbolId) -> bool {
        self.scoping.symbol_flags(symbol).contains(SymbolFlags::ConstVariable)
    }

    fn name_constant(&mut self, symbol: SymbolId) -> u32 {
        let name = JsStr::from_str(self.scoping.symbol_name(symbol));
        self.string_constant(name)
    }

    /// The symbol an identifier reference resolves to (None: a global).
    pub(super) fn resolve(&self, reference: &'s IdentifierReference<'a>) -> Option<SymbolId> {
        let id = reference.reference_id.get()?;
        self.scoping.get_reference(id).symbol_id()
    }

    /// Pushes the value of binding `symbol`.
    pub(super) fn load_symbol(&mut self, symbol: SymbolId, span: Span) {
        let lexical = self.is_lexical(symbol);
        match self.storage.get(&symbol).copied() {
            Some(Storage::Register(reg)) => {
                if lexical && !self.initialized.contains(&symbol) {
                    let name = self.name_constant(symbol);
                    self.emit(Insn::GetRegChecked { reg, name });
                } else {
                    self.emit(Insn::GetReg(reg));
                }
            }
            Some(Storage::Scope { scope, slot }) => match self.depth_of(scope) {
                Some(depth) => {
                    self.emit(if lexical { Insn::GetScopeChecked { depth, slot } } else { Insn::GetScope { depth, slot } });
                }
                None => self.unsupported(span, "a binding used before its scope (compiler)"),
            },
            Some(Storage::GlobalLexical) => {
                let name = self.atom(self.scoping.symbol_name(symbol));
                self.emit(Insn::GetGlobalLexical(name));
            }
            Some(Storage::GlobalVar) => {
                let name = self.atom(self.scoping.symbol_name(symbol));
                let ic = self.new_ic();
                self.emit(Insn::GetGlobal { name, ic });
            }
            None => self.unsupported(span, "a binding declared where Looplab does not yet look (compiler)"),
        }
    }

    /// Stores the top of the stack into `symbol`, keeping it. `init` is a
    /// declaration's initialisation (no TDZ check, `const` allowed).
    pub(super) fn store_symbol(&mut self, symbol: SymbolId, span: Span, init: bool) {
        if !init && self.function_names.contains(&symbol) {
            // A named function expression's own name is an immutable
            // binding (ECMA-262 15.2.5, CreateImmutableBinding(name, false)):
            // assigning it throws in strict code and does nothing otherwise.
            if self.fr().is_strict {
                let message = self.string_constant(JsStr::from_str("Assignment to constant variable."));
                self.emit(Insn::ThrowError { kind: crate::bytecode::ErrorKind::TypeError, message });
            }
            return;
        }
        if !init && self.is_const(symbol) {
            // Assignment to a constant: TypeError at run time (ECMA-262
            // 9.1.1.1.5 SetMutableBinding), after the TDZ check.
            self.check_tdz(symbol, span);
            let message = self.string_constant(JsStr::from_str("Assignment to constant variable."));
            self.emit(Insn::ThrowError { kind: crate::bytecode::ErrorKind::TypeError, message });
            return;
        }
        if !init && self.is_lexical(symbol) && !self.initialized.contains(&symbol) {
            self.check_tdz(symbol, span);
        }
        if init && matches!(self.storage.get(&symbol), Some(Storage::Register(_))) && !self.switch_scopes.contains(&self.scoping.symbol_scope_id(symbol)) {
            self.initialized.insert(symbol);
        }
        match self.storage.get(&symbol).copied() {
            Some(Storage::Register(reg)) => {
                self.emit(Insn::SetReg(reg));
            }
            Some(Storage::Scope { scope, slot }) => match self.depth_of(scope) {
                Some(depth) => {
                    self.emit(Insn::SetScope { depth, slot });
                }
                None => self.unsupported(span, "a binding used before its scope (compiler)"),
            },
            Some(Storage::GlobalLexical) => {
                let name = self.atom(self.scoping.symbol_name(symbol));
                self.emit(Insn::Dup);
                self.emit(Insn::PutGlobalLexical(name));
            }
            Some(Storage::GlobalVar) => {
                let name = self.atom(self.scoping.symbol_name(symbol));
                let ic = self.new_ic();
                self.emit(Insn::SetGlobal { name, ic });
            }
            None => self.unsupported(span, "a binding declared where Looplab does not yet look (compiler)"),
        }
    }

    fn check_tdz(&mut self, symbol: SymbolId, span: Span) {
        match self.storage.get(&symbol).copied() {
            Some(Storage::Register(reg)) => {
                let name = self.name_constant(symbol);
                self.emit(Insn::CheckReg { reg, name });
            }
            Some(Storage::Scope { scope, slot }) => {
                if let Some(depth) = self.depth_of(scope) {
                    self.emit(Insn::CheckScope { depth, slot });
                }
            }
            Some(Storage::GlobalLexical) => {
                let name = self.atom(self.scoping.symbol_name(symbol));
                self.emit(Insn::GetGlobalLexical(name));
                self.emit(Insn::Pop);
            }
            _ => {
                let _ = span;
            }
        }
    }

    /// A binding of a direct eval's caller that `name` names, with the
    /// depth it is at from here.
    pub(super) fn eval_binding(&self, name: &str) -> Option<(crate::bytecode::EvalBinding, u16)> {
        let (site, placeholders, _) = self.eval_outer.as_ref()?;
        let binding = site.bindings.iter().find(|binding| binding.name == name)?;
        let depth = self.depth_of(*placeholders.get(binding.depth as usize)?)?;
        Some((binding.clone(), depth))
    }

    /// What a direct eval called here can see: the bindings of every heap
    /// scope on the chain, innermost first (an eval's own caller's too).
    pub(super) fn eval_site(&mut self) -> u16 {
        let mut bindings: Vec<crate::bytecode::EvalBinding> = Vec::new();
        for (position, scope) in self.chain.iter().enumerate().rev() {
            let depth = (self.chain.len() - 1 - position) as u16;
            for symbol in self.layouts.get(scope).cloned().unwrap_or_default() {
                let name = self.scoping.symbol_name(symbol).to_string();
                if bindings.iter().any(|binding| binding.name == name) {
                    continue;
                }
                if let Some(Storage::Scope { slot, .. }) = self.storage.get(&symbol).copied() {
                    let (lexical, constant) = (self.is_lexical(symbol), self.is_const(symbol));
                    bindings.push(crate::bytecode::EvalBinding { name, depth, slot: slot as u16, lexical, constant });
                }
            }
        }
        if let Some((site, placeholders, _)) = &self.eval_outer {
            for binding in &site.bindings {
                if bindings.iter().any(|known| known.name == binding.name) {
                    continue;
                }
                if let Some(depth) = placeholders.get(binding.depth as usize).and_then(|placeholder| self.depth_of(*placeholder)) {
                    bindings.push(crate::bytecode::EvalBinding { depth, ..binding.clone() });
                }
            }
        }
        let strict = self.fr().is_strict;
        let state = self.f();
        // The eval may read `arguments`: the frame keeps them.
        state.uses_arguments = true;
        state.eval_sites.push(Rc::new(crate::bytecode::EvalSite { bindings, strict }));
        (state.eval_sites.len() - 1) as u16
    }

    /// Loads an identifier: a `with` object's property, its binding, or a global.
    pub(super) fn load_identifier(&mut self, reference: &'s IdentifierReference<'a>) {
        let symbol = self.resolve(reference);
        self.with_load(symbol, reference.name.as_str(), reference.span, |this| this.load_name(reference));
    }

    /// Loads an identifier's binding, or a global (no `with` object).
    pub(super) fn load_name(&mut self, reference: &'s IdentifierReference<'a>) {
        match self.resolve(reference) {
            Some(symbol) => self.load_symbol(symbol, reference.span),
            None => {
                if reference.name.as_str() == "undefined" {
                    // The global `undefined` is read-only and non-configurable.
                    self.emit(Insn::Undefined);
                    return;
                }
                if reference.name.as_str() == "arguments" && self.in_function_with_arguments() {
                    // An arrow's `arguments` is its maker's: every arrow up to
                    // the function that owns it passes it down, and that
                    // function keeps its arguments.
                    for state in self.fns.iter_mut().rev() {
                        state.uses_arguments = true;
                        if state.kind != FunctionKind::Arrow {
                            break;
                        }
                    }
                    self.emit(Insn::Arguments);
                    return;
                }
                if let Some((binding, depth)) = self.eval_binding(reference.name.as_str()) {
                    let slot = binding.slot;
                    self.emit(if binding.lexical { Insn::GetScopeChecked { depth, slot } } else { Insn::GetScope { depth, slot } });
                    return;
                }
                let name = self.atom(reference.name.as_str());
                let ic = self.new_ic();
                self.emit(Insn::GetGlobal { name, ic });
            }
        }
    }

    /// Whether an unresolved `arguments` names the enclosing function's
    /// arguments object (not at the top level, not in a class field).
    pub(super) fn in_function_with_arguments(&self) -> bool {
        matches!(
            self.fr().kind,
            FunctionKind::Normal
                | FunctionKind::Method
                | FunctionKind::Getter
                | FunctionKind::Setter
                | FunctionKind::ClassConstructor
                | FunctionKind::DerivedConstructor
                | FunctionKind::Arrow
        ) || (self.goal == Goal::CommonJs && self.fr().kind == FunctionKind::TopLevel)
    }

    /// Stores the top of the stack into an identifier, keeping it.
    pub(super) fn store_identifier(&mut self, reference: &'s IdentifierReference<'a>) {
        let symbol = self.resolve(reference);
        self.with_store(symbol, reference.name.as_str(), reference.span, |this| this.store_name(reference));
    }

    fn store_name(&mut self, reference: &'s IdentifierReference<'a>) {
        match self.resolve(reference) {
            Some(symbol) => self.store_symbol(symbol, reference.span, false),
            None => {
                if let Some((binding, depth)) = self.eval_binding(reference.name.as_str()) {
                    let slot = binding.slot;
                    if binding.lexical {
                        self.emit(Insn::CheckScope { depth, slot });
                    }
                    if binding.constant {
                        let message = self.string_constant(JsStr::from_str("Assignment to constant variable."));
                        self.emit(Insn::ThrowError { kind: crate::bytecode::ErrorKind::TypeError, message });
                    } else {
                        self.emit(Insn::SetScope { depth, slot });
                    }
                    return;
                }
                let name = self.atom(reference.name.as_str());
                let ic = self.new_ic();
                if self.fr().is_strict {
                    self.emit(Insn::SetGlobalStrict { name, ic });
                } else {
                    self.emit(Insn::SetGlobal { name, ic });
                }
            }
        }
    }

    /// Stores into a declared binding, popping the value.
    pub(super) fn init_binding(&mut self, id: &'s BindingIdentifier<'a>) {
        match id.symbol_id.get() {
            Some(symbol) if !self.withs.is_empty() && !self.is_lexical(symbol) => {
                // `var x = v` in a `with` body writes the object's x when it
                // has one (ECMA-262 14.3.2.1: PutValue of ResolveBinding).
                self.with_store(Some(symbol), id.name.as_str(), id.span, |this| this.store_symbol(symbol, id.span, true));
                self.emit(Insn::Pop);
            }
            Some(symbol) => {
                self.store_symbol(symbol, id.span, true);
                self.emit(Insn::Pop);
            }
            None => {
                self.emit(Insn::Pop);
            }
        }
    }

    // ----- Functions -----

    /// Compiles a function's body into a nested [`Code`] and emits a
    /// `Closure` for it.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn function(
        &mut self,
        kind: FunctionKind,
        name: &str,
        params: &'s FormalParameters<'a>,
        body: Option<&'s FunctionBody<'a>>,
        expression_body: Option<&'s Expression<'a>>,
        scope: Option<ScopeId>,
        is_async: bool,
        is_generator: bool,
        span: Span,
    ) {
        let strict = self.fr().is_strict
            || self.class_depth > 0
            || body.is_some_and(|body| body.directives.iter().any(|d| d.directive.as_str() == "use strict"))
            || kind_is_class(kind);
        let code = self.compile_function_code(kind, name, params, body, expression_body, scope, is_async, is_generator, span, strict);
        let state = self.f();
        state.functions.push(code);
        let index = state.functions.len() as u32 - 1;
        self.emit(Insn::Closure(index));
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn compile_function_code(
        &mut self,
        kind: FunctionKind,
        name: &str,
        params: &'s FormalParameters<'a>,
        body: Option<&'s FunctionBody<'a>>,
        expression_body: Option<&'s Expression<'a>>,
        scope: Option<ScopeId>,
        is_async: bool,
        is_generator: bool,
        span: Span,
        strict: bool,
    ) -> Rc<Code> {
        let position = self.lines.position(span.start);
        let self_name = self.self_name.take();
        self.fns.push(FnState::new(kind, strict, is_async, is_generator, position));
        self.unwind.push(Vec::new());
        let chain_before = self.chain.len();
        // Parameters: raw arguments arrive in registers 0..n.
        let simple = params.items.iter().all(|param| matches!(param.pattern, BindingPattern::BindingIdentifier(_)) && param.initializer.is_none())
            && params.rest.is_none();
        let count = params.items.len() as u32;
        self.f().registers = count;
        let pushed = match scope {
            Some(scope) => {
                let pushed = self.enter_scope_for_function(scope, params, simple);
                self.init_lexical_tdz(scope);
                pushed
            }
            None => false,
        };
        self.parameters(params, simple);
        // A mapped arguments object is made here, while the function's own
        // scope (where the parameters live) is the innermost.
        let mapped = kind != FunctionKind::Arrow
            && !strict
            && simple
            && scope.is_some_and(|scope| self.summary.uses_arguments.get(scope.index()).copied().unwrap_or(false));
        if mapped {
            let mut seen = Vec::new();
            let mut slots: Vec<Option<u32>> = vec![None; params.items.len()];
            // A repeated name maps its last parameter (ECMA-262 10.4.4.7 step 17).
            for (index, param) in params.items.iter().enumerate().rev() {
                let BindingPattern::BindingIdentifier(id) = &param.pattern else { continue };
                if seen.contains(&id.name.as_str()) {
                    continue;
                }
                seen.push(id.name.as_str());
                if let Some(Storage::Scope { scope: home, slot }) = id.symbol_id.get().and_then(|symbol| self.storage.get(&symbol).copied()) {
                    if Some(home) == scope {
                        slots[index] = Some(u32::from(slot));
                    }
                }
            }
            self.f().mapped_slots = Some(Rc::from(slots));
            self.f().uses_arguments = true;
            self.emit(Insn::Arguments);
            self.emit(Insn::Pop);
        }
        if let Some(id) = self_name {
            // A parameter of the same name wins over the function's name.
            let shadowed = params.items.iter().any(|param| matches!(&param.pattern, BindingPattern::BindingIdentifier(p) if p.name == id.name));
            if !shadowed {
                self.emit(Insn::Callee);
                self.init_binding(id);
                if let Some(symbol) = id.symbol_id.get() {
                    self.function_names.insert(symbol);
                }
            }
        }
        if let Some(scope) = scope {
            self.hoist_functions_in(scope, body.map(|b| &b.statements[..]).unwrap_or(&[]));
        }
        // A generator's parameters are bound when it is called; its body
        // runs on the first `next()` (ECMA-262 27.5.3.1 / 15.5.2).
        if is_generator {
            self.emit(Insn::GeneratorStart);
        }
        let eval_body = kind == FunctionKind::Arrow && self.eval_outer.as_ref().is_some_and(|(_, _, start)| *start == span.start);
        match (body, expression_body) {
            // A direct eval's code gives its completion value.
            (Some(body), _) if eval_body => self.statements_returning_completion(&body.statements),
            (Some(body), _) => {
                self.statements(&body.statements);
                self.emit(Insn::Undefined);
                self.emit(Insn::Return);
            }
            (None, Some(expression)) => {
                self.expression(expression);
                self.emit(Insn::Return);
            }
            (None, None) => {
                self.emit(Insn::Undefined);
                self.emit(Insn::Return);
            }
        }
        let _ = pushed;
        self.chain.truncate(chain_before);
        let length =
            params.items.iter().take_while(|param| param.initializer.is_none() && !matches!(param.pattern, BindingPattern::AssignmentPattern(_))).count()
                as u32;
        let source_text = self.source.get(span.start as usize..span.end as usize).map(Rc::from);
        self.finish_function(name, length, simple, source_text, span)
    }

    /// Starts compiling a function the source does not spell out.
    pub(super) fn begin_function(&mut self, kind: FunctionKind, strict: bool, is_async: bool, is_generator: bool, span: Span) {
        let position = self.lines.position(span.start);
        self.fns.push(FnState::new(kind, strict, is_async, is_generator, position));
        self.unwind.push(Vec::new());
    }

    pub(super) fn end_function(&mut self, name: &str, length: u32, span: Span) -> Rc<Code> {
        self.finish_function(name, length, true, None, span)
    }

    fn enter_scope_for_function(&mut self, scope: ScopeId, params: &'s FormalParameters<'a>, simple: bool) -> bool {
        // Simple, uncaptured parameters are their argument registers.
        for (index, param) in params.items.iter().enumerate() {
            if let BindingPattern::BindingIdentifier(id) = &param.pattern {
                if let Some(symbol) = id.symbol_id.get() {
                    if simple && !self.summary.is_captured(symbol) && !self.storage.contains_key(&symbol) {
                        self.storage.insert(symbol, Storage::Register(index as u32));
                    }
                }
            }
        }
        self.enter_scope(scope)
    }

    /// Binds parameters from the argument registers: defaults,
    /// destructuring, rest, and copies into the heap scope.
    fn parameters(&mut self, params: &'s FormalParameters<'a>, simple: bool) {
        for (index, param) in params.items.iter().enumerate() {
            let register = index as u32;
            if simple {
                if let BindingPattern::BindingIdentifier(id) = &param.pattern {
                    if let Some(symbol) = id.symbol_id.get() {
                        if !matches!(self.storage.get(&symbol), Some(Storage::Register(r)) if *r == register) {
                            self.emit(Insn::GetReg(register));
                            self.init_binding(id);
                        }
                    }
                }
                continue;
            }
            self.emit(Insn::GetReg(register));
            if let Some(initializer) = &param.initializer {
                let skip = self.emit(Insn::Dup);
                let _ = skip;
                let jump = self.emit(Insn::JumpIfNotUndefined(0));
                self.emit(Insn::Pop);
                self.expression_named(initializer, binding_name(&param.pattern));
                self.patch(jump);
            }
            self.bind_pattern(&param.pattern, true);
        }
        if let Some(rest) = &params.rest {
            self.emit(Insn::RestArguments(params.items.len() as u32));
            self.bind_pattern(&rest.rest.argument, true);
        }
    }

    fn finish_function(&mut self, name: &str, length: u32, simple: bool, source: Option<Rc<str>>, span: Span) -> Rc<Code> {
        self.unwind.pop();
        let Some(state) = self.fns.pop() else {
            return Rc::new(empty_code());
        };
        let (line, column) = self.lines.position(span.start);
        Rc::new(Code {
            name: JsStr::from_str(name),
            kind: state.kind,
            is_strict: state.is_strict,
            is_async: state.is_async,
            is_generator: state.is_generator,
            length,
            registers: state.registers,
            insns: state.insns,
            constants: state.constants,
            functions: state.functions,
            scopes: state.scopes,
            globals: state.globals,
            templates: state.templates,
            regexps: state.regexps,
            fast_loops: state.fast_loops,
            call_sites: state.call_sites,
            finally_exits: state.finally_exits,
            ics: (0..state.ics as usize * crate::bytecode::IC_WAYS)
                .map(|_| Cell::new(InlineCache { shape: crate::bytecode::IC_EMPTY_SHAPE, ..InlineCache::default() }))
                .collect(),
            positions: state.positions,
            line,
            column,
            source,
            script: None,
            source_span: (span.start, span.end),
            simple_parameters: simple,
            uses_arguments: state.uses_arguments,
            has_eval: false,
            mapped_slots: state.mapped_slots,
            eval_sites: state.eval_sites,
        })
    }

    /// Function declarations are initialised when their scope is entered
    /// (ECMA-262 10.2.11 FunctionDeclarationInstantiation step 36; for blocks
    /// 14.2.3 BlockDeclarationInstantiation).
    pub(super) fn hoist_functions_in(&mut self, _scope: ScopeId, statements: &'s [Statement<'a>]) {
        for statement in statements {
            if let Statement::FunctionDeclaration(function) = statement {
                self.function_declaration_value(function);
                if let Some(id) = &function.id {
                    self.init_binding(id);
                }
            }
        }
    }

    pub(super) fn function_declaration_value(&mut self, function: &'s Function<'a>) {
        let name = function.id.as_ref().map_or("", |id| id.name.as_str()).to_string();
        self.function(
            FunctionKind::Normal,
            &name,
            &function.params,
            function.body.as_deref(),
            None,
            function.scope_id.get(),
            function.r#async,
            function.generator,
            function.span,
        );
    }

    /// The whole program: a script, or a CommonJS module body whose
    /// parameters are Node's wrapper arguments.
    pub(super) fn program(&mut self, program: &'s Program<'a>) -> Rc<Code> {
        let strict = program.directives.iter().any(|d| d.directive.as_str() == "use strict");
        self.fns.push(FnState::new(FunctionKind::TopLevel, strict, false, false, (1, 1)));
        self.unwind.push(Vec::new());
        let root = self.scoping.root_scope_id();
        let eval_globals = self.goal == Goal::Eval && !strict;
        if eval_globals {
            // Its lexical declarations in a scope of its own (pushed when
            // captured), its vars and functions global (below).
            self.enter_scope(root);
            self.init_lexical_tdz(root);
        }
        if self.goal == Goal::Script || eval_globals {
            if !eval_globals {
                self.declare_scope(root);
            }
            let mut declarations = GlobalDeclarations::default();
            let mut symbols: Vec<SymbolId> = self.scoping.get_bindings(root).values().copied().collect();
            symbols.sort();
            for symbol in symbols {
                let name = self.atom(self.scoping.symbol_name(symbol));
                let flags = self.scoping.symbol_flags(symbol);
                if self.is_lexical(symbol) {
                    if eval_globals {
                        continue;
                    }
                    declarations.lexicals.push((name, flags.contains(SymbolFlags::ConstVariable)));
                } else if flags.contains(SymbolFlags::Function) {
                    declarations.functions.push(name);
                } else {
                    declarations.vars.push(name);
                }
            }
            let state = self.f();
            state.globals.push(declarations);
            let index = state.globals.len() as u32 - 1;
            self.emit(Insn::DeclareGlobals(index));
        } else {
            self.enter_scope(root);
            self.init_lexical_tdz(root);
        }
        self.hoist_functions_in(root, &program.body);
        // A script's completion value: its statements' (an eval's result).
        self.statements_returning_completion(&program.body);
        let span = program.span;
        self.finish_function("", 0, true, None, span)
    }

    /// Statements whose completion value (ECMA-262 8.1) the code returns:
    /// a script's, an eval's.
    fn statements_returning_completion(&mut self, statements: &'s [Statement<'a>]) {
        let completion = self.new_register();
        self.emit(Insn::Undefined);
        self.emit(Insn::PutReg(completion));
        self.f().completion = Some(completion);
        self.statements(statements);
        self.f().completion = None;
        self.emit(Insn::GetReg(completion));
        self.emit(Insn::Return);
    }
}

fn kind_is_class(kind: FunctionKind) -> bool {
    matches!(kind, FunctionKind::ClassConstructor | FunctionKind::DerivedConstructor | FunctionKind::FieldInitializer | FunctionKind::StaticBlock)
}

/// The name a default value's anonymous function takes from its binding.
pub(super) fn binding_name<'b>(pattern: &'b BindingPattern<'_>) -> Option<&'b str> {
    match pattern {
        BindingPattern::BindingIdentifier(id) => Some(id.name.as_str()),
        _ => None,
    }
}

impl FnState {
    fn new(kind: FunctionKind, is_strict: bool, is_async: bool, is_generator: bool, position: (u32, u32)) -> FnState {
        FnState {
            insns: Vec::new(),
            positions: Vec::new(),
            constants: Vec::new(),
            string_constants: HashMap::new(),
            functions: Vec::new(),
            scopes: Vec::new(),
            globals: Vec::new(),
            templates: Vec::new(),
            regexps: Vec::new(),
            fast_loops: Vec::new(),
            call_sites: Vec::new(),
            finally_exits: Vec::new(),
            ics: 0,
            registers: 0,
            kind,
            is_strict,
            is_async,
            is_generator,
            jumps: Vec::new(),
            position,
            pending_labels: Vec::new(),
            uses_arguments: false,
            label_at: u32::MAX,
            completion: None,
            mapped_slots: None,
            eval_sites: Vec::new(),
        }
    }
}

fn empty_code() -> Code {
    Code {
        name: JsStr::empty(),
        kind: FunctionKind::Normal,
        is_strict: false,
        is_async: false,
        is_generator: false,
        length: 0,
        registers: 0,
        insns: vec![Insn::Undefined, Insn::Return],
        constants: Vec::new(),
        functions: Vec::new(),
        scopes: Vec::new(),
        globals: Vec::new(),
        templates: Vec::new(),
        regexps: Vec::new(),
        fast_loops: Vec::new(),
        call_sites: Vec::new(),
        finally_exits: Vec::new(),
        ics: Vec::new(),
        positions: vec![(0, 0), (0, 0)],
        line: 0,
        column: 0,
        source: None,
        script: None,
        source_span: (0, 0),
        simple_parameters: true,
        uses_arguments: false,
        has_eval: false,
        mapped_slots: None,
        eval_sites: Vec::new(),
    }
}
