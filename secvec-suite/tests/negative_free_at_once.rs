//! Negative control for Miri and AddressSanitizer: a reclaimer that frees a
//! descriptor the moment it is retired, while other threads may still be
//! reading it. The test is `#[ignore]`d (it is undefined behaviour by
//! design); CI runs it under Miri and under ASan and requires both to
//! report the use-after-free. A checker that stays quiet here has no teeth.

use secvec_core::{Reclaimer, Retire, SecVec, sync::AtomicPtr};
use std::sync::atomic::Ordering;

/// Frees on retire, ignoring every guard.
struct FreeAtOnce;

// DELIBERATELY UNSOUND (the point of this control): it breaks safety points
// 1 and 2 of `Reclaimer`, freeing pointers that guards still protect.
// SAFETY: none; see above. Only ever run under Miri or ASan.
unsafe impl Reclaimer for FreeAtOnce {
    type Domain = ();
    type Guard<'d> = ();
    fn new_domain() {}
    unsafe fn guard(_: &()) {}
    fn pin(_: &()) {}

    fn refresh(_: &mut ()) {}
    fn protect<T: Sync>(_: &mut (), src: &AtomicPtr<T>) -> *mut T {
        src.load(Ordering::Acquire)
    }
    fn protect_second<T: Sync>(_: &mut (), _: *mut T, _: impl FnOnce() -> bool) -> bool {
        true
    }
    unsafe fn retire<T: Retire>(_: &(), _: &(), ptr: *mut T) {
        // SAFETY: not safe at all: readers may still hold `ptr`. This is
        // the defect the sanitizers must catch.
        unsafe { T::reclaim(ptr) };
    }
}

#[test]
#[ignore = "negative control: undefined behaviour on purpose; run under Miri or ASan, which must report it"]
fn readers_touch_descriptors_freed_at_retire() {
    let v = SecVec::<u64, FreeAtOnce>::new();
    let ops = if cfg!(miri) { 60 } else { 200_000 };
    std::thread::scope(|s| {
        for t in 0..3u64 {
            let v = &v;
            s.spawn(move || {
                for i in 0..ops {
                    match (i + t) % 3 {
                        0 => {
                            v.push(i);
                        }
                        1 => {
                            v.pop();
                        }
                        _ => {
                            std::hint::black_box(v.get(0));
                        }
                    }
                }
            });
        }
    });
    // Reaching this line natively proves nothing: the UB went unnoticed.
    assert!(v.len() <= 3 * ops as usize);
}
