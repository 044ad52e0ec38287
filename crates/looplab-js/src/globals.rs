//! The global environment of scripts (ECMA-262 9.1.1.4): top-level
//! `let`/`const`/`class` in a declarative record, `var` and functions as
//! global object properties, GlobalDeclarationInstantiation's checks.

use crate::errors::ErrorType;
use crate::shape::{CONFIGURABLE, ENUMERABLE, WRITABLE};
use crate::value::{Atom, Key, Value};
use crate::{JsResult, Vm};

impl Vm {
    pub(crate) fn global_lexical(&self, name: Atom) -> Option<Value> {
        self.global_lexicals.get(&name).map(|(value, _)| value.clone())
    }

    pub(crate) fn global_lexical_is_const(&self, name: Atom) -> bool {
        self.global_lexicals.get(&name).is_some_and(|(_, is_const)| *is_const)
    }

    pub(crate) fn set_global_lexical(&mut self, name: Atom, value: Value) {
        if let Some(entry) = self.global_lexicals.get_mut(&name) {
            entry.0 = value;
        }
    }

    /// GlobalDeclarationInstantiation (ECMA-262 16.1.7).
    pub(crate) fn declare_globals(&mut self, declarations: crate::bytecode::GlobalDeclarations) -> JsResult<()> {
        let global = self.intrinsics.global;
        for (name, _) in &declarations.lexicals {
            if self.global_lexicals.contains_key(name) {
                return self.throw(ErrorType::SyntaxError, &format!("Identifier '{}' has already been declared", self.atoms.name(*name)));
            }
            if self.heap.own(global, Key::Atom(*name)).is_some_and(|found| found.attrs & CONFIGURABLE == 0) {
                return self.throw(ErrorType::SyntaxError, &format!("Identifier '{}' has already been declared", self.atoms.name(*name)));
            }
        }
        for name in declarations.vars.iter().chain(declarations.functions.iter()) {
            if self.global_lexicals.contains_key(name) {
                return self.throw(ErrorType::SyntaxError, &format!("Identifier '{}' has already been declared", self.atoms.name(*name)));
            }
        }
        for name in declarations.functions.iter().chain(declarations.vars.iter()) {
            if self.heap.own(global, Key::Atom(*name)).is_none() {
                self.heap.put(global, Key::Atom(*name), Value::Undefined, WRITABLE | ENUMERABLE);
            }
        }
        for (name, is_const) in declarations.lexicals {
            self.global_lexicals.insert(name, (Value::Empty, is_const));
        }
        Ok(())
    }
}
