//! Reservation records: a domain's append-only list of them.
//!
//! A record holds one reservation, the interval of eras `lo..=hi` its
//! owner may be reading objects from, and is owned by one guard at a time,
//! or by one thread's cache entry. Records are never freed before their
//! domain: a scan walks the list with loads only, and a released record is
//! taken again by the next guard that finds it inactive.

use crossbeam_utils::CachePadded;
use std::ptr;

#[cfg(loom)]
use loom::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64};
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
#[cfg(not(loom))]
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64};

/// The bound of a record that reserves nothing: no object's lifetime
/// starts after it.
pub(crate) const NONE: u64 = u64::MAX;

/// One reservation record, on its own cache line.
pub(crate) struct Record {
    /// The first era of the reservation ([`NONE`] when there is none).
    lo: AtomicU64,
    /// The last era of the reservation ([`NONE`] when there is none).
    hi: AtomicU64,
    /// Whether a guard or a thread's cache owns the record.
    active: AtomicBool,
    /// The next record of the list (set before the record is published,
    /// never changed after).
    next: AtomicPtr<CachePadded<Record>>,
}

/// The records of one domain.
pub(crate) struct Records {
    head: AtomicPtr<CachePadded<Record>>,
}

/// A reservation as a scan reads it: objects born at or before `hi` and
/// retired at or after `lo` are kept.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reservation {
    pub(crate) lo: u64,
    pub(crate) hi: u64,
}

impl Reservation {
    /// Whether an object born in era `birth` and retired in era `retired`
    /// may be read under this reservation: the two intervals meet.
    #[inline]
    pub(crate) fn meets(&self, birth: u64, retired: u64) -> bool {
        birth <= self.hi && self.lo <= retired
    }
}

impl Records {
    pub(crate) fn new() -> Self {
        Records { head: AtomicPtr::new(ptr::null_mut()) }
    }

    /// An inactive record (reserving nothing), now owned by the caller
    /// until [`release`](Self::release).
    pub(crate) fn acquire(&self) -> &Record {
        let mut p = self.head.load(Acquire);
        // SAFETY: records are published by a `Release` CAS on `head` after
        // they are initialized, and freed only when the domain (which owns
        // `self`) is dropped.
        while let Some(r) = unsafe { p.as_ref() } {
            if !r.active.load(Relaxed) && r.active.compare_exchange(false, true, Acquire, Relaxed).is_ok() {
                return r;
            }
            p = r.next.load(Relaxed);
        }
        let new = Box::into_raw(Box::new(CachePadded::new(Record {
            lo: AtomicU64::new(NONE),
            hi: AtomicU64::new(NONE),
            active: AtomicBool::new(true),
            next: AtomicPtr::new(ptr::null_mut()),
        })));
        let mut head = self.head.load(Relaxed);
        loop {
            // SAFETY: `new` is ours until the CAS below publishes it.
            unsafe { (&(*new)).next.store(head, Relaxed) };
            match self.head.compare_exchange_weak(head, new, Release, Relaxed) {
                // SAFETY: published, freed only with the domain (above).
                Ok(_) => return unsafe { &*new },
                Err(now) => head = now,
            }
        }
    }

    /// Gives `record` back: it reserves nothing any more.
    pub(crate) fn release(record: &Record) {
        record.clear();
        record.active.store(false, Release);
    }

    /// Appends every published reservation to `out`.
    pub(crate) fn reservations(&self, out: &mut Vec<Reservation>) {
        let mut p = self.head.load(Acquire);
        // SAFETY: as in `acquire`.
        while let Some(r) = unsafe { p.as_ref() } {
            // `Acquire`: pairs with the `Release` stores of `reserve` and
            // `clear`, so what the owner read under an earlier reservation
            // happens before a scan that sees a later one (and frees).
            let lo = r.lo.load(Acquire);
            let hi = r.hi.load(Acquire);
            if lo != NONE {
                out.push(Reservation { lo, hi });
            }
            p = r.next.load(Relaxed);
        }
    }
}

impl Record {
    /// Reserves `lo..=hi` in place of what the record reserved (the
    /// caller then runs a full fence before it relies on it). `lo` first:
    /// until `hi` follows, a scan may see an empty interval, which only
    /// drops the old reservation, which the caller no longer needs.
    #[inline]
    pub(crate) fn reserve(&self, lo: u64, hi: u64) {
        self.lo.store(lo, Release);
        self.hi.store(hi, Release);
    }

    /// Extends the reservation to era `hi` (which is not below the old
    /// one); the caller then runs a full fence before it relies on it.
    #[inline]
    pub(crate) fn extend(&self, hi: u64) {
        self.hi.store(hi, Release);
    }

    /// The record reserves nothing any more.
    #[inline]
    pub(crate) fn clear(&self) {
        self.lo.store(NONE, Release);
        self.hi.store(NONE, Release);
    }
}

impl Drop for Records {
    fn drop(&mut self) {
        // Relaxed: `&mut self`, nobody else can touch the list.
        let mut p = self.head.load(Relaxed);
        while !p.is_null() {
            // SAFETY: every record was made by `Box::into_raw` in `acquire`,
            // is in the list once, and nothing uses it once the domain is
            // being dropped (guards borrow the domain).
            let record = unsafe { Box::from_raw(p) };
            p = record.next.load(Relaxed);
        }
    }
}
