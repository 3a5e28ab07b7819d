step "lint: format"
cargo fmt --all --check
step "lint: clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
step "lint: docs"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
RUSTDOCFLAGS="-D warnings" cargo doc -p secvec --all-features --no-deps --locked
