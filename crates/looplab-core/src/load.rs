//! The clients that hit a scenario's server, and the costs it draws.
//!
//! A scenario declares its load in its own text, one `@looplab load` line
//! per group of clients, so the editor, a share link and a test file hold
//! one thing:
//!
//! ```text
//! // @looplab load closed connections=50 amount=10000 think=exp(5ms) path=/
//! // @looplab load open rate=200/s duration=10s arrivals=poisson paths=/fast:9,/heavy:1
//! // @looplab load burst at=0ms count=3 path=/user/1
//! // @looplab cost pbkdf2 exp(100ms)     every pbkdf2 call draws its duration
//! // @looplab cost db uniform(20ms,80ms)  every db.* round trip draws its latency
//! ```
//!
//! - **closed** is autocannon's model: each connection sends a request,
//!   waits for the response, thinks, and sends the next (pipelining 1),
//!   until the group has sent `amount` requests or `duration` has passed.
//!   All connections open at once, or evenly over `ramp`.
//! - **open** sends at `rate` whatever the server does: evenly spaced, or
//!   with Poisson arrivals (exponential gaps), until `amount` or `duration`.
//! - **burst** sends `count` requests at once, `at` after the server listens.
//!
//! Times count from the moment the target server starts listening. Every
//! random draw comes from the run's one seeded generator, so the same
//! scenario and seed give the same run.

use crate::rng::Rng;

/// A duration, constant or drawn from a distribution (all in µs).
#[derive(Clone, Debug, PartialEq)]
pub enum Dist {
    Const(u64),
    Exp { mean_us: f64 },
    Uniform { low_us: f64, high_us: f64 },
    Normal { mean_us: f64, sd_us: f64 },
    LogNormal { mean_us: f64, sd_us: f64 },
}

impl Dist {
    /// `50ms`, `exp(50ms)`, `uniform(10ms,90ms)`, `normal(50ms,5ms)`,
    /// `lognormal(50ms,20ms)` (the last two by mean and standard deviation).
    pub fn parse(text: &str) -> Result<Dist, String> {
        let Some((name, rest)) = text.split_once('(') else {
            return parse_time_us(text).map(|us| Dist::Const(us.round() as u64));
        };
        let inner = rest.strip_suffix(')').ok_or_else(|| format!("'{text}' is missing its closing parenthesis"))?;
        let values: Vec<f64> = inner.split(',').map(|part| parse_time_us(part.trim())).collect::<Result<_, _>>()?;
        let dist = match (name, values.as_slice()) {
            ("exp", [mean]) => Dist::Exp { mean_us: *mean },
            ("uniform", [low, high]) if low <= high => Dist::Uniform { low_us: *low, high_us: *high },
            ("uniform", [_, _]) => return Err(format!("'{text}': the low end is above the high end")),
            ("normal", [mean, sd]) => Dist::Normal { mean_us: *mean, sd_us: *sd },
            ("lognormal", [mean, sd]) if *mean > 0.0 => Dist::LogNormal { mean_us: *mean, sd_us: *sd },
            ("exp" | "uniform" | "normal" | "lognormal" | "const", _) => {
                return Err(format!("'{text}': exp takes a mean; uniform a low and a high; normal and lognormal a mean and a standard deviation"))
            }
            _ => return Err(format!("unknown distribution '{name}' (use exp, uniform, normal or lognormal)")),
        };
        Ok(dist)
    }

    /// One draw, in whole µs (never negative).
    pub fn sample_us(&self, rng: &mut Rng) -> u64 {
        let value = match self {
            Dist::Const(us) => return *us,
            // Inversion: -mean·ln(U) with U in (0, 1].
            Dist::Exp { mean_us } => -mean_us * (1.0 - unit(rng)).ln(),
            Dist::Uniform { low_us, high_us } => low_us + (high_us - low_us) * unit(rng),
            Dist::Normal { mean_us, sd_us } => mean_us + sd_us * standard_normal(rng),
            Dist::LogNormal { mean_us, sd_us } => {
                // The underlying normal's parameters from the mean and sd.
                let variance = (1.0 + (sd_us / mean_us).powi(2)).ln();
                let mu = mean_us.ln() - variance / 2.0;
                (mu + variance.sqrt() * standard_normal(rng)).exp()
            }
        };
        value.max(0.0).round() as u64
    }

    pub fn mean_us(&self) -> f64 {
        match self {
            Dist::Const(us) => *us as f64,
            Dist::Exp { mean_us } | Dist::Normal { mean_us, .. } | Dist::LogNormal { mean_us, .. } => *mean_us,
            Dist::Uniform { low_us, high_us } => (low_us + high_us) / 2.0,
        }
    }
}

/// A number in `[0, 1)`.
fn unit(rng: &mut Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Box–Muller (one of the pair).
fn standard_normal(rng: &mut Rng) -> f64 {
    let u1 = 1.0 - unit(rng);
    let u2 = unit(rng);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// `250us`, `0.5ms`, `2s` → µs.
pub fn parse_time_us(text: &str) -> Result<f64, String> {
    let split = text.find(|c: char| !c.is_ascii_digit() && c != '_' && c != '.').unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let value: f64 = digits.replace('_', "").parse().map_err(|_| format!("'{text}' is not a duration such as 50ms"))?;
    let multiplier = match unit {
        "us" | "µs" => 1.0,
        "ms" => 1000.0,
        "s" => 1_000_000.0,
        _ => return Err(format!("'{text}': unknown duration unit '{unit}' (use us, ms or s)")),
    };
    let us = value * multiplier;
    if !(0.0..=3_600_000_000.0).contains(&us) {
        return Err(format!("'{text}' is longer than the hour Looplab allows"));
    }
    Ok(us)
}

#[derive(Clone, Debug, PartialEq)]
pub enum Model {
    /// `ramp_us`: the connections open evenly over this time, not at once.
    Closed {
        connections: u32,
        think: Dist,
        ramp_us: u64,
    },
    Open {
        gap: Dist,
    },
    Burst {
        at_us: u64,
        count: u64,
    },
}

/// One `@looplab load` line.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientGroup {
    pub model: Model,
    /// Requests the group sends at most.
    pub amount: Option<u64>,
    /// How long after the server listens the group keeps sending.
    pub duration_us: Option<u64>,
    /// Paths with weights: a request picks one at random by weight.
    pub paths: Vec<(String, u32)>,
    pub method: String,
    /// The port the clients connect to; `None`: the first server that listens.
    pub port: Option<u16>,
    pub line: u32,
}

/// The most requests one run may send (the page keeps every request's
/// times; the CLI's benchmarks stay below it too).
pub const REQUESTS_MAX: u64 = 20_000_000;

/// The most connections a closed group may hold, and the largest burst:
/// each request in flight costs the simulator a few KiB.
pub const CONNECTIONS_MAX: u32 = 100_000;

/// Requests in flight at once beyond which a run stops: the server cannot
/// keep up, and the simulator's memory would grow without bound.
pub const IN_FLIGHT_MAX: u64 = 200_000;

impl ClientGroup {
    /// Parses the words after `@looplab load`.
    pub fn parse(words: &[&str], line: u32) -> Result<ClientGroup, String> {
        let kind = words.first().copied().ok_or("expected: // @looplab load closed|open|burst key=value…")?;
        let mut keys: Vec<(&str, &str)> = Vec::new();
        let mut flags: Vec<&str> = Vec::new();
        for word in &words[1..] {
            match word.split_once('=') {
                Some(pair) => keys.push(pair),
                None => flags.push(word),
            }
        }
        let get = |key: &str| keys.iter().rev().find(|(name, _)| *name == key).map(|(_, value)| *value);
        let known: &[&str] = match kind {
            "closed" => &["connections", "amount", "duration", "think", "ramp", "pipelining"],
            "open" => &["rate", "arrivals", "amount", "duration"],
            "burst" => &["at", "count"],
            other => return Err(format!("unknown load model '{other}' (use closed, open or burst)")),
        };
        for (name, _) in &keys {
            if !known.contains(name) && !["path", "paths", "method", "port"].contains(name) {
                return Err(format!("'{name}' is not a setting of {kind} load (its settings: {}, path, paths, method, port)", known.join(", ")));
            }
        }
        if let Some(flag) = flags.first() {
            return Err(format!("'{flag}' needs a value, as in key=value"));
        }
        let whole = |key: &str, max: u64| -> Result<Option<u64>, String> {
            match get(key) {
                None => Ok(None),
                Some(text) => {
                    let value: u64 = text.replace('_', "").parse().map_err(|_| format!("{key}={text}: not a whole number"))?;
                    if value == 0 || value > max {
                        return Err(format!("{key}={value} is out of range (1 to {max})"));
                    }
                    Ok(Some(value))
                }
            }
        };
        let amount = whole("amount", REQUESTS_MAX)?;
        let duration_us = get("duration").map(|text| parse_time_us(text).map(|us| us as u64)).transpose()?;
        let model = match kind {
            "closed" => {
                if get("pipelining").is_some_and(|value| value != "1") {
                    return Err("pipelining: only 1 is simulated (one request at a time per connection)".to_string());
                }
                let connections = whole("connections", u64::from(CONNECTIONS_MAX))?.unwrap_or(1) as u32;
                let think = get("think").map(Dist::parse).transpose()?.unwrap_or(Dist::Const(0));
                let ramp_us = get("ramp").map(parse_time_us).transpose()?.unwrap_or(0.0) as u64;
                Model::Closed { connections, think, ramp_us }
            }
            "open" => {
                let rate_text = get("rate").ok_or("open load needs rate=N/s")?;
                let number = rate_text.strip_suffix("/s").unwrap_or(rate_text);
                let rate: f64 = number.replace('_', "").parse().map_err(|_| format!("rate={rate_text}: expected a rate such as 200/s"))?;
                if !(rate > 0.0 && rate <= 10_000_000.0) {
                    return Err(format!("rate={rate_text} is out of range (above 0, at most 10000000/s)"));
                }
                let mean_us = 1_000_000.0 / rate;
                let gap = match get("arrivals").unwrap_or("constant") {
                    "poisson" => Dist::Exp { mean_us },
                    "constant" => Dist::Uniform { low_us: mean_us, high_us: mean_us },
                    other => return Err(format!("arrivals={other}: use poisson or constant")),
                };
                Model::Open { gap }
            }
            _ => {
                let at_us = get("at").map(parse_time_us).transpose()?.unwrap_or(0.0) as u64;
                let count = whole("count", u64::from(CONNECTIONS_MAX))?.unwrap_or(1);
                Model::Burst { at_us, count }
            }
        };
        if !matches!(model, Model::Burst { .. }) && amount.is_none() && duration_us.is_none() {
            return Err(format!("{kind} load needs amount=N or duration=TIME, so the run ends"));
        }
        let paths = match (get("paths"), get("path")) {
            (Some(list), _) => list
                .split(',')
                .map(|entry| match entry.rsplit_once(':') {
                    Some((path, weight)) => weight
                        .parse::<u32>()
                        .map(|weight| (path.to_string(), weight))
                        .map_err(|_| format!("paths: '{entry}' needs a whole weight, as in /fast:9")),
                    None => Ok((entry.to_string(), 1)),
                })
                .collect::<Result<Vec<_>, _>>()?,
            (None, Some(path)) => vec![(path.to_string(), 1)],
            (None, None) => vec![("/".to_string(), 1)],
        };
        if paths.iter().any(|(path, _)| !path.starts_with('/')) {
            return Err("a path starts with /".to_string());
        }
        if paths.iter().map(|(_, weight)| u64::from(*weight)).sum::<u64>() == 0 {
            return Err("paths: the weights add up to 0".to_string());
        }
        let port = get("port").map(|text| text.parse::<u16>().map_err(|_| format!("port={text}: not a port"))).transpose()?;
        let method = get("method").unwrap_or("GET").to_ascii_uppercase();
        Ok(ClientGroup { model, amount, duration_us, paths, method, port, line })
    }

    /// Picks a path by weight.
    pub fn pick_path(&self, rng: &mut Rng) -> usize {
        if self.paths.len() == 1 {
            return 0;
        }
        let total: u64 = self.paths.iter().map(|(_, weight)| u64::from(*weight)).sum();
        let mut draw = rng.below(total);
        for (index, (_, weight)) in self.paths.iter().enumerate() {
            if draw < u64::from(*weight) {
                return index;
            }
            draw -= u64::from(*weight);
        }
        self.paths.len() - 1
    }
}

/// The load and cost lines of a scenario.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Workload {
    pub groups: Vec<ClientGroup>,
    /// Named costs drawn per call (`pbkdf2`, `db`).
    pub costs: Vec<(String, Dist)>,
    /// `@looplab server thread-per-request …`: serve the same routes the
    /// way a blocking server does, for contrast with the event loop.
    pub thread_per_request: Option<ThreadPerRequest>,
}

/// A blocking server: each request holds one of `threads` threads for its
/// whole life, I/O waits included; requests queue when all are busy. Each
/// thread reserves a stack of `stack_bytes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThreadPerRequest {
    pub threads: u32,
    pub stack_bytes: u64,
}

/// The most threads a thread-per-request server may have.
pub const SERVER_THREADS_MAX: u32 = 100_000;

impl ThreadPerRequest {
    /// Parses the words after `@looplab server thread-per-request`:
    /// `threads=N` (default 200, Tomcat's default maxThreads) and
    /// `stack=SIZE` (default 1 MiB).
    pub fn parse(words: &[&str], parse_size: impl Fn(&str) -> Result<u64, String>) -> Result<ThreadPerRequest, String> {
        let mut server = ThreadPerRequest { threads: 200, stack_bytes: 1024 * 1024 };
        for word in words {
            match word.split_once('=') {
                Some(("threads", value)) => {
                    let threads: u32 = value.parse().map_err(|_| format!("threads={value}: not a whole number"))?;
                    if threads == 0 || threads > SERVER_THREADS_MAX {
                        return Err(format!("threads={threads} is out of range (1 to {SERVER_THREADS_MAX})"));
                    }
                    server.threads = threads;
                }
                Some(("stack", value)) => server.stack_bytes = parse_size(value)?,
                _ => return Err(format!("'{word}': thread-per-request takes threads=N and stack=SIZE")),
            }
        }
        Ok(server)
    }
}

impl Workload {
    pub fn cost(&self, name: &str) -> Option<&Dist> {
        self.costs.iter().rev().find(|(cost, _)| cost == name).map(|(_, dist)| dist)
    }
}

/// Names `@looplab cost` accepts: `pbkdf2` and `zlib` (pool work that
/// computes, so it needs a core), `dns` (a `dns.lookup` that holds a pool
/// thread while it waits on the network, no core), `db` (a database round
/// trip: kernel I/O, no thread).
pub const COST_NAMES: &[&str] = &["pbkdf2", "zlib", "dns", "db"];

/// p50/p90/p99/max of a sample, in the sample's unit, by the nearest-rank
/// method (the value below which the given share of samples falls).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Percentiles {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
}

impl Percentiles {
    /// Percentiles of `sorted` plus `count` more samples all equal to
    /// `repeated`, without materialising the repeats.
    pub fn of_with_repeats(sorted: &[u64], repeated: u64, count: u64) -> Percentiles {
        let total = sorted.len() as u64 + count;
        if total == 0 {
            return Percentiles::default();
        }
        let below = sorted.partition_point(|&value| value < repeated) as u64;
        let at = |index: u64| -> f64 {
            if index < below {
                sorted[index as usize] as f64
            } else if index < below + count {
                repeated as f64
            } else {
                sorted[(index - count) as usize] as f64
            }
        };
        let rank = |share: f64| at(((share * total as f64).ceil() as u64).clamp(1, total) - 1);
        let sum = sorted.iter().map(|&value| value as f64).sum::<f64>() + repeated as f64 * count as f64;
        Percentiles { p50: rank(0.5), p90: rank(0.9), p99: rank(0.99), max: at(total - 1), mean: sum / total as f64 }
    }

    pub fn of(values: &mut [u64]) -> Percentiles {
        if values.is_empty() {
            return Percentiles::default();
        }
        values.sort_unstable();
        let rank = |share: f64| -> f64 {
            let index = ((share * values.len() as f64).ceil() as usize).clamp(1, values.len()) - 1;
            values[index] as f64
        };
        let mean = values.iter().map(|&value| value as f64).sum::<f64>() / values.len() as f64;
        Percentiles { p50: rank(0.5), p90: rank(0.9), p99: rank(0.99), max: values[values.len() - 1] as f64, mean }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_lines_parse_or_say_what_is_wrong() {
        let group = ClientGroup::parse(&["closed", "connections=10", "amount=100", "think=exp(5ms)", "paths=/a:9,/b:1"], 1).unwrap();
        assert_eq!(group.model, Model::Closed { connections: 10, think: Dist::Exp { mean_us: 5000.0 }, ramp_us: 0 });
        assert_eq!(group.paths, vec![("/a".to_string(), 9), ("/b".to_string(), 1)]);
        let open = ClientGroup::parse(&["open", "rate=200/s", "duration=2s", "arrivals=poisson"], 1).unwrap();
        assert_eq!(open.model, Model::Open { gap: Dist::Exp { mean_us: 5000.0 } });
        assert_eq!(open.duration_us, Some(2_000_000));
        assert!(ClientGroup::parse(&["open", "rate=200/s"], 1).unwrap_err().contains("amount=N or duration"));
        assert!(ClientGroup::parse(&["closed", "conections=3", "amount=1"], 1).unwrap_err().contains("not a setting"));
        assert!(ClientGroup::parse(&["stampede"], 1).unwrap_err().contains("unknown load model"));
        assert!(Dist::parse("gauss(1ms)").unwrap_err().contains("unknown distribution"));
        assert_eq!(Dist::parse("0.5ms"), Ok(Dist::Const(500)));
    }

    #[test]
    fn draws_have_the_asked_mean() {
        let mut rng = Rng::new(7);
        for dist in [Dist::Exp { mean_us: 1000.0 }, Dist::Uniform { low_us: 0.0, high_us: 2000.0 }, Dist::LogNormal { mean_us: 1000.0, sd_us: 500.0 }] {
            let n = 200_000;
            let mean = (0..n).map(|_| dist.sample_us(&mut rng) as f64).sum::<f64>() / n as f64;
            assert!((mean - 1000.0).abs() < 15.0, "{dist:?}: mean {mean}");
        }
    }

    #[test]
    fn repeated_samples_count_without_being_stored() {
        let mut all: Vec<u64> = vec![5, 50, 7, 10, 10, 10, 10, 10, 200];
        let expected = Percentiles::of(&mut all);
        let mut others = vec![5, 50, 7, 200];
        others.sort_unstable();
        assert_eq!(Percentiles::of_with_repeats(&others, 10, 5), expected);
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let mut values: Vec<u64> = (1..=100).collect();
        let p = Percentiles::of(&mut values);
        assert_eq!((p.p50, p.p90, p.p99, p.max), (50.0, 90.0, 99.0, 100.0));
    }
}
