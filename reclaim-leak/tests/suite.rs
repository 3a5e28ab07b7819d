//! The generic suite against the leaking backend.
secvec_suite::suite!(reclaim_leak::Leak, reclaims_all = false);
