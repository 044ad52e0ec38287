//! Any text as a link's fragment: a scenario or a clear error, never a
//! panic; what decodes re-encodes to the same scenario.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let fragment = String::from_utf8_lossy(data);
    if let Ok(link) = looplab_share::decode(&fragment) {
        let again = looplab_share::decode(&looplab_share::encode(&link.scenario)).expect("an encoded scenario decodes");
        assert_eq!(again.scenario, link.scenario);
    }
});
