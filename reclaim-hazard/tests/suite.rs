//! The generic suite against the hazard-pointer backend.
secvec_suite::suite!(reclaim_hazard::Hazard, reclaims_all = true);
