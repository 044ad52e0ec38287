//! Counting loops run in closed form: `for (let i = a; i < n; i++) acc += i`
//! (or `acc += k`, `acc++`, an empty body) is how programs about blocking
//! the event loop burn CPU — a billion additions, seconds of real time in
//! an interpreter. The compiler recognises the loop ([`FastSumLoop`]); the
//! interpreter computes the result these functions give, exactly the double
//! that one-at-a-time additions give, and charges the iterations' virtual
//! CPU time, then the ordinary loop finds its test false and ends.

use crate::{Embedder, Value, Vm};

/// `for (let i = start; i < end; i++) { acc += i; }` as the compiler found it.
#[derive(Clone, Debug, PartialEq)]
pub struct FastSumLoop {
    /// The counter's register.
    pub counter: u32,
    /// The accumulator's register, if the body adds to one.
    pub accumulator: Option<u32>,
    /// `Some(k)`: the body adds the constant `k`; `None`: it adds the counter.
    pub addend: Option<f64>,
    /// The loop's end: a constant or a register.
    pub end: LoopBound,
    pub inclusive: bool,
    /// Operations one ordinary iteration runs, for its virtual CPU time.
    pub ops_per_iteration: u32,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LoopBound {
    Constant(f64),
    Register(u32),
}

/// The loop's effect from `start` and the accumulator's value: the final
/// counter, the final accumulator and the iteration count, or `None` when
/// the closed form does not apply (the ordinary loop runs).
pub fn run(start: f64, end: f64, inclusive: bool, accumulator: Option<f64>, addend: Option<f64>) -> Option<(f64, Option<f64>, u64)> {
    if start.fract() != 0.0 || start.abs() > 9e15 || !end.is_finite() || end.abs() > 9e15 {
        return None;
    }
    let end_exclusive = if inclusive { end.floor() + 1.0 } else { end.ceil() };
    let iterations = (end_exclusive - start).max(0.0);
    let result = match (accumulator, addend) {
        (Some(acc), Some(addend)) => Some(add_constant_repeatedly(acc, addend, iterations as u64)?),
        (Some(acc), None) => Some(add_counter_repeatedly(acc, start as i64, end_exclusive as i64)?),
        (None, _) => None,
    };
    Some((start.max(end_exclusive), result, iterations as u64))
}

/// `acc += k`, `count` times, each addition rounded as doubles round.
fn add_constant_repeatedly(acc: f64, addend: f64, count: u64) -> Option<f64> {
    if addend == 0.0 {
        return Some(acc + 0.0);
    }
    if acc.fract() == 0.0 && addend.fract() == 0.0 {
        // Integers: exact while the running sum stays below 2^53.
        let total = acc + addend * count as f64;
        if total.abs() < 9_007_199_254_740_992.0 && acc.abs() < 9_007_199_254_740_992.0 {
            return Some(acc + addend * count as f64);
        }
    }
    if count <= 50_000_000 {
        let mut sum = acc;
        for _ in 0..count {
            sum += addend;
        }
        return Some(sum);
    }
    None
}

/// `acc += i` for `i` in `start..end`, each addition rounded to the nearest
/// double, ties to even, exactly as V8 computes it one step at a time.
///
/// While the running sum is an integer below 2^53 every step is exact, so a
/// stretch is added in closed form. Above that the sum is `m·u`, where `u`
/// (its ulp) is a power of two, and `i = q·u + r` rounds to `m + q` for
/// `r < u/2`, to `m + q + 1` for `r > u/2`, and at `r = u/2` to whichever of
/// the two is even. For `u ≥ 4` the parity at that tie settles after one
/// block of `u` steps (it becomes "round down" and stays so), so each later
/// block adds exactly `q·u + u/2 − 1` ulps, and any number of whole blocks
/// inside one binade is a closed-form sum. Everything else (aligning to a
/// block, the settling block, the steps near a binade boundary, ulp 2) is
/// done with real double additions, exact by definition.
fn add_counter_repeatedly(acc: f64, start: i64, end: i64) -> Option<f64> {
    const EXACT_MAX: f64 = 9_007_199_254_740_992.0; // 2^53
    const SINGLE_STEPS_MAX: u64 = 200_000_000;
    if end <= start {
        return Some(acc);
    }
    if start < 0 || acc < 0.0 || acc.fract() != 0.0 || end as f64 > EXACT_MAX {
        if end - start <= 50_000_000 {
            let mut sum = acc;
            for i in start..end {
                sum += i as f64;
            }
            return Some(sum);
        }
        return None;
    }
    let mut sum = acc;
    let mut i = start;
    let mut single_steps = 0u64;
    let mut step = |sum: &mut f64, i: &mut i64| -> Option<()> {
        single_steps += 1;
        if single_steps > SINGLE_STEPS_MAX {
            return None;
        }
        *sum += *i as f64;
        *i += 1;
        Some(())
    };
    while i < end {
        if sum < EXACT_MAX {
            // Exact integer stretch: how far does the sum stay below 2^53?
            let (sum_int, base, remaining) = (sum as u128, i as u128, (end - i) as u128);
            let fits = |n: u128| sum_int + n * base + n * n.saturating_sub(1) / 2 < EXACT_MAX as u128;
            let (mut low, mut high) = (0u128, remaining);
            while low < high {
                let mid = (low + high).div_ceil(2);
                if fits(mid) {
                    low = mid;
                } else {
                    high = mid - 1;
                }
            }
            if low > 0 {
                sum = (sum_int + low * base + low * (low - 1) / 2) as f64;
                i += low as i64;
            } else {
                step(&mut sum, &mut i)?;
            }
            continue;
        }
        let u = ulp_of(sum) as i64;
        if u < 4 {
            step(&mut sum, &mut i)?;
            continue;
        }
        // Align to a block, then run one block step by step so the tie
        // parity settles.
        if i % u != 0 {
            step(&mut sum, &mut i)?;
            continue;
        }
        let binade_top = (EXACT_MAX as i64) - 2; // in ulps: m stays below 2^53
        let block_start = i;
        let settle_end = (i + u).min(end);
        while i < settle_end && ulp_of(sum) as i64 == u {
            step(&mut sum, &mut i)?;
        }
        if i < end && ulp_of(sum) as i64 == u && i == block_start + u {
            // Whole blocks q = a .. a+n-1 add n·(u/2 − 1) + u·Σq ulps.
            let m = (sum / u as f64) as i128;
            let a = (i / u) as i128;
            let u_wide = i128::from(u);
            let blocks_max = ((end - i) / u) as i128;
            let added = |n: i128| n * (u_wide / 2 - 1) + u_wide * (n * a + n * (n - 1) / 2);
            let (mut low, mut high) = (0i128, blocks_max);
            while low < high {
                let mid = (low + high + 1) / 2;
                if m + added(mid) < binade_top as i128 {
                    low = mid;
                } else {
                    high = mid - 1;
                }
            }
            if low > 0 {
                sum = ((m + added(low)) as f64) * u as f64;
                i += (low * u_wide) as i64;
                continue;
            }
            // No whole block fits before the binade's top: single steps
            // carry the sum across it.
            step(&mut sum, &mut i)?;
        }
    }
    Some(sum)
}

fn ulp_of(value: f64) -> f64 {
    let bits = value.to_bits();
    f64::from_bits(bits + 1) - value
}

impl crate::Vm {
    /// Runs a counting loop in closed form when its registers hold numbers
    /// (see `fast_loops.rs`), charging its iterations as operations.
    pub(crate) fn fast_sum_loop(&mut self, host: &mut dyn Embedder, index: u32) {
        let frame = self.frame();
        let base = frame.base as usize;
        let Some(fast) = frame.code.fast_loops.get(index as usize).cloned() else { return };
        let register = |vm: &Vm, r: u32| match vm.stack.get(base + r as usize) {
            Some(Value::Number(n)) => Some(*n),
            _ => None,
        };
        let Some(start) = register(self, fast.counter) else { return };
        let end = match fast.end {
            crate::fast_loops::LoopBound::Constant(end) => end,
            crate::fast_loops::LoopBound::Register(r) => match register(self, r) {
                Some(end) => end,
                None => return,
            },
        };
        let accumulator = match fast.accumulator {
            Some(r) => match register(self, r) {
                Some(value) => Some(value),
                None => return,
            },
            None => None,
        };
        let Some((counter, result, iterations)) = crate::fast_loops::run(start, end, fast.inclusive, accumulator, fast.addend) else { return };
        self.stack[base + fast.counter as usize] = Value::Number(counter);
        if let (Some(r), Some(result)) = (fast.accumulator, result) {
            self.stack[base + r as usize] = Value::Number(result);
        }
        let ops = iterations.saturating_mul(u64::from(fast.ops_per_iteration));
        self.report_ops(host);
        host.spend(ops);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(acc: f64, start: i64, end: i64) -> f64 {
        let mut sum = acc;
        for i in start..end {
            sum += i as f64;
        }
        sum
    }

    #[test]
    fn fast_counter_sum_matches_one_add_at_a_time() {
        for (acc, start, end) in [
            (0.0, 0, 1000),
            (0.0, 0, 3_000_000),
            (9.007_199_254_74e15, 0, 2_000_000),
            (1.2e17, 5, 400_000),
            (1.2e17, 3, 5_000_017),
            (3.0e17, 0, 40_000_000),
            (0.0, 100_000_000, 160_000_000),
            (1.8014398509481e16, 7, 9_000_000),
        ] {
            assert_eq!(add_counter_repeatedly(acc, start, end), Some(naive(acc, start, end)), "{acc} {start}..{end}");
        }
    }

    #[test]
    fn the_seeds_billion_loop_gives_nodes_sum() {
        // Real Node v20 printed 499999999067109000 for the seed's loop (measured).
        let sum = add_counter_repeatedly(0.0, 0, 1_000_000_000).expect("fast path applies");
        assert_eq!(sum, 499_999_999_067_109_000.0);
    }
}
