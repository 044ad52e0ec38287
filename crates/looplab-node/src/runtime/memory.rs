//! The memory limit of a run, as the host measures memory: the page's
//! worker its wasm memory, the CLI its resident set. This crate reads no
//! memory figures itself (it stays pure); the engine's own estimate of its
//! heap (`Heap::bytes`) is the fallback.

use std::cell::Cell;

thread_local! {
    static MEMORY_LIMIT: Cell<Option<MemoryLimit>> = const { Cell::new(None) };
}

/// How the host measures the process's memory, and the most a run may reach.
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
pub fn over_limit() -> Option<(u64, u64)> {
    let limit = MEMORY_LIMIT.with(Cell::get)?;
    let in_use = (limit.bytes_in_use)();
    (in_use > limit.limit_bytes).then_some((in_use, limit.limit_bytes))
}

/// What a run stopped at the limit says.
pub fn stop_reason(in_use: u64, limit: u64) -> String {
    format!(
        "stopped: the program's memory grew to {} MiB, past Looplab's limit of {} MiB. Real Node stops such a program too, \
         with \"FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\" (its heap is a few GB by default)",
        in_use >> 20,
        limit >> 20
    )
}
