//! Reclamation accounting, kept by the core so every backend is counted the
//! same way. Compiled only with the `accounting` feature: without it there
//! is no `stats()` to call, rather than counts that silently read zero.
//!
//! Counters are sharded per thread: each thread owns a shard ([`Counts`],
//! in its entry of the vector's per-thread state, `local.rs`) and is its
//! only writer, so counting is a plain relaxed load and store, never a
//! shared hot word (see `thread/registry.rs`); threads without a seat share
//! one more shard, with atomic adds. They are plain (non-loom) atomics:
//! they take no part in the algorithm's synchronization.
//!
//! Every descriptor's `Drop` counts one [`Event::Freed`]; the vector counts
//! the descriptors it frees itself (lost a CAS, or current at drop), so
//! `reclaimed = freed - freed_unpublished - freed_by_owner` is what the
//! reclaimer freed. A [`Stats`] handle keeps the counters (the vector's
//! home block, `home.rs`) alive, so it stays readable after the vector is
//! dropped; that is when "leaked" is measured.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Acquire, Ordering::Relaxed, Ordering::Release};

/// What the counters count, one counter each per shard.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Event {
    /// A descriptor was allocated.
    Allocated,
    /// An allocation was served from the descriptor pool (also counts as
    /// `Allocated`).
    Recycled,
    /// A descriptor was freed by the vector without being published.
    Unpublished,
    /// A descriptor was replaced and handed to the reclaimer.
    Retired,
    /// A descriptor was dropped, by whoever freed it.
    Freed,
    /// A pop took a concurrent push's value through the exchanger.
    Eliminated,
    /// An element cell was allocated (elements not stored inline).
    CellAllocated,
    /// A cell was freed without ever being published (its value was given
    /// back, or handed to a pop by elimination).
    CellUnpublished,
    /// A removed element's cell was handed to the reclaimer.
    CellRetired,
    /// The reclaimer freed a retired cell (and dropped its element).
    CellReclaimed,
}

impl Event {
    const COUNT: usize = 10;
}

/// One counter per [`Event`]: one thread's shard of a vector's counts.
pub(crate) struct Counts([AtomicU64; Event::COUNT]);

impl Counts {
    pub(crate) const fn new() -> Self {
        Counts([const { AtomicU64::new(0) }; Event::COUNT])
    }

    /// Counts `event` in a shard that only the calling thread writes (a
    /// plain load and store: another writer's counts could be lost).
    #[inline]
    pub(crate) fn bump(&self, event: Event) {
        let counter = &self.0[event as usize];
        counter.store(counter.load(Relaxed) + 1, Relaxed);
    }

    /// Counts `event` in a shard that many threads write.
    fn add(&self, event: Event) {
        self.0[event as usize].fetch_add(1, Relaxed);
    }

    /// The count of `event` so far.
    pub(crate) fn get(&self, event: Event) -> u64 {
        self.0[event as usize].load(Relaxed)
    }
}

/// What reads one vector's counts: its home block (`home.rs`), which sums
/// the shards of its threads.
pub(crate) trait Source: Send + Sync {
    fn snapshot(&self) -> Snapshot;
}

/// The counters of one vector, except the per-thread shards.
pub(crate) struct Counters {
    /// The shard of threads that have no seat.
    shared: Counts,
    freed_by_owner: AtomicU64,
    bucket_bytes: AtomicU64,
    batch_bytes_allocated: AtomicU64,
    batch_bytes_freed: AtomicU64,
    reclaimed_before_drop: AtomicU64,
    cells_freed_with_vector: AtomicU64,
    cells_reclaimed_before_drop: AtomicU64,
    dropped: AtomicBool,
    descriptor_bytes: u64,
    /// `None` when elements are stored inline (there are no cells).
    cell_bytes: Option<u64>,
}

impl Counters {
    pub(crate) fn new(descriptor_bytes: usize, cell_bytes: Option<usize>) -> Self {
        Counters {
            shared: Counts::new(),
            freed_by_owner: AtomicU64::new(0),
            bucket_bytes: AtomicU64::new(0),
            batch_bytes_allocated: AtomicU64::new(0),
            batch_bytes_freed: AtomicU64::new(0),
            reclaimed_before_drop: AtomicU64::new(0),
            cells_freed_with_vector: AtomicU64::new(0),
            cells_reclaimed_before_drop: AtomicU64::new(0),
            dropped: AtomicBool::new(false),
            descriptor_bytes: descriptor_bytes as u64,
            cell_bytes: cell_bytes.map(|b| b as u64),
        }
    }

    /// Counts `event` for a thread that has no shard of its own.
    #[cold]
    pub(crate) fn count_shared(&self, event: Event) {
        self.shared.add(event);
    }

    /// The shard of threads without a seat.
    pub(crate) fn shared(&self) -> &Counts {
        &self.shared
    }

    pub(crate) fn count_freed_by_owner(&self) {
        self.freed_by_owner.fetch_add(1, Relaxed);
    }

    /// A descriptor allocated (`freed: false`) or freed the payload of a
    /// batch of writes, of `bytes` bytes.
    pub(crate) fn count_batch_bytes(&self, bytes: usize, freed: bool) {
        let counter = if freed { &self.batch_bytes_freed } else { &self.batch_bytes_allocated };
        counter.fetch_add(bytes as u64, Relaxed);
    }

    pub(crate) fn add_bucket_bytes(&self, bytes: usize) {
        if bytes != 0 {
            self.bucket_bytes.fetch_add(bytes as u64, Relaxed);
        }
    }

    /// The vector dropped `n` elements it still held (at its drop).
    pub(crate) fn count_cells_freed_with_vector(&self, n: u64) {
        self.cells_freed_with_vector.fetch_add(n, Relaxed);
    }

    /// Called by the vector's `Drop` before the domain is dropped, with
    /// the totals over every shard.
    pub(crate) fn mark_drop_started(&self, total: impl Fn(Event) -> u64) {
        let reclaimed = self.snapshot(&total).reclaimed;
        self.reclaimed_before_drop.store(reclaimed, Relaxed);
        self.cells_reclaimed_before_drop.store(total(Event::CellReclaimed), Relaxed);
    }

    /// Called by the vector's `Drop` after the domain is dropped.
    pub(crate) fn mark_dropped(&self) {
        // Release: a snapshot that sees it sees every count before it.
        self.dropped.store(true, Release);
    }

    /// The counts now, given the totals over every shard.
    pub(crate) fn snapshot(&self, total: impl Fn(Event) -> u64) -> Snapshot {
        // First, and Acquire: once the vector's accounting is final (its
        // domain freed what it retired, maybe on another thread), the counts
        // read below include all of it.
        let dropped = self.dropped.load(Acquire);
        let freed_unpublished = total(Event::Unpublished);
        let allocated = total(Event::Allocated);
        let retired = total(Event::Retired);
        let freed_by_owner = self.freed_by_owner.load(Relaxed);
        // Relaxed per-shard reads taken while other threads run may be a
        // little out of step with each other: saturate rather than wrap.
        let reclaimed = total(Event::Freed).saturating_sub(freed_unpublished + freed_by_owner);
        Snapshot {
            allocated,
            recycled: total(Event::Recycled),
            eliminated: total(Event::Eliminated),
            freed_unpublished,
            retired,
            reclaimed,
            reclaimed_at_drop: if dropped {
                reclaimed.saturating_sub(self.reclaimed_before_drop.load(Relaxed))
            } else {
                0
            },
            outstanding: retired.saturating_sub(reclaimed),
            live: allocated.saturating_sub(freed_unpublished + retired + freed_by_owner),
            vector_dropped: dropped,
            descriptor_bytes: self.descriptor_bytes,
            bucket_bytes: self.bucket_bytes.load(Relaxed),
            batch_bytes: self
                .batch_bytes_allocated
                .load(Relaxed)
                .saturating_sub(self.batch_bytes_freed.load(Relaxed)),
            cells: self.cell_bytes.map(|cell_bytes| self.cells(&total, cell_bytes, dropped)),
        }
    }

    fn cells(&self, total: impl Fn(Event) -> u64, cell_bytes: u64, dropped: bool) -> CellCounts {
        let allocated = total(Event::CellAllocated);
        let freed_unpublished = total(Event::CellUnpublished);
        let retired = total(Event::CellRetired);
        let reclaimed = total(Event::CellReclaimed);
        let freed_with_vector = self.cells_freed_with_vector.load(Relaxed);
        CellCounts {
            allocated,
            freed_unpublished,
            retired,
            reclaimed,
            reclaimed_at_drop: if dropped {
                reclaimed.saturating_sub(self.cells_reclaimed_before_drop.load(Relaxed))
            } else {
                0
            },
            freed_with_vector,
            outstanding: retired.saturating_sub(reclaimed),
            live: allocated.saturating_sub(freed_unpublished + retired + freed_with_vector),
            vector_dropped: dropped,
            cell_bytes,
        }
    }
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
