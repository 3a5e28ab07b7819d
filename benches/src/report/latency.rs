//! Per-operation latency as Markdown tables and SVG charts.

use crate::measure::latency::{LATENCY_THREADS, LatencyCell, LatencyWorkload, PERCENTILES};
use crate::report::charts::{Axis, Scale, Series, line_chart, written};
use std::fmt::Write as _;

/// The latency cells as Markdown: one table per workload (nanoseconds).
pub fn markdown(cells: &[LatencyCell]) -> String {
    let mut out = String::new();
    for w in LatencyWorkload::ALL {
        let rows: Vec<&LatencyCell> = cells.iter().filter(|c| c.workload == w.name()).collect();
        if rows.is_empty() {
            continue;
        }
        let _ = write!(out, "\n**{}** (ns per operation)\n\n| contender | threads |", w.name());
        for (l, _) in PERCENTILES {
            let _ = write!(out, " {l} |");
        }
        out.push_str(" max |\n|---|---:|");
        out.push_str(&"---:|".repeat(PERCENTILES.len() + 1));
        out.push('\n');
        for c in rows {
            let _ = write!(out, "| {} | {} |", c.contender, c.threads);
            for ns in c.percentiles_ns {
                let _ = write!(out, " {ns} |");
            }
            let _ = writeln!(out, " {} |", c.max_ns);
        }
    }
    out
}

/// One chart per workload and thread count: each contender's percentiles
/// (and maximum), nanoseconds on a log axis. Returns the file names written.
pub fn charts(dir: &std::path::Path, cells: &[LatencyCell]) -> Vec<String> {
    fn label(v: f64) -> String {
        let i = v.round();
        if (v - i).abs() > 0.01 || i < 0.0 {
            return String::new();
        }
        PERCENTILES
            .get(i as usize)
            .map_or(if i as usize == PERCENTILES.len() { "max" } else { "" }, |p| p.0)
            .into()
    }
    let mut files = Vec::new();
    for w in LatencyWorkload::ALL {
        for t in LATENCY_THREADS {
            let series: Vec<Series> = cells
                .iter()
                .filter(|c| c.workload == w.name() && c.threads == t)
                .map(|c| Series {
                    name: c.contender.to_string(),
                    points: c
                        .percentiles_ns
                        .iter()
                        .chain([&c.max_ns])
                        .enumerate()
                        .map(|(i, &ns)| (i as f64, ns as f64))
                        .collect(),
                })
                .collect();
            if series.is_empty() {
                continue;
            }
            let file = format!("{}-{t}thr.svg", w.name());
            let x = Axis { label: "percentile", scale: Scale::Linear, format: label };
            let title = format!("{}, {t} timed thread{}", w.name(), if t == 1 { "" } else { "s" });
            let path = dir.join(&file);
            if written(&path, line_chart(&path, &title, x, Axis::log("ns per operation"), &series)) {
                files.push(file);
            }
        }
    }
    files
}
