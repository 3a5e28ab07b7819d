//! Summary tables: read Criterion's own estimates back and write the
//! throughput matrix as a terminal table, Markdown and JSON.

use crate::charts::{Axis, Series, line_chart, written};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::SystemTime;

/// One benchmark of the matrix.
#[derive(Clone, Debug)]
pub struct Cell {
    /// Workload name.
    pub workload: &'static str,
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
fn ratio(cells: &[Cell], c: &Cell) -> Option<f64> {
    let workload = c.workload.strip_suffix("-pinned").unwrap_or(c.workload);
    cells
        .iter()
        .find(|r| r.contender == REFERENCE && r.workload == workload && r.threads == c.threads)
        .map(|r| c.mops / r.mops)
}

/// The matrix as Markdown: one table per workload, contenders by threads,
/// each cell `Mops/s (ratio to std-mutex)`, after the workload's chart if
/// `chart` names one.
pub fn markdown(cells: &[Cell], threads: &[usize], chart: impl Fn(&str) -> Option<String>) -> String {
    let mut by_workload: BTreeMap<usize, (&str, Vec<&Cell>)> = BTreeMap::new();
    let order: Vec<&str> = cells.iter().map(|c| c.workload).fold(Vec::new(), |mut acc, w| {
        if !acc.contains(&w) {
            acc.push(w);
        }
        acc
    });
    for c in cells {
        let k = order.iter().position(|w| *w == c.workload).unwrap_or(usize::MAX);
        by_workload.entry(k).or_insert((c.workload, Vec::new())).1.push(c);
    }
    let mut out = String::new();
    for (workload, rows) in by_workload.values() {
        let unit = if *workload == crate::Workload::Extend64.name() { "M elements/s" } else { "Mops/s" };
        let _ = writeln!(out, "\n**{workload}** ({unit}, and ratio to `{REFERENCE}`)\n");
        if let Some(file) = chart(workload) {
            let _ = writeln!(out, "![{workload}: throughput against threads]({file})\n");
        }
        let _ = write!(out, "| contender |");
        for t in threads {
            let _ = write!(out, " {t} thr |");
        }
        let _ = write!(out, "\n|---|");
        for _ in threads {
            let _ = write!(out, "---:|");
        }
        out.push('\n');
        let mut names: Vec<&str> = Vec::new();
        for r in rows {
            if !names.contains(&r.contender) {
                names.push(r.contender);
            }
        }
        for name in names {
            let _ = write!(out, "| {name} |");
            for &t in threads {
                match rows.iter().find(|c| c.contender == name && c.threads == t) {
                    Some(c) => match ratio(cells, c) {
                        Some(x) => {
                            let _ = write!(out, " {:.1} ({x:.2}x) |", c.mops);
                        }
                        None => {
                            let _ = write!(out, " {:.1} |", c.mops);
                        }
                    },
                    None => out.push_str(" - |"),
                }
            }
            out.push('\n');
        }
    }
    out
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

/// Target checks as JSON (the `targets` array of `matrix.json` and
/// `leak-report.json`, which the page's scoreboard reads).
pub fn checks_json(checks: &[Check]) -> Vec<Value> {
    checks
        .iter()
        .map(|c| {
            json!({ "target": c.target, "check": c.what, "measured": c.measured, "needed": c.needed,
                    "at_most": c.at_most, "unit": c.unit, "shown": c.shown(), "needed_shown": c.needed_shown(),
                    "met": c.met() })
        })
        .collect()
}

/// A short description of the machine and the run, for report headers.
pub fn machine() -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let secs = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    json!({ "cpu": cpu, "cores": cores, "unix_time": secs })
}

/// The machine in one line, for Markdown headers: `AMD EPYC, 2 cores,
/// 2026-11-26 23:53 UTC`.
pub fn machine_line() -> String {
    let m = machine();
    format!(
        "{}, {} cores, {}",
        m["cpu"].as_str().unwrap_or("unknown CPU"),
        m["cores"],
        crate::html::date(m["unix_time"].as_u64())
    )
}

/// One check of a performance target against the cells of one run.
#[derive(Clone, Debug)]
pub struct Check {
    /// Target id (`P1`...).
    pub target: &'static str,
    /// What was compared, e.g. `read-heavy 2 thr, secvec-epoch / std-mutex`.
    pub what: String,
    /// The measured value.
    pub measured: f64,
    /// The bound the target sets.
    pub needed: f64,
    /// Whether `needed` is an upper bound (latencies) rather than a lower
    /// one (throughput ratios).
    pub at_most: bool,
    /// Unit of `measured` and `needed`: `"x"` (a ratio) or `" ns"`.
    pub unit: &'static str,
}

impl Check {
    /// A ratio that must be at least `needed`.
    pub fn at_least(target: &'static str, what: String, measured: f64, needed: f64) -> Check {
        Check { target, what, measured, needed, at_most: false, unit: "x" }
    }

    /// A value that must be at most `needed`, in `unit` (`"x"` for a
    /// ratio, `" ns"`, `" B"`).
    pub fn at_most(
        target: &'static str,
        what: String,
        measured: f64,
        needed: f64,
        unit: &'static str,
    ) -> Check {
        Check { target, what, measured, needed, at_most: true, unit }
    }

    /// Whether the target is met in this check.
    pub fn met(&self) -> bool {
        if self.at_most { self.measured <= self.needed } else { self.measured >= self.needed }
    }

    fn show(&self, v: f64) -> String {
        match self.unit {
            "x" => format!("{v:.2}x"),
            unit => format!("{v:.0}{unit}"),
        }
    }

    /// The measured value with its unit.
    pub fn shown(&self) -> String {
        self.show(self.measured)
    }

    /// The bound with its unit and direction (`>= 3.00x`, `<= 2000 ns`).
    pub fn needed_shown(&self) -> String {
        format!("{} {}", if self.at_most { "<=" } else { ">=" }, self.show(self.needed))
    }
}

/// Checks the throughput targets (P1-P5 of the performance issue, P1, P2,
/// P8 and P9 as the handles issue redefined them) against
/// the cells of one run. Checks whose cells did not run are left out.
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
    out
}

/// The checks as a Markdown section: a summary line per target, then
/// every check.
pub fn targets_markdown(checks: &[Check]) -> String {
    format!("\n## Targets\n\nRatios within this run; latencies of this run.\n\n{}", checks_markdown(checks))
}

/// The checks as Markdown, without a heading.
pub fn checks_markdown(checks: &[Check]) -> String {
    let mut out = String::new();
    let mut ids: Vec<&str> = Vec::new();
    for c in checks {
        if !ids.contains(&c.target) {
            ids.push(c.target);
        }
    }
    for id in ids {
        let of: Vec<&Check> = checks.iter().filter(|c| c.target == id).collect();
        let met = of.iter().filter(|c| c.met()).count();
        let _ = writeln!(out, "- {id}: {met} of {} checks met", of.len());
    }
    out.push_str("\n| target | check | measured | needed | met |\n|---|---|---:|---:|:---:|\n");
    for c in checks {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            c.target,
            c.what,
            c.shown(),
            c.needed_shown(),
            if c.met() { "yes" } else { "no" }
        );
    }
    out
}

/// One chart per workload: each contender's throughput against threads
/// (both axes logarithmic). Returns `(workload, file)` for each written.
pub fn throughput_charts(dir: &Path, cells: &[Cell]) -> Vec<(&'static str, String)> {
    let mut workloads: Vec<&'static str> = Vec::new();
    for c in cells {
        if !workloads.contains(&c.workload) {
            workloads.push(c.workload);
        }
    }
    let mut files = Vec::new();
    for w in workloads {
        let mut series: Vec<Series> = Vec::new();
        for c in cells.iter().filter(|c| c.workload == w) {
            match series.iter_mut().find(|s| s.name == c.contender) {
                Some(s) => s.points.push((c.threads as f64, c.mops)),
                None => {
                    series.push(Series { name: c.contender.into(), points: vec![(c.threads as f64, c.mops)] })
                }
            }
        }
        let unit = if w == crate::Workload::Extend64.name() { "M elements/s" } else { "Mops/s" };
        let file = format!("throughput-{w}.svg");
        let title = format!("{w}: throughput against threads");
        let path = dir.join(&file);
        if written(&path, line_chart(&path, &title, Axis::threads(), Axis::log(unit), &series)) {
            files.push((w, file));
        }
    }
    files
}
