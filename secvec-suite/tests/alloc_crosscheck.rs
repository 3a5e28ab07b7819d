//! Cross-checks the leak report against an independent counting allocator.
//!
//! A `#[global_allocator]` that counts live bytes wraps the system
//! allocator. For each backend, the same scenario runs once per backend to warm up
//! lazy global state (thread-id allocators and the like), then again measured:
//! the bytes still allocated after the vector and its stats handle are gone
//! must equal the `leaked_bytes` that the vector's own accounting reported:
//! zero for hazard, epoch and seize, `retired x descriptor size` for leak.
//! It runs with `u64` elements (inline) and with heap elements (a 24-byte
//! string in a cell per element: the benchmarks' elements), whose removed originals the leak
//! backend leaks too: the report's cell count times the cell and the box;
//! and with one vector in its own domain, or two in a shared domain (the
//! first dropped while the second is written; the domain dropped last must
//! free what both retired, home blocks included).
//!
//! `harness = false`: libtest's own threads and output capture would
//! allocate during the measurement. The leak backend is the negative
//! control: a checker that expected zero there must fail, and this one
//! checks that the allocator does see that leak.

use secvec_core::{Reclaimer, SecVec, SharedDomain};
use secvec_suite::alloc::{Counting, live_bytes};
use secvec_suite::backends::SuiteBackend;
use secvec_suite::elem::{Str24, TestElem, leaked_bytes};
use secvec_suite::{DESCRIPTOR_BYTES, for_each_backend};

#[global_allocator]
static ALLOC: Counting = Counting;

/// Push/pop on a few threads, on one vector with its own domain or on two
/// vectors in one shared domain (the first dropped while the second's
/// workers still run, the domain last); returns (reported leaked bytes,
/// retired descriptors), summed over the vectors.
fn scenario<R: Reclaimer, E: TestElem>(threads: usize, ops: usize, shared: bool) -> (u64, u64) {
    // Joined `std::thread`s, not scoped ones: `join` returns after the OS
    // thread has exited and freed its thread-locals (its `Thread` handle
    // among them); a scope can return before that, and those bytes would
    // land in the next measurement.
    use std::sync::Arc;
    let domain = shared.then(SharedDomain::<R>::new);
    let make = || Arc::new(domain.as_ref().map_or_else(SecVec::<E, R>::new, SecVec::new_in));
    let vectors = if shared { vec![make(), make()] } else { vec![make()] };
    let spawn = |v: &Arc<SecVec<E, R>>, t: usize| {
        let v = Arc::clone(v);
        std::thread::spawn(move || {
            for i in 0..ops {
                if (i + t) % 3 == 0 {
                    v.pop();
                } else {
                    v.push(E::make(i as u64));
                }
            }
        })
    };
    let mut stats = Vec::new();
    let mut workers: Vec<Vec<_>> =
        vectors.iter().map(|v| (0..threads).map(|t| spawn(v, t)).collect()).collect();
    for (v, ws) in vectors.into_iter().zip(workers.drain(..)) {
        for w in ws {
            w.join().unwrap();
        }
        // The next vector's workers may still be running.
        let v = Arc::into_inner(v).expect("workers are gone");
        stats.push(v.stats());
        drop(v);
    }
    drop(domain);
    let (mut reported, mut retired) = (0, 0);
    for st in stats {
        let s = st.snapshot();
        reported += leaked_bytes(&s, E::HEAP_BYTES).expect("final");
        retired += s.retired;
    }
    (reported, retired)
}

const SIZE: (usize, usize) = if cfg!(miri) { (2, 50) } else { (4, 20_000) };

/// Returns (bytes the allocator still counts, bytes the report says leaked, retired).
fn measure<R: Reclaimer, E: TestElem>(shared: bool) -> (i64, u64, u64) {
    let (threads, ops) = SIZE;
    let before = live_bytes();
    let (reported, retired) = scenario::<R, E>(threads, ops, shared);
    (live_bytes() - before, reported, retired)
}

fn main() {
    // Warm up every backend first: lazily created global state of one (a
    // thread-id allocator, say) must not be counted against another.
    for_each_backend!(|R| scenario::<R, u64>(SIZE.0, SIZE.1, true));
    for_each_backend!(|R| scenario::<R, Str24>(SIZE.0, SIZE.1, true));
    let (mut passed, mut failures) = (0, 0);
    // What the allocator saw of the non-reclaiming backends, if one ran.
    let mut leak_seen = None;
    fn check<R: SuiteBackend, E: TestElem>(
        shared: bool,
        passed: &mut u32,
        failures: &mut u32,
        leak_seen: &mut Option<i64>,
    ) {
        let (seen, reported, retired) = measure::<R, E>(shared);
        let agree = seen == reported as i64;
        // A reclaiming backend leaks nothing; the leaking one leaks every
        // retired descriptor (and, with heap elements, every removed one),
        // and the allocator must see it.
        let expectation = if R::RECLAIMS {
            reported == 0
        } else if E::HEAP_BYTES == 0 {
            reported > 0 && reported == retired * DESCRIPTOR_BYTES
        } else {
            reported > retired * DESCRIPTOR_BYTES
        };
        let ok = agree && expectation;
        println!(
            "{:<7} {:<6} {:<6} retired {retired:>7}  report: leaked {reported:>9} B  allocator: {seen:>9} B live  {}",
            R::NAME,
            E::NAME,
            if shared { "shared" } else { "own" },
            if ok { "agree" } else { "MISMATCH" }
        );
        if !R::RECLAIMS {
            *leak_seen.get_or_insert(0) += seen;
        }
        if ok { *passed += 1 } else { *failures += 1 }
    }
    for shared in [false, true] {
        for_each_backend!(|R| {
            check::<R, u64>(shared, &mut passed, &mut failures, &mut leak_seen);
            check::<R, Str24>(shared, &mut passed, &mut failures, &mut leak_seen);
        });
    }
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
