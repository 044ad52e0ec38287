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

mod json;
pub use json::push_string as push_json_string;

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
    /// The timeline of the run's callbacks, jobs, waits and requests.
    Timeline,
}

impl Panel {
    pub const ALL: [Panel; 4] = [Panel::Code, Panel::Charts, Panel::Console, Panel::Timeline];

    pub fn key(self) -> &'static str {
        match self {
            Panel::Code => "code",
            Panel::Charts => "charts",
            Panel::Console => "console",
            Panel::Timeline => "timeline",
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
    /// Run on a click (`click`): a placeholder (the title, a still of the
    /// scenario, a Run button) that loads no wasm and no worker until the
    /// reader presses Run; then it plays. (Added after the golden links:
    /// absent in their JSON.)
    #[serde(default)]
    pub click: bool,
}

impl Default for EmbedOptions {
    fn default() -> EmbedOptions {
        EmbedOptions { autoplay: false, looped: false, speed: None, start_us: None, panels: vec![Panel::Code], theme: None, click: false }
    }
}

/// A decoded fragment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub scenario: Scenario,
    /// Present for the embed view.
    pub embed: Option<EmbedOptions>,
    /// Presentation mode (`present`): large type, the code and one view,
    /// arrow keys step through the walkthrough or the run.
    #[serde(default)]
    pub present: bool,
    /// Predict, then run (`predict`, or `predict=2.0.1` with a learner's
    /// order of the printed lines): None outside that mode, an empty order
    /// for the question alone.
    #[serde(default)]
    pub predict: Option<Vec<usize>>,
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
/// Written and read as JSON by [`payload_to_json`] and [`payload_from_json`];
/// the serde derives exist for the test that holds those to serde_json's
/// behaviour, which is what links were made with.
#[derive(Debug, Default, PartialEq)]
#[cfg_attr(test, derive(Serialize, Deserialize))]
struct PayloadV1 {
    /// Title (omitted when it is the preset's; the reader supplies it).
    #[cfg_attr(test, serde(default, skip_serializing_if = "String::is_empty"))]
    t: String,
    /// The preset whose frozen text the code is based on.
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    p: Option<String>,
    /// Whether `p` is only a label: the code is `c`, whole.
    #[cfg_attr(test, serde(default, skip_serializing_if = "std::ops::Not::not"))]
    l: bool,
    /// The code, whole (no preset base).
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    c: Option<String>,
    /// The one differing span against the base: first line (0-based),
    /// lines removed, the lines put there.
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    d: Option<Diff>,
    /// Overrides.
    #[cfg_attr(test, serde(default, skip_serializing_if = "Vec::is_empty"))]
    o: Vec<String>,
    /// Pane.
    #[cfg_attr(test, serde(default, skip_serializing_if = "String::is_empty"))]
    v: String,
    /// Compare.
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    m: Option<String>,
    /// Time, µs.
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    a: Option<u64>,
}

/// The payload as serde_json wrote it: fields in order, empty ones left
/// out, no blanks.
fn payload_to_json(payload: &PayloadV1) -> String {
    let mut out = String::from("{");
    let key = |out: &mut String, name: &str| {
        if out.len() > 1 {
            out.push(',');
        }
        json::push_string(out, name);
        out.push(':');
    };
    let strings = |out: &mut String, items: &[String]| {
        out.push('[');
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            json::push_string(out, item);
        }
        out.push(']');
    };
    if !payload.t.is_empty() {
        key(&mut out, "t");
        json::push_string(&mut out, &payload.t);
    }
    if let Some(preset) = &payload.p {
        key(&mut out, "p");
        json::push_string(&mut out, preset);
    }
    if payload.l {
        key(&mut out, "l");
        out.push_str("true");
    }
    if let Some(code) = &payload.c {
        key(&mut out, "c");
        json::push_string(&mut out, code);
    }
    if let Some((first, removed, lines)) = &payload.d {
        key(&mut out, "d");
        out.push_str(&format!("[{first},{removed},"));
        strings(&mut out, lines);
        out.push(']');
    }
    if !payload.o.is_empty() {
        key(&mut out, "o");
        strings(&mut out, &payload.o);
    }
    if !payload.v.is_empty() {
        key(&mut out, "v");
        json::push_string(&mut out, &payload.v);
    }
    if let Some(compare) = &payload.m {
        key(&mut out, "m");
        json::push_string(&mut out, compare);
    }
    if let Some(time_us) = payload.a {
        key(&mut out, "a");
        out.push_str(&time_us.to_string());
    }
    out.push('}');
    out
}

/// The payload from JSON, accepting what serde_json's derived reader
/// accepted for links: unknown keys are skipped, a known key twice or of the
/// wrong type is refused, `null` is an absent optional. (serde_json also
/// read a struct written as an array; Looplab never wrote one.)
fn payload_from_json(text: &str) -> Option<PayloadV1> {
    use json::Value;
    fn text_of(value: Value) -> Option<String> {
        match value {
            Value::String(text) => Some(text),
            _ => None,
        }
    }
    fn optional_text(value: Value) -> Option<Option<String>> {
        match value {
            Value::Null => Some(None),
            other => text_of(other).map(Some),
        }
    }
    fn texts(value: Value) -> Option<Vec<String>> {
        match value {
            Value::Array(items) => items.into_iter().map(text_of).collect(),
            _ => None,
        }
    }
    fn index(value: &Value) -> Option<usize> {
        match value {
            Value::Integer(number) => usize::try_from(*number).ok(),
            _ => None,
        }
    }
    let entries = json::parse_object(text, |key| key.len() == 1 && "tplcdovma".contains(key))?;
    let mut payload = PayloadV1::default();
    let mut seen = Vec::new();
    for (key, value) in entries {
        if seen.contains(&key) {
            return None;
        }
        seen.push(key.clone());
        match key.as_str() {
            "t" => payload.t = text_of(value)?,
            "p" => payload.p = optional_text(value)?,
            "l" => match value {
                Value::Bool(flag) => payload.l = flag,
                _ => return None,
            },
            "c" => payload.c = optional_text(value)?,
            "d" => {
                payload.d = match value {
                    Value::Null => None,
                    Value::Array(mut items) if items.len() == 3 => {
                        let lines = texts(items.pop()?)?;
                        Some((index(&items[0])?, index(&items[1])?, lines))
                    }
                    _ => return None,
                }
            }
            "o" => payload.o = texts(value)?,
            "v" => payload.v = text_of(value)?,
            "m" => payload.m = optional_text(value)?,
            "a" => {
                payload.a = match value {
                    Value::Null => None,
                    Value::Integer(number) => Some(number),
                    _ => return None,
                }
            }
            _ => {}
        }
    }
    Some(payload)
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
    if options.click {
        items.push("click".into());
    }
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
    let json = payload_to_json(&payload);
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
    let mut present = false;
    let mut predict = None;
    for item in fragment.split('&').filter(|item| !item.is_empty()) {
        let (name, value) = match item.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (item, None),
        };
        match (name, value) {
            ("s", Some(value)) => scenario = Some(decode_scenario(value)?),
            ("embed", None) => embed = Some(EmbedOptions::default()),
            ("autoplay", None) => options.autoplay = true,
            ("click", None) => options.click = true,
            ("present", None) => present = true,
            ("predict", None) => predict = Some(Vec::new()),
            ("predict", Some(value)) => predict = Some(parse_order(value)?),
            ("loop", None) => options.looped = true,
            ("speed", Some(value)) => match parse_decimal(value) {
                Some(speed) if speed.is_finite() && (0.001..=1000.0).contains(&speed) => options.speed = Some(speed),
                _ => return error(format!("the link's speed \"{}\" is not a number from 0.001 to 1000", shorten(value))),
            },
            ("t", Some(value)) => options.start_us = Some(parse_time_us(value)?),
            ("show", Some(value)) => {
                let mut panels = Vec::new();
                for key in value.split(',').filter(|key| !key.is_empty()) {
                    match Panel::ALL.into_iter().find(|panel| panel.key() == key) {
                        Some(panel) if !panels.contains(&panel) => panels.push(panel),
                        Some(_) => {}
                        None => return error(format!("the link asks to show \"{}\": the panels are code, charts, console and timeline", shorten(key))),
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
    Ok(Link { scenario, embed: embed.map(|_| options), present, predict })
}

/// The items a mode adds in front of a link's fragment: `present`, and
/// `predict` or `predict=2.0.1`.
pub fn mode_items(present: bool, predict: Option<&[usize]>) -> String {
    let mut items = String::new();
    if present {
        items.push_str("present&");
    }
    match predict {
        Some([]) => items.push_str("predict&"),
        Some(order) => items.push_str(&format!("predict={}&", order.iter().map(usize::to_string).collect::<Vec<_>>().join("."))),
        None => {}
    }
    items
}

/// A prediction's order: line numbers joined by '.', at most 64 of them.
fn parse_order(value: &str) -> Result<Vec<usize>, LinkError> {
    let numbers: Option<Vec<usize>> = value.split('.').map(|number| number.parse::<u16>().ok().map(usize::from)).collect();
    match numbers {
        Some(numbers) if numbers.len() <= 64 => Ok(numbers),
        _ => error(format!("the link's prediction \"{}\" is not a list of line numbers like 2.0.1", shorten(value))),
    }
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
    match parse_decimal(number) {
        Some(number) if number.is_finite() && number >= 0.0 && number * scale < 1e15 => Ok((number * scale).round() as u64),
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
    let Ok(json) = String::from_utf8(json) else {
        return error("the link is damaged: its scenario is not text");
    };
    let Some(payload) = payload_from_json(&json) else {
        return error("the link is damaged: its scenario is not in Looplab's format");
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

/// A plain decimal ("2", "0.25", "1234.567") as `str::parse::<f64>` reads
/// it, or None. The page uses this instead of `parse::<f64>`: Rust's general
/// float parser carries a 10 KB table of powers of five that does not
/// compress, a tenth of what the page may grow by.
///
/// The value is exact: a mantissa below 2^53 and a power of ten up to 10^22
/// are both exact doubles, so one IEEE division rounds the decimal correctly
/// (Clinger's fast path), which is what `parse::<f64>` gives. Anything else
/// (signs, exponents, more precision than that) is None.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let fraction = fraction.trim_end_matches('0');
    if whole.is_empty() && fraction.is_empty() || fraction.len() > 22 {
        return None;
    }
    let mut mantissa: u64 = 0;
    for byte in whole.bytes().chain(fraction.bytes()) {
        if !byte.is_ascii_digit() {
            return None;
        }
        mantissa = mantissa.checked_mul(10)?.checked_add(u64::from(byte - b'0'))?;
        if mantissa > 1 << 53 {
            return None;
        }
    }
    let scale = (0..fraction.len()).fold(1.0f64, |scale, _| scale * 10.0);
    Some(mantissa as f64 / scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The project's seeded generator, with the index-sized draws these
    /// tests make.
    struct Random(looplab_core::rng::Rng);

    impl Random {
        fn new(seed: u64) -> Random {
            Random(looplab_core::rng::Rng::new(seed))
        }

        fn next(&mut self) -> u64 {
            self.0.next_u64()
        }

        fn below(&mut self, bound: usize) -> usize {
            self.0.below(bound as u64) as usize
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    /// JSON text shaped like a payload, right and wrong: known keys with
    /// values of every type, unknown keys with nested values, duplicates,
    /// and strings with every kind of escape, valid or not.
    fn payload_like(random: &mut Random) -> String {
        const PIECES: &[&str] = &[
            "a",
            "é",
            "😀",
            "\\n",
            "\\\"",
            "\\\\",
            "\\/",
            "\\b",
            "\\u0041",
            "\\u00e9",
            "\\ud83d\\ude00",
            "\\ud800",
            "\\udc00",
            "\\ud800\\u0041",
            "\\ud800x",
            "\\x",
            "\\u12",
            "\u{1}",
            "\u{2028}",
            " ",
            "\t",
            "const x = 1;",
            "}",
            "]",
            "'",
        ];
        const NUMBERS: &[&str] =
            &["0", "-0", "7", "-7", "1.5", "1e3", "1E+2", "01", "18446744073709551615", "18446744073709551616", "4294967296", "1.", ".5", "-"];
        fn string(random: &mut Random) -> String {
            let mut text = String::from("\"");
            for _ in 0..random.below(5) {
                text.push_str(random.pick(PIECES));
            }
            text.push('"');
            text
        }
        fn value(random: &mut Random, depth: usize) -> String {
            match random.below(if depth > 2 { 5 } else { 8 }) {
                0 => "null".into(),
                1 => random.pick(&["true", "false", "tru", "nul"]).into(),
                2 => random.pick(NUMBERS).into(),
                3 | 4 => string(random),
                5 | 6 => {
                    let items: Vec<String> = (0..random.below(4)).map(|_| value(random, depth + 1)).collect();
                    format!("[{}]", items.join(","))
                }
                _ => {
                    let items: Vec<String> = (0..random.below(3)).map(|_| format!("{}:{}", string(random), value(random, depth + 1))).collect();
                    format!("{{{}}}", items.join(","))
                }
            }
        }
        let mut entries = Vec::new();
        for _ in 0..random.below(6) {
            let key = random.pick(&["t", "p", "l", "c", "d", "o", "v", "m", "a", "x", "tt", "\\u0074", "\\ud800"]);
            let value = match (key, random.below(3)) {
                ("d", 0) => format!("[{},{},[{}]]", random.pick(NUMBERS), random.pick(NUMBERS), string(random)),
                ("o", 0) => format!("[{},{}]", string(random), string(random)),
                ("a", 0) => random.pick(NUMBERS).to_string(),
                _ => value(random, 0),
            };
            let blank = random.pick(&["", " ", "\n", "\t"]);
            entries.push(format!("{blank}\"{key}\"{blank}:{blank}{value}{blank}"));
        }
        let mut text = format!("{{{}}}", entries.join(","));
        // Now and then, damage it: a character out, in or changed.
        for _ in 0..random.below(3).saturating_sub(1) {
            let mut characters: Vec<char> = text.chars().collect();
            let at = random.below(characters.len() + 1);
            let inserted = random.pick(&["\"", "{", "}", "[", "]", ",", ":", "\\", "0", " ", "\u{0}"]).chars().next().unwrap_or(' ');
            match random.below(3) {
                0 if at < characters.len() => {
                    characters.remove(at);
                }
                1 => characters.insert(at, inserted),
                _ if at < characters.len() => characters[at] = inserted,
                _ => {}
            }
            text = characters.into_iter().collect();
        }
        text
    }

    #[test]
    fn payload_json_reads_what_serde_json_read() {
        let mut random = Random::new(0x5eed_1234_abcd_ef01);
        let (mut accepted, mut refused) = (0, 0);
        for _ in 0..30_000 {
            let text = payload_like(&mut random);
            let expected = serde_json::from_str::<PayloadV1>(&text).ok();
            assert_eq!(payload_from_json(&text), expected, "{text}");
            if expected.is_some() {
                accepted += 1;
            } else {
                refused += 1;
            }
        }
        // Both outcomes must be well exercised, or the test proves little.
        assert!(accepted > 3_000 && refused > 3_000, "{accepted} accepted, {refused} refused");
        for deep in [2, 127, 128, 129, 5000] {
            let text = format!("{{\"x\":{}{}}}", "[".repeat(deep), "]".repeat(deep));
            assert_eq!(payload_from_json(&text).is_some(), serde_json::from_str::<PayloadV1>(&text).is_ok(), "depth {deep}");
        }
    }

    #[test]
    fn payload_json_writes_what_serde_json_wrote() {
        let mut random = Random::new(77);
        let text = |random: &mut Random| -> String {
            let pieces = ["a", "\"", "\\", "\n", "\u{1}", "\u{1f}", "\u{7f}", "é", "😀", "\u{2028}", "/", "<script>"];
            (0..random.below(6)).map(|_| pieces[random.below(pieces.len())]).collect()
        };
        for _ in 0..5_000 {
            let mut payload = PayloadV1::default();
            if random.below(2) == 0 {
                payload.t = text(&mut random);
            }
            if random.below(2) == 0 {
                payload.p = Some(text(&mut random));
            }
            payload.l = random.below(2) == 0;
            if random.below(2) == 0 {
                payload.c = Some(text(&mut random));
            }
            if random.below(2) == 0 {
                payload.d = Some((random.below(100), random.below(100), (0..random.below(3)).map(|_| text(&mut random)).collect()));
            }
            payload.o = (0..random.below(3)).map(|_| text(&mut random)).collect();
            if random.below(2) == 0 {
                payload.v = text(&mut random);
            }
            if random.below(2) == 0 {
                payload.m = Some(text(&mut random));
            }
            if random.below(2) == 0 {
                payload.a = Some(random.next());
            }
            let written = payload_to_json(&payload);
            assert_eq!(written, serde_json::to_string(&payload).expect("plain data"), "{payload:?}");
            assert_eq!(payload_from_json(&written), Some(payload));
        }
    }

    #[test]
    fn parse_decimal_agrees_with_rusts_parser() {
        let mut random = Random::new(0x9e37_79b9_7f4a_7c15);
        let mut next = move || random.next();
        for _ in 0..20_000 {
            // At most 15 digits in all: always inside the exact range.
            let whole = next() % 10u64.pow((next() % 8) as u32 + 1);
            let fraction_digits = (next() % 8) as usize;
            let fraction = next() % 10u64.pow(fraction_digits as u32);
            let text = if fraction_digits == 0 { whole.to_string() } else { format!("{whole}.{fraction:0fraction_digits$}") };
            assert_eq!(parse_decimal(&text), text.parse::<f64>().ok(), "{text}");
        }
        for text in ["0", "0.001", "1000", ".5", "5.", "2.50", "9007199254740992", "0.000000000000000000001"] {
            assert_eq!(parse_decimal(text), text.parse::<f64>().ok(), "{text}");
        }
        for text in ["", ".", "-1", "+1", "1e3", "inf", "NaN", "1.2.3", "1,5", " 1", "9007199254740993", "0.1234567890123456789012"] {
            assert_eq!(parse_decimal(text), None, "{text}");
        }
    }

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
