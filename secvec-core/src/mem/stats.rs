//! Reclamation accounting, kept by the core so every backend is counted the
//! same way: the public [`Stats`] handle and its [`Snapshot`]s. Compiled
//! only with the `accounting` feature: without it there is no `stats()` to
//! call, rather than counts that silently read zero. The counters
//! themselves are in `counters.rs`.
//!
//! Every descriptor's `Drop` counts one `Event::Freed`; the vector counts
//! the descriptors it frees itself (lost a CAS, or current at drop), so
//! `reclaimed = freed - freed_unpublished - freed_by_owner` is what the
//! reclaimer freed. A [`Stats`] handle keeps the counters (the vector's
//! home block, `home.rs`) alive, so it stays readable after the vector is
//! dropped; that is when "leaked" is measured.

use std::sync::Arc;

/// What reads one vector's counts: its home block (`home.rs`), which sums
/// the shards of its threads.
pub(crate) trait Source: Send + Sync {
    fn snapshot(&self) -> Snapshot;
}

/// A handle on one vector's reclamation accounting.
///
/// Obtained from [`SecVec::stats`](crate::SecVec::stats); it keeps the
/// counters alive after the vector is dropped, so the leak at drop can be
/// read:
///
/// * while the vector lives, [`Snapshot::outstanding`] is the garbage the
///   reclaimer holds (retired, not yet freed);
/// * after it is dropped, [`Snapshot::leaked`] is what the reclaimer never
///   freed (zero for a reclaimer that frees everything at shutdown).
#[derive(Clone)]
pub struct Stats(pub(crate) Arc<dyn Source>);

impl Stats {
    /// Reads all counters now. Cheap enough to call every millisecond from a
    /// sampling thread; exact once the vector is quiescent.
    pub fn snapshot(&self) -> Snapshot {
        self.0.snapshot()
    }
}

impl core::fmt::Debug for Stats {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.snapshot().fmt(f)
    }
}

/// The counters of one vector at one moment. Counts are descriptors; the
/// `*_bytes` methods convert with the descriptor size.
///
/// Identities (exact when no operation is in flight):
/// `allocated = freed_unpublished + retired + live + (1 if the vector was
/// dropped after installing a descriptor: it freed its last one)` and
/// `outstanding = retired - reclaimed`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Snapshot {
    /// Descriptors allocated: one per installed operation (a new vector
    /// starts at a shared static state and has allocated none), plus those
    /// freed unpublished.
    pub allocated: u64,
    /// Of `allocated`, those whose memory came from the vector's pool of
    /// reclaimed descriptors rather than from the global allocator. The pool
    /// keeps up to 1024 freed descriptors per thread and returns them to the
    /// allocator once nothing can free into it any more (when the vector is
    /// dropped, or in a shared domain when its last garbage is freed).
    pub recycled: u64,
    /// Push/pop pairs that cancelled out through the exchanger, without
    /// installing a descriptor (each counts as one push and one pop done).
    pub eliminated: u64,
    /// Pushes carried in another push's descriptor (combining: a push
    /// that lost its CAS announced its element, and the next pusher
    /// installed both with one descriptor).
    pub combined: u64,
    /// Descriptors freed by the vector itself because they were never
    /// published (the operation lost every CAS it tried them in, or found it
    /// had nothing to do).
    pub freed_unpublished: u64,
    /// Descriptors replaced and handed to the reclaimer.
    pub retired: u64,
    /// Retired descriptors the reclaimer has freed, during the run or at drop.
    pub reclaimed: u64,
    /// Of `reclaimed`, those freed while the vector was being dropped (0
    /// while it lives).
    pub reclaimed_at_drop: u64,
    /// Retired and not (yet) freed: garbage held by the reclaimer.
    pub outstanding: u64,
    /// Descriptors owned by the vector: 1 once it has been written, 0
    /// before (it starts at a shared static state) and after its drop.
    pub live: u64,
    /// Whether the vector has been dropped.
    pub vector_dropped: bool,
    /// Size of one descriptor in bytes.
    pub descriptor_bytes: u64,
    /// Bytes of slot buckets the vector allocated, with the table of their
    /// heads that comes with the first (freed with the vector).
    pub bucket_bytes: u64,
    /// Bytes of batch payloads (the slot writes of `extend_from_slice` and
    /// friends, 24 bytes per element) held by descriptors not yet freed:
    /// the current one's and the garbage's while the vector lives, the
    /// leaked descriptors' after it is dropped (part of
    /// [`Snapshot::leaked_bytes`]).
    pub batch_bytes: u64,
    /// The element cells, for element types stored in heap cells (`None`
    /// for the primitive types stored inline in their slots: there are no
    /// cells to count, see `secvec_core::is_inline`).
    pub cells: Option<CellCounts>,
}

/// The element cells of one vector at one moment (elements that are not
/// stored inline live in heap cells; see [`Snapshot::cells`]).
///
/// Identities (exact when no operation is in flight):
/// `allocated = freed_unpublished + retired + freed_with_vector + live` and
/// `outstanding = retired - reclaimed`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CellCounts {
    /// Cells allocated: one per element pushed or set.
    pub allocated: u64,
    /// Cells freed by the vector without ever being published: an element
    /// given back (a failed `try_push` or `set`) or handed from a push to a
    /// pop by elimination.
    pub freed_unpublished: u64,
    /// Removed elements (`pop`, `set`, `clear`) handed to the reclaimer.
    pub retired: u64,
    /// Retired cells the reclaimer freed, dropping their elements.
    pub reclaimed: u64,
    /// Of `reclaimed`, those freed while the vector was being dropped.
    pub reclaimed_at_drop: u64,
    /// Elements still in the vector when it was dropped, dropped with it.
    pub freed_with_vector: u64,
    /// Retired and not (yet) freed: element garbage held by the reclaimer.
    pub outstanding: u64,
    /// Elements in the vector now (0 after it is dropped).
    pub live: u64,
    /// Whether the vector has been dropped.
    pub vector_dropped: bool,
    /// Size of one cell in bytes (the element, plus a pointer with the
    /// `accounting` feature).
    pub cell_bytes: u64,
}

impl CellCounts {
    /// Removed elements whose destructors never ran, once the vector is
    /// dropped (`None` while it lives: then see
    /// [`CellCounts::outstanding`]).
    pub fn leaked(&self) -> Option<u64> {
        self.vector_dropped.then_some(self.outstanding)
    }

    /// [`CellCounts::leaked`] in bytes.
    pub fn leaked_bytes(&self) -> Option<u64> {
        self.leaked().map(|n| n * self.cell_bytes)
    }

    /// [`CellCounts::outstanding`] in bytes.
    pub fn outstanding_bytes(&self) -> u64 {
        self.outstanding * self.cell_bytes
    }
}

impl Snapshot {
    /// Retired descriptors never freed, once the vector is dropped
    /// (`None` while it lives: then see [`Snapshot::outstanding`]).
    pub fn leaked(&self) -> Option<u64> {
        self.vector_dropped.then_some(self.outstanding)
    }

    /// [`Snapshot::leaked`] in bytes, with the batch payloads of the
    /// leaked descriptors.
    pub fn leaked_bytes(&self) -> Option<u64> {
        self.leaked().map(|n| n * self.descriptor_bytes + self.batch_bytes)
    }

    /// [`Snapshot::allocated`] in bytes.
    pub fn allocated_bytes(&self) -> u64 {
        self.allocated * self.descriptor_bytes
    }

    /// [`Snapshot::outstanding`] in bytes.
    pub fn outstanding_bytes(&self) -> u64 {
        self.outstanding * self.descriptor_bytes
    }
}
