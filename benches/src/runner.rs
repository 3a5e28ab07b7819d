//! The timed multi-threaded runner: the [`Contender`] trait (the five
//! operations every structure under test offers), one workload step, and
//! [`run`], the same code for every contender.

use crate::Rng;
use crate::workload::{BATCH, Mix, PREFILL, Workload};
use std::sync::Barrier;
use std::time::{Duration, Instant};

/// Which operations a contender supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ops {
    /// `push`
    pub push: bool,
    /// `pop`
    pub pop: bool,
    /// `get`
    pub get: bool,
    /// `set`
    pub set: bool,
    /// Handles: a worker runs its operations through one (SecVec's `pin`).
    pub pin: bool,
    /// Batches: `extend` and `truncate`.
    pub batch: bool,
}

impl Ops {
    /// Nothing.
    pub const NONE: Ops = Ops { push: false, pop: false, get: false, set: false, pin: false, batch: false };
    /// The four operations and batches, without handles.
    pub const PLAIN: Ops = Ops { push: true, pop: true, get: true, set: true, pin: false, batch: true };
    /// Everything.
    pub const ALL: Ops = Ops { pin: true, ..Ops::PLAIN };

    /// Whether `self` offers everything `need` asks for.
    pub fn covers(self, need: Ops) -> bool {
        (self.push || !need.push)
            && (self.pop || !need.pop)
            && (self.get || !need.get)
            && (self.set || !need.set)
            && (self.pin || !need.pin)
            && (self.batch || !need.batch)
    }
}

/// A concurrent sequence under test. Unsupported operations are never
/// called (see [`Contender::OPS`]).
pub trait Contender: Sync + Sized {
    /// Name in reports.
    const NAME: &'static str;
    /// The element type it stores ([`TestElem::NAME`](crate::TestElem::NAME)): it runs the
    /// workloads of that type.
    const ELEMENT: &'static str;
    /// The operations it supports.
    const OPS: Ops;
    /// Whether it never frees what it removes (the leak backend): the
    /// matrix bounds how much of it one process may run.
    const LEAKS: bool = false;

    /// Whether it runs `workload` (stores its element type, offers its
    /// operations).
    fn runs(workload: Workload) -> bool {
        Self::ELEMENT == workload.element.name() && Self::OPS.covers(workload.needs())
    }
    /// An empty structure.
    fn create() -> Self;
    /// Appends.
    fn push(&self, v: u64);
    /// Removes from the end (or the front, for a queue).
    fn pop(&self) -> Option<u64>;
    /// Reads index `i`.
    fn get(&self, i: usize) -> Option<u64>;
    /// Writes index `i` (no-op if out of range).
    fn set(&self, i: usize, v: u64);
    /// Appends all of `values` in one call.
    fn extend(&self, _values: &[u64]) {
        unreachable!("{} has no batch append", Self::NAME)
    }
    /// Shortens to `len` (no-op if not longer).
    fn truncate(&self, _len: usize) {
        unreachable!("{} has no truncate", Self::NAME)
    }
    /// Runs `n` operations of `workload` on this thread (one worker).
    /// Contenders with handles ([`Ops::pin`]) override it for the pinned
    /// workloads.
    #[inline]
    fn work(&self, workload: Workload, n: usize, rng: &mut Rng) {
        work_plain(self, workload, n, rng)
    }
    /// SecVec's accounting, for the profiling example (`None` for others).
    #[cfg(feature = "accounting")]
    fn stats(&self) -> Option<secvec_core::Snapshot> {
        None
    }
}

/// The operations a workload step uses: a contender's own, or those of a
/// per-worker handle.
pub trait Target {
    /// Appends.
    fn push(&mut self, v: u64);
    /// Removes.
    fn pop(&mut self) -> Option<u64>;
    /// Reads index `i`.
    fn get(&mut self, i: usize) -> Option<u64>;
    /// Writes index `i` (no-op if out of range).
    fn set(&mut self, i: usize, v: u64);
    /// Appends all of `values` in one call.
    fn extend(&mut self, values: &[u64]);
    /// Shortens to `len`.
    fn truncate(&mut self, len: usize);
}

impl<C: Contender> Target for &C {
    #[inline]
    fn push(&mut self, v: u64) {
        Contender::push(*self, v)
    }
    #[inline]
    fn pop(&mut self) -> Option<u64> {
        Contender::pop(*self)
    }
    #[inline]
    fn get(&mut self, i: usize) -> Option<u64> {
        Contender::get(*self, i)
    }
    #[inline]
    fn set(&mut self, i: usize, v: u64) {
        Contender::set(*self, i, v)
    }
    #[inline]
    fn extend(&mut self, values: &[u64]) {
        Contender::extend(*self, values)
    }
    #[inline]
    fn truncate(&mut self, len: usize) {
        Contender::truncate(*self, len)
    }
}

/// `n` operations of `workload` (its unpinned mix) through `c`'s own
/// operations.
#[inline]
pub fn work_plain<C: Contender>(c: &C, workload: Workload, n: usize, rng: &mut Rng) {
    let mut target = c;
    for _ in 0..n {
        step(&mut target, workload, rng);
    }
}

/// What [`Mix::Extend64`] appends.
const BATCH_VALUES: [u64; BATCH] = {
    let mut v = [0; BATCH];
    let mut i = 0;
    while i < BATCH {
        v[i] = i as u64;
        i += 1;
    }
    v
};

/// Runs one operation of `workload`'s mix on `c` (the handle is the
/// caller's business, the element type the contender's).
#[inline]
pub fn step<T: Target>(c: &mut T, workload: Workload, rng: &mut Rng) {
    use std::hint::black_box;
    let r = rng.next_u64();
    let i = (r >> 32) as usize % PREFILL;
    match workload.mix {
        Mix::Push => c.push(r),
        Mix::Pop => {
            black_box(c.pop());
        }
        Mix::PushPop => {
            if r & 1 == 0 {
                c.push(r)
            } else {
                black_box(c.pop());
            }
        }
        Mix::ReadHeavy => match r % 20 {
            0 => c.push(r),
            1 => {
                black_box(c.pop());
            }
            _ => {
                black_box(c.get(i));
            }
        },
        Mix::GetOnly => {
            black_box(c.get(i));
        }
        Mix::SetHeavy => {
            if r & 1 == 0 {
                c.set(i, r)
            } else {
                black_box(c.get(i));
            }
        }
        Mix::Extend64 => {
            if r % 32 == 0 {
                c.truncate(PREFILL)
            } else {
                c.extend(&BATCH_VALUES)
            }
        }
    }
}

/// Builds and pre-fills a contender for `total_ops` operations of `workload`.
pub fn prepare<C: Contender>(workload: Workload, total_ops: usize) -> C {
    let c = C::create();
    for i in 0..workload.prefill(total_ops) {
        c.push(i as u64);
    }
    c
}

/// Runs `total_ops` operations of `workload` split over `threads` threads on
/// `c`, and returns the wall time from the first worker's start (right
/// after the start barrier) to the last worker's finish. Threads are spawned
/// before timing starts and each worker reads the clock itself: at 8 threads
/// on 2 cores, timing from the spawning thread would count spawn and wake-up
/// latency.
pub fn run<C: Contender>(c: &C, workload: Workload, threads: usize, total_ops: usize) -> Duration {
    let barrier = Barrier::new(threads);
    let per = total_ops / threads;
    let spans: Vec<(Instant, Instant)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let barrier = &barrier;
                s.spawn(move || {
                    let mut rng = Rng::new(1, t as u64);
                    barrier.wait();
                    let start = Instant::now();
                    c.work(workload, per, &mut rng);
                    (start, Instant::now())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("worker panicked")).collect()
    });
    let start = spans.iter().map(|s| s.0).min().expect("at least one thread");
    let end = spans.iter().map(|s| s.1).max().expect("at least one thread");
    end.saturating_duration_since(start)
}
