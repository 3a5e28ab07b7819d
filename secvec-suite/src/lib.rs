//! SecVec's conformance suite, and the tools its tests and benchmarks share.
//!
//! # For reclaimer authors
//!
//! [`conformance`](mod@conformance) holds every check of the vector's behaviour (sequential,
//! concurrent with recorded histories checked for linearizability, elements
//! that own resources, accounting identities, hostile programs, panicking
//! user code, handles, shared domains, a model-based property test),
//! generic over the [`Reclaimer`](secvec_core::Reclaimer). A reclaimer
//! written anywhere runs all of it with one line in its crate's tests:
//!
//! ```ignore
//! // tests/conformance.rs
//! secvec_suite::conformance!(my_crate::MyReclaimer);
//! // or, for a reclaimer that promises bounded garbage (retired
//! // descriptors, four threads of push/pop, a reader stalled or not):
//! secvec_suite::conformance!(my_crate::MyReclaimer, garbage_bound = 5_000);
//! ```
//!
//! The allocator cross-check (the bytes still allocated after the vectors
//! and their domain are gone are the bytes the vectors' accounting says
//! leaked) installs a counting global allocator, so it is a test binary of
//! its own, `harness = false` in `Cargo.toml`:
//!
//! ```ignore
//! // tests/alloc.rs
//! secvec_suite::conformance_alloc!(my_crate::MyReclaimer);
//! ```
//!
//! Run it natively, then under Miri and the sanitizers: natively the
//! suite catches a reclaimer that frees an element a guard protects, on
//! every run; a descriptor freed too early is a read of freed memory that
//! only Miri and AddressSanitizer see. Each check is also a function that
//! can be called directly:
//!
//! ```
//! use secvec_suite::conformance::{pinned, sequential};
//!
//! sequential::bucket_boundaries::<reclaim_leak::Leak>();
//! pinned::handle_operations_match_the_plain_ones::<reclaim_hazard::Hazard>();
//! ```
//!
//! (The workspace's `tests-conformance` crate is such a reclaimer, outside
//! the backends, running both macros, with two broken variants that CI
//! shows the suite catch.)
//!
//! # For the workspace
//!
//! Every check runs on every backend of the one list
//! ([`for_each_backend!`]), so a new check cannot be forgotten for one
//! backend, and a new backend runs every check. The library also holds
//! what the workspace's tests and benchmarks share: a linearizability
//! checker ([`lin`]), a counting allocator ([`alloc`]), the
//! garbage-over-time measurement ([`garbage`]), one RNG and the size knobs.
//!
//! Sizes shrink under Miri and in debug builds ([`scaled`]); environment
//! variables (read by [`env_or`]) override them: `SECVEC_STRESS_OPS`,
//! `SECVEC_PROPTEST_CASES`, `SECVEC_LIN_HISTORIES`, and `SECVEC_BACKENDS`
//! selects backends.

pub mod alloc;
#[cfg(not(loom))]
pub mod backends;
#[cfg(not(loom))]
pub mod conformance;
pub mod elem;
#[cfg(all(not(loom), feature = "accounting"))]
pub mod garbage;
pub mod lin;
#[cfg(not(loom))]
pub mod snapshot;

#[cfg(feature = "accounting")]
use secvec_core::Snapshot;

/// The bytes of one descriptor, as the accounting reports them: a 64-byte
/// cache line on 64-bit targets, 48 bytes on 32-bit ones (4-byte lengths
/// and pointers), and 8 more for the birth era that secvec-core's
/// `birth-eras` feature keeps (always on here: the suite runs
/// `reclaim-ibr`, which needs it).
pub const DESCRIPTOR_BYTES: u64 = if cfg!(target_pointer_width = "64") { 64 } else { 48 } + 8;

/// Scales a size for the build: tiny under Miri, smaller in debug builds.
pub fn scaled(release: usize, debug: usize, miri: usize) -> usize {
    if cfg!(miri) {
        miri
    } else if cfg!(debug_assertions) {
        debug
    } else {
        release
    }
}

/// The value of environment variable `name`, or `default` if it is unset
/// or not a number.
pub fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// Total operations of a stress test (`SECVEC_STRESS_OPS`).
pub fn stress_ops() -> usize {
    env_or("SECVEC_STRESS_OPS", scaled(4_000_000, 200_000, 400))
}

/// Worker threads of the concurrency tests.
pub fn threads() -> usize {
    if cfg!(miri) { 2 } else { 4 }
}

/// Under `--cfg secvec_force_combining` (every push announces its
/// element first), checks that some push was carried by another's
/// descriptor: the run that is there to exercise combining did. Miri's few
/// operations may not meet, so it is not asked.
#[cfg(feature = "accounting")]
pub fn assert_combined_if_forced(s: &Snapshot) {
    if cfg!(secvec_force_combining) && !cfg!(miri) {
        assert!(s.combined > 0, "combining forced, yet no push was carried by another's descriptor: {s:?}");
    }
}

#[cfg(feature = "accounting")]
/// Checks `allocated = freed_unpublished + retired + live (+1 after the
/// drop of a vector that installed a descriptor: it freed its last one)`.
pub fn assert_identity(s: &Snapshot) {
    let owner = u64::from(s.vector_dropped && s.allocated > s.freed_unpublished);
    assert_eq!(s.allocated, s.freed_unpublished + s.retired + s.live + owner, "accounting identity: {s:?}");
    assert_eq!(s.outstanding, s.retired - s.reclaimed, "outstanding = retired - reclaimed: {s:?}");
    // Only freed descriptors' blocks can be reused.
    assert!(s.recycled <= s.freed_unpublished + s.reclaimed, "recycled more than was freed: {s:?}");
}

/// A xorshift generator: deterministic, seeded per thread or per history,
/// the same for the tests and the benchmarks.
#[derive(Clone, Copy, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator for stream `n` (a thread) of run `seed` (a history).
    pub fn new(seed: u64, n: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (n + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9))
    }

    /// The next value.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}
