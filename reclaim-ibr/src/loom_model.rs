//! A loom model of the race the protocol is about: a reader reserving eras
//! and loading a pointer (the real guard and `protect`) against a thread
//! that advances the era, unlinks the object, retires it and scans (the
//! real `scan`), in every interleaving and every outcome of the
//! relaxed-memory model loom explores.
//!
//! With `--cfg secvec_defect="ibr_no_fence"` (no fence after a reservation
//! nor before a scan, the negative control CI runs) loom must find an
//! execution where the scan misses the reservation while the reader's load
//! misses the unlink: the reader then holds an object the scan freed.

use crate::Ibr;
use crate::scheme::Retired;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, Ordering::Relaxed};
use secvec_core::sync::AtomicPtr;
use secvec_core::{Reclaimer, Retire, RetiredPtr};
use secvec_records::Scheme;
use std::sync::atomic::Ordering::AcqRel;

/// An object whose reclaim marks it freed (its memory stays until the end
/// of the execution, so the model itself stays sound).
struct Object {
    freed: AtomicBool,
}

impl Retire for Object {
    unsafe fn reclaim(ptr: *mut Self) {
        // SAFETY: the model's objects live until the end of the execution.
        unsafe { (*ptr).freed.store(true, Relaxed) };
    }
}

fn object() -> *mut Object {
    Box::into_raw(Box::new(Object { freed: AtomicBool::new(false) }))
}

#[test]
fn a_scan_never_frees_what_a_reservation_covers() {
    let mut model = loom::model::Builder::new();
    model.preemption_bound = Some(3);
    model.check(|| {
        let domain = Arc::new(Ibr::new_domain());
        // `a` is born in era 0; the writer advances the era, so `b` is
        // born in era 1 (a reader that reserved only era 0 must extend its
        // reservation before it may use `b`).
        let birth_a = Ibr::birth_era(&domain);
        let (a, b) = (object(), object());
        let src = Arc::new(AtomicPtr::new(a));
        let reader = {
            let (domain, src) = (Arc::clone(&domain), Arc::clone(&src));
            loom::thread::spawn(move || {
                let mut guard = domain.own();
                let p = Ibr::protect(&mut guard, &src);
                // SAFETY: `p` is `a` or `b`, alive until the end.
                let freed = unsafe { (*p).freed.load(Relaxed) };
                drop(guard);
                freed
            })
        };
        // The vector's side: a new era, `b` published in it, `a` unlinked,
        // retired and scanned.
        domain.state().fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let old = src.swap(b, AcqRel);
        Ibr::scan(&domain, &mut vec![Retired::new(RetiredPtr::new(old), birth_a)]);
        assert!(!reader.join().unwrap(), "the reader used an object the scan had freed");
        drop(domain);
        for p in [a, b] {
            // SAFETY: made by `object`, nobody uses them any more.
            drop(unsafe { Box::from_raw(p) });
        }
    });
}
