//! Where each binding lives. A binding that no other function reaches stays
//! in its frame's registers: no allocation, no scope chain to walk. A
//! binding a closure reaches — or any binding a direct `eval` could name —
//! lives in a heap scope, which closures keep alive.
//!
//! oxc_semantic has already resolved every identifier to its symbol; this
//! pass only compares the function a reference sits in with the function
//! its symbol is declared in.

use oxc_ast::AstKind;
use oxc_semantic::{Scoping, Semantic};
use oxc_syntax::scope::{ScopeFlags, ScopeId};
use oxc_syntax::symbol::SymbolId;

/// The outcome, indexed by oxc's symbol and scope ids.
#[derive(Debug, Default)]
pub struct Summary {
    /// Per symbol: reached from another function (or by `eval`).
    pub captured: Vec<bool>,
    /// Per scope: the scope of the function (or class body, static block,
    /// or the top level) whose frame runs it.
    pub frame_scope: Vec<u32>,
    /// Per scope: a direct `eval` inside may name its bindings.
    pub eval_visible: Vec<bool>,
    /// Per scope: a function (not an arrow) whose `arguments` is read, by
    /// its own code or an arrow inside it.
    pub uses_arguments: Vec<bool>,
}

impl Summary {
    pub fn is_captured(&self, symbol: SymbolId) -> bool {
        self.captured.get(symbol.index()).copied().unwrap_or(true)
    }

    pub fn captured_count(&self) -> usize {
        self.captured.iter().filter(|captured| **captured).count()
    }
}

/// Whether code in this scope runs in a frame of its own: functions,
/// static blocks, the top level, and class bodies (field initialisers run
/// in a method of their own, so a class body is treated as one).
fn is_frame_boundary(semantic: &Semantic<'_>, scoping: &Scoping, scope: ScopeId) -> bool {
    let flags = scoping.scope_flags(scope);
    if flags.intersects(ScopeFlags::Function | ScopeFlags::ClassStaticBlock | ScopeFlags::Top) {
        return true;
    }
    let node = scoping.get_node_id(scope);
    matches!(semantic.nodes().kind(node), AstKind::Class(_))
}

pub fn analyze(semantic: &Semantic<'_>) -> Summary {
    let scoping = semantic.scoping();
    let scope_count = scoping.scopes_len();
    // Scopes are numbered so that a parent comes before its children.
    let mut frame_scope: Vec<u32> = vec![0; scope_count];
    let mut eval_visible = vec![false; scope_count];
    for index in 0..scope_count {
        let scope = ScopeId::new(index);
        frame_scope[index] = if is_frame_boundary(semantic, scoping, scope) {
            index as u32
        } else {
            scoping.scope_parent_id(scope).map_or(index as u32, |parent| frame_scope[parent.index()])
        };
        if scoping.scope_flags(scope).contains(ScopeFlags::DirectEval) {
            for ancestor in scoping.scope_ancestors(scope) {
                eval_visible[ancestor.index()] = true;
            }
        }
    }
    let mut captured = vec![false; scoping.symbols_len()];
    for symbol in scoping.symbol_ids() {
        let declared_in = scoping.symbol_scope_id(symbol);
        if eval_visible[declared_in.index()] {
            captured[symbol.index()] = true;
            continue;
        }
        let home = frame_scope[declared_in.index()];
        captured[symbol.index()] =
            scoping.get_resolved_reference_ids(symbol).iter().any(|reference| frame_scope[scoping.get_reference(*reference).scope_id().index()] != home);
    }
    // `arguments` belongs to the nearest function that is not an arrow.
    let mut uses_arguments = vec![false; scope_count];
    if let Some(references) = scoping.root_unresolved_references().get("arguments") {
        for reference in references.iter() {
            let mut scope = scoping.get_reference(*reference).scope_id();
            loop {
                let flags = scoping.scope_flags(scope);
                if flags.contains(ScopeFlags::Function) && !flags.contains(ScopeFlags::Arrow) {
                    uses_arguments[scope.index()] = true;
                    break;
                }
                match scoping.scope_parent_id(scope) {
                    Some(parent) if !flags.contains(ScopeFlags::Top) => scope = parent,
                    _ => break,
                }
            }
        }
    }
    // A sloppy function with simple parameters that reads `arguments` has a
    // mapped arguments object (ECMA-262 10.2.11 step 22): its parameters
    // live in its heap scope, where the object's elements find them.
    for (index, used) in uses_arguments.iter().enumerate() {
        let scope = ScopeId::new(index);
        if !used || scoping.scope_flags(scope).contains(ScopeFlags::StrictMode) {
            continue;
        }
        let AstKind::Function(function) = semantic.nodes().kind(scoping.get_node_id(scope)) else { continue };
        let params = &function.params;
        let simple = params.rest.is_none()
            && params.items.iter().all(|param| matches!(param.pattern, oxc_ast::ast::BindingPattern::BindingIdentifier(_)) && param.initializer.is_none());
        if !simple {
            continue;
        }
        for param in &params.items {
            if let oxc_ast::ast::BindingPattern::BindingIdentifier(id) = &param.pattern {
                if let Some(symbol) = id.symbol_id.get() {
                    captured[symbol.index()] = true;
                }
            }
        }
    }
    Summary { captured, frame_scope, eval_visible, uses_arguments }
}

#[cfg(test)]
mod tests {
    use super::super::{check, Goal};

    fn captured(source: &str) -> usize {
        check(source, Goal::CommonJs).map(|summary| summary.captured_count()).unwrap_or(usize::MAX)
    }

    #[test]
    fn only_what_another_function_reaches_is_captured() {
        assert_eq!(captured("let a = 1; let b = a + 1; for (let i = 0; i < 3; i++) b += i;"), 0);
        assert_eq!(captured("let a = 1; const f = () => a; let b = 2;"), 1);
        assert_eq!(captured("function outer(x) { return function () { return x; }; }"), 1);
        // A class body runs its field initialisers in a frame of its own.
        assert_eq!(captured("let y = 1; class A { x = y; }"), 1);
        // Anything a direct eval could name lives in a heap scope.
        assert_eq!(captured("function f() { let a, b; eval('a'); }"), 3);
    }

    #[test]
    fn early_errors_are_syntax_errors_with_positions() {
        let errors = check("let a;\nlet a;", Goal::CommonJs).expect_err("a redeclaration is an early error");
        assert!(errors[0].is_syntax_error);
        assert_eq!(errors[0].line, 2);
        assert!(check("'use strict'; with (a) {}", Goal::Script).is_err());
        assert!(check("for (const x of []) { break nowhere; }", Goal::Script).is_err());
        assert!(check("function* g() { yield 1; }", Goal::Script).is_ok());
    }
}
