//! A counting global allocator: an independent check of the vectors' own
//! accounting. Install it in a binary with
//! `#[global_allocator] static A: Counting = Counting::SYSTEM;` (or over
//! another allocator: `Counting(mimalloc::MiMalloc)`) and compare
//! [`live_bytes`] before and after what you measure.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicI64, Ordering::Relaxed};

/// Forwards to the allocator `A` (the system's unless said) and counts the
/// bytes currently allocated, process-wide.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counting<A = System>(pub A);

impl Counting {
    /// Counting over the system allocator.
    pub const SYSTEM: Counting = Counting(System);
}

static LIVE_BYTES: AtomicI64 = AtomicI64::new(0);

/// Bytes currently allocated through [`Counting`] (stays 0 if it is not the
/// global allocator).
pub fn live_bytes() -> i64 {
    LIVE_BYTES.load(Relaxed)
}

// SAFETY: every method forwards to `A` with the caller's arguments
// unchanged (so `A`'s guarantees are ours) and only adds counting.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract of `GlobalAlloc::alloc`.
        let p = unsafe { self.0.alloc(layout) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size() as i64, Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract of `GlobalAlloc::alloc_zeroed`.
        let p = unsafe { self.0.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size() as i64, Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as i64, Relaxed);
        // SAFETY: forwarded contract of `GlobalAlloc::dealloc`.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract of `GlobalAlloc::realloc`.
        let p = unsafe { self.0.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(new_size as i64 - layout.size() as i64, Relaxed);
        }
        p
    }
}

/// The allocator cross-check: the bytes [`Counting`] still sees allocated
/// after a vector (and its domain) are gone must be the bytes its own
/// accounting says leaked.
#[cfg(all(not(loom), feature = "accounting"))]
pub mod crosscheck {
    use super::live_bytes;
    use crate::DESCRIPTOR_BYTES;
    use crate::elem::{Str24, TestElem, leaked_bytes};
    use secvec_core::{Reclaimer, SecVec, SharedDomain};

    /// What one run saw.
    #[derive(Clone, Copy, Debug)]
    pub struct Seen {
        /// Bytes the allocator still counts after everything was dropped.
        pub allocator: i64,
        /// Bytes the vectors' accounting reported leaked.
        pub reported: u64,
        /// Descriptors retired.
        pub retired: u64,
        /// Bytes of the batch payloads the retired descriptors still hold
        /// (those of combined pushes: the scenario runs no `extend`).
        pub batch_bytes: u64,
    }

    impl Seen {
        /// Whether the allocator and the report agree, and the report says
        /// what a reclaimer of `R`'s kind must leak: nothing if it
        /// reclaims, else every retired descriptor with its batch payload
        /// (and, with heap elements, every removed element too).
        pub fn agrees<R: Reclaimer, E: TestElem>(&self) -> bool {
            let descriptors = self.retired * DESCRIPTOR_BYTES + self.batch_bytes;
            let expectation = if R::RECLAIMS {
                self.reported == 0
            } else if E::HEAP_BYTES == 0 {
                self.reported > 0 && self.reported == descriptors
            } else {
                self.reported > descriptors
            };
            self.allocator == self.reported as i64 && expectation
        }
    }

    /// Push/pop on a few threads, on one vector with its own domain or on
    /// two vectors in one shared domain (the first dropped while the
    /// second's workers still run, the domain last); returns the reported
    /// leaked bytes, the retired descriptors and the bytes of batch
    /// payloads not freed, summed over the vectors.
    fn scenario<R: Reclaimer, E: TestElem>(threads: usize, shared: bool) -> (u64, u64, u64) {
        // Joined `std::thread`s, not scoped ones: `join` returns after the
        // OS thread has exited and freed its thread-locals (its `Thread`
        // handle among them); a scope can return before that, and those
        // bytes would land in the next measurement.
        use std::sync::Arc;
        let ops = if cfg!(miri) { 50 } else { 20_000 };
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
        let (mut reported, mut retired, mut batch_bytes) = (0, 0, 0);
        for st in stats {
            let s = st.snapshot();
            reported += leaked_bytes(&s, E::HEAP_BYTES).expect("final");
            retired += s.retired;
            batch_bytes += s.batch_bytes;
        }
        (reported, retired, batch_bytes)
    }

    /// Worker threads per vector in a measured run.
    const THREADS: usize = if cfg!(miri) { 2 } else { 4 };

    /// Runs the scenario unmeasured, with twice the threads of a measured
    /// run, to warm up lazily created global state (thread-id allocators,
    /// a lock crate's table that grows with the threads alive at once:
    /// parking_lot's did, under load, with only as many threads), which
    /// must not be counted against a measurement.
    pub fn warm_up<R: Reclaimer>() {
        scenario::<R, u64>(2 * THREADS, true);
        scenario::<R, Str24>(2 * THREADS, true);
    }

    /// Runs the scenario, measured (after [`warm_up`]), and once more if
    /// the allocator and the report disagree: global state that grows once
    /// (a lock crate's table, when more threads than ever before wait at
    /// once) is not a leak, and a reclaimer's leak of retired objects
    /// repeats in every run. Returns the run that agrees, or the first.
    pub fn measure<R: Reclaimer, E: TestElem>(shared: bool) -> Seen {
        let once = || {
            let before = live_bytes();
            let (reported, retired, batch_bytes) = scenario::<R, E>(THREADS, shared);
            Seen { allocator: live_bytes() - before, reported, retired, batch_bytes }
        };
        let first = once();
        if first.allocator == first.reported as i64 {
            return first;
        }
        let second = once();
        if second.allocator == second.reported as i64 { second } else { first }
    }

    /// Measures `R` with inline and heap elements, in its own domain and in
    /// a shared one, prints one line per run (`name` first), and returns
    /// how many runs agreed and how many did not.
    pub fn run<R: Reclaimer>(name: &str, mut each: impl FnMut(&Seen)) -> (u32, u32) {
        let (mut passed, mut failed) = (0, 0);
        for shared in [false, true] {
            let runs = [
                ("u64", measure::<R, u64>(shared), Seen::agrees::<R, u64> as fn(&Seen) -> bool),
                ("str24", measure::<R, Str24>(shared), Seen::agrees::<R, Str24>),
            ];
            for (elem, seen, agrees) in runs {
                let ok = agrees(&seen);
                println!(
                    "{name:<11} {elem:<6} {:<6} retired {:>7}  report: leaked {:>9} B  allocator: {:>9} B live  {}",
                    if shared { "shared" } else { "own" },
                    seen.retired,
                    seen.reported,
                    seen.allocator,
                    if ok { "agree" } else { "MISMATCH" }
                );
                each(&seen);
                if ok { passed += 1 } else { failed += 1 }
            }
        }
        (passed, failed)
    }

    /// The whole cross-check of one reclaimer, as the `main` of a test
    /// binary with `harness = false` whose global allocator is
    /// [`Counting`](super::Counting): what
    /// [`conformance_alloc!`](crate::conformance_alloc) expands to. Exits
    /// with status 1 on a mismatch.
    pub fn main<R: Reclaimer>() {
        let before = super::live_bytes();
        let probe = std::hint::black_box(Box::new([0u8; 64]));
        let counted = super::live_bytes() - before;
        drop(probe);
        if counted < 64 {
            println!("the global allocator is not `secvec_suite::alloc::Counting`: nothing to compare");
            std::process::exit(1);
        }
        warm_up::<R>();
        let (passed, failed) = run::<R>(std::any::type_name::<R>(), |_| {});
        println!("{passed} passed, {failed} failed");
        if failed > 0 {
            std::process::exit(1);
        }
    }
}
