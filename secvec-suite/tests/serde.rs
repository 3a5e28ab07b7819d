//! `serde`: a vector round-trips through a self-describing format (JSON)
//! and a length-prefixed one (postcard), also while other threads write
//! to it: what is serialized is one snapshot.

use secvec_core::SecVec;
use secvec_suite::{for_each_backend, scaled};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

/// JSON and postcard give back the same elements, for inline and heap
/// element types, and an empty vector.
#[test]
fn a_vector_round_trips_through_json_and_postcard() {
    for_each_backend!(|R| {
        let n = scaled(300, 300, 10) as u64;
        let numbers = SecVec::<u64, R>::from((0..n).collect::<Vec<_>>());
        let json = serde_json::to_string(&numbers).unwrap();
        assert_eq!(json, serde_json::to_string(&numbers.to_vec()).unwrap(), "the same text as a Vec");
        let back: SecVec<u64, R> = serde_json::from_str(&json).unwrap();
        assert_eq!(back.to_vec(), numbers.to_vec());

        let words = SecVec::<String, R>::from(vec!["ada".to_string(), String::new(), "grace".to_string()]);
        let bytes = postcard::to_allocvec(&words).unwrap();
        let back: SecVec<String, R> = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back.to_vec(), ["ada", "", "grace"]);

        let empty = SecVec::<u64, R>::new();
        let back: SecVec<u64, R> = postcard::from_bytes(&postcard::to_allocvec(&empty).unwrap()).unwrap();
        assert!(back.is_empty());
        assert!(serde_json::from_str::<SecVec<u64, R>>("[1, \"two\"]").is_err(), "a bad element is an error");
    });
}

/// A writer replaces the whole contents again and again, by two batches
/// (remove all, append `WIDTH` copies of the next number), while another
/// thread serializes the vector: every serialized form decodes to either
/// nothing or `WIDTH` equal numbers, as a snapshot must (a serializer that
/// read the elements one by one would mix two generations or stop short),
/// and its length prefix matches its elements (postcard would fail
/// otherwise).
#[test]
fn serializing_during_writes_gives_one_snapshot() {
    const WIDTH: usize = 40;
    for_each_backend!(|R| {
        let v = SecVec::<u64, R>::new();
        v.extend_from_slice(&[0; WIDTH]);
        // Read until the writer has been seen at work this many times, so
        // that reads and writes really overlap.
        let generations = scaled(200, 30, 3);
        let stop = AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                let mut k = 1u64;
                while !stop.load(Relaxed) {
                    assert_eq!(v.pop_n(WIDTH).len(), WIDTH);
                    v.extend_from_slice(&[k; WIDTH]);
                    k += 1;
                }
            });
            // Checked after the writer is told to stop: a failed check
            // must not leave it running (the scope would never end).
            let (mut last, mut changes) = (0, 0);
            let bad = loop {
                let seen = postcard::to_allocvec(&v).and_then(|b| postcard::from_bytes::<Vec<u64>>(&b));
                let Ok(seen) = seen else { break Some(format!("{seen:?}")) };
                let whole = seen.is_empty() || seen.len() == WIDTH;
                if !whole || seen.iter().any(|&x| x != seen[0]) {
                    break Some(format!("not one state: {seen:?}"));
                }
                match seen.first() {
                    Some(&k) if k != last => (last, changes) = (k, changes + 1),
                    _ => {}
                }
                if changes == generations {
                    break None;
                }
            };
            stop.store(true, Relaxed);
            assert_eq!(bad, None);
        });
    });
}
