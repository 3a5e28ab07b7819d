//! Pinned handles: one reclaimer guard kept for many operations.
//!
//! Every plain operation takes a guard and gives it back: hazard pointers
//! publish and fence, epochs pin, seize enters. A [`Pinned`] handle takes a
//! guard once ([`Reclaimer::pin`]) and runs each operation through it. It
//! is not a snapshot: each operation still loads the current descriptor,
//! sees other threads' writes, and is linearizable exactly as the plain
//! one (the same code runs, with a longer-lived guard). What the handle
//! changes is what the guard keeps from reclamation while it lives:
//!
//! * hazard pointers: the one descriptor last protected (bounded);
//! * epochs and seize: everything retired since the guard was pinned, by
//!   every thread, until [`Pinned::refresh`] or the drop. A handle held idle
//!   stops reclamation like any long-lived guard; long loops should call
//!   `refresh` every so often (papaya and flurry re-pin every ~1000
//!   operations).

use crate::error::{BatchCapacityError, CapacityError, IndexOutOfBounds, panic_with};
use crate::raw::element::{Element, Encoded, cell_ptr, is_inline};
use crate::reclaimer::Reclaimer;
use crate::reference::InlineValue;
use crate::vec::SecVec;
use core::marker::PhantomData;
use core::ops::Range;

/// A handle on a [`SecVec`] that keeps one reclaimer guard for all its
/// operations; see [`SecVec::pin`].
///
/// It borrows its vector (it cannot be used on another one, or outlive
/// it) and stays on the thread that made it:
///
/// ```compile_fail
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
/// fn on_another_thread<S: Send>(_: S) {}
/// let v = SecVec::<u64, Leak>::new();
/// on_another_thread(v.pin()); // error: `Pinned` is not `Send`
/// ```
pub struct Pinned<'v, T: Element, R: Reclaimer> {
    vec: &'v SecVec<T, R>,
    guard: R::Guard<'v>,
    /// The last inline element `get_ref` read (a reference into a slot
    /// would race with writers; a reference into the handle does not).
    scratch: InlineValue,
    /// `!Send` and `!Sync` whatever the guard is: per-thread state behind
    /// it belongs to this thread.
    _not_send: PhantomData<*const ()>,
}

impl<T: Element, R: Reclaimer> SecVec<T, R> {
    /// A handle that runs many operations under one reclaimer guard, for
    /// read loops and bursts of writes from one thread.
    ///
    /// Each operation through it reloads the vector's state, so it sees
    /// other threads' writes and is linearizable like the plain one; only
    /// the cost of protection is paid once. With epoch-style reclaimers
    /// (epoch, seize) a live handle stops reclamation of everything retired
    /// meanwhile: call [`Pinned::refresh`] in long loops, and do not keep
    /// a handle idle. With hazard pointers it keeps one descriptor.
    pub fn pin(&self) -> Pinned<'_, T, R> {
        Pinned {
            vec: self,
            guard: self.raw.pin_guard(),
            scratch: InlineValue(Encoded(0)),
            _not_send: PhantomData,
        }
    }
}

impl<'v, T: Element, R: Reclaimer> Pinned<'v, T, R> {
    /// The vector this handle operates on.
    pub fn vec(&self) -> &'v SecVec<T, R> {
        self.vec
    }

    /// [`SecVec::get_ref`] through this handle's guard: a reference to the
    /// element at `index`, valid until the handle is used again (for any
    /// element type; no clone, no guard of its own).
    #[inline]
    pub fn get_ref(&mut self, index: usize) -> Option<&T> {
        let elem = self.vec.raw.read(&mut self.guard, index)?;
        if is_inline::<T>() {
            self.scratch = InlineValue(elem);
            // SAFETY: inline elem are packed from a `T`.
            return Some(unsafe { self.scratch.as_ref::<T>() });
        }
        // SAFETY: `read_in` left the cell protected by the handle's guard,
        // which cannot be used again while the returned borrow of `self`
        // lives.
        Some(unsafe { &(*cell_ptr::<T>(elem)).value })
    }

    /// [`SecVec::len`] through this handle's guard.
    #[inline]
    pub fn len(&mut self) -> usize {
        self.vec.raw.len(&mut self.guard)
    }

    /// [`SecVec::is_empty`] through this handle's guard.
    #[inline]
    pub fn is_empty(&mut self) -> bool {
        self.len() == 0
    }

    /// [`SecVec::push`] through this handle's guard.
    ///
    /// # Panics
    ///
    /// If the vector already holds [`SecVec::max_len`] elements.
    #[track_caller]
    pub fn push(&mut self, value: T) -> usize {
        match self.try_push(value) {
            Ok(index) => index,
            Err(e) => panic_with(e),
        }
    }

    /// [`SecVec::try_push`] through this handle's guard.
    pub fn try_push(&mut self, value: T) -> Result<usize, CapacityError<T>> {
        self.vec.raw.try_push(&mut self.guard, value)
    }

    /// [`SecVec::clear`] through this handle's guard.
    pub fn clear(&mut self) {
        self.vec.raw.clear(&mut self.guard)
    }

    /// [`SecVec::extend_from_iter`] through this handle's guard.
    ///
    /// # Panics
    ///
    /// If the batch does not fit in a bounded vector (nothing is appended).
    #[track_caller]
    pub fn extend_from_iter<I: IntoIterator<Item = T>>(&mut self, iter: I) -> Range<usize> {
        match self.vec.raw.try_extend(&mut self.guard, iter) {
            Ok(range) => range,
            Err(e) => panic_with(e),
        }
    }

    /// [`SecVec::try_extend_from_iter`] through this handle's guard.
    pub fn try_extend_from_iter<I: IntoIterator<Item = T>>(
        &mut self,
        iter: I,
    ) -> Result<Range<usize>, BatchCapacityError<Vec<T>>> {
        self.vec.raw.try_extend(&mut self.guard, iter)
    }

    /// [`SecVec::truncate`] through this handle's guard.
    pub fn truncate(&mut self, len: usize) {
        self.vec.raw.truncate(&mut self.guard, len)
    }

    /// Lets reclamation advance: the guard protects nothing it protected
    /// before (epochs re-pin, seize refreshes, hazard pointers reset). Call
    /// it every so often in a long loop over an epoch or seize handle.
    pub fn refresh(&mut self) {
        R::refresh(&mut self.guard);
    }
}

/// The operations that return elements by value (cloned, as on
/// [`SecVec`]).
impl<'v, T: Element + Clone, R: Reclaimer> Pinned<'v, T, R> {
    /// [`SecVec::get`] through this handle's guard.
    #[inline]
    pub fn get(&mut self, index: usize) -> Option<T> {
        self.vec.raw.get(&mut self.guard, index)
    }

    /// [`SecVec::pop`] through this handle's guard.
    pub fn pop(&mut self) -> Option<T> {
        self.vec.raw.pop(&mut self.guard)
    }

    /// [`SecVec::set`] through this handle's guard.
    ///
    /// # Errors
    ///
    /// [`IndexOutOfBounds`] if `index >= len()`; the vector is unchanged.
    pub fn set(&mut self, index: usize, value: T) -> Result<T, IndexOutOfBounds> {
        self.vec.raw.set(&mut self.guard, index, value)
    }

    /// [`SecVec::extend_from_slice`] through this handle's guard.
    ///
    /// # Panics
    ///
    /// If the batch does not fit in a bounded vector (nothing is appended).
    #[track_caller]
    pub fn extend_from_slice(&mut self, values: &[T]) -> Range<usize> {
        self.extend_from_iter(values.iter().cloned())
    }

    /// [`SecVec::pop_n`] through this handle's guard.
    pub fn pop_n(&mut self, n: usize) -> Vec<T> {
        self.vec.raw.pop_n(&mut self.guard, n)
    }

    /// [`SecVec::to_vec`] through this handle's guard.
    pub fn to_vec(&mut self) -> Vec<T> {
        self.vec.raw.to_vec(&mut self.guard)
    }

    /// [`SecVec::iter`] through this handle's guard: one protection for the
    /// whole pass (with the same weak consistency as `SecVec::iter`).
    pub fn iter(&mut self) -> PinnedIter<'_, 'v, T, R> {
        PinnedIter { handle: self, next: 0 }
    }
}

impl<T: Element, R: Reclaimer> core::fmt::Debug for Pinned<'_, T, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pinned").finish_non_exhaustive()
    }
}

/// Iterator returned by [`Pinned::iter`].
pub struct PinnedIter<'h, 'v, T: Element, R: Reclaimer> {
    handle: &'h mut Pinned<'v, T, R>,
    next: usize,
}

impl<T: Element + Clone, R: Reclaimer> Iterator for PinnedIter<'_, '_, T, R> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        let v = self.handle.get(self.next)?;
        self.next += 1;
        Some(v)
    }
}

impl<T: Element, R: Reclaimer> core::fmt::Debug for PinnedIter<'_, '_, T, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PinnedIter").field("next", &self.next).finish_non_exhaustive()
    }
}
