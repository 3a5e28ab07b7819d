//! Bulk writes: many elements appended, or removed, with one descriptor.
//!
//! A batch is one operation of the algorithm: one descriptor, one CAS on
//! `current`, one linearization point (that CAS), whatever its length. An
//! append announces its slot writes as a batch inside its descriptor
//! (`Writes::Many`); helpers complete all of them, each with the versioned
//! slot CAS of a single write, and `get` inside the range answers from the
//! descriptor while they are pending. The new indices are at or past the
//! old length, so no reader sees any of them before the CAS. A removal
//! (`truncate`, `pop_n`) writes no slot: it lowers the length, and retires
//! the removed elements' cells (read while the old state was current, as
//! `clear` does).

use crate::element::{Element, UnpublishedMany, is_inline};
use crate::error::{BatchCapacityError, panic_with};
use crate::reclaimer::Reclaimer;
use crate::vec::{SecVec, Step, Write};
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
        let owned = self.store_batch(self.len(), iter)?;
        self.with_guard(|g| self.extend_stored(g, owned))
    }

    /// [`try_extend_from_iter`](Self::try_extend_from_iter) through a
    /// guard the caller keeps (a handle's: the iterator runs under it).
    pub(crate) fn try_extend_in<I: IntoIterator<Item = T>>(
        &self,
        guard: &mut R::Guard<'_>,
        iter: I,
    ) -> Result<Range<usize>, BatchCapacityError<Vec<T>>> {
        let len = self.len_in(guard);
        let owned = self.store_batch(len, iter)?;
        self.extend_stored(guard, owned)
    }

    /// Stores the elements of `iter` for one batch, taking at most one more
    /// than fits next to `len`, a length the vector had during the call: a
    /// batch with more is refused, taking effect at the load that saw
    /// `len`, and the rest of the iterator is never consumed.
    fn store_batch<I: IntoIterator<Item = T>>(
        &self,
        len: usize,
        iter: I,
    ) -> Result<UnpublishedMany<'_, T>, BatchCapacityError<Vec<T>>> {
        let room = self.max_len - len;
        let owned = UnpublishedMany::new(iter.into_iter().take(room.saturating_add(1)), self.home());
        let taken = owned.bits().len();
        if taken > room {
            return Err(BatchCapacityError {
                values: owned.take(),
                additional: taken,
                len,
                max_len: self.max_len,
            });
        }
        Ok(owned)
    }

    /// Appends stored elements with one descriptor, or gives them back if
    /// they no longer fit.
    fn extend_stored(
        &self,
        guard: &mut R::Guard<'_>,
        owned: UnpublishedMany<'_, T>,
    ) -> Result<Range<usize>, BatchCapacityError<Vec<T>>> {
        let news = owned.bits();
        let n = news.len();
        let appended = self.transact(
            guard,
            |s| {
                if n == 0 {
                    // Nothing to install: the empty batch takes effect at
                    // the load that saw this length.
                    return Step::Done(Ok(s.size..s.size));
                }
                if n > self.max_len - s.size {
                    return Step::Done(Err(s.size));
                }
                let (bytes, allocated) = self.buckets.ensure(s.size + n);
                self.home().add_bucket_bytes(bytes);
                if let Err(e) = allocated {
                    panic!("SecVec: cannot allocate the slots of indices {}..{}: {e}", s.size, s.size + n);
                }
                Step::Install {
                    size: s.size + n,
                    write: Write::Batch { start: s.size, news },
                    out: Ok(s.size..s.size + n),
                }
            },
            |_, _| None,
        );
        match appended {
            Ok(range) => {
                owned.published();
                Ok(range)
            }
            Err(len) => {
                Err(BatchCapacityError { values: owned.take(), additional: n, len, max_len: self.max_len })
            }
        }
    }

    /// Removes the elements at `len..` in one step; nothing happens if the
    /// vector is not longer than `len`. One descriptor whatever the number
    /// removed; removed elements are dropped by the reclaimer once no
    /// reader can reach them (like popped ones).
    pub fn truncate(&self, len: usize) {
        self.with_guard(|g| self.truncate_in(g, len))
    }

    pub(crate) fn truncate_in(&self, guard: &mut R::Guard<'_>, len: usize) {
        let removed = self.remove_tail(guard, |size| size.saturating_sub(len), !is_inline::<T>());
        // SAFETY: our installed descriptor removed them all (read while its
        // predecessor was current, so they are that state's elements),
        // retired once, by this drop. The guard is this vector's.
        drop(unsafe { self.retiring(guard, removed.into_iter()) });
    }

    /// Removes the last `count(size)` elements (none if that is 0) with
    /// one descriptor; returns their slot values in index order if `read`.
    fn remove_tail(&self, guard: &mut R::Guard<'_>, count: impl Fn(usize) -> usize, read: bool) -> Vec<u64> {
        self.transact(
            guard,
            |s| match count(s.size) {
                0 => Step::Done(Vec::new()),
                k => Step::Install {
                    size: s.size - k,
                    write: Write::None,
                    // The values must be read while `s` is current: once our
                    // descriptor is installed, pushes may overwrite the slots.
                    out: if read {
                        // SAFETY: indices below `size`: buckets installed
                        // (slot safety 1).
                        (s.size - k..s.size).map(|i| unsafe { self.slot(i) }.load().value).collect()
                    } else {
                        Vec::new()
                    },
                },
            },
            |_, _| None,
        )
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
        self.with_guard(|g| self.pop_n_in(g, n))
    }

    pub(crate) fn pop_n_in(&self, guard: &mut R::Guard<'_>, n: usize) -> Vec<T> {
        let removed = self.remove_tail(guard, |size| n.min(size), true);
        // Retire every removed element, also those after a `clone` that
        // panics (the drop of `rest` retires what is left).
        // SAFETY: removed by our descriptor; each retired once, by
        // `then_retire` below or by the drop of `rest`.
        let mut rest = unsafe { self.retiring(&*guard, removed.into_iter()) };
        let mut out = Vec::with_capacity(rest.bits.len());
        for bits in rest.bits.by_ref() {
            // SAFETY: removed by our descriptor (then_retire 1), taken out
            // of `rest`, so retired once, here.
            out.push(unsafe { self.then_retire(rest.guard, bits, T::clone) });
        }
        out
    }
}
