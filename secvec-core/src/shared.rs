//! A reclamation domain that several vectors share.

use crate::reclaimer::Reclaimer;
use std::sync::Arc;

/// A reclamation domain (a hazard-pointer domain, an epoch or seize
/// collector) for many vectors: [`SecVec::new_in`](crate::SecVec::new_in)
/// makes a vector in it, so that a program holding many vectors pays for
/// one domain instead of one per vector.
///
/// What changes for a vector in a shared domain:
///
/// * Dropping the vector drops the elements it still holds and hands what
///   it retired (removed elements and old descriptors) to the domain, which
///   frees them when it next reclaims, or when it is dropped itself (after
///   the last vector in it and this handle). The vector's small home block
///   (its pool and counters) stays until the last of them is freed.
/// * Its accounting stays its own and exact: [`Snapshot::leaked`] is `None`
///   until the domain has freed everything the vector retired, then
///   `Some(0)`; meanwhile [`Snapshot::outstanding`] says how much is
///   pending. (A reclaimer that never frees, the leak backend, makes it
///   final at the vector's drop, as with its own domain.)
/// * Readers of one vector can hold back the garbage of all the others:
///   a stalled thread pinning an epoch domain stalls reclamation for every
///   vector in it.
///
/// The domain lives as long as the longest of its vectors and handles
/// (clones share it). So, as with `Arc`, a cycle keeps it alive for good: a
/// `SecVec` or `SharedDomain` of domain `d`, stored as an element of a
/// vector in `d`, holds `d` while it waits in `d`'s garbage to be dropped
/// (once removed) or in the vector (which `d` may outlive), and what `d`
/// holds is then never freed. Give vectors that are elements of other
/// vectors a domain of their own, or another shared one.
///
/// [`Snapshot::leaked`]: crate::Snapshot::leaked
/// [`Snapshot::outstanding`]: crate::Snapshot::outstanding
pub struct SharedDomain<R: Reclaimer>(pub(crate) Arc<R::Domain>);

impl<R: Reclaimer> SharedDomain<R> {
    /// A new domain, for as many vectors as are made in it.
    pub fn new() -> Self {
        SharedDomain(Arc::new(R::new_domain()))
    }
}

impl<R: Reclaimer> Default for SharedDomain<R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<R: Reclaimer> Clone for SharedDomain<R> {
    /// Another handle on the same domain.
    fn clone(&self) -> Self {
        SharedDomain(Arc::clone(&self.0))
    }
}

impl<R: Reclaimer> core::fmt::Debug for SharedDomain<R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SharedDomain").field("handles", &Arc::strong_count(&self.0)).finish_non_exhaustive()
    }
}
