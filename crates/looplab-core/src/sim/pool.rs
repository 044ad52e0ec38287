//! libuv's thread pool: jobs queued, taken by free threads (computing
//! ones also need a core), and their completions handed to the owner's
//! poll phase; `fs.readFile`'s steps as Node issues them.

#[allow(unused_imports)]
use super::*;

/// A unit of work for a pool thread, and what to do when it completes.
#[derive(Debug)]
pub(super) struct Job {
    pub(super) id: u64,
    pub(super) label: String,
    pub(super) duration_us: u64,
    /// When the job reached the pool's queue (for the pool's wait time).
    pub(super) submitted_us: u64,
    /// When a pool thread took it.
    pub(super) started_us: u64,
    /// CPU work (crypto, zlib) needs a core; disk and network waits do not.
    pub(super) cpu: bool,
    pub(super) then: Continuation,
    /// The JS thread whose loop receives the completion.
    pub(super) owner: ThreadId,
}

/// What runs on the main thread when a pool job's completion is polled.
#[derive(Debug, Clone, Copy)]
pub(super) enum Continuation {
    ReadFile {
        context: usize,
        step: ReadFileStep,
    },
    /// Generic pool work (crypto, zlib, dns.lookup…): call back with a result.
    Callback {
        callback: usize,
    },
    /// A message from another JS thread.
    Message {
        message: usize,
    },
    /// A client's request, for the listening server's handler.
    Request {
        slot: RequestSlot,
    },
}

/// The steps of `fs.readFile`: Node issues each as a separate pool request
/// from the JS callback of the previous one (lib/internal/fs/read/context.js).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ReadFileStep {
    Open,
    Stat,
    Read { bytes: u64 },
    Close,
}

#[derive(Debug)]
pub(super) struct ReadFileContext {
    pub(super) path: String,
    pub(super) size_bytes: Option<u64>,
    pub(super) bytes_read: u64,
    pub(super) callback: Callback,
}

#[derive(Debug)]
pub(super) struct Completion {
    pub(super) id: u64,
    pub(super) then: Continuation,
}

#[derive(Debug)]
pub(super) struct Pool {
    pub(super) threads: Vec<Option<Job>>,
    pub(super) queue: VecDeque<Job>,
}

impl Core {
    pub(super) fn pool_submit(&mut self, mut job: Job) {
        job.submitted_us = self.now_us;
        if self.is_server_thread(job.owner) {
            return self.direct_start(job);
        }
        let pool_size = self.settings.pool_size.clamp(1, POOL_SIZE_MAX) as usize;
        // libuv creates its threads on the first request (`init_once`), which
        // is why UV_THREADPOOL_SIZE must be set before the pool is first used.
        let pool = self.pool.get_or_insert_with(|| Pool { threads: (0..pool_size).map(|_| None).collect(), queue: VecDeque::new() });
        // Which idle thread wakes first is up to the OS; the lowest index
        // keeps runs deterministic.
        let free_thread = pool.threads.iter().position(Option::is_none);
        let (id, label) = (job.id, job.label.clone());
        self.record_lazy(self.now_us, || TraceKind::QueueAdd { queue: QueueKind::PoolWork, id, label });
        match free_thread {
            Some(thread) => self.pool_start(thread, job),
            None => {
                if let Some(pool) = self.pool.as_mut() {
                    pool.queue.push_back(job);
                    self.metrics.pool_queue_max = self.metrics.pool_queue_max.max(pool.queue.len() as u64);
                }
                self.touch_timeline(self.now_us);
            }
        }
    }

    pub(super) fn pool_start(&mut self, thread: usize, mut job: Job) {
        let now_us = self.now_us;
        job.started_us = now_us;
        self.metrics.pool_waits_us.push((now_us - job.submitted_us).min(u64::from(u32::MAX)) as u32);
        self.record(now_us, TraceKind::QueueTake { queue: QueueKind::PoolWork, id: job.id });
        self.record_lazy(now_us, || TraceKind::PoolStart { job: job.id, thread: thread as u32, label: job.label.clone(), computes: job.cpu });
        if job.cpu {
            self.cpu_run(crate::cpu::CpuOwner::Pool(thread as u32), job.duration_us);
        } else {
            self.schedule(now_us + job.duration_us, Event::PoolDone { thread: thread as u32 });
        }
        if let Some(pool) = self.pool.as_mut() {
            pool.threads[thread] = Some(job);
        }
        self.touch_timeline(now_us);
    }

    pub(super) fn pool_done(&mut self, thread: u32) {
        let Some(pool) = self.pool.as_mut() else {
            return;
        };
        let Some(job) = pool.threads[thread as usize].take() else {
            return;
        };
        self.metrics.pool_busy_us += self.now_us - job.started_us;
        let next = pool.queue.pop_front();
        let now_us = self.now_us;
        // Two jobs on different threads finishing within 1% of a job's
        // duration: real Node's threads race for the completion queue
        // (corpus case 60). One thread's jobs are ordered, never a race.
        if let Some((last_us, last_duration_us, last_label, last_thread)) = &self.last_pool_done {
            let window_us = (job.duration_us.max(*last_duration_us) / 100).max(1);
            if *last_thread != thread && now_us - last_us <= window_us {
                let description = format!(
                    "pool jobs '{last_label}' and '{}' finish within {} µs of each other: in real Node either may complete first",
                    job.label,
                    now_us - last_us
                );
                self.note_race(Race { t_us: now_us, description });
            }
        }
        self.last_pool_done = Some((now_us, job.duration_us, job.label.clone(), thread));
        if let Some(next) = next {
            let next_owner = next.owner;
            self.switch_to(next_owner);
            self.record(now_us, TraceKind::PoolDone { job: job.id, thread });
            self.pool_start(thread as usize, next);
        } else {
            self.switch_to(job.owner);
            self.record(now_us, TraceKind::PoolDone { job: job.id, thread });
        }
        // The completion goes to the loop of the thread that asked. It
        // arrives through a `uv_async` handle, which makes a blocked
        // `epoll_wait` return.
        self.switch_to(job.owner);
        self.record_lazy(now_us, || TraceKind::QueueAdd { queue: QueueKind::Poll, id: job.id, label: job.label.clone() });
        self.event_loop.completions.push_back(Completion { id: job.id, then: job.then });
        self.wake_current(now_us);
    }

    pub(super) fn read_file_job(&mut self, context: usize, step: ReadFileStep) -> Job {
        let disk = &self.fs.disk;
        let path = &self.read_files[context].path;
        let (label, duration_us) = match step {
            ReadFileStep::Open => (format!("open {path}"), disk.open_us),
            ReadFileStep::Stat => (format!("fstat {path}"), disk.stat_us),
            ReadFileStep::Read { bytes } => (format!("read {bytes} B of {path}"), disk.read_us(bytes)),
            ReadFileStep::Close => (format!("close {path}"), disk.close_us),
        };
        let owner = self.current_thread;
        Job { id: self.fresh_id(), label, duration_us, submitted_us: 0, started_us: 0, cpu: false, then: Continuation::ReadFile { context, step }, owner }
    }
}

impl<G: Guest> Sim<G> {
    /// Node's JS between two `fs.readFile` steps: issue the next request, or
    /// call the user's callback once the file is closed.
    pub(super) fn continue_read_file(guest: &mut G, host: &mut Host<'_>, context: usize, step: ReadFileStep) {
        host.spend_cpu_us(cost::FS_INTERNAL_STEP_US);
        let file = &mut host.core.read_files[context];
        let next = match step {
            ReadFileStep::Open if file.size_bytes.is_none() => None,
            ReadFileStep::Open => Some(ReadFileStep::Stat),
            ReadFileStep::Stat | ReadFileStep::Read { .. } => {
                if let ReadFileStep::Read { bytes } = step {
                    file.bytes_read += bytes;
                }
                let size_bytes = file.size_bytes.unwrap_or(0);
                if step != ReadFileStep::Stat && file.bytes_read >= size_bytes {
                    Some(ReadFileStep::Close)
                } else {
                    let bytes = (size_bytes - file.bytes_read).min(READ_FILE_CHUNK_BYTES);
                    Some(ReadFileStep::Read { bytes })
                }
            }
            ReadFileStep::Close => None,
        };
        match next {
            Some(next) => {
                let job = host.core.read_file_job(context, next);
                host.core.schedule(host.cursor_us, Event::PoolSubmit(Box::new(job)));
            }
            None => {
                // The request is complete: the user's callback runs inside
                // this same poll-phase callback (`readFileAfterClose`, or
                // `readFileAfterOpen` with ENOENT).
                host.core.event_loop.active_requests -= 1;
                let file = &host.core.read_files[context];
                let callback = file.callback.clone();
                let args = match file.size_bytes {
                    Some(size) => vec![HostValue::Null, HostValue::Buffer(size)],
                    None => vec![HostValue::Error { code: "ENOENT".to_string(), message: format!("ENOENT: no such file or directory, open '{}'", file.path) }],
                };
                host.push_frame(&callback.name);
                guest.call(callback.func, &args, host);
                host.pop_frame();
            }
        }
    }
}
