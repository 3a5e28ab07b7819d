//! A [`Reclaimer`] on epochs ([`crossbeam_epoch`]), with one `Collector` per
//! vector.
//!
//! Each thread registers with a vector's collector once (the `LocalHandle`
//! is kept in the vector, per thread) and pins it for each operation; a
//! replaced descriptor is deferred into the thread's bag and freed two epoch
//! advances later. Because the collector belongs to the vector, its garbage
//! is its own: dropping the vector drops every handle and then the
//! collector, which frees everything still deferred.
//!
//! Pick it for the fastest writes when every thread keeps making progress.
//! A thread that stays pinned (a stalled reader) stops the epoch and garbage
//! grows without bound until it unpins; use `reclaim-hazard` if that can
//! happen.
//!
//! ```
//! use reclaim_epoch::SecVec;
//!
//! let v = SecVec::<u64>::new();
//! std::thread::scope(|s| {
//!     s.spawn(|| for i in 0..100 { v.push(i); });
//!     s.spawn(|| for i in 0..100 { v.push(i); });
//! });
//! assert_eq!(v.len(), 200);
//! let stats = v.stats();
//! drop(v);
//! assert_eq!(stats.snapshot().leaked(), Some(0)); // the collector freed everything
//! ```
#![warn(missing_docs)]

use crossbeam_epoch::{Collector, Guard, LocalHandle};
use secvec_core::{Reclaimer, Retire, sync::AtomicPtr};
use std::sync::atomic::Ordering;
use thread_local::ThreadLocal;

/// The epoch reclaimer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Epoch;

/// One vector's epoch state: its collector and each thread's registration.
pub struct EpochDomain {
    // Field order matters: the handles are dropped (and their bags flushed
    // to the collector) before the collector itself.
    handles: ThreadLocal<Handle>,
    collector: Collector,
}

impl EpochDomain {
    /// The collector of this vector.
    pub fn collector(&self) -> &Collector {
        &self.collector
    }

    /// Pins the calling thread in this vector's collector.
    pub fn pin(&self) -> Guard {
        self.handles.get_or(|| Handle(self.collector.register())).0.pin()
    }
}

impl core::fmt::Debug for EpochDomain {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EpochDomain").field("collector", &self.collector).finish_non_exhaustive()
    }
}

/// A `LocalHandle` stored in the per-thread slot of its registering thread.
struct Handle(LocalHandle);

// SAFETY: a `LocalHandle` is `!Send` because its `Local` is unsynchronized
// per-thread state. `ThreadLocal` only ever hands the handle to the thread
// that holds the thread ID it was created under (`get_or`): the creating
// thread, or after that thread has exited, a later thread that the crate
// gave the same ID (its ID allocator synchronizes the hand-over). So one
// thread at a time uses it while the vector is shared. The one other access is the drop of the whole `ThreadLocal`
// when the vector is dropped: that needs `&mut` of the vector, so every
// thread's last use of its handle happens-before it, and no guard of the
// handle is alive (guards live within one operation), so dropping the
// handle there (finalizing its `Local`) does not race with anything.
unsafe impl Send for Handle {}

// SAFETY: 1. `protect` loads with Acquire inside a pinned guard; crossbeam's
// collector frees a deferred object only after every thread pinned at the
// time of the deferral has unpinned, so the pointer outlives the guard.
// 2. `retire` defers a closure calling `Retire::reclaim`, which the collector runs once.
// 3. Dropping the domain drops every `LocalHandle` (flushing its bag) and then
// the collector, whose last reference frees every deferred object; no
// destructor runs afterwards. 4. Guards are `!Send` and stay on their thread.
unsafe impl Reclaimer for Epoch {
    type Domain = EpochDomain;
    type Guard<'d> = Guard;

    fn new_domain() -> EpochDomain {
        EpochDomain { handles: ThreadLocal::new(), collector: Collector::new() }
    }

    #[inline]
    fn guard(domain: &EpochDomain) -> Guard {
        domain.pin()
    }

    #[inline]
    fn protect<T: Sync>(_: &mut Guard, src: &AtomicPtr<T>) -> *mut T {
        src.load(Ordering::Acquire)
    }

    #[inline]
    unsafe fn retire<T: Retire>(_: &EpochDomain, guard: &Guard, ptr: *mut T) {
        let reclaim = move || {
            // SAFETY: the collector runs this once, after every thread
            // pinned at the deferral has unpinned; threads that pin later
            // cannot reach the object (our retire safety 2: unlinked), so no
            // guard reaches `ptr` any more, and it runs once (retire safety
            // 3): `Retire::reclaim` safety 1 and 2.
            unsafe { T::reclaim(ptr) }
        };
        // SAFETY: `defer_unchecked` asks that the closure be safe to run on
        // any thread after the current epoch's pinned threads are gone: it
        // only reclaims a `Send` object no guard can reach (above), which
        // stays valid until then (retire safety 1). The guard is pinned in
        // this vector's collector (safety 4), which runs every deferred
        // closure before its drop returns.
        unsafe { guard.defer_unchecked(reclaim) };
    }
}

/// A [`secvec_core::SecVec`] whose descriptors are reclaimed with epochs.
pub type SecVec<T> = secvec_core::SecVec<T, Epoch>;
