//! Recycling of reclaimed allocations' memory, per thread.
//!
//! Every installed operation needs a fresh descriptor, and every reclaimer
//! frees retired descriptors in batches (haphazard ~1000 at a time, epochs
//! and seize a bag at a time). glibc's per-thread cache holds only 7 blocks
//! per size, so most of a batch went down `_int_free` and came back through
//! `_int_malloc`: 30-45% of the instructions of a one-thread push/pop
//! (callgrind, see `docs/performance.md`). Instead, a reclaimed block goes
//! to the reclaiming thread's shard of its vector's pool (up to [`CAP`]
//! blocks) and the next allocation on that thread reuses it. The vector
//! gives everything back to the allocator once nothing can free a block
//! into the pool any more (`home.rs`).
//!
//! A block is reused only after the reclaimer decided that no guard can
//! reach the object it held (`Reclaimer` safety 2), exactly as if the
//! allocator had handed the same address out again: pooling adds no reuse
//! that the allocator could not already do.
//!
//! Shards belong to seats (`thread/registry.rs`, `local.rs`): a thread
//! is the only one that touches its shard, so taking and giving are a `Vec`
//! pop and push with no atomics. Threads without a seat, loom builds (loom
//! models its threads on one OS thread, where the seat would be shared), and
//! builds with `--cfg secvec_no_pool` (used by the AddressSanitizer job,
//! which can only see a premature reuse when the block really goes back to
//! the allocator) bypass the pool.

use core::cell::UnsafeCell;
use core::mem::MaybeUninit;
use core::ptr::NonNull;

/// Blocks a thread's shard keeps, per pool: one haphazard reclamation batch
/// (~1000). A shard grows to it as `Vec` does (doubling), so a thread that
/// frees one block holds a few pointers, not a thousand.
pub(crate) const CAP: usize = 1024;

/// The memory of one `T`, allocated as a `Box<T>`, holding no value.
pub(crate) type Block<T> = NonNull<MaybeUninit<T>>;

/// Whether this build pools at all.
const ENABLED: bool = !cfg!(any(loom, secvec_no_pool));

/// One seat's blocks in one vector's pool (it lives in the seat's
/// entry of the vector's per-thread state, `local.rs`).
pub(crate) struct Shard<T> {
    blocks: UnsafeCell<Vec<Block<T>>>,
}

// SAFETY: a `Shard` owns heap blocks that hold no value (so `T`'s own
// thread-safety does not matter) and hands each out at most once. Its
// `Vec` is only accessed by the thread that owns the shard's seat
// (`take`, `give`, safety 1), or by `drain` once no thread uses the pool
// any more; seat ownership passes between threads through a mutex, which
// orders one owner's accesses before the next one's.
unsafe impl<T> Sync for Shard<T> {}
// SAFETY: as above; the blocks are plain heap memory.
unsafe impl<T> Send for Shard<T> {}

impl<T> Shard<T> {
    pub(crate) const fn new() -> Self {
        Shard { blocks: UnsafeCell::new(Vec::new()) }
    }

    /// A block given back earlier on this thread, if there is one.
    ///
    /// # Safety
    ///
    /// 1. The calling thread owns the seat of this shard for the
    ///    whole call, so nothing else accesses the shard meanwhile.
    #[inline]
    pub(crate) unsafe fn take(&self) -> Option<Block<T>> {
        if !ENABLED {
            return None;
        }
        // SAFETY: safety 1: ours is the only reference while `pop` runs.
        unsafe { &mut *self.blocks.get() }.pop()
    }

    /// Keeps `block` for reuse, or hands it back if the shard is full (or
    /// pooling is off): then the caller frees it.
    ///
    /// # Safety
    ///
    /// 1. As [`take`](Self::take)'s safety 1.
    /// 2. `block` is the allocation of a `Box<T>` whose value has been
    ///    dropped, and the caller gives up every access to it.
    #[inline]
    pub(crate) unsafe fn give(&self, block: Block<T>) -> Result<(), Block<T>> {
        if !ENABLED {
            return Err(block);
        }
        // SAFETY: safety 1: ours is the only reference while we use it; a
        // `Vec` push does not re-enter the pool.
        let blocks = unsafe { &mut *self.blocks.get() };
        if blocks.len() == CAP {
            return Err(block);
        }
        blocks.push(block);
        Ok(())
    }

    /// Returns every block to the allocator, and the shard's own buffer.
    ///
    /// # Safety
    ///
    /// 1. No thread takes from or gives to this shard during the call
    ///    (after it, the shard is empty and may be used again).
    pub(crate) unsafe fn drain(&self) {
        // SAFETY: safety 1: nothing else accesses the shard meanwhile.
        for block in core::mem::take(unsafe { &mut *self.blocks.get() }) {
            // SAFETY: only blocks given with `give` (safety 2: a dropped
            // `Box<T>`'s memory) are pooled, each once, and this one
            // leaves the pool here (dealloc 1, 2).
            unsafe { dealloc(block) };
        }
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

impl<T> Drop for Shard<T> {
    fn drop(&mut self) {
        // SAFETY: drain 1: `&mut self`, nobody else can reach the shard.
        unsafe { self.drain() };
    }
}
