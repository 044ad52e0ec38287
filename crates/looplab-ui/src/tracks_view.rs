//! The timeline view: the run's tracks (see `tracks.rs`) on one time axis
//! that shares the playback clock, as Chrome DevTools' Performance panel
//! draws a trace. It shows the whole run first; the wheel zooms around the
//! pointer, a drag pans, and with the view focused `+` `-` `0` and the
//! arrow keys do the same. Clicking a block moves the clock to its start,
//! which lights its code line in the editor.

use crate::charts::{svg_button, Shared};
use crate::tracks::{marks, Mark, Span, Tracks};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TracksViewProps {
    pub tracks: Shared<Tracks>,
    pub clock_us: u64,
    /// A block was chosen: the trace index where it starts, and its time.
    pub on_seek_event: Callback<(usize, u64)>,
}

/// The drawing's width in viewBox units (it scales to the panel).
const WIDTH: f64 = 640.0;
const LABEL_WIDTH: f64 = 84.0;
const RIGHT: f64 = 6.0;
const AXIS_HEIGHT: f64 = 20.0;
const ROW_HEIGHT: f64 = 16.0;
const ROW_GAP: f64 = 3.0;
/// The narrowest block drawn apart, in viewBox units; narrower neighbours
/// merge into one mark.
const MARK_MIN_WIDTH: f64 = 1.5;
/// The shortest window a zoom reaches, µs.
const WINDOW_MIN_US: u64 = 20;

/// The visible stretch of time, µs.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Window {
    from_us: u64,
    to_us: u64,
}

impl Window {
    fn whole(end_us: u64) -> Window {
        Window { from_us: 0, to_us: end_us.max(WINDOW_MIN_US) }
    }

    fn span_us(self) -> u64 {
        self.to_us - self.from_us
    }

    /// Zoomed by `factor` (< 1 zooms in) around `at_us`, kept in the run.
    fn zoomed(self, factor: f64, at_us: u64, end_us: u64) -> Window {
        let end_us = end_us.max(WINDOW_MIN_US);
        let span_us = ((self.span_us() as f64 * factor).round() as u64).clamp(WINDOW_MIN_US, end_us);
        let share = (at_us.saturating_sub(self.from_us)) as f64 / self.span_us().max(1) as f64;
        let from_us = (at_us as f64 - share * span_us as f64).max(0.0) as u64;
        Window { from_us, to_us: from_us + span_us }.kept_in(end_us)
    }

    /// Moved by `delta_us`, kept in the run.
    fn panned(self, delta_us: i64, end_us: u64) -> Window {
        let from_us = (self.from_us as i64 + delta_us).max(0) as u64;
        Window { from_us, to_us: from_us + self.span_us() }.kept_in(end_us.max(WINDOW_MIN_US))
    }

    fn kept_in(self, end_us: u64) -> Window {
        let span_us = self.span_us().min(end_us);
        let from_us = self.from_us.min(end_us - span_us);
        Window { from_us, to_us: from_us + span_us }
    }
}

/// A drag in progress: where it started, and whether it moved (then it is
/// a pan, not a click).
#[derive(Clone, Copy, Debug)]
struct Drag {
    client_x: f64,
    window: Window,
    moved: bool,
}

#[function_component(TracksView)]
pub fn tracks_view(props: &TracksViewProps) -> Html {
    let tracks = props.tracks.0.clone();
    let end_us = tracks.end_us;
    let window = use_mut_ref(|| Window::whole(end_us));
    let drag: Rc<RefCell<Option<Drag>>> = use_mut_ref(|| None);
    let redraw = use_force_update();
    let svg_ref = use_node_ref();

    // µs per viewBox unit of the plot, and the time under a pointer.
    let plot_width = WIDTH - LABEL_WIDTH - RIGHT;
    let time_at = {
        let svg_ref = svg_ref.clone();
        move |client_x: f64, window: Window| -> u64 {
            let Some(svg) = svg_ref.cast::<web_sys::Element>() else { return window.from_us };
            let rect = svg.get_bounding_client_rect();
            let unit = rect.width() / WIDTH;
            let x = ((client_x - rect.left()) / unit.max(1e-9) - LABEL_WIDTH).clamp(0.0, plot_width);
            window.from_us + (x / plot_width * window.span_us() as f64) as u64
        }
    };

    // The wheel zooms; it needs a listener that may cancel the page's
    // scroll (Yew's own wheel listeners are passive).
    {
        let svg_ref = svg_ref.clone();
        let window = window.clone();
        let redraw = redraw.clone();
        let time_at = time_at.clone();
        use_effect_with((), move |_| {
            let target: Option<web_sys::EventTarget> = svg_ref.cast::<web_sys::Element>().map(Into::into);
            let listening = crate::app::listen(target, &["wheel"], move |event: web_sys::Event| {
                let Ok(wheel) = event.dyn_into::<web_sys::WheelEvent>() else { return };
                wheel.prevent_default();
                let current = *window.borrow();
                let next = if wheel.shift_key() || wheel.delta_x().abs() > wheel.delta_y().abs() {
                    let delta = if wheel.delta_x() != 0.0 { wheel.delta_x() } else { wheel.delta_y() };
                    current.panned((delta.signum() * current.span_us() as f64 * 0.1) as i64, end_us)
                } else {
                    let factor = if wheel.delta_y() < 0.0 { 0.8 } else { 1.25 };
                    current.zoomed(factor, time_at(f64::from(wheel.client_x()), current), end_us)
                };
                if next != current {
                    *window.borrow_mut() = next;
                    redraw.force_update();
                }
            });
            move || drop(listening)
        });
    }

    let onmousedown = {
        let drag = drag.clone();
        let window = window.clone();
        Callback::from(move |event: MouseEvent| {
            if event.button() == 0 {
                *drag.borrow_mut() = Some(Drag { client_x: f64::from(event.client_x()), window: *window.borrow(), moved: false });
            }
        })
    };
    let onmousemove = {
        let drag = drag.clone();
        let window = window.clone();
        let redraw = redraw.clone();
        let svg_ref = svg_ref.clone();
        Callback::from(move |event: MouseEvent| {
            let mut drag = drag.borrow_mut();
            let Some(state) = drag.as_mut() else { return };
            let moved_px = f64::from(event.client_x()) - state.client_x;
            if moved_px.abs() < 3.0 && !state.moved {
                return;
            }
            state.moved = true;
            let Some(svg) = svg_ref.cast::<web_sys::Element>() else { return };
            let plot_px = svg.get_bounding_client_rect().width() * plot_width / WIDTH;
            let delta_us = -(moved_px / plot_px.max(1.0) * state.window.span_us() as f64) as i64;
            *window.borrow_mut() = state.window.panned(delta_us, end_us);
            redraw.force_update();
        })
    };
    let onmouseup = {
        let drag = drag.clone();
        Callback::from(move |_: MouseEvent| {
            // Cleared after the click that follows, which reads it.
            let drag = drag.clone();
            gloo_timers::callback::Timeout::new(0, move || *drag.borrow_mut() = None).forget();
        })
    };
    let onkeydown = {
        let window = window.clone();
        let redraw = redraw.clone();
        let clock_us = props.clock_us;
        Callback::from(move |event: KeyboardEvent| {
            let current = *window.borrow();
            let at_us = if (current.from_us..=current.to_us).contains(&clock_us) { clock_us } else { current.from_us + current.span_us() / 2 };
            let step = (current.span_us() / 5) as i64;
            let next = match event.key().as_str() {
                "+" | "=" => current.zoomed(0.5, at_us, end_us),
                "-" | "_" => current.zoomed(2.0, at_us, end_us),
                "0" => Window::whole(end_us),
                "ArrowLeft" => current.panned(-step, end_us),
                "ArrowRight" => current.panned(step, end_us),
                _ => return,
            };
            // The view's own keys: not the page's playback shortcuts.
            event.prevent_default();
            event.stop_propagation();
            *window.borrow_mut() = next;
            redraw.force_update();
        })
    };

    let current = *window.borrow();
    let x_of = |t_us: u64| LABEL_WIDTH + (t_us.saturating_sub(current.from_us)) as f64 / current.span_us() as f64 * plot_width;
    let us_per_unit = current.span_us() as f64 / plot_width;
    let height = AXIS_HEIGHT + tracks.tracks.len() as f64 * (ROW_HEIGHT + ROW_GAP) + 2.0;
    let seek = |span: &Span| {
        let on_seek_event = props.on_seek_event.clone();
        let drag = drag.clone();
        let (event, start_us) = (span.event, span.start_us);
        Callback::from(move |_: MouseEvent| {
            if !drag.borrow().is_some_and(|drag| drag.moved) {
                on_seek_event.emit((event, start_us));
            }
        })
    };

    let rows = tracks.tracks.iter().enumerate().map(|(row, track)| {
        let y = AXIS_HEIGHT + row as f64 * (ROW_HEIGHT + ROW_GAP);
        let shown = marks(track, current.from_us, current.to_us, us_per_unit * MARK_MIN_WIDTH);
        let blocks = shown.iter().map(|mark| {
            let (start_us, end_us, span, count) = match mark {
                Mark::One(span) => (span.start_us, span.end_us, *span, 1),
                Mark::Many { start_us, end_us, count, first } => (*start_us, *end_us, *first, *count),
            };
            let x = x_of(start_us.max(current.from_us));
            let width = (x_of(end_us.min(current.to_us)) - x).max(1.0);
            let duration = format_us(end_us - start_us);
            let (class, tip) = if count == 1 {
                let class = classes!("tk", span.kind.class(), span.internal.then_some("internal"));
                (class, format!("{} — {} at {}", span.label, duration, format_us(start_us)))
            } else {
                (classes!("tk", "tk-many", span.kind.class()), format!("{count} × {} in {} from {}", span.kind.name(), duration, format_us(start_us)))
            };
            // A label where it fits (about 5.5 units a character).
            let fits = ((width - 4.0) / 5.5).floor() as usize;
            let text = (count == 1 && fits >= 3).then(|| {
                let label: String =
                    if span.label.chars().count() > fits { span.label.chars().take(fits - 1).chain(['…']).collect() } else { span.label.to_string() };
                html! { <text class="tk-label" x={(x + 2.0).to_string()} y={(y + ROW_HEIGHT - 4.5).to_string()}>{label}</text> }
            });
            // A request alone at this zoom: its bar in segments, coloured
            // by what it waited for.
            let waits = (count == 1).then(|| tracks.request_waits.get(&span.event)).flatten();
            let tip = match waits {
                Some(waits) => format!("{tip}: {}", waits_in_words(waits)),
                None => tip,
            };
            let pieces = waits.map(|waits| {
                waits
                    .iter()
                    .filter(|piece| piece.end_us > current.from_us && piece.start_us < current.to_us)
                    .map(|piece| {
                        let from = x_of(piece.start_us.max(current.from_us));
                        let width = (x_of(piece.end_us.min(current.to_us)) - from).max(0.5);
                        html! { <rect class={classes!("tk-wait", piece.wait.class())} x={from.to_string()} y={(y + 2.0).to_string()}
                        width={width.to_string()} height={(ROW_HEIGHT - 4.0).to_string()} data-wait={piece.wait.name()} /> }
                    })
                    .collect::<Html>()
            });
            html! {
                <g class="tk-block" onclick={seek(span)}>
                    <rect {class} x={x.to_string()} y={y.to_string()} width={width.to_string()} height={ROW_HEIGHT.to_string()}
                        data-kind={span.kind.name()} data-label={span.label.to_string()}>
                        <title>{tip}</title>
                    </rect>
                    { for pieces }
                    { for text }
                </g>
            }
        });
        html! {
            <g class="tk-row" data-track={track.name.clone()}>
                <text class="tk-track" x="4" y={(y + ROW_HEIGHT - 4.5).to_string()}>{track.name.clone()}</text>
                { for blocks }
            </g>
        }
    });

    let ticks = axis_ticks(current).into_iter().map(|t_us| {
        let x = x_of(t_us);
        html! {
            <g>
                <line class="tk-grid" x1={x.to_string()} x2={x.to_string()} y1={(AXIS_HEIGHT - 4.0).to_string()} y2={height.to_string()} />
                <text class="tick" x={x.to_string()} y={(AXIS_HEIGHT - 7.0).to_string()} text-anchor="middle">{format_us(t_us)}</text>
            </g>
        }
    });
    let cursor = (current.from_us..=current.to_us).contains(&props.clock_us).then(|| {
        let x = x_of(props.clock_us);
        html! { <line class="cursor" x1={x.to_string()} x2={x.to_string()} y1={(AXIS_HEIGHT - 4.0).to_string()} y2={height.to_string()} /> }
    });
    let zoomed = current != Window::whole(end_us);
    let on_reset = {
        let window = window.clone();
        let redraw = redraw.clone();
        Callback::from(move |_: MouseEvent| {
            *window.borrow_mut() = Window::whole(end_us);
            redraw.force_update();
        })
    };
    let png_status = use_state(|| None::<String>);
    let on_png = {
        let png_status = png_status.clone();
        Callback::from(move |_: MouseEvent| {
            let png_status = png_status.clone();
            let done = Callback::from(move |outcome: Result<(), String>| png_status.set(outcome.err()));
            crate::sharing::download_png("[data-testid=timeline] svg", "looplab-timeline.png", done);
        })
    };

    html! {
        <figure class="chart tracks" data-title="Timeline" data-testid="timeline">
            <figcaption>
                {"Timeline "}
                <span class="tk-window" data-testid="timeline-window">{format!("{} – {}", format_us(current.from_us), format_us(current.to_us))}</span>
                if zoomed { <button class="svg-button" data-testid="timeline-reset" onclick={on_reset}>{"Whole run"}</button> }
                <button class="svg-button" data-testid="timeline-png" onclick={on_png} title="Save as PNG">{"PNG"}</button>
                { svg_button("Timeline") }
                if let Some(problem) = (*png_status).clone() { <span class="problem">{problem}</span> }
            </figcaption>
            <svg ref={svg_ref} viewBox={format!("0 0 {WIDTH} {height}")} role="img" tabindex="0"
                aria-label="The run's timeline: the main thread's callbacks, the pool's jobs, the kernel's waits and the requests. Wheel or + and - zoom, drag or arrow keys pan, 0 shows the whole run; click a block to move the clock there."
                {onmousedown} {onmousemove} {onmouseup} {onkeydown}>
                { for ticks }
                { for rows }
                { for cursor }
            </svg>
            if !tracks.request_waits.is_empty() {
                <p class="tk-legend" data-testid="timeline-wait-legend">{"Request bars: "}
                    { for crate::request_waits::Wait::ALL.iter().map(|wait| html! {
                        <span class="tk-key"><span class={classes!("tk-swatch", wait.class())} aria-hidden="true"></span>
                            {format!(" {} ", wait.name())}</span>
                    }) }
                </p>
            }
        </figure>
    }
}

/// A request's waits as a sentence: "accept queue 200 ms, running 0.1 ms, …".
fn waits_in_words(waits: &[crate::request_waits::Segment]) -> String {
    let mut totals: Vec<(crate::request_waits::Wait, u64)> = Vec::new();
    for piece in waits {
        match totals.iter_mut().find(|(wait, _)| *wait == piece.wait) {
            Some((_, total)) => *total += piece.end_us - piece.start_us,
            None => totals.push((piece.wait, piece.end_us - piece.start_us)),
        }
    }
    totals.iter().map(|(wait, total)| format!("{} {}", wait.name(), format_us(*total))).collect::<Vec<_>>().join(", ")
}

/// Five to ten round times across the window.
fn axis_ticks(window: Window) -> Vec<u64> {
    let raw = window.span_us() as f64 / 8.0;
    let magnitude = 10f64.powf(raw.max(1.0).log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|k| k * magnitude).find(|step| *step >= raw).unwrap_or(10.0 * magnitude).max(1.0) as u64;
    let first = window.from_us.div_ceil(step) * step;
    (0..).map(|k| first + k * step).take_while(|t_us| *t_us <= window.to_us).collect()
}

/// A time in the unit that reads best.
fn format_us(t_us: u64) -> String {
    match t_us {
        0 => "0".to_string(),
        t if t < 1_000 => format!("{t} µs"),
        t if t < 1_000_000 => format!("{} ms", trim(t as f64 / 1_000.0)),
        t => format!("{} s", trim(t as f64 / 1_000_000.0)),
    }
}

fn trim(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_keeps_the_point_under_it_and_stays_in_the_run() {
        let whole = Window::whole(1_000_000);
        let zoomed = whole.zoomed(0.5, 250_000, 1_000_000);
        assert_eq!(zoomed, Window { from_us: 125_000, to_us: 625_000 });
        assert_eq!(zoomed.zoomed(4.0, 0, 1_000_000), whole, "zooming out stops at the whole run");
        assert_eq!(zoomed.panned(-10_000_000, 1_000_000).from_us, 0);
        assert_eq!(zoomed.panned(10_000_000, 1_000_000).to_us, 1_000_000);
        assert_eq!(whole.zoomed(1e-9, 10, 1_000_000).span_us(), WINDOW_MIN_US);
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(axis_ticks(Window { from_us: 0, to_us: 200_000 }), [0, 50_000, 100_000, 150_000, 200_000]);
        assert_eq!(axis_ticks(Window { from_us: 1_234, to_us: 1_334 }), [1_240, 1_260, 1_280, 1_300, 1_320]);
        assert_eq!(format_us(1_500), "1.5 ms");
        assert_eq!(format_us(200_000), "200 ms");
        assert_eq!(format_us(750), "750 µs");
    }
}
