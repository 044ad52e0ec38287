//! Walkthroughs: the steps a scenario carries in its own text
//! (`// @looplab step …`, read by looplab-core's directive parser), placed
//! on the finished run's trace. Playback stops at each step and shows its
//! words until the reader goes on, so a preset, a shared link or an embed
//! in a blog post narrates itself.

use looplab_core::directives::{parse_step, StepAt};
use looplab_core::{TraceEvent, TraceKind};

/// A step placed on the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub text: String,
    /// Events applied when it shows (playback stops there).
    pub cursor: usize,
    /// Its moment on the virtual clock.
    pub t_us: u64,
    /// The code line it belongs to (1-based; 0 for a moment).
    pub line: u32,
}

/// The steps of `source`, placed on its run's `events`, in playback order.
/// A step whose line never runs is left out: playback never reaches it.
pub fn place(source: &str, events: &[TraceEvent]) -> Vec<Step> {
    let lines: Vec<&str> = source.lines().collect();
    let mut steps = Vec::new();
    for (index, text) in lines.iter().enumerate() {
        let Some(rest) = text.trim_start().strip_prefix("// @looplab step") else { continue };
        let Ok(step) = parse_step(rest) else { continue };
        let line = match step.at {
            StepAt::Time(t_us) => {
                let cursor = events.partition_point(|event| event.t_us < t_us);
                steps.push(Step { text: step.text, cursor, t_us, line: 0 });
                continue;
            }
            StepAt::Line(line) => line,
            // The first line of code below the directive.
            StepAt::NextLine => match lines.iter().enumerate().skip(index + 1).find(|(_, text)| is_code(text)) {
                Some((below, _)) => below as u32 + 1,
                None => continue,
            },
        };
        let starts = events.iter().position(|event| {
            event.thread == 0 && matches!(&event.kind, TraceKind::CallbackStart { line: at, .. } | TraceKind::CallbackNamed { line: at, .. } if *at == line)
        });
        if let Some(at) = starts {
            steps.push(Step { text: step.text, cursor: at + 1, t_us: events[at].t_us, line });
        }
    }
    steps.sort_by_key(|step| (step.cursor, step.t_us));
    steps
}

fn is_code(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty() && !text.starts_with("//")
}

#[cfg(test)]
mod tests {
    use super::*;
    use looplab_core::trace::Source;

    #[test]
    fn steps_are_placed_at_their_moment_or_their_line() {
        let source = "// @looplab step at=5ms Five milliseconds in.\n// @looplab step The handler runs.\n\napp.get('/', () => {});\n// @looplab step line=99 Never runs.\n// @looplab step at=0ms At once.\n";
        let event = |t_us, kind| TraceEvent { t_us, thread: 0, kind };
        let events = vec![
            event(0, TraceKind::CallbackStart { source: Source::MainScript, label: "(main module)".into(), line: 0 }),
            event(10, TraceKind::CallbackEnd),
            event(7_000, TraceKind::CallbackStart { source: Source::PoolCompletion, label: "parserOnIncoming".into(), line: 0 }),
            event(7_010, TraceKind::CallbackNamed { label: "GET / handler".into(), line: 4 }),
            event(7_100, TraceKind::CallbackEnd),
        ];
        let steps = place(source, &events);
        let placed: Vec<(&str, usize, u64, u32)> = steps.iter().map(|step| (step.text.as_str(), step.cursor, step.t_us, step.line)).collect();
        assert_eq!(placed, [("At once.", 0, 0, 0), ("Five milliseconds in.", 2, 5_000, 0), ("The handler runs.", 4, 7_010, 4)]);
    }
}
