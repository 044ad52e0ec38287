//! A tiny structured program, the guest used before the JavaScript front end
//! exists and in engine tests: statements that call Node APIs, with nested
//! callbacks. Each time a statement hands a callback to an API, the callback
//! becomes a fresh function value, as a closure would in JavaScript.

use crate::sim::{Callback, FnRef, Guest, Host, HostValue};

/// A function literal: a name for the call stack and a body.
#[derive(Clone, Debug, PartialEq)]
pub struct Func {
    pub name: String,
    pub body: Vec<Stmt>,
}

impl Func {
    pub fn new(name: &str, body: Vec<Stmt>) -> Func {
        Func { name: name.to_string(), body }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// `console.log(text)`.
    Log(String),
    /// Synchronous work that keeps the thread busy.
    Cpu {
        cost_us: u64,
    },
    /// Calls a named function with the given body (shows on the call stack).
    Call(Func),
    ReadFile {
        path: String,
        callback: Func,
    },
    SetTimeout {
        delay_ms: f64,
        callback: Func,
    },
    SetImmediate(Func),
    NextTick(Func),
    QueueMicrotask(Func),
}

/// A program: the main module's statements.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Program {
    pub main: Vec<Stmt>,
}

/// Runs a [`Program`] as the guest of a simulation.
#[derive(Debug, Default)]
pub struct ProgramGuest {
    main: Vec<Stmt>,
    functions: Vec<Func>,
}

impl ProgramGuest {
    pub fn new(program: Program) -> ProgramGuest {
        ProgramGuest { main: program.main, functions: Vec::new() }
    }

    fn closure(&mut self, func: &Func) -> Callback {
        self.functions.push(func.clone());
        Callback { func: FnRef((self.functions.len() - 1) as u32), name: func.name.as_str().into() }
    }

    fn run(&mut self, body: &[Stmt], host: &mut Host<'_>) {
        for stmt in body {
            match stmt {
                Stmt::Log(text) => host.console_log(text),
                Stmt::Cpu { cost_us } => host.spend_cpu_us(*cost_us),
                Stmt::Call(func) => {
                    host.push_frame(&func.name);
                    self.run(&func.body, host);
                    host.pop_frame();
                }
                Stmt::ReadFile { path, callback } => {
                    let callback = self.closure(callback);
                    host.read_file(path, callback);
                }
                Stmt::SetTimeout { delay_ms, callback } => {
                    let callback = self.closure(callback);
                    host.set_timeout(callback, *delay_ms);
                }
                Stmt::SetImmediate(func) => {
                    let callback = self.closure(func);
                    host.set_immediate(callback);
                }
                Stmt::NextTick(func) => {
                    let callback = self.closure(func);
                    host.next_tick(callback);
                }
                Stmt::QueueMicrotask(func) => {
                    let callback = self.closure(func);
                    host.queue_microtask(callback);
                }
            }
        }
    }
}

impl Guest for ProgramGuest {
    fn run_main(&mut self, host: &mut Host<'_>) {
        let main = std::mem::take(&mut self.main);
        self.run(&main, host);
    }

    fn call(&mut self, func: FnRef, _args: &[HostValue], host: &mut Host<'_>) {
        let body = self.functions[func.0 as usize].body.clone();
        self.run(&body, host);
    }
}
