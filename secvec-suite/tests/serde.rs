//! `serde`: a vector round-trips through a self-describing format (JSON)
//! and a length-prefixed one (postcard), also while other threads write
//! to it: what is serialized is one snapshot.

use secvec_core::SecVec;
use secvec_suite::snapshot::first_torn_read;
use secvec_suite::{for_each_backend, scaled};

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

/// While a writer keeps replacing the whole contents, every serialized
/// form decodes to one state of the vector, as a snapshot must, and its
/// length prefix matches its elements (postcard would fail otherwise).
#[test]
fn serializing_during_writes_gives_one_snapshot() {
    for_each_backend!(|R| {
        let torn = first_torn_read::<R>(scaled(200, 30, 3), |v| {
            let bytes = postcard::to_allocvec(v).map_err(|e| e.to_string())?;
            postcard::from_bytes(&bytes).map_err(|e| e.to_string())
        });
        assert_eq!(torn, None);
    });
}
