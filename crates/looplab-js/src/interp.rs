//! The interpreter's frames.
//!
//! Calls do not recurse in Rust: each JavaScript call pushes a [`Frame`] on
//! the VM's frame stack, and its registers and operand stack are a window
//! of the VM's one value stack. A generator or async function that suspends
//! moves its frame and its window off the stack into a [`SavedFrame`] held
//! by its object; resuming puts them back. `await` and `yield` are the same
//! operation.

use crate::bytecode::Code;
use crate::value::{ObjId, Value};
use std::rc::Rc;

/// An exception handler installed by `EnterTry`.
#[derive(Clone, Copy, Debug)]
pub struct Handler {
    pub catch_pc: u32,
    /// Operand stack height (relative to the frame's base) to cut back to.
    pub stack_height: u32,
    /// Heap scope depth to unwind to.
    pub scope_depth: u32,
}

pub struct Frame {
    pub code: Rc<Code>,
    pub pc: u32,
    /// Index in the value stack of register 0.
    pub base: u32,
    /// The innermost heap scope.
    pub scope: Option<ObjId>,
    /// How many scopes this frame pushed over its closure's (for unwinding).
    pub scope_depth: u32,
    pub this: Value,
    /// An arrow's `this` is its maker's; this is the receiver it was
    /// called with, for stack traces (V8 names the frame after it).
    /// Undefined for other functions.
    pub receiver: Value,
    pub function: Option<ObjId>,
    pub new_target: Value,
    pub arguments: Vec<Value>,
    /// The `arguments` object, made once per call (an arrow's is its
    /// maker's, ECMA-262 10.2.11 step 22: arrows have none of their own).
    pub arguments_object: Option<ObjId>,
    pub handlers: Vec<Handler>,
    /// The generator or async function object this frame belongs to.
    pub generator: Option<ObjId>,
    /// The frame was entered from Rust (a native's callback): returning from
    /// it hands the value back to that caller instead of the frame below.
    pub is_entry: bool,
}

/// A suspended frame with its part of the value stack.
pub struct SavedFrame {
    pub frame: Frame,
    pub values: Vec<Value>,
}

impl SavedFrame {
    /// Every value the saved frame holds, for the collector.
    pub fn for_each_ref(&self, visit: &mut dyn FnMut(&Value)) {
        self.values.iter().for_each(&mut *visit);
        self.frame.for_each_ref(visit);
    }
}

impl Frame {
    pub fn for_each_ref(&self, visit: &mut dyn FnMut(&Value)) {
        if let Some(scope) = self.scope {
            visit(&Value::Object(scope));
        }
        if let Some(function) = self.function {
            visit(&Value::Object(function));
        }
        if let Some(generator) = self.generator {
            visit(&Value::Object(generator));
        }
        visit(&self.this);
        visit(&self.receiver);
        visit(&self.new_target);
        self.arguments.iter().for_each(&mut *visit);
        if let Some(arguments) = self.arguments_object {
            visit(&Value::Object(arguments));
        }
    }
}
