//! The standard traits a collection is expected to have, for [`SecVec`]:
//! construction (`Default`, `FromIterator`, `From` a `Vec`, an array or a
//! slice), `Clone` as a snapshot copy, `Extend` as one batch, `Debug`, and
//! iteration by reference. Each is written in terms of public operations.
//!
//! Left out, as for other concurrent vectors: `PartialEq`, `Eq`, `Hash`,
//! `Ord` (two vectors that other threads change have no stable value to
//! compare: compare [`to_vec`](SecVec::to_vec) snapshots), `Index` (it
//! would return a reference that a concurrent `pop` or `set` could free:
//! use [`get_ref`](SecVec::get_ref)), and `IntoIterator` by value (an owned
//! vector can give its elements back with [`to_vec`](SecVec::to_vec) when
//! they are `Clone`; moving them out is not offered yet).

use crate::raw::element::Element;
use crate::reclaimer::Reclaimer;
use crate::vec::{Iter, SecVec};

impl<T: Element, R: Reclaimer> Default for SecVec<T, R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Element + core::fmt::Debug, R: Reclaimer> core::fmt::Debug for SecVec<T, R> {
    /// Lists the elements as a handle's [`get_ref`](crate::Pinned::get_ref)
    /// sees them, index after index (like [`iter`](SecVec::iter): not a
    /// snapshot), without cloning.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut list = f.debug_list();
        let mut handle = self.pin();
        let mut i = 0;
        while let Some(element) = handle.get_ref(i) {
            list.entry(element);
            i += 1;
        }
        list.finish()
    }
}

/// A copy of one [`to_vec`](SecVec::to_vec) snapshot, with the same
/// [`max_len`](SecVec::max_len), in a domain of its own (also when the
/// original is in a [`SharedDomain`](crate::SharedDomain): make the copy
/// with `new_in` and [`extend_from_slice`](SecVec::extend_from_slice) to
/// keep it there).
impl<T: Element + Clone, R: Reclaimer> Clone for SecVec<T, R> {
    fn clone(&self) -> Self {
        let copy = Self::bounded(self.max_len());
        // A snapshot is never longer than `max_len`: this cannot panic.
        copy.extend_from_iter(self.to_vec());
        copy
    }
}

/// One batch ([`SecVec::extend_from_iter`]): one descriptor for all of
/// them. Panics, appending nothing, if they do not fit in a bounded vector.
impl<T: Element, R: Reclaimer> Extend<T> for SecVec<T, R> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        self.extend_from_iter(iter);
    }
}

/// Copies, as one batch (like `Vec`'s, for `Copy` elements).
impl<'a, T: Element + Copy, R: Reclaimer> Extend<&'a T> for SecVec<T, R> {
    fn extend<I: IntoIterator<Item = &'a T>>(&mut self, iter: I) {
        self.extend_from_iter(iter.into_iter().copied());
    }
}

impl<T: Element, R: Reclaimer> FromIterator<T> for SecVec<T, R> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut v = Self::new();
        v.extend(iter);
        v
    }
}

/// Moves the elements in, as one batch.
impl<T: Element, R: Reclaimer> From<Vec<T>> for SecVec<T, R> {
    fn from(values: Vec<T>) -> Self {
        values.into_iter().collect()
    }
}

/// Moves the elements in, as one batch.
impl<T: Element, R: Reclaimer, const N: usize> From<[T; N]> for SecVec<T, R> {
    fn from(values: [T; N]) -> Self {
        values.into_iter().collect()
    }
}

/// Clones the elements in, as one batch.
impl<T: Element + Clone, R: Reclaimer> From<&[T]> for SecVec<T, R> {
    fn from(values: &[T]) -> Self {
        let v = Self::new();
        v.extend_from_slice(values);
        v
    }
}

/// [`SecVec::iter`]: clones of the elements, index after index (not a
/// snapshot).
impl<'a, T: Element + Clone, R: Reclaimer> IntoIterator for &'a SecVec<T, R> {
    type Item = T;
    type IntoIter = Iter<'a, T, R>;
    fn into_iter(self) -> Iter<'a, T, R> {
        self.iter()
    }
}
