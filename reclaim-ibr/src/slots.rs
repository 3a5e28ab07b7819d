//! What a record of interval-based reclamation publishes: one reservation,
//! the interval of eras `lo..=hi` its owner may be reading objects from.

#[cfg(loom)]
use loom::sync::atomic::AtomicU64;
#[cfg(not(loom))]
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::{Acquire, Release};

/// The bound of a record that reserves nothing: no object's lifetime
/// starts after it.
pub(crate) const NONE: u64 = u64::MAX;

/// A record's reservation (`u64::MAX` in both bounds when there is none).
pub struct ReservationSlots {
    lo: AtomicU64,
    hi: AtomicU64,
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

impl ReservationSlots {
    pub(crate) fn new() -> Self {
        ReservationSlots { lo: AtomicU64::new(NONE), hi: AtomicU64::new(NONE) }
    }

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
        self.reserve(NONE, NONE);
    }

    /// The published reservation, if there is one.
    pub(crate) fn read(&self) -> Option<Reservation> {
        // `Acquire`: pairs with the `Release` stores of `reserve`,
        // `extend` and `clear`, so what the owner read under an earlier
        // reservation happens before a scan that sees a later one (and
        // frees).
        let lo = self.lo.load(Acquire);
        let hi = self.hi.load(Acquire);
        (lo != NONE).then_some(Reservation { lo, hi })
    }
}
