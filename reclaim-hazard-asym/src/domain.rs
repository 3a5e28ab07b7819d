//! A domain (one vector's, or a shared one), its guards, and the scan.
//!
//! Each thread keeps one record of the domain in a [`PerThread`] entry,
//! with the garbage it has retired and not yet freed; an operation's guard
//! borrows the entry in place. A kept guard (`pin`), a nested one (which
//! finds the entry borrowed), and a thread without a seat own a record of
//! their own and hand their garbage to the domain's shared list when they
//! end. A thread scans once its garbage, or the shared list, reaches
//! [`SCAN_AT`]: it takes the shared list too, runs the heavy barrier,
//! reads every hazard pointer, and frees what none names.

use crate::barrier;
use crate::records::{Record, Records};
use secvec_core::RetiredPtr;
use secvec_core::per_thread::PerThread;
use std::cell::{RefCell, RefMut};
use std::ptr::NonNull;
use std::sync::{Mutex, PoisonError};

/// A thread scans when it holds this many retired objects.
///
/// A scan costs one heavy barrier: 4-14 µs on this project's 2-vCPU VMs
/// while another thread of the process runs (`membarrier`, measured
/// 2026-12-06), so at 1 024 it adds about 5-15 ns per retire. Garbage per
/// thread stays below this bound plus the hazard pointers alive, stalled
/// threads or not. Under Miri (where the barrier is a fence) it is small
/// so that short programs reach a scan.
pub const SCAN_AT: usize = if cfg!(miri) { 16 } else { 1024 };

/// A domain: the hazard-pointer records, each thread's entry, and the
/// garbage of guards that ended before they scanned.
pub struct AsymDomain {
    // Field order matters: the entries hold records of `records` and are
    // dropped (their garbage freed) before the records are.
    cache: PerThread<CachedEntry>,
    shared: Mutex<Vec<RetiredPtr>>,
    records: Records,
}

/// A guard's state: its record, the pointers its two hazard pointers have
/// named continuously since a validation succeeded (0 if none), and the
/// objects it has retired and not yet freed.
pub(crate) struct Entry {
    pub(crate) record: &'static Record,
    pub(crate) protected: [usize; 2],
    /// Borrowed only briefly (never while objects are reclaimed), through
    /// a shared guard: `Reclaimer::retire` gets `&Guard`.
    garbage: RefCell<Vec<RetiredPtr>>,
}

/// A thread's entry (`None` until its first operation), borrowed in place
/// by the operation that uses it. Dropped only with the domain.
pub(crate) struct CachedEntry(RefCell<Option<Entry>>);

/// A guard: the thread's entry, borrowed, or an entry of its own.
pub struct AsymGuard<'d> {
    pub(crate) domain: &'d AsymDomain,
    /// The entry in use, kept by `holder`: one pointer to follow on every
    /// protection, whichever kind of guard this is.
    entry: NonNull<Entry>,
    holder: Holder<'d>,
}

enum Holder<'d> {
    /// The thread's entry: no other thread uses it meanwhile, as an
    /// operation's guard ends before the thread's seat can change hands
    /// (`Reclaimer::guard` safety 1).
    Cached(
        #[expect(dead_code, reason = "held for its borrow, released when the guard drops")]
        RefMut<'d, Option<Entry>>,
    ),
    /// An entry of the guard's own, boxed at `entry` (from
    /// `Box::into_raw`), freed when the guard drops.
    Own,
}

impl AsymDomain {
    pub(crate) fn new() -> Self {
        barrier::init();
        AsymDomain { cache: PerThread::new(), shared: Mutex::new(Vec::new()), records: Records::new() }
    }

    /// A new entry, on a record of this domain.
    fn entry(&self) -> Entry {
        let record = self.records.acquire();
        // SAFETY: records are freed only when `self.records` is dropped.
        // An entry lives in a guard, which borrows the domain, or in
        // `self.cache`, which is dropped before `self.records` (field
        // order): no entry outlives its record.
        let record: &'static Record = unsafe { &*(record as *const Record) };
        Entry { record, protected: [0; 2], garbage: RefCell::new(Vec::new()) }
    }

    /// A guard with a record of its own, given back when it drops.
    pub(crate) fn own(&self) -> AsymGuard<'_> {
        let entry = NonNull::from(Box::leak(Box::new(self.entry())));
        AsymGuard { domain: self, entry, holder: Holder::Own }
    }

    /// A guard on an operation's thread entry, in place (a nested guard,
    /// which finds the entry borrowed, takes its own); or its own, on a
    /// thread without a seat.
    ///
    /// # Safety
    ///
    /// 1. The guard is dropped on this thread before the operation that
    ///    takes it returns (`Reclaimer::guard` safety 1).
    pub(crate) unsafe fn operation(&self) -> AsymGuard<'_> {
        // SAFETY: `get_or_briefly` 1 is our point 1: the guard, which
        // borrows the entry, ends within the operation, on this thread.
        let Some(cached) = (unsafe { self.cache.get_or_briefly(|| CachedEntry(RefCell::new(None))) }) else {
            return self.own();
        };
        match cached.0.try_borrow_mut() {
            Ok(mut cached) => {
                let entry = NonNull::from(cached.get_or_insert_with(|| self.entry()));
                AsymGuard { domain: self, entry, holder: Holder::Cached(cached) }
            }
            Err(_) => self.own(),
        }
    }

    /// Moves `garbage` to the shared list; scans it once it holds
    /// [`SCAN_AT`] objects (threads without a seat retire only through
    /// guards of their own: without this, nobody would scan their garbage).
    fn adopt(&self, garbage: &mut Vec<RetiredPtr>) {
        let mut batch = {
            let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
            shared.append(garbage);
            if shared.len() < SCAN_AT {
                return;
            }
            std::mem::take(&mut *shared)
        };
        self.scan(&mut batch);
        self.shared.lock().unwrap_or_else(PoisonError::into_inner).append(&mut batch);
    }

    /// Frees every object in `garbage` (and in the shared list) that no
    /// hazard pointer names; keeps the others in `garbage`.
    pub(crate) fn scan(&self, garbage: &mut Vec<RetiredPtr>) {
        // Everything a scan may free must be retired, hence unlinked,
        // before its heavy barrier: take the shared list first.
        if let Ok(mut shared) = self.shared.try_lock() {
            garbage.append(&mut shared);
        }
        barrier::heavy();
        let mut hazards = Vec::new();
        self.records.hazards(&mut hazards);
        hazards.sort_unstable();
        // Freeing runs element destructors, which may use the vector (with
        // other guards and entries): the batch is out of `garbage` first.
        let batch = std::mem::take(garbage);
        let mut kept = Vec::new();
        for retired in batch {
            if hazards.binary_search(&retired.addr()).is_ok() {
                kept.push(retired);
            } else {
                // SAFETY: `retired` was retired into this domain (unlinked
                // before the heavy barrier above), and no hazard pointer
                // named it after the barrier: a reader that published it
                // before the barrier would have been seen, and one that
                // publishes it after the barrier finds it unlinked when it
                // validates and does not use it. It was taken out of its
                // list once, so it is reclaimed once.
                unsafe { retired.reclaim() };
            }
        }
        garbage.append(&mut kept);
    }
}

impl Entry {
    /// Keeps `retired` for a later scan, and scans if it is time.
    pub(crate) fn retire(&self, domain: &AsymDomain, retired: RetiredPtr) {
        let mut garbage = self.garbage.borrow_mut();
        garbage.push(retired);
        if garbage.len() < SCAN_AT {
            return;
        }
        let mut batch = std::mem::take(&mut *garbage);
        drop(garbage);
        domain.scan(&mut batch);
        self.garbage.borrow_mut().append(&mut batch);
    }

    /// Hazard pointers protect nothing any more.
    pub(crate) fn clear(&mut self) {
        for i in 0..2 {
            self.record.clear(i);
            self.protected[i] = 0;
        }
    }
}

impl AsymGuard<'_> {
    /// The guard's entry.
    #[inline]
    pub(crate) fn entry(&mut self) -> &mut Entry {
        // SAFETY: `entry` points at the entry `holder` keeps for this guard
        // alone (the borrowed cache entry, or the guard's own box), alive
        // as long as the guard; `&mut self` makes this the only reference
        // the guard hands out now.
        unsafe { self.entry.as_mut() }
    }

    /// The guard's entry, shared.
    #[inline]
    pub(crate) fn entry_ref(&self) -> &Entry {
        // SAFETY: as in `entry`, shared: `&self` excludes `entry`'s
        // exclusive reference.
        unsafe { self.entry.as_ref() }
    }
}

impl Drop for AsymGuard<'_> {
    fn drop(&mut self) {
        // A thread's entry keeps its protections for the next operation
        // (at most one descriptor and one cell per thread and domain are
        // kept from reclamation that way); a guard's own entry is given
        // back, with its garbage.
        if let Holder::Own = self.holder {
            // SAFETY: an own guard's entry came from `Box::leak` in `own`
            // and is freed here only, once; nothing else points at it.
            let mut entry = unsafe { Box::from_raw(self.entry.as_ptr()) };
            Records::release(entry.record);
            let garbage = entry.garbage.get_mut();
            if !garbage.is_empty() {
                self.domain.adopt(garbage);
            }
        }
    }
}

impl Drop for CachedEntry {
    fn drop(&mut self) {
        // Only with the domain: no guard is alive (guards borrow the
        // domain; a leaked one can never be used again), so nothing in the
        // garbage can be reached.
        if let Some(entry) = self.0.get_mut().take() {
            // SAFETY: retired into this domain and unreachable (above).
            unsafe { reclaim_all(entry.garbage.into_inner()) };
        }
    }
}

impl Drop for AsymDomain {
    fn drop(&mut self) {
        let shared = std::mem::take(self.shared.get_mut().unwrap_or_else(PoisonError::into_inner));
        // SAFETY: as in `CachedEntry::drop`: no guard of the domain is alive.
        unsafe { reclaim_all(shared) };
    }
}

/// Reclaims every object of `list`, at the domain's drop.
///
/// # Safety
///
/// 1. Every object in `list` was retired into a domain that is being
///    dropped, with no guard of it alive (a leaked one is never used
///    again): nothing can reach them. The list is consumed, so each is
///    reclaimed once.
unsafe fn reclaim_all(list: Vec<RetiredPtr>) {
    for retired in list {
        // SAFETY: point 1.
        unsafe { retired.reclaim() };
    }
}

impl std::fmt::Debug for AsymDomain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsymDomain").finish_non_exhaustive()
    }
}
