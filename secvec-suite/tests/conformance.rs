//! The conformance suite (`secvec_suite::conformance`) on every backend of
//! the workspace: one `#[test]` per check, named `area::check`, each running
//! on every backend that `SECVEC_BACKENDS` selects.

secvec_suite::conformance!(@every_backend);
