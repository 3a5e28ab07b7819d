step "proptest: the model property test with many cases, every backend"
# shellcheck disable=SC2046
SECVEC_PROPTEST_CASES=100000 cargo test --release --locked $(packages) --test suite model_proptest
