//! smr-benchmark's method (the harness of the PEBR and HP++ papers):
//! fixed-time runs, repeated; garbage and memory sampled every millisecond
//! (average and peak); long-running readers swept over the read length;
//! every backend against no reclamation; the same cells under other
//! allocators.
//!
//! A [`Spec`] is one cell: a workload at a thread count, optionally with
//! half the threads reading the first `read_len` elements through one
//! handle, pass after pass. [`cell`] runs it [`Plan::runs`] times for
//! [`Plan::secs`] each, after one untimed warm-up run of the same shape.
//!
//! "none" is the leak backend with its workers inside an
//! [`arena::Scope`]: it never frees and never
//! page-faults (the binary must install
//! [`Pretouched`](crate::arena::Pretouched) under its counting allocator
//! and reserve the region first).

use crate::arena;
use crate::contenders::SecVecContender;
use crate::{Contender, Mix, Rng, TestElem, Workload, prepare};
use secvec_core::Reclaimer;
use secvec_suite::alloc::live_bytes;
use secvec_suite::backends::{Leak, SuiteBackend};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

/// Name of the no-reclamation baseline in tables and charts.
pub const NONE: &str = "none";

/// How often garbage and memory are sampled.
pub const SAMPLE_EVERY: Duration = Duration::from_millis(1);

/// Operations a writer runs between two looks at the clock's stop flag.
const STEP: usize = 64;

/// A spread (max - min over the median) above this marks a cell as noisy.
pub const NOISY: f64 = 0.30;

/// One cell: what runs.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// What the writers do.
    pub workload: Workload,
    /// All threads (writers and readers).
    pub threads: usize,
    /// Long-running readers: half the threads read elements `0..read_len`
    /// through one handle per pass.
    pub read_len: Option<usize>,
}

impl Spec {
    /// Its name in tables.
    pub fn name(self) -> String {
        match self.read_len {
            Some(n) => {
                format!("read 2^{} + {}, {} thr", n.trailing_zeros(), self.workload.name(), self.threads)
            }
            None => format!("{}, {} thr", self.workload.name(), self.threads),
        }
    }

    fn readers(self) -> usize {
        if self.read_len.is_some() { self.threads / 2 } else { 0 }
    }
}

/// How long and how often.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Seconds per timed run.
    pub secs: f64,
    /// Timed runs per cell.
    pub runs: usize,
}

impl Plan {
    /// The plan of a run: smoke (CI), `--quick`, or full.
    pub fn of(smoke: bool, quick: bool) -> Plan {
        match (smoke, quick) {
            (true, _) => Plan { secs: 0.02, runs: 2 },
            (false, true) => Plan { secs: 0.2, runs: 3 },
            (false, false) => Plan { secs: 1.0, runs: 5 },
        }
    }
}

/// Average and peak of a sampled quantity.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sampled {
    /// Mean over the samples.
    pub avg: f64,
    /// Largest sample.
    pub peak: f64,
}

/// One timed run.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    /// Seconds from the start line to the last worker's stop.
    pub secs: f64,
    /// Writers' units (operations, or elements for a batch mix) per second.
    pub write_rate: f64,
    /// Elements the readers read per second (0 without readers).
    pub read_rate: f64,
    /// Garbage: descriptors and removed elements retired and not yet freed.
    pub garbage: Sampled,
    /// Bytes the allocator counts as held, beyond what was held before the
    /// vector was made.
    pub bytes: Sampled,
}

/// A cell's runs.
#[derive(Clone, Debug)]
pub struct Cell {
    /// What ran.
    pub spec: Spec,
    /// Backend (report name) or [`NONE`].
    pub backend: &'static str,
    /// The global allocator under the counting one.
    pub allocator: &'static str,
    /// The timed runs.
    pub runs: Vec<Run>,
    /// Allocations of the baseline that found its arena used up (`None`
    /// for other backends).
    pub arena_overflows: Option<u64>,
}

/// Median, min and max.
#[derive(Clone, Copy, Debug)]
pub struct Spread {
    /// Median.
    pub median: f64,
    /// Smallest.
    pub min: f64,
    /// Largest.
    pub max: f64,
}

impl Spread {
    /// Of `xs` (not empty).
    pub fn of(mut xs: Vec<f64>) -> Spread {
        xs.sort_by(f64::total_cmp);
        let n = xs.len();
        let median = if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 };
        Spread { median, min: xs[0], max: xs[n - 1] }
    }

    /// Whether the runs differ by more than [`NOISY`] of the median.
    pub fn noisy(self) -> bool {
        self.median > 0.0 && (self.max - self.min) / self.median > NOISY
    }
}

impl Cell {
    /// `f` over the runs.
    pub fn spread(&self, f: impl Fn(&Run) -> f64) -> Spread {
        Spread::of(self.runs.iter().map(f).collect())
    }
}

/// Runs `spec` on backend `R` (the leak backend over the arena when
/// `baseline`) with elements `E`: one warm-up run, then `plan.runs` timed
/// ones.
pub fn cell<R: SuiteBackend, E: TestElem>(
    spec: Spec,
    plan: Plan,
    baseline: bool,
    allocator: &'static str,
) -> Cell {
    let overflows = arena::overflows();
    // The warm-up grows what lives for the process (thread ids, pools)
    // outside the arena, so that a reset never leaves a live block in it.
    once::<R, E>(spec, plan.secs / 4.0, false);
    let runs = (0..plan.runs).map(|_| once::<R, E>(spec, plan.secs, baseline)).collect();
    Cell {
        spec,
        backend: if baseline { NONE } else { R::CONTENDER },
        allocator,
        runs,
        arena_overflows: baseline.then(|| arena::overflows() - overflows),
    }
}

/// The no-reclamation baseline's cell.
pub fn baseline<E: TestElem>(spec: Spec, plan: Plan, allocator: &'static str) -> Cell {
    cell::<Leak, E>(spec, plan, true, allocator)
}

/// What a writer or reader thread runs; it returns the units it did.
type Job<R, E> = Box<dyn FnOnce(&SecVecContender<R, E>) -> u64 + Send>;

/// One timed run of `secs` seconds.
fn once<R: SuiteBackend, E: TestElem>(spec: Spec, secs: f64, in_arena: bool) -> Run {
    let w = spec.workload;
    let before = live_bytes();
    let v = Arc::new(prepare::<SecVecContender<R, E>>(w, 0));
    if let Some(n) = spec.read_len {
        let have = v.0.len();
        v.0.extend_from_iter((have..n).map(|i| E::make(i as u64)));
    }
    let stats = v.0.stats();
    let readers = spec.readers();
    let writers = spec.threads - readers;
    // Writers, readers, the sampler and this thread start together.
    let start_line = Arc::new(Barrier::new(writers + readers + 2));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (stats, stop, start_line) = (stats.clone(), Arc::clone(&stop), Arc::clone(&start_line));
        std::thread::spawn(move || {
            let (mut n, mut garbage, mut bytes) = (0u32, (0.0, 0.0), (0.0, 0.0));
            start_line.wait();
            while !stop.load(Ordering::Acquire) {
                let s = stats.snapshot();
                let g = (s.outstanding + s.cells.map_or(0, |c| c.outstanding)) as f64;
                let b = (live_bytes() - before) as f64;
                n += 1;
                garbage = (garbage.0 + g, f64::max(garbage.1, g));
                bytes = (bytes.0 + b, f64::max(bytes.1, b));
                std::thread::sleep(SAMPLE_EVERY); // the sampling period, not synchronization
            }
            let n = f64::from(n.max(1));
            (Sampled { avg: garbage.0 / n, peak: garbage.1 }, Sampled { avg: bytes.0 / n, peak: bytes.1 })
        })
    };
    let spawn = |f: Job<R, E>| {
        let (v, start_line) = (Arc::clone(&v), Arc::clone(&start_line));
        std::thread::spawn(move || {
            start_line.wait();
            let _arena = in_arena.then(arena::Scope::enter);
            f(&v)
        })
    };
    let writer_threads: Vec<_> = (0..writers)
        .map(|t| {
            let stop = Arc::clone(&stop);
            spawn(Box::new(move |v| {
                let mut rng = Rng::new(7, t as u64);
                let mut ops = 0;
                while !stop.load(Ordering::Relaxed) {
                    v.work(w, STEP, &mut rng);
                    ops += STEP as u64;
                }
                ops * w.per_op() as u64
            }))
        })
        .collect();
    let reader_threads: Vec<_> = (0..readers)
        .map(|_| {
            let (stop, n) = (Arc::clone(&stop), spec.read_len);
            spawn(Box::new(move |v| crate::measure::leaks::read_passes(&v.0, &stop, n)))
        })
        .collect();
    start_line.wait();
    let t0 = Instant::now();
    std::thread::sleep(Duration::from_secs_f64(secs)); // the run's length, not synchronization
    stop.store(true, Ordering::Release);
    let written: u64 = writer_threads.into_iter().map(|h| h.join().expect("writer panicked")).sum();
    let read: u64 = reader_threads.into_iter().map(|h| h.join().expect("reader panicked")).sum();
    let elapsed = t0.elapsed().as_secs_f64();
    let (garbage, bytes) = sampler.join().expect("sampler panicked");
    drop((start_line, stop));
    drop(Arc::into_inner(v).expect("the threads are gone"));
    if in_arena {
        // Everything the run allocated in the arena is dead if the bytes
        // still held are exactly what the vector's accounting says it
        // leaked (the leak backend never touches those again).
        let leaked = secvec_suite::elem::leaked_bytes(&stats.snapshot(), E::HEAP_BYTES);
        drop(stats);
        if leaked.is_some_and(|l| l as i64 == live_bytes() - before) {
            // SAFETY: no thread is in a scope (the workers were joined,
            // their scopes ended with them: point 1); the run's blocks
            // in the region were leaked by the vector or freed, as the
            // allocator's count against the accounting shows (point 2).
            unsafe { arena::reset() };
        }
    }
    Run {
        secs: elapsed,
        write_rate: written as f64 / elapsed,
        read_rate: read as f64 / elapsed,
        garbage,
        bytes,
    }
}

/// The cells every allocator runs (and the system allocator against no
/// reclamation): push/pop at 1 and 2 threads, with strings, and batches.
pub const STANDARD: [Spec; 4] = [
    Spec { workload: Workload::PUSH_POP, threads: 1, read_len: None },
    Spec { workload: Workload::PUSH_POP, threads: 2, read_len: None },
    Spec { workload: Workload::PUSH_POP.strings(), threads: 2, read_len: None },
    Spec { workload: Workload::of(Mix::Extend64), threads: 2, read_len: None },
];

/// Read lengths of the sweep: powers of four from 2^10, up to 2^18 in a
/// quick run and 2^22 in a full one (2^12 in smoke runs).
pub fn read_lengths(smoke: bool, quick: bool) -> Vec<usize> {
    let top = match (smoke, quick) {
        (true, _) => 12,
        (false, true) => 18,
        (false, false) => 22,
    };
    (10..=top).step_by(2).map(|k| 1usize << k).collect()
}

/// The sweep's cell at read length `n`: one reader and one writer
/// (push/pop), one per core on the 2-core machine.
pub fn sweep_spec(n: usize) -> Spec {
    Spec { workload: Workload::PUSH_POP, threads: 2, read_len: Some(n) }
}

/// Runs `spec` (u64 or string elements, as its workload says) on `R`.
pub fn cell_of<R: SuiteBackend>(spec: Spec, plan: Plan, allocator: &'static str) -> Cell {
    match spec.workload.element {
        crate::ElementKind::U64 => cell::<R, u64>(spec, plan, false, allocator),
        crate::ElementKind::Str24 => cell::<R, crate::Str24>(spec, plan, false, allocator),
    }
}

/// The baseline's cell for `spec`.
pub fn baseline_of(spec: Spec, plan: Plan, allocator: &'static str) -> Cell {
    match spec.workload.element {
        crate::ElementKind::U64 => baseline::<u64>(spec, plan, allocator),
        crate::ElementKind::Str24 => baseline::<crate::Str24>(spec, plan, allocator),
    }
}

/// `spec` on every reclaiming backend under `allocator` (the global
/// allocator this process installed), then, with `with_baseline`, on
/// [`NONE`]; each cell is announced to `each` (`spec / backend`) first.
pub fn every_backend(
    spec: Spec,
    plan: Plan,
    allocator: &'static str,
    with_baseline: bool,
    each: &mut impl FnMut(&str),
) -> Vec<Cell> {
    let mut out = Vec::new();
    secvec_suite::for_each_backend!(|R| if R::RECLAIMS {
        each(&format!("{} / {}", spec.name(), R::CONTENDER));
        out.push(cell_of::<R>(spec, plan, allocator));
    });
    if with_baseline {
        each(&format!("{} / {NONE}", spec.name()));
        out.push(baseline_of(spec, plan, allocator));
    }
    out
}

/// The [`STANDARD`] cells on every reclaiming backend (see
/// [`every_backend`]).
pub fn standard(plan: Plan, allocator: &'static str, mut each: impl FnMut(&str)) -> Vec<Cell> {
    STANDARD.into_iter().flat_map(|spec| every_backend(spec, plan, allocator, false, &mut each)).collect()
}

/// Reclaiming backends (what [`standard`] runs per cell).
pub fn reclaiming() -> usize {
    let mut n = 0;
    secvec_suite::for_each_backend!(|R| n += usize::from(R::RECLAIMS));
    n
}

/// A cell as written to JSON.
pub fn cell_json(c: &Cell) -> Value {
    let runs: Vec<Value> = c
        .runs
        .iter()
        .map(|r| {
            json!({ "secs": r.secs, "write_rate": r.write_rate, "read_rate": r.read_rate,
                    "garbage_avg": r.garbage.avg, "garbage_peak": r.garbage.peak,
                    "bytes_avg": r.bytes.avg, "bytes_peak": r.bytes.peak })
        })
        .collect();
    json!({ "cell": c.spec.name(), "workload": c.spec.workload.name(), "threads": c.spec.threads,
            "read_len": c.spec.read_len, "backend": c.backend, "allocator": c.allocator,
            "arena_overflows": c.arena_overflows, "runs": runs })
}

/// A cell read back from [`cell_json`] (the allocator targets each write
/// their own file; the report merges them).
pub fn cell_from_json(v: &Value) -> Option<Cell> {
    let workload = Workload::named(v["workload"].as_str()?)?;
    let read_len = v["read_len"].as_u64().map(|n| n as usize);
    let spec = Spec { workload, threads: v["threads"].as_u64()? as usize, read_len };
    let leak = |s: &str| -> &'static str { Box::leak(s.to_string().into_boxed_str()) };
    let runs = v["runs"]
        .as_array()?
        .iter()
        .map(|r| {
            let f = |k: &str| r[k].as_f64();
            Some(Run {
                secs: f("secs")?,
                write_rate: f("write_rate")?,
                read_rate: f("read_rate")?,
                garbage: Sampled { avg: f("garbage_avg")?, peak: f("garbage_peak")? },
                bytes: Sampled { avg: f("bytes_avg")?, peak: f("bytes_peak")? },
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Cell {
        spec,
        backend: leak(v["backend"].as_str()?),
        allocator: leak(v["allocator"].as_str()?),
        runs,
        arena_overflows: v["arena_overflows"].as_u64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_takes_the_median_and_marks_noise() {
        let s = Spread::of(vec![3.0, 1.0, 2.0]);
        assert_eq!((s.median, s.min, s.max), (2.0, 1.0, 3.0));
        assert!(s.noisy());
        assert!(!Spread::of(vec![10.0, 11.0, 12.0, 10.5]).noisy());
        assert_eq!(Spread::of(vec![1.0, 3.0]).median, 2.0);
    }

    #[test]
    fn a_cell_round_trips_through_json() {
        let spec = sweep_spec(1 << 12);
        let r = Run {
            secs: 0.2,
            write_rate: 1e6,
            read_rate: 2e8,
            garbage: Sampled { avg: 3.0, peak: 9.0 },
            bytes: Sampled { avg: 100.0, peak: 400.0 },
        };
        let c =
            Cell { spec, backend: "secvec-epoch", allocator: "system", runs: vec![r], arena_overflows: None };
        let back = cell_from_json(&cell_json(&c)).expect("parses");
        assert_eq!(back.spec.name(), spec.name());
        assert_eq!((back.backend, back.allocator), ("secvec-epoch", "system"));
        assert_eq!(back.runs[0].garbage.peak, 9.0);
        assert_eq!(back.arena_overflows, None);
    }
}
