//! Cross-checks the leak report against an independent counting allocator.
//!
//! A `#[global_allocator]` that counts live bytes wraps the system
//! allocator. For each backend, the same scenario runs once per backend to warm up
//! lazy global state (thread-id allocators and the like), then again measured:
//! the bytes still allocated after the vector and its stats handle are gone
//! must equal the `leaked_bytes` that the vector's own accounting reported:
//! zero for hazard, epoch and seize, `retired x descriptor size` for leak.
//!
//! `harness = false`: libtest's own threads and output capture would
//! allocate during the measurement. The leak backend is the negative
//! control: a checker that expected zero there must fail, and this one
//! checks that the allocator does see that leak.

use secvec_core::{Reclaimer, SecVec};
use secvec_suite::alloc::{Counting, live_bytes};
use secvec_suite::backends::SuiteBackend;
use secvec_suite::for_each_backend;

#[global_allocator]
static ALLOC: Counting = Counting;

/// Push/pop on a few threads; returns (reported leaked bytes, retired).
fn scenario<R: Reclaimer>(threads: usize, ops: usize) -> (u64, u64) {
    // Joined `std::thread`s, not scoped ones: `join` returns after the OS
    // thread has exited and freed its thread-locals (its `Thread` handle
    // among them); a scope can return before that, and those bytes would
    // land in the next measurement.
    let v = std::sync::Arc::new(SecVec::<u64, R>::new());
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let v = std::sync::Arc::clone(&v);
            std::thread::spawn(move || {
                for i in 0..ops {
                    if (i + t) % 3 == 0 {
                        v.pop();
                    } else {
                        v.push(i as u64);
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let v = std::sync::Arc::into_inner(v).expect("workers are gone");
    let stats = v.stats();
    drop(v);
    let s = stats.snapshot();
    (s.leaked_bytes().expect("dropped"), s.retired)
}

const SIZE: (usize, usize) = if cfg!(miri) { (2, 50) } else { (4, 20_000) };

/// Returns (bytes the allocator still counts, bytes the report says leaked, retired).
fn measure<R: Reclaimer>() -> (i64, u64, u64) {
    let (threads, ops) = SIZE;
    let before = live_bytes();
    let (reported, retired) = scenario::<R>(threads, ops);
    (live_bytes() - before, reported, retired)
}

fn main() {
    // Warm up every backend first: lazily created global state of one (a
    // thread-id allocator, say) must not be counted against another.
    for_each_backend!(|R| scenario::<R>(SIZE.0, SIZE.1));
    let (mut passed, mut failures) = (0, 0);
    // What the allocator saw of the non-reclaiming backends, if one ran.
    let mut leak_seen = None;
    for_each_backend!(|R| {
        let (seen, reported, retired) = measure::<R>();
        let agree = seen == reported as i64;
        // A reclaiming backend leaks nothing; the leaking one leaks every
        // retired descriptor, and the allocator must see it.
        let expectation = if R::RECLAIMS { reported == 0 } else { reported > 0 && reported == retired * 64 };
        let ok = agree && expectation;
        println!(
            "{:<7} retired {retired:>7}  report: leaked {reported:>9} B  allocator: {seen:>9} B live  {}",
            R::NAME,
            if ok { "agree" } else { "MISMATCH" }
        );
        if !R::RECLAIMS {
            *leak_seen.get_or_insert(0) += seen;
        }
        if ok { passed += 1 } else { failures += 1 }
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
