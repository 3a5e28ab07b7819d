//! A [`Reclaimer`] on interval-based reclamation (2GE-IBR, Wen, Izraelevitz,
//! Cai, Beadle and Scott, PPoPP 2018): robust like hazard pointers, and a
//! read pays a fence only when the era has moved since the reader's last
//! one.
//!
//! Each domain counts eras; every descriptor and element cell is stamped
//! with the era it was born in ([`Reclaimer::birth_era`], kept by
//! secvec-core's `birth-eras` feature, which this crate enables), and a
//! scan stamps what was retired since the last one with the era it retired
//! in. A guard reserves the interval of eras it has read in, `lo..=hi`; an
//! object is freed once no reservation meets its lifetime. A reader that
//! stalls keeps its reservation, and so holds back only the objects born
//! before it stalled and retired after it started: garbage stays bounded
//! (epochs and seize keep everything retired after a stalled guard).
//!
//! ```
//! use reclaim_ibr::SecVec;
//!
//! let v = SecVec::<i32>::new();
//! std::thread::scope(|s| {
//!     s.spawn(|| for i in 0..100 { v.push(i); });
//!     s.spawn(|| for _ in 0..100 { let _ = v.pop(); });
//! });
//! # #[cfg(feature = "accounting")] {
//! let stats = v.stats();
//! drop(v);
//! assert_eq!(stats.snapshot().leaked(), Some(0)); // the domain freed everything
//! # }
//! ```
//!
//! # Why not `fast-smr`
//!
//! `fast-smr` (0.2) implements 2GE-IBR, and was the first choice. It
//! cannot meet the [`Reclaimer`] safety contract as it stands: its thread
//! context panics when dropped with guards alive (a leaked `Ref` or handle
//! does that: contract points 4 and 5), it keeps its per-thread state in
//! thread-local storage (operations from thread-local destructors: point
//! 5), its `retire` takes an allocation layout where SecVec's descriptors
//! recycle their memory themselves, and it needs Rust 1.91 (this workspace
//! supports 1.85). So the scheme is implemented here, from the paper, on
//! the per-thread record machinery it shares with `reclaim-hazard-asym`
//! (`secvec-records`).
//!
//! # The protocol
//!
//! Eras are read with `SeqCst` loads and advanced with `SeqCst` increments
//! (every [`RETIRES_PER_ERA`] retires of a thread), so all of them, and the
//! fences below, fall in one total order `S`.
//!
//! - **Reserve.** A guard starts by reading the era `e` and, unless its
//!   entry already reserves up to `e`, publishing `e..=e` and running a
//!   full fence `F_r`.
//! - **Read.** `protect` loads `p` from `src`, then reads the era `e'`: if
//!   the reservation ends at `e'`, `p` is protected; else it extends the
//!   reservation to `e'`, runs a full fence, and loads `src` again.
//!   `protect_second` (an element's cell, read by the caller from memory
//!   the guard protects) extends the reservation the same way if the era
//!   moved, then lets the caller's `reachable` validate.
//! - **Scan.** A thread takes its garbage (objects unlinked, then retired),
//!   runs a full fence `F_s`, reads the era `n` and stamps every object not
//!   yet stamped as retired in `n`, reads every reservation, and frees the
//!   objects whose lifetime `birth..=retired` meets none.
//!
//! Why a reader's `p` is never freed under it: `p` was loaded from `src`
//! after the reader's last fence `F_r` and before `p` was unlinked (it was
//! still there). The unlink precedes `F_s`; had `F_s` come before `F_r` in
//! `S`, the load after `F_r` would have seen the unlink. So `F_r` precedes
//! `F_s`, and the scan sees the reservation `lo..=hi` (or a wider one, as a
//! reservation only widens while a guard lives), and:
//!
//! - `lo <= retired`: `lo` is an era read before `F_r`, `retired` one read
//!   after `F_s`, and eras only grow along `S`;
//! - `birth <= hi`: `p`'s birth era was read before `p` was published, the
//!   reader's era `e'` after it loaded `p` (an `Acquire` load that saw the
//!   publication), and `hi = e'`.
//!
//! So the lifetime meets the reservation, and `p` is kept. A loom model
//! checks a reader against a scan with the fences in place, and fails
//! without them (`--cfg secvec_defect="ibr_no_fence"`, a negative control
//! CI runs). Robustness rests on the birth eras: with every object taken
//! as born in era 0 (`--cfg secvec_defect="ibr_no_birth"`, another
//! control) a stalled reader holds back everything, and the suite's
//! garbage bound fails.
//!
//! # Costs and bounds
//!
//! - A thread's entry keeps its reservation between operations: an
//!   operation in the same era as the thread's last one publishes nothing
//!   and runs no fence. Each advance of the era makes each active thread
//!   pay one fence.
//! - Objects retired since a thread's last scan are kept by any reservation
//!   that began before it, so they are freed by the next scan (a thread
//!   scans after [`SCAN_AT`] retires): garbage per thread stays below
//!   about `3 * SCAN_AT`, plus what stalled reservations cover. A
//!   reservation left by a reader that stalls, or by a thread that exited
//!   (an entry keeps its reservation between operations, until its seat is
//!   taken again), covers only the objects born in the eras it spans: one
//!   or two eras, at most [`RETIRES_PER_ERA`] births per thread each.
//! - A handle ([`Reclaimer::pin`]) that keeps *reading* extends its
//!   reservation as the era moves, and then holds back what is retired
//!   meanwhile, as an epoch would: call `refresh` in long loops. One that
//!   stalls does not.
//!
//! # Threads and shutdown
//!
//! Each thread keeps one record of the domain in a [`PerThread`] entry,
//! keyed by the core's thread registry (never shared by two live threads,
//! not even while one runs its thread-local destructors), with the garbage
//! it retired. A kept guard (a `pin` handle), a nested guard and a thread
//! without a seat take a record of their own and give it back, with their
//! garbage, when they end. Nothing uses thread-local storage, so every
//! operation works from a thread-local destructor. Dropping the domain
//! frees every object retired into it.
//!
//! [`PerThread`]: secvec_core::per_thread::PerThread

#[cfg(all(test, loom))]
mod loom_model;
mod scheme;
mod slots;

pub use scheme::{IbrDomain, IbrGuard, Local, RETIRES_PER_ERA, Retired, SCAN_AT};
pub use slots::ReservationSlots;

use secvec_core::{Reclaimer, Retire, RetiredPtr, sync::AtomicPtr};
use std::sync::atomic::Ordering::Acquire;

/// The interval-based reclaimer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ibr;

// SAFETY: 1. `protect` returns `p` only when the reservation, published
// and fenced before `p` was loaded, ends at an era read after the load (the
// protocol above); `protect_second` returns true only when the
// reservation, published and fenced, ends at an era read after `ptr` was
// read, and `reachable` then passed (its contract: `ptr` was not retired
// yet). A scan frees only objects whose lifetime meets no reservation read
// after its fence; a reservation is narrowed only by `refresh`, a new
// guard on the entry (when the last one ended), or the release of an owned
// record when its guard drops.
// 2. Each retired pointer is in exactly one list (a thread's entry, an own
// guard's entry, or the shared list); a scan takes a list's objects out
// and reclaims each one it frees once, through `RetiredPtr::reclaim`.
// 3. Guards borrow the domain; its drop (and its entries' drops) reclaims
// everything still retired before it returns; nothing of the domain is
// handed out. 4. A guard is `!Send` (a `RefMut` is not `Send`); thread
// entries live in a `PerThread`, never shared by two live threads; a kept
// guard owns its record and uses no per-thread state. 5. No thread-local
// storage: a thread being torn down has no seat and takes its own record.
// 7. `retire` may scan, which reclaims (never unwinds: `Retire::reclaim`'s
// contract); pushing to a `Vec` aborts on allocation failure. 8. A nested
// guard finds the thread's entry borrowed and takes a record of its own.
unsafe impl Reclaimer for Ibr {
    type Domain = IbrDomain;
    type Guard<'d> = IbrGuard<'d>;

    fn new_domain() -> IbrDomain {
        scheme::new_domain()
    }

    #[inline]
    fn birth_era(domain: &IbrDomain) -> u64 {
        scheme::era(domain)
    }

    #[inline]
    unsafe fn guard(domain: &IbrDomain) -> IbrGuard<'_> {
        // SAFETY: `operation` 1 is our guard safety 1.
        unsafe { domain.operation() }
    }

    /// A record of the handle's own (a handle lives long enough for taking
    /// one to be cheap, and keeps no per-thread state).
    #[inline]
    fn pin(domain: &IbrDomain) -> IbrGuard<'_> {
        domain.own()
    }

    #[inline]
    fn protect<T: Sync>(guard: &mut IbrGuard<'_>, src: &AtomicPtr<T>) -> *mut T {
        let domain = guard.registry();
        // SAFETY: entry 1: this is the scheme's own code, which keeps the
        // entry's copy of its reservation equal to the published one.
        let entry = unsafe { guard.entry() };
        loop {
            let p = src.load(Acquire);
            let now = scheme::era(domain);
            if now == entry.local.hi {
                return p;
            }
            scheme::extend(entry, now);
        }
    }

    #[inline]
    fn protect_second<T: Sync>(
        guard: &mut IbrGuard<'_>,
        ptr: *mut T,
        reachable: impl FnOnce() -> bool,
    ) -> bool {
        let _ = ptr;
        let domain = guard.registry();
        // SAFETY: entry 1: this is the scheme's own code, which keeps the
        // entry's copy of its reservation equal to the published one.
        let entry = unsafe { guard.entry() };
        let now = scheme::era(domain);
        if now != entry.local.hi {
            scheme::extend(entry, now);
        }
        reachable()
    }

    fn refresh(guard: &mut IbrGuard<'_>) {
        let now = scheme::era(guard.registry());
        // SAFETY: entry 1: this is the scheme's own code, which keeps the
        // entry's copy of its reservation equal to the published one.
        let entry = unsafe { guard.entry() };
        if (entry.local.lo, entry.local.hi) != (now, now) {
            scheme::reset(entry, now);
        }
    }

    #[inline]
    unsafe fn retire<T: Retire>(domain: &IbrDomain, guard: &IbrGuard<'_>, ptr: *mut T) {
        // SAFETY: Retire::birth 1: retire safety 1, `ptr` is live.
        let birth = unsafe { T::birth(ptr) };
        // The negative control of robustness: every object "born before
        // everything" (what a scheme without birth eras amounts to, an
        // epoch) must fail the garbage bound under a stalled reader.
        let birth = if cfg!(secvec_defect = "ibr_no_birth") { 0 } else { birth };
        // The guard's entry keeps the object until a scan frees it (its
        // garbage is this guard's alone; see `Entry::retire`).
        // SAFETY: scheme::retire 1: our retire safety 1 to 3 (`ptr` is
        // unlinked, valid, retired once into this domain, and
        // `RetiredPtr::reclaim` is `T::reclaim`); 2: retire safety 4.
        unsafe { scheme::retire(domain, guard.entry_ref(), RetiredPtr::new(ptr), birth) };
    }
}

/// A [`secvec_core::SecVec`] whose descriptors are reclaimed with
/// interval-based reclamation.
pub type SecVec<T> = secvec_core::SecVec<T, Ibr>;

/// A guarded reference to an element of a [`SecVec`] (from `get_ref` or
/// `pop_ref`): see [`secvec_core::Ref`].
pub type Ref<'v, T> = secvec_core::Ref<'v, T, Ibr>;

/// A handle on a [`SecVec`] that keeps one guard for many operations (from
/// `pin`): see [`secvec_core::Pinned`].
pub type Pinned<'v, T> = secvec_core::Pinned<'v, T, Ibr>;

/// A reclamation domain that many vectors share
/// ([`SecVec::new_in`](secvec_core::SecVec::new_in); what changes:
/// [`secvec_core::SharedDomain`]).
pub type SharedDomain = secvec_core::SharedDomain<Ibr>;
