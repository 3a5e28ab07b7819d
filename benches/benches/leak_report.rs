//! Leak reports: every backend on every workload, with descriptor
//! accounting, outstanding garbage sampled about every millisecond, and the
//! leaked-after-drop figure cross-checked by a counting global allocator.
//!
//! Every workload runs at 4 threads; push/pop (the workload that makes the
//! most garbage) also runs at 1, 2 and 8 threads (peak garbage against
//! threads), with one more thread stalling inside an operation for 1 ms,
//! 10 ms or the whole run (non-cooperative threads: hazard pointers keep
//! garbage bounded, epochs and seize keep everything retired meanwhile),
//! and with long-running readers (half the threads read the whole vector,
//! pass after pass). Writes a terminal table,
//! `target/secvec-report/leak-report.{md,json}`, SVG charts (garbage over
//! time per scenario, peak garbage against threads) and the report page
//! `index.html`. `--quick` (as passed by `cargo bench -- --quick`) runs
//! fewer operations, `SECVEC_BENCH_SMOKE=1` very few (CI). It ends with
//! the cost of one more (empty) vector per backend
//! (`secvec_benches::cost`).

use secvec_benches::charts::{Axis, Series, line_chart, written};
use secvec_benches::contenders::SecVecContender;
use secvec_benches::progress::{Progress, Target};
use secvec_benches::{Contender, Elem, PREFILL, Rng, Str24, Workload, prepare, report, report_dir, smoke};
use secvec_core::SecVec;
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
    workload: String,
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
    /// Outstanding descriptors when the workers were done.
    outstanding_at_end: u64,
    /// Seconds the workers took.
    work_secs: f64,
    /// Elements the long-running readers read (`None`: no readers).
    read: Option<u64>,
}

impl Row {
    /// Descriptors and removed elements (cells and what they own) that the
    /// vector's accounting says were never freed.
    fn leaked_bytes(&self) -> u64 {
        secvec_suite::elem::leaked_bytes(&self.s, self.element_heap_bytes)
            .expect("read after the drop: final")
    }

    fn agrees(&self) -> bool {
        self.allocator_bytes_after_drop == self.leaked_bytes() as i64
    }
}

/// A run: a workload, and what else happens meanwhile.
#[derive(Clone, Copy)]
struct Scenario {
    workload: Workload,
    extra: Extra,
}

/// What runs beside the workers of a scenario.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Extra {
    /// Nothing.
    None,
    /// One more thread stalls inside an operation, as a preempted or
    /// non-cooperative thread does: it takes a handle (`SecVec::pin`),
    /// reads once through it and holds it for this long, then drops it and
    /// starts again, until the workers are done; `None`: it takes one
    /// handle and holds it for the whole run.
    Stall(Option<Duration>),
    /// Long-running readers: half the threads read the whole vector
    /// ([`LONG_LEN`] elements) through a handle, pass after pass
    /// (refreshing the handle between passes), while the other half push
    /// and pop (smr-benchmark's long-running-reader pattern).
    LongReaders,
}

/// Elements in the vector of the long-running-reader scenario.
const LONG_LEN: usize = 1 << 16;

/// The stalls of the report.
const STALLS: [Option<Duration>; 3] = [Some(Duration::from_millis(1)), Some(Duration::from_millis(10)), None];

impl Scenario {
    fn name(self) -> String {
        match self.extra {
            Extra::None => self.workload.name().into(),
            Extra::Stall(Some(d)) => format!("{} + stall {} ms", self.workload.name(), d.as_millis()),
            Extra::Stall(None) => format!("{} + stall forever", self.workload.name()),
            Extra::LongReaders => "long-running readers".into(),
        }
    }

    fn file(self) -> String {
        self.name().replace(" + ", "-").replace(' ', "-")
    }
}

fn measure<R: SuiteBackend, E: Elem>(sc: Scenario, threads: usize, ops: usize) -> Row {
    let w = sc.workload;
    // Allocated before `before` and never grown: not part of the count.
    let name = sc.name();
    let mut samples: Vec<(f64, u64)> = Vec::with_capacity(MAX_SAMPLES);
    let before = live_bytes();
    let v = Arc::new(prepare::<SecVecContender<R, E>>(w, ops));
    if sc.extra == Extra::LongReaders {
        v.0.extend_from_iter((PREFILL..LONG_LEN).map(|i| E::make(i as u64)));
    }
    let stats = v.0.stats();
    let stall_forever = (sc.extra == Extra::Stall(None)).then(|| {
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
    // Threads that run until the workers are done (a stalling thread,
    // long-running readers), each returning the elements it read.
    let writers_done = Arc::new(AtomicBool::new(false));
    let side = |f: fn(&SecVec<E, R>, &AtomicBool) -> u64| {
        let (v, stop) = (Arc::clone(&v), Arc::clone(&writers_done));
        std::thread::spawn(move || f(&v.0, &stop))
    };
    let (readers, writers) = match sc.extra {
        Extra::LongReaders => (threads / 2, threads - threads / 2),
        _ => (0, threads),
    };
    let mut sides: Vec<_> = (0..readers).map(|_| side(long_reader::<E, R>)).collect();
    if let Extra::Stall(Some(d)) = sc.extra {
        let (v, stop) = (Arc::clone(&v), Arc::clone(&writers_done));
        sides.push(std::thread::spawn(move || {
            while !stop.load(Ordering::Acquire) {
                let mut h = v.0.pin();
                h.len();
                std::thread::sleep(d); // the stall: the workload, not synchronization
                drop(h);
            }
            0
        }));
    }
    // All workers start together: the run really has `threads` threads at
    // once (and so does the warm-up, whose job is to grow the thread-id free
    // lists of the backends to that many).
    let start_line = Arc::new(Barrier::new(writers));
    let work_start = Instant::now();
    let workers: Vec<_> = (0..writers)
        .map(|t| {
            let (v, start_line) = (Arc::clone(&v), Arc::clone(&start_line));
            std::thread::spawn(move || {
                let mut rng = Rng::new(1, t as u64);
                start_line.wait();
                v.work(w, ops / writers, &mut rng);
            })
        })
        .collect();
    for h in workers {
        h.join().expect("worker panicked");
    }
    let work_secs = work_start.elapsed().as_secs_f64();
    writers_done.store(true, Ordering::Release);
    let read: u64 = sides.into_iter().map(|h| h.join().expect("reader or staller panicked")).sum();
    drop((start_line, writers_done));
    let end = stats.snapshot();
    drop(stall_forever);
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
        workload: name,
        threads,
        ops,
        s,
        reclaimed_during_run: end.reclaimed,
        peak_outstanding: peak.max(end.outstanding),
        outstanding_at_end: end.outstanding,
        peak_cells_outstanding: end.cells.map(|c| peak_cells.unwrap_or(0).max(c.outstanding)),
        element_heap_bytes: E::HEAP_BYTES,
        allocator_bytes_after_drop: live_bytes() - before,
        samples,
        work_secs,
        read: (readers > 0).then_some(read),
    }
}

/// A long-running reader: reads every element through one handle, pass
/// after pass, refreshing the handle between passes, until `stop`;
/// returns the elements read.
fn long_reader<E: Elem, R: SuiteBackend>(v: &SecVec<E, R>, stop: &AtomicBool) -> u64 {
    let mut h = v.pin();
    let mut read = 0;
    while !stop.load(Ordering::Acquire) {
        for i in 0..h.len() {
            if let Some(e) = h.get_ref(i) {
                std::hint::black_box(e.key());
                read += 1;
            }
        }
        h.refresh();
    }
    read
}

fn run_all(sc: Scenario, threads: usize, ops: usize, rows: &mut Vec<Row>, bar: &mut Progress) {
    fn one<R: SuiteBackend>(
        sc: Scenario,
        threads: usize,
        ops: usize,
        rows: &mut Vec<Row>,
        bar: &mut Progress,
    ) {
        bar.cell(&format!("leak report: {} / {} / {threads} threads", sc.name(), R::NAME));
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
    for_each_backend!(|R| one::<R>(sc, threads, ops, rows, bar));
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

/// Outstanding garbage over time, one line per backend, log scale.
fn over_time(path: &std::path::Path, title: &str, rows: &[&Row]) -> Result<(), Box<dyn std::error::Error>> {
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
fn by_threads(path: &std::path::Path, rows: &[Row]) -> Result<(), Box<dyn std::error::Error>> {
    let mut series: Vec<Series> = Vec::new();
    for r in rows.iter().filter(|r| r.workload == Workload::PushPop.name()) {
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

/// Stalled-thread runs: garbage at its peak, when the workers were done,
/// and after the drop.
fn stall_table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| scenario | backend | peak outstanding | outstanding at end of run | reclaimed in run | leaked after drop |\n\
         |---|---|---:|---:|---:|---:|\n",
    );
    for r in rows.iter().filter(|r| r.workload.contains("+ stall")) {
        let b = r.s.descriptor_bytes;
        let _ = writeln!(
            out,
            "| {} | {} | {} ({}) | {} ({}) | {} | {} |",
            r.workload,
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
fn long_readers_table(rows: &[Row]) -> String {
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

/// Grows the process-wide thread bookkeeping of every backend (thread ids
/// of `thread_local`/seize, created once and kept, sized by the number of
/// threads alive at once) to more threads than any run has, so that no
/// run's allocator count includes it. The warm-up run of each cell does
/// the same for its shape, but a short run (smoke size) may never have
/// all its threads alive at once.
fn grow_thread_bookkeeping() {
    fn one<R: SuiteBackend>() {
        let threads = SCALING.iter().max().copied().unwrap_or(8) + 4;
        let v: SecVec<u64, R> = SecVec::new();
        let all_alive = Barrier::new(threads);
        std::thread::scope(|s| {
            for t in 0..threads {
                let (v, all_alive) = (&v, &all_alive);
                s.spawn(move || {
                    v.push(t as u64);
                    v.pop();
                    all_alive.wait();
                });
            }
        });
    }
    for_each_backend!(|R| one::<R>());
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    grow_thread_bookkeeping();
    let ops = match (smoke(), quick) {
        (true, _) => 20_000,
        (false, true) => 400_000,
        (false, false) => 2_000_000,
    };
    let mut rows = Vec::new();
    let plain = |workload| Scenario { workload, extra: Extra::None };
    let push_pop = |extra| Scenario { workload: Workload::PushPop, extra };
    let scenarios: Vec<Scenario> = Workload::ALL
        .into_iter()
        .map(plain)
        .chain(STALLS.map(|d| push_pop(Extra::Stall(d))))
        .chain([push_pop(Extra::LongReaders)])
        .collect();
    let backends = secvec_suite::backends::contenders().len();
    let cells = (scenarios.len() + SCALING.len() - 1) * backends + 1;
    let mut bar = Progress::start(Target::LeakReport, quick, cells);
    for &sc in &scenarios {
        run_all(sc, THREADS, ops, &mut rows, &mut bar);
    }
    for t in SCALING.into_iter().filter(|&t| t != THREADS) {
        run_all(plain(Workload::PushPop), t, ops, &mut rows, &mut bar);
    }
    let cost_n = match (smoke(), quick) {
        (true, _) => 1_000,
        (false, true) => 20_000,
        (false, false) => 100_000,
    };
    bar.cell(&format!("leak report: cost of a vector, {cost_n} of each"));
    let costs = secvec_benches::cost::all(cost_n);
    let cost_checks = secvec_benches::cost::targets(&costs);
    let cost = format!(
        "{}\nTargets for the cost of a vector, in this run:\n\n{}",
        secvec_benches::cost::markdown(&costs),
        report::checks_markdown(&cost_checks)
    );
    bar.finish();

    let dir = report_dir();
    let chart = |file: String, title: &str, of: &[&Row]| -> Option<String> {
        let path = dir.join(&file);
        written(&path, over_time(&path, title, of)).then(|| format!("![{title}]({file})\n"))
    };
    let at_threads = |name: &str| -> Vec<&Row> {
        rows.iter().filter(|r| r.workload == name && r.threads == THREADS).collect()
    };
    let mut over_time_charts = String::new();
    let mut stall_charts = String::new();
    let mut long_chart = String::new();
    for sc in &scenarios {
        let title = format!("outstanding garbage: {}, {THREADS} threads", sc.name());
        let md =
            chart(format!("garbage-{}.svg", sc.file()), &title, &at_threads(&sc.name())).unwrap_or_default();
        match sc.extra {
            Extra::None => over_time_charts.push_str(&md),
            Extra::Stall(_) => stall_charts.push_str(&md),
            Extra::LongReaders => long_chart.push_str(&md),
        }
    }
    let by_threads_path = dir.join("garbage-by-threads.svg");
    let by_threads_chart = if written(&by_threads_path, by_threads(&by_threads_path, &rows)) {
        "![push-pop: peak outstanding garbage against threads](garbage-by-threads.svg)\n"
    } else {
        ""
    };
    let text = format!(
        "{ops} operations per run, {THREADS} threads unless the row says otherwise. Counts are \
         descriptors; \"leaked after drop\" and the allocator column include removed elements \
         (table below).\n\n## Leaks and garbage\n\n{md}\n\
         ## Removed elements\n\nRemoved elements of the heap-element workloads (`String`s of 24 bytes in \
         cells; bytes are the cell and the string's buffer):\n\n{cells}\n\
         ## Garbage by threads\n\nPeak outstanding garbage on push/pop by thread count (descriptors, and \
         bytes):\n\n{by_threads_chart}\n{scaling}\n\
         ## Long-running readers\n\n{readers} of the {THREADS} threads read all {LONG_LEN} elements through \
         a handle, pass after pass (refreshing it between passes), while the others push and pop \
         ({ops} operations in all); throughput over the writers' run.\n\n{long_chart}\n{long}\n\
         ## Stalled threads\n\nOne more thread stalls inside an operation (holds a handle it read \
         through) for 1 ms or 10 ms at a time, or for the whole run, while {THREADS} threads push and \
         pop. Hazard pointers hold back one descriptor for it; epochs and seize cannot advance past it \
         while it stalls.\n\n{stall_charts}\n{stalls}\n\
         ## Garbage over time\n\nOutstanding garbage, sampled about every millisecond, per workload at \
         {THREADS} threads.\n\n{over_time_charts}\n\
         ## Cost of a vector\n\n{cost_n} `u64` vectors, 1 000 alive at a time (created into touched pages, \
         each batch dropped before the next), each with its own reclamation domain or all in one shared \
         domain; heap bytes from the counting allocator plus the inline size; boxcar's first use is one \
         push.\n\n{cost}",
        md = table(&rows),
        cells = cells_table(&rows),
        scaling = scaling_table(&rows),
        readers = THREADS / 2,
        long = long_readers_table(&rows),
        stalls = stall_table(&rows),
    );
    println!("\nSecVec leak report\n\n{text}");
    let machine = report::machine();
    std::fs::write(
        dir.join("leak-report.md"),
        format!("# SecVec leak report\n\nMachine: {}\n\n{text}", report::machine_line()),
    )
    .expect("write leak-report.md");
    let doc = json!({ "meta": { "machine": machine, "threads": THREADS, "scaling_threads": SCALING, "ops": ops,
                                "long_reader_len": LONG_LEN, "quick": quick, "smoke": smoke() },
                      "rows": rows.iter().map(row_json).collect::<Vec<_>>(),
                      "targets": report::checks_json(&cost_checks) });
    std::fs::write(dir.join("leak-report.json"), serde_json::to_string(&doc).expect("serialize"))
        .expect("write leak-report.json");
    secvec_benches::html::write_index(&dir).expect("write index.html");
    let disagree = rows.iter().filter(|r| !r.agrees()).count();
    println!(
        "allocator cross-check: {} of {} runs agree with the leak report",
        rows.len() - disagree,
        rows.len()
    );
    println!("written: {}/leak-report.{{md,json}}, garbage-*.svg, index.html", dir.display());
    if disagree > 0 {
        eprintln!("leak report: {disagree} runs disagree with the counting allocator");
        std::process::exit(1);
    }
}
