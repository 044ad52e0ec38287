//! Charts as plain SVG: the run's timeline (latency, event-loop delay and
//! utilization, pool, memory, throughput) and the latency histogram. Each
//! has axes with units and a cursor at playback's clock. Series from a
//! comparison run share the chart, and so its scale.

use looplab_core::sim::{Timeline, NODE_BASELINE_BYTES, NODE_PER_CONNECTION_BYTES};
use yew::prelude::*;

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 130.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 22.0;

/// A value shared between frames, equal only to itself: comparing two
/// runs' data point by point on every frame would cost more than drawing.
#[derive(Debug)]
pub struct Shared<T>(pub std::rc::Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// One line on a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    /// The CSS class that colours it (`s0`, `s1`, …).
    pub class: &'static str,
    /// (time in ms, value).
    pub points: Vec<(f64, f64)>,
}

/// What a timeline chart plots, from a run's buckets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    LatencyMean,
    LatencyMax,
    Delay,
    Utilization,
    PoolQueue,
    PoolBusy,
    InFlight,
    MemoryMiB,
    Throughput,
}

impl Measure {
    /// Points of this measure over `timeline`; slices with nothing to say
    /// (no answered request for a latency) are left out.
    pub fn points(self, timeline: &Timeline) -> Vec<(f64, f64)> {
        let width_us = timeline.bucket_us.max(1) as f64;
        timeline
            .buckets
            .iter()
            .enumerate()
            .filter_map(|(index, bucket)| {
                let x_ms = (index as f64 + 0.5) * width_us / 1000.0;
                let y = match self {
                    Measure::LatencyMean if bucket.answered == 0 => return None,
                    Measure::LatencyMean => bucket.latency_sum_us as f64 / f64::from(bucket.answered) / 1000.0,
                    Measure::LatencyMax if bucket.answered == 0 => return None,
                    Measure::LatencyMax => f64::from(bucket.latency_max_us) / 1000.0,
                    Measure::Delay if bucket.delay_max_us == 0 => return None,
                    Measure::Delay => f64::from(bucket.delay_max_us) / 1000.0,
                    Measure::Utilization => (1.0 - bucket.main_idle_us as f64 / width_us).clamp(0.0, 1.0),
                    Measure::PoolQueue => f64::from(bucket.pool_queue_max),
                    Measure::PoolBusy => f64::from(bucket.pool_busy_max),
                    Measure::InFlight => f64::from(bucket.in_flight_max),
                    Measure::MemoryMiB => (NODE_BASELINE_BYTES + u64::from(bucket.connections_max) * NODE_PER_CONNECTION_BYTES) as f64 / (1024.0 * 1024.0),
                    Measure::Throughput => f64::from(bucket.answered) / (width_us / 1_000_000.0),
                };
                Some((x_ms, y))
            })
            .collect()
    }
}

#[derive(Properties, PartialEq)]
pub struct LineChartProps {
    pub title: String,
    pub unit: String,
    pub series: Shared<Vec<Series>>,
    pub x_max_ms: f64,
    /// The playback clock, ms.
    pub cursor_ms: f64,
    #[prop_or_default]
    pub explain: String,
    #[prop_or_default]
    pub testid: String,
}

/// A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten.
pub fn nice_max(value: f64) -> f64 {
    if !(value > 0.0) || !value.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|step| step * power).find(|candidate| *candidate >= value).unwrap_or(10.0 * power)
}

/// A number for an axis label: few digits, no trailing zeros.
pub fn axis_label(value: f64) -> String {
    if value >= 1_000_000.0 {
        format!("{}M", trim(value / 1_000_000.0))
    } else if value >= 10_000.0 {
        format!("{}k", trim(value / 1000.0))
    } else {
        trim(value)
    }
}

fn trim(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The SVG paths of a chart's series (the costly part: made once per run,
/// not per frame).
fn series_paths(series: &[Series], x_max_ms: f64) -> (f64, Vec<String>) {
    let y_max = nice_max(series.iter().flat_map(|series| series.points.iter().map(|(_, y)| *y)).fold(0.0, f64::max));
    let x_max = x_max_ms.max(1.0);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let paths = series
        .iter()
        .map(|series| {
            let mut path = String::with_capacity(series.points.len() * 14);
            for (index, (px, py)) in series.points.iter().enumerate() {
                use std::fmt::Write as _;
                let _ = write!(path, "{}{:.1},{:.1}", if index == 0 { "M" } else { "L" }, LEFT + px / x_max * plot_w, TOP + plot_h - py / y_max * plot_h);
            }
            path
        })
        .collect();
    (y_max, paths)
}

#[function_component(LineChart)]
pub fn line_chart(props: &LineChartProps) -> Html {
    let drawn = use_memo((props.series.clone(), props.x_max_ms.to_bits()), |(series, x_max_bits)| series_paths(series, f64::from_bits(*x_max_bits)));
    let (y_max, paths) = (drawn.0, &drawn.1);
    let x_max = props.x_max_ms.max(1.0);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |ms: f64| LEFT + ms / x_max * plot_w;
    let y = |value: f64| TOP + plot_h - value / y_max * plot_h;
    let empty = props.series.iter().all(|series| series.points.is_empty());
    let cursor = x(props.cursor_ms.clamp(0.0, x_max));
    let summary = props
        .series
        .iter()
        .map(|series| {
            let peak = series.points.iter().map(|(_, y)| *y).fold(0.0, f64::max);
            format!("{}: up to {} {}", series.name, axis_label(peak), props.unit)
        })
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        <figure class="chart" data-testid={props.testid.clone()} data-title={format!("{} ({})", props.title, props.unit)} data-explain={props.explain.clone()} tabindex="0">
            <figcaption>{&props.title}<span class="unit">{format!(" ({})", props.unit)}</span>
                { for props.series.iter().filter(|_| props.series.len() > 1).map(|series| html! {
                    <span class={classes!("legend", series.class)}>{&series.name}</span>
                }) }
                { svg_button(&props.title) }
            </figcaption>
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img" aria-label={format!("{}: {}", props.title, if empty { "no data".to_string() } else { summary })}>
                <line class="axis" x1={LEFT.to_string()} y1={TOP.to_string()} x2={LEFT.to_string()} y2={(TOP + plot_h).to_string()} />
                <line class="axis" x1={LEFT.to_string()} y1={(TOP + plot_h).to_string()} x2={(WIDTH - RIGHT).to_string()} y2={(TOP + plot_h).to_string()} />
                { for [0.0, 0.5, 1.0].iter().map(|share| html! {
                    <>
                        <line class="grid" x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()} y1={y(share * y_max).to_string()} y2={y(share * y_max).to_string()} />
                        <text class="tick" x={(LEFT - 4.0).to_string()} y={(y(share * y_max) + 3.0).to_string()} text-anchor="end">{axis_label(share * y_max)}</text>
                    </>
                }) }
                <text class="tick" x={LEFT.to_string()} y={(HEIGHT - 6.0).to_string()}>{"0"}</text>
                <text class="tick" x={(WIDTH - RIGHT).to_string()} y={(HEIGHT - 6.0).to_string()} text-anchor="end">{format!("{} ms", axis_label(x_max))}</text>
                { for props.series.iter().zip(paths.iter()).map(|(series, path)| html! {
                    <path class={classes!("series", series.class)} d={path.clone()} />
                }) }
                if empty { <text class="tick" x={(LEFT + plot_w / 2.0).to_string()} y={(TOP + plot_h / 2.0).to_string()} text-anchor="middle">{"no data in this run"}</text> }
                <line class="cursor" x1={cursor.to_string()} x2={cursor.to_string()} y1={TOP.to_string()} y2={(TOP + plot_h).to_string()} />
            </svg>
        </figure>
    }
}

/// Saves the chart it sits in as a standalone SVG file.
pub(crate) fn svg_button(title: &str) -> Html {
    let onclick = Callback::from(|event: MouseEvent| {
        if let Some(target) = event.target_dyn_into::<web_sys::Element>() {
            crate::sharing::download_chart_of(&target);
        }
    });
    html! {
        <button class="svg-button" data-testid="chart-svg" onclick={onclick} aria-label={format!("Save the chart {title} as SVG")} title="Save as SVG">{"SVG"}</button>
    }
}

#[derive(Properties, PartialEq)]
pub struct HistogramProps {
    /// Latencies in µs.
    pub values_us: std::rc::Rc<Vec<u64>>,
    /// The whole run's percentiles (ms): p50, p90, p99.
    pub marks_ms: Vec<(String, f64)>,
}

/// The latency histogram of the requests in the trace, with the run's
/// percentiles marked.
#[function_component(Histogram)]
pub fn histogram(props: &HistogramProps) -> Html {
    const BINS: usize = 24;
    let values_ms: Vec<f64> = props.values_us.iter().map(|us| *us as f64 / 1000.0).collect();
    let x_max = nice_max(values_ms.iter().copied().fold(0.0, f64::max).max(props.marks_ms.iter().map(|(_, ms)| *ms).fold(0.0, f64::max)));
    let mut counts = [0u32; BINS];
    for value in &values_ms {
        let bin = ((value / x_max) * BINS as f64) as usize;
        counts[bin.min(BINS - 1)] += 1;
    }
    let y_max = nice_max(f64::from(counts.iter().copied().max().unwrap_or(0)));
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let bar_w = plot_w / BINS as f64;
    let x = |ms: f64| LEFT + ms / x_max * plot_w;
    html! {
        <figure class="chart" data-testid="chart-histogram" data-title="Latency histogram (requests per bin)" tabindex="0"
            data-explain="How many requests took how long, from arrival to the handler's response; the lines mark the run's percentiles.">
            <figcaption>{"Latency histogram"}<span class="unit">{" (requests per bin)"}</span>{ svg_button("Latency histogram") }</figcaption>
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img"
                aria-label={format!("Latency histogram of {} requests; {}", values_ms.len(),
                    props.marks_ms.iter().map(|(name, ms)| format!("{name} {ms:.1} ms")).collect::<Vec<_>>().join(", "))}>
                <line class="axis" x1={LEFT.to_string()} y1={(TOP + plot_h).to_string()} x2={(WIDTH - RIGHT).to_string()} y2={(TOP + plot_h).to_string()} />
                <text class="tick" x={(LEFT - 4.0).to_string()} y={(TOP + 3.0).to_string()} text-anchor="end">{axis_label(y_max)}</text>
                <text class="tick" x={(LEFT - 4.0).to_string()} y={(TOP + plot_h + 3.0).to_string()} text-anchor="end">{"0"}</text>
                { for counts.iter().enumerate().filter(|(_, count)| **count > 0).map(|(index, count)| {
                    let height = f64::from(*count) / y_max * plot_h;
                    html! { <rect class="bar" x={(LEFT + index as f64 * bar_w + 0.5).to_string()} y={(TOP + plot_h - height).to_string()}
                        width={(bar_w - 1.0).max(0.5).to_string()} height={height.to_string()} /> }
                }) }
                { for props.marks_ms.iter().map(|(name, ms)| html! {
                    <>
                        <line class="mark" x1={x(*ms).to_string()} x2={x(*ms).to_string()} y1={TOP.to_string()} y2={(TOP + plot_h).to_string()} />
                        <text class="tick mark-label" x={(x(*ms) + 2.0).to_string()} y={(TOP + 8.0).to_string()}>{name}</text>
                    </>
                }) }
                <text class="tick" x={LEFT.to_string()} y={(HEIGHT - 6.0).to_string()}>{"0"}</text>
                <text class="tick" x={(WIDTH - RIGHT).to_string()} y={(HEIGHT - 6.0).to_string()} text-anchor="end">{format!("{} ms", axis_label(x_max))}</text>
            </svg>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_bounds_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(3.0), 5.0);
        assert_eq!(nice_max(170.0), 200.0);
        assert_eq!(nice_max(0.07), 0.1);
        assert_eq!(axis_label(25_000.0), "25k");
        assert_eq!(axis_label(0.5), "0.5");
    }
}
