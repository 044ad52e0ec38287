//! The code editor: a plain `<textarea>` (so typing, selection, undo and
//! screen readers work as everywhere) over a coloured copy of the same text,
//! with line numbers, problems marked at their line and column, and the
//! line of the running callback lit while playback runs.

use crate::highlight::highlight;
use looplab_core::ScriptError;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub source: String,
    pub errors: Vec<ScriptError>,
    pub executing_line: Option<u32>,
    pub on_input: Callback<String>,
    /// Ctrl/Cmd+Enter: run now.
    pub on_run: Callback<()>,
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let textarea = use_node_ref();
    let backdrop = use_node_ref();
    let gutter = use_node_ref();
    let on_input = {
        let on_input = props.on_input.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(area) = event.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
                on_input.emit(area.value());
            }
        })
    };
    // The coloured copy and the line numbers scroll with the text.
    let on_scroll = {
        let (textarea, backdrop, gutter) = (textarea.clone(), backdrop.clone(), gutter.clone());
        Callback::from(move |_: Event| {
            let Some(area) = textarea.cast::<web_sys::HtmlTextAreaElement>() else { return };
            if let Some(copy) = backdrop.cast::<web_sys::Element>() {
                copy.set_scroll_top(area.scroll_top());
                copy.set_scroll_left(area.scroll_left());
            }
            if let Some(numbers) = gutter.cast::<web_sys::Element>() {
                numbers.set_scroll_top(area.scroll_top());
            }
        })
    };
    let on_keydown = {
        let on_run = props.on_run.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Enter" && (event.ctrl_key() || event.meta_key()) {
                event.prevent_default();
                on_run.emit(());
            } else if event.key() == "Escape" {
                // Leave the editor, so the page's keys (space: play) work.
                if let Some(element) = event.target().and_then(|target| target.dyn_into::<web_sys::HtmlElement>().ok()) {
                    let _ = element.blur();
                }
            }
        })
    };
    // Jump to a problem: select its position in the text.
    let go_to = {
        let textarea = textarea.clone();
        let source = props.source.clone();
        move |line: u32, column: u32| {
            let textarea = textarea.clone();
            let offset: usize = source.split('\n').take(line.saturating_sub(1) as usize).map(|text| text.encode_utf16().count() + 1).sum::<usize>()
                + column.saturating_sub(1) as usize;
            Callback::from(move |_: MouseEvent| {
                if let Some(area) = textarea.cast::<web_sys::HtmlTextAreaElement>() {
                    let _ = area.focus();
                    let _ = area.set_selection_range(offset as u32, offset as u32 + 1);
                }
            })
        }
    };
    // Colouring runs when the text changes, not on every frame of playback.
    let lines = use_memo(props.source.clone(), |source| highlight(source));
    let error_at = |line: u32| props.errors.iter().find(|error| error.line == line);
    html! {
        <div class="editor" data-explain="Your code: edit it and the simulation re-runs. Ctrl+Enter runs at once; Escape leaves the editor.">
            <div class="editor-body">
                <div class="gutter" ref={gutter} aria-hidden="true">
                    { for lines.iter().enumerate().map(|(index, _)| {
                        let number = index as u32 + 1;
                        let error = error_at(number);
                        html! {
                            <div class={classes!("ln", error.map(|_| "has-error"), (props.executing_line == Some(number)).then_some("executing"))}
                                title={error.map(|error| error.message.clone())}>{number}</div>
                        }
                    }) }
                </div>
                <div class="code-area">
                    <pre class="backdrop" ref={backdrop} aria-hidden="true"><code>
                        { for lines.iter().enumerate().map(|(index, pieces)| {
                            let number = index as u32 + 1;
                            let error_column = error_at(number).map(|error| error.column.max(1) as usize);
                            html! {
                                <div class={classes!("code-line", (props.executing_line == Some(number)).then_some("executing"), error_column.map(|_| "error-line"))}>
                                    { render_pieces(pieces, error_column) }
                                    {"\u{200b}"}
                                </div>
                            }
                        }) }
                    </code></pre>
                    <textarea ref={textarea} class="input" data-testid="editor" spellcheck="false" autocapitalize="off" autocomplete="off"
                        aria-label="Code (JavaScript). Ctrl+Enter runs it."
                        value={props.source.clone()} oninput={on_input} onscroll={on_scroll} onkeydown={on_keydown} />
                </div>
            </div>
            if !props.errors.is_empty() {
                <ul class="problems" data-testid="problems" role="alert">
                    { for props.errors.iter().map(|error| html! {
                        <li><button class="link" onclick={go_to(error.line, error.column)}>{format!("Line {}, column {}", error.line, error.column)}</button>
                            {": "}{&error.message}</li>
                    }) }
                </ul>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct CodeViewProps {
    pub source: String,
    /// The line to light (the running callback's, or a step's).
    pub lit_line: Option<u32>,
}

/// The code, coloured and read-only, with line numbers and one line lit:
/// what presentation mode shows beside its view.
#[function_component(CodeView)]
pub fn code_view(props: &CodeViewProps) -> Html {
    let lines = use_memo(props.source.clone(), |source| highlight(source));
    html! {
        <pre class="code-view" data-testid="code-view" tabindex="0" aria-label="The scenario's code"><code>
            { for lines.iter().enumerate().map(|(index, pieces)| {
                let number = index as u32 + 1;
                let lit = props.lit_line == Some(number);
                html! {
                    <div class={classes!("code-line", lit.then_some("executing"))} aria-current={lit.then_some("true")}>
                        <span class="ln" aria-hidden="true">{number}</span>{ render_pieces(pieces, None) }{"\u{200b}"}
                    </div>
                }
            }) }
        </code></pre>
    }
}

/// A line's coloured pieces; from `error_column` (1-based, in characters)
/// on, the text is underlined.
fn render_pieces(pieces: &[(crate::highlight::Token, String)], error_column: Option<usize>) -> Html {
    let mut column = 1;
    let mut out = Vec::new();
    for (token, text) in pieces {
        let length = text.chars().count();
        match error_column {
            Some(at) if at >= column && at < column + length => {
                let split = at - column;
                let before: String = text.chars().take(split).collect();
                let after: String = text.chars().skip(split).collect();
                out.push(html! { <span class={token.class()}>{before}</span> });
                out.push(html! { <span class={classes!(token.class(), "error-mark")}>{after}</span> });
            }
            Some(at) if at < column => out.push(html! { <span class={classes!(token.class(), "error-mark")}>{text}</span> }),
            _ => out.push(html! { <span class={token.class()}>{text}</span> }),
        }
        column += length;
    }
    if error_column.is_some_and(|at| at >= column) {
        // The problem is at the end of the line: mark the gap.
        out.push(html! { <span class="error-mark">{" "}</span> });
    }
    out.into_iter().collect()
}
