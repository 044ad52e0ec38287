//! The engine's embedder: one JS thread's state between callbacks
//! ([`ThreadState`]) and, while a callback runs, [`NodeHost`], which joins
//! it to the simulation's [`Host`] and implements [`Embedder`].
//!
//! Virtual CPU: every interpreted operation costs [`OP_COST_PS`]; the
//! engine reports operations before each host call and at the end of a
//! callback, and whole microseconds move the simulation's cursor, so an API
//! call happens at the virtual moment the code reaches it.

use looplab_core::{Callback, FnRef, Host};
use looplab_js::{Embedder, JobId, JsResult, ObjId, Persistent, Value, Vm};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// Virtual CPU time of one interpreted operation, in picoseconds: an
/// Express request's handler and Node's own http code come to about the
/// microseconds real Node v20 spends on them (timing.json).
pub const OP_COST_PS: u64 = 150;
/// Virtual cost of reading the clock (`Date.now()`, `performance.now()`):
/// a `clock_gettime` through V8's and Node's layers.
pub const CLOCK_READ_PS: u64 = 30_000;
/// One callback may run at most this many operations: past it, the code
/// never gives the event loop a turn (a loop that never ends?).
pub const OPS_MAX: u64 = 400_000_000;

/// Work the simulation will call back: each [`FnRef`] the runtime hands
/// out is an index into [`ThreadState::jobs`].
pub enum HostJob {
    /// Call `[function, this, context, ...args]` (one persistent array; the
    /// context is `Vm::continuation_data` where it was made). A repeating
    /// job (setInterval) stays registered after it runs.
    Call { call: Persistent, repeat: bool },
    /// A promise job of the engine's.
    Promise(JobId),
    /// A load client's request for the server object (see `http_load`).
    LoadRequest { server: Persistent },
    /// `req._dump()` after a load request's response ended (`http_load`).
    DumpRequest { request: Persistent },
}

/// A worker's code and environment, waiting for its thread to start.
pub struct Spawned {
    pub source: String,
    pub filename: String,
    pub env_json: String,
    /// The structured clone of `workerData` (a JSON tree), or empty.
    pub worker_data: String,
    pub load_error: Option<String>,
}

/// One JS thread's runtime state, kept between callbacks.
pub struct ThreadState {
    pub jobs: Vec<Option<HostJob>>,
    jobs_free: Vec<u32>,
    /// Virtual CPU not yet handed to the simulation (below a microsecond).
    pub cpu_ps: u64,
    /// `vm.ops` when the current callback started.
    pub ops_at_entry: u64,
    /// Why the run must stop (a limit, `process.exit`), once it must.
    pub halted: Option<String>,
    /// Promises rejected with no handler during this callback.
    pub unhandled: Vec<Persistent>,
    /// Workers spawned during this callback.
    pub spawned: Vec<(looplab_core::ThreadId, Spawned)>,
    /// The scenario's files by path.
    pub files: Rc<BTreeMap<String, String>>,
    /// What the process's threads share: file contents, MessagePorts.
    pub process: Rc<RefCell<super::process::Process>>,
    /// Module exports by cache key (Node's module cache).
    pub modules: BTreeMap<String, Persistent>,
    /// Internal objects by name (`%workers`, the timer prototype …).
    pub internals: BTreeMap<&'static str, Persistent>,
    /// The last clock read: its granularity in µs (1,000 for `Date.now()`,
    /// 1 for `performance.now()`), for skipping idle spins.
    pub clock_granularity_us: u64,
    /// Whether the clock was read since the last idle spin.
    pub clock_read: bool,
    /// How many times the engine asked whether to stop.
    pub interrupts: u64,
    /// The native request path's prototypes and template (`http_load`),
    /// once http.js has loaded.
    pub http: Option<super::http_load::HttpNative>,
}

impl ThreadState {
    pub fn new(files: Rc<BTreeMap<String, String>>, process: Rc<RefCell<super::process::Process>>) -> ThreadState {
        ThreadState {
            jobs: Vec::new(),
            jobs_free: Vec::new(),
            cpu_ps: 0,
            ops_at_entry: 0,
            halted: None,
            unhandled: Vec::new(),
            spawned: Vec::new(),
            files,
            process,
            modules: BTreeMap::new(),
            internals: BTreeMap::new(),
            http: None,
            clock_granularity_us: 1000,
            clock_read: false,
            interrupts: 0,
        }
    }

    pub fn add_job(&mut self, job: HostJob) -> u32 {
        match self.jobs_free.pop() {
            Some(index) => {
                self.jobs[index as usize] = Some(job);
                index
            }
            None => {
                self.jobs.push(Some(job));
                self.jobs.len() as u32 - 1
            }
        }
    }

    pub fn take_job(&mut self, index: u32) -> Option<HostJob> {
        let taken = self.jobs.get_mut(index as usize)?.take();
        if taken.is_some() {
            self.jobs_free.push(index);
        }
        taken
    }

    /// Puts a repeating job back where it was.
    pub fn restore_job(&mut self, index: u32, job: HostJob) {
        if let Some(slot) = self.jobs.get_mut(index as usize) {
            if slot.is_none() {
                self.jobs_free.retain(|free| *free != index);
                *slot = Some(job);
            }
        }
    }

    pub fn internal(&self, vm: &Vm, name: &'static str) -> Value {
        self.internals.get(name).map(|handle| vm.persistent(*handle)).unwrap_or_default()
    }

    pub fn set_internal(&mut self, vm: &mut Vm, name: &'static str, value: Value) {
        if let Some(old) = self.internals.remove(name) {
            vm.release(old);
        }
        let handle = vm.persist(value);
        self.internals.insert(name, handle);
    }
}

/// The embedder while a callback runs: the thread's state and the host.
pub struct NodeHost<'a, 'h> {
    pub host: &'a mut Host<'h>,
    pub state: &'a mut ThreadState,
}

impl NodeHost<'_, '_> {
    /// Hands whole microseconds of virtual CPU to the simulation.
    pub fn flush_cpu(&mut self) {
        let whole_us = self.state.cpu_ps / 1_000_000;
        if whole_us > 0 {
            self.host.spend_cpu_us(whole_us);
            self.state.cpu_ps -= whole_us * 1_000_000;
        }
    }

    pub fn spend_ps(&mut self, ps: u64) {
        self.state.cpu_ps = self.state.cpu_ps.saturating_add(ps);
    }

    /// The virtual time in picoseconds, counting CPU not yet handed over.
    pub fn now_ps(&mut self) -> u64 {
        self.flush_cpu();
        self.host.now_us().saturating_mul(1_000_000).saturating_add(self.state.cpu_ps)
    }

    /// Registers a call the simulation will make: `function` with `this`
    /// and `args`, named for the UI.
    pub fn callback(&mut self, vm: &mut Vm, function: &Value, this: Value, args: &[Value], repeat: bool) -> Callback {
        let name = function_label(vm, function);
        // The continuation data (AsyncLocalStorage's stores) of where the
        // callback was made: current again when it runs.
        let mut all = vec![function.clone(), this, vm.continuation_data.clone()];
        all.extend(args.iter().cloned());
        let array = vm.new_array(all);
        let call = vm.persist(Value::Object(array));
        let index = self.state.add_job(HostJob::Call { call, repeat });
        Callback { func: FnRef(index), name: name.into() }
    }
}

/// A function's name as the UI shows it, `(anonymous)` when it has none.
pub fn function_label(vm: &Vm, function: &Value) -> String {
    let name = match function {
        Value::Object(id) => match vm.heap.own(*id, looplab_js::Key::Atom(looplab_js::atoms::NAME)) {
            Some(found) => match found.value {
                Value::String(name) => name.to_rust(),
                _ => String::new(),
            },
            None => String::new(),
        },
        _ => String::new(),
    };
    if name.is_empty() {
        "(anonymous)".to_string()
    } else {
        name
    }
}

impl Embedder for NodeHost<'_, '_> {
    fn now_ms(&mut self) -> f64 {
        // Date.now(): whole milliseconds since EPOCH_MS.
        self.spend_ps(CLOCK_READ_PS);
        self.state.clock_granularity_us = 1000;
        self.state.clock_read = true;
        self.flush_cpu();
        crate::EPOCH_MS + (self.host.now_us() / 1000) as f64
    }

    fn spend(&mut self, ops: u64) {
        self.spend_ps(ops.saturating_mul(OP_COST_PS));
        self.flush_cpu();
    }

    fn enqueue_job(&mut self, vm: &mut Vm, job: JobId) {
        let name = crate::runtime::job_name(vm, job);
        let index = self.state.add_job(HostJob::Promise(job));
        self.flush_cpu();
        self.host.queue_microtask(Callback { func: FnRef(index), name: name.into() });
    }

    fn interrupt(&mut self, vm: &mut Vm) -> Option<String> {
        if let Some(reason) = &self.state.halted {
            return Some(reason.clone());
        }
        self.flush_cpu();
        let reason = if vm.ops.saturating_sub(self.state.ops_at_entry) >= OPS_MAX {
            Some(format!(
                "stopped after {OPS_MAX} interpreted operations: the code never gives the event loop a turn \
                 (a loop that never ends?), so in real Node nothing else would ever run"
            ))
        } else if self.host.over_time_limit() {
            Some("stopped at the run's time limit".to_string())
        } else if vm.heap.bytes as u64 > crate::runtime::HEAP_BYTES_MAX {
            Some(crate::runtime::memory::stop_reason(vm.heap.bytes as u64, crate::runtime::HEAP_BYTES_MAX))
        } else {
            // The host's measure costs a system call: every 16th time.
            self.state.interrupts += 1;
            if self.state.interrupts % 16 == 0 {
                crate::runtime::memory::over_limit().map(|(in_use, limit)| crate::runtime::memory::stop_reason(in_use, limit))
            } else {
                None
            }
        };
        if let Some(reason) = &reason {
            self.state.halted = Some(reason.clone());
        }
        reason
    }

    fn call_host(&mut self, vm: &mut Vm, id: u32, data: &Value, this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
        crate::runtime::natives::call(vm, self, id, data, this, args, new_target)
    }

    fn promise_rejection(&mut self, vm: &mut Vm, promise: ObjId, handled: bool) {
        if handled {
            let mut kept = Vec::new();
            for handle in std::mem::take(&mut self.state.unhandled) {
                if vm.persistent(handle).as_object() == Some(promise) {
                    vm.release(handle);
                } else {
                    kept.push(handle);
                }
            }
            self.state.unhandled = kept;
        } else {
            let handle = vm.persist(Value::Object(promise));
            self.state.unhandled.push(handle);
        }
    }

    /// Node turns V8's resolve-after-resolved events into process
    /// 'multipleResolves' (type, promise, value), emitted from a nextTick
    /// (lib/internal/process/promises.js, resolveError); only scheduled when
    /// someone listens.
    fn resolved_again(&mut self, vm: &mut Vm, promise: ObjId, rejected: bool, value: Value) {
        if super::process_listeners(vm, "multipleResolves").is_empty() {
            return;
        }
        let process = super::process_object(vm);
        let emit = super::natives::peek(vm, &process, "emit");
        if !vm.is_callable(&emit) {
            return;
        }
        let kind = Value::str(if rejected { "reject" } else { "resolve" });
        let args = [Value::str("multipleResolves"), kind, Value::Object(promise), value];
        let callback = self.callback(vm, &emit, process, &args, false);
        self.host.next_tick(callback);
    }

    fn random(&mut self) -> f64 {
        self.host.random_unit()
    }

    fn idle_spins(&mut self, ops_per_spin: u64) -> u64 {
        // A loop that only waits for the clock (`while (Date.now() < end) {}`)
        // finds the same reading on every spin until the clock's next tick:
        // skip those spins, charging their time.
        // Only when this spin really read the clock (a script may have
        // replaced `Date.now`).
        if !std::mem::take(&mut self.state.clock_read) {
            return 0;
        }
        let spin_ps = ops_per_spin.saturating_mul(OP_COST_PS).saturating_add(CLOCK_READ_PS);
        let granularity_ps = self.state.clock_granularity_us.max(1).saturating_mul(1_000_000);
        let now_ps = self.now_ps();
        let next_tick_ps = (now_ps / granularity_ps + 1).saturating_mul(granularity_ps);
        let spins = (next_tick_ps - now_ps).div_ceil(spin_ps).saturating_sub(1);
        self.spend_ps(spins.saturating_mul(spin_ps));
        spins
    }
}
