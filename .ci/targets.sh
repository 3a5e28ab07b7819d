# Other targets. i686 (32-bit x86): no 16-byte CAS, so slots fall back to
# portable-atomic's locks; the whole suite runs there (natively, through
# gcc's 32-bit multilib) and the vector says it is not lock-free. aarch64:
# the facade type-checked, and the suite's core run under qemu-user.
step "targets: i686-unknown-linux-gnu, the suite (lock-based 16-byte slots)"
rustup target add i686-unknown-linux-gnu aarch64-unknown-linux-gnu >/dev/null
if ! echo 'int main(void){return 0;}' | gcc -m32 -x c - -o /tmp/secvec-m32 2>/dev/null; then
  (apt-get update -qq && apt-get install -y -qq gcc-multilib >/dev/null) \
    || { echo "FAIL: cannot install gcc-multilib to link 32-bit tests"; exit 1; }
fi
CARGO_TARGET_DIR=target/i686 cargo test -p secvec-suite --target i686-unknown-linux-gnu --locked --quiet
CARGO_TARGET_DIR=target/i686 cargo test -p secvec --all-features --target i686-unknown-linux-gnu --locked --quiet

step "targets: aarch64-unknown-linux-gnu, type-checked, and the core of the suite under qemu-user"
CARGO_TARGET_DIR=target/aarch64 cargo check -p secvec --all-features --target aarch64-unknown-linux-gnu --locked
if ! command -v qemu-aarch64 >/dev/null || ! command -v aarch64-linux-gnu-gcc >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross >/dev/null) \
    || { echo "FAIL: cannot install qemu-user and the aarch64 linker"; exit 1; }
fi
# Emulated, so slow (the concurrent checks alone take ~25 s on Intel Xeon):
# the areas that exercise the 16-byte slots, not the whole suite.
CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu" \
  CARGO_TARGET_DIR=target/aarch64 cargo test -p secvec-suite --target aarch64-unknown-linux-gnu --locked --quiet \
  --test conformance --test lock_free -- sequential:: concurrent:: elements:: std_traits:: pinned:: lock_free
