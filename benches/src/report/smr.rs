//! The smr-benchmark-style sections: the read-length sweep, every backend
//! against no reclamation, average and peak memory (`smr.md`), and the
//! allocator axis (`allocators.md`, merged from each allocator target's
//! JSON).

use crate::measure::smr::{Cell, NONE, Spread, sweep_spec};
use crate::report::charts::{Axis, Series, line_chart, written};
use std::fmt::Write as _;
use std::path::Path;

/// `median (min–max)`, scaled by `scale`, with `†` when the runs differ by
/// more than 30%.
fn fmt_spread(s: Spread, scale: f64, digits: usize) -> String {
    let mark = if s.noisy() { " †" } else { "" };
    format!("{:.digits$} ({:.digits$}–{:.digits$}){mark}", s.median / scale, s.min / scale, s.max / scale)
}

/// What a smoke run's sections say first.
pub const SMOKE_NOTE: &str = " **A smoke run** (`SECVEC_BENCH_SMOKE`): every run lasted a fraction of a \
                              second; its numbers mean nothing.";

/// What a footnote says about `†`.
pub const NOISY_NOTE: &str = "Each value is the median of the runs, with their min–max; † marks a \
                              cell whose runs differ by more than 30% of the median.";

/// `f` of every cell, each value once, in the order of first appearance.
fn first_seen<T: PartialEq>(cells: &[Cell], f: impl Fn(&Cell) -> T) -> Vec<T> {
    let mut out = Vec::new();
    for c in cells {
        let v = f(c);
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

fn backends_in(cells: &[Cell]) -> Vec<&'static str> {
    first_seen(cells, |c| c.backend)
}

fn find<'c>(cells: &'c [Cell], name: &str, backend: &str) -> Option<&'c Cell> {
    cells.iter().find(|c| c.spec.name() == name && c.backend == backend)
}

/// A table with one row per backend and one column per read length.
fn sweep_table(cells: &[Cell], lengths: &[usize], value: impl Fn(&Cell) -> String) -> String {
    let mut md = String::from("| backend |");
    for n in lengths {
        let _ = write!(md, " 2^{} |", n.trailing_zeros());
    }
    md.push_str("\n|---|");
    md.push_str(&"---:|".repeat(lengths.len()));
    md.push('\n');
    for b in backends_in(cells) {
        let _ = write!(md, "| {b} |");
        for &n in lengths {
            let v = find(cells, &sweep_spec(n).name(), b).map_or_else(|| "–".into(), &value);
            let _ = write!(md, " {v} |");
        }
        md.push('\n');
    }
    md
}

fn sweep_chart(
    dir: &Path,
    cells: &[Cell],
    lengths: &[usize],
    file: &str,
    title: &str,
    y: Axis,
    value: impl Fn(&Cell) -> f64,
) -> String {
    let series: Vec<Series> = backends_in(cells)
        .into_iter()
        .map(|b| Series {
            name: b.to_string(),
            points: lengths
                .iter()
                .filter_map(|&n| find(cells, &sweep_spec(n).name(), b).map(|c| (n as f64, value(c))))
                .collect(),
        })
        .collect();
    let path = dir.join(file);
    let x = Axis { label: "read length (elements)", ..Axis::log("") };
    if written(&path, line_chart(&path, title, x, y, &series)) {
        format!("![{title}]({file})\n\n")
    } else {
        String::new()
    }
}

/// The read-length sweep: tables and charts.
pub fn sweep_markdown(dir: &Path, cells: &[Cell], lengths: &[usize]) -> String {
    let reads = |c: &Cell| c.spread(|r| r.read_rate).median;
    let writes = |c: &Cell| c.spread(|r| r.write_rate).median;
    let peak = |c: &Cell| c.spread(|r| r.garbage.peak).median;
    let avg = |c: &Cell| c.spread(|r| r.garbage.avg).median;
    let mut md = String::new();
    md.push_str(&sweep_chart(
        dir,
        cells,
        lengths,
        "sweep-readers.svg",
        "long-running readers: elements read per second against read length",
        Axis::log("elements/s"),
        reads,
    ));
    md.push_str(&sweep_chart(
        dir,
        cells,
        lengths,
        "sweep-writers.svg",
        "writers beside them: push/pop per second against read length",
        Axis::log("ops/s"),
        writes,
    ));
    md.push_str(&sweep_chart(
        dir,
        cells,
        lengths,
        "sweep-garbage-peak.svg",
        "peak garbage against read length (descriptors and removed elements)",
        Axis::log("objects"),
        peak,
    ));
    md.push_str(&sweep_chart(
        dir,
        cells,
        lengths,
        "sweep-garbage-avg.svg",
        "average garbage against read length (sampled every ms)",
        Axis::log("objects"),
        avg,
    ));
    md.push_str(&growth_markdown(cells, lengths));
    let _ = write!(
        md,
        "\nReaders, M elements/s:\n\n{}\nWriters, Mops/s:\n\n{}\nPeak garbage (objects):\n\n{}\n\
         Average garbage (objects):\n\n{}\nPeak bytes held beyond the empty vector (KiB):\n\n{}\n",
        sweep_table(cells, lengths, |c| fmt_spread(c.spread(|r| r.read_rate), 1e6, 0)),
        sweep_table(cells, lengths, |c| fmt_spread(c.spread(|r| r.write_rate), 1e6, 1)),
        sweep_table(cells, lengths, |c| format!("{:.0}", peak(c))),
        sweep_table(cells, lengths, |c| format!("{:.0}", avg(c))),
        sweep_table(cells, lengths, |c| format!("{:.0}", c.spread(|r| r.bytes.peak).median / 1024.0)),
    );
    md
}

/// Every backend's throughput as a ratio to no reclamation in the same
/// cells; per backend, the geometric mean of its ratios over the cells
/// without readers; and where the baseline is the fastest.
pub fn baseline_markdown(cells: &[Cell], names: &[String]) -> String {
    let backends: Vec<&str> = backends_in(cells).into_iter().filter(|&b| b != NONE).collect();
    let mut md = String::from("| cell | none, M/s |");
    for b in &backends {
        let _ = write!(md, " {b} |");
    }
    md.push_str("\n|---|---:|");
    md.push_str(&"---:|".repeat(backends.len()));
    md.push('\n');
    // Per kind of row (writers without readers, writers beside readers,
    // readers): rows, rows where none is the fastest, and the lowest
    // ratio of none to the fastest backend.
    let mut tally = [(0, 0, f64::INFINITY); 3];
    // Per backend: sum of log ratios and count, over cells without readers.
    let mut logs = vec![(0.0f64, 0u32); backends.len()];
    for name in names {
        for (readers, what) in [(false, ""), (true, " (readers)")] {
            let rate = move |r: &crate::measure::smr::Run| if readers { r.read_rate } else { r.write_rate };
            let Some(none) = find(cells, name, NONE) else { continue };
            let base = none.spread(rate).median;
            if base == 0.0 {
                continue;
            }
            let kind = match (none.spec.read_len.is_some(), readers) {
                (false, _) => 0,
                (true, false) => 1,
                (true, true) => 2,
            };
            let _ = write!(md, "| {name}{what} | {} |", fmt_spread(none.spread(rate), 1e6, 1));
            let mut best = 0.0f64;
            for (k, b) in backends.iter().enumerate() {
                match find(cells, name, b) {
                    Some(c) => {
                        let v = c.spread(rate).median;
                        best = best.max(v);
                        let _ = write!(md, " {:.2}x |", v / base);
                        if kind == 0 && v > 0.0 {
                            logs[k] = (logs[k].0 + (v / base).ln(), logs[k].1 + 1);
                        }
                    }
                    None => md.push_str(" – |"),
                }
            }
            md.push('\n');
            let t = &mut tally[kind];
            t.0 += 1;
            t.1 += usize::from(base >= best);
            t.2 = t.2.min(base / best.max(f64::MIN_POSITIVE));
        }
    }
    md.push_str("| geometric mean, cells without readers | |");
    for &(sum, n) in &logs {
        if n == 0 {
            md.push_str(" – |");
        } else {
            let _ = write!(md, " {:.2}x |", (sum / f64::from(n)).exp());
        }
    }
    md.push('\n');
    let mut ranked: Vec<(f64, &str)> = logs
        .iter()
        .zip(&backends)
        .filter(|((_, n), _)| *n > 0)
        .map(|(&(sum, n), b)| ((sum / f64::from(n)).exp(), *b))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let ranking: Vec<String> = ranked.iter().map(|(g, b)| format!("{b} {g:.2}x")).collect();
    let kinds = ["cells without readers", "the sweep's writers", "the sweep's readers"];
    let mut verdict = String::new();
    for (k, (rows, fastest, low)) in tally.into_iter().enumerate() {
        if rows > 0 {
            let _ = write!(
                verdict,
                "{}{}: {fastest} of {rows}{}",
                if verdict.is_empty() { "" } else { "; " },
                kinds[k],
                if fastest < rows {
                    format!(" (where it is not, down to {low:.2}x of the fastest)")
                } else {
                    String::new()
                }
            );
        }
    }
    let overflow: u64 = cells.iter().filter_map(|c| c.arena_overflows).sum();
    let _ = write!(
        md,
        "\nAgainst no reclamation over the cells without readers (geometric means, cheapest first): \
         **{}**. Rows where `none` is \
         at least as fast as every reclaiming backend (medians): {verdict}. Where it is not: memory that \
         is never reused is never in cache (each `extend-64` batch writes about 600 fresh bytes, which the \
         reclaiming backends take warm from their pools), and in the sweep the reader and the writer \
         compete for the vector's `current` pointer and each new descriptor, which every read loads: \
         the faster one side runs, the more of the other's loads miss. Its arena ran out {overflow} \
         times in this run{}.\n",
        if ranking.is_empty() { "–".to_string() } else { ranking.join(", ") },
        if overflow > 0 {
            " (those allocations went to the system allocator, page faults included)"
        } else {
            ""
        }
    );
    md
}

/// For each backend, the first read length from which its peak garbage
/// stays above twice its lowest peak over the sweep (the sweep's answer
/// to "from which read length does garbage stop being bounded"; the
/// lowest rather than the first, because one length's peak can be
/// inflated by when a collector happened to run).
pub fn growth_markdown(cells: &[Cell], lengths: &[usize]) -> String {
    let mut grows = Vec::new();
    let mut flat = Vec::new();
    for b in backends_in(cells).into_iter().filter(|&b| b != NONE) {
        let peaks: Vec<Option<f64>> = lengths
            .iter()
            .map(|&n| find(cells, &sweep_spec(n).name(), b).map(|c| c.spread(|r| r.garbage.peak).median))
            .collect();
        let Some(low) = peaks.iter().flatten().copied().reduce(f64::min) else { continue };
        let from =
            (0..peaks.len()).find(|&i| peaks[i..].iter().all(|p| p.is_some_and(|p| p > 2.0 * low.max(1.0))));
        match from {
            Some(i) => grows.push(format!("{b} from 2^{}", lengths[i].trailing_zeros())),
            None => flat.push(b.to_string()),
        }
    }
    format!(
        "Peak garbage grows with the read length (stays above twice its lowest peak of the sweep from \
         that length on): {}. Stays within twice it: {}.\n",
        if grows.is_empty() { "none".into() } else { grows.join(", ") },
        if flat.is_empty() { "none".into() } else { flat.join(", ") },
    )
}

/// Average and peak garbage and bytes of the standard cells.
pub fn memory_markdown(cells: &[Cell], names: &[String]) -> String {
    let mut md = String::from(
        "| cell | backend | garbage avg | garbage peak | KiB avg | KiB peak |\n|---|---|---:|---:|---:|---:|\n",
    );
    for name in names {
        for c in cells.iter().filter(|c| &c.spec.name() == name) {
            let m = |f: fn(&crate::measure::smr::Run) -> f64| c.spread(f).median;
            let _ = writeln!(
                md,
                "| {name} | {} | {:.0} | {:.0} | {:.0} | {:.0} |",
                c.backend,
                m(|r| r.garbage.avg),
                m(|r| r.garbage.peak),
                m(|r| r.bytes.avg) / 1024.0,
                m(|r| r.bytes.peak) / 1024.0
            );
        }
    }
    md
}

/// The allocator axis: one row per backend and cell, one column per
/// allocator.
pub fn allocators_markdown(cells: &[Cell]) -> String {
    let allocators = first_seen(cells, |c| c.allocator);
    let names = first_seen(cells, |c| c.spec.name());
    let mut md = String::from("| cell | backend |");
    for a in &allocators {
        let _ = write!(md, " {a}, M/s |");
    }
    md.push_str("\n|---|---|");
    md.push_str(&"---:|".repeat(allocators.len()));
    md.push('\n');
    for name in &names {
        for b in backends_in(cells) {
            let _ = write!(md, "| {name} | {b} |");
            for a in &allocators {
                let v = cells
                    .iter()
                    .find(|c| &c.spec.name() == name && c.backend == b && c.allocator == *a)
                    .map_or_else(|| "–".into(), |c| fmt_spread(c.spread(|r| r.write_rate), 1e6, 1));
                let _ = write!(md, " {v} |");
            }
            md.push('\n');
        }
    }
    md
}

/// Writes `dir/allocators-<allocator>.json` from `cells`, then
/// `dir/allocators.md` from every such file present (each allocator is its
/// own bench target: a process has one global allocator).
pub fn write_allocators(dir: &Path, allocator: &str, cells: &[Cell]) -> std::io::Result<()> {
    use crate::measure::smr::{cell_from_json, cell_json};
    let doc = serde_json::json!({ "machine": crate::measure::machine::machine(), "allocator": allocator,
                                  "smoke": crate::smoke(),
                                  "cells": cells.iter().map(cell_json).collect::<Vec<_>>() });
    std::fs::write(dir.join(format!("allocators-{allocator}.json")), doc.to_string())?;
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("allocators-") && n.ends_with(".json"))
        })
        .collect();
    // The system allocator first, then by name.
    files.sort_by_key(|p| (!p.ends_with("allocators-system.json"), p.clone()));
    let mut all = Vec::new();
    let mut sources = Vec::new();
    let mut smoke = false;
    for f in files {
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&f)?).unwrap_or_default();
        let cells: Vec<Cell> =
            v["cells"].as_array().into_iter().flatten().filter_map(cell_from_json).collect();
        smoke |= v["smoke"] == true;
        if !cells.is_empty() {
            sources.push(format!("`{}`", f.file_name().and_then(|n| n.to_str()).unwrap_or("?")));
            all.extend(cells);
        }
    }
    let md = format!(
        "# SecVec under other allocators\n\n## Allocators\n\nThe same fixed-time cells under each global \
         allocator (each its own bench target: `smr` for the system's, `smr_mimalloc`, `smr_jemalloc`), \
         units per second (operations; elements for `extend-64`). From {}.{}\n\n{}\n{NOISY_NOTE}\n",
        sources.join(", "),
        if smoke { SMOKE_NOTE } else { "" },
        allocators_markdown(&all)
    );
    std::fs::write(dir.join("allocators.md"), md)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::smr::{Run, Sampled};

    fn cell(backend: &'static str, n: usize, peak: f64, write_rate: f64) -> Cell {
        let run = Run {
            secs: 1.0,
            write_rate,
            read_rate: 0.0,
            garbage: Sampled { avg: peak / 2.0, peak },
            bytes: Sampled::default(),
        };
        Cell { spec: sweep_spec(n), backend, allocator: "system", runs: vec![run], arena_overflows: None }
    }

    #[test]
    fn growth_names_where_garbage_stops_being_bounded() {
        let lengths = [1 << 10, 1 << 12, 1 << 14, 1 << 16];
        let mut cells = Vec::new();
        for (i, &n) in lengths.iter().enumerate() {
            cells.push(cell("flat", n, 66.0, 1.0));
            // Above twice its first peak from 2^16 on (the spike at 2^12 does not count).
            cells.push(cell("grows", n, [100.0, 250.0, 150.0, 900.0][i], 1.0));
        }
        let md = growth_markdown(&cells, &lengths);
        assert!(md.contains("grows from 2^16"), "{md}");
        assert!(md.contains("Stays within twice it: flat."), "{md}");
    }

    #[test]
    fn the_baseline_table_divides_by_none_and_names_the_cheapest() {
        let n = 1 << 10;
        let cells = vec![cell(NONE, n, 0.0, 10e6), cell("slow", n, 0.0, 2e6), cell("fast", n, 0.0, 8e6)];
        let mut spec_free = cells.clone();
        for c in &mut spec_free {
            c.spec.read_len = None; // a cell without readers
        }
        let md = baseline_markdown(&spec_free, &[spec_free[0].spec.name()]);
        assert!(md.contains("| 0.20x | 0.80x |"), "{md}");
        assert!(md.contains("**fast 0.80x, slow 0.20x**"), "{md}");
        assert!(md.contains("cells without readers: 1 of 1"), "{md}");
    }
}
