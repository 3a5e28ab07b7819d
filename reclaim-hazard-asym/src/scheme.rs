//! The scheme in the shared record machinery (`secvec-records`): a domain,
//! its guards, and the scan.
//!
//! Each thread keeps one record of the domain in its entry, with the
//! garbage it has retired and not yet freed; an operation's guard borrows
//! the entry in place. A kept guard (`pin`), a nested one, and a thread
//! without a seat own a record of their own and hand their garbage to the
//! domain when they end. A thread scans once its garbage, or the handed
//! over garbage, reaches [`SCAN_AT`]: it takes the handed-over garbage
//! too, runs the heavy barrier, reads every hazard pointer, and frees what
//! none names.

use crate::HazardAsym;
use crate::barrier;
use crate::slots::HazardSlots;
use secvec_core::RetiredPtr;
use secvec_records::{Entry, Guard, Registry, Scheme, reclaim_unless};

/// A thread scans when it holds this many retired objects.
///
/// A scan costs one heavy barrier: 4-14 µs on this project's 2-vCPU VMs
/// while another thread of the process runs (`membarrier`, measured
/// 2026-12-06), so at 1 024 it adds about 5-15 ns per retire. Garbage per
/// thread stays below this bound plus the hazard pointers alive, stalled
/// threads or not. Under Miri (where the barrier is a fence) it is small
/// so that short programs reach a scan.
pub const SCAN_AT: usize = if cfg!(miri) { 16 } else { 1024 };

/// A domain: the hazard-pointer records, each thread's entry, and the
/// garbage of guards that ended before they scanned.
pub type AsymDomain = Registry<HazardAsym>;

/// A guard: its thread's entry, or an entry of its own.
pub type AsymGuard<'d> = Guard<'d, HazardAsym>;

// SAFETY: 1. `begin` does nothing. 2. `reclaim` is `RetiredPtr::reclaim`,
// the retired type's own.
unsafe impl Scheme for HazardAsym {
    type Slots = HazardSlots;
    /// The pointers the two hazard pointers have named continuously since
    /// a validation succeeded (0 if none).
    type Local = [usize; 2];
    type State = ();
    type Retired = RetiredPtr;
    const ORPHANS_SCAN_AT: usize = SCAN_AT;

    fn new_slots() -> HazardSlots {
        HazardSlots::new()
    }

    fn new_local() -> [usize; 2] {
        [0; 2]
    }

    fn clear(slots: &HazardSlots) {
        slots.clear_all();
    }

    /// Nothing: a thread's entry keeps its protections for the next
    /// operation (at most one descriptor and one cell per thread and
    /// domain are kept from reclamation that way).
    #[inline]
    fn begin(_: &AsymDomain, _: &mut Entry<Self>) {}

    #[inline]
    fn scan_due(_: &Entry<Self>, len: usize) -> bool {
        len >= SCAN_AT
    }

    /// Frees every object in `garbage` (and in the handed-over garbage)
    /// that no hazard pointer names; keeps the others in `garbage`.
    fn scan(domain: &AsymDomain, garbage: &mut Vec<RetiredPtr>) {
        // Everything a scan may free must be retired, hence unlinked,
        // before its heavy barrier: take the handed-over garbage first.
        domain.take_orphans(garbage);
        barrier::heavy();
        let mut hazards = Vec::new();
        domain.for_each_record(|slots| slots.hazards(&mut hazards));
        hazards.sort_unstable();
        // SAFETY: reclaim_unless 1: every object of `garbage` was retired
        // into this domain (unlinked before the heavy barrier above), and
        // no hazard pointer named the ones freed after the barrier: a
        // reader that published one before the barrier would have been
        // seen, and one that publishes it after the barrier finds it
        // unlinked when it validates and does not use it. Each was taken
        // out of its list once.
        unsafe { reclaim_unless::<Self>(garbage, |r| hazards.binary_search(&r.addr()).is_ok()) };
    }

    unsafe fn reclaim(retired: RetiredPtr) {
        // SAFETY: Scheme::reclaim 1 is RetiredPtr::reclaim's contract.
        unsafe { retired.reclaim() };
    }
}

/// Hazard pointers protect nothing any more.
pub(crate) fn clear(entry: &mut Entry<HazardAsym>) {
    entry.record().slots.clear_all();
    entry.local = [0; 2];
}
