//! A loom model of the race the protocol is about: a reader publishing and
//! validating a hazard pointer (the real `protect`) against a reclaiming
//! thread that unlinks, retires, and scans (the real `scan`), with the
//! heavy and light barriers as `fence(SeqCst)`, in every interleaving and
//! every outcome of the relaxed-memory model loom explores.
//!
//! With `--cfg secvec_defect="asym_no_barrier"` (no barrier at all, the
//! negative control CI runs) loom must find an execution where the scan
//! misses the hazard pointer while the reader's validation misses the
//! unlink: the reader then holds an object the scan freed.

use crate::HazardAsym;
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
fn a_scan_never_frees_what_a_validated_hazard_pointer_names() {
    let mut model = loom::model::Builder::new();
    model.preemption_bound = Some(3);
    model.check(|| {
        let domain = Arc::new(HazardAsym::new_domain());
        let (a, b) = (object(), object());
        let src = Arc::new(AtomicPtr::new(a));
        let reader = {
            let (domain, src) = (Arc::clone(&domain), Arc::clone(&src));
            loom::thread::spawn(move || {
                let mut guard = domain.own();
                let p = HazardAsym::protect(&mut guard, &src);
                // SAFETY: `p` is `a` or `b`, alive until the end.
                let freed = unsafe { (*p).freed.load(Relaxed) };
                drop(guard);
                freed
            })
        };
        // The vector's side: unlink `a`, retire it, and scan.
        let old = src.swap(b, AcqRel);
        HazardAsym::scan(&domain, &mut vec![RetiredPtr::new(old)]);
        assert!(!reader.join().unwrap(), "the reader used an object the scan had freed");
        drop(domain);
        for p in [a, b] {
            // SAFETY: made by `object`, nobody uses them any more.
            drop(unsafe { Box::from_raw(p) });
        }
    });
}
