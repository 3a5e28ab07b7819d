//! Descriptors: the immutable records that the vector's one atomic pointer
//! swings between.

use crate::mem::home::Home;
use crate::raw::birth::Birth;
use crate::raw::buckets::SlotWord;
use crate::raw::element::Encoded;
use crate::reclaimer::Retire;
use core::ptr::NonNull;

/// A slot write that a descriptor announces: `CAS(slot[index], old,
/// (new, version = seq of the descriptor))`.
///
/// It lives *inside* the descriptor (defect 3 in [`crate::algorithm`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PendingWrite {
    pub(crate) index: usize,
    /// The slot's `(value, version)` when the descriptor was built.
    pub(crate) old: SlotWord,
    /// The new value.
    pub(crate) new: Encoded,
}

/// The slot writes a descriptor announces: none, one (inline in the
/// descriptor), or a batch of consecutive ones (in a separate allocation
/// the descriptor owns: descriptors stay one size, so they can be pooled).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Writes {
    None,
    One(PendingWrite),
    Many(BatchRef),
}

/// The writes of a batch: `start + k` for `k < len`, each a
/// [`PendingWrite`] like a single one. Valid while the descriptor that owns
/// it is (protected, or unpublished and ours).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BatchRef {
    pub(crate) start: usize,
    pub(crate) len: usize,
    /// The announcement board slots whose elements this batch carries
    /// after its first (a combined push, `combining.rs`); 0 for an
    /// `extend`.
    pub(crate) combined: u32,
    /// `len` entries, one allocation (`Box<[Entry]>`).
    entries: NonNull<Entry>,
}

impl BatchRef {
    /// Whether `index` is written by this batch.
    #[inline]
    pub(crate) fn covers(&self, index: usize) -> bool {
        index.wrapping_sub(self.start) < self.len
    }

    /// The write to index `start + k`.
    ///
    /// # Safety
    ///
    /// 1. The descriptor that owns the batch has not been freed (the caller
    ///    protects it, or owns it), and `k < len`.
    #[inline]
    pub(crate) unsafe fn write(&self, k: usize) -> PendingWrite {
        debug_assert!(k < self.len);
        // SAFETY: point 1: the entries live as long as their descriptor,
        // are not written once it is published, and `k < len`.
        let e = unsafe { &*self.entries.as_ptr().add(k) };
        PendingWrite { index: self.start + k, old: e.old, new: e.new }
    }

    /// The entries as the box they were allocated as.
    ///
    /// # Safety
    ///
    /// 1. Called once, by the owner of the entries, which nobody reads any
    ///    more.
    unsafe fn into_box(self) -> Box<[Entry]> {
        // SAFETY: point 1; `entries` came from `Box::<[Entry]>::into_raw`
        // with `len` entries (`set_batch`).
        unsafe { Box::from_raw(core::ptr::slice_from_raw_parts_mut(self.entries.as_ptr(), self.len)) }
    }
}

/// One write of a batch.
#[derive(Clone, Copy)]
struct Entry {
    old: SlotWord,
    new: Encoded,
}

/// What a descriptor says about the vector: everything but bookkeeping.
/// Copied out of a protected descriptor in one go; a published descriptor is
/// never modified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct State {
    /// Length of the vector.
    pub(crate) size: usize,
    /// Sequence number: 0 for the shared empty state every vector starts
    /// at, +1 for each successor.
    /// It is also the version its writes stamp on the slots.
    pub(crate) seq: u64,
    /// The writes this descriptor announces.
    pub(crate) writes: Writes,
}

pub(crate) struct Descriptor {
    pub(crate) state: State,
    /// The owning vector's home block, which the vector drops only after
    /// its reclamation domain (`Reclaimer` safety point 3).
    home: NonNull<Home<Descriptor>>,
    /// The reclaimer's birth era for this descriptor
    /// (`Reclaimer::birth_era`), taken when it was made or recycled. The
    /// one field past the cache line (64 bytes on 64-bit targets): only
    /// with the `birth-eras` feature.
    birth: Birth,
    // The payload of a batch of writes (`state.writes` is `Many`) is owned
    // by the descriptor: kept for reuse by the next attempt while it is
    // unpublished, freed with it. No field of its own: without birth eras
    // a descriptor stays one cache line.
}

// SAFETY: the only non-auto-Send/Sync field is `home`, a pointer to a
// `Home`, which is `Sync` (its pool is per-thread-slot, its counters are
// atomics) and is only ever accessed through a shared reference; it stays
// valid wherever the descriptor is dropped (`Reclaimer` safety point 3).
unsafe impl Send for Descriptor {}
// SAFETY: as above; `state` is plain immutable data.
unsafe impl Sync for Descriptor {}

/// See [`Descriptor::empty_state`]. Its `home` is never used: only
/// allocated descriptors are counted, freed or retired.
static EMPTY: Descriptor = Descriptor {
    state: State { size: 0, seq: 0, writes: Writes::None },
    home: NonNull::dangling(),
    birth: Birth::new(0),
};

impl Descriptor {
    /// Allocates a descriptor (reusing a pooled block if this thread has
    /// one) and counts it. `birth` is the reclaimer's birth era for it
    /// (`Reclaimer::birth_era`), kept with the `birth-eras` feature.
    #[inline]
    pub(crate) fn alloc(state: State, home: &Home<Descriptor>, birth: u64) -> *mut Descriptor {
        debug_assert!(!matches!(state.writes, Writes::Many(_)), "batches are set with `set_batch`");
        let d = Descriptor { state, home: NonNull::from(home), birth: Birth::new(birth) };
        match home.alloc_block() {
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

    /// The state of every vector that has never been written (length 0,
    /// sequence number 0): one shared, immutable static, so that creating
    /// a vector allocates nothing. It is never retired or freed (see
    /// [`is_empty_state`](Self::is_empty_state)), and never written
    /// through the pointer, which only reads may use.
    pub(crate) fn empty_state() -> *mut Descriptor {
        (&raw const EMPTY).cast_mut()
    }

    /// Whether `ptr` is [`empty_state`](Self::empty_state)'s static.
    #[inline]
    pub(crate) fn is_empty_state(ptr: *const Descriptor) -> bool {
        core::ptr::eq(ptr, &raw const EMPTY)
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
        // SAFETY: `home` outlives every descriptor of its vector: the
        // vector gives its home block up only after it has freed its own
        // descriptors and dropped its domain; its own domain frees retired
        // descriptors no later than its own drop, or never (`Reclaimer`
        // safety 3), and in a shared domain each retired descriptor holds a
        // share of the home until its reclaim is over (home.rs).
        // free_block 1: the descriptor was dropped above, it came from a
        // `Box` (`alloc`: either `Box::new` or a pooled `Box` block) and
        // nobody uses it afterwards (our safety 2).
        if let Err(block) = unsafe { home.as_ref().free_block(block) } {
            // SAFETY: dealloc 1: as above; 2: the pool refused the block, so
            // we own it.
            unsafe { crate::mem::pool::dealloc(block) };
        }
    }
}

impl Descriptor {
    /// Frees this descriptor's batch payload `b` (at its drop).
    #[cold]
    #[inline(never)]
    fn free_batch(&self, b: BatchRef) {
        self.home().count_batch_bytes(b.len * core::mem::size_of::<Entry>(), true);
        // SAFETY: the entries are owned by this descriptor alone (set_batch
        // 2), which is being dropped: nobody reads them any more; freed
        // once.
        drop(unsafe { b.into_box() });
    }

    /// The vector's home block.
    fn home(&self) -> &Home<Descriptor> {
        // SAFETY: `home` outlives every descriptor of its vector (see
        // `Drop`).
        unsafe { self.home.as_ref() }
    }

    /// Fills in the batch of writes to `start..start + news.len()` (the
    /// old words of those slots come from `olds`, in order; `combined` the
    /// board slots of the elements after the first, for a combined push),
    /// reusing this descriptor's batch payload if it has one, and returns the reference the state must carry: the
    /// caller stores it in `state.writes` (which is how the descriptor owns
    /// the payload) before anything else can happen to the descriptor.
    ///
    /// # Safety
    ///
    /// 1. `this` is an unpublished descriptor of the caller's (from
    ///    [`Descriptor::alloc`], never installed): nobody else accesses it.
    /// 2. The caller stores the returned reference in `(*this).state.writes`
    ///    next (else the payload leaks, or, if this descriptor had one, is
    ///    freed with it while the caller still holds the reference).
    pub(crate) unsafe fn set_batch(
        this: *mut Descriptor,
        start: usize,
        news: &[Encoded],
        combined: u32,
        olds: impl Iterator<Item = SlotWord>,
    ) -> BatchRef {
        // SAFETY: point 1: exclusive access.
        let d = unsafe { &mut *this };
        let fill = |e: &mut [Entry]| {
            for ((e, &new), old) in e.iter_mut().zip(news).zip(olds) {
                *e = Entry { old, new };
            }
        };
        let entries = match d.state.writes {
            // An earlier attempt of the same batch: same length, refill.
            Writes::Many(b) if b.len == news.len() => {
                // SAFETY: the entries are owned by `d` (set_batch 2 of the
                // earlier call) and point 1 makes the access exclusive.
                fill(unsafe { core::slice::from_raw_parts_mut(b.entries.as_ptr(), b.len) });
                b.entries
            }
            other => {
                if let Writes::Many(b) = other {
                    d.state.writes = Writes::None;
                    d.home().count_batch_bytes(b.len * core::mem::size_of::<Entry>(), true);
                    // SAFETY: owned by `d` alone (point 1), and no longer
                    // named by its state.
                    drop(unsafe { b.into_box() });
                }
                d.home().count_batch_bytes(news.len() * core::mem::size_of::<Entry>(), false);
                let mut fresh: Box<[Entry]> =
                    news.iter().map(|&new| Entry { old: SlotWord::EMPTY, new }).collect();
                fill(&mut fresh);
                NonNull::new(Box::into_raw(fresh).cast::<Entry>()).expect("non-null")
            }
        };
        BatchRef { start, len: news.len(), combined, entries }
    }
}

impl Descriptor {
    /// Gives an unpublished descriptor a state without a batch, freeing the
    /// batch payload an earlier attempt left in it (a push that combined on
    /// one attempt and not on the next).
    ///
    /// # Safety
    ///
    /// 1. As [`set_batch`](Self::set_batch)'s 1: unpublished, the caller's.
    /// 2. `state.writes` is not `Many`.
    #[cold]
    #[inline(never)]
    pub(crate) unsafe fn set_single(this: *mut Descriptor, state: State) {
        debug_assert!(!matches!(state.writes, Writes::Many(_)));
        // SAFETY: point 1: exclusive access.
        let d = unsafe { &mut *this };
        if let Writes::Many(b) = d.state.writes {
            d.free_batch(b);
        }
        d.state = state;
    }
}

impl Retire for Descriptor {
    #[inline]
    unsafe fn reclaim(ptr: *mut Self) {
        // SAFETY: Retire::reclaim safety 1: a live descriptor.
        let home = unsafe { (*ptr).home };
        // SAFETY: Retire::reclaim safety 1 and 2 are `free`'s safety 1 and 2:
        // only descriptors from `alloc` are retired, once.
        unsafe { Descriptor::free(ptr) };
        // SAFETY: release 1: the share this descriptor's retire counted
        // (`Home::add_pending`, just before every retire of a descriptor) keeps
        // the home alive until now; 2: given back once, after the
        // descriptor's last use of the home (`free` above).
        unsafe { Home::release(home) };
    }

    #[inline]
    unsafe fn birth(ptr: *const Self) -> u64 {
        // SAFETY: Retire::birth safety 1: a live descriptor.
        unsafe { (*ptr).birth }.era()
    }
}

impl Drop for Descriptor {
    #[inline]
    fn drop(&mut self) {
        // (`Descriptor::free`, the only way a descriptor is dropped,
        // counts it freed, with one lookup of the thread's state for the
        // count and the pool.)
        if let Writes::Many(b) = self.state.writes {
            self.free_batch(b);
        }
    }
}

// A descriptor is one cache line on 64-bit targets (without birth eras):
// the pool and every write depend on it, and a batch's combining mask
// (`BatchRef::combined`) had to fit in what was there.
#[cfg(all(target_pointer_width = "64", not(feature = "birth-eras")))]
const _: () = assert!(core::mem::size_of::<Descriptor>() == 64);
