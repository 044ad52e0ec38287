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
        // [parent, constructor] -> [class, prototype]
        self.emit(Insn::Class { derived });
        // The constructor's home object is the prototype.
        self.emit(Insn::Pick(1));
        self.emit(Insn::Pick(1));
        self.emit(Insn::SetHome);
        self.emit(Insn::Pop);
        for element in &class.body.body {
            match element {
                ClassElement::MethodDefinition(method) if method.kind != MethodDefinitionKind::Constructor => self.class_method(method),
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
        if !instance_fields.is_empty() {
            // [class, proto] -> [proto, class, fields] -> home -> SetFields.
            self.emit(Insn::Swap);
            self.synthetic_function(FunctionKind::FieldInitializer, "", class.span, |this| {
                for field in &instance_fields {
                    this.field(field);
                }
            });
            self.emit(Insn::Pick(2));
            self.emit(Insn::SetHome);
            self.emit(Insn::SetFields);
            self.emit(Insn::Swap);
        }
        let has_static = class
            .body
            .body
            .iter()
            .any(|element| matches!(element, ClassElement::StaticBlock(_)) || matches!(element, ClassElement::PropertyDefinition(field) if field.r#static));
        if has_static {
            // One function runs the static fields and blocks in order, with
            // `this` the class and the class its home object.
            self.emit(Insn::Pick(1));
            self.synthetic_function(FunctionKind::StaticBlock, "", class.span, |this| {
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
        self.leave_scope(pushed);
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
            method.span,
        );
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

    /// In a field initialiser: defines one field on `this`.
    fn field(&mut self, field: &'s PropertyDefinition<'a>) {
        self.at(field.span);
        if matches!(field.key, PropertyKey::PrivateIdentifier(_)) {
            self.unsupported(field.span, "private class members (#x)");
            return;
        }
        if field.computed {
            self.unsupported(field.span, "a class field with a computed key");
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
