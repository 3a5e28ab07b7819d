//! The per-vector block that every descriptor points at: its per-thread
//! state (`local.rs`: the pool its memory returns to, and with the
//! `accounting` feature the counters it is counted in) and the counters
//! that are not per thread. A [`Stats`] handle keeps it alive, so the
//! counts stay readable after the vector is gone; the pool is emptied as
//! soon as nothing can free into it any more.
//!
//! It is neither accounting nor memory management, but what both need to
//! reach from a descriptor being freed, possibly on another thread, by the
//! reclaimer. Every descriptor's pointer to it must stay valid wherever and
//! whenever the descriptor is freed:
//!
//! * a vector with its own domain owns its home behind a pointer (a stable
//!   address) and drops it after the domain, which frees everything retired
//!   into it before its drop returns (`Reclaimer` safety 3);
//! * a vector in a [`SharedDomain`](crate::SharedDomain) cannot wait for
//!   the domain: its home counts what is still out ([`Home::add_pending`]: one
//!   per retired object that will reach the home when reclaimed, plus one
//!   for the vector), and whoever gives back the last of them frees it
//!   ([`Home::release`]), as an `Arc`'s last owner does. Vectors with their
//!   own domain do not count (one branch per retire).

use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

use crate::mem::counters::{self, Counters, Event};
use crate::mem::local::Locals;
use crate::mem::pool::Block;
#[cfg(feature = "accounting")]
use crate::mem::stats::{Snapshot, Source, Stats};
use std::ptr::NonNull;
use std::sync::Arc;

/// The shared block of one vector whose recycled objects are `T`s.
pub(crate) struct Home<T> {
    locals: Locals<T>,
    counters: Counters,
    /// Whether the vector is in a shared domain (of a reclaimer that
    /// reclaims): then `pending` counts and the last release frees the home.
    shared: bool,
    /// Retired objects that will still reach this home, plus one while the
    /// vector lives (only counted when `shared`).
    pending: AtomicUsize,
    /// The home's own `Arc` pointer, from `Arc::into_raw` at the vector's
    /// drop (shared only): the last release rebuilds the `Arc` from it (the
    /// objects' pointers come from `&Home` and may not free it).
    owner: AtomicPtr<Home<T>>,
}

impl<T> Home<T> {
    /// A home whose vector stores its elements in cells of `cell_bytes`
    /// bytes each (`None`: inline), in a shared domain or not.
    pub(crate) fn new(cell_bytes: Option<usize>, shared: bool) -> Self {
        Home {
            locals: Locals::new(),
            counters: Counters::new(core::mem::size_of::<T>(), cell_bytes),
            shared,
            pending: AtomicUsize::new(1),
            owner: AtomicPtr::new(core::ptr::null_mut()),
        }
    }

    /// An object that will reach this home when it is reclaimed is about to
    /// be retired (before the retire: it may be reclaimed at once).
    #[inline]
    pub(crate) fn add_pending(&self) {
        if self.shared {
            // Relaxed, as `Arc::clone`: the caller holds a share already
            // (the vector's), so the count cannot be 0 meanwhile.
            self.pending.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The vector gives up its home, after dropping its domain handle, and
    /// its accounting becomes final: with its own domain (or one that never
    /// frees) now, everything retired being freed or never to be; in a
    /// shared domain at the last [`release`](Self::release), maybe this
    /// one, which also frees the home.
    ///
    /// # Safety
    ///
    /// 1. Called once, by the vector's drop, after its domain handle is
    ///    dropped and its last use of the home except through `home`
    ///    (which it gives up here).
    pub(crate) unsafe fn give_up(home: Arc<Home<T>>) {
        // Negative control, built only with `--cfg
        // secvec_defect="home_freed_at_drop"`: the home is freed with the
        // vector even in a shared domain, while the domain may still reclaim
        // what the vector retired. Miri and ASan must report the use after
        // free (`secvec_suite::conformance::shared`).
        if !home.shared || cfg!(secvec_defect = "home_freed_at_drop") {
            // SAFETY: drain 1: the vector is gone and its own domain (or
            // one that never frees) will not free into the pool any more.
            unsafe { home.drain_pool() };
            if !home.shared {
                home.mark_dropped();
            }
            drop(home);
            return;
        }
        let raw = Arc::into_raw(home).cast_mut();
        // SAFETY: `raw` is live: the vector's share in `pending` is not
        // given back yet.
        unsafe { (*raw).owner.store(raw, Ordering::Relaxed) };
        // SAFETY: release 1: live until our share goes; 2: the vector's
        // share, given back once (our safety 1); the store above is ordered
        // before it by the release's `Release`.
        unsafe { Home::release(NonNull::new(raw).expect("Arc pointers are non-null")) };
    }

    /// Gives back one share of `pending`: the last one frees the home.
    ///
    /// # Safety
    ///
    /// 1. `home` is live (the caller's share keeps it so).
    /// 2. The caller owns a share: counted by [`add_pending`](Self::add_pending)
    ///    for the object it just finished reclaiming, or the vector's own
    ///    (from `give_up`); given back once, as its last use of the home.
    #[inline]
    pub(crate) unsafe fn release(home: NonNull<Home<T>>) {
        // SAFETY: safety 1.
        if unsafe { home.as_ref() }.shared {
            // SAFETY: our safety 1 and 2, passed on.
            unsafe { Home::release_shared(home) }
        }
    }

    /// [`release`](Self::release) for a home that counts.
    ///
    /// # Safety
    ///
    /// As for `release`.
    #[cold]
    unsafe fn release_shared(home: NonNull<Home<T>>) {
        // SAFETY: safety 1.
        let h = unsafe { home.as_ref() };
        // Release/Acquire as `Arc`'s drop: every use of the home by a share
        // happens before the free.
        if h.pending.fetch_sub(1, Ordering::Release) != 1 {
            return;
        }
        // An Acquire load rather than a fence, as `Arc` does under
        // ThreadSanitizer, which does not model fences.
        h.pending.load(Ordering::Acquire);
        // SAFETY: drain 1: the vector is gone and no retired object is
        // left to reach the home.
        unsafe { h.drain_pool() };
        h.mark_dropped();
        let owner = h.owner.load(Ordering::Relaxed);
        // SAFETY: the count reached 0, so the vector gave its share up
        // (after storing `owner`, from its `Arc::into_raw`; ordered before
        // us by the Acquire load) and no other share is left: nobody uses
        // the home any more, and this `Arc` is its only owner.
        drop(unsafe { Arc::from_raw(owner) });
    }

    /// Returns every pooled block to the allocator (a `Stats` handle may
    /// keep the home itself for much longer).
    ///
    /// # Safety
    ///
    /// 1. Nothing takes blocks from or gives blocks to the pool any more:
    ///    the vector is gone and no retired object will be freed into it.
    unsafe fn drain_pool(&self) {
        for local in self.locals.iter() {
            // SAFETY: Shard::drain 1 is our safety 1.
            unsafe { local.pool.drain() };
        }
    }

    /// Counts `event` (nothing without the `accounting` feature, where the
    /// counters are types that do nothing and this is empty).
    #[inline]
    pub(crate) fn count(&self, event: Event) {
        if !counters::ENABLED {
            return; // no per-thread entry to look up for nothing
        }
        // SAFETY: mine 1: the entry is used for this count only.
        match unsafe { self.locals.mine() } {
            Some(local) => local.counts.bump(event),
            None => self.counters.count_shared(event),
        }
    }

    /// The vector freed one of its own descriptors (the current one, at drop).
    pub(crate) fn count_freed_by_owner(&self) {
        self.counters.count_freed_by_owner();
    }

    /// The vector dropped `n` elements it still held.
    pub(crate) fn count_cells_freed_with_vector(&self, n: u64) {
        self.counters.count_cells_freed_with_vector(n);
    }

    /// A batch payload of `bytes` bytes was allocated (or, with `freed`,
    /// freed).
    pub(crate) fn count_batch_bytes(&self, bytes: usize, freed: bool) {
        self.counters.count_batch_bytes(bytes, freed);
    }

    /// Slot buckets were allocated.
    pub(crate) fn add_bucket_bytes(&self, bytes: usize) {
        self.counters.add_bucket_bytes(bytes);
    }

    /// Brackets the drop of the vector's domain (for "reclaimed at drop").
    pub(crate) fn mark_drop_started(&self) {
        // The one place that reads totals while counting, so the one place
        // that needs the feature by name.
        #[cfg(feature = "accounting")]
        self.counters.mark_drop_started(|e| self.total(e));
    }

    /// The vector's domain is gone: "leaked" is final from now on.
    pub(crate) fn mark_dropped(&self) {
        self.counters.mark_dropped();
    }

    /// A handle on the counters that outlives the vector (it keeps the
    /// home, whose pool is emptied when the vector is done with it).
    #[cfg(feature = "accounting")]
    pub(crate) fn stats(this: &Arc<Self>) -> Stats
    where
        T: 'static,
    {
        Stats(Arc::clone(this) as Arc<dyn Source>)
    }

    /// The count of `event` over every thread.
    #[cfg(feature = "accounting")]
    fn total(&self, event: Event) -> u64 {
        self.counters.shared().get(event) + self.locals.iter().map(|l| l.counts.get(event)).sum::<u64>()
    }

    /// Allocates the memory of one `T`: a block given back on this thread
    /// earlier if there is one (counted as recycled), or `None`: then the
    /// caller allocates. Counted as allocated either way.
    #[inline]
    pub(crate) fn alloc_block(&self) -> Option<Block<T>> {
        // SAFETY: mine 1: the entry is used in this call only.
        let Some(local) = (unsafe { self.locals.mine() }) else {
            self.counters.count_shared(Event::Allocated);
            return None;
        };
        local.counts.bump(Event::Allocated);
        // SAFETY: take 1: `mine` gave us this thread's entry, whose seat
        // the thread keeps until this call returns (mine 1).
        let block = unsafe { local.pool.take() };
        if block.is_some() {
            local.counts.bump(Event::Recycled);
        }
        block
    }

    /// Counts a `T` freed, and keeps its memory for reuse, or hands it
    /// back to the caller to free.
    ///
    /// # Safety
    ///
    /// 1. As [`pool::Shard::give`](crate::mem::pool::Shard::give)'s safety 2:
    ///    `block` is a dropped `Box<T>`'s memory, and the caller gives up
    ///    every access to it.
    #[inline]
    pub(crate) unsafe fn free_block(&self, block: Block<T>) -> Result<(), Block<T>> {
        // SAFETY: mine 1: the entry is used in this call only.
        let Some(local) = (unsafe { self.locals.mine() }) else {
            self.counters.count_shared(Event::Freed);
            return Err(block);
        };
        local.counts.bump(Event::Freed);
        // SAFETY: give 1: as in `alloc_block`; 2: our safety 1.
        unsafe { local.pool.give(block) }
    }
}

#[cfg(feature = "accounting")]
impl<T: 'static> Source for Home<T> {
    fn snapshot(&self) -> Snapshot {
        self.counters.snapshot(|e| self.total(e))
    }
}
