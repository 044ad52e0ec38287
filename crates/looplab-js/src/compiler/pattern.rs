//! Destructuring: binding patterns (declarations, parameters, catch) and
//! assignment patterns (ECMA-262 8.6.2 BindingInitialization, 13.15.5
//! DestructuringAssignmentEvaluation). Array patterns use the iteration
//! protocol; object patterns read properties.

use super::codegen::Codegen;
use crate::bytecode::Insn;
use crate::string::JsStr;
use oxc_ast::ast::*;

impl<'s, 'a> Codegen<'s, 'a> {
    /// `[value] -> []`: binds `pattern` to the value. `init` is true for
    /// declarations (no TDZ check; `const` may be initialised).
    pub(super) fn bind_pattern(&mut self, pattern: &'s BindingPattern<'a>, init: bool) {
        match pattern {
            BindingPattern::BindingIdentifier(id) => {
                if init {
                    self.init_binding(id);
                } else if let Some(symbol) = id.symbol_id.get() {
                    self.with_store(Some(symbol), id.name.as_str(), id.span, |this| this.store_symbol(symbol, id.span, false));
                    self.emit(Insn::Pop);
                } else {
                    self.emit(Insn::Pop);
                }
            }
            BindingPattern::AssignmentPattern(pattern) => {
                self.emit(Insn::Dup);
                let skip = self.emit(Insn::JumpIfNotUndefined(0));
                self.emit(Insn::Pop);
                self.expression_named(&pattern.right, super::codegen::binding_name(&pattern.left));
                self.patch(skip);
                self.bind_pattern(&pattern.left, init);
            }
            BindingPattern::ObjectPattern(pattern) => {
                self.emit(Insn::ToObjectCoercible);
                let mut excluded = Vec::new();
                for property in &pattern.properties {
                    self.emit(Insn::Dup);
                    match self.property_key(&property.key, property.computed) {
                        Some(name) => {
                            excluded.push(Some(name));
                            let ic = self.new_ic();
                            self.emit(Insn::GetProp { name, ic });
                        }
                        None => {
                            excluded.push(None);
                            self.emit(Insn::GetElem);
                        }
                    }
                    self.bind_pattern(&property.value, init);
                }
                match &pattern.rest {
                    Some(rest) => {
                        self.object_rest(&excluded, rest.span);
                        self.bind_pattern(&rest.argument, init);
                    }
                    None => {
                        self.emit(Insn::Pop);
                    }
                }
            }
            BindingPattern::ArrayPattern(pattern) => {
                let at = self.emit(Insn::GetIterator);
                if let Some(source) = self.iterable_source.take() {
                    self.note_call_site(at, source);
                }
                let done = self.new_register();
                self.emit(Insn::False);
                self.emit(Insn::PutReg(done));
                for element in &pattern.elements {
                    self.iterator_step_value(done);
                    match element {
                        Some(element) => self.bind_pattern(element, init),
                        None => {
                            self.emit(Insn::Pop);
                        }
                    }
                }
                if let Some(rest) = &pattern.rest {
                    self.iterator_rest(done);
                    self.bind_pattern(&rest.argument, init);
                }
                self.iterator_finish(done);
            }
        }
    }

    /// `[source] -> [rest]`: a copy of the source without the listed keys.
    /// (Computed keys are not excluded yet.)
    fn object_rest(&mut self, excluded: &[Option<crate::value::Atom>], span: oxc_span::Span) {
        if excluded.iter().any(Option::is_none) {
            self.unsupported(span, "an object rest after a computed key");
        }
        self.emit(Insn::NewObject);
        self.emit(Insn::Swap);
        let names: Vec<JsStr> = excluded.iter().flatten().map(|atom| self.atoms.name(*atom).clone()).collect();
        let count = names.len() as u32;
        for name in names {
            self.push_string(name);
        }
        self.emit(Insn::CopyDataPropertiesExcept(count));
    }

    /// `[iterator, next] -> [iterator, next, value]`: the next value, or
    /// `undefined` once the iterator is done (it is not called again).
    fn iterator_step_value(&mut self, done: u32) {
        self.emit(Insn::GetReg(done));
        let skip = self.emit(Insn::JumpIfTrue(0));
        self.emit(Insn::IteratorNext);
        self.emit(Insn::IteratorDone);
        self.emit(Insn::Dup);
        self.emit(Insn::PutReg(done));
        let finished = self.emit(Insn::JumpIfTrue(0));
        self.emit(Insn::IteratorValue);
        let bound = self.emit(Insn::Jump(0));
        self.patch(finished);
        self.emit(Insn::Pop);
        self.patch(skip);
        self.emit(Insn::Undefined);
        self.patch(bound);
    }

    fn iterator_rest(&mut self, done: u32) {
        self.emit(Insn::GetReg(done));
        let empty = self.emit(Insn::JumpIfTrue(0));
        self.emit(Insn::IteratorRest);
        let over = self.emit(Insn::Jump(0));
        self.patch(empty);
        self.emit(Insn::NewArray(0));
        self.patch(over);
        self.emit(Insn::True);
        self.emit(Insn::PutReg(done));
    }

    /// `[iterator, next] -> []`, closing the iterator unless it is done.
    fn iterator_finish(&mut self, done: u32) {
        self.emit(Insn::GetReg(done));
        let finished = self.emit(Insn::JumpIfTrue(0));
        self.emit(Insn::IteratorClose);
        let over = self.emit(Insn::Jump(0));
        self.patch(finished);
        self.emit(Insn::Pop);
        self.emit(Insn::Pop);
        self.patch(over);
    }

    /// `[value] -> []`, assigning into an assignment pattern's targets.
    pub(super) fn array_assignment_pattern(&mut self, pattern: &'s ArrayAssignmentTarget<'a>) {
        self.emit(Insn::GetIterator);
        let done = self.new_register();
        self.emit(Insn::False);
        self.emit(Insn::PutReg(done));
        for element in &pattern.elements {
            self.iterator_step_value(done);
            match element {
                Some(target) => self.assign_maybe_default(target),
                None => {
                    self.emit(Insn::Pop);
                }
            }
        }
        if let Some(rest) = &pattern.rest {
            self.iterator_rest(done);
            self.assign_to_target(&rest.target);
            self.emit(Insn::Pop);
        }
        self.iterator_finish(done);
    }

    pub(super) fn object_assignment_pattern(&mut self, pattern: &'s ObjectAssignmentTarget<'a>) {
        self.emit(Insn::ToObjectCoercible);
        let mut excluded = Vec::new();
        for property in &pattern.properties {
            self.emit(Insn::Dup);
            match property {
                AssignmentTargetProperty::AssignmentTargetPropertyIdentifier(property) => {
                    let name = self.atom(property.binding.name.as_str());
                    excluded.push(Some(name));
                    let ic = self.new_ic();
                    self.emit(Insn::GetProp { name, ic });
                    if let Some(init) = &property.init {
                        self.emit(Insn::Dup);
                        let skip = self.emit(Insn::JumpIfNotUndefined(0));
                        self.emit(Insn::Pop);
                        self.expression_named(init, Some(property.binding.name.as_str()));
                        self.patch(skip);
                    }
                    self.store_identifier(&property.binding);
                    self.emit(Insn::Pop);
                }
                AssignmentTargetProperty::AssignmentTargetPropertyProperty(property) => {
                    match self.property_key(&property.name, property.computed) {
                        Some(name) => {
                            excluded.push(Some(name));
                            let ic = self.new_ic();
                            self.emit(Insn::GetProp { name, ic });
                        }
                        None => {
                            excluded.push(None);
                            self.emit(Insn::GetElem);
                        }
                    }
                    self.assign_maybe_default(&property.binding);
                }
            }
        }
        match &pattern.rest {
            Some(rest) => {
                self.object_rest(&excluded, rest.span);
                self.assign_to_target(&rest.target);
                self.emit(Insn::Pop);
            }
            None => {
                self.emit(Insn::Pop);
            }
        }
    }

    /// `[value] -> []` into a target that may have a default.
    fn assign_maybe_default(&mut self, target: &'s AssignmentTargetMaybeDefault<'a>) {
        match target {
            AssignmentTargetMaybeDefault::AssignmentTargetWithDefault(with_default) => {
                self.emit(Insn::Dup);
                let skip = self.emit(Insn::JumpIfNotUndefined(0));
                self.emit(Insn::Pop);
                let name = match &with_default.binding {
                    AssignmentTarget::AssignmentTargetIdentifier(reference) => Some(reference.name.to_string()),
                    _ => None,
                };
                self.expression_named(&with_default.init, name.as_deref());
                self.patch(skip);
                self.assign_to_target(&with_default.binding);
                self.emit(Insn::Pop);
            }
            other => {
                if let Some(target) = other.as_assignment_target() {
                    self.assign_to_target(target);
                }
                self.emit(Insn::Pop);
            }
        }
    }
}
