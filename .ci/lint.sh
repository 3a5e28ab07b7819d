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
step "lint: one backend list (CI's, the crates, the suite's, the facade's features)"
want=$(printf '%s\n' "${BACKENDS[@]}" | sort | tr '\n' ' ')
crates=$(ls -d reclaim-*/ | sed 's|reclaim-||; s|/||' | sort | tr '\n' ' ')
suite=$(sed -n 's/^    const NAME: &.static str = "\(.*\)";/\1/p' secvec-suite/src/backends.rs | sort | tr '\n' ' ')
facade=$(sed -n 's/^const BACKENDS: .* = \[\(.*\)\];/\1/p' secvec/build.rs | tr -d '",' | tr ' ' '\n' | sort | tr '\n' ' ')
for list in "crates:$crates" "suite:$suite" "facade:$facade"; do
  [ "${list#*:}" = "$want" ] || { echo "FAIL: the ${list%%:*} list '${list#*:}' differs from .ci/lib.sh's BACKENDS '$want'"; exit 1; }
done
echo "backends: $want"
