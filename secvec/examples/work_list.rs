//! A work list of `String` jobs that workers pop while others push.
//!
//! Producers push jobs; workers pop them until every producer is done and
//! the list is empty. Each job is taken by exactly one worker: the counts
//! at the end add up, nothing lost, nothing done twice. (`pop` takes from
//! the end: a `SecVec` is a stack, not a queue; use it where order does
//! not matter.)
//!
//! `cargo run -p secvec --example work_list`

use secvec::SecVec;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

const PRODUCERS: usize = 2;
const WORKERS: usize = 3;
const JOBS: usize = 5_000;

fn main() {
    let jobs = SecVec::<String>::new();
    let producing = AtomicUsize::new(PRODUCERS);
    let done: Vec<Vec<String>> = std::thread::scope(|s| {
        for p in 0..PRODUCERS {
            let (jobs, producing) = (&jobs, &producing);
            s.spawn(move || {
                for j in 0..JOBS {
                    jobs.push(format!("job {p}-{j}"));
                }
                producing.fetch_sub(1, Ordering::Release);
            });
        }
        let workers: Vec<_> = (0..WORKERS)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        // Read before popping: if producers were done and
                        // the list is then empty, no job can come.
                        let finished = producing.load(Ordering::Acquire) == 0;
                        match jobs.pop() {
                            Some(job) => mine.push(job),
                            None if finished => return mine,
                            None => std::thread::yield_now(),
                        }
                    }
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("a worker")).collect()
    });
    let total: usize = done.iter().map(Vec::len).sum();
    let distinct: HashSet<&String> = done.iter().flatten().collect();
    assert_eq!(total, PRODUCERS * JOBS, "every job taken");
    assert_eq!(distinct.len(), total, "no job taken twice");
    assert!(jobs.is_empty());
    let per_worker: Vec<usize> = done.iter().map(Vec::len).collect();
    println!("{total} jobs done by {WORKERS} workers: {per_worker:?}");
}
