//! Accounting: the identities, many threads, what is freed at drop, and
//! descriptor recycling, on every backend.

use crate::{DESCRIPTOR_BYTES, assert_identity, scaled};
use secvec_core::{Reclaimer, SecVec};
use std::thread;

/// The accounting identities hold single-threaded, exactly.
pub fn accounting_identities<R: Reclaimer>() {
    let v = SecVec::<u32, R>::bounded(4);
    let s0 = v.stats().snapshot();
    // A new vector starts at a shared static state: nothing allocated.
    assert_eq!((s0.allocated, s0.live, s0.retired), (0, 0, 0));
    for i in 0..4 {
        v.push(i);
    }
    assert!(v.try_push(9).is_err()); // decided without allocating
    assert_eq!(v.set(0, 5), Ok(0));
    assert!(v.set(9, 5).is_err());
    assert_eq!(v.pop(), Some(3));
    assert_eq!(v.pop(), Some(2));
    v.clear();
    v.clear(); // no-op on an empty vector
    let _ = v.pop();
    let s = v.stats().snapshot();
    // 4 pushes + 1 set + 2 pops + 1 clear installed a descriptor each,
    // and each but the first retired the one before.
    assert_eq!(s.allocated, 8, "{s:?}");
    assert_eq!(s.retired, 7, "{s:?}");
    assert_eq!(s.freed_unpublished, 0, "single-threaded: no CAS is lost");
    assert_eq!(s.descriptor_bytes, DESCRIPTOR_BYTES, "a cache line, and a birth era");
    assert_identity(&s);
}

/// Counting stays exact with more threads than exclusive counter shards
/// (the rest share an overflow shard), and across thread exits that hand
/// shards over to new threads.
pub fn accounting_with_many_threads<R: Reclaimer>() {
    let v = SecVec::<u64, R>::new();
    let (threads, per) = (scaled(40, 40, 3), scaled(20_000, 1_000, 10));
    for round in 0..2 {
        thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    for i in 0..per as u64 {
                        v.push(i);
                    }
                });
            }
        });
        let s = v.stats().snapshot();
        // One descriptor per push, but those carried in another push's
        // descriptor (combining).
        let writes = ((round + 1) * threads * per) as u64 - s.combined;
        assert_eq!(s.retired, writes - 1, "round {round}: {s:?}");
        assert_eq!(s.allocated, writes + s.freed_unpublished, "round {round}: {s:?}");
        assert_identity(&s);
    }
}

/// After drop, a reclaiming backend has freed everything; the leaking one
/// has freed nothing it retired, and says so.
pub fn drop_frees_what_it_should<R: Reclaimer>() {
    let v = SecVec::<u64, R>::new();
    let ops = scaled(10_000, 2_000, 50);
    thread::scope(|s| {
        for t in 0..2u64 {
            let v = &v;
            s.spawn(move || {
                for i in 0..ops as u64 {
                    if i % 3 == 2 {
                        v.pop();
                    } else {
                        v.push(t + i);
                    }
                }
            });
        }
    });
    let stats = v.stats();
    let during = stats.snapshot();
    assert_identity(&during);
    assert!(during.leaked().is_none(), "no leak figure while the vector lives");
    drop(v);
    let after = stats.snapshot();
    assert_identity(&after);
    assert!(after.vector_dropped);
    assert_eq!(after.live, 0);
    assert_eq!(after.retired, during.retired);
    if R::RECLAIMS {
        assert_eq!(after.leaked(), Some(0), "{after:?}");
        assert_eq!(after.leaked_bytes(), Some(0));
        assert_eq!(after.reclaimed, after.retired);
        assert_eq!(after.reclaimed_at_drop, during.outstanding, "what was outstanding is freed at drop");
    } else {
        assert_eq!(after.reclaimed, 0);
        assert_eq!(after.leaked(), Some(after.retired));
        // With the batch payloads of combined pushes' descriptors.
        assert_eq!(after.leaked_bytes(), Some(after.retired * after.descriptor_bytes + after.batch_bytes));
    }
}

/// A backend that reclaims during the run hands descriptors back to the
/// vector's pool, and later operations reuse them instead of allocating.
/// (With `--cfg secvec_no_pool`, which turns the pool off, nothing may
/// be recycled instead.)
pub fn reclaimed_descriptors_are_recycled<R: Reclaimer>() {
    // The pool is per seat: a thread without one (every seat is taken by
    // another live thread: a test binary running many concurrent checks at
    // once reaches 40 threads) bypasses it by design. A thread that has a
    // seat now keeps it until it exits.
    let seats = secvec_core::per_thread::PerThread::<()>::new();
    let seated = seats.get_or(|| ()).is_some();
    let v = SecVec::<u64, R>::new();
    // haphazard reclaims once 1000 descriptors are retired; other
    // reclaimers sooner: the loop stops once there is something to check
    // (it is the slowest check under Miri otherwise).
    let seen =
        |s: &secvec_core::Snapshot| s.reclaimed > 0 && (s.recycled > 0 || !seated || cfg!(secvec_no_pool));
    let most = if R::RECLAIMS { scaled(5_000, 5_000, 1_500) } else { 200 };
    for i in 0..most as u64 {
        v.push(i);
        v.pop();
        if i % 16 == 15 && seen(&v.stats().snapshot()) {
            break;
        }
    }
    let s = v.stats().snapshot();
    assert_identity(&s);
    if cfg!(secvec_no_pool) {
        assert_eq!(s.recycled, 0, "the pool is off in this build: {s:?}");
    } else if R::RECLAIMS {
        assert!(s.reclaimed > 0, "a reclaiming backend reclaimed nothing in the run: {s:?}");
        if seated {
            assert!(s.recycled > 0, "reclaimed descriptors were never reused: {s:?}");
        } else {
            eprintln!("this thread had no seat (every seat was taken): recycling not checked");
        }
    } else {
        assert_eq!((s.reclaimed, s.recycled), (0, 0), "{s:?}");
    }
}

/// A batch costs one descriptor whatever its length: one retired per
/// `extend_from_slice`, `truncate` and `pop_n` call (target P11).
pub fn a_batch_is_one_descriptor<R: Reclaimer>() {
    let v = SecVec::<u64, R>::new();
    let installed = || v.stats().snapshot().allocated;
    let values: Vec<u64> = (0..1000).collect();
    v.extend_from_slice(&values);
    assert_eq!(installed(), 1);
    v.truncate(10);
    assert_eq!(installed(), 2);
    v.extend_from_slice(&values[..5]);
    assert_eq!(v.pop_n(15).len(), 15);
    assert_eq!(installed(), 4);
    v.truncate(100); // nothing to do: no descriptor
    v.extend_from_slice(&[]);
    assert_eq!(installed(), 4);
    // Each retired the one before, but the first (the empty state).
    assert_eq!(v.stats().snapshot().retired, 3);
}
