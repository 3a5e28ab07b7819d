//! Many producers append log records in batches while a reader tails them
//! through a handle.
//!
//! Each producer formats a few records and appends them with one
//! `extend_from_iter`: its records land next to each other and appear at
//! once. The reader keeps one handle (one reclaimer guard for all its
//! reads), reads every record from where it stopped up to the current
//! length, and refreshes the handle between passes so that it does not
//! hold back reclamation.
//!
//! `cargo run -p secvec --example log_tail`

use secvec::SecVec;
use std::sync::atomic::{AtomicUsize, Ordering};

const PRODUCERS: usize = 4;
const BATCHES: usize = 500;
const PER_BATCH: usize = 8;

fn main() {
    let log = SecVec::<String>::new();
    let done = AtomicUsize::new(0);
    let tailed = std::thread::scope(|s| {
        for p in 0..PRODUCERS {
            let (log, done) = (&log, &done);
            s.spawn(move || {
                for b in 0..BATCHES {
                    let records = (0..PER_BATCH).map(|i| format!("producer {p} batch {b} record {i}"));
                    let at = log.extend_from_iter(records);
                    assert_eq!(at.len(), PER_BATCH, "a batch is contiguous");
                }
                done.fetch_add(1, Ordering::Release);
            });
        }
        // The tail: read what is new, then refresh the handle; stop once
        // every producer has finished and everything was read.
        s.spawn(|| {
            let mut tail = log.pin();
            let mut next = 0;
            let mut per_producer = [0usize; PRODUCERS];
            loop {
                let finished = done.load(Ordering::Acquire) == PRODUCERS;
                while let Some(record) = tail.get_ref(next) {
                    let p: usize = record.split(' ').nth(1).and_then(|n| n.parse().ok()).expect("a record");
                    per_producer[p] += 1;
                    next += 1;
                }
                if finished && next == tail.len() {
                    return per_producer;
                }
                tail.refresh();
                std::thread::yield_now();
            }
        })
        .join()
        .expect("the tail")
    });
    assert_eq!(tailed, [BATCHES * PER_BATCH; PRODUCERS], "every record tailed once");
    assert_eq!(log.len(), PRODUCERS * BATCHES * PER_BATCH);
    println!("tailed {} records from {PRODUCERS} producers: {tailed:?}", log.len());
}
