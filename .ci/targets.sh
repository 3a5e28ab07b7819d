# Other targets. i686 (32-bit x86): no 16-byte CAS, so slots fall back to
# portable-atomic's locks; the whole suite runs there (natively, through
# gcc's 32-bit multilib) and the vector says it is not lock-free. aarch64:
# type-checked (library and tests) only; running it would need qemu-user.
step "targets: i686-unknown-linux-gnu, the suite (lock-based 16-byte slots)"
rustup target add i686-unknown-linux-gnu aarch64-unknown-linux-gnu >/dev/null
if ! echo 'int main(void){return 0;}' | gcc -m32 -x c - -o /tmp/secvec-m32 2>/dev/null; then
  (apt-get update -qq && apt-get install -y -qq gcc-multilib >/dev/null) \
    || { echo "FAIL: cannot install gcc-multilib to link 32-bit tests"; exit 1; }
fi
CARGO_TARGET_DIR=target/i686 cargo test -p secvec-suite --target i686-unknown-linux-gnu --locked --quiet
CARGO_TARGET_DIR=target/i686 cargo test -p secvec --all-features --target i686-unknown-linux-gnu --locked --quiet

step "targets: aarch64-unknown-linux-gnu, the facade and the suite type-check"
CARGO_TARGET_DIR=target/aarch64 cargo check -p secvec --all-features --target aarch64-unknown-linux-gnu --locked
CARGO_TARGET_DIR=target/aarch64 cargo check -p secvec-suite --tests --target aarch64-unknown-linux-gnu --locked
