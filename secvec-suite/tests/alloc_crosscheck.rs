//! Cross-checks the leak report against an independent counting allocator,
//! on every backend ([`secvec_suite::alloc::crosscheck`]: the bytes still
//! allocated after a vector and its domain are gone must equal the
//! `leaked_bytes` its own accounting reported: zero for the reclaiming
//! backends, `retired x descriptor size` for leak, with inline and heap
//! elements, in an own and a shared domain).
//!
//! `harness = false`: libtest's own threads and output capture would
//! allocate during the measurement. The leak backend is the negative
//! control: a checker that expected zero there must fail, and this one
//! checks that the allocator does see that leak.

use secvec_core::Reclaimer;
use secvec_suite::alloc::{Counting, crosscheck};
use secvec_suite::backends::SuiteBackend;
use secvec_suite::for_each_backend;

#[global_allocator]
static ALLOC: Counting = Counting::SYSTEM;

fn main() {
    // Warm up every backend first: lazily created global state of one (a
    // thread-id allocator, say) must not be counted against another.
    for_each_backend!(|R| crosscheck::warm_up::<R>());
    let (mut passed, mut failures) = (0, 0);
    // What the allocator saw of the non-reclaiming backends, if one ran.
    let mut leak_seen = None;
    for_each_backend!(|R| {
        let (p, f) = crosscheck::run::<R>(R::NAME, |seen| {
            if !R::RECLAIMS {
                *leak_seen.get_or_insert(0) += seen.allocator;
            }
        });
        passed += p;
        failures += f;
    });
    // Negative control: the allocator sees the leak backend's leak, so a
    // backend that leaked while reporting zero would be caught.
    match leak_seen {
        Some(bytes) if bytes > 0 => passed += 1,
        Some(_) => {
            println!("control  FAILED: the allocator saw no leak from the leaking backend");
            failures += 1;
        }
        None => println!("control  not run: no leaking backend selected"),
    }
    println!("{passed} passed, {failures} failed");
    if failures > 0 {
        std::process::exit(1);
    }
}
