//! Descriptors: the immutable records that the vector's one atomic pointer
//! swings between.

use crate::buckets::SlotWord;
use crate::stats::{Counters, Event};
use core::ptr::NonNull;

/// A slot write that a descriptor announces: `CAS(slot[index], old,
/// (new, version = seq of the descriptor))`.
///
/// It lives *inside* the descriptor (defect 3 of the published design kept
/// it in a second allocation behind a second pointer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PendingWrite {
    pub(crate) index: usize,
    /// The slot's `(value, version)` when the descriptor was built.
    pub(crate) old: SlotWord,
    /// The new value (encoded element).
    pub(crate) new: u64,
}

/// What a descriptor says about the vector: everything but bookkeeping.
/// Copied out of a protected descriptor in one go; a published descriptor is
/// never modified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct State {
    /// Length of the vector.
    pub(crate) size: usize,
    /// Sequence number: 0 for the first descriptor, +1 for each successor.
    /// It is also the version its write stamps on the slot.
    pub(crate) seq: u64,
    /// The write this descriptor announces, if any.
    pub(crate) write: Option<PendingWrite>,
}

pub(crate) struct Descriptor {
    pub(crate) state: State,
    /// The owning vector's counters, kept alive by the vector's `Arc` until
    /// after its reclamation domain is dropped (`Reclaimer` safety point 3).
    counters: NonNull<Counters>,
}

// SAFETY: the only non-auto-Send/Sync field is `counters`, a pointer to a
// `Counters`, which is `Sync` (atomics only) and is only ever accessed through
// a shared reference; it stays valid wherever the descriptor is dropped
// (`Reclaimer` safety point 3).
unsafe impl Send for Descriptor {}
// SAFETY: as above; `state` is plain immutable data.
unsafe impl Sync for Descriptor {}

impl Descriptor {
    /// Allocates a descriptor and counts it.
    pub(crate) fn alloc(state: State, counters: &Counters) -> *mut Descriptor {
        counters.count(Event::Allocated);
        Box::into_raw(Box::new(Descriptor { state, counters: NonNull::from(counters) }))
    }
}

impl Drop for Descriptor {
    fn drop(&mut self) {
        // SAFETY: `counters` outlives every descriptor of its vector: the
        // vector holds the `Arc<Counters>` until after it has freed its own
        // descriptors and dropped its domain, and the domain frees retired
        // descriptors no later than its own drop (`Reclaimer` safety 3).
        unsafe { self.counters.as_ref() }.count(Event::Freed);
    }
}
