//! [`SecVec`]: the public vector. Each method gives one operation of the
//! engine (`raw`) a reclaimer guard of its own; [`Pinned`](crate::Pinned)
//! runs the same operations through a guard it keeps.

use crate::error::{CapacityError, IndexOutOfBounds, panic_with};
#[cfg(feature = "accounting")]
use crate::mem::stats::Stats;
use crate::raw::RawVec;
use crate::raw::buckets::Slot;
use crate::raw::element::Element;
use crate::reclaimer::Reclaimer;
use crate::shared::SharedDomain;
use std::collections::TryReserveError;
use std::sync::Arc;

/// A lock-free vector of any `Send + Sync` element type, generic over its
/// memory reclamation scheme `R`.
///
/// Every operation takes `&self` and may run from any number of threads at
/// once; every operation is linearizable (the argument is in
/// [`algorithm`](crate::algorithm)). Primitive elements (`u64`, `f32`, `char`,
/// ...) live inline in their slots; every other type lives in a heap cell
/// per element (see [`is_inline`](crate::is_inline)). Reads by value
/// (`get`, `pop`, `set`, `to_vec`, `iter`) clone the element (a copy for
/// primitives); [`get_ref`](Self::get_ref) and [`pop_ref`](Self::pop_ref)
/// give a guarded reference instead, for any type.
///
/// Every element stored is dropped exactly once: a removed one (by `pop`,
/// `set`, `clear`) by the reclaimer once no reader can reach it, the rest
/// with the vector.
///
/// Use it through a backend crate (`reclaim-hazard`, `reclaim-epoch`, ...)
/// or the `secvec` facade, which fix `R`.
pub struct SecVec<T: Element, R: Reclaimer> {
    pub(crate) raw: RawVec<T, R>,
}

impl<T: Element, R: Reclaimer> SecVec<T, R> {
    /// An empty vector that can grow as far as the buckets can address.
    pub fn new() -> Self {
        Self::bounded(usize::MAX)
    }

    /// An empty vector with slots for `capacity` elements allocated up front.
    ///
    /// # Panics
    ///
    /// If the slots cannot be allocated (more bytes than can exist, or the
    /// allocator refuses), as [`reserve`](Self::reserve).
    #[track_caller]
    pub fn with_capacity(capacity: usize) -> Self {
        let v = Self::new();
        v.reserve(capacity);
        v
    }

    /// An empty vector that refuses to grow beyond `max_len` elements:
    /// [`push`](Self::push) panics and [`try_push`](Self::try_push) returns
    /// [`CapacityError`] at that length. (`max_len` is clamped to what the
    /// buckets can address, `usize::MAX - 7`.)
    pub fn bounded(max_len: usize) -> Self {
        SecVec { raw: RawVec::new(max_len, Arc::new(R::new_domain()), false) }
    }

    /// An empty vector in `domain`, shared with the other vectors made in
    /// it (see [`SharedDomain`] for what changes).
    pub fn new_in(domain: &SharedDomain<R>) -> Self {
        Self::bounded_in(usize::MAX, domain)
    }

    /// [`bounded`](Self::bounded), in a shared domain.
    pub fn bounded_in(max_len: usize, domain: &SharedDomain<R>) -> Self {
        SecVec { raw: RawVec::new(max_len, Arc::clone(&domain.0), true) }
    }

    /// The largest length this vector accepts.
    pub fn max_len(&self) -> usize {
        self.raw.max_len()
    }

    /// Whether every operation of this vector is lock-free on this machine.
    ///
    /// The slots are 16-byte atomics. On x86_64 with `cmpxchg16b` (every
    /// x86_64 CPU since about 2008; detected at run time unless the build
    /// enables the feature), aarch64, powerpc64 and s390x they are native
    /// instructions; elsewhere (32-bit targets, old x86_64 CPUs) the
    /// `portable-atomic` crate falls back to a global table of locks, and
    /// the vector is then correct but not lock-free. The reclaimer's own
    /// progress (hazard pointers, epochs) is not part of this answer.
    pub fn is_lock_free() -> bool {
        Slot::is_lock_free()
    }

    /// The accounting of this vector; the handle outlives the vector.
    /// (Only with the `accounting` feature: without it nothing is counted,
    /// and there is nothing to read.)
    #[cfg(feature = "accounting")]
    pub fn stats(&self) -> Stats {
        self.raw.stats()
    }

    /// Appends `value` and returns the index it was written at.
    ///
    /// # Panics
    ///
    /// If the vector already holds [`max_len`](Self::max_len) elements
    /// (the value is dropped first).
    #[track_caller]
    pub fn push(&self, value: T) -> usize {
        match self.try_push(value) {
            Ok(index) => index,
            Err(e) => panic_with(e),
        }
    }

    /// Appends `value` and returns the index it was written at, or gives the
    /// value back if the vector is full.
    pub fn try_push(&self, value: T) -> Result<usize, CapacityError<T>> {
        self.raw.with_guard(|g| self.raw.try_push(g, value))
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.raw.with_guard(|g| self.raw.len(g))
    }

    /// Whether the vector is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes every element (one linearizable step; slots stay allocated).
    /// Removed elements are dropped by the reclaimer once no reader can
    /// reach them.
    pub fn clear(&self) {
        self.raw.with_guard(|g| self.raw.clear(g))
    }

    /// Allocates slots so that `len() + additional` elements (at most
    /// [`max_len`](Self::max_len)) fit without allocating in `push`.
    ///
    /// # Panics
    ///
    /// If the slots cannot be allocated: their size exceeds what can exist
    /// (`isize::MAX` bytes, like `Vec`'s "capacity overflow"), or the
    /// allocator refuses. [`try_reserve`](Self::try_reserve) returns the
    /// error instead. Either way the vector's contents are unchanged.
    #[track_caller]
    pub fn reserve(&self, additional: usize) {
        if let Err(e) = self.try_reserve(additional) {
            panic!("SecVec::reserve({additional}) with {} elements: {e}", self.len());
        }
    }

    /// Like [`reserve`](Self::reserve), but returns an error instead of
    /// panicking when the slots cannot be allocated; then nothing of the
    /// request is kept, and the contents are unchanged.
    ///
    /// Slots are zeroed by the allocator, so a large reservation takes
    /// fresh pages that become resident only as elements are written (as
    /// with `Vec::try_reserve`). Buckets double in size: the slots
    /// reserved for `n` elements may hold up to about twice as many.
    pub fn try_reserve(&self, additional: usize) -> Result<(), TryReserveError> {
        self.raw.try_reserve(self.len(), additional)
    }
}

/// The operations that return elements by value: they clone the element
/// (under protection, before a removed one is retired). For the primitive
/// types stored inline, that is a copy.
impl<T: Element + Clone, R: Reclaimer> SecVec<T, R> {
    /// Removes the last element and returns it, or `None` if the vector is
    /// empty.
    ///
    /// The element is removed and a clone returned; the original is dropped
    /// by the reclaimer once no reader can reach it. If `T::clone` panics,
    /// the element stays removed (the panic propagates; the original is
    /// still dropped later). [`pop_ref`](Self::pop_ref) needs no `Clone`.
    pub fn pop(&self) -> Option<T> {
        self.raw.with_guard(|g| self.raw.pop(g))
    }

    /// A clone of the element at `index`, or `None` if `index >= len()`.
    /// ([`get_ref`](Self::get_ref) reads it without cloning.)
    pub fn get(&self, index: usize) -> Option<T> {
        self.raw.with_guard(|g| self.raw.get(g, index))
    }

    /// Replaces the element at `index` and returns (a clone of) the old one.
    /// The old element is dropped by the reclaimer once no reader can reach
    /// it; if `T::clone` panics, the replacement has happened (the panic
    /// propagates).
    ///
    /// # Errors
    ///
    /// [`IndexOutOfBounds`] (naming `index` and the length) if
    /// `index >= len()`; the vector is unchanged and `value` is dropped.
    pub fn set(&self, index: usize, value: T) -> Result<T, IndexOutOfBounds> {
        self.raw.with_guard(|g| self.raw.set(g, index, value))
    }

    /// A consistent copy of the whole vector at one instant.
    ///
    /// It reads every element, then checks that no operation was installed
    /// meanwhile, and retries otherwise: under a constant stream of writers
    /// on a long vector it may retry many times. [`iter`](Self::iter) never
    /// retries but is not a snapshot.
    pub fn to_vec(&self) -> Vec<T> {
        self.raw.with_guard(|g| self.raw.to_vec(g))
    }

    /// An iterator that yields `get(0)`, `get(1)`, ... until the first index
    /// that is out of range when it is reached.
    ///
    /// Safe to use while other threads push, pop and set. Each element it
    /// yields was the value at that index at some moment during that `next`
    /// call; the sequence as a whole is not a snapshot (it may see a push
    /// made after it started, miss an element popped and pushed back, or
    /// stop early after a pop). Use [`to_vec`](Self::to_vec) for a snapshot.
    pub fn iter(&self) -> Iter<'_, T, R> {
        Iter { vec: self, next: 0 }
    }
}

/// A panic inside an operation (a `Clone` of an element, an allocation
/// failure) leaves the vector consistent: every operation either took
/// effect or did not, and loses no element. So a vector is as unwind-safe
/// as its elements.
impl<T: Element + core::panic::RefUnwindSafe, R: Reclaimer> core::panic::RefUnwindSafe for SecVec<T, R> {}
/// As for `RefUnwindSafe`.
impl<T: Element + core::panic::UnwindSafe, R: Reclaimer> core::panic::UnwindSafe for SecVec<T, R> {}

/// Iterator returned by [`SecVec::iter`]; see there for what it sees.
pub struct Iter<'a, T: Element, R: Reclaimer> {
    vec: &'a SecVec<T, R>,
    next: usize,
}

impl<T: Element + Clone, R: Reclaimer> Iterator for Iter<'_, T, R> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        let v = self.vec.get(self.next)?;
        self.next += 1;
        Some(v)
    }
}

impl<T: Element, R: Reclaimer> core::fmt::Debug for Iter<'_, T, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Iter").field("next", &self.next).finish_non_exhaustive()
    }
}
