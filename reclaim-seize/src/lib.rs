//! A [`Reclaimer`] on [`seize`], with one `Collector` per vector.
//!
//! seize protects everything loaded while a thread is "active" (like
//! epochs) but tracks retired objects in batches with reference counts, so
//! a batch is freed as soon as the threads that were active when it was
//! retired have all moved on, without a global epoch to advance. Each
//! operation enters the vector's collector (`LocalGuard`), loads the current
//! descriptor through it, and retires the replaced one with
//! `defer_retire(.., seize::reclaim::boxed)`. Dropping the vector drops the
//! collector, which frees everything still retired.
//!
//! Pick it for read-mostly work where a stalled thread must not block
//! reclamation forever in practice (a stalled *active* thread still holds its
//! batches). seize's `fast-barrier` feature (a `membarrier` syscall instead
//! of a fence per guard) is off unless this crate's `fast-barrier` feature is
//! on: on the small VMs we measured it cost ~300 ns per write at 2+ threads.
//!
//! ```
//! use reclaim_seize::SecVec;
//!
//! let v = SecVec::<u32>::new();
//! std::thread::scope(|s| {
//!     s.spawn(|| for i in 0..100 { v.push(i); });
//!     s.spawn(|| for _ in 0..100 { let _ = v.get(0); });
//! });
//! assert_eq!(v.len(), 100);
//! let stats = v.stats();
//! drop(v);
//! assert_eq!(stats.snapshot().leaked(), Some(0)); // the collector freed everything
//! ```
#![warn(missing_docs)]

use secvec_core::{Reclaimer, Retire, sync::AtomicPtr};
use seize::{Collector, Guard, LocalGuard};
use std::sync::atomic::Ordering;

/// The seize reclaimer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Seize;

// SAFETY: 1. `protect` is seize's `Guard::protect`: a pointer loaded through
// an active guard is not reclaimed while that guard lives, even if another
// thread retires it. 2. `retire` uses `defer_retire` with a callback that
// calls `Retire::reclaim`, which seize runs once, and only once every guard
// that was active at the retire has been dropped. 3. `Collector`'s
// `Drop` reclaims every retired object (`reclaim_all`) before returning.
// 4. `LocalGuard` is `!Send` and used only on its thread.
unsafe impl Reclaimer for Seize {
    type Domain = Collector;
    type Guard<'d> = LocalGuard<'d>;

    fn new_domain() -> Collector {
        Collector::new()
    }

    #[inline]
    fn guard(domain: &Collector) -> LocalGuard<'_> {
        domain.enter()
    }

    #[inline]
    fn protect<T: Sync>(guard: &mut LocalGuard<'_>, src: &AtomicPtr<T>) -> *mut T {
        guard.protect(src, Ordering::Acquire)
    }

    #[inline]
    unsafe fn retire<T: Retire>(_: &Collector, guard: &LocalGuard<'_>, ptr: *mut T) {
        // SAFETY: seize requires that the retired pointer is no longer
        // reachable by threads that enter after this call (our retire safety
        // 2: unlinked), that it is valid until reclaimed (safety 1) and
        // retired once (safety 3); it calls `reclaim::<T>` once, when no
        // guard that could have loaded it is active, which is what
        // `Retire::reclaim` asks. The guard belongs to this vector's
        // collector (safety 4).
        unsafe { guard.defer_retire(ptr, reclaim::<T>) };
    }
}

/// seize's reclaim callback: hands the object back to its owner.
///
/// # Safety
///
/// 1. Called by seize, once per retire, when no guard can reach `ptr`
///    (which is [`Retire::reclaim`]'s safety 1 and 2).
unsafe fn reclaim<T: Retire>(ptr: *mut T, _: &Collector) {
    // SAFETY: safety 1.
    unsafe { T::reclaim(ptr) };
}

/// A [`secvec_core::SecVec`] whose descriptors are reclaimed with seize.
pub type SecVec<T> = secvec_core::SecVec<T, Seize>;
