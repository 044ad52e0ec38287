//! Scenario settings written in the scenario's own text, so a share link, a
//! test file and the editor hold one thing. Directives are line comments
//! anywhere in the file:
//!
//! ```text
//! // @looplab file /some/big/file.txt 2MiB    a virtual file and its size
//! // @looplab pool 8                          UV_THREADPOOL_SIZE
//! // @looplab cores 2                         CPU cores
//! // @looplab seed 42                         the run's seed
//! // @looplab db 50ms                         round trip of the simulated database
//! // @looplab cpu-speed 2x                     CPU speed against the measured machine (10% to 10x)
//! // @looplab module heavy-calc.js             the lines below are another file
//! // @looplab load open rate=100/s duration=5s  clients (see crate::load)
//! // @looplab cost pbkdf2 exp(100ms)           a cost drawn per call
//! // @looplab server thread-per-request threads=200 stack=1MiB   a blocking server instead
//! ```
//!
//! Real Node ignores them (they are comments), so the same file runs there.

use crate::fs::VirtualFs;
use crate::load::{ClientGroup, Dist, Workload};
use crate::sim::Settings;

/// A directive that could not be read, with its 1-based line.
/// A step of a walkthrough (`// @looplab step [at=TIME | line=N] TEXT`):
/// playback stops at its moment and shows its text until the reader goes
/// on. With neither, it belongs to the next line of code below it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepDirective {
    pub at: StepAt,
    pub text: String,
}

/// Where a step stops playback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepAt {
    /// When the virtual clock reaches this time, µs.
    Time(u64),
    /// When a callback running the function on this line starts.
    Line(u32),
    /// The next line of code below the directive.
    NextLine,
}

/// Reads what follows `step` in a step directive.
pub fn parse_step(rest: &str) -> Result<StepDirective, String> {
    let rest = rest.trim();
    let (first, text) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let (at, text) = if let Some(time) = first.strip_prefix("at=") {
        let us = crate::load::parse_time_us(time)?;
        (StepAt::Time(us.round() as u64), text)
    } else if let Some(line) = first.strip_prefix("line=") {
        let line: u32 = line.parse().ok().filter(|line| *line > 0).ok_or_else(|| format!("'{line}' is not a line number"))?;
        (StepAt::Line(line), text)
    } else {
        (StepAt::NextLine, rest)
    };
    let text = text.trim();
    if text.is_empty() {
        return Err("expected: // @looplab step [at=50ms | line=12] what the reader should notice".to_string());
    }
    Ok(StepDirective { at, text: text.to_string() })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectiveError {
    pub line: u32,
    pub message: String,
}

/// Applies a source's directives to settings, a file system and a workload.
pub fn apply(source: &str, settings: &mut Settings, fs: &mut VirtualFs, workload: &mut Workload) -> Vec<DirectiveError> {
    let mut errors = Vec::new();
    for (index, text) in source.lines().enumerate() {
        let Some(rest) = text.trim_start().strip_prefix("// @looplab") else {
            continue;
        };
        let line = index as u32 + 1;
        let words: Vec<&str> = rest.split_whitespace().collect();
        let number = |word: Option<&&str>, max: u64| -> Result<u64, String> {
            let word = word.ok_or("a number is missing")?;
            let value: u64 = word.replace('_', "").parse().map_err(|_| format!("'{word}' is not a whole number"))?;
            if value == 0 || value > max {
                return Err(format!("{value} is out of range (1 to {max})"));
            }
            Ok(value)
        };
        let result = match words.first().copied() {
            Some("file") => match (words.get(1), words.get(2)) {
                (Some(path), Some(size)) => parse_size(size).map(|bytes| {
                    fs.files.insert((*path).to_string(), bytes);
                }),
                _ => Err("expected: // @looplab file PATH SIZE (for example 2MiB)".to_string()),
            },
            Some("pool") => number(words.get(1), u64::from(crate::sim::POOL_SIZE_MAX)).map(|n| settings.pool_size = n as u32),
            Some("cores") => number(words.get(1), 1024).map(|n| settings.cores = n as u32),
            Some("seed") => {
                words.get(1).and_then(|word| word.parse().ok()).map(|seed| settings.seed = seed).ok_or_else(|| "expected: // @looplab seed NUMBER".to_string())
            }
            Some("db") => match words.get(1) {
                Some(duration) => parse_duration_us(duration).map(|us| settings.db_latency_us = us),
                None => Err("expected: // @looplab db LATENCY (for example 50ms)".to_string()),
            },
            Some("cpu-speed") => match words.get(1) {
                Some(speed) => parse_speed_percent(speed).map(|percent| settings.cpu_speed_percent = percent),
                None => Err("expected: // @looplab cpu-speed 2x (or 50%)".to_string()),
            },
            // The front end splits the text into files at these lines.
            Some("module") => match words.get(1) {
                Some(_) => Ok(()),
                None => Err("expected: // @looplab module NAME.js".to_string()),
            },
            Some("load") => ClientGroup::parse(&words[1..], line).map(|group| workload.groups.push(group)),
            Some("server") => match words.get(1).copied() {
                Some("thread-per-request") => {
                    crate::load::ThreadPerRequest::parse(&words[2..], parse_size).map(|server| workload.thread_per_request = Some(server))
                }
                Some("event-loop") => {
                    workload.thread_per_request = None;
                    Ok(())
                }
                _ => Err("expected: // @looplab server event-loop, or server thread-per-request threads=200 stack=1MiB".to_string()),
            },
            Some("cost") => match (words.get(1), words.get(2)) {
                (Some(name), Some(dist)) if crate::load::COST_NAMES.contains(name) => {
                    Dist::parse(dist).map(|dist| workload.costs.push((name.to_string(), dist)))
                }
                (Some(name), Some(_)) => Err(format!("no cost named '{name}' (known: {})", crate::load::COST_NAMES.join(", "))),
                _ => Err("expected: // @looplab cost NAME DISTRIBUTION (for example: cost pbkdf2 exp(100ms))".to_string()),
            },
            // A walkthrough's step: the page's, not the run's.
            Some("step") => parse_step(rest.trim_start().trim_start_matches("step")).map(|_| ()),
            Some(other) => Err(format!("unknown directive '{other}' (known: file, pool, cores, seed, db, cpu-speed, load, cost, server, module, step)")),
            None => Err("an empty @looplab directive".to_string()),
        };
        if let Err(message) = result {
            errors.push(DirectiveError { line, message });
        }
    }
    errors
}

/// `2x`, `0.5x` or `150%`: a CPU speed in percent of the measured machine.
fn parse_speed_percent(text: &str) -> Result<u32, String> {
    let percent = if let Some(times) = text.strip_suffix('x') {
        times.parse::<f64>().map(|times| times * 100.0)
    } else if let Some(percent) = text.strip_suffix('%') {
        percent.parse::<f64>()
    } else {
        return Err(format!("'{text}' is not a speed such as 2x or 50%"));
    }
    .map_err(|_| format!("'{text}' is not a speed such as 2x or 50%"))?;
    let range = crate::sim::CPU_SPEED_PERCENT_RANGE;
    if !percent.is_finite() || percent < f64::from(*range.start()) || percent > f64::from(*range.end()) {
        return Err(format!("a CPU speed of {text} is out of range (0.1x to 10x)"));
    }
    Ok(percent.round() as u32)
}

/// Overrides as `key=value` (`pool=8`, `cores=2`, `seed=3`, `db=20ms`,
/// `cpu-speed=2x`, `server=…`, `load=…`), applied by appending directive
/// lines, so an override does exactly what the same line in the file would
/// (later lines win). `load=` also blanks the file's own load lines, keeping
/// every other line where it was so errors point at the right line.
pub fn apply_overrides(source: &str, overrides: &[String]) -> Result<String, String> {
    let mut text = source.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    for entry in overrides {
        let (key, value) = entry.split_once('=').ok_or_else(|| format!("--set {entry}: expected key=value, as in --set pool=8"))?;
        match key {
            "pool" | "cores" | "seed" | "db" | "server" | "cpu-speed" => text.push_str(&format!("// @looplab {key} {value}\n")),
            "load" => {
                text =
                    text.lines().map(|line| if line.trim_start().starts_with("// @looplab load ") { "\n".to_string() } else { format!("{line}\n") }).collect();
                text.push_str(&format!("// @looplab load {value}\n"));
            }
            _ => return Err(format!("--set {key}: unknown setting (use pool, cores, seed, db, cpu-speed, server or load)")),
        }
    }
    Ok(text)
}

/// `250us`, `50ms`, `2s` (see [`crate::load::parse_time_us`]), whole µs.
fn parse_duration_us(text: &str) -> Result<u64, String> {
    crate::load::parse_time_us(text).map(|us| us.round() as u64)
}

/// `512`, `4KiB`, `2MiB`, `1GiB`, `10MB`, `64B`.
fn parse_size(text: &str) -> Result<u64, String> {
    let split = text.find(|c: char| !c.is_ascii_digit() && c != '_').unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let value: u64 = digits.replace('_', "").parse().map_err(|_| format!("'{text}' is not a size such as 2MiB"))?;
    let multiplier: u64 = match unit {
        "" | "B" => 1,
        "KiB" => 1024,
        "MiB" => 1024 * 1024,
        "GiB" => 1024 * 1024 * 1024,
        "KB" | "kB" => 1000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        _ => return Err(format!("unknown size unit '{unit}' (use B, KiB, MiB, GiB, KB, MB, GB)")),
    };
    let bytes = value.checked_mul(multiplier).ok_or_else(|| format!("'{text}' is too large"))?;
    // A virtual file is only a size, but keep sizes sane.
    if bytes > 1 << 40 {
        return Err(format!("'{text}' is larger than the 1 TiB Looplab allows"));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_set_files_and_settings() {
        let source = "// @looplab file /a.txt 2MiB\n// @looplab pool 8\nconsole.log(1);\n  // @looplab cores 2\n// @looplab db 20ms\n";
        let (mut settings, mut fs) = (Settings::default(), VirtualFs::default());
        assert_eq!(apply(source, &mut settings, &mut fs, &mut Workload::default()), []);
        assert_eq!(fs.size_of("/a.txt"), Some(2 * 1024 * 1024));
        assert_eq!((settings.pool_size, settings.cores, settings.db_latency_us), (8, 2, 20_000));
    }

    #[test]
    fn cpu_speed_reads_times_and_percent() {
        assert_eq!(parse_speed_percent("2x"), Ok(200));
        assert_eq!(parse_speed_percent("0.5x"), Ok(50));
        assert_eq!(parse_speed_percent("150%"), Ok(150));
        assert!(parse_speed_percent("100x").is_err());
        assert!(parse_speed_percent("fast").is_err());
    }

    #[test]
    fn a_load_override_keeps_every_other_line_in_place() {
        let source = "a\n// @looplab load open rate=1/s amount=1\nb\n";
        let text = apply_overrides(source, &["load=burst count=3".to_string(), "pool=8".to_string()]).expect("valid");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[..3], ["a", "", "b"]);
        assert!(lines.contains(&"// @looplab load burst count=3") && lines.contains(&"// @looplab pool 8"));
        assert!(apply_overrides(source, &["colour=red".to_string()]).is_err());
    }

    #[test]
    fn bad_directives_say_what_and_where() {
        let source = "x\n// @looplab pool 0\n// @looplab file /a 3XB\n// @looplab frobnicate\n";
        let (mut settings, mut fs) = (Settings::default(), VirtualFs::default());
        let errors = apply(source, &mut settings, &mut fs, &mut Workload::default());
        assert_eq!(errors.iter().map(|error| error.line).collect::<Vec<_>>(), [2, 3, 4]);
        assert!(errors[0].message.contains("out of range"));
        assert!(errors[1].message.contains("unknown size unit"));
        assert!(errors[2].message.contains("unknown directive"));
    }
}
