//! A reclaimer from outside the workspace's backends, checked the way any
//! reclaimer author can check theirs: by running SecVec's conformance
//! suite against it from their own crate's tests.
//!
//! [`Quiescent`] is about the simplest correct reclaimer there is: every
//! guard holds a domain's reader-writer lock for reading; retired pointers
//! wait in a list; whenever a guard is dropped, the lock is tried for
//! writing, and if that succeeds (no guard is alive at that moment) the
//! list is taken and freed. Whatever was retired was unlinked first, so a
//! guard that starts later cannot reach it, and no guard older than the
//! moment of the write lock exists. It is slow (every guard touches one
//! shared lock) and a stalled guard keeps all garbage: a demonstration,
//! not a backend.
//!
//! Its test file (`tests/conformance.rs`) is the one line a reclaimer
//! author writes:
//!
//! ```ignore
//! secvec_suite::conformance!(tests_conformance::Quiescent);
//! ```
//!
//! Two features break it on purpose, as negative controls for the suite
//! (CI requires the suite to fail with each, natively, on every run):
//! `free-at-retire` frees each pointer the moment it is retired, and
//! `never-protect` makes guards hold nothing (the list is freed at the
//! next guard's drop, protected or not).
//!
//! ```
//! use tests_conformance::Quiescent;
//!
//! let v = secvec_core::SecVec::<String, Quiescent>::new();
//! v.push("a".to_string());
//! let first = v.get_ref(0).unwrap();
//! assert_eq!(v.pop().as_deref(), Some("a")); // removed, retired
//! assert_eq!(*first, "a"); // still alive: `first`'s guard holds the lock
//! ```

use parking_lot::{Mutex, RwLock, RwLockReadGuard};
use secvec_core::{Reclaimer, Retire, RetiredPtr, sync::AtomicPtr};
use std::sync::atomic::Ordering;

/// The reader-writer-lock reclaimer (see the crate docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiescent;

/// One domain: the lock every guard holds for reading, and what waits to
/// be freed.
#[derive(Default)]
pub struct Domain {
    lock: RwLock<()>,
    retired: Mutex<Vec<RetiredPtr>>,
}

/// A guard: the domain's lock, held for reading (not under the
/// `never-protect` control).
pub struct Guard<'d> {
    domain: &'d Domain,
    _read: Option<RwLockReadGuard<'d, ()>>,
}

impl Domain {
    fn guard(&self) -> Guard<'_> {
        let read = if cfg!(feature = "never-protect") { None } else { Some(self.lock.read_recursive()) };
        Guard { domain: self, _read: read }
    }

    /// Frees everything retired so far, if no guard is alive.
    fn collect(&self) {
        let Some(alone) = self.lock.try_write() else { return };
        let batch = std::mem::take(&mut *self.retired.lock());
        // Freeing runs element destructors, which may use the vector (and
        // take guards): not under the write lock.
        drop(alone);
        for r in batch {
            // SAFETY: `r.ptr` was retired into this domain (unlinked, so no
            // guard taken after its retire can reach it) and, while we held
            // the write lock, no guard was alive: nothing protects it, and
            // it is taken out of the list once, so reclaimed once.
            unsafe { r.reclaim() };
        }
    }
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        self._read = None;
        self.domain.collect();
    }
}

impl Drop for Domain {
    fn drop(&mut self) {
        // A guard leaked with `mem::forget` keeps the lock read-locked: then
        // everything stays allocated for good (the contract's shutdown).
        self.collect();
    }
}

// SAFETY: 1. Protection: a guard holds the read lock from its creation;
// `collect` frees only what was retired before it got the write lock, which
// it gets only when no guard is alive, so nothing a guard loaded is freed
// while it lives (`refresh` drops the read lock and takes it anew, which
// the contract allows). `protect_second` returns true without validating:
// a pointer read through a live guard was not retired before the guard
// began (its contract point 1), so it is freed only after the guard ends.
// 2. Freeing: each retired pointer is in the list once and taken out of it
// once, and reclaimed then. 3. Shutdown: reclaims run in `collect`, under a
// guard's drop (which borrows the domain) or the domain's drop; a domain
// dropped with a leaked guard never frees its list. 4. and 5. No per-thread
// state: the lock and list are the domain's; nothing thread-local is
// touched. 7. `retire` pushes to a list, which does not unwind (an
// allocation failure aborts), and `Retire::reclaim` never unwinds. 8.
// Read locks are taken with `read_recursive`: nested guards never wait.
unsafe impl Reclaimer for Quiescent {
    type Domain = Domain;
    type Guard<'d> = Guard<'d>;

    fn new_domain() -> Domain {
        Domain::default()
    }

    unsafe fn guard(domain: &Domain) -> Guard<'_> {
        domain.guard()
    }

    fn pin(domain: &Domain) -> Guard<'_> {
        domain.guard()
    }

    fn protect<T: Sync>(_: &mut Guard<'_>, src: &AtomicPtr<T>) -> *mut T {
        src.load(Ordering::Acquire)
    }

    fn protect_second<T: Sync>(_: &mut Guard<'_>, _: *mut T, _: impl FnOnce() -> bool) -> bool {
        true
    }

    fn refresh(guard: &mut Guard<'_>) {
        let domain = guard.domain;
        *guard = domain.guard(); // drops the old guard first: it may collect
    }

    unsafe fn retire<T: Retire>(domain: &Domain, _: &Guard<'_>, ptr: *mut T) {
        if cfg!(feature = "free-at-retire") {
            // SAFETY: none: this is the `free-at-retire` negative control,
            // which frees what other guards (and the caller's) may hold.
            unsafe { T::reclaim(ptr) };
            return;
        }
        domain.retired.lock().push(RetiredPtr::new(ptr));
    }
}
