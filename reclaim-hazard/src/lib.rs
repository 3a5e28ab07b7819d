//! A [`Reclaimer`] on hazard pointers ([`haphazard`]), with one hazard-pointer
//! domain per vector.
//!
//! Each operation protects the current descriptor with one hazard pointer
//! of its vector's domain (each thread caches one per vector and reuses it); a replaced descriptor is retired
//! into the domain and freed by a later scan once no hazard pointer names it.
//! Garbage therefore stays bounded (by haphazard's reclamation threshold plus
//! one per thread) even if a reader stalls, and because the domain belongs to
//! the vector, dropping the vector frees every descriptor it ever retired.
//!
//! Pick it when memory must stay bounded whatever the threads do (stalled or
//! preempted readers). It costs a store and a full fence per protected load
//! and a scan per batch of retires; reads scale well.
//!
//! ```
//! use reclaim_hazard::SecVec;
//!
//! let v = SecVec::<i32>::new();
//! std::thread::scope(|s| {
//!     s.spawn(|| for i in 0..100 { v.push(i); });
//!     s.spawn(|| for _ in 0..100 { let _ = v.pop(); });
//! });
//! let stats = v.stats();
//! drop(v);
//! assert_eq!(stats.snapshot().leaked(), Some(0)); // the domain freed everything
//! ```
#![warn(missing_docs)]

use core::ptr::NonNull;
use crossbeam_utils::CachePadded;
use haphazard::{Domain, HazardPointer};
use secvec_core::{Reclaimer, Retire, sync::AtomicPtr};
use std::cell::Cell;
use thread_local::ThreadLocal;

/// The hazard-pointer reclaimer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hazard;

/// The haphazard domain family of SecVec domains. Private to this crate, so
/// no pointer of another family's domain can be mixed in; each vector makes
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
    cache: ThreadLocal<CachedHazard>,
    domain: Box<Domain<Family>>,
}

/// A thread's cached hazard pointer (`None` while an operation uses it).
///
/// Every operation writes its thread's entry twice (take, put back), and
/// `ThreadLocal` stores entries side by side: padded to a cache line each,
/// or two threads' gets would contend on one line (get-only at 2 threads ran
/// at 0.5x of one thread before the padding).
struct CachedHazard(CachePadded<Cell<Option<HazardPointer<'static, Family>>>>);

impl HazardDomain {
    /// The haphazard domain of this vector.
    pub fn domain(&self) -> &Domain<Family> {
        &self.domain
    }

    /// Reclaims every retired descriptor that no hazard pointer protects.
    pub fn eager_reclaim(&self) -> usize {
        self.domain.eager_reclaim()
    }

    fn take(&self) -> HazardGuard<'_> {
        let home = self.cache.get_or(|| CachedHazard(CachePadded::new(Cell::new(None))));
        // A nested guard on the same thread (the cache is empty) gets a
        // fresh hazard pointer; it is cached when the outer one is not.
        let hp = home.0.take().unwrap_or_else(|| {
            let hp = HazardPointer::new_in_domain(&*self.domain);
            // SAFETY: extends the borrow of `*self.domain` to 'static so the
            // hazard pointer can be cached in `self.cache`. The domain is
            // boxed (its address never changes while `self` lives) and is
            // dropped after `cache` (field order), so every hazard pointer
            // in the cache is dropped while the domain is alive; one taken
            // out lives in a `HazardGuard<'_>` that borrows `self`, so it
            // cannot outlive the domain either.
            unsafe { core::mem::transmute::<HazardPointer<'_, Family>, HazardPointer<'static, Family>>(hp) }
        });
        HazardGuard { hp: Some(hp), home }
    }
}

impl core::fmt::Debug for HazardDomain {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HazardDomain").finish_non_exhaustive()
    }
}

/// One operation's hazard pointer, returned to its thread's cache on drop.
pub struct HazardGuard<'d> {
    hp: Option<HazardPointer<'static, Family>>,
    home: &'d CachedHazard,
}

impl Drop for HazardGuard<'_> {
    fn drop(&mut self) {
        if let Some(mut hp) = self.hp.take() {
            hp.reset_protection();
            // If a nested guard refilled the cache meanwhile, ours is
            // simply dropped (released into the domain).
            drop(self.home.0.replace(Some(hp)));
        }
    }
}

// SAFETY: 1. `protect` is haphazard's `protect_ptr` on the guard's hazard
// pointer, which publishes the pointer and returns it only after re-reading
// `src` and finding it unchanged; haphazard's domain frees no retired pointer
// that a hazard pointer of the same domain names, until that hazard pointer
// is re-pointed or reset (which happens only when the guard drops).
// 2. `retire` is `retire_ptr::<T, Reclaimed<T>>`, which frees once, by
// dropping a `Reclaimed`, i.e. by `Retire::reclaim`. 3. Dropping a `HazardDomain` drops the cached hazard
// pointers, then the `Domain`, whose `Drop` reclaims every retired object
// before returning (`reclaim_all_objects`). 4. A guard is `!Send` (it holds
// a `&Cell`), and the cache hands each thread only its own slot.
unsafe impl Reclaimer for Hazard {
    type Domain = HazardDomain;
    type Guard<'d> = HazardGuard<'d>;

    fn new_domain() -> HazardDomain {
        HazardDomain { cache: ThreadLocal::new(), domain: Box::new(Domain::new(&Family(()))) }
    }

    #[inline]
    fn guard(domain: &HazardDomain) -> HazardGuard<'_> {
        domain.take()
    }

    #[inline]
    fn protect<T: Sync>(guard: &mut HazardGuard<'_>, src: &AtomicPtr<T>) -> *mut T {
        let hp = guard.hp.as_mut().expect("a live guard holds its hazard pointer");
        match hp.protect_ptr(src) {
            Some((p, _)) => p.as_ptr(),
            None => core::ptr::null_mut(),
        }
    }

    #[inline]
    unsafe fn retire<T: Retire>(domain: &HazardDomain, _: &HazardGuard<'_>, ptr: *mut T) {
        // SAFETY: haphazard's `retire_ptr` asks: 1. no hazard pointer will
        // guard `ptr` from now on: our retire safety 2 (unlinked, so no new
        // protect can return it; the ones holding it now are the reason we
        // retire instead of freeing). 2. not retired twice: retire safety 3.
        // 3. valid as `&T` until the domain drops: retire safety 1 (live
        // until reclaimed, which only this domain does). haphazard rebuilds
        // a `Reclaimed` with `from_raw` once, when no hazard pointer names
        // `ptr`, and drops it: `Retire::reclaim` safety 1 and 2.
        unsafe { domain.domain.retire_ptr::<T, Reclaimed<T>>(ptr) };
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
