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
//!
//! Then what a write at two threads pays on top: a value two threads hand
//! back and forth, each waiting for the other's write (the minimum of 7
//! runs of 1 million hand-offs). A hand-off is a read that misses (the
//! line comes over) and a write that takes the line for itself: two
//! transfers between the cores. A write on a contended vector moves
//! several lines (`current`, the descriptor it reads, the slot it
//! completes); a lock moves its word and the data.

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
    println!(
        "a hand-off between two cores (a read miss, then a write taking the line): {:.1} ns",
        handoff_ns()
    );
    black_box((&word, &wide));
}

/// One hand-off of a counter two threads take turns to increment: each
/// increment waits for the other thread's, so each one moves the line over
/// and takes it back.
fn handoff_ns() -> f64 {
    const HANDOFFS: u64 = 1_000_000;
    (0..RUNS)
        .map(|_| {
            let turn = AtomicU64::new(0);
            let start = Instant::now();
            std::thread::scope(|s| {
                for parity in 0..2 {
                    let turn = &turn;
                    s.spawn(move || {
                        let mut mine = parity;
                        while mine < HANDOFFS {
                            while turn.load(Ordering::Acquire) != mine {
                                std::hint::spin_loop();
                            }
                            turn.store(mine + 1, Ordering::Release);
                            mine += 2;
                        }
                    });
                }
            });
            start.elapsed().as_secs_f64() * 1e9 / HANDOFFS as f64
        })
        .fold(f64::INFINITY, f64::min)
}
