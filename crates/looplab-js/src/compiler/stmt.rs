//! Statements: blocks, declarations, control flow, loops, `try`, and the
//! unwinding a jump out of them needs (ECMA-262 14).

use super::codegen::{Codegen, JumpTarget, UnwindEntry};
use crate::bytecode::Insn;
use oxc_ast::ast::*;
use oxc_span::GetSpan;
use oxc_syntax::operator::{AssignmentOperator, BinaryOperator, UpdateOperator};

impl<'s, 'a> Codegen<'s, 'a> {
    pub(super) fn statements(&mut self, statements: &'s [Statement<'a>]) {
        for statement in statements {
            self.statement(statement);
        }
    }

    /// A finally block: its normal completion never replaces the try's
    /// (ECMA-262 14.15.3: if F is normal, F = B).
    fn finally_block(&mut self, block: &'s BlockStatement<'a>) {
        let completion = self.f().completion.take();
        self.block(block);
        self.f().completion = completion;
    }

    pub(super) fn statement(&mut self, statement: &'s Statement<'a>) {
        self.at(statement.span());
        let labels = std::mem::take(&mut self.f().pending_labels);
        // In script code, these statements' completion is UpdateEmpty(…,
        // undefined): a branch or body that produces no value leaves
        // undefined, not the value of a statement before them (ECMA-262
        // 14.6.2, 14.7.1.1 LoopContinues' V, 14.12.4, 14.15.3).
        if let Some(completion) = self.f().completion {
            if matches!(
                statement,
                Statement::IfStatement(_)
                    | Statement::WhileStatement(_)
                    | Statement::DoWhileStatement(_)
                    | Statement::ForStatement(_)
                    | Statement::ForInStatement(_)
                    | Statement::ForOfStatement(_)
                    | Statement::SwitchStatement(_)
                    | Statement::TryStatement(_)
                    | Statement::WithStatement(_)
            ) {
                self.emit(Insn::Undefined);
                self.emit(Insn::PutReg(completion));
            }
        }
        match statement {
            Statement::BlockStatement(block) => {
                if !labels.is_empty() {
                    self.labelled_block(labels, |this| this.block(block));
                } else {
                    self.block(block);
                }
            }
            Statement::ExpressionStatement(expression) => {
                self.expression(&expression.expression);
                match self.f().completion {
                    Some(completion) => self.emit(Insn::PutReg(completion)),
                    None => self.emit(Insn::Pop),
                };
            }
            Statement::VariableDeclaration(declaration) => self.variable_declaration(declaration),
            Statement::FunctionDeclaration(_) => {}
            Statement::ClassDeclaration(class) => {
                self.class(class, None);
                if let Some(id) = &class.id {
                    self.init_binding(id);
                } else {
                    self.emit(Insn::Pop);
                }
            }
            Statement::EmptyStatement(_) | Statement::DebuggerStatement(_) => {}
            Statement::ReturnStatement(ret) => {
                match &ret.argument {
                    Some(argument) => self.expression(argument),
                    None => {
                        self.emit(Insn::Undefined);
                    }
                }
                self.return_top();
            }
            Statement::ThrowStatement(throw) => {
                self.expression(&throw.argument);
                self.emit(Insn::Throw);
            }
            Statement::IfStatement(statement) => {
                if !labels.is_empty() {
                    return self.labelled_block(labels, |this| this.if_statement(statement));
                }
                self.if_statement(statement);
            }
            Statement::WhileStatement(statement) => self.while_statement(statement, labels),
            Statement::DoWhileStatement(statement) => self.do_while(statement, labels),
            Statement::ForStatement(statement) => self.for_statement(statement, labels),
            Statement::ForInStatement(statement) => self.for_in(statement, labels),
            Statement::ForOfStatement(statement) => self.for_of(statement, labels),
            Statement::BreakStatement(statement) => {
                let label = statement.label.as_ref().map(|label| self.atom(label.name.as_str()));
                self.jump_out(label, false, statement.span);
            }
            Statement::ContinueStatement(statement) => {
                let label = statement.label.as_ref().map(|label| self.atom(label.name.as_str()));
                self.jump_out(label, true, statement.span);
            }
            Statement::LabeledStatement(statement) => {
                let mut labels = labels;
                labels.push(self.atom(statement.label.name.as_str()));
                match &statement.body {
                    Statement::WhileStatement(_)
                    | Statement::DoWhileStatement(_)
                    | Statement::ForStatement(_)
                    | Statement::ForInStatement(_)
                    | Statement::ForOfStatement(_)
                    | Statement::LabeledStatement(_)
                    | Statement::BlockStatement(_)
                    | Statement::IfStatement(_) => {
                        self.f().pending_labels = labels;
                        self.statement(&statement.body);
                    }
                    other => self.labelled_block(labels, |this| this.statement(other)),
                }
            }
            Statement::SwitchStatement(statement) => self.switch(statement, labels),
            Statement::TryStatement(statement) => {
                if !labels.is_empty() {
                    return self.labelled_block(labels, |this| this.try_statement(statement));
                }
                self.try_statement(statement);
            }
            Statement::WithStatement(statement) => {
                if !labels.is_empty() {
                    return self.labelled_block(labels, |this| this.with_statement(statement));
                }
                self.with_statement(statement);
            }
            other => self.unsupported(other.span(), "modules (import/export); Looplab runs CommonJS"),
        }
    }

    fn block(&mut self, block: &'s BlockStatement<'a>) {
        let pushed = match block.scope_id.get() {
            Some(scope) => {
                let pushed = self.enter_scope(scope);
                self.init_lexical_tdz(scope);
                self.hoist_functions_in(scope, &block.body);
                pushed
            }
            None => false,
        };
        self.statements(&block.body);
        self.leave_scope(pushed);
    }

    /// A labelled statement that is not a loop: `label: { … break label; … }`.
    fn labelled_block(&mut self, labels: Vec<crate::value::Atom>, body: impl FnOnce(&mut Self)) {
        let height = self.unwind_height();
        self.f().jumps.push(JumpTarget { labels, is_loop: false, is_labelled_block: true, breaks: Vec::new(), continues: Vec::new(), unwind_height: height });
        body(self);
        self.end_jump_target(None);
    }

    fn variable_declaration(&mut self, declaration: &'s VariableDeclaration<'a>) {
        let is_var = declaration.kind == VariableDeclarationKind::Var;
        if matches!(declaration.kind, VariableDeclarationKind::Using | VariableDeclarationKind::AwaitUsing) {
            self.unsupported(declaration.span, "using declarations");
            return;
        }
        for declarator in &declaration.declarations {
            self.at(declarator.span);
            match &declarator.init {
                Some(init) => {
                    self.expression_named(init, super::codegen::binding_name(&declarator.id));
                    if matches!(declarator.id, BindingPattern::ArrayPattern(_)) {
                        self.iterable_source = Some(init);
                    }
                    self.bind_pattern(&declarator.id, true);
                }
                None if is_var => {}
                None => {
                    self.emit(Insn::Undefined);
                    self.bind_pattern(&declarator.id, true);
                }
            }
        }
    }

    fn if_statement(&mut self, statement: &'s IfStatement<'a>) {
        self.expression(&statement.test);
        let to_else = self.emit(Insn::JumpIfFalse(0));
        self.statement(&statement.consequent);
        match &statement.alternate {
            Some(alternate) => {
                let to_end = self.emit(Insn::Jump(0));
                self.patch(to_else);
                self.statement(alternate);
                self.patch(to_end);
            }
            None => self.patch(to_else),
        }
    }

    pub(super) fn unwind_height(&self) -> usize {
        self.unwind.last().map_or(0, Vec::len)
    }

    fn begin_loop(&mut self, labels: Vec<crate::value::Atom>) {
        let height = self.unwind_height();
        self.f().jumps.push(JumpTarget { labels, is_loop: true, is_labelled_block: false, breaks: Vec::new(), continues: Vec::new(), unwind_height: height });
    }

    /// Patches the target's breaks to here and its continues to `continue_to`.
    fn end_jump_target(&mut self, continue_to: Option<u32>) {
        let Some(target) = self.f().jumps.pop() else { return };
        for at in target.breaks {
            self.patch(at);
        }
        if let Some(to) = continue_to {
            for at in target.continues {
                self.patch_to(at, to);
            }
        }
    }

    fn while_statement(&mut self, statement: &'s WhileStatement<'a>, labels: Vec<crate::value::Atom>) {
        let start = self.here();
        self.begin_loop(labels);
        self.expression(&statement.test);
        let exit = self.emit(Insn::JumpIfFalse(0));
        self.statement(&statement.body);
        if is_empty_statement(&statement.body) && waits_for_clock(&statement.test) {
            // `while (Date.now() - start < ms) {}`: every spin finds the same
            // state until the clock moves, so the embedder may skip spins.
            let ops_per_spin = self.here() - start + 2;
            self.emit(Insn::IdleSpin(ops_per_spin));
        }
        self.emit(Insn::Jump(start));
        self.patch(exit);
        self.end_jump_target(Some(start));
    }

    fn do_while(&mut self, statement: &'s DoWhileStatement<'a>, labels: Vec<crate::value::Atom>) {
        let start = self.here();
        self.begin_loop(labels);
        self.statement(&statement.body);
        // `continue` goes to the test, which is emitted now.
        let test = self.here();
        if let Some(target) = self.f().jumps.last_mut() {
            let continues = std::mem::take(&mut target.continues);
            for at in continues {
                self.patch_to(at, test);
            }
        }
        self.expression(&statement.test);
        self.emit(Insn::JumpIfTrue(start));
        self.end_jump_target(None);
    }

    fn for_statement(&mut self, statement: &'s ForStatement<'a>, labels: Vec<crate::value::Atom>) {
        let scope = statement.scope_id.get();
        let pushed = scope.is_some_and(|scope| {
            let pushed = self.enter_scope(scope);
            self.init_lexical_tdz(scope);
            pushed
        });
        match &statement.init {
            Some(ForStatementInit::VariableDeclaration(declaration)) => self.variable_declaration(declaration),
            Some(init) => {
                if let Some(expression) = init.as_expression() {
                    self.expression(expression);
                    self.emit(Insn::Pop);
                }
            }
            None => {}
        }
        // Per-iteration bindings (ECMA-262 14.7.4.4 CreatePerIterationEnvironment):
        // only a heap scope needs copying; registers are not captured.
        let per_iteration = pushed && matches!(&statement.init, Some(ForStatementInit::VariableDeclaration(d)) if d.kind != VariableDeclarationKind::Var);
        if per_iteration {
            self.emit(Insn::CloneScope);
        }
        if let Some(fast) = self.fast_sum_loop(statement) {
            let state = self.f();
            state.fast_loops.push(fast);
            let index = state.fast_loops.len() as u32 - 1;
            self.emit(Insn::FastSumLoop(index));
        }
        let start = self.here();
        self.begin_loop(labels);
        let exit = match &statement.test {
            Some(test) => {
                self.expression(test);
                Some(self.emit(Insn::JumpIfFalse(0)))
            }
            None => None,
        };
        self.statement(&statement.body);
        let continue_to = self.here();
        if let Some(target) = self.f().jumps.last_mut() {
            let continues = std::mem::take(&mut target.continues);
            for at in continues {
                self.patch_to(at, continue_to);
            }
        }
        if per_iteration {
            self.emit(Insn::CloneScope);
        }
        if let Some(update) = &statement.update {
            self.expression(update);
            self.emit(Insn::Pop);
        }
        self.emit(Insn::Jump(start));
        if let Some(exit) = exit {
            self.patch(exit);
        }
        self.end_jump_target(None);
        self.leave_scope(pushed);
    }

    /// Assigns the value on top of the stack to a for-in/of head, popping it.
    fn for_head_assign(&mut self, left: &'s ForStatementLeft<'a>) {
        match left {
            ForStatementLeft::VariableDeclaration(declaration) => {
                if let Some(declarator) = declaration.declarations.first() {
                    self.bind_pattern(&declarator.id, true);
                } else {
                    self.emit(Insn::Pop);
                }
            }
            other => match other.as_assignment_target() {
                Some(target) => {
                    self.assign_to_target(target);
                    self.emit(Insn::Pop);
                }
                None => {
                    self.emit(Insn::Pop);
                }
            },
        }
    }

    fn for_in(&mut self, statement: &'s ForInStatement<'a>, labels: Vec<crate::value::Atom>) {
        let scope = statement.scope_id.get();
        // TDZ for the head's bindings while the object expression runs.
        let pushed = scope.is_some_and(|scope| {
            let pushed = self.enter_scope(scope);
            self.init_lexical_tdz(scope);
            pushed
        });
        if let ForStatementLeft::VariableDeclaration(declaration) = &statement.left {
            // Annex B: `for (var x = init in o)` in sloppy code.
            if let Some(declarator) = declaration.declarations.first() {
                if let Some(init) = &declarator.init {
                    self.expression(init);
                    self.bind_pattern(&declarator.id, true);
                }
            }
        }
        self.expression(&statement.right);
        self.emit(Insn::ForInStart);
        // A break unwinds the for-in state too; a continue keeps it.
        self.begin_loop(labels);
        self.unwind.last_mut().map(|u| u.push(UnwindEntry::StackItem));
        let start = self.here();
        let exit = self.emit(Insn::ForInNext(0));
        if pushed {
            self.emit(Insn::CloneScope);
        }
        self.for_head_assign(&statement.left);
        self.statement(&statement.body);
        self.emit(Insn::Jump(start));
        self.patch(exit);
        self.unwind.last_mut().map(|u| u.pop());
        self.emit(Insn::Pop);
        self.end_jump_target(Some(start));
        self.leave_scope(pushed);
    }

    fn for_of(&mut self, statement: &'s ForOfStatement<'a>, labels: Vec<crate::value::Atom>) {
        let scope = statement.scope_id.get();
        let pushed = scope.is_some_and(|scope| {
            let pushed = self.enter_scope(scope);
            self.init_lexical_tdz(scope);
            pushed
        });
        self.expression(&statement.right);
        let at = self.emit(if statement.r#await { Insn::GetAsyncIterator } else { Insn::GetIterator });
        self.note_call_site(at, &statement.right);
        // [iterator, next]: a break closes the iterator, a continue keeps it.
        self.begin_loop(labels);
        self.unwind.last_mut().map(|u| u.push(UnwindEntry::Iterator));
        let start = self.here();
        self.emit(Insn::IteratorNext);
        if statement.r#await {
            self.emit(Insn::Await);
        }
        self.emit(Insn::IteratorDone);
        let exit = self.emit(Insn::JumpIfTrue(0));
        self.emit(Insn::IteratorValue);
        // An exception in the head or the body closes the iterator
        // (ECMA-262 14.7.5.7 ForIn/OfBodyEvaluation, step 6.i, IteratorClose).
        let enter = self.emit(Insn::EnterTry(0));
        self.unwind.last_mut().map(|u| u.push(UnwindEntry::Handler));
        if pushed {
            self.emit(Insn::CloneScope);
        }
        self.for_head_assign(&statement.left);
        self.statement(&statement.body);
        self.unwind.last_mut().map(|u| u.pop());
        self.emit(Insn::LeaveTry);
        self.emit(Insn::Jump(start));
        // The handler: [iterator, next, exception].
        self.patch(enter);
        self.emit(Insn::IteratorCloseForThrow);
        self.emit(Insn::Throw);
        self.patch(exit);
        // Done: [iterator, next, result] -> drop all three.
        self.emit(Insn::Pop);
        self.emit(Insn::Pop);
        self.emit(Insn::Pop);
        let after = self.here();
        self.unwind.last_mut().map(|u| u.pop());
        // `continue` re-enters at the top; `break` lands after the pops
        // (the jump itself closed the iterator).
        let Some(target) = self.f().jumps.pop() else { return };
        for at in target.continues {
            self.patch_to(at, start);
        }
        for at in target.breaks {
            self.patch_to(at, after);
        }
        self.leave_scope(pushed);
    }

    fn switch(&mut self, statement: &'s SwitchStatement<'a>, labels: Vec<crate::value::Atom>) {
        self.expression(&statement.discriminant);
        let scope = statement.scope_id.get();
        if let Some(scope) = scope {
            self.switch_scopes.insert(scope);
        }
        let pushed = scope.is_some_and(|scope| {
            let pushed = self.enter_scope(scope);
            self.init_lexical_tdz(scope);
            pushed
        });
        if let Some(scope) = scope {
            let all: Vec<&'s Statement<'a>> = statement.cases.iter().flat_map(|case| case.consequent.iter()).collect();
            for statement in all {
                if let Statement::FunctionDeclaration(function) = statement {
                    self.function_declaration_value(function);
                    if let Some(id) = &function.id {
                        self.init_binding(id);
                    }
                }
            }
            let _ = scope;
        }
        let height = self.unwind_height();
        self.unwind.last_mut().map(|u| u.push(UnwindEntry::StackItem));
        self.f().jumps.push(JumpTarget { labels, is_loop: false, is_labelled_block: false, breaks: Vec::new(), continues: Vec::new(), unwind_height: height });
        // Tests in order; each match jumps to its body.
        let mut to_body = Vec::new();
        for case in &statement.cases {
            if let Some(test) = &case.test {
                self.emit(Insn::Dup);
                self.expression(test);
                self.emit(Insn::StrictEq);
                to_body.push(Some(self.emit(Insn::JumpIfTrue(0))));
            } else {
                to_body.push(None);
            }
        }
        let default_jump = self.emit(Insn::Jump(0));
        let mut default_at = None;
        for (case, jump) in statement.cases.iter().zip(to_body) {
            match jump {
                Some(jump) => self.patch(jump),
                None => default_at = Some(self.here()),
            }
            self.statements(&case.consequent);
        }
        let end_of_bodies = self.here();
        self.patch_to(default_jump, default_at.unwrap_or(end_of_bodies));
        // Falling off the end pops the discriminant; a break already did.
        self.unwind.last_mut().map(|u| u.pop());
        self.emit(Insn::Pop);
        self.end_jump_target(None);
        self.leave_scope(pushed);
    }

    fn try_statement(&mut self, statement: &'s TryStatement<'a>) {
        if let Some(finalizer) = &statement.finalizer {
            self.unwind.last_mut().map(|u| u.push(UnwindEntry::Finally(finalizer)));
        }
        let enter = self.emit(Insn::EnterTry(0));
        self.unwind.last_mut().map(|u| u.push(UnwindEntry::Handler));
        self.block(&statement.block);
        self.unwind.last_mut().map(|u| u.pop());
        self.emit(Insn::LeaveTry);
        let mut to_end = vec![self.emit(Insn::Jump(0))];
        self.patch(enter);
        // The exception is on the stack.
        match &statement.handler {
            Some(handler) => {
                if statement.finalizer.is_some() {
                    // An exception in the catch block still runs finally.
                    let inner = self.emit(Insn::EnterTry(0));
                    self.unwind.last_mut().map(|u| u.push(UnwindEntry::Handler));
                    self.catch_clause(handler);
                    self.unwind.last_mut().map(|u| u.pop());
                    self.emit(Insn::LeaveTry);
                    to_end.push(self.emit(Insn::Jump(0)));
                    self.patch(inner);
                } else {
                    self.catch_clause(handler);
                    to_end.push(self.emit(Insn::Jump(0)));
                }
            }
            None => {}
        }
        if let Some(finalizer) = &statement.finalizer {
            // The throw path: keep the exception, run finally, rethrow.
            self.unwind.last_mut().map(|u| u.pop());
            let saved = self.new_register();
            self.emit(Insn::PutReg(saved));
            self.finally_block(finalizer);
            self.emit(Insn::GetReg(saved));
            self.emit(Insn::Throw);
            for at in to_end {
                self.patch(at);
            }
            // The normal path.
            self.finally_block(finalizer);
        } else {
            for at in to_end {
                self.patch(at);
            }
        }
    }

    fn catch_clause(&mut self, handler: &'s CatchClause<'a>) {
        // oxc may bind the parameter in the clause's scope or the body's:
        // both scopes are entered before the parameter is bound.
        let pushed = match handler.scope_id.get() {
            Some(scope) => {
                let pushed = self.enter_scope(scope);
                self.init_lexical_tdz(scope);
                pushed
            }
            None => false,
        };
        let body_pushed = match handler.body.scope_id.get() {
            Some(scope) => {
                let pushed = self.enter_scope(scope);
                self.init_lexical_tdz(scope);
                pushed
            }
            None => false,
        };
        match &handler.param {
            Some(param) => self.bind_pattern(&param.pattern, true),
            None => {
                self.emit(Insn::Pop);
            }
        }
        if let Some(scope) = handler.body.scope_id.get() {
            self.hoist_functions_in(scope, &handler.body.body);
        }
        self.statements(&handler.body.body);
        self.leave_scope(body_pushed);
        self.leave_scope(pushed);
    }

    /// Emits what leaving the constructs above unwind height `height` needs.
    /// The compile-time scope chain follows what is emitted, and is put back
    /// afterwards (the code after the jump is still inside them).
    fn unwind_to(&mut self, height: usize) {
        let saved_unwind = self.unwind.last().cloned().unwrap_or_default();
        let saved_chain = self.chain.clone();
        while self.unwind_height() > height {
            let Some(entry) = self.unwind.last_mut().and_then(Vec::pop) else { break };
            match entry {
                UnwindEntry::Scope => {
                    self.emit(Insn::PopScope);
                    self.chain.pop();
                }
                UnwindEntry::Handler => {
                    self.emit(Insn::LeaveTry);
                }
                UnwindEntry::StackItem => {
                    self.emit(Insn::Pop);
                }
                UnwindEntry::Iterator => {
                    self.emit(Insn::IteratorClose);
                }
                UnwindEntry::Finally(block) => {
                    // The finally block runs with what is outside its try.
                    let jumps = std::mem::take(&mut self.f().jumps);
                    self.finally_block(block);
                    self.f().jumps = jumps;
                }
            }
        }
        if let Some(unwind) = self.unwind.last_mut() {
            *unwind = saved_unwind;
        }
        self.chain = saved_chain;
    }

    /// `return` with the value on the stack: leave every construct of the
    /// function (closing iterators, running finally blocks), then return.
    pub(super) fn return_top(&mut self) {
        if self.unwind_height() == 0 {
            self.emit(Insn::Return);
            return;
        }
        let saved = self.new_register();
        self.emit(Insn::PutReg(saved));
        self.unwind_to(0);
        self.emit(Insn::GetReg(saved));
        self.emit(Insn::Return);
    }

    fn jump_out(&mut self, label: Option<crate::value::Atom>, is_continue: bool, span: oxc_span::Span) {
        let found = self.fr().jumps.iter().rposition(|target| match label {
            Some(label) => target.labels.contains(&label) && (!is_continue || target.is_loop),
            None => {
                if is_continue {
                    target.is_loop
                } else {
                    !target.is_labelled_block
                }
            }
        });
        let Some(index) = found else {
            self.syntax_error(span, "Illegal break or continue statement");
            return;
        };
        let mut height = self.fr().jumps[index].unwind_height;
        if is_continue {
            // A continue stays inside the loop's own iterator or for-in state.
            height = self.continue_height(index, height);
        }
        self.unwind_to(height);
        let at = self.emit(Insn::Jump(0));
        let target = &mut self.f().jumps[index];
        if is_continue {
            target.continues.push(at);
        } else {
            target.breaks.push(at);
        }
    }

    /// A `continue` keeps what the loop itself holds on the stack (for-in
    /// state, for-of iterator): those sit right at the loop's height.
    fn continue_height(&self, _index: usize, height: usize) -> usize {
        let unwind = self.unwind.last();
        match unwind.and_then(|u| u.get(height)) {
            Some(UnwindEntry::StackItem) | Some(UnwindEntry::Iterator) => height + 1,
            _ => height,
        }
    }
}

fn is_empty_statement(statement: &Statement<'_>) -> bool {
    match statement {
        Statement::EmptyStatement(_) => true,
        Statement::BlockStatement(block) => block.body.is_empty(),
        _ => false,
    }
}

/// A loop condition whose only changing input is the clock: reads of
/// names and literals, arithmetic and comparisons, and `Date.now()` or
/// `performance.now()` calls — nothing that writes, and no branches.
fn waits_for_clock(expression: &Expression<'_>) -> bool {
    fn pure(expression: &Expression<'_>, clock: &mut bool) -> bool {
        match expression {
            Expression::NumericLiteral(_) | Expression::Identifier(_) => true,
            Expression::ParenthesizedExpression(inner) => pure(&inner.expression, clock),
            Expression::BinaryExpression(binary) => {
                !matches!(binary.operator, oxc_syntax::operator::BinaryOperator::In | oxc_syntax::operator::BinaryOperator::Instanceof)
                    && pure(&binary.left, clock)
                    && pure(&binary.right, clock)
            }
            Expression::UnaryExpression(unary) => {
                matches!(
                    unary.operator,
                    oxc_syntax::operator::UnaryOperator::UnaryNegation
                        | oxc_syntax::operator::UnaryOperator::LogicalNot
                        | oxc_syntax::operator::UnaryOperator::UnaryPlus
                ) && pure(&unary.argument, clock)
            }
            Expression::CallExpression(call) => {
                let is_clock = call.arguments.is_empty()
                    && matches!(&call.callee, Expression::StaticMemberExpression(member)
                        if member.property.name == "now"
                            && matches!(&member.object, Expression::Identifier(object) if object.name == "Date" || object.name == "performance"));
                *clock |= is_clock;
                is_clock
            }
            _ => false,
        }
    }
    let mut clock = false;
    pure(expression, &mut clock) && clock
}

impl<'s, 'a> Codegen<'s, 'a> {
    /// Recognises `for (let i = a; i < n; i++) { acc += i; }` (or `acc += k`,
    /// `acc++`, or an empty body) over register bindings, for the closed
    /// form in `fast_loops.rs`.
    fn fast_sum_loop(&mut self, statement: &'s ForStatement<'a>) -> Option<crate::fast_loops::FastSumLoop> {
        use crate::fast_loops::{FastSumLoop, LoopBound};
        let Some(ForStatementInit::VariableDeclaration(declaration)) = &statement.init else { return None };
        // A `const` counter's `i++` throws: the ordinary loop says so.
        if !matches!(declaration.kind, VariableDeclarationKind::Let | VariableDeclarationKind::Var) {
            return None;
        }
        let [declarator] = declaration.declarations.as_slice() else { return None };
        let BindingPattern::BindingIdentifier(counter) = &declarator.id else { return None };
        let counter_register = self.register_of(counter.symbol_id.get()?)?;
        let Some(Expression::BinaryExpression(test)) = &statement.test else { return None };
        let inclusive = match test.operator {
            BinaryOperator::LessThan => false,
            BinaryOperator::LessEqualThan => true,
            _ => return None,
        };
        let is_counter = |expression: &Expression<'a>| matches!(expression, Expression::Identifier(id) if id.name == counter.name);
        if !is_counter(&test.left) {
            return None;
        }
        let increments = matches!(&statement.update, Some(Expression::UpdateExpression(update))
            if update.operator == UpdateOperator::Increment
                && matches!(&update.argument, SimpleAssignmentTarget::AssignmentTargetIdentifier(id) if id.name == counter.name));
        if !increments {
            return None;
        }
        let body: &[Statement<'a>] = match &statement.body {
            Statement::BlockStatement(block) => &block.body,
            Statement::EmptyStatement(_) => &[],
            other => std::slice::from_ref(other),
        };
        let (accumulator, addend) = match body {
            [] => (None, Some(0.0)),
            [Statement::ExpressionStatement(statement)] => match &statement.expression {
                Expression::AssignmentExpression(assignment) if assignment.operator == AssignmentOperator::Addition => {
                    let AssignmentTarget::AssignmentTargetIdentifier(target) = &assignment.left else { return None };
                    let addend = match &assignment.right {
                        right if is_counter(right) => None,
                        Expression::NumericLiteral(literal) => Some(literal.value),
                        _ => return None,
                    };
                    (Some(&**target), addend)
                }
                Expression::UpdateExpression(update) if update.operator == UpdateOperator::Increment => {
                    let SimpleAssignmentTarget::AssignmentTargetIdentifier(target) = &update.argument else { return None };
                    (Some(&**target), Some(1.0))
                }
                _ => return None,
            },
            _ => return None,
        };
        let accumulator = match accumulator {
            Some(target) if target.name == counter.name => return None,
            Some(target) => Some(self.register_of(self.resolve(target)?)?),
            None => None,
        };
        let end = match &test.right {
            Expression::NumericLiteral(literal) => LoopBound::Constant(literal.value),
            Expression::Identifier(id) if id.name != counter.name => {
                let register = self.register_of(self.resolve(id)?)?;
                if Some(register) == accumulator {
                    return None;
                }
                LoopBound::Register(register)
            }
            _ => return None,
        };
        // What one iteration is charged, in operations: calibrated on real
        // Node, where V8's optimised code runs the seed's billion-step sum
        // in about 1.5 s (tests/corpus/timing.json), not on this
        // interpreter's instruction count for the loop.
        let ops_per_iteration = if accumulator.is_some() { 10 } else { 6 };
        Some(FastSumLoop { counter: counter_register, accumulator, addend, end, inclusive, ops_per_iteration })
    }

    /// A binding's register, when it lives in one.
    fn register_of(&self, symbol: oxc_semantic::SymbolId) -> Option<u32> {
        match self.storage.get(&symbol) {
            Some(super::codegen::Storage::Register(register)) => Some(*register),
            _ => None,
        }
    }
}
