//! Leak reports: every backend on every workload, with descriptor
//! accounting, outstanding garbage sampled about every millisecond, and the
//! leaked-after-drop figure cross-checked by a counting global allocator.
//!
//! Every workload runs at 4 threads; push/pop (the workload that makes the
//! most garbage) also runs at 1, 2 and 8 threads, for the peak-garbage
//! table by thread count, and once more with one reader holding an idle
//! handle (`SecVec::pin`) for the whole run: hazard pointers keep garbage
//! bounded, epochs and seize keep everything retired meanwhile until the
//! handle goes. Writes a terminal table,
//! `target/secvec-report/leak-report.{md,json}` and one SVG chart of
//! outstanding garbage over time per workload at 4 threads
//! (`garbage-<workload>.svg`, one line per backend). `--quick` (as passed by
//! `cargo bench -- --quick`) runs fewer operations. It ends with the cost
//! of one more (empty) vector per backend (`secvec_benches::cost`).

use plotters::prelude::*;
use secvec_benches::contenders::Sv;
use secvec_benches::{BenchElem, Contender, Rng, Str24, Workload, prepare, report, report_dir};
use secvec_suite::alloc::{Counting, live_bytes};
use secvec_suite::backends::SuiteBackend;
use secvec_suite::for_each_backend;
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOC: Counting = Counting;

/// Threads of the main table and the charts.
const THREADS: usize = 4;
/// Thread counts of the push/pop peak-garbage table.
const SCALING: [usize; 4] = [1, 2, 4, 8];
const SAMPLE_EVERY: Duration = Duration::from_millis(1);
/// Samples kept per run; allocated before the measurement starts so the
/// sampler never allocates during it.
const MAX_SAMPLES: usize = 1 << 16;

/// One backend on one workload.
struct Row {
    backend: &'static str,
    workload: &'static str,
    threads: usize,
    ops: usize,
    s: secvec_core::Snapshot,
    reclaimed_during_run: u64,
    peak_outstanding: u64,
    /// Peak of removed elements retired and not yet freed (heap elements
    /// only: `None` for inline ones).
    peak_cells_outstanding: Option<u64>,
    /// Heap bytes each element owns besides its cell.
    element_heap_bytes: u64,
    allocator_bytes_after_drop: i64,
    /// (milliseconds since start, outstanding descriptors)
    samples: Vec<(f64, u64)>,
}

impl Row {
    /// Descriptors and removed elements (cells and what they own) that the
    /// vector's accounting says were never freed.
    fn leaked_bytes(&self) -> u64 {
        let cells =
            self.s.cells.map_or(0, |c| c.leaked().unwrap_or(0) * (c.cell_bytes + self.element_heap_bytes));
        self.s.leaked_bytes().unwrap_or(0) + cells
    }

    fn agrees(&self) -> bool {
        self.allocator_bytes_after_drop == self.leaked_bytes() as i64
    }
}

/// A run: a workload, and whether one more reader holds an idle handle.
#[derive(Clone, Copy)]
struct Scenario {
    workload: Workload,
    /// The main thread takes a handle (`pin`), reads once through it, and
    /// keeps it idle until the workers are done: a long-running or stalled
    /// reader, as the user who keeps a handle too long makes one.
    idle_handle: bool,
}

impl Scenario {
    fn name(self) -> &'static str {
        match (self.workload, self.idle_handle) {
            (Workload::PushPop, true) => "push-pop + idle handle",
            (w, false) => w.name(),
            (_, true) => unreachable!("only push-pop runs with an idle handle"),
        }
    }
}

fn measure<R: SuiteBackend, E: BenchElem>(sc: Scenario, threads: usize, ops: usize) -> Row {
    let w = sc.workload;
    // Allocated before `before` and never grown: not part of the count.
    let mut samples: Vec<(f64, u64)> = Vec::with_capacity(MAX_SAMPLES);
    let before = live_bytes();
    let v = Arc::new(prepare::<Sv<R, E>>(w, ops));
    let stats = v.0.stats();
    let reader = sc.idle_handle.then(|| {
        let mut h = v.0.pin();
        h.len(); // protects the current descriptor, then stays idle
        h
    });
    let done = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    // Joined std threads rather than a scope: `join` returns only after a
    // thread has freed its thread-locals, so the allocator count is exact.
    let sampler = {
        let (stats, done) = (stats.clone(), Arc::clone(&done));
        std::thread::spawn(move || {
            let (mut peak, mut peak_cells) = (0, None::<u64>);
            while !done.load(Ordering::Acquire) {
                let snap = stats.snapshot();
                peak = peak.max(snap.outstanding);
                if let Some(c) = snap.cells {
                    peak_cells = Some(peak_cells.unwrap_or(0).max(c.outstanding));
                }
                if samples.len() < samples.capacity() {
                    samples.push((start.elapsed().as_secs_f64() * 1e3, snap.outstanding));
                }
                std::thread::sleep(SAMPLE_EVERY);
            }
            (samples, peak, peak_cells)
        })
    };
    // All workers start together: the run really has `threads` threads at
    // once (and so does the warm-up, whose job is to grow the thread-id free
    // lists of the backends to that many).
    let start_line = Arc::new(Barrier::new(threads));
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let (v, start_line) = (Arc::clone(&v), Arc::clone(&start_line));
            std::thread::spawn(move || {
                let mut rng = Rng::new(1, t as u64);
                start_line.wait();
                v.work(w, ops / threads, &mut rng);
            })
        })
        .collect();
    for h in workers {
        h.join().expect("worker panicked");
    }
    drop(start_line);
    let end = stats.snapshot();
    drop(reader);
    done.store(true, Ordering::Release);
    let (mut samples, peak, peak_cells) = sampler.join().expect("sampler panicked");
    drop(done);
    if samples.len() < samples.capacity() {
        samples.push((start.elapsed().as_secs_f64() * 1e3, end.outstanding));
    }
    drop(Arc::into_inner(v).expect("workers are gone"));
    let s = stats.snapshot();
    drop(stats);
    Row {
        backend: R::CONTENDER,
        workload: sc.name(),
        threads,
        ops,
        s,
        reclaimed_during_run: end.reclaimed,
        peak_outstanding: peak.max(end.outstanding),
        peak_cells_outstanding: end.cells.map(|c| peak_cells.unwrap_or(0).max(c.outstanding)),
        element_heap_bytes: E::HEAP_BYTES,
        allocator_bytes_after_drop: live_bytes() - before,
        samples,
    }
}

fn run_all(sc: Scenario, threads: usize, ops: usize, rows: &mut Vec<Row>) {
    fn one<R: SuiteBackend>(sc: Scenario, threads: usize, ops: usize, rows: &mut Vec<Row>) {
        eprintln!("leak report: {} / {} / {threads} threads", sc.name(), R::NAME);
        // A run of the same shape first grows process-wide state that is
        // created once and kept, so the cross-check counts only the vector:
        // at 8 threads, the first run of 50 000+ operations leaves 32 B
        // with hazard and seize, and later identical runs leave none
        // (thread-id bookkeeping of thread_local/seize, which grows with the
        // number of threads alive at once).
        let measure = match sc.workload.element() {
            e if e == Str24::NAME => measure::<R, Str24>,
            _ => measure::<R, u64>,
        };
        let _ = measure(sc, threads, ops);
        rows.push(measure(sc, threads, ops));
    }
    for_each_backend!(|R| one::<R>(sc, threads, ops, rows));
}

/// Peak outstanding garbage on push/pop by thread count, one row per
/// backend.
fn scaling_table(rows: &[Row]) -> String {
    let mut out = String::from("| backend |");
    for t in SCALING {
        let _ = write!(out, " {t} thr |");
    }
    out.push_str("\n|---|");
    out.push_str(&"---:|".repeat(SCALING.len()));
    out.push('\n');
    let push_pop = |r: &&Row| r.workload == Workload::PushPop.name();
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

fn table(rows: &[Row]) -> String {
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
fn cells_table(rows: &[Row]) -> String {
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

fn bytes(n: u64) -> String {
    match n {
        n if n >= 10 << 20 => format!("{} MiB", n >> 20),
        n if n >= 10 << 10 => format!("{} KiB", n >> 10),
        n => format!("{n} B"),
    }
}

fn row_json(r: &Row) -> Value {
    let b = r.s.descriptor_bytes;
    json!({
        "workload": r.workload, "backend": r.backend, "ops": r.ops, "threads": r.threads,
        "descriptor_bytes": b,
        "allocated": r.s.allocated, "allocated_bytes": r.s.allocated * b, "recycled": r.s.recycled,
        "eliminated_pairs": r.s.eliminated,
        "freed_unpublished": r.s.freed_unpublished, "retired": r.s.retired,
        "reclaimed_during_run": r.reclaimed_during_run, "reclaimed_at_drop": r.s.reclaimed_at_drop,
        "peak_outstanding": r.peak_outstanding, "peak_outstanding_bytes": r.peak_outstanding * b,
        "leaked_after_drop": r.s.leaked(), "leaked_after_drop_bytes": r.leaked_bytes(),
        "allocator_bytes_after_drop": r.allocator_bytes_after_drop, "allocator_agrees": r.agrees(),
        "cells": r.s.cells.map(|c| json!({
            "cell_bytes": c.cell_bytes, "element_heap_bytes": r.element_heap_bytes,
            "allocated": c.allocated, "freed_unpublished": c.freed_unpublished, "retired": c.retired,
            "reclaimed": c.reclaimed, "reclaimed_at_drop": c.reclaimed_at_drop,
            "peak_outstanding": r.peak_cells_outstanding, "freed_with_vector": c.freed_with_vector,
            "leaked_after_drop": c.leaked(),
        })),
        "samples_ms_outstanding": r.samples,
    })
}

const COLORS: [RGBColor; 4] =
    [RGBColor(31, 119, 180), RGBColor(255, 127, 14), RGBColor(44, 160, 44), RGBColor(214, 39, 40)];

/// Outstanding garbage over time, one line per backend, log scale.
fn chart(path: &std::path::Path, workload: &str, rows: &[&Row]) -> Result<(), Box<dyn std::error::Error>> {
    let t_max = rows.iter().flat_map(|r| r.samples.last()).map(|s| s.0).fold(1.0, f64::max);
    let y_max = rows.iter().flat_map(|r| r.samples.iter()).map(|s| s.1 + 1).max().unwrap_or(1).max(10);
    let root = SVGBackend::new(path, (900, 500)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(format!("outstanding garbage: {workload}, {THREADS} threads"), ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..t_max, (1u64..y_max * 2).log_scale())?;
    chart.configure_mesh().x_desc("time (ms)").y_desc("retired, not yet freed (descriptors + 1)").draw()?;
    for (i, r) in rows.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        chart
            .draw_series(LineSeries::new(r.samples.iter().map(|&(t, n)| (t, n + 1)), color.stroke_width(2)))?
            .label(r.backend)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
    }
    chart.configure_series_labels().border_style(BLACK).background_style(WHITE.mix(0.8)).draw()?;
    root.present()?;
    Ok(())
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let ops = if quick { 400_000 } else { 2_000_000 };
    let mut rows = Vec::new();
    let plain = |workload| Scenario { workload, idle_handle: false };
    let idle = Scenario { workload: Workload::PushPop, idle_handle: true };
    let scenarios: Vec<Scenario> = Workload::ALL.into_iter().map(plain).chain([idle]).collect();
    for &sc in &scenarios {
        run_all(sc, THREADS, ops, &mut rows);
    }
    for t in SCALING.into_iter().filter(|&t| t != THREADS) {
        run_all(plain(Workload::PushPop), t, ops, &mut rows);
    }
    let dir = report_dir();
    let md = table(&rows);
    let scaling = scaling_table(&rows);
    let cells = cells_table(&rows);
    let cost_n = if quick { 20_000 } else { 100_000 };
    eprintln!("leak report: cost of a vector, {cost_n} of each");
    let cost = secvec_benches::cost::markdown(&secvec_benches::cost::all(cost_n));
    let text = format!(
        "{ops} operations per run, {THREADS} threads unless the row says otherwise. Counts are \
         descriptors; \"leaked after drop\" and the allocator column include removed elements \
         (table below).\n\n{md}\n\
         Removed elements of the heap-element workloads (`String`s of 24 bytes in cells; bytes \
         are the cell and the string's buffer):\n\n{cells}\n\
         Peak outstanding garbage on push/pop by thread count (descriptors, and bytes):\n\n{scaling}\n\
         Cost of a vector ({cost_n} `u64` vectors at once, each with its own reclamation domain; heap \
         bytes from the counting allocator plus the inline size; boxcar's first use is one push):\n\n{cost}"
    );
    println!("\nSecVec leak report\n\n{text}");
    let machine = report::machine();
    std::fs::write(
        dir.join("leak-report.md"),
        format!("# SecVec leak report\n\nMachine: {machine}\n\n{text}"),
    )
    .expect("write leak-report.md");
    let doc = json!({ "meta": { "machine": machine, "threads": THREADS, "scaling_threads": SCALING, "ops": ops },
                      "rows": rows.iter().map(row_json).collect::<Vec<_>>() });
    std::fs::write(dir.join("leak-report.json"), serde_json::to_string(&doc).expect("serialize"))
        .expect("write leak-report.json");
    for sc in scenarios {
        let of_w: Vec<&Row> =
            rows.iter().filter(|r| r.workload == sc.name() && r.threads == THREADS).collect();
        let file = sc.name().replace(" + ", "-").replace(' ', "-");
        let path = dir.join(format!("garbage-{file}.svg"));
        if let Err(e) = chart(&path, sc.name(), &of_w) {
            eprintln!("chart {}: {e}", path.display());
        }
    }
    let disagree = rows.iter().filter(|r| !r.agrees()).count();
    println!(
        "allocator cross-check: {} of {} runs agree with the leak report",
        rows.len() - disagree,
        rows.len()
    );
    println!("written: {}/leak-report.{{md,json}} and garbage-*.svg", dir.display());
    if disagree > 0 {
        eprintln!("leak report: {disagree} runs disagree with the counting allocator");
        std::process::exit(1);
    }
}
