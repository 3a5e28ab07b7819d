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

use secvec_benches::measure::leaks::{
    self, Extra, LONG_LEN, Row, SCALING, STALL_FOREVER_THREADS, STALLS, Scenario,
};
use secvec_benches::measure::{checks, cost, machine};
use secvec_benches::report::progress::{Progress, Target};
use secvec_benches::{ElementKind, Str24, Workload, report, report_dir, smoke};
use secvec_suite::alloc::Counting;
use secvec_suite::backends::SuiteBackend;
use secvec_suite::for_each_backend;
use serde_json::json;

#[global_allocator]
static ALLOC: Counting = Counting::SYSTEM;

/// Threads of the main table and the charts.
const THREADS: usize = 4;

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
        let measure = match sc.workload.element {
            ElementKind::Str24 => leaks::measure::<R, Str24>,
            ElementKind::U64 => leaks::measure::<R, u64>,
        };
        let _ = measure(sc, threads, ops);
        rows.push(measure(sc, threads, ops));
    }
    for_each_backend!(|R| one::<R>(sc, threads, ops, rows, bar));
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    leaks::grow_thread_bookkeeping();
    let ops = match (smoke(), quick) {
        (true, _) => 20_000,
        (false, true) => 400_000,
        (false, false) => 2_000_000,
    };
    let mut rows = Vec::new();
    let plain = |workload| Scenario { workload, extra: Extra::None };
    let push_pop = |extra| Scenario { workload: Workload::PUSH_POP, extra };
    let scenarios: Vec<Scenario> = Workload::ALL
        .into_iter()
        .map(plain)
        .chain(STALLS.map(|d| push_pop(Extra::Stall(d))))
        .chain([push_pop(Extra::LongReaders)])
        .collect();
    let backends = secvec_suite::backends::contenders().len();
    let extra_stalls: Vec<usize> = STALL_FOREVER_THREADS.into_iter().filter(|&t| t != THREADS).collect();
    let cells = (scenarios.len() + SCALING.len() - 1 + extra_stalls.len()) * backends + 1;
    let mut bar = Progress::start(Target::LeakReport, quick, cells);
    for &sc in &scenarios {
        run_all(sc, THREADS, ops, &mut rows, &mut bar);
    }
    for t in SCALING.into_iter().filter(|&t| t != THREADS) {
        run_all(plain(Workload::PUSH_POP), t, ops, &mut rows, &mut bar);
    }
    for &t in &extra_stalls {
        run_all(push_pop(Extra::Stall(None)), t, ops, &mut rows, &mut bar);
    }
    let stall_checks = leaks::stall_targets(&rows);
    let cost_n = match (smoke(), quick) {
        (true, _) => 1_000,
        (false, true) => 20_000,
        (false, false) => 100_000,
    };
    bar.cell(&format!("leak report: cost of a vector, {cost_n} of each"));
    let costs = cost::all(cost_n);
    let cost_checks = cost::targets(&costs);
    let cost = format!(
        "{}\nTargets for the cost of a vector, in this run:\n\n{}",
        report::cost::markdown(&costs),
        report::checks::checks_markdown(&cost_checks)
    );
    bar.finish();

    let dir = report_dir();
    let text = report::leaks::markdown(
        &dir,
        &report::leaks::Run {
            rows: &rows,
            scenarios: &scenarios,
            threads: THREADS,
            ops,
            cost_n,
            cost: &cost,
            stall_checks: &report::checks::checks_markdown(&stall_checks),
        },
    );
    println!("\nSecVec leak report\n\n{text}");
    let machine = machine::machine();
    std::fs::write(
        dir.join("leak-report.md"),
        format!("# SecVec leak report\n\nMachine: {}\n\n{text}", machine::machine_line()),
    )
    .expect("write leak-report.md");
    let doc = json!({ "meta": { "machine": machine, "threads": THREADS, "scaling_threads": SCALING, "ops": ops,
                                "long_reader_len": LONG_LEN, "quick": quick, "smoke": smoke() },
                      "rows": rows.iter().map(leaks::row_json).collect::<Vec<_>>(),
                      "targets": checks::checks_json(&[cost_checks, stall_checks].concat()) });
    std::fs::write(dir.join("leak-report.json"), serde_json::to_string(&doc).expect("serialize"))
        .expect("write leak-report.json");
    report::html::write_index(&dir).expect("write index.html");
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
