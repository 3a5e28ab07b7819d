//! The throughput matrix: every contender on every workload at 1, 2, 4 and
//! 8 threads, as Criterion benchmarks, then a summary table read back from
//! Criterion's estimates; then per-operation latency percentiles
//! ([`secvec_benches::latency`]); written to the terminal,
//! `target/secvec-report/matrix.{md,json}`, one throughput chart per
//! workload and one latency chart per latency cell group (SVG), and the
//! report page `index.html`.
//!
//! `cargo bench --bench matrix -- --quick` runs the whole matrix quickly;
//! a filter (`cargo bench --bench matrix -- push-pop`) runs the Criterion
//! benchmarks and latency cells whose names contain it, and the summary
//! then covers what ran. Criterion's own HTML (under `target/criterion`)
//! has its estimates but no plots (they cost 1.5 s a cell). `SECVEC_BENCH_SMOKE=1` shortens every cell to a
//! fraction of a second (CI: the report is built end to end, its numbers
//! mean nothing).

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, Throughput};
use secvec_benches::measure::matrix::{self, Cell};
use secvec_benches::measure::{latency, machine};
use secvec_benches::report::progress::{Progress, Target};
use secvec_benches::{
    Contender, Workload, for_each_contender, prepare, report, report_dir, run, smoke, target_dir,
};
use std::cell::{Cell as StdCell, RefCell};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, SystemTime};

/// What the contenders that never free (the leak backend) may leak in one
/// matrix process before their remaining cells are left out:
/// a full run leaked more than this machine's 24 GiB (every Criterion
/// iteration makes a new vector, and each leaks all it retired).
const LEAK_BUDGET: u64 = 12 << 30;
/// What they leaked so far.
static LEAKED: AtomicU64 = AtomicU64::new(0);

/// Operations per Criterion iteration (split across the threads).
const OPS_PER_ITER: usize = 1000;
const THREADS: [usize; 4] = [1, 2, 4, 8];

struct Plan {
    /// (workload, contender, threads) of every benchmark defined.
    cells: Vec<(Workload, &'static str, usize)>,
    total: usize,
}

fn count<C: Contender>(w: Workload, total: &mut usize) {
    if C::runs(w) {
        *total += THREADS.len();
    }
}

/// What `c` (a contender that never frees) will have leaked when dropped:
/// its accounting's outstanding descriptors, batch payloads and cells
/// (with a string each, the most any workload's element owns);
/// without accounting, at most a descriptor and a cell per operation.
fn leaked_by<C: Contender>(c: &C, ops: usize) -> u64 {
    #[cfg(feature = "accounting")]
    if let Some(s) = c.stats() {
        let cells = s.cells.map_or(0, |k| {
            k.outstanding * (k.cell_bytes + <secvec_benches::Str24 as secvec_benches::TestElem>::HEAP_BYTES)
        });
        return s.outstanding_bytes() + s.batch_bytes + cells;
    }
    let _ = c;
    ops as u64 * 128
}

fn bench<C: Contender>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    w: Workload,
    plan: &mut Plan,
    bar: &RefCell<Progress>,
) {
    if !C::runs(w) {
        return;
    }
    for threads in THREADS {
        let leaked = LEAKED.load(Relaxed);
        if C::LEAKS && leaked > LEAK_BUDGET {
            bar.borrow_mut().cell(&format!(
                "skipped: {} / {} / {threads} threads (the leak backend has leaked about {} MiB in this \
                 process; its later cells are left out so that the run fits in memory)",
                w.name(),
                C::NAME,
                leaked >> 20
            ));
            continue;
        }
        plan.cells.push((w, C::NAME, threads));
        let n = plan.cells.len();
        let total = plan.total;
        let announced = StdCell::new(false);
        g.bench_function(BenchmarkId::new(C::NAME, threads), |b| {
            // Progress, once per benchmark that actually runs (a filter may skip it).
            if !announced.replace(true) {
                bar.borrow_mut().cell(&format!(
                    "[{n}/{total}] {} / {} / {threads} threads",
                    w.name(),
                    C::NAME
                ));
            }
            b.iter_custom(|iters| {
                let ops = iters as usize * OPS_PER_ITER;
                let c = prepare::<C>(w, ops);
                let t = run(&c, w, threads, ops);
                if C::LEAKS {
                    LEAKED.fetch_add(leaked_by(&c, ops), Relaxed);
                }
                t
            })
        });
    }
}

/// The Criterion filter (the first argument that is not a flag or a
/// flag's value), which the latency cells honour too.
fn filter() -> String {
    const WITH_VALUE: [&str; 16] = [
        "--save-baseline",
        "--baseline",
        "--baseline-lenient",
        "--load-baseline",
        "--sample-size",
        "--warm-up-time",
        "--measurement-time",
        "--nresamples",
        "--noise-threshold",
        "--confidence-level",
        "--significance-level",
        "--profile-time",
        "--plotting-backend",
        "--output-format",
        "--color",
        "--format",
    ];
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            a if WITH_VALUE.contains(&a) || a == "-c" => i += 2,
            a if a.starts_with('-') => i += 1,
            a => return a.to_string(),
        }
    }
    String::new()
}

fn main() {
    let started = SystemTime::now();
    let quick = std::env::args().any(|a| a == "--quick");
    let criterion_dir = target_dir().join("criterion");
    // A full run samples each cell for a second after 0.3 s of warm-up (a
    // quick one stops as soon as Criterion's estimate settles). Full runs
    // took 8 s a cell with 1.5 s of sampling, Criterion's default 100 000
    // bootstrap resamples and its plots (1.5-1.75 s a cell): 466 cells
    // would not fit in the 45 minutes a full `cargo bench` may take here,
    // so the plots are left out (the report draws its own charts) and the
    // bootstrap uses 10 000 resamples.
    let (warm_up, measure) = match (smoke(), quick) {
        (true, _) => (50, 100),
        (false, true) => (500, 1500),
        (false, false) => (300, 1000),
    };
    let mut c = Criterion::default()
        .output_directory(&criterion_dir)
        .warm_up_time(Duration::from_millis(warm_up))
        .measurement_time(Duration::from_millis(measure))
        .sample_size(if smoke() { 10 } else { 20 })
        .nresamples(10_000)
        .without_plots()
        .configure_from_args();

    let filter = filter();
    let mut plan = Plan { cells: Vec::new(), total: 0 };
    for w in Workload::ALL {
        let total = &mut plan.total;
        for_each_contender!(count(w, total));
    }
    let latency_cells = latency::count(&filter);
    plan.total += latency_cells;
    let bar = RefCell::new(Progress::start(Target::Matrix, quick, plan.total));
    for w in Workload::ALL {
        let mut g = c.benchmark_group(w.name());
        g.throughput(Throughput::Elements((OPS_PER_ITER * w.per_op()) as u64));
        for_each_contender!(bench(&mut g, w, &mut plan, &bar));
        g.finish();
    }
    c.final_summary();

    let cells: Vec<Cell> = plan
        .cells
        .iter()
        .filter_map(|&(w, contender, threads)| {
            let mops = matrix::read_estimate(
                &criterion_dir,
                &w.name(),
                contender,
                threads,
                OPS_PER_ITER * w.per_op(),
                started,
            )?;
            Some(Cell { workload: w.name(), contender, threads, mops })
        })
        .collect();
    let lat_ops = match (smoke(), quick) {
        (true, _) => 2_000,
        (false, true) => 200_000,
        (false, false) => 1_000_000,
    };
    let n = plan.cells.len();
    let mut k = 0;
    let lat = latency::all(&filter, lat_ops, |id| {
        k += 1;
        bar.borrow_mut().cell(&format!("[{}/{}] {id} threads, latency", n + k, plan.total));
    });
    bar.into_inner().finish();
    if cells.is_empty() && lat.is_empty() {
        eprintln!("secvec matrix: no benchmark ran (filtered out?), no summary written");
        return;
    }
    let dir = report_dir();
    let charts = report::matrix::throughput_charts(&dir, &cells);
    let chart_of = |w: &str| charts.iter().find(|(x, _)| *x == w).map(|(_, f)| f.clone());
    let mut checks = matrix::targets(&cells);
    checks.extend(latency::targets(&lat));
    let lat_charts: String = report::latency::charts(&dir, &lat)
        .iter()
        .map(|f| format!("![latency percentiles]({f})\n\n"))
        .collect();
    let md = format!(
        "\n## Throughput\n\nCriterion's mean estimate per cell ({OPS_PER_ITER} operations per iteration, \
         split over the threads); charts: each contender against threads, both axes logarithmic.\n{}\n\
         ## Latency\n\nEvery operation timed on its own ({lat_ops} per timed thread after a quarter as many \
         untimed; HDR histograms, 3 significant digits; each includes one clock read of about 20 ns). \
         `latency-get-under-writer` has one more, untimed thread pushing and popping.\n\n{lat_charts}{}\n{}",
        report::matrix::markdown(&cells, &THREADS, chart_of),
        report::latency::markdown(&lat),
        report::checks::targets_markdown(&checks),
    );
    println!("\nSecVec throughput matrix ({} cells, {} latency cells){md}", cells.len(), lat.len());
    let meta = serde_json::json!({ "machine": machine::machine(), "ops_per_iter": OPS_PER_ITER,
                                   "latency_ops_per_thread": lat_ops, "quick": quick, "smoke": smoke() });
    std::fs::write(
        dir.join("matrix.md"),
        format!("# SecVec throughput and latency\n\nMachine: {}\n{md}", machine::machine_line()),
    )
    .expect("write matrix.md");
    let mut doc = matrix::json(&cells, &checks, meta);
    doc["latency"] = latency::json(&lat).into();
    std::fs::write(dir.join("matrix.json"), serde_json::to_string_pretty(&doc).expect("serialize"))
        .expect("write matrix.json");
    report::html::write_index(&dir).expect("write index.html");
    println!(
        "written: {}/matrix.{{md,json}}, throughput-*.svg, latency-*.svg, index.html; Criterion's HTML under {}",
        dir.display(),
        criterion_dir.display()
    );
}
