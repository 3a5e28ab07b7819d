//! A counting global allocator: an independent check of the vectors' own
//! accounting. Install it in a binary with
//! `#[global_allocator] static A: Counting = Counting;` and compare
//! [`live_bytes`] before and after what you measure.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicI64, Ordering::Relaxed};

/// Forwards to the system allocator and counts the bytes currently
/// allocated, process-wide.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counting;

static LIVE_BYTES: AtomicI64 = AtomicI64::new(0);

/// Bytes currently allocated through [`Counting`] (stays 0 if it is not the
/// global allocator).
pub fn live_bytes() -> i64 {
    LIVE_BYTES.load(Relaxed)
}

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged (so `System`'s guarantees are ours) and only adds counting.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract of `GlobalAlloc::alloc`.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size() as i64, Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract of `GlobalAlloc::alloc_zeroed`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size() as i64, Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as i64, Relaxed);
        // SAFETY: forwarded contract of `GlobalAlloc::dealloc`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract of `GlobalAlloc::realloc`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(new_size as i64 - layout.size() as i64, Relaxed);
        }
        p
    }
}
