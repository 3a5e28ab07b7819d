//! A lock-free vector: `push`, `pop`, `get`, `set` and more, all through
//! `&self`, from any number of threads, with a choice of how its memory is
//! reclaimed.
//!
//! ```
//! # #[cfg(any(feature = "hazard", feature = "epoch", feature = "seize", feature = "leak"))] {
//! use secvec::SecVec; // the default backend: hazard pointers
//!
//! let v = SecVec::<u64>::new();
//! std::thread::scope(|s| {
//!     for t in 0..4 {
//!         let v = &v;
//!         s.spawn(move || {
//!             for i in 0..1000 {
//!                 v.push(t * 1000 + i);
//!             }
//!         });
//!     }
//! });
//! assert_eq!(v.len(), 4000);
//! let old = v.set(0, 42).unwrap();
//! assert!(old < 4000);
//! assert_eq!(v.get(0), Some(42));
//! assert_eq!(v.get(4000), None);
//! # }
//! ```
//!
//! Every operation is linearizable. The algorithm is the descriptor-based
//! vector of Dechev, Pirkelbauer and Stroustrup (2006), with the defects of
//! the published design corrected: [`algorithm`] lists them
//! and gives the linearizability argument for every operation.
//!
//! # Any element type
//!
//! Elements are any `Send + Sync + 'static` type: `String`, `Arc<_>`,
//! `Box<dyn Fn() + Send + Sync>`, your own structs (nothing to implement).
//! Primitives (`u64`, `f32`, `char`, ...) live inline in their slots; every
//! other type in a heap cell per element ([`is_inline`]). Every element is
//! dropped exactly once: a removed one by the reclaimer once no reader can
//! reach it, the others with the vector. Reads by value (`get`, `pop`,
//! `set`, `to_vec`, `iter`) clone (`T: Clone`); [`get_ref`](generic::SecVec::get_ref)
//! and [`pop_ref`](generic::SecVec::pop_ref) return a guarded reference, for
//! any type.
//!
//! ```
//! # #[cfg(any(feature = "hazard", feature = "epoch", feature = "seize", feature = "leak"))] {
//! let names = secvec::SecVec::<String>::new();
//! names.push("ada".to_string());
//! names.push("grace".to_string());
//! assert_eq!(names.get(1).as_deref(), Some("grace")); // a clone
//! let first = names.get_ref(0).unwrap(); // no clone; kept alive while it lives
//! assert_eq!(first.len(), 3);
//! assert_eq!(names.pop().as_deref(), Some("grace"));
//! # }
//! ```
//!
//! # Batches
//!
//! Writes pay one descriptor and one contended CAS each; a batch pays them
//! once. [`extend_from_slice`](generic::SecVec::extend_from_slice) (and
//! `extend_from_iter`) appends many elements as one linearizable step and
//! returns their contiguous index range; `truncate` and
//! [`pop_n`](generic::SecVec::pop_n) remove many at once.
//!
//! ```
//! # #[cfg(any(feature = "hazard", feature = "epoch", feature = "seize", feature = "leak"))] {
//! let v = secvec::SecVec::<u32>::new();
//! assert_eq!(v.extend_from_slice(&[1, 2, 3, 4]), 0..4); // no reader sees part of it
//! assert_eq!(v.pop_n(2), [3, 4]);
//! v.truncate(1);
//! assert_eq!(v.to_vec(), [1]);
//! # }
//! ```
//!
//! # Picking a backend
//!
//! Each Cargo feature enables one backend as a module; several can be on at
//! once. [`SecVec`] is the first enabled of `hazard`, `epoch`, `seize`,
//! `leak`.
//!
//! | feature | module | memory while running | a stalled thread | speed |
//! |---|---|---|---|---|
//! | `hazard` (default) | `secvec::hazard` | bounded: a reclamation threshold plus one per thread | garbage stays bounded | reads scale; writes pay a fence and periodic scans |
//! | `epoch` | `secvec::epoch` | grows in bursts, freed as epochs advance | a pinned thread stops all reclamation: unbounded | fastest writes while all threads progress |
//! | `seize` | `secvec::seize` | batched, freed once the threads active at retire have left | an active stalled thread holds its batches | close to epochs; enable `seize-fast-barrier` to try membarrier |
//! | `leak` | `secvec::leak` | grows by one descriptor per write, never freed | irrelevant | the no-reclamation baseline, for benchmarks and short-lived processes |
//!
//! All four are `std`-only (they allocate and use thread-local state); none
//! is `no_std`. When in doubt, keep the default: hazard pointers have the
//! only hard memory bound.
//!
//! # Many operations from one thread: handles
//!
//! [`SecVec::pin`](generic::SecVec::pin) returns a [`Pinned`](generic::Pinned) handle that
//! keeps one reclaimer guard for all its operations. It is not a snapshot:
//! every operation sees other threads' writes. With epochs and seize a live
//! handle holds back reclamation; [`Pinned::refresh`](generic::Pinned::refresh) lets it advance.
//!
//! ```
//! # #[cfg(any(feature = "hazard", feature = "epoch", feature = "seize", feature = "leak"))] {
//! let v = secvec::SecVec::<u64>::new();
//! let mut h: secvec::Pinned<'_, u64> = v.pin(); // the default backend's handle
//! for i in 0..100 {
//!     h.push(i);
//! }
//! assert_eq!(h.iter().sum::<u64>(), 4950);
//! h.refresh();
//! assert_eq!(h.len(), 100);
//! # }
//! ```
//!
//! # Leak reports
//!
//! With the default `accounting` feature, every vector counts its
//! descriptors, and the cells of its elements when they are not inline
//! (`Snapshot::cells`), whatever the backend. Without it nothing is counted and
//! `stats()` does not exist (no counts rather than zero counts); when
//! picking a backend with `default-features = false`, list `accounting`
//! again to keep it.
//!
//! ```
//! # #[cfg(all(feature = "accounting", any(feature = "hazard", feature = "epoch", feature = "seize")))] {
//! # use secvec::SecVec;
//! let v = SecVec::<u32>::new();
//! v.push(1);
//! v.pop();
//! let stats = v.stats(); // outlives the vector
//! let live = stats.snapshot();
//! assert_eq!(live.allocated, 2); // two operations installed a descriptor each
//! assert_eq!(live.retired, 1); // the second replaced the first (a new vector allocates none)
//! drop(v);
//! assert_eq!(stats.snapshot().leaked(), Some(0)); // the reclaimer freed them all
//! # }
//! ```
//!
//! # serde and rayon
//!
//! Feature `serde`: a vector serializes as a sequence, like a `Vec`, from
//! one snapshot (its contents at one instant, with its exact length, which
//! length-prefixed formats such as postcard need), and deserializes as one
//! batch. Feature `rayon`: `par_iter()` runs over one snapshot;
//! `par_extend` (also through `&SecVec`, while other threads write) and
//! `collect` append each worker's chunk as one batch: a chunk appears at
//! once, the whole does not, and chunks keep no order among themselves.
//!
//! ```
//! # #[cfg(all(feature = "rayon", any(feature = "hazard", feature = "epoch", feature = "seize", feature = "leak")))] {
//! use rayon::prelude::*;
//!
//! let v: secvec::SecVec<u64> = (0..1000u64).into_par_iter().collect();
//! (&v).par_extend((1000..2000u64).into_par_iter()); // `&v`: others may write meanwhile
//! assert_eq!(v.par_iter().sum::<u64>(), (0..2000).sum());
//! # }
//! ```
//!
//! ```
//! # #[cfg(all(feature = "serde", any(feature = "hazard", feature = "epoch", feature = "seize", feature = "leak")))] {
//! let v = secvec::SecVec::<String>::from(vec!["ada".to_string(), "grace".to_string()]);
//! let json = serde_json::to_string(&v).unwrap();
//! assert_eq!(json, r#"["ada","grace"]"#);
//! let back: secvec::SecVec<String> = serde_json::from_str(&json).unwrap();
//! assert_eq!(back.to_vec(), v.to_vec());
//! # }
//! ```
//!
//! # Bring your own reclaimer
//!
//! [`generic::SecVec`] takes any [`Reclaimer`] implementation; a reclaimer
//! frees what it was given by calling [`Retire::reclaim`] on it.

pub use secvec_core::algorithm;
pub use secvec_core::{
    BatchCapacityError, CapacityError, Element, IndexOutOfBounds, Iter, PinnedIter, Reclaimer, Retire,
    is_inline,
};
#[cfg(feature = "accounting")]
pub use secvec_core::{CellCounts, Snapshot, Stats};

/// The vector, its handles, references and shared domain generic over
/// their reclaimer, for custom [`Reclaimer`]s.
pub mod generic {
    pub use secvec_core::{Pinned, Ref, SecVec, SharedDomain};
}

/// Hazard pointers (`haphazard`), one domain per
/// vector: bounded garbage, even with stalled threads.
///
/// ```
/// let v = secvec::hazard::SecVec::<i32>::new();
/// v.push(-1);
/// assert_eq!(v.pop(), Some(-1));
/// ```
#[cfg(feature = "hazard")]
pub mod hazard {
    pub use reclaim_hazard::{Hazard, Pinned, Ref, SecVec, SharedDomain};
}

/// Epochs (`crossbeam-epoch`), one
/// collector per vector (or per [`SharedDomain`](epoch::SharedDomain)):
/// fast, but a pinned thread stops reclamation.
///
/// ```
/// let v = secvec::epoch::SecVec::<f64>::new();
/// v.push(0.5);
/// assert_eq!(v.get(0), Some(0.5));
/// ```
#[cfg(feature = "epoch")]
pub mod epoch {
    pub use reclaim_epoch::{Epoch, Pinned, Ref, SecVec, SharedDomain};
}

/// `seize`, one collector per vector (or per
/// [`SharedDomain`](seize::SharedDomain)).
///
/// ```
/// let v = secvec::seize::SecVec::<char>::new();
/// v.push('a');
/// assert_eq!(v.set(0, 'b'), Ok('a'));
/// ```
#[cfg(feature = "seize")]
pub mod seize {
    pub use reclaim_seize::{Pinned, Ref, SecVec, Seize, SharedDomain};
}

/// No reclamation at all: every replaced descriptor leaks, and is counted.
///
/// ```
/// let v = secvec::leak::SecVec::<u8>::new();
/// v.push(1);
/// v.push(2); // replaces the descriptor of the first push
/// # #[cfg(feature = "accounting")] {
/// let stats = v.stats();
/// drop(v);
/// assert_eq!(stats.snapshot().leaked(), Some(1));
/// # }
/// ```
#[cfg(feature = "leak")]
pub mod leak {
    pub use reclaim_leak::{Leak, Pinned, Ref, SecVec, SharedDomain};
}

/// The default backend's vector, handle, reference and shared domain: the first enabled of
/// `hazard`, `epoch`, `seize`, `leak`.
#[cfg(all(feature = "epoch", not(feature = "hazard")))]
pub use epoch::{Pinned, Ref, SecVec, SharedDomain};
/// The default backend's vector, handle, reference and shared domain: the first enabled of
/// `hazard`, `epoch`, `seize`, `leak`.
#[cfg(feature = "hazard")]
pub use hazard::{Pinned, Ref, SecVec, SharedDomain};
/// The default backend's vector, handle, reference and shared domain: the first enabled of
/// `hazard`, `epoch`, `seize`, `leak`.
#[cfg(all(feature = "leak", not(any(feature = "hazard", feature = "epoch", feature = "seize"))))]
pub use leak::{Pinned, Ref, SecVec, SharedDomain};
/// The default backend's vector, handle, reference and shared domain: the first enabled of
/// `hazard`, `epoch`, `seize`, `leak`.
#[cfg(all(feature = "seize", not(any(feature = "hazard", feature = "epoch"))))]
pub use seize::{Pinned, Ref, SecVec, SharedDomain};
