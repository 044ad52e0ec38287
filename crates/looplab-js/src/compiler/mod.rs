//! Source text to bytecode: oxc parses, oxc_semantic resolves every name to
//! its binding and reports the early errors (ECMA-262 "Static Semantics:
//! Early Errors"), [`scope`] decides where each binding lives, and the code
//! generator (next) emits [`crate::bytecode::Code`].

mod class;
mod codegen;
mod expr;
mod pattern;
pub mod scope;
mod stmt;
mod with;

use oxc_allocator::Allocator;
use oxc_span::SourceType;

/// A problem found before anything runs, at a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    pub line: u32,
    pub column: u32,
    pub message: String,
    /// A SyntaxError (the program is not JavaScript), as opposed to valid
    /// code Looplab does not run ("not supported in Looplab").
    pub is_syntax_error: bool,
}

/// How the source is wrapped, which decides its top-level semantics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    /// A classic script: top-level `var` and functions are global object
    /// properties (ECMA-262 16.1, GlobalDeclarationInstantiation).
    Script,
    /// A CommonJS module: the body of Node's module wrapper function.
    CommonJs,
    /// Global code run by `eval` (an indirect eval, or a direct one at a
    /// sloppy script's top level): its vars and functions are global unless
    /// it is strict, its lexical declarations its own (ECMA-262 19.2.1.3).
    Eval,
}

/// Maps byte offsets to 1-based lines and columns (columns count UTF-16
/// units, as V8's do).
pub struct LineIndex<'s> {
    starts: Vec<u32>,
    source: &'s str,
}

impl<'s> LineIndex<'s> {
    pub fn new(source: &'s str) -> LineIndex<'s> {
        let mut starts = vec![0];
        for (index, byte) in source.bytes().enumerate() {
            if byte == b'\n' {
                starts.push(index as u32 + 1);
            }
        }
        LineIndex { starts, source }
    }

    /// The offset of the first `(` at or after `offset` outside comments'
    /// reach (a call's argument list follows its callee, maybe after
    /// whitespace, a comment or a `?.`), or `offset` when there is none.
    pub fn next_paren(&self, offset: u32) -> u32 {
        let rest = self.source.get(offset as usize..).unwrap_or("");
        let mut chars = rest.char_indices().peekable();
        while let Some((index, c)) = chars.next() {
            match c {
                '(' => return offset + index as u32,
                '/' if matches!(chars.peek(), Some((_, '*'))) => {
                    // Skip a block comment.
                    let mut last = ' ';
                    for (_, c) in chars.by_ref() {
                        if last == '*' && c == '/' {
                            break;
                        }
                        last = c;
                    }
                }
                '/' if matches!(chars.peek(), Some((_, '/'))) => {
                    for (_, c) in chars.by_ref() {
                        if c == '\n' {
                            break;
                        }
                    }
                }
                c if c.is_whitespace() || c == '?' || c == '.' => {}
                _ => return offset,
            }
        }
        offset
    }

    pub fn position(&self, offset: u32) -> (u32, u32) {
        let line = self.starts.partition_point(|&start| start <= offset).saturating_sub(1);
        let start = self.starts[line] as usize;
        let end = (offset as usize).clamp(start, self.source.len());
        let column = self.source.get(start..end).map_or(end - start, |text| text.encode_utf16().count());
        (line as u32 + 1, column as u32 + 1)
    }
}

/// Parses and checks `source`: every syntax and early error, with positions.
pub fn check(source: &str, goal: Goal) -> Result<scope::Summary, Vec<CompileError>> {
    let mut atoms = crate::atoms::AtomTable::default();
    front(source, goal, &mut atoms, false).map(|(summary, _)| summary)
}

/// Why a direct eval's text can never run, whatever its context: it fails
/// to parse as a script, as a function's body (where `new.target`,
/// `arguments` and `return` are allowed) and as a derived constructor's
/// (where `super` is too), in `strict` mode if its caller is strict. None
/// when it might be valid where it is.
pub fn eval_syntax_error(source: &str, strict: bool) -> Option<String> {
    let prefix = if strict { "'use strict';" } else { "" };
    let as_script = check(&format!("{prefix}{source}"), Goal::Script).err()?;
    check(&format!("{prefix}(function () {{\n{source}\n}});"), Goal::Script).err()?;
    check(&format!("(class extends Object {{ constructor() {{\n{source}\n}} }});"), Goal::Script).err()?;
    as_script.into_iter().next().map(|error| error.message)
}

/// Compiles `source` to the code of its top level. Names are interned in
/// `atoms` (the VM's table, so the bytecode's atoms are the VM's).
pub fn compile(source: &str, goal: Goal, atoms: &mut crate::atoms::AtomTable) -> Result<std::rc::Rc<crate::bytecode::Code>, Vec<CompileError>> {
    front(source, goal, atoms, true).and_then(|(_, code)| code.ok_or_else(Vec::new))
}

/// CreateDynamicFunction's parsing (ECMA-262 20.2.1.1.1): the parameters
/// and the body must each parse on their own, so neither can close the
/// function early. `prefix` is `function`, `function*`, `async function`…
pub fn compile_dynamic_function(
    prefix: &str,
    params: &str,
    body: &str,
    atoms: &mut crate::atoms::AtomTable,
) -> Result<std::rc::Rc<crate::bytecode::Code>, Vec<CompileError>> {
    for probe in [format!("({prefix} anonymous({params}\n) {{}})"), format!("({prefix} anonymous() {{\n{body}\n}})")] {
        let allocator = Allocator::default();
        let parsed = oxc_parser::Parser::new(&allocator, &probe, SourceType::script()).parse();
        let single = parsed.program.body.len() == 1
            && matches!(&parsed.program.body[0], oxc_ast::ast::Statement::ExpressionStatement(statement)
                if matches!(&statement.expression, oxc_ast::ast::Expression::ParenthesizedExpression(inner)
                    if matches!(inner.expression, oxc_ast::ast::Expression::FunctionExpression(_))));
        if !parsed.diagnostics.is_empty() || parsed.panicked || !single {
            let message = parsed.diagnostics.first().map_or_else(|| "Unexpected token".to_string(), |d| d.message.replace('`', "'"));
            return Err(vec![CompileError { line: 1, column: 1, message, is_syntax_error: true }]);
        }
    }
    let source = format!("({prefix} anonymous({params}\n) {{\n{body}\n}})");
    compile(&source, Goal::Script, atoms)
}

/// Rewrites every source position of freshly compiled code (its nested
/// functions' too): an embedder that wraps a source text in lines of its own
/// moves positions back to the text's, or hides them (0, 0) for its own
/// modules. Code already shared (run) is left as it is.
pub fn adjust_positions(code: &mut std::rc::Rc<crate::bytecode::Code>, map: &dyn Fn((u32, u32)) -> (u32, u32)) {
    let Some(code) = std::rc::Rc::get_mut(code) else { return };
    for position in &mut code.positions {
        *position = map(*position);
    }
    let (line, column) = map((code.line, code.column));
    code.line = line;
    code.column = column;
    for function in &mut code.functions {
        adjust_positions(function, map);
    }
}

/// Names the script freshly compiled code comes from (and its nested
/// functions), for stack traces.
pub fn set_script_name(code: &mut std::rc::Rc<crate::bytecode::Code>, name: &std::rc::Rc<str>) {
    let Some(code) = std::rc::Rc::get_mut(code) else { return };
    code.script = Some(name.clone());
    for function in &mut code.functions {
        set_script_name(function, name);
    }
}

type FrontResult = Result<(scope::Summary, Option<std::rc::Rc<crate::bytecode::Code>>), Vec<CompileError>>;

fn front(source: &str, goal: Goal, atoms: &mut crate::atoms::AtomTable, generate: bool) -> FrontResult {
    front_with(source, goal, atoms, generate, None)
}

/// A direct eval's code, parsed inside a wrapper (so `new.target`,
/// `arguments` and `super.x` parse as in a method) and compiled as the
/// wrapper's arrow: run as a closure over the caller's scope with the
/// caller's `this`, it sees the caller's bindings through `site`.
const EVAL_WRAPPER_HEAD: &str = "({ __looplab_eval__() { return () => {\n";
const EVAL_WRAPPER_TAIL: &str = "\n}; } });";

/// Why a direct eval's code cannot run here.
pub enum DirectEvalError {
    /// Not JavaScript in any context: a SyntaxError.
    Syntax(String),
    /// Valid, but beyond what Looplab runs: the refusal's words.
    Unsupported(String),
}

/// Compiles a direct eval's code for its call `site` (ECMA-262 19.2.1.1
/// PerformEval with direct true). Its `var` and function declarations
/// stay its own in strict code; in sloppy code they would join the
/// caller's function, which Looplab refuses.
pub fn compile_direct_eval(
    source: &str,
    site: &std::rc::Rc<crate::bytecode::EvalSite>,
    atoms: &mut crate::atoms::AtomTable,
) -> Result<std::rc::Rc<crate::bytecode::Code>, DirectEvalError> {
    let prefix = if site.strict { "'use strict';" } else { "" };
    let wrapped = format!("{prefix}{EVAL_WRAPPER_HEAD}{source}{EVAL_WRAPPER_TAIL}");
    // The arrow `() => {` starts where the wrapper says.
    let arrow_start = (prefix.len() + EVAL_WRAPPER_HEAD.find("() =>").unwrap_or(0)) as u32;
    let refused = |errors: Vec<CompileError>| match eval_syntax_error(source, site.strict) {
        Some(message) => DirectEvalError::Syntax(message),
        None => DirectEvalError::Unsupported(format!(
            "this direct eval's code where it is ({})",
            errors.into_iter().next().map_or_else(|| "it does not compile".to_string(), |error| error.message)
        )),
    };
    let outer = (site.clone(), arrow_start);
    match front_with(&wrapped, Goal::Script, atoms, true, Some(outer)) {
        Ok((_, Some(code))) => code
            .functions
            .first()
            .and_then(|method| method.functions.first())
            .cloned()
            .ok_or_else(|| DirectEvalError::Unsupported("this direct eval's code".into())),
        Ok((_, None)) => Err(DirectEvalError::Unsupported("this direct eval's code".into())),
        // A refusal the front end made in words (not a parse error).
        Err(errors) if errors.iter().all(|error| !error.is_syntax_error) => {
            Err(DirectEvalError::Unsupported(errors.into_iter().next().map_or_else(String::new, |error| error.message)))
        }
        Err(errors) => Err(refused(errors)),
    }
}

fn front_with(
    source: &str,
    goal: Goal,
    atoms: &mut crate::atoms::AtomTable,
    generate: bool,
    eval: Option<(std::rc::Rc<crate::bytecode::EvalSite>, u32)>,
) -> FrontResult {
    let allocator = Allocator::default();
    let source_type = match goal {
        Goal::Script | Goal::Eval => SourceType::script(),
        Goal::CommonJs => SourceType::cjs(),
    };
    let parsed = oxc_parser::Parser::new(&allocator, source, source_type).parse();
    let lines = LineIndex::new(source);
    // The last label is where the offence is (a redeclaration labels the
    // first declaration, then the second).
    let syntax_error = |diagnostic: &oxc_diagnostics::OxcDiagnostic| {
        let offset = diagnostic.labels.last().map_or(0, |label| label.offset() as u32);
        let (line, column) = lines.position(offset);
        // oxc quotes names in backticks; V8 in single quotes.
        CompileError { line, column, message: diagnostic.message.replace('`', "'"), is_syntax_error: true }
    };
    if parsed.panicked || !parsed.diagnostics.is_empty() {
        let mut errors: Vec<CompileError> = parsed.diagnostics.iter().map(syntax_error).collect();
        if errors.is_empty() {
            errors.push(CompileError { line: 1, column: 1, message: "Invalid or unexpected token".to_string(), is_syntax_error: true });
        }
        return Err(errors);
    }
    let built = oxc_semantic::SemanticBuilder::new().with_build_nodes(true).with_check_syntax_error(true).build(&parsed.program);
    let mut early: Vec<CompileError> = built.diagnostics.errors().map(syntax_error).collect();
    // A regular expression literal's pattern is checked before the program
    // runs (ECMA-262 13.2.7.2, early errors of RegularExpressionLiteral);
    // oxc leaves patterns unparsed here, regress judges them.
    for node in built.semantic.nodes().iter() {
        if let oxc_ast::AstKind::RegExpLiteral(literal) = node.kind() {
            let flags = literal.regex.flags.to_string();
            let pattern = literal.regex.pattern.text.as_str();
            if let Err(error) = regress::Regex::with_flags(pattern, flags.as_str()) {
                let (line, column) = lines.position(literal.span.start);
                let message = format!("Invalid regular expression: /{pattern}/{flags}: {error}");
                early.push(CompileError { line, column, message, is_syntax_error: true });
            }
        }
    }
    if !early.is_empty() {
        return Err(early);
    }
    if let Some((_, arrow_start)) = eval.as_ref().filter(|(site, _)| !site.strict) {
        // A sloppy eval's `var`s and functions belong to the caller's
        // function (EvalDeclarationInstantiation): refused. They are the
        // eval arrow's function-scoped bindings (hoisted from its blocks too).
        let scoping = built.semantic.scoping();
        let arrow = built.semantic.nodes().iter().find_map(|node| match node.kind() {
            oxc_ast::AstKind::ArrowFunctionExpression(arrow) if arrow.span.start == *arrow_start => arrow.scope_id.get(),
            _ => None,
        });
        let declares = arrow.is_some_and(|scope| {
            scoping.get_bindings(scope).values().any(|symbol| {
                scoping.symbol_flags(*symbol).intersects(oxc_syntax::symbol::SymbolFlags::FunctionScopedVariable | oxc_syntax::symbol::SymbolFlags::Function)
            })
        });
        if declares {
            let message = "a var or function that a sloppy direct eval declares inside a function (it would join the caller's scope)".to_string();
            return Err(vec![CompileError { line: 1, column: 1, message, is_syntax_error: false }]);
        }
    }
    let summary = scope::analyze(&built.semantic);
    if !generate {
        return Ok((summary, None));
    }
    let mut generator = codegen::Codegen::new(source, built.semantic.scoping(), &summary, atoms, goal);
    if let Some((site, arrow_start)) = eval {
        // The caller's scopes, outermost first, under the eval's own: each
        // stands for the caller's scope at its depth.
        let count = site.bindings.iter().map(|binding| binding.depth as usize + 1).max().unwrap_or(0);
        let placeholders: Vec<oxc_syntax::scope::ScopeId> =
            (0..count).map(|depth| oxc_syntax::scope::ScopeId::new(codegen::EVAL_PLACEHOLDER_BASE + depth)).collect();
        generator.chain.extend(placeholders.iter().rev().copied());
        generator.eval_outer = Some((site, placeholders, arrow_start));
    }
    let code = generator.program(&parsed.program);
    let mut errors = std::mem::take(&mut generator.errors);
    drop(generator);
    if !errors.is_empty() {
        errors.sort_by_key(|error| (error.line, error.column));
        return Err(errors);
    }
    Ok((summary, Some(code)))
}
