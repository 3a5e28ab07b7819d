step "package"
# `cargo package` verifies each crate against the others' packaged sources,
# which it extracts under $CARGO_HOME/registry/src/-<hash of this path>/ and
# never refreshes while the version stays 0.1.0: a clone at a path used
# before would be verified against stale copies. Remove ours first (the
# directories starting with "-" are these local overlays, not crates.io's).
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/{secvec,secvec-core,secvec-records,secvec-suite,reclaim-*}-[0-9]*
cargo package --workspace --locked \
  --exclude secvec-benches --exclude secvec-loom --exclude tests-conformance
