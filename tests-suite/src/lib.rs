//! The generic SecVec test suite: every test is a function generic over the
//! [`Reclaimer`], and [`suite!`] instantiates all of them as `#[test]`s for
//! one backend. Each backend crate calls it once from `tests/suite.rs`, so
//! the suite, the core and the backend are one build (no dev-dependency
//! cycle) and every backend runs exactly the same checks.
//!
//! Sizes shrink under Miri; the stress tests read `SECVEC_STRESS_OPS` to
//! override the total number of operations.

pub mod alloc;
pub mod hostile;
pub mod lin;

pub use hostile::{exiting_and_new_thread_share_nothing, operations_from_thread_local_destructors};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use secvec_core::{Reclaimer, SecVec, Snapshot};
use std::sync::Barrier;
use std::thread;

/// Instantiates the whole suite for a backend.
///
/// `reclaims_all` says whether dropping a vector frees every descriptor it
/// retired (true for every backend but the leaking one).
#[macro_export]
macro_rules! suite {
    ($backend:ty, reclaims_all = $reclaims:expr) => {
        $crate::suite!(@tests $backend, $reclaims;
            empty_vector, push_returns_indices, bucket_boundaries, pop_is_lifo, set_and_its_errors,
            clear_restarts_at_zero, reserve_and_with_capacity, bounded_capacity, snapshot_iter_debug,
            collect_extend_default, element_types, model_proptest, concurrent_pushes_are_unique,
            stress_conservation, set_racing_pop, readers_during_writes, accounting_identities,
            drop_frees_what_it_should, linearizable_histories, accounting_with_many_threads,
            reclaimed_descriptors_are_recycled, reserve_beyond_what_can_exist, exiting_and_new_thread_share_nothing,
            operations_from_thread_local_destructors);
    };
    (@tests $backend:ty, $reclaims:expr; $($name:ident),*) => {
        $(
            #[test]
            fn $name() {
                $crate::$name::<$backend>($reclaims);
            }
        )*
    };
}

/// Scales a size for the build: tiny under Miri, smaller in debug builds.
pub fn scaled(release: usize, debug: usize, miri: usize) -> usize {
    if cfg!(miri) {
        miri
    } else if cfg!(debug_assertions) {
        debug
    } else {
        release
    }
}

fn stress_ops() -> usize {
    std::env::var("SECVEC_STRESS_OPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| scaled(4_000_000, 200_000, 400))
}

fn threads() -> usize {
    if cfg!(miri) { 2 } else { 4 }
}

/// Checks `allocated = freed_unpublished + retired + live (+1 after drop)`.
pub fn assert_identity(s: &Snapshot) {
    let owner = u64::from(s.vector_dropped);
    assert_eq!(s.allocated, s.freed_unpublished + s.retired + s.live + owner, "accounting identity: {s:?}");
    assert_eq!(s.outstanding, s.retired - s.reclaimed, "outstanding = retired - reclaimed: {s:?}");
    // Only freed descriptors' blocks can be reused.
    assert!(s.recycled <= s.freed_unpublished + s.reclaimed, "recycled more than was freed: {s:?}");
}

// ----- sequential behaviour ---------------------------------------------

/// A new vector is empty in every way.
pub fn empty_vector<R: Reclaimer>(_: bool) {
    let v = SecVec::<u64, R>::new();
    assert_eq!(v.len(), 0);
    assert!(v.is_empty());
    assert_eq!(v.get(0), None);
    assert_eq!(v.pop(), None);
    assert_eq!(v.pop(), None, "a second empty pop is still None");
    assert_eq!(v.iter().count(), 0);
    assert!(v.to_vec().is_empty());
    assert_eq!(format!("{v:?}"), "[]");
    let e = v.set(0, 1).unwrap_err();
    assert_eq!((e.index, e.len), (0, 0));
    v.clear();
    assert!(v.is_empty());
}

/// `push` returns consecutive indices and `get` reads back what was pushed,
/// up to and not beyond `len`.
pub fn push_returns_indices<R: Reclaimer>(_: bool) {
    let v = SecVec::<u64, R>::new();
    let n = scaled(1000, 1000, 40);
    for i in 0..n {
        assert_eq!(v.push(i as u64 * 3), i);
        assert_eq!(v.len(), i + 1);
    }
    for i in 0..n {
        assert_eq!(v.get(i), Some(i as u64 * 3), "index {i}");
    }
    assert_eq!(v.get(n), None, "index len");
    assert_eq!(v.get(n + 1), None, "index len + 1");
    assert_eq!(v.get(usize::MAX), None);
}

/// Around every bucket boundary (8, 24, 56, 120, ... elements) pushes and
/// pops keep the right values; values repeat on purpose.
pub fn bucket_boundaries<R: Reclaimer>(_: bool) {
    let boundaries: &[usize] =
        if cfg!(miri) { &[7, 8, 23, 24] } else { &[7, 8, 23, 24, 55, 56, 119, 120, 247, 248] };
    for &b in boundaries {
        let v = SecVec::<u32, R>::new();
        for i in 0..=b {
            v.push((i % 5) as u32);
        }
        assert_eq!(v.len(), b + 1);
        assert_eq!(v.get(b), Some((b % 5) as u32), "last index {b}");
        assert_eq!(v.get(b - 1), Some(((b - 1) % 5) as u32));
        assert_eq!(v.get(b + 1), None);
        // Pop back across the boundary and push again over old slots.
        assert_eq!(v.pop(), Some((b % 5) as u32));
        assert_eq!(v.pop(), Some(((b - 1) % 5) as u32));
        assert_eq!(v.push(77), b - 1);
        assert_eq!(v.push(78), b);
        assert_eq!(v.to_vec()[b - 1..], [77, 78]);
    }
}

/// `pop` returns elements in reverse order, then `None`.
pub fn pop_is_lifo<R: Reclaimer>(_: bool) {
    let v = SecVec::<i64, R>::new();
    let n = scaled(500, 500, 30);
    for i in 0..n as i64 {
        v.push(-i);
    }
    for i in (0..n as i64).rev() {
        assert_eq!(v.pop(), Some(-i));
    }
    assert_eq!(v.pop(), None);
    assert_eq!(v.len(), 0);
}

/// `set` returns the old value and changes only its index; out of range is
/// an error naming index and length that changes nothing.
pub fn set_and_its_errors<R: Reclaimer>(_: bool) {
    let v = SecVec::<u16, R>::new();
    for i in 0..10 {
        v.push(i);
    }
    assert_eq!(v.set(3, 300), Ok(3));
    assert_eq!(v.set(3, 301), Ok(300));
    assert_eq!(v.set(9, 900), Ok(9));
    assert_eq!(v.to_vec(), [0, 1, 2, 301, 4, 5, 6, 7, 8, 900]);
    for bad in [10, 11, usize::MAX] {
        let e = v.set(bad, 1).unwrap_err();
        assert_eq!((e.index, e.len), (bad, 10));
        assert_eq!(e.to_string(), format!("index {bad} is out of bounds for a SecVec of length 10"));
    }
    assert_eq!(v.len(), 10);
    assert_eq!(v.to_vec(), [0, 1, 2, 301, 4, 5, 6, 7, 8, 900]);
    // A set value survives a pop of a later element and is popped itself.
    assert_eq!(v.pop(), Some(900));
    assert_eq!(v.set(9, 1).unwrap_err().len, 9);
}

/// `clear` empties the vector in one step and pushes start again at 0.
pub fn clear_restarts_at_zero<R: Reclaimer>(_: bool) {
    let v = SecVec::<u8, R>::new();
    for i in 0..20 {
        v.push(i);
    }
    v.clear();
    assert_eq!(v.len(), 0);
    assert_eq!(v.get(0), None);
    assert_eq!(v.pop(), None);
    assert_eq!(v.push(200), 0);
    assert_eq!(v.to_vec(), [200]);
}

/// Pre-allocation changes no contents and is accounted as bucket bytes.
pub fn reserve_and_with_capacity<R: Reclaimer>(_: bool) {
    let v = SecVec::<u32, R>::with_capacity(100);
    assert!(v.is_empty());
    let bytes = v.stats().snapshot().bucket_bytes;
    // 100 elements need buckets of 8 + 16 + 32 + 64 slots of 16 bytes.
    assert_eq!(bytes, (8 + 16 + 32 + 64) * 16);
    for i in 0..100 {
        v.push(i);
    }
    assert_eq!(v.stats().snapshot().bucket_bytes, bytes, "no allocation in push after with_capacity");
    v.reserve(30);
    assert_eq!(v.stats().snapshot().bucket_bytes, bytes + 128 * 16);
    assert_eq!(v.len(), 100);
    assert_eq!(v.get(99), Some(99));
}

/// Reserving more than can exist is an error (`try_reserve`) or a clear
/// panic (`reserve`, `with_capacity`), like `Vec`'s "capacity overflow",
/// and allocates nothing; the vector is unchanged.
pub fn reserve_beyond_what_can_exist<R: Reclaimer>(_: bool) {
    let v = SecVec::<u64, R>::new();
    v.push(1);
    let before = v.stats().snapshot().bucket_bytes;
    let e = v.try_reserve(usize::MAX).unwrap_err();
    assert!(e.to_string().contains("capacity exceeded"), "{e}");
    assert_eq!(v.stats().snapshot().bucket_bytes, before, "nothing allocated");
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| v.reserve(usize::MAX))).unwrap_err();
    let msg = panic.downcast_ref::<String>().expect("panic message is a String");
    assert!(msg.contains("capacity exceeded") && msg.contains("with 1 elements"), "{msg}");
    let panic = std::panic::catch_unwind(|| SecVec::<u64, R>::with_capacity(usize::MAX - 8)).unwrap_err();
    let msg = panic.downcast_ref::<String>().expect("panic message is a String");
    assert!(msg.contains("capacity exceeded"), "{msg}");
    assert_eq!(v.to_vec(), [1]);
    assert!(v.try_reserve(100).is_ok());
}

/// A bounded vector refuses pushes past its maximum: `try_push` gives the
/// value back, `push` panics with a clear message, nothing is lost.
pub fn bounded_capacity<R: Reclaimer>(_: bool) {
    let v = SecVec::<u64, R>::bounded(3);
    assert_eq!(v.max_len(), 3);
    for i in 0..3 {
        assert_eq!(v.try_push(i), Ok(i as usize));
    }
    let e = v.try_push(42).unwrap_err();
    assert_eq!((e.value, e.max_len), (42, 3));
    assert_eq!(e.to_string(), "SecVec capacity exhausted: it already holds its maximum of 3 elements");
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| v.push(43))).unwrap_err();
    let msg = panic.downcast_ref::<String>().expect("panic message is a String");
    assert!(msg.contains("capacity exhausted") && msg.contains("maximum of 3"), "{msg}");
    assert_eq!(v.to_vec(), [0, 1, 2], "failed pushes change nothing");
    assert_eq!(v.pop(), Some(2));
    assert_eq!(v.try_push(5), Ok(2), "room again after a pop");
    assert_eq!(SecVec::<u64, R>::new().max_len(), usize::MAX - 7);
}

/// `to_vec`, `iter`, `IntoIterator` and `Debug` agree.
pub fn snapshot_iter_debug<R: Reclaimer>(_: bool) {
    let v = SecVec::<i32, R>::new();
    for i in [3, -1, 4, -1, 5] {
        v.push(i);
    }
    assert_eq!(v.to_vec(), [3, -1, 4, -1, 5]);
    assert_eq!(v.iter().collect::<Vec<_>>(), [3, -1, 4, -1, 5]);
    assert_eq!((&v).into_iter().sum::<i32>(), 10);
    assert_eq!(format!("{v:?}"), "[3, -1, 4, -1, 5]");
}

/// `FromIterator`, `Extend` and `Default`.
pub fn collect_extend_default<R: Reclaimer>(_: bool) {
    let mut v: SecVec<u64, R> = (1..=4).collect();
    v.extend([5, 6]);
    assert_eq!(v.to_vec(), [1, 2, 3, 4, 5, 6]);
    let d = SecVec::<u64, R>::default();
    assert!(d.is_empty());
}

/// Every supported element type round-trips, including ones with invalid
/// bit patterns (`bool`, `char`) and a padding-free `#[repr(C)]` struct.
pub fn element_types<R: Reclaimer>(_: bool) {
    #[derive(Clone, Copy, Debug, PartialEq, bytemuck::NoUninit)]
    #[repr(C)]
    struct Pair {
        a: u16,
        b: u16,
        c: u32,
    }
    fn check<T: secvec_core::Element + PartialEq + core::fmt::Debug, R: Reclaimer>(vals: &[T]) {
        let v = SecVec::<T, R>::new();
        for &x in vals {
            v.push(x);
        }
        assert_eq!(v.to_vec(), vals);
        assert_eq!(v.set(0, vals[1]), Ok(vals[0]));
        assert_eq!(v.pop(), vals.last().copied());
    }
    check::<u8, R>(&[0, 255, 7]);
    check::<i16, R>(&[-1, i16::MIN, 3]);
    check::<u32, R>(&[u32::MAX, 0, 1]);
    check::<i64, R>(&[i64::MIN, i64::MAX, 0]);
    check::<usize, R>(&[usize::MAX, 1, 2]);
    check::<f32, R>(&[1.5, -0.25, f32::MAX]);
    check::<f64, R>(&[f64::MIN_POSITIVE, 2.0, -3.0]);
    check::<char, R>(&['a', 'λ', '🦀']);
    check::<bool, R>(&[true, false, true]);
    check::<Pair, R>(&[
        Pair { a: 1, b: 2, c: 3 },
        Pair { a: u16::MAX, b: 0, c: u32::MAX },
        Pair { a: 0, b: 0, c: 0 },
    ]);
}

// ----- model-based property test ----------------------------------------

/// One operation of the model test.
#[derive(Clone, Debug)]
pub enum Op {
    /// `push(v)`
    Push(u8),
    /// `pop()`
    Pop,
    /// `get(i)`
    Get(usize),
    /// `set(i, v)`
    Set(usize, u8),
    /// `clear()`
    Clear,
    /// `len()`
    Len,
}

fn op_strategy() -> impl Strategy<Value = Op> {
    // Small values and indices near the length, so values repeat and
    // out-of-range indices are common.
    prop_oneof![
        4 => any::<u8>().prop_map(|v| Op::Push(v % 8)),
        3 => Just(Op::Pop),
        2 => (0usize..40).prop_map(Op::Get),
        2 => ((0usize..40), any::<u8>()).prop_map(|(i, v)| Op::Set(i, v % 8)),
        1 => Just(Op::Len),
        1 => prop::bool::weighted(0.1).prop_map(|_| Op::Clear),
    ]
}

/// Random operation sequences give the same results as `Vec`: pushes,
/// pops, gets and sets with indices up to 10 past a bounded length (so
/// out-of-range indices and capacity exhaustion are covered), clears.
pub fn model_proptest<R: Reclaimer>(_: bool) {
    // `SECVEC_PROPTEST_CASES` turns this into a fuzzing run (CI uses 20000).
    let cases = std::env::var("SECVEC_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| scaled(256, 64, 4) as u32);
    let max_ops = scaled(200, 200, 30);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    runner
        .run(&prop::collection::vec(op_strategy(), 0..max_ops), |ops| {
            const MAX: usize = 30;
            let v = SecVec::<u8, R>::bounded(MAX);
            let mut model: Vec<u8> = Vec::new();
            for op in ops {
                match op {
                    Op::Push(x) => {
                        let expect = if model.len() < MAX {
                            model.push(x);
                            Ok(model.len() - 1)
                        } else {
                            Err((x, MAX))
                        };
                        prop_assert_eq!(v.try_push(x).map_err(|e| (e.value, e.max_len)), expect);
                    }
                    Op::Pop => prop_assert_eq!(v.pop(), model.pop()),
                    Op::Get(i) => prop_assert_eq!(v.get(i), model.get(i).copied()),
                    Op::Set(i, x) => {
                        let expect = match model.get_mut(i) {
                            Some(slot) => Ok(std::mem::replace(slot, x)),
                            None => Err((i, model.len())),
                        };
                        prop_assert_eq!(v.set(i, x).map_err(|e| (e.index, e.len)), expect);
                    }
                    Op::Clear => {
                        v.clear();
                        model.clear();
                    }
                    Op::Len => prop_assert_eq!(v.len(), model.len()),
                }
            }
            prop_assert_eq!(v.to_vec(), model);
            Ok(())
        })
        .unwrap();
}

// ----- concurrency ---------------------------------------------------------

/// Concurrent pushes of distinct values get distinct indices, and each value
/// sits at the index its push returned.
pub fn concurrent_pushes_are_unique<R: Reclaimer>(_: bool) {
    let v = SecVec::<u64, R>::new();
    let (threads, per) = (threads(), scaled(20_000, 5_000, 30));
    let results: Vec<Vec<(usize, u64)>> = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let v = &v;
                s.spawn(move || {
                    (0..per).map(|i| ((t * per + i) as u64, v)).map(|(x, v)| (v.push(x), x)).collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let all = v.to_vec();
    assert_eq!(all.len(), threads * per);
    let mut seen = vec![false; all.len()];
    for (index, value) in results.into_iter().flatten() {
        assert!(!std::mem::replace(&mut seen[index], true), "index {index} returned twice");
        assert_eq!(all[index], value, "index {index}");
    }
}

/// Conservation under contention with repeated values: threads push and pop
/// values drawn from a small set; per value, pushed = popped + remaining.
pub fn stress_conservation<R: Reclaimer>(_: bool) {
    const VALUES: u64 = 4;
    let v = SecVec::<u64, R>::new();
    let threads = threads();
    let per = stress_ops() / threads;
    let barrier = Barrier::new(threads);
    let counts: Vec<([u64; VALUES as usize], [u64; VALUES as usize])> = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (v, barrier) = (&v, &barrier);
                s.spawn(move || {
                    let (mut pushed, mut popped) = ([0u64; VALUES as usize], [0u64; VALUES as usize]);
                    let mut rng = 0x9E37_79B9_7F4A_7C15u64 ^ (t as u64 + 1);
                    barrier.wait();
                    for _ in 0..per {
                        rng ^= rng << 13;
                        rng ^= rng >> 7;
                        rng ^= rng << 17;
                        if rng & 1 == 0 {
                            let x = (rng >> 8) % VALUES;
                            v.push(x);
                            pushed[x as usize] += 1;
                        } else if let Some(x) = v.pop() {
                            assert!(x < VALUES, "popped {x}, which was never pushed");
                            popped[x as usize] += 1;
                        }
                    }
                    (pushed, popped)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut remaining = [0u64; VALUES as usize];
    for x in v.to_vec() {
        remaining[x as usize] += 1;
    }
    for (x, left) in remaining.into_iter().enumerate() {
        let pushed: u64 = counts.iter().map(|c| c.0[x]).sum();
        let popped: u64 = counts.iter().map(|c| c.1[x]).sum();
        assert_eq!(pushed, popped + left, "value {x}: pushed {pushed}, popped {popped}, left {left}");
    }
    let s = v.stats().snapshot();
    assert_identity(&s);
    assert_eq!(s.live, 1);
}

/// `set` racing `pop` on the same indices: a `set` that succeeded took
/// effect before the pop of its index, so that pop must return the new
/// value; a `set` that failed saw the index already popped.
pub fn set_racing_pop<R: Reclaimer>(_: bool) {
    let rounds = scaled(200, 40, 2);
    let n = scaled(256, 128, 12);
    for _ in 0..rounds {
        let v = SecVec::<u64, R>::new();
        for i in 0..n as u64 {
            v.push(i);
        }
        let barrier = Barrier::new(2);
        let (popped, sets) = thread::scope(|s| {
            let popper = s.spawn(|| {
                barrier.wait();
                (0..n).map(|_| v.pop().expect("only this thread pops")).collect::<Vec<_>>()
            });
            let setter = s.spawn(|| {
                barrier.wait();
                (0..n).rev().map(|i| v.set(i, 1000 + i as u64)).collect::<Vec<_>>()
            });
            (popper.join().unwrap(), setter.join().unwrap())
        });
        assert_eq!(v.pop(), None);
        for (k, result) in sets.into_iter().enumerate() {
            let i = n - 1 - k;
            let got = popped[k]; // pops run from index n-1 down, like the sets
            match result {
                Ok(old) => {
                    assert_eq!(old, i as u64, "set({i}) saw an old value it could not have");
                    assert_eq!(got, 1000 + i as u64, "set({i}) succeeded but the pop of {i} missed it");
                }
                Err(e) => {
                    assert_eq!(e.index, i);
                    assert!(e.len <= i);
                    assert_eq!(got, i as u64, "set({i}) failed but its value was popped");
                }
            }
        }
    }
}

/// Readers run `get`, `len`, `iter` and `to_vec` while writers push, pop and
/// set: every value read is one that was written, at an index below a
/// length the vector had.
pub fn readers_during_writes<R: Reclaimer>(_: bool) {
    let v = SecVec::<u64, R>::new();
    for i in 0..8 {
        v.push(i * 1000);
    }
    let ops = scaled(50_000, 5_000, 40);
    // Values are `index * 1000 + tag`: a reader can check that a value sits
    // at the index it was written for.
    thread::scope(|s| {
        s.spawn(|| {
            for k in 0..ops {
                let len = v.len();
                if k % 3 == 0 && len > 0 {
                    let _ = v.set(k % len, (k % len) as u64 * 1000 + 7);
                } else if k % 2 == 0 {
                    let _ = v.pop();
                } else if len < 64 {
                    // Racing with our own pop only: this push lands at index `len`.
                    let i = v.push(len as u64 * 1000 + 1);
                    assert_eq!(i, len);
                }
            }
        });
        for _ in 0..2 {
            s.spawn(|| {
                for k in 0..ops {
                    let i = k % 64;
                    if let Some(x) = v.get(i) {
                        assert_eq!(x / 1000, i as u64, "value {x} read at index {i}");
                    }
                    if k % 64 == 0 {
                        for (i, x) in v.to_vec().into_iter().enumerate() {
                            assert_eq!(x / 1000, i as u64, "to_vec: value {x} at index {i}");
                        }
                        for (i, x) in v.iter().enumerate() {
                            assert_eq!(x / 1000, i as u64, "iter: value {x} at index {i}");
                        }
                    }
                }
            });
        }
    });
}

/// The accounting identities hold single-threaded, exactly.
pub fn accounting_identities<R: Reclaimer>(_: bool) {
    let v = SecVec::<u32, R>::bounded(4);
    let s0 = v.stats().snapshot();
    assert_eq!((s0.allocated, s0.live, s0.retired), (1, 1, 0));
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
    // 4 pushes + 1 set + 2 pops + 1 clear installed a descriptor each.
    assert_eq!(s.retired, 8, "{s:?}");
    assert_eq!(s.allocated, 9, "{s:?}");
    assert_eq!(s.freed_unpublished, 0, "single-threaded: no CAS is lost");
    assert_eq!(s.descriptor_bytes as usize, 64, "one descriptor is one cache line");
    assert_identity(&s);
}

/// Counting stays exact with more threads than exclusive counter shards
/// (the rest share an overflow shard), and across thread exits that hand
/// shards over to new threads.
pub fn accounting_with_many_threads<R: Reclaimer>(_: bool) {
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
        let writes = ((round + 1) * threads * per) as u64;
        assert_eq!(s.retired, writes, "round {round}: {s:?}");
        assert_eq!(s.allocated, writes + 1 + s.freed_unpublished, "round {round}: {s:?}");
        assert_identity(&s);
    }
}

/// After drop, a reclaiming backend has freed everything; the leaking one
/// has freed nothing it retired, and says so.
pub fn drop_frees_what_it_should<R: Reclaimer>(reclaims_all: bool) {
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
    if reclaims_all {
        assert_eq!(after.leaked(), Some(0), "{after:?}");
        assert_eq!(after.leaked_bytes(), Some(0));
        assert_eq!(after.reclaimed, after.retired);
        assert_eq!(after.reclaimed_at_drop, during.outstanding, "what was outstanding is freed at drop");
    } else {
        assert_eq!(after.reclaimed, 0);
        assert_eq!(after.leaked(), Some(after.retired));
        assert_eq!(after.leaked_bytes(), Some(after.retired * after.descriptor_bytes));
    }
}

/// A backend that reclaims during the run hands descriptors back to the
/// vector's pool, and later operations reuse them instead of allocating.
/// (With `--cfg secvec_no_pool`, which turns the pool off, nothing may
/// be recycled instead.)
pub fn reclaimed_descriptors_are_recycled<R: Reclaimer>(reclaims_all: bool) {
    let v = SecVec::<u64, R>::new();
    // haphazard reclaims once 1000 descriptors are retired.
    for i in 0..scaled(5_000, 5_000, 1_500) as u64 {
        v.push(i);
        v.pop();
    }
    let s = v.stats().snapshot();
    assert_identity(&s);
    if cfg!(secvec_no_pool) {
        assert_eq!(s.recycled, 0, "the pool is off in this build: {s:?}");
    } else if reclaims_all {
        assert!(s.reclaimed > 0, "a reclaiming backend reclaimed nothing in the run: {s:?}");
        assert!(s.recycled > 0, "reclaimed descriptors were never reused: {s:?}");
    } else {
        assert_eq!((s.reclaimed, s.recycled), (0, 0), "{s:?}");
    }
}

/// Thousands of short recorded histories (3 threads x 5 operations,
/// repeated values, indices around the length) are linearizable with
/// respect to `Vec`, and the final contents match the witness order.
pub fn linearizable_histories<R: Reclaimer>(_: bool) {
    let histories = std::env::var("SECVEC_LIN_HISTORIES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| scaled(3000, 300, 3));
    lin::check_many::<R>(histories, 3, 5);
}

// ----- garbage over time -------------------------------------------------

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

/// Runs `threads` workers doing push/pop 50/50 (`ops` each) on a fresh
/// vector while the calling thread samples outstanding garbage as fast as it
/// can (it yields between samples; no sleeps). With `stall`, a guard that
/// protects the current descriptor is held for the whole run, as by a reader
/// stalled in the middle of `get`.
pub fn measure_garbage<R: Reclaimer>(threads: usize, ops: usize, stall: bool) -> GarbageRun {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let v = SecVec::<u64, R>::new();
    let stats = v.stats();
    let running = AtomicUsize::new(threads);
    let mut peak = 0;
    let mut samples = 0;
    let guard = stall.then(|| v.stalled_reader());
    thread::scope(|s| {
        for t in 0..threads {
            let (v, running) = (&v, &running);
            s.spawn(move || {
                for i in 0..ops {
                    if (i + t) % 2 == 0 {
                        v.push(i as u64);
                    } else {
                        v.pop();
                    }
                }
                running.fetch_sub(1, Ordering::Release);
            });
        }
        while running.load(Ordering::Acquire) != 0 {
            peak = peak.max(stats.snapshot().outstanding);
            samples += 1;
            thread::yield_now();
        }
    });
    let end = stats.snapshot();
    drop(guard);
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
