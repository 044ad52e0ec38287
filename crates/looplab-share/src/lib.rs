//! Share links: the whole scenario in the URL's fragment.
//!
//! A link is the scenario: no server keeps anything. The fragment is a list
//! of `&`-separated items, `name` or `name=value`:
//!
//! ```text
//! #s=1.<payload>                      the playground with this scenario
//! #embed&autoplay&speed=2&s=1.<…>     the embed view, with its options
//! ```
//!
//! `s` is the format version, a dot, then the payload: the scenario as JSON,
//! raw-deflated, in base64url without padding. A scenario that starts from a
//! preset stores only the preset's id and the one span of lines that differs
//! from that preset *as it was when the format version was made* (the
//! frozen copies in `frozen/v1/`). Presets may change later; the frozen
//! copies never do, so a link made today decodes to the same text forever.
//!
//! Links never rot: version 1 is decoded by this crate for as long as it
//! exists (the golden vectors in `tests/golden-v1.txt` must keep decoding).
//! A new format gets a new version number and a decoder beside the old one;
//! an old link is migrated to the newest [`Scenario`] shape when read.
//!
//! Nothing here trusts the fragment: its length, the inflated size, the
//! JSON and every field are checked, and every failure is a [`LinkError`]
//! with a sentence a person can read. Nothing panics on any input.

use serde::{Deserialize, Serialize};

/// The version new links are written in.
pub const FORMAT_VERSION: u32 = 1;

/// The most a link may hold once inflated: the scenario's JSON.
pub const DECODED_MAX_BYTES: usize = 64 * 1024;

/// The longest fragment read at all (a 64 KiB scenario that does not
/// compress stays under this).
pub const FRAGMENT_MAX_CHARS: usize = 96 * 1024;

/// What a link carries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    /// The title shown above the code.
    pub title: String,
    /// The editor's text.
    pub code: String,
    /// The preset the code came from, if it did (the gallery marks it, and
    /// the compare view finds its pair).
    pub preset: Option<String>,
    /// The knobs, as `key=value` (the CLI's `--set` words: `pool=8`,
    /// `cores=2`, `cpu-speed=50%`, `seed=3`, `load=open rate=100/s …`).
    pub overrides: Vec<String>,
    /// Which view is open.
    pub view: ViewState,
}

/// The view a link opens.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewState {
    /// On a phone: "code" or "simulation" (empty: the default).
    pub pane: String,
    /// The compare view's variant ("pair", "pool", "cores", "threads").
    pub compare: Option<String>,
    /// Where playback stands, µs of virtual time.
    pub time_us: Option<u64>,
}

/// A panel an embed may show besides the animation and its controls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Panel {
    Code,
    Charts,
    Console,
}

impl Panel {
    pub const ALL: [Panel; 3] = [Panel::Code, Panel::Charts, Panel::Console];

    pub fn key(self) -> &'static str {
        match self {
            Panel::Code => "code",
            Panel::Charts => "charts",
            Panel::Console => "console",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    Light,
    Dark,
}

/// How an embed behaves (`#embed&…`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmbedOptions {
    /// Play as soon as the run is ready (and the embed is on screen).
    pub autoplay: bool,
    /// Start again from the beginning at the end.
    pub looped: bool,
    /// Playback speed, × real time (None: the playground's choice).
    pub speed: Option<f64>,
    /// Where playback starts, µs of virtual time.
    pub start_us: Option<u64>,
    /// Panels shown besides the animation.
    pub panels: Vec<Panel>,
    /// None follows the reader's system.
    pub theme: Option<Theme>,
}

impl Default for EmbedOptions {
    fn default() -> EmbedOptions {
        EmbedOptions { autoplay: false, looped: false, speed: None, start_us: None, panels: vec![Panel::Code], theme: None }
    }
}

/// A decoded fragment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub scenario: Scenario,
    /// Present for the embed view.
    pub embed: Option<EmbedOptions>,
}

/// Why a link could not be opened, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkError(pub String);

impl std::fmt::Display for LinkError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

fn error<T>(message: impl Into<String>) -> Result<T, LinkError> {
    Err(LinkError(message.into()))
}

/// The presets as they were when format version 1 was made. Append only:
/// a new preset may be added, an existing file never edited (a test pins
/// their hashes).
macro_rules! frozen {
    ($($id:literal),* $(,)?) => {
        pub const FROZEN_V1: &[(&str, &str)] = &[$(($id, include_str!(concat!("../frozen/v1/", $id, ".js")))),*];
    };
}

frozen!(
    "chef-one-cook",
    "dns-lookup-starves-fs",
    "express-three-requests",
    "file-server-pool-4",
    "file-server-pool-8",
    "handler-readfile",
    "handler-readfilesync",
    "heavy-blocks-fast",
    "heavy-in-worker",
    "idle-connections",
    "pbkdf2-waves-pool-4",
    "pbkdf2-waves-pool-8",
    "pool-queue-erlang-c",
    "readfile-intro",
    "stall-moved-to-worker",
    "stall-on-main-thread",
);

fn frozen_v1(id: &str) -> Option<&'static str> {
    FROZEN_V1.iter().find(|(frozen, _)| *frozen == id).map(|(_, text)| *text)
}

/// Version 1's payload. Short names: every byte is in the link.
#[derive(Default, Serialize, Deserialize)]
struct PayloadV1 {
    /// Title (omitted when it is the preset's; the reader supplies it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    t: String,
    /// The preset whose frozen text the code is based on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    p: Option<String>,
    /// Whether `p` is only a label: the code is `c`, whole.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    l: bool,
    /// The code, whole (no preset base).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    c: Option<String>,
    /// The one differing span against the base: first line (0-based),
    /// lines removed, the lines put there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    d: Option<Diff>,
    /// Overrides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    o: Vec<String>,
    /// Pane.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    v: String,
    /// Compare.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    m: Option<String>,
    /// Time, µs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    a: Option<u64>,
}

/// One span of lines replaced: (first line, lines removed, lines put there).
type Diff = (usize, usize, Vec<String>);

/// The one span of lines where `text` differs from `base`. Lines are split
/// on '\n' only, so joining them back gives the text byte for byte.
fn line_diff(base: &str, text: &str) -> Diff {
    let old: Vec<&str> = base.split('\n').collect();
    let new: Vec<&str> = text.split('\n').collect();
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old.iter().rev().zip(new.iter().rev()).take(room).take_while(|(a, b)| a == b).count();
    let inserted = new[prefix..new.len() - suffix].iter().map(|line| line.to_string()).collect();
    (prefix, old.len() - prefix - suffix, inserted)
}

/// Applies [`line_diff`]'s span to `base`, checking it fits.
fn apply_diff(base: &str, (start, removed, inserted): &Diff) -> Result<String, LinkError> {
    let old: Vec<&str> = base.split('\n').collect();
    let end = start.checked_add(*removed).filter(|end| *end <= old.len() && *start <= old.len());
    let Some(end) = end else {
        return error("the link's edit does not fit the example it is based on (the link was cut or altered)");
    };
    let mut lines: Vec<&str> = old[..*start].to_vec();
    lines.extend(inserted.iter().map(String::as_str));
    lines.extend_from_slice(&old[end..]);
    Ok(lines.join("\n"))
}

/// The fragment (without '#') for the playground with `scenario`.
pub fn encode(scenario: &Scenario) -> String {
    format!("s={}", encode_scenario(scenario))
}

/// The fragment for the embed view of `scenario` with `options`.
pub fn encode_embed(scenario: &Scenario, options: &EmbedOptions) -> String {
    let mut items = vec!["embed".to_string()];
    if options.autoplay {
        items.push("autoplay".into());
    }
    if options.looped {
        items.push("loop".into());
    }
    if let Some(speed) = options.speed {
        items.push(format!("speed={speed}"));
    }
    if let Some(start_us) = options.start_us {
        items.push(format!("t={}ms", start_us as f64 / 1000.0));
    }
    if options.panels != EmbedOptions::default().panels {
        items.push(format!("show={}", options.panels.iter().map(|panel| panel.key()).collect::<Vec<_>>().join(",")));
    }
    match options.theme {
        Some(Theme::Light) => items.push("theme=light".into()),
        Some(Theme::Dark) => items.push("theme=dark".into()),
        None => {}
    }
    items.push(encode(scenario));
    items.join("&")
}

fn encode_scenario(scenario: &Scenario) -> String {
    let mut payload = PayloadV1 {
        o: scenario.overrides.clone(),
        v: scenario.view.pane.clone(),
        m: scenario.view.compare.clone(),
        a: scenario.view.time_us,
        t: scenario.title.clone(),
        ..PayloadV1::default()
    };
    match scenario.preset.as_deref().and_then(|id| frozen_v1(id).map(|base| (id, base))) {
        Some((id, base)) => {
            payload.p = Some(id.to_string());
            let diff = line_diff(base, &scenario.code);
            // A diff is worth it unless the code was replaced wholesale.
            let inserted_bytes: usize = diff.2.iter().map(|line| line.len() + 1).sum();
            if diff.1 == 0 && diff.2.is_empty() {
                // The example as it was.
            } else if inserted_bytes < scenario.code.len() {
                payload.d = Some(diff);
            } else {
                payload.l = true;
                payload.c = Some(scenario.code.clone());
            }
        }
        None => {
            payload.p = scenario.preset.clone();
            payload.l = scenario.preset.is_some();
            payload.c = Some(scenario.code.clone());
        }
    }
    let json = serde_json::to_string(&payload).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
    format!("{FORMAT_VERSION}.{}", base64url_encode(&packed))
}

/// Reads a fragment (with or without its '#').
pub fn decode(fragment: &str) -> Result<Link, LinkError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.len() > FRAGMENT_MAX_CHARS {
        return error(format!("the link is too long: {} KiB where at most {} KiB are read", fragment.len() / 1024, FRAGMENT_MAX_CHARS / 1024));
    }
    let mut scenario = None;
    let mut embed: Option<EmbedOptions> = None;
    let mut options = EmbedOptions::default();
    for item in fragment.split('&').filter(|item| !item.is_empty()) {
        let (name, value) = match item.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (item, None),
        };
        match (name, value) {
            ("s", Some(value)) => scenario = Some(decode_scenario(value)?),
            ("embed", None) => embed = Some(EmbedOptions::default()),
            ("autoplay", None) => options.autoplay = true,
            ("loop", None) => options.looped = true,
            ("speed", Some(value)) => match value.parse::<f64>() {
                Ok(speed) if speed.is_finite() && (0.001..=1000.0).contains(&speed) => options.speed = Some(speed),
                _ => return error(format!("the link's speed \"{}\" is not a number from 0.001 to 1000", shorten(value))),
            },
            ("t", Some(value)) => options.start_us = Some(parse_time_us(value)?),
            ("show", Some(value)) => {
                let mut panels = Vec::new();
                for key in value.split(',').filter(|key| !key.is_empty()) {
                    match Panel::ALL.into_iter().find(|panel| panel.key() == key) {
                        Some(panel) if !panels.contains(&panel) => panels.push(panel),
                        Some(_) => {}
                        None => return error(format!("the link asks to show \"{}\": the panels are code, charts and console", shorten(key))),
                    }
                }
                options.panels = panels;
            }
            ("theme", Some("light")) => options.theme = Some(Theme::Light),
            ("theme", Some("dark")) => options.theme = Some(Theme::Dark),
            ("theme", Some(other)) => return error(format!("the link's theme \"{}\" is neither light nor dark", shorten(other))),
            // Unknown items are ignored: a later version may add options an
            // older page does not know, and the scenario still opens.
            _ => {}
        }
    }
    let Some(scenario) = scenario else {
        return error("the link holds no scenario (its part after '#' has no s=…)");
    };
    Ok(Link { scenario, embed: embed.map(|_| options) })
}

/// "1.5s", "300ms", "1200" (ms).
fn parse_time_us(value: &str) -> Result<u64, LinkError> {
    let (number, scale) = if let Some(ms) = value.strip_suffix("ms") {
        (ms, 1000.0)
    } else if let Some(s) = value.strip_suffix('s') {
        (s, 1_000_000.0)
    } else {
        (value, 1000.0)
    };
    match number.parse::<f64>() {
        Ok(number) if number.is_finite() && number >= 0.0 && number * scale < 1e15 => Ok((number * scale).round() as u64),
        _ => error(format!("the link's start time \"{}\" is not a time like 1.5s or 300ms", shorten(value))),
    }
}

fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

fn decode_scenario(value: &str) -> Result<Scenario, LinkError> {
    let Some((version, data)) = value.split_once('.') else {
        return error("the link's scenario has no format version (it should start s=1.)");
    };
    match version {
        "1" => decode_v1(data),
        _ if version.parse::<u32>().is_ok_and(|version| version > FORMAT_VERSION) => {
            error(format!("the link was made by a newer Looplab (format {}); this page reads formats up to {FORMAT_VERSION}", shorten(version)))
        }
        _ => error(format!("the link's format version \"{}\" is not one Looplab ever wrote", shorten(version))),
    }
}

fn decode_v1(data: &str) -> Result<Scenario, LinkError> {
    let Some(packed) = base64url_decode(data) else {
        return error("the link is damaged: its scenario has characters outside base64url (was it cut or re-wrapped?)");
    };
    let json = match miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, DECODED_MAX_BYTES) {
        Ok(json) => json,
        Err(failure) if failure.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
            return error(format!("the link's scenario is larger than {} KiB, the most a link may hold", DECODED_MAX_BYTES / 1024));
        }
        Err(_) => return error("the link is damaged: its scenario does not decompress (was it cut short?)"),
    };
    // from_str, not from_slice: the page already carries serde_json's str
    // reader for the worker's messages, and each reader is its own copy.
    let Ok(json) = String::from_utf8(json) else {
        return error("the link is damaged: its scenario is not text");
    };
    let payload: PayloadV1 = match serde_json::from_str(&json) {
        Ok(payload) => payload,
        Err(_) => return error("the link is damaged: its scenario is not in Looplab's format"),
    };
    let code = match (&payload.p, payload.l, &payload.c, &payload.d) {
        (_, _, Some(code), None) => code.clone(),
        (Some(id), false, None, diff) => {
            let Some(base) = frozen_v1(id) else {
                return error(format!("the link is based on an example \"{}\" that Looplab never had", shorten(id)));
            };
            match diff {
                Some(diff) => apply_diff(base, diff)?,
                None => base.to_string(),
            }
        }
        _ => return error("the link is damaged: its scenario has no code"),
    };
    if code.len() > DECODED_MAX_BYTES {
        return error(format!("the link's code is larger than {} KiB, the most a link may hold", DECODED_MAX_BYTES / 1024));
    }
    Ok(Scenario {
        title: payload.t,
        code,
        preset: payload.p,
        overrides: payload.o,
        view: ViewState { pane: payload.v, compare: payload.m, time_us: payload.a },
    })
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url (RFC 4648 §5) without '=' padding: safe in a URL fragment
/// and in Markdown.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (index, byte)| n | u32::from(*byte) << (16 - 8 * index));
        for index in 0..=chunk.len() {
            out.push(char::from(BASE64URL[(n >> (18 - 6 * index) & 63) as usize]));
        }
    }
    out
}

/// The inverse of [`base64url_encode`]; None for any other text.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (index, byte) in chunk.iter().enumerate() {
            let value = BASE64URL.iter().position(|c| c == byte)? as u32;
            n |= value << (18 - 6 * index);
        }
        for index in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * index)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        for length in 0..40u8 {
            let bytes: Vec<u8> = (0..length).map(|index| index.wrapping_mul(37).wrapping_add(length)).collect();
            let text = base64url_encode(&bytes);
            assert!(!text.contains('='));
            assert_eq!(base64url_decode(&text), Some(bytes));
        }
        assert_eq!(base64url_decode("a"), None);
        assert_eq!(base64url_decode("ab c"), None);
    }

    #[test]
    fn the_diff_restores_the_text_byte_for_byte() {
        let cases = [
            ("a\nb\nc\n", "a\nB\nc\n"),
            ("a\nb\nc\n", "a\nb\nc\n"),
            ("a\nb\nc\n", ""),
            ("", "x"),
            ("a\nb", "a\nb\n"),
            ("a\nb\n", "a\nb"),
            ("a\na\na\n", "a\na\n"),
            ("x\ny\n", "x\nnew\ny\n"),
            ("x\ny\n", "q\n"),
            ("a\nb\nc", "a\nc"),
            ("a\nb\nc", "a\n\nc"),
        ];
        for (base, text) in cases {
            let diff = line_diff(base, text);
            assert_eq!(apply_diff(base, &diff).as_deref(), Ok(text), "{base:?} -> {text:?} via {diff:?}");
        }
    }
}
