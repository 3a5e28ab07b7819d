//! Hazard-pointer records: a domain's append-only list of them.
//!
//! A record holds two hazard pointers (the descriptor an operation reads,
//! and the heap cell of the element it reads) and is owned by one guard at
//! a time, or by one thread's cache entry. Records are never freed before
//! their domain: a scan walks the list without any synchronization beyond
//! the loads, and a released record is taken again by the next guard that
//! finds it inactive.

use crossbeam_utils::CachePadded;
use std::ptr;

#[cfg(loom)]
use loom::sync::atomic::{AtomicBool, AtomicPtr};
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
#[cfg(not(loom))]
use std::sync::atomic::{AtomicBool, AtomicPtr};

/// One hazard-pointer record, on its own cache line.
pub(crate) struct Record {
    /// The two hazard pointers: null when they protect nothing.
    pub(crate) slots: [AtomicPtr<()>; 2],
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

impl Records {
    pub(crate) fn new() -> Self {
        Records { head: AtomicPtr::new(ptr::null_mut()) }
    }

    /// An inactive record, now owned by the caller until [`release`](Self::release).
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
            slots: [AtomicPtr::new(ptr::null_mut()), AtomicPtr::new(ptr::null_mut())],
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

    /// Gives `record` back: its hazard pointers protect nothing any more.
    pub(crate) fn release(record: &Record) {
        for i in 0..record.slots.len() {
            record.clear(i);
        }
        record.active.store(false, Release);
    }

    /// Appends every published hazard pointer to `out`.
    pub(crate) fn hazards(&self, out: &mut Vec<usize>) {
        let mut p = self.head.load(Acquire);
        // SAFETY: as in `acquire`.
        while let Some(r) = unsafe { p.as_ref() } {
            for slot in &r.slots {
                // `Acquire`: pairs with the `Release` stores of `publish`,
                // `clear` and `release`.
                let h = slot.load(Acquire);
                if !h.is_null() {
                    out.push(h as usize);
                }
            }
            p = r.next.load(Relaxed);
        }
    }
}

impl Record {
    /// Publishes `p` in hazard pointer `i` (the caller then runs the
    /// light barrier and validates).
    #[inline]
    pub(crate) fn publish(&self, i: usize, p: *mut ()) {
        // Ordered before the validation by the light barrier, and against a
        // scan by the heavy one (see `barrier`). `Release` is for the
        // pointer this replaces: what the owner read through it happens
        // before a scan that sees the slot re-pointed (and frees it).
        self.slots[i].store(p, Release);
    }

    /// Hazard pointer `i` protects nothing any more. `Release`: everything
    /// the owner read through the pointer happens before a scan that sees
    /// the slot empty (and frees).
    #[inline]
    pub(crate) fn clear(&self, i: usize) {
        self.slots[i].store(ptr::null_mut(), Release);
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
