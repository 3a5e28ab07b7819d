//! The generic suite against the epoch backend.
secvec_suite::suite!(reclaim_epoch::Epoch, reclaims_all = true);
