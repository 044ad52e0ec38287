//! The machine's CPU cores, shared by the threads that compute.
//!
//! A JS thread running a callback and a pool thread running CPU work
//! (`crypto.pbkdf2`, zlib) each need a core. When more of them are runnable
//! than there are cores, they share the cores equally (processor sharing,
//! the fluid model of a time-slicing scheduler), so each progresses at
//! `cores / runnable` of full speed: 8 pbkdf2 jobs on an 8-thread pool with
//! 4 cores take twice as long each. Waiting on disk or the network uses no
//! core. Work is in µs at full speed; completion times are rounded up to
//! whole µs.

/// A thread that computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CpuOwner {
    /// A JS thread (0 is the main thread) running a callback.
    Js(crate::sim::ThreadId),
    /// A thread-pool thread running CPU work.
    Pool(u32),
    /// A thread-per-request server thread computing inside a blocking call
    /// (its job's index in the engine's direct jobs).
    Direct(u32),
}

#[derive(Debug)]
struct Task {
    owner: CpuOwner,
    remaining_us: f64,
    token: u64,
}

/// When a task finishes, if nothing changes meanwhile: its completion event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Completion {
    pub owner: CpuOwner,
    pub token: u64,
    pub at_us: u64,
}

#[derive(Debug)]
pub struct Cpu {
    cores: u32,
    tasks: Vec<Task>,
    last_us: u64,
    next_token: u64,
    /// Core-µs of work done (for utilization).
    busy_core_us: f64,
}

impl Cpu {
    pub fn new(cores: u32) -> Cpu {
        Cpu { cores: cores.max(1), tasks: Vec::new(), last_us: 0, next_token: 0, busy_core_us: 0.0 }
    }

    fn rate_for(&self, runnable: usize) -> f64 {
        if runnable <= self.cores as usize {
            1.0
        } else {
            f64::from(self.cores) / runnable as f64
        }
    }

    /// Brings every task's remaining work up to `now_us`.
    fn advance(&mut self, now_us: u64) {
        let elapsed_us = now_us.saturating_sub(self.last_us) as f64;
        if elapsed_us > 0.0 && !self.tasks.is_empty() {
            let rate = self.rate_for(self.tasks.len());
            for task in &mut self.tasks {
                task.remaining_us = (task.remaining_us - elapsed_us * rate).max(0.0);
            }
            self.busy_core_us += elapsed_us * (self.tasks.len() as f64).min(f64::from(self.cores));
        }
        self.last_us = now_us;
    }

    fn completion(&mut self, index: usize, now_us: u64, rate: f64) -> Completion {
        self.next_token += 1;
        let task = &mut self.tasks[index];
        task.token = self.next_token;
        // A hair of tolerance, so float error never adds a whole µs.
        let wall_us = (task.remaining_us / rate - 1e-6).ceil().max(0.0) as u64;
        Completion { owner: task.owner, token: task.token, at_us: now_us + wall_us }
    }

    /// Completions for every task when the sharing rate changed, else for
    /// the one task at `index`.
    fn completions_after_change(&mut self, now_us: u64, old_rate: f64, index: Option<usize>) -> Vec<Completion> {
        let rate = self.rate_for(self.tasks.len());
        if rate == old_rate {
            return index.map(|index| vec![self.completion(index, now_us, rate)]).unwrap_or_default();
        }
        (0..self.tasks.len()).map(|index| self.completion(index, now_us, rate)).collect()
    }

    /// A thread starts `work_us` of computing. Returns the completion events
    /// to schedule (earlier ones of other tasks become stale).
    pub fn start(&mut self, now_us: u64, owner: CpuOwner, work_us: u64) -> Vec<Completion> {
        self.advance(now_us);
        let old_rate = self.rate_for(self.tasks.len());
        self.tasks.push(Task { owner, remaining_us: work_us as f64, token: 0 });
        let index = self.tasks.len() - 1;
        self.completions_after_change(now_us, old_rate, Some(index))
    }

    /// A completion event fires. `None` if it is stale (the task's finish
    /// moved); else the task is done, and the other tasks' new completions.
    pub fn finish(&mut self, now_us: u64, owner: CpuOwner, token: u64) -> Option<Vec<Completion>> {
        let index = self.tasks.iter().position(|task| task.owner == owner && task.token == token)?;
        self.advance(now_us);
        let old_rate = self.rate_for(self.tasks.len());
        self.tasks.remove(index);
        Some(self.completions_after_change(now_us, old_rate, None))
    }

    pub fn cores(&self) -> u32 {
        self.cores
    }

    /// Core-µs of work done up to `now_us`.
    pub fn busy_core_us(&self, now_us: u64) -> f64 {
        let pending = now_us.saturating_sub(self.last_us) as f64 * (self.tasks.len() as f64).min(f64::from(self.cores));
        self.busy_core_us + pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_share_cores_when_there_are_more_of_them() {
        // 8 jobs of 100 µs on 4 cores: each runs at half speed, all end at 200.
        let mut cpu = Cpu::new(4);
        let mut last = Vec::new();
        for thread in 0..8 {
            last = cpu.start(0, CpuOwner::Pool(thread), 100);
        }
        assert_eq!(last.len(), 8, "the fifth job changes everyone's rate");
        assert!(last.iter().all(|completion| completion.at_us == 200));
        // One finishing early frees a share for the others.
        let mut cpu = Cpu::new(1);
        let a = cpu.start(0, CpuOwner::Js(crate::sim::ThreadId::MAIN), 100)[0];
        assert_eq!(a.at_us, 100);
        let both = cpu.start(50, CpuOwner::Pool(0), 10);
        let pool = both.iter().find(|completion| completion.owner == CpuOwner::Pool(0)).copied().unwrap();
        assert_eq!(pool.at_us, 70, "10 µs of work at half speed");
        assert_eq!(cpu.finish(100, CpuOwner::Js(crate::sim::ThreadId::MAIN), a.token), None, "the old completion is stale");
        let after = cpu.finish(70, CpuOwner::Pool(0), pool.token).unwrap();
        assert_eq!(after[0].at_us, 110, "50 µs left after 70: 10 µs done at half speed, 40 at full");
        assert!((cpu.busy_core_us(110) - 110.0).abs() < 1e-6);
    }
}
