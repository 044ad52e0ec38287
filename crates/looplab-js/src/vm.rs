//! The engine's state for one agent (one JavaScript thread): its heap, its
//! names and symbols, its realm's intrinsics, its stacks, and the handles
//! the embedder holds; and [`Embedder`], the one trait through which the
//! engine reaches the program that runs it.

use crate::atoms::{self, AtomTable};
use crate::heap::Heap;
use crate::interp::Frame;
use crate::object::{ArrayState, Kind, CALLABLE};
use crate::shape::{CONFIGURABLE, METHOD_ATTRS, WRITABLE};
use crate::string::JsStr;
use crate::value::{array_index_of, Atom, Key, ObjId, Sym, Value};

/// Why execution stopped unwinding normally.
#[derive(Debug, Clone)]
pub enum Unwind {
    /// A JavaScript exception.
    Throw(Value),
    /// The embedder ended the run (a limit, or the program asked to exit).
    Halt,
}

pub type JsResult<T> = Result<T, Unwind>;

/// A job the engine asks the embedder to run later (ECMA-262 9.5,
/// HostEnqueuePromiseJob): the embedder keeps its id and calls
/// [`Vm::run_job`] when its queue reaches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub u32);

/// A value the embedder keeps across calls; a root for the collector until
/// released.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Persistent(pub u32);

/// What the engine needs from whoever runs it. The engine knows nothing
/// else of its host: a clock, a CPU meter, a job queue, a way to be
/// stopped, and the host's own functions.
pub trait Embedder {
    /// Milliseconds since the Unix epoch (`Date.now()`).
    fn now_ms(&mut self) -> f64;
    /// The interpreter ran `ops` more operations (virtual CPU time).
    fn spend(&mut self, ops: u64);
    /// A promise job to run after the current one (HostEnqueuePromiseJob).
    fn enqueue_job(&mut self, vm: &mut Vm, job: JobId);
    /// Asked every few thousand operations: `Some(reason)` ends the run.
    fn interrupt(&mut self, vm: &mut Vm) -> Option<String>;
    /// A function the embedder defined with [`Vm::host_function`].
    fn call_host(&mut self, vm: &mut Vm, id: u32, data: &Value, this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value>;
    /// HostPromiseRejectionTracker (ECMA-262 27.2.1.9): a promise was
    /// rejected with no handler (`handled` false), or got one later.
    fn promise_rejection(&mut self, _vm: &mut Vm, _promise: ObjId, _handled: bool) {}
    /// A promise's resolve (or, `rejected`, reject) function was called
    /// after the promise was already resolved: nothing changes (ECMA-262
    /// 27.2.1.3 step 7), but V8 tells its embedder (kPromiseResolveAfterResolved,
    /// kPromiseRejectAfterResolved).
    fn resolved_again(&mut self, _vm: &mut Vm, _promise: ObjId, _rejected: bool, _value: Value) {}
    /// A number in [0, 1) for `Math.random()` (the embedder's seeded generator).
    fn random(&mut self) -> f64;
    /// A loop that only waits for the clock (an empty-bodied loop whose
    /// condition reads the clock and nothing that can change) is about to
    /// spin again; each spin runs `ops_per_spin` operations and one clock
    /// read. The embedder may skip the spins that would read the same time
    /// (charging their cost) and says how many it skipped.
    fn idle_spins(&mut self, _ops_per_spin: u64) -> u64 {
        0
    }
}

pub struct SymbolData {
    pub description: Option<JsStr>,
    /// `Symbol.for(key)`'s registry key.
    pub registered: bool,
    /// A private name (`#x`): never listed, never reachable by reflection.
    pub private: bool,
    /// A private method's or accessor's class name, for brand-check errors.
    pub brand: Option<JsStr>,
}

macro_rules! well_known_symbols {
    ($($name:ident = $description:expr,)*) => {
        const WELL_KNOWN_SYMBOLS: &[&str] = &[$($description,)*];
        #[allow(non_camel_case_types)]
        #[repr(u32)]
        enum SymbolIndex { $($name,)* }
        pub mod symbols {
            use crate::value::Sym;
            $(pub const $name: Sym = Sym(super::SymbolIndex::$name as u32);)*
        }
    };
}

well_known_symbols! {
    ITERATOR = "Symbol.iterator",
    ASYNC_ITERATOR = "Symbol.asyncIterator",
    HAS_INSTANCE = "Symbol.hasInstance",
    TO_PRIMITIVE = "Symbol.toPrimitive",
    TO_STRING_TAG = "Symbol.toStringTag",
    SPECIES = "Symbol.species",
    IS_CONCAT_SPREADABLE = "Symbol.isConcatSpreadable",
    UNSCOPABLES = "Symbol.unscopables",
    MATCH = "Symbol.match",
    MATCH_ALL = "Symbol.matchAll",
    REPLACE = "Symbol.replace",
    SEARCH = "Symbol.search",
    SPLIT = "Symbol.split",
}

/// The realm's intrinsic objects (ECMA-262 6.1.7.4), by role.
pub struct Intrinsics {
    pub global: ObjId,
    pub object_prototype: ObjId,
    pub function_prototype: ObjId,
    pub array_prototype: ObjId,
    pub string_prototype: ObjId,
    pub number_prototype: ObjId,
    pub boolean_prototype: ObjId,
    pub symbol_prototype: ObjId,
    pub error_prototype: ObjId,
    pub type_error_prototype: ObjId,
    pub range_error_prototype: ObjId,
    pub reference_error_prototype: ObjId,
    pub syntax_error_prototype: ObjId,
    pub eval_error_prototype: ObjId,
    pub uri_error_prototype: ObjId,
    pub aggregate_error_prototype: ObjId,
    pub iterator_prototype: ObjId,
    pub async_iterator_prototype: ObjId,
    pub array_iterator_prototype: ObjId,
    pub string_iterator_prototype: ObjId,
    pub map_iterator_prototype: ObjId,
    pub set_iterator_prototype: ObjId,
    pub regexp_string_iterator_prototype: ObjId,
    pub promise_prototype: ObjId,
    pub generator_prototype: ObjId,
    pub async_generator_prototype: ObjId,
    pub generator_function_prototype: ObjId,
    pub async_function_prototype: ObjId,
    pub async_generator_function_prototype: ObjId,
    pub regexp_prototype: ObjId,
    pub date_prototype: ObjId,
    pub map_prototype: ObjId,
    pub set_prototype: ObjId,
    pub weak_map_prototype: ObjId,
    pub weak_set_prototype: ObjId,
    /// `%ThrowTypeError%` (ECMA-262 10.2.4.1).
    pub throw_type_error: ObjId,
}

pub struct Vm {
    pub heap: Heap,
    /// Keys of the embedder's static names, by address (`static_key`).
    static_keys: crate::FastMap<(usize, usize), Key>,
    pub atoms: AtomTable,
    pub symbols: Vec<SymbolData>,
    pub intrinsics: Intrinsics,
    /// The interpreter's value stack: every frame's registers and operands.
    pub stack: Vec<Value>,
    pub frames: Vec<Frame>,
    /// Handles the embedder holds (timers' callbacks, modules…).
    persistent: Vec<Option<Value>>,
    persistent_free: Vec<u32>,
    /// Jobs waiting for the embedder to run them.
    pub jobs: Vec<Option<crate::jobs::Job>>,
    jobs_free: Vec<u32>,
    /// Operations run so far (the embedder turns them into time).
    pub ops: u64,
    /// Operations not yet reported with [`Embedder::spend`].
    pub unreported_ops: u64,
    /// The realm's `eval` (%eval%): a call to it through `CallEval` is a
    /// direct eval.
    pub eval_function: Option<ObjId>,
    /// A script's top-level `let`/`const`/`class` bindings (the global
    /// environment's declarative record), with whether each is `const`.
    pub global_lexicals: crate::FastMap<Atom, (Value, bool)>,
    /// The native functions being called, innermost last (a native reads
    /// its own captured data through [`Vm::current_native`]).
    pub native_callees: Vec<ObjId>,
    /// An exception to throw in the frame being resumed (a generator's
    /// `throw(x)`, a rejected `await`).
    pub pending_throw: Option<Value>,
    /// The embedder's data that follows asynchronous continuations (V8's
    /// ContinuationPreservedEmbedderData): captured when a promise reaction
    /// or thenable job is made, current again while it runs. The engine
    /// gives it no meaning (Node's AsyncLocalStorage keeps its stores here).
    pub continuation_data: Value,
    /// Where the exception now unwinding was thrown: the innermost frame
    /// with source positions (line, column). Cleared when a handler catches.
    pub throw_position: Option<(u32, u32)>,
    /// How many native calls are on the Rust stack: the collector runs only
    /// when none is (their locals may hold handles it cannot see).
    pub native_depth: u32,
}

impl Vm {
    pub fn new() -> Vm {
        let mut heap = Heap::default();
        let intrinsics = Intrinsics::bootstrap(&mut heap);
        let mut vm = Vm {
            heap,
            static_keys: Default::default(),
            atoms: AtomTable::default(),
            symbols: Vec::new(),
            intrinsics,
            stack: Vec::with_capacity(1024),
            frames: Vec::new(),
            persistent: Vec::new(),
            persistent_free: Vec::new(),
            jobs: Vec::new(),
            jobs_free: Vec::new(),
            ops: 0,
            unreported_ops: 0,
            eval_function: None,
            native_depth: 0,
            global_lexicals: crate::FastMap::default(),
            native_callees: Vec::new(),
            pending_throw: None,
            continuation_data: Value::Undefined,
            throw_position: None,
        };
        for description in WELL_KNOWN_SYMBOLS {
            vm.new_symbol(Some(JsStr::from_str(description)));
        }
        vm
    }

    pub fn new_symbol(&mut self, description: Option<JsStr>) -> Sym {
        self.symbols.push(SymbolData { description, registered: false, private: false, brand: None });
        Sym(self.symbols.len() as u32 - 1)
    }

    pub fn new_private_name(&mut self, description: JsStr) -> Sym {
        self.symbols.push(SymbolData { description: Some(description), registered: false, private: true, brand: None });
        Sym(self.symbols.len() as u32 - 1)
    }

    pub fn is_private(&self, key: Key) -> bool {
        matches!(key, Key::Symbol(sym) if self.symbols[sym.0 as usize].private)
    }

    pub fn intern(&mut self, text: &str) -> Atom {
        self.atoms.intern_str(text)
    }

    /// The property key a string names (ECMA-262 7.1.19 for strings).
    pub fn key_of_str(&mut self, text: &JsStr) -> Key {
        match array_index_of(text) {
            Some(index) => Key::Index(index),
            None => Key::Atom(self.atoms.intern(text)),
        }
    }

    pub fn key(&mut self, text: &str) -> Key {
        self.key_of_str(&JsStr::from_str(text))
    }

    /// [`Vm::key`] for a name in the embedder's code, remembered by the
    /// text's address: natives that set and read the same fields on every
    /// call skip making and hashing a string each time.
    pub fn static_key(&mut self, text: &'static str) -> Key {
        let address = (text.as_ptr() as usize, text.len());
        if let Some(key) = self.static_keys.get(&address) {
            return *key;
        }
        let key = self.key(text);
        self.static_keys.insert(address, key);
        key
    }

    /// A key as the value a program sees (`Object.keys`, `for…in`).
    pub fn key_to_value(&self, key: Key) -> Value {
        match key {
            Key::Index(index) => Value::String(JsStr::from_string(index.to_string())),
            Key::Atom(atom) => Value::String(self.atoms.name(atom).clone()),
            Key::Symbol(sym) => Value::Symbol(sym),
        }
    }

    /// A plain object with `Object.prototype`.
    pub fn new_object(&mut self) -> ObjId {
        self.heap.alloc(Some(self.intrinsics.object_prototype), Kind::Ordinary, 0)
    }

    pub fn new_array(&mut self, values: Vec<Value>) -> ObjId {
        let length = values.len() as u32;
        let id = self.heap.alloc(Some(self.intrinsics.array_prototype), Kind::Array(ArrayState { length, length_writable: true }), 0);
        self.heap.grew(values.len());
        self.heap.get_mut(id).elements = crate::object::Elements::Dense(values);
        id
    }

    /// A function the embedder implements: calling it reaches
    /// [`Embedder::call_host`] with `id` and `data`.
    pub fn host_function(&mut self, name: &str, length: u32, id: u32, data: Value) -> ObjId {
        let kind = Kind::Function(Box::new(crate::object::FunctionKind::Host { id, data }));
        let function = self.heap.alloc(Some(self.intrinsics.function_prototype), kind, CALLABLE);
        self.define_function_name_length(function, name, length);
        function
    }

    /// A built-in function implemented in Rust.
    pub fn native_function(&mut self, name: &str, length: u32, f: crate::object::NativeFn) -> ObjId {
        let kind = Kind::Function(Box::new(crate::object::FunctionKind::Native { f, data: Value::Undefined }));
        let function = self.heap.alloc(Some(self.intrinsics.function_prototype), kind, CALLABLE);
        self.define_function_name_length(function, name, length);
        function
    }

    /// `length` then `name`, both configurable and read-only (ECMA-262 18).
    pub fn define_function_name_length(&mut self, function: ObjId, name: &str, length: u32) {
        self.heap.put(function, Key::Atom(atoms::LENGTH), Value::Number(f64::from(length)), CONFIGURABLE);
        self.heap.put(function, Key::Atom(atoms::NAME), Value::str(name), CONFIGURABLE);
    }

    /// Defines a built-in method on `target`.
    pub fn define_method(&mut self, target: ObjId, name: &str, length: u32, f: crate::object::NativeFn) -> ObjId {
        let function = self.native_function(name, length, f);
        let key = self.key(name);
        self.heap.put(target, key, Value::Object(function), METHOD_ATTRS);
        function
    }

    /// Defines a data property the way built-in value properties are.
    pub fn define_value(&mut self, target: ObjId, name: &str, value: Value) {
        let key = self.key(name);
        self.heap.put(target, key, value, WRITABLE | CONFIGURABLE);
    }

    /// Keeps `value` alive until [`Vm::release`].
    pub fn persist(&mut self, value: Value) -> Persistent {
        match self.persistent_free.pop() {
            Some(index) => {
                self.persistent[index as usize] = Some(value);
                Persistent(index)
            }
            None => {
                self.persistent.push(Some(value));
                Persistent(self.persistent.len() as u32 - 1)
            }
        }
    }

    pub fn persistent(&self, handle: Persistent) -> Value {
        self.persistent.get(handle.0 as usize).cloned().flatten().unwrap_or_default()
    }

    pub fn release(&mut self, handle: Persistent) {
        if let Some(slot) = self.persistent.get_mut(handle.0 as usize) {
            if slot.take().is_some() {
                self.persistent_free.push(handle.0);
            }
        }
    }

    pub fn add_job(&mut self, job: crate::jobs::Job) -> JobId {
        match self.jobs_free.pop() {
            Some(index) => {
                self.jobs[index as usize] = Some(job);
                JobId(index)
            }
            None => {
                self.jobs.push(Some(job));
                JobId(self.jobs.len() as u32 - 1)
            }
        }
    }

    pub fn take_job(&mut self, job: JobId) -> Option<crate::jobs::Job> {
        let taken = self.jobs.get_mut(job.0 as usize)?.take();
        if taken.is_some() {
            self.jobs_free.push(job.0);
        }
        taken
    }

    /// The 1-based line where a function is defined (0 for none, or for a
    /// native); a bound function's target's.
    pub fn function_line(&self, function: &Value) -> u32 {
        let Value::Object(id) = function else { return 0 };
        match &self.heap.get(*id).kind {
            Kind::Function(kind) => match kind.as_ref() {
                crate::object::FunctionKind::Closure(closure) => closure.code.line,
                crate::object::FunctionKind::Bound { target, .. } => self.function_line(&Value::Object(*target)),
                crate::object::FunctionKind::Host { data, .. } => {
                    // A host function wrapping a user's function (a callback
                    // adapter) is where that function is.
                    match data {
                        Value::Object(inner) if self.heap.get(*inner).is_callable() => self.function_line(data),
                        Value::Object(inner) if self.heap.get(*inner).is_array() => {
                            self.heap.own(*inner, Key::Index(0)).map_or(0, |found| self.function_line(&found.value))
                        }
                        _ => 0,
                    }
                }
                _ => 0,
            },
            _ => 0,
        }
    }

    /// The name of the function a suspended generator or async function runs.
    pub fn coroutine_name(&self, generator: ObjId) -> String {
        // Running (an `await` of a settled promise queues its job before
        // the frame is put away): the frame is on the stack.
        if let Some(frame) = self.frames.iter().rev().find(|frame| frame.generator == Some(generator)) {
            return frame.code.name.to_rust();
        }
        match &self.heap.get(generator).kind {
            Kind::Generator(data) => data.frame.as_ref().map(|saved| saved.frame.code.name.to_rust()).unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// Hands the operations counted so far to the embedder.
    pub fn report_unreported_ops(&mut self, host: &mut dyn Embedder) {
        self.report_ops(host);
    }

    /// The data the running native function was made with (a native's
    /// `FunctionKind::Native { data }`), or undefined.
    pub fn current_native_data(&self) -> Value {
        let Some(function) = self.current_native() else { return Value::Undefined };
        match &self.heap.get(function).kind {
            crate::object::Kind::Function(kind) => match &**kind {
                crate::object::FunctionKind::Native { data, .. } => data.clone(),
                _ => Value::Undefined,
            },
            _ => Value::Undefined,
        }
    }

    /// Sets the data a native function carries (see [`Vm::current_native_data`]).
    pub fn set_native_data(&mut self, function: ObjId, value: Value) {
        if let crate::object::Kind::Function(kind) = &mut self.heap.get_mut(function).kind {
            if let crate::object::FunctionKind::Native { data, .. } = &mut **kind {
                *data = value;
            }
        }
    }

    /// The native function running now.
    pub fn current_native(&self) -> Option<ObjId> {
        self.native_callees.last().copied()
    }

    /// Every root the collector starts from.
    fn roots(&self) -> Vec<Value> {
        let mut roots: Vec<Value> = self.intrinsics.all().into_iter().map(Value::Object).collect();
        roots.extend(self.stack.iter().cloned());
        for frame in &self.frames {
            frame.for_each_ref(&mut |value| roots.push(value.clone()));
        }
        roots.extend(self.persistent.iter().flatten().cloned());
        roots.extend(self.global_lexicals.values().map(|(value, _)| value.clone()));
        roots.extend(self.native_callees.iter().map(|id| Value::Object(*id)));
        roots.extend(self.pending_throw.iter().cloned());
        roots.push(self.continuation_data.clone());
        for job in self.jobs.iter().flatten() {
            job.for_each_ref(&mut |value| roots.push(value.clone()));
        }
        roots
    }

    /// Collects garbage now, if no JavaScript or native code is running
    /// (the embedder calls this between callbacks).
    pub fn collect_garbage(&mut self) -> usize {
        if self.native_depth > 0 {
            return 0;
        }
        self.collect_now()
    }

    /// Collects garbage if enough was allocated since the last collection
    /// (see [`Vm::maybe_collect`]) and no JavaScript or native code is
    /// running: what an embedder calls between callbacks.
    pub fn collect_if_due(&mut self) {
        if self.native_depth == 0 {
            self.maybe_collect();
        }
    }

    fn collect_now(&mut self) -> usize {
        let roots = self.roots();
        self.heap.collect(roots.into_iter())
    }

    /// Collects when enough has been allocated since the last collection
    /// (at least twice the live objects, so the cost stays proportional).
    /// The interpreter calls it at safe points only: between instructions
    /// of the outermost activation, where every live value is in its stacks.
    pub(crate) fn maybe_collect(&mut self) {
        let threshold = (self.heap.live_after_gc * 2).max(crate::GC_MIN_ALLOCATIONS);
        if self.heap.allocated_since_gc >= threshold {
            self.collect_now();
        }
    }
}

impl Default for Vm {
    fn default() -> Vm {
        Vm::new()
    }
}

impl Intrinsics {
    /// Creates the intrinsic objects, without their properties (the
    /// built-ins install those).
    fn bootstrap(heap: &mut Heap) -> Intrinsics {
        let object_prototype = heap.alloc(None, Kind::Ordinary, 0);
        let ordinary = |heap: &mut Heap, proto: ObjId| heap.alloc(Some(proto), Kind::Ordinary, 0);
        let native_noop: crate::object::NativeFn = |_, _, _, _, _| Ok(Value::Undefined);
        let function_prototype = heap.alloc(
            Some(object_prototype),
            Kind::Function(Box::new(crate::object::FunctionKind::Native { f: native_noop, data: Value::Undefined })),
            CALLABLE,
        );
        let error_prototype = ordinary(heap, object_prototype);
        let iterator_prototype = ordinary(heap, object_prototype);
        let async_iterator_prototype = ordinary(heap, object_prototype);
        let generator_function_prototype = ordinary(heap, function_prototype);
        let async_generator_function_prototype = ordinary(heap, function_prototype);
        let throw_type_error = heap.alloc(
            Some(function_prototype),
            Kind::Function(Box::new(crate::object::FunctionKind::Native { f: crate::errors::throw_type_error_native, data: Value::Undefined })),
            CALLABLE,
        );
        Intrinsics {
            global: ordinary(heap, object_prototype),
            object_prototype,
            function_prototype,
            array_prototype: heap.alloc(Some(object_prototype), Kind::Array(ArrayState { length: 0, length_writable: true }), 0),
            string_prototype: heap.alloc(Some(object_prototype), Kind::String(JsStr::empty()), 0),
            number_prototype: heap.alloc(Some(object_prototype), Kind::Number(0.0), 0),
            boolean_prototype: heap.alloc(Some(object_prototype), Kind::Boolean(false), 0),
            symbol_prototype: ordinary(heap, object_prototype),
            error_prototype,
            type_error_prototype: ordinary(heap, error_prototype),
            range_error_prototype: ordinary(heap, error_prototype),
            reference_error_prototype: ordinary(heap, error_prototype),
            syntax_error_prototype: ordinary(heap, error_prototype),
            eval_error_prototype: ordinary(heap, error_prototype),
            uri_error_prototype: ordinary(heap, error_prototype),
            aggregate_error_prototype: ordinary(heap, error_prototype),
            iterator_prototype,
            async_iterator_prototype,
            array_iterator_prototype: ordinary(heap, iterator_prototype),
            string_iterator_prototype: ordinary(heap, iterator_prototype),
            map_iterator_prototype: ordinary(heap, iterator_prototype),
            set_iterator_prototype: ordinary(heap, iterator_prototype),
            regexp_string_iterator_prototype: ordinary(heap, iterator_prototype),
            promise_prototype: ordinary(heap, object_prototype),
            generator_prototype: ordinary(heap, iterator_prototype),
            async_generator_prototype: ordinary(heap, async_iterator_prototype),
            generator_function_prototype,
            async_function_prototype: ordinary(heap, function_prototype),
            async_generator_function_prototype,
            regexp_prototype: ordinary(heap, object_prototype),
            date_prototype: ordinary(heap, object_prototype),
            map_prototype: ordinary(heap, object_prototype),
            set_prototype: ordinary(heap, object_prototype),
            weak_map_prototype: ordinary(heap, object_prototype),
            weak_set_prototype: ordinary(heap, object_prototype),
            throw_type_error,
        }
    }

    fn all(&self) -> Vec<ObjId> {
        vec![
            self.global,
            self.object_prototype,
            self.function_prototype,
            self.array_prototype,
            self.string_prototype,
            self.number_prototype,
            self.boolean_prototype,
            self.symbol_prototype,
            self.error_prototype,
            self.type_error_prototype,
            self.range_error_prototype,
            self.reference_error_prototype,
            self.syntax_error_prototype,
            self.eval_error_prototype,
            self.uri_error_prototype,
            self.aggregate_error_prototype,
            self.iterator_prototype,
            self.async_iterator_prototype,
            self.array_iterator_prototype,
            self.string_iterator_prototype,
            self.map_iterator_prototype,
            self.set_iterator_prototype,
            self.regexp_string_iterator_prototype,
            self.promise_prototype,
            self.generator_prototype,
            self.async_generator_prototype,
            self.generator_function_prototype,
            self.async_function_prototype,
            self.async_generator_function_prototype,
            self.regexp_prototype,
            self.date_prototype,
            self.map_prototype,
            self.set_prototype,
            self.weak_map_prototype,
            self.weak_set_prototype,
            self.throw_type_error,
        ]
    }
}
