//! The throughput matrix as Markdown tables and SVG charts.

use crate::Workload;
use crate::measure::matrix::{Cell, REFERENCE, ratio};
use crate::report::charts::{Axis, Series, line_chart, written};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The matrix as Markdown: one table per workload, contenders by threads,
/// each cell `Mops/s (ratio to std-mutex)`, after the workload's chart if
/// `chart` names one.
pub fn markdown(cells: &[Cell], threads: &[usize], chart: impl Fn(&str) -> Option<String>) -> String {
    let mut by_workload: BTreeMap<usize, (&str, Vec<&Cell>)> = BTreeMap::new();
    let order: Vec<&str> = cells.iter().map(|c| c.workload.as_str()).fold(Vec::new(), |mut acc, w| {
        if !acc.contains(&w) {
            acc.push(w);
        }
        acc
    });
    for c in cells {
        let k = order.iter().position(|w| *w == c.workload).unwrap_or(usize::MAX);
        by_workload.entry(k).or_insert((&c.workload, Vec::new())).1.push(c);
    }
    let mut out = String::new();
    for (workload, rows) in by_workload.values() {
        let unit = Workload::named(workload).map_or("Mops/s", Workload::unit);
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

/// One chart per workload: each contender's throughput against threads
/// (both axes logarithmic). Returns `(workload, file)` for each written.
pub fn throughput_charts<'c>(dir: &Path, cells: &'c [Cell]) -> Vec<(&'c str, String)> {
    let mut workloads: Vec<&str> = Vec::new();
    for c in cells {
        if !workloads.contains(&c.workload.as_str()) {
            workloads.push(&c.workload);
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
        let unit = Workload::named(w).map_or("Mops/s", Workload::unit);
        let file = format!("throughput-{w}.svg");
        let title = format!("{w}: throughput against threads");
        let path = dir.join(&file);
        if written(&path, line_chart(&path, &title, Axis::threads(), Axis::log(unit), &series)) {
            files.push((w, file));
        }
    }
    files
}
