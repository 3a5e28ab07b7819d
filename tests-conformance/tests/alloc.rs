//! SecVec's allocator cross-check against the reclaimer of this crate: the
//! bytes still allocated after its vectors and domains are gone are the
//! bytes their accounting says leaked (none).

secvec_suite::conformance_alloc!(tests_conformance::Quiescent);
