//! Interleaving exploration of the SecVec algorithm with loom.
//!
//! Run with `RUSTFLAGS="--cfg loom" cargo test -p secvec-loom --release`.
//! Under `cfg(loom)` the core's atomics are loom's (the 128-bit slot is a
//! loom `Mutex` stand-in, see `secvec-core/src/sync.rs`), so loom explores
//! every interleaving of the descriptor and slot operations up to the
//! preemption bound. Every execution's history (recorded with a clock that
//! follows loom's schedule) is checked for linearizability against `Vec`
//! with the suite's checker, and the final contents against the witness.
//!
//! The negative control: built with `--cfg secvec_defect="aba"` as well,
//! the core uses the published design's value-only slot CAS, and
//! `delayed_helper_after_slot_reuse` must fail.
#![cfg(loom)]

use loom::sync::Arc;
use secvec_core::{Reclaimer, Retire, SecVec, sync::AtomicPtr};
use secvec_loom::model_hazard::ModelHazard;
use secvec_suite::lin::{self, Clock, Event, Op, perform};
use std::sync::Mutex;
use std::sync::atomic::Ordering;

/// A loom-friendly reclaimer: nothing is freed while the vector lives, and
/// everything retired is freed when its domain drops (so loom's leak check
/// stays meaningful).
struct AtDrop;

/// A retired allocation and the function that frees it.
type Garbage = (*mut (), unsafe fn(*mut ()));

struct Retired(Mutex<Vec<Garbage>>);

// SAFETY: the raw pointers are owned allocations of `Send` types (retire's
// bound), only freed by the domain's `Drop`.
unsafe impl Send for Retired {}
// SAFETY: the list is behind a `Mutex`.
unsafe impl Sync for Retired {}

impl Drop for Retired {
    fn drop(&mut self) {
        for (p, free) in self.0.get_mut().unwrap().drain(..) {
            // SAFETY: each entry pairs a retired pointer with the function
            // that reclaims its type, and is reclaimed once, here.
            unsafe { free(p) };
        }
    }
}

unsafe fn reclaim<T: Retire>(p: *mut ()) {
    // SAFETY: `p` was retired as a `*mut T` (retire safety 1) and is
    // reclaimed once, by the domain's `Drop`, when no operation runs.
    unsafe { T::reclaim(p.cast::<T>()) };
}

// SAFETY: 1. `protect` returns the loaded value, and nothing is freed before
// the domain drops. 2. and 3. retired pointers are freed once, by
// `Retire::reclaim`, in the domain's `Drop`, after which none can be reached.
// 4. and 5. no per-thread state.
unsafe impl Reclaimer for AtDrop {
    type Domain = Retired;
    type Guard<'d> = ();
    fn new_domain() -> Retired {
        Retired(Mutex::new(Vec::new()))
    }
    unsafe fn guard(_: &Retired) {}
    fn pin(_: &Retired) {}
    fn refresh(_: &mut ()) {}
    fn protect<T: Sync>(_: &mut (), src: &AtomicPtr<T>) -> *mut T {
        src.load(Ordering::Acquire)
    }
    fn protect_second<T: Sync>(_: &mut (), _: *mut T, _: impl FnOnce() -> bool) -> bool {
        true
    }
    unsafe fn retire<T: Retire>(d: &Retired, _: &(), ptr: *mut T) {
        d.0.lock().unwrap().push((ptr.cast(), reclaim::<T>));
    }
}

/// How many of the explored executions took each shortcut.
struct Seen {
    /// A push/pop pair cancelled out through the exchanger.
    eliminating: usize,
    /// A push was carried in another push's descriptor.
    combining: usize,
}

/// Explores `threads` (each a list of operations, thread 0 runs on the
/// model's main thread) from a vector holding `initial`.
fn explore(initial: &'static [u8], threads: &'static [&'static [Op]], preemptions: usize) -> Seen {
    explore_with::<AtDrop>(initial, threads, preemptions, false)
}

/// As [`explore`], on reclaimer `R`; with `pinned`, thread 0 runs its
/// operations through one handle (`SecVec::pin`) kept for all of them.
fn explore_with<R: Reclaimer>(
    initial: &'static [u8],
    threads: &'static [&'static [Op]],
    preemptions: usize,
    pinned: bool,
) -> Seen {
    use std::sync::atomic::AtomicUsize;
    // Statics, not captures: loom's model closure must be `Fn + Sync`.
    static EXECUTIONS: AtomicUsize = AtomicUsize::new(0);
    static ELIMINATING: AtomicUsize = AtomicUsize::new(0);
    static COMBINING: AtomicUsize = AtomicUsize::new(0);
    let mut model = loom::model::Builder::new();
    model.preemption_bound = Some(preemptions);
    let before = [&EXECUTIONS, &ELIMINATING, &COMBINING].map(|c| c.load(Ordering::Relaxed));
    model.check(move || {
        EXECUTIONS.fetch_add(1, Ordering::Relaxed);
        let v: Arc<SecVec<u8, R>> = Arc::new(initial.iter().copied().collect());
        let clock = Arc::new(Clock::default());
        let handles: Vec<_> = threads[1..]
            .iter()
            .enumerate()
            .map(|(t, ops)| {
                let (v, clock) = (Arc::clone(&v), Arc::clone(&clock));
                loom::thread::spawn(move || {
                    ops.iter().map(|&op| perform(&*v, &clock, t + 1, op)).collect::<Vec<_>>()
                })
            })
            .collect();
        let mut history: Vec<Event> = if pinned {
            let handle = std::cell::RefCell::new(v.pin());
            threads[0].iter().map(|&op| perform(&handle, &clock, 0, op)).collect()
        } else {
            threads[0].iter().map(|&op| perform(&*v, &clock, 0, op)).collect()
        };
        for h in handles {
            history.extend(h.join().unwrap());
        }
        // Linearizable, by an order that ends in what the vector holds.
        let last = v.to_vec();
        if let Err(e) = lin::check_ending(initial, &history, Some(&last)) {
            panic!("{e}");
        }
        let stats = v.stats().snapshot();
        for (seen, counter) in [(stats.eliminated, &ELIMINATING), (stats.combined, &COMBINING)] {
            if seen > 0 {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    let after = [&EXECUTIONS, &ELIMINATING, &COMBINING].map(|c| c.load(Ordering::Relaxed));
    let [n, eliminating, combining] = [0, 1, 2].map(|k| after[k] - before[k]);
    eprintln!(
        "explored {n} executions (preemption bound {preemptions}), {eliminating} with an elimination, \
         {combining} with a combined push"
    );
    assert!(n > 1, "loom explored a single execution");
    Seen { eliminating, combining }
}

#[test]
fn push_and_pop() {
    let _ = explore(&[1], &[&[Op::Push(2)], &[Op::Pop, Op::Len]], 6);
}

#[test]
fn push_and_push() {
    let _ = explore(&[], &[&[Op::Push(1)], &[Op::Push(2), Op::Get(0)]], 6);
}

#[test]
fn push_and_get() {
    let _ = explore(&[1], &[&[Op::Push(2)], &[Op::Get(1), Op::Len, Op::Get(1)]], 6);
}

#[test]
fn set_and_pop() {
    let _ = explore(&[1, 2], &[&[Op::Set(1, 9)], &[Op::Pop, Op::Get(1)]], 6);
}

#[test]
fn pop_and_pop_across_a_bucket_boundary() {
    // Nine elements: index 8 is the first slot of bucket 1.
    let _ = explore(&[0, 1, 2, 3, 4, 5, 6, 7, 8], &[&[Op::Pop], &[Op::Pop, Op::Get(7)]], 6);
}

#[test]
fn three_threads_push_pop_get() {
    let _ = explore(&[7], &[&[Op::Push(1)], &[Op::Pop], &[Op::Get(0)]], 4);
}

/// A push that loses its CAS to another push offers its value, and the pop
/// takes it: loom must reach executions where the pair is eliminated, and
/// every history stays linearizable.
#[test]
fn push_loses_cas_and_is_eliminated_by_pop() {
    let seen = explore(&[1], &[&[Op::Push(2)], &[Op::Push(3)], &[Op::Pop]], 4);
    assert!(seen.eliminating > 0, "no explored execution eliminated a push/pop pair");
}

/// The pop must only take an offer made against the descriptor it saw:
/// here thread 1's second push installs a newer descriptor (taking index 2,
/// which thread 0 offered to push at) between the offer and the take. The
/// `secvec_defect = "elimination"` build ignores the sequence number, and
/// this scenario must catch it (two pushes at index 2, one of them popped).
#[test]
fn pop_ignores_offers_against_older_descriptors() {
    let seen = explore(&[1], &[&[Op::Push(2)], &[Op::Push(3), Op::Push(4)], &[Op::Pop]], 4);
    assert!(seen.eliminating > 0, "no explored execution eliminated a push/pop pair");
}

/// A push that loses its CAS announces its element, and the other
/// thread's next push carries it in its own descriptor (combining.rs):
/// loom must reach executions where that happens, with the announcer
/// withdrawing or cancelling at every point, and every history stays
/// linearizable with each element pushed exactly once. The negative
/// controls (`--cfg secvec_defect="combine_lost"`: a batch that names a
/// claim without carrying its element; `"combine_keep_claim"`: a claim kept
/// through a failed CAS, pushed on a later state after its announcer
/// pushed it alone) must fail here.
#[test]
fn a_push_that_lost_its_cas_is_carried_by_the_next() {
    let seen = explore(&[], &[&[Op::Push(1)], &[Op::Push(2), Op::Push(3)]], 4);
    assert!(seen.combining > 0, "no explored execution combined a push");
}

/// The ABA scenario of the published design: thread 0 loads the descriptor
/// of thread 1's `push(5)` and stalls before helping its slot write; thread
/// 1 pops, pushes 0 (the slot is back at its old value) and pushes 3 (so no
/// pending write covers index 0 any more); a value-only CAS by thread 0
/// would now write 5 over the 0 that thread 1 then reads.
#[test]
fn delayed_helper_after_slot_reuse() {
    let _ = explore(&[], &[&[Op::Pop], &[Op::Push(5), Op::Pop, Op::Push(0), Op::Push(3), Op::Get(0)]], 6);
}

/// A handle is not a snapshot: thread 0 reads and writes through one
/// handle kept across its operations while thread 1 pushes and pops; every
/// history must be linearizable (a handle that kept serving an old state
/// would show a stale length or element).
#[test]
fn a_handle_sees_concurrent_writes() {
    let _ = explore_with::<AtDrop>(
        &[1],
        &[&[Op::Len, Op::Get(1), Op::Push(3), Op::Len], &[Op::Push(2), Op::Pop]],
        6,
        true,
    );
}

/// The hazard-pointer fast path: a handle keeps its hazard pointer on the
/// descriptor it validated last and skips publishing while `current` still
/// holds it. Under the model hazard-pointer reclaimer (which frees retired
/// descriptors as soon as no hazard pointer names them), thread 0 reads
/// through a handle while thread 1 replaces the descriptor twice: a
/// comparison against a stale protection would show an old state and break
/// linearizability (the `secvec_defect = "hazard_fast_path"` build of the
/// model drops the comparison, and this scenario must catch it).
#[test]
fn the_hazard_fast_path_sees_replaced_descriptors() {
    let _ = explore_with::<ModelHazard>(
        &[1],
        &[&[Op::Len, Op::Get(0), Op::Len, Op::Get(1)], &[Op::Push(2), Op::Set(0, 5)]],
        4,
        true,
    );
}

/// A batch of two appends across a bucket boundary (indices 7 and 8: the
/// last slot of bucket 0, the first of bucket 1) races a pop and reads of
/// both indices: the batch is one step, so no read sees half of it.
#[test]
fn a_batch_races_pop_and_get_across_a_bucket_boundary() {
    let _ = explore(&[0, 1, 2, 3, 4, 5, 6], &[&[Op::Extend(1, 2)], &[Op::Get(8), Op::Pop, Op::Get(7)]], 4);
}

/// A batch races a `set` inside it and a `pop_n` that may take it whole.
#[test]
fn a_batch_races_set_and_pop_n() {
    let _ = explore(&[5], &[&[Op::Extend(2, 2), Op::Len], &[Op::Set(1, 9), Op::PopN(2)]], 4);
}

/// A truncation races a push and a batched pop.
#[test]
fn truncate_races_push_and_pop_n() {
    let _ = explore(&[1, 2, 3], &[&[Op::Truncate(1), Op::Get(1)], &[Op::Push(4), Op::PopN(2)]], 4);
}

/// Two threads write a new vector at once: both race to make its home
/// block and its bucket table (lazy.rs). Exactly one of each survives:
/// every installed descriptor is counted in the vector's one home (a lost
/// home would take its counts with it), and nothing is lost or doubled.
/// The negative control (`--cfg secvec_defect="lazy_fill_store"`, a fill
/// that stores instead of compare-and-swapping) must fail here.
#[test]
fn first_writes_race_to_make_the_home() {
    let mut model = loom::model::Builder::new();
    model.preemption_bound = Some(4);
    model.check(|| {
        let v: Arc<SecVec<u8, AtDrop>> = Arc::new(SecVec::new());
        let other = {
            let v = Arc::clone(&v);
            loom::thread::spawn(move || v.push(2))
        };
        let mine = v.push(1);
        let theirs = other.join().unwrap();
        let mut at = [mine, theirs];
        at.sort_unstable();
        assert_eq!(at, [0, 1], "two pushes, two distinct indices");
        let mut got = v.to_vec();
        got.sort_unstable();
        assert_eq!(got, [1, 2]);
        let s = v.stats().snapshot();
        assert_eq!(
            s.allocated - s.freed_unpublished,
            2 - s.eliminated - s.combined,
            "every installed descriptor is counted in the vector's one home: {s:?}"
        );
        assert_eq!(s.retired, 1 - s.eliminated - s.combined, "{s:?}");
    });
}
