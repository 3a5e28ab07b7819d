//! The latency cells of the report, alone: per-operation percentiles of
//! every contender that has push, pop and get.
//!
//! ```text
//! cargo run --release -p secvec-benches --example latency -- [FILTER] [OPS_PER_THREAD]
//! ```
//!
//! `FILTER` selects cells whose `workload/contender/threads` contains it
//! (`latency-push-pop/secvec-hazard/1`); operations default to 200 000.

use secvec_benches::measure::latency::{self, PERCENTILES};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filter = args.first().map_or("", String::as_str);
    let ops = args.get(1).map_or(200_000, |s| s.parse().expect("OPS_PER_THREAD is a number"));
    let cells = latency::all(filter, ops, |id| eprintln!("{id}"));
    for c in cells {
        let p: Vec<String> =
            PERCENTILES.iter().zip(c.percentiles_ns).map(|((l, _), ns)| format!("{l} {ns}")).collect();
        println!("{} {} {} thr: {}, max {} ns", c.workload, c.contender, c.threads, p.join(", "), c.max_ns);
    }
}
