step "test: the README's command"
cargo test --workspace --locked
step "test: release mode (stress with millions of operations)"
cargo test --workspace --release --locked --tests
