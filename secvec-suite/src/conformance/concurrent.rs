//! Concurrency: uniqueness, conservation, set racing pop, readers during
//! writes, and recorded histories checked for linearizability, on every
//! backend. `SECVEC_STRESS_OPS` overrides the stress size,
//! `SECVEC_LIN_HISTORIES` the number of histories.

use crate::{Rng, assert_combined_if_forced, assert_identity, env_or, lin, scaled, stress_ops, threads};
use secvec_core::{Reclaimer, SecVec};
use std::sync::Barrier;
use std::thread;

/// Concurrent pushes of distinct values get distinct indices, and each value
/// sits at the index its push returned.
pub fn concurrent_pushes_are_unique<R: Reclaimer>() {
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
    assert_combined_if_forced(&v.stats().snapshot());
}

/// Conservation under contention with repeated values: threads push and pop
/// values drawn from a small set; per value, pushed = popped + remaining.
pub fn stress_conservation<R: Reclaimer>() {
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
                    let mut rng = Rng::new(1, t as u64);
                    barrier.wait();
                    for _ in 0..per {
                        let rng = rng.next_u64();
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
    assert_combined_if_forced(&s);
}

/// Batches under contention conserve elements: threads append batches of
/// distinct values, pop single elements and batches; every value appended
/// is popped once or still there, none twice, and a batch lands in one
/// contiguous run (a reader never sees part of it: `to_vec` at the end
/// holds whole batches in order of their values).
pub fn batches_conserve_elements<R: Reclaimer>() {
    let v = SecVec::<u64, R>::new();
    let threads = threads();
    let rounds = stress_ops() / threads / 16;
    let barrier = Barrier::new(threads);
    let popped: Vec<Vec<u64>> = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (v, barrier) = (&v, &barrier);
                s.spawn(move || {
                    let mut rng = Rng::new(3, t as u64);
                    let mut popped = Vec::new();
                    barrier.wait();
                    for round in 0..rounds {
                        let r = rng.next_u64();
                        let n = 1 + (r % 8) as usize;
                        // Value = (thread, round, position in batch).
                        let base = ((t * rounds + round) as u64) << 8;
                        let batch: Vec<u64> = (0..n as u64).map(|k| base | k).collect();
                        let range = v.extend_from_slice(&batch);
                        assert_eq!(range.len(), n);
                        match (r >> 8) % 3 {
                            0 => popped.extend(v.pop()),
                            1 => popped.extend(v.pop_n((r >> 16) as usize % 10)),
                            _ => {}
                        }
                    }
                    popped
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let left = v.to_vec();
    // Whole batches stay contiguous: within what is left, an element
    // at position k > 0 of its batch follows position k - 1.
    for w in left.windows(2) {
        if w[1] & 0xff != 0 {
            assert_eq!(w[1], w[0] + 1, "a batch was split: {:#x} after {:#x}", w[1], w[0]);
        }
    }
    let mut all: Vec<u64> = popped.into_iter().flatten().chain(left).collect();
    let total = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), total, "an element was popped twice or popped and left");
    let appended: usize = (0..threads)
        .map(|t| {
            let mut rng = Rng::new(3, t as u64);
            (0..rounds).map(|_| 1 + (rng.next_u64() % 8) as usize).sum::<usize>()
        })
        .sum();
    assert_eq!(total, appended, "elements lost");
}

/// `set` racing `pop` on the same indices: a `set` that succeeded took
/// effect before the pop of its index, so that pop must return the new
/// value; a `set` that failed saw the index already popped.
pub fn set_racing_pop<R: Reclaimer>() {
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
pub fn readers_during_writes<R: Reclaimer>() {
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

/// Thousands of short recorded histories (3 threads x 5 operations,
/// repeated values, indices around the length) are linearizable with
/// respect to `Vec`, and the final contents match the witness order; with
/// elements inline (`u8`) and in heap cells (`String`, checked on every
/// read).
pub fn linearizable_histories<R: Reclaimer>() {
    let histories = env_or("SECVEC_LIN_HISTORIES", scaled(3000, 300, 3));
    lin::check_many::<u8, R>(histories, 3, 5);
    lin::check_many::<String, R>(histories, 3, 5);
}
