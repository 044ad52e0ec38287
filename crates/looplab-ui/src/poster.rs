//! A scenario's poster: one still picture (1200 × 630, a social card's
//! size) of its title, its code's first lines and its run's timeline, for
//! an author to host beside a post. The embed snippets show it where no
//! embed can run — a feed reader, a reader without JavaScript, print — and
//! a click embed shows it until the reader presses Run.
//!
//! Drawn from the timeline's model (`tracks.rs`), not from the screen, so
//! it is the same whatever view is open; the page supplies its colours and
//! the timeline's CSS rules, so the picture looks like the page.

use crate::sharing::escape_xml;
use crate::tracks::{marks, Mark, Tracks};

pub const WIDTH: f64 = 1200.0;
pub const HEIGHT: f64 = 630.0;

/// The code lines a poster shows, and the characters of each.
const CODE_LINES: usize = 22;
const CODE_COLUMNS: usize = 58;
/// The timeline's tracks a poster shows (the rest are summed up in words).
const TRACKS_MAX: usize = 14;

/// The poster as an SVG document. `css` holds the page's resolved colours
/// and its timeline rules (`.tk-…` classes); empty, the picture still
/// draws, in the SVG's default colours.
pub fn svg(title: &str, code: &str, tracks: &Tracks, css: &str) -> String {
    let mut out = String::with_capacity(16 * 1024);
    out.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart poster\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">\
<title>{}</title><style>{css}\n.poster {{ font-family: system-ui, sans-serif; }}\n.poster .code {{ font: 14px ui-monospace, Menlo, Consolas, monospace; }}</style>\
<rect width=\"100%\" height=\"100%\" fill=\"var(--panel, #ffffff)\"/>",
        escape_xml(&format!("Looplab: {title}"))
    ));
    out.push_str(&format!(
        "<text x=\"40\" y=\"46\" font-size=\"18\" font-weight=\"700\" fill=\"var(--accent, #2f7d32)\">Looplab</text>\
<text x=\"40\" y=\"86\" font-size=\"30\" font-weight=\"700\" fill=\"var(--ink, #1d2330)\">{}</text>",
        escape_xml(&clip(title, 64))
    ));

    // The code, on its own ground.
    let (code_x, code_y, code_width) = (40.0, 112.0, 500.0);
    let lines: Vec<&str> = code.lines().collect();
    let shown = lines.len().min(CODE_LINES);
    out.push_str(&format!(
        "<rect x=\"{code_x}\" y=\"{code_y}\" width=\"{code_width}\" height=\"{}\" rx=\"8\" fill=\"var(--code-bg, #f3f5f8)\"/><g class=\"code\" fill=\"var(--ink, #1d2330)\">",
        HEIGHT - code_y - 56.0
    ));
    for (index, line) in lines.iter().take(shown).enumerate() {
        let text = if index + 1 == shown && lines.len() > shown { "…".to_string() } else { clip(&line.replace('\t', "  "), CODE_COLUMNS) };
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" xml:space=\"preserve\">{}</text>",
            code_x + 14.0,
            code_y + 26.0 + index as f64 * 20.0,
            escape_xml(&text)
        ));
    }
    out.push_str("</g>");

    // The run's timeline at the whole run's scale.
    let (plot_x, plot_y, label_width) = (580.0, 112.0, 120.0);
    let plot_width = WIDTH - 40.0 - plot_x - label_width;
    let rows: Vec<_> = tracks.tracks.iter().filter(|track| !track.spans.is_empty()).collect();
    out.push_str(&format!(
        "<text x=\"{plot_x}\" y=\"{}\" font-size=\"15\" fill=\"var(--muted, #5d6678)\">The run's timeline, 0 – {}</text>",
        plot_y + 14.0,
        format_ms(tracks.end_us)
    ));
    let row_height = ((HEIGHT - plot_y - 100.0) / rows.len().clamp(1, TRACKS_MAX) as f64).clamp(12.0, 30.0);
    let us_per_px = tracks.end_us.max(1) as f64 / plot_width;
    for (row, track) in rows.iter().take(TRACKS_MAX).enumerate() {
        let y = plot_y + 32.0 + row as f64 * row_height;
        out.push_str(&format!(
            "<text class=\"tk-track\" x=\"{plot_x}\" y=\"{}\" font-size=\"12\" fill=\"var(--muted, #5d6678)\">{}</text>",
            y + row_height * 0.62,
            escape_xml(&clip(&track.name, 16))
        ));
        for mark in marks(track, 0, tracks.end_us, us_per_px) {
            let (start_us, end_us, kind, many) = match mark {
                Mark::One(span) => (span.start_us, span.end_us, span.kind, false),
                Mark::Many { start_us, end_us, first, .. } => (start_us, end_us, first.kind, true),
            };
            let x = plot_x + label_width + start_us as f64 / us_per_px;
            let width = ((end_us - start_us) as f64 / us_per_px).max(1.0);
            out.push_str(&format!(
                "<rect class=\"tk {}{}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"{:.1}\"/>",
                kind.class(),
                if many { " tk-many" } else { "" },
                y + 2.0,
                row_height - 4.0
            ));
        }
    }
    if rows.len() > TRACKS_MAX {
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"var(--muted, #5d6678)\">and {} more tracks</text>",
            plot_x + label_width,
            plot_y + 32.0 + TRACKS_MAX as f64 * row_height + 14.0,
            rows.len() - TRACKS_MAX
        ));
    }
    out.push_str(&format!(
        "<text x=\"40\" y=\"{}\" font-size=\"15\" fill=\"var(--muted, #5d6678)\">Node.js's event loop, simulated in the browser. Open the live scenario to run it.</text></svg>",
        HEIGHT - 24.0
    ));
    out
}

/// The poster's file name beside a post (`looplab-<title>-poster.svg`): the
/// name the embed snippets point at, so a saved poster needs no renaming.
pub fn file_name(title: &str, extension: &str) -> String {
    format!("{}-poster.{extension}", crate::export::file_stem(title))
}

fn clip(text: &str, characters: usize) -> String {
    if text.chars().count() <= characters {
        return text.to_string();
    }
    text.chars().take(characters - 1).chain(['…']).collect()
}

fn format_ms(t_us: u64) -> String {
    if t_us >= 1_000_000 {
        format!("{:.2} s", t_us as f64 / 1e6)
    } else {
        format!("{:.1} ms", t_us as f64 / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::tests::loaded;
    use crate::state::Knobs;

    #[test]
    fn a_poster_holds_the_title_the_code_and_the_runs_timeline() {
        let state = loaded("pbkdf2-waves-pool-4", Knobs::default());
        let picture = svg("pbkdf2 <waves> & pool", &state.source, &state.tracks, "");
        assert!(picture.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(picture.contains("pbkdf2 &lt;waves&gt; &amp; pool"), "the title, escaped");
        let first_line = state.source.lines().next().unwrap_or_default();
        assert!(picture.contains(&escape_xml(&clip(first_line, CODE_COLUMNS))), "the code's first line");
        // Two waves of four on the pool's tracks: eight pool jobs drawn.
        let pool_jobs = picture.matches("class=\"tk tk-pool\"").count() + picture.matches("class=\"tk tk-pool tk-many\"").count();
        assert!(pool_jobs >= 8, "{pool_jobs} pool marks");
        // Every tag it opens, it closes (the browser parses it as XML).
        assert_eq!(picture.matches("<text").count(), picture.matches("</text>").count());
        assert!(picture.len() < 40_000, "small enough to host: {} bytes", picture.len());
    }

    #[test]
    fn a_run_of_many_requests_stays_a_small_picture() {
        let state = loaded("idle-connections", Knobs::default());
        let picture = svg("Many", &state.source, &state.tracks, "");
        assert!(picture.len() < 60_000, "{} bytes", picture.len());
        assert_eq!(file_name("fs.readFile does not block", "svg"), "looplab-fs-readfile-does-not-block-poster.svg");
    }
}
