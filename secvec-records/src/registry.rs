//! A domain's registry: its records, each thread's entry, the guards, and
//! the garbage of guards that ended.

use crate::Scheme;
use crate::records::{Record, Records};
use secvec_core::per_thread::PerThread;
use std::cell::{RefCell, RefMut};
use std::ptr::NonNull;
use std::sync::{Mutex, PoisonError};

/// The bookkeeping of one domain (see the crate docs).
pub struct Registry<S: Scheme> {
    state: S::State,
    // Field order matters: the entries hold records of `records` and are
    // dropped (their garbage freed) before the records are.
    cache: PerThread<CachedEntry<S>>,
    orphans: Mutex<Vec<S::Retired>>,
    records: Records<S>,
}

/// A guard's state: its record, what it keeps besides, and the objects it
/// retired and has not freed yet.
pub struct Entry<S: Scheme> {
    /// The entry's record, owned by the entry until it is given back (not
    /// `'static`: no longer than the registry; [`Entry::record`] hands it
    /// out for as long as the entry is borrowed).
    record: &'static Record<S>,
    /// The scheme's unpublished state.
    pub local: S::Local,
    /// Borrowed only briefly (never while objects are freed), through a
    /// shared guard: `Reclaimer::retire` gets `&Guard`.
    garbage: RefCell<Vec<S::Retired>>,
}

/// A thread's entry (`None` until its first operation), borrowed in place
/// by the operation that uses it. Dropped only with the registry.
struct CachedEntry<S: Scheme>(RefCell<Option<Entry<S>>>);

/// A guard: its thread's entry, borrowed, or an entry of its own.
pub struct Guard<'d, S: Scheme> {
    registry: &'d Registry<S>,
    /// The entry in use, kept by `holder`: one pointer to follow on every
    /// protection, whichever kind of guard this is.
    entry: NonNull<Entry<S>>,
    holder: Holder<'d, S>,
}

enum Holder<'d, S: Scheme> {
    /// The thread's entry: no other thread uses it meanwhile, as an
    /// operation's guard ends before the thread's seat can change hands
    /// (`Registry::operation` safety 1).
    Cached(
        #[expect(dead_code, reason = "held for its borrow, released when the guard drops")]
        RefMut<'d, Option<Entry<S>>>,
    ),
    /// An entry of the guard's own, boxed at `entry` (from `Box::leak`),
    /// freed when the guard drops.
    Own,
}

impl<S: Scheme> Registry<S> {
    /// A registry with the scheme's domain-wide `state`.
    pub fn new(state: S::State) -> Self {
        Registry { state, cache: PerThread::new(), orphans: Mutex::new(Vec::new()), records: Records::new() }
    }

    /// The scheme's domain-wide state.
    #[inline]
    pub fn state(&self) -> &S::State {
        &self.state
    }

    /// A new entry, on a record of this registry.
    fn entry(&self) -> Entry<S> {
        let record = self.records.acquire();
        // SAFETY: records are freed only when `self.records` is dropped.
        // An entry lives in a guard, which borrows the registry, or in
        // `self.cache`, which is dropped before `self.records` (field
        // order): no entry outlives its record.
        let record: &'static Record<S> = unsafe { &*(record as *const Record<S>) };
        Entry { record, local: S::new_local(), garbage: RefCell::new(Vec::new()) }
    }

    /// A guard with an entry (and record) of its own, given back when it
    /// drops: for guards that are kept (handles).
    pub fn own(&self) -> Guard<'_, S> {
        let mut entry = NonNull::from(Box::leak(Box::new(self.entry())));
        // SAFETY: just made, ours alone.
        S::begin(self, unsafe { entry.as_mut() });
        Guard { registry: self, entry, holder: Holder::Own }
    }

    /// A guard on the calling thread's entry, in place (a nested guard,
    /// which finds the entry borrowed, takes its own); or its own, on a
    /// thread without a seat.
    ///
    /// # Safety
    ///
    /// 1. The guard is dropped on this thread before the operation that
    ///    takes it returns (`Reclaimer::guard` safety 1).
    pub unsafe fn operation(&self) -> Guard<'_, S> {
        // SAFETY: `get_or_briefly` 1 is our point 1: the guard, which
        // borrows the entry, ends within the operation, on this thread.
        let Some(cached) = (unsafe { self.cache.get_or_briefly(|| CachedEntry(RefCell::new(None))) }) else {
            return self.own();
        };
        match cached.0.try_borrow_mut() {
            Ok(mut cached) => {
                let entry = cached.get_or_insert_with(|| self.entry());
                S::begin(self, entry);
                let entry = NonNull::from(entry);
                Guard { registry: self, entry, holder: Holder::Cached(cached) }
            }
            Err(_) => self.own(),
        }
    }

    /// Calls `f` on every record's slots (released ones are cleared).
    pub fn for_each_record(&self, f: impl FnMut(&S::Slots)) {
        self.records.for_each(f);
    }

    /// Moves the garbage that ended guards handed over into `garbage`,
    /// unless another scan holds it right now.
    pub fn take_orphans(&self, garbage: &mut Vec<S::Retired>) {
        if let Ok(mut orphans) = self.orphans.try_lock() {
            garbage.append(&mut orphans);
        }
    }

    /// Takes over `garbage` from a guard that ends; scans the orphans
    /// once they are [`Scheme::ORPHANS_SCAN_AT`] (threads without a seat
    /// retire only through guards of their own: without this, nobody
    /// would scan their garbage).
    fn adopt(&self, garbage: &mut Vec<S::Retired>) {
        let mut batch = {
            let mut orphans = self.orphans.lock().unwrap_or_else(PoisonError::into_inner);
            orphans.append(garbage);
            if orphans.len() < S::ORPHANS_SCAN_AT {
                return;
            }
            std::mem::take(&mut *orphans)
        };
        S::scan(self, &mut batch);
        self.orphans.lock().unwrap_or_else(PoisonError::into_inner).append(&mut batch);
    }
}

impl<S: Scheme> Entry<S> {
    /// The entry's record.
    #[inline]
    pub fn record(&self) -> &Record<S> {
        self.record
    }

    /// Keeps `retired` for a later scan, and scans when the scheme says.
    ///
    /// # Safety
    ///
    /// 1. `retired` may be passed to [`Scheme::reclaim`] once no guard of
    ///    `registry` can reach it: it is unlinked, retired once, and
    ///    valid until then (the registry frees it at its drop at the
    ///    latest, and a scan of the scheme whenever it decides).
    /// 2. `registry` is the registry of this entry.
    pub unsafe fn retire(&self, registry: &Registry<S>, retired: S::Retired) {
        let mut garbage = self.garbage.borrow_mut();
        garbage.push(retired);
        if !S::scan_due(self, garbage.len()) {
            return;
        }
        let mut batch = std::mem::take(&mut *garbage);
        drop(garbage);
        // (Point 1 is what lets the scheme's scan, and the registry's
        // drop, reclaim what they take from here.)
        S::scan(registry, &mut batch);
        S::scanned(self, batch.len());
        self.garbage.borrow_mut().append(&mut batch);
    }
}

impl<'d, S: Scheme> Guard<'d, S> {
    /// The registry the guard belongs to.
    #[inline]
    pub fn registry(&self) -> &'d Registry<S> {
        self.registry
    }

    /// The guard's entry, for the scheme's own code.
    ///
    /// # Safety
    ///
    /// 1. The caller keeps the scheme's invariants on the entry's local
    ///    state (what a scheme trusts there, such as a pointer validated
    ///    earlier, is the caller's to keep true), and does not swap or
    ///    replace the entry as a whole (its record belongs to this
    ///    registry).
    #[inline]
    pub unsafe fn entry(&mut self) -> &mut Entry<S> {
        // SAFETY: `entry` points at the entry `holder` keeps for this guard
        // alone (the borrowed cache entry, or the guard's own box), alive
        // as long as the guard; `&mut self` makes this the only reference
        // the guard hands out now. Point 1 is the caller's.
        unsafe { self.entry.as_mut() }
    }

    /// The guard's entry, shared.
    #[inline]
    pub fn entry_ref(&self) -> &Entry<S> {
        // SAFETY: as in `entry`, shared: `&self` excludes `entry`'s
        // exclusive reference.
        unsafe { self.entry.as_ref() }
    }
}

impl<S: Scheme> Drop for Guard<'_, S> {
    fn drop(&mut self) {
        // A thread's entry keeps its record and what it publishes for the
        // next operation (the scheme decides what that holds back); a
        // guard's own entry is given back, with its garbage.
        if let Holder::Own = self.holder {
            // SAFETY: an own guard's entry came from `Box::leak` in `own`
            // and is freed here only, once; nothing else points at it.
            let mut entry = unsafe { Box::from_raw(self.entry.as_ptr()) };
            Records::release(entry.record);
            let garbage = entry.garbage.get_mut();
            if !garbage.is_empty() {
                self.registry.adopt(garbage);
            }
        }
    }
}

impl<S: Scheme> Drop for CachedEntry<S> {
    fn drop(&mut self) {
        // Only with the registry: no guard is alive (guards borrow the
        // registry; a leaked one can never be used again), so nothing in
        // the garbage can be reached.
        if let Some(entry) = self.0.get_mut().take() {
            // SAFETY: unreachable (above).
            unsafe { reclaim_all::<S>(entry.garbage.into_inner()) };
        }
    }
}

impl<S: Scheme> Drop for Registry<S> {
    fn drop(&mut self) {
        let orphans = std::mem::take(self.orphans.get_mut().unwrap_or_else(PoisonError::into_inner));
        // SAFETY: as in `CachedEntry::drop`: no guard of the registry is
        // alive.
        unsafe { reclaim_all::<S>(orphans) };
    }
}

/// Frees the objects of `garbage` that `keep` does not keep, and leaves
/// the kept ones in it (in their order): the end of a scan.
///
/// # Safety
///
/// 1. Every object of `garbage` for which `keep` returns false can no
///    longer be reached, and is in no other list (it is freed once).
pub unsafe fn reclaim_unless<S: Scheme>(
    garbage: &mut Vec<S::Retired>,
    mut keep: impl FnMut(&S::Retired) -> bool,
) {
    // Freeing runs element destructors, which may use the domain (with
    // other guards and entries): the batch is out of `garbage` first.
    let batch = std::mem::take(garbage);
    for retired in batch {
        if keep(&retired) {
            garbage.push(retired);
        } else {
            // SAFETY: point 1.
            unsafe { S::reclaim(retired) };
        }
    }
}

/// Frees every object of `list`, at the registry's drop.
///
/// # Safety
///
/// 1. Every object in `list` was retired into a registry that is being
///    dropped, with no guard of it alive (a leaked one is never used
///    again): nothing can reach them. The list is consumed, so each is
///    freed once.
unsafe fn reclaim_all<S: Scheme>(list: Vec<S::Retired>) {
    for retired in list {
        // SAFETY: point 1.
        unsafe { S::reclaim(retired) };
    }
}

impl<S: Scheme> std::fmt::Debug for Registry<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry").finish_non_exhaustive()
    }
}
