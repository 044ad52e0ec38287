//! Expressions (ECMA-262 13): operators, literals, calls and members,
//! assignment, optional chains, templates, and function expressions.

use super::codegen::{js_string, Codegen};
use crate::bytecode::{FunctionKind, Insn};
use crate::string::JsStr;
use oxc_ast::ast::*;
use oxc_span::GetSpan;
use oxc_syntax::operator::{AssignmentOperator, BinaryOperator, LogicalOperator, UnaryOperator, UpdateOperator};

impl<'s, 'a> Codegen<'s, 'a> {
    pub(super) fn expression(&mut self, expression: &'s Expression<'a>) {
        self.expression_named(expression, None);
    }

    /// Compiles `expression`; an anonymous function or class in it takes
    /// `name` (ECMA-262 NamedEvaluation).
    pub(super) fn expression_named(&mut self, expression: &'s Expression<'a>, name: Option<&str>) {
        match expression {
            Expression::BooleanLiteral(literal) => {
                self.emit(if literal.value { Insn::True } else { Insn::False });
            }
            Expression::NullLiteral(_) => {
                self.emit(Insn::Null);
            }
            Expression::NumericLiteral(literal) => self.push_number(literal.value),
            Expression::StringLiteral(literal) => self.push_string(js_string(literal.value.as_str(), literal.lone_surrogates)),
            Expression::BigIntLiteral(literal) => self.unsupported(literal.span, "BigInt"),
            Expression::RegExpLiteral(literal) => {
                let pattern = JsStr::from_str(literal.regex.pattern.text.as_str());
                let flags = JsStr::from_str(&literal.regex.flags.to_string());
                let state = self.f();
                state.regexps.push((pattern, flags));
                let index = state.regexps.len() as u32 - 1;
                self.emit(Insn::RegExp(index));
            }
            Expression::TemplateLiteral(template) => self.template(template),
            Expression::TaggedTemplateExpression(tagged) => self.tagged_template(tagged),
            Expression::Identifier(reference) => self.load_identifier(reference),
            Expression::ThisExpression(_) => {
                let insn = if self.this_needs_check() { Insn::ThisChecked } else { Insn::This };
                self.emit(insn);
            }
            Expression::NewTarget(_) => {
                self.emit(Insn::NewTarget);
            }
            Expression::Super(expression) => self.syntax_error(expression.span, "'super' keyword unexpected here"),
            Expression::ArrayExpression(array) => self.array_literal(array),
            Expression::ObjectExpression(object) => self.object_literal(object),
            Expression::FunctionExpression(function) => {
                let own = function.id.as_ref().map(|id| id.name.as_str());
                let name = own.or(name).unwrap_or("").to_string();
                self.self_name = function.id.as_ref();
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
            Expression::ArrowFunctionExpression(arrow) => {
                let name = name.unwrap_or("").to_string();
                let (body, expression_body) = match &arrow.body {
                    ArrowFunctionBody::FunctionBody(body) => (Some(&**body), None),
                    other => (None, other.as_expression()),
                };
                self.function(FunctionKind::Arrow, &name, &arrow.params, body, expression_body, arrow.scope_id.get(), arrow.r#async, false, arrow.span);
            }
            Expression::ClassExpression(class) => self.class(class, name),
            Expression::ParenthesizedExpression(inner) => self.expression_named(&inner.expression, name),
            Expression::SequenceExpression(sequence) => {
                let count = sequence.expressions.len();
                for (index, expression) in sequence.expressions.iter().enumerate() {
                    self.expression(expression);
                    if index + 1 < count {
                        self.emit(Insn::Pop);
                    }
                }
            }
            Expression::UnaryExpression(unary) => self.unary(unary),
            Expression::UpdateExpression(update) => self.update(update),
            Expression::BinaryExpression(binary) => {
                self.expression(&binary.left);
                self.expression(&binary.right);
                self.emit(binary_insn(binary.operator));
            }
            Expression::PrivateInExpression(private_in) => {
                self.expression(&private_in.right);
                self.private_name(&private_in.left);
                self.emit(Insn::PrivateIn);
            }
            Expression::LogicalExpression(logical) => {
                self.expression(&logical.left);
                let jump = self.emit(match logical.operator {
                    LogicalOperator::Or => Insn::JumpIfTrueKeep(0),
                    LogicalOperator::And => Insn::JumpIfFalseKeep(0),
                    LogicalOperator::Coalesce => Insn::JumpIfNotNullishKeep(0),
                });
                self.expression(&logical.right);
                self.patch(jump);
            }
            Expression::ConditionalExpression(conditional) => {
                self.expression(&conditional.test);
                let to_else = self.emit(Insn::JumpIfFalse(0));
                self.expression_named(&conditional.consequent, name);
                let to_end = self.emit(Insn::Jump(0));
                self.patch(to_else);
                self.expression_named(&conditional.alternate, name);
                self.patch(to_end);
            }
            Expression::AssignmentExpression(assignment) => self.assignment(assignment),
            Expression::CallExpression(call) => self.call(call, &mut Vec::new()),
            Expression::NewExpression(new) => {
                self.at(new.span);
                self.expression(&new.callee);
                if has_spread(&new.arguments) {
                    self.spread_arguments(&new.arguments);
                    self.emit(Insn::NewSpread);
                } else {
                    for argument in &new.arguments {
                        self.argument(argument);
                    }
                    let at = self.emit(Insn::New(new.arguments.len() as u32));
                    self.note_call_site(at, &new.callee);
                }
            }
            Expression::ChainExpression(chain) => {
                let mut exits = Vec::new();
                match &chain.expression {
                    ChainElement::CallExpression(call) => self.call(call, &mut exits),
                    ChainElement::TSNonNullExpression(expression) => self.unsupported(expression.span, "TypeScript"),
                    other => match other.as_member_expression() {
                        Some(member) => self.member(member, &mut exits),
                        None => self.unsupported(other.span(), "this optional chain"),
                    },
                }
                for exit in exits {
                    self.patch(exit);
                }
            }
            Expression::StaticMemberExpression(_) | Expression::ComputedMemberExpression(_) | Expression::PrivateFieldExpression(_) => {
                if let Some(member) = expression.as_member_expression() {
                    self.member(member, &mut Vec::new());
                }
            }
            Expression::AwaitExpression(expression) => {
                self.expression(&expression.argument);
                self.emit(Insn::Await);
            }
            Expression::YieldExpression(expression) => {
                match &expression.argument {
                    Some(argument) => self.expression(argument),
                    None => {
                        self.emit(Insn::Undefined);
                    }
                }
                if expression.delegate {
                    if self.fr().is_async {
                        return self.async_yield_star();
                    }
                    self.emit(Insn::GetIterator);
                    self.emit(Insn::Undefined);
                    self.emit(Insn::Int(0));
                    let top = self.here();
                    let step = self.emit(Insn::YieldStar(0));
                    self.emit(Insn::Jump(top));
                    let exit = self.here();
                    if let Some(Insn::YieldStar(target)) = self.f().insns.get_mut(step) {
                        *target = exit;
                    }
                    let normal = self.emit(Insn::JumpIfFalse(0));
                    self.return_top();
                    self.patch(normal);
                } else {
                    if self.fr().is_async {
                        self.emit(Insn::Await);
                    }
                    self.emit(Insn::Yield);
                    // `[value, is_return]`: a `return(v)` resumption acts as
                    // `return v` here, finally blocks included.
                    let normal = self.emit(Insn::JumpIfFalse(0));
                    self.return_top();
                    self.patch(normal);
                }
            }
            Expression::ImportExpression(expression) => self.unsupported(expression.span, "import()"),
            Expression::ImportMeta(expression) => self.unsupported(expression.span, "import.meta"),
            other => self.unsupported(other.span(), "TypeScript or JSX syntax"),
        }
    }

    /// `[value] -> [value]`: `yield*` in an async generator (ECMA-262
    /// 15.5.5): each step's result is awaited, the inner values are
    /// yielded as they are, and a `return` request's value is awaited
    /// (AsyncGeneratorUnwrapYieldResumption) before it goes in.
    fn async_yield_star(&mut self) {
        self.emit(Insn::GetAsyncIterator);
        self.emit(Insn::Undefined);
        self.emit(Insn::Int(0));
        let top = self.here();
        let call = self.emit(Insn::AsyncYieldStarCall(0));
        self.emit(Insn::Await);
        let result = self.emit(Insn::AsyncYieldStarResult(0));
        self.emit(Insn::AsyncYieldStarYield);
        self.emit(Insn::Dup);
        self.emit(Insn::Int(2));
        self.emit(Insn::StrictEq);
        self.emit(Insn::JumpIfFalse(top));
        self.emit(Insn::Swap);
        self.emit(Insn::Await);
        self.emit(Insn::Swap);
        self.emit(Insn::Jump(top));
        // A `return` request with no `return` method: `[received]`.
        self.patch(call);
        self.emit(Insn::Await);
        self.emit(Insn::True);
        self.patch(result);
        let normal = self.emit(Insn::JumpIfFalse(0));
        self.return_top();
        self.patch(normal);
    }

    /// Whether `this` here may be read before `super()` (derived
    /// constructors and the arrows inside them).
    fn this_needs_check(&self) -> bool {
        self.fns.iter().rev().find(|state| state.kind != FunctionKind::Arrow).is_some_and(|state| state.kind == FunctionKind::DerivedConstructor)
    }

    fn argument(&mut self, argument: &'s Argument<'a>) {
        match argument {
            Argument::SpreadElement(spread) => self.unsupported(spread.span, "spread here (compiler)"),
            other => {
                if let Some(expression) = other.as_expression() {
                    self.expression(expression);
                }
            }
        }
    }

    /// Builds an array of the arguments, spreading `...x`.
    fn spread_arguments(&mut self, arguments: &'s [Argument<'a>]) {
        self.emit(Insn::NewArray(arguments.len() as u32));
        for argument in arguments {
            match argument {
                Argument::SpreadElement(spread) => {
                    self.expression(&spread.argument);
                    let at = self.emit(Insn::ArraySpread);
                    self.note_call_site(at, &spread.argument);
                }
                other => {
                    if let Some(expression) = other.as_expression() {
                        self.expression(expression);
                        self.emit(Insn::ArrayPush);
                    }
                }
            }
        }
    }

    fn array_literal(&mut self, array: &'s ArrayExpression<'a>) {
        self.emit(Insn::NewArray(array.elements.len() as u32));
        for element in &array.elements {
            match element {
                ArrayExpressionElement::SpreadElement(spread) => {
                    self.expression(&spread.argument);
                    let at = self.emit(Insn::ArraySpread);
                    self.note_call_site(at, &spread.argument);
                }
                ArrayExpressionElement::Elision(_) => {
                    self.emit(Insn::ArrayHole);
                }
                other => {
                    if let Some(expression) = other.as_expression() {
                        self.expression(expression);
                        self.emit(Insn::ArrayPush);
                    }
                }
            }
        }
    }

    /// Pushes a property key: a static name becomes an atom operand
    /// (`Some`), anything else is pushed as a value (`None`).
    pub(super) fn property_key(&mut self, key: &'s PropertyKey<'a>, computed: bool) -> Option<crate::value::Atom> {
        match key {
            PropertyKey::StaticIdentifier(identifier) if !computed => Some(self.atom(identifier.name.as_str())),
            PropertyKey::StringLiteral(literal) if !computed => {
                let text = js_string(literal.value.as_str(), literal.lone_surrogates);
                match crate::value::array_index_of(&text) {
                    Some(_) => {
                        self.push_string(text);
                        None
                    }
                    None => Some(self.atom_js(&text)),
                }
            }
            PropertyKey::NumericLiteral(literal) if !computed => {
                let text = JsStr::from_string(crate::number::number_to_string(literal.value));
                match crate::value::array_index_of(&text) {
                    Some(_) => {
                        self.push_number(literal.value);
                        None
                    }
                    None => Some(self.atom_js(&text)),
                }
            }
            PropertyKey::PrivateIdentifier(identifier) => {
                self.unsupported(identifier.span, "a private name here");
                None
            }
            other => {
                if let Some(expression) = other.as_expression() {
                    self.expression(expression);
                }
                self.emit(Insn::ToPropertyKey);
                None
            }
        }
    }

    /// The static name a key gives an anonymous function (`{ f() {} }`).
    pub(super) fn key_name(&self, key: &'s PropertyKey<'a>, computed: bool) -> Option<String> {
        if computed {
            return None;
        }
        match key {
            PropertyKey::StaticIdentifier(identifier) => Some(identifier.name.to_string()),
            PropertyKey::StringLiteral(literal) => Some(js_string(literal.value.as_str(), literal.lone_surrogates).to_rust()),
            PropertyKey::NumericLiteral(literal) => Some(crate::number::number_to_string(literal.value)),
            PropertyKey::PrivateIdentifier(identifier) => Some(format!("#{}", identifier.name)),
            _ => None,
        }
    }

    fn object_literal(&mut self, object: &'s ObjectExpression<'a>) {
        self.emit(Insn::NewObject);
        for property in &object.properties {
            match property {
                ObjectPropertyKind::SpreadProperty(spread) => {
                    self.expression(&spread.argument);
                    self.emit(Insn::CopyDataProperties);
                }
                ObjectPropertyKind::ObjectProperty(property) => {
                    self.at(property.span);
                    let is_proto = !property.computed
                        && !property.shorthand
                        && !property.method
                        && property.kind == PropertyKind::Init
                        && matches!(&property.key, PropertyKey::StaticIdentifier(id) if id.name == "__proto__")
                            | matches!(&property.key, PropertyKey::StringLiteral(s) if s.value == "__proto__");
                    if is_proto {
                        self.expression(&property.value);
                        self.emit(Insn::SetProtoLiteral);
                        continue;
                    }
                    let name = self.key_name(&property.key, property.computed);
                    let atom = self.property_key(&property.key, property.computed);
                    // A computed key names its function when it runs.
                    let named_at_run_time = atom.is_none() && name.is_none();
                    match property.kind {
                        PropertyKind::Init if property.method => {
                            self.method_value(&property.value, FunctionKind::Method, name.as_deref().unwrap_or(""), property.span.start);
                            if named_at_run_time {
                                self.emit(Insn::NameFromKey(0));
                            }
                            // [obj, (key,) fn]: its home object is the literal.
                            self.emit(Insn::Pick(if atom.is_some() { 1 } else { 2 }));
                            self.emit(Insn::SetHome);
                        }
                        PropertyKind::Init => {
                            self.expression_named(&property.value, name.as_deref());
                            if named_at_run_time && is_anonymous_function_definition(&property.value) {
                                self.emit(Insn::NameFromKey(0));
                            }
                        }
                        PropertyKind::Get | PropertyKind::Set => {
                            let kind = if property.kind == PropertyKind::Get { FunctionKind::Getter } else { FunctionKind::Setter };
                            if let Some(atom) = atom {
                                let text = self.atoms.name(atom).clone();
                                self.push_string(text);
                            }
                            self.method_value(&property.value, kind, name.as_deref().unwrap_or(""), property.span.start);
                            if named_at_run_time {
                                self.emit(Insn::NameFromKey(if kind == FunctionKind::Getter { 1 } else { 2 }));
                            }
                            self.emit(Insn::Pick(2));
                            self.emit(Insn::SetHome);
                            self.emit(if kind == FunctionKind::Getter { Insn::InitGetter { enumerable: true } } else { Insn::InitSetter { enumerable: true } });
                            continue;
                        }
                    }
                    match atom {
                        Some(atom) => {
                            self.emit(Insn::InitProp(atom));
                        }
                        None => {
                            self.emit(Insn::InitElem);
                        }
                    }
                }
            }
        }
    }

    /// A method's function in an object literal. Its source text (what
    /// `toString` shows) starts at the property: `get g() {…}`, `*[k]() {…}`.
    pub(super) fn method_value(&mut self, value: &'s Expression<'a>, kind: FunctionKind, name: &str, source_start: u32) {
        let Expression::FunctionExpression(function) = value else {
            self.expression(value);
            return;
        };
        let prefixed = match kind {
            FunctionKind::Getter => format!("get {name}"),
            FunctionKind::Setter => format!("set {name}"),
            _ => name.to_string(),
        };
        self.function(
            kind,
            &prefixed,
            &function.params,
            function.body.as_deref(),
            None,
            function.scope_id.get(),
            function.r#async,
            function.generator,
            oxc_span::Span::new(source_start, function.span.end),
        );
    }

    fn template(&mut self, template: &'s TemplateLiteral<'a>) {
        let cooked = |element: &TemplateElement<'_>| {
            element.value.cooked.as_ref().map(|cooked| js_string(cooked.as_str(), element.lone_surrogates)).unwrap_or_else(JsStr::empty)
        };
        let first = template.quasis.first().map(cooked).unwrap_or_else(JsStr::empty);
        self.push_string(first);
        for (index, expression) in template.expressions.iter().enumerate() {
            self.expression(expression);
            self.emit(Insn::ToStringForConcat);
            self.emit(Insn::Concat);
            let next = template.quasis.get(index + 1).map(cooked).unwrap_or_else(JsStr::empty);
            if !next.is_empty() {
                self.push_string(next);
                self.emit(Insn::Concat);
            }
        }
    }

    fn tagged_template(&mut self, tagged: &'s TaggedTemplateExpression<'a>) {
        let with_this = self.callee(&tagged.tag, &mut Vec::new());
        let cooked: Vec<Option<JsStr>> =
            tagged.quasi.quasis.iter().map(|element| element.value.cooked.as_ref().map(|cooked| js_string(cooked.as_str(), element.lone_surrogates))).collect();
        let raw: Vec<JsStr> = tagged.quasi.quasis.iter().map(|element| JsStr::from_str(element.value.raw.as_str())).collect();
        let state = self.f();
        state.templates.push((cooked, raw));
        let index = state.templates.len() as u32 - 1;
        self.emit(Insn::TemplateObject(index));
        for expression in &tagged.quasi.expressions {
            self.expression(expression);
        }
        let count = tagged.quasi.expressions.len() as u32 + 1;
        self.emit(if with_this { Insn::CallMethod(count) } else { Insn::Call(count) });
    }

    fn unary(&mut self, unary: &'s UnaryExpression<'a>) {
        match unary.operator {
            UnaryOperator::Typeof => {
                if let Expression::Identifier(reference) = &unary.argument {
                    return self.with_unary(reference, false, |this| this.typeof_name(reference));
                }
                self.expression(&unary.argument);
                self.emit(Insn::Typeof);
            }
            UnaryOperator::Delete => self.delete(&unary.argument),
            UnaryOperator::Void => {
                self.expression(&unary.argument);
                self.emit(Insn::Pop);
                self.emit(Insn::Undefined);
            }
            UnaryOperator::UnaryNegation => {
                self.expression(&unary.argument);
                self.emit(Insn::Neg);
            }
            UnaryOperator::UnaryPlus => {
                self.expression(&unary.argument);
                self.emit(Insn::ToNumber);
            }
            UnaryOperator::LogicalNot => {
                self.expression(&unary.argument);
                self.emit(Insn::Not);
            }
            UnaryOperator::BitwiseNot => {
                self.expression(&unary.argument);
                self.emit(Insn::BitNot);
            }
        }
    }

    /// `typeof name` without a `with` object: an unresolvable name is
    /// "undefined", not a ReferenceError (ECMA-262 13.5.3.1).
    fn typeof_name(&mut self, reference: &'s IdentifierReference<'a>) {
        if self.resolve(reference).is_none()
            && reference.name != "arguments"
            && reference.name != "undefined"
            && self.eval_binding(reference.name.as_str()).is_none()
        {
            let name = self.atom(reference.name.as_str());
            self.emit(Insn::TypeofGlobal(name));
            return;
        }
        self.load_name(reference);
        self.emit(Insn::Typeof);
    }

    fn delete(&mut self, argument: &'s Expression<'a>) {
        match argument {
            Expression::StaticMemberExpression(member) => {
                self.expression(&member.object);
                let name = self.atom(member.property.name.as_str());
                self.emit(Insn::DeleteProp(name));
            }
            Expression::ComputedMemberExpression(member) => {
                self.expression(&member.object);
                self.expression(&member.expression);
                self.emit(Insn::DeleteElem);
            }
            Expression::Identifier(reference) => self.with_unary(reference, true, |this| {
                if this.resolve(reference).is_none() && this.eval_binding(reference.name.as_str()).is_none() {
                    let name = this.atom(reference.name.as_str());
                    this.emit(Insn::DeleteGlobal(name));
                } else {
                    this.emit(Insn::False);
                }
            }),
            Expression::ParenthesizedExpression(inner) => self.delete(&inner.expression),
            Expression::ChainExpression(chain) => {
                self.unsupported(chain.span, "delete of an optional chain");
            }
            other => {
                self.expression(other);
                self.emit(Insn::Pop);
                self.emit(Insn::True);
            }
        }
    }

    fn update(&mut self, update: &'s UpdateExpression<'a>) {
        let step = if update.operator == UpdateOperator::Increment { Insn::Inc } else { Insn::Dec };
        match &update.argument {
            SimpleAssignmentTarget::AssignmentTargetIdentifier(reference) => {
                self.load_identifier(reference);
                self.emit(Insn::ToNumeric);
                if update.prefix {
                    self.emit(step);
                    self.store_identifier(reference);
                } else {
                    self.emit(Insn::Dup);
                    self.emit(step);
                    self.store_identifier(reference);
                    self.emit(Insn::Pop);
                }
            }
            SimpleAssignmentTarget::StaticMemberExpression(member) => {
                self.expression(&member.object);
                let name = self.atom(member.property.name.as_str());
                self.emit(Insn::Dup);
                let ic = self.new_ic();
                self.emit(Insn::GetProp { name, ic });
                self.emit(Insn::ToNumeric);
                let ic = self.new_ic();
                if update.prefix {
                    self.emit(step);
                    self.emit(Insn::SetProp { name, ic });
                } else {
                    self.emit(Insn::Dup);
                    self.emit(Insn::RotDown3);
                    self.emit(step);
                    self.emit(Insn::SetProp { name, ic });
                    self.emit(Insn::Pop);
                }
            }
            SimpleAssignmentTarget::ComputedMemberExpression(member) => {
                self.expression(&member.object);
                self.expression(&member.expression);
                self.emit(Insn::ToMemberKey);
                self.emit(Insn::Dup2);
                self.emit(Insn::GetElem);
                self.emit(Insn::ToNumeric);
                if update.prefix {
                    self.emit(step);
                    self.emit(Insn::SetElem);
                } else {
                    self.emit(Insn::Dup);
                    self.emit(Insn::RotDown4);
                    self.emit(step);
                    self.emit(Insn::SetElem);
                    self.emit(Insn::Pop);
                }
            }
            SimpleAssignmentTarget::PrivateFieldExpression(member) => {
                self.expression(&member.object);
                self.private_name(&member.field);
                self.emit(Insn::Dup2);
                self.emit(Insn::GetPrivate);
                self.emit(Insn::ToNumeric);
                if update.prefix {
                    self.emit(step);
                    self.emit(Insn::SetPrivate);
                } else {
                    self.emit(Insn::Dup);
                    self.emit(Insn::RotDown4);
                    self.emit(step);
                    self.emit(Insn::SetPrivate);
                    self.emit(Insn::Pop);
                }
            }
            other => self.unsupported(other.span(), "TypeScript syntax"),
        }
    }

    fn assignment(&mut self, assignment: &'s AssignmentExpression<'a>) {
        let operator = assignment.operator;
        if operator == AssignmentOperator::Assign {
            if let Some(simple) = assignment.left.as_simple_assignment_target() {
                self.simple_assignment(simple, &assignment.right);
                return;
            }
            // Destructuring: the value stays as the expression's result.
            self.expression(&assignment.right);
            self.assign_to_target(&assignment.left);
            return;
        }
        let Some(target) = assignment.left.as_simple_assignment_target() else {
            self.unsupported(assignment.span, "this assignment target");
            return;
        };
        if matches!(target, SimpleAssignmentTarget::StaticMemberExpression(member) if matches!(member.object, Expression::Super(_)))
            || matches!(target, SimpleAssignmentTarget::ComputedMemberExpression(member) if matches!(member.object, Expression::Super(_)))
        {
            return self.unsupported(assignment.span, "a compound assignment to a super property");
        }
        let logical = matches!(operator, AssignmentOperator::LogicalAnd | AssignmentOperator::LogicalOr | AssignmentOperator::LogicalNullish);
        let name = match target {
            SimpleAssignmentTarget::AssignmentTargetIdentifier(reference) => Some(reference.name.to_string()),
            _ => None,
        };
        // Load the target's reference and current value.
        match target {
            SimpleAssignmentTarget::AssignmentTargetIdentifier(reference) => self.load_identifier(reference),
            SimpleAssignmentTarget::StaticMemberExpression(member) => {
                self.expression(&member.object);
                self.emit(Insn::Dup);
                let name = self.atom(member.property.name.as_str());
                let ic = self.new_ic();
                self.emit(Insn::GetProp { name, ic });
            }
            SimpleAssignmentTarget::ComputedMemberExpression(member) => {
                self.expression(&member.object);
                self.expression(&member.expression);
                self.emit(Insn::ToMemberKey);
                self.emit(Insn::Dup2);
                self.emit(Insn::GetElem);
            }
            SimpleAssignmentTarget::PrivateFieldExpression(member) => {
                self.expression(&member.object);
                self.private_name(&member.field);
                self.emit(Insn::Dup2);
                self.emit(Insn::GetPrivate);
            }
            other => {
                self.unsupported(other.span(), "TypeScript syntax");
                return;
            }
        }
        let mut skip = None;
        if logical {
            // Short-circuit: keep the current value and skip the store.
            skip = Some(self.emit(match operator {
                AssignmentOperator::LogicalOr => Insn::JumpIfTrueKeep(0),
                AssignmentOperator::LogicalAnd => Insn::JumpIfFalseKeep(0),
                _ => Insn::JumpIfNotNullishKeep(0),
            }));
            self.expression_named(&assignment.right, name.as_deref());
        } else {
            self.expression(&assignment.right);
            self.emit(compound_insn(operator));
        }
        self.store_simple(target);
        if let Some(skip) = skip {
            // The skipped path still has the object (and key) under the value.
            let to_end = self.emit(Insn::Jump(0));
            self.patch(skip);
            match target {
                SimpleAssignmentTarget::StaticMemberExpression(_) => {
                    self.emit(Insn::Swap);
                    self.emit(Insn::Pop);
                }
                SimpleAssignmentTarget::ComputedMemberExpression(_) | SimpleAssignmentTarget::PrivateFieldExpression(_) => {
                    self.emit(Insn::RotDown3);
                    self.emit(Insn::Pop);
                    self.emit(Insn::Pop);
                }
                _ => {}
            }
            self.patch(to_end);
        }
    }

    /// Stores the value on top into a simple target whose reference parts
    /// (object, key) are below it: `[ref…, value] -> [value]`.
    fn store_simple(&mut self, target: &'s SimpleAssignmentTarget<'a>) {
        match target {
            SimpleAssignmentTarget::AssignmentTargetIdentifier(reference) => self.store_identifier(reference),
            SimpleAssignmentTarget::StaticMemberExpression(member) => {
                let name = self.atom(member.property.name.as_str());
                let ic = self.new_ic();
                self.emit(Insn::SetProp { name, ic });
            }
            SimpleAssignmentTarget::ComputedMemberExpression(_) => {
                self.emit(Insn::SetElem);
            }
            SimpleAssignmentTarget::PrivateFieldExpression(_) => {
                self.emit(Insn::SetPrivate);
            }
            _ => {}
        }
    }

    fn simple_assignment(&mut self, target: &'s SimpleAssignmentTarget<'a>, value: &'s Expression<'a>) {
        match target {
            // `super.x = v` / `super[k] = v`: `this` is checked first (its
            // binding is read when the reference is made).
            SimpleAssignmentTarget::StaticMemberExpression(member) if matches!(member.object, Expression::Super(_)) => {
                self.emit(Insn::ThisChecked);
                self.emit(Insn::Pop);
                self.expression(value);
                let name = self.atom(member.property.name.as_str());
                self.emit(Insn::SetSuper(name));
            }
            SimpleAssignmentTarget::ComputedMemberExpression(member) if matches!(member.object, Expression::Super(_)) => {
                self.emit(Insn::ThisChecked);
                self.emit(Insn::Pop);
                self.expression(&member.expression);
                self.expression(value);
                self.emit(Insn::SetSuperElem);
            }
            SimpleAssignmentTarget::AssignmentTargetIdentifier(reference) => {
                self.expression_named(value, Some(reference.name.as_str()));
                self.store_identifier(reference);
            }
            SimpleAssignmentTarget::StaticMemberExpression(member) => {
                self.expression(&member.object);
                self.expression(value);
                self.store_simple(target);
            }
            SimpleAssignmentTarget::ComputedMemberExpression(member) => {
                self.expression(&member.object);
                self.expression(&member.expression);
                self.expression(value);
                self.store_simple(target);
            }
            SimpleAssignmentTarget::PrivateFieldExpression(member) => {
                self.expression(&member.object);
                self.private_name(&member.field);
                self.expression(value);
                self.store_simple(target);
            }
            other => self.unsupported(other.span(), "TypeScript syntax"),
        }
    }

    /// `[value] -> [value]`, assigning it to any target, patterns included.
    pub(super) fn assign_to_target(&mut self, target: &'s AssignmentTarget<'a>) {
        if let Some(simple) = target.as_simple_assignment_target() {
            match simple {
                SimpleAssignmentTarget::AssignmentTargetIdentifier(reference) => self.store_identifier(reference),
                SimpleAssignmentTarget::StaticMemberExpression(member) => {
                    // [value] -> [value, obj, value] -> set -> [value, value] -> pop.
                    self.emit(Insn::Dup);
                    self.expression(&member.object);
                    self.emit(Insn::Swap);
                    self.store_simple(simple);
                    self.emit(Insn::Pop);
                }
                SimpleAssignmentTarget::ComputedMemberExpression(member) => {
                    self.emit(Insn::Dup);
                    self.expression(&member.object);
                    self.expression(&member.expression);
                    self.emit(Insn::RotDown3);
                    self.store_simple(simple);
                    self.emit(Insn::Pop);
                }
                SimpleAssignmentTarget::PrivateFieldExpression(member) => {
                    self.emit(Insn::Dup);
                    self.expression(&member.object);
                    self.private_name(&member.field);
                    self.emit(Insn::RotDown3);
                    self.store_simple(simple);
                    self.emit(Insn::Pop);
                }
                other => self.unsupported(other.span(), "TypeScript syntax"),
            }
            return;
        }
        match target {
            AssignmentTarget::ArrayAssignmentTarget(pattern) => {
                self.emit(Insn::Dup);
                self.array_assignment_pattern(pattern);
            }
            AssignmentTarget::ObjectAssignmentTarget(pattern) => {
                self.emit(Insn::Dup);
                self.object_assignment_pattern(pattern);
            }
            other => self.unsupported(other.span(), "this assignment target"),
        }
    }

    /// A member expression's value; optional links jump to `exits`.
    pub(super) fn member(&mut self, member: &'s MemberExpression<'a>, exits: &mut Vec<usize>) {
        match member {
            MemberExpression::StaticMemberExpression(member) => {
                if matches!(member.object, Expression::Super(_)) {
                    let name = self.atom(member.property.name.as_str());
                    self.emit(Insn::GetSuper(name));
                    return;
                }
                self.chain_object(&member.object, exits);
                if member.optional {
                    exits.push(self.emit(Insn::JumpIfNullish(0)));
                }
                // V8 places a property read at the property's name.
                self.at(member.property.span);
                let name = self.atom(member.property.name.as_str());
                let ic = self.new_ic();
                self.emit(Insn::GetProp { name, ic });
            }
            MemberExpression::ComputedMemberExpression(member) => {
                if matches!(member.object, Expression::Super(_)) {
                    self.expression(&member.expression);
                    self.emit(Insn::GetSuperElem);
                    return;
                }
                self.chain_object(&member.object, exits);
                if member.optional {
                    exits.push(self.emit(Insn::JumpIfNullish(0)));
                }
                self.expression(&member.expression);
                // V8 places an element read at its `[`.
                let bracket = member.object.span().end;
                self.at(Span::new(bracket, bracket));
                self.emit(Insn::GetElem);
            }
            MemberExpression::PrivateFieldExpression(member) => {
                self.chain_object(&member.object, exits);
                if member.optional {
                    exits.push(self.emit(Insn::JumpIfNullish(0)));
                }
                self.private_name(&member.field);
                self.emit(Insn::GetPrivate);
            }
        }
    }

    /// The object of a member inside an optional chain continues the chain.
    fn chain_object(&mut self, object: &'s Expression<'a>, exits: &mut Vec<usize>) {
        match object {
            Expression::CallExpression(call) => self.call(call, exits),
            other => match other.as_member_expression() {
                Some(member) => self.member(member, exits),
                None => self.expression(other),
            },
        }
    }

    /// Pushes a callee; for a member, `[this, function]` (returns true).
    fn callee(&mut self, callee: &'s Expression<'a>, exits: &mut Vec<usize>) -> bool {
        match callee {
            Expression::StaticMemberExpression(member) => {
                if matches!(member.object, Expression::Super(_)) {
                    self.emit(Insn::ThisChecked);
                    let name = self.atom(member.property.name.as_str());
                    self.emit(Insn::GetSuper(name));
                    return true;
                }
                self.chain_object(&member.object, exits);
                if member.optional {
                    exits.push(self.emit(Insn::JumpIfNullish(0)));
                }
                // V8 places a property read at the property's name.
                self.at(member.property.span);
                let name = self.atom(member.property.name.as_str());
                let ic = self.new_ic();
                self.emit(Insn::GetMethod { name, ic });
                true
            }
            Expression::ComputedMemberExpression(member) => {
                if matches!(member.object, Expression::Super(_)) {
                    self.emit(Insn::ThisChecked);
                    self.expression(&member.expression);
                    self.emit(Insn::GetSuperElem);
                    return true;
                }
                self.chain_object(&member.object, exits);
                if member.optional {
                    exits.push(self.emit(Insn::JumpIfNullish(0)));
                }
                self.expression(&member.expression);
                self.emit(Insn::GetElemMethod);
                true
            }
            Expression::PrivateFieldExpression(member) => {
                self.chain_object(&member.object, exits);
                if member.optional {
                    exits.push(self.emit(Insn::JumpIfNullish(0)));
                }
                self.emit(Insn::Dup);
                self.private_name(&member.field);
                self.emit(Insn::GetPrivate);
                true
            }
            Expression::ParenthesizedExpression(inner) if inner.expression.as_member_expression().is_some() => self.callee(&inner.expression, exits),
            other => {
                if let Expression::Identifier(reference) = other {
                    if self.with_callee(reference) {
                        return true;
                    }
                }
                self.chain_object(other, exits);
                false
            }
        }
    }

    /// Records the callee's source text for a call at instruction `at`, when
    /// it is a name or a chain of property reads (what V8's messages show);
    /// likewise an iterated expression's, for "x is not iterable".
    pub(super) fn note_call_site(&mut self, at: usize, callee: &Expression<'a>) {
        fn simple(expression: &Expression<'_>) -> bool {
            match expression {
                Expression::Identifier(_) | Expression::ThisExpression(_) => true,
                Expression::StaticMemberExpression(member) => simple(&member.object),
                Expression::ComputedMemberExpression(member) => {
                    simple(&member.object)
                        && matches!(member.expression, Expression::Identifier(_) | Expression::NumericLiteral(_) | Expression::StringLiteral(_))
                }
                Expression::PrivateFieldExpression(member) => simple(&member.object),
                _ => false,
            }
        }
        if !simple(callee) {
            return;
        }
        let span = callee.span();
        if let Some(text) = self.source.get(span.start as usize..span.end as usize) {
            if text.len() <= 80 && !text.contains('\n') {
                self.f().call_sites.push((at as u32, JsStr::from_str(text)));
            }
        }
    }

    pub(super) fn call(&mut self, call: &'s CallExpression<'a>, exits: &mut Vec<usize>) {
        if matches!(call.callee, Expression::Super(_)) {
            self.at(call.span);
            if has_spread(&call.arguments) {
                self.spread_arguments(&call.arguments);
                self.emit(Insn::SuperCallSpread);
            } else {
                for argument in &call.arguments {
                    self.argument(argument);
                }
                self.emit(Insn::SuperCall(call.arguments.len() as u32));
            }
            return;
        }
        let is_eval = matches!(&call.callee, Expression::Identifier(reference) if reference.name == "eval" && self.resolve(reference).is_none());
        if is_eval && !self.withs.is_empty() {
            self.unsupported(call.span, "a direct eval inside a with statement's body");
        }
        let with_this = self.callee(&call.callee, exits);
        let mut optional_stub = None;
        if call.optional {
            optional_stub = Some(self.emit(Insn::JumpIfNullish(0)));
        }
        self.at(call.span);
        if has_spread(&call.arguments) {
            self.spread_arguments(&call.arguments);
            self.at_call(call);
            self.emit(if with_this { Insn::CallMethodSpread } else { Insn::CallSpread });
        } else {
            for argument in &call.arguments {
                self.argument(argument);
            }
            let count = call.arguments.len() as u32;
            self.at_call(call);
            let call_insn = match (with_this, is_eval) {
                (true, _) => Insn::CallMethod(count),
                (false, true) => Insn::CallEval { argc: count as u16, site: self.eval_site() },
                (false, false) => Insn::Call(count),
            };
            let at = self.emit(call_insn);
            self.note_call_site(at, &call.callee);
        }
        if let Some(stub) = optional_stub {
            // The callee was nullish: drop the receiver, leave undefined.
            let over = self.emit(Insn::Jump(0));
            self.patch(stub);
            if with_this {
                self.emit(Insn::Swap);
                self.emit(Insn::Pop);
            }
            exits.push(self.emit(Insn::Jump(0)));
            self.patch(over);
        }
    }

    /// The position V8 gives a call in a stack trace (its parser's
    /// ParseLeftHandSideContinuation): the callee's name when it ends in
    /// one (`f()`, `o.m()`, `o.#m()`), else the `(` of the arguments
    /// (`(function () {})()`, `a[i]()`).
    fn at_call(&mut self, call: &'s CallExpression<'a>) {
        let offset = match &call.callee {
            Expression::Identifier(identifier) => identifier.span.start,
            Expression::StaticMemberExpression(member) => member.property.span.start,
            Expression::PrivateFieldExpression(member) => member.field.span.start,
            callee => self.lines.next_paren(callee.span().end),
        };
        self.at(Span::new(offset, offset));
    }

    /// Pushes the private name `#x` (resolved in the enclosing classes).
    pub(super) fn private_name(&mut self, identifier: &'s PrivateIdentifier<'a>) {
        self.private_symbol(identifier);
    }
}

fn has_spread(arguments: &[Argument<'_>]) -> bool {
    arguments.iter().any(|argument| matches!(argument, Argument::SpreadElement(_)))
}

fn binary_insn(operator: BinaryOperator) -> Insn {
    match operator {
        BinaryOperator::Addition => Insn::Add,
        BinaryOperator::Subtraction => Insn::Sub,
        BinaryOperator::Multiplication => Insn::Mul,
        BinaryOperator::Division => Insn::Div,
        BinaryOperator::Remainder => Insn::Mod,
        BinaryOperator::Exponential => Insn::Exp,
        BinaryOperator::BitwiseAnd => Insn::BitAnd,
        BinaryOperator::BitwiseOR => Insn::BitOr,
        BinaryOperator::BitwiseXOR => Insn::BitXor,
        BinaryOperator::ShiftLeft => Insn::Shl,
        BinaryOperator::ShiftRight => Insn::Shr,
        BinaryOperator::ShiftRightZeroFill => Insn::UShr,
        BinaryOperator::Equality => Insn::Eq,
        BinaryOperator::Inequality => Insn::Ne,
        BinaryOperator::StrictEquality => Insn::StrictEq,
        BinaryOperator::StrictInequality => Insn::StrictNe,
        BinaryOperator::LessThan => Insn::Lt,
        BinaryOperator::LessEqualThan => Insn::Le,
        BinaryOperator::GreaterThan => Insn::Gt,
        BinaryOperator::GreaterEqualThan => Insn::Ge,
        BinaryOperator::In => Insn::In,
        BinaryOperator::Instanceof => Insn::InstanceOf,
    }
}

fn compound_insn(operator: AssignmentOperator) -> Insn {
    match operator {
        AssignmentOperator::Addition => Insn::Add,
        AssignmentOperator::Subtraction => Insn::Sub,
        AssignmentOperator::Multiplication => Insn::Mul,
        AssignmentOperator::Division => Insn::Div,
        AssignmentOperator::Remainder => Insn::Mod,
        AssignmentOperator::Exponential => Insn::Exp,
        AssignmentOperator::BitwiseAnd => Insn::BitAnd,
        AssignmentOperator::BitwiseOR => Insn::BitOr,
        AssignmentOperator::BitwiseXOR => Insn::BitXor,
        AssignmentOperator::ShiftLeft => Insn::Shl,
        AssignmentOperator::ShiftRight => Insn::Shr,
        AssignmentOperator::ShiftRightZeroFill => Insn::UShr,
        _ => Insn::Nop,
    }
}

/// IsAnonymousFunctionDefinition (ECMA-262 8.4.3): a function, arrow or
/// class expression without a name of its own, parentheses aside.
pub(super) fn is_anonymous_function_definition(expression: &Expression<'_>) -> bool {
    match expression {
        Expression::FunctionExpression(function) => function.id.is_none(),
        Expression::ArrowFunctionExpression(_) => true,
        Expression::ClassExpression(class) => class.id.is_none(),
        Expression::ParenthesizedExpression(inner) => is_anonymous_function_definition(&inner.expression),
        _ => false,
    }
}
