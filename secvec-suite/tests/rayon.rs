//! `rayon`: `par_extend` and `collect` lose nothing and duplicate nothing
//! while other threads write, and `par_iter` sees one snapshot.

use rayon::prelude::*;
use secvec_core::SecVec;
use secvec_suite::snapshot::first_torn_read;
use secvec_suite::{for_each_backend, scaled};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

/// Marks the values a plain thread pushes, apart from rayon's.
const OTHER: u64 = 1 << 40;

/// `par_extend` from rayon workers while a plain thread pushes and pops
/// its own values: afterwards every rayon value is there exactly once,
/// beside the plain thread's survivors, and nothing else.
#[test]
fn par_extend_during_writes_loses_nothing() {
    for_each_backend!(|R| {
        let n = scaled(100_000, 20_000, 50) as u64;
        let mut v = SecVec::<u64, R>::from(vec![OTHER - 1]);
        let stop = AtomicBool::new(false);
        let mut others = std::thread::scope(|s| {
            let writer = s.spawn(|| {
                let (mut kept, mut k) = (Vec::new(), 0);
                while !stop.load(Relaxed) {
                    v.push(OTHER + k);
                    kept.push(OTHER + k);
                    k += 1;
                }
                kept
            });
            (&v).par_extend((0..n).into_par_iter());
            stop.store(true, Relaxed);
            writer.join().unwrap()
        });
        let mut all = v.to_vec();
        all.sort_unstable();
        others.push(OTHER - 1);
        let mut expected: Vec<u64> = (0..n).chain(others).collect();
        expected.sort_unstable();
        assert_eq!(all.len(), expected.len());
        assert!(all == expected, "lost or duplicated values");
        v.par_extend(vec![7u64; 3]);
        assert_eq!(v.len(), expected.len() + 3);
    });
}

/// `collect` into a vector holds every item once.
#[test]
fn collect_holds_every_item_once() {
    for_each_backend!(|R| {
        let n = scaled(100_000, 10_000, 50) as u64;
        let v: SecVec<u64, R> = (0..n).into_par_iter().map(|x| x * 3).collect();
        let mut all = v.to_vec();
        all.sort_unstable();
        assert!(all == (0..n).map(|x| x * 3).collect::<Vec<_>>());
    });
}

/// While a writer keeps replacing the whole contents, every `par_iter`
/// sees one state of the vector.
#[test]
fn par_iter_sees_one_snapshot() {
    for_each_backend!(|R| {
        let torn = first_torn_read::<R>(scaled(200, 30, 3), |v| Ok(v.par_iter().collect()));
        assert_eq!(torn, None);
    });
}
