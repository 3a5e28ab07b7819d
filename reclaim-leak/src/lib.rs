//! A [`Reclaimer`] that never frees: the zero-cost baseline of the SecVec
//! benchmarks, and a measure of how much garbage a vector makes.
//!
//! Every replaced descriptor (and every removed element's cell) is retired
//! into nothing and stays allocated until the process exits. The vector's accounting counts each one, so the
//! leak is exact: after the vector is dropped, [`Snapshot::leaked`] equals
//! the number of descriptors it retired. Use it to measure the cost of
//! reclamation itself (the other backends against this one), or for
//! short-lived vectors in a process that exits soon; never in a long-running
//! service (memory grows by one descriptor per mutating operation).
//!
//! [`Snapshot::leaked`]: secvec_core::Snapshot::leaked
//!
//! ```
//! use reclaim_leak::SecVec;
//!
//! let v = SecVec::<u64>::new();
//! v.push(1);
//! v.push(2);
//! assert_eq!(v.pop(), Some(2));
//! # #[cfg(feature = "accounting")] {
//! let stats = v.stats();
//! drop(v);
//! // Three operations each installed a descriptor; the last two replaced
//! // one (the first replaced the shared empty state) and none was freed.
//! assert_eq!(stats.snapshot().leaked(), Some(2));
//! # }
//! ```
//!
//! # Removed elements are leaked too
//!
//! Elements that are not stored inline (see [`secvec_core::is_inline`])
//! live in heap cells; a removed one is retired like a descriptor, so this
//! backend never runs its destructor. The accounting counts those cells:
//!
//! ```
//! let v = reclaim_leak::SecVec::<String>::new();
//! v.push("kept".to_string());
//! v.push("removed".to_string());
//! assert_eq!(v.pop().as_deref(), Some("removed")); // a clone; the original leaks
//! # #[cfg(feature = "accounting")] {
//! let stats = v.stats();
//! drop(v); // drops "kept", the element still in the vector
//! let cells = stats.snapshot().cells.expect("`String`s live in cells");
//! assert_eq!((cells.freed_with_vector, cells.leaked()), (1, Some(1)));
//! # }
//! ```

use secvec_core::{Reclaimer, Retire, sync::AtomicPtr};
use std::sync::atomic::Ordering;

/// The never-freeing reclaimer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Leak;

// SAFETY: 1. `protect` returns the value of `src` it loaded, and no retired
// pointer is ever freed, so every pointer stays valid forever. 2. and 3.
// retired pointers are never freed (which the contract allows), so no
// destructor runs after the domain is dropped. 4. and 5. There is no
// per-thread state at all: guards are `()`, safe to keep anywhere.
// 7. `retire` does nothing, so it cannot unwind. 8. Guards are `()`:
// any number may live at once.
unsafe impl Reclaimer for Leak {
    // Safety point 6: `retire` below never frees anything.
    const RECLAIMS: bool = false;
    type Domain = ();
    type Guard<'d> = ();

    fn new_domain() {}

    unsafe fn guard(_: &()) {}

    fn pin(_: &()) {}

    fn refresh(_: &mut ()) {}

    #[inline]
    fn protect<T: Sync>(_: &mut (), src: &AtomicPtr<T>) -> *mut T {
        src.load(Ordering::Acquire)
    }

    /// Nothing is ever freed, so everything is protected forever.
    #[inline]
    fn protect_second<T: Sync>(_: &mut (), _: *mut T, _: impl FnOnce() -> bool) -> bool {
        true
    }

    #[inline]
    unsafe fn retire<T: Retire>(_: &(), _: &(), _: *mut T) {}
}

/// A [`secvec_core::SecVec`] that never frees its descriptors.
pub type SecVec<T> = secvec_core::SecVec<T, Leak>;

/// A guarded reference to an element of a [`SecVec`] (from `get_ref` or
/// `pop_ref`): see [`secvec_core::Ref`].
pub type Ref<'v, T> = secvec_core::Ref<'v, T, Leak>;

/// A handle on a [`SecVec`] that keeps one guard for many operations (from
/// `pin`): see [`secvec_core::Pinned`].
pub type Pinned<'v, T> = secvec_core::Pinned<'v, T, Leak>;

/// A reclamation domain that many vectors share
/// ([`SecVec::new_in`](secvec_core::SecVec::new_in); what changes:
/// [`secvec_core::SharedDomain`]).
pub type SharedDomain = secvec_core::SharedDomain<Leak>;
