//! The per-thread record machinery that SecVec's own reclaimers share
//! (`reclaim-hazard-asym`, `reclaim-ibr`).
//!
//! A [`Registry`] is the bookkeeping of one reclamation domain: an
//! append-only list of [`Record`]s, each holding what one guard publishes
//! (a [`Scheme`]'s slots: hazard pointers, a reservation of eras); one
//! [`Entry`] per thread, in a [`PerThread`] seat, holding the thread's
//! record, what its guards keep besides, and the objects it retired and
//! has not freed yet; and the garbage of guards that ended before they
//! scanned. An operation's [`Guard`] borrows its thread's entry in place; a
//! kept guard (a handle), a nested one (which finds the entry borrowed) and
//! a thread without a seat own an entry, whose record they give back, and
//! whose garbage they hand to the registry, when they end. Nothing uses
//! thread-local storage, so all of it works from thread-local destructors.
//!
//! A scheme says what a record publishes, how a guard starts, when a
//! thread scans, and how a scan decides: the protocol, which is each
//! reclaimer's own, stays in its crate.
//!
//! ```
//! use secvec_records::{Entry, Registry, Scheme};
//! use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
//!
//! /// Counts retires and frees everything at the domain's drop.
//! struct Counting;
//!
//! // SAFETY: `begin` leaves the entry alone; `reclaim` drops the box.
//! unsafe impl Scheme for Counting {
//!     type Slots = AtomicUsize;
//!     type Local = ();
//!     type State = ();
//!     type Retired = Box<u64>;
//!     fn new_slots() -> AtomicUsize { AtomicUsize::new(0) }
//!     fn new_local() {}
//!     fn clear(slots: &AtomicUsize) { slots.store(0, Relaxed) }
//!     fn begin(_: &Registry<Self>, _: &mut Entry<Self>) {}
//!     fn scan_due(_: &Entry<Self>, _: usize) -> bool { false }
//!     fn scan(_: &Registry<Self>, _: &mut Vec<Box<u64>>) {}
//!     unsafe fn reclaim(retired: Box<u64>) { drop(retired) }
//! }
//!
//! let registry = Registry::<Counting>::new(());
//! let guard = registry.own();
//! // SAFETY: the box is the scheme's to free, and the guard is the
//! // registry's.
//! unsafe { guard.entry_ref().retire(&registry, Box::new(7)) };
//! drop(guard); // its garbage goes to the registry, freed at its drop
//! ```
//!
//! [`PerThread`]: secvec_core::per_thread::PerThread

mod records;
mod registry;

pub use records::Record;
pub use registry::{Entry, Guard, Registry, reclaim_unless};

/// What a reclamation scheme puts in the machinery.
///
/// # Safety
///
/// An implementation guarantees:
///
/// 1. [`begin`](Scheme::begin) does not replace or swap the entry it is
///    given as a whole (its record belongs to the registry, which frees it
///    at its drop).
/// 2. [`reclaim`](Scheme::reclaim) frees a retired object the way its
///    retirer asked (the registry calls it at its drop on everything still
///    retired).
pub unsafe trait Scheme: Sized + 'static {
    /// What a record publishes for scans to read.
    type Slots: Send + Sync + 'static;
    /// What an entry keeps besides, unpublished (validated pointers, a
    /// copy of the reservation, counters).
    type Local;
    /// Domain-wide state of the scheme (an era counter), reached through
    /// [`Registry::state`].
    type State: Send + Sync;
    /// One retired object, as the scheme keeps it.
    type Retired: Send;

    /// A new record's slots (publishing nothing).
    fn new_slots() -> Self::Slots;
    /// A new entry's local state.
    fn new_local() -> Self::Local;
    /// Clears a record's slots when its owner gives it back.
    fn clear(slots: &Self::Slots);
    /// Starts a guard on `entry` (its thread's entry, kept from the last
    /// operation, or a new one of the guard's own).
    fn begin(registry: &Registry<Self>, entry: &mut Entry<Self>);
    /// Whether an entry that now holds `len` retired objects scans.
    fn scan_due(entry: &Entry<Self>, len: usize) -> bool;
    /// Frees what it can of `garbage` (taken out of its list by the
    /// caller: freeing runs destructors, which may use the domain), and
    /// leaves the rest in it. It may take the registry's orphans first
    /// ([`Registry::take_orphans`]).
    fn scan(registry: &Registry<Self>, garbage: &mut Vec<Self::Retired>);
    /// Called after an entry's scan, with what it kept.
    fn scanned(entry: &Entry<Self>, kept: usize) {
        let _ = (entry, kept);
    }
    /// The orphans' count at which handing garbage over scans them.
    const ORPHANS_SCAN_AT: usize = 1024;

    /// Frees one retired object.
    ///
    /// # Safety
    ///
    /// 1. Nothing can reach the object any more, and it is freed once.
    unsafe fn reclaim(retired: Self::Retired);
}
