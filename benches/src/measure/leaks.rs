//! Leak reports' data: one [`Row`] per backend, scenario and thread
//! count, with the vector's accounting, outstanding garbage sampled about
//! every millisecond, and the bytes the counting global allocator (which
//! the calling binary installs) still counts after the drop.
//!
//! A [`Scenario`] is a workload plus what else runs beside its workers:
//! one more thread stalling inside an operation for 1 ms, 10 ms or the
//! whole run (non-cooperative threads: hazard pointers keep garbage
//! bounded, epochs and seize keep everything retired meanwhile), or
//! long-running readers (half the threads read the whole vector, pass
//! after pass).

use crate::contenders::SecVecContender;
use crate::{Contender, PREFILL, Rng, TestElem, Workload, prepare};
use secvec_core::SecVec;
use secvec_suite::alloc::live_bytes;
use secvec_suite::backends::SuiteBackend;
use secvec_suite::for_each_backend;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

/// Thread counts of the push/pop scenarios (peak garbage against threads).
pub const SCALING: [usize; 4] = [1, 2, 4, 8];

/// How often outstanding garbage is sampled during a run.
pub const SAMPLE_EVERY: Duration = Duration::from_millis(1);

/// Samples kept per run; allocated before the measurement starts so the
/// sampler never allocates during it.
pub const MAX_SAMPLES: usize = 1 << 16;

/// One backend on one workload.
pub struct Row {
    /// The backend's report name.
    pub backend: &'static str,
    /// The scenario's name ([`Scenario::name`]).
    pub workload: String,
    /// Worker threads.
    pub threads: usize,
    /// Operations over all workers.
    pub ops: usize,
    /// The accounting after the vector and its domain were dropped.
    pub s: secvec_core::Snapshot,
    /// Descriptors reclaimed while the workers ran.
    pub reclaimed_during_run: u64,
    /// Peak outstanding descriptors (sampled, and at the end).
    pub peak_outstanding: u64,
    /// Peak of removed elements retired and not yet freed (heap elements
    /// only: `None` for inline ones).
    pub peak_cells_outstanding: Option<u64>,
    /// Heap bytes each element owns besides its cell.
    pub element_heap_bytes: u64,
    /// Bytes the counting allocator still counted after the drop.
    pub allocator_bytes_after_drop: i64,
    /// (milliseconds since start, outstanding descriptors)
    pub samples: Vec<(f64, u64)>,
    /// Outstanding descriptors when the workers were done.
    pub outstanding_at_end: u64,
    /// Seconds the workers took.
    pub work_secs: f64,
    /// Elements the long-running readers read (`None`: no readers).
    pub read: Option<u64>,
}

impl Row {
    /// Descriptors and removed elements (cells and what they own) that the
    /// vector's accounting says were never freed.
    pub fn leaked_bytes(&self) -> u64 {
        secvec_suite::elem::leaked_bytes(&self.s, self.element_heap_bytes)
            .expect("read after the drop: final")
    }

    /// Whether the allocator saw exactly what the accounting calls leaked.
    pub fn agrees(&self) -> bool {
        self.allocator_bytes_after_drop == self.leaked_bytes() as i64
    }
}

/// A run: a workload, and what else happens meanwhile.
#[derive(Clone, Copy)]
pub struct Scenario {
    /// What the workers do.
    pub workload: Workload,
    /// What runs beside them.
    pub extra: Extra,
}

/// What runs beside the workers of a scenario.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    /// Nothing.
    None,
    /// One more thread stalls inside an operation, as a preempted or
    /// non-cooperative thread does: it takes a handle (`SecVec::pin`),
    /// reads once through it and holds it for this long, then drops it and
    /// starts again, until the workers are done; `None`: it takes one
    /// handle and holds it for the whole run.
    Stall(Option<Duration>),
    /// Long-running readers: half the threads read the whole vector
    /// ([`LONG_LEN`] elements) through a handle, pass after pass
    /// (refreshing the handle between passes), while the other half push
    /// and pop (smr-benchmark's long-running-reader pattern).
    LongReaders,
}

/// Elements in the vector of the long-running-reader scenario.
pub const LONG_LEN: usize = 1 << 16;

/// The stalls of the report.
pub const STALLS: [Option<Duration>; 3] =
    [Some(Duration::from_millis(1)), Some(Duration::from_millis(10)), None];

impl Scenario {
    /// Its name in tables and progress.
    pub fn name(self) -> String {
        match self.extra {
            Extra::None => self.workload.name(),
            Extra::Stall(Some(d)) => format!("{} + stall {} ms", self.workload.name(), d.as_millis()),
            Extra::Stall(None) => format!("{} + stall forever", self.workload.name()),
            Extra::LongReaders => "long-running readers".into(),
        }
    }

    /// Its name as part of a file name.
    pub fn file(self) -> String {
        self.name().replace(" + ", "-").replace(' ', "-")
    }
}

/// Runs `sc` with `threads` workers and `ops` operations on a vector of
/// backend `R` and elements `E`, sampling its garbage, and measures what
/// it leaves after the drop.
pub fn measure<R: SuiteBackend, E: TestElem>(sc: Scenario, threads: usize, ops: usize) -> Row {
    let w = sc.workload;
    // Allocated before `before` and never grown: not part of the count.
    let name = sc.name();
    let mut samples: Vec<(f64, u64)> = Vec::with_capacity(MAX_SAMPLES);
    let before = live_bytes();
    let v = Arc::new(prepare::<SecVecContender<R, E>>(w, ops));
    if sc.extra == Extra::LongReaders {
        v.0.extend_from_iter((PREFILL..LONG_LEN).map(|i| E::make(i as u64)));
    }
    let stats = v.0.stats();
    let stall_forever = (sc.extra == Extra::Stall(None)).then(|| {
        let mut h = v.0.pin();
        h.len(); // protects the current descriptor, then stays idle
        h
    });
    let done = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    // Joined std threads rather than a scope: `join` returns only after a
    // thread has freed its thread-locals, so the allocator count is exact.
    let sampler = {
        let (stats, done) = (stats.clone(), Arc::clone(&done));
        std::thread::spawn(move || {
            let (mut peak, mut peak_cells) = (0, None::<u64>);
            while !done.load(Ordering::Acquire) {
                let snap = stats.snapshot();
                peak = peak.max(snap.outstanding);
                if let Some(c) = snap.cells {
                    peak_cells = Some(peak_cells.unwrap_or(0).max(c.outstanding));
                }
                if samples.len() < samples.capacity() {
                    samples.push((start.elapsed().as_secs_f64() * 1e3, snap.outstanding));
                }
                std::thread::sleep(SAMPLE_EVERY);
            }
            (samples, peak, peak_cells)
        })
    };
    // Threads that run until the workers are done (a stalling thread,
    // long-running readers), each returning the elements it read.
    let writers_done = Arc::new(AtomicBool::new(false));
    let side = |f: fn(&SecVec<E, R>, &AtomicBool) -> u64| {
        let (v, stop) = (Arc::clone(&v), Arc::clone(&writers_done));
        std::thread::spawn(move || f(&v.0, &stop))
    };
    let (readers, writers) = match sc.extra {
        Extra::LongReaders => (threads / 2, threads - threads / 2),
        _ => (0, threads),
    };
    let mut sides: Vec<_> = (0..readers).map(|_| side(long_reader::<E, R>)).collect();
    if let Extra::Stall(Some(d)) = sc.extra {
        let (v, stop) = (Arc::clone(&v), Arc::clone(&writers_done));
        sides.push(std::thread::spawn(move || {
            while !stop.load(Ordering::Acquire) {
                let mut h = v.0.pin();
                h.len();
                std::thread::sleep(d); // the stall: the workload, not synchronization
                drop(h);
            }
            0
        }));
    }
    // All workers start together: the run really has `threads` threads at
    // once (and so does the warm-up, whose job is to grow the thread-id free
    // lists of the backends to that many).
    let start_line = Arc::new(Barrier::new(writers));
    let work_start = Instant::now();
    let workers: Vec<_> = (0..writers)
        .map(|t| {
            let (v, start_line) = (Arc::clone(&v), Arc::clone(&start_line));
            std::thread::spawn(move || {
                let mut rng = Rng::new(1, t as u64);
                start_line.wait();
                v.work(w, ops / writers, &mut rng);
            })
        })
        .collect();
    for h in workers {
        h.join().expect("worker panicked");
    }
    let work_secs = work_start.elapsed().as_secs_f64();
    writers_done.store(true, Ordering::Release);
    let read: u64 = sides.into_iter().map(|h| h.join().expect("reader or staller panicked")).sum();
    drop((start_line, writers_done));
    let end = stats.snapshot();
    drop(stall_forever);
    done.store(true, Ordering::Release);
    let (mut samples, peak, peak_cells) = sampler.join().expect("sampler panicked");
    drop(done);
    if samples.len() < samples.capacity() {
        samples.push((start.elapsed().as_secs_f64() * 1e3, end.outstanding));
    }
    drop(Arc::into_inner(v).expect("workers are gone"));
    let s = stats.snapshot();
    drop(stats);
    Row {
        backend: R::CONTENDER,
        workload: name,
        threads,
        ops,
        s,
        reclaimed_during_run: end.reclaimed,
        peak_outstanding: peak.max(end.outstanding),
        outstanding_at_end: end.outstanding,
        peak_cells_outstanding: end.cells.map(|c| peak_cells.unwrap_or(0).max(c.outstanding)),
        element_heap_bytes: E::HEAP_BYTES,
        allocator_bytes_after_drop: live_bytes() - before,
        samples,
        work_secs,
        read: (readers > 0).then_some(read),
    }
}

/// A long-running reader: reads every element through one handle, pass
/// after pass, refreshing the handle between passes, until `stop`;
/// returns the elements read.
pub fn long_reader<E: TestElem, R: SuiteBackend>(v: &SecVec<E, R>, stop: &AtomicBool) -> u64 {
    read_passes(v, stop, None)
}

/// The same reading the first `len` elements in each pass (the whole
/// vector if `None`).
pub fn read_passes<E: TestElem, R: SuiteBackend>(
    v: &SecVec<E, R>,
    stop: &AtomicBool,
    len: Option<usize>,
) -> u64 {
    let mut h = v.pin();
    let mut read = 0;
    while !stop.load(Ordering::Acquire) {
        for i in 0..len.unwrap_or_else(|| h.len()) {
            if let Some(e) = h.get_ref(i) {
                std::hint::black_box(e.key());
                read += 1;
            }
        }
        h.refresh();
    }
    read
}

/// One row as it is written to `leak-report.json`.
pub fn row_json(r: &Row) -> Value {
    let b = r.s.descriptor_bytes;
    json!({
        "workload": r.workload, "backend": r.backend, "ops": r.ops, "threads": r.threads,
        "descriptor_bytes": b,
        "allocated": r.s.allocated, "allocated_bytes": r.s.allocated * b, "recycled": r.s.recycled,
        "eliminated_pairs": r.s.eliminated,
        "freed_unpublished": r.s.freed_unpublished, "retired": r.s.retired,
        "reclaimed_during_run": r.reclaimed_during_run, "reclaimed_at_drop": r.s.reclaimed_at_drop,
        "peak_outstanding": r.peak_outstanding, "peak_outstanding_bytes": r.peak_outstanding * b,
        "leaked_after_drop": r.s.leaked(), "leaked_after_drop_bytes": r.leaked_bytes(),
        "allocator_bytes_after_drop": r.allocator_bytes_after_drop, "allocator_agrees": r.agrees(),
        "cells": r.s.cells.map(|c| json!({
            "cell_bytes": c.cell_bytes, "element_heap_bytes": r.element_heap_bytes,
            "allocated": c.allocated, "freed_unpublished": c.freed_unpublished, "retired": c.retired,
            "reclaimed": c.reclaimed, "reclaimed_at_drop": c.reclaimed_at_drop,
            "peak_outstanding": r.peak_cells_outstanding, "freed_with_vector": c.freed_with_vector,
            "leaked_after_drop": c.leaked(),
        })),
        "samples_ms_outstanding": r.samples,
    })
}

/// Grows the process-wide thread bookkeeping of every backend (thread ids
/// of `thread_local`/seize, created once and kept, sized by the number of
/// threads alive at once) to more threads than any run has, so that no
/// run's allocator count includes it. The warm-up run of each cell does
/// the same for its shape, but a short run (smoke size) may never have
/// all its threads alive at once.
pub fn grow_thread_bookkeeping() {
    pub fn one<R: SuiteBackend>() {
        let threads = SCALING.iter().max().copied().unwrap_or(8) + 4;
        let v: SecVec<u64, R> = SecVec::new();
        let all_alive = Barrier::new(threads);
        std::thread::scope(|s| {
            for t in 0..threads {
                let (v, all_alive) = (&v, &all_alive);
                s.spawn(move || {
                    v.push(t as u64);
                    v.pop();
                    all_alive.wait();
                });
            }
        });
    }
    for_each_backend!(|R| one::<R>());
}

/// The push/pop row of `backend` at `threads` threads, and its twin with
/// one more thread stalled for the whole run, when both ran.
pub fn stalled_pair<'r>(rows: &'r [Row], backend: &str, threads: usize) -> Option<(&'r Row, &'r Row)> {
    let stalled = Scenario { workload: Workload::PUSH_POP, extra: Extra::Stall(None) }.name();
    let find =
        |w: &str| rows.iter().find(|r| r.backend == backend && r.workload == w && r.threads == threads);
    Some((find(&Workload::PUSH_POP.name())?, find(&stalled)?))
}

/// Thread counts at which push/pop also runs with one thread stalled for
/// the whole run (the main count runs it with the other stalls).
pub const STALL_FOREVER_THREADS: [usize; 2] = [2, 4];

/// The robustness target: with one thread stalled for the whole run, the
/// backends that promise bounded garbage (hazard pointers, classic and
/// asymmetric, and interval-based reclamation) hold at most twice their
/// peak without a stall, on push/pop at 2 and 4 threads. Checks whose rows
/// did not run are left out.
pub fn stall_targets(rows: &[Row]) -> Vec<crate::measure::checks::Check> {
    use secvec_suite::backends::{Hazard, HazardAsym, Ibr, SuiteBackend};
    let mut out = Vec::new();
    for b in [Hazard::CONTENDER, HazardAsym::CONTENDER, Ibr::CONTENDER] {
        for t in STALL_FOREVER_THREADS {
            if let Some((plain, stalled)) = stalled_pair(rows, b, t) {
                let what = format!("peak garbage, push-pop {t} thr, {b}: one thread stalled forever / none");
                let ratio = stalled.peak_outstanding as f64 / plain.peak_outstanding.max(1) as f64;
                out.push(crate::measure::checks::Check::at_most("P17", what, ratio, 2.0, "x"));
            }
        }
    }
    out
}
