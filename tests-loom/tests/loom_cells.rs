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
use loom::sync::atomic::{AtomicBool, AtomicPtr as LoomPtr, fence};
use secvec_core::{Reclaimer, Retire, SecVec, sync::AtomicPtr};
use std::sync::Mutex;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release, SeqCst};

/// Objects the model reclaimer has freed in this execution: `(address,
/// size)`. A plain mutex: loom runs one thread at a time, so it reflects
/// the order in which loom ran the frees and the reads.
static FREED: Mutex<Vec<(usize, usize)>> = Mutex::new(Vec::new());

/// Panics if `x` lies inside an object the reclaimer has freed.
fn assert_not_freed<T>(x: &T) {
    let a = x as *const T as usize;
    let hit = FREED.lock().unwrap().iter().find(|&&(p, n)| a >= p && a < p + n).copied();
    if let Some((p, n)) = hit {
        panic!("an element was read after the reclaimer freed it (object {p:#x}, {n} bytes)");
    }
}

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

/// Hazard-pointer records: two hazard pointers each (descriptor, cell).
const RECORDS: usize = 4;

struct Record {
    used: AtomicBool,
    first: LoomPtr<()>,
    second: LoomPtr<()>,
}

/// A retired object and the function that frees it.
struct Garbage {
    addr: usize,
    size: usize,
    reclaim: unsafe fn(*mut ()),
    /// Whether it holds a `Probe` (an element's cell, not a descriptor).
    element: bool,
}

/// Set when a scan frees an element's cell in the current execution.
static FREED_AN_ELEMENT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

struct Domain {
    records: [Record; RECORDS],
    retired: Mutex<Vec<Garbage>>,
    /// Freed (in `FREED`), memory kept until the domain drops.
    freed: Mutex<Vec<Garbage>>,
}

impl Domain {
    /// Frees every retired object that no hazard pointer names.
    fn scan(&self) {
        fence(SeqCst);
        let hazards: Vec<usize> = self
            .records
            .iter()
            .flat_map(|r| [r.first.load(SeqCst) as usize, r.second.load(SeqCst) as usize])
            .collect();
        let mut retired = self.retired.lock().unwrap();
        let (free, keep): (Vec<Garbage>, Vec<Garbage>) =
            retired.drain(..).partition(|g| !hazards.contains(&g.addr));
        *retired = keep;
        drop(retired);
        FREED.lock().unwrap().extend(free.iter().map(|g| (g.addr, g.size)));
        if free.iter().any(|g| g.element) {
            FREED_AN_ELEMENT.store(true, Relaxed);
        }
        self.freed.lock().unwrap().extend(free);
    }
}

impl Drop for Domain {
    fn drop(&mut self) {
        let all: Vec<Garbage> = self
            .retired
            .get_mut()
            .unwrap()
            .drain(..)
            .chain(self.freed.get_mut().unwrap().drain(..))
            .collect();
        // Really freed now: forget them, their addresses may be reused.
        FREED.lock().unwrap().retain(|(a, _)| !all.iter().any(|g| g.addr == *a));
        for g in all {
            // SAFETY: each entry pairs a retired pointer with the function
            // that reclaims its type, reclaimed once, here, when no guard
            // of this domain is left (guards borrow it).
            unsafe { (g.reclaim)(g.addr as *mut ()) };
        }
    }
}

unsafe fn reclaim<T: Retire>(p: *mut ()) {
    // SAFETY: `p` was retired as a `*mut T` (retire safety 1) and is
    // reclaimed once, by the domain's `Drop`.
    unsafe { T::reclaim(p.cast::<T>()) };
}

struct Guard<'d> {
    domain: &'d Domain,
    record: usize,
}

impl Guard<'_> {
    fn record(&self) -> &Record {
        &self.domain.records[self.record]
    }
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        let r = self.record();
        r.first.store(core::ptr::null_mut(), SeqCst);
        r.second.store(core::ptr::null_mut(), SeqCst);
        r.used.store(false, Release);
    }
}

struct ModelHazard;

fn acquire(d: &Domain) -> Guard<'_> {
    for (i, r) in d.records.iter().enumerate() {
        if r.used.compare_exchange(false, true, Acquire, Relaxed).is_ok() {
            return Guard { domain: d, record: i };
        }
    }
    panic!("more than {RECORDS} guards at once");
}

// SAFETY: 1. `protect` publishes, fences, and returns only a pointer that
// `src` still held after the publication; `protect_second` publishes,
// fences and returns true only if the caller's validation passes. A scan
// fences before reading the hazard pointers, so it sees every hazard
// pointer published before a retire it follows, and frees nothing named.
// 2. and 3. objects are "freed" (recorded) by scans and really freed once,
// by the domain's drop. 4. records are claimed with a CAS and used by one
// guard at a time. 5. no thread-local state.
unsafe impl Reclaimer for ModelHazard {
    type Domain = Domain;
    type Guard<'d> = Guard<'d>;
    fn new_domain() -> Domain {
        Domain {
            records: core::array::from_fn(|_| Record {
                used: AtomicBool::new(false),
                first: LoomPtr::new(core::ptr::null_mut()),
                second: LoomPtr::new(core::ptr::null_mut()),
            }),
            retired: Mutex::new(Vec::new()),
            freed: Mutex::new(Vec::new()),
        }
    }
    unsafe fn guard(d: &Domain) -> Guard<'_> {
        acquire(d)
    }
    fn pin(d: &Domain) -> Guard<'_> {
        acquire(d)
    }
    fn refresh(g: &mut Guard<'_>) {
        g.record().first.store(core::ptr::null_mut(), SeqCst);
        g.record().second.store(core::ptr::null_mut(), SeqCst);
    }
    fn protect<T: Sync>(g: &mut Guard<'_>, src: &AtomicPtr<T>) -> *mut T {
        let mut p = src.load(Acquire);
        loop {
            g.record().first.store(p.cast(), SeqCst);
            fence(SeqCst);
            let q = src.load(Acquire);
            if q == p {
                return p;
            }
            p = q;
        }
    }
    fn protect_second<T: Sync>(g: &mut Guard<'_>, ptr: *mut T, reachable: impl FnOnce() -> bool) -> bool {
        g.record().second.store(ptr.cast(), SeqCst);
        fence(SeqCst);
        if reachable() {
            true
        } else {
            g.record().second.store(core::ptr::null_mut(), SeqCst);
            false
        }
    }
    unsafe fn retire<T: Retire>(d: &Domain, _: &Guard<'_>, ptr: *mut T) {
        let g = Garbage {
            addr: ptr as usize,
            size: core::mem::size_of::<T>(),
            reclaim: reclaim::<T>,
            element: core::any::type_name::<T>().contains("Probe"),
        };
        d.retired.lock().unwrap().push(g);
        d.scan();
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
