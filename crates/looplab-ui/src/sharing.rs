//! The page's side of sharing: the address bar's fragment, the clipboard,
//! downloads, pictures of the view and of charts, the Share dialog, and an
//! embed's messages to the page around it. The formats themselves live in
//! `looplab-share` and `export.rs`; this is browser glue.

use looplab_share::{EmbedOptions, Panel, Scenario, Theme};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// The message an embed posts to its parent page whenever its height
/// changes: `{ type: "looplab:height", height: <CSS px>, href: <the
/// embed's address> }` (documented in the README).
pub const HEIGHT_MESSAGE: &str = "looplab:height";

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The address's fragment, without '#'.
pub fn location_fragment() -> Option<String> {
    let hash = window()?.location().hash().ok()?;
    let hash = hash.strip_prefix('#').unwrap_or(&hash).to_string();
    Some(hash).filter(|hash| !hash.is_empty())
}

/// The page's address without its fragment (works from any sub-path).
pub fn page_address() -> String {
    let href = window().and_then(|window| window.location().href().ok()).unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_string()
}

/// Puts `fragment` in the address bar without a history entry or reload.
pub fn replace_fragment(fragment: &str) {
    let Some(window) = window() else { return };
    if window.location().hash().ok().as_deref().map(|hash| hash.trim_start_matches('#')) == Some(fragment) {
        return;
    }
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{fragment}")));
    }
}

/// Copies `text`; `done` hears whether the clipboard took it (a page
/// without clipboard permission gets `false` and shows the text to copy).
pub fn copy_text(text: &str, done: Callback<bool>) {
    let Some(window) = window() else {
        done.emit(false);
        return;
    };
    let promise = window.navigator().clipboard().write_text(text);
    let ok = {
        let done = done.clone();
        Closure::<dyn FnMut(JsValue)>::once(move |_: JsValue| done.emit(true))
    };
    let failed = Closure::<dyn FnMut(JsValue)>::once(move |_: JsValue| done.emit(false));
    let _ = promise.then2(&ok, &failed);
    // One of the two runs, once, when the promise settles; a click's pair
    // of small closures is left to the page's lifetime.
    ok.forget();
    failed.forget();
}

fn download_blob(name: &str, blob: &web_sys::Blob) {
    let Some(document) = window().and_then(|window| window.document()) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else { return };
    if let Ok(anchor) = document.create_element("a").map(|element| element.unchecked_into::<web_sys::HtmlAnchorElement>()) {
        anchor.set_href(&url);
        anchor.set_download(name);
        anchor.click();
    }
    // The download has its own copy once clicked.
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(window) = window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000);
    }
}

/// Saves `text` as a file called `name`.
pub fn download_text(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    if let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) {
        download_blob(name, &blob);
    }
}

/// The page's style sheets as text (all of them are the page's own).
fn page_css() -> String {
    let Some(document) = window().and_then(|window| window.document()) else { return String::new() };
    let sheets = document.style_sheets();
    let mut css = String::new();
    for index in 0..sheets.length() {
        let Some(sheet) = sheets.item(index).and_then(|sheet| sheet.dyn_into::<web_sys::CssStyleSheet>().ok()) else { continue };
        let Ok(rules) = sheet.css_rules() else { continue };
        for rule in 0..rules.length() {
            if let Some(rule) = rules.item(rule) {
                css.push_str(&rule.css_text());
                css.push('\n');
            }
        }
    }
    css
}

/// The colours the theme resolved to, as one CSS rule for `selector`, so a
/// picture taken out of the page keeps the page's look.
fn resolved_colours(selector: &str) -> String {
    let Some(window) = window() else { return String::new() };
    let Some(root) = window.document().and_then(|document| document.document_element()) else { return String::new() };
    let Ok(Some(style)) = window.get_computed_style(&root) else { return String::new() };
    // The colours are light-dark() pairs: the picture takes the scheme the
    // page shows now.
    let forced = root.get_attribute("data-theme").filter(|theme| theme == "light" || theme == "dark");
    let dark = window.match_media("(prefers-color-scheme: dark)").ok().flatten().is_some_and(|query| query.matches());
    let scheme = forced.unwrap_or_else(|| if dark { "dark".to_string() } else { "light".to_string() });
    let mut rule = format!("{selector} {{ color-scheme: {scheme};");
    for name in [
        "--bg",
        "--panel",
        "--ink",
        "--muted",
        "--line",
        "--accent",
        "--accent-ink",
        "--busy",
        "--busy-bg",
        "--current",
        "--current-bg",
        "--chip",
        "--code-bg",
        "--danger",
        "--danger-bg",
        "--warn",
        "--s0",
        "--s1",
        "--s2",
        "--exec-bg",
    ] {
        if let Ok(value) = style.get_property_value(name) {
            rule.push_str(&format!("{name}: {value};"));
        }
    }
    rule.push('}');
    rule
}

fn serialize(node: &web_sys::Node) -> String {
    web_sys::XmlSerializer::new().and_then(|serializer| serializer.serialize_to_string(node)).unwrap_or_default()
}

/// The chart in `figure` as a standalone SVG file: the chart's own styles
/// and resolved colours go inside it.
pub fn chart_svg(figure: &web_sys::Element) -> Option<String> {
    let svg = figure.query_selector("svg").ok()??;
    let title = figure.get_attribute("data-title").unwrap_or_default();
    let view_box = svg.get_attribute("viewBox").unwrap_or_else(|| "0 0 480 200".to_string());
    let mut size = view_box.split_whitespace().skip(2).map(|number| looplab_share::parse_decimal(number).unwrap_or(0.0));
    let (width, height) = (size.next().unwrap_or(480.0), size.next().unwrap_or(200.0));
    // A copy, placed under the title at the chart's own size.
    let placed = svg.clone_node_with_deep(true).ok()?.dyn_into::<web_sys::Element>().ok()?;
    let _ = placed.set_attribute("y", "20");
    let _ = placed.set_attribute("width", &width.to_string());
    let _ = placed.set_attribute("height", &height.to_string());
    let chart_rules: String = page_css().lines().filter(|rule| rule.starts_with(".chart")).map(|rule| format!("{rule}\n")).collect();
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{width}\" height=\"{}\" viewBox=\"0 0 {width} {}\">\
<title>{}</title><style>{}\n.chart {{ font: 11px sans-serif; background: var(--panel); }}\n{chart_rules}</style>\
<rect width=\"100%\" height=\"100%\" fill=\"var(--panel)\"/><text x=\"8\" y=\"14\" fill=\"var(--ink)\" font-size=\"12\">{}</text>\
{}</svg>",
        height + 20.0,
        height + 20.0,
        escape_xml(&title),
        resolved_colours(".chart"),
        escape_xml(&title),
        serialize(&placed),
    ))
}

pub fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Saves the chart that holds `target` (a button inside its figure).
pub fn download_chart_of(target: &web_sys::Element) {
    let Some(figure) = target.closest("figure.chart").ok().flatten() else { return };
    let name = figure.get_attribute("data-testid").unwrap_or_else(|| "chart".to_string());
    if let Some(svg) = chart_svg(&figure) {
        download_text(&format!("looplab-{name}.svg"), "image/svg+xml", &svg);
    }
}

/// What the animation's view looks like now: the element matching
/// `selector` (the lanes) with the page's CSS, drawn through an SVG
/// `foreignObject` into an image, with its size in CSS pixels.
async fn view_image(selector: &str) -> Result<(web_sys::HtmlImageElement, f64, f64), String> {
    let document = window().and_then(|window| window.document()).ok_or("no document")?;
    let element = document.query_selector(selector).ok().flatten().ok_or("nothing to draw yet")?;
    let rect = element.get_bounding_client_rect();
    // The element's size plus the picture's 8 px margin on each side.
    let (width, height) = (rect.width().ceil().max(1.0) + 16.0, element.scroll_height().max(1) as f64 + 16.0);
    let theme = document.document_element().and_then(|root| root.get_attribute("data-theme")).unwrap_or_default();
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" data-theme=\"{theme}\"><style>{}\n{}</style>\
<foreignObject width=\"100%\" height=\"100%\"><div xmlns=\"http://www.w3.org/1999/xhtml\" class=\"app picture\" style=\"padding:8px;margin:0;background:var(--panel);color:var(--ink);font:15px/1.45 var(--sans)\">{}</div></foreignObject></svg>",
        page_css(),
        resolved_colours(".picture"),
        serialize(&element),
    );
    Ok((svg_image(&svg).await?, width, height))
}

/// An SVG document, decoded as an image to draw on a canvas.
async fn svg_image(svg: &str) -> Result<web_sys::HtmlImageElement, String> {
    let image = web_sys::HtmlImageElement::new().map_err(|_| "no image support")?;
    image.set_src(&format!("data:image/svg+xml;charset=utf-8,{}", String::from(js_sys::encode_uri_component(svg))));
    JsFuture::from(image.decode()).await.map_err(|_| "the view could not be rendered as an image")?;
    Ok(image)
}

/// Draws `image` at `scale` and saves it as a PNG called `name`.
async fn save_png(image: &web_sys::HtmlImageElement, width: f64, height: f64, scale: f64, name: &str) -> Result<(), String> {
    let (canvas, context) = canvas_2d(width, height, scale)?;
    context.draw_image_with_html_image_element(image, 0.0, 0.0).map_err(|_| "the picture could not be drawn")?;
    let blob = JsFuture::from(js_sys::Promise::new(&mut |resolve, _| {
        let _ = canvas.to_blob(&resolve);
    }))
    .await
    .ok()
    .and_then(|blob| blob.dyn_into::<web_sys::Blob>().ok())
    .ok_or("the browser would not encode the PNG")?;
    download_blob(name, &blob);
    Ok(())
}

/// The colours and timeline rules a poster (`poster.rs`) is drawn with:
/// the page's, as it shows now.
pub fn poster_css() -> String {
    let rules: String = page_css().lines().filter(|rule| rule.starts_with(".chart .tk")).map(|rule| format!("{rule}\n")).collect();
    format!("{}\n{rules}", resolved_colours(".poster"))
}

/// Saves a poster (an SVG document of `width` × `height`) as a PNG.
pub fn download_svg_png(svg: String, width: f64, height: f64, name: &str, done: Callback<Result<(), String>>) {
    let name = name.to_string();
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = async { save_png(&svg_image(&svg).await?, width, height, 1.0, &name).await }.await;
        done.emit(outcome);
    });
}

fn canvas_2d(width: f64, height: f64, scale: f64) -> Result<(web_sys::HtmlCanvasElement, web_sys::CanvasRenderingContext2d), String> {
    let document = window().and_then(|window| window.document()).ok_or("no document")?;
    let canvas = document.create_element("canvas").map_err(|_| "no canvas support")?.unchecked_into::<web_sys::HtmlCanvasElement>();
    // Video encoders want even sizes.
    canvas.set_width(((width * scale) as u32).div_ceil(2) * 2);
    canvas.set_height(((height * scale) as u32).div_ceil(2) * 2);
    let context =
        canvas.get_context("2d").ok().flatten().and_then(|context| context.dyn_into::<web_sys::CanvasRenderingContext2d>().ok()).ok_or("no 2D canvas")?;
    let _ = context.scale(scale, scale);
    Ok((canvas, context))
}

/// A PNG of the animation's view (`selector`), at twice its size. `done`
/// hears the outcome in words.
pub fn download_png(selector: &str, name: &str, done: Callback<Result<(), String>>) {
    let selector = selector.to_string();
    let name = name.to_string();
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = async {
            let (image, width, height) = view_image(&selector).await?;
            save_png(&image, width, height, 2.0, &name).await
        }
        .await;
        done.emit(outcome.map_err(|message| message.to_string()));
    });
}

/// A stretch of the animation to record as a video.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClipRequest {
    pub from_us: u64,
    pub to_us: u64,
    /// The video's length.
    pub seconds: u32,
}

/// Frames per second of a clip, and the longest clip: 100 frames of the
/// lanes keep a clip to a few MB and its recording under ten seconds.
pub const CLIP_FPS: u32 = 10;
pub const CLIP_SECONDS_MAX: u32 = 10;

fn sleep_ms(ms: i32) -> JsFuture {
    JsFuture::from(js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    }))
}

fn next_frame() -> JsFuture {
    JsFuture::from(js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = window() {
            let _ = window.request_animation_frame(&resolve);
        }
    }))
}

/// Records the lanes from `from_us` to `to_us` of virtual time as a WebM
/// clip (`MediaRecorder` over a canvas): `seek` moves the page's clock,
/// one frame is drawn per tenth of a second, and `progress` hears the share
/// done. The frames are paced in real time because the recorder stamps
/// them with the time they arrive.
pub fn record_clip(request: ClipRequest, name: &str, seek: Callback<u64>, progress: Callback<f64>, done: Callback<Result<(), String>>) {
    let name = name.to_string();
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = async {
            if request.to_us <= request.from_us {
                return Err("the clip's end must come after its start".to_string());
            }
            if !(1..=CLIP_SECONDS_MAX).contains(&request.seconds) {
                return Err(format!("a clip is 1 to {CLIP_SECONDS_MAX} seconds long"));
            }
            let frames = request.seconds * CLIP_FPS;
            let time_at = |frame: u32| request.from_us + (request.to_us - request.from_us) * u64::from(frame) / u64::from(frames - 1);
            seek.emit(time_at(0));
            next_frame().await.map_err(|_| "no animation frames")?;
            next_frame().await.map_err(|_| "no animation frames")?;
            let (image, width, height) = view_image("[data-testid=lanes]").await?;
            let (canvas, context) = canvas_2d(width, height, 1.0)?;
            let stream = canvas.capture_stream_with_frame_request_rate(0.0).map_err(|_| "this browser cannot record a canvas")?;
            let track =
                stream.get_video_tracks().get(0).dyn_into::<web_sys::CanvasCaptureMediaStreamTrack>().map_err(|_| "this browser cannot record a canvas")?;
            let mime = ["video/webm;codecs=vp9", "video/webm;codecs=vp8", "video/webm"]
                .into_iter()
                .find(|mime| web_sys::MediaRecorder::is_type_supported(mime))
                .ok_or("this browser cannot record WebM")?;
            let options = web_sys::MediaRecorderOptions::new();
            options.set_mime_type(mime);
            let recorder =
                web_sys::MediaRecorder::new_with_media_stream_and_media_recorder_options(&stream, &options).map_err(|_| "this browser cannot record WebM")?;
            let chunks = js_sys::Array::new();
            let on_data = {
                let chunks = chunks.clone();
                Closure::<dyn FnMut(web_sys::BlobEvent)>::new(move |event: web_sys::BlobEvent| {
                    if let Some(data) = event.data() {
                        chunks.push(&data);
                    }
                })
            };
            recorder.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
            let stopped = JsFuture::from(js_sys::Promise::new(&mut |resolve, _| recorder.set_onstop(Some(&resolve))));
            recorder.start().map_err(|_| "the recorder would not start")?;
            let started = js_sys::Date::now();
            let mut image = image;
            for frame in 0..frames {
                if frame > 0 {
                    seek.emit(time_at(frame));
                    next_frame().await.map_err(|_| "no animation frames")?;
                    next_frame().await.map_err(|_| "no animation frames")?;
                    image = view_image("[data-testid=lanes]").await?.0;
                }
                context.clear_rect(0.0, 0.0, width, height);
                let _ = context.draw_image_with_html_image_element(&image, 0.0, 0.0);
                track.request_frame();
                progress.emit(f64::from(frame + 1) / f64::from(frames));
                let due = started + f64::from(frame + 1) * 1000.0 / f64::from(CLIP_FPS);
                let wait = (due - js_sys::Date::now()).max(0.0);
                sleep_ms(wait as i32).await.map_err(|_| "timers stopped")?;
            }
            recorder.stop().map_err(|_| "the recorder would not stop")?;
            stopped.await.map_err(|_| "the recording failed")?;
            drop(on_data);
            let options = web_sys::BlobPropertyBag::new();
            options.set_type("video/webm");
            let blob = web_sys::Blob::new_with_blob_sequence_and_options(&chunks, &options).map_err(|_| "the clip could not be assembled")?;
            download_blob(&name, &blob);
            Ok(())
        }
        .await;
        done.emit(outcome);
    });
}

/// Tells the page around an embed how tall the embed is.
pub fn post_height(height: i32) {
    let Some(window) = window() else { return };
    let Ok(Some(parent)) = window.parent() else { return };
    if parent == window {
        return;
    }
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"type".into(), &HEIGHT_MESSAGE.into());
    let _ = js_sys::Reflect::set(&message, &"height".into(), &JsValue::from(height));
    let _ = js_sys::Reflect::set(&message, &"href".into(), &JsValue::from_str(&window.location().href().unwrap_or_default()));
    // Any page may embed Looplab; the message holds nothing private.
    let _ = parent.post_message(&message, "*");
}

/// The page's own height in CSS pixels.
pub fn document_height() -> i32 {
    window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
        .map_or(0, |root| root.get_bounding_client_rect().height().ceil() as i32)
}

/// The message a host page sends an embed to set its theme:
/// `{ type: "looplab:theme", theme: "light" | "dark" | "auto" }`.
pub const THEME_MESSAGE: &str = "looplab:theme";

/// The theme a `looplab:theme` message from the parent window asks for
/// (`Some(None)` for "auto": the reader's colour scheme); `None` for any
/// other message, or one from another window.
pub fn theme_message(event: &web_sys::Event) -> Option<Option<Theme>> {
    let event = event.dyn_ref::<web_sys::MessageEvent>()?;
    let parent = window()?.parent().ok()??;
    let source = event.source()?;
    if !js_sys::Object::is(&source, &parent) {
        return None;
    }
    let data = event.data();
    let kind = js_sys::Reflect::get(&data, &"type".into()).ok()?.as_string()?;
    if kind != THEME_MESSAGE {
        return None;
    }
    match js_sys::Reflect::get(&data, &"theme".into()).ok()?.as_string()?.as_str() {
        "light" => Some(Some(Theme::Light)),
        "dark" => Some(Some(Theme::Dark)),
        "auto" => Some(None),
        _ => None,
    }
}

/// Embeds take turns: one that starts playing says so on a channel of the
/// Looplab origin, and every other embed that hears it pauses, so a page
/// of several embeds never plays more than one simulation at a time (a
/// reader who pressed Run on one watches that one). Browsers partition
/// the channel by the top-level site, so embeds in other blogs' pages
/// never hear it. Stops listening when dropped.
pub struct EmbedTurns {
    channel: web_sys::BroadcastChannel,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

const EMBED_TURNS_CHANNEL: &str = "looplab:embeds";

impl EmbedTurns {
    pub fn new(another_plays: Callback<()>) -> Option<EmbedTurns> {
        let channel = web_sys::BroadcastChannel::new(EMBED_TURNS_CHANNEL).ok()?;
        // A channel never delivers a message to the object that posted it.
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| another_plays.emit(()));
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(EmbedTurns { channel, _on_message: on_message })
    }

    pub fn playing(&self) {
        let _ = self.channel.post_message(&JsValue::from_str("playing"));
    }
}

impl Drop for EmbedTurns {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}

/// Sets or clears the page's forced theme (`data-theme` on `<html>`).
pub fn set_theme(theme: Option<Theme>) {
    let Some(root) = window().and_then(|window| window.document()).and_then(|document| document.document_element()) else { return };
    let _ = match theme {
        Some(Theme::Light) => root.set_attribute("data-theme", "light"),
        Some(Theme::Dark) => root.set_attribute("data-theme", "dark"),
        None => root.remove_attribute("data-theme"),
    };
}

/// What an embed snippet shows where the embed cannot run (a feed reader,
/// a reader without JavaScript, print): the poster, hosted by the author
/// beside the post, linked to the live scenario.
pub struct Fallback<'a> {
    /// The playground's link to the scenario.
    pub link: &'a str,
    /// The poster's address, relative to the post (its saved file name).
    pub poster: &'a str,
}

impl Fallback<'_> {
    fn html(&self, title: &str) -> String {
        format!(
            "<a href=\"{}\"><img src=\"{}\" alt=\"{}\" width=\"{}\" height=\"{}\" loading=\"lazy\"></a>",
            escape_xml(self.link),
            escape_xml(self.poster),
            escape_xml(&format!("Looplab: {title}. Open the live scenario.")),
            crate::poster::WIDTH,
            crate::poster::HEIGHT
        )
    }
}

/// The `<iframe>` an author pastes into a post, with the poster for pages
/// read without JavaScript.
pub fn iframe_snippet(url: &str, title: &str, height: u32, fallback: &Fallback) -> String {
    format!(
        "<iframe src=\"{}\" title=\"{}\" loading=\"lazy\" width=\"100%\" height=\"{height}\" style=\"border: 0; max-width: 960px;\" allow=\"clipboard-write\"></iframe>\n<noscript>{}</noscript>",
        escape_xml(url),
        escape_xml(&format!("Looplab: {title}")),
        fallback.html(title)
    )
}

/// The web component's snippet, for authors who prefer a script tag. Its
/// content is the poster and the link: what a feed reader, a reader
/// without JavaScript and print show, and what a click embed shows until
/// the reader presses Run.
pub fn component_snippet(script_url: &str, fragment: &str, title: &str, fallback: &Fallback) -> String {
    format!(
        "<script src=\"{}\" defer></script>\n<looplab-embed scenario=\"{}\" title=\"{}\">\n  {}\n</looplab-embed>",
        escape_xml(script_url),
        escape_xml(fragment),
        escape_xml(&format!("Looplab: {title}")),
        fallback.html(title)
    )
}

/// What the Share dialog can save.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    RequestsCsv,
    RequestsJson,
    TraceCsv,
    TraceText,
    ViewPng,
    PosterSvg,
    PosterPng,
}

#[derive(Properties, PartialEq)]
pub struct SharePanelProps {
    pub scenario: Scenario,
    pub title: String,
    pub has_run: bool,
    pub on_export: Callback<ExportKind>,
    pub on_close: Callback<()>,
    /// What the last export said (a PNG that failed, say).
    pub export_message: Option<String>,
    pub clock_us: u64,
    pub end_us: u64,
    pub on_clip: Callback<ClipRequest>,
    /// How far the clip being recorded is (None: none is).
    pub clip_progress: Option<f64>,
}

/// The Share dialog: the link, the link as Markdown, an embed snippet with
/// its options and a preview, and the exports.
#[function_component(SharePanel)]
pub fn share_panel(props: &SharePanelProps) -> Html {
    let embed = use_state(|| EmbedOptions { autoplay: true, ..EmbedOptions::default() });
    // The embed asks its readers to predict the printed lines first.
    let ask_predict = use_state(|| false);
    // The clip: from the playback's moment to the run's end, 5 s of video.
    let clip = use_state(|| {
        let from_us = if props.clock_us >= props.end_us { 0 } else { props.clock_us };
        ClipRequest { from_us, to_us: props.end_us.max(from_us + 1), seconds: 5 }
    });
    let clip_field = |change: fn(&mut ClipRequest, f64)| {
        let clip = clip.clone();
        Callback::from(move |event: Event| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                // NaN for an empty or unreadable field: the clip keeps its value.
                let value = input.value_as_number();
                if value.is_finite() && value >= 0.0 {
                    let mut request = *clip;
                    change(&mut request, value);
                    clip.set(request);
                }
            }
        })
    };
    let on_record = {
        let on_clip = props.on_clip.clone();
        let clip = clip.clone();
        Callback::from(move |_: MouseEvent| on_clip.emit(*clip))
    };
    let copied = use_state(|| None::<(String, bool)>);
    let preview = use_state(|| false);
    // Deflating is cheap but not free: once per change, not per render
    // (the dialog re-renders with playback's clock).
    let fragment = use_memo(props.scenario.clone(), looplab_share::encode);
    let link = format!("{}#{fragment}", page_address());
    let markdown = format!("[Looplab: {}]({link})", props.title.replace(['[', ']'], ""));
    let embed_fragment = use_memo((props.scenario.clone(), props.title.clone(), (*embed).clone(), *ask_predict), |(scenario, title, options, ask_predict)| {
        // A click embed's placeholder shows the title before any wasm has
        // loaded: it cannot look up a preset's, so the link carries it.
        let scenario = if options.click { Scenario { title: title.clone(), ..scenario.clone() } } else { scenario.clone() };
        format!("{}{}", looplab_share::mode_items(false, ask_predict.then_some(&[])), looplab_share::encode_embed(&scenario, options))
    });
    let embed_url = format!("{}#{embed_fragment}", page_address());
    let height = if embed.panels.contains(&Panel::Code) || embed.panels.contains(&Panel::Charts) { 720 } else { 480 };
    let poster_name = crate::poster::file_name(&props.title, "svg");
    let fallback = Fallback { link: &link, poster: &poster_name };
    let iframe = iframe_snippet(&embed_url, &props.title, height, &fallback);
    let script_url = format!("{}embed.js", page_address().rsplit_once('/').map_or(String::new(), |(base, _)| format!("{base}/")));
    let component = component_snippet(&script_url, &embed_fragment, &props.title, &fallback);
    let present_link = format!("{}#present&{fragment}", page_address());
    let predict_link = format!("{}#predict&{fragment}", page_address());

    let copy = |what: &'static str, text: String| {
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            let copied = copied.clone();
            copy_text(&text, Callback::from(move |ok: bool| copied.set(Some((what.to_string(), ok)))));
        })
    };
    let toggle = |change: fn(&mut EmbedOptions, bool)| {
        let embed = embed.clone();
        Callback::from(move |event: Event| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                let mut options = (*embed).clone();
                change(&mut options, input.checked());
                embed.set(options);
            }
        })
    };
    let panel_toggle = |panel: Panel| {
        let embed = embed.clone();
        Callback::from(move |event: Event| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                let mut options = (*embed).clone();
                options.panels.retain(|shown| *shown != panel);
                if input.checked() {
                    options.panels.push(panel);
                }
                embed.set(options);
            }
        })
    };
    let on_speed = {
        let embed = embed.clone();
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() {
                let mut options = (*embed).clone();
                options.speed = looplab_share::parse_decimal(&select.value());
                embed.set(options);
            }
        })
    };
    let on_start_here = {
        let embed = embed.clone();
        let clock_us = props.clock_us;
        Callback::from(move |event: Event| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                let mut options = (*embed).clone();
                options.start_us = (input.checked() && clock_us > 0).then_some(clock_us);
                embed.set(options);
            }
        })
    };
    let on_theme = {
        let embed = embed.clone();
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() {
                let mut options = (*embed).clone();
                options.theme = match select.value().as_str() {
                    "light" => Some(Theme::Light),
                    "dark" => Some(Theme::Dark),
                    _ => None,
                };
                embed.set(options);
            }
        })
    };
    let export = |kind: ExportKind| {
        let on_export = props.on_export.clone();
        Callback::from(move |_: MouseEvent| on_export.emit(kind))
    };
    let on_close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let on_keydown = {
        let on_close = props.on_close.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" {
                event.stop_propagation();
                on_close.emit(());
            }
        })
    };
    let copied_note = |what: &str| match copied.as_ref() {
        Some((copied, true)) if copied == what => html! { <span class="copied" role="status">{"Copied."}</span> },
        Some((copied, false)) if copied == what => {
            html! { <span class="copied" role="status">{"The clipboard is not available here: select the text and press Ctrl+C."}</span> }
        }
        _ => html! {},
    };
    html! {
        <section class="share-panel panel" role="dialog" aria-label="Share, embed and export" data-testid="share-panel" onkeydown={on_keydown}>
            <header class="share-head">
                <h2>{"Share"}</h2>
                <button data-testid="share-close" onclick={on_close} aria-label="Close the share panel">{"Close"}</button>
            </header>
            <p class="hint">{"The link holds the whole scenario: the code, the knobs, the view. Nothing is stored anywhere else."}</p>
            <label class="field">{"Link"}
                <input data-testid="share-link" readonly=true value={link.clone()} aria-label="Share link" />
            </label>
            <div class="row">
                <button data-testid="copy-link" onclick={copy("link", link.clone())}>{"Copy link"}</button>
                <button data-testid="copy-markdown" onclick={copy("markdown", markdown.clone())}>{"Copy as Markdown"}</button>
                <button data-testid="copy-predict-link" onclick={copy("predict", predict_link.clone())}
                    title="A link that asks the reader to predict the order of the printed lines before the run plays">{"Copy as a question"}</button>
                <a class="button-link" data-testid="present-link" href={present_link} target="_blank" rel="noopener"
                    title="Large type, the code and one view; arrow keys step through the walkthrough">{"Present ↗"}</a>
                { copied_note("link") }{ copied_note("markdown") }{ copied_note("predict") }
            </div>
            <h3>{"Embed"}</h3>
            <div class="row embed-options" data-testid="embed-options">
                <label title="A still and a Run button: nothing loads until the reader presses Run">
                    <input type="checkbox" data-testid="embed-click" checked={embed.click} onchange={toggle(|options, on| options.click = on)} />{" run on a click"}</label>
                <label><input type="checkbox" checked={embed.autoplay} onchange={toggle(|options, on| options.autoplay = on)} />{" autoplay"}</label>
                <label title="Readers put the printed lines in the order they expect before the run plays">
                    <input type="checkbox" data-testid="embed-predict" checked={*ask_predict}
                        onchange={{ let ask_predict = ask_predict.clone(); Callback::from(move |event: Event| {
                            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() { ask_predict.set(input.checked()); }
                        }) }} />{" predict first"}</label>
                <label><input type="checkbox" checked={embed.looped} onchange={toggle(|options, on| options.looped = on)} />{" loop"}</label>
                { for Panel::ALL.iter().map(|panel| html! {
                    <label><input type="checkbox" data-testid={format!("embed-show-{}", panel.key())} checked={embed.panels.contains(panel)} onchange={panel_toggle(*panel)} />{format!(" {}", panel.key())}</label>
                }) }
                <label>{"speed "}
                    <select onchange={on_speed} data-testid="embed-speed" aria-label="Embed playback speed">
                        <option value="" selected={embed.speed.is_none()}>{"automatic"}</option>
                        { for crate::state::SPEEDS.iter().map(|speed| html! {
                            <option value={speed.to_string()} selected={embed.speed == Some(*speed)}>{format!("{speed}×")}</option>
                        }) }
                    </select>
                </label>
                <label title="The embed opens at the moment playback shows now">
                    <input type="checkbox" data-testid="embed-start-here" checked={embed.start_us.is_some()} disabled={props.clock_us == 0} onchange={on_start_here} />
                    {format!(" start at {:.1} ms", props.clock_us as f64 / 1000.0)}
                </label>
                <label>{"theme "}
                    <select onchange={on_theme} aria-label="Embed theme">
                        <option value="" selected={embed.theme.is_none()}>{"the reader's"}</option>
                        <option value="light" selected={embed.theme == Some(Theme::Light)}>{"light"}</option>
                        <option value="dark" selected={embed.theme == Some(Theme::Dark)}>{"dark"}</option>
                    </select>
                </label>
            </div>
            <label class="field">{"iframe"}
                <textarea data-testid="embed-snippet" readonly=true rows="3" value={iframe.clone()} aria-label="Embed snippet" />
            </label>
            <div class="row">
                <button data-testid="copy-embed" onclick={copy("embed", iframe.clone())}>{"Copy iframe"}</button>
                <button data-testid="copy-component" onclick={copy("component", component.clone())}>{"Copy as <looplab-embed>"}</button>
                <button data-testid="embed-preview-toggle" aria-pressed={preview.to_string()} onclick={{ let preview = preview.clone(); Callback::from(move |_| preview.set(!*preview)) }}>
                    { if *preview { "Hide preview" } else { "Preview" } }
                </button>
                { copied_note("embed") }{ copied_note("component") }
            </div>
            <p class="hint" data-testid="embed-poster-hint">
                {format!("Save the poster below as {poster_name} beside your post: feed readers, readers without JavaScript and print show it, linked to the live scenario, and a click embed shows it until Run.")}
            </p>
            <p class="hint" data-testid="embed-theme-hint">
                {"A site with its own theme toggle keeps the embed in step: "}
                <code>{"element.setAttribute('theme', 'dark')"}</code>{" on <looplab-embed> (light, dark or auto), or "}
                <code>{"iframe.contentWindow.postMessage({ type: 'looplab:theme', theme: 'dark' }, '*')"}</code>{" for the iframe."}
            </p>
            if *preview {
                <iframe class="embed-preview" data-testid="embed-preview" src={embed_url} title={format!("Looplab: {} (preview)", props.title)} loading="lazy" height={height.to_string()}></iframe>
            }
            <h3>{"Export"}</h3>
            <div class="row" data-testid="exports">
                <button data-testid="export-poster-svg" disabled={!props.has_run} onclick={export(ExportKind::PosterSvg)}
                    title="The title, the code's first lines and the run's timeline, 1200 × 630">{"Poster SVG"}</button>
                <button data-testid="export-poster-png" disabled={!props.has_run} onclick={export(ExportKind::PosterPng)}>{"Poster PNG"}</button>
                <button data-testid="export-png" disabled={!props.has_run} onclick={export(ExportKind::ViewPng)}>{"View as PNG"}</button>
                <button data-testid="export-requests-csv" disabled={!props.has_run} onclick={export(ExportKind::RequestsCsv)}>{"Requests CSV"}</button>
                <button data-testid="export-requests-json" disabled={!props.has_run} onclick={export(ExportKind::RequestsJson)}>{"Requests JSON"}</button>
                <button data-testid="export-trace-csv" disabled={!props.has_run} onclick={export(ExportKind::TraceCsv)}>{"Trace CSV"}</button>
                <button data-testid="export-trace-text" disabled={!props.has_run} onclick={export(ExportKind::TraceText)}>{"Trace text"}</button>
            </div>
            <p class="hint">{"Each chart has its own SVG button."}</p>
            <h3>{"Clip (WebM video)"}</h3>
            <div class="row clip" data-testid="clip">
                <label>{"from "}<input type="number" min="0" step="any" data-testid="clip-from" value={(clip.from_us as f64 / 1000.0).to_string()}
                    onchange={clip_field(|request, ms| request.from_us = (ms * 1000.0) as u64)} aria-label="Clip start, ms of virtual time" />{" ms"}</label>
                <label>{"to "}<input type="number" min="0" step="any" data-testid="clip-to" value={(clip.to_us as f64 / 1000.0).to_string()}
                    onchange={clip_field(|request, ms| request.to_us = (ms * 1000.0) as u64)} aria-label="Clip end, ms of virtual time" />{" ms"}</label>
                <label>{"length "}<input type="number" min="1" max={CLIP_SECONDS_MAX.to_string()} data-testid="clip-seconds" value={clip.seconds.to_string()}
                    onchange={clip_field(|request, seconds| request.seconds = seconds.round().clamp(1.0, f64::from(CLIP_SECONDS_MAX)) as u32)} aria-label="Clip length, seconds" />{" s"}</label>
                <button data-testid="record-clip" disabled={!props.has_run || props.clip_progress.is_some()} onclick={on_record}>{"Record clip"}</button>
                if let Some(share) = props.clip_progress {
                    <progress data-testid="clip-progress" max="1" value={share.to_string()} aria-label="Recording the clip"></progress>
                }
            </div>
            <p class="hint">{format!("{CLIP_FPS} frames a second, at most {CLIP_SECONDS_MAX} s; recording takes as long as the clip.")}</p>
            { props.export_message.clone().map(|message| html! { <p class="hint" role="status" data-testid="export-message">{message}</p> }).unwrap_or_default() }
        </section>
    }
}

/// Watches whether the page is on screen: scrolled into the reader's view
/// (an embed's iframe) and its tab shown. Stops when dropped.
pub struct VisibilityWatch {
    observer: Option<web_sys::IntersectionObserver>,
    _on_intersect: Closure<dyn FnMut(js_sys::Array)>,
    on_visibility: Closure<dyn FnMut()>,
}

pub fn watch_visibility(changed: Callback<bool>) -> VisibilityWatch {
    let document = window().and_then(|window| window.document());
    let intersecting = std::rc::Rc::new(std::cell::Cell::new(true));
    let report = {
        let document = document.clone();
        let intersecting = intersecting.clone();
        move || {
            let shown = document.as_ref().is_none_or(|document| !document.hidden());
            changed.emit(shown && intersecting.get());
        }
    };
    let on_intersect = {
        let report = report.clone();
        let intersecting = intersecting.clone();
        Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            if let Some(entry) = entries.iter().last().and_then(|entry| entry.dyn_into::<web_sys::IntersectionObserverEntry>().ok()) {
                intersecting.set(entry.is_intersecting());
                report();
            }
        })
    };
    // The implicit root is the top-level page's viewport, so an iframe
    // scrolled out of its parent's view counts as off screen.
    let observer = web_sys::IntersectionObserver::new(on_intersect.as_ref().unchecked_ref()).ok();
    if let (Some(observer), Some(root)) = (&observer, document.as_ref().and_then(|document| document.document_element())) {
        observer.observe(&root);
    }
    let on_visibility = Closure::<dyn FnMut()>::new(report);
    if let Some(document) = &document {
        let _ = document.add_event_listener_with_callback("visibilitychange", on_visibility.as_ref().unchecked_ref());
    }
    VisibilityWatch { observer, _on_intersect: on_intersect, on_visibility }
}

impl Drop for VisibilityWatch {
    fn drop(&mut self) {
        if let Some(observer) = &self.observer {
            observer.disconnect();
        }
        if let Some(document) = window().and_then(|window| window.document()) {
            let _ = document.remove_event_listener_with_callback("visibilitychange", self.on_visibility.as_ref().unchecked_ref());
        }
    }
}
