# Toolchain components every other job needs.
step "setup: toolchains"
rustup component add rustfmt clippy >/dev/null
rustup component add miri rust-src --toolchain nightly >/dev/null
cargo --version
cargo +nightly --version
