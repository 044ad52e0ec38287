//! Share links: round trips for every preset, the golden vectors that must
//! decode forever, and seeded random and corrupted links (no panic, a
//! clear error).

use looplab_core::rng::Rng;
use looplab_share::{decode, encode, encode_embed, EmbedOptions, Link, Panel, Scenario, Theme, ViewState, FROZEN_V1};
use std::path::Path;

fn presets() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../www/scenarios");
    let mut presets: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("www/scenarios")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "js"))
        .map(|path| (path.file_stem().unwrap_or_default().to_string_lossy().into_owned(), std::fs::read_to_string(&path).expect("preset text")))
        .collect();
    presets.sort();
    presets
}

fn scenario(id: &str, code: &str) -> Scenario {
    Scenario { title: String::new(), code: code.to_string(), preset: Some(id.to_string()), overrides: Vec::new(), view: ViewState::default() }
}

/// Typical edits of a preset: a number changed, a line added, a line
/// removed, a knob moved.
fn edits(code: &str) -> Vec<String> {
    let lines: Vec<&str> = code.split('\n').collect();
    let middle = lines.len() / 2;
    let mut changed = lines.clone();
    let tweaked = changed[middle].replace('0', "5").replace('4', "8") + " // tweaked";
    changed[middle] = &tweaked;
    let mut added = lines.clone();
    added.insert(middle, "console.log('added');");
    let mut removed = lines.clone();
    removed.remove(middle);
    vec![code.to_string(), changed.join("\n"), added.join("\n"), removed.join("\n")]
}

#[test]
fn every_preset_round_trips_with_typical_edits_in_short_links() {
    for (id, code) in presets() {
        for (index, edited) in edits(&code).into_iter().enumerate() {
            let mut scenario = scenario(&id, &edited);
            if index == 1 {
                scenario.overrides = vec!["pool=8".into(), "seed=7".into()];
                scenario.view.pane = "code".into();
                scenario.view.compare = Some("pool".into());
                scenario.view.time_us = Some(1_250_000);
            }
            let fragment = encode(&scenario);
            let link = decode(&fragment).unwrap_or_else(|error| panic!("{id} edit {index}: {error}"));
            assert_eq!(link.scenario, scenario, "{id} edit {index}");
            assert_eq!(link.embed, None);
            // The whole URL (origin and path besides) stays short.
            assert!(fragment.len() < 200, "{id} edit {index}: a {}-character fragment", fragment.len());
        }
    }
}

#[test]
fn code_of_ones_own_round_trips_whole() {
    let code = "const fs = require('fs');\n\u{1F600} é \\ \" ' ` ${x}\r\n\tsetTimeout(() => console.log('<script>alert(1)</script>'), 10);\n";
    let scenario = Scenario {
        title: "My <b>own</b> & \"code\"".into(),
        code: code.into(),
        preset: None,
        overrides: vec!["load=open rate=100/s".into()],
        view: ViewState::default(),
    };
    assert_eq!(decode(&encode(&scenario)).map(|link| link.scenario), Ok(scenario.clone()));
    // Labelled with a preset but rewritten wholesale.
    let relabelled = Scenario { preset: Some("readfile-intro".into()), ..scenario };
    assert_eq!(decode(&encode(&relabelled)).map(|link| link.scenario), Ok(relabelled));
}

#[test]
fn embed_options_round_trip() {
    let scenario = scenario("heavy-blocks-fast", FROZEN_V1.iter().find(|(id, _)| *id == "heavy-blocks-fast").map(|(_, text)| *text).unwrap_or_default());
    let options = EmbedOptions {
        autoplay: true,
        looped: true,
        speed: Some(2.5),
        start_us: Some(1_200_000),
        panels: vec![Panel::Charts, Panel::Console],
        theme: Some(Theme::Dark),
        click: false,
    };
    let fragment = encode_embed(&scenario, &options);
    assert!(fragment.starts_with("embed&autoplay&loop&speed=2.5&t=1200ms&show=charts,console&theme=dark&s=1."), "{fragment}");
    assert_eq!(decode(&format!("#{fragment}")), Ok(Link { scenario: scenario.clone(), embed: Some(options), present: false, predict: None }));
    let plain = EmbedOptions::default();
    assert_eq!(decode(&encode_embed(&scenario, &plain)).map(|link| link.embed), Ok(Some(plain)));
    // Run on a click: read before any wasm by the page's boot script,
    // which looks for the item `click` among the fragment's first items.
    let on_click = EmbedOptions { click: true, ..EmbedOptions::default() };
    let fragment = encode_embed(&scenario, &on_click);
    assert!(fragment.starts_with("embed&click&s=1."), "{fragment}");
    assert_eq!(decode(&fragment).map(|link| link.embed), Ok(Some(on_click)));
}

#[test]
fn presentation_mode_is_an_item_of_any_link() {
    let scenario = scenario("readfile-intro", FROZEN_V1.iter().find(|(id, _)| *id == "readfile-intro").map(|(_, text)| *text).unwrap_or_default());
    let link = decode(&format!("present&{}", encode(&scenario))).expect("a presentation link");
    assert!(link.present && link.embed.is_none());
    assert!(!decode(&encode(&scenario)).expect("a plain link").present);
    assert!(decode(&format!("embed&present&{}", encode(&scenario))).is_ok_and(|link| link.present && link.embed.is_some()));
}

#[test]
fn a_prediction_round_trips_through_a_link() {
    let scenario = scenario("readfile-intro", FROZEN_V1.iter().find(|(id, _)| *id == "readfile-intro").map(|(_, text)| *text).unwrap_or_default());
    let asked = format!("{}{}", looplab_share::mode_items(false, Some(&[])), encode(&scenario));
    assert!(asked.starts_with("predict&s=1."), "{asked}");
    assert_eq!(decode(&asked).map(|link| link.predict), Ok(Some(vec![])));
    let answered = format!("{}{}", looplab_share::mode_items(true, Some(&[2, 0, 1])), encode(&scenario));
    assert!(answered.starts_with("present&predict=2.0.1&s=1."), "{answered}");
    assert_eq!(decode(&answered).map(|link| (link.present, link.predict)), Ok((true, Some(vec![2, 0, 1]))));
    assert_eq!(decode(&encode(&scenario)).map(|link| link.predict), Ok(None));
    let broken = decode(&format!("predict=2.x&{}", encode(&scenario))).expect_err("not numbers");
    assert!(broken.0.contains("the link's prediction \"2.x\""), "{broken}");
}

/// Links made by version 1: each must decode to the same scenario in every
/// later version of Looplab. Never re-bless this file; add to it.
#[test]
fn golden_links_decode_forever() {
    let text = include_str!("golden-v1.txt");
    let mut count = 0;
    let mut lines = text.lines().filter(|line| !line.starts_with('#') && !line.trim().is_empty());
    while let (Some(link), Some(expected)) = (lines.next(), lines.next()) {
        let fragment = link.strip_prefix("link: ").expect("a link: line");
        let expected: Link = serde_json::from_str(expected.strip_prefix("decodes to: ").expect("a decodes to: line")).expect("expected JSON");
        assert_eq!(decode(fragment), Ok(expected), "golden link {fragment}");
        count += 1;
    }
    assert!(count >= 5, "only {count} golden links");
}

#[test]
fn the_frozen_examples_never_change() {
    // FNV-1a of every frozen text, pinned: editing one would change what
    // old links decode to. Add new presets; never edit these.
    let hash = |text: &str| text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3));
    let pinned = include_str!("frozen-v1.hashes");
    for (id, text) in FROZEN_V1 {
        let line = format!("{id} {:016x}", hash(text));
        assert!(pinned.lines().any(|pinned| pinned == line), "frozen/v1/{id}.js changed (or is new and not pinned): {line}");
    }
    assert_eq!(pinned.lines().count(), FROZEN_V1.len());
}

/// Every reading fails cleanly: random text, and real links cut, altered,
/// doubled and padded. Thousands per run; `LINK_SEED=N` replays one seed.
#[test]
fn random_and_corrupted_links_never_panic() {
    let seeds: Vec<u64> = match std::env::var("LINK_SEED") {
        Ok(seed) => vec![seed.parse().expect("LINK_SEED is a number")],
        Err(_) => (0..3000).collect(),
    };
    let valid: Vec<String> = presets().iter().flat_map(|(id, code)| edits(code).into_iter().map(move |edited| encode(&scenario(id, &edited)))).collect();
    let alphabet: Vec<char> = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=&.#%+/é\u{1F600}\0".chars().collect();
    let mut failures = 0;
    for seed in seeds {
        let mut rng = Rng::new(seed);
        let base = &valid[rng.below(valid.len() as u64) as usize];
        let mut chars: Vec<char> = base.chars().collect();
        match seed % 6 {
            0 => chars.truncate(rng.below(chars.len() as u64) as usize),
            1 => {
                for _ in 0..=rng.below(4) {
                    let at = rng.below(chars.len() as u64) as usize;
                    chars[at] = alphabet[rng.below(alphabet.len() as u64) as usize];
                }
            }
            2 => {
                let at = 2 + rng.below(chars.len() as u64 - 2) as usize;
                chars.remove(at);
            }
            3 => chars = (0..rng.below(300)).map(|_| alphabet[rng.below(alphabet.len() as u64) as usize]).collect(),
            4 => chars = format!("s={}.{}", rng.below(5), chars.iter().skip(4).collect::<String>()).chars().collect(),
            _ => chars.extend(std::iter::repeat_n('A', rng.below(5000) as usize)),
        }
        let fragment: String = chars.into_iter().collect();
        if let Err(error) = decode(&fragment) {
            failures += 1;
            assert!(error.0.starts_with("the link"), "seed {seed}: the message should say what is wrong with the link: {}", error.0);
            assert!(error.0.len() < 200, "seed {seed}: {}", error.0);
        }
    }
    assert!(failures > 0);
}

#[test]
fn limits_hold() {
    // Over the fragment limit: refused before any work.
    let long = format!("s=1.{}", "A".repeat(looplab_share::FRAGMENT_MAX_CHARS));
    assert!(decode(&long).is_err_and(|error| error.0.contains("too long")));
    // A small link that would inflate past 64 KiB (a zip bomb).
    let bomb = Scenario { code: "x".repeat(200_000), ..Scenario::default() };
    let fragment = encode(&bomb);
    assert!(fragment.len() < 2000, "{}", fragment.len());
    let error = decode(&fragment).expect_err("too big");
    assert!(error.0.contains("64 KiB"), "{error}");
    // Unknown and future versions say so.
    assert!(decode("s=9.AAAA").is_err_and(|error| error.0.contains("newer Looplab")));
    assert!(decode("s=x.AAAA").is_err_and(|error| error.0.contains("format version")));
    assert!(decode("").is_err_and(|error| error.0.contains("no scenario")));
    assert!(decode("embed&speed=1e9&s=1.AA").is_err_and(|error| error.0.contains("speed")));
}

/// Inputs the link fuzzer (`cargo +nightly fuzz run --fuzz-dir tests/fuzz
/// link`) starts from or once broke us with: each decodes or fails in
/// words, and what decodes re-encodes to itself.
#[test]
fn saved_link_fuzz_inputs_decode_or_fail_cleanly() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fuzz");
    let mut count = 0;
    for dir in ["seeds/link", "regressions/link"] {
        for entry in std::fs::read_dir(fuzz.join(dir)).into_iter().flatten().filter_map(Result::ok) {
            let bytes = std::fs::read(entry.path()).expect("a saved input");
            let fragment = String::from_utf8_lossy(&bytes);
            match decode(&fragment) {
                Ok(link) => assert_eq!(decode(&encode(&link.scenario)).map(|again| again.scenario), Ok(link.scenario)),
                Err(error) => assert!(error.0.starts_with("the link"), "{}: {}", entry.path().display(), error.0),
            }
            count += 1;
        }
    }
    assert!(count >= 6, "only {count} saved link inputs");
}
