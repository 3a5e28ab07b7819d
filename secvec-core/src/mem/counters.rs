//! The counters behind the accounting: one shard per thread ([`Counts`])
//! and the vector-wide rest ([`Counters`]).
//!
//! Counters are sharded per thread: each thread owns a shard (in its entry
//! of the vector's per-thread state, `local.rs`) and is its only writer, so
//! counting is a plain relaxed load and store, never a shared hot word (see
//! `thread/registry.rs`); threads without a seat share one more shard, with
//! atomic adds. They are plain (non-loom) atomics: they take no part in the
//! algorithm's synchronization.
//!
//! Without the `accounting` feature both are zero-sized types with the same
//! methods, which do nothing ([`ENABLED`] is false): callers count
//! unconditionally, and counting compiles away.

/// Whether anything is counted (the `accounting` feature).
pub(crate) const ENABLED: bool = cfg!(feature = "accounting");

/// What the counters count, one counter each per shard. (Without
/// `accounting` some are never counted: cells do not know their home.)
#[cfg_attr(not(feature = "accounting"), allow(dead_code))]
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
    /// A push was carried in another push's descriptor (combining).
    Combined,
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

#[cfg(feature = "accounting")]
impl Event {
    const COUNT: usize = 11;
}

#[cfg(feature = "accounting")]
pub(crate) use on::{Counters, Counts};

#[cfg(not(feature = "accounting"))]
pub(crate) use off::{Counters, Counts};

/// The counters that count.
#[cfg(feature = "accounting")]
mod on {
    use super::Event;
    use crate::mem::stats::{CellCounts, Snapshot};
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Acquire, Ordering::Relaxed, Ordering::Release};

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
                combined: total(Event::Combined),
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
}

/// Without `accounting`: the same interface, counting nothing.
#[cfg(not(feature = "accounting"))]
mod off {
    use super::Event;

    /// A thread's shard: nothing.
    pub(crate) struct Counts;

    impl Counts {
        pub(crate) const fn new() -> Self {
            Counts
        }

        #[inline(always)]
        pub(crate) fn bump(&self, _: Event) {}
    }

    /// The vector-wide counters: nothing.
    pub(crate) struct Counters;

    impl Counters {
        pub(crate) fn new(_: usize, _: Option<usize>) -> Self {
            Counters
        }

        #[inline(always)]
        pub(crate) fn count_shared(&self, _: Event) {}

        #[inline(always)]
        pub(crate) fn count_freed_by_owner(&self) {}

        #[inline(always)]
        pub(crate) fn count_batch_bytes(&self, _: usize, _: bool) {}

        #[inline(always)]
        pub(crate) fn add_bucket_bytes(&self, _: usize) {}

        #[inline(always)]
        pub(crate) fn count_cells_freed_with_vector(&self, _: u64) {}

        #[inline(always)]
        pub(crate) fn mark_dropped(&self) {}
    }
}
