step "proptest: the model property test with many cases, every backend"
SECVEC_PROPTEST_CASES=100000 cargo test --release --locked -p secvec-suite --test conformance -- model::
