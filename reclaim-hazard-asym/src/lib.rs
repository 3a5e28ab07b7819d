//! A [`Reclaimer`] on hazard pointers with asymmetric fences: a reader
//! publishes its hazard pointer with a compiler fence only, and the thread
//! that reclaims issues one process-wide barrier (Linux `membarrier`)
//! before it scans.
//!
//! Classic hazard pointers (`reclaim-hazard`) pay a full fence on every
//! protection of a new pointer, so that a reclaiming thread that scans the
//! hazard pointers afterwards cannot miss it. Here that fence moves to the
//! rare side: readers publish with a plain store and a compiler fence, and
//! a scan, which runs once per 1 024 retires of a thread, first runs a
//! full fence on every CPU that runs a thread of the process. Garbage stays
//! bounded as with hazard pointers (at most 1 024 retired objects per
//! thread plus what hazard pointers name, stalled readers or not), and
//! reads cost about what an epoch's do. Where the syscall is missing
//! (not Linux, old kernels, Miri, loom) both halves are full fences: the
//! classic protocol. [`is_expedited`] says which is in use.
//!
//! ```
//! use reclaim_hazard_asym::SecVec;
//!
//! let v = SecVec::<i32>::new();
//! std::thread::scope(|s| {
//!     s.spawn(|| for i in 0..100 { v.push(i); });
//!     s.spawn(|| for _ in 0..100 { let _ = v.pop(); });
//! });
//! # #[cfg(feature = "accounting")] {
//! let stats = v.stats();
//! drop(v);
//! assert_eq!(stats.snapshot().leaked(), Some(0)); // the domain freed everything
//! # }
//! ```
//!
//! # The protocol
//!
//! A reader protects `p`, loaded from `src`, in three steps: (R1) store `p`
//! in its hazard pointer; (R2) the light barrier; (R3) load `src` again and
//! use `p` only if it is still there (else retry with the new value). A
//! reclaiming thread frees `p` in three: (W1) `p` is unlinked from `src`
//! and retired (by the vector, before `retire`); (W2) the heavy barrier,
//! after taking the batch it will free; (W3) read every hazard pointer and
//! free the objects of the batch that none names.
//!
//! The heavy barrier runs a full fence on every CPU running a thread of
//! the process (threads not running are ordered by their context switch),
//! at a point between its start and its end; so for each reader, that
//! fence falls before R1 or after R1 in the reader's program order:
//!
//! - **After R1** (so after R1 is globally visible): W3, which follows W2,
//!   sees the hazard pointer, and `p` is kept.
//! - **Before R1**: then R3, later in the reader's order, follows the
//!   barrier, which follows W1; R3 sees `p` unlinked, and the reader does
//!   not use `p`.
//!
//! That is the classic argument with the reader's fence supplied by the
//! barrier. The fast path (a hazard pointer that has named `p`
//! continuously since a validation succeeded, and `src` still holds `p`:
//! nothing to publish) and the second hazard pointer (an element's cell,
//! validated by the caller's `reachable`, see
//! [`Reclaimer::protect_second`]) rest on the same argument. A loom model
//! of R1-R3 against W1-W3 (the barrier as `fence(SeqCst)`) checks it, and
//! fails with the barriers removed (`--cfg
//! secvec_defect="asym_no_barrier"`, a negative control CI runs).
//!
//! # Threads and shutdown
//!
//! The per-thread machinery is `secvec-records`' (shared with
//! `reclaim-ibr`): each thread keeps one record of the domain in a [`PerThread`] entry,
//! keyed by the core's thread registry (never shared by two live threads,
//! not even while one runs its thread-local destructors), with the garbage
//! it retired. A kept guard (a `pin` handle), a nested guard and a thread
//! without a seat take a record of their own and give it back, with their
//! garbage, when they end. Nothing uses thread-local storage, so every
//! operation works from a thread-local destructor. Dropping the domain
//! frees every object retired into it.
//!
//! [`PerThread`]: secvec_core::per_thread::PerThread

mod barrier;
#[cfg(all(test, loom))]
mod loom_model;
mod scheme;
mod slots;

pub use barrier::is_expedited;
pub use scheme::{AsymDomain, AsymGuard, SCAN_AT};
pub use slots::HazardSlots;

use secvec_core::{Reclaimer, Retire, RetiredPtr, sync::AtomicPtr};
use std::sync::atomic::Ordering::Acquire;

/// The hazard-pointer reclaimer with asymmetric fences.
#[derive(Debug, Clone, Copy, Default)]
pub struct HazardAsym;

// SAFETY: 1. `protect` returns `p` only after publishing it in the guard's
// first hazard pointer, the light barrier, and a reload of `src` that still
// found `p` (the protocol above), or, on the fast path, when that hazard
// pointer has named `p` continuously since such a validation and `src`
// still holds it; `protect_second` publishes in the second one, runs the
// light barrier and returns true only if `reachable` then passes (its
// contract: `p` was not retired yet), or when that hazard pointer has named
// `p` continuously since such a validation. A scan frees only objects no
// hazard pointer names after its heavy barrier, and hazard pointers are
// cleared only by `refresh`, a later protection through the same guard, or
// the release of an owned record when its guard drops.
// 2. Each retired pointer is in exactly one list (a thread's entry, an own
// guard's entry, or the shared list); a scan takes a list's objects out
// and reclaims each one it frees once, through `RetiredPtr::reclaim`.
// 3. Guards borrow the domain; its drop (and its entries' drops) reclaims
// everything still retired before it returns; nothing of the domain is
// handed out. 4. A guard is `!Send` (a `RefMut` is not `Send`); thread
// entries live in a `PerThread`, never shared by two live threads; a kept
// guard owns its record and uses no per-thread state. 5. No thread-local
// storage: a thread being torn down has no seat and takes its own record.
// 7. `retire` may scan, which reclaims (never unwinds: `Retire::reclaim`'s
// contract) and runs the heavy barrier (which aborts rather than unwinds);
// pushing to a `Vec` aborts on allocation failure. 8. A nested guard finds
// the thread's entry borrowed and takes a record of its own.
unsafe impl Reclaimer for HazardAsym {
    type Domain = AsymDomain;
    type Guard<'d> = AsymGuard<'d>;

    fn new_domain() -> AsymDomain {
        barrier::init();
        AsymDomain::new(())
    }

    #[inline]
    unsafe fn guard(domain: &AsymDomain) -> AsymGuard<'_> {
        // SAFETY: `operation` 1 is our guard safety 1.
        unsafe { domain.operation() }
    }

    /// A record of the handle's own (a handle lives long enough for taking
    /// one to be cheap, and keeps no per-thread state).
    #[inline]
    fn pin(domain: &AsymDomain) -> AsymGuard<'_> {
        domain.own()
    }

    #[inline]
    fn protect<T: Sync>(guard: &mut AsymGuard<'_>, src: &AtomicPtr<T>) -> *mut T {
        // SAFETY: entry 1: this is the scheme's own code, which keeps
        // `local` naming only pointers validated since they were published.
        let entry = unsafe { guard.entry() };
        let mut current = src.load(Acquire);
        // The fast path: the first hazard pointer has named
        // `entry.local[0]` continuously since it was validated, so that
        // object has not been freed (nor its memory reused): `current`
        // equal to it is it, still current. (`local[0]` is 0 only when
        // nothing is protected: then `current` is null, which needs no
        // protection either.)
        if current as usize == entry.local[0] {
            return current;
        }
        loop {
            entry.record().slots.publish(0, current.cast());
            barrier::light();
            let again = src.load(Acquire);
            if again == current {
                entry.local[0] = current as usize;
                return current;
            }
            current = again;
        }
    }

    #[inline]
    fn protect_second<T: Sync>(
        guard: &mut AsymGuard<'_>,
        ptr: *mut T,
        reachable: impl FnOnce() -> bool,
    ) -> bool {
        // SAFETY: entry 1: this is the scheme's own code, which keeps
        // `local` naming only pointers validated since they were published.
        let entry = unsafe { guard.entry() };
        // As in `protect`: a null `ptr` needs no protection.
        if ptr as usize == entry.local[1] {
            return true;
        }
        entry.record().slots.publish(1, ptr.cast());
        barrier::light();
        if reachable() {
            entry.local[1] = ptr as usize;
            true
        } else {
            entry.record().slots.clear(1);
            entry.local[1] = 0;
            false
        }
    }

    fn refresh(guard: &mut AsymGuard<'_>) {
        // SAFETY: entry 1: clears the slots and `local` together.
        scheme::clear(unsafe { guard.entry() });
    }

    #[inline]
    unsafe fn retire<T: Retire>(domain: &AsymDomain, guard: &AsymGuard<'_>, ptr: *mut T) {
        // The guard's entry keeps the object until a scan frees it (its
        // garbage is this guard's alone; see `Entry::retire`).
        // SAFETY: Entry::retire 1: our retire safety 1 to 3 (`ptr` is
        // unlinked, valid, retired once into this domain, and
        // `RetiredPtr::reclaim` is `T::reclaim`); 2: retire safety 4.
        unsafe { guard.entry_ref().retire(domain, RetiredPtr::new(ptr)) };
    }
}

/// A [`secvec_core::SecVec`] whose descriptors are reclaimed with
/// hazard pointers and asymmetric fences.
pub type SecVec<T> = secvec_core::SecVec<T, HazardAsym>;

/// A guarded reference to an element of a [`SecVec`] (from `get_ref` or
/// `pop_ref`): see [`secvec_core::Ref`].
pub type Ref<'v, T> = secvec_core::Ref<'v, T, HazardAsym>;

/// A handle on a [`SecVec`] that keeps one guard for many operations (from
/// `pin`): see [`secvec_core::Pinned`].
pub type Pinned<'v, T> = secvec_core::Pinned<'v, T, HazardAsym>;

/// A reclamation domain that many vectors share
/// ([`SecVec::new_in`](secvec_core::SecVec::new_in); what changes:
/// [`secvec_core::SharedDomain`]).
pub type SharedDomain = secvec_core::SharedDomain<HazardAsym>;
