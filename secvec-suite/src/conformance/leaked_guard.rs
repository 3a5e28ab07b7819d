//! A guard leaked with `mem::forget` before its vector is dropped, on every
//! backend: no undefined behaviour, and nothing freed after the drop. (Its
//! own area because the epoch backend then leaks its collector by design,
//! so Miri runs it with leak checks off.)

use crate::{assert_identity, scaled};
use secvec_core::{Reclaimer, SecVec};
use std::thread;

/// A guard leaked with `mem::forget` before the vector is dropped: no
/// undefined behaviour, and nothing is freed after the drop returned (the
/// counts read right after the drop do not change later).
pub fn leaked_guard_then_drop<R: Reclaimer>() {
    let v = SecVec::<u64, R>::new();
    let n = scaled(300, 300, 20) as u64;
    for i in 0..n {
        v.push(i);
    }
    let mut handle = v.pin();
    handle.len(); // protects the current descriptor
    #[allow(clippy::forget_non_drop)] // the leak backend's handle holds nothing to drop
    std::mem::forget(handle);
    for _ in 0..n {
        v.pop();
    }
    let stats = v.stats();
    drop(v);
    let after_drop = stats.snapshot();
    assert_identity(&after_drop);
    // Other threads and vectors keep running; nothing of ours may be freed now.
    thread::spawn(move || {
        let other = SecVec::<u64, R>::new();
        for i in 0..200 {
            other.push(i);
            other.pop();
        }
    })
    .join()
    .unwrap();
    assert_eq!(stats.snapshot(), after_drop, "a descriptor was freed after the vector's drop returned");
}
