//! A [`Reclaimer`] on epochs ([`crossbeam_epoch`]), with one `Collector` per
//! vector (or one for many: [`SharedDomain`]).
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
//! # #[cfg(feature = "accounting")] {
//! let stats = v.stats();
//! drop(v);
//! assert_eq!(stats.snapshot().leaked(), Some(0)); // the collector freed everything
//! # }
//! ```
//!
//! # Threads and shutdown
//!
//! Registrations live in a [`PerThread`], keyed by the core's thread
//! registry, so one `LocalHandle` is never used by two live threads (not
//! even while one of them runs its thread-local destructors). A thread
//! without a seat (more than 32 threads use the vector at once, or it is
//! being torn down) registers afresh for the operation and unregisters at
//! its end. A per-vector collector uses no thread-local storage, so every
//! operation works from a thread-local destructor.
//!
//! A guard borrows the vector, and the collector is never handed out, so
//! nothing can keep the collector running past the vector: when the vector
//! is dropped, every deferred descriptor is freed before the drop returns.
//! A guard leaked with `mem::forget` keeps its registration pinned: then the
//! collector is never freed and nothing it holds is ever freed either (a
//! leak, never a use after free).
//!
//! A handle (and its guard) cannot outlive its vector (it borrows it):
//!
//! ```compile_fail,E0505
//! let v = reclaim_epoch::SecVec::<u64>::new();
//! let reader = v.pin();
//! drop(v); // error: `v` is borrowed by `reader`
//! drop(reader);
//! ```
//!
//! ```
//! let v = reclaim_epoch::SecVec::<u64>::new();
//! let mut reader = v.pin();
//! assert_eq!(reader.len(), 0);
//! drop(reader); // the same in the right order compiles
//! drop(v);
//! ```

use crossbeam_epoch::{Collector, Guard, LocalHandle};
use secvec_core::per_thread::{PerThread, ThreadEntry};
use secvec_core::{Reclaimer, Retire, sync::AtomicPtr};
use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::atomic::Ordering;

/// The epoch reclaimer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Epoch;

/// One vector's epoch state: its collector and each thread's registration.
/// It gives out nothing but guards that borrow it.
pub struct EpochDomain {
    // Field order matters: the handles are dropped (and their bags flushed
    // to the collector) before the collector itself.
    handles: PerThread<Handle>,
    collector: Collector,
}

impl core::fmt::Debug for EpochDomain {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EpochDomain").field("handles", &self.handles).finish_non_exhaustive()
    }
}

/// A thread's registration with a vector's collector.
struct Handle(LocalHandle);

// SAFETY: a `LocalHandle` is `!Send` because its `Local` is unsynchronized
// per-thread state. It lives in a `PerThread`, which gives it only to the
// thread that owns its seat, and hands a seat to another thread only after
// the owner's registration is gone and its last lease is dropped, through
// a mutex (happens-before). Every guard pinned from the handle holds its
// `ThreadEntry` until it has unpinned (field order of `EpochGuard`): a
// kept guard's entry holds a lease, so the seat stays this thread's; an
// operation's entry is brief, and the operation ends before the thread's
// registration can go (`Reclaimer::guard` safety 1). So no guard of the
// handle is alive when it changes threads; a leaked guard leaks its lease,
// and the seat is never handed on. The other access is the
// drop of the `PerThread` with the domain, which needs `&mut`: no guard of
// the domain is alive then (they borrow it), and a leaked guard never
// touches its `Local` again.
unsafe impl Send for Handle {}

/// A pinned guard of one vector's collector.
pub struct EpochGuard<'d> {
    // Field order matters: unpin first, then release an uncached
    // registration, then give the thread's entry back.
    guard: Guard,
    /// The registration of the uncached path (a thread without a seat).
    own: Option<LocalHandle>,
    /// The thread's cached registration, with its lease (a kept guard; an
    /// operation's guard needs none, `Reclaimer::guard` safety 1).
    _entry: Option<ThreadEntry<'d, Handle>>,
    /// Objects retired through this guard (see [`FLUSH_EVERY`]).
    retired: Cell<u32>,
    _domain: PhantomData<&'d EpochDomain>,
}

/// A guard that has retired this many objects flushes its thread's bag and
/// collects. crossbeam-epoch advances the global epoch and frees only in
/// `collect`, which `pin` runs every 128 pins and `flush` always; `repin`
/// (a handle's `refresh`) does neither, and one `collect` frees at most 8
/// bags of 64 objects. Threads that write only through handles would free
/// nothing until the vector's drop (a push-only run through handles
/// retired 400 000 descriptors and freed none); flushing at each refresh
/// alone freed 42% of them during the run (16 bags filled per 1 024
/// operations, 8 freed). Every 128 retires, two bags, as `pin` does.
const FLUSH_EVERY: u32 = 128;

impl EpochDomain {
    fn register(&self) -> Handle {
        Handle(self.collector.register())
    }

    /// A guard pinned through a fresh registration (a thread with no seat).
    fn uncached(&self) -> EpochGuard<'_> {
        let own = self.collector.register();
        EpochGuard {
            guard: own.pin(),
            own: Some(own),
            _entry: None,
            retired: Cell::new(0),
            _domain: PhantomData,
        }
    }
}

impl core::fmt::Debug for EpochGuard<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EpochGuard").field("cached", &self.own.is_none()).finish_non_exhaustive()
    }
}

// SAFETY: 1. `protect` loads with Acquire inside a pinned guard; crossbeam's
// collector frees a deferred object only after every thread pinned at the
// time of the deferral has unpinned, so the pointer outlives the guard.
// 2. `retire` defers a closure calling `Retire::reclaim`, which the
// collector runs once. 3. A guard borrows the `EpochDomain`, which hands
// out nothing else (no `Collector` clone), so only the domain's own handles
// and collector keep crossbeam's global state alive: dropping the domain
// drops every `LocalHandle` (flushing its bag) and then the collector,
// whose last reference frees every deferred object before the drop
// returns. A leaked guard keeps its `Local`, and with it the collector's
// state, alive forever: then nothing deferred is ever run. 4. Guards are
// `!Send`; registrations are per-thread through `PerThread` (see `Handle`);
// `pin` and `guard` are the same thing here, safe to keep. 5. A per-vector
// collector uses no thread-local storage; a thread being torn down has no
// seat and registers afresh. 7. `retire` defers a closure; whatever
// crossbeam runs inline (a collection) calls only `Retire::reclaim`, which
// never unwinds. 8. Pinning an already pinned thread nests (crossbeam
// counts its guards).
unsafe impl Reclaimer for Epoch {
    type Domain = EpochDomain;
    type Guard<'d> = EpochGuard<'d>;

    fn new_domain() -> EpochDomain {
        EpochDomain { handles: PerThread::new(), collector: Collector::new() }
    }

    #[inline]
    unsafe fn guard(domain: &EpochDomain) -> EpochGuard<'_> {
        // SAFETY: get_or_briefly 1 is our guard safety 1: the handle is used
        // on this thread to pin a guard that is dropped within the operation.
        match unsafe { domain.handles.get_or_briefly(|| domain.register()) } {
            Some(handle) => EpochGuard {
                guard: handle.0.pin(),
                own: None,
                _entry: None,
                retired: Cell::new(0),
                _domain: PhantomData,
            },
            None => domain.uncached(),
        }
    }

    #[inline]
    fn pin(domain: &EpochDomain) -> EpochGuard<'_> {
        match domain.handles.get_or(|| domain.register()) {
            Some(entry) => {
                let guard = entry.0.pin();
                EpochGuard {
                    guard,
                    own: None,
                    _entry: Some(entry),
                    retired: Cell::new(0),
                    _domain: PhantomData,
                }
            }
            None => domain.uncached(),
        }
    }

    #[inline]
    fn protect<T: Sync>(_: &mut EpochGuard<'_>, src: &AtomicPtr<T>) -> *mut T {
        src.load(Ordering::Acquire)
    }

    /// Nothing to publish: the pinned guard keeps everything retired after
    /// it was pinned, which includes any cell read through a descriptor it
    /// protects (`protect_second` contract 1).
    #[inline]
    fn protect_second<T: Sync>(_: &mut EpochGuard<'_>, _: *mut T, _: impl FnOnce() -> bool) -> bool {
        true
    }

    fn refresh(guard: &mut EpochGuard<'_>) {
        guard.guard.repin();
        // `repin` never collects (see `FLUSH_EVERY`): a handle that only
        // reads lets the epoch advance here.
        #[cfg(not(secvec_defect = "epoch_no_collect"))]
        guard.guard.flush();
    }

    #[inline]
    unsafe fn retire<T: Retire>(_: &EpochDomain, guard: &EpochGuard<'_>, ptr: *mut T) {
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
        // closure before its drop returns, or never (Reclaimer safety 3).
        unsafe { guard.guard.defer_unchecked(reclaim) };
        let retired = guard.retired.get().wrapping_add(1);
        guard.retired.set(retired);
        // Runs deferred closures, which reclaim objects: `Retire::reclaim`
        // never unwinds (it catches an element's panicking destructor), as
        // `pin`'s own collection relies on too.
        #[cfg(not(secvec_defect = "epoch_no_collect"))]
        if retired % FLUSH_EVERY == 0 {
            guard.guard.flush();
        }
    }
}

/// A [`secvec_core::SecVec`] whose descriptors are reclaimed with epochs.
pub type SecVec<T> = secvec_core::SecVec<T, Epoch>;

/// A guarded reference to an element of a [`SecVec`] (from `get_ref` or
/// `pop_ref`): see [`secvec_core::Ref`].
pub type Ref<'v, T> = secvec_core::Ref<'v, T, Epoch>;

/// A handle on a [`SecVec`] that keeps one guard for many operations (from
/// `pin`): see [`secvec_core::Pinned`].
pub type Pinned<'v, T> = secvec_core::Pinned<'v, T, Epoch>;

/// A reclamation domain that many vectors share
/// ([`SecVec::new_in`](secvec_core::SecVec::new_in); what changes:
/// [`secvec_core::SharedDomain`]): one epoch collector for all of them.
///
/// ```
/// use reclaim_epoch::{SecVec, SharedDomain};
///
/// let domain = SharedDomain::new();
/// let nodes: Vec<SecVec<String>> = (0..100).map(|_| SecVec::new_in(&domain)).collect();
/// nodes[7].push("seven".to_string());
/// assert_eq!(nodes[7].pop().as_deref(), Some("seven"));
/// drop(domain); // the vectors keep it alive
/// nodes[1].push("one".to_string());
/// drop(nodes); // the last one frees what they all retired
/// ```
pub type SharedDomain = secvec_core::SharedDomain<Epoch>;
