step "proptest: the model property test with many cases, every backend"
# The workspace's feature set (tests-conformance has a test of the same
# name): the release build the test job made is reused, not rebuilt for
# secvec-suite's own features (53 s).
SECVEC_PROPTEST_CASES=100000 cargo test --workspace --exclude tests-conformance --release --locked \
  --test conformance -- model::
