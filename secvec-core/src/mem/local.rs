//! A vector's per-thread state: for each seat (thread) that uses the vector,
//! one entry with its pool shard and (with the `accounting` feature) its
//! counter shard, allocated by the seat's first use (a [`PerThread`]).
//!
//! A vector that is never written holds no entry; one written by a single
//! thread holds one (a cache line), not one per seat. Counting and pooling
//! share the entry, so an operation finds both with one lookup
//! (`Home::alloc_block`, `Home::free_block`). Any thread may read the
//! entries' counts (a stats snapshot, [`Locals::iter`]).

use crate::mem::counters::Counts;
use crate::mem::pool;
use crate::thread::per_thread::PerThread;

/// One seat's state in one vector whose pooled objects are `T`s.
pub(crate) struct Local<T> {
    /// Written only by the seat's owner (zero-sized without accounting).
    pub(crate) counts: Counts,
    /// Used only by the seat's owner (pool.rs).
    pub(crate) pool: pool::Shard<T>,
}

/// The entries of every seat of one vector.
pub(crate) struct Locals<T>(PerThread<Local<T>>);

impl<T> Locals<T> {
    pub(crate) fn new() -> Self {
        Locals(PerThread::new())
    }

    /// The calling thread's entry, allocated on its first use; `None` if
    /// the thread has no seat now.
    ///
    /// # Safety
    ///
    /// 1. As [`PerThread::get_or_briefly`]'s safety 1: the entry is used
    ///    only on this thread, until the current call returns to code the
    ///    caller does not control (the seat stays this thread's meanwhile).
    #[inline]
    pub(crate) unsafe fn mine(&self) -> Option<&Local<T>> {
        // SAFETY: get_or_briefly 1 is our safety 1.
        unsafe { self.0.get_or_briefly(|| Local { counts: Counts::new(), pool: pool::Shard::new() }) }
    }

    /// The entries allocated so far, from any thread.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Local<T>> {
        self.0.iter()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn an_entry_per_thread_that_uses_it_and_no_more() {
        // It holds seats: not while the registry's tests count them.
        let _serial = crate::thread::registry::tests::SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let locals: Locals<u64> = Locals::new();
        assert_eq!(locals.iter().count(), 0, "nothing before the first use");
        let addr = |l: &Local<u64>| l as *const Local<u64> as usize;
        // SAFETY: mine 1: used within this statement, on this thread.
        let mine = unsafe { locals.mine() }.map(addr);
        assert!(mine.is_some(), "the test thread has a seat");
        // SAFETY: as above.
        let again = unsafe { locals.mine() }.map(addr);
        assert_eq!(again, mine, "the same entry again");
        std::thread::scope(|s| {
            s.spawn(|| {
                // SAFETY: as above, on the spawned thread.
                let theirs = unsafe { locals.mine() }.map(addr);
                assert_ne!(theirs, mine, "another thread, another entry");
            });
        });
        assert_eq!(locals.iter().count(), 2);
    }
}
