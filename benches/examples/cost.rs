//! Prints the "cost of a vector" table of the leak report on its own:
//! `cargo run --release -p secvec-benches --example cost [n]` (default
//! 100 000 vectors of each kind).

use secvec_suite::alloc::Counting;

#[global_allocator]
static ALLOC: Counting = Counting::SYSTEM;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    print!("{}", secvec_benches::report::cost::markdown(&secvec_benches::measure::cost::all(n)));
}
