//! The standard traits of `SecVec` (construction, `Clone`, `Extend`,
//! `Debug`, iteration by reference) agree with `Vec`'s on every backend.

use crate::scaled;
use secvec_core::{Reclaimer, SecVec, SharedDomain};

/// Each way to build a vector holds what `Vec` would, in the same order.
pub fn constructions_hold_what_a_vec_would<R: Reclaimer>() {
    let n = scaled(500, 500, 20) as u64;
    let expected: Vec<u64> = (0..n).collect();
    let from_vec = SecVec::<u64, R>::from(expected.clone());
    assert_eq!(from_vec.to_vec(), expected);
    let from_slice = SecVec::<u64, R>::from(&expected[..]);
    assert_eq!(from_slice.to_vec(), expected);
    let from_iter: SecVec<u64, R> = (0..n).collect();
    assert_eq!(from_iter.to_vec(), expected);
    let from_array = SecVec::<String, R>::from(["a".to_string(), "b".to_string()]);
    assert_eq!(from_array.to_vec(), ["a", "b"]);
    let default = SecVec::<u64, R>::default();
    assert!(default.is_empty());
    assert_eq!(default.max_len(), SecVec::<u64, R>::new().max_len());
}

/// `Extend` by value and by reference append one batch each, after what
/// is there; iteration by reference yields what `to_vec` holds.
pub fn extend_and_iterate_like_a_vec<R: Reclaimer>() {
    let mut v = SecVec::<u64, R>::from(vec![1, 2]);
    let mut expected = vec![1, 2];
    v.extend([3, 4]);
    expected.extend([3, 4]);
    v.extend(&[5, 6]);
    expected.extend(&[5, 6]);
    assert_eq!(v.to_vec(), expected);
    let mut seen = Vec::new();
    for x in &v {
        seen.push(x);
    }
    assert_eq!(seen, expected);
    assert_eq!(format!("{v:?}"), format!("{expected:?}"));
    let strings = SecVec::<String, R>::from(vec!["x".to_string(), "y z".to_string()]);
    assert_eq!(format!("{strings:?}"), r#"["x", "y z"]"#);
}

/// A clone is an independent copy: same elements and `max_len`, and
/// nothing done to one (writes, drop) shows in the other. A clone of a
/// vector in a shared domain has a domain of its own and outlives it.
pub fn a_clone_is_an_independent_snapshot<R: Reclaimer>() {
    let original = SecVec::<String, R>::bounded(10);
    for i in 0..5 {
        original.push(format!("element {i}"));
    }
    let copy = original.clone();
    assert_eq!(copy.to_vec(), original.to_vec());
    assert_eq!(copy.max_len(), 10);
    original.set(0, "changed".to_string()).unwrap();
    assert_eq!(original.pop().as_deref(), Some("element 4"));
    copy.push("only in the copy".to_string());
    drop(original);
    assert_eq!(copy.len(), 6);
    assert_eq!(copy.get(0).as_deref(), Some("element 0"));
    assert_eq!(copy.get(5).as_deref(), Some("only in the copy"));

    let domain = SharedDomain::<R>::new();
    let shared = SecVec::<String, R>::new_in(&domain);
    shared.push("in the domain".to_string());
    let copy = shared.clone();
    drop(shared);
    drop(domain);
    copy.push("after the domain".to_string());
    assert_eq!(copy.to_vec(), ["in the domain", "after the domain"]);
}
