//! Leak reports as Markdown tables and SVG charts.

use crate::Workload;
use crate::measure::leaks::{Extra, LONG_LEN, Row, SCALING, Scenario, stalled_pair};
use crate::report::charts::{Axis, Series, line_chart, written};
use std::fmt::Write as _;
use std::path::Path;

/// Peak outstanding garbage on push/pop by thread count, one row per
/// backend.
pub fn scaling_table(rows: &[Row]) -> String {
    let mut out = String::from("| backend |");
    for t in SCALING {
        let _ = write!(out, " {t} thr |");
    }
    out.push_str("\n|---|");
    out.push_str(&"---:|".repeat(SCALING.len()));
    out.push('\n');
    let push_pop = |r: &&Row| r.workload == Workload::PUSH_POP.name();
    let mut backends: Vec<&str> = Vec::new();
    for r in rows.iter().filter(push_pop) {
        if !backends.contains(&r.backend) {
            backends.push(r.backend);
        }
    }
    for b in backends {
        let _ = write!(out, "| {b} |");
        for t in SCALING {
            match rows.iter().filter(push_pop).find(|r| r.backend == b && r.threads == t) {
                Some(r) => {
                    let _ = write!(
                        out,
                        " {} ({}) |",
                        r.peak_outstanding,
                        bytes(r.peak_outstanding * r.s.descriptor_bytes)
                    );
                }
                None => out.push_str(" - |"),
            }
        }
        out.push('\n');
    }
    out
}

/// Every row: the accounting, garbage and the allocator cross-check.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| workload | threads | backend | allocated | recycled | freed unpublished | retired | reclaimed in run \
         | reclaimed at drop | peak outstanding | leaked after drop | allocator after drop | agree |\n\
         |---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|\n",
    );
    for r in rows {
        let b = r.s.descriptor_bytes;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} ({}) | {} | {} | {} | {} | {} | {} ({}) | {} ({}) | {} B | {} |",
            r.workload,
            r.threads,
            r.backend,
            r.s.allocated,
            bytes(r.s.allocated * b),
            r.s.recycled,
            r.s.freed_unpublished,
            r.s.retired,
            r.reclaimed_during_run,
            r.s.reclaimed_at_drop,
            r.peak_outstanding,
            bytes(r.peak_outstanding * b),
            r.s.leaked().unwrap_or(0),
            bytes(r.leaked_bytes()),
            r.allocator_bytes_after_drop,
            if r.agrees() { "yes" } else { "NO" },
        );
    }
    out
}

/// The removed elements of the heap-element workloads: cells retired,
/// freed by the reclaimer, the peak held back, and leaked.
pub fn cells_table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| workload | threads | backend | cells allocated | freed unpublished | retired (removed) | reclaimed \
         | peak outstanding | dropped with the vector | leaked after drop |\n\
         |---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let (Some(c), Some(peak)) = (r.s.cells, r.peak_cells_outstanding) else { continue };
        let each = c.cell_bytes + r.element_heap_bytes;
        let leaked = c.leaked().unwrap_or(0);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} ({}) | {} | {} ({}) |",
            r.workload,
            r.threads,
            r.backend,
            c.allocated,
            c.freed_unpublished,
            c.retired,
            c.reclaimed,
            peak,
            bytes(peak * each),
            c.freed_with_vector,
            leaked,
            bytes(leaked * each),
        );
    }
    out
}

/// A byte count in B, KiB or MiB.
pub fn bytes(n: u64) -> String {
    match n {
        n if n >= 10 << 20 => format!("{} MiB", n >> 20),
        n if n >= 10 << 10 => format!("{} KiB", n >> 10),
        n => format!("{n} B"),
    }
}

/// Outstanding garbage over time, one line per backend, log scale.
pub fn over_time(
    path: &std::path::Path,
    title: &str,
    rows: &[&Row],
) -> Result<(), Box<dyn std::error::Error>> {
    let series: Vec<Series> = rows
        .iter()
        .map(|r| Series {
            name: r.backend.into(),
            points: r.samples.iter().map(|&(t, n)| (t, n as f64 + 1.0)).collect(),
        })
        .collect();
    line_chart(
        path,
        title,
        Axis::linear("time (ms)"),
        Axis::log("retired, not yet freed (descriptors + 1)"),
        &series,
    )
}

/// Peak outstanding garbage against threads on push/pop, one line per
/// backend.
pub fn by_threads(path: &std::path::Path, rows: &[Row]) -> Result<(), Box<dyn std::error::Error>> {
    let mut series: Vec<Series> = Vec::new();
    for r in rows.iter().filter(|r| r.workload == Workload::PUSH_POP.name()) {
        let point = (r.threads as f64, r.peak_outstanding as f64 + 1.0);
        match series.iter_mut().find(|s| s.name == r.backend) {
            Some(s) => s.points.push(point),
            None => series.push(Series { name: r.backend.into(), points: vec![point] }),
        }
    }
    for s in &mut series {
        s.points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    let title = "push-pop: peak outstanding garbage against threads";
    line_chart(
        path,
        title,
        Axis::threads(),
        Axis::log("peak retired, not yet freed (descriptors + 1)"),
        &series,
    )
}

/// Where each backend sits between bounded and fast: one point per
/// backend, x its push/pop throughput at `threads` threads and y its peak
/// garbage with one more thread stalled for the whole run at the same
/// count, both from this report's own timed runs (one process, one run).
pub fn bounded_vs_fast(path: &Path, rows: &[Row], threads: usize) -> Result<(), Box<dyn std::error::Error>> {
    let mut series = Vec::new();
    for r in rows.iter().filter(|r| r.workload == Workload::PUSH_POP.name() && r.threads == threads) {
        if let Some((_, s)) = stalled_pair(rows, r.backend, threads) {
            let mops = r.ops as f64 / r.work_secs / 1e6;
            series.push(Series {
                name: r.backend.into(),
                points: vec![(mops, s.peak_outstanding as f64 + 1.0)],
            });
        }
    }
    if series.is_empty() {
        return Err("no push-pop row with a matching stall-forever row".into());
    }
    let title = format!("bounded or fast: push-pop at {threads} threads, one more thread stalled forever");
    line_chart(
        path,
        &title,
        Axis::linear("push/pop throughput without the stall (Mops/s, this report's timed run)"),
        Axis::log("peak garbage with the stall (descriptors + 1)"),
        &series,
    )
}

/// Stalled-thread runs: garbage at its peak, when the workers were done,
/// and after the drop.
pub fn stall_table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| scenario | threads | backend | peak outstanding | outstanding at end of run | reclaimed in run \
         | leaked after drop |\n|---|---:|---|---:|---:|---:|---:|\n",
    );
    for r in rows.iter().filter(|r| r.workload.contains("+ stall")) {
        let b = r.s.descriptor_bytes;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} ({}) | {} ({}) | {} | {} |",
            r.workload,
            r.threads,
            r.backend,
            r.peak_outstanding,
            bytes(r.peak_outstanding * b),
            r.outstanding_at_end,
            bytes(r.outstanding_at_end * b),
            r.reclaimed_during_run,
            r.s.leaked().unwrap_or(0),
        );
    }
    out
}

/// Long-running readers: both halves' throughput and the garbage.
pub fn long_readers_table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| backend | writers (Mops/s) | readers (M elements/s) | peak outstanding | outstanding at end of run \
         | leaked after drop |\n|---|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let Some(read) = r.read else { continue };
        let b = r.s.descriptor_bytes;
        let _ = writeln!(
            out,
            "| {} | {:.2} | {:.1} | {} ({}) | {} | {} |",
            r.backend,
            r.ops as f64 / r.work_secs / 1e6,
            read as f64 / r.work_secs / 1e6,
            r.peak_outstanding,
            bytes(r.peak_outstanding * b),
            r.outstanding_at_end,
            r.s.leaked().unwrap_or(0),
        );
    }
    out
}

/// One leak-report run, as its page describes it.
pub struct Run<'a> {
    /// Every row measured.
    pub rows: &'a [Row],
    /// The scenarios at the main thread count, in report order.
    pub scenarios: &'a [Scenario],
    /// The main thread count.
    pub threads: usize,
    /// Operations per run.
    pub ops: usize,
    /// Vectors per row of the cost section.
    pub cost_n: usize,
    /// The cost section's tables.
    pub cost: &'a str,
    /// The stall targets' table.
    pub stall_checks: &'a str,
}

/// The leak report's sections as Markdown, writing its charts into `dir`.
pub fn markdown(dir: &Path, run: &Run<'_>) -> String {
    let chart = |file: String, title: &str, of: &[&Row]| -> Option<String> {
        let path = dir.join(&file);
        written(&path, over_time(&path, title, of)).then(|| format!("![{title}]({file})\n"))
    };
    let at_threads = |name: &str| -> Vec<&Row> {
        run.rows.iter().filter(|r| r.workload == name && r.threads == run.threads).collect()
    };
    let mut over_time_charts = String::new();
    let mut stall_charts = String::new();
    let mut long_chart = String::new();
    for sc in run.scenarios {
        let title = format!("outstanding garbage: {}, {} threads", sc.name(), run.threads);
        let md =
            chart(format!("garbage-{}.svg", sc.file()), &title, &at_threads(&sc.name())).unwrap_or_default();
        match sc.extra {
            Extra::None => over_time_charts.push_str(&md),
            Extra::Stall(_) => stall_charts.push_str(&md),
            Extra::LongReaders => long_chart.push_str(&md),
        }
    }
    let by_threads_path = dir.join("garbage-by-threads.svg");
    let by_threads_chart = if written(&by_threads_path, by_threads(&by_threads_path, run.rows)) {
        "![push-pop: peak outstanding garbage against threads](garbage-by-threads.svg)\n"
    } else {
        ""
    };
    let bounded_path = dir.join("bounded-vs-fast.svg");
    let bounded_chart = if written(&bounded_path, bounded_vs_fast(&bounded_path, run.rows, 2)) {
        "Where each backend sits between bounded and fast (one point per backend; x from the \
         push/pop run at 2 threads below, y from the same workload at 2 threads with one more thread \
         stalled for the whole run):\n\n![bounded or fast](bounded-vs-fast.svg)\n"
    } else {
        ""
    };
    let threads = run.threads;
    format!(
        "{ops} operations per run, {threads} threads unless the row says otherwise. Counts are \
         descriptors; \"leaked after drop\" and the allocator column include removed elements \
         (table below).\n\n## Leaks and garbage\n\n{md}\n\
         ## Removed elements\n\nRemoved elements of the heap-element workloads (`String`s of 24 bytes in \
         cells; bytes are the cell and the string's buffer):\n\n{cells}\n\
         ## Garbage by threads\n\nPeak outstanding garbage on push/pop by thread count (descriptors, and \
         bytes):\n\n{by_threads_chart}\n{scaling}\n\
         ## Long-running readers\n\n{readers} of the {threads} threads read all {LONG_LEN} elements through \
         a handle, pass after pass (refreshing it between passes), while the others push and pop \
         ({ops} operations in all); throughput over the writers' run.\n\n{long_chart}\n{long}\n\
         ## Stalled threads\n\nOne more thread stalls inside an operation (holds a handle it read \
         through) for 1 ms or 10 ms at a time, or for the whole run, while {threads} threads push and \
         pop. Hazard pointers hold back one descriptor for it; epochs and seize cannot advance past it \
         while it stalls. The stall for the whole run also runs at 2 threads.\n\n{stall_charts}\n{stalls}\n\
         Targets for garbage under a stall, in this run:\n\n{stall_checks}\n{bounded_chart}\n\
         ## Garbage over time\n\nOutstanding garbage, sampled about every millisecond, per workload at \
         {threads} threads.\n\n{over_time_charts}\n\
         ## Cost of a vector\n\n{cost_n} `u64` vectors, 1 000 alive at a time (created into touched pages, \
         each batch dropped before the next), each with its own reclamation domain or all in one shared \
         domain; heap bytes from the counting allocator plus the inline size; boxcar's first use is one \
         push.\n\n{cost}",
        md = table(run.rows),
        cells = cells_table(run.rows),
        scaling = scaling_table(run.rows),
        readers = threads / 2,
        threads = run.threads,
        ops = run.ops,
        cost_n = run.cost_n,
        cost = run.cost,
        long = long_readers_table(run.rows),
        stalls = stall_table(run.rows),
        stall_checks = run.stall_checks,
    )
}
