//! Classes (ECMA-262 15.7, ClassDefinitionEvaluation): the constructor,
//! methods and accessors on the prototype or the class, instance fields
//! compiled into one initialiser function the constructor runs, and static
//! fields and blocks run once, in order, with `this` the class.

use super::codegen::Codegen;
use crate::bytecode::{FunctionKind, Insn};
use crate::string::JsStr;
use oxc_ast::ast::*;

impl<'s, 'a> Codegen<'s, 'a> {
    /// `[] -> [class]`.
    pub(super) fn class(&mut self, class: &'s Class<'a>, name: Option<&str>) {
        self.at(class.span);
        let class_name = class.id.as_ref().map(|id| id.name.to_string()).or(name.map(str::to_string)).unwrap_or_default();
        // Inside its body a class's name is an immutable binding (ECMA-262
        // 15.7.14 ClassDefinitionEvaluation, CreateImmutableBinding).
        let own_name = class.id.as_ref().and_then(|id| id.symbol_id.get());
        let newly_immutable = own_name.is_some_and(|symbol| self.function_names.insert(symbol));
        self.class_depth += 1;
        let pushed = match class.scope_id.get() {
            Some(scope) => {
                let pushed = self.enter_scope(scope);
                self.init_lexical_tdz(scope);
                pushed
            }
            None => false,
        };
        let derived = class.heritage.is_some();
        match &class.heritage {
            Some(heritage) => self.expression(&heritage.expression),
            None => {
                self.emit(Insn::Empty);
            }
        }
        // The class's private names (ECMA-262 15.7.14 step 6: a new
        // PrivateEnvironment), each a fresh private symbol in a heap scope
        // of their own, with a slot for each private method and accessor.
        let private_pushed = self.enter_private_scope(class);
        let constructor = class.body.body.iter().find_map(|element| match element {
            ClassElement::MethodDefinition(method) if method.kind == MethodDefinitionKind::Constructor => Some(method),
            _ => None,
        });
        let kind = if derived { FunctionKind::DerivedConstructor } else { FunctionKind::ClassConstructor };
        match constructor {
            Some(method) => {
                let function = &method.value;
                self.function(kind, &class_name, &function.params, function.body.as_deref(), None, function.scope_id.get(), false, false, method.span);
            }
            None => self.default_constructor(kind, &class_name, class.span),
        }
        // A class's source text is the whole class (ECMA-262 15.7.15 step 17).
        let class_text: Option<std::rc::Rc<str>> = self.source.get(class.span.start as usize..class.span.end as usize).map(std::rc::Rc::from);
        if let Some(code) = self.f().functions.last_mut().and_then(std::rc::Rc::get_mut) {
            code.source = class_text;
            code.source_span = (class.span.start, class.span.end);
        }
        // [parent, constructor] -> [class, prototype]
        self.emit(Insn::Class { derived });
        // The constructor's home object is the prototype.
        self.emit(Insn::Pick(1));
        self.emit(Insn::Pick(1));
        self.emit(Insn::SetHome);
        self.emit(Insn::Pop);
        for element in &class.body.body {
            match element {
                ClassElement::MethodDefinition(method) if method.kind != MethodDefinitionKind::Constructor => {
                    if matches!(method.key, PropertyKey::PrivateIdentifier(_)) {
                        self.private_method_value(method);
                    } else {
                        self.class_method(method);
                    }
                }
                ClassElement::PropertyDefinition(field) if field.computed => {
                    // ClassFieldDefinitionEvaluation: the key now, the value later.
                    if let Some(expression) = field.key.as_expression() {
                        self.expression(expression);
                        self.emit(Insn::ToPropertyKey);
                        let slot = self.computed_key_slot(field.span.start);
                        match slot {
                            Some((depth, slot)) => {
                                self.emit(Insn::PutScope { depth, slot });
                            }
                            None => {
                                self.emit(Insn::Pop);
                            }
                        }
                    }
                }
                ClassElement::AccessorProperty(accessor) => self.unsupported(accessor.span, "auto-accessors"),
                ClassElement::TSIndexSignature(signature) => self.unsupported(signature.span, "TypeScript"),
                _ => {}
            }
        }
        let instance_fields: Vec<&'s PropertyDefinition<'a>> = class
            .body
            .body
            .iter()
            .filter_map(|element| match element {
                ClassElement::PropertyDefinition(field) if !field.r#static => Some(&**field),
                _ => None,
            })
            .collect();
        let instance_private_methods: Vec<&'s MethodDefinition<'a>> = class
            .body
            .body
            .iter()
            .filter_map(|element| match element {
                ClassElement::MethodDefinition(method) if !method.r#static && matches!(method.key, PropertyKey::PrivateIdentifier(_)) => Some(&**method),
                _ => None,
            })
            .collect();
        if !instance_fields.is_empty() || !instance_private_methods.is_empty() {
            // [class, proto] -> [proto, class, fields] -> home -> SetFields.
            self.emit(Insn::Swap);
            self.synthetic_function(FunctionKind::FieldInitializer, "", class.span, |this| {
                // Private methods and accessors first (ECMA-262 7.3.34
                // InitializeInstanceElements), then fields in order.
                this.install_private_methods(&instance_private_methods);
                for field in &instance_fields {
                    this.field(field);
                }
            });
            self.emit(Insn::Pick(2));
            self.emit(Insn::SetHome);
            self.emit(Insn::SetFields);
            self.emit(Insn::Swap);
        }
        let static_private_methods: Vec<&'s MethodDefinition<'a>> = class
            .body
            .body
            .iter()
            .filter_map(|element| match element {
                ClassElement::MethodDefinition(method) if method.r#static && matches!(method.key, PropertyKey::PrivateIdentifier(_)) => Some(&**method),
                _ => None,
            })
            .collect();
        let has_static =
            !static_private_methods.is_empty()
                || class.body.body.iter().any(|element| {
                    matches!(element, ClassElement::StaticBlock(_)) || matches!(element, ClassElement::PropertyDefinition(field) if field.r#static)
                });
        if has_static {
            // One function runs the static fields and blocks in order, with
            // `this` the class and the class its home object.
            self.emit(Insn::Pick(1));
            self.synthetic_function(FunctionKind::StaticBlock, "", class.span, |this| {
                this.install_private_methods(&static_private_methods);
                for element in &class.body.body {
                    match element {
                        ClassElement::PropertyDefinition(field) if field.r#static => this.field(field),
                        ClassElement::StaticBlock(block) => {
                            let pushed = match block.scope_id.get() {
                                Some(scope) => {
                                    let pushed = this.enter_scope(scope);
                                    this.init_lexical_tdz(scope);
                                    this.hoist_functions_in(scope, &block.body);
                                    pushed
                                }
                                None => false,
                            };
                            this.statements(&block.body);
                            this.leave_scope(pushed);
                        }
                        _ => {}
                    }
                }
            });
            self.emit(Insn::Over);
            self.emit(Insn::SetHome);
            self.emit(Insn::CallMethod(0));
            self.emit(Insn::Pop);
        }
        self.emit(Insn::Pop);
        if let Some(id) = &class.id {
            if let Some(symbol) = id.symbol_id.get() {
                // The class's own inner binding, in the class scope.
                if class.scope_id.get().is_some_and(|scope| self.scoping.symbol_scope_id(symbol) == scope) {
                    self.store_symbol(symbol, id.span, true);
                }
            }
        }
        self.leave_private_scope(private_pushed);
        self.leave_scope(pushed);
        self.class_depth -= 1;
        if let (true, Some(symbol)) = (newly_immutable, own_name) {
            // A declaration's outer binding is mutable after the body.
            if !class.scope_id.get().is_some_and(|scope| self.scoping.symbol_scope_id(symbol) == scope) {
                self.function_names.remove(&symbol);
            }
        }
    }

    /// `[class, proto] -> [class, proto]`, defining one method or accessor.
    fn class_method(&mut self, method: &'s MethodDefinition<'a>) {
        self.at(method.span);
        if matches!(method.key, PropertyKey::PrivateIdentifier(_)) {
            self.unsupported(method.span, "private class members (#x)");
            return;
        }
        // The target: the class for static members, else the prototype.
        self.emit(if method.r#static { Insn::Pick(1) } else { Insn::Dup });
        let name = self.key_name(&method.key, method.computed);
        if let Some(atom) = self.property_key(&method.key, method.computed) {
            let text = self.atoms.name(atom).clone();
            self.push_string(text);
        }
        let kind = match method.kind {
            MethodDefinitionKind::Get => FunctionKind::Getter,
            MethodDefinitionKind::Set => FunctionKind::Setter,
            _ => FunctionKind::Method,
        };
        let function = &method.value;
        let prefixed = match kind {
            FunctionKind::Getter => format!("get {}", name.as_deref().unwrap_or("")),
            FunctionKind::Setter => format!("set {}", name.as_deref().unwrap_or("")),
            _ => name.clone().unwrap_or_default(),
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
            self.method_source(method),
        );
        if name.is_none() {
            self.emit(Insn::NameFromKey(match kind {
                FunctionKind::Getter => 1,
                FunctionKind::Setter => 2,
                _ => 0,
            }));
        }
        // [.., target, key, fn] -> home is the target.
        self.emit(Insn::Pick(2));
        self.emit(Insn::SetHome);
        self.emit(match kind {
            FunctionKind::Getter => Insn::InitGetter { enumerable: false },
            FunctionKind::Setter => Insn::InitSetter { enumerable: false },
            _ => Insn::InitMethod,
        });
        self.emit(Insn::Pop);
    }

    /// A class method's source span for `toString`: V8 leaves out `static`.
    fn method_source(&self, method: &MethodDefinition<'a>) -> oxc_span::Span {
        let mut start = method.span.start;
        if method.r#static {
            let text = self.source.get(start as usize..method.span.end as usize).unwrap_or("");
            if let Some(rest) = text.strip_prefix("static") {
                start += (text.len() - rest.trim_start().len()) as u32;
            }
        }
        oxc_span::Span::new(start, method.span.end)
    }

    /// In a field initialiser: defines one field on `this`.
    fn field(&mut self, field: &'s PropertyDefinition<'a>) {
        self.at(field.span);
        if let PropertyKey::PrivateIdentifier(identifier) = &field.key {
            self.emit(Insn::This);
            self.private_name(identifier);
            let name = format!("#{}", identifier.name);
            match &field.value {
                Some(value) => self.expression_named(value, Some(&name)),
                None => {
                    self.emit(Insn::Undefined);
                }
            }
            self.emit(Insn::DefinePrivate);
            self.emit(Insn::Pop);
            return;
        }
        if field.computed {
            let Some((depth, slot)) = self.computed_key_slot(field.span.start) else { return };
            self.emit(Insn::This);
            self.emit(Insn::GetScope { depth, slot });
            match &field.value {
                Some(value) => {
                    self.expression(value);
                    if super::expr::is_anonymous_function_definition(value) {
                        self.emit(Insn::NameFromKey(0));
                    }
                }
                None => {
                    self.emit(Insn::Undefined);
                }
            }
            self.emit(Insn::DefineField);
            self.emit(Insn::Pop);
            return;
        }
        self.emit(Insn::This);
        let name = self.key_name(&field.key, false);
        let key = JsStr::from_str(name.as_deref().unwrap_or(""));
        match crate::value::array_index_of(&key) {
            Some(index) => self.push_number(f64::from(index)),
            None => self.push_string(key),
        }
        match &field.value {
            Some(value) => self.expression_named(value, name.as_deref()),
            None => {
                self.emit(Insn::Undefined);
            }
        }
        self.emit(Insn::DefineField);
        self.emit(Insn::Pop);
    }

    /// `constructor() {}`, or `constructor(...args) { super(...args); }`
    /// for a derived class (ECMA-262 15.7.14 step 14).
    fn default_constructor(&mut self, kind: FunctionKind, name: &str, span: oxc_span::Span) {
        self.synthetic_function(kind, name, span, |this| {
            if kind == FunctionKind::DerivedConstructor {
                this.emit(Insn::RestArguments(0));
                this.emit(Insn::SuperCallSpread);
                this.emit(Insn::Pop);
            }
        });
    }

    /// Compiles a function the source does not spell out, and emits its closure.
    pub(super) fn synthetic_function(&mut self, kind: FunctionKind, name: &str, span: oxc_span::Span, body: impl FnOnce(&mut Self)) {
        self.begin_function(kind, true, false, false, span);
        body(self);
        self.emit(Insn::Undefined);
        self.emit(Insn::Return);
        let code = self.end_function(name, 0, span);
        let state = self.f();
        state.functions.push(code);
        let index = state.functions.len() as u32 - 1;
        self.emit(Insn::Closure(index));
    }
}

/// A class's private names at compile time: for each, the heap-scope slot
/// of its private symbol, and of its method, getter and setter functions.
#[derive(Default, Clone)]
pub(super) struct PrivateNames {
    pub scope: Option<oxc_syntax::scope::ScopeId>,
    pub names: Vec<(String, PrivateSlots)>,
    /// Computed field keys, evaluated once at class definition: the
    /// field's source offset and its slot.
    pub computed_keys: Vec<(u32, u16)>,
}

#[derive(Default, Clone, Copy)]
pub(super) struct PrivateSlots {
    pub symbol: u16,
    pub method: Option<u16>,
    pub getter: Option<u16>,
    pub setter: Option<u16>,
}

impl<'s, 'a> Codegen<'s, 'a> {
    /// Pushes a heap scope holding the class's private names, each made
    /// fresh when the class is evaluated. Returns whether one was pushed.
    fn enter_private_scope(&mut self, class: &'s Class<'a>) -> bool {
        let mut names: Vec<(String, PrivateSlots)> = Vec::new();
        let mut slots = 0u16;
        for element in &class.body.body {
            let (identifier, kind) = match element {
                ClassElement::PropertyDefinition(field) => match &field.key {
                    PropertyKey::PrivateIdentifier(identifier) => (identifier, None),
                    _ => continue,
                },
                ClassElement::MethodDefinition(method) => match &method.key {
                    PropertyKey::PrivateIdentifier(identifier) => (identifier, Some(method.kind)),
                    _ => continue,
                },
                _ => continue,
            };
            let name = identifier.name.as_str();
            let index = match names.iter().position(|(existing, _)| existing == name) {
                Some(index) => index,
                None => {
                    names.push((name.to_string(), PrivateSlots { symbol: slots, ..PrivateSlots::default() }));
                    slots += 1;
                    names.len() - 1
                }
            };
            if let Some(kind) = kind {
                let extra = slots;
                slots += 1;
                let entry = &mut names[index].1;
                match kind {
                    MethodDefinitionKind::Get => entry.getter = Some(extra),
                    MethodDefinitionKind::Set => entry.setter = Some(extra),
                    _ => entry.method = Some(extra),
                }
            }
        }
        let mut computed_keys = Vec::new();
        for element in &class.body.body {
            if let ClassElement::PropertyDefinition(field) = element {
                if field.computed {
                    computed_keys.push((field.span.start, slots));
                    slots += 1;
                }
            }
        }
        if slots == 0 {
            self.private_names.push(PrivateNames::default());
            return false;
        }
        // A scope id no oxc scope has: private scopes are the compiler's own.
        let marker = oxc_syntax::scope::ScopeId::new(u32::MAX as usize - 1 - self.private_names.len());
        let layout_names = (0..slots).map(|_| self.atoms.intern_str("#private")).collect();
        let state = self.f();
        state.scopes.push(crate::bytecode::ScopeLayout { names: layout_names });
        let index = state.scopes.len() as u32 - 1;
        self.emit(Insn::PushScope(index));
        self.chain.push(marker);
        if let Some(unwind) = self.unwind.last_mut() {
            unwind.push(super::codegen::UnwindEntry::Scope);
        }
        let class_name = class.id.as_ref().map_or_else(|| "anonymous".to_string(), |id| id.name.to_string());
        for (name, entry) in &names {
            // A method's or accessor's name carries its class's name after a
            // NUL, for V8's brand-check message ("Receiver must be an
            // instance of class C").
            let is_method = entry.method.is_some() || entry.getter.is_some() || entry.setter.is_some();
            let text = if is_method { format!("#{name}\u{0}{class_name}") } else { format!("#{name}") };
            let description = self.string_constant(JsStr::from_string(text));
            self.emit(Insn::NewPrivateName(description));
            self.emit(Insn::PutScope { depth: 0, slot: entry.symbol });
        }
        self.private_names.push(PrivateNames { scope: Some(marker), names, computed_keys });
        true
    }

    fn leave_private_scope(&mut self, pushed: bool) {
        self.private_names.pop();
        self.leave_scope(pushed);
    }

    /// The slots of private name `name`, innermost class first, and the
    /// depth of its scope here.
    fn private_slots(&self, name: &str) -> Option<(u16, PrivateSlots)> {
        for names in self.private_names.iter().rev() {
            if let Some((_, slots)) = names.names.iter().find(|(existing, _)| existing == name) {
                let scope = names.scope?;
                let position = self.chain.iter().rposition(|entry| *entry == scope)?;
                return Some(((self.chain.len() - 1 - position) as u16, *slots));
            }
        }
        None
    }

    /// The slot holding a computed field key, and its scope's depth here.
    fn computed_key_slot(&self, field_start: u32) -> Option<(u16, u16)> {
        let names = self.private_names.last()?;
        let (_, slot) = names.computed_keys.iter().find(|(start, _)| *start == field_start)?;
        let scope = names.scope?;
        let position = self.chain.iter().rposition(|entry| *entry == scope)?;
        Some(((self.chain.len() - 1 - position) as u16, *slot))
    }

    /// Evaluates a private method or accessor's function once, at class
    /// definition, into its slot (`[class, proto] -> [class, proto]`).
    fn private_method_value(&mut self, method: &'s MethodDefinition<'a>) {
        let PropertyKey::PrivateIdentifier(identifier) = &method.key else { return };
        let Some((_, slots)) = self.private_slots(identifier.name.as_str()) else { return };
        let kind = match method.kind {
            MethodDefinitionKind::Get => FunctionKind::Getter,
            MethodDefinitionKind::Set => FunctionKind::Setter,
            _ => FunctionKind::Method,
        };
        let name = format!("#{}", identifier.name);
        let prefixed = match kind {
            FunctionKind::Getter => format!("get {name}"),
            FunctionKind::Setter => format!("set {name}"),
            _ => name,
        };
        let function = &method.value;
        self.function(
            kind,
            &prefixed,
            &function.params,
            function.body.as_deref(),
            None,
            function.scope_id.get(),
            function.r#async,
            function.generator,
            self.method_source(method),
        );
        // Home object: the class for static members, else the prototype.
        self.emit(Insn::Pick(if method.r#static { 2 } else { 1 }));
        self.emit(Insn::SetHome);
        let slot = match kind {
            FunctionKind::Getter => slots.getter,
            FunctionKind::Setter => slots.setter,
            _ => slots.method,
        };
        // The depth is taken after the closure was emitted (same chain).
        let depth = self.private_slots(identifier.name.as_str()).map_or(0, |(depth, _)| depth);
        match slot {
            Some(slot) => {
                self.emit(Insn::PutScope { depth, slot });
            }
            None => {
                self.emit(Insn::Pop);
            }
        }
    }

    /// In a field initialiser or static block: installs private methods
    /// and accessors on `this`.
    fn install_private_methods(&mut self, methods: &[&'s MethodDefinition<'a>]) {
        let mut done: Vec<String> = Vec::new();
        for method in methods {
            let PropertyKey::PrivateIdentifier(identifier) = &method.key else { continue };
            let name = identifier.name.to_string();
            if done.contains(&name) {
                continue;
            }
            done.push(name.clone());
            let Some((depth, slots)) = self.private_slots(&name) else { continue };
            self.emit(Insn::This);
            self.emit(Insn::GetScope { depth, slot: slots.symbol });
            match slots.method {
                Some(slot) => {
                    self.emit(Insn::GetScope { depth, slot });
                    self.emit(Insn::DefinePrivateMethod);
                }
                None => {
                    for accessor in [slots.getter, slots.setter] {
                        match accessor {
                            Some(slot) => {
                                self.emit(Insn::GetScope { depth, slot });
                            }
                            None => {
                                self.emit(Insn::Undefined);
                            }
                        }
                    }
                    self.emit(Insn::DefinePrivateAccessor);
                }
            }
            self.emit(Insn::Pop);
        }
    }

    /// Pushes the private symbol `#x` names here.
    pub(super) fn private_symbol(&mut self, identifier: &'s PrivateIdentifier<'a>) {
        match self.private_slots(identifier.name.as_str()) {
            Some((depth, slots)) => {
                self.emit(Insn::GetScope { depth, slot: slots.symbol });
            }
            None => self.syntax_error(identifier.span, &format!("Private field '#{}' must be declared in an enclosing class", identifier.name)),
        }
    }
}
