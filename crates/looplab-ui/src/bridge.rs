//! The page's end of the worker conversation: spawn the simulation worker,
//! turn its JSON messages into [`Action`]s, send it requests.

use crate::state::Action;
use looplab_protocol::{FromWorker, ToWorker};
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker};

/// Trunk writes this classic-script shim next to the worker's wasm; it loads
/// the wasm-bindgen glue with `importScripts` and starts the worker's `main`.
/// A relative URL keeps the app working when hosted under a sub-path.
const WORKER_SCRIPT: &str = "./looplab_worker_loader.js";

pub struct WorkerBridge {
    worker: Worker,
    // The closures must live as long as the worker may call them.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl WorkerBridge {
    pub fn spawn(dispatch: impl Fn(Action) + Clone + 'static) -> Result<WorkerBridge, String> {
        let worker = Worker::new(WORKER_SCRIPT).map_err(|error| format!("could not start the simulation worker: {error:?}"))?;
        let on_message = {
            let dispatch = dispatch.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let text = event.data().as_string().unwrap_or_default();
                match FromWorker::from_json(&text) {
                    Ok(message) => dispatch(Action::FromWorker(message)),
                    Err(message) => dispatch(Action::WorkerCrashed(message)),
                }
            })
        };
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
            dispatch(Action::WorkerCrashed(format!("the simulation worker failed: {}", event.message())));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(WorkerBridge { worker, _on_message: on_message, _on_error: on_error })
    }

    pub fn send(&self, message: &ToWorker) {
        // Posting a string to a live worker does not fail; a dead worker has
        // already reported through `onerror`.
        let _ = self.worker.post_message(&JsValue::from_str(&message.to_json()));
    }
}

impl Drop for WorkerBridge {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
