//! Bulk writes: many elements appended, or removed, with one descriptor.
//!
//! A batch is one operation of the algorithm: one descriptor, one CAS on
//! `current`, one linearization point (that CAS), whatever its length (see
//! [`algorithm`](crate::algorithm)). An append announces its slot writes as
//! a batch inside its descriptor; helpers complete all of them, and `get`
//! inside the range answers from the descriptor while they are pending. A
//! removal (`truncate`, `pop_n`) writes no slot: it lowers the length, and
//! retires the removed elements' cells.

use crate::error::{BatchCapacityError, panic_with};
use crate::raw::element::Element;
use crate::reclaimer::Reclaimer;
use crate::vec::SecVec;
use core::ops::Range;

impl<T: Element, R: Reclaimer> SecVec<T, R> {
    /// Appends every element of `iter` atomically, after each other, and
    /// returns the range of indices they were written at: no thread sees
    /// part of the batch, and no other push lands inside it. One descriptor
    /// and one CAS on the vector for the whole batch (see
    /// [`extend_from_slice`](Self::extend_from_slice)).
    ///
    /// # Panics
    ///
    /// If the batch does not fit in a [`bounded`](Self::bounded) vector
    /// (nothing is appended; the message names the lengths).
    #[track_caller]
    pub fn extend_from_iter<I: IntoIterator<Item = T>>(&self, iter: I) -> Range<usize> {
        match self.try_extend_from_iter(iter) {
            Ok(range) => range,
            Err(e) => panic_with(e),
        }
    }

    /// Like [`extend_from_iter`](Self::extend_from_iter), but a batch that
    /// does not fit appends nothing and comes back in the error. The
    /// iterator is not consumed past the first element that does not fit
    /// (so an endless one is refused too); the error carries back what was
    /// taken from it.
    ///
    /// The iterator runs before the operation starts, outside any
    /// reclaimer guard: a slow or panicking iterator holds back no one's
    /// reclamation, and a panic in it appends nothing (the elements taken
    /// so far are dropped).
    pub fn try_extend_from_iter<I: IntoIterator<Item = T>>(
        &self,
        iter: I,
    ) -> Result<Range<usize>, BatchCapacityError<Vec<T>>> {
        let owned = self.raw.store_batch(self.len(), iter)?;
        self.raw.with_guard(|g| self.raw.extend_stored(g, owned))
    }

    /// Removes the elements at `len..` in one step; nothing happens if the
    /// vector is not longer than `len`. One descriptor whatever the number
    /// removed; removed elements are dropped by the reclaimer once no
    /// reader can reach them (like popped ones).
    pub fn truncate(&self, len: usize) {
        self.raw.with_guard(|g| self.raw.truncate(g, len))
    }
}

/// Batches that return or copy elements by value.
impl<T: Element + Clone, R: Reclaimer> SecVec<T, R> {
    /// Appends clones of `values` atomically and returns the range of
    /// indices they were written at.
    ///
    /// One descriptor and one CAS on the vector for the whole slice, where
    /// `push` pays one each per element: the batch takes effect at once
    /// (no reader sees part of it; the range is contiguous). An empty slice
    /// changes nothing and returns the empty range at the current length.
    ///
    /// ```
    /// # use secvec_core::SecVec;
    /// # struct Leak;
    /// # // SAFETY: nothing is ever freed; no per-thread state.
    /// # unsafe impl secvec_core::Reclaimer for Leak {
    /// #     type Domain = (); type Guard<'d> = ();
    /// #     fn new_domain() {} unsafe fn guard(_: &()) {} fn pin(_: &()) {} fn refresh(_: &mut ()) {}
    /// #     fn protect<T: Sync>(_: &mut (), s: &secvec_core::sync::AtomicPtr<T>) -> *mut T { s.load(std::sync::atomic::Ordering::Acquire) }
    /// #     fn protect_second<T: Sync>(_: &mut (), _: *mut T, _: impl FnOnce() -> bool) -> bool { true }
    /// #     unsafe fn retire<T: secvec_core::Retire>(_: &(), _: &(), _: *mut T) {}
    /// # }
    /// let v = SecVec::<u64, Leak>::bounded(5);
    /// assert_eq!(v.extend_from_slice(&[1, 2, 3]), 0..3);
    /// assert_eq!(v.pop_n(2), [2, 3]);
    /// let e = v.try_extend_from_slice(&[4, 5, 6, 7, 8]).unwrap_err();
    /// assert_eq!((e.additional, e.len, e.max_len), (5, 1, 5)); // nothing appended
    /// v.truncate(0);
    /// assert!(v.is_empty());
    /// ```
    ///
    /// # Panics
    ///
    /// If the batch does not fit in a [`bounded`](Self::bounded) vector
    /// (nothing is appended; the message names the lengths).
    #[track_caller]
    pub fn extend_from_slice(&self, values: &[T]) -> Range<usize> {
        match self.try_extend_from_slice(values) {
            Ok(range) => range,
            Err(e) => panic_with(e),
        }
    }

    /// Like [`extend_from_slice`](Self::extend_from_slice), but a batch that
    /// does not fit appends nothing and returns an error naming the lengths.
    pub fn try_extend_from_slice(&self, values: &[T]) -> Result<Range<usize>, BatchCapacityError> {
        self.try_extend_from_iter(values.iter().cloned()).map_err(|e| BatchCapacityError {
            values: (),
            additional: values.len(),
            len: e.len,
            max_len: e.max_len,
        })
    }

    /// Removes the last `n` elements (all of them if the vector is shorter)
    /// in one step, and returns them in index order: a batched `pop`. One
    /// descriptor whatever `n`; the originals are dropped by the reclaimer
    /// (clones are returned, as `pop` does).
    pub fn pop_n(&self, n: usize) -> Vec<T> {
        self.raw.with_guard(|g| self.raw.pop_n(g, n))
    }
}
