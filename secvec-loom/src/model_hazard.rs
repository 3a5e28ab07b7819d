//! A model hazard-pointer reclaimer in loom atomics, which frees as early
//! as hazard pointers allow.
//!
//! Guards publish their protections in hazard-pointer records (two per
//! guard: the descriptor and an element's cell); every retire scans the
//! records and "frees" every retired object no record names: the object is
//! recorded as freed ([`assert_not_freed`] then panics on a read inside it)
//! and its memory is kept until the domain drops, so the tests themselves
//! stay sound. Like `reclaim-hazard`, a guard skips publishing when the
//! source still holds the descriptor it has protected continuously since
//! its last validation (the fast path); `--cfg
//! secvec_defect="hazard_fast_path"` drops the "still holds" check, as the
//! real backend's negative control does.

use loom::sync::atomic::{AtomicBool, AtomicPtr as LoomPtr, fence};
use secvec_core::{Reclaimer, Retire, sync::AtomicPtr};
use std::sync::Mutex;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release, SeqCst};

/// Objects the model reclaimer has freed in this execution: `(address,
/// size)`. A plain mutex: loom runs one thread at a time, so it reflects
/// the order in which loom ran the frees and the reads.
pub static FREED: Mutex<Vec<(usize, usize)>> = Mutex::new(Vec::new());

/// Panics if `x` lies inside an object the reclaimer has freed.
pub fn assert_not_freed<T>(x: &T) {
    let a = x as *const T as usize;
    let hit = FREED.lock().unwrap().iter().find(|&&(p, n)| a >= p && a < p + n).copied();
    if let Some((p, n)) = hit {
        panic!("an element was read after the reclaimer freed it (object {p:#x}, {n} bytes)");
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
    /// Whether it is an element's cell (not a descriptor).
    element: bool,
}

/// Set when a scan frees an element's cell in the current execution.
pub static FREED_AN_ELEMENT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// A vector's model domain.
pub struct Domain {
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

/// A guard: a claimed record, and the descriptor it has protected since
/// its last validation.
pub struct Guard<'d> {
    domain: &'d Domain,
    record: usize,
    /// What `first` has named continuously since a validation (null: none).
    protected: *mut (),
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

/// The fast path, as in `reclaim-hazard`: `protected` (named continuously
/// since a validation, so never freed, so never reused) equal to what the
/// source holds now *is* the current object.
#[cfg(not(secvec_defect = "hazard_fast_path"))]
fn still_protected<T>(protected: *mut (), current: *mut T) -> Option<*mut T> {
    (!protected.is_null() && protected == current.cast()).then_some(current)
}

/// The negative control: trusts the last protection however stale.
#[cfg(secvec_defect = "hazard_fast_path")]
fn still_protected<T>(protected: *mut (), _: *mut T) -> Option<*mut T> {
    (!protected.is_null()).then_some(protected.cast())
}

/// The model reclaimer.
pub struct ModelHazard;

fn acquire(d: &Domain) -> Guard<'_> {
    for (i, r) in d.records.iter().enumerate() {
        if r.used.compare_exchange(false, true, Acquire, Relaxed).is_ok() {
            return Guard { domain: d, record: i, protected: core::ptr::null_mut() };
        }
    }
    panic!("more than {RECORDS} guards at once");
}

// SAFETY: 1. `protect` publishes, fences, and returns only a pointer that
// `src` still held after the publication (or, on the fast path, one it
// has named continuously since then and `src` holds now); `protect_second` publishes,
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
        g.protected = core::ptr::null_mut();
        g.record().first.store(core::ptr::null_mut(), SeqCst);
        g.record().second.store(core::ptr::null_mut(), SeqCst);
    }
    fn protect<T: Sync>(g: &mut Guard<'_>, src: &AtomicPtr<T>) -> *mut T {
        let mut p = src.load(Acquire);
        if let Some(p) = still_protected(g.protected, p) {
            return p;
        }
        loop {
            g.record().first.store(p.cast(), SeqCst);
            fence(SeqCst);
            let q = src.load(Acquire);
            if q == p {
                g.protected = p.cast();
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
            element: !core::any::type_name::<T>().contains("Descriptor"),
        };
        d.retired.lock().unwrap().push(g);
        d.scan();
    }
}
