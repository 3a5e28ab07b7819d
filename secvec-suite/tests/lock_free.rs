//! Whether the vector is lock-free where it runs: it is wherever the target
//! has a 16-byte compare-and-swap, and says so honestly where it has not.

use secvec_core::SecVec;
use secvec_suite::for_each_backend;

/// On the machines CI runs on (x86_64 with `cmpxchg16b`) and on aarch64
/// (which CI runs under qemu), slots are native 16-byte atomics: the vector
/// is lock-free.
#[test]
#[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), not(miri)))]
fn lock_free_on_this_machine() {
    for_each_backend!(|R| {
        assert!(SecVec::<u64, R>::is_lock_free());
        assert!(SecVec::<String, R>::is_lock_free());
    });
}

/// On 32-bit x86 there is no 16-byte compare-and-swap: slots fall back to
/// `portable-atomic`'s locks, and the vector says it is not lock-free (the
/// rest of the suite shows it is still correct there).
#[test]
#[cfg(all(target_arch = "x86", not(miri)))]
fn not_lock_free_without_a_16_byte_cas() {
    for_each_backend!(|R| {
        assert!(!SecVec::<u64, R>::is_lock_free());
        assert!(!SecVec::<String, R>::is_lock_free());
    });
}
