//! Garbage over a long run and under a stalled reader, per backend.
//!
//! Each test prints what it measured (`--nocapture` shows it) and asserts
//! the property its backend promises:
//!
//! * hazard: peak outstanding garbage stays within `(threads + 1) x`
//!   haphazard's reclamation threshold, with or without a stalled reader
//!   (each thread can hold at most one stolen batch while it frees it, plus
//!   one batch being filled; a run without preemption stays near `2 x`);
//! * hazard-asym: each thread holds fewer than its scan threshold of
//!   retired objects (plus what hazard pointers name), with or without a
//!   stalled reader;
//! * ibr: each thread holds at most about three times its scan threshold, plus
//!   what reservations cover (objects born in a reader's last era and not
//!   yet retired when it stalled), with or without a stalled reader;
//! * epoch, seize: most garbage is freed during the run while all threads
//!   progress; a stalled reader makes it pile up (asserted, it is the point);
//! * leak: nothing is ever freed.
//!
//! After every run, the reclaiming backends have leaked nothing.
#![cfg(feature = "accounting")] // reads the vectors' accounting

use secvec_suite::backends::{Epoch, Hazard, HazardAsym, Ibr, Leak, Seize};
use secvec_suite::conformance::garbage::{THREADS, stays_within};
use secvec_suite::garbage::{GarbageRun, Reader, measure_garbage};
use secvec_suite::scaled;

/// haphazard 0.1.8 reclaims a domain once more than `RCOUNT_THRESHOLD`
/// (1000) objects are retired in it (or `2 x hazard pointers`, if larger).
const HAZARD_THRESHOLD: u64 = 1000;
const BOUND: u64 = (THREADS as u64 + 1) * HAZARD_THRESHOLD;

fn ops() -> usize {
    scaled(250_000, 25_000, 200)
}

fn run<R: secvec_core::Reclaimer>(name: &str, reader: Reader) -> GarbageRun {
    let r = measure_garbage::<R>(THREADS, ops(), reader);
    eprintln!("{name:>6} {reader:?} {r:?}");
    assert!(r.retired > 0);
    r
}

/// The bounded backends run the conformance suite's bound check
/// (`conformance::garbage::stays_within`: all threads progressing, and a
/// handle held idle for the whole run), each with its own bound.
#[test]
fn hazard_garbage_is_bounded_by_its_threshold() {
    // The idle handle pins one descriptor, not the ones after it.
    stays_within::<Hazard>(BOUND + 1);
}

/// Hazard pointers with asymmetric fences: every thread scans when it holds
/// `SCAN_AT` retired objects, and keeps only what hazard pointers name (two
/// per record: one per thread and per handle).
const ASYM_BOUND: u64 = ((THREADS + 1) * (reclaim_hazard_asym::SCAN_AT + 2 * (THREADS + 1))) as u64;

#[test]
fn hazard_asym_garbage_is_bounded_by_its_threshold() {
    stays_within::<HazardAsym>(ASYM_BOUND);
}

/// Interval-based reclamation: a thread scans after `SCAN_AT` retires, and
/// a scan keeps what was retired since the last one (freed by the next):
/// under `3 x SCAN_AT` per thread, its next window included; a
/// reservation, stalled or left by a thread that exited, covers only
/// objects born in the eras it spans (one or two), and an era sees at most
/// `RETIRES_PER_ERA` births per thread.
const IBR_BOUND: u64 = ((THREADS + 1)
    * (3 * reclaim_ibr::SCAN_AT + (THREADS + 1) * 2 * reclaim_ibr::RETIRES_PER_ERA as usize))
    as u64;

#[test]
fn ibr_garbage_is_bounded_by_its_threshold() {
    stays_within::<Ibr>(IBR_BOUND);
}

/// Epoch-style backends, all threads progressing: most garbage is freed
/// while the vector lives, the rest at drop.
fn frees_during_the_run<R: secvec_core::Reclaimer>(name: &str, reader: Reader) {
    let r = run::<R>(name, reader);
    assert!(r.reclaimed_during_run * 2 >= r.retired, "less than half freed during the run: {r:?}");
    assert_eq!(r.leaked_after_drop, 0);
}

/// Epoch-style backends with a handle held idle from the start (a stalled
/// reader): nothing retired meanwhile is freed until it goes, then
/// everything is.
fn stall_holds_everything<R: secvec_core::Reclaimer>(name: &str) {
    let r = run::<R>(name, Reader::IdleHandle);
    assert_eq!(r.outstanding_at_end, r.retired, "{r:?}");
    assert_eq!(r.leaked_after_drop, 0, "freed once the reader resumes and the vector drops");
}

#[test]
fn epoch_frees_during_the_run_when_all_threads_progress() {
    frees_during_the_run::<Epoch>("epoch", Reader::None);
}

/// A handle kept for the whole run that calls `refresh` after each read
/// lets the epoch advance.
#[test]
fn epoch_frees_during_the_run_with_a_refreshing_handle() {
    frees_during_the_run::<Epoch>("epoch", Reader::RefreshingHandle);
}

/// Pinned before any retire: the global epoch can advance at most once.
#[test]
fn epoch_garbage_grows_with_an_idle_handle() {
    stall_holds_everything::<Epoch>("epoch");
}

#[test]
fn seize_frees_during_the_run_when_all_threads_progress() {
    frees_during_the_run::<Seize>("seize", Reader::None);
}

#[test]
fn seize_frees_during_the_run_with_a_refreshing_handle() {
    frees_during_the_run::<Seize>("seize", Reader::RefreshingHandle);
}

/// Every batch retired while the reader is active counts it as a
/// reference, so none can be freed before it leaves.
#[test]
fn seize_garbage_grows_with_an_idle_handle() {
    stall_holds_everything::<Seize>("seize");
}

#[test]
fn leak_frees_nothing() {
    let r = run::<Leak>("leak", Reader::None);
    assert_eq!(r.reclaimed_during_run, 0);
    assert_eq!(r.outstanding_at_end, r.retired);
    assert_eq!(r.leaked_after_drop, r.retired);
}
