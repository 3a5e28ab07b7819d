//! Panics of user code that must not break the vector: an element's `Drop`
//! that panics with a payload whose own `Drop` panics again (run by a
//! reclaimer inside another operation, or by the vector's drop), and a
//! value dropped on a refused push. Each was undefined behaviour, a leaked
//! domain or an abort before (the soundness audit of 2026-12-06); each runs
//! natively and under Miri on every backend, and checks, without Miri,
//! that every element is intact and dropped exactly once.

use crate::backends::Hazard;
use crate::scaled;
use secvec_core::{Reclaimer, SecVec, SharedDomain};
use std::any::TypeId;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Counts elements made and dropped, and payload destructors run.
#[derive(Default, Debug)]
struct Census {
    made: AtomicU64,
    dropped: AtomicU64,
    payloads_dropped: AtomicU64,
}

impl Census {
    fn alive(&self) -> u64 {
        self.made.load(Relaxed) - self.dropped.load(Relaxed)
    }
}

/// What an element's `Drop` does.
#[derive(Clone, Copy, Debug, PartialEq)]
enum OnDrop {
    Quiet,
    /// Panics with a `String`.
    Panic,
    /// Panics with a [`Payload`] whose `Drop` panics again.
    PanicNasty,
}

/// A heap-owning element, checked on every read and on drop.
#[derive(Debug)]
struct Bomb {
    id: u64,
    text: String,
    census: Arc<Census>,
    on_drop: OnDrop,
}

impl Bomb {
    fn new(id: u64, census: &Arc<Census>, on_drop: OnDrop) -> Self {
        census.made.fetch_add(1, Relaxed);
        Bomb { id, text: format!("element {id}"), census: Arc::clone(census), on_drop }
    }

    /// The id, after checking the contents (a freed element fails this).
    fn check(&self) -> u64 {
        assert_eq!(self.text, format!("element {}", self.id), "corrupt element");
        self.id
    }
}

impl Drop for Bomb {
    fn drop(&mut self) {
        self.check();
        self.census.dropped.fetch_add(1, Relaxed);
        match self.on_drop {
            OnDrop::Quiet => {}
            OnDrop::Panic => panic!("drop of element {} panics (on purpose)", self.id),
            OnDrop::PanicNasty => {
                std::panic::panic_any(Payload { more: 2, census: Arc::clone(&self.census) })
            }
        }
    }
}

/// A panic payload whose `Drop` panics with another such payload, `more`
/// times in a row.
struct Payload {
    more: u32,
    census: Arc<Census>,
}

impl Drop for Payload {
    fn drop(&mut self) {
        self.census.payloads_dropped.fetch_add(1, Relaxed);
        if self.more > 0 {
            std::panic::panic_any(Payload { more: self.more - 1, census: Arc::clone(&self.census) });
        }
    }
}

/// An element removed from the vector panics in its `Drop`, with a payload
/// whose `Drop` panics too, when the reclaimer drops it: for hazard
/// pointers inside a later push's `retire`, after the CAS that published
/// the pushed element. Every push still returns, every element stays
/// intact, and every destructor runs once.
pub fn a_nasty_panic_payload_cannot_break_a_push<R: Reclaimer>() {
    let census = Arc::new(Census::default());
    let v = SecVec::<Bomb, R>::new();
    v.push(Bomb::new(0, &census, OnDrop::PanicNasty));
    assert!(v.pop_ref().is_some()); // removed and retired
    // Enough retires for hazard pointers to scan (every 64) and drop
    // the bomb inside one of these operations.
    let n = scaled(2_000, 1_000, 150) as u64;
    for id in 1..=n {
        let at = v.push(Bomb::new(id, &census, OnDrop::Quiet));
        assert_eq!(v.get_ref(at).map(|b| b.check()), Some(id));
        if id % 2 == 0 {
            assert_eq!(v.pop_ref().map(|b| b.check()), Some(id));
        }
    }
    if TypeId::of::<R>() == TypeId::of::<Hazard>() {
        // The case this test is for happened: the bomb went off inside
        // an operation (all three payloads dropped).
        assert_eq!(census.payloads_dropped.load(Relaxed), 3, "{census:?}");
    }
    let left = v.len() as u64;
    assert_eq!(left, n.div_ceil(2));
    for i in 0..left as usize {
        assert_eq!(v.get_ref(i).map(|b| b.check() % 2), Some(1), "index {i}");
    }
    drop(v);
    if R::RECLAIMS {
        assert_eq!(census.alive(), 0, "{census:?}");
        assert_eq!(census.payloads_dropped.load(Relaxed), 3, "{census:?}");
    }
}

/// A vector dropped while it holds two elements whose `Drop` panics, the
/// second with a nasty payload, after it retired elements and descriptors:
/// in its own domain and in a shared one. The drop passes the first panic
/// on, but only after giving up its domain and home: the domain still
/// frees everything the vector retired (its own at once, a shared one
/// when it is dropped), every destructor runs once, and a shared domain
/// keeps working for other vectors.
pub fn a_drop_with_nasty_panics_gives_up_its_domain_first<R: Reclaimer>() {
    fn run<R: Reclaimer>(shared: bool) {
        let census = Arc::new(Census::default());
        let domain = SharedDomain::<R>::new();
        let v = if shared { SecVec::<Bomb, R>::new_in(&domain) } else { SecVec::new() };
        let n = scaled(200, 200, 20) as u64;
        for id in 0..n {
            v.push(Bomb::new(id, &census, OnDrop::Quiet));
            assert!(v.pop_ref().is_some());
        }
        v.push(Bomb::new(1_000, &census, OnDrop::Panic));
        v.push(Bomb::new(1_001, &census, OnDrop::PanicNasty));
        let panic = catch_unwind(AssertUnwindSafe(move || drop(v))).expect_err("the first drop's panic");
        let msg = panic.downcast_ref::<String>().expect("the first element's panic message");
        assert!(msg.contains("element 1000"), "{msg}");
        assert_eq!(census.payloads_dropped.load(Relaxed), 3, "the nasty payload was dropped: {census:?}");
        // Another vector in the domain keeps it busy, then it goes.
        let w = SecVec::<Bomb, R>::new_in(&domain);
        for id in 0..n {
            w.push(Bomb::new(2_000 + id, &census, OnDrop::Quiet));
            assert_eq!(w.pop_ref().map(|b| b.check()), Some(2_000 + id));
        }
        drop(w);
        drop(domain);
        if R::RECLAIMS {
            assert_eq!(census.alive(), 0, "shared: {shared}, {census:?}");
        }
    }
    {
        run::<R>(false);
        run::<R>(true);
    }
}

/// A refused push or batch drops the value before it panics: a value whose
/// `Drop` panics then panics in place of the capacity message, where
/// dropping it during the capacity panic's unwinding would abort.
pub fn a_refused_value_is_dropped_before_the_panic<R: Reclaimer>() {
    let census = Arc::new(Census::default());
    let v = SecVec::<Bomb, R>::bounded(1);
    v.push(Bomb::new(0, &census, OnDrop::Quiet));
    let refused = |f: &dyn Fn()| {
        let panic = catch_unwind(AssertUnwindSafe(f)).expect_err("the refused value's drop panics");
        panic.downcast_ref::<String>().expect("a message").clone()
    };
    let msg = refused(&|| _ = v.push(Bomb::new(1, &census, OnDrop::Panic)));
    assert!(msg.contains("element 1 panics"), "{msg}");
    let msg = refused(&|| _ = v.extend_from_iter([Bomb::new(2, &census, OnDrop::Panic)]));
    assert!(msg.contains("element 2 panics"), "{msg}");
    let msg = refused(&|| _ = v.pin().push(Bomb::new(3, &census, OnDrop::Panic)));
    assert!(msg.contains("element 3 panics"), "{msg}");
    assert_eq!(v.get_ref(0).map(|b| b.check()), Some(0));
    assert_eq!(census.alive(), 1, "only the element in the vector: {census:?}");
    drop(v);
    assert_eq!(census.alive(), 0);
}
