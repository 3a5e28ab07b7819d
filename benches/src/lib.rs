//! The SecVec benchmark kit: contenders, workloads, a timed multi-threaded
//! runner, and the report writers shared by the `matrix` and `leak_report`
//! bench targets.
//!
//! Every contender runs exactly the same workload code (see [`run`]); only
//! the five operations differ, behind the [`Contender`] trait.

use std::path::PathBuf;
use std::sync::Barrier;
use std::time::{Duration, Instant};

pub mod contenders;
pub mod report;

pub use secvec_suite::Rng;

/// The workloads of the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// Every operation is a push onto an initially empty structure.
    Push,
    /// Every operation is a pop from a structure pre-filled with one element
    /// per operation.
    Pop,
    /// 50% push, 50% pop, on a structure pre-filled with [`PREFILL`] elements.
    PushPop,
    /// 90% get, 5% push, 5% pop, pre-filled with [`PREFILL`].
    ReadHeavy,
    /// 100% get, pre-filled with [`PREFILL`].
    GetOnly,
    /// 50% set, 50% get, pre-filled with [`PREFILL`].
    SetHeavy,
}

/// Elements placed in the structure before the timed part of most workloads.
pub const PREFILL: usize = 1024;

impl Workload {
    /// All workloads, in report order.
    pub const ALL: [Workload; 6] = [
        Workload::Push,
        Workload::Pop,
        Workload::PushPop,
        Workload::ReadHeavy,
        Workload::GetOnly,
        Workload::SetHeavy,
    ];

    /// Short name used in benchmark ids, file names and tables.
    pub fn name(self) -> &'static str {
        match self {
            Workload::Push => "push",
            Workload::Pop => "pop",
            Workload::PushPop => "push-pop",
            Workload::ReadHeavy => "read-heavy",
            Workload::GetOnly => "get",
            Workload::SetHeavy => "set-heavy",
        }
    }

    /// The operations it needs from a contender.
    pub fn needs(self) -> Ops {
        match self {
            Workload::Push => Ops { push: true, ..Ops::NONE },
            Workload::Pop => Ops { push: true, pop: true, ..Ops::NONE },
            Workload::PushPop => Ops { push: true, pop: true, ..Ops::NONE },
            Workload::ReadHeavy => Ops { push: true, pop: true, get: true, ..Ops::NONE },
            Workload::GetOnly => Ops { push: true, get: true, ..Ops::NONE },
            Workload::SetHeavy => Ops { push: true, get: true, set: true, ..Ops::NONE },
        }
    }

    fn prefill(self, total_ops: usize) -> usize {
        match self {
            Workload::Push => 0,
            Workload::Pop => total_ops,
            _ => PREFILL,
        }
    }
}

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
}

impl Ops {
    /// Nothing.
    pub const NONE: Ops = Ops { push: false, pop: false, get: false, set: false };
    /// Everything.
    pub const ALL: Ops = Ops { push: true, pop: true, get: true, set: true };

    /// Whether `self` offers everything `need` asks for.
    pub fn covers(self, need: Ops) -> bool {
        (self.push || !need.push)
            && (self.pop || !need.pop)
            && (self.get || !need.get)
            && (self.set || !need.set)
    }
}

/// A concurrent sequence under test. Unsupported operations are never
/// called (see [`Contender::OPS`]).
pub trait Contender: Sync + Sized {
    /// Name in reports.
    const NAME: &'static str;
    /// The operations it supports.
    const OPS: Ops;
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
    /// SecVec's accounting, for the profiling example (`None` for others).
    #[cfg(feature = "accounting")]
    fn stats(&self) -> Option<secvec_core::Snapshot> {
        None
    }
}

/// Runs one operation of `workload` on `c`.
#[inline]
pub fn step<C: Contender>(c: &C, workload: Workload, rng: &mut Rng) {
    use std::hint::black_box;
    let r = rng.next_u64();
    let i = (r >> 32) as usize % PREFILL;
    match workload {
        Workload::Push => c.push(r),
        Workload::Pop => {
            black_box(c.pop());
        }
        Workload::PushPop => {
            if r & 1 == 0 {
                c.push(r)
            } else {
                black_box(c.pop());
            }
        }
        Workload::ReadHeavy => match r % 20 {
            0 => c.push(r),
            1 => {
                black_box(c.pop());
            }
            _ => {
                black_box(c.get(i));
            }
        },
        Workload::GetOnly => {
            black_box(c.get(i));
        }
        Workload::SetHeavy => {
            if r & 1 == 0 {
                c.set(i, r)
            } else {
                black_box(c.get(i));
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
                    for _ in 0..per {
                        step(c, workload, &mut rng);
                    }
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

/// The cargo target directory this bench binary was built into: three
/// levels above the executable (`<target>/<profile>/deps/<bench>`).
///
/// Derived from the executable rather than `CARGO_TARGET_DIR`, which may be
/// relative to where cargo was started, while bench binaries run in their
/// package's directory.
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("path of the bench executable");
    exe.ancestors().nth(3).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("target"))
}

/// `<target>/secvec-report`, created if needed.
pub fn report_dir() -> PathBuf {
    let dir = target_dir().join("secvec-report");
    std::fs::create_dir_all(&dir).expect("create target/secvec-report");
    dir
}
