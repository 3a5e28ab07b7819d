//! Sequential behaviour of every operation and edge, on every backend.

use crate::scaled;
use secvec_core::{Reclaimer, SecVec};

/// A new vector is empty in every way.
pub fn empty_vector<R: Reclaimer>() {
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
pub fn push_returns_indices<R: Reclaimer>() {
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
pub fn bucket_boundaries<R: Reclaimer>() {
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
pub fn pop_is_lifo<R: Reclaimer>() {
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
pub fn set_and_its_errors<R: Reclaimer>() {
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
pub fn clear_restarts_at_zero<R: Reclaimer>() {
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
pub fn reserve_and_with_capacity<R: Reclaimer>() {
    let v = SecVec::<u32, R>::with_capacity(100);
    assert!(v.is_empty());
    let bytes = v.stats().snapshot().bucket_bytes;
    // 100 elements need buckets of 8 + 16 + 32 + 64 slots of 16 bytes,
    // and the table of bucket heads comes with the first: one pointer
    // per bucket the address space allows (61 on 64-bit targets, 29 on
    // 32-bit ones; the first bucket has 8 = 2^3 slots).
    let heads = u64::from(usize::BITS - 3) * size_of::<usize>() as u64;
    assert_eq!(bytes, (8 + 16 + 32 + 64) * 16 + heads);
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
pub fn reserve_beyond_what_can_exist<R: Reclaimer>() {
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
pub fn bounded_capacity<R: Reclaimer>() {
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
pub fn snapshot_iter_debug<R: Reclaimer>() {
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
pub fn collect_extend_default<R: Reclaimer>() {
    let mut v: SecVec<u64, R> = (1..=4).collect();
    v.extend([5, 6]);
    assert_eq!(v.to_vec(), [1, 2, 3, 4, 5, 6]);
    let d = SecVec::<u64, R>::default();
    assert!(d.is_empty());
}

/// Every kind of element type round-trips: the primitives stored inline
/// (including ones with invalid bit patterns, `bool` and `char`), and types
/// stored in cells: heap-owning, larger than a slot, with padding, and a
/// user's own struct that implements nothing of ours.
pub fn element_types<R: Reclaimer>() {
    #[derive(Clone, Copy, Debug, PartialEq)]
    #[repr(C)]
    struct Pair {
        a: u16,
        b: u16,
        c: u32,
    }
    #[derive(Clone, Debug, PartialEq)]
    struct Big {
        name: String,
        payload: [u64; 16],
    }
    fn check<T: secvec_core::Element + Clone + PartialEq + core::fmt::Debug, R: secvec_core::Reclaimer>(
        vals: &[T],
    ) {
        let v = SecVec::<T, R>::new();
        for x in vals {
            v.push(x.clone());
        }
        assert_eq!(v.to_vec(), vals);
        assert_eq!(v.iter().collect::<Vec<_>>(), vals);
        assert_eq!(v.get(2).as_ref(), vals.get(2));
        assert_eq!(*v.get_ref(1).unwrap(), vals[1]);
        assert_eq!(v.set(0, vals[1].clone()), Ok(vals[0].clone()));
        assert_eq!(v.pop().as_ref(), vals.last());
        assert_eq!(*v.pop_ref().unwrap(), vals[1]);
        assert_eq!(*v.set_ref(0, vals[2].clone()).unwrap(), vals[1]);
        assert_eq!(v.to_vec(), [vals[2].clone()]);
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
    check::<String, R>(&["".into(), "a longer string than a slot".into(), "λ🦀".into()]);
    check::<u128, R>(&[u128::MAX, 0, 1 << 100]);
    check::<(u8, u32), R>(&[(1, 2), (255, u32::MAX), (0, 0)]);
    check::<Vec<u8>, R>(&[vec![], vec![1; 100], vec![2]]);
    check::<std::sync::Arc<u64>, R>(&[1.into(), 2.into(), 3.into()]);
    check::<Option<Box<str>>, R>(&[None, Some("x".into()), Some("".into())]);
    let big = |n: u64| Big { name: n.to_string(), payload: [n; 16] };
    check::<Big, R>(&[big(1), big(2), big(3)]);
    check::<(), R>(&[(), (), ()]);
}

/// A closure is an element too (no `Clone`: removed through `pop_ref`).
pub fn boxed_closures<R: Reclaimer>() {
    type Job = Box<dyn Fn(u64) -> u64 + Send + Sync>;
    let v = SecVec::<Job, R>::new();
    v.push(Box::new(|x| x + 1));
    v.push(Box::new(|x| x * 10));
    assert_eq!((v.get_ref(0).unwrap())(4), 5);
    assert_eq!((v.pop_ref().unwrap())(4), 40);
    assert_eq!(v.len(), 1);
}

/// Batches: contiguous ranges (across bucket boundaries), reads inside a
/// batch, empty batches and truncations that change nothing, `pop_n`
/// longer than the vector, and bounded vectors that refuse a whole batch.
pub fn batches<R: Reclaimer>() {
    let v = SecVec::<u64, R>::new();
    assert_eq!(v.extend_from_slice(&[]), 0..0);
    // 0..30 crosses buckets 0 (8 slots) and 1 (16) into bucket 2.
    let all: Vec<u64> = (0..30).collect();
    assert_eq!(v.extend_from_slice(&all[..5]), 0..5);
    assert_eq!(v.extend_from_iter(all[5..].iter().copied()), 5..30);
    assert_eq!(v.to_vec(), all);
    assert_eq!(v.get(29), Some(29));
    v.truncate(40);
    assert_eq!(v.len(), 30, "truncating to a longer length changes nothing");
    v.truncate(12);
    assert_eq!(v.to_vec(), all[..12]);
    assert_eq!(v.pop_n(0), []);
    assert_eq!(v.pop_n(3), [9, 10, 11]);
    assert_eq!(v.pop_n(100), all[..9]);
    assert!(v.is_empty());
    assert_eq!(v.extend_from_slice(&[7, 8]), 0..2, "appends reuse the slots");

    let b = SecVec::<String, R>::bounded(4);
    let words = ["a".to_string(), "b".to_string(), "c".to_string()];
    assert_eq!(b.extend_from_slice(&words), 0..3);
    let e = b.try_extend_from_slice(&words).unwrap_err();
    assert_eq!((e.additional, e.len, e.max_len), (3, 3, 4));
    assert_eq!(
        e.to_string(),
        "SecVec capacity exhausted: 3 more elements do not fit in a vector of length 3 (its maximum is 4)"
    );
    let back = b.try_extend_from_iter(words.clone()).unwrap_err();
    assert_eq!(back.values, words[..2], "what was taken comes back: one more than fits");
    assert_eq!(back.additional, 2);
    assert_eq!(b.len(), 3, "nothing of a refused batch was appended");
    let panic = std::panic::catch_unwind(|| b.extend_from_slice(&words)).unwrap_err();
    assert!(panic.downcast_ref::<String>().is_some_and(|m| m.contains("vector of length 3")));
    assert_eq!(b.pop_n(2), ["b", "c"]);
    b.truncate(0);
    assert!(b.is_empty());
}

/// A refused batch takes from its iterator one element more than fits and
/// no more (an endless iterator is refused too), gives those back, and
/// appends nothing; one that fits exactly is appended whole.
pub fn a_refused_batch_stops_at_the_first_element_that_does_not_fit<R: Reclaimer>() {
    let v = SecVec::<u64, R>::bounded(10);
    v.extend_from_slice(&[1, 2, 3]);
    let taken = std::cell::Cell::new(0);
    let counted = || (0..).inspect(|_| taken.set(taken.get() + 1));
    let e = v.try_extend_from_iter(counted()).unwrap_err();
    assert_eq!(taken.get(), 8, "7 fit, the 8th is refused, the 9th never made");
    assert_eq!((e.additional, e.len, e.max_len), (8, 3, 10));
    assert_eq!(e.values, (0..8).collect::<Vec<u64>>());
    taken.set(0);
    let e = v.pin().try_extend_from_iter(counted()).unwrap_err();
    assert_eq!((taken.get(), e.additional), (8, 8), "through a handle too");
    assert_eq!(v.len(), 3, "nothing of a refused batch was appended");
    assert_eq!(v.extend_from_iter(0..7), 3..10, "a batch that fits exactly");
    let e = v.try_extend_from_slice(&[1, 2, 3, 4]).unwrap_err();
    assert_eq!(e.additional, 4, "a slice's error names its whole length");
}

/// Through a handle, the same batches.
pub fn batches_through_a_handle<R: Reclaimer>() {
    let v = SecVec::<u64, R>::new();
    let mut h = v.pin();
    assert_eq!(h.extend_from_slice(&[1, 2, 3]), 0..3);
    assert_eq!(h.extend_from_iter([4, 5]), 3..5);
    h.truncate(4);
    assert_eq!(h.pop_n(2), [3, 4]);
    assert_eq!(h.to_vec(), [1, 2]);
}
