//! Summary tables: read Criterion's own estimates back and write the
//! throughput matrix as a terminal table, Markdown and JSON.

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

fn ratio(cells: &[Cell], c: &Cell) -> Option<f64> {
    cells
        .iter()
        .find(|r| r.contender == REFERENCE && r.workload == c.workload && r.threads == c.threads)
        .map(|r| c.mops / r.mops)
}

/// The matrix as Markdown: one table per workload, contenders by threads,
/// each cell `Mops/s (ratio to std-mutex)`.
pub fn markdown(cells: &[Cell], threads: &[usize]) -> String {
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
        let _ = writeln!(out, "\n**{workload}** (Mops/s, and ratio to `{REFERENCE}`)\n");
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

/// The matrix as JSON: one object per cell, with the ratio to std-mutex.
pub fn json(cells: &[Cell], meta: Value) -> Value {
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
    json!({ "meta": meta, "cells": rows })
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
