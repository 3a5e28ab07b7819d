//! The SecVec lock-free vector, written once, generic over how it reclaims
//! memory.
//!
//! [`SecVec<T, R>`] is the descriptor-based vector of Dechev, Pirkelbauer and
//! Stroustrup (2006) with the defects of the published design corrected:
//! versioned 16-byte slots (no ABA), the pending write inline in its
//! descriptor (one allocation and one protected pointer per operation), a
//! linearizable `set`, elements of any type (primitives inline in their
//! slots, everything else in heap cells that are retired through the
//! reclaimer when removed, so every destructor runs exactly once), and
//! per-bucket freeing. The source file `vec.rs` opens with the protocol
//! and the linearizability argument.
//!
//! Two additions make it cheaper than the published design: reclaimers hand
//! retired descriptors back through [`Retire::reclaim`], which recycles
//! their memory through a small per-thread pool of the vector, and a `push`
//! that loses a race may hand its value straight to a concurrent `pop`
//! (elimination), which linearizes the pair without touching the vector,
//! or, with the `combining` feature (off by default: measured to win
//! nowhere on 2 cores), announce it for the next `push` to carry in its
//! own descriptor.
//!
//! `R` is a [`Reclaimer`]: hazard pointers, epochs, seize, or deliberate
//! leaking, each in its own small crate (`reclaim-hazard`, `reclaim-epoch`,
//! `reclaim-seize`, `reclaim-leak`). Most users want the `secvec` facade,
//! which picks one by Cargo feature. With the `accounting` feature (on by
//! default) every vector counts its descriptors and element cells
//! (`SecVec::stats`): allocated, recycled, retired, reclaimed, leaked.
//!
//! # Example: plugging in a reclaimer
//!
//! A backend is a [`Reclaimer`] implementation. This one never frees
//! anything (a real crate would use hazard pointers or epochs):
//!
//! ```
//! use secvec_core::{Reclaimer, Retire, SecVec, sync::AtomicPtr};
//! use std::sync::atomic::Ordering;
//!
//! struct Never;
//!
//! // SAFETY: 1. `protect` returns the value of `src` it loaded, and nothing
//! // is ever freed; 2. and 3. retired pointers are never freed; 4. and 5.
//! // there is no per-thread state, so nothing to share or tear down; 7.
//! // `retire` does nothing; 8. guards are `()`, any number at once.
//! unsafe impl Reclaimer for Never {
//!     type Domain = ();
//!     type Guard<'d> = ();
//!     fn new_domain() {}
//!     unsafe fn guard(_: &()) {}
//!     fn pin(_: &()) {}
//!     fn refresh(_: &mut ()) {}
//!     fn protect<T: Sync>(_: &mut (), src: &AtomicPtr<T>) -> *mut T {
//!         src.load(Ordering::Acquire)
//!     }
//!     fn protect_second<T: Sync>(_: &mut (), _: *mut T, _: impl FnOnce() -> bool) -> bool {
//!         true // nothing is ever freed
//!     }
//!     unsafe fn retire<T: Retire>(_: &(), _: &(), _: *mut T) {}
//! }
//!
//! let v: SecVec<u32, Never> = SecVec::new();
//! std::thread::scope(|s| {
//!     for t in 0..4 {
//!         let v = &v;
//!         s.spawn(move || {
//!             for i in 0..100 {
//!                 v.push(t * 100 + i);
//!             }
//!         });
//!     }
//! });
//! assert_eq!(v.len(), 400);
//! let first = v.get(0).unwrap();
//! assert_eq!(v.set(0, 7), Ok(first));
//! assert_eq!(v.get(0), Some(7));
//! assert!(v.get(400).is_none());
//! assert_eq!(v.set(400, 1).unwrap_err().to_string(),
//!            "index 400 is out of bounds for a SecVec of length 400");
//!
//! # #[cfg(feature = "accounting")] {
//! let stats = v.stats();
//! drop(v);
//! // 400 pushes and 1 set installed a descriptor each; each but the first
//! // retired the one before (a new vector starts at a shared static state),
//! // and `Never` freed none:
//! assert_eq!(stats.snapshot().leaked(), Some(400));
//! # }
//! ```

pub mod algorithm;
mod batch;
mod error;
mod mem;
mod pinned;
mod raw;
#[cfg(feature = "rayon")]
mod rayon_impl;
mod reclaimer;
mod reference;
#[cfg(feature = "serde")]
mod serde_impl;
mod shared;
pub mod sync;
mod thread;
mod traits;
mod vec;

pub use error::{BatchCapacityError, CapacityError, IndexOutOfBounds};
#[cfg(feature = "accounting")]
pub use mem::stats::{CellCounts, Snapshot, Stats};
pub use pinned::{Pinned, PinnedIter};
pub use raw::element::{Element, is_inline};
pub use reclaimer::{Reclaimer, Retire, RetiredPtr};
pub use reference::Ref;
pub use shared::SharedDomain;
pub use thread::per_thread;
pub use vec::{Iter, SecVec};
