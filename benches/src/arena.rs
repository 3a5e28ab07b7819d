//! Memory for the no-reclamation baseline: a global allocator that, for
//! threads inside a [`Scope`], hands out memory from one region reserved
//! and touched before anything is timed, and never frees it.
//!
//! Why: a vector that never frees (the leak backend) asks the allocator
//! for fresh memory on every write, and fresh memory costs a page fault
//! every 64 descriptors: on these VMs its one-thread push/pop ran at 3.7
//! Mops/s against epoch's 25. That measures the kernel, not the absence of
//! reclamation. smr-benchmark's "no reclamation" is the cost of the data
//! structure alone; here that is the leak backend over this arena: a bump
//! pointer per thread (a 1 MiB chunk at a time from one shared offset), no
//! page faults, nothing freed.
//!
//! Everywhere else (outside a [`Scope`], or once the region is used up)
//! it forwards to the wrapped allocator; the region's allocations are
//! counted by a [`Counting`](secvec_suite::alloc::Counting) around it like
//! any other. [`reset`] makes the region reusable between runs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

/// Forwards to `A`, except for threads inside a [`Scope`] (see the module
/// docs).
#[derive(Debug, Default, Clone, Copy)]
pub struct Pretouched<A = System>(pub A);

impl Pretouched {
    /// Over the system allocator.
    pub const SYSTEM: Pretouched = Pretouched(System);
}

/// Start and length of the region (0 until [`reserve`]).
static BASE: AtomicUsize = AtomicUsize::new(0);
static LEN: AtomicUsize = AtomicUsize::new(0);
/// Offset of the next chunk handed to a thread.
static NEXT: AtomicUsize = AtomicUsize::new(0);
/// Bumped by [`reset`]: a thread's chunk from an earlier generation is
/// stale.
static GENERATION: AtomicUsize = AtomicUsize::new(1);
/// Allocations inside a scope that found the region used up.
static OVERFLOWS: AtomicU64 = AtomicU64::new(0);

/// What one thread takes from the region at a time.
const CHUNK: usize = 1 << 20;
const PAGE: usize = 4096;
const HUGE_PAGE: usize = 2 << 20;

thread_local! {
    /// Whether this thread allocates from the region.
    static IN_SCOPE: Cell<bool> = const { Cell::new(false) };
    /// This thread's chunk: (generation, next free address, end).
    static MINE: Cell<(usize, usize, usize)> = const { Cell::new((0, 0, 0)) };
}

/// Reserves `bytes` through `alloc` (the allocator this one wraps) and
/// touches every page, so that no allocation from it page-faults later.
/// Once per process; returns the bytes reserved (0 if `alloc` refused).
pub fn reserve<A: GlobalAlloc>(alloc: &A, bytes: usize) -> usize {
    assert_eq!(BASE.load(Relaxed), 0, "the arena is reserved once per process");
    let Ok(layout) = Layout::from_size_align(bytes.max(HUGE_PAGE), HUGE_PAGE) else { return 0 };
    // SAFETY: `layout` has a non-zero size (at least a page). The block is
    // never freed: the region lives as long as the process.
    let p = unsafe { alloc.alloc(layout) };
    if p.is_null() {
        return 0;
    }
    // Transparent huge pages where the kernel offers them: memory that is
    // never reused is new to every reader's TLB, one miss per 4 KiB page
    // otherwise (long-running readers beside a leaking writer ran at 36 M
    // elements/s against 80-100 with hazard pointers). Advice only: if it
    // is refused, the region still works.
    // SAFETY: `p..p + layout.size()` is the block just allocated, aligned
    // to a huge page; the advice changes no contents.
    let _ = unsafe { libc::madvise(p.cast(), layout.size(), libc::MADV_HUGEPAGE) };
    for off in (0..layout.size()).step_by(PAGE) {
        // SAFETY: `off` is inside the block just allocated (`layout.size()`
        // bytes from `p`), which nothing else can see yet.
        unsafe { p.add(off).write_volatile(0) };
    }
    BASE.store(p as usize, Relaxed);
    LEN.store(layout.size(), Relaxed);
    layout.size()
}

/// Allocations made inside a scope after the region was used up (they
/// went to the wrapped allocator, page faults and all).
pub fn overflows() -> u64 {
    OVERFLOWS.load(Relaxed)
}

/// Makes the whole region available again.
///
/// # Safety
///
/// 1. No thread is inside a [`Scope`] while this runs.
/// 2. Nothing allocated from the region before this call is read or
///    written after it (what a leaking vector leaked is never touched
///    again; what it still owned was "freed", which the region ignores).
pub unsafe fn reset() {
    GENERATION.fetch_add(1, Relaxed);
    NEXT.store(0, Relaxed);
}

/// While it lives, the current thread allocates from the region.
pub struct Scope(PhantomData<*const ()>);

impl Scope {
    /// Enters (the current thread only).
    pub fn enter() -> Scope {
        IN_SCOPE.with(|s| s.set(true));
        Scope(PhantomData)
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        IN_SCOPE.with(|s| s.set(false));
    }
}

/// Whether `p` points into the region.
pub fn in_region(p: *const u8) -> bool {
    let base = BASE.load(Relaxed);
    base != 0 && (p as usize).wrapping_sub(base) < LEN.load(Relaxed)
}

/// A block of `layout` from this thread's chunk (taking a new chunk when
/// it does not fit), or `None` outside a scope or when the region is used up.
fn bump(layout: Layout) -> Option<*mut u8> {
    if !IN_SCOPE.try_with(Cell::get).unwrap_or(false) {
        return None;
    }
    let generation = GENERATION.load(Relaxed);
    let (g, next, end) = MINE.try_with(Cell::get).ok()?;
    let fit = |next: usize, end: usize| {
        let at = next.checked_add(layout.align() - 1)? & !(layout.align() - 1);
        (at.checked_add(layout.size())? <= end).then_some(at)
    };
    if let Some(at) = fit(next, end).filter(|_| g == generation) {
        MINE.with(|m| m.set((g, at + layout.size(), end)));
        return Some(at as *mut u8);
    }
    let size = CHUNK.max(layout.size() + layout.align());
    let off = NEXT.fetch_add(size, Relaxed);
    if off.checked_add(size).is_none_or(|e| e > LEN.load(Relaxed)) {
        OVERFLOWS.fetch_add(1, Relaxed);
        return None;
    }
    let (start, end) = (BASE.load(Relaxed) + off, BASE.load(Relaxed) + off + size);
    let at = fit(start, end)?;
    MINE.with(|m| m.set((generation, at + layout.size(), end)));
    Some(at as *mut u8)
}

// SAFETY: a block from the region is `layout.size()` bytes aligned to
// `layout.align()` (`bump` rounds up and checks the end), inside a chunk
// only this thread bumps in, and no block is handed out twice until
// `reset`, whose contract says the earlier ones are dead. Blocks of the
// region are never passed to `A`; everything else forwards to `A`
// unchanged, so `A`'s guarantees hold for it.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Pretouched<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match bump(layout) {
            Some(p) => p,
            // SAFETY: forwarded contract of `GlobalAlloc::alloc`.
            None => unsafe { self.0.alloc(layout) },
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match bump(layout) {
            Some(p) => {
                // SAFETY: `p` is a fresh block of `layout.size()` bytes (see
                // the impl's comment); a reused region is not zero.
                unsafe { p.write_bytes(0, layout.size()) };
                p
            }
            // SAFETY: forwarded contract of `GlobalAlloc::alloc_zeroed`.
            None => unsafe { self.0.alloc_zeroed(layout) },
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if !in_region(ptr) {
            // SAFETY: forwarded contract: `ptr` came from `A` (blocks not
            // in the region always do) with `layout`.
            unsafe { self.0.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let in_scope = IN_SCOPE.try_with(Cell::get).unwrap_or(false);
        if !in_region(ptr) && !in_scope {
            // SAFETY: forwarded contract of `GlobalAlloc::realloc`; `ptr`
            // came from `A`.
            return unsafe { self.0.realloc(ptr, layout, new_size) };
        }
        // SAFETY: the caller guarantees a valid `new_size` for
        // `layout.align()` (`GlobalAlloc::realloc`, point on `new_size`).
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: `new` has a non-zero size (the caller's contract).
        let p = unsafe { self.alloc(new) };
        if !p.is_null() {
            // SAFETY: both blocks are valid for the smaller size and do not
            // overlap (`p` is fresh); `ptr` is freed after the copy.
            unsafe {
                p.copy_from_nonoverlapping(ptr, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        p
    }
}
