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
/// P19 of the robust backends) against the cells of one run. Checks whose
/// cells did not run are left out.
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
    out
}
