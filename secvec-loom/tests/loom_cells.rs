//! Interleavings of removals and reads of heap elements, with loom, under a
//! model hazard-pointer reclaimer that frees as early as hazard pointers
//! allow.
//!
//! Run with `RUSTFLAGS="--cfg loom" cargo test -p secvec-loom --release
//! --test loom_cells`. The reclaimer below publishes hazard pointers in loom
//! atomics and, on every retire, scans them and "frees" every retired
//! object no hazard pointer names: the object is recorded as freed (its
//! memory is kept until the vector drops, so the test itself stays sound),
//! and every read of an element checks that it is not inside a freed
//! object. A removed element that a reader can still reach without a valid
//! protection is therefore caught the moment it is read, in whichever
//! interleaving loom finds it.
//!
//! The negative control: built with `--cfg secvec_defect="cell_unvalidated"`
//! as well, the core protects a cell without checking that it was still
//! reachable, and `a_get_races_the_pop_of_its_element` must fail.
#![cfg(loom)]

use loom::sync::Arc;
use secvec_core::SecVec;
use secvec_loom::model_hazard::{FREED, FREED_AN_ELEMENT, ModelHazard, assert_not_freed};
use std::sync::atomic::Ordering::Relaxed;

/// A heap element (not a primitive, so it lives in a cell) whose every
/// read checks that it has not been freed.
#[derive(Debug)]
struct Probe(u8);

impl Probe {
    fn read(&self) -> u8 {
        assert_not_freed(self);
        self.0
    }
}

impl Clone for Probe {
    fn clone(&self) -> Self {
        Probe(self.read())
    }
}

type Vec2 = SecVec<Probe, ModelHazard>;

/// Runs `f` in every interleaving loom explores up to `preemptions`.
fn explore(preemptions: usize, f: impl Fn() + Sync + Send + 'static) {
    use std::sync::atomic::AtomicUsize;
    static EXECUTIONS: AtomicUsize = AtomicUsize::new(0);
    static FREES: AtomicUsize = AtomicUsize::new(0);
    let before = (EXECUTIONS.load(Relaxed), FREES.load(Relaxed));
    let mut model = loom::model::Builder::new();
    model.preemption_bound = Some(preemptions);
    model.check(move || {
        FREED.lock().unwrap().clear();
        FREED_AN_ELEMENT.store(false, Relaxed);
        EXECUTIONS.fetch_add(1, Relaxed);
        f();
        // Executions in which a removed element was freed early (before the
        // vector dropped): the ones where a missing protection would show.
        if FREED_AN_ELEMENT.load(Relaxed) {
            FREES.fetch_add(1, Relaxed);
        }
    });
    let (n, early) = (EXECUTIONS.load(Relaxed) - before.0, FREES.load(Relaxed) - before.1);
    eprintln!("explored {n} executions (preemption bound {preemptions}), {early} freeing an element early");
    assert!(n > 1, "loom explored a single execution");
    assert!(early > 0, "no execution freed a removed element before the vector dropped");
}

fn filled(values: &[u8]) -> Arc<Vec2> {
    Arc::new(values.iter().map(|&v| Probe(v)).collect())
}

/// The popped element stays in its slot after it is retired: a reader that
/// loaded the descriptor from before the pop reads it there, and must not
/// use it unless its protection was validated (thread 1 also pushes, so
/// the slot's next value is a different element).
#[test]
fn a_get_races_the_pop_of_its_element() {
    explore(3, || {
        let v = filled(&[0, 1]);
        let w = Arc::clone(&v);
        let t = loom::thread::spawn(move || {
            assert_eq!(w.pop().map(|p| p.read()), Some(1));
            w.push(Probe(7));
        });
        let got = v.get(1).map(|p| p.read());
        assert!(matches!(got, Some(1) | None | Some(7)), "get(1) returned {got:?}");
        t.join().unwrap();
        assert_eq!(v.to_vec().iter().map(Probe::read).collect::<Vec<_>>(), [0, 7]);
    });
}

/// A `set` retires the element it replaces once its slot write is done; a
/// reader's guarded reference keeps it alive, however the two interleave.
#[test]
fn a_get_ref_races_a_set() {
    explore(3, || {
        let v = filled(&[0]);
        let w = Arc::clone(&v);
        let t = loom::thread::spawn(move || {
            assert_eq!(w.set(0, Probe(5)).map(|p| p.read()).ok(), Some(0));
        });
        if let Some(r) = v.get_ref(0) {
            let x = r.read();
            assert!(x == 0 || x == 5, "get_ref(0) saw {x}");
        }
        t.join().unwrap();
        assert_eq!(v.get(0).map(|p| p.read()), Some(5));
    });
}

/// `clear` retires every element at once while another thread reads them.
#[test]
fn gets_race_a_clear() {
    explore(2, || {
        let v = filled(&[0, 1]);
        let w = Arc::clone(&v);
        let t = loom::thread::spawn(move || w.clear());
        for i in 0..2 {
            let got = v.get(i).map(|p| p.read());
            assert!(got.is_none() || got == Some(i as u8), "get({i}) returned {got:?}");
        }
        t.join().unwrap();
        assert!(v.is_empty());
    });
}

/// A removed element returned as a guarded reference (`pop_ref`) stays
/// readable while a concurrent `set` and `pop` retire others.
#[test]
fn a_pop_ref_outlives_later_removals() {
    explore(2, || {
        let v = filled(&[0, 1]);
        let w = Arc::clone(&v);
        let t = loom::thread::spawn(move || {
            let _ = w.set(0, Probe(4));
        });
        let popped = v.pop_ref();
        let _ = v.pop();
        assert_eq!(popped.map(|p| p.read()), Some(1));
        t.join().unwrap();
    });
}
