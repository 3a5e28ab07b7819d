//! Errors of [`SecVec`](crate::SecVec) operations. Each names what was asked
//! and what the vector had, and gives back what it was handed.

use core::fmt;

/// An index at or past the end of the vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexOutOfBounds {
    /// The index asked for.
    pub index: usize,
    /// The length of the vector at the moment the operation took effect.
    pub len: usize,
}

impl fmt::Display for IndexOutOfBounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "index {} is out of bounds for a SecVec of length {}", self.index, self.len)
    }
}

impl std::error::Error for IndexOutOfBounds {}

/// A push onto a vector that already holds its maximum number of elements.
/// Carries the value back, so nothing is lost.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CapacityError<T> {
    /// The value that was not pushed.
    pub value: T,
    /// The vector's maximum length.
    pub max_len: usize,
}

impl<T> fmt::Debug for CapacityError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CapacityError").field("max_len", &self.max_len).finish_non_exhaustive()
    }
}

impl<T> fmt::Display for CapacityError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecVec capacity exhausted: it already holds its maximum of {} elements", self.max_len)
    }
}

impl<T> std::error::Error for CapacityError<T> {}

/// A batch (`extend_from_slice`, `extend_from_iter`) that does not fit in
/// a bounded vector: nothing of it was appended. Names the lengths, and
/// carries the values back when the batch owned them (`()` when they were
/// borrowed from a slice).
#[derive(Clone, PartialEq, Eq)]
pub struct BatchCapacityError<V = ()> {
    /// The values that were not appended (`()` for a slice, which the caller
    /// still has).
    pub values: V,
    /// How many elements the batch had. For an iterator, how many were
    /// taken from it: a batch is not consumed past its first element that
    /// does not fit, so this is then one more than had room.
    pub additional: usize,
    /// The vector's length when the batch was refused.
    pub len: usize,
    /// The vector's maximum length.
    pub max_len: usize,
}

impl<V> fmt::Debug for BatchCapacityError<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchCapacityError")
            .field("additional", &self.additional)
            .field("len", &self.len)
            .field("max_len", &self.max_len)
            .finish_non_exhaustive()
    }
}

impl<V> fmt::Display for BatchCapacityError<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SecVec capacity exhausted: {} more elements do not fit in a vector of length {} (its maximum is {})",
            self.additional, self.len, self.max_len
        )
    }
}

impl<V> std::error::Error for BatchCapacityError<V> {}

/// Panics with `error`'s message, after dropping what it gives back: a
/// value dropped while the panic unwinds would abort the process if its
/// own `Drop` panicked (std's `Vec::insert` has that trap). Dropped first,
/// such a `Drop` panic simply propagates instead.
#[track_caller]
pub(crate) fn panic_with(error: impl fmt::Display) -> ! {
    let message = error.to_string();
    drop(error);
    panic!("{message}")
}
