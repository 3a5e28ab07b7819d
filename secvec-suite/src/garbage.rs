//! Garbage over time: a run of push/pop workers while the calling thread
//! samples the vector's outstanding garbage.

use crate::assert_identity;
use secvec_core::{Reclaimer, SecVec};
use std::thread;

/// What one garbage measurement saw.
#[derive(Clone, Copy, Debug)]
pub struct GarbageRun {
    /// Descriptors retired during the run.
    pub retired: u64,
    /// Largest outstanding garbage any sample saw (descriptors).
    pub peak_outstanding: u64,
    /// Outstanding garbage when the workers had finished.
    pub outstanding_at_end: u64,
    /// Retired descriptors freed before the vector was dropped.
    pub reclaimed_during_run: u64,
    /// Descriptors never freed, after the drop.
    pub leaked_after_drop: u64,
    /// Samples taken.
    pub samples: u64,
}

/// What the sampling thread does besides sampling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    /// Nothing: all threads progress.
    None,
    /// Holds a handle ([`SecVec::pin`]) that protected the current
    /// descriptor once and then stays idle for the whole run: a reader
    /// stalled in the middle of an operation.
    IdleHandle,
    /// Holds a handle for the whole run and reads through it, calling
    /// `refresh` after every read.
    RefreshingHandle,
}

/// How the workers reach the vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workers {
    /// Each operation on its own (`SecVec::push`, `SecVec::pop`).
    Plain,
    /// Each worker through one handle ([`SecVec::pin`]), refreshed every
    /// [`REFRESH_EVERY`] operations: the reclaimer must free garbage even
    /// when no thread ever pins afresh.
    Handles,
}

/// How often a worker of [`Workers::Handles`] refreshes its handle (as
/// often as the benchmarks' workers do).
pub const REFRESH_EVERY: usize = 1024;

/// Runs `threads` workers doing push/pop 50/50 (`ops` each) on a fresh
/// vector while the calling thread samples outstanding garbage as fast as it
/// can (it yields between samples; no sleeps), acting as `reader` says.
pub fn measure_garbage<R: Reclaimer>(threads: usize, ops: usize, reader: Reader) -> GarbageRun {
    measure_garbage_with::<R>(threads, ops, reader, Workers::Plain)
}

/// [`measure_garbage`], with the workers reaching the vector as `workers`
/// says.
pub fn measure_garbage_with<R: Reclaimer>(
    threads: usize,
    ops: usize,
    reader: Reader,
    workers: Workers,
) -> GarbageRun {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let v = SecVec::<u64, R>::new();
    let stats = v.stats();
    let running = AtomicUsize::new(threads);
    let mut peak = 0;
    let mut samples = 0;
    let mut handle = (reader != Reader::None).then(|| v.pin());
    if let Some(h) = &mut handle {
        h.len(); // protects the current descriptor
    }
    thread::scope(|s| {
        for t in 0..threads {
            let (v, running) = (&v, &running);
            s.spawn(move || {
                match workers {
                    Workers::Plain => {
                        for i in 0..ops {
                            if (i + t) % 2 == 0 {
                                v.push(i as u64);
                            } else {
                                v.pop();
                            }
                        }
                    }
                    Workers::Handles => {
                        let mut h = v.pin();
                        for i in 0..ops {
                            if (i + t) % 2 == 0 {
                                h.push(i as u64);
                            } else {
                                h.pop();
                            }
                            if i % REFRESH_EVERY == REFRESH_EVERY - 1 {
                                h.refresh();
                            }
                        }
                    }
                }
                running.fetch_sub(1, Ordering::Release);
            });
        }
        while running.load(Ordering::Acquire) != 0 {
            peak = peak.max(stats.snapshot().outstanding);
            samples += 1;
            if let (Reader::RefreshingHandle, Some(h)) = (reader, &mut handle) {
                let _ = h.get(0);
                h.refresh();
            }
            thread::yield_now();
        }
    });
    let end = stats.snapshot();
    drop(handle);
    drop(v);
    let after = stats.snapshot();
    assert_identity(&after);
    GarbageRun {
        retired: end.retired,
        peak_outstanding: peak.max(end.outstanding),
        outstanding_at_end: end.outstanding,
        reclaimed_during_run: end.reclaimed,
        leaked_after_drop: after.leaked().expect("dropped"),
        samples,
    }
}
