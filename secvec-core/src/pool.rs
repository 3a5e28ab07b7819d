//! Recycling of reclaimed allocations' memory, per thread.
//!
//! Every installed operation needs a fresh descriptor, and every reclaimer
//! frees retired descriptors in batches (haphazard ~1000 at a time, epochs
//! and seize a bag at a time). glibc's per-thread cache holds only 7 blocks
//! per size, so most of a batch went down `_int_free` and came back through
//! `_int_malloc`: 30-45% of the instructions of a one-thread push/pop
//! (callgrind, see `docs/performance.md`). Instead, a reclaimed block goes
//! to the reclaiming thread's shard of its vector's pool (up to [`CAP`]
//! blocks) and the next allocation on that thread reuses it. The pool gives
//! everything back to the allocator when it is dropped.
//!
//! A block is reused only after the reclaimer decided that no guard can
//! reach the object it held (`Reclaimer` safety 2), exactly as if the
//! allocator had handed the same address out again: pooling adds no reuse
//! that the allocator could not already do.
//!
//! Shards are indexed by the thread's slot (`thread_slot.rs`): a thread is
//! the only one that touches its shard, so taking and giving are a `Vec` pop
//! and push with no atomics. Threads without a slot, loom builds (loom
//! models its threads on one OS thread, where the slot would be shared), and
//! builds with `--cfg secvec_no_pool` (used by the AddressSanitizer job,
//! which can only see a premature reuse when the block really goes back to
//! the allocator) bypass the pool.

use crate::thread_slot::{EXCLUSIVE, current};
use core::cell::UnsafeCell;
use core::mem::MaybeUninit;
use core::ptr::NonNull;
use crossbeam_utils::CachePadded;

/// Blocks a thread's shard keeps, per pool: one haphazard reclamation batch
/// (~1000).
pub(crate) const CAP: usize = 1024;

/// The memory of one `T`, allocated as a `Box<T>`, holding no value.
pub(crate) type Block<T> = NonNull<MaybeUninit<T>>;

/// Whether this build pools at all.
const ENABLED: bool = !cfg!(any(loom, secvec_no_pool));

pub(crate) struct Pool<T> {
    shards: [CachePadded<UnsafeCell<Vec<Block<T>>>>; EXCLUSIVE],
}

// SAFETY: a `Pool` owns heap blocks that hold no value (so `T`'s own
// thread-safety does not matter) and hands each out at most once. Shard `i`
// is only ever accessed by the thread that owns thread slot `i` (`take`,
// `give`), or through `&mut self` (`Drop`); slot ownership passes between
// threads through a mutex, which orders one owner's accesses before the
// next one's.
unsafe impl<T> Sync for Pool<T> {}
// SAFETY: as above; the blocks are plain heap memory.
unsafe impl<T> Send for Pool<T> {}

impl<T> Pool<T> {
    pub(crate) fn new() -> Self {
        Pool { shards: core::array::from_fn(|_| CachePadded::new(UnsafeCell::new(Vec::new()))) }
    }

    /// Runs `f` on this thread's shard, if it has a slot and pooling is on.
    #[inline]
    fn with_shard<O>(&self, f: impl FnOnce(&mut Vec<Block<T>>) -> O) -> Option<O> {
        if !ENABLED {
            return None;
        }
        let slot = current()?;
        // SAFETY: this thread owns slot `slot` (see the `Sync` impl) for at
        // least the duration of this call, so no other reference to this
        // shard exists while `f` runs; `f` is a `Vec` pop or push, which
        // does not re-enter the pool.
        Some(f(unsafe { &mut *self.shards[slot].get() }))
    }

    /// A block given back earlier on this thread, if there is one.
    #[inline]
    pub(crate) fn take(&self) -> Option<Block<T>> {
        self.with_shard(Vec::pop).flatten()
    }

    /// Keeps `block` for reuse, or hands it back if this thread's shard is
    /// full (or the thread has none): then the caller frees it.
    ///
    /// # Safety
    ///
    /// 1. `block` is the allocation of a `Box<T>` whose value has been
    ///    dropped, and the caller gives up every access to it.
    #[inline]
    pub(crate) unsafe fn give(&self, block: Block<T>) -> Result<(), Block<T>> {
        let kept = self.with_shard(|shard| {
            if shard.len() == CAP {
                return false;
            }
            if shard.capacity() == 0 {
                shard.reserve_exact(CAP);
            }
            shard.push(block);
            true
        });
        if kept == Some(true) { Ok(()) } else { Err(block) }
    }
}

/// Returns a block to the allocator.
///
/// # Safety
///
/// 1. `block` is the allocation of a `Box<T>` whose value has been dropped.
/// 2. The caller owns it: it is in no pool, and nothing uses it afterwards.
pub(crate) unsafe fn dealloc<T>(block: Block<T>) {
    // SAFETY: safety 1: `Box<MaybeUninit<T>>` has the layout of the `Box<T>`
    // it was allocated as, and dropping it frees the memory without running
    // a destructor on the already dropped value; safety 2: freed once.
    drop(unsafe { Box::from_raw(block.as_ptr()) });
}

impl<T> Drop for Pool<T> {
    fn drop(&mut self) {
        for shard in &mut self.shards {
            for block in core::mem::take(shard.get_mut()) {
                // SAFETY: only blocks given with `give` (safety 1: a dropped
                // `Box<T>`'s memory) are pooled, each once, and this one
                // leaves the pool here (dealloc 1, 2).
                unsafe { dealloc(block) };
            }
        }
    }
}
