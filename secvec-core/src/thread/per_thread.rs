//! Per-thread values of one vector, for reclaimers that cache `!Send`
//! state per thread (a hazard pointer, an epoch registration).
//!
//! [`PerThread`] keeps one value per exclusive thread seat of the core's
//! thread registry (see `registry.rs`), so a value is never used by two
//! live threads, even while one of them runs its thread-local destructors
//! (the flaw of thread-id crates that reuse an id as soon as a thread's
//! first destructor has run). A thread that has no seat (more than 32
//! threads hold one, or it is being torn down) gets `None` and must take
//! the backend's uncached path.

use crate::thread::registry::{Lease, SEATS, current};
use core::marker::PhantomData;
use core::ptr;
use crossbeam_utils::CachePadded;
use std::sync::atomic::{AtomicPtr, Ordering::Acquire, Ordering::Relaxed, Ordering::Release};

/// One value of `T` per thread that uses it, created on first use.
///
/// `T` need not be `Send` or `Sync` in spirit: a value is only ever touched
/// by one thread at a time, and passes to another thread only after its
/// last user gave up its seat (through a mutex). `PerThread<T>` is `Sync`
/// when `T: Send`, like `thread_local::ThreadLocal`. Each value sits on its
/// own cache line. Values are dropped with the `PerThread`.
///
/// A value is created once per seat and handed on with it: a thread that
/// starts after another exited may find that thread's value (as with
/// `thread_local::ThreadLocal`), but two live threads never share one.
///
/// ```
/// use secvec_core::per_thread::PerThread;
/// use std::cell::Cell;
/// use std::sync::Barrier;
/// use std::thread::{self, ThreadId};
///
/// let owner = PerThread::<Cell<Option<ThreadId>>>::new();
/// let all_in = Barrier::new(4);
/// thread::scope(|s| {
///     for _ in 0..4 {
///         s.spawn(|| {
///             let me = thread::current().id();
///             owner.get_or(|| Cell::new(None)).expect("a seat").set(Some(me));
///             all_in.wait(); // four live threads, each with its own value
///             assert_eq!(owner.get_or(|| Cell::new(None)).unwrap().get(), Some(me));
///         });
///     }
/// });
/// ```
pub struct PerThread<T> {
    /// Seat `i`'s value, or null; read and written only by the owner of
    /// seat `i` (Relaxed is enough: ownership hand-over synchronizes).
    values: [AtomicPtr<CachePadded<T>>; SEATS],
    _owns: PhantomData<T>,
}

// SAFETY: value `i` is only accessed by the thread that owns seat `i` while
// it holds a `Lease` (`get_or`, through the `!Send` `ThreadEntry`) or for
// the length of a call (`get_or_briefly`), and seat ownership passes
// between threads with a happens-before edge (a mutex, see
// `registry.rs`); so a value is moved between threads (hence `T: Send`),
// and shared only through `iter`, which requires `T: Sync` itself. `Drop`
// needs `&mut self`.
unsafe impl<T: Send> Sync for PerThread<T> {}
// SAFETY: as above: sending the `PerThread` sends the values.
unsafe impl<T: Send> Send for PerThread<T> {}

impl<T> PerThread<T> {
    /// No values yet.
    pub fn new() -> Self {
        PerThread { values: [const { AtomicPtr::new(ptr::null_mut()) }; SEATS], _owns: PhantomData }
    }

    /// The calling thread's value, created with `init` on its first use; or
    /// `None` if the thread has no exclusive seat now (every seat is held by
    /// another live thread, or this thread is running its thread-local
    /// destructors). The returned entry keeps the value this thread's until
    /// it is dropped, wherever it is kept (even past the thread's other
    /// thread-local destructors).
    #[inline]
    pub fn get_or(&self, init: impl FnOnce() -> T) -> Option<ThreadEntry<'_, T>> {
        let lease = Lease::take()?;
        let value = self.value(lease.seat(), init);
        Some(ThreadEntry { value, _lease: lease })
    }

    /// As [`get_or`](Self::get_or), for a value used only until the caller
    /// returns: a plain reference that does not keep the thread's seat
    /// (cheaper), which nothing can take away meanwhile: a seat changes
    /// hands only after the thread's registration is destroyed, which
    /// cannot happen in the middle of the caller's call.
    ///
    /// # Safety
    ///
    /// The caller guarantees:
    ///
    /// 1. The reference is used only on this thread and only until the
    ///    current call returns to code the caller does not control: it is
    ///    never stored, leaked, or kept across a call that could run this
    ///    thread's thread-local destructors.
    #[inline]
    pub unsafe fn get_or_briefly(&self, init: impl FnOnce() -> T) -> Option<&T> {
        Some(self.value(current()?, init))
    }

    /// Seat `seat`'s value, which the calling thread owns (and keeps for as
    /// long as the caller uses the value: a lease, or `get_or_briefly`'s
    /// safety 1).
    #[inline]
    fn value(&self, seat: usize, init: impl FnOnce() -> T) -> &T {
        let cell = &self.values[seat];
        let mut p = cell.load(Relaxed);
        if p.is_null() {
            p = Self::install(cell, init);
        }
        // SAFETY: `p` is a live `Box` owned by `self` (freed only in `Drop`,
        // which needs `&mut self`, so not while the returned borrow of
        // `self` lives); only the owner of this seat accesses it, and only
        // through shared references (see the `Sync` impl).
        let padded: &CachePadded<T> = unsafe { &*p };
        padded
    }
}

impl<T: Sync> PerThread<T> {
    /// Every value created so far, from any thread (shared with their
    /// owners, hence `T: Sync`): for reading what threads recorded, such
    /// as per-thread counters.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.values.iter().filter_map(|v| {
            let p = v.load(Acquire);
            // SAFETY: a non-null value was published from a `Box` by
            // `value` (the Acquire load pairs with its Release store) and
            // is freed only in `Drop`, which needs `&mut self`; `T: Sync`
            // makes sharing it with its owner sound.
            (!p.is_null()).then(|| -> &T { unsafe { &*p } })
        })
    }
}

impl<T> PerThread<T> {
    /// Creates a seat's value (the slow path of [`value`](Self::value),
    /// out of line so that the fast path stays small).
    #[cold]
    #[inline(never)]
    fn install(cell: &AtomicPtr<CachePadded<T>>, init: impl FnOnce() -> T) -> *mut CachePadded<T> {
        let value = init();
        // `init` may have asked for this seat's value itself (re-entrantly)
        // and installed one, which may be in use by now: keep that one.
        let installed = cell.load(Relaxed);
        if !installed.is_null() {
            drop(value);
            return installed;
        }
        let p = Box::into_raw(Box::new(CachePadded::new(value)));
        // Release: `iter` may read the value from another thread.
        cell.store(p, Release);
        p
    }
}

impl<T> Default for PerThread<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Drop for PerThread<T> {
    fn drop(&mut self) {
        for cell in &mut self.values {
            let p = *cell.get_mut();
            if !p.is_null() {
                // SAFETY: allocated by `get_or` with `Box::into_raw`, freed
                // once, here; `&mut self`: no entry borrows it any more.
                drop(unsafe { Box::from_raw(p) });
            }
        }
    }
}

impl<T> core::fmt::Debug for PerThread<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let used = self.values.iter().filter(|v| !v.load(Relaxed).is_null()).count();
        f.debug_struct("PerThread").field("values", &used).finish()
    }
}

/// The calling thread's value in a [`PerThread`]: derefs to it, and keeps
/// it this thread's while it lives. Neither `Send` nor `Sync`.
pub struct ThreadEntry<'a, T> {
    value: &'a T,
    _lease: Lease,
}

impl<T> core::ops::Deref for ThreadEntry<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        self.value
    }
}

impl<T> core::fmt::Debug for ThreadEntry<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ThreadEntry").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    /// An `init` that asks for the same value again: one value is kept
    /// (the inner one, which the inner call already handed out), the
    /// outer one is dropped, and nothing leaks (Miri checks that).
    #[test]
    fn a_reentrant_init_keeps_one_value() {
        static DROPPED: AtomicUsize = AtomicUsize::new(0);
        struct Counted(u32);
        impl Drop for Counted {
            fn drop(&mut self) {
                DROPPED.fetch_add(1, Relaxed);
            }
        }
        let per = PerThread::<Counted>::new();
        let outer = per.get_or(|| {
            let inner = per.get_or(|| Counted(1)).expect("a seat");
            assert_eq!(inner.0, 1);
            Counted(2)
        });
        assert_eq!(outer.expect("a seat").0, 1, "the value installed first stays");
        assert_eq!(DROPPED.load(Relaxed), 1, "the outer value was dropped");
        drop(per);
        assert_eq!(DROPPED.load(Relaxed), 2);
    }
}
