//! The per-vector block that every descriptor points at: the pool its
//! memory returns to, and (with the `accounting` feature) the counters it
//! is counted in.
//!
//! It is neither accounting nor memory management, but what both need to
//! reach from a descriptor being freed, possibly on another thread, by the
//! reclaimer. The vector owns it behind a pointer (a stable address) and drops it
//! after its reclamation domain, so every descriptor's pointer to it stays
//! valid wherever the descriptor is freed (`Reclaimer` safety 3).

use crate::pool::{Block, Pool};
use crate::stats::Event;
#[cfg(feature = "accounting")]
use crate::stats::{Counters, Stats};
#[cfg(feature = "accounting")]
use std::sync::Arc;

/// The shared block of one vector whose recycled objects are `T`s.
pub(crate) struct Home<T> {
    pool: Pool<T>,
    #[cfg(feature = "accounting")]
    counters: Arc<Counters>,
}

impl<T> Home<T> {
    /// A home whose vector stores its elements in cells of `cell_bytes`
    /// bytes each (`None`: inline).
    pub(crate) fn new(cell_bytes: Option<usize>) -> Self {
        #[cfg(not(feature = "accounting"))]
        let _ = cell_bytes;
        Home {
            pool: Pool::new(),
            #[cfg(feature = "accounting")]
            counters: Arc::new(Counters::new(core::mem::size_of::<T>(), cell_bytes)),
        }
    }

    /// Counts `event` (nothing without the `accounting` feature).
    #[inline]
    pub(crate) fn count(&self, event: Event) {
        #[cfg(feature = "accounting")]
        self.counters.count(event);
        #[cfg(not(feature = "accounting"))]
        let _ = event;
    }

    /// The vector freed one of its own descriptors (the current one, at drop).
    pub(crate) fn count_freed_by_owner(&self) {
        #[cfg(feature = "accounting")]
        self.counters.count_freed_by_owner();
    }

    /// The vector dropped `n` elements it still held.
    pub(crate) fn count_cells_freed_with_vector(&self, n: u64) {
        #[cfg(feature = "accounting")]
        self.counters.count_cells_freed_with_vector(n);
        #[cfg(not(feature = "accounting"))]
        let _ = n;
    }

    /// A batch payload of `bytes` bytes was allocated (or, with `freed`,
    /// freed).
    pub(crate) fn count_batch_bytes(&self, bytes: usize, freed: bool) {
        #[cfg(feature = "accounting")]
        self.counters.count_batch_bytes(bytes, freed);
        #[cfg(not(feature = "accounting"))]
        let _ = (bytes, freed);
    }

    /// Slot buckets were allocated.
    pub(crate) fn add_bucket_bytes(&self, bytes: usize) {
        #[cfg(feature = "accounting")]
        self.counters.add_bucket_bytes(bytes);
        #[cfg(not(feature = "accounting"))]
        let _ = bytes;
    }

    /// Brackets the drop of the vector's domain (for "reclaimed at drop").
    pub(crate) fn mark_drop_started(&self) {
        #[cfg(feature = "accounting")]
        self.counters.mark_drop_started();
    }

    /// The vector's domain is gone: "leaked" is final from now on.
    pub(crate) fn mark_dropped(&self) {
        #[cfg(feature = "accounting")]
        self.counters.mark_dropped();
    }

    /// A handle on the counters that outlives the vector.
    #[cfg(feature = "accounting")]
    pub(crate) fn stats(&self) -> Stats {
        Stats(Arc::clone(&self.counters))
    }

    /// A block given back on this thread earlier, counted as recycled.
    #[inline]
    pub(crate) fn take_block(&self) -> Option<Block<T>> {
        let block = self.pool.take()?;
        self.count(Event::Recycled);
        Some(block)
    }

    /// Keeps a freed block for reuse, or hands it back to the caller to free.
    ///
    /// # Safety
    ///
    /// 1. As [`Pool::give`]'s safety 1: `block` is a dropped `Box<T>`'s
    ///    memory, and the caller gives up every access to it.
    #[inline]
    pub(crate) unsafe fn give_block(&self, block: Block<T>) -> Result<(), Block<T>> {
        // SAFETY: our safety 1 is the pool's.
        unsafe { self.pool.give(block) }
    }
}
