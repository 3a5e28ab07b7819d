//! The generic suite against the seize backend.
secvec_suite::suite!(reclaim_seize::Seize, reclaims_all = true);
