//! The scheme in the shared record machinery (`secvec-records`): a
//! domain's era, its guards' reservations, and the scan.
//!
//! Each thread keeps one reservation record of the domain in its entry,
//! with the garbage it has retired and not yet freed; an operation's guard
//! borrows the entry in place, and the entry keeps its reservation between
//! operations while the era stays the same (so an operation that starts in
//! the era of the last one publishes nothing). A kept guard (`pin`), a
//! nested one, and a thread without a seat own a record of their own and
//! hand their garbage to the domain when they end.

use crate::Ibr;
use crate::slots::{NONE, Reservation, ReservationSlots};
use crossbeam_utils::CachePadded;
use secvec_core::RetiredPtr;
use secvec_records::{Entry, Guard, Registry, Scheme, reclaim_unless};
use std::cell::Cell;
use std::sync::atomic::Ordering::SeqCst;

#[cfg(loom)]
use loom::sync::atomic::{AtomicU64, fence};
#[cfg(not(loom))]
use std::sync::atomic::{AtomicU64, fence};

/// A thread scans once it has retired this many objects since its last
/// scan (or half of what that scan kept, if that is more).
///
/// A scan costs a fence and a read of every record; objects retired since
/// the thread's last scan are kept by any reservation that started before
/// the scan, so they are freed by the next one. Under Miri it is small so
/// that short programs reach a scan.
pub const SCAN_AT: usize = if cfg!(miri) { 16 } else { 128 };

/// A thread advances its domain's era after this many retires: often
/// enough that every scan sees the era move past what it stamps (so the
/// next one frees it), rarely enough that readers, who pay a fence when
/// the era has moved since their last one, seldom do.
pub const RETIRES_PER_ERA: u32 = if cfg!(miri) { 4 } else { 32 };

/// A domain: its era, the reservation records, each thread's entry, and
/// the garbage of guards that ended before they scanned.
pub type IbrDomain = Registry<Ibr>;

/// A guard: its thread's entry, or an entry of its own.
pub type IbrGuard<'d> = Guard<'d, Ibr>;

/// A retired object not yet freed: its lifetime, from the era of its
/// birth to the era of its retirement (`u64::MAX` until a scan stamps it).
pub struct Retired {
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

/// What an entry keeps besides its record: a copy of the reservation it
/// last published (read without atomics), and its retire counters.
pub struct Local {
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
}

/// The full fence that orders a reservation before the reads it allows,
/// and a scan's retired objects before its read of the reservations. With
/// `--cfg secvec_defect="ibr_no_fence"` (a negative control) it is
/// missing, and the loom model must catch it.
#[inline]
fn full_fence() {
    if !cfg!(secvec_defect = "ibr_no_fence") {
        fence(SeqCst);
    }
}

/// A new domain, in era 0.
pub(crate) fn new_domain() -> IbrDomain {
    Registry::new(CachePadded::new(AtomicU64::new(0)))
}

/// The current era of `domain`. `SeqCst`: the eras a reader reserves and a
/// scan stamps are read in one total order with the fences (see the crate
/// docs).
#[inline]
pub(crate) fn era(domain: &IbrDomain) -> u64 {
    domain.state().load(SeqCst)
}

// SAFETY: 1. `begin` changes the entry's reservation and its copy, never
// the entry as a whole. 2. `reclaim` is `RetiredPtr::reclaim`, the retired
// type's own.
unsafe impl Scheme for Ibr {
    type Slots = ReservationSlots;
    type Local = Local;
    type State = CachePadded<AtomicU64>;
    type Retired = Retired;
    const ORPHANS_SCAN_AT: usize = SCAN_AT;

    fn new_slots() -> ReservationSlots {
        ReservationSlots::new()
    }

    fn new_local() -> Local {
        Local { lo: NONE, hi: NONE, retires: Cell::new(0), scan_at: Cell::new(SCAN_AT) }
    }

    fn clear(slots: &ReservationSlots) {
        slots.clear();
    }

    /// Reserves the current era, unless the entry's reservation is
    /// exactly that era already (published, and fenced, by an earlier
    /// guard in this era). A reservation that only ends in the current era
    /// is reset too: kept, its start would stay where an earlier guard
    /// left it, and hold back everything retired since.
    #[inline]
    fn begin(domain: &IbrDomain, entry: &mut Entry<Self>) {
        let now = era(domain);
        // `lo <= hi <= now`: `lo == now` means the reservation is `now..=now`.
        if now != entry.local.lo {
            reset(entry, now);
        }
    }

    #[inline]
    fn scan_due(entry: &Entry<Self>, len: usize) -> bool {
        len >= entry.local.scan_at.get()
    }

    fn scanned(entry: &Entry<Self>, kept: usize) {
        entry.local.scan_at.set(kept + SCAN_AT.max(kept / 2));
    }

    /// Frees every object in `garbage` (and in the handed-over garbage)
    /// whose lifetime no reservation meets; keeps the others in `garbage`.
    fn scan(domain: &IbrDomain, garbage: &mut Vec<Retired>) {
        // Everything a scan may free must be retired, hence unlinked,
        // before its fence: take the handed-over garbage first.
        domain.take_orphans(garbage);
        full_fence();
        // Objects retired before the fence and not yet stamped get the era
        // read after it: no earlier than the era of any reservation under
        // which they were read (the crate docs' argument).
        let now = era(domain);
        for retired in garbage.iter_mut().filter(|r| r.retired == NONE) {
            retired.retired = now;
        }
        let mut reservations: Vec<Reservation> = Vec::new();
        domain.for_each_record(|slots| reservations.extend(slots.read()));
        // SAFETY: reclaim_unless 1: every object of `garbage` was retired
        // into this domain (unlinked before the fence above), and no
        // reservation published before the fence meets the lifetimes of
        // the ones freed: a reader that could still reach one would have
        // published one (the crate docs' argument). Each was taken out of
        // its list once.
        unsafe {
            reclaim_unless::<Self>(garbage, |r| reservations.iter().any(|v| v.meets(r.birth, r.retired)))
        };
    }

    unsafe fn reclaim(retired: Retired) {
        // SAFETY: Scheme::reclaim 1 is RetiredPtr::reclaim's contract.
        unsafe { retired.ptr.reclaim() };
    }
}

/// Reserves `now..=now` in place of the entry's reservation.
#[inline]
pub(crate) fn reset(entry: &mut Entry<Ibr>, now: u64) {
    entry.record().slots.reserve(now, now);
    full_fence();
    (entry.local.lo, entry.local.hi) = (now, now);
}

/// Extends the reservation to `now` (when the era has moved since the
/// entry's last one).
#[cold]
pub(crate) fn extend(entry: &mut Entry<Ibr>, now: u64) {
    entry.record().slots.extend(now);
    full_fence();
    entry.local.hi = now;
}

/// Keeps `ptr`, born in era `birth`, for a later scan; advances the era
/// every [`RETIRES_PER_ERA`] retires of the entry.
///
/// # Safety
///
/// 1. `ptr` is unlinked, retired once, and valid for its reclaim until a
///    scan or the domain's drop frees it (`Entry::retire` 1).
/// 2. `entry` is an entry of `domain`.
pub(crate) unsafe fn retire(domain: &IbrDomain, entry: &Entry<Ibr>, ptr: RetiredPtr, birth: u64) {
    let retires = entry.local.retires.get().wrapping_add(1);
    entry.local.retires.set(retires);
    if retires % RETIRES_PER_ERA == 0 {
        domain.state().fetch_add(1, SeqCst);
    }
    // SAFETY: Entry::retire 1 and 2 are our points 1 and 2.
    unsafe { entry.retire(domain, Retired::new(ptr, birth)) };
}
