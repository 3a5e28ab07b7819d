//! A [`Reclaimer`] on hazard pointers ([`haphazard`]), with one hazard-pointer
//! domain per vector (or one for many: [`SharedDomain`]).
//!
//! Each operation protects the current descriptor with one hazard pointer
//! of its vector's domain (each thread caches one per domain and reuses
//! it); a replaced descriptor is retired into the domain and freed by a
//! later scan once no hazard pointer names it.
//! Garbage therefore stays bounded (by haphazard's reclamation threshold plus
//! one per thread) even if a reader stalls, and when the domain belongs to
//! the vector, dropping the vector frees every descriptor it ever retired.
//!
//! Pick it when memory must stay bounded whatever the threads do (stalled or
//! preempted readers). It costs a store and a full fence whenever an
//! operation finds a descriptor other than the one its thread protected
//! last (a thread keeps its last protection between operations, and a
//! handle across them: at most one descriptor per thread and vector is
//! held back that way), and a scan after every 64 of a thread's retires
//! (short pauses, rather than haphazard's one scan per 1 000); reads scale
//! well.
//!
//! Elements that live in heap cells (anything but the primitives) need a
//! second hazard pointer per guard: a read publishes the cell, fences, and
//! checks that the descriptor it read the cell under is still current
//! (retrying otherwise), unless the thread's second hazard pointer already
//! names that cell. One more store and fence per read of a new cell; at
//! most one removed element per thread and vector is kept that way.
//!
//! ```
//! use reclaim_hazard::SecVec;
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
//! # Threads and shutdown
//!
//! The per-thread cache lives in a [`PerThread`], keyed by the core's thread
//! registry, so a cached hazard pointer is never used by two live threads
//! (not even while one of them runs its thread-local destructors); an
//! operation uses it in place. A thread without a seat (more than 32
//! threads use the vector at once, or it is being torn down), and a kept
//! guard (a `pin` handle), take a hazard pointer of their own and give it
//! back when they end. Nothing here uses thread-local storage, so
//! every operation works from a thread-local destructor. A guard borrows
//! the vector; after the vector is dropped no descriptor destructor runs:
//! the domain frees every retired descriptor in its own drop.

use core::ptr::NonNull;
use haphazard::{Domain, HazardPointer};
use secvec_core::per_thread::PerThread;
use secvec_core::{Reclaimer, Retire, sync::AtomicPtr};
use std::cell::{Cell, RefCell, RefMut};
use std::sync::atomic::Ordering;

/// The hazard-pointer reclaimer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hazard;

/// The haphazard domain family of SecVec domains. Private to this crate
/// (it cannot be named or built outside), so no pointer of another
/// family's domain can be mixed in; each vector (or shared domain) makes
/// its own `Domain` of this family.
#[derive(Debug)]
pub struct Family(());

/// One vector's hazard-pointer state: its domain, and one cached hazard
/// pointer per thread.
///
/// Taking a hazard pointer from the domain and giving it back costs a CAS
/// and a store on shared records; each thread instead keeps the one it used
/// last and reuses it for its next operation on this vector.
pub struct HazardDomain {
    // Field order matters: the cached hazard pointers borrow `*domain` and
    // are dropped (released into it) before it.
    cache: PerThread<Cached>,
    domain: Box<Domain<Family>>,
}

/// A thread's cached hazard pointer (`None` until the thread's first
/// operation), borrowed in place by the operation that uses it.
type Cached = RefCell<Option<Protection>>;

/// A hazard pointer and the address it has protected continuously since
/// `protect` validated it (0 if none): kept between operations, so that
/// the next operation finds the descriptor still current and protected.
/// The second one (taken the first time an element cell is read) protects
/// the cell an operation reads.
struct Protection {
    hp: HazardPointer<'static, Family>,
    protected: usize,
    second: Option<CellProtection>,
    /// Retires through this guard since its last scan (see [`SCAN_EVERY`]).
    retires: Cell<u32>,
}

/// A thread scans its domain after this many of its own retires.
///
/// haphazard scans when a domain holds 1 000 retired objects (or every 2
/// s): freeing 1 000 descriptors at once took one operation in a thousand
/// 13-15 µs (p99.9 and p99.99 of one-thread push/pop, measured
/// 2026-11-26). Scanning after every 64 of a thread's retires frees them in
/// batches of about 64 instead: p99.99 1.0-1.2 µs (every 32: 0.6-0.9 µs),
/// and garbage stays far lower (peak 65-270 descriptors on push/pop at 1-8
/// threads, every 32: 34-116; against about 1 000-2 600). The price is
/// scans that touch the other threads' hazard pointers more often: at 2
/// threads, every 32 cost 10-20% of push and push/pop throughput (8.2 ->
/// 6.8 and 7.8 -> 7.1 Mops/s); at 1 thread nothing.
/// haphazard's own threshold stays as a backstop.
const SCAN_EVERY: u32 = 64;

impl Protection {
    fn new(hp: HazardPointer<'static, Family>) -> Protection {
        Protection { hp, protected: 0, second: None, retires: Cell::new(0) }
    }
}

/// The second hazard pointer of a guard, and the cell address it has
/// protected continuously since a validation succeeded (0 if none).
struct CellProtection {
    hp: HazardPointer<'static, Family>,
    protected: usize,
}

impl HazardDomain {
    /// A hazard pointer of this domain, with the borrow of the domain
    /// extended to `'static` so that it can be cached in `self.cache`.
    fn new_hazard(&self) -> HazardPointer<'static, Family> {
        let hp = HazardPointer::new_in_domain(&*self.domain);
        // SAFETY: the domain is boxed (its address never changes while
        // `self` lives) and is dropped after `cache` (field order), so every
        // hazard pointer in the cache is dropped while the domain is alive;
        // one taken out lives in a `HazardGuard<'_>` that borrows `self`, so
        // it cannot outlive the domain either (a leaked guard never touches
        // its hazard pointer again).
        unsafe { core::mem::transmute::<HazardPointer<'_, Family>, HazardPointer<'static, Family>>(hp) }
    }

    /// A guard with a hazard pointer of its own, released when it drops.
    fn own(&self) -> HazardGuard<'_> {
        HazardGuard { domain: self, holder: Holder::Own(Protection::new(self.new_hazard())) }
    }

    /// A guard on the thread's cached hazard pointer `cache`, in place (a
    /// nested guard, which finds it borrowed, takes its own).
    fn cached<'d>(&'d self, cache: &'d Cached) -> HazardGuard<'d> {
        match cache.try_borrow_mut() {
            Ok(mut kept) => {
                if kept.is_none() {
                    *kept = Some(Protection::new(self.new_hazard()));
                }
                HazardGuard { domain: self, holder: Holder::Cached(kept) }
            }
            Err(_) => self.own(),
        }
    }
}

impl core::fmt::Debug for HazardDomain {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HazardDomain").finish_non_exhaustive()
    }
}

/// A guard's hazard pointer, and the descriptor it keeps protected.
///
/// An operation's guard borrows its thread's cached one in place (the
/// borrow ends with the guard; the protection stays for the thread's next
/// operation: at most one descriptor per thread and vector is kept from
/// reclamation this way). A kept guard, a nested one, and one on a thread
/// without a seat own theirs and release it (reset) when they drop.
pub struct HazardGuard<'d> {
    domain: &'d HazardDomain,
    holder: Holder<'d>,
}

enum Holder<'d> {
    /// The thread's cache entry, borrowed: no other thread uses it
    /// meanwhile, as an operation's guard ends before the thread's
    /// registration can go (`Reclaimer::guard` safety 1).
    Cached(RefMut<'d, Option<Protection>>),
    Own(Protection),
}

impl HazardGuard<'_> {
    #[inline]
    fn kept_ref(&self) -> &Protection {
        match &self.holder {
            Holder::Cached(kept) => kept.as_ref().expect("filled when borrowed"),
            Holder::Own(kept) => kept,
        }
    }

    #[inline]
    fn kept(&mut self) -> &mut Protection {
        self.parts().1
    }

    /// The guard's domain and its hazard pointers.
    #[inline]
    fn parts(&mut self) -> (&HazardDomain, &mut Protection) {
        let kept = match &mut self.holder {
            Holder::Cached(kept) => kept.as_mut().expect("filled when borrowed"),
            Holder::Own(kept) => kept,
        };
        (self.domain, kept)
    }
}

/// The fast path: the pointer to return for `current` (just loaded from
/// the source) without publishing again, if `protected` (the address our
/// hazard pointer has published, unchanged, since `protect_ptr` validated
/// it) is that very pointer.
#[cfg(not(secvec_defect = "hazard_fast_path"))]
#[inline]
fn still_protected<T>(protected: usize, current: *mut T) -> Option<*mut T> {
    (protected != 0 && protected == current as usize).then_some(current)
}

/// Negative control, built only with `--cfg secvec_defect="hazard_fast_path"`:
/// the fast path without the "still current" check returns the descriptor
/// protected last, however stale; the suite's
/// `a_reader_sees_other_threads_writes` must fail.
#[cfg(secvec_defect = "hazard_fast_path")]
#[inline]
fn still_protected<T>(protected: usize, _: *mut T) -> Option<*mut T> {
    (protected != 0).then_some(protected as *mut T)
}

// SAFETY: 1. `protect` is haphazard's `protect_ptr` on the guard's hazard
// pointer, which publishes the pointer and returns it only after re-reading
// `src` and finding it unchanged; haphazard's domain frees no retired pointer
// that a hazard pointer of the same domain names, until that hazard pointer
// is re-pointed (by a `protect` returning another pointer) or reset
// (`refresh`, or the drop of an owned one, or of the cache). The fast path returns
// the pointer already published only when `src` still holds it (see
// `protect`). `protect_second` publishes in a second hazard pointer of the
// guard, fences, and returns true only if the caller's validation then
// passes (the caller's contract: the pointer was not retired when it ran),
// so a scan that follows the retire sees the hazard pointer; or without
// publishing, when that hazard pointer has named the pointer continuously
// since such a validation.
// 2. `retire` is `retire_ptr::<T, Reclaimed<T>>`, which frees once, by
// dropping a `Reclaimed`, i.e. by `Retire::reclaim`. 3. A guard borrows the
// `HazardDomain`; dropping it drops the cached hazard pointers, then the
// `Domain`, whose `Drop` reclaims every retired object before returning
// (`reclaim_all_objects`), leaked guards or not; nothing else of the domain
// is handed out. 4. A guard is `!Send` (a `RefMut` of a `RefCell` is not
// `Send`, nor is a `HazardPointer` used elsewhere), and the cache is a
// `PerThread`, whose entries are never shared by two live threads; a kept
// guard (`pin`) owns its hazard pointer and uses no per-thread state, so
// it is safe to keep anywhere. 5. Neither haphazard nor this crate uses
// thread-local storage; a thread being torn down has no seat and takes a
// hazard pointer of its own. 7. `retire` may scan and reclaim inline,
// which calls only `Retire::reclaim` (it never unwinds); haphazard's own
// code does not panic there. 8. A nested guard finds the thread's cached
// hazard pointer borrowed and takes one of its own (`cached`).
unsafe impl Reclaimer for Hazard {
    type Domain = HazardDomain;
    type Guard<'d> = HazardGuard<'d>;

    fn new_domain() -> HazardDomain {
        HazardDomain { cache: PerThread::new(), domain: Box::new(Domain::new(&Family(()))) }
    }

    #[inline]
    unsafe fn guard(domain: &HazardDomain) -> HazardGuard<'_> {
        // SAFETY: get_or_briefly 1 is our guard safety 1: the guard, which
        // borrows the entry, is dropped within the operation, on this thread.
        match unsafe { domain.cache.get_or_briefly(|| RefCell::new(None)) } {
            Some(cache) => domain.cached(cache),
            None => domain.own(),
        }
    }

    /// A hazard pointer of the handle's own (a handle lives long enough for
    /// taking one to be cheap, and keeps no per-thread state).
    #[inline]
    fn pin(domain: &HazardDomain) -> HazardGuard<'_> {
        domain.own()
    }

    #[inline]
    fn protect<T: Sync>(guard: &mut HazardGuard<'_>, src: &AtomicPtr<T>) -> *mut T {
        let kept = guard.kept();
        let current = src.load(Ordering::Acquire);
        // The fast path (safety point 1): our hazard pointer has published
        // `kept.protected` continuously since it was validated (every path
        // that re-points or resets it updates `protected` with it), so that
        // descriptor has not been freed, and its memory has not been reused
        // for another one: `current` equal to it *is* it, still current. No
        // store, no fence.
        if let Some(p) = still_protected(kept.protected, current) {
            return p;
        }
        match kept.hp.protect_ptr(src) {
            Some((p, _)) => {
                kept.protected = p.as_ptr() as usize;
                p.as_ptr()
            }
            None => {
                kept.protected = 0;
                core::ptr::null_mut()
            }
        }
    }

    /// Publishes `ptr` in the guard's second hazard pointer, fences, and
    /// validates with `reachable`. If that hazard pointer has named `ptr`
    /// continuously since an earlier validation succeeded, `ptr` cannot have
    /// been freed since (and is still valid), so nothing is published again.
    #[inline]
    fn protect_second<T: Sync>(
        guard: &mut HazardGuard<'_>,
        ptr: *mut T,
        reachable: impl FnOnce() -> bool,
    ) -> bool {
        let (domain, kept) = guard.parts();
        let second =
            kept.second.get_or_insert_with(|| CellProtection { hp: domain.new_hazard(), protected: 0 });
        if second.protected != 0 && second.protected == ptr as usize {
            return true;
        }
        second.hp.protect_raw(ptr);
        // Orders the publication before `reachable`'s loads, and pairs with
        // the full fence haphazard runs before it scans hazard pointers to
        // reclaim (the same pairing as in `protect_ptr`): either the scan
        // sees our hazard pointer, or `reachable` sees the removal that
        // preceded the retire.
        std::sync::atomic::fence(Ordering::SeqCst);
        if reachable() {
            second.protected = ptr as usize;
            true
        } else {
            second.hp.reset_protection();
            second.protected = 0;
            false
        }
    }

    fn refresh(guard: &mut HazardGuard<'_>) {
        let kept = guard.kept();
        kept.hp.reset_protection();
        kept.protected = 0;
        if let Some(second) = &mut kept.second {
            second.hp.reset_protection();
            second.protected = 0;
        }
    }

    #[inline]
    unsafe fn retire<T: Retire>(domain: &HazardDomain, guard: &HazardGuard<'_>, ptr: *mut T) {
        // SAFETY: haphazard's `retire_ptr` asks: 1. no hazard pointer will
        // guard `ptr` from now on: our retire safety 2 (unlinked, so no new
        // protect can return it; the ones holding it now are the reason we
        // retire instead of freeing). 2. not retired twice: retire safety 3.
        // 3. valid as `&T` until the domain drops: retire safety 1 (live
        // until reclaimed, which only this domain does). haphazard rebuilds
        // a `Reclaimed` with `from_raw` once, when no hazard pointer names
        // `ptr`, and drops it: `Retire::reclaim` safety 1 and 2.
        unsafe { domain.domain.retire_ptr::<T, Reclaimed<T>>(ptr) };
        let retires = &guard.kept_ref().retires;
        let n = retires.get() + 1;
        if n < SCAN_EVERY {
            retires.set(n);
        } else {
            retires.set(0);
            domain.domain.eager_reclaim();
        }
    }
}

/// The "smart pointer" haphazard rebuilds around a retired object and drops
/// to free it: dropping it calls [`Retire::reclaim`].
struct Reclaimed<T: Retire>(NonNull<T>);

impl<T: Retire> core::ops::Deref for Reclaimed<T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: a `Reclaimed` only exists between haphazard's `from_raw`
        // and its drop, while the retired object is still valid (retire
        // safety 1) and no longer mutated (it is unlinked and immutable).
        unsafe { self.0.as_ref() }
    }
}

// SAFETY: `into_raw` and `from_raw` round-trip the pointer unchanged, and
// `from_raw` is only given pointers that are valid for `T` (haphazard's
// contract, from our retire safety 1).
unsafe impl<T: Retire> haphazard::raw::Pointer<T> for Reclaimed<T> {
    fn into_raw(self) -> *mut T {
        let p = self.0.as_ptr();
        core::mem::forget(self);
        p
    }

    unsafe fn from_raw(ptr: *mut T) -> Self {
        Reclaimed(NonNull::new(ptr).expect("haphazard never retires null"))
    }
}

impl<T: Retire> Drop for Reclaimed<T> {
    fn drop(&mut self) {
        // SAFETY: haphazard drops the `Reclaimed` it rebuilt for a retired
        // pointer exactly once, when no hazard pointer of the domain names
        // it (or when the domain is dropped): `Retire::reclaim` safety 1, 2.
        unsafe { T::reclaim(self.0.as_ptr()) };
    }
}

/// A [`secvec_core::SecVec`] whose descriptors are reclaimed with hazard pointers.
pub type SecVec<T> = secvec_core::SecVec<T, Hazard>;

/// A guarded reference to an element of a [`SecVec`] (from `get_ref` or
/// `pop_ref`): see [`secvec_core::Ref`].
pub type Ref<'v, T> = secvec_core::Ref<'v, T, Hazard>;

/// A handle on a [`SecVec`] that keeps one guard for many operations (from
/// `pin`): see [`secvec_core::Pinned`].
pub type Pinned<'v, T> = secvec_core::Pinned<'v, T, Hazard>;

/// A reclamation domain that many vectors share
/// ([`SecVec::new_in`](secvec_core::SecVec::new_in); what changes:
/// [`secvec_core::SharedDomain`]).
pub type SharedDomain = secvec_core::SharedDomain<Hazard>;
