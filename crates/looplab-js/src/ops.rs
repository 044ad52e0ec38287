//! Abstract operations on values (ECMA-262 7.1 type conversion, 7.2
//! testing and comparison, 13 operators): what the interpreter and the
//! built-ins share. Anything that may call user code (a `valueOf`, a
//! getter) takes the embedder, because user code may reach the host.

use crate::atoms;
use crate::number;
use crate::object::{FunctionKind, Kind};
use crate::props::Found;
use crate::string::JsStr;
use crate::value::{array_index_of_number, Key, ObjId, Value};
use crate::vm::symbols;
use crate::{Embedder, JsResult, Vm};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    Default,
    Number,
    String,
}

impl Vm {
    pub fn typeof_value(&self, value: &Value) -> &'static str {
        match value {
            Value::Undefined | Value::Empty => "undefined",
            Value::Null => "object",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Symbol(_) => "symbol",
            Value::Object(id) => {
                if self.heap.get(*id).is_callable() {
                    "function"
                } else {
                    "object"
                }
            }
        }
    }

    pub fn is_callable(&self, value: &Value) -> bool {
        matches!(value, Value::Object(id) if self.heap.get(*id).is_callable())
    }

    pub fn is_constructor(&self, value: &Value) -> bool {
        matches!(value, Value::Object(id) if self.heap.get(*id).is_constructor())
    }

    /// ToPrimitive (ECMA-262 7.1.1).
    pub fn to_primitive(&mut self, host: &mut dyn Embedder, value: &Value, hint: Hint) -> JsResult<Value> {
        let Value::Object(id) = value else { return Ok(value.clone()) };
        let exotic = self.get(host, value, Key::Symbol(symbols::TO_PRIMITIVE))?;
        if !exotic.is_nullish() {
            if !self.is_callable(&exotic) {
                return self.type_error("Symbol.toPrimitive is not a function");
            }
            let hint_text = match hint {
                Hint::Default => "default",
                Hint::Number => "number",
                Hint::String => "string",
            };
            let result = self.call(host, &exotic, value, &[Value::str(hint_text)])?;
            if result.is_object() {
                return self.type_error("Cannot convert object to primitive value");
            }
            return Ok(result);
        }
        let order = if hint == Hint::String { [atoms::TO_STRING, atoms::VALUE_OF] } else { [atoms::VALUE_OF, atoms::TO_STRING] };
        for name in order {
            let method = self.get(host, &Value::Object(*id), Key::Atom(name))?;
            if self.is_callable(&method) {
                let result = self.call(host, &method, value, &[])?;
                if !result.is_object() {
                    return Ok(result);
                }
            }
        }
        self.type_error("Cannot convert object to primitive value")
    }

    /// ToNumber (ECMA-262 7.1.4).
    pub fn to_number(&mut self, host: &mut dyn Embedder, value: &Value) -> JsResult<f64> {
        Ok(match value {
            Value::Undefined | Value::Empty => f64::NAN,
            Value::Null => 0.0,
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Number(n) => *n,
            Value::String(s) => s.with_units(number::string_to_number),
            Value::Symbol(_) => return self.type_error("Cannot convert a Symbol value to a number"),
            Value::Object(_) => {
                let primitive = self.to_primitive(host, value, Hint::Number)?;
                return self.to_number(host, &primitive);
            }
        })
    }

    /// ToString (ECMA-262 7.1.17).
    pub fn to_string(&mut self, host: &mut dyn Embedder, value: &Value) -> JsResult<JsStr> {
        Ok(match value {
            Value::Undefined | Value::Empty => JsStr::from_str("undefined"),
            Value::Null => JsStr::from_str("null"),
            Value::Bool(b) => JsStr::from_str(if *b { "true" } else { "false" }),
            Value::Number(n) => JsStr::from_string(number::number_to_string(*n)),
            Value::String(s) => s.clone(),
            Value::Symbol(_) => return self.type_error("Cannot convert a Symbol value to a string"),
            Value::Object(_) => {
                let primitive = self.to_primitive(host, value, Hint::String)?;
                return self.to_string(host, &primitive);
            }
        })
    }

    /// ToPropertyKey (ECMA-262 7.1.19).
    pub fn to_property_key(&mut self, host: &mut dyn Embedder, value: &Value) -> JsResult<Key> {
        match value {
            Value::Number(n) => {
                if let Some(index) = array_index_of_number(*n) {
                    if !(*n == 0.0 && n.is_sign_negative()) {
                        return Ok(Key::Index(index));
                    }
                }
                let text = JsStr::from_string(number::number_to_string(*n));
                Ok(self.key_of_str(&text))
            }
            Value::String(s) => Ok(self.key_of_str(s)),
            Value::Symbol(sym) => Ok(Key::Symbol(*sym)),
            Value::Object(_) => {
                let primitive = self.to_primitive(host, value, Hint::String)?;
                self.to_property_key(host, &primitive)
            }
            other => {
                let text = self.to_string(host, other)?;
                Ok(self.key_of_str(&text))
            }
        }
    }

    /// ToObject (ECMA-262 7.1.18).
    pub fn to_object(&mut self, value: &Value) -> JsResult<ObjId> {
        let (proto, kind) = match value {
            Value::Object(id) => return Ok(*id),
            Value::Undefined | Value::Null | Value::Empty => return self.type_error("Cannot convert undefined or null to object"),
            Value::Bool(b) => (self.intrinsics.boolean_prototype, Kind::Boolean(*b)),
            Value::Number(n) => (self.intrinsics.number_prototype, Kind::Number(*n)),
            Value::String(s) => (self.intrinsics.string_prototype, Kind::String(s.clone())),
            Value::Symbol(sym) => (self.intrinsics.symbol_prototype, Kind::Symbol(*sym)),
        };
        let id = self.heap.alloc(Some(proto), kind, 0);
        if let Value::String(s) = value {
            self.heap.put(id, Key::Atom(atoms::LENGTH), Value::Number(s.len() as f64), 0);
        }
        Ok(id)
    }

    /// The prototype a primitive's properties are looked up on.
    fn primitive_prototype(&self, value: &Value) -> Option<ObjId> {
        Some(match value {
            Value::Bool(_) => self.intrinsics.boolean_prototype,
            Value::Number(_) => self.intrinsics.number_prototype,
            Value::String(_) => self.intrinsics.string_prototype,
            Value::Symbol(_) => self.intrinsics.symbol_prototype,
            _ => return None,
        })
    }

    /// An own property, including those computed rather than stored (a
    /// String object's characters, a mapped argument).
    pub fn own_property(&self, id: ObjId, key: Key) -> Option<Found> {
        match (&self.heap.get(id).kind, key) {
            (Kind::String(text), Key::Index(index)) if (index as usize) < text.len() => {
                return Some(Found { value: Value::String(text.slice(index as usize, index as usize + 1)), attrs: crate::shape::ENUMERABLE });
            }
            (Kind::Arguments { scope: Some(scope), mapped }, Key::Index(index)) => {
                if let Some(Some(slot)) = mapped.get(index as usize) {
                    if let Kind::Scope(data) = &self.heap.get(*scope).kind {
                        let attrs = self.heap.own_attrs(id, key).unwrap_or(crate::shape::DEFAULT_ATTRS);
                        return Some(Found { value: data.vars.get(*slot as usize).cloned().unwrap_or_default(), attrs });
                    }
                }
            }
            (Kind::TypedArray { .. }, Key::Index(index)) => {
                // An integer-indexed exotic object (ECMA-262 10.4.5): its
                // indices are its elements, absent past its length.
                let value = crate::builtins::typed_array::get_element(self, id, index)?;
                return Some(Found { value, attrs: crate::shape::DEFAULT_ATTRS });
            }
            (Kind::Array(state), Key::Atom(atoms::LENGTH)) => {
                let attrs = if state.length_writable { crate::shape::WRITABLE } else { 0 };
                return Some(Found { value: Value::Number(f64::from(state.length)), attrs });
            }
            _ => {}
        }
        self.heap.own(id, key)
    }

    /// [[Get]] (ECMA-262 10.1.8), on any value (primitives use their
    /// prototype; the receiver stays the primitive).
    pub fn get(&mut self, host: &mut dyn Embedder, target: &Value, key: Key) -> JsResult<Value> {
        let mut current = match target {
            Value::Object(id) => *id,
            Value::String(s) => {
                match key {
                    Key::Index(index) if (index as usize) < s.len() => return Ok(Value::String(s.slice(index as usize, index as usize + 1))),
                    Key::Atom(atoms::LENGTH) => return Ok(Value::Number(s.len() as f64)),
                    _ => {}
                }
                self.intrinsics.string_prototype
            }
            Value::Undefined | Value::Null | Value::Empty => {
                let name = self.key_to_display(key);
                let what = if matches!(target, Value::Null) { "null" } else { "undefined" };
                return self.type_error(&format!("Cannot read properties of {what} (reading '{name}')"));
            }
            other => match self.primitive_prototype(other) {
                Some(proto) => proto,
                None => return Ok(Value::Undefined),
            },
        };
        if let Key::Index(_) = key {
            crate::builtins::typed_array::check_readable(self, current)?;
        }
        for _ in 0..crate::PROTO_CHAIN_MAX {
            if let Some(found) = self.own_property(current, key) {
                if found.is_accessor() {
                    let (getter, _) = self.heap.accessor_pair(&found.value);
                    if getter.is_undefined() {
                        return Ok(Value::Undefined);
                    }
                    return self.call(host, &getter, target, &[]);
                }
                return Ok(found.value);
            }
            match self.heap.get(current).proto {
                Some(proto) => current = proto,
                None => return Ok(Value::Undefined),
            }
        }
        Ok(Value::Undefined)
    }

    /// [[Get]] (ECMA-262 10.1.8.1, OrdinaryGet) starting at `start` with a
    /// getter called on `receiver`: `super.x`, `Reflect.get(t, k, r)`.
    pub fn get_with_receiver(&mut self, host: &mut dyn Embedder, start: ObjId, key: Key, receiver: &Value) -> JsResult<Value> {
        let mut current = start;
        for _ in 0..crate::PROTO_CHAIN_MAX {
            if let Some(found) = self.own_property(current, key) {
                if found.is_accessor() {
                    let (getter, _) = self.heap.accessor_pair(&found.value);
                    return if getter.is_undefined() { Ok(Value::Undefined) } else { self.call(host, &getter, receiver, &[]) };
                }
                return Ok(found.value);
            }
            match self.heap.get(current).proto {
                Some(next) => current = next,
                None => return Ok(Value::Undefined),
            }
        }
        Ok(Value::Undefined)
    }

    /// How a value reads in an error message (V8's style: strings quoted
    /// only where V8 quotes them, objects as `#<Object>`).
    pub fn to_display(&self, value: &Value) -> String {
        match value {
            Value::Undefined | Value::Empty => "undefined".to_string(),
            Value::Null => "null".to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => number::number_to_string(*n),
            Value::String(s) => s.to_rust(),
            Value::Symbol(sym) => format!("Symbol({})", self.symbols[sym.0 as usize].description.as_ref().map(JsStr::to_rust).unwrap_or_default()),
            Value::Object(id) => {
                if self.heap.get(*id).is_callable() {
                    "function".to_string()
                } else if self.heap.get(*id).is_array() {
                    "[object Array]".to_string()
                } else {
                    "#<Object>".to_string()
                }
            }
        }
    }

    /// How a key reads in an error message.
    pub fn key_to_display(&self, key: Key) -> String {
        match key {
            Key::Index(index) => index.to_string(),
            Key::Atom(atom) => self.atoms.name(atom).to_rust(),
            Key::Symbol(sym) => format!("Symbol({})", self.symbols[sym.0 as usize].description.as_ref().map(JsStr::to_rust).unwrap_or_default()),
        }
    }

    /// [[Set]] (ECMA-262 10.1.9, OrdinarySet) with `receiver` the value the
    /// assignment names. Returns whether it succeeded; strict code throws
    /// on false.
    pub fn set(&mut self, host: &mut dyn Embedder, target: &Value, key: Key, value: Value, strict: bool) -> JsResult<bool> {
        let start = match target {
            Value::Object(id) => *id,
            Value::Undefined | Value::Null | Value::Empty => {
                let name = self.key_to_display(key);
                let what = if matches!(target, Value::Null) { "null" } else { "undefined" };
                return self.type_error(&format!("Cannot set properties of {what} (setting '{name}')"));
            }
            other => match self.primitive_prototype(other) {
                Some(proto) => proto,
                None => return Ok(false),
            },
        };
        self.set_from(host, start, target, key, value, strict)
    }

    /// OrdinarySet looking for the property from `start` up, with `target`
    /// the receiver (`super.x = v` starts at the home object's prototype
    /// with `this` as the receiver).
    pub(crate) fn set_from(&mut self, host: &mut dyn Embedder, start: ObjId, target: &Value, key: Key, value: Value, strict: bool) -> JsResult<bool> {
        if let Key::Index(index) = key {
            if matches!(target, Value::Object(id) if *id == start) && matches!(self.heap.get(start).kind, Kind::TypedArray { .. }) {
                // TypedArraySetElement (ECMA-262 10.4.5.16): ToNumber, then
                // the element type's conversion; an index past the end is
                // ignored.
                let number = self.to_number(host, &value)?;
                crate::builtins::typed_array::set_element(self, start, index, number)?;
                return Ok(true);
            }
        }
        // Find the property along the chain.
        let mut current = start;
        let mut found_on: Option<(ObjId, Found)> = None;
        for _ in 0..crate::PROTO_CHAIN_MAX {
            if let Some(found) = self.own_property(current, key) {
                found_on = Some((current, found));
                break;
            }
            match self.heap.get(current).proto {
                Some(proto) => current = proto,
                None => break,
            }
        }
        if let Some((holder, found)) = &found_on {
            if found.is_accessor() {
                let (_, setter) = self.heap.accessor_pair(&found.value);
                if setter.is_undefined() {
                    return self.fail_set(strict, key, "which has only a getter");
                }
                self.call(host, &setter, target, &[value])?;
                return Ok(true);
            }
            if found.attrs & crate::shape::WRITABLE == 0 {
                return self.fail_set(strict, key, "read-only");
            }
            if matches!(target, Value::Object(id) if id == holder) {
                return self.write_own_data(*holder, key, value, strict);
            }
        }
        // Create a new own property on the receiver.
        let Value::Object(receiver) = target else {
            if strict {
                let name = self.key_to_display(key);
                return self.type_error(&format!("Cannot create property '{name}' on {}", self.typeof_value(target)));
            }
            return Ok(false);
        };
        let receiver = *receiver;
        if !self.heap.get(receiver).is_extensible() {
            return self.fail_set(strict, key, "object is not extensible");
        }
        if let (Kind::Array(state), Key::Index(index)) = (&self.heap.get(receiver).kind, key) {
            if index >= state.length && !state.length_writable {
                return self.fail_set(strict, key, "array length is read-only");
            }
        }
        self.heap.put(receiver, key, value, crate::shape::DEFAULT_ATTRS);
        Ok(true)
    }

    fn write_own_data(&mut self, id: ObjId, key: Key, value: Value, strict: bool) -> JsResult<bool> {
        if let (Kind::Array(_), Key::Atom(atoms::LENGTH)) = (&self.heap.get(id).kind, key) {
            return self.set_array_length(id, &value, strict);
        }
        if let Kind::Arguments { scope: Some(scope), mapped } = &self.heap.get(id).kind {
            if let Key::Index(index) = key {
                if let Some(Some(slot)) = mapped.get(index as usize) {
                    let (scope, slot) = (*scope, *slot as usize);
                    if let Kind::Scope(data) = &mut self.heap.get_mut(scope).kind {
                        if let Some(var) = data.vars.get_mut(slot) {
                            *var = value.clone();
                        }
                    }
                }
            }
        }
        self.heap.set_existing(id, key, value);
        Ok(true)
    }

    /// ArraySetLength (ECMA-262 10.4.2.4) for an assignment.
    pub fn set_array_length(&mut self, id: ObjId, value: &Value, strict: bool) -> JsResult<bool> {
        let number = match value {
            Value::Number(n) => *n,
            _ => f64::NAN,
        };
        let length = number::to_uint32(number);
        if f64::from(length) != number {
            return self.range_error("Invalid array length");
        }
        let writable = matches!(self.heap.get(id).kind, Kind::Array(state) if state.length_writable);
        if !writable {
            return self.fail_set(strict, Key::Atom(atoms::LENGTH), "read-only");
        }
        let complete = self.heap.truncate_array(id, length);
        if !complete && strict {
            return self.type_error("Cannot delete array element");
        }
        Ok(complete)
    }

    fn fail_set(&mut self, strict: bool, key: Key, why: &str) -> JsResult<bool> {
        if strict {
            let name = self.key_to_display(key);
            return self.type_error(&format!("Cannot assign to property '{name}': {why}"));
        }
        Ok(false)
    }

    /// `Insn::WithHas`, `[obj] -> [bool]`: HasBinding of a `with` object's
    /// Environment Record (ECMA-262 9.1.1.2.1): HasProperty, then not
    /// blocked by @@unscopables.
    pub(crate) fn with_has_binding(&mut self, host: &mut dyn Embedder, name: crate::value::Atom) -> JsResult<()> {
        let object = self.pop();
        let found = match object {
            Value::Object(id) if self.has_property(id, Key::Atom(name)) => match self.get(host, &object, Key::Symbol(symbols::UNSCOPABLES))? {
                unscopables @ Value::Object(_) => !self.get(host, &unscopables, Key::Atom(name))?.truthy(),
                _ => true,
            },
            _ => false,
        };
        self.stack.push(Value::Bool(found));
        Ok(())
    }

    /// Whether `key` is on `target` or its prototypes (HasProperty).
    pub fn has_property(&self, mut id: ObjId, key: Key) -> bool {
        for _ in 0..crate::PROTO_CHAIN_MAX {
            if self.own_property(id, key).is_some() {
                return true;
            }
            match self.heap.get(id).proto {
                Some(proto) => id = proto,
                None => return false,
            }
        }
        false
    }

    /// [[Delete]] (ECMA-262 10.1.10).
    pub fn delete_property(&mut self, id: ObjId, key: Key, strict: bool) -> JsResult<bool> {
        let Some(found) = self.own_property(id, key) else { return Ok(true) };
        if found.attrs & crate::shape::CONFIGURABLE == 0 {
            if strict {
                let name = self.key_to_display(key);
                return self.type_error(&format!("Cannot delete property '{name}' of object"));
            }
            return Ok(false);
        }
        if let Kind::Arguments { mapped, .. } = &mut self.heap.get_mut(id).kind {
            if let Key::Index(index) = key {
                if let Some(entry) = mapped.get_mut(index as usize) {
                    *entry = None;
                }
            }
        }
        self.heap.remove(id, key);
        Ok(true)
    }

    /// IsLooselyEqual (ECMA-262 7.2.14).
    pub fn loose_equals(&mut self, host: &mut dyn Embedder, a: &Value, b: &Value) -> JsResult<bool> {
        Ok(match (a, b) {
            (Value::Undefined | Value::Null, Value::Undefined | Value::Null) => true,
            (Value::Undefined | Value::Null, _) | (_, Value::Undefined | Value::Null) => false,
            (Value::Number(_), Value::String(s)) => a.strict_equals(&Value::Number(s.with_units(number::string_to_number))),
            (Value::String(s), Value::Number(_)) => Value::Number(s.with_units(number::string_to_number)).strict_equals(b),
            (Value::Bool(x), _) => return self.loose_equals(host, &Value::Number(f64::from(u8::from(*x))), b),
            (_, Value::Bool(y)) => return self.loose_equals(host, a, &Value::Number(f64::from(u8::from(*y)))),
            (Value::Object(_), Value::Number(_) | Value::String(_) | Value::Symbol(_)) => {
                let primitive = self.to_primitive(host, a, Hint::Default)?;
                return self.loose_equals(host, &primitive, b);
            }
            (Value::Number(_) | Value::String(_) | Value::Symbol(_), Value::Object(_)) => {
                let primitive = self.to_primitive(host, b, Hint::Default)?;
                return self.loose_equals(host, a, &primitive);
            }
            _ => a.strict_equals(b),
        })
    }

    /// The `+` operator (ECMA-262 13.15.3 ApplyStringOrNumericBinaryOperator).
    pub fn add(&mut self, host: &mut dyn Embedder, a: &Value, b: &Value) -> JsResult<Value> {
        if let (Value::Number(x), Value::Number(y)) = (a, b) {
            return Ok(Value::Number(x + y));
        }
        let a = self.to_primitive(host, a, Hint::Default)?;
        let b = self.to_primitive(host, b, Hint::Default)?;
        if matches!(a, Value::String(_)) || matches!(b, Value::String(_)) {
            let x = self.to_string(host, &a)?;
            let y = self.to_string(host, &b)?;
            if x.len() + y.len() > crate::STRING_LENGTH_MAX {
                return self.range_error("Invalid string length");
            }
            return Ok(Value::String(x.concat(&y)));
        }
        Ok(Value::Number(self.to_number(host, &a)? + self.to_number(host, &b)?))
    }

    /// IsLessThan (ECMA-262 7.2.13): `Some(true)`, `Some(false)` or `None` (NaN).
    pub fn less_than(&mut self, host: &mut dyn Embedder, a: &Value, b: &Value, left_first: bool) -> JsResult<Option<bool>> {
        let (pa, pb) = if left_first {
            let pa = self.to_primitive(host, a, Hint::Number)?;
            (pa, self.to_primitive(host, b, Hint::Number)?)
        } else {
            let pb = self.to_primitive(host, b, Hint::Number)?;
            (self.to_primitive(host, a, Hint::Number)?, pb)
        };
        if let (Value::String(x), Value::String(y)) = (&pa, &pb) {
            return Ok(Some(x < y));
        }
        let x = self.to_number(host, &pa)?;
        let y = self.to_number(host, &pb)?;
        if x.is_nan() || y.is_nan() {
            return Ok(None);
        }
        Ok(Some(x < y))
    }

    /// OrdinaryHasInstance and `instanceof` (ECMA-262 13.10.2).
    pub fn instance_of(&mut self, host: &mut dyn Embedder, value: &Value, target: &Value) -> JsResult<bool> {
        if !target.is_object() {
            return self.type_error("Right-hand side of 'instanceof' is not an object");
        }
        let checker = self.get(host, target, Key::Symbol(symbols::HAS_INSTANCE))?;
        if !checker.is_nullish() {
            let result = self.call(host, &checker, target, std::slice::from_ref(value))?;
            return Ok(result.truthy());
        }
        if !self.is_callable(target) {
            return self.type_error("Right-hand side of 'instanceof' is not callable");
        }
        self.ordinary_has_instance(host, target, value)
    }

    pub fn ordinary_has_instance(&mut self, host: &mut dyn Embedder, target: &Value, value: &Value) -> JsResult<bool> {
        let Value::Object(function) = target else { return Ok(false) };
        if let Kind::Function(kind) = &self.heap.get(*function).kind {
            if let FunctionKind::Bound { target, .. } = &**kind {
                let target = Value::Object(*target);
                return self.instance_of(host, value, &target);
            }
        }
        let Value::Object(mut object) = value else { return Ok(false) };
        let prototype = self.get(host, target, Key::Atom(atoms::PROTOTYPE))?;
        let Value::Object(prototype) = prototype else {
            return self.type_error("Function has non-object prototype in instanceof check");
        };
        for _ in 0..crate::PROTO_CHAIN_MAX {
            match self.heap.get(object).proto {
                Some(proto) if proto == prototype => return Ok(true),
                Some(proto) => object = proto,
                None => return Ok(false),
            }
        }
        Ok(false)
    }
}
