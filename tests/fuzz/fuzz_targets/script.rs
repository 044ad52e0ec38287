//! Any text as a scenario: it must end (a result or a clear failure), never
//! panic, within small limits.
#![no_main]
use libfuzzer_sys::fuzz_target;
use looplab_core::Settings;
use looplab_protocol::ToWorker;

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data).into_owned();
    let settings = Settings { events_max: 20_000, time_max_us: 10_000_000, ..Settings::default() };
    let request = ToWorker::RunSource { run_id: 1, title: "fuzz".into(), source, settings, trace: true, trace_events_max: 5_000 };
    looplab_worker::execute(request, &mut |_| {});
});
