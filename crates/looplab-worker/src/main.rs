//! The Web Worker entry point: wires `postMessage` to [`looplab_worker::execute`].
//!
//! The listener is installed before the worker announces `Ready`: a page that
//! posted earlier would lose its message.

#[cfg(target_arch = "wasm32")]
fn main() {
    use looplab_protocol::{FromWorker, ToWorker, PROTOCOL_VERSION};
    use wasm_bindgen::prelude::*;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    // wasm32 memory ends at 4 GiB. Stopping a run at 1 GiB leaves room for
    // the largest array or string it holds to double once more.
    looplab_node::runtime::memory::set_memory_limit(Some(looplab_node::runtime::memory::MemoryLimit {
        bytes_in_use: || core::arch::wasm32::memory_size(0) as u64 * 65_536,
        limit_bytes: 1 << 30,
    }));
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    // Messages are postcard bytes both ways: decoding JSON cost the page and
    // the worker about 40 KB of gzipped wasm. `looplab message encode|decode`
    // converts to and from JSON for scripts and for reading a message by eye.
    let post = {
        let scope = scope.clone();
        move |message: FromWorker| {
            // A failed post means the page is gone; nothing is left to tell.
            let _ = scope.post_message(&js_sys::Uint8Array::from(&message.to_bytes()[..]));
        }
    };
    let mut post_for_handler = post.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let request = if data.is_instance_of::<js_sys::Uint8Array>() {
            ToWorker::from_bytes(&js_sys::Uint8Array::new(&data).to_vec())
        } else {
            Err("bad message to worker: it reads postcard bytes in a Uint8Array (see `looplab message encode`)".to_string())
        };
        match request {
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
