//! The preset gallery: every example from the seed articles, each a file in
//! `www/scenarios/` (the same files the native tests run), with a title and
//! a one-line description. A test checks that no file is left out.

/// A preset scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub source: &'static str,
    /// Another preset that differs in one idea, for the compare view.
    pub pair: Option<&'static str>,
}

macro_rules! preset {
    ($id:literal, $title:literal, $description:literal, $pair:expr) => {
        Preset { id: $id, title: $title, description: $description, source: include_str!(concat!("../../../www/scenarios/", $id, ".js")), pair: $pair }
    };
}

/// Gallery order: from one callback to a server under load.
pub const PRESETS: &[Preset] = &[
    preset!("readfile-intro", "fs.readFile does not block", "The main thread logs twice while the pool reads the file; the callback comes last.", None),
    preset!("express-three-requests", "Three requests, one thread", "Express awaits a 50 ms database call three times at once: the three waits overlap.", None),
    preset!("chef-one-cook", "One cook, many dishes", "The chef analogy: one main thread keeps thirty orders in progress.", None),
    preset!("heavy-blocks-fast", "/heavy blocks /fast", "A CPU loop on the main thread makes every other request wait for it.", Some("heavy-in-worker")),
    preset!("heavy-in-worker", "/heavy in a worker", "The same loop moved to a worker_threads Worker: the main thread stays free.", Some("heavy-blocks-fast")),
    preset!(
        "stall-on-main-thread",
        "A 200 ms stall under load",
        "Steady /fast requests and one /heavy: every /fast that arrives meanwhile waits.",
        Some("stall-moved-to-worker")
    ),
    preset!(
        "stall-moved-to-worker",
        "The stall moved to a worker",
        "The same load with /heavy's CPU work in a Worker: /fast stays fast.",
        Some("stall-on-main-thread")
    ),
    preset!("pbkdf2-waves-pool-4", "pbkdf2 waves, pool of 4", "Eight hashes on four pool threads finish in two waves.", Some("pbkdf2-waves-pool-8")),
    preset!("pbkdf2-waves-pool-8", "pbkdf2 waves, pool of 8", "UV_THREADPOOL_SIZE=8: the same eight hashes in one wave.", Some("pbkdf2-waves-pool-4")),
    preset!("file-server-pool-4", "File server, pool of 4", "Big file reads per request: the pool, not the disk, sets the pace.", Some("file-server-pool-8")),
    preset!("file-server-pool-8", "File server, pool of 8", "The same reads with eight pool threads: requests wait less.", Some("file-server-pool-4")),
    preset!("handler-readfile", "Handler with readFile", "Each request reads a config file without blocking the main thread.", Some("handler-readfilesync")),
    preset!("handler-readfilesync", "Handler with readFileSync", "The same read done synchronously: every other request waits.", Some("handler-readfile")),
    preset!("dns-lookup-starves-fs", "dns.lookup starves fs", "Slow lookups fill the pool, so an unrelated small file read waits behind them.", None),
    preset!("idle-connections", "10,000 idle connections", "Mostly idle clients on one Node thread: memory grows a few KiB per connection.", None),
    preset!("pool-queue-erlang-c", "The pool as a queue (M/M/4)", "Poisson arrivals, exponential jobs: the mean wait matches the Erlang C formula.", None),
];

/// Every preset's walkthrough (`www/scenarios/<id>.steps`: lines of
/// `// @looplab step at=… | line=…`). Kept beside the code, not in it, so a
/// preset's text stays the one share links are diffed against (the
/// frozen copies in looplab-share); they play while the code is the
/// preset's own. An author's steps go in the code and travel in links.
const WALKTHROUGHS: &[(&str, &str)] = &[
    ("readfile-intro", include_str!("../../../www/scenarios/readfile-intro.steps")),
    ("express-three-requests", include_str!("../../../www/scenarios/express-three-requests.steps")),
    ("stall-on-main-thread", include_str!("../../../www/scenarios/stall-on-main-thread.steps")),
    ("chef-one-cook", include_str!("../../../www/scenarios/chef-one-cook.steps")),
    ("heavy-blocks-fast", include_str!("../../../www/scenarios/heavy-blocks-fast.steps")),
    ("heavy-in-worker", include_str!("../../../www/scenarios/heavy-in-worker.steps")),
    ("pbkdf2-waves-pool-4", include_str!("../../../www/scenarios/pbkdf2-waves-pool-4.steps")),
    ("pbkdf2-waves-pool-8", include_str!("../../../www/scenarios/pbkdf2-waves-pool-8.steps")),
    ("stall-moved-to-worker", include_str!("../../../www/scenarios/stall-moved-to-worker.steps")),
    ("handler-readfile", include_str!("../../../www/scenarios/handler-readfile.steps")),
    ("dns-lookup-starves-fs", include_str!("../../../www/scenarios/dns-lookup-starves-fs.steps")),
    ("file-server-pool-4", include_str!("../../../www/scenarios/file-server-pool-4.steps")),
    ("file-server-pool-8", include_str!("../../../www/scenarios/file-server-pool-8.steps")),
    ("handler-readfilesync", include_str!("../../../www/scenarios/handler-readfilesync.steps")),
    ("idle-connections", include_str!("../../../www/scenarios/idle-connections.steps")),
    ("pool-queue-erlang-c", include_str!("../../../www/scenarios/pool-queue-erlang-c.steps")),
];

/// A preset's own walkthrough, as step directives ('' when it has none).
pub fn walkthrough_of(id: &str) -> &'static str {
    WALKTHROUGHS.iter().find(|(preset, _)| *preset == id).map_or("", |(_, steps)| steps)
}

pub fn by_id(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|preset| preset.id == id)
}

/// The preset `id` names, if `source` is still its text as shipped (kept or
/// restored text that was edited is the person's own code).
pub fn unedited(id: Option<&str>, source: &str) -> Option<&'static Preset> {
    id.and_then(by_id).filter(|preset| preset.source == source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_file_is_in_the_gallery_once() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../www/scenarios");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .expect("www/scenarios")
            .filter_map(|entry| entry.ok()?.file_name().to_str()?.strip_suffix(".js").map(str::to_string))
            .collect();
        files.sort();
        let mut ids: Vec<String> = PRESETS.iter().map(|preset| preset.id.to_string()).collect();
        ids.sort();
        assert_eq!(ids, files);
    }

    #[test]
    fn pairs_point_both_ways() {
        for preset in PRESETS {
            if let Some(pair) = preset.pair {
                assert_eq!(by_id(pair).and_then(|other| other.pair), Some(preset.id), "{}", preset.id);
            }
        }
    }
}
