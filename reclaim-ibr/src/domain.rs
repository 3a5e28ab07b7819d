//! A domain (one vector's, or a shared one): its era, its guards'
//! reservations, and the scan.
//!
//! Each thread keeps one reservation record of the domain in a
//! [`PerThread`] entry, with the garbage it has retired and not yet freed;
//! an operation's guard borrows the entry in place, and the entry keeps
//! its reservation between operations while the era stays the same (so an
//! operation that starts in the era of the last one publishes nothing). A
//! kept guard (`pin`), a nested one (which finds the entry borrowed), and a
//! thread without a seat own a record of their own and hand their garbage
//! to the domain's shared list when they end. A thread scans once its
//! garbage, or the shared list, reaches [`SCAN_AT`].

use crate::records::{NONE, Record, Records};
use crossbeam_utils::CachePadded;
use secvec_core::RetiredPtr;
use secvec_core::per_thread::PerThread;
use std::cell::{Cell, RefCell, RefMut};
use std::ptr::NonNull;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::{Mutex, PoisonError};

#[cfg(loom)]
use loom::sync::atomic::{AtomicU64, fence};
#[cfg(not(loom))]
use std::sync::atomic::{AtomicU64, fence};

/// A thread scans once it has retired this many objects since its last
/// scan (or half of what that scan kept, if that is more).
///
/// A scan costs a fence and a read of every record; objects retired since
/// the thread's last scan are kept by any reservation that started before
/// the scan, so they are freed by the next one: garbage per thread stays
/// below about twice this bound plus the objects alive when a reader
/// stalled. Under Miri it is small so that short programs reach a scan.
pub const SCAN_AT: usize = if cfg!(miri) { 16 } else { 128 };

/// A thread advances its domain's era after this many retires: often
/// enough that every scan sees the era move past what it stamps (so the
/// next one frees it), rarely enough that readers, who pay a fence when
/// the era has moved since their last one, seldom do.
pub const RETIRES_PER_ERA: u32 = if cfg!(miri) { 4 } else { 32 };

/// A retired object not yet freed: its lifetime, from the era of its
/// birth to the era of its retirement ([`NONE`] until a scan stamps it).
pub(crate) struct Retired {
    ptr: RetiredPtr,
    birth: u64,
    retired: u64,
}

impl Retired {
    /// `ptr`, born in era `birth`, retired and not yet stamped.
    pub(crate) fn new(ptr: RetiredPtr, birth: u64) -> Self {
        Retired { ptr, birth, retired: NONE }
    }
}

/// A domain: its era, the reservation records, each thread's entry, and
/// the garbage of guards that ended before they scanned.
pub struct IbrDomain {
    era: CachePadded<AtomicU64>,
    // Field order matters: the entries hold records of `records` and are
    // dropped (their garbage freed) before the records are.
    cache: PerThread<CachedEntry>,
    shared: Mutex<Vec<Retired>>,
    records: Records,
}

/// A guard's state: its record, the reservation it last published (a copy,
/// read without atomics), and the objects it has retired and not yet
/// freed.
pub(crate) struct Entry {
    pub(crate) record: &'static Record,
    pub(crate) lo: u64,
    pub(crate) hi: u64,
    retires: Cell<u32>,
    /// The garbage at which the entry scans next: what the last scan kept
    /// plus [`SCAN_AT`], or plus half of what it kept if that is more (so
    /// that scans stay amortized constant per retire when reservations
    /// keep much). Not a multiple of what was kept: a scan keeps at least
    /// what was retired since the last one, and the threshold would only
    /// grow.
    scan_at: Cell<usize>,
    /// Borrowed only briefly (never while objects are reclaimed), through
    /// a shared guard: `Reclaimer::retire` gets `&Guard`.
    garbage: RefCell<Vec<Retired>>,
}

/// A thread's entry (`None` until its first operation), borrowed in place
/// by the operation that uses it. Dropped only with the domain.
pub(crate) struct CachedEntry(RefCell<Option<Entry>>);

/// A guard: the thread's entry, borrowed, or an entry of its own.
pub struct IbrGuard<'d> {
    pub(crate) domain: &'d IbrDomain,
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
    /// An entry of the guard's own, boxed at `entry` (from `Box::leak`),
    /// freed when the guard drops.
    Own,
}

/// The full fence that orders a reservation before the reads it allows,
/// and a scan's retired objects before its read of the reservations. With
/// `--cfg secvec_defect="ibr_no_fence"` (a negative control) it is
/// missing, and the loom model must catch it.
#[inline]
pub(crate) fn full_fence() {
    if !cfg!(secvec_defect = "ibr_no_fence") {
        fence(SeqCst);
    }
}

impl IbrDomain {
    pub(crate) fn new() -> Self {
        IbrDomain {
            era: CachePadded::new(AtomicU64::new(0)),
            cache: PerThread::new(),
            shared: Mutex::new(Vec::new()),
            records: Records::new(),
        }
    }

    /// The current era. `SeqCst`: the eras a reader reserves and a scan
    /// stamps are read in one total order with the fences (see the crate
    /// docs).
    #[inline]
    pub(crate) fn era(&self) -> u64 {
        self.era.load(SeqCst)
    }

    /// A new entry, on a record of this domain, reserving nothing yet.
    fn entry(&self) -> Entry {
        let record = self.records.acquire();
        // SAFETY: records are freed only when `self.records` is dropped.
        // An entry lives in a guard, which borrows the domain, or in
        // `self.cache`, which is dropped before `self.records` (field
        // order): no entry outlives its record.
        let record: &'static Record = unsafe { &*(record as *const Record) };
        Entry {
            record,
            lo: NONE,
            hi: NONE,
            retires: Cell::new(0),
            scan_at: Cell::new(SCAN_AT),
            garbage: RefCell::new(Vec::new()),
        }
    }

    /// A guard with a record of its own, given back when it drops.
    pub(crate) fn own(&self) -> IbrGuard<'_> {
        let mut entry = NonNull::from(Box::leak(Box::new(self.entry())));
        // SAFETY: just made, ours alone.
        unsafe { entry.as_mut() }.begin(self);
        IbrGuard { domain: self, entry, holder: Holder::Own }
    }

    /// A guard on an operation's thread entry, in place (a nested guard,
    /// which finds the entry borrowed, takes its own); or its own, on a
    /// thread without a seat.
    ///
    /// # Safety
    ///
    /// 1. The guard is dropped on this thread before the operation that
    ///    takes it returns (`Reclaimer::guard` safety 1).
    pub(crate) unsafe fn operation(&self) -> IbrGuard<'_> {
        // SAFETY: `get_or_briefly` 1 is our point 1: the guard, which
        // borrows the entry, ends within the operation, on this thread.
        let Some(cached) = (unsafe { self.cache.get_or_briefly(|| CachedEntry(RefCell::new(None))) }) else {
            return self.own();
        };
        match cached.0.try_borrow_mut() {
            Ok(mut cached) => {
                let entry = cached.get_or_insert_with(|| self.entry());
                entry.begin(self);
                let entry = NonNull::from(entry);
                IbrGuard { domain: self, entry, holder: Holder::Cached(cached) }
            }
            Err(_) => self.own(),
        }
    }

    /// Advances the era by one.
    pub(crate) fn advance(&self) {
        self.era.fetch_add(1, SeqCst);
    }

    /// Moves `garbage` to the shared list; scans it once it holds
    /// [`SCAN_AT`] objects (threads without a seat retire only through
    /// guards of their own: without this, nobody would scan their garbage).
    fn adopt(&self, garbage: &mut Vec<Retired>) {
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

    /// Frees every object in `garbage` (and in the shared list) whose
    /// lifetime no reservation meets; keeps the others in `garbage`.
    pub(crate) fn scan(&self, garbage: &mut Vec<Retired>) {
        // Everything a scan may free must be retired, hence unlinked,
        // before its fence: take the shared list first.
        if let Ok(mut shared) = self.shared.try_lock() {
            garbage.append(&mut shared);
        }
        full_fence();
        // Objects retired before the fence and not yet stamped get the era
        // read after it: no earlier than the era of any reservation under
        // which they were read (the crate docs' argument).
        let now = self.era();
        for retired in garbage.iter_mut().filter(|r| r.retired == NONE) {
            retired.retired = now;
        }
        let mut reservations = Vec::new();
        self.records.reservations(&mut reservations);
        // Freeing runs element destructors, which may use the vector (with
        // other guards and entries): the batch is out of `garbage` first.
        let batch = std::mem::take(garbage);
        let mut kept = Vec::new();
        for retired in batch {
            if reservations.iter().any(|r| r.meets(retired.birth, retired.retired)) {
                kept.push(retired);
            } else {
                // SAFETY: `retired` was retired into this domain (unlinked
                // before the fence above), and no reservation published
                // before the fence meets its lifetime: a reader that could
                // still reach it would have published one (the crate docs'
                // argument). It was taken out of its list once, so it is
                // reclaimed once.
                unsafe { retired.ptr.reclaim() };
            }
        }
        garbage.append(&mut kept);
    }
}

impl Entry {
    /// Starts a guard on this entry: reserves the current era, unless the
    /// entry's reservation is exactly that era already (published, and
    /// fenced, by an earlier guard in this era). A reservation that only
    /// ends in the current era is reset too: kept, its start would stay
    /// where an earlier guard left it, and hold back everything retired
    /// since.
    #[inline]
    fn begin(&mut self, domain: &IbrDomain) {
        let now = domain.era();
        // `lo <= hi <= now`: `lo == now` means the reservation is `now..=now`.
        if now != self.lo {
            self.reset(now);
        }
    }

    /// Reserves `now..=now` in place of the entry's reservation.
    #[inline]
    pub(crate) fn reset(&mut self, now: u64) {
        self.record.reserve(now, now);
        full_fence();
        (self.lo, self.hi) = (now, now);
    }

    /// Extends the reservation to `now` (when the era has moved since the
    /// entry's last one).
    #[cold]
    pub(crate) fn extend(&mut self, now: u64) {
        self.record.extend(now);
        full_fence();
        self.hi = now;
    }

    /// Keeps `ptr`, born in era `birth`, for a later scan; advances the era
    /// and scans when it is time.
    pub(crate) fn retire(&self, domain: &IbrDomain, ptr: RetiredPtr, birth: u64) {
        let retires = self.retires.get().wrapping_add(1);
        self.retires.set(retires);
        if retires % RETIRES_PER_ERA == 0 {
            domain.advance();
        }
        let mut garbage = self.garbage.borrow_mut();
        garbage.push(Retired::new(ptr, birth));
        if garbage.len() < self.scan_at.get() {
            return;
        }
        let mut batch = std::mem::take(&mut *garbage);
        drop(garbage);
        domain.scan(&mut batch);
        self.scan_at.set(batch.len() + SCAN_AT.max(batch.len() / 2));
        self.garbage.borrow_mut().append(&mut batch);
    }
}

impl IbrGuard<'_> {
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

impl Drop for IbrGuard<'_> {
    fn drop(&mut self) {
        // A thread's entry keeps its reservation for the next operation
        // (it holds back only objects born before its era, which is
        // bounded); a guard's own entry is given back, with its garbage.
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

impl Drop for IbrDomain {
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
unsafe fn reclaim_all(list: Vec<Retired>) {
    for retired in list {
        // SAFETY: point 1.
        unsafe { retired.ptr.reclaim() };
    }
}

impl std::fmt::Debug for IbrDomain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IbrDomain").field("era", &self.era()).finish_non_exhaustive()
    }
}
