//! [`Ref`]: a guarded reference to one element, for types that are not
//! `Clone` or are costly to clone.

use crate::error::IndexOutOfBounds;
use crate::raw::Removed;
use crate::raw::element::{Element, Encoded, cell_ptr, is_inline};
use crate::reclaimer::Reclaimer;
use crate::vec::SecVec;
use core::marker::PhantomData;
use core::ops::Deref;

/// The bytes of an inline element, aligned for any inline type (all of
/// them are primitives of at most 8 bytes and alignment at most 8).
#[derive(Clone, Copy)]
#[repr(C, align(8))]
pub(crate) struct InlineValue(pub(crate) Encoded);

impl InlineValue {
    /// The inline `T` these elem hold.
    ///
    /// # Safety
    ///
    /// 1. `is_inline::<T>()` and the elem were packed from a `T` (so the
    ///    first `size_of::<T>()` bytes in memory are a valid `T`).
    #[inline]
    pub(crate) unsafe fn as_ref<T>(&self) -> &T {
        // SAFETY: point 1; `self` is 8-aligned and 8 bytes long, enough for
        // any inline type, and the packing put `T`'s bytes first in native
        // order, which is how the `u64` lies in memory.
        unsafe { &*(self as *const InlineValue).cast::<T>() }
    }
}

/// A reference to an element of a [`SecVec`](crate::SecVec) that keeps it
/// alive: returned by [`SecVec::get_ref`](crate::SecVec::get_ref) (the
/// element at an index) and [`SecVec::pop_ref`](crate::SecVec::pop_ref)
/// (the element just removed). It dereferences to `&T` without cloning.
///
/// While it lives, the element is not dropped even if another thread
/// removes it (it holds a reclaimer guard that protects the element's
/// cell), so keep it short: with epoch-style reclaimers it holds back all
/// reclamation, like a [`Pinned`](crate::Pinned) handle. It is not a lock:
/// the vector may change meanwhile, and the `Ref` keeps showing the element
/// it found. For inline element types (`u64`, ...) it holds a copy and no
/// guard.
///
/// It borrows the vector, and stays on its thread:
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
/// let v = SecVec::<String, Leak>::new();
/// v.push("a".to_string());
/// on_another_thread(v.get_ref(0)); // error: `Ref` is not `Send`
/// ```
pub struct Ref<'v, T: Element, R: Reclaimer> {
    inner: Inner<'v, T, R>,
    /// `!Send` and `!Sync` whatever the guard is: per-thread state behind
    /// it belongs to this thread.
    _not_send: PhantomData<*const ()>,
}

enum Inner<'v, T, R: Reclaimer> {
    /// A copy of an inline element.
    Inline(InlineValue),
    /// An element in a cell, protected by the guard's second protection.
    Cell { value: *const T, _guard: R::Guard<'v> },
}

impl<'v, T: Element, R: Reclaimer> Ref<'v, T, R> {
    /// A copy of an inline element.
    ///
    /// # Safety
    ///
    /// 1. `is_inline::<T>()` and `elem` were packed from a `T`.
    pub(crate) unsafe fn inline(elem: Encoded) -> Self {
        Ref { inner: Inner::Inline(InlineValue(elem)), _not_send: PhantomData }
    }

    /// An element in a cell.
    ///
    /// # Safety
    ///
    /// 1. `value` points into a cell that `guard` protects (its second protection)
    ///    and will keep protecting for as long as `guard` is not used
    ///    again: it is valid for reads and not mutated while the `Ref`
    ///    lives.
    pub(crate) unsafe fn cell(value: *const T, guard: R::Guard<'v>) -> Self {
        Ref { inner: Inner::Cell { value, _guard: guard }, _not_send: PhantomData }
    }
}

impl<T: Element, R: Reclaimer> Deref for Ref<'_, T, R> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        match &self.inner {
            // SAFETY: `inline`'s safety 1.
            Inner::Inline(elem) => unsafe { elem.as_ref::<T>() },
            // SAFETY: `cell`'s safety 1: the guard in `self` is never used
            // again, so its protection holds while `self` lives.
            Inner::Cell { value, .. } => unsafe { &**value },
        }
    }
}

impl<T: Element + core::fmt::Debug, R: Reclaimer> core::fmt::Debug for Ref<'_, T, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: Element + core::fmt::Display, R: Reclaimer> core::fmt::Display for Ref<'_, T, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: Element + PartialEq, R: Reclaimer> PartialEq<T> for Ref<'_, T, R> {
    fn eq(&self, other: &T) -> bool {
        **self == *other
    }
}

/// Zero-copy access, for any element type (no `Clone` needed).
impl<T: Element, R: Reclaimer> SecVec<T, R> {
    /// A reference to the element at `index`, or `None` if
    /// `index >= len()`. The element stays alive while the [`Ref`] lives,
    /// even if another thread removes it meanwhile.
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
    /// let v = SecVec::<String, Leak>::new();
    /// v.push("hello".to_string());
    /// let r = v.get_ref(0).unwrap();
    /// v.clear(); // removed, but `r` keeps it alive
    /// assert_eq!(r.len(), 5);
    /// assert!(v.get_ref(0).is_none());
    /// ```
    pub fn get_ref(&self, index: usize) -> Option<Ref<'_, T, R>> {
        if is_inline::<T>() {
            let elem = self.raw.with_guard(|g| self.raw.read(g, index))?;
            // SAFETY: inline elem are packed from a `T`.
            return Some(unsafe { Ref::inline(elem) });
        }
        let mut guard = self.raw.pin_guard();
        let elem = self.raw.read(&mut guard, index)?;
        // SAFETY: `read_in` left the cell protected by the guard, which
        // moves into the `Ref` and is never used again.
        Some(unsafe { Ref::cell(&raw const (*cell_ptr::<T>(elem)).value, guard) })
    }

    /// Removes the last element and returns a reference to it, or `None`
    /// if the vector is empty: a `pop` for element types that are not
    /// `Clone` (or costly to clone). The element is dropped by the
    /// reclaimer once the [`Ref`] and every other reader are done with it.
    pub fn pop_ref(&self) -> Option<Ref<'_, T, R>> {
        let mut guard = self.raw.pin_guard();
        // No elimination: an element from a push's offer would have to be
        // owned by the `Ref`, not protected.
        let Removed::Published(elem) = self.raw.pop_removed(&mut guard, false)? else {
            unreachable!("pop_removed without elimination")
        };
        // SAFETY: our descriptor removed it, and we retire it once.
        Some(unsafe { self.removed_ref(guard, elem) })
    }

    /// Replaces the element at `index` with `value` and returns a reference
    /// to the old one: [`set`](Self::set) for element types that are not
    /// `Clone`.
    ///
    /// # Errors
    ///
    /// [`IndexOutOfBounds`] if `index >= len()`; the vector is unchanged
    /// and `value` is dropped.
    pub fn set_ref(&self, index: usize, value: T) -> Result<Ref<'_, T, R>, IndexOutOfBounds> {
        let mut guard = self.raw.pin_guard();
        let old = self.raw.replace(&mut guard, index, value)?;
        // SAFETY: our descriptor replaced it and its write completed, and we
        // retire it once.
        Ok(unsafe { self.removed_ref(guard, old) })
    }

    /// Protects a just-removed element through `guard`, retires it, and
    /// returns the reference that keeps it alive.
    ///
    /// # Safety
    ///
    /// 1. As [`RawVec::retire_removed`](crate::raw::RawVec::retire_removed)'s safety 1, and `guard` is the
    ///    guard the removal ran with (it protected the descriptor the
    ///    element was read from).
    unsafe fn removed_ref<'v>(&'v self, mut guard: R::Guard<'v>, elem: Encoded) -> Ref<'v, T, R> {
        if is_inline::<T>() {
            // SAFETY: inline elem are packed from a `T`.
            return unsafe { Ref::inline(elem) };
        }
        let cell = cell_ptr::<T>(elem);
        // protect_second 1: read through the descriptor `guard` protected
        // during the removal; 2: we have not retired it yet (below), and
        // only we do.
        let protected = R::protect_second(&mut guard, cell, || true);
        assert!(protected, "a reclaimer refused a protection whose validation passed");
        // SAFETY: our safety 1; the guard is this vector's.
        unsafe { self.raw.retire_removed(&guard, elem) };
        // SAFETY: protected above, before it was retired, by the guard that
        // moves into the `Ref`.
        unsafe { Ref::cell(&raw const (*cell).value, guard) }
    }
}
