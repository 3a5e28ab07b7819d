step "test: the README's command"
cargo test --workspace --locked
step "test: release mode (stress with millions of operations)"
cargo test --workspace --release --locked --tests
step "test: combining forced (every push announces its element first), the concurrency and element checks on every backend"
# Natively a push announces only after a lost CAS, which the stress tests
# meet rarely; forced, they carry thousands of pushes in other pushes'
# descriptors, and the conservation and uniqueness checks assert that some
# were (secvec-suite's assert_combined_if_forced).
RUSTFLAGS="--cfg secvec_force_combining" CARGO_TARGET_DIR=target/force-combining \
  cargo test -p secvec-suite --test conformance --locked -- concurrent:: elements::
step "test: every check of the conformance suite is in the list its macro expands"
listed=$(suite_tests)
# A check is a `pub fn name<R: ...>()`: one that takes arguments (a
# reclaimer's own garbage bound) is a tool the macro calls otherwise.
for f in secvec-suite/src/conformance/*.rs; do
  area=$(basename "$f" .rs)
  for check in $(sed -n 's/^pub fn \([a-z0-9_]*\)<.*>() {.*/\1/p' "$f"); do
    grep -qx "$area::$check" <<<"$listed" \
      || { echo "FAIL: $area::$check is not in the list of checks (secvec-suite/src/conformance/mod.rs)"; exit 1; }
  done
done
echo "every check listed"
