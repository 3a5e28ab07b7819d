//! A check that a read of a whole vector is one snapshot, for the
//! integrations that promise one (serde's `Serialize`, rayon's `par_iter`).

use secvec_core::{Reclaimer, SecVec};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

/// The elements of each state the writer of [`first_torn_read`] leaves.
pub const WIDTH: usize = 40;

/// Runs `read` against a vector whose whole contents a writer thread keeps
/// replacing by two batches (remove all, append [`WIDTH`] copies of the
/// next number), until `read` has returned `states` different states.
/// Returns what the first read that was not one state (nothing, or
/// `WIDTH` equal numbers) returned, or its error; `None` if every read
/// was one state. A reader that read the elements one by one would mix
/// two states or stop short.
///
/// The writer is stopped before this returns, also when a read fails: a
/// failed check must not leave it running (the thread scope would never
/// end).
pub fn first_torn_read<R: Reclaimer>(
    states: usize,
    read: impl Fn(&SecVec<u64, R>) -> Result<Vec<u64>, String>,
) -> Option<String> {
    let v = SecVec::<u64, R>::new();
    v.extend_from_slice(&[0; WIDTH]);
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
        let (mut last, mut changes) = (0, 0);
        let torn = loop {
            let seen = match read(&v) {
                Ok(seen) => seen,
                Err(e) => break Some(e),
            };
            let whole = seen.is_empty() || seen.len() == WIDTH;
            if !whole || seen.iter().any(|&x| x != seen[0]) {
                break Some(format!("not one state: {seen:?}"));
            }
            match seen.first() {
                Some(&k) if k != last => (last, changes) = (k, changes + 1),
                _ => {}
            }
            if changes == states {
                break None;
            }
        };
        stop.store(true, Relaxed);
        torn
    })
}
