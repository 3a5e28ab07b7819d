//! A guard leaked with `mem::forget` before its vector is dropped, on every
//! backend: no undefined behaviour, and nothing freed after the drop. (Its
//! own file because the epoch backend then leaks its collector by design,
//! so Miri runs it with leak checks off.)

use secvec_suite::hostile::leaked_guard_then_drop;

#[test]
fn hazard() {
    leaked_guard_then_drop::<reclaim_hazard::Hazard>(true);
}

#[test]
fn epoch() {
    leaked_guard_then_drop::<reclaim_epoch::Epoch>(true);
}

#[test]
fn seize() {
    leaked_guard_then_drop::<reclaim_seize::Seize>(true);
}

#[test]
fn leak() {
    leaked_guard_then_drop::<reclaim_leak::Leak>(false);
}
