//! Iteration as the interpreter and the built-ins use it (ECMA-262 7.4):
//! GetIterator, stepping to the end, IteratorClose, and `for…in` state.

use crate::object::Kind;
use crate::shape::ENUMERABLE;
use crate::value::{Key, Value};
use crate::vm::symbols;
use crate::{atoms, Embedder, JsResult, Vm};

impl Vm {
    /// GetIterator (ECMA-262 7.4.2), sync: `[iterator, next]`.
    pub fn get_iterator(&mut self, host: &mut dyn Embedder, iterable: &Value) -> JsResult<(Value, Value)> {
        self.get_iterator_named(host, iterable, false)
    }

    /// GetIterator at a syntactic site (for-of, a spread, an array
    /// pattern): V8's TypeError names the expression's source text
    /// (`ports is not iterable`) when the compiler noted it.
    pub(crate) fn get_iterator_at_site(&mut self, host: &mut dyn Embedder, iterable: &Value) -> JsResult<(Value, Value)> {
        self.get_iterator_named(host, iterable, true)
    }

    fn get_iterator_named(&mut self, host: &mut dyn Embedder, iterable: &Value, at_site: bool) -> JsResult<(Value, Value)> {
        let method = self.get(host, iterable, Key::Symbol(symbols::ITERATOR))?;
        if !self.is_callable(&method) {
            let what = match self.call_site().filter(|_| at_site) {
                Some(text) => text,
                None => self.describe_for_error(iterable),
            };
            return self.type_error(&format!("{what} is not iterable"));
        }
        let iterator = self.call(host, &method, iterable, &[])?;
        if !iterator.is_object() {
            return self.type_error("Result of the Symbol.iterator method is not an object");
        }
        let next = self.get(host, &iterator, Key::Atom(atoms::NEXT))?;
        Ok((iterator, next))
    }

    /// Every value an iterable yields.
    pub fn iterate_to_vec(&mut self, host: &mut dyn Embedder, iterable: &Value) -> JsResult<Vec<Value>> {
        let (iterator, next) = self.get_iterator(host, iterable)?;
        self.drain_iterator(host, &iterator, &next)
    }

    /// Every value left in an iterator (`next` is its method), in order.
    pub fn drain_iterator(&mut self, host: &mut dyn Embedder, iterator: &Value, next: &Value) -> JsResult<Vec<Value>> {
        let mut values = Vec::new();
        loop {
            let result = self.call(host, next, iterator, &[])?;
            if !result.is_object() {
                return self.type_error("Iterator result is not an object");
            }
            if self.get(host, &result, Key::Atom(atoms::DONE))?.truthy() {
                return Ok(values);
            }
            values.push(self.get(host, &result, Key::Atom(atoms::VALUE))?);
        }
    }

    /// IteratorClose (ECMA-262 7.4.10) after a normal completion.
    pub fn iterator_close(&mut self, host: &mut dyn Embedder, iterator: &Value) -> JsResult<()> {
        let method = self.get(host, iterator, Key::Atom(atoms::RETURN))?;
        if method.is_nullish() {
            return Ok(());
        }
        let result = self.call(host, &method, iterator, &[])?;
        if !result.is_object() {
            return self.type_error("Iterator result is not an object");
        }
        Ok(())
    }

    pub(crate) fn for_in_start(&mut self, object: &Value) -> JsResult<Value> {
        let mut keys = Vec::new();
        let mut start = match object {
            Value::Undefined | Value::Null => None,
            other => Some(self.to_object(other)?),
        };
        let first = start;
        let mut seen: std::collections::HashSet<Key> = std::collections::HashSet::new();
        while let Some(id) = start {
            for key in self.heap.own_keys(id) {
                if key.is_symbol() || !seen.insert(key) {
                    continue;
                }
                if self.own_property(id, key).is_some_and(|found| found.attrs & ENUMERABLE != 0) {
                    keys.push(self.key_to_value(key));
                }
            }
            let exotic = match &self.heap.get(id).kind {
                Kind::String(text) => Some(text.len()),
                Kind::TypedArray { .. } => Some(crate::builtins::typed_array::element_count(self, id) as usize),
                _ => None,
            };
            if let Some(count) = exotic {
                let extra: Vec<Value> = (0..count as u32).filter(|i| seen.insert(Key::Index(*i))).map(|i| self.key_to_value(Key::Index(i))).collect();
                keys.splice(0..0, extra);
            }
            start = self.heap.get(id).proto;
        }
        let state = self.heap.alloc(None, Kind::ForIn(Box::new(crate::object::ForIn { object: first, keys, index: 0 })), 0);
        Ok(Value::Object(state))
    }

    pub(crate) fn for_in_next(&mut self, state: &Value) -> Option<Value> {
        let Value::Object(id) = state else { return None };
        loop {
            let (object, key) = match &mut self.heap.get_mut(*id).kind {
                Kind::ForIn(state) => {
                    let key = state.keys.get(state.index).cloned()?;
                    state.index += 1;
                    (state.object, key)
                }
                _ => return None,
            };
            // A key deleted before it is visited is skipped (ECMA-262 14.7.5.9).
            let still_there = match (object, &key) {
                (Some(object), Value::String(text)) => {
                    let key = self.key_of_str(text);
                    self.has_property(object, key)
                }
                _ => true,
            };
            if still_there {
                return Some(key);
            }
        }
    }
}
