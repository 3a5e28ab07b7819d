//! What one write's unavoidable instructions cost on this machine: the
//! floor the write anatomy in `docs/performance.md` compares against.
//!
//! ```text
//! cargo run --release -p secvec-benches --example floor
//! ```
//!
//! Times, on one thread and on memory no other thread touches (so every
//! cache line stays in this core's cache), each of the instructions a
//! SecVec write or a lock needs: a plain store, an 8-byte compare-and-swap
//! (the CAS on `current`; a lock's acquire), an 8-byte swap (a lock's
//! release), a 16-byte compare-and-swap (a slot's write), and a `SeqCst`
//! fence (what a classic hazard pointer or an epoch pin pays per guard).
//! Prints nanoseconds per instruction, the minimum of 7 runs of 10 million,
//! each with the loop's own cost (the plain store's) subtracted.

use portable_atomic::AtomicU128;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering, fence};
use std::time::Instant;

const N: u64 = 10_000_000;
const RUNS: usize = 7;

/// The fastest of `RUNS` runs of `N` calls of `f`, in nanoseconds per call.
fn ns_per(mut f: impl FnMut(u64)) -> f64 {
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            for i in 0..N {
                f(black_box(i));
            }
            start.elapsed().as_secs_f64() * 1e9 / N as f64
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let word = AtomicU64::new(0);
    let wide = AtomicU128::new(0);
    let store = ns_per(|i| word.store(i, Ordering::Relaxed));
    let rows = [
        ("8-byte compare-and-swap (CAS on `current`, a lock's acquire)", {
            ns_per(|i| {
                let _ = word.compare_exchange(i, i + 1, Ordering::AcqRel, Ordering::Acquire);
            })
        }),
        ("8-byte swap (a lock's release)", ns_per(|i| _ = word.swap(i, Ordering::AcqRel))),
        ("16-byte compare-and-swap (a slot's write)", {
            ns_per(|i| {
                let now = i as u128;
                let _ = wide.compare_exchange(now, now + 1, Ordering::AcqRel, Ordering::Acquire);
            })
        }),
        ("SeqCst fence (a classic hazard pointer's protect, an epoch pin)", {
            ns_per(|i| {
                word.store(i, Ordering::Relaxed);
                fence(Ordering::SeqCst);
            })
        }),
    ];
    println!("plain store (the loop; subtracted below): {store:.2} ns");
    for (name, ns) in rows {
        println!("{name}: {:.2} ns", (ns - store).max(0.0));
    }
    black_box((&word, &wide));
}
