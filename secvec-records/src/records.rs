//! A domain's append-only list of records.
//!
//! A record holds what one guard publishes (a scheme's [`Scheme::Slots`]:
//! hazard pointers, a reservation) and is owned by one guard at a time, or
//! by one thread's entry. Records are never freed before their list: a
//! scan walks it with loads only, and a released record is taken again by
//! the next guard that finds it inactive.

use crate::Scheme;
use crossbeam_utils::CachePadded;
use std::ptr;

#[cfg(loom)]
use loom::sync::atomic::{AtomicBool, AtomicPtr};
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
#[cfg(not(loom))]
use std::sync::atomic::{AtomicBool, AtomicPtr};

/// One record, on its own cache line: a scheme's slots, and whether a
/// guard or a thread's entry owns it.
pub struct Record<S: Scheme> {
    /// What the owner publishes.
    pub slots: S::Slots,
    active: AtomicBool,
    /// The next record of the list (set before the record is published,
    /// never changed after).
    next: AtomicPtr<CachePadded<Record<S>>>,
}

/// The records of one domain.
pub(crate) struct Records<S: Scheme> {
    head: AtomicPtr<CachePadded<Record<S>>>,
}

impl<S: Scheme> Records<S> {
    pub(crate) fn new() -> Self {
        Records { head: AtomicPtr::new(ptr::null_mut()) }
    }

    /// An inactive record (its slots cleared), now owned by the caller
    /// until [`release`](Self::release).
    pub(crate) fn acquire(&self) -> &Record<S> {
        let mut p = self.head.load(Acquire);
        // SAFETY: records are published by a `Release` CAS on `head` after
        // they are initialized, and freed only when the list is dropped.
        while let Some(r) = unsafe { p.as_ref() } {
            if !r.active.load(Relaxed) && r.active.compare_exchange(false, true, Acquire, Relaxed).is_ok() {
                return r;
            }
            p = r.next.load(Relaxed);
        }
        let new = Box::into_raw(Box::new(CachePadded::new(Record {
            slots: S::new_slots(),
            active: AtomicBool::new(true),
            next: AtomicPtr::new(ptr::null_mut()),
        })));
        let mut head = self.head.load(Relaxed);
        loop {
            // SAFETY: `new` is ours until the CAS below publishes it.
            unsafe { (&(*new)).next.store(head, Relaxed) };
            match self.head.compare_exchange_weak(head, new, Release, Relaxed) {
                // SAFETY: published, freed only with the list (above).
                Ok(_) => return unsafe { &*new },
                Err(now) => head = now,
            }
        }
    }

    /// Gives `record` back: its slots are cleared (they protect nothing).
    pub(crate) fn release(record: &Record<S>) {
        S::clear(&record.slots);
        record.active.store(false, Release);
    }

    /// Every record's slots, active or not (inactive ones are cleared).
    pub(crate) fn for_each(&self, mut f: impl FnMut(&S::Slots)) {
        let mut p = self.head.load(Acquire);
        // SAFETY: as in `acquire`.
        while let Some(r) = unsafe { p.as_ref() } {
            f(&r.slots);
            p = r.next.load(Relaxed);
        }
    }
}

impl<S: Scheme> Drop for Records<S> {
    fn drop(&mut self) {
        // Relaxed: `&mut self`, nobody else can touch the list.
        let mut p = self.head.load(Relaxed);
        while !p.is_null() {
            // SAFETY: every record was made by `Box::into_raw` in `acquire`,
            // is in the list once, and nothing uses it once the list is
            // being dropped (guards borrow their registry).
            let record = unsafe { Box::from_raw(p) };
            p = record.next.load(Relaxed);
        }
    }
}
