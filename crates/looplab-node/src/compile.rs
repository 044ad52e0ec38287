//! Source text to bytecode.
//!
//! oxc parses the whole file (CommonJS, as Node runs a `.js` file); this
//! module walks its AST once and emits [`Code`]. Variables are resolved at
//! compile time: every function has an environment, and every block that
//! declares `let`/`const`/`class`/`function` gets one too, so a variable is a
//! `(depth, slot)` pair. Names found nowhere are globals.
//!
//! Anything outside Looplab's subset is reported as
//! "not supported in Looplab: <construct>" with its line and column, never
//! compiled into something that silently behaves differently.

use crate::bytecode::{BinaryOp, BusyWait, Clock, Code, FastSumLoop, LoopBound, Op, Str, UnaryOp};
use crate::value::intern;
use oxc_allocator::Allocator;
use oxc_ast::ast::*;
use oxc_span::{GetSpan, SourceType, Span};
use oxc_syntax::operator::{AssignmentOperator, BinaryOperator, LogicalOperator, UnaryOperator, UpdateOperator};
use std::rc::Rc;

/// A problem with the source, at a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// The parameters Node's CommonJS wrapper gives a module's code.
pub const MODULE_PARAMS: [&str; 5] = ["exports", "require", "module", "__filename", "__dirname"];

/// Compiles a CommonJS module. Its code takes [`MODULE_PARAMS`].
pub fn compile_module(source: &str) -> Result<Rc<Code>, Vec<CompileError>> {
    let allocator = Allocator::default();
    let parsed = oxc_parser::Parser::new(&allocator, source, SourceType::cjs()).parse();
    let lines = LineIndex::new(source);
    if !parsed.diagnostics.is_empty() || parsed.panicked {
        let mut errors: Vec<CompileError> = parsed
            .diagnostics
            .iter()
            .map(|diagnostic| {
                let offset = diagnostic.labels.first().map_or(0, |label| label.offset());
                let (line, column) = lines.position(offset);
                CompileError { line, column, message: format!("syntax error: {}", diagnostic.message) }
            })
            .collect();
        if errors.is_empty() {
            errors.push(CompileError { line: 1, column: 1, message: "syntax error".to_string() });
        }
        return Err(errors);
    }
    let mut compiler = Compiler { lines, errors: Vec::new(), functions: Vec::new() };
    let code = compiler.module(&parsed.program);
    if compiler.errors.is_empty() {
        Ok(code)
    } else {
        compiler.errors.sort_by_key(|error| (error.line, error.column));
        Err(compiler.errors)
    }
}

struct LineIndex {
    starts: Vec<u32>,
    source: String,
}

impl LineIndex {
    fn new(source: &str) -> LineIndex {
        let mut starts = vec![0];
        for (index, byte) in source.bytes().enumerate() {
            if byte == b'\n' {
                starts.push(index as u32 + 1);
            }
        }
        LineIndex { starts, source: source.to_string() }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn position(&self, offset: u32) -> (u32, u32) {
        let line_index = self.starts.partition_point(|&start| start <= offset).saturating_sub(1);
        let start = self.starts[line_index] as usize;
        let end = (offset as usize).min(self.source.len()).max(start);
        let column = self.source.get(start..end).map_or(end - start, |text| text.chars().count());
        (line_index as u32 + 1, column as u32 + 1)
    }
}

/// A scope with its own runtime environment.
#[derive(Default)]
struct Scope {
    names: Vec<(String, u16)>,
    size: u16,
}

impl Scope {
    fn declare(&mut self, name: &str) -> u16 {
        if let Some((_, slot)) = self.names.iter().find(|(existing, _)| existing == name) {
            return *slot;
        }
        let slot = self.size;
        self.names.push((name.to_string(), slot));
        self.size += 1;
        slot
    }

    fn find(&self, name: &str) -> Option<u16> {
        self.names.iter().rev().find(|(existing, _)| existing == name).map(|(_, slot)| *slot)
    }
}

/// Where `break`/`continue` go, and what must be unwound to get there.
struct Jumps {
    label: Option<String>,
    is_loop: bool,
    breaks: Vec<usize>,
    continues: Vec<usize>,
    scope_depth: usize,
    try_depth: usize,
    finally_depth: usize,
}

struct FunctionState {
    ops: Vec<Op>,
    lines: Vec<(u32, u32)>,
    functions: Vec<Rc<Code>>,
    scopes: Vec<Scope>,
    jumps: Vec<Jumps>,
    try_depth: usize,
    finally_depth: usize,
    /// Position of the statement (or call) being compiled.
    line: (u32, u32),
    is_async: bool,
}

impl FunctionState {
    fn new(line: (u32, u32), is_async: bool) -> FunctionState {
        FunctionState {
            ops: Vec::new(),
            lines: Vec::new(),
            functions: Vec::new(),
            scopes: vec![Scope::default()],
            jumps: Vec::new(),
            try_depth: 0,
            finally_depth: 0,
            line,
            is_async,
        }
    }
}

enum Variable {
    Local { depth: u16, slot: u16 },
    Global(Str),
}

struct Compiler {
    lines: LineIndex,
    errors: Vec<CompileError>,
    functions: Vec<FunctionState>,
}

struct FunctionShape<'b, 'a> {
    name: String,
    params: Option<&'b FormalParameters<'a>>,
    body: FunctionBodyRef<'b, 'a>,
    is_async: bool,
    is_arrow: bool,
    is_class_constructor: bool,
    is_derived: bool,
    span: Span,
}

enum FunctionBodyRef<'b, 'a> {
    Statements(&'b [Statement<'a>]),
    Expression(&'b Expression<'a>),
}

impl Compiler {
    fn state(&mut self) -> &mut FunctionState {
        self.functions.last_mut().expect("compiling inside a function")
    }

    fn unsupported(&mut self, span: Span, construct: &str) {
        let (line, column) = self.lines.position(span.start);
        self.errors.push(CompileError { line, column, message: format!("not supported in Looplab: {construct} at {line}:{column}") });
    }

    fn emit(&mut self, op: Op) -> usize {
        let state = self.state();
        state.ops.push(op);
        state.lines.push(state.line);
        state.ops.len() - 1
    }

    fn here(&mut self) -> u32 {
        self.state().ops.len() as u32
    }

    fn patch(&mut self, at: usize) {
        let target = self.here();
        let op = &mut self.state().ops[at];
        *op = match op {
            Op::Jump(_) => Op::Jump(target),
            Op::JumpIfFalse(_) => Op::JumpIfFalse(target),
            Op::JumpIfTrue(_) => Op::JumpIfTrue(target),
            Op::JumpIfTrueKeep(_) => Op::JumpIfTrueKeep(target),
            Op::JumpIfFalseKeep(_) => Op::JumpIfFalseKeep(target),
            Op::JumpIfNotNullishKeep(_) => Op::JumpIfNotNullishKeep(target),
            Op::JumpIfNullishUndefined(_) => Op::JumpIfNullishUndefined(target),
            Op::JumpIfNotUndefined(_) => Op::JumpIfNotUndefined(target),
            Op::EnterTry(_) => Op::EnterTry(target),
            Op::IterNext(_) => Op::IterNext(target),
            Op::FastSumLoop(fast) => {
                let mut fast = (**fast).clone();
                fast.exit = target;
                Op::FastSumLoop(Rc::new(fast))
            }
            other => unreachable!("patching a non-jump {other:?}"),
        };
    }

    fn set_line(&mut self, span: Span) {
        let position = self.lines.position(span.start);
        self.state().line = position;
    }

    fn resolve(&self, name: &str) -> Variable {
        let mut depth: u16 = 0;
        for function in self.functions.iter().rev() {
            for scope in function.scopes.iter().rev() {
                if let Some(slot) = scope.find(name) {
                    return Variable::Local { depth, slot };
                }
                depth += 1;
            }
        }
        Variable::Global(Rc::from(name))
    }

    fn load(&mut self, name: &str) {
        match self.resolve(name) {
            Variable::Local { depth, slot } => self.emit(Op::Load { depth, slot }),
            Variable::Global(name) => self.emit(Op::LoadGlobal(name)),
        };
    }

    /// Stores the top of the stack (and leaves it there).
    fn store(&mut self, name: &str) {
        match self.resolve(name) {
            Variable::Local { depth, slot } => self.emit(Op::Store { depth, slot }),
            Variable::Global(name) => self.emit(Op::StoreGlobal(name)),
        };
    }

    /// A temporary slot in the current function's environment.
    fn temp(&mut self) -> (u16, u16) {
        let state = self.state();
        let depth = (state.scopes.len() - 1) as u16;
        let name = format!("%tmp{}", state.scopes[0].size);
        (depth, state.scopes[0].declare(&name))
    }

    // ----- Modules and functions -------------------------------------------------

    fn module(&mut self, program: &Program<'_>) -> Rc<Code> {
        self.functions.push(FunctionState::new((1, 1), false));
        for param in MODULE_PARAMS {
            self.state().scopes[0].declare(param);
        }
        self.hoist_function_scope(&program.body);
        self.statements(&program.body);
        self.emit(Op::Undefined);
        self.emit(Op::Return);
        let state = self.functions.pop().expect("module state");
        Rc::new(Code {
            name: Rc::from("(main module)"),
            ops: state.ops,
            lines: state.lines,
            functions: state.functions,
            param_count: MODULE_PARAMS.len() as u16,
            rest_slot: None,
            env_size: state.scopes[0].size,
            is_async: false,
            is_arrow: false,
            is_class_constructor: false,
            is_derived: false,
            line: 1,
            column: 1,
        })
    }

    /// Declares a function scope's hoisted names: `var`s anywhere in it, and
    /// its top-level lexical declarations; then creates its function
    /// declarations, so they can be called before their statement.
    fn hoist_function_scope(&mut self, statements: &[Statement<'_>]) {
        let mut var_names = Vec::new();
        collect_var_names(statements, &mut var_names);
        for name in var_names {
            self.state().scopes.last_mut().expect("scope").declare(&name);
        }
        self.hoist_block(statements);
    }

    /// Declares a block's lexical names and creates its function declarations.
    fn hoist_block(&mut self, statements: &[Statement<'_>]) {
        for name in lexical_names(statements) {
            self.state().scopes.last_mut().expect("scope").declare(&name);
        }
        for statement in statements {
            if let Statement::FunctionDeclaration(function) = statement {
                self.function_value(function, None);
                if let Some(id) = &function.id {
                    self.store(id.name.as_str());
                }
                self.emit(Op::Pop);
            }
        }
    }

    fn function_value(&mut self, function: &Function<'_>, name: Option<&str>) {
        if function.generator {
            return self.unsupported(function.span, "generator functions");
        }
        let Some(body) = &function.body else {
            return self.unsupported(function.span, "a function without a body");
        };
        let name = function.id.as_ref().map(|id| id.name.to_string()).or(name.map(str::to_string)).unwrap_or_default();
        self.function_code(FunctionShape {
            name,
            params: Some(&function.params),
            body: FunctionBodyRef::Statements(&body.statements),
            is_async: function.r#async,
            is_arrow: false,
            is_class_constructor: false,
            is_derived: false,
            span: function.span,
        });
    }

    /// Compiles a nested function and emits the `Closure` that creates it.
    fn function_code(&mut self, shape: FunctionShape<'_, '_>) {
        let (line, column) = self.lines.position(shape.span.start);
        self.functions.push(FunctionState::new((line, column), shape.is_async));
        // Parameters take the first slots, in order; patterns and defaults
        // are unpacked from them at entry.
        let no_params: &[FormalParameter<'_>] = &[];
        let params: &[FormalParameter<'_>] = shape.params.map_or(no_params, |params| &params.items);
        let mut unpack = Vec::new();
        for (index, param) in params.iter().enumerate() {
            match &param.pattern {
                BindingPattern::BindingIdentifier(id) => {
                    let slot = self.state().scopes[0].declare(id.name.as_str());
                    if param.initializer.is_some() {
                        unpack.push((slot, param));
                    }
                }
                _ => {
                    let slot = self.state().scopes[0].declare(&format!("%arg{index}"));
                    unpack.push((slot, param));
                }
            }
        }
        let rest_slot = match shape.params.and_then(|params| params.rest.as_ref()) {
            Some(rest) => match &rest.rest.argument {
                BindingPattern::BindingIdentifier(id) => Some(self.state().scopes[0].declare(id.name.as_str())),
                _ => {
                    self.unsupported(rest.span, "a destructuring rest parameter");
                    None
                }
            },
            None => None,
        };
        if let FunctionBodyRef::Statements(statements) = shape.body {
            let mut var_names = Vec::new();
            collect_var_names(statements, &mut var_names);
            for name in var_names {
                self.state().scopes[0].declare(&name);
            }
        }
        for (_, param) in &unpack {
            let mut names = Vec::new();
            pattern_names(&param.pattern, &mut names);
            for name in names {
                self.state().scopes[0].declare(&name);
            }
        }
        for (slot, param) in unpack {
            self.emit(Op::Load { depth: 0, slot });
            if let Some(initializer) = &param.initializer {
                let skip = self.emit(Op::JumpIfNotUndefined(0));
                self.emit(Op::Pop);
                self.expression(initializer);
                self.patch(skip);
            }
            self.bind_pattern(&param.pattern);
        }
        match shape.body {
            FunctionBodyRef::Statements(statements) => {
                self.hoist_block(statements);
                self.statements(statements);
                self.emit(Op::Undefined);
                self.emit(Op::Return);
            }
            FunctionBodyRef::Expression(expression) => {
                self.expression(expression);
                self.emit(Op::Return);
            }
        }
        let state = self.functions.pop().expect("function state");
        let code = Code {
            name: Rc::from(shape.name.as_str()),
            ops: state.ops,
            lines: state.lines,
            functions: state.functions,
            param_count: params.len() as u16,
            rest_slot,
            env_size: state.scopes[0].size,
            is_async: shape.is_async,
            is_arrow: shape.is_arrow,
            is_class_constructor: shape.is_class_constructor,
            is_derived: shape.is_derived,
            line,
            column,
        };
        let state = self.state();
        state.functions.push(Rc::new(code));
        let index = (state.functions.len() - 1) as u32;
        self.emit(Op::Closure(index));
    }

    // ----- Statements ------------------------------------------------------------

    fn statements(&mut self, statements: &[Statement<'_>]) {
        for statement in statements {
            self.statement(statement);
        }
    }

    /// A block: with its own environment when it declares lexical names.
    fn block(&mut self, statements: &[Statement<'_>]) {
        let names = lexical_names(statements);
        if names.is_empty() {
            return self.statements(statements);
        }
        self.state().scopes.push(Scope::default());
        let push = self.emit(Op::PushEnv(0));
        self.hoist_block(statements);
        self.statements(statements);
        let scope = self.state().scopes.pop().expect("block scope");
        self.state().ops[push] = Op::PushEnv(scope.size);
        self.emit(Op::PopEnv);
    }

    fn statement(&mut self, statement: &Statement<'_>) {
        self.set_line(statement.span());
        match statement {
            Statement::ExpressionStatement(statement) => {
                self.expression(&statement.expression);
                self.emit(Op::Pop);
            }
            Statement::VariableDeclaration(declaration) => self.variable_declaration(declaration),
            Statement::FunctionDeclaration(_) => {} // hoisted
            Statement::ClassDeclaration(class) => {
                self.class(class);
                if let Some(id) = &class.id {
                    self.store(id.name.as_str());
                }
                self.emit(Op::Pop);
            }
            Statement::BlockStatement(block) => self.block(&block.body),
            Statement::EmptyStatement(_) | Statement::DebuggerStatement(_) => {}
            Statement::IfStatement(statement) => {
                self.expression(&statement.test);
                let to_else = self.emit(Op::JumpIfFalse(0));
                self.nested_statement(&statement.consequent);
                match &statement.alternate {
                    Some(alternate) => {
                        let to_end = self.emit(Op::Jump(0));
                        self.patch(to_else);
                        self.nested_statement(alternate);
                        self.patch(to_end);
                    }
                    None => self.patch(to_else),
                }
            }
            Statement::ReturnStatement(statement) => {
                if self.state().finally_depth > 0 {
                    return self.unsupported(statement.span, "`return` inside `try … finally`");
                }
                match &statement.argument {
                    Some(argument) => self.expression(argument),
                    None => {
                        self.emit(Op::Undefined);
                    }
                }
                self.emit(Op::Return);
            }
            Statement::ThrowStatement(statement) => {
                self.expression(&statement.argument);
                self.emit(Op::Throw);
            }
            Statement::WhileStatement(statement) => {
                let start = self.here();
                self.begin_jumps(None, true);
                let busy_wait = self.busy_wait(statement);
                self.expression(&statement.test);
                let exit = self.emit(Op::JumpIfFalse(0));
                if let Some((index, mut busy_wait)) = busy_wait {
                    // This op, the test, the branch and the jump back.
                    busy_wait.ops_per_iteration = (exit - index + 2) as u32;
                    self.state().ops[index] = Op::BusyWait(Rc::new(busy_wait));
                }
                self.nested_statement(&statement.body);
                self.end_continues(start);
                self.emit(Op::Jump(start));
                self.patch(exit);
                self.end_breaks();
            }
            Statement::DoWhileStatement(statement) => {
                let start = self.here();
                self.begin_jumps(None, true);
                self.nested_statement(&statement.body);
                let test = self.here();
                self.end_continues(test);
                self.expression(&statement.test);
                self.emit(Op::JumpIfTrue(start));
                self.end_breaks();
            }
            Statement::ForStatement(statement) => self.for_statement(statement, None),
            Statement::ForOfStatement(statement) => self.for_of(statement, None),
            Statement::ForInStatement(statement) => self.for_in(statement, None),
            Statement::BreakStatement(statement) => {
                let label = statement.label.as_ref().map(|label| label.name.to_string());
                self.jump_out(statement.span, label, false);
            }
            Statement::ContinueStatement(statement) => {
                let label = statement.label.as_ref().map(|label| label.name.to_string());
                self.jump_out(statement.span, label, true);
            }
            Statement::LabeledStatement(statement) => {
                let label = Some(statement.label.name.to_string());
                match &statement.body {
                    Statement::ForStatement(inner) => self.for_statement(inner, label),
                    Statement::ForOfStatement(inner) => self.for_of(inner, label),
                    Statement::ForInStatement(inner) => self.for_in(inner, label),
                    other => {
                        self.begin_jumps(label, false);
                        self.statement(other);
                        self.end_breaks();
                    }
                }
            }
            Statement::SwitchStatement(statement) => self.switch(statement),
            Statement::TryStatement(statement) => self.try_statement(statement),
            other => self.unsupported(other.span(), statement_name(other)),
        }
    }

    /// The body of an `if` or a loop: a lone declaration still gets a scope.
    fn nested_statement(&mut self, statement: &Statement<'_>) {
        match statement {
            Statement::BlockStatement(block) => self.block(&block.body),
            other => self.block(std::slice::from_ref(other)),
        }
    }

    fn variable_declaration(&mut self, declaration: &VariableDeclaration<'_>) {
        if matches!(declaration.kind, VariableDeclarationKind::Using | VariableDeclarationKind::AwaitUsing) {
            return self.unsupported(declaration.span, "`using` declarations");
        }
        for declarator in &declaration.declarations {
            match &declarator.init {
                Some(init) => {
                    let name = match &declarator.id {
                        BindingPattern::BindingIdentifier(id) => Some(id.name.as_str()),
                        _ => None,
                    };
                    self.named_expression(init, name);
                }
                None if declaration.kind == VariableDeclarationKind::Var => continue,
                None => {
                    self.emit(Op::Undefined);
                }
            }
            self.bind_pattern(&declarator.id);
        }
    }

    /// Binds the value on top of the stack to a pattern, consuming it.
    fn bind_pattern(&mut self, pattern: &BindingPattern<'_>) {
        match pattern {
            BindingPattern::BindingIdentifier(id) => {
                self.store(id.name.as_str());
                self.emit(Op::Pop);
            }
            BindingPattern::AssignmentPattern(assignment) => {
                let skip = self.emit(Op::JumpIfNotUndefined(0));
                self.emit(Op::Pop);
                self.expression(&assignment.right);
                self.patch(skip);
                self.bind_pattern(&assignment.left);
            }
            BindingPattern::ObjectPattern(object) => {
                let mut keys = Vec::new();
                for property in &object.properties {
                    self.emit(Op::Dup);
                    match (&property.key, property.computed) {
                        (PropertyKey::StaticIdentifier(id), false) => {
                            keys.push(id.name.to_string());
                            self.emit(Op::GetProp(intern(id.name.as_str())));
                        }
                        (PropertyKey::StringLiteral(literal), _) => {
                            keys.push(literal.value.to_string());
                            self.emit(Op::GetProp(intern(literal.value.as_str())));
                        }
                        (key, _) => match key.as_expression() {
                            Some(expression) => {
                                self.expression(expression);
                                self.emit(Op::GetIndex);
                            }
                            None => self.unsupported(property.span, "this property key"),
                        },
                    }
                    self.bind_pattern(&property.value);
                }
                if let Some(rest) = &object.rest {
                    self.emit(Op::NewArray);
                    for key in keys {
                        self.emit(Op::Str(intern(key.as_str())));
                        self.emit(Op::ArrayPush);
                    }
                    self.emit(Op::ObjectRest);
                    self.bind_pattern(&rest.argument);
                } else {
                    self.emit(Op::Pop);
                }
            }
            BindingPattern::ArrayPattern(array) => {
                self.emit(Op::ToArray);
                for (index, element) in array.elements.iter().enumerate() {
                    if let Some(element) = element {
                        self.emit(Op::Dup);
                        self.emit(Op::Number(index as f64));
                        self.emit(Op::GetIndex);
                        self.bind_pattern(element);
                    }
                }
                if let Some(rest) = &array.rest {
                    self.emit(Op::SliceFrom(array.elements.len() as u32));
                    self.bind_pattern(&rest.argument);
                } else {
                    self.emit(Op::Pop);
                }
            }
        }
    }

    fn begin_jumps(&mut self, label: Option<String>, is_loop: bool) {
        let state = self.state();
        let jumps = Jumps {
            label,
            is_loop,
            breaks: Vec::new(),
            continues: Vec::new(),
            scope_depth: state.scopes.len(),
            try_depth: state.try_depth,
            finally_depth: state.finally_depth,
        };
        state.jumps.push(jumps);
    }

    fn end_continues(&mut self, target: u32) {
        let continues = std::mem::take(&mut self.state().jumps.last_mut().expect("jumps").continues);
        for at in continues {
            self.state().ops[at] = Op::Jump(target);
        }
    }

    fn end_breaks(&mut self) {
        let jumps = self.state().jumps.pop().expect("jumps");
        for at in jumps.breaks {
            self.patch(at);
        }
    }

    fn jump_out(&mut self, span: Span, label: Option<String>, is_continue: bool) {
        let state = self.state();
        let found = state.jumps.iter().rposition(|jumps| match &label {
            Some(label) => jumps.label.as_deref() == Some(label.as_str()),
            None => jumps.is_loop || !is_continue && jumps.label.is_none(),
        });
        let Some(index) = found else {
            return self.unsupported(span, if is_continue { "`continue` outside a loop" } else { "`break` outside a loop or switch" });
        };
        let (scope_depth, try_depth, finally_depth) = {
            let jumps = &state.jumps[index];
            (jumps.scope_depth, jumps.try_depth, jumps.finally_depth)
        };
        if state.finally_depth > finally_depth {
            return self.unsupported(span, "`break`/`continue` out of `try … finally`");
        }
        for _ in try_depth..state.try_depth {
            self.emit(Op::ExitTry);
        }
        for _ in scope_depth..self.state().scopes.len() {
            self.emit(Op::PopEnv);
        }
        let at = self.emit(Op::Jump(0));
        let jumps = &mut self.state().jumps[index];
        if is_continue {
            jumps.continues.push(at);
        } else {
            jumps.breaks.push(at);
        }
    }

    fn for_statement(&mut self, statement: &ForStatement<'_>, label: Option<String>) {
        // `let`/`const` in the head get a loop environment, copied at each
        // iteration so closures capture that iteration's values.
        let lexical = match &statement.init {
            Some(ForStatementInit::VariableDeclaration(declaration)) if declaration.kind != VariableDeclarationKind::Var => {
                let mut names = Vec::new();
                for declarator in &declaration.declarations {
                    pattern_names(&declarator.id, &mut names);
                }
                Some(names)
            }
            _ => None,
        };
        let mut push = None;
        if let Some(names) = &lexical {
            self.state().scopes.push(Scope::default());
            for name in names {
                self.state().scopes.last_mut().expect("loop scope").declare(name);
            }
            push = Some(self.emit(Op::PushEnv(names.len() as u16)));
        }
        match &statement.init {
            Some(ForStatementInit::VariableDeclaration(declaration)) => self.variable_declaration(declaration),
            Some(init) => {
                if let Some(expression) = init.as_expression() {
                    self.expression(expression);
                    self.emit(Op::Pop);
                }
            }
            None => {}
        }
        let fast = self.fast_sum_loop(statement);
        let start = self.here();
        self.begin_jumps(label, true);
        let exit = match &statement.test {
            Some(test) => {
                self.expression(test);
                Some(self.emit(Op::JumpIfFalse(0)))
            }
            None => None,
        };
        self.nested_statement(&statement.body);
        let update_at = self.here();
        self.end_continues(update_at);
        if lexical.is_some() {
            self.emit(Op::CloneEnv);
        }
        if let Some(update) = &statement.update {
            self.expression(update);
            self.emit(Op::Pop);
        }
        self.emit(Op::Jump(start));
        if let Some(exit) = exit {
            self.patch(exit);
        }
        self.end_breaks();
        if let Some(fast) = fast {
            self.patch(fast);
        }
        if let Some(push) = push {
            let scope = self.state().scopes.pop().expect("loop scope");
            self.state().ops[push] = Op::PushEnv(scope.size);
            self.emit(Op::PopEnv);
        }
    }

    /// Recognises `for (let i = a; i < n; i++) { acc += i; }` (or `acc += k`,
    /// `acc++`, or an empty body) and emits [`Op::FastSumLoop`], which runs
    /// the loop in closed form with exactly the result double arithmetic
    /// gives, or falls through to the ordinary loop when it cannot.
    fn fast_sum_loop(&mut self, statement: &ForStatement<'_>) -> Option<usize> {
        let Some(ForStatementInit::VariableDeclaration(declaration)) = &statement.init else {
            return None;
        };
        let [declarator] = declaration.declarations.as_slice() else {
            return None;
        };
        let BindingPattern::BindingIdentifier(counter) = &declarator.id else {
            return None;
        };
        let counter = counter.name.as_str();
        let Some(Expression::BinaryExpression(test)) = &statement.test else {
            return None;
        };
        let inclusive = match test.operator {
            BinaryOperator::LessThan => false,
            BinaryOperator::LessEqualThan => true,
            _ => return None,
        };
        if !matches!(&test.left, Expression::Identifier(id) if id.name.as_str() == counter) {
            return None;
        }
        let increments = match &statement.update {
            Some(Expression::UpdateExpression(update)) => {
                update.operator == UpdateOperator::Increment
                    && matches!(&update.argument, SimpleAssignmentTarget::AssignmentTargetIdentifier(id) if id.name.as_str() == counter)
            }
            _ => false,
        };
        if !increments {
            return None;
        }
        let body: &[Statement<'_>] = match &statement.body {
            Statement::BlockStatement(block) => &block.body,
            Statement::EmptyStatement(_) => &[],
            other => std::slice::from_ref(other),
        };
        let (accumulator, addend) = match body {
            [] => (None, Some(0.0)),
            [Statement::ExpressionStatement(statement)] => match &statement.expression {
                Expression::AssignmentExpression(assignment) if assignment.operator == AssignmentOperator::Addition => {
                    let AssignmentTarget::AssignmentTargetIdentifier(target) = &assignment.left else {
                        return None;
                    };
                    let addend = match &assignment.right {
                        Expression::Identifier(id) if id.name.as_str() == counter => None,
                        Expression::NumericLiteral(literal) => Some(literal.value),
                        _ => return None,
                    };
                    (Some(target.name.as_str()), addend)
                }
                Expression::UpdateExpression(update) if update.operator == UpdateOperator::Increment => {
                    let SimpleAssignmentTarget::AssignmentTargetIdentifier(target) = &update.argument else {
                        return None;
                    };
                    (Some(target.name.as_str()), Some(1.0))
                }
                _ => return None,
            },
            _ => return None,
        };
        if accumulator == Some(counter) {
            return None;
        }
        let end = match &test.right {
            Expression::NumericLiteral(literal) => LoopBound::Constant(literal.value),
            Expression::Identifier(id) if id.name.as_str() != counter && Some(id.name.as_str()) != accumulator => match self.resolve(id.name.as_str()) {
                Variable::Local { depth, slot } => LoopBound::Variable { depth, slot },
                Variable::Global(name) => LoopBound::Global(name),
            },
            _ => return None,
        };
        let Variable::Local { depth, slot } = self.resolve(counter) else {
            return None;
        };
        let accumulator = match accumulator {
            Some(name) => match self.resolve(name) {
                Variable::Local { depth, slot } => Some((depth, slot)),
                Variable::Global(_) => return None,
            },
            None => None,
        };
        // Ops one ordinary iteration runs: test (3), branch, body (4),
        // update, jump: the fast path charges the same virtual CPU time.
        let ops_per_iteration = if accumulator.is_some() { 10 } else { 6 };
        let fast = FastSumLoop { counter: (depth, slot), accumulator, addend, end, inclusive, ops_per_iteration, exit: 0 };
        Some(self.emit(Op::FastSumLoop(Rc::new(fast))))
    }

    /// Recognises a busy-wait, `while (Date.now() - start < ms) {}` (or
    /// `performance.now()`, `<=`, `Date.now() < deadline`), and emits
    /// [`Op::BusyWait`] before its test. Each spin costs the same virtual
    /// time, so the op can skip the spins that would still find the
    /// condition true, and the loop ends on the first clock reading past
    /// the deadline, as interpreting every spin would (to within one spin).
    fn busy_wait(&mut self, statement: &WhileStatement<'_>) -> Option<(usize, BusyWait)> {
        let empty = match &statement.body {
            Statement::BlockStatement(block) => block.body.is_empty(),
            Statement::EmptyStatement(_) => true,
            _ => false,
        };
        let Expression::BinaryExpression(test) = &statement.test else { return None };
        let inclusive = match test.operator {
            BinaryOperator::LessThan => false,
            BinaryOperator::LessEqualThan => true,
            _ => return None,
        };
        if !empty {
            return None;
        }
        let clock_of = |expression: &Expression<'_>| -> Option<Clock> {
            let Expression::CallExpression(call) = expression else { return None };
            if !call.arguments.is_empty() {
                return None;
            }
            let Expression::StaticMemberExpression(member) = &call.callee else { return None };
            let Expression::Identifier(object) = &member.object else { return None };
            match (object.name.as_str(), member.property.name.as_str()) {
                ("Date", "now") => Some(Clock::DateNow),
                ("performance", "now") => Some(Clock::PerformanceNow),
                _ => None,
            }
        };
        let (clock, start) = match &test.left {
            Expression::BinaryExpression(difference) if difference.operator == BinaryOperator::Subtraction => {
                (clock_of(&difference.left)?, Some(&difference.right))
            }
            other => (clock_of(other)?, None),
        };
        let bound = |expression: &Expression<'_>| -> Option<LoopBound> {
            match expression {
                Expression::NumericLiteral(literal) => Some(LoopBound::Constant(literal.value)),
                Expression::Identifier(id) => Some(match self.resolve(id.name.as_str()) {
                    Variable::Local { depth, slot } => LoopBound::Variable { depth, slot },
                    Variable::Global(name) => LoopBound::Global(name),
                }),
                _ => None,
            }
        };
        let start = match start {
            Some(expression) => Some(bound(expression)?),
            None => None,
        };
        let limit = bound(&test.right)?;
        let busy_wait = BusyWait { clock, start, limit, inclusive, ops_per_iteration: 0 };
        let index = self.emit(Op::BusyWait(Rc::new(busy_wait.clone())));
        Some((index, busy_wait))
    }

    fn for_of(&mut self, statement: &ForOfStatement<'_>, label: Option<String>) {
        if statement.r#await {
            return self.unsupported(statement.span, "`for await`");
        }
        self.expression(&statement.right);
        self.emit(Op::IterInit);
        self.for_each(&statement.left, &statement.body, label);
    }

    fn for_in(&mut self, statement: &ForInStatement<'_>, label: Option<String>) {
        self.expression(&statement.right);
        self.emit(Op::KeysIter);
        self.for_each(&statement.left, &statement.body, label);
    }

    /// `for (left of/in …) body`, with the iterator on the stack.
    ///
    /// `IterNext` pops the iterator itself when it is exhausted; a `break`
    /// leaves it on the stack, so breaks land on a `Pop` placed before that
    /// exit. A `continue` unwinds the iteration's scope (see `jump_out`) and
    /// goes straight back to `IterNext`.
    fn for_each(&mut self, left: &ForStatementLeft<'_>, body: &Statement<'_>, label: Option<String>) {
        let start = self.here();
        self.begin_jumps(label, true);
        let done = self.emit(Op::IterNext(0));
        match left {
            ForStatementLeft::VariableDeclaration(declaration) => {
                let Some(declarator) = declaration.declarations.first() else {
                    return;
                };
                let lexical = declaration.kind != VariableDeclarationKind::Var;
                if lexical {
                    let mut names = Vec::new();
                    pattern_names(&declarator.id, &mut names);
                    self.state().scopes.push(Scope::default());
                    for name in &names {
                        self.state().scopes.last_mut().expect("scope").declare(name);
                    }
                    self.emit(Op::PushEnv(names.len() as u16));
                }
                self.bind_pattern(&declarator.id);
                self.nested_statement(body);
                if lexical {
                    self.state().scopes.pop();
                    self.emit(Op::PopEnv);
                }
            }
            other => match other.as_assignment_target() {
                Some(target) => {
                    self.assign_to(target);
                    self.emit(Op::Pop);
                    self.nested_statement(body);
                }
                None => self.unsupported(body.span(), "this loop variable"),
            },
        }
        self.end_continues(start);
        self.emit(Op::Jump(start));
        self.end_breaks();
        self.emit(Op::Pop);
        self.patch(done);
    }

    fn switch(&mut self, statement: &SwitchStatement<'_>) {
        let (depth, slot) = self.temp();
        self.expression(&statement.discriminant);
        self.emit(Op::Store { depth, slot });
        self.emit(Op::Pop);
        let mut all = Vec::new();
        for case in &statement.cases {
            all.extend(case.consequent.iter());
        }
        // The whole switch body is one block scope.
        let names = lexical_names_of(&all);
        let scoped = !names.is_empty();
        if scoped {
            self.state().scopes.push(Scope::default());
            for name in &names {
                self.state().scopes.last_mut().expect("scope").declare(name);
            }
            self.emit(Op::PushEnv(names.len() as u16));
        }
        let depth = if scoped { depth + 1 } else { depth };
        self.begin_jumps(None, false);
        let mut case_jumps = Vec::new();
        for case in &statement.cases {
            if let Some(test) = &case.test {
                self.emit(Op::Load { depth, slot });
                self.expression(test);
                self.emit(Op::Binary(BinaryOp::StrictEq));
                case_jumps.push(Some(self.emit(Op::JumpIfTrue(0))));
            } else {
                case_jumps.push(None);
            }
        }
        let to_default = self.emit(Op::Jump(0));
        let mut default_target = None;
        for (case, jump) in statement.cases.iter().zip(case_jumps) {
            match jump {
                Some(jump) => self.patch(jump),
                None => default_target = Some(self.here()),
            }
            self.statements(&case.consequent);
        }
        match default_target {
            Some(target) => self.state().ops[to_default] = Op::Jump(target),
            None => self.patch(to_default),
        }
        self.end_breaks();
        if scoped {
            self.state().scopes.pop();
            self.emit(Op::PopEnv);
        }
    }

    fn try_statement(&mut self, statement: &TryStatement<'_>) {
        let has_finally = statement.finalizer.is_some();
        if has_finally {
            self.state().finally_depth += 1;
        }
        let enter = self.emit(Op::EnterTry(0));
        self.state().try_depth += 1;
        self.block(&statement.block.body);
        self.state().try_depth -= 1;
        self.emit(Op::ExitTry);
        let after_try = self.emit(Op::Jump(0));
        self.patch(enter);
        // The exception is on the stack.
        let mut after_catch = None;
        if let Some(handler) = &statement.handler {
            let rethrow = if has_finally {
                let at = self.emit(Op::EnterTry(0));
                self.state().try_depth += 1;
                Some(at)
            } else {
                None
            };
            let mut names = Vec::new();
            if let Some(param) = &handler.param {
                pattern_names(&param.pattern, &mut names);
            }
            self.state().scopes.push(Scope::default());
            for name in &names {
                self.state().scopes.last_mut().expect("scope").declare(name);
            }
            self.emit(Op::PushEnv(names.len() as u16));
            match &handler.param {
                Some(param) => self.bind_pattern(&param.pattern),
                None => {
                    self.emit(Op::Pop);
                }
            }
            self.block(&handler.body.body);
            self.state().scopes.pop();
            self.emit(Op::PopEnv);
            if let Some(rethrow) = rethrow {
                self.state().try_depth -= 1;
                self.emit(Op::ExitTry);
                after_catch = Some(self.emit(Op::Jump(0)));
                self.patch(rethrow);
            } else {
                after_catch = Some(self.emit(Op::Jump(0)));
            }
        }
        if let Some(finalizer) = &statement.finalizer {
            self.state().finally_depth -= 1;
            // Exceptional path: run the finally block, then rethrow.
            let (depth, slot) = self.temp();
            self.emit(Op::Store { depth, slot });
            self.emit(Op::Pop);
            self.block(&finalizer.body);
            self.emit(Op::Load { depth, slot });
            self.emit(Op::Throw);
            // Normal path.
            self.patch(after_try);
            if let Some(after_catch) = after_catch {
                self.patch(after_catch);
            }
            self.block(&finalizer.body);
        } else {
            if statement.handler.is_none() {
                self.emit(Op::Throw);
            }
            self.patch(after_try);
            if let Some(after_catch) = after_catch {
                self.patch(after_catch);
            }
        }
    }

    fn class(&mut self, class: &Class<'_>) {
        let name = class.id.as_ref().map(|id| id.name.to_string()).unwrap_or_default();
        let has_parent = class.heritage.is_some();
        if let Some(heritage) = &class.heritage {
            self.expression(&heritage.expression);
        }
        let constructor = class.body.body.iter().find_map(|element| match element {
            ClassElement::MethodDefinition(method) if method.kind == MethodDefinitionKind::Constructor => Some(method),
            _ => None,
        });
        let fields: Vec<&PropertyDefinition<'_>> = class
            .body
            .body
            .iter()
            .filter_map(|element| match element {
                ClassElement::PropertyDefinition(field) if !field.r#static => Some(&**field),
                _ => None,
            })
            .collect();
        if !fields.is_empty() {
            self.unsupported(fields[0].span, "class fields (assign them in the constructor)");
        }
        match constructor {
            Some(method) => {
                let function = &method.value;
                let Some(body) = &function.body else { return };
                self.function_code(FunctionShape {
                    name: name.clone(),
                    params: Some(&function.params),
                    body: FunctionBodyRef::Statements(&body.statements),
                    is_async: false,
                    is_arrow: false,
                    is_class_constructor: true,
                    is_derived: has_parent,
                    span: method.span,
                });
            }
            None => {
                // An implicit constructor; a derived one passes its arguments
                // to `super` (the VM does that for an empty derived body).
                self.function_code(FunctionShape {
                    name: name.clone(),
                    params: None,
                    body: FunctionBodyRef::Statements(&[]),
                    is_async: false,
                    is_arrow: false,
                    is_class_constructor: true,
                    is_derived: has_parent,
                    span: class.span,
                });
            }
        }
        self.emit(Op::MakeClass { has_parent });
        for element in &class.body.body {
            match element {
                ClassElement::MethodDefinition(method) => {
                    if method.kind == MethodDefinitionKind::Constructor {
                        continue;
                    }
                    if matches!(method.kind, MethodDefinitionKind::Get | MethodDefinitionKind::Set) {
                        self.unsupported(method.span, "getters and setters");
                        continue;
                    }
                    let key = match &method.key {
                        PropertyKey::StaticIdentifier(id) if !method.computed => id.name.to_string(),
                        _ => {
                            self.unsupported(method.span, "computed method names");
                            continue;
                        }
                    };
                    self.function_value(&method.value, Some(&key));
                    self.emit(Op::DefineMethod { name: intern(key.as_str()), is_static: method.r#static });
                }
                ClassElement::PropertyDefinition(field) if field.r#static => {
                    self.unsupported(field.span, "static class fields");
                }
                ClassElement::PropertyDefinition(_) => {}
                other => self.unsupported(other.span(), "this kind of class member"),
            }
        }
    }

    // ----- Expressions -----------------------------------------------------------

    /// An expression whose anonymous function value takes `name` (as in
    /// `const f = () => {}`: the function's name is `f`).
    fn named_expression(&mut self, expression: &Expression<'_>, name: Option<&str>) {
        match (expression, name) {
            (Expression::ArrowFunctionExpression(arrow), Some(name)) => self.arrow(arrow, name),
            (Expression::FunctionExpression(function), Some(name)) if function.id.is_none() => self.function_value(function, Some(name)),
            _ => self.expression(expression),
        }
    }

    fn arrow(&mut self, arrow: &ArrowFunctionExpression<'_>, name: &str) {
        let body = match &arrow.body {
            ArrowFunctionBody::FunctionBody(body) => FunctionBodyRef::Statements(&body.statements),
            other => match other.as_expression() {
                Some(expression) => FunctionBodyRef::Expression(expression),
                None => return self.unsupported(arrow.span, "this arrow function body"),
            },
        };
        self.function_code(FunctionShape {
            name: name.to_string(),
            params: Some(&arrow.params),
            body,
            is_async: arrow.r#async,
            is_arrow: true,
            is_class_constructor: false,
            is_derived: false,
            span: arrow.span,
        });
    }

    fn expression(&mut self, expression: &Expression<'_>) {
        match expression {
            Expression::NumericLiteral(literal) => {
                self.emit(Op::Number(literal.value));
            }
            Expression::StringLiteral(literal) => {
                self.emit(Op::Str(intern(literal.value.as_str())));
            }
            Expression::BooleanLiteral(literal) => {
                self.emit(Op::Bool(literal.value));
            }
            Expression::NullLiteral(_) => {
                self.emit(Op::Null);
            }
            Expression::TemplateLiteral(template) => {
                let cooked =
                    |element: &TemplateElement<'_>| element.value.cooked.as_ref().map_or_else(|| element.value.raw.to_string(), |text| text.to_string());
                let first = template.quasis.first().map(cooked).unwrap_or_default();
                self.emit(Op::Str(intern(first.as_str())));
                for (index, part) in template.expressions.iter().enumerate() {
                    self.expression(part);
                    self.emit(Op::Concat);
                    if let Some(quasi) = template.quasis.get(index + 1) {
                        let text = cooked(quasi);
                        if !text.is_empty() {
                            self.emit(Op::Str(intern(text.as_str())));
                            self.emit(Op::Concat);
                        }
                    }
                }
            }
            Expression::Identifier(id) => match id.name.as_str() {
                "undefined" if matches!(self.resolve("undefined"), Variable::Global(_)) => {
                    self.emit(Op::Undefined);
                }
                name => self.load(name),
            },
            Expression::ThisExpression(_) => {
                self.emit(Op::This);
            }
            Expression::ParenthesizedExpression(inner) => self.expression(&inner.expression),
            Expression::ArrayExpression(array) => {
                self.emit(Op::NewArray);
                for element in &array.elements {
                    match element {
                        ArrayExpressionElement::SpreadElement(spread) => {
                            self.expression(&spread.argument);
                            self.emit(Op::ArraySpread);
                        }
                        ArrayExpressionElement::Elision(_) => {
                            self.emit(Op::ArrayHole);
                            self.emit(Op::ArrayPush);
                        }
                        other => {
                            if let Some(expression) = other.as_expression() {
                                self.expression(expression);
                                self.emit(Op::ArrayPush);
                            }
                        }
                    }
                }
            }
            Expression::ObjectExpression(object) => self.object(object),
            Expression::FunctionExpression(function) => match &function.id {
                // A named function expression sees its own name, bound in a
                // scope of its own around it (ECMAScript's
                // InstantiateOrdinaryFunctionExpression): recursion through
                // `function again() { … again … }` works wherever the value goes.
                Some(id) => {
                    self.state().scopes.push(Scope::default());
                    self.state().scopes.last_mut().expect("the scope just pushed").declare(id.name.as_str());
                    let push = self.emit(Op::PushEnv(0));
                    self.function_value(function, None);
                    self.store(id.name.as_str());
                    let scope = self.state().scopes.pop().expect("the function name's scope");
                    self.state().ops[push] = Op::PushEnv(scope.size);
                    self.emit(Op::PopEnv);
                }
                None => self.function_value(function, None),
            },
            Expression::ArrowFunctionExpression(arrow) => self.arrow(arrow, ""),
            Expression::ClassExpression(class) => self.class(class),
            Expression::StaticMemberExpression(member) => self.static_member(member),
            Expression::ComputedMemberExpression(member) => self.computed_member(member),
            Expression::PrivateFieldExpression(member) => self.unsupported(member.span, "private fields"),
            Expression::ChainExpression(chain) => match &chain.expression {
                ChainElement::CallExpression(call) => self.call(call),
                ChainElement::StaticMemberExpression(member) => self.static_member(member),
                ChainElement::ComputedMemberExpression(member) => self.computed_member(member),
                _ => self.unsupported(chain.span, "this optional chain"),
            },
            Expression::CallExpression(call) => self.call(call),
            Expression::NewExpression(new) => {
                self.expression(&new.callee);
                if new.arguments.iter().any(|argument| matches!(argument, Argument::SpreadElement(_))) {
                    self.spread_arguments(&new.arguments);
                    self.emit(Op::NewSpread);
                } else {
                    for argument in &new.arguments {
                        if let Some(expression) = argument.as_expression() {
                            self.expression(expression);
                        }
                    }
                    self.emit(Op::New(new.arguments.len() as u16));
                }
            }
            Expression::UnaryExpression(unary) => self.unary(unary),
            Expression::UpdateExpression(update) => self.update(update),
            Expression::BinaryExpression(binary) => {
                self.expression(&binary.left);
                self.expression(&binary.right);
                self.emit(Op::Binary(binary_op(binary.operator)));
            }
            Expression::LogicalExpression(logical) => {
                self.expression(&logical.left);
                let jump = match logical.operator {
                    LogicalOperator::Or => self.emit(Op::JumpIfTrueKeep(0)),
                    LogicalOperator::And => self.emit(Op::JumpIfFalseKeep(0)),
                    LogicalOperator::Coalesce => self.emit(Op::JumpIfNotNullishKeep(0)),
                };
                self.emit(Op::Pop);
                self.expression(&logical.right);
                self.patch(jump);
            }
            Expression::ConditionalExpression(conditional) => {
                self.expression(&conditional.test);
                let to_alternate = self.emit(Op::JumpIfFalse(0));
                self.expression(&conditional.consequent);
                let to_end = self.emit(Op::Jump(0));
                self.patch(to_alternate);
                self.expression(&conditional.alternate);
                self.patch(to_end);
            }
            Expression::AssignmentExpression(assignment) => self.assignment(assignment),
            Expression::SequenceExpression(sequence) => {
                for (index, part) in sequence.expressions.iter().enumerate() {
                    if index > 0 {
                        self.emit(Op::Pop);
                    }
                    self.expression(part);
                }
            }
            Expression::AwaitExpression(expression) => {
                let in_async = self.state().is_async;
                if !in_async {
                    return self.unsupported(expression.span, "`await` outside an async function (top-level await needs ES modules)");
                }
                self.expression(&expression.argument);
                self.emit(Op::Await);
            }
            Expression::Super(expression) => self.unsupported(expression.span, "`super` here"),
            other => {
                let what = expression_name(other);
                self.unsupported(other.span(), what);
                self.emit(Op::Undefined);
            }
        }
    }

    /// `a.b`, or `a?.b` (undefined when `a` is nullish). A short-circuit
    /// inside a longer chain ends only its own link: enough for the subset.
    fn static_member(&mut self, member: &StaticMemberExpression<'_>) {
        self.expression(&member.object);
        let skip = member.optional.then(|| self.emit(Op::JumpIfNullishUndefined(0)));
        self.emit(Op::GetProp(intern(member.property.name.as_str())));
        if let Some(skip) = skip {
            self.patch(skip);
        }
    }

    fn computed_member(&mut self, member: &ComputedMemberExpression<'_>) {
        self.expression(&member.object);
        let skip = member.optional.then(|| self.emit(Op::JumpIfNullishUndefined(0)));
        self.expression(&member.expression);
        self.emit(Op::GetIndex);
        if let Some(skip) = skip {
            self.patch(skip);
        }
    }

    fn object(&mut self, object: &ObjectExpression<'_>) {
        self.emit(Op::NewObject);
        for property in &object.properties {
            match property {
                ObjectPropertyKind::SpreadProperty(spread) => {
                    self.expression(&spread.argument);
                    self.emit(Op::SpreadInto);
                }
                ObjectPropertyKind::ObjectProperty(property) => {
                    if property.kind != PropertyKind::Init {
                        self.unsupported(property.span, "getters and setters");
                        continue;
                    }
                    let static_key = match (&property.key, property.computed) {
                        (PropertyKey::StaticIdentifier(id), false) => Some(id.name.to_string()),
                        (PropertyKey::StringLiteral(literal), false) => Some(literal.value.to_string()),
                        (PropertyKey::NumericLiteral(literal), false) => Some(number_to_string(literal.value)),
                        _ => None,
                    };
                    match static_key {
                        Some(key) => {
                            self.named_expression(&property.value, Some(&key));
                            self.emit(Op::InitProp(intern(key.as_str())));
                        }
                        None => match property.key.as_expression() {
                            Some(key) => {
                                self.expression(key);
                                self.expression(&property.value);
                                self.emit(Op::InitIndex);
                            }
                            None => self.unsupported(property.span, "this property key"),
                        },
                    }
                }
            }
        }
    }

    fn spread_arguments(&mut self, arguments: &[Argument<'_>]) {
        self.emit(Op::NewArray);
        for argument in arguments {
            match argument {
                Argument::SpreadElement(spread) => {
                    self.expression(&spread.argument);
                    self.emit(Op::ArraySpread);
                }
                other => {
                    if let Some(expression) = other.as_expression() {
                        self.expression(expression);
                        self.emit(Op::ArrayPush);
                    }
                }
            }
        }
    }

    fn call(&mut self, call: &CallExpression<'_>) {
        let statement_position = self.state().line;
        self.set_line(call.span);
        self.call_inner(call);
        self.state().line = statement_position;
    }

    fn call_inner(&mut self, call: &CallExpression<'_>) {
        let spread = call.arguments.iter().any(|argument| matches!(argument, Argument::SpreadElement(_)));
        // `this` for a method call is the object the method was read from.
        let with_this = match &call.callee {
            // `super.method(args)`: the parent prototype's method, on `this`.
            Expression::StaticMemberExpression(member) if matches!(member.object, Expression::Super(_)) => {
                self.emit(Op::SuperMethod(intern(member.property.name.as_str())));
                true
            }
            Expression::StaticMemberExpression(member) => {
                self.expression(&member.object);
                self.emit(Op::Dup);
                self.emit(Op::GetProp(intern(member.property.name.as_str())));
                true
            }
            Expression::ComputedMemberExpression(member) => {
                self.expression(&member.object);
                self.emit(Op::Dup);
                self.expression(&member.expression);
                self.emit(Op::GetIndex);
                true
            }
            Expression::Super(_) => {
                if spread {
                    self.unsupported(call.span, "spread arguments to `super`");
                    return;
                }
                for argument in &call.arguments {
                    if let Some(expression) = argument.as_expression() {
                        self.expression(expression);
                    }
                }
                self.emit(Op::SuperCall(call.arguments.len() as u16));
                return;
            }
            callee => {
                self.expression(callee);
                false
            }
        };
        if call.optional {
            // `f?.()`: when the callee is nullish the whole call is undefined.
            self.unsupported(call.span, "optional calls `f?.()`");
        }
        if spread {
            self.spread_arguments(&call.arguments);
            self.emit(Op::CallSpread { with_this });
            return;
        }
        for argument in &call.arguments {
            if let Some(expression) = argument.as_expression() {
                self.expression(expression);
            }
        }
        let argc = call.arguments.len() as u16;
        if with_this {
            self.emit(Op::CallMethod(argc));
        } else {
            self.emit(Op::Call(argc));
        }
    }

    fn unary(&mut self, unary: &UnaryExpression<'_>) {
        match unary.operator {
            UnaryOperator::Typeof => {
                if let Expression::Identifier(id) = &unary.argument {
                    if let Variable::Global(name) = self.resolve(id.name.as_str()) {
                        self.emit(Op::TypeofGlobal(name));
                        return;
                    }
                }
                self.expression(&unary.argument);
                self.emit(Op::Unary(UnaryOp::Typeof));
            }
            UnaryOperator::Delete => match &unary.argument {
                Expression::StaticMemberExpression(member) => {
                    self.expression(&member.object);
                    self.emit(Op::DeleteProp(intern(member.property.name.as_str())));
                }
                Expression::ComputedMemberExpression(member) => {
                    self.expression(&member.object);
                    self.expression(&member.expression);
                    self.emit(Op::DeleteIndex);
                }
                _ => {
                    self.expression(&unary.argument);
                    self.emit(Op::Pop);
                    self.emit(Op::Bool(true));
                }
            },
            operator => {
                self.expression(&unary.argument);
                self.emit(Op::Unary(match operator {
                    UnaryOperator::LogicalNot => UnaryOp::Not,
                    UnaryOperator::UnaryNegation => UnaryOp::Negate,
                    UnaryOperator::UnaryPlus => UnaryOp::Plus,
                    UnaryOperator::BitwiseNot => UnaryOp::BitNot,
                    _ => UnaryOp::Void,
                }));
            }
        }
    }

    fn update(&mut self, update: &UpdateExpression<'_>) {
        let delta = if update.operator == UpdateOperator::Increment { 1.0 } else { -1.0 };
        let prefix = update.prefix;
        match &update.argument {
            SimpleAssignmentTarget::AssignmentTargetIdentifier(id) => match self.resolve(id.name.as_str()) {
                Variable::Local { depth, slot } => {
                    self.emit(Op::UpdateLocal { depth, slot, delta, prefix });
                }
                Variable::Global(name) => {
                    self.emit(Op::UpdateGlobal { name, delta, prefix });
                }
            },
            SimpleAssignmentTarget::StaticMemberExpression(member) => {
                self.expression(&member.object);
                self.emit(Op::UpdateProp { name: intern(member.property.name.as_str()), delta, prefix });
            }
            SimpleAssignmentTarget::ComputedMemberExpression(member) => {
                self.expression(&member.object);
                self.expression(&member.expression);
                self.emit(Op::UpdateIndex { delta, prefix });
            }
            other => self.unsupported(other.span(), "this update target"),
        }
    }

    fn assignment(&mut self, assignment: &AssignmentExpression<'_>) {
        let operator = assignment.operator;
        let logical = matches!(operator, AssignmentOperator::LogicalOr | AssignmentOperator::LogicalAnd | AssignmentOperator::LogicalNullish);
        let arithmetic = compound_op(operator);
        match &assignment.left {
            AssignmentTarget::AssignmentTargetIdentifier(id) => {
                let name = id.name.as_str();
                if operator == AssignmentOperator::Assign {
                    self.named_expression(&assignment.right, Some(name));
                } else if logical {
                    self.load(name);
                    let done = self.logical_jump(operator);
                    self.emit(Op::Pop);
                    self.expression(&assignment.right);
                    self.store(name);
                    self.patch(done);
                    return;
                } else {
                    self.load(name);
                    self.expression(&assignment.right);
                    self.emit(Op::Binary(arithmetic.unwrap_or(BinaryOp::Add)));
                }
                self.store(name);
            }
            AssignmentTarget::StaticMemberExpression(member) => {
                let property: Str = intern(member.property.name.as_str());
                self.expression(&member.object);
                if operator == AssignmentOperator::Assign {
                    self.expression(&assignment.right);
                } else if logical {
                    self.emit(Op::Dup);
                    self.emit(Op::GetProp(property.clone()));
                    let keep = self.logical_jump(operator);
                    self.emit(Op::Pop);
                    self.expression(&assignment.right);
                    self.emit(Op::SetProp(property));
                    let done = self.emit(Op::Jump(0));
                    self.patch(keep);
                    self.emit(Op::Swap);
                    self.emit(Op::Pop);
                    self.patch(done);
                    return;
                } else {
                    self.emit(Op::Dup);
                    self.emit(Op::GetProp(property.clone()));
                    self.expression(&assignment.right);
                    self.emit(Op::Binary(arithmetic.unwrap_or(BinaryOp::Add)));
                }
                self.emit(Op::SetProp(property));
            }
            AssignmentTarget::ComputedMemberExpression(member) => {
                self.expression(&member.object);
                self.expression(&member.expression);
                if operator == AssignmentOperator::Assign {
                    self.expression(&assignment.right);
                } else if logical {
                    self.unsupported(assignment.span, "logical assignment to a computed member");
                    return;
                } else {
                    self.emit(Op::Dup2);
                    self.emit(Op::GetIndex);
                    self.expression(&assignment.right);
                    self.emit(Op::Binary(arithmetic.unwrap_or(BinaryOp::Add)));
                }
                self.emit(Op::SetIndex);
            }
            target => {
                if operator != AssignmentOperator::Assign {
                    return self.unsupported(assignment.span, "compound assignment to a pattern");
                }
                self.expression(&assignment.right);
                self.emit(Op::Dup);
                self.assign_to(target);
                self.emit(Op::Pop);
            }
        }
    }

    fn logical_jump(&mut self, operator: AssignmentOperator) -> usize {
        match operator {
            AssignmentOperator::LogicalOr => self.emit(Op::JumpIfTrueKeep(0)),
            AssignmentOperator::LogicalAnd => self.emit(Op::JumpIfFalseKeep(0)),
            _ => self.emit(Op::JumpIfNotNullishKeep(0)),
        }
    }

    /// Assigns the value on top of the stack to a target, leaving it there.
    fn assign_to(&mut self, target: &AssignmentTarget<'_>) {
        match target {
            AssignmentTarget::AssignmentTargetIdentifier(id) => self.store(id.name.as_str()),
            AssignmentTarget::StaticMemberExpression(member) => {
                let (depth, slot) = self.temp();
                self.emit(Op::Store { depth, slot });
                self.expression(&member.object);
                self.emit(Op::Load { depth, slot });
                self.emit(Op::SetProp(intern(member.property.name.as_str())));
            }
            AssignmentTarget::ArrayAssignmentTarget(array) => {
                self.emit(Op::Dup);
                self.emit(Op::ToArray);
                for (index, element) in array.elements.iter().enumerate() {
                    let Some(element) = element else { continue };
                    self.emit(Op::Dup);
                    self.emit(Op::Number(index as f64));
                    self.emit(Op::GetIndex);
                    match element {
                        AssignmentTargetMaybeDefault::AssignmentTargetWithDefault(with_default) => {
                            let skip = self.emit(Op::JumpIfNotUndefined(0));
                            self.emit(Op::Pop);
                            self.expression(&with_default.init);
                            self.patch(skip);
                            self.assign_to(&with_default.binding);
                        }
                        other => match other.as_assignment_target() {
                            Some(target) => self.assign_to(target),
                            None => self.unsupported(array.span, "this destructuring target"),
                        },
                    }
                    self.emit(Op::Pop);
                }
                if array.rest.is_some() {
                    self.unsupported(array.span, "rest elements in destructuring assignment");
                }
                self.emit(Op::Pop);
            }
            AssignmentTarget::ObjectAssignmentTarget(object) => {
                for property in &object.properties {
                    self.emit(Op::Dup);
                    match property {
                        AssignmentTargetProperty::AssignmentTargetPropertyIdentifier(shorthand) => {
                            self.emit(Op::GetProp(intern(shorthand.binding.name.as_str())));
                            if let Some(init) = &shorthand.init {
                                let skip = self.emit(Op::JumpIfNotUndefined(0));
                                self.emit(Op::Pop);
                                self.expression(init);
                                self.patch(skip);
                            }
                            self.store(shorthand.binding.name.as_str());
                        }
                        AssignmentTargetProperty::AssignmentTargetPropertyProperty(property) => {
                            match &property.name {
                                PropertyKey::StaticIdentifier(id) if !property.computed => {
                                    self.emit(Op::GetProp(intern(id.name.as_str())));
                                }
                                _ => {
                                    self.unsupported(property.span, "this destructuring key");
                                    continue;
                                }
                            }
                            match property.binding.as_assignment_target() {
                                Some(target) => self.assign_to(target),
                                None => self.unsupported(property.span, "defaults here"),
                            }
                        }
                    }
                    self.emit(Op::Pop);
                }
            }
            other => self.unsupported(other.span(), "this assignment target"),
        }
    }
}

fn binary_op(operator: BinaryOperator) -> BinaryOp {
    match operator {
        BinaryOperator::Addition => BinaryOp::Add,
        BinaryOperator::Subtraction => BinaryOp::Sub,
        BinaryOperator::Multiplication => BinaryOp::Mul,
        BinaryOperator::Division => BinaryOp::Div,
        BinaryOperator::Remainder => BinaryOp::Rem,
        BinaryOperator::Exponential => BinaryOp::Exp,
        BinaryOperator::Equality => BinaryOp::Eq,
        BinaryOperator::Inequality => BinaryOp::NotEq,
        BinaryOperator::StrictEquality => BinaryOp::StrictEq,
        BinaryOperator::StrictInequality => BinaryOp::StrictNotEq,
        BinaryOperator::LessThan => BinaryOp::Lt,
        BinaryOperator::LessEqualThan => BinaryOp::Le,
        BinaryOperator::GreaterThan => BinaryOp::Gt,
        BinaryOperator::GreaterEqualThan => BinaryOp::Ge,
        BinaryOperator::BitwiseAnd => BinaryOp::BitAnd,
        BinaryOperator::BitwiseOR => BinaryOp::BitOr,
        BinaryOperator::BitwiseXOR => BinaryOp::BitXor,
        BinaryOperator::ShiftLeft => BinaryOp::Shl,
        BinaryOperator::ShiftRight => BinaryOp::Shr,
        BinaryOperator::ShiftRightZeroFill => BinaryOp::UShr,
        BinaryOperator::In => BinaryOp::In,
        BinaryOperator::Instanceof => BinaryOp::InstanceOf,
    }
}

fn compound_op(operator: AssignmentOperator) -> Option<BinaryOp> {
    Some(match operator {
        AssignmentOperator::Addition => BinaryOp::Add,
        AssignmentOperator::Subtraction => BinaryOp::Sub,
        AssignmentOperator::Multiplication => BinaryOp::Mul,
        AssignmentOperator::Division => BinaryOp::Div,
        AssignmentOperator::Remainder => BinaryOp::Rem,
        AssignmentOperator::Exponential => BinaryOp::Exp,
        AssignmentOperator::ShiftLeft => BinaryOp::Shl,
        AssignmentOperator::ShiftRight => BinaryOp::Shr,
        AssignmentOperator::ShiftRightZeroFill => BinaryOp::UShr,
        AssignmentOperator::BitwiseOR => BinaryOp::BitOr,
        AssignmentOperator::BitwiseXOR => BinaryOp::BitXor,
        AssignmentOperator::BitwiseAnd => BinaryOp::BitAnd,
        _ => return None,
    })
}

/// `var` names declared anywhere in these statements, not inside nested
/// functions (they are hoisted to the function's scope).
fn collect_var_names(statements: &[Statement<'_>], names: &mut Vec<String>) {
    for statement in statements {
        collect_var_names_in(statement, names);
    }
}

fn collect_var_names_in(statement: &Statement<'_>, names: &mut Vec<String>) {
    match statement {
        Statement::VariableDeclaration(declaration) => var_declaration_names(declaration, names),
        Statement::BlockStatement(block) => collect_var_names(&block.body, names),
        Statement::IfStatement(statement) => {
            collect_var_names_in(&statement.consequent, names);
            if let Some(alternate) = &statement.alternate {
                collect_var_names_in(alternate, names);
            }
        }
        Statement::ForStatement(statement) => {
            if let Some(ForStatementInit::VariableDeclaration(declaration)) = &statement.init {
                var_declaration_names(declaration, names);
            }
            collect_var_names_in(&statement.body, names);
        }
        Statement::ForOfStatement(statement) => {
            if let ForStatementLeft::VariableDeclaration(declaration) = &statement.left {
                var_declaration_names(declaration, names);
            }
            collect_var_names_in(&statement.body, names);
        }
        Statement::ForInStatement(statement) => {
            if let ForStatementLeft::VariableDeclaration(declaration) = &statement.left {
                var_declaration_names(declaration, names);
            }
            collect_var_names_in(&statement.body, names);
        }
        Statement::WhileStatement(statement) => collect_var_names_in(&statement.body, names),
        Statement::DoWhileStatement(statement) => collect_var_names_in(&statement.body, names),
        Statement::LabeledStatement(statement) => collect_var_names_in(&statement.body, names),
        Statement::TryStatement(statement) => {
            collect_var_names(&statement.block.body, names);
            if let Some(handler) = &statement.handler {
                collect_var_names(&handler.body.body, names);
            }
            if let Some(finalizer) = &statement.finalizer {
                collect_var_names(&finalizer.body, names);
            }
        }
        Statement::SwitchStatement(statement) => {
            for case in &statement.cases {
                collect_var_names(&case.consequent, names);
            }
        }
        _ => {}
    }
}

/// The names a `var` declaration binds (none for `let`/`const`).
fn var_declaration_names(declaration: &VariableDeclaration<'_>, names: &mut Vec<String>) {
    if declaration.kind == VariableDeclarationKind::Var {
        for declarator in &declaration.declarations {
            pattern_names(&declarator.id, names);
        }
    }
}

/// The lexical names a block declares at its top level.
fn lexical_names(statements: &[Statement<'_>]) -> Vec<String> {
    lexical_names_of(&statements.iter().collect::<Vec<_>>())
}

fn lexical_names_of(statements: &[&Statement<'_>]) -> Vec<String> {
    let mut names = Vec::new();
    for statement in statements {
        match statement {
            Statement::VariableDeclaration(declaration) if declaration.kind != VariableDeclarationKind::Var => {
                for declarator in &declaration.declarations {
                    pattern_names(&declarator.id, &mut names);
                }
            }
            Statement::FunctionDeclaration(function) => {
                if let Some(id) = &function.id {
                    names.push(id.name.to_string());
                }
            }
            Statement::ClassDeclaration(class) => {
                if let Some(id) = &class.id {
                    names.push(id.name.to_string());
                }
            }
            _ => {}
        }
    }
    names
}

fn pattern_names(pattern: &BindingPattern<'_>, names: &mut Vec<String>) {
    match pattern {
        BindingPattern::BindingIdentifier(id) => names.push(id.name.to_string()),
        BindingPattern::AssignmentPattern(assignment) => pattern_names(&assignment.left, names),
        BindingPattern::ObjectPattern(object) => {
            for property in &object.properties {
                pattern_names(&property.value, names);
            }
            if let Some(rest) = &object.rest {
                pattern_names(&rest.argument, names);
            }
        }
        BindingPattern::ArrayPattern(array) => {
            for element in array.elements.iter().flatten() {
                pattern_names(element, names);
            }
            if let Some(rest) = &array.rest {
                pattern_names(&rest.argument, names);
            }
        }
    }
}

fn statement_name(statement: &Statement<'_>) -> &'static str {
    match statement {
        Statement::ImportDeclaration(_)
        | Statement::ExportAllDeclaration(_)
        | Statement::ExportDefaultDeclaration(_)
        | Statement::ExportNamedDeclaration(_) => "ES module import/export (use require())",
        Statement::WithStatement(_) => "`with`",
        _ => "this statement",
    }
}

fn expression_name(expression: &Expression<'_>) -> &'static str {
    match expression {
        Expression::RegExpLiteral(_) => "regular expressions",
        Expression::BigIntLiteral(_) => "BigInt literals",
        Expression::TaggedTemplateExpression(_) => "tagged templates",
        Expression::ImportExpression(_) => "dynamic import()",
        Expression::YieldExpression(_) => "`yield`",
        _ => "this expression",
    }
}

/// JavaScript's Number::toString for the values a property key can hold.
pub fn number_to_string(value: f64) -> String {
    crate::value::format_number(value)
}
