step "lint: format"
cargo fmt --all --check
step "lint: clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
# The facade's optional integrations and the example that needs one.
cargo clippy -p secvec --all-features --all-targets --locked -- -D warnings
step "lint: docs"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
RUSTDOCFLAGS="-D warnings" cargo doc -p secvec --all-features --no-deps --locked
step "lint: no internal tracker numbers (a reader cannot open them: name what a target measures)"
if git grep -n -i -E '\b(issue|task)s? ?#?[0-9]+' -- . ':!Cargo.lock'; then
  echo "lint: the lines above cite tracker numbers" >&2
  exit 1
fi
