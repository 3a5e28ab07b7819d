//! The two halves of an asymmetric fence.
//!
//! A reader ends its publication of a hazard pointer with [`light`]; a
//! reclaiming thread issues [`heavy`] after it has unlinked and retired
//! what it will free, and before it reads the hazard pointers. Together
//! they order like a full fence on both sides: for every `light` and every
//! `heavy`, either everything before the `light` is visible to the loads
//! after the `heavy`, or everything before the `heavy` is visible to the
//! loads after the `light`.
//!
//! - **On Linux** (and Android), after `MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED`
//!   succeeded: `light` is a compiler fence (no instruction at all), and
//!   `heavy` is `membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)`, which runs
//!   a full fence on every CPU that is running a thread of this process
//!   before it returns (and the kernel orders the threads that are not
//!   running by their context switch). It cost 4-14 µs on this project's
//!   2-vCPU VMs with another thread running (88 ns alone): reclaiming
//!   threads issue it once per scan, and scans are rare.
//! - **Elsewhere**, when registration fails, under Miri and under loom
//!   (which have no such syscall): both halves are `fence(SeqCst)`, the
//!   classic hazard-pointer protocol.
//!
//! The choice is made once, by [`init`], before the first domain exists
//! (every domain is made by `new_domain`, which calls it): a thread that
//! can reach a domain has seen the choice, so the two halves never mix
//! a compiler fence on one side with a plain fence on the other.
//!
//! `--cfg secvec_defect="asym_no_barrier"` (a negative control) makes both
//! halves nothing at all; the loom model of this crate must then fail.

#[cfg(not(loom))]
use std::sync::atomic::{Ordering::SeqCst, compiler_fence, fence};

#[cfg(loom)]
use loom::sync::atomic::{Ordering::SeqCst, fence};

/// The process-wide barrier, where there is one.
#[cfg(all(any(target_os = "linux", target_os = "android"), not(miri), not(loom)))]
mod os {
    use rustix::thread::{MembarrierCommand, membarrier, membarrier_query};

    /// Whether registration succeeded (set once, by `init`).
    static EXPEDITED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

    pub(super) fn init() {
        EXPEDITED.get_or_init(|| {
            let supported = membarrier_query();
            supported.contains_command(MembarrierCommand::PrivateExpedited)
                && supported.contains_command(MembarrierCommand::RegisterPrivateExpedited)
                && membarrier(MembarrierCommand::RegisterPrivateExpedited).is_ok()
        });
    }

    pub(super) fn is_expedited() -> bool {
        EXPEDITED.get().copied().unwrap_or(false)
    }

    /// `membarrier(PRIVATE_EXPEDITED)`; only after `init` registered.
    pub(super) fn barrier() {
        // Registered in `init`, so it cannot fail with EPERM; any other
        // failure would leave readers unordered: stop rather than free
        // (aborting, not panicking: scans run inside `retire`, which must
        // not unwind).
        if let Err(e) = membarrier(MembarrierCommand::PrivateExpedited) {
            eprintln!("reclaim-hazard-asym: membarrier(PRIVATE_EXPEDITED) failed after registration: {e}");
            std::process::abort();
        }
    }
}

/// No process-wide barrier (not Linux, Miri, loom): full fences only.
#[cfg(not(all(any(target_os = "linux", target_os = "android"), not(miri), not(loom))))]
mod os {
    pub(super) fn init() {}

    pub(super) fn is_expedited() -> bool {
        false
    }

    pub(super) fn barrier() {
        unreachable!("never expedited without a process-wide barrier")
    }
}

/// Chooses the barriers for the rest of the process: registers for
/// private expedited `membarrier` where there is one. Called by every
/// `new_domain`, before the domain exists.
pub(crate) fn init() {
    os::init();
}

/// Whether a scan's barrier is the process-wide `membarrier` (and a
/// reader's half a compiler fence only): `true` on Linux once the first
/// domain has registered for it; `false` before that, under Miri and loom,
/// and where the syscall is missing (both halves are then full fences).
pub fn is_expedited() -> bool {
    os::is_expedited()
}

/// The reader's half: after publishing a hazard pointer, before reading
/// the source again to validate it.
#[inline]
pub(crate) fn light() {
    if cfg!(secvec_defect = "asym_no_barrier") {
        return;
    }
    #[cfg(not(loom))]
    if is_expedited() {
        compiler_fence(SeqCst);
        return;
    }
    fence(SeqCst);
}

/// The reclaimer's half: after taking the objects a scan may free (all
/// retired, so unlinked, before this), before reading the hazard pointers.
pub(crate) fn heavy() {
    if cfg!(secvec_defect = "asym_no_barrier") {
        return;
    }
    if is_expedited() {
        os::barrier();
    } else {
        fence(SeqCst);
    }
}
