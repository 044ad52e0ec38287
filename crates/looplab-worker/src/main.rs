//! The Web Worker entry point: wires `postMessage` to [`looplab_worker::execute`].
//!
//! The listener is installed before the worker announces `Ready`: a page that
//! posted earlier would lose its message.

#[cfg(target_arch = "wasm32")]
fn main() {
    use looplab_protocol::{FromWorker, ToWorker, PROTOCOL_VERSION};
    use wasm_bindgen::prelude::*;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let post = {
        let scope = scope.clone();
        move |message: FromWorker| {
            // A failed post means the page is gone; nothing is left to tell.
            let _ = scope.post_message(&JsValue::from_str(&message.to_json()));
        }
    };
    let mut post_for_handler = post.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        match ToWorker::from_json(&text) {
            Ok(request) => looplab_worker::execute(request, &mut post_for_handler),
            Err(message) => post_for_handler(FromWorker::Failed { run_id: 0, message, errors: Vec::new() }),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker does.
    on_message.forget();
    post(FromWorker::Ready { protocol_version: PROTOCOL_VERSION });
}

/// Natively there is no worker to run; the logic is tested through the lib.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
