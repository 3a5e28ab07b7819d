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

fn backends_in(cells: &[Cell]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for c in cells {
        if !out.contains(&c.backend) {
            out.push(c.backend);
        }
    }
    out
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
    let _ = write!(
        md,
        "Readers, M elements/s:\n\n{}\nWriters, Mops/s:\n\n{}\nPeak garbage (objects):\n\n{}\n\
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
/// cells, and whether the baseline is the fastest in each.
pub fn baseline_markdown(cells: &[Cell], names: &[String]) -> String {
    let backends: Vec<&str> = backends_in(cells).into_iter().filter(|&b| b != NONE).collect();
    let mut md = String::from("| cell | none, M/s |");
    for b in &backends {
        let _ = write!(md, " {b} |");
    }
    md.push_str("\n|---|---:|");
    md.push_str(&"---:|".repeat(backends.len()));
    md.push('\n');
    // (rows compared, rows where none is the fastest, the slowest ratio
    // of none to the best backend), for writers and for readers.
    let mut tally = [(0, 0, f64::INFINITY); 2];
    for name in names {
        for (readers, what) in [(false, ""), (true, " (readers)")] {
            let rate = move |r: &crate::measure::smr::Run| if readers { r.read_rate } else { r.write_rate };
            let Some(none) = find(cells, name, NONE) else { continue };
            let base = none.spread(rate).median;
            if base == 0.0 {
                continue;
            }
            let _ = write!(md, "| {name}{what} | {} |", fmt_spread(none.spread(rate), 1e6, 1));
            let mut best = 0.0f64;
            for b in &backends {
                match find(cells, name, b) {
                    Some(c) => {
                        let v = c.spread(rate).median;
                        best = best.max(v);
                        let _ = write!(md, " {:.2}x |", v / base);
                    }
                    None => md.push_str(" – |"),
                }
            }
            md.push('\n');
            let t = &mut tally[usize::from(readers)];
            t.0 += 1;
            t.1 += usize::from(base >= best);
            t.2 = t.2.min(base / best.max(f64::MIN_POSITIVE));
        }
    }
    let overflow: u64 = cells.iter().filter_map(|c| c.arena_overflows).sum();
    let [w, r] = tally;
    let _ = write!(
        md,
        "\nWriters: `none` is at least as fast as every reclaiming backend in {} of {} rows (medians; \
         where it is not, it reaches {:.2}x of the fastest). Readers beside a writer: {} of {} rows \
         (down to {:.2}x). Readers and the writer compete for the vector's `current` pointer and each \
         new descriptor (every read loads them): the faster the writer, the more of the readers' loads \
         miss, so a backend with slower writes has faster readers, and no reclamation (the fastest \
         writer) is not the fastest for its readers. Its arena ran out {overflow} times in this run{}.\n",
        w.1,
        w.0,
        if w.0 > 0 { w.2.min(1.0) } else { 1.0 },
        r.1,
        r.0,
        if r.0 > 0 { r.2.min(1.0) } else { 1.0 },
        if overflow > 0 {
            " (those allocations went to the system allocator, page faults included)"
        } else {
            ""
        }
    );
    md
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
    let mut allocators: Vec<&str> = Vec::new();
    for c in cells {
        if !allocators.contains(&c.allocator) {
            allocators.push(c.allocator);
        }
    }
    let mut names: Vec<String> = Vec::new();
    for c in cells {
        if !names.contains(&c.spec.name()) {
            names.push(c.spec.name());
        }
    }
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
