//! What a hazard-pointer record publishes: two hazard pointers (the
//! descriptor an operation reads, and the heap cell of the element it
//! reads).

use std::ptr;

#[cfg(loom)]
use loom::sync::atomic::AtomicPtr;
#[cfg(not(loom))]
use std::sync::atomic::AtomicPtr;
use std::sync::atomic::Ordering::{Acquire, Release};

/// A record's two hazard pointers: null when they protect nothing.
pub struct HazardSlots([AtomicPtr<()>; 2]);

impl HazardSlots {
    pub(crate) fn new() -> Self {
        HazardSlots([AtomicPtr::new(ptr::null_mut()), AtomicPtr::new(ptr::null_mut())])
    }

    /// Publishes `p` in hazard pointer `i` (the caller then runs the
    /// light barrier and validates).
    #[inline]
    pub(crate) fn publish(&self, i: usize, p: *mut ()) {
        // Ordered before the validation by the light barrier, and against a
        // scan by the heavy one (see `barrier`). `Release` is for the
        // pointer this replaces: what the owner read through it happens
        // before a scan that sees the slot re-pointed (and frees it).
        self.0[i].store(p, Release);
    }

    /// Hazard pointer `i` protects nothing any more. `Release`: everything
    /// the owner read through the pointer happens before a scan that sees
    /// the slot empty (and frees).
    #[inline]
    pub(crate) fn clear(&self, i: usize) {
        self.0[i].store(ptr::null_mut(), Release);
    }

    /// Both hazard pointers protect nothing any more.
    pub(crate) fn clear_all(&self) {
        for i in 0..self.0.len() {
            self.clear(i);
        }
    }

    /// Appends the published hazard pointers to `out`.
    pub(crate) fn hazards(&self, out: &mut Vec<usize>) {
        for slot in &self.0 {
            // `Acquire`: pairs with the `Release` stores of `publish` and
            // `clear`.
            let h = slot.load(Acquire);
            if !h.is_null() {
                out.push(h as usize);
            }
        }
    }
}
