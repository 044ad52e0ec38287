//! The `with` statement (ECMA-262 14.11): inside its body, a name not
//! declared in the body is first looked up on the statement's object
//! (an object Environment Record with withEnvironment true, 9.1.1.2),
//! then where it resolves statically.
//!
//! The object lives in a register of the function that holds the
//! statement; a name reached from a function nested in the body would
//! need it on the heap, and is refused in words.

use super::codegen::Codegen;
use crate::bytecode::Insn;
use crate::value::Atom;
use oxc_ast::ast::*;
use oxc_span::Span;
use oxc_syntax::scope::ScopeId;
use oxc_syntax::symbol::SymbolId;

/// A `with` statement whose body is being compiled.
pub(super) struct WithEntry {
    /// The register holding ToObject of the statement's expression.
    register: u32,
    /// The statement's own scope: names declared under it are not looked
    /// up on the object.
    scope: ScopeId,
    /// How many functions were being compiled at the statement.
    function_depth: usize,
}

impl<'s, 'a> Codegen<'s, 'a> {
    pub(super) fn with_statement(&mut self, statement: &'s WithStatement<'a>) {
        self.expression(&statement.object);
        self.at(statement.span);
        self.emit(Insn::ToWithObject);
        let register = self.new_register();
        self.emit(Insn::PutReg(register));
        let Some(scope) = statement.scope_id.get() else {
            return self.unsupported(statement.span, "a with statement without a scope (compiler)");
        };
        self.withs.push(WithEntry { register, scope, function_depth: self.fns.len() });
        self.statement(&statement.body);
        self.withs.pop();
    }

    /// The registers of the `with` objects a reference to `name` looks
    /// at first, innermost first (empty outside any `with` body, or when
    /// the name is declared inside the innermost applicable body).
    fn with_registers(&mut self, symbol: Option<SymbolId>, span: Span) -> Vec<u32> {
        let declared_at = symbol.map(|symbol| self.scoping.symbol_scope_id(symbol));
        let mut registers = Vec::new();
        for index in (0..self.withs.len()).rev() {
            let entry = &self.withs[index];
            if declared_at.is_some_and(|scope| self.scope_is_within(scope, entry.scope)) {
                break;
            }
            if entry.function_depth != self.fns.len() {
                self.unsupported(span, "a name used in a function inside a with statement's body");
                return Vec::new();
            }
            registers.push(entry.register);
        }
        registers
    }

    fn scope_is_within(&self, mut scope: ScopeId, outer: ScopeId) -> bool {
        loop {
            if scope == outer {
                return true;
            }
            match self.scoping.scope_parent_id(scope) {
                Some(parent) => scope = parent,
                None => return false,
            }
        }
    }

    /// Emits, for each `with` object that applies, "if the object has
    /// `name` (and does not list it in @@unscopables), `found`": each
    /// `found` runs with the object pushed and must leave what the static
    /// path leaves. Returns the jumps to patch to the end, after the
    /// caller has emitted the static path.
    fn with_branches(&mut self, symbol: Option<SymbolId>, name: &str, span: Span, found: impl Fn(&mut Self, Atom)) -> Vec<usize> {
        let registers = self.with_registers(symbol, span);
        let atom = self.atom(name);
        let mut ends = Vec::new();
        for register in registers {
            self.emit(Insn::GetReg(register));
            self.emit(Insn::WithHas(atom));
            let miss = self.emit(Insn::JumpIfFalse(0));
            self.emit(Insn::GetReg(register));
            found(self, atom);
            ends.push(self.emit(Insn::Jump(0)));
            self.patch(miss);
        }
        ends
    }

    fn patch_all(&mut self, ends: Vec<usize>) {
        for end in ends {
            self.patch(end);
        }
    }

    /// `[] -> [value]`: the reference's value from a `with` object, or
    /// `fallback`'s.
    pub(super) fn with_load(&mut self, symbol: Option<SymbolId>, name: &str, span: Span, fallback: impl FnOnce(&mut Self)) {
        if self.withs.is_empty() {
            return fallback(self);
        }
        let ends = self.with_branches(symbol, name, span, |this, name| {
            let ic = this.new_ic();
            this.emit(Insn::GetProp { name, ic });
        });
        fallback(self);
        self.patch_all(ends);
    }

    /// `[value] -> [value]`: stores into a `with` object's property, or
    /// by `fallback`.
    pub(super) fn with_store(&mut self, symbol: Option<SymbolId>, name: &str, span: Span, fallback: impl FnOnce(&mut Self)) {
        if self.withs.is_empty() {
            return fallback(self);
        }
        let ends = self.with_branches(symbol, name, span, |this, name| {
            let ic = this.new_ic();
            this.emit(Insn::Swap);
            this.emit(Insn::SetProp { name, ic });
        });
        fallback(self);
        self.patch_all(ends);
    }

    /// A call's callee: `[] -> [this, callee]`, `this` being the `with`
    /// object that has the name (ECMA-262 9.1.1.2.10 WithBaseObject), or
    /// undefined. Returns false (nothing emitted) outside `with` bodies.
    pub(super) fn with_callee(&mut self, reference: &'s IdentifierReference<'a>) -> bool {
        if self.withs.is_empty() {
            return false;
        }
        let symbol = self.resolve(reference);
        let ends = self.with_branches(symbol, reference.name.as_str(), reference.span, |this, name| {
            let ic = this.new_ic();
            this.emit(Insn::GetMethod { name, ic });
        });
        if ends.is_empty() {
            return false;
        }
        self.emit(Insn::Undefined);
        self.load_name(reference);
        self.patch_all(ends);
        true
    }

    /// `typeof name` and `delete name` on a `with` object: `[] -> [value]`.
    pub(super) fn with_unary(&mut self, reference: &'s IdentifierReference<'a>, delete: bool, fallback: impl FnOnce(&mut Self)) {
        if self.withs.is_empty() {
            return fallback(self);
        }
        let symbol = self.resolve(reference);
        let ends = self.with_branches(symbol, reference.name.as_str(), reference.span, |this, name| {
            if delete {
                this.emit(Insn::DeleteProp(name));
            } else {
                let ic = this.new_ic();
                this.emit(Insn::GetProp { name, ic });
                this.emit(Insn::Typeof);
            }
        });
        fallback(self);
        self.patch_all(ends);
    }
}
