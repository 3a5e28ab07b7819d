//! A box or an `Arc` allocated by its first user: what an empty vector
//! does not pay for (its home block, the bucket table, the exchange slot)
//! until it needs it.
//!
//! Any number of threads may race to fill an empty [`LazyBox`] or
//! [`LazyArc`]: each
//! allocates its own value and tries `CAS(null -> its own)`; the loser
//! frees its allocation and uses the winner's. The value is never replaced
//! or freed before the `LazyBox` is dropped, so a reference handed out
//! lives as long as `&self`. The pointer is one of the algorithm's atomics
//! (`crate::sync`), so the loom suite explores the race.

use crate::sync::{AtomicPtr, Ordering};
use core::ptr;
use std::sync::Arc;

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

/// An `Arc<T>` that starts out empty and is filled once; this handle owns
/// one strong count of it.
pub(crate) struct LazyArc<T> {
    /// Null, or from `Arc::into_raw`.
    ptr: AtomicPtr<T>,
}

impl<T> LazyArc<T> {
    /// An empty handle (allocates nothing).
    pub(crate) fn new() -> Self {
        LazyArc { ptr: AtomicPtr::new(ptr::null_mut()) }
    }

    /// The value, if some thread has filled the handle.
    #[inline]
    pub(crate) fn get(&self) -> Option<&T> {
        let p = self.ptr.load(Ordering::Acquire);
        // SAFETY: a non-null pointer came from `Arc::into_raw` in `fill`
        // (its contents visible through the Acquire load), and our strong
        // count keeps it alive until `take` or `Drop`, which need `&mut`.
        (!p.is_null()).then(|| unsafe { &*p })
    }

    /// The value, made with `make` if the handle is still empty (as
    /// [`LazyBox::get_or_init`]).
    #[inline]
    pub(crate) fn get_or_init(&self, make: impl FnOnce() -> T) -> &T {
        match self.get() {
            Some(v) => v,
            None => self.fill(make()),
        }
    }

    #[cold]
    #[inline(never)]
    fn fill(&self, value: T) -> &T {
        let fresh = Arc::into_raw(Arc::new(value)).cast_mut();
        // Negative control, built only with `--cfg
        // secvec_defect="lazy_fill_store"`: a fill that stores instead of
        // compare-and-swapping, so two first users can each keep their own
        // value (the earlier one leaks). The loom suite must catch it
        // (`first_writes_race_to_make_the_home`).
        #[cfg(secvec_defect = "lazy_fill_store")]
        {
            self.ptr.store(fresh, Ordering::Release);
            // SAFETY: just published; leaked if overwritten, never freed
            // early.
            return unsafe { &*fresh };
        }
        #[cfg_attr(secvec_defect = "lazy_fill_store", allow(unreachable_code))]
        match self.ptr.compare_exchange(ptr::null_mut(), fresh, Ordering::AcqRel, Ordering::Acquire) {
            // SAFETY: just published; our strong count keeps it alive.
            Ok(_) => unsafe { &*fresh },
            Err(winner) => {
                // SAFETY: `fresh` came from `Arc::into_raw` above and was
                // never shared (the CAS failed): its only count goes.
                drop(unsafe { Arc::from_raw(fresh) });
                // SAFETY: the winner's, as in `get`.
                unsafe { &*winner }
            }
        }
    }

    /// Another strong count of the value, made with `make` if needed.
    #[cfg(feature = "accounting")] // for `SecVec::stats`
    pub(crate) fn clone_or_init(&self, make: impl FnOnce() -> T) -> Arc<T> {
        self.get_or_init(make);
        // The pointer itself, not one derived from the `&T` above: only it
        // may reach the `Arc`'s counts.
        let p = self.ptr.load(Ordering::Acquire);
        // SAFETY: `p` came from `Arc::into_raw` (filled just above) and our
        // own count keeps it alive while we add one for the caller, who
        // owns it.
        unsafe {
            Arc::increment_strong_count(p);
            Arc::from_raw(p)
        }
    }

    /// Our strong count, leaving the handle empty.
    pub(crate) fn take(&mut self) -> Option<Arc<T>> {
        let p = self.ptr.swap(ptr::null_mut(), Ordering::Relaxed);
        // SAFETY: from `Arc::into_raw`, with our count, handed over once
        // (the handle is empty afterwards).
        (!p.is_null()).then(|| unsafe { Arc::from_raw(p) })
    }
}

impl<T> Drop for LazyArc<T> {
    fn drop(&mut self) {
        drop(self.take());
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

    #[test]
    #[cfg(feature = "accounting")]
    fn an_arc_is_made_once_and_counted() {
        let mut a: LazyArc<u32> = LazyArc::new();
        assert!(a.get().is_none());
        assert_eq!(*a.get_or_init(|| 7), 7);
        let other = a.clone_or_init(|| 9);
        assert_eq!((*other, Arc::strong_count(&other)), (7, 2), "made once, one count each");
        let ours = a.take().expect("filled");
        assert!(a.get().is_none(), "empty once taken");
        drop(ours);
        assert_eq!(Arc::strong_count(&other), 1);
    }
}
