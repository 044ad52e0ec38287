//! Frees a run's JavaScript heap when the run ends.
//!
//! Objects are reference-counted (`Rc<RefCell<Object>>`), and JavaScript
//! makes cycles all the time: a function's environment holds the function,
//! `globalThis.globalThis`, a prototype's `constructor`. Reference counting
//! never frees a cycle, so before this every run left its whole heap behind;
//! in the page's worker, which runs one scenario after another, that memory
//! was never returned.
//!
//! There is no collector during a run (a run is bounded by its limits).
//! Instead each [`JsGuest`](crate::node::JsGuest) keeps a [`Heap`]: a weak
//! reference to every object allocated while the guest runs. When the guest
//! is dropped, every object still alive is emptied (properties, prototype,
//! internal slots), which breaks every cycle: an environment only points at
//! its parents, so any cycle passes through an object. Then ordinary
//! reference counting frees the lot.
//!
//! Which heap an allocation belongs to is the one [`enter`]ed on this thread:
//! the guest enters its own around everything it runs, so two runs that
//! interleave on one thread still keep their heaps apart.

use crate::value::{Class, ObjRef, Object};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

thread_local! {
    static CURRENT: RefCell<Option<Rc<Heap>>> = const { RefCell::new(None) };
    /// Objects allocated with no heap entered: never freed if in a cycle.
    /// Tests check it stays 0 across whole runs.
    static UNTRACKED: Cell<u64> = const { Cell::new(0) };
    static MEMORY_LIMIT: Cell<Option<MemoryLimit>> = const { Cell::new(None) };
}

/// How the host measures the process's memory, and the most a run may
/// reach. This crate reads no memory figures itself (it stays pure): the
/// page's worker measures its wasm memory, the CLI its resident set.
#[derive(Clone, Copy)]
pub struct MemoryLimit {
    pub bytes_in_use: fn() -> u64,
    pub limit_bytes: u64,
}

/// Sets (or, with None, lifts) the memory limit for runs on this thread.
pub fn set_memory_limit(limit: Option<MemoryLimit>) {
    MEMORY_LIMIT.with(|cell| cell.set(limit));
}

/// The memory in use, as the host measures it, when it has said how.
pub fn bytes_in_use() -> Option<u64> {
    MEMORY_LIMIT.with(Cell::get).map(|limit| (limit.bytes_in_use)())
}

/// The memory in use and the limit, when a limit is set and passed.
pub(crate) fn memory_over_limit() -> Option<(u64, u64)> {
    let limit = MEMORY_LIMIT.with(Cell::get)?;
    let in_use = (limit.bytes_in_use)();
    (in_use > limit.limit_bytes).then_some((in_use, limit.limit_bytes))
}

/// Entries kept before the first sweep of dead ones.
const SWEEP_FIRST_AT: usize = 4096;

/// One run's objects.
#[derive(Default)]
pub struct Heap {
    objects: RefCell<Vec<Weak<RefCell<Object>>>>,
    /// The length at which dead entries are next swept out: twice the live
    /// count after the last sweep, so sweeping costs O(1) per allocation and
    /// a long run's entries stay proportional to what is alive.
    sweep_at: Cell<usize>,
}

impl Heap {
    pub fn new() -> Rc<Heap> {
        Rc::new(Heap { objects: RefCell::default(), sweep_at: Cell::new(SWEEP_FIRST_AT) })
    }

    fn track(&self, object: &ObjRef) {
        let mut objects = self.objects.borrow_mut();
        if objects.len() >= self.sweep_at.get() {
            objects.retain(|weak| weak.strong_count() > 0);
            self.sweep_at.set((objects.len() * 2).max(SWEEP_FIRST_AT));
        }
        objects.push(Rc::downgrade(object));
    }

    /// How many of the heap's objects are still alive.
    pub fn live_objects(&self) -> usize {
        self.objects.borrow().iter().filter(|weak| weak.strong_count() > 0).count()
    }

    /// Empties every object still alive, so reference counting can free
    /// them all. Only for a heap whose run is over: its objects become `{}`.
    pub fn break_cycles(&self) {
        let objects = std::mem::take(&mut *self.objects.borrow_mut());
        // What the objects held is dropped only after all are emptied: a
        // long chain then frees one shallow object at a time instead of
        // recursing down the chain.
        let mut contents = Vec::with_capacity(objects.len());
        for object in objects.iter().filter_map(Weak::upgrade) {
            if let Ok(mut object) = object.try_borrow_mut() {
                contents.push((std::mem::take(&mut object.props), object.proto.take(), std::mem::replace(&mut object.class, Class::Plain)));
                object.clear_index();
            }
        }
        drop(contents);
    }
}

/// Called for every new object: it joins the heap entered on this thread.
pub(crate) fn track(object: &ObjRef) {
    CURRENT.with(|current| match &*current.borrow() {
        Some(heap) => heap.track(object),
        None => UNTRACKED.with(|untracked| untracked.set(untracked.get() + 1)),
    });
}

/// How many objects this thread has allocated outside any run's heap.
pub fn untracked_objects() -> u64 {
    UNTRACKED.with(Cell::get)
}

/// Makes `heap` the one new objects join until the guard is dropped, which
/// restores the one entered before.
pub fn enter(heap: &Rc<Heap>) -> Entered {
    let previous = CURRENT.with(|current| current.replace(Some(heap.clone())));
    Entered { previous }
}

#[must_use = "the heap is entered only while the guard lives"]
pub struct Entered {
    previous: Option<Rc<Heap>>,
}

impl Drop for Entered {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CURRENT.with(|current| *current.borrow_mut() = previous);
    }
}
