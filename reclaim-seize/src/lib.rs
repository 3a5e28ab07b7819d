//! A [`Reclaimer`] on [`seize`], with one `Collector` per vector (or one for
//! many: [`SharedDomain`]).
//!
//! seize protects everything loaded while a thread is "active" (like
//! epochs) but tracks retired objects in batches with reference counts, so
//! a batch is freed as soon as the threads that were active when it was
//! retired have all moved on, without a global epoch to advance. Each
//! operation enters the vector's collector (`LocalGuard`), loads the current
//! descriptor through it, and retires the replaced one with
//! `defer_retire(.., seize::reclaim::boxed)`. Dropping the vector drops the
//! collector, which frees everything still retired.
//!
//! Pick it for read-mostly work where a stalled thread must not block
//! reclamation forever in practice (a stalled *active* thread still holds its
//! batches). seize's `fast-barrier` feature (a `membarrier` syscall instead
//! of a fence per guard) is off unless this crate's `fast-barrier` feature is
//! on: on the small VMs we measured it cost ~300 ns per write at 2+ threads.
//!
//! ```
//! use reclaim_seize::SecVec;
//!
//! let v = SecVec::<u32>::new();
//! std::thread::scope(|s| {
//!     s.spawn(|| for i in 0..100 { v.push(i); });
//!     s.spawn(|| for _ in 0..100 { let _ = v.get(0); });
//! });
//! assert_eq!(v.len(), 100);
//! # #[cfg(feature = "accounting")] {
//! let stats = v.stats();
//! drop(v);
//! assert_eq!(stats.snapshot().leaked(), Some(0)); // the collector freed everything
//! # }
//! ```
//!
//! # Threads and shutdown
//!
//! seize keeps its own per-thread ids, released by a thread-local
//! destructor while the thread's other destructors may still run, and
//! handed to the next new thread (the `thread_local` crate's scheme,
//! Amanieu/thread_local-rs#75): a `LocalGuard` kept past that point would
//! share its reservation with another live thread, and entering one after
//! it aborts the process. This backend therefore uses:
//!
//! * a `LocalGuard` for an operation on a thread whose seize state is known
//!   to be alive: a thread-local sentinel of ours, registered right after
//!   the thread's first seize guard (so destroyed before seize's own state:
//!   thread-local destructors run in reverse order of registration on
//!   Linux), is still there;
//! * an `OwnedGuard` (its own id for its own lifetime, no thread-local
//!   state) for guards that may be kept ([`Reclaimer::pin`]: stalled
//!   readers) and for operations from a thread-local destructor after the
//!   sentinel is gone.
//!
//! The one exception: a thread that used seize directly, whose seize state
//! is already destroyed, and that touches a SecVec for the first time from
//! a later thread-local destructor, panics inside seize ("cannot access a
//! Thread Local Storage value during or after destruction"), which the
//! runtime turns into an abort. Dropping the vector drops its collector,
//! which frees every retired descriptor before the drop returns; a guard
//! borrows the vector, and the collector is never handed out.

use secvec_core::{Reclaimer, Retire, sync::AtomicPtr};
use seize::{Collector, Guard, LocalGuard, OwnedGuard};
use std::cell::Cell;
use std::sync::atomic::Ordering;

/// The seize reclaimer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Seize;

/// A guard of one vector's collector: seize's `LocalGuard` or `OwnedGuard`
/// (see the crate documentation for which and why).
pub struct SeizeGuard<'d>(Kind<'d>);

enum Kind<'d> {
    Local(LocalGuard<'d>),
    Owned(OwnedGuard<'d>),
}

impl core::fmt::Debug for SeizeGuard<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let kind = match self.0 {
            Kind::Local(_) => "local",
            Kind::Owned(_) => "owned",
        };
        f.debug_tuple("SeizeGuard").field(&kind).finish()
    }
}

/// `STATE` values.
const FRESH: u8 = 0;
const PRIMED: u8 = 1;
const TORN_DOWN: u8 = 2;

/// Destroyed before seize's own thread state (see the crate docs); sets
/// `STATE` to `TORN_DOWN` when it goes.
struct Sentinel;

impl Drop for Sentinel {
    fn drop(&mut self) {
        let _ = STATE.try_with(|s| s.set(TORN_DOWN));
    }
}

std::thread_local! {
    /// No destructor, so always readable, even during teardown.
    static STATE: Cell<u8> = const { Cell::new(FRESH) };
    static SENTINEL: Sentinel = const { Sentinel };
}

/// A guard for one operation on this thread.
#[inline(always)]
fn operation_guard(collector: &Collector) -> SeizeGuard<'_> {
    match STATE.with(Cell::get) {
        PRIMED => SeizeGuard(Kind::Local(collector.enter())),
        FRESH => {
            // Entering registers seize's thread-local destructor if it was
            // not yet; the sentinel registers after it, so it goes first.
            let guard = collector.enter();
            let state = if SENTINEL.try_with(|_| ()).is_ok() { PRIMED } else { TORN_DOWN };
            STATE.with(|s| s.set(state));
            SeizeGuard(Kind::Local(guard))
        }
        _ => SeizeGuard(Kind::Owned(collector.enter_owned())),
    }
}

// SAFETY: 1. `protect` is seize's `Guard::protect`: a pointer loaded through
// an active guard (local or owned) is not reclaimed while that guard lives,
// even if another thread retires it. 2. `retire` uses `defer_retire` with a
// callback that calls `Retire::reclaim`, which seize runs once, and only
// once every guard that was active at the retire has been dropped.
// 3. A guard borrows the `Collector`, which nothing else of ours hands out;
// its `Drop` reclaims every retired object (`reclaim_all`) before
// returning, whatever happened to the guards. 4. Guards are `!Send` (a
// `LocalGuard` is) or own their thread id (`OwnedGuard`); a `LocalGuard` is
// only made for one operation while seize's thread state is alive (the
// sentinel), so it never outlives that state; `pin`, whose guard may be
// kept, always makes an `OwnedGuard`. 5. After the sentinel is gone,
// operations use `OwnedGuard`s, which need no thread-local state; the one
// exception (a thread whose seize state died before its first SecVec
// operation) is documented above and panics inside seize. 7. `retire`
// defers; what seize reclaims inline calls only `Retire::reclaim`, which
// never unwinds. 8. seize guards nest (it counts a thread's guards).
unsafe impl Reclaimer for Seize {
    type Domain = Collector;
    type Guard<'d> = SeizeGuard<'d>;

    fn new_domain() -> Collector {
        Collector::new()
    }

    // Always: the call overhead is a tenth of a read (measured: LLVM
    // stopped inlining it when `get` grew its heap-element path).
    #[inline(always)]
    unsafe fn guard(domain: &Collector) -> SeizeGuard<'_> {
        operation_guard(domain)
    }

    fn pin(domain: &Collector) -> SeizeGuard<'_> {
        SeizeGuard(Kind::Owned(domain.enter_owned()))
    }

    #[inline]
    fn protect<T: Sync>(guard: &mut SeizeGuard<'_>, src: &AtomicPtr<T>) -> *mut T {
        match &guard.0 {
            Kind::Local(g) => g.protect(src, Ordering::Acquire),
            Kind::Owned(g) => g.protect(src, Ordering::Acquire),
        }
    }

    /// Nothing to publish: an active seize guard keeps every object retired
    /// while it is active, which includes any cell read through a
    /// descriptor it protects (`protect_second` contract 1).
    #[inline]
    fn protect_second<T: Sync>(_: &mut SeizeGuard<'_>, _: *mut T, _: impl FnOnce() -> bool) -> bool {
        true
    }

    fn refresh(guard: &mut SeizeGuard<'_>) {
        match &mut guard.0 {
            Kind::Local(g) => g.refresh(),
            Kind::Owned(g) => g.refresh(),
        }
    }

    #[inline]
    unsafe fn retire<T: Retire>(_: &Collector, guard: &SeizeGuard<'_>, ptr: *mut T) {
        // SAFETY: seize requires that the retired pointer is no longer
        // reachable by threads that enter after this call (our retire safety
        // 2: unlinked), that it is valid until reclaimed (safety 1) and
        // retired once (safety 3); it calls `reclaim::<T>` once, when no
        // guard that could have loaded it is active, which is what
        // `Retire::reclaim` asks. The guard belongs to this vector's
        // collector (safety 4).
        unsafe {
            match &guard.0 {
                Kind::Local(g) => g.defer_retire(ptr, reclaim::<T>),
                Kind::Owned(g) => g.defer_retire(ptr, reclaim::<T>),
            }
        }
    }
}

/// seize's reclaim callback: hands the object back to its owner.
///
/// # Safety
///
/// 1. Called by seize, once per retire, when no guard can reach `ptr`
///    (which is [`Retire::reclaim`]'s safety 1 and 2).
unsafe fn reclaim<T: Retire>(ptr: *mut T, _: &Collector) {
    // SAFETY: safety 1.
    unsafe { T::reclaim(ptr) };
}

/// A [`secvec_core::SecVec`] whose descriptors are reclaimed with seize.
pub type SecVec<T> = secvec_core::SecVec<T, Seize>;

/// A guarded reference to an element of a [`SecVec`] (from `get_ref` or
/// `pop_ref`): see [`secvec_core::Ref`].
pub type Ref<'v, T> = secvec_core::Ref<'v, T, Seize>;

/// A handle on a [`SecVec`] that keeps one guard for many operations (from
/// `pin`): see [`secvec_core::Pinned`].
pub type Pinned<'v, T> = secvec_core::Pinned<'v, T, Seize>;

/// A reclamation domain that many vectors share
/// ([`SecVec::new_in`](secvec_core::SecVec::new_in); what changes:
/// [`secvec_core::SharedDomain`]).
pub type SharedDomain = secvec_core::SharedDomain<Seize>;
