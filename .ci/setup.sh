# Toolchain components every other job needs.
step "setup: toolchains"
rustup component add rustfmt clippy >/dev/null
rustup component add miri rust-src --toolchain nightly >/dev/null
rustup toolchain install "$MSRV" --profile minimal >/dev/null 2>&1
cargo --version
cargo +nightly --version
cargo +"$MSRV" --version
