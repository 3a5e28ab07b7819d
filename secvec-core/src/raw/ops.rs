//! The operations of the engine, each run through a reclaimer guard that
//! the caller supplies: the public types call these with a guard of their
//! own for one call ([`RawVec::with_guard`]) or a handle's. Each is one
//! [`transact`](RawVec::transact) (or a read), plus what it must do with
//! the elements it stores, removes or clones, in the order that keeps
//! every element owned by exactly one party at every point where user
//! code may unwind.

use super::combining::{self, Announced, FORCE_COMBINING, Outcome};
use super::descriptor::{Descriptor, PendingWrite, State, Writes};
use super::element::{
    Element, Encoded, UnpublishedMany, cell_ptr, encode, is_inline, read_inline, take_unpublished,
};
use super::{RawVec, Removed, Step, Write, reads_from_batch, still_current};
use crate::error::{BatchCapacityError, CapacityError, IndexOutOfBounds};
use crate::mem::counters::Event;
use crate::reclaimer::Reclaimer;
use core::ops::Range;
use crossbeam_utils::Backoff;
use std::collections::TryReserveError;

/// Removed elements still to retire: see [`RawVec::retire_on_drop`].
pub(crate) struct RetireOnDrop<'a, 'g, T: Element, R: Reclaimer, I: Iterator<Item = Encoded>> {
    vec: &'a RawVec<T, R>,
    pub(crate) guard: &'a R::Guard<'g>,
    pub(crate) elem: I,
}

impl<T: Element, R: Reclaimer, I: Iterator<Item = Encoded>> Drop for RetireOnDrop<'_, '_, T, R, I> {
    fn drop(&mut self) {
        for elem in self.elem.by_ref() {
            // SAFETY: `retire_on_drop`'s safety: removed by the caller's
            // operation, and retired once (the iterator yields it once).
            unsafe { self.vec.retire_removed(self.guard, elem) };
        }
    }
}

/// What one push remembers between attempts about its shortcuts
/// ([`RawVec::push_shortcut`]).
pub(crate) struct Shortcut {
    /// It announced its element (once at most).
    announced: bool,
    /// A cancelled claim on its element, on the state with this sequence
    /// number, still to resolve (combining.rs, step 5).
    pending: Option<(Announced, u64)>,
}

impl<T: Element, R: Reclaimer> RawVec<T, R> {
    #[inline]
    pub(crate) fn try_push(&self, guard: &mut R::Guard<'_>, value: T) -> Result<usize, CapacityError<T>> {
        let new = encode(value, self.home(), self.birth_era());
        let elem = new.encoded();
        let mut shortcut = Shortcut { announced: false, pending: None };
        let pushed = self.transact(
            guard,
            |s| {
                if s.size >= self.max_len {
                    return Step::Done(Err(self.max_len));
                }
                let (slot, bytes) = self.buckets.slot_or_alloc(s.size);
                self.home().add_bucket_bytes(bytes);
                Step::Install {
                    size: s.size + 1,
                    write: Write::Push(PendingWrite { index: s.size, old: slot.load(), new: elem }),
                    out: Ok(s.size),
                }
            },
            |s, cur, contended| {
                if combining::ENABLED {
                    if !(contended || FORCE_COMBINING || shortcut.pending.is_some()) {
                        return None;
                    }
                    return self.push_shortcut(&mut shortcut, elem, s, cur, contended);
                }
                // Without combining, only elimination: after a lost CAS,
                // offer the value to a concurrent pop (push_shortcut).
                (contended && s.size < self.max_len && self.exchanger.offer(elem, s.seq))
                    .then_some(Ok(s.size))
            },
        );
        if let Some((a, _)) = shortcut.pending.filter(|_| combining::ENABLED) {
            // Our own descriptor was installed on the state the claim was
            // made on, so the claim's never will be.
            debug_assert!(pushed.is_ok(), "a claimed push has room on the state it was claimed on");
            self.board.dismiss(a);
        }
        match pushed {
            Ok(index) => {
                // Published in a descriptor (ours or a combiner's), or
                // handed to a pop.
                new.published();
                Ok(index)
            }
            Err(max_len) => Err(CapacityError { value: new.take(), max_len }),
        }
    }

    /// The ways a push may end without its own descriptor, tried on an
    /// attempt with state `s` (protected as `cur`) after a lost CAS
    /// (`contended`), or while a cancelled claim is pending: a pop takes
    /// the element through the exchanger (elimination.rs), or another push
    /// carries it (combining.rs). `Some(Ok(index))` if one did.
    #[cold]
    #[inline(never)]
    fn push_shortcut(
        &self,
        shortcut: &mut Shortcut,
        elem: Encoded,
        s: &State,
        cur: *mut Descriptor,
        contended: bool,
    ) -> Option<Result<usize, usize>> {
        if let Some((a, claimed_on)) = shortcut.pending {
            if s.seq <= claimed_on {
                // The claim may still be installed: push (only one of the
                // two descriptors built on `claimed_on` can be), but offer
                // the element to no pop.
                return None;
            }
            shortcut.pending = None;
            if let Some(index) = self.board.resolve(a) {
                self.home().count(Event::Combined);
                return Some(Ok(index));
            }
            // The claim was never installed: the element is ours.
        }
        if !(contended || FORCE_COMBINING) || s.size >= self.max_len {
            return None;
        }
        // After a lost CAS, offer the value to a concurrent pop: if one
        // takes it, the pair took effect while `s` was current, this push
        // at index `s.size` (elimination.rs).
        if contended && self.exchanger.offer(elem, s.seq) {
            return Some(Ok(s.size));
        }
        if !combining::ENABLED || shortcut.announced {
            return None;
        }
        shortcut.announced = true;
        // Else announce it for another push to carry (combining.rs, step
        // 1): against `s`, if `s` is still current once the slot is ours.
        let slot = self.board.reserve()?;
        if !still_current(&self.current, cur) {
            self.board.unreserve(slot);
            return None;
        }
        match self.board.wait(self.board.announce(slot, elem, s.seq)) {
            Outcome::Done(index) => {
                self.home().count(Event::Combined);
                Some(Ok(index))
            }
            Outcome::Withdrawn => None,
            Outcome::Cancelled(a, claimed_on) => {
                shortcut.pending = Some((a, claimed_on));
                None
            }
        }
    }

    /// Removes the last element; returns what was removed, `None` if the
    /// vector is empty. With `eliminate`, it may take a concurrent push's
    /// value instead.
    #[inline]
    pub(crate) fn pop_removed(&self, guard: &mut R::Guard<'_>, eliminate: bool) -> Option<Removed> {
        self.transact(
            guard,
            |s| {
                if s.size == 0 {
                    return Step::Done(None);
                }
                // SAFETY: index `size - 1 < size` was pushed, so its bucket was
                // installed before a descriptor we loaded with Acquire (slot
                // safety 1).
                let word = unsafe { self.slot(s.size - 1) }.load();
                Step::Install {
                    size: s.size - 1,
                    write: Write::None,
                    out: Some(Removed::Published(word.value)),
                }
            },
            |s, _, _| {
                // A push offered its value while `s` was current: the pair
                // took effect then, the push first (elimination.rs).
                if !eliminate {
                    return None;
                }
                let elem = self.exchanger.take(s.seq)?;
                self.home().count(Event::Eliminated);
                Some(Some(Removed::Eliminated(elem)))
            },
        )
    }

    /// Replaces the element at `index`; returns the slot value of the old
    /// one, which the caller must retire (it is removed).
    #[inline]
    pub(crate) fn replace(
        &self,
        guard: &mut R::Guard<'_>,
        index: usize,
        value: T,
    ) -> Result<Encoded, IndexOutOfBounds> {
        let new = encode(value, self.home(), self.birth_era());
        let elem = new.encoded();
        let old = self.transact(
            guard,
            |s| {
                if index >= s.size {
                    return Step::Done(Err(IndexOutOfBounds { index, len: s.size }));
                }
                // SAFETY: `index < size`: the bucket is installed (as in `pop`).
                let old = unsafe { self.slot(index) }.load();
                Step::Install {
                    size: s.size,
                    write: Write::One(PendingWrite { index, old, new: elem }),
                    out: Ok(old.value),
                }
            },
            |_, _, _| None,
        )?;
        new.published();
        Ok(old)
    }

    /// The slot value of the element at `index` as of some moment during the
    /// call, or `None` if `index` was out of range then. If the element is
    /// in a cell, `guard` protects the cell (second protection) when this returns.
    #[inline]
    pub(crate) fn read(&self, guard: &mut R::Guard<'_>, index: usize) -> Option<Encoded> {
        loop {
            let (cur, state) = self.protect_state(guard);
            if index >= state.size {
                return None;
            }
            let elem = match state.writes {
                Writes::One(w) if w.index == index => w.new,
                // SAFETY: the batch's descriptor is protected by `guard`.
                Writes::Many(b) if reads_from_batch(&b, index) => unsafe { b.write(index - b.start) }.new,
                // SAFETY: `index < size`: its bucket was installed before the
                // descriptor we loaded with Acquire was published.
                _ => unsafe { self.slot(index) }.load().value,
            };
            if is_inline::<T>() {
                return Some(elem);
            }
            // protect_second 1: `elem` was read just now, under `cur`,
            // which the guard protects. 2: if `current` is still `cur`
            // after the protection is visible, no descriptor was installed
            // since we loaded `cur` (its address cannot be reused while we
            // protect it), so the slot held `cur`'s value for `index` (I1)
            // and nothing has removed that element yet: a remover retires
            // only after installing its descriptor.
            if R::protect_second(guard, cell_ptr::<T>(elem), || still_current(&self.current, cur)) {
                return Some(elem);
            }
            // A descriptor was installed meanwhile: read again from it.
        }
    }

    /// Hands a removed element's cell to the reclaimer (nothing to do for
    /// an inline element).
    ///
    /// # Safety
    ///
    /// 1. `elem` is the slot value of an element that the caller's
    ///    operation removed (its descriptor is installed, and for `set` its
    ///    write completed, so no new reader can reach the cell), and the
    ///    caller retires it once.
    /// 2. `guard` is of this vector's domain.
    #[inline]
    pub(crate) unsafe fn retire_removed(&self, guard: &R::Guard<'_>, elem: Encoded) {
        if is_inline::<T>() {
            return;
        }
        self.home().count(Event::CellRetired);
        #[cfg(not(secvec_defect = "drop_removed_at_once"))]
        // SAFETY: retire 1: the cell came from `encode` and is freed only
        // by the reclaimer, after this. 2 and 3: our safety 1 (removed, so
        // no slot below the vector's length and no pending write leads to it
        // any more; retired once). 4: our safety 2.
        unsafe {
            #[cfg(feature = "accounting")]
            self.home().add_pending(); // the cell counts itself reclaimed in the home
            super::unwind::no_unwind(super::RETIRE, || R::retire(self.domain(), guard, cell_ptr::<T>(elem)))
        };
        // Negative control, built only with `--cfg
        // secvec_defect="drop_removed_at_once"`: the removed element is
        // dropped at once, while readers holding an older descriptor may
        // still read it. Miri and ASan must report the use after free.
        #[cfg(secvec_defect = "drop_removed_at_once")]
        {
            let _ = guard;
            // SAFETY: none; this is the defect the checkers must catch.
            unsafe { <super::element::Cell<T> as crate::reclaimer::Retire>::reclaim(cell_ptr::<T>(elem)) };
        }
    }

    /// A guard that retires the removed elements `elem` when dropped, also
    /// when unwinding from a panicking `Clone` (those not yet taken from
    /// [`RetireOnDrop::elem`] by the caller, which retires those itself).
    ///
    /// # Safety
    ///
    /// As [`retire_removed`](Self::retire_removed), for each of `elem`.
    pub(crate) unsafe fn retire_on_drop<'a, 'g, I: Iterator<Item = Encoded>>(
        &'a self,
        guard: &'a R::Guard<'g>,
        elem: I,
    ) -> RetireOnDrop<'a, 'g, T, R, I> {
        RetireOnDrop { vec: self, guard, elem }
    }

    /// Runs `f` on a removed element, then retires it (also if `f` panics).
    ///
    /// # Safety
    ///
    /// As [`retire_removed`](Self::retire_removed).
    #[inline]
    pub(crate) unsafe fn then_retire<O>(
        &self,
        guard: &R::Guard<'_>,
        elem: Encoded,
        f: impl FnOnce(&T) -> O,
    ) -> O {
        if is_inline::<T>() {
            // SAFETY: inline elem come from `encode::<T>`.
            return f(&unsafe { read_inline::<T>(elem) });
        }
        // SAFETY: our safety, passed on: retired once, when `_retire` drops.
        let _retire = unsafe { self.retire_on_drop(guard, core::iter::once(elem)) };
        // SAFETY: we removed the element and have not retired it yet (that
        // happens after `f`), so only we could free it: it is live.
        f(unsafe { &(*cell_ptr::<T>(elem)).value })
    }

    #[inline]
    pub(crate) fn len(&self, guard: &mut R::Guard<'_>) -> usize {
        self.load_state(guard).size
    }

    #[inline]
    pub(crate) fn clear(&self, guard: &mut R::Guard<'_>) {
        self.truncate(guard, 0)
    }

    /// Allocates slots for `len + additional` elements (at most `max_len`),
    /// all or none: see [`SecVec::try_reserve`](crate::SecVec::try_reserve).
    pub(crate) fn try_reserve(&self, len: usize, additional: usize) -> Result<(), TryReserveError> {
        let want = len.saturating_add(additional).min(self.max_len);
        let (bytes, result) = self.buckets.ensure(want);
        self.home().add_bucket_bytes(bytes);
        result
    }

    // ----- batches ------------------------------------------------------

    /// [`SecVec::try_extend_from_iter`](crate::SecVec::try_extend_from_iter) through a
    /// guard the caller keeps (a handle's: the iterator runs under it).
    pub(crate) fn try_extend<I: IntoIterator<Item = T>>(
        &self,
        guard: &mut R::Guard<'_>,
        iter: I,
    ) -> Result<Range<usize>, BatchCapacityError<Vec<T>>> {
        let len = self.len(guard);
        let owned = self.store_batch(len, iter)?;
        self.extend_stored(guard, owned)
    }

    /// Stores the elements of `iter` for one batch, taking at most one more
    /// than fits next to `len`, a length the vector had during the call: a
    /// batch with more is refused, taking effect at the load that saw
    /// `len`, and the rest of the iterator is never consumed.
    pub(crate) fn store_batch<I: IntoIterator<Item = T>>(
        &self,
        len: usize,
        iter: I,
    ) -> Result<UnpublishedMany<'_, T>, BatchCapacityError<Vec<T>>> {
        let room = self.max_len - len;
        let owned = UnpublishedMany::new(
            iter.into_iter().take(room.saturating_add(1)),
            self.home(),
            self.birth_era(),
        );
        let taken = owned.encoded().len();
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
    pub(crate) fn extend_stored(
        &self,
        guard: &mut R::Guard<'_>,
        owned: UnpublishedMany<'_, T>,
    ) -> Result<Range<usize>, BatchCapacityError<Vec<T>>> {
        let news = owned.encoded();
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
                    write: Write::Batch { start: s.size, news, combined: 0 },
                    out: Ok(s.size..s.size + n),
                }
            },
            |_, _, _| None,
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

    pub(crate) fn truncate(&self, guard: &mut R::Guard<'_>, len: usize) {
        let removed = self.remove_tail(guard, |size| size.saturating_sub(len), !is_inline::<T>());
        // SAFETY: our installed descriptor removed them all (read while its
        // predecessor was current, so they are that state's elements),
        // retired once, by this drop. The guard is this vector's.
        drop(unsafe { self.retire_on_drop(guard, removed.into_iter()) });
    }

    /// Removes the last `count(size)` elements (none if that is 0) with
    /// one descriptor; returns their slot values in index order if `read`.
    fn remove_tail(
        &self,
        guard: &mut R::Guard<'_>,
        count: impl Fn(usize) -> usize,
        read: bool,
    ) -> Vec<Encoded> {
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
            |_, _, _| None,
        )
    }
}

/// The operations that return elements by value: they clone the element
/// (under protection, before a removed one is retired). For the primitive
/// types stored inline, that is a copy.
impl<T: Element + Clone, R: Reclaimer> RawVec<T, R> {
    #[inline]
    pub(crate) fn pop(&self, guard: &mut R::Guard<'_>) -> Option<T> {
        match self.pop_removed(guard, true)? {
            // SAFETY: the pushing thread gave its element up with the offer
            // (`take_unpublished` 1: never published, now ours alone).
            Removed::Eliminated(elem) => Some(unsafe { take_unpublished::<T>(elem, self.home()) }),
            // SAFETY: our descriptor removed it (then_retire 1); the guard
            // is this vector's.
            Removed::Published(elem) => Some(unsafe { self.then_retire(guard, elem, T::clone) }),
        }
    }

    #[inline]
    pub(crate) fn get(&self, guard: &mut R::Guard<'_>, index: usize) -> Option<T> {
        let elem = self.read(guard, index)?;
        Some(if is_inline::<T>() {
            // SAFETY: inline elem come from `encode::<T>`.
            unsafe { read_inline::<T>(elem) }
        } else {
            // SAFETY: `read` left the cell protected by `guard`, which
            // we do not use again before the clone is done.
            unsafe { (*cell_ptr::<T>(elem)).value.clone() }
        })
    }

    #[inline]
    pub(crate) fn set(
        &self,
        guard: &mut R::Guard<'_>,
        index: usize,
        value: T,
    ) -> Result<T, IndexOutOfBounds> {
        let old = self.replace(guard, index, value)?;
        // SAFETY: our descriptor replaced it and its write completed (in
        // `transact`), so no slot leads to it (then_retire 1).
        Ok(unsafe { self.then_retire(guard, old, T::clone) })
    }

    pub(crate) fn to_vec(&self, guard: &mut R::Guard<'_>) -> Vec<T> {
        let backoff = Backoff::new();
        loop {
            let (cur, state) = self.protect_state(guard);
            self.complete(&state);
            let still_current = || still_current(&self.current, cur);
            let mut copy = Vec::with_capacity(state.size);
            for i in 0..state.size {
                // SAFETY: indices below `size`: buckets installed.
                let elem = unsafe { self.slot(i) }.load().value;
                if is_inline::<T>() {
                    // SAFETY: inline elem come from `encode::<T>`.
                    copy.push(unsafe { read_inline::<T>(elem) });
                } else if R::protect_second(guard, cell_ptr::<T>(elem), still_current) {
                    // SAFETY: protected (protect_second 1: read under `cur`;
                    // 2: `cur` still current, so the element (I1, `cur`'s
                    // write completed above) is not removed yet).
                    copy.push(unsafe { (*cell_ptr::<T>(elem)).value.clone() });
                } else {
                    break;
                }
            }
            if copy.len() == state.size && still_current() {
                return copy;
            }
            backoff.snooze();
        }
    }

    pub(crate) fn pop_n(&self, guard: &mut R::Guard<'_>, n: usize) -> Vec<T> {
        let removed = self.remove_tail(guard, |size| n.min(size), true);
        // Retire every removed element, also those after a `clone` that
        // panics (the drop of `rest` retires what is left).
        // SAFETY: removed by our descriptor; each retired once, by
        // `then_retire` below or by the drop of `rest`.
        let mut rest = unsafe { self.retire_on_drop(&*guard, removed.into_iter()) };
        let mut out = Vec::with_capacity(rest.elem.len());
        for elem in rest.elem.by_ref() {
            // SAFETY: removed by our descriptor (then_retire 1), taken out
            // of `rest`, so retired once, here.
            out.push(unsafe { self.then_retire(rest.guard, elem, T::clone) });
        }
        out
    }
}
