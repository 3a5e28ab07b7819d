//! Vectors that share a reclamation domain (`SecVec::new_in`), on every
//! backend: separate exact accounting, a vector dropped while another in
//! its domain keeps running, and the domain outliving its handle. Under
//! Miri and ASan (both run this suite) a home block freed too early, or an
//! element dropped twice, is an error report.

use crate::{assert_identity, scaled};
use secvec_core::{Reclaimer, SecVec, SharedDomain};
use std::sync::{Arc, Barrier};
use std::thread;

/// Two vectors in one domain, written at once by several threads: each
/// one's accounting counts its own operations, exactly.
pub fn vectors_in_one_domain_keep_their_own_accounting<R: Reclaimer>() {
    let domain = SharedDomain::<R>::new();
    let (a, b) = (SecVec::<u64, R>::new_in(&domain), SecVec::<u64, R>::new_in(&domain));
    let (threads, per) = (scaled(4, 4, 2), scaled(10_000, 1_000, 20));
    thread::scope(|s| {
        for t in 0..threads {
            let v = if t % 2 == 0 { &a } else { &b };
            s.spawn(move || {
                for i in 0..per {
                    v.push(i as u64);
                }
            });
        }
    });
    let (on_a, on_b) = (threads.div_ceil(2) * per, threads / 2 * per);
    assert_eq!((a.len(), b.len()), (on_a, on_b));
    let (sa, sb) = (a.stats().snapshot(), b.stats().snapshot());
    // Pushes only (no pop to eliminate with): one retired descriptor
    // each, but the first (it replaced the empty state) and those carried
    // in another push's descriptor (combining).
    assert_eq!(
        (sa.retired, sb.retired),
        (on_a as u64 - sa.combined - 1, on_b as u64 - sb.combined - 1),
        "{sa:?} {sb:?}"
    );
    assert_identity(&sa);
    assert_identity(&sb);
}

/// Elements are clones of one `Arc`: its strong count says how many are
/// still alive somewhere (in a vector, or retired and not yet freed).
type Elem = Arc<u64>;

/// A vector dropped while another vector of its domain keeps running hands
/// its retired elements and descriptors to the domain: nothing is lost,
/// nothing dropped twice, its accounting says "pending" until the domain
/// freed them and then exactly 0 (the leak backend: what it leaked).
pub fn a_dropped_vector_leaves_its_garbage_to_the_domain<R: Reclaimer>() {
    let sentinel: Elem = Arc::new(7);
    let domain = SharedDomain::<R>::new();
    let a = SecVec::<Elem, R>::new_in(&domain);
    let b = SecVec::<Elem, R>::new_in(&domain);
    let (stats_a, stats_b) = (a.stats(), b.stats());
    drop_one_while_the_other_runs(a, &b, &sentinel);
    let s = stats_a.snapshot();
    let cells = s.cells.expect("Arcs live in cells");
    assert_eq!(cells.freed_with_vector, 1, "{cells:?}");
    if R::RECLAIMS && (s.outstanding > 0 || cells.outstanding > 0) {
        assert_eq!(s.leaked(), None, "pending in the domain, not final: {s:?}");
    }
    drop(b);
    assert!(Arc::strong_count(&sentinel) >= 1);
    drop(domain); // the last handle: frees whatever is still pending
    let (sa, sb) = (stats_a.snapshot(), stats_b.snapshot());
    let leaked_cells: u64 = [&sa, &sb].iter().map(|s| s.cells.and_then(|c| c.leaked()).expect("final")).sum();
    if R::RECLAIMS {
        assert_eq!((sa.leaked(), sb.leaked()), (Some(0), Some(0)), "{sa:?} {sb:?}");
        assert_eq!(leaked_cells, 0);
    } else {
        assert!(sa.leaked().expect("final") > 0 && sb.leaked().expect("final") > 0);
    }
    // Every element dropped exactly once, but for those leaked on purpose.
    assert_eq!(Arc::strong_count(&sentinel) as u64, 1 + leaked_cells, "{sa:?} {sb:?}");
    assert_identity(&sa);
    assert_identity(&sb);
}

/// As above without a stats handle (which keeps the home block alive): the
/// dropped vector's home is freed by whichever of its drop and the
/// domain's reclaims comes last. Negative control 9 (the home freed at the
/// drop) must be caught here, by Miri and ASan.
pub fn the_last_reclaim_frees_a_dropped_vectors_home<R: Reclaimer>() {
    let sentinel: Elem = Arc::new(7);
    let domain = SharedDomain::<R>::new();
    let (a, b) = (SecVec::<Elem, R>::new_in(&domain), SecVec::<Elem, R>::new_in(&domain));
    drop_one_while_the_other_runs(a, &b, &sentinel);
    drop(b);
    drop(domain);
    if R::RECLAIMS {
        assert_eq!(Arc::strong_count(&sentinel), 1, "every element dropped exactly once");
    }
}

/// Writes `a` and `b` (in a second thread) with clones of `sentinel`, and
/// drops `a` (holding one element) while `b` is still being written.
fn drop_one_while_the_other_runs<R: Reclaimer>(a: SecVec<Elem, R>, b: &SecVec<Elem, R>, sentinel: &Elem) {
    let per = scaled(20_000, 2_000, 30);
    let halfway = Barrier::new(2);
    thread::scope(|s| {
        let halfway = &halfway;
        s.spawn(move || {
            for i in 0..per {
                b.push(Arc::clone(sentinel));
                if i % 3 == 0 {
                    b.pop();
                }
                if i == per / 2 {
                    halfway.wait();
                }
            }
        });
        for _ in 0..per {
            a.push(Arc::clone(sentinel));
            a.pop();
        }
        a.push(Arc::clone(sentinel)); // still in `a` when it drops
        halfway.wait();
        drop(a); // while `b` is being written
    });
}

/// The domain lives as long as its last vector: the handle can go first,
/// vectors keep working, and the last vector's drop frees what the others
/// left.
pub fn the_domain_outlives_its_handle<R: Reclaimer>() {
    let sentinel: Elem = Arc::new(1);
    let domain = SharedDomain::<R>::new();
    let vectors: Vec<SecVec<Elem, R>> = (0..3).map(|_| SecVec::new_in(&domain)).collect();
    drop(domain);
    let n = scaled(2_000, 500, 20);
    for (k, v) in vectors.iter().enumerate() {
        for i in 0..n {
            v.push(Arc::clone(&sentinel));
            if i % (k + 2) == 0 {
                v.pop();
            }
        }
    }
    let stats: Vec<_> = vectors.iter().map(|v| v.stats()).collect();
    drop(vectors); // in order: the first two leave garbage to the last
    let leaked: u64 = stats.iter().map(|s| s.snapshot().cells.and_then(|c| c.leaked()).expect("final")).sum();
    assert_eq!(R::RECLAIMS, leaked == 0, "leaked {leaked}");
    assert_eq!(Arc::strong_count(&sentinel) as u64, 1 + leaked);
}
