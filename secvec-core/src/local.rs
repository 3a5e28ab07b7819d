//! A vector's per-thread state: for each thread slot that uses the vector,
//! one entry with its pool shard and (with the `accounting` feature) its
//! counter shard, allocated by the slot's first use.
//!
//! A vector that is never written holds one pointer per slot (8 bytes) and
//! no entry; one written by a single thread holds one entry (a cache line),
//! not one per slot. Counting and pooling share the entry, so an operation
//! finds both with one lookup (`Home::alloc_block`, `Home::free_block`).
//!
//! Entry `i` is allocated and published only by the thread that owns slot
//! `i` (a Release store: no race to install); any thread may read the
//! published entries' counts (a stats snapshot, Acquire loads). Entries
//! are freed with the `Locals`. The pointers are plain (non-loom) atomics:
//! the vector's algorithm does not synchronize through them, and loom
//! models its threads on one OS thread, which owns one slot.

use crate::pool;
#[cfg(feature = "accounting")]
use crate::stats::Counts;
use crate::thread_slot::{EXCLUSIVE, current};
use crossbeam_utils::CachePadded;
use std::sync::atomic::{AtomicPtr, Ordering};

/// One thread slot's state in one vector whose pooled objects are `T`s.
pub(crate) struct Local<T> {
    /// Written only by the slot's owner.
    #[cfg(feature = "accounting")]
    pub(crate) counts: Counts,
    /// Used only by the slot's owner (pool.rs).
    pub(crate) pool: pool::Shard<T>,
}

/// The entries of every thread slot of one vector.
pub(crate) struct Locals<T> {
    entries: [AtomicPtr<CachePadded<Local<T>>>; EXCLUSIVE],
}

impl<T> Locals<T> {
    pub(crate) const fn new() -> Self {
        Locals { entries: [const { AtomicPtr::new(core::ptr::null_mut()) }; EXCLUSIVE] }
    }

    /// The calling thread's entry, allocated on its first use, with the
    /// slot it belongs to; `None` if the thread has no slot now.
    ///
    /// The entry stays the caller's while it owns the slot: until the
    /// current call returns to code that could run this thread's
    /// thread-local destructors (`thread_slot::current`).
    #[inline]
    pub(crate) fn mine(&self) -> Option<&Local<T>> {
        let slot = current()?;
        let p = self.entries[slot].load(Ordering::Relaxed);
        if p.is_null() {
            return Some(self.install(slot));
        }
        // SAFETY: a non-null entry was published from a `Box` by `install`
        // (on this thread, or on a previous owner of the slot, ordered
        // before us by the slot's hand-over) and is freed only in `Drop`,
        // which needs `&mut self`.
        Some(unsafe { &*p })
    }

    #[cold]
    #[inline(never)]
    fn install(&self, slot: usize) -> &Local<T> {
        let fresh = Box::into_raw(Box::new(CachePadded::new(Local {
            #[cfg(feature = "accounting")]
            counts: Counts::new(),
            pool: pool::Shard::new(),
        })));
        // Release: a reader that sees the pointer sees the entry's
        // initialization. Only this slot's owner writes this pointer, so
        // it is still null.
        self.entries[slot].store(fresh, Ordering::Release);
        // SAFETY: just published from a `Box`, freed only in `Drop`.
        unsafe { &*fresh }
    }

    /// The entries allocated so far, from any thread.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Local<T>> {
        self.entries.iter().filter_map(|e| {
            let p = e.load(Ordering::Acquire);
            // SAFETY: as in `mine`; Acquire pairs with `install`'s store.
            (!p.is_null()).then(|| unsafe { &**p })
        })
    }
}

impl<T> Drop for Locals<T> {
    fn drop(&mut self) {
        for e in &mut self.entries {
            let p = *e.get_mut();
            if !p.is_null() {
                // SAFETY: published from a `Box` by `install`, freed once,
                // here, with no other reference left (`&mut self`).
                drop(unsafe { Box::from_raw(p) });
            }
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn an_entry_per_thread_that_uses_it_and_no_more() {
        let locals: Locals<u64> = Locals::new();
        assert_eq!(locals.iter().count(), 0, "nothing before the first use");
        let addr = |l: &Local<u64>| l as *const Local<u64> as usize;
        let mine = locals.mine().map(addr);
        assert!(mine.is_some(), "the test thread has a slot");
        assert_eq!(locals.mine().map(addr), mine, "the same entry again");
        std::thread::scope(|s| {
            s.spawn(|| assert_ne!(locals.mine().map(addr), mine, "another thread, another entry"));
        });
        assert_eq!(locals.iter().count(), 2);
    }
}
