//! The throughput matrix: every contender on every workload at 1, 2, 4 and
//! 8 threads, as Criterion benchmarks, then a summary table read back from
//! Criterion's estimates (terminal, `target/secvec-report/matrix.{md,json}`).
//!
//! `cargo bench --bench matrix -- --quick` runs the whole matrix quickly;
//! a Criterion filter (`cargo bench --bench matrix -- push-pop`) runs part
//! of it, and the summary then covers what ran.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, Throughput};
use secvec_benches::report::{self, Cell};
use secvec_benches::{Contender, Workload, for_each_contender, prepare, report_dir, run, target_dir};
use std::cell::Cell as StdCell;
use std::time::{Duration, SystemTime};

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

fn bench<C: Contender>(g: &mut BenchmarkGroup<'_, WallTime>, w: Workload, plan: &mut Plan) {
    if !C::runs(w) {
        return;
    }
    for threads in THREADS {
        plan.cells.push((w, C::NAME, threads));
        let n = plan.cells.len();
        let total = plan.total;
        let announced = StdCell::new(false);
        g.bench_function(BenchmarkId::new(C::NAME, threads), |b| {
            // Progress, once per benchmark that actually runs (a filter may skip it).
            if !announced.replace(true) {
                eprintln!("[{n}/{total}] {} / {} / {threads} threads", w.name(), C::NAME);
            }
            b.iter_custom(|iters| {
                let ops = iters as usize * OPS_PER_ITER;
                let c = prepare::<C>(w, ops);
                run(&c, w, threads, ops)
            })
        });
    }
}

fn main() {
    let started = SystemTime::now();
    let criterion_dir = target_dir().join("criterion");
    let mut c = Criterion::default()
        .output_directory(&criterion_dir)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_millis(1500))
        .sample_size(20)
        .configure_from_args();

    let mut plan = Plan { cells: Vec::new(), total: 0 };
    for w in Workload::ALL {
        let total = &mut plan.total;
        for_each_contender!(count(w, total));
    }
    for w in Workload::ALL {
        let mut g = c.benchmark_group(w.name());
        g.throughput(Throughput::Elements((OPS_PER_ITER * w.per_op()) as u64));
        for_each_contender!(bench(&mut g, w, &mut plan));
        g.finish();
    }
    c.final_summary();

    let cells: Vec<Cell> = plan
        .cells
        .iter()
        .filter_map(|&(w, contender, threads)| {
            let mops = report::read_estimate(
                &criterion_dir,
                w.name(),
                contender,
                threads,
                OPS_PER_ITER * w.per_op(),
                started,
            )?;
            Some(Cell { workload: w.name(), contender, threads, mops })
        })
        .collect();
    if cells.is_empty() {
        eprintln!("secvec matrix: no benchmark ran (filtered out?), no summary written");
        return;
    }
    let checks = report::targets(&cells);
    let md = report::markdown(&cells, &THREADS) + &report::targets_markdown(&checks);
    println!("\nSecVec throughput matrix ({} cells){md}", cells.len());
    let dir = report_dir();
    let meta = serde_json::json!({ "machine": report::machine(), "ops_per_iter": OPS_PER_ITER });
    std::fs::write(
        dir.join("matrix.md"),
        format!("# SecVec throughput matrix\n\nMachine: {}\n{md}", meta["machine"]),
    )
    .expect("write matrix.md");
    std::fs::write(
        dir.join("matrix.json"),
        serde_json::to_string_pretty(&report::json(&cells, &checks, meta)).expect("serialize"),
    )
    .expect("write matrix.json");
    println!(
        "written: {}/matrix.{{md,json}} and Criterion's HTML under {}",
        dir.display(),
        criterion_dir.display()
    );
}
