//! The SecVec benchmark kit: contenders, workloads, a timed multi-threaded
//! runner, and the report writers shared by the `matrix` and `leak_report`
//! bench targets.
//!
//! Every contender runs exactly the same workload code (see [`run`]); only
//! the five operations differ, behind the [`Contender`] trait.

use std::path::PathBuf;
use std::sync::Barrier;
use std::time::{Duration, Instant};

pub mod charts;
pub mod contenders;
pub mod cost;
pub mod html;
pub mod latency;
pub mod progress;
pub mod report;

pub use secvec_suite::Rng;
pub use secvec_suite::elem::{Elem, Str24};

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
    /// [`GetOnly`](Workload::GetOnly) with each worker's operations
    /// through one SecVec handle (`SecVec::pin`, refreshed every
    /// [`REFRESH_EVERY`] operations); only SecVec runs it.
    GetPinned,
    /// [`ReadHeavy`](Workload::ReadHeavy) through handles, likewise.
    ReadHeavyPinned,
    /// [`PushPop`](Workload::PushPop) with heap elements ([`Str24`]): every
    /// push allocates a string, every pop returns one.
    PushPopString,
    /// [`GetOnly`](Workload::GetOnly) with heap elements: every get
    /// returns a clone of a string.
    GetString,
    /// [`ReadHeavy`](Workload::ReadHeavy) with heap elements.
    ReadHeavyString,
    /// Every operation appends [`BATCH`] `u64`s with one call
    /// (`extend_from_slice`); about one in 32 truncates the vector back to
    /// [`PREFILL`] instead, so that it does not grow without bound.
    /// Reported in elements appended per second.
    Extend64,
}

/// Elements per append of [`Workload::Extend64`].
pub const BATCH: usize = 64;

/// A worker's handle is refreshed after this many operations (papaya and
/// flurry re-pin about as often), so epochs and seize keep reclaiming.
pub const REFRESH_EVERY: usize = 1024;

/// Elements placed in the structure before the timed part of most workloads.
pub const PREFILL: usize = 1024;

impl Workload {
    /// All workloads, in report order.
    pub const ALL: [Workload; 12] = [
        Workload::Push,
        Workload::Pop,
        Workload::PushPop,
        Workload::ReadHeavy,
        Workload::GetOnly,
        Workload::SetHeavy,
        Workload::GetPinned,
        Workload::ReadHeavyPinned,
        Workload::PushPopString,
        Workload::GetString,
        Workload::ReadHeavyString,
        Workload::Extend64,
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
            Workload::GetPinned => "get-pinned",
            Workload::ReadHeavyPinned => "read-heavy-pinned",
            Workload::PushPopString => "push-pop-string",
            Workload::GetString => "get-string",
            Workload::ReadHeavyString => "read-heavy-string",
            Workload::Extend64 => "extend-64",
        }
    }

    /// What one unit of its reported throughput is: an operation, or (for
    /// a batch workload) an element.
    pub fn per_op(self) -> usize {
        match self {
            Workload::Extend64 => BATCH,
            _ => 1,
        }
    }

    /// The operation mix: the plain `u64` workload this one runs the
    /// operations of (without handles; a string workload's mix is its
    /// `u64` twin's).
    pub fn mix(self) -> Workload {
        match self {
            Workload::GetPinned | Workload::GetString => Workload::GetOnly,
            Workload::ReadHeavyPinned | Workload::ReadHeavyString => Workload::ReadHeavy,
            Workload::PushPopString => Workload::PushPop,
            w => w,
        }
    }

    /// Whether workers operate through handles.
    pub fn pinned(self) -> bool {
        matches!(self, Workload::GetPinned | Workload::ReadHeavyPinned)
    }

    /// The element type it stores ([`Elem::NAME`]).
    pub fn element(self) -> &'static str {
        match self {
            Workload::PushPopString | Workload::GetString | Workload::ReadHeavyString => Str24::NAME,
            _ => u64::NAME,
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
            Workload::GetPinned | Workload::ReadHeavyPinned => Ops { pin: true, ..self.mix().needs() },
            Workload::PushPopString | Workload::GetString | Workload::ReadHeavyString => self.mix().needs(),
            Workload::Extend64 => Ops { batch: true, ..Ops::NONE },
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
    /// The element type it stores ([`Elem::NAME`]): it runs the
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
        Self::ELEMENT == workload.element() && Self::OPS.covers(workload.needs())
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

/// What [`Workload::Extend64`] appends.
const BATCH_VALUES: [u64; BATCH] = {
    let mut v = [0; BATCH];
    let mut i = 0;
    while i < BATCH {
        v[i] = i as u64;
        i += 1;
    }
    v
};

/// Runs one operation of `workload` on `c`.
#[inline]
pub fn step<T: Target>(c: &mut T, workload: Workload, rng: &mut Rng) {
    use std::hint::black_box;
    let r = rng.next_u64();
    let i = (r >> 32) as usize % PREFILL;
    // A pinned workload's operation mix is its plain one's (the handle is
    // the caller's business), a string workload's its `u64` twin's (the
    // contender makes the elements).
    match workload.mix() {
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
        Workload::Extend64 => {
            if r % 32 == 0 {
                c.truncate(PREFILL)
            } else {
                c.extend(&BATCH_VALUES)
            }
        }
        Workload::GetPinned
        | Workload::ReadHeavyPinned
        | Workload::PushPopString
        | Workload::GetString
        | Workload::ReadHeavyString => unreachable!("mix() is a plain u64 workload"),
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

/// Whether `SECVEC_BENCH_SMOKE` is set (to anything but `0`): every cell
/// runs for a fraction of a second, so CI can build the whole report
/// quickly. Its numbers mean nothing.
pub fn smoke() -> bool {
    std::env::var("SECVEC_BENCH_SMOKE").is_ok_and(|v| v != "0")
}

/// `<target>/secvec-report`, created if needed.
pub fn report_dir() -> PathBuf {
    let dir = target_dir().join("secvec-report");
    std::fs::create_dir_all(&dir).expect("create target/secvec-report");
    dir
}
