//! Looplab's page: a Yew app that asks the simulation worker for a run and
//! animates the trace it streams back.
//!
//! Natively the crate builds only for the state's unit tests, so the
//! components are unused there.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod app;
mod bridge;
mod charts;
mod editor;
mod export;
mod highlight;
mod lanes;
mod poster;
mod predict;
mod presets;
mod request_waits;
mod share;
mod sharing;
mod state;
mod tracks;
mod tracks_view;
mod walkthrough;

fn main() {
    #[cfg(target_arch = "wasm32")]
    yew::Renderer::<app::App>::new().render();
}
