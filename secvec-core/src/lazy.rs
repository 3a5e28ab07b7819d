//! A box allocated by its first user: what an empty vector does not pay
//! for (the bucket table, the exchange slot) until it needs it.
//!
//! Any number of threads may race to fill an empty [`LazyBox`]: each
//! allocates its own value and tries `CAS(null -> its own)`; the loser
//! frees its allocation and uses the winner's. The value is never replaced
//! or freed before the `LazyBox` is dropped, so a reference handed out
//! lives as long as `&self`. The pointer is one of the algorithm's atomics
//! (`crate::sync`), so the loom suite explores the race.

use crate::sync::{AtomicPtr, Ordering};
use core::ptr;

/// A `Box<T>` that starts out empty and is filled once.
pub(crate) struct LazyBox<T> {
    ptr: AtomicPtr<T>,
}

impl<T> LazyBox<T> {
    /// An empty box (allocates nothing).
    pub(crate) fn new() -> Self {
        LazyBox { ptr: AtomicPtr::new(ptr::null_mut()) }
    }

    /// The value, if some thread has filled the box (Acquire: the value's
    /// initialization happens-before the use).
    #[inline]
    pub(crate) fn get(&self) -> Option<&T> {
        let p = self.ptr.load(Ordering::Acquire);
        // SAFETY: a non-null pointer was published by `get_or_init` from a
        // `Box` (its contents visible through the Acquire load), and is
        // freed only in `Drop`, which needs `&mut self`.
        (!p.is_null()).then(|| unsafe { &*p })
    }

    /// The value, made with `make` if the box is still empty (by this
    /// thread or, if another thread wins the race, by that one), and
    /// whether this call's value is the one kept. `make` may run even when
    /// another thread's value is the one kept.
    #[inline]
    pub(crate) fn get_or_init(&self, make: impl FnOnce() -> T) -> (&T, bool) {
        match self.get() {
            Some(v) => (v, false),
            None => self.fill(make()),
        }
    }

    /// Installs `value` unless another thread filled the box first; true
    /// if this call's value is the one kept.
    #[cold]
    fn fill(&self, value: T) -> (&T, bool) {
        let fresh = Box::into_raw(Box::new(value));
        match self.ptr.compare_exchange(ptr::null_mut(), fresh, Ordering::AcqRel, Ordering::Acquire) {
            // SAFETY: just published from a `Box`, freed only in `Drop`.
            Ok(_) => (unsafe { &*fresh }, true),
            Err(winner) => {
                // SAFETY: `fresh` came from `Box::into_raw` above and was
                // never shared (the CAS failed).
                drop(unsafe { Box::from_raw(fresh) });
                // SAFETY: the winner's pointer, published from a `Box`
                // (seen through the Acquire failure ordering), freed only
                // in `Drop`.
                (unsafe { &*winner }, false)
            }
        }
    }

    /// The value, mutably (nobody else can reach it).
    pub(crate) fn get_mut(&mut self) -> Option<&mut T> {
        let p = self.ptr.load(Ordering::Relaxed);
        // SAFETY: as in `get`; `&mut self` excludes every other reference.
        (!p.is_null()).then(|| unsafe { &mut *p })
    }
}

impl<T> Drop for LazyBox<T> {
    fn drop(&mut self) {
        let p = self.ptr.load(Ordering::Relaxed);
        if !p.is_null() {
            // SAFETY: published from a `Box` by `fill`, freed once, here,
            // with no other reference left (`&mut self`).
            drop(unsafe { Box::from_raw(p) });
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn filled_once_and_kept() {
        let b: LazyBox<u32> = LazyBox::new();
        assert!(b.get().is_none());
        assert_eq!(b.get_or_init(|| 7), (&7, true));
        assert_eq!(b.get_or_init(|| 9), (&7, false), "made once");
        assert_eq!(b.get(), Some(&7));
    }

    #[test]
    fn racing_first_uses_keep_exactly_one_value() {
        let b: LazyBox<std::thread::ThreadId> = LazyBox::new();
        let won: usize = std::thread::scope(|s| {
            let hs: Vec<_> =
                (0..4).map(|_| s.spawn(|| b.get_or_init(|| std::thread::current().id()).1)).collect();
            hs.into_iter().map(|h| usize::from(h.join().unwrap())).sum()
        });
        assert_eq!(won, 1, "exactly one thread's value is kept");
        assert!(b.get().is_some());
    }
}
