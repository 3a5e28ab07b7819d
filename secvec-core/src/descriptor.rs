//! Descriptors: the immutable records that the vector's one atomic pointer
//! swings between.

use crate::buckets::SlotWord;
use crate::home::Home;
use crate::reclaimer::Retire;
use crate::stats::Event;
use core::ptr::NonNull;

/// A slot write that a descriptor announces: `CAS(slot[index], old,
/// (new, version = seq of the descriptor))`.
///
/// It lives *inside* the descriptor (defect 3 in `vec.rs`).
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
    /// The owning vector's home block, which the vector drops only after
    /// its reclamation domain (`Reclaimer` safety point 3).
    home: NonNull<Home<Descriptor>>,
}

// SAFETY: the only non-auto-Send/Sync field is `home`, a pointer to a
// `Home`, which is `Sync` (its pool is per-thread-slot, its counters are
// atomics) and is only ever accessed through a shared reference; it stays
// valid wherever the descriptor is dropped (`Reclaimer` safety point 3).
unsafe impl Send for Descriptor {}
// SAFETY: as above; `state` is plain immutable data.
unsafe impl Sync for Descriptor {}

impl Descriptor {
    /// Allocates a descriptor (reusing a pooled block if this thread has
    /// one) and counts it.
    pub(crate) fn alloc(state: State, home: &Home<Descriptor>) -> *mut Descriptor {
        home.count(Event::Allocated);
        let d = Descriptor { state, home: NonNull::from(home) };
        match home.take_block() {
            Some(block) => {
                let p = block.as_ptr().cast::<Descriptor>();
                // SAFETY: a pooled block is the memory of a dropped
                // `Box<Descriptor>`, owned by the pool alone until `take`
                // handed it to us: valid for writes, properly aligned.
                unsafe { p.write(d) };
                p
            }
            None => Box::into_raw(Box::new(d)),
        }
    }

    /// Drops a descriptor (counting it freed) and gives its memory to the
    /// pool, or to the allocator if the pool is full.
    ///
    /// # Safety
    ///
    /// 1. `ptr` came from [`Descriptor::alloc`] and has not been freed.
    /// 2. Nobody accesses `*ptr` during or after the call.
    pub(crate) unsafe fn free(ptr: *mut Descriptor) {
        // SAFETY: safety 1: `ptr` is a live descriptor.
        let home = unsafe { (*ptr).home };
        // SAFETY: safety 1 and 2: dropped once, never used again.
        unsafe { core::ptr::drop_in_place(ptr) };
        let block = NonNull::new(ptr.cast()).expect("non-null");
        // SAFETY: `home` outlives every descriptor of its vector (see
        // `Drop`). give 1: the descriptor was dropped above, it came from a
        // `Box` (`alloc`: either `Box::new` or a pooled `Box` block) and
        // nobody uses it afterwards (our safety 2).
        if let Err(block) = unsafe { home.as_ref().give_block(block) } {
            // SAFETY: dealloc 1: as above; 2: the pool refused the block, so
            // we own it.
            unsafe { crate::pool::dealloc(block) };
        }
    }
}

impl Retire for Descriptor {
    #[inline]
    unsafe fn reclaim(ptr: *mut Self) {
        // SAFETY: Retire::reclaim safety 1 and 2 are `free`'s safety 1 and 2:
        // only descriptors from `alloc` are retired, once.
        unsafe { Descriptor::free(ptr) }
    }
}

impl Drop for Descriptor {
    fn drop(&mut self) {
        // SAFETY: `home` outlives every descriptor of its vector: the
        // vector drops its home block only after it has freed its own
        // descriptors and dropped its domain, and the domain frees retired
        // descriptors no later than its own drop, or never (`Reclaimer`
        // safety 3).
        unsafe { self.home.as_ref() }.count(Event::Freed);
    }
}
