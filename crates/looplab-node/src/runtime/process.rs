//! What a Node process's threads share: the contents of the files the
//! program can read (the scenario's own text, and what it wrote), and its
//! MessagePorts. One per process, behind an `Rc<RefCell<…>>` every thread's
//! runtime holds (the simulation runs one thread at a time).

use super::ports::Ports;
use std::collections::BTreeMap;

#[derive(Default)]
pub struct Process {
    pub ports: Ports,
    /// Files whose bytes Looplab holds, by path. A file the scenario only
    /// sized (`// @looplab file big.bin 10MB`) is not here: it has a size
    /// and no contents.
    pub contents: BTreeMap<String, Vec<u8>>,
    /// File descriptors `fs.open` handed out, and the next one.
    pub fds: BTreeMap<u32, OpenFile>,
    pub next_fd: u32,
}

/// What an open file descriptor names, and whether its flags allow writes.
pub struct OpenFile {
    pub path: String,
    pub writable: bool,
}

/// Descriptors 0-2 are stdio and Node holds a few of its own: the first
/// one a script gets is about here.
pub const FIRST_FD: u32 = 20;
