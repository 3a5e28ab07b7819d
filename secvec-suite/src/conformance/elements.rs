//! Elements that own resources: every destructor runs exactly once (never
//! for the leak backend's removed elements, which it counts), contents are
//! intact on every read under contention, and a panicking `Clone` or `Drop`
//! leaves the vector consistent. On every backend.

use crate::{Rng, scaled, stress_ops};
use secvec_core::{Reclaimer, SecVec};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::thread;

/// Counts the `Tracked` values made (new or cloned) and dropped.
#[derive(Default, Debug)]
struct Census {
    made: AtomicU64,
    dropped: AtomicU64,
    /// Makes the next `clone` panic (once).
    panic_on_clone: AtomicBool,
    /// Makes the `drop` of elements with `panics_on_drop` panic.
    drop_panics: AtomicBool,
    /// Bit `id` is set when an element with id `id < 64` is dropped: a
    /// check can then ask whether an element it still refers to was
    /// dropped without reading it (reading it would be the use after free
    /// it looks for).
    dropped_ids: AtomicU64,
}

impl Census {
    fn alive(&self) -> u64 {
        self.made.load(Relaxed) - self.dropped.load(Relaxed)
    }

    /// Panics if an element with id `id` (< 64) has been dropped.
    fn assert_not_dropped(&self, id: u64) {
        assert!(
            self.dropped_ids.load(Relaxed) & (1 << id) == 0,
            "element {id} was dropped while a `Ref` to it was alive: the reclaimer freed a pointer a guard protects"
        );
    }
}

/// A heap-owning element whose contents are derived from its id, checked on
/// every read and on drop: a torn, freed or doubly-dropped element is
/// caught (natively by the check, under Miri and ASan by the access).
#[derive(Debug)]
struct Tracked {
    id: u64,
    text: String,
    census: Arc<Census>,
    panics_on_drop: bool,
}

impl Tracked {
    fn new(id: u64, census: &Arc<Census>) -> Self {
        census.made.fetch_add(1, Relaxed);
        Tracked {
            id,
            text: format!("tracked element {id}"),
            census: Arc::clone(census),
            panics_on_drop: false,
        }
    }

    /// The id, after checking the contents.
    fn check(&self) -> u64 {
        assert_eq!(self.text, format!("tracked element {}", self.id), "corrupt element");
        self.id
    }
}

impl Clone for Tracked {
    fn clone(&self) -> Self {
        if self.census.panic_on_clone.swap(false, Relaxed) {
            panic!("clone of element {} panics (on purpose)", self.id);
        }
        let mut copy = Tracked::new(self.check(), &self.census);
        copy.panics_on_drop = self.panics_on_drop;
        copy
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.check();
        self.census.dropped.fetch_add(1, Relaxed);
        if self.id < 64 {
            self.census.dropped_ids.fetch_or(1 << self.id, Relaxed);
        }
        if self.panics_on_drop && self.census.drop_panics.load(Relaxed) {
            panic!("drop of element {} panics (on purpose)", self.id);
        }
    }
}

/// 8 threads (on however many cores) push, pop, get, get_ref, set and
/// clear heap-owning elements; every read checks the element. After the
/// vector is dropped, every element made was dropped once, except, for the
/// leak backend, exactly the removed originals it counts as leaked.
pub fn every_destructor_runs_once_under_contention<R: Reclaimer>() {
    let census = Arc::new(Census::default());
    let v = SecVec::<Tracked, R>::new();
    let threads = if cfg!(miri) { 2 } else { 8 };
    let per = stress_ops() / threads / 4;
    thread::scope(|s| {
        for t in 0..threads {
            let (v, census) = (&v, &census);
            s.spawn(move || {
                let mut rng = Rng::new(7, t as u64);
                for i in 0..per {
                    let r = rng.next_u64();
                    let id = (t * per + i) as u64;
                    match r % 16 {
                        0..=5 => {
                            v.push(Tracked::new(id, census));
                        }
                        6..=9 => {
                            v.pop().map(|x| x.check());
                        }
                        10..=11 => {
                            v.get((r >> 32) as usize % 8).map(|x| x.check());
                        }
                        12 => {
                            v.get_ref((r >> 32) as usize % 8).map(|x| x.check());
                        }
                        13 => {
                            v.pop_ref().map(|x| x.check());
                        }
                        14 => {
                            let _ =
                                v.set((r >> 32) as usize % 8, Tracked::new(id, census)).map(|x| x.check());
                        }
                        _ if r % 1024 == 15 => v.clear(),
                        _ => {
                            let mut h = v.pin();
                            let n = h.len().min(4);
                            for j in 0..n {
                                h.get_ref(j).map(|x| x.check());
                            }
                        }
                    }
                }
            });
        }
    });
    for x in v.to_vec() {
        x.check();
    }
    let stats = v.stats();
    drop(v);
    {
        let cells = stats.snapshot().cells.expect("Tracked lives in cells");
        assert_eq!(cells.live, 0, "{cells:?}");
        assert_eq!(
            cells.allocated,
            cells.freed_unpublished + cells.retired + cells.freed_with_vector,
            "cell identity: {cells:?}"
        );
        let leaked = cells.leaked().expect("dropped");
        assert_eq!(census.alive(), leaked, "alive elements are exactly the leaked cells: {cells:?}");
        if !R::RECLAIMS {
            assert_eq!(leaked, cells.retired, "the leak backend frees no removed element");
        } else {
            assert_eq!(leaked, 0, "{cells:?}");
        }
    }
    if R::RECLAIMS {
        assert_eq!(census.alive(), 0, "made - dropped after the vector is gone: {census:?}");
    }
}

/// Readers clone and borrow elements while a writer replaces and pops
/// them: every element read is intact. (With the removed element dropped at
/// once instead of retired, this is the program Miri and ASan catch: the
/// `drop_removed_at_once` negative control in CI.)
pub fn reads_race_removals<R: Reclaimer>() {
    let text = |i: usize| format!("element {i} {}", "#".repeat(i % 7));
    let check = |s: &str| {
        let i: usize = s.split(' ').nth(1).and_then(|n| n.parse().ok()).expect("corrupt element");
        assert_eq!(s, text(i), "corrupt element");
    };
    let v = SecVec::<String, R>::new();
    for i in 0..4 {
        v.push(text(i));
    }
    let ops = scaled(100_000, 10_000, 40);
    thread::scope(|s| {
        s.spawn(|| {
            for i in 4..ops {
                let _ = v.set(i % 4, text(i));
                if i % 3 == 0 {
                    v.pop();
                    v.push(text(i));
                }
            }
        });
        for _ in 0..if cfg!(miri) { 1 } else { 2 } {
            s.spawn(|| {
                for i in 0..ops {
                    if let Some(x) = v.get(i % 4) {
                        check(&x);
                    }
                    if let Some(x) = v.get_ref((i + 1) % 4) {
                        check(&x);
                    }
                }
            });
        }
    });
    assert_eq!(v.len(), 4);
}

/// A `Ref` keeps its element alive after it is removed and after many
/// later operations (enough for every reclaimer to scan); it is dropped
/// once, after the `Ref`. A reclaimer that frees what a guard protects
/// (at retire, or at its next scan) fails here natively and on every run:
/// the census is asked whether the elements were dropped before they are
/// read through their `Ref`s.
pub fn a_ref_keeps_a_removed_element_alive<R: Reclaimer>() {
    let census = Arc::new(Census::default());
    let v = SecVec::<Tracked, R>::new();
    v.push(Tracked::new(1, &census));
    v.push(Tracked::new(2, &census));
    {
        let first = v.get_ref(0).unwrap();
        let popped = v.pop_ref().unwrap();
        v.clear();
        for i in 0..scaled(5_000, 5_000, 50) as u64 {
            v.push(Tracked::new(100 + i, &census));
            v.pop();
        }
        census.assert_not_dropped(1);
        census.assert_not_dropped(2);
        assert_eq!((first.check(), popped.check()), (1, 2));
        assert!(v.is_empty());
    } // the `Ref`s go here
    drop(v);
    if R::RECLAIMS {
        assert_eq!(census.alive(), 0);
    }
}

/// A panicking `clone` in `pop`, `set` and `get` leaves the vector
/// consistent: the pop and the set have happened (their originals are
/// dropped later, once), the get changed nothing.
pub fn a_panicking_clone_leaves_the_vector_consistent<R: Reclaimer>() {
    let census = Arc::new(Census::default());
    let v = SecVec::<Tracked, R>::new();
    for id in 0..3 {
        v.push(Tracked::new(id, &census));
    }
    let panics = |f: &dyn Fn()| {
        census.panic_on_clone.store(true, Relaxed);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        assert!(r.is_err(), "the clone should have panicked");
    };
    panics(&|| drop(v.get(0)));
    assert_eq!(v.len(), 3);
    panics(&|| drop(v.pop()));
    assert_eq!(v.len(), 2, "the pop took effect");
    panics(&|| drop(v.set(0, Tracked::new(10, &census))));
    assert_eq!(v.get(0).map(|x| x.check()), Some(10), "the set took effect");
    assert_eq!(v.get(1).map(|x| x.check()), Some(1));
    drop(v);
    if R::RECLAIMS {
        assert_eq!(census.alive(), 0, "{census:?}");
    }
}

/// A panicking `Drop` of an element: in the reclaimer (caught, reclamation
/// goes on) and at the vector's drop (every other element is still
/// dropped, the memory freed, then the panic propagates).
pub fn a_panicking_drop_loses_nothing_else<R: Reclaimer>() {
    fn run<R: Reclaimer>() {
        let census = Arc::new(Census::default());
        census.drop_panics.store(true, Relaxed);
        let v = SecVec::<Tracked, R>::new();
        let noisy = |id| {
            let mut t = Tracked::new(id, &census);
            t.panics_on_drop = true;
            t
        };
        v.push(Tracked::new(0, &census));
        v.push(noisy(1));
        v.push(Tracked::new(2, &census));
        v.push(noisy(3));
        // Removed: the reclaimer drops it later, and its panic is caught.
        let popped = v.pop_ref().unwrap();
        assert_eq!(popped.check(), 3);
        drop(popped);
        for i in 0..scaled(3_000, 3_000, 30) as u64 {
            v.push(Tracked::new(100 + i, &census));
            v.pop_ref();
        }
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(v)));
        assert!(r.is_err(), "the drop of element 1 panics, and the vector's drop passes that on");
        if R::RECLAIMS {
            assert_eq!(census.alive(), 0, "{census:?}");
        }
    }
    run::<R>();
}
