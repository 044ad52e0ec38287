//! Predict, then run: a learner lays out the order they expect a
//! scenario's printed lines in, before the run plays; then it plays and
//! each position is marked as Node printed it, with the one-sentence rule
//! that explains each difference (nextTick before promises, check after
//! poll, a timer's minimum delay …). A link carries the question
//! (`predict`) or a prediction (`predict=2.0.1`), so a blog post can ask
//! its readers.
//!
//! The lines and where they came from are read from the finished run's
//! trace: which callback (and so which queue and phase) each was printed
//! in, and when.

use crate::charts::Shared;
use looplab_core::trace::Source;
use looplab_core::{TraceEvent, TraceKind};
use std::rc::Rc;
use yew::prelude::*;

/// A prediction covers a run's first lines, at most this many.
pub const LINES_MAX: usize = 10;

/// A line the run printed, with the callback that printed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Printed {
    pub text: String,
    pub t_us: u64,
    /// The kind of callback running on its thread (None: outside any).
    pub source: Option<Source>,
    pub thread: u32,
}

/// The run's first printed lines (stdout and stderr), in Node's order.
pub fn printed(events: &[TraceEvent]) -> Vec<Printed> {
    // The callbacks open on each thread (they nest: a microtask checkpoint
    // runs inside the callback that queued it).
    let mut open: Vec<(u32, Source)> = Vec::new();
    let mut lines = Vec::new();
    for event in events {
        match &event.kind {
            TraceKind::CallbackStart { source, .. } => open.push((event.thread, *source)),
            TraceKind::CallbackEnd => {
                if let Some(at) = open.iter().rposition(|(thread, _)| *thread == event.thread) {
                    open.remove(at);
                }
            }
            TraceKind::Console { text } | TraceKind::Stderr { text } => {
                let source = open.iter().rev().find(|(thread, _)| *thread == event.thread).map(|(_, source)| *source);
                lines.push(Printed { text: text.clone(), t_us: event.t_us, source, thread: event.thread });
                if lines.len() == LINES_MAX {
                    break;
                }
            }
            _ => {}
        }
    }
    lines
}

/// A learner's prediction.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// The lines in Node's order.
    pub lines: Rc<Vec<Printed>>,
    /// The learner's order: indices into `lines`.
    pub order: Vec<usize>,
    /// Checked: the run plays and the positions are marked.
    pub revealed: bool,
}

/// How one position of a checked prediction came out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The learner's line there is the one Node printed there.
    pub right: bool,
    /// The line Node printed at this position.
    pub node_line: usize,
    /// Why Node's order differs here (None when right).
    pub rule: Option<String>,
}

impl Prediction {
    /// A prediction to make about `lines`: the learner's `order` if it is a
    /// whole one for these lines (a link's), otherwise the lines shuffled.
    pub fn new(lines: Vec<Printed>, order: Option<&[usize]>) -> Prediction {
        let count = lines.len();
        let order = match order {
            Some(order) if is_permutation(order, count) => order.to_vec(),
            _ => shuffled(&lines),
        };
        Prediction { lines: Rc::new(lines), order, revealed: false }
    }

    /// Moves the line at position `from` to position `to`.
    pub fn move_line(&mut self, from: usize, to: usize) {
        if from < self.order.len() && to < self.order.len() && from != to {
            let line = self.order.remove(from);
            self.order.insert(to, line);
        }
    }

    /// Each position, as Node printed it. Lines with the same text are
    /// interchangeable: a position is right when its text is Node's.
    pub fn verdicts(&self) -> Vec<Verdict> {
        self.order
            .iter()
            .enumerate()
            .map(|(position, &guessed)| {
                let (node, theirs) = (&self.lines[position], &self.lines[guessed]);
                let right = node.text == theirs.text;
                // Node printed its line here before the learner's, or after:
                // the rule is about whichever came first.
                let rule = (!right).then(|| if guessed > position { rule(node, theirs) } else { rule(theirs, node) });
                Verdict { right, node_line: position, rule }
            })
            .collect()
    }

    pub fn right_count(&self) -> usize {
        self.verdicts().iter().filter(|verdict| verdict.right).count()
    }
}

fn is_permutation(order: &[usize], count: usize) -> bool {
    let mut seen = vec![false; count];
    order.len() == count && order.iter().all(|&index| index < count && !std::mem::replace(&mut seen[index], true))
}

/// The lines in an order that is not Node's (unless every order is, as
/// with one line or all lines alike), the same for the same lines: a
/// seeded shuffle (splitmix64 over the texts), rotated if it came out
/// as Node's.
fn shuffled(lines: &[Printed]) -> Vec<usize> {
    let mut seed =
        lines.iter().flat_map(|line| line.text.bytes()).fold(0x9e37_79b9_7f4a_7c15u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3));
    let mut next = || {
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut order: Vec<usize> = (0..lines.len()).collect();
    for index in (1..order.len()).rev() {
        order.swap(index, (next() % (index as u64 + 1)) as usize);
    }
    let as_node = |order: &[usize]| order.iter().enumerate().all(|(position, &index)| lines[position].text == lines[index].text);
    for _ in 0..order.len() {
        if !as_node(&order) {
            break;
        }
        order.rotate_left(1);
    }
    order
}

/// Why Node printed `first` before `second`, in one sentence: the rule of
/// the event loop that orders their callbacks (Node's "The Node.js Event
/// Loop" guide: the phases timers → pending → poll → check → close, with
/// process.nextTick's queue and then the microtask queue drained after
/// every callback).
pub fn rule(first: &Printed, second: &Printed) -> String {
    let at = |line: &Printed| format!("{:.1} ms", line.t_us as f64 / 1000.0);
    if first.thread != second.thread {
        return format!(
            "A worker thread runs beside the main thread, so their lines interleave by time: this one came at {}, the other at {}.",
            at(first),
            at(second)
        );
    }
    let (Some(a), Some(b)) = (first.source, second.source) else {
        return format!("Node printed it first, at {} (the other at {}).", at(first), at(second));
    };
    use Source::*;
    match (a, b) {
        (MainScript, _) => "Synchronous code runs first: the main module runs to its end before any callback, however soon it was scheduled.".into(),
        (NextTick, Microtask) => "process.nextTick's queue is drained before the promise (microtask) queue.".into(),
        (NextTick | Microtask, Timer | PoolCompletion | Immediate | Close | ProcessEvent) => {
            "nextTick and promise callbacks run as soon as the current callback ends, before the event loop moves on to its next phase.".into()
        }
        (Microtask, NextTick) => {
            "This nextTick was queued from a promise callback: Node drains the promise queue it is in before it looks at nextTicks again.".into()
        }
        (Timer, Immediate) => {
            "The timer was already due: the timers phase comes before the check phase (setImmediate) in each loop iteration.".into()
        }
        (Immediate, Timer) => format!(
            "After the poll phase comes the check phase: setImmediate runs before the loop comes back round to the timers phase (a setTimeout of 0 waits at least 1 ms; this one ran at {}).",
            at(second)
        ),
        (PoolCompletion, Immediate) => "The poll phase runs finished I/O's callbacks, then the check phase runs setImmediate's.".into(),
        (Immediate, PoolCompletion) => format!(
            "setImmediate runs in this iteration's check phase; the I/O was not finished yet, so its callback came in a later poll phase (at {}).",
            at(second)
        ),
        (Timer, PoolCompletion) => format!("The timer was due ({}) before the I/O finished ({}): its callback waits for a poll phase after that.", at(first), at(second)),
        (PoolCompletion, Timer) => format!(
            "The I/O finished ({}) before the timer was due ({}): the loop waits in the poll phase and runs the I/O callback first.",
            at(first),
            at(second)
        ),
        (Timer, Timer) => format!(
            "Timers run in the order they are due (a delay under 1 ms counts as 1 ms), and timers due together in the order they were set: {} before {}.",
            at(first),
            at(second)
        ),
        (Immediate, Immediate) => "Immediates run in the order they were queued.".into(),
        (PoolCompletion, PoolCompletion) => format!(
            "I/O callbacks run in the order their work finished ({} before {}), not the order it was asked for.",
            at(first),
            at(second)
        ),
        (_, Close) => "Close callbacks come last in a loop iteration, after the check phase.".into(),
        (_, NextTick | Microtask) => format!(
            "This nextTick or promise callback was queued by a later callback, so it ran after that one ended (at {}).",
            at(second)
        ),
        (_, ProcessEvent) => "process's 'beforeExit' and 'exit' events come when the loop has nothing left to do.".into(),
        _ => format!("Its callback was ready first: {} before {}.", at(first), at(second)),
    }
}

#[derive(Properties, PartialEq)]
pub struct PredictPanelProps {
    pub prediction: Shared<Prediction>,
    /// Lines printed so far by playback: a checked position is marked once
    /// Node has printed it.
    pub printed_so_far: usize,
    pub on_move: Callback<(usize, usize)>,
    pub on_check: Callback<()>,
    pub on_again: Callback<()>,
    pub on_close: Callback<()>,
}

/// The prediction: the lines to order (drag, or Alt+↑/↓ on a focused line,
/// or its buttons), Check, and the marks as the run prints.
#[function_component(PredictPanel)]
pub fn predict_panel(props: &PredictPanelProps) -> Html {
    let prediction = &props.prediction.0;
    let dragged = use_mut_ref(|| None::<usize>);
    let list = use_node_ref();
    let count = prediction.order.len();
    let verdicts = prediction.verdicts();
    let move_to = |from: usize, to: usize| {
        let on_move = props.on_move.clone();
        let list = list.clone();
        Callback::from(move |_: MouseEvent| move_line(&on_move, &list, from, to))
    };
    let marked = |position: usize| prediction.revealed && position < props.printed_so_far;
    let all_marked = prediction.revealed && props.printed_so_far >= count;
    let close = html! { <button class="predict-close" data-testid="predict-close" onclick={props.on_close.reform(|_| ())} aria-label="Close the prediction">{"Close"}</button> };
    if count < 2 {
        return html! {
            <section class="predict" aria-label="Predict the output" data-testid="predict">
                <h3>{"Predict, then run"}{ close }</h3>
                <p class="hint" data-testid="predict-nothing">{"This run prints fewer than two lines: there is no order to predict. Add console.log calls and run it again."}</p>
            </section>
        };
    }
    html! {
        <section class="predict" aria-label="Predict the output" data-testid="predict">
            <h3>{"Predict, then run"}{ close }</h3>
            if !prediction.revealed {
                <p class="hint" id="predict-hint">{"In what order will Node print these lines? Drag them, or focus one and press Alt+↑ or Alt+↓. Then run it and see."}</p>
            }
            <ol class="predict-lines" ref={list.clone()} aria-describedby="predict-hint">
                { for prediction.order.iter().enumerate().map(|(position, &line)| {
                    let text = prediction.lines[line].text.clone();
                    let verdict = marked(position).then(|| &verdicts[position]);
                    let onkeydown = {
                        let on_move = props.on_move.clone();
                        let list = list.clone();
                        let locked = prediction.revealed;
                        Callback::from(move |event: KeyboardEvent| {
                            let to = match event.key().as_str() {
                                "ArrowUp" if event.alt_key() && position > 0 => position - 1,
                                "ArrowDown" if event.alt_key() && position + 1 < count => position + 1,
                                _ => return,
                            };
                            event.prevent_default();
                            event.stop_propagation();
                            if !locked {
                                move_line(&on_move, &list, position, to);
                            }
                        })
                    };
                    let ondragstart = {
                        let dragged = dragged.clone();
                        Callback::from(move |_: DragEvent| *dragged.borrow_mut() = Some(position))
                    };
                    let ondragover = Callback::from(|event: DragEvent| event.prevent_default());
                    let ondrop = {
                        let dragged = dragged.clone();
                        let on_move = props.on_move.clone();
                        Callback::from(move |event: DragEvent| {
                            event.prevent_default();
                            if let Some(from) = dragged.borrow_mut().take() {
                                on_move.emit((from, position));
                            }
                        })
                    };
                    let class = classes!("predict-line", verdict.map(|verdict| if verdict.right { "right" } else { "wrong" }));
                    html! {
                        <li {class} data-testid="predict-line" tabindex="0" draggable={(!prediction.revealed).to_string()}
                            aria-label={format!("{}: {}", position + 1, text)} {onkeydown} {ondragstart} {ondragover} {ondrop}>
                            <span class="predict-pos" aria-hidden="true">{position + 1}</span>
                            <code class="predict-text">{text}</code>
                            if !prediction.revealed {
                                <span class="predict-moves">
                                    <button tabindex="-1" aria-label="Move up" disabled={position == 0} onclick={move_to(position, position.saturating_sub(1))}>{"↑"}</button>
                                    <button tabindex="-1" aria-label="Move down" disabled={position + 1 == count} onclick={move_to(position, position + 1)}>{"↓"}</button>
                                </span>
                            }
                            if let Some(verdict) = verdict {
                                if verdict.right {
                                    <span class="verdict" data-testid="predict-verdict">{"✓ Node printed it here"}</span>
                                } else {
                                    <span class="verdict" data-testid="predict-verdict">{format!("✗ Node printed \u{201c}{}\u{201d} here", prediction.lines[verdict.node_line].text)}</span>
                                    <p class="predict-rule" data-testid="predict-rule">{verdict.rule.clone().unwrap_or_default()}</p>
                                }
                            }
                        </li>
                    }
                }) }
            </ol>
            if !prediction.revealed {
                <button class="primary" data-testid="predict-check" onclick={props.on_check.reform(|_| ())}>{"Run and check"}</button>
            } else {
                <p data-testid="predict-score" role="status">
                    { if all_marked { format!("{} of {count} where Node printed them.", prediction.right_count()) } else { "Watch the run print them…".to_string() } }
                </p>
                <button data-testid="predict-again" onclick={props.on_again.reform(|_| ())}>{"Predict again"}</button>
            }
        </section>
    }
}

/// Moves a line, and keeps the keyboard's focus on it at its new place.
fn move_line(on_move: &Callback<(usize, usize)>, list: &NodeRef, from: usize, to: usize) {
    on_move.emit((from, to));
    let list = list.clone();
    gloo_timers::callback::Timeout::new(0, move || {
        if let Some(item) = list.cast::<web_sys::Element>().and_then(|list| list.children().item(to as u32)) {
            if let Some(item) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(&item) {
                let _ = item.focus();
            }
        }
    })
    .forget();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::tests::run_source;

    const ORDER: &str = "setTimeout(() => console.log('timeout'), 0);\nsetImmediate(() => console.log('immediate'));\nPromise.resolve().then(() => console.log('promise'));\nprocess.nextTick(() => console.log('nextTick'));\nconsole.log('sync');\n";

    #[test]
    fn the_lines_come_with_the_callback_that_printed_them() {
        let state = run_source(ORDER);
        let lines = printed(&state.events);
        let seen: Vec<(&str, Option<Source>)> = lines.iter().map(|line| (line.text.as_str(), line.source)).collect();
        assert_eq!(
            seen,
            [
                ("sync", Some(Source::MainScript)),
                ("nextTick", Some(Source::NextTick)),
                ("promise", Some(Source::Microtask)),
                // From the main module Node's order of these two depends on
                // whether 1 ms passed before the loop started; the
                // simulated start-up is quicker.
                ("immediate", Some(Source::Immediate)),
                ("timeout", Some(Source::Timer))
            ]
        );
    }

    #[test]
    fn a_prediction_is_marked_with_the_rule_for_each_difference() {
        let lines = printed(&run_source(ORDER).events);
        let fresh = Prediction::new(lines.clone(), None);
        assert_ne!(fresh.order, [0, 1, 2, 3, 4], "never laid out as Node's order");
        assert_eq!(Prediction::new(lines.clone(), None).order, fresh.order, "the same lines shuffle the same way");
        // A learner who thinks promises come before nextTicks.
        let mut guess = Prediction::new(lines.clone(), Some(&[0, 2, 1, 3, 4]));
        let verdicts = guess.verdicts();
        assert_eq!(verdicts.iter().map(|verdict| verdict.right).collect::<Vec<_>>(), [true, false, false, true, true]);
        assert_eq!(verdicts[1].rule.as_deref(), Some("process.nextTick's queue is drained before the promise (microtask) queue."));
        assert_eq!(verdicts[2].rule, verdicts[1].rule);
        assert_eq!(guess.right_count(), 3);
        guess.move_line(2, 1);
        assert_eq!(guess.order, [0, 1, 2, 3, 4]);
        assert_eq!(guess.right_count(), 5);
        // The order a link carries is used only if it fits the lines.
        assert_eq!(Prediction::new(lines.clone(), Some(&[0, 0, 1, 2, 3])).order, fresh.order);
        assert_eq!(Prediction::new(lines, Some(&[4, 3, 2, 1, 0])).order, [4, 3, 2, 1, 0]);
        // Timeout before immediate, and the other way round.
        let (immediate, timer) = (&fresh.lines[3], &fresh.lines[4]);
        assert!(rule(timer, immediate).contains("timers phase comes before the check phase"));
        assert!(rule(immediate, timer).contains("check phase"));
        assert!(rule(&fresh.lines[0], timer).starts_with("Synchronous code runs first"));
    }
}
