//! A `Box` or an `Arc` allocated by its first user: what an empty vector
//! does not pay for (its home block, the bucket table, the exchange board)
//! until it needs it.
//!
//! Any number of threads may race to fill an empty [`Lazy`]: each
//! allocates its own value and tries `CAS(null -> its own)`; the loser
//! frees its allocation and uses the winner's. The value is never replaced
//! or freed before the `Lazy` is dropped (or the value taken with `&mut`),
//! so a reference handed out lives as long as `&self`. The pointer is one
//! of the algorithm's atomics (`crate::sync`), so the loom suite explores
//! the race (`first_writes_race_to_make_the_home`).

use crate::sync::{AtomicPtr, Ordering};
use core::marker::PhantomData;
use core::ptr;
use std::sync::Arc;

/// An owning pointer that can travel as a raw pointer: `Box` or `Arc`.
///
/// # Safety
///
/// 1. `into_raw` returns a non-null pointer to a valid `Target`, which
///    stays valid until `from_raw` of that pointer rebuilds the owner and
///    drops it; `from_raw` accepts exactly the pointers `into_raw` made.
pub(crate) unsafe trait Owner {
    type Target;
    fn into_raw(this: Self) -> *mut Self::Target;
    /// # Safety
    ///
    /// 1. `p` came from `into_raw`, and is given back once.
    unsafe fn from_raw(p: *mut Self::Target) -> Self;
}

// SAFETY: `Box::into_raw`/`from_raw`: owner 1.
unsafe impl<T> Owner for Box<T> {
    type Target = T;
    fn into_raw(this: Self) -> *mut T {
        Box::into_raw(this)
    }
    unsafe fn from_raw(p: *mut T) -> Self {
        // SAFETY: from_raw 1.
        unsafe { Box::from_raw(p) }
    }
}

// SAFETY: `Arc::into_raw`/`from_raw` (one strong count travels): owner 1.
unsafe impl<T> Owner for Arc<T> {
    type Target = T;
    fn into_raw(this: Self) -> *mut T {
        Arc::into_raw(this).cast_mut()
    }
    unsafe fn from_raw(p: *mut T) -> Self {
        // SAFETY: from_raw 1.
        unsafe { Arc::from_raw(p) }
    }
}

/// A `P` (`Box<T>` or `Arc<T>`) that starts out empty and is filled once.
pub(crate) struct Lazy<P: Owner> {
    /// Null, or from `P::into_raw`.
    ptr: AtomicPtr<P::Target>,
    _owns: PhantomData<P>,
}

impl<P: Owner> Lazy<P> {
    /// An empty handle (allocates nothing).
    pub(crate) fn new() -> Self {
        Lazy { ptr: AtomicPtr::new(ptr::null_mut()), _owns: PhantomData }
    }

    /// The value, if some thread has filled the handle (Acquire: the
    /// value's initialization happens-before the use).
    #[inline]
    pub(crate) fn get(&self) -> Option<&P::Target> {
        let p = self.ptr.load(Ordering::Acquire);
        // SAFETY: a non-null pointer came from `P::into_raw` in `fill`
        // (its contents visible through the Acquire load), and we own it
        // until `take` or `Drop`, which need `&mut self`.
        (!p.is_null()).then(|| unsafe { &*p })
    }

    /// The value, made with `make` if the handle is still empty (by this
    /// thread or, if another thread wins the race, by that one), and
    /// whether this call's value is the one kept. `make` may run even when
    /// another thread's value is the one kept.
    #[inline]
    pub(crate) fn get_or_init(&self, make: impl FnOnce() -> P) -> (&P::Target, bool) {
        match self.get() {
            Some(v) => (v, false),
            None => self.fill(make()),
        }
    }

    #[cold]
    #[inline(never)]
    fn fill(&self, value: P) -> (&P::Target, bool) {
        let fresh = P::into_raw(value);
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
            return (unsafe { &*fresh }, true);
        }
        #[cfg_attr(secvec_defect = "lazy_fill_store", allow(unreachable_code))]
        match self.ptr.compare_exchange(ptr::null_mut(), fresh, Ordering::AcqRel, Ordering::Acquire) {
            // SAFETY: just published; ours until `take` or `Drop`.
            Ok(_) => (unsafe { &*fresh }, true),
            Err(winner) => {
                // SAFETY: `fresh` came from `into_raw` above and was never
                // shared (the CAS failed): given back once.
                drop(unsafe { P::from_raw(fresh) });
                // SAFETY: the winner's, as in `get`.
                (unsafe { &*winner }, false)
            }
        }
    }

    /// The value, leaving the handle empty.
    pub(crate) fn take(&mut self) -> Option<P> {
        let p = self.ptr.swap(ptr::null_mut(), Ordering::Relaxed);
        // SAFETY: from `into_raw`, handed over once (the handle is empty
        // afterwards); `&mut self` excludes every borrow of the value.
        (!p.is_null()).then(|| unsafe { P::from_raw(p) })
    }
}

impl<T> Lazy<Arc<T>> {
    /// Another strong count of the value, made with `make` if needed.
    #[cfg(feature = "accounting")] // for `SecVec::stats`
    pub(crate) fn clone_or_init(&self, make: impl FnOnce() -> Arc<T>) -> Arc<T> {
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
}

impl<P: Owner> Drop for Lazy<P> {
    fn drop(&mut self) {
        drop(self.take());
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn filled_once_and_kept() {
        let b: Lazy<Box<u32>> = Lazy::new();
        assert!(b.get().is_none());
        assert_eq!(b.get_or_init(|| Box::new(7)), (&7, true));
        assert_eq!(b.get_or_init(|| Box::new(9)), (&7, false), "made once");
        assert_eq!(b.get(), Some(&7));
    }

    #[test]
    fn racing_first_uses_keep_exactly_one_value() {
        let b: Lazy<Box<std::thread::ThreadId>> = Lazy::new();
        let won: usize = std::thread::scope(|s| {
            let hs: Vec<_> = (0..4)
                .map(|_| s.spawn(|| b.get_or_init(|| Box::new(std::thread::current().id())).1))
                .collect();
            hs.into_iter().map(|h| usize::from(h.join().unwrap())).sum()
        });
        assert_eq!(won, 1, "exactly one thread's value is kept");
        assert!(b.get().is_some());
    }

    #[test]
    #[cfg(feature = "accounting")]
    fn an_arc_is_made_once_and_counted() {
        let mut a: Lazy<Arc<u32>> = Lazy::new();
        assert!(a.get().is_none());
        assert_eq!(*a.get_or_init(|| Arc::new(7)).0, 7);
        let other = a.clone_or_init(|| Arc::new(9));
        assert_eq!((*other, Arc::strong_count(&other)), (7, 2), "made once, one count each");
        let ours = a.take().expect("filled");
        assert!(a.get().is_none(), "empty once taken");
        drop(ours);
        assert_eq!(Arc::strong_count(&other), 1);
    }
}
