//! Between the page's state and share links (`looplab-share`): what a link
//! carries, and the state a visit starts from when it opens one.

use crate::presets;
use crate::state::{AppState, CompareWith, Knobs, Notice, Pane, SPEEDS};
use looplab_share::{EmbedOptions, Link, LinkError, Scenario, ViewState};

/// The editor's text and preset as kept in local storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    pub source: String,
    pub preset_id: Option<String>,
    /// The text is a link's, unedited: not the person's own work, so a
    /// new link replaces it without setting it aside (that would push the
    /// person's real work out of the one place kept for it).
    pub from_link: bool,
}

/// What opening the page decided.
#[derive(Debug)]
pub struct Opening {
    pub state: AppState,
    /// The person's own text, set aside for a link's: keep it where
    /// "Restore" finds it.
    pub set_aside: Option<Saved>,
}

/// The scenario a share link carries for `state`.
pub fn scenario_of(state: &AppState) -> Scenario {
    let preset = state.preset_id.as_deref().and_then(presets::by_id);
    // The title costs nothing when it is the preset's own.
    let title = if preset.is_some_and(|preset| preset.title == state.title) { String::new() } else { state.title.clone() };
    Scenario {
        title,
        code: state.source.clone(),
        preset: state.preset_id.clone(),
        overrides: state.knobs.overrides(),
        view: ViewState {
            pane: if state.pane == Pane::default() { String::new() } else { state.pane.key().to_string() },
            compare: state.compare_with.map(|with| with.key().to_string()),
            time_us: (state.clock_us > 0).then_some(state.clock_us),
        },
    }
}

fn saved_state(saved: Option<&Saved>) -> AppState {
    match saved {
        Some(saved) => {
            // Still the example as shipped, or the person's own text.
            let preset = presets::unedited(saved.preset_id.as_deref(), &saved.source);
            AppState::with_source(preset.map_or("Your code", |preset| preset.title), &saved.source, preset.map(|preset| preset.id))
        }
        None => AppState::default(),
    }
}

fn link_state(link: &Link) -> AppState {
    let scenario = &link.scenario;
    let preset = scenario.preset.as_deref().and_then(presets::by_id);
    let title = match (&scenario.title, preset) {
        (title, _) if !title.is_empty() => title.clone(),
        (_, Some(preset)) => preset.title.to_string(),
        _ => "Shared code".to_string(),
    };
    let mut state = AppState::with_source(&title, &scenario.code, preset.map(|preset| preset.id));
    state.knobs = Knobs::from_overrides(&scenario.overrides);
    state.pane = Pane::from_key(&scenario.view.pane).unwrap_or_default();
    state.compare_with = scenario.view.compare.as_deref().and_then(CompareWith::from_key);
    state.start_at_us = scenario.view.time_us;
    if let Some(embed) = &link.embed {
        state.start_at_us = embed.start_us.or(state.start_at_us);
        if let Some(speed) = embed.speed {
            state.choose_speed(nearest_speed_index(speed));
        }
    }
    // A click embed starts only when the reader pressed its Run (the boot
    // script's placeholder): it plays at once.
    state.embed = link.embed.clone().map(|embed| EmbedOptions { autoplay: embed.autoplay || embed.click, ..embed });
    state.present = link.present;
    state.predict_wanted = link.predict.clone();
    state.link_source = Some(scenario.code.clone());
    state
}

fn nearest_speed_index(speed: f64) -> usize {
    let distance = |candidate: f64| (candidate.ln() - speed.ln()).abs();
    (0..SPEEDS.len()).min_by(|a, b| distance(SPEEDS[*a]).total_cmp(&distance(SPEEDS[*b]))).unwrap_or(0)
}

/// The state a visit starts from: a link's scenario when the address has
/// one (the person's own text is set aside, never lost), else the text
/// left last time, else the first preset. A broken link says why and opens
/// the person's own text.
pub fn open(fragment: Option<&str>, saved: Option<Saved>) -> Opening {
    let fragment = fragment.map(|fragment| fragment.trim_start_matches('#')).filter(|fragment| !fragment.is_empty());
    let Some(fragment) = fragment else {
        return Opening { state: saved_state(saved.as_ref()), set_aside: None };
    };
    match looplab_share::decode(fragment) {
        Ok(link) => {
            let mut state = link_state(&link);
            // An embed shows the link and touches nothing of the reader's.
            let own = saved.filter(|saved| link.embed.is_none() && !saved.from_link && saved.source != state.source);
            if own.is_some() {
                state.notice = Some(Notice {
                    text: "You opened a shared scenario. Your own code was set aside, not lost.".to_string(),
                    offers_restore: true,
                    offers_link: false,
                });
            }
            Opening { state, set_aside: own }
        }
        Err(LinkError(message)) => {
            let mut state = saved_state(saved.as_ref());
            state.notice = Some(Notice {
                text: format!("This link could not be opened: {message}. Your own code is shown instead."),
                offers_restore: false,
                offers_link: false,
            });
            Opening { state, set_aside: None }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Action, Knob};

    fn saved(source: &str) -> Option<Saved> {
        Some(Saved { source: source.to_string(), preset_id: None, from_link: false })
    }

    #[test]
    fn a_state_survives_its_own_link() {
        let mut state = AppState::default()
            .apply(Action::LoadPreset("pbkdf2-waves-pool-4".into()))
            .apply(Action::SetKnob(Knob::Pool(Some(8))))
            .apply(Action::SetKnob(Knob::CpuSpeed(Some(50))))
            .apply(Action::SetKnob(Knob::Load(Some("open rate=5/s".into()))))
            .apply(Action::SetCompare(Some(CompareWith::Pair)))
            .apply(Action::ShowPane(Pane::Code));
        state.source.push_str("\nconsole.log('mine');\n");
        let fragment = looplab_share::encode(&scenario_of(&state));
        let opened = open(Some(&format!("#{fragment}")), None).state;
        assert_eq!(opened.source, state.source);
        assert_eq!(opened.title, state.title);
        assert_eq!(opened.preset_id, state.preset_id);
        assert_eq!(opened.knobs, state.knobs);
        assert_eq!(opened.compare_with, state.compare_with);
        assert_eq!(opened.pane, Pane::Code);
        assert_eq!(opened.notice, None);
    }

    #[test]
    fn a_link_sets_the_own_code_aside_and_restore_brings_it_back() {
        let link = looplab_share::encode(&Scenario { code: "console.log('theirs');\n".into(), ..Scenario::default() });
        let opening = open(Some(&link), saved("console.log('mine');\n"));
        assert_eq!(opening.state.source, "console.log('theirs');\n");
        assert_eq!(opening.set_aside, saved("console.log('mine');\n"));
        assert!(opening.state.notice.as_ref().is_some_and(|notice| notice.offers_restore));
        let restored = opening.state.apply(Action::RestoreOwn { source: "console.log('mine');\n".into(), preset_id: None });
        assert_eq!(restored.source, "console.log('mine');\n");
        assert_eq!(restored.notice, None);
        // The same text as saved: nothing to set aside.
        let same = open(Some(&link), saved("console.log('theirs');\n"));
        assert_eq!(same.set_aside, None);
        assert_eq!(same.state.notice, None);
        // Another link's unedited code is not the person's work: the one
        // set aside before stays where it is.
        let previous = Some(Saved { source: "console.log('an earlier link');\n".into(), preset_id: None, from_link: true });
        assert_eq!(open(Some(&link), previous).set_aside, None);
    }

    #[test]
    fn a_broken_link_opens_the_own_code_with_a_message() {
        for broken in ["#s=1.%%%", "#s=1.q1YqULJSKkpNTEnLzEnVzcwrKcp", "#s=7.AAAA", "#nonsense", "#s=1."] {
            let opening = open(Some(broken), saved("console.log('mine');\n"));
            assert_eq!(opening.state.source, "console.log('mine');\n", "{broken}");
            assert_eq!(opening.set_aside, None);
            let notice = opening.state.notice.expect("a notice");
            assert!(notice.text.starts_with("This link could not be opened: the link"), "{broken}: {}", notice.text);
        }
        // No fragment: the saved text, no notice.
        assert_eq!(open(Some("#"), saved("x")).state.notice, None);
    }

    #[test]
    fn an_authors_step_plays_in_an_embed() {
        let scenario = Scenario {
            title: "Mine".into(),
            code: "// @looplab step at=0ms Watch the timer.\nsetTimeout(() => console.log('timeout'), 0);\n".into(),
            ..Scenario::default()
        };
        let options = EmbedOptions { autoplay: true, ..EmbedOptions::default() };
        let opening = open(Some(&looplab_share::encode_embed(&scenario, &options)), saved("mine"));
        // On screen before the run finishes, and after.
        for visible_first in [true, false] {
            let mut state = opening.state.clone();
            if visible_first {
                state = state.apply(Action::Visible(true));
            }
            state = crate::state::tests::run_to_finish(state);
            assert_eq!(state.walkthrough.len(), 1, "run source: {:?}", state.run_source);
            state = state.apply(Action::Visible(true));
            for _ in 0..10 {
                state = state.apply(Action::Tick { real_ms: 16.0 });
            }
            assert_eq!(state.step_shown, Some(0), "visible first: {visible_first}");
        }
    }

    #[test]
    fn an_embed_plays_loops_and_pauses_off_screen() {
        let scenario = Scenario {
            preset: Some("readfile-intro".into()),
            code: presets::by_id("readfile-intro").map(|preset| preset.source.to_string()).unwrap_or_default(),
            ..Scenario::default()
        };
        let options = EmbedOptions { autoplay: true, looped: true, speed: Some(1.0), ..EmbedOptions::default() };
        let opening = open(Some(&looplab_share::encode_embed(&scenario, &options)), saved("mine"));
        assert_eq!(opening.set_aside, None, "an embed never touches the reader's code");
        let mut state = opening.state.apply(Action::Visible(false));
        assert_eq!(SPEEDS[state.speed_index], 1.0);
        state = crate::state::tests::run_to_finish(state);
        assert!(!state.playing, "off screen: waits");
        state = state.apply(Action::Visible(true));
        assert!(state.playing, "on screen: autoplay");
        for _ in 0..2000 {
            // The preset's walkthrough waits for the reader at each step.
            if state.step_shown.is_some() {
                state = state.apply(Action::ContinueStep);
            }
            state = state.apply(Action::Tick { real_ms: 16.0 });
        }
        assert!(state.playing || state.step_shown.is_some(), "loops");
        state = state.apply(Action::Visible(false));
        assert!(!state.playing);
    }

    #[test]
    fn a_click_embed_plays_once_run_and_pauses_when_another_embed_plays() {
        let scenario = Scenario { title: "Mine".into(), code: "setTimeout(() => console.log('a'), 5);\n".into(), ..Scenario::default() };
        let options = EmbedOptions { click: true, ..EmbedOptions::default() };
        let opening = open(Some(&looplab_share::encode_embed(&scenario, &options)), saved("mine"));
        // The UI starts only after the reader pressed the placeholder's Run.
        let mut state = crate::state::tests::run_to_finish(opening.state.apply(Action::Visible(true)));
        assert!(state.playing, "Run pressed: it plays");
        // Another embed on the page started playing: this one pauses, and
        // does not resume when scrolled back into view.
        state = state.apply(Action::Pause).apply(Action::Visible(false)).apply(Action::Visible(true));
        assert!(!state.playing);
    }

    #[test]
    fn a_prediction_link_lays_out_the_lines_in_its_order_and_waits_for_check() {
        let code = "setTimeout(() => console.log('timeout'), 0);\nprocess.nextTick(() => console.log('tick'));\nconsole.log('sync');\n";
        let scenario = Scenario { title: "Order".into(), code: code.into(), ..Scenario::default() };
        let fragment = format!(
            "{}{}",
            looplab_share::mode_items(false, Some(&[2, 1, 0])),
            looplab_share::encode_embed(&scenario, &EmbedOptions { autoplay: true, ..EmbedOptions::default() })
        );
        let state = crate::state::tests::run_to_finish(open(Some(&fragment), saved("mine")).state.apply(Action::Visible(true)));
        let prediction = state.predict.clone().expect("predicting");
        assert_eq!(prediction.order, [2, 1, 0]);
        assert_eq!(prediction.lines.iter().map(|line| line.text.as_str()).collect::<Vec<_>>(), ["sync", "tick", "timeout"]);
        assert!(!state.playing, "an autoplay embed waits for the prediction");
        let checked = state.apply(Action::PredictCheck);
        assert!(checked.playing && checked.cursor == 0);
        assert_eq!(checked.predict.map(|prediction| prediction.right_count()), Some(1));
    }

    #[test]
    fn a_presentation_link_opens_in_presentation_mode() {
        let scenario = Scenario { title: "Talk".into(), code: "console.log(1);\n".into(), ..Scenario::default() };
        let opening = open(Some(&format!("present&{}", looplab_share::encode(&scenario))), saved("mine"));
        assert!(opening.state.present && opening.state.embed.is_none());
        assert!(!open(Some(&looplab_share::encode(&scenario)), saved("mine")).state.present);
    }
}
