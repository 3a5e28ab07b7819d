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
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicI64, Ordering::Relaxed};

struct Counting;

static LIVE_BYTES: AtomicI64 = AtomicI64::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged (so `System`'s guarantees are ours) and only adds counting.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract of `GlobalAlloc::alloc`.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size() as i64, Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract of `GlobalAlloc::alloc_zeroed`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size() as i64, Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as i64, Relaxed);
        // SAFETY: forwarded contract of `GlobalAlloc::dealloc`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract of `GlobalAlloc::realloc`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(new_size as i64 - layout.size() as i64, Relaxed);
        }
        p
    }
}

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
    let before = LIVE_BYTES.load(Relaxed);
    let (reported, retired) = scenario::<R>(threads, ops);
    (LIVE_BYTES.load(Relaxed) - before, reported, retired)
}

fn main() {
    // Warm up every backend first: lazily created global state of one (a
    // thread-id allocator, say) must not be counted against another.
    scenario::<reclaim_hazard::Hazard>(SIZE.0, SIZE.1);
    scenario::<reclaim_epoch::Epoch>(SIZE.0, SIZE.1);
    scenario::<reclaim_seize::Seize>(SIZE.0, SIZE.1);
    scenario::<reclaim_leak::Leak>(SIZE.0, SIZE.1);
    let mut failures = 0;
    let mut check = |name: &str, (seen, reported, retired): (i64, u64, u64), expect_leak: bool| {
        let agree = seen == reported as i64;
        let expectation = if expect_leak { reported > 0 && reported == retired * 64 } else { reported == 0 };
        let ok = agree && expectation;
        println!(
            "{name:<7} retired {retired:>7}  report: leaked {reported:>9} B  allocator: {seen:>9} B live  {}",
            if ok { "agree" } else { "MISMATCH" }
        );
        failures += usize::from(!ok);
    };
    check("hazard", measure::<reclaim_hazard::Hazard>(), false);
    check("epoch", measure::<reclaim_epoch::Epoch>(), false);
    check("seize", measure::<reclaim_seize::Seize>(), false);
    let leak = measure::<reclaim_leak::Leak>();
    check("leak", leak, true);
    // Negative control: the allocator sees the leak backend's leak, so a
    // backend that leaked while reporting zero would be caught.
    if leak.0 <= 0 {
        println!("control  FAILED: the allocator saw no leak from the leak backend");
        failures += 1;
    }
    println!("{} passed, {failures} failed", 5 - failures);
    if failures > 0 {
        std::process::exit(1);
    }
}
