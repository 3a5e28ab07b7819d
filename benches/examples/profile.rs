//! Runs one cell of the benchmark matrix outside Criterion, for profilers.
//!
//! ```text
//! cargo build --release -p secvec-benches --example profile
//! valgrind --tool=callgrind target/release/examples/profile secvec-hazard push-pop 1 200000
//! perf stat -e task-clock,context-switches target/release/examples/profile secvec-epoch get 2 4000000
//! ```
//!
//! Arguments: contender name (as in the report), workload name, threads,
//! operations. Prints the throughput of the run and, for SecVec, its
//! accounting.

use secvec_benches::{Contender, Workload, for_each_contender, prepare, run};

fn cell<C: Contender>(name: &str, workload: Workload, threads: usize, ops: usize, found: &mut bool) {
    if C::NAME != name || C::ELEMENT != workload.element.name() {
        return;
    }
    *found = true;
    assert!(C::runs(workload), "{name} does not support {}", workload.name());
    let c: C = prepare(workload, ops);
    let t = run(&c, workload, threads, ops);
    println!(
        "{name} {} {threads} threads: {ops} ops in {:.3} s = {:.2} Mops/s",
        workload.name(),
        t.as_secs_f64(),
        ops as f64 / t.as_secs_f64() / 1e6
    );
    #[cfg(feature = "accounting")]
    if let Some(s) = c.stats() {
        println!(
            "  descriptors: allocated {} (recycled {}), lost a CAS and freed {}, retired {}; \
             push/pop pairs eliminated {}; pushes combined {}",
            s.allocated, s.recycled, s.freed_unpublished, s.retired, s.eliminated, s.combined
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: profile CONTENDER WORKLOAD THREADS OPS (e.g. secvec-hazard push-pop 2 1000000)";
    let [name, workload, threads, ops] = args.as_slice() else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let Some(workload) = Workload::named(workload) else {
        eprintln!("unknown workload {workload:?}; one of: {:?}", Workload::ALL.map(Workload::name));
        std::process::exit(2);
    };
    let (Ok(threads), Ok(ops)) = (threads.parse::<usize>(), ops.parse::<usize>()) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let mut found = false;
    for_each_contender!(cell(name, workload, threads, ops, &mut found));
    if !found {
        eprintln!("unknown contender {name:?} (names as in the benchmark report)");
        std::process::exit(2);
    }
}
