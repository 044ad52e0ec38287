//! The page's end of the worker conversation: spawn the simulation worker,
//! turn its messages (postcard bytes) into [`Action`]s, send it requests.
//!
//! A run is one synchronous loop inside the worker, so a new run cannot
//! interrupt an old one. When the page needs the worker while it is busy
//! (a knob changed during a long run, or the person pressed Stop), it
//! terminates the worker and starts a fresh one; messages sent before the
//! new one says `Ready` wait here.

use crate::state::Action;
use looplab_protocol::{FromWorker, ToWorker};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker};

/// Trunk writes this classic-script shim next to the worker's wasm; it loads
/// the wasm-bindgen glue with `importScripts` and starts the worker's `main`.
/// A relative URL keeps the app working when hosted under a sub-path.
const WORKER_SCRIPT: &str = "./looplab_worker_loader.js";

struct Live {
    worker: Worker,
    // The closures must live as long as the worker may call them.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

#[derive(Default)]
struct Shared {
    ready: bool,
    /// Requests waiting for `Ready`.
    waiting: Vec<Vec<u8>>,
    /// Trace chunks of the run in progress, handed to the page in one
    /// piece when it finishes: the state is immutable, and appending chunk
    /// by chunk would copy the growing trace each time.
    trace: Vec<looplab_core::TraceEvent>,
    trace_run: u64,
    /// The worker's memory after its last run (see [`WorkerBridge::needs_fresh_worker`]).
    memory_in_use_bytes: u64,
}

/// Past this much memory after a run, the next run gets a fresh worker:
/// wasm memory never shrinks, and a run may use up to 1 GiB more.
const WORKER_MEMORY_RESTART_BYTES: u64 = 512 << 20;

pub struct WorkerBridge {
    live: Option<Live>,
    shared: Rc<RefCell<Shared>>,
    dispatch: Rc<dyn Fn(Action)>,
}

impl WorkerBridge {
    pub fn spawn(dispatch: impl Fn(Action) + 'static) -> Result<WorkerBridge, String> {
        let mut bridge = WorkerBridge { live: None, shared: Rc::default(), dispatch: Rc::new(dispatch) };
        bridge.start()?;
        Ok(bridge)
    }

    fn start(&mut self) -> Result<(), String> {
        let worker = Worker::new(WORKER_SCRIPT).map_err(|error| format!("could not start the simulation worker: {error:?}"))?;
        let shared = Rc::new(RefCell::new(Shared::default()));
        self.shared = shared.clone();
        let on_message = {
            let dispatch = self.dispatch.clone();
            let worker = worker.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let bytes = js_sys::Uint8Array::new(&event.data()).to_vec();
                match FromWorker::from_bytes(&bytes) {
                    Ok(FromWorker::Trace { run_id, events }) => {
                        let mut shared = shared.borrow_mut();
                        if shared.trace_run != run_id {
                            shared.trace_run = run_id;
                            shared.trace.clear();
                        }
                        shared.trace.extend(events);
                    }
                    Ok(message) => {
                        if let FromWorker::Finished { run_id, summary } = &message {
                            let events = {
                                let mut shared = shared.borrow_mut();
                                shared.memory_in_use_bytes = summary.memory_in_use_bytes;
                                if shared.trace_run == *run_id {
                                    std::mem::take(&mut shared.trace)
                                } else {
                                    Vec::new()
                                }
                            };
                            dispatch(Action::FromWorker(FromWorker::Trace { run_id: *run_id, events }));
                        }
                        if matches!(message, FromWorker::Ready { .. }) {
                            let waiting = {
                                let mut shared = shared.borrow_mut();
                                shared.ready = true;
                                std::mem::take(&mut shared.waiting)
                            };
                            for bytes in waiting {
                                let _ = worker.post_message(&js_sys::Uint8Array::from(&bytes[..]));
                            }
                        }
                        dispatch(Action::FromWorker(message));
                    }
                    Err(message) => dispatch(Action::WorkerCrashed(message)),
                }
            })
        };
        let on_error = {
            let dispatch = self.dispatch.clone();
            Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
                dispatch(Action::WorkerCrashed(format!("the simulation worker failed: {}", event.message())));
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        self.live = Some(Live { worker, _on_message: on_message, _on_error: on_error });
        Ok(())
    }

    pub fn send(&self, message: &ToWorker) {
        let bytes = message.to_bytes();
        let mut shared = self.shared.borrow_mut();
        match (&self.live, shared.ready) {
            // Posting a string to a live worker does not fail; a dead worker
            // has already reported through `onerror`.
            (Some(live), true) => {
                let _ = live.worker.post_message(&js_sys::Uint8Array::from(&bytes[..]));
            }
            _ => shared.waiting.push(bytes),
        }
    }

    /// Whether the worker's last run left it holding so much memory that
    /// the next run should start in a fresh one.
    pub fn needs_fresh_worker(&self) -> bool {
        self.shared.borrow().memory_in_use_bytes > WORKER_MEMORY_RESTART_BYTES
    }

    /// Ends whatever the worker is doing and starts a fresh one.
    pub fn restart(&mut self) {
        if let Some(live) = self.live.take() {
            live.worker.terminate();
        }
        if let Err(message) = self.start() {
            (self.dispatch)(Action::WorkerCrashed(message));
        }
    }
}

impl Drop for WorkerBridge {
    fn drop(&mut self) {
        if let Some(live) = self.live.take() {
            live.worker.terminate();
        }
    }
}
