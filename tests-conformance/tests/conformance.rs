//! SecVec's conformance suite against the reclaimer of this crate: the one
//! line a reclaimer author writes.

secvec_suite::conformance!(tests_conformance::Quiescent);
