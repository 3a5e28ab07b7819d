// `secvec_backend` and `secvec_default` come from `build.rs`, which holds
// the one list of backend features.
#![cfg_attr(secvec_backend, doc = include_str!("../README.md"))]
#![cfg_attr(
    not(secvec_backend),
    doc = "A lock-free vector with a choice of memory reclamation. No backend feature is \
           enabled (`hazard`, `hazard-asym`, `ibr`, `epoch`, `seize` or `leak`): only the generic \
           vector ([`generic::SecVec`]) is available."
)]
//!
//! ## Where to read on
//!
//! * [`algorithm`]: the published design's defects, the protocol and the
//!   linearizability argument for every operation;
//! * [`generic::SecVec`]: every method, with its guarantees and errors;
//!   [`generic::Pinned`] and [`generic::Ref`]: handles and guarded
//!   references;
//! * `hazard`, `hazard_asym`, `ibr`, `epoch`, `seize`, `leak`: one module per enabled backend
//!   feature, each with `SecVec`, `Pinned`, `Ref` and `SharedDomain`.
//!
//! ## Leak reports
//!
//! With the default `accounting` feature, every vector counts its
//! descriptors, and the cells of its elements when they are not inline
//! (`Snapshot::cells`), whatever the backend. Without it nothing is counted and
//! `stats()` does not exist (no counts rather than zero counts); when
//! picking a backend with `default-features = false`, list `accounting`
//! again to keep it.
//!
//! ```
//! # #[cfg(all(feature = "accounting", secvec_backend, not(secvec_default = "leak")))] {
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
//! ## serde and rayon
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
//! # #[cfg(all(feature = "rayon", secvec_backend))] {
//! use rayon::prelude::*;
//!
//! let v: secvec::SecVec<u64> = (0..1000u64).into_par_iter().collect();
//! (&v).par_extend((1000..2000u64).into_par_iter()); // `&v`: others may write meanwhile
//! assert_eq!(v.par_iter().sum::<u64>(), (0..2000).sum());
//! # }
//! ```
//!
//! ```
//! # #[cfg(all(feature = "serde", secvec_backend))] {
//! let v = secvec::SecVec::<String>::from(vec!["ada".to_string(), "grace".to_string()]);
//! let json = serde_json::to_string(&v).unwrap();
//! assert_eq!(json, r#"["ada","grace"]"#);
//! let back: secvec::SecVec<String> = serde_json::from_str(&json).unwrap();
//! assert_eq!(back.to_vec(), v.to_vec());
//! # }
//! ```
//!
//! ## Bring your own reclaimer
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

/// Hazard pointers with asymmetric fences: readers publish with a compiler
/// fence only, the reclaiming thread runs one process-wide barrier
/// (`membarrier`) per scan. Bounded garbage, like `hazard`, with cheaper
/// reads.
///
/// ```
/// let v = secvec::hazard_asym::SecVec::<i32>::new();
/// v.push(7);
/// assert_eq!(v.get(0), Some(7));
/// ```
#[cfg(feature = "hazard-asym")]
pub mod hazard_asym {
    pub use reclaim_hazard_asym::{HazardAsym, Pinned, Ref, SecVec, SharedDomain, is_expedited};
}

/// Interval-based reclamation (2GE-IBR): objects carry their birth era, a
/// reader reserves the eras it reads in, and a read pays a fence only when
/// the era has moved. Bounded garbage, like `hazard`, with cheaper reads.
///
/// ```
/// let v = secvec::ibr::SecVec::<i32>::new();
/// v.push(7);
/// assert_eq!(v.get(0), Some(7));
/// ```
#[cfg(feature = "ibr")]
pub mod ibr {
    pub use reclaim_ibr::{Ibr, Pinned, Ref, SecVec, SharedDomain};
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

/// The default backend's vector, handle, reference and shared domain: the
/// first enabled of `hazard`, `hazard-asym`, `ibr`, `epoch`, `seize`, `leak`.
#[cfg(secvec_default = "epoch")]
pub use epoch::{Pinned, Ref, SecVec, SharedDomain};
/// The default backend's vector, handle, reference and shared domain: the
/// first enabled of `hazard`, `hazard-asym`, `ibr`, `epoch`, `seize`, `leak`.
#[cfg(secvec_default = "hazard")]
pub use hazard::{Pinned, Ref, SecVec, SharedDomain};
/// The default backend's vector, handle, reference and shared domain: the
/// first enabled of `hazard`, `hazard-asym`, `ibr`, `epoch`, `seize`, `leak`.
#[cfg(secvec_default = "hazard-asym")]
pub use hazard_asym::{Pinned, Ref, SecVec, SharedDomain};
/// The default backend's vector, handle, reference and shared domain: the
/// first enabled of `hazard`, `hazard-asym`, `ibr`, `epoch`, `seize`, `leak`.
#[cfg(secvec_default = "ibr")]
pub use ibr::{Pinned, Ref, SecVec, SharedDomain};
/// The default backend's vector, handle, reference and shared domain: the
/// first enabled of `hazard`, `hazard-asym`, `ibr`, `epoch`, `seize`, `leak`.
#[cfg(secvec_default = "leak")]
pub use leak::{Pinned, Ref, SecVec, SharedDomain};
/// The default backend's vector, handle, reference and shared domain: the
/// first enabled of `hazard`, `hazard-asym`, `ibr`, `epoch`, `seize`, `leak`.
#[cfg(secvec_default = "seize")]
pub use seize::{Pinned, Ref, SecVec, SharedDomain};

/// The workspace README's examples, run as doctests (that file is not part
/// of the published package, so only a doctest build reads it).
#[cfg(all(doctest, feature = "hazard"))]
#[doc = include_str!("../../README.md")]
pub struct WorkspaceReadme;
