//! What classes need at run time (ECMA-262 15.7): the class and prototype
//! pair, home objects and `super`, instance field initialisers, and
//! private elements (PrivateGet, PrivateSet, PrivateFieldAdd).

use crate::bytecode::FunctionKind as CodeKind;
use crate::errors::ErrorType;
use crate::object::{FunctionKind, Kind};
use crate::shape::{METHOD_ATTRS, WRITABLE};
use crate::string::JsStr;
use crate::value::{Key, ObjId, Value};
use crate::{atoms, Embedder, JsResult, Vm};

impl Vm {
    pub(crate) fn set_home(&mut self, function: ObjId, home: ObjId) {
        if let Kind::Function(kind) = &mut self.heap.get_mut(function).kind {
            if let FunctionKind::Closure(closure) = &mut **kind {
                closure.home = Some(home);
            }
        }
    }

    pub(crate) fn current_home(&self) -> Option<ObjId> {
        let function = self.frame().function?;
        match &self.heap.get(function).kind {
            Kind::Function(kind) => match &**kind {
                FunctionKind::Closure(closure) => closure.home.or(closure.lexical.as_ref().and_then(|l| l.home)),
                _ => None,
            },
            _ => None,
        }
    }

    pub(crate) fn super_get(&mut self, host: &mut dyn Embedder, key: Key, this: &Value) -> JsResult<Value> {
        let Some(home) = self.current_home() else { return self.syntax_error_value("'super' keyword unexpected here") };
        let Some(proto) = self.heap.get(home).proto else { return Ok(Value::Undefined) };
        // [[Get]] on the home's prototype with `this` as receiver.
        self.get_with_receiver(host, proto, key, this)
    }

    /// `Insn::SetSuper(name)` (`[value] -> [value]`) or, with no name,
    /// `Insn::SetSuperElem` (`[key, value] -> [value]`).
    pub(crate) fn super_assign(&mut self, host: &mut dyn Embedder, name: Option<crate::value::Atom>, strict: bool) -> JsResult<()> {
        let value = self.pop();
        let key = match name {
            Some(name) => Key::Atom(name),
            None => {
                let key = self.pop();
                self.to_property_key(host, &key)?
            }
        };
        self.super_set(host, key, value.clone(), strict)?;
        self.stack.push(value);
        Ok(())
    }

    /// `super.x = v` (ECMA-262 13.3.7.3 MakeSuperPropertyReference, then
    /// PutValue): [[Set]] from the home object's prototype with `this` as
    /// the receiver; strict code throws when it fails.
    fn super_set(&mut self, host: &mut dyn Embedder, key: Key, value: Value, strict: bool) -> JsResult<()> {
        let Some(home) = self.current_home() else { return self.syntax_error_value("'super' keyword unexpected here") };
        let this = self.frame().this.clone();
        let Some(proto) = self.heap.get(home).proto else {
            let name = self.key_to_display(key);
            return self.type_error(&format!("Cannot set properties of null (setting '{name}')"));
        };
        self.set_from(host, proto, &this, key, value, strict)?;
        Ok(())
    }

    pub(crate) fn syntax_error_value<T>(&mut self, message: &str) -> JsResult<T> {
        self.throw(ErrorType::SyntaxError, message)
    }

    /// `super(args)`: constructs the parent with this function's new.target,
    /// binds `this`, and runs the class's field initialiser.
    pub(crate) fn super_call(&mut self, host: &mut dyn Embedder, args: Vec<Value>) -> JsResult<()> {
        // The active function: the constructor (or, for arrows, its maker).
        let function = match self.frame().code.kind {
            CodeKind::Arrow => self.frame().function.and_then(|f| match &self.heap.get(f).kind {
                Kind::Function(kind) => match &**kind {
                    FunctionKind::Closure(closure) => closure.lexical.as_ref().and_then(|l| l.function),
                    _ => None,
                },
                _ => None,
            }),
            _ => self.frame().function,
        };
        let Some(function) = function else { return self.syntax_error_value("'super' keyword unexpected here") };
        let parent = self.heap.get(function).proto;
        let parent_value = parent.map_or(Value::Null, Value::Object);
        if !self.is_constructor(&parent_value) {
            return self.type_error("Super constructor is not a constructor");
        }
        let new_target = self.frame().new_target.as_object();
        let this = self.construct(host, &parent_value, &args, new_target)?;
        if !matches!(self.frame().this, Value::Empty) {
            return self.reference_error("Super constructor may only be called once");
        }
        self.frame_mut().this = this.clone();
        self.run_fields(host, function, &this)?;
        self.stack.push(this);
        Ok(())
    }

    pub(crate) fn init_fields(&mut self, host: &mut dyn Embedder) -> JsResult<()> {
        let Some(function) = self.frame().function else { return Ok(()) };
        let this = self.frame().this.clone();
        self.run_fields(host, function, &this)
    }

    pub(crate) fn run_fields(&mut self, host: &mut dyn Embedder, class: ObjId, this: &Value) -> JsResult<()> {
        let fields = match &self.heap.get(class).kind {
            Kind::Function(kind) => match &**kind {
                FunctionKind::Closure(closure) => closure.fields,
                _ => None,
            },
            _ => None,
        };
        if let Some(fields) = fields {
            self.call(host, &Value::Object(fields), this, &[])?;
        }
        Ok(())
    }

    /// `[parent_or_empty, constructor] -> [class, prototype]`.
    pub(crate) fn define_class(&mut self, host: &mut dyn Embedder, derived: bool) -> JsResult<()> {
        let constructor = self.pop();
        let parent = self.pop();
        let Value::Object(class) = constructor else { return Ok(()) };
        let (proto_parent, constructor_parent) = if derived {
            match &parent {
                Value::Null => (None, self.intrinsics.function_prototype),
                Value::Object(id) if self.is_constructor(&parent) => {
                    let prototype = self.get(host, &parent, Key::Atom(atoms::PROTOTYPE))?;
                    match prototype {
                        Value::Object(p) => (Some(p), *id),
                        Value::Null => (None, *id),
                        _ => return self.type_error("Class extends value does not have valid prototype property"),
                    }
                }
                _ => {
                    let what = self.describe_for_error(&parent);
                    return self.type_error(&format!("Class extends value {what} is not a constructor or null"));
                }
            }
        } else {
            (Some(self.intrinsics.object_prototype), self.intrinsics.function_prototype)
        };
        let prototype = self.heap.alloc(proto_parent, Kind::Ordinary, 0);
        self.set_prototype(class, Some(constructor_parent));
        self.heap.put(class, Key::Atom(atoms::PROTOTYPE), Value::Object(prototype), 0);
        self.heap.put(prototype, Key::Atom(atoms::CONSTRUCTOR), Value::Object(class), METHOD_ATTRS);
        self.stack.push(Value::Object(class));
        self.stack.push(Value::Object(prototype));
        Ok(())
    }

    /// The private name's description, for error messages.
    pub(crate) fn private_description(&self, name: &Value) -> String {
        match name {
            Value::Symbol(sym) => self.symbols[sym.0 as usize].description.as_ref().map(JsStr::to_rust).unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// PrivateGet (ECMA-262 7.3.31).
    pub(crate) fn private_get(&mut self, host: &mut dyn Embedder, object: &Value, name: &Value) -> JsResult<Value> {
        let (Value::Object(id), Value::Symbol(sym)) = (object, name) else {
            let description = self.private_description(name);
            return self.type_error(&format!("Cannot read private member {description} from an object whose class did not declare it"));
        };
        let Some(found) = self.heap.own(*id, Key::Symbol(*sym)) else {
            if let Some(class) = self.symbols[sym.0 as usize].brand.clone() {
                return self.type_error(&format!("Receiver must be an instance of class {class}"));
            }
            let description = self.private_description(name);
            return self.type_error(&format!("Cannot read private member {description} from an object whose class did not declare it"));
        };
        if found.is_accessor() {
            let (getter, _) = self.heap.accessor_pair(&found.value);
            if getter.is_undefined() {
                let description = self.private_description(name);
                return self.type_error(&format!("'{description}' was defined without a getter"));
            }
            return self.call(host, &getter, object, &[]);
        }
        Ok(found.value)
    }

    /// PrivateSet (ECMA-262 7.3.32).
    pub(crate) fn private_set(&mut self, host: &mut dyn Embedder, object: &Value, name: &Value, value: Value) -> JsResult<()> {
        let description = self.private_description(name);
        let (Value::Object(id), Value::Symbol(sym)) = (object, name) else {
            return self.type_error(&format!("Cannot write private member {description} to an object whose class did not declare it"));
        };
        let key = Key::Symbol(*sym);
        let Some(found) = self.heap.own(*id, key) else {
            if let Some(class) = self.symbols[sym.0 as usize].brand.clone() {
                return self.type_error(&format!("Receiver must be an instance of class {class}"));
            }
            return self.type_error(&format!("Cannot write private member {description} to an object whose class did not declare it"));
        };
        if found.is_accessor() {
            let (_, setter) = self.heap.accessor_pair(&found.value);
            if setter.is_undefined() {
                return self.type_error(&format!("'{description}' was defined without a setter"));
            }
            self.call(host, &setter, object, &[value])?;
            return Ok(());
        }
        if found.attrs & WRITABLE == 0 {
            return self.type_error(&format!("Private method '{description}' is not writable"));
        }
        self.heap.set_existing(*id, key, value);
        Ok(())
    }

    /// PrivateFieldAdd / PrivateMethodOrAccessorAdd (ECMA-262 7.3.29-30):
    /// `[obj]` stays; private elements ignore extensibility.
    pub(crate) fn private_define(&mut self, name: &Value, value: Value, setter: Value, attrs: u8) -> JsResult<()> {
        let Value::Object(id) = self.top() else { return Ok(()) };
        let Value::Symbol(sym) = name else { return Ok(()) };
        let key = Key::Symbol(*sym);
        if self.heap.own(id, key).is_some() {
            let description = self.private_description(name);
            return self.type_error(&format!("Cannot initialize {description} twice on the same object"));
        }
        let stored = if attrs & crate::shape::ACCESSOR != 0 { Value::Object(self.heap.alloc(None, Kind::Accessor(value, setter), 0)) } else { value };
        self.heap.put(id, key, stored, attrs | crate::shape::PRIVATE);
        Ok(())
    }
}
