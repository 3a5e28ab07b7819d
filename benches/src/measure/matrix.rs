//! The throughput matrix's data: Criterion's own estimates read back
//! into [`Cell`]s, their ratios to the reference contender, the JSON that
//! `matrix.json` holds, and the throughput targets checked against them.

use crate::Workload;
use crate::measure::checks::{Check, checks_json};
use serde_json::{Value, json};
use std::path::Path;
use std::time::SystemTime;

/// One benchmark of the matrix.
#[derive(Clone, Debug)]
pub struct Cell {
    /// Workload name.
    pub workload: String,
    /// Contender name.
    pub contender: &'static str,
    /// Worker threads.
    pub threads: usize,
    /// Million operations per second (Criterion's mean estimate).
    pub mops: f64,
}

/// The contender every ratio is taken against.
pub const REFERENCE: &str = "std-mutex";

/// Reads the mean time per iteration that Criterion estimated for
/// `group/function/threads` under `criterion_dir`, if it was written at or
/// after `since` (so results of earlier or filtered-out runs are not mixed
/// in), and converts it to Mops/s given `ops_per_iter`.
pub fn read_estimate(
    criterion_dir: &Path,
    group: &str,
    function: &str,
    threads: usize,
    ops_per_iter: usize,
    since: SystemTime,
) -> Option<f64> {
    let path = criterion_dir.join(group).join(function).join(threads.to_string()).join("new/estimates.json");
    let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
    if modified < since {
        return None;
    }
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).ok()?).ok()?;
    let ns_per_iter = v["mean"]["point_estimate"].as_f64()?;
    Some(ops_per_iter as f64 / ns_per_iter * 1e3)
}

/// `c` against the reference in the same run: the same workload, or for a
/// `-pinned` workload (which only SecVec runs) the same mix without handles.
pub fn ratio(cells: &[Cell], c: &Cell) -> Option<f64> {
    let workload =
        Workload::named(&c.workload).map_or_else(|| c.workload.clone(), |w| w.without_handles().name());
    cells
        .iter()
        .find(|r| r.contender == REFERENCE && r.workload == workload && r.threads == c.threads)
        .map(|r| c.mops / r.mops)
}

/// The matrix as JSON: one object per cell, with the ratio to std-mutex,
/// and the target checks.
pub fn json(cells: &[Cell], checks: &[Check], meta: Value) -> Value {
    let rows: Vec<Value> = cells
        .iter()
        .map(|c| {
            json!({
                "workload": c.workload,
                "contender": c.contender,
                "threads": c.threads,
                "mops": c.mops,
                "ratio_to_std_mutex": ratio(cells, c),
            })
        })
        .collect();
    let checks = checks_json(checks);
    json!({ "meta": meta, "cells": rows, "targets": checks })
}

/// Checks the throughput targets (P1-P5 of the performance issue, P1, P2,
/// P8 and P9 as the handles issue redefined them, P10 of batches, P18 and
/// P19 of the robust backends, P20-P22 of single writes against locks)
/// against the cells of one run. Checks whose cells did not run are left
/// out.
pub fn targets(cells: &[Cell]) -> Vec<Check> {
    let mops = |w: &str, c: &str, t: usize| {
        cells.iter().find(|x| x.workload == w && x.contender == c && x.threads == t).map(|x| x.mops)
    };
    let mut out = Vec::new();
    let mut check = |target, what: String, measured: Option<f64>, needed| {
        if let Some(measured) = measured {
            out.push(Check::at_least(target, what, measured, needed));
        }
    };
    let ratio = |w: &str, a: &str, b: &str, t| Some(mops(w, a, t)? / mops(w, b, t)?);
    // The backends that reclaim memory (the targets' "real backends"; the
    // leak backend is a baseline), and all of them.
    let real = secvec_suite::backends::reclaiming_contenders();
    let all = secvec_suite::backends::contenders();
    // The handle targets: reads through handles (`-pinned` workloads) against
    // the baselines' plain cells of the same mix, in the same run.
    let against =
        |w: &str, a: &str, base_w: &str, base: &str, t| Some(mops(w, a, t)? / mops(base_w, base, t)?);
    for t in [2, 8] {
        for &b in &all {
            for (base, needed) in [("std-mutex", 3.0), ("pl-rwlock", 1.5)] {
                let what = format!("read-heavy-pinned {t} thr, {b} / {base} read-heavy");
                check("P1", what, against("read-heavy-pinned", b, "read-heavy", base, t), needed);
            }
        }
    }
    for &b in &all {
        let scaling = mops("get-pinned", b, 2).zip(mops("get-pinned", b, 1)).map(|(two, one)| two / one);
        check("P2", format!("get-pinned, {b} 2 thr / 1 thr"), scaling, 1.8);
    }
    for t in [1, 2] {
        for &b in &all {
            let what = format!("get-pinned {t} thr, {b} / boxcar get");
            check("P8", what, against("get-pinned", b, "get", "boxcar", t), 0.8);
        }
    }
    for &b in &all {
        check("P9", format!("get 1 thr, {b} / boxcar"), ratio("get", b, "boxcar", 1), 0.5);
    }
    // The batch target: batches of 64 (elements/s) against single pushes.
    for t in [1, 2] {
        for &b in &all {
            let what = format!("extend-64 {t} thr, {b} elements/s / its push");
            check("P10", what, against("extend-64", b, "push", b, t), 10.0);
            let what = format!("extend-64 {t} thr, {b} elements/s / boxcar push");
            check("P10", what, against("extend-64", b, "push", "boxcar", t), 1.0);
        }
    }
    let best = |w: &str, t| real.iter().filter_map(|b| mops(w, b, t)).reduce(f64::max);
    let best_8 = best("push-pop", 8).zip(mops("push-pop", "std-mutex", 8)).map(|(b, m)| b / m);
    check("P3", "push-pop 8 thr, best backend / std-mutex".into(), best_8, 1.0);
    for (t, needed) in [(8, 0.5), (2, 0.3)] {
        for &b in &real {
            let what = format!("push-pop {t} thr, {b} / std-mutex");
            check("P3", what, ratio("push-pop", b, "std-mutex", t), needed);
        }
    }
    for &b in &real {
        // "at most 4x the time per op" = at least 1/4 of the throughput.
        check("P4", format!("push 1 thr, {b} / std-mutex"), ratio("push", b, "std-mutex", 1), 0.25);
    }
    for w in ["push-pop", "read-heavy"] {
        for t in [1, 2, 4, 8] {
            for &b in &real {
                let of_best = mops(w, b, t).zip(best(w, t)).map(|(m, best)| m / best);
                check("P5", format!("{w} {t} thr, {b} / best backend"), of_best, 0.5);
            }
        }
    }
    // Robust at epoch speed: the faster of the robust schemes that need no
    // fence per read against the faster of the epoch-style ones, per cell.
    use secvec_suite::backends::{Epoch, HazardAsym, Ibr, Seize, SuiteBackend};
    let asym = HazardAsym::CONTENDER;
    let robust = [asym, Ibr::CONTENDER];
    let fast = [Epoch::CONTENDER, Seize::CONTENDER];
    let fastest = |names: &[&str], w: &str, t| names.iter().filter_map(|b| mops(w, b, t)).reduce(f64::max);
    for (w, t) in [("push", 1), ("push-pop", 1), ("push-pop", 2), ("get", 1), ("get-pinned", 1)] {
        let what = format!("{w} {t} thr, fastest of {} / fastest of {}", robust.join(", "), fast.join(", "));
        check("P18", what, fastest(&robust, w, t).zip(fastest(&fast, w, t)).map(|(r, f)| r / f), 0.9);
    }
    check(
        "P19",
        format!("get-pinned 1 thr, {asym} / boxcar get"),
        against("get-pinned", asym, "get", "boxcar", 1),
        0.8,
    );
    // Single writes against locks: at one thread the epoch-style backends
    // at half a std `Mutex`, under contention the best backend at a
    // parking_lot `Mutex` (2 threads) or half of one (8 threads).
    for w in ["push", "push-pop"] {
        for b in fast {
            check("P20", format!("{w} 1 thr, {b} / std-mutex"), ratio(w, b, "std-mutex", 1), 0.5);
        }
    }
    let best_of = |w: &str, t| best(w, t).zip(mops(w, "pl-mutex", t)).map(|(b, m)| b / m);
    check("P21", "push-pop 2 thr, best backend / pl-mutex".into(), best_of("push-pop", 2), 1.0);
    for w in ["push-pop", "push"] {
        check("P22", format!("{w} 8 thr, best backend / pl-mutex"), best_of(w, 8), 0.5);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use secvec_suite::backends::{Epoch, Seize, SuiteBackend};

    fn cell(workload: &str, contender: &'static str, threads: usize, mops: f64) -> Cell {
        Cell { workload: workload.into(), contender, threads, mops }
    }

    /// The single-write targets against locks, at their bounds: met at the
    /// bound, missed just below it, and left out when a cell did not run.
    #[test]
    fn the_write_targets_compare_single_writes_with_locks() {
        let cells = |scale: f64| {
            let mut cells = Vec::new();
            for w in ["push", "push-pop"] {
                cells.push(cell(w, REFERENCE, 1, 10.0));
                cells.push(cell(w, Epoch::CONTENDER, 1, 5.0 * scale));
                cells.push(cell(w, Seize::CONTENDER, 1, 5.0 * scale));
                cells.push(cell(w, "pl-mutex", 8, 10.0));
                cells.push(cell(w, Epoch::CONTENDER, 8, 5.0 * scale));
            }
            cells.push(cell("push-pop", "pl-mutex", 2, 10.0));
            cells.push(cell("push-pop", Seize::CONTENDER, 2, 10.0 * scale));
            targets(&cells)
        };
        let of = |checks: &[Check], target: &str| -> Vec<bool> {
            checks.iter().filter(|c| c.target == target).map(Check::met).collect()
        };
        let at_bound = cells(1.0);
        assert_eq!(of(&at_bound, "P20"), [true; 4], "{at_bound:?}");
        assert_eq!(of(&at_bound, "P21"), [true], "{at_bound:?}");
        assert_eq!(of(&at_bound, "P22"), [true; 2], "{at_bound:?}");
        let below = cells(0.99);
        assert_eq!(of(&below, "P20"), [false; 4], "{below:?}");
        assert_eq!(of(&below, "P21"), [false], "{below:?}");
        assert_eq!(of(&below, "P22"), [false; 2], "{below:?}");
        let none = targets(&[cell("push", REFERENCE, 1, 10.0)]);
        assert!(none.iter().all(|c| !["P20", "P21", "P22"].contains(&c.target)), "{none:?}");
    }
}
