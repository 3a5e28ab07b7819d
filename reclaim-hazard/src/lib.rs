//! A [`Reclaimer`] on hazard pointers ([`haphazard`]), with one hazard-pointer
//! domain per vector.
//!
//! Each operation takes one hazard pointer from its vector's domain and
//! protects the current descriptor with it; a replaced descriptor is retired
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

use haphazard::{Domain, HazardPointer};
use secvec_core::{Reclaimer, sync::AtomicPtr};

/// The hazard-pointer reclaimer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hazard;

/// The haphazard domain family of SecVec domains. Private to this crate, so
/// no pointer of another family's domain can be mixed in; each vector makes
/// its own `Domain` of this family.
#[derive(Debug)]
pub struct Family(());

// SAFETY: 1. `protect` is haphazard's `protect_ptr`, which publishes the
// pointer in the hazard pointer and returns it only after re-reading `src`
// and finding it unchanged; haphazard's domain frees no retired pointer that
// a hazard pointer of the same domain names, until that hazard pointer is
// dropped or re-pointed. 2. `retire` is `retire_ptr::<T, Box<T>>`, which
// frees once, by `Box::from_raw`. 3. `Domain`'s `Drop` reclaims every retired
// object before returning (`reclaim_all_objects`). 4. Hazard pointers are
// used only by the thread that took them (`Guard` is not sent anywhere).
unsafe impl Reclaimer for Hazard {
    type Domain = Domain<Family>;
    type Guard<'d> = HazardPointer<'d, Family>;

    fn new_domain() -> Domain<Family> {
        Domain::new(&Family(()))
    }

    #[inline]
    fn guard(domain: &Domain<Family>) -> HazardPointer<'_, Family> {
        HazardPointer::new_in_domain(domain)
    }

    #[inline]
    fn protect<T: Sync>(guard: &mut HazardPointer<'_, Family>, src: &AtomicPtr<T>) -> *mut T {
        match guard.protect_ptr(src) {
            Some((p, _)) => p.as_ptr(),
            None => core::ptr::null_mut(),
        }
    }

    #[inline]
    unsafe fn retire<T: Send + 'static>(domain: &Domain<Family>, _: &HazardPointer<'_, Family>, ptr: *mut T) {
        // SAFETY: haphazard's `retire_ptr` asks: 1. no hazard pointer will
        // guard `ptr` from now on: our retire safety 2 (unlinked, so no new
        // protect can return it; the ones holding it now are the reason we
        // retire instead of freeing). 2. not retired twice: retire safety 3.
        // 3. valid as `&T` until the domain drops: retire safety 1 (a live
        // Box, freed only by this domain).
        unsafe { domain.retire_ptr::<T, Box<T>>(ptr) };
    }
}

/// A [`secvec_core::SecVec`] whose descriptors are reclaimed with hazard pointers.
pub type SecVec<T> = secvec_core::SecVec<T, Hazard>;
