//! Per-operation latency: every operation timed on its own and recorded in
//! an HDR histogram (`hdrhistogram`), per contender, workload and thread
//! count. Means hide what a reclaimer costs when it reclaims; the tail
//! percentiles show it.
//!
//! Each timed operation includes one read of the monotonic clock (about
//! 20 ns here, the same for every contender).

use crate::measure::checks::Check;
use crate::measure::matrix::REFERENCE;
use crate::{Contender, PREFILL, Rng, prepare};
use hdrhistogram::Histogram;
use std::hint::black_box;
use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// The latency workloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LatencyWorkload {
    /// Every thread: 50% push, 50% pop, each timed.
    PushPop,
    /// Every timed thread reads (`get` of a random index below
    /// [`PREFILL`]) while one more, untimed thread pushes and pops.
    GetUnderWriter,
}

impl LatencyWorkload {
    /// Both, in report order.
    pub const ALL: [LatencyWorkload; 2] = [LatencyWorkload::PushPop, LatencyWorkload::GetUnderWriter];

    /// Name in tables, charts and file names.
    pub fn name(self) -> &'static str {
        match self {
            LatencyWorkload::PushPop => "latency-push-pop",
            LatencyWorkload::GetUnderWriter => "latency-get-under-writer",
        }
    }
}

/// Timed threads of the latency cells.
pub const LATENCY_THREADS: [usize; 3] = [1, 2, 8];

/// The percentiles reported, with their labels.
pub const PERCENTILES: [(&str, f64); 4] = [("p50", 50.0), ("p99", 99.0), ("p99.9", 99.9), ("p99.99", 99.99)];

/// One latency cell.
#[derive(Clone, Debug)]
pub struct LatencyCell {
    /// [`LatencyWorkload::name`].
    pub workload: &'static str,
    /// Contender name.
    pub contender: &'static str,
    /// Timed threads.
    pub threads: usize,
    /// Operations recorded.
    pub ops: u64,
    /// Nanoseconds at each of [`PERCENTILES`].
    pub percentiles_ns: [u64; PERCENTILES.len()],
    /// The slowest operation, nanoseconds.
    pub max_ns: u64,
}

impl LatencyCell {
    /// Nanoseconds at the percentile labelled `label` (`"p99"`...).
    pub fn at(&self, label: &str) -> Option<u64> {
        PERCENTILES.iter().position(|(l, _)| *l == label).map(|i| self.percentiles_ns[i])
    }
}

/// Whether `C` runs the latency workloads: `u64` elements with push, pop
/// and get (SecVec's backends and the locked vectors).
pub fn runs<C: Contender>() -> bool {
    C::ELEMENT == "u64" && C::OPS.push && C::OPS.pop && C::OPS.get
}

fn histogram() -> Histogram<u64> {
    // 1 ns to 100 s, three significant digits.
    Histogram::new_with_bounds(1, 100_000_000_000, 3).expect("valid histogram bounds")
}

/// Runs `ops_per_thread` timed operations of `w` on each of `threads`
/// threads (after a quarter as many untimed ones as warm-up, which grows pools and
/// registers the threads with the reclaimer), and returns the merged
/// histogram's percentiles.
pub fn measure<C: Contender>(w: LatencyWorkload, threads: usize, ops_per_thread: usize) -> LatencyCell {
    let c: C = prepare(crate::Workload::PUSH_POP, 0);
    debug_assert!(c.get(PREFILL - 1).is_some());
    let writer = w == LatencyWorkload::GetUnderWriter;
    let start = Barrier::new(threads + usize::from(writer));
    let stop = AtomicBool::new(false);
    let hist = std::thread::scope(|s| {
        let (c, start, stop) = (&c, &start, &stop);
        if writer {
            s.spawn(move || {
                let mut rng = Rng::new(2, 0);
                start.wait();
                while !stop.load(Ordering::Relaxed) {
                    let r = rng.next_u64();
                    if r & 1 == 0 {
                        c.push(r)
                    } else {
                        black_box(c.pop());
                    }
                }
            });
        }
        let timed: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let mut rng = Rng::new(3, t as u64);
                    let mut h = histogram();
                    let one = |rng: &mut Rng| {
                        let r = rng.next_u64();
                        match w {
                            LatencyWorkload::PushPop if r & 1 == 0 => c.push(r),
                            LatencyWorkload::PushPop => {
                                black_box(c.pop());
                            }
                            LatencyWorkload::GetUnderWriter => {
                                black_box(c.get((r >> 32) as usize % PREFILL));
                            }
                        }
                    };
                    for _ in 0..ops_per_thread / 4 {
                        one(&mut rng);
                    }
                    start.wait();
                    for _ in 0..ops_per_thread {
                        let t0 = Instant::now();
                        one(&mut rng);
                        let ns = t0.elapsed().as_nanos();
                        h.saturating_record(u64::try_from(ns).unwrap_or(u64::MAX).max(1));
                    }
                    h
                })
            })
            .collect();
        let mut all = histogram();
        for t in timed {
            all.add(t.join().expect("timed thread panicked")).expect("same bounds");
        }
        stop.store(true, Ordering::Relaxed);
        all
    });
    LatencyCell {
        workload: w.name(),
        contender: C::NAME,
        threads,
        ops: hist.len(),
        percentiles_ns: PERCENTILES.map(|(_, p)| hist.value_at_percentile(p)),
        max_ns: hist.max(),
    }
}

/// Every latency cell whose name (`workload/contender/threads`) contains
/// `filter`, in report order; `each` is told of every cell before it runs.
pub fn all(filter: &str, ops_per_thread: usize, mut each: impl FnMut(&str)) -> Vec<LatencyCell> {
    fn one<C: Contender>(
        filter: &str,
        ops: usize,
        each: &mut dyn FnMut(&str),
        out: &mut Vec<(LatencyWorkload, usize, LatencyCell)>,
    ) {
        if !runs::<C>() {
            return;
        }
        for w in LatencyWorkload::ALL {
            for t in LATENCY_THREADS {
                let id = format!("{}/{}/{t}", w.name(), C::NAME);
                if id.contains(filter) {
                    each(&id);
                    out.push((w, t, measure::<C>(w, t, ops)));
                }
            }
        }
    }
    let mut out = Vec::new();
    crate::for_each_contender!(one(filter, ops_per_thread, &mut each, &mut out));
    // Report order: by workload, then threads, contenders as listed.
    out.sort_by_key(|(w, t, _)| (LatencyWorkload::ALL.iter().position(|x| x == w), *t));
    out.into_iter().map(|(_, _, c)| c).collect()
}

/// Cells [`all`] runs for `filter` (for progress bars).
pub fn count(filter: &str) -> usize {
    fn one<C: Contender>(filter: &str, n: &mut usize) {
        if runs::<C>() {
            for w in LatencyWorkload::ALL {
                for t in LATENCY_THREADS {
                    *n += usize::from(format!("{}/{}/{t}", w.name(), C::NAME).contains(filter));
                }
            }
        }
    }
    let mut n = 0;
    crate::for_each_contender!(one(filter, &mut n));
    n
}

/// Checks of the latency targets: P12 (push/pop at 2 threads, each
/// reclaiming backend's p99 at most 3x std `Mutex<Vec>`'s) and P13 (push/pop
/// at 1 thread, each reclaiming backend's p99.99 at most 5x std
/// `Mutex<Vec>`'s). Both are ratios within one run: a tail in microseconds
/// does not travel between CPUs. Checks whose cells did not run are left
/// out.
pub fn targets(cells: &[LatencyCell]) -> Vec<Check> {
    let at = |c: &str, t: usize, p: &str| {
        cells
            .iter()
            .find(|x| x.workload == LatencyWorkload::PushPop.name() && x.contender == c && x.threads == t)
            .and_then(|x| x.at(p))
    };
    let mut out = Vec::new();
    for (target, threads, percentile, needed) in [("P12", 2, "p99", 3.0), ("P13", 1, "p99.99", 5.0)] {
        for b in secvec_suite::backends::reclaiming_contenders() {
            if let (Some(p), Some(base)) = (at(b, threads, percentile), at(REFERENCE, threads, percentile)) {
                let what = format!("push-pop {threads} thr {percentile}, {b} / {REFERENCE}");
                let measured = p as f64 / base.max(1) as f64;
                out.push(Check { target, what, measured, needed, at_most: true, unit: "x" });
            }
        }
    }
    out
}

/// The cells as JSON rows.
pub fn json(cells: &[LatencyCell]) -> Vec<serde_json::Value> {
    cells
        .iter()
        .map(|c| {
            let mut row = serde_json::json!({
                "workload": c.workload, "contender": c.contender, "threads": c.threads, "ops": c.ops,
                "max_ns": c.max_ns,
            });
            for ((l, _), ns) in PERCENTILES.iter().zip(c.percentiles_ns) {
                row[format!("{l}_ns")] = ns.into();
            }
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contenders::StdMutex;

    #[test]
    fn every_timed_operation_is_recorded_in_order() {
        let c = measure::<StdMutex>(LatencyWorkload::GetUnderWriter, 2, 500);
        assert_eq!((c.ops, c.threads, c.contender), (1000, 2, "std-mutex"));
        let p = c.percentiles_ns;
        assert!(p.windows(2).all(|w| w[0] <= w[1]) && p[p.len() - 1] <= c.max_ns, "{c:?}");
        assert!(p[0] > 0);
    }

    fn cell(contender: &'static str, threads: usize, p99: u64, p9999: u64) -> LatencyCell {
        LatencyCell {
            workload: LatencyWorkload::PushPop.name(),
            contender,
            threads,
            ops: 1,
            percentiles_ns: [10, p99, p99, p9999],
            max_ns: p9999,
        }
    }

    #[test]
    fn the_latency_targets_are_upper_bounds() {
        let backend = secvec_suite::backends::reclaiming_contenders()[0];
        let reference = [cell(REFERENCE, 2, 100, 200), cell(REFERENCE, 1, 50, 400)];
        let fast = [
            reference[0].clone(),
            reference[1].clone(),
            cell(backend, 2, 300, 400),
            cell(backend, 1, 100, 2000),
        ];
        let checks = targets(&fast);
        assert_eq!(checks.iter().filter(|c| c.what.contains(backend)).count(), 2, "{checks:?}");
        assert!(checks.iter().filter(|c| c.what.contains(backend)).all(Check::met), "{checks:?}");
        let slow = [
            reference[0].clone(),
            reference[1].clone(),
            cell(backend, 2, 301, 400),
            cell(backend, 1, 100, 2001),
        ];
        let checks = targets(&slow);
        let failed: Vec<&str> = checks.iter().filter(|c| !c.met()).map(|c| c.target).collect();
        assert_eq!(failed, ["P12", "P13"], "{checks:?}");
    }
}
