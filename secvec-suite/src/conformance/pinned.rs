//! Pinned handles (`SecVec::pin`), on every backend: the same results as
//! the plain operations, writes of other threads seen (a handle is not a
//! snapshot), and readers through handles during writes.

use crate::scaled;
use secvec_core::{Reclaimer, SecVec};
use std::sync::mpsc;
use std::thread;

/// Every operation through a handle gives what the plain one gives.
pub fn handle_operations_match_the_plain_ones<R: Reclaimer>() {
    let v = SecVec::<u32, R>::bounded(5);
    let mut h = v.pin();
    assert!(h.is_empty());
    assert_eq!(h.get(0), None);
    assert_eq!(h.pop(), None);
    for i in 0..5 {
        assert_eq!(h.push(i * 10), i as usize);
    }
    assert_eq!(h.try_push(99).unwrap_err().value, 99);
    assert_eq!(h.len(), 5);
    assert_eq!(h.get(4), Some(40));
    assert_eq!(h.set(1, 11), Ok(10));
    assert_eq!(h.set(5, 0).unwrap_err().len, 5);
    assert_eq!(h.to_vec(), [0, 11, 20, 30, 40]);
    assert_eq!(h.iter().collect::<Vec<_>>(), [0, 11, 20, 30, 40]);
    assert_eq!(h.pop(), Some(40));
    h.refresh();
    assert_eq!(h.len(), 4, "a refreshed handle still works");
    assert_eq!(v.to_vec(), [0, 11, 20, 30], "the plain view agrees");
    h.clear();
    assert!(h.is_empty());
    assert!(v.is_empty());
    assert!(core::ptr::eq(h.vec(), &v));
}

/// A handle (and a thread's plain operations, which keep their protection
/// between calls on hazard pointers) sees another thread's push made after
/// its last operation: every operation reloads the vector's state. This is
/// the test the hazard fast path without its "still current" check fails
/// (the negative control of `.ci/controls.sh`).
pub fn a_reader_sees_other_threads_writes<R: Reclaimer>() {
    let v = SecVec::<u64, R>::new();
    let (read_tx, read_rx) = mpsc::channel::<usize>();
    let (wrote_tx, wrote_rx) = mpsc::channel::<()>();
    let v = &v;
    thread::scope(|s| {
        s.spawn(move || {
            let mut h = v.pin();
            for round in 0..scaled(50, 20, 3) {
                assert_eq!(h.len(), round, "handle, before push {round}");
                assert_eq!(v.len(), round, "plain, before push {round}");
                read_tx.send(round).unwrap();
                wrote_rx.recv().unwrap();
                assert_eq!(h.len(), round + 1, "handle: push {round} of another thread not seen");
                assert_eq!(v.len(), round + 1, "plain: push {round} of another thread not seen");
                assert_eq!(h.get(round), Some(round as u64));
                assert_eq!(v.get(round), Some(round as u64));
            }
        });
        // Ends when the reader drops its sender.
        for round in read_rx.iter() {
            v.push(round as u64);
            wrote_tx.send(()).unwrap();
        }
    });
}

/// Readers iterate through handles (refreshing every few passes) while a
/// writer pushes, pops and sets: every value read sits at the index it was
/// written for.
pub fn readers_through_handles_during_writes<R: Reclaimer>() {
    let v = SecVec::<u64, R>::new();
    for i in 0..8 {
        v.push(i * 1000);
    }
    let ops = scaled(20_000, 3_000, 30);
    thread::scope(|s| {
        s.spawn(|| {
            let mut h = v.pin();
            for k in 0..ops {
                let len = h.len();
                if k % 3 == 0 && len > 0 {
                    let _ = h.set(k % len, (k % len) as u64 * 1000 + 7);
                } else if k % 2 == 0 {
                    let _ = h.pop();
                } else if len < 64 {
                    assert_eq!(h.push(len as u64 * 1000 + 1), len);
                }
            }
        });
        for _ in 0..2 {
            s.spawn(|| {
                let mut h = v.pin();
                for pass in 0..ops / 64 {
                    for (i, x) in h.iter().enumerate() {
                        assert_eq!(x / 1000, i as u64, "value {x} read at index {i}");
                    }
                    if pass % 4 == 0 {
                        h.refresh();
                    }
                }
            });
        }
    });
}
