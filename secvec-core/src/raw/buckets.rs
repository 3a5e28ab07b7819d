//! Slot storage: a fixed array of lazily allocated buckets of 16-byte slots.
//!
//! The array of bucket heads itself is allocated with the first bucket
//! (an empty vector holds one null pointer instead of 61 of them).
//!
//! Bucket `b` holds `FIRST_BUCKET_SIZE << b` slots. Index `i` maps to
//! `pos = i + FIRST_BUCKET_SIZE`, `hb = highest_bit(pos)`, bucket
//! `hb - log2(FIRST_BUCKET_SIZE)`, offset `pos ^ (1 << hb)`. Buckets are
//! installed by `CAS(null -> new)` (the loser frees its own) and never move,
//! so a slot's address is stable for the vector's whole life.
//!
//! A slot is `(version << 64) | value`, read and compare-exchanged as one
//! 128-bit word. See [`crate::algorithm`] for why the version
//! makes every slot write impossible to repeat.

use crate::mem::lazy::Lazy;
use crate::raw::element::Encoded;
use crate::sync::{AtomicPtr, AtomicU128, Ordering};
use core::alloc::Layout;
use core::ptr;
use std::collections::TryReserveError;

/// Slots in bucket 0. Must be a power of two.
pub(crate) const FIRST_BUCKET_SIZE: usize = 8;
const FIRST_BUCKET_BITS: u32 = FIRST_BUCKET_SIZE.trailing_zeros();
/// Enough buckets to address every index `i` with `i + FIRST_BUCKET_SIZE <= usize::MAX`.
pub(crate) const BUCKET_COUNT: usize = (usize::BITS - FIRST_BUCKET_BITS) as usize;
/// The largest length the buckets can address.
pub(crate) const ADDRESSABLE_LEN: usize = usize::MAX - FIRST_BUCKET_SIZE + 1;

/// The value and version held by one slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SlotWord {
    pub(crate) value: Encoded,
    pub(crate) version: u64,
}

impl SlotWord {
    /// A placeholder word (a fresh slot's).
    pub(crate) const EMPTY: SlotWord = SlotWord { value: Encoded(0), version: 0 };

    #[inline]
    fn pack(self) -> u128 {
        (u128::from(self.version) << 64) | u128::from(self.value.0)
    }

    #[inline]
    fn unpack(word: u128) -> Self {
        SlotWord { value: Encoded(word as u64), version: (word >> 64) as u64 }
    }
}

/// One element cell: a 128-bit atomic `(value, version)`.
#[repr(transparent)]
pub(crate) struct Slot(AtomicU128);

impl Slot {
    /// Whether slot operations are lock-free here (a native 16-byte CAS).
    pub(crate) fn is_lock_free() -> bool {
        AtomicU128::is_lock_free()
    }

    #[inline]
    pub(crate) fn load(&self) -> SlotWord {
        SlotWord::unpack(self.0.load(Ordering::Acquire))
    }

    /// `CAS(self, expected, new)` on all 128 bits; true if this call wrote.
    #[inline]
    pub(crate) fn compare_exchange(&self, expected: SlotWord, new: SlotWord) -> bool {
        self.0.compare_exchange(expected.pack(), new.pack(), Ordering::AcqRel, Ordering::Acquire).is_ok()
    }
}

/// Bucket number and offset of index `i`.
#[inline]
pub(crate) fn locate(i: usize) -> (usize, usize) {
    debug_assert!(i < ADDRESSABLE_LEN);
    let pos = i + FIRST_BUCKET_SIZE;
    let hb = usize::BITS - 1 - pos.leading_zeros();
    ((hb - FIRST_BUCKET_BITS) as usize, pos ^ (1 << hb))
}

#[inline]
pub(crate) fn bucket_len(bucket: usize) -> usize {
    FIRST_BUCKET_SIZE << bucket
}

/// The bucket heads, allocated with the first bucket.
struct Table {
    heads: [AtomicPtr<Slot>; BUCKET_COUNT],
}

/// The bucket array. Owns every bucket it has installed.
pub(crate) struct Buckets {
    table: Lazy<Box<Table>>,
}

impl Buckets {
    pub(crate) fn new() -> Self {
        Buckets { table: Lazy::new() }
    }

    /// Bucket `b`'s head (null if not installed); the table must exist.
    ///
    /// # Safety
    ///
    /// 1. A bucket was installed, and that installation happens-before
    ///    this call (as [`Buckets::slot`]'s safety 1).
    #[inline]
    unsafe fn head(&self, b: usize) -> *mut Slot {
        match self.table.get() {
            Some(table) => table.heads[b].load(Ordering::Acquire),
            None => {
                debug_assert!(false, "no bucket is allocated");
                // SAFETY: safety 1: the table is installed before any
                // bucket, and visible to us.
                unsafe { core::hint::unreachable_unchecked() }
            }
        }
    }

    /// The slot of index `i`, which must already be allocated.
    ///
    /// # Safety
    ///
    /// 1. The bucket of `i` was installed (by [`Buckets::slot_or_alloc`] or
    ///    [`Buckets::ensure`]) and that installation happens-before this call
    ///    (for example: the installer published a descriptor with `Release`
    ///    after installing, and the caller loaded it with `Acquire`).
    #[inline]
    pub(crate) unsafe fn slot(&self, i: usize) -> &Slot {
        let (b, off) = locate(i);
        // SAFETY: heads 1 is our point 1.
        let head = unsafe { self.head(b) };
        debug_assert!(!head.is_null(), "bucket {b} of index {i} is not allocated");
        // SAFETY: by point 1 `head` is the start of a live allocation of
        // `bucket_len(b)` slots, which is only freed in `Drop` (needs
        // `&mut self`), and `off < bucket_len(b)` by construction of `locate`.
        unsafe { &*head.add(off) }
    }

    /// The slots of indices `start..start + len`, in order: one bucket
    /// lookup per bucket rather than per index (for batches).
    ///
    /// # Safety
    ///
    /// 1. As [`Buckets::slot`]'s safety 1, for every index of the range.
    #[inline]
    pub(crate) unsafe fn slots(&self, start: usize, len: usize) -> impl Iterator<Item = &Slot> {
        let (mut b, mut off) = locate(start);
        let mut head = if len > 0 {
            // SAFETY: head 1 is our point 1 (a range of at least one index
            // has an installed bucket).
            unsafe { self.head(b) }
        } else {
            ptr::null_mut()
        };
        (0..len).map(move |_| {
            if off == bucket_len(b) {
                b += 1;
                off = 0;
                // SAFETY: head 1 is our point 1.
                head = unsafe { self.head(b) };
            }
            debug_assert!(!head.is_null(), "bucket {b} is not allocated");
            // SAFETY: point 1: `head` is a live bucket of `bucket_len(b)`
            // slots, freed only in `Drop`, and `off < bucket_len(b)`.
            let slot = unsafe { &*head.add(off) };
            off += 1;
            slot
        })
    }

    /// The slot of index `i`, allocating its bucket if needed. Returns the
    /// number of bytes this call allocated and kept (0 if the bucket existed
    /// or another thread won the race).
    pub(crate) fn slot_or_alloc(&self, i: usize) -> (&Slot, usize) {
        let (b, off) = locate(i);
        let (table, table_bytes) = self.table_or_alloc();
        let (head, bytes) = match bucket_or_alloc(table, b) {
            Ok((head, bytes)) => (head, bytes + table_bytes),
            Err(e) => panic!("SecVec: cannot allocate the bucket of index {i}: {e}"),
        };
        // SAFETY: `head` is a live bucket of `bucket_len(b)` slots, freed
        // only in `Drop`; `off < bucket_len(b)`.
        (unsafe { &*head.add(off) }, bytes)
    }

    /// Allocates every bucket needed for indices `0..len`: all of them or
    /// none. Returns the bytes this call allocated and kept, and the error
    /// if an allocation failed (a bucket too large to exist, or refused by
    /// the allocator); then the buckets this call had allocated are freed
    /// again, and nothing is kept.
    ///
    /// Buckets are zeroed by the allocator (`alloc_zeroed`: fresh pages
    /// from the kernel are not touched), so reserving memory does not make
    /// it resident. They double in size, so the buckets for `len` slots
    /// may hold up to about twice as many.
    pub(crate) fn ensure(&self, len: usize) -> (usize, Result<(), TryReserveError>) {
        if len == 0 {
            return (0, Ok(()));
        }
        let (last, _) = locate(len - 1);
        // All buckets up to `last` together: more bytes than an allocation
        // can have (`isize::MAX`) is `Vec`'s "capacity overflow", reported
        // before anything is allocated.
        let slots = ((FIRST_BUCKET_SIZE as u128) << (last + 1)) - FIRST_BUCKET_SIZE as u128;
        if slots * core::mem::size_of::<Slot>() as u128 > isize::MAX as u128 {
            let overflow = Vec::<Slot>::new().try_reserve_exact(usize::MAX).expect_err("always too large");
            return (0, Err(overflow));
        }
        let (table, mut kept) = self.table_or_alloc();
        // First allocate every missing bucket, installing none: a failure
        // then frees them all, and no other thread can have seen them.
        let mut fresh: Vec<(usize, *mut Slot)> = Vec::new();
        for b in 0..=last {
            if !table.heads[b].load(Ordering::Acquire).is_null() {
                continue;
            }
            match alloc_bucket(b) {
                Ok(head) => fresh.push((b, head)),
                Err(e) => {
                    for (b, head) in fresh {
                        // SAFETY: allocated by `alloc_bucket(b)` above and
                        // never shared.
                        unsafe { free_bucket(head, b) };
                    }
                    return (kept, Err(e));
                }
            }
        }
        for (b, head) in fresh {
            kept += install_bucket(table, b, head).1;
        }
        (kept, Ok(()))
    }

    /// The bucket heads, allocated if needed, and the bytes this call
    /// allocated and kept for them.
    fn table_or_alloc(&self) -> (&Table, usize) {
        let (table, made) = self.table.get_or_init(|| {
            Box::new(Table { heads: core::array::from_fn(|_| AtomicPtr::new(ptr::null_mut())) })
        });
        (table, if made { core::mem::size_of::<Table>() } else { 0 })
    }
}

/// Bucket `b`'s head, allocating the bucket if needed, and the bytes this
/// call allocated and kept.
fn bucket_or_alloc(table: &Table, b: usize) -> Result<(*mut Slot, usize), TryReserveError> {
    let head = table.heads[b].load(Ordering::Acquire);
    if !head.is_null() {
        return Ok((head, 0));
    }
    Ok(install_bucket(table, b, alloc_bucket(b)?))
}

/// Installs `fresh` (from [`alloc_bucket`]`(b)`, never shared) as bucket
/// `b`, unless another thread installed one first: then `fresh` is freed.
/// Returns the bucket's head and the bytes this call kept.
fn install_bucket(table: &Table, b: usize, fresh: *mut Slot) -> (*mut Slot, usize) {
    match table.heads[b].compare_exchange(ptr::null_mut(), fresh, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => (fresh, bucket_bytes(b)),
        Err(winner) => {
            // SAFETY: from `alloc_bucket(b)` and never shared (the CAS
            // failed).
            unsafe { free_bucket(fresh, b) };
            (winner, 0)
        }
    }
}

/// The layout of bucket `b`, or the error `Vec::try_reserve` gives for
/// one too large to exist.
fn bucket_layout(b: usize) -> Result<Layout, TryReserveError> {
    Layout::array::<Slot>(bucket_len(b))
        .map_err(|_| Vec::<Slot>::new().try_reserve_exact(usize::MAX).expect_err("always too large"))
}

/// The bytes of bucket `b` (which was allocated, so its size exists).
fn bucket_bytes(b: usize) -> usize {
    bucket_len(b) * core::mem::size_of::<Slot>()
}

/// A new bucket `b` of zeroed slots (each `SlotWord::EMPTY`).
///
/// Fallible, like `Vec::try_reserve`: the last buckets are larger than any
/// address space, and a refused allocation is an error to report, not a
/// reason to abort the process. Zeroed by the allocator: a large bucket
/// comes from fresh pages that stay untouched until used.
fn alloc_bucket(b: usize) -> Result<*mut Slot, TryReserveError> {
    let layout = bucket_layout(b)?;
    #[cfg(not(loom))]
    {
        loop {
            // SAFETY: a bucket has at least `FIRST_BUCKET_SIZE` slots: the
            // layout's size is not zero.
            let head = unsafe { std::alloc::alloc_zeroed(layout) }.cast::<Slot>();
            if !head.is_null() {
                // An all-zero `AtomicU128` (same layout as `u128`) is the
                // word 0: `SlotWord::EMPTY`.
                return Ok(head);
            }
            // The allocator refused: ask again as `Vec` does, for the error
            // it reports (should that succeed, memory was freed meanwhile:
            // the vector is dropped at once and we try again).
            Vec::<Slot>::new().try_reserve_exact(bucket_len(b))?;
        }
    }
    #[cfg(loom)]
    {
        // loom's stand-in is a loom `Mutex`, which zero bytes are not.
        let _ = layout;
        let fresh: Box<[Slot]> = (0..bucket_len(b)).map(|_| Slot(AtomicU128::new(0))).collect();
        Ok(Box::into_raw(fresh).cast::<Slot>())
    }
}

/// Frees bucket `b`.
///
/// # Safety
///
/// 1. `head` came from [`alloc_bucket`]`(b)`, is freed once, and nothing
///    uses its slots any more.
unsafe fn free_bucket(head: *mut Slot, b: usize) {
    // SAFETY: point 1: a `Box<[Slot]>`'s allocation of `bucket_len(b)`
    // slots (under loom), or one from the global allocator with the layout
    // `bucket_layout(b)`, which is the same `Layout::array`; dropping the
    // slots does nothing beyond freeing (an `AtomicU128` has no destructor;
    // loom's stand-in frees its model state).
    drop(unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(head, bucket_len(b))) });
}

impl Drop for Buckets {
    fn drop(&mut self) {
        let Some(mut table) = self.table.take() else { return };
        // Defect 5 ([`crate::algorithm`]): free every installed bucket with
        // the length of *its own* index, wherever the gaps are.
        for (b, head) in table.heads.iter_mut().enumerate() {
            let p = head.load(Ordering::Relaxed);
            if !p.is_null() {
                // SAFETY: every non-null head was installed from
                // `alloc_bucket(b)` (`install_bucket`), once, and `&mut self`
                // means no one else can reach it any more.
                unsafe { free_bucket(p, b) };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_matches_the_bucket_sizes() {
        // Walk the first buckets index by index and check that the mapping
        // enumerates each bucket densely, in order.
        let mut i = 0;
        for b in 0..6 {
            for off in 0..bucket_len(b) {
                assert_eq!(locate(i), (b, off), "index {i}");
                i += 1;
            }
        }
        assert_eq!(locate(7), (0, 7));
        assert_eq!(locate(8), (1, 0));
        assert_eq!(locate(23), (1, 15));
        assert_eq!(locate(24), (2, 0));
    }

    #[test]
    fn the_last_addressable_index_is_in_the_last_bucket() {
        let (b, off) = locate(ADDRESSABLE_LEN - 1);
        assert_eq!(b, BUCKET_COUNT - 1);
        assert_eq!(off, bucket_len(b) - 1);
    }

    #[test]
    fn slot_word_round_trips() {
        let w = SlotWord { value: Encoded(0xDEAD_BEEF_0000_0001), version: u64::MAX - 3 };
        assert_eq!(SlotWord::unpack(w.pack()), w);
    }
}
