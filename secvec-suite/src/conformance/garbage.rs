//! Garbage over a run: what every reclaimer must free, and the bound a
//! robust one promises (see [`stays_within`], which
//! `conformance!(R, garbage_bound = N)` runs).

use crate::garbage::{GarbageRun, Reader, Workers, measure_garbage_with};
use crate::scaled;
use secvec_core::Reclaimer;

/// The workers of every run here.
pub const THREADS: usize = 4;

fn run<R: Reclaimer>(reader: Reader) -> GarbageRun {
    run_with::<R>(reader, Workers::Plain)
}

fn run_with<R: Reclaimer>(reader: Reader, workers: Workers) -> GarbageRun {
    let r = measure_garbage_with::<R>(THREADS, scaled(100_000, 10_000, 25), reader, workers);
    eprintln!("{reader:?} {workers:?} {r:?}");
    assert!(r.retired > 0, "{r:?}");
    r
}

/// What every reclaimer must do with the garbage of a run whose threads
/// all progress: free most of it while they run (a reclaiming one: at
/// least half of what was retired, not only at the drop), and the rest by
/// the drop; free nothing if it does not reclaim.
fn freed_while_progressing<R: Reclaimer>(r: GarbageRun) {
    if !R::RECLAIMS {
        assert_eq!(r.reclaimed_during_run, 0, "a reclaimer that does not reclaim freed something: {r:?}");
        assert_eq!(r.leaked_after_drop, r.retired, "{r:?}");
        return;
    }
    if !cfg!(miri) {
        assert!(
            r.reclaimed_during_run * 2 >= r.retired,
            "nothing was freed while the vector lived, or less than half of what was retired: {r:?}"
        );
    }
    assert_eq!(r.leaked_after_drop, 0, "{r:?}");
}

/// Push/pop on four threads that all progress: a reclaiming reclaimer frees
/// at least half of the garbage during the run (not only at the drop), and
/// everything by the vector's drop; one that does not reclaim frees
/// nothing. (Under Miri the run is too short for some thresholds, so only
/// the drop is checked.)
pub fn garbage_is_freed_while_threads_progress<R: Reclaimer>() {
    freed_while_progressing::<R>(run::<R>(Reader::None));
}

/// The same with every worker going through one handle it refreshes every
/// 1 024 operations, and no thread ever pinning afresh: a reclaimer must
/// free garbage without new guards (an epoch scheme that only collects
/// when a thread pins would free nothing until the drop).
pub fn garbage_is_freed_while_threads_progress_through_handles<R: Reclaimer>() {
    freed_while_progressing::<R>(run_with::<R>(Reader::None, Workers::Handles));
}

/// The bound of a robust reclaimer: push/pop on four threads keeps at most
/// `bound` descriptors retired and not yet freed, whether all threads
/// progress or a reader holds a handle idle for the whole run (a stalled
/// reader). Returns both runs.
///
/// Not in the generic list (the bound is the reclaimer's own promise):
/// `secvec_suite::conformance!(MyReclaimer, garbage_bound = 5_000);` adds
/// it, or call it from a test.
pub fn stays_within<R: Reclaimer>(bound: u64) -> [GarbageRun; 2] {
    [Reader::None, Reader::IdleHandle].map(|reader| {
        let r = run::<R>(reader);
        assert!(r.peak_outstanding <= bound, "peak garbage above {bound} ({reader:?}): {r:?}");
        assert_eq!(r.leaked_after_drop, 0, "{r:?}");
        r
    })
}
