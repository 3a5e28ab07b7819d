//! Reserving slots takes memory the way `Vec::try_reserve` does: fresh
//! pages that become resident only when written, and nothing kept from a
//! request that fails. One test in this file, as it reads the process's
//! resident memory (tests in one file run in parallel threads).
#![cfg(feature = "accounting")] // reads the vectors' accounting

use secvec_core::SecVec;
use secvec_suite::for_each_backend;

/// The process's resident memory in bytes, from `/proc/self/status`.
#[cfg(all(target_os = "linux", target_pointer_width = "64", not(miri)))]
fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("a VmRSS line");
    let kib: u64 = line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("VmRSS in kB");
    kib * 1024
}

/// A reservation of 1 GiB of slots (2^26 of 16 bytes) grows resident
/// memory by far less than that (the slots are zeroed by the allocator,
/// not written), and one of 2^50 slots (16 PiB, more than any machine
/// has) fails cleanly, keeping nothing: no bucket bytes are added and the
/// process stays alive and small. (64-bit targets: a 32-bit one has 4 GiB
/// of address space in all.)
#[test]
#[cfg(all(target_os = "linux", target_pointer_width = "64", not(miri)))]
fn reserving_touches_no_memory_and_a_failure_keeps_nothing() {
    const GIB: u64 = 1 << 30;
    for_each_backend!(|R| {
        let v = SecVec::<u64, R>::new();
        v.push(1);
        let before = resident_bytes();
        v.try_reserve(1 << 26).expect("1 GiB of address space");
        let bytes = v.stats().snapshot().bucket_bytes;
        assert!(bytes >= GIB, "the slots are there: {bytes} bytes");
        let grown = resident_bytes().saturating_sub(before);
        assert!(grown < GIB / 8, "reserving made {grown} bytes resident");

        let e = v.try_reserve(1 << 50).expect_err("16 PiB of slots");
        assert!(e.to_string().contains("memory allocation failed"), "{e}");
        assert_eq!(v.stats().snapshot().bucket_bytes, bytes, "nothing of the failed request kept");
        let grown = resident_bytes().saturating_sub(before);
        assert!(grown < GIB / 8, "the failed reservation made {grown} bytes resident");
        assert_eq!(v.to_vec(), [1]);
        for i in 0..1_000 {
            v.push(i);
        }
        assert_eq!(v.len(), 1_001);
    });
}

/// Under Miri (no `/proc`, no huge allocations), a failed request for more
/// than can exist keeps nothing either.
#[test]
fn a_reservation_beyond_what_can_exist_keeps_nothing() {
    for_each_backend!(|R| {
        let v = SecVec::<u64, R>::new();
        v.push(1);
        let bytes = v.stats().snapshot().bucket_bytes;
        assert!(v.try_reserve(usize::MAX).is_err());
        assert_eq!(v.stats().snapshot().bucket_bytes, bytes);
        v.try_reserve(100).expect("a small reservation");
        assert_eq!(v.to_vec(), [1]);
    });
}
