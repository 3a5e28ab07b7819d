# Every feature combination of the facade builds and passes its tests and
# doctests (a count that is not measured must be absent, not zero).
step "features: the facade, each backend alone, with and without accounting"
for backend in "${BACKENDS[@]}"; do
  for extra in "" ",accounting"; do
    echo "-- secvec --no-default-features --features $backend$extra"
    cargo test -p secvec --no-default-features --features "$backend$extra" --locked --quiet
  done
done
cargo test -p secvec --no-default-features --features seize-fast-barrier --locked --quiet
for integration in serde rayon combining; do
  echo "-- secvec --no-default-features --features hazard,$integration"
  cargo test -p secvec --no-default-features --features "hazard,$integration" --locked --quiet
done
cargo test -p secvec --all-features --locked --quiet
cargo test -p secvec --no-default-features --locked --quiet
cargo test -p secvec --no-default-features --features "$(IFS=,; echo "${BACKENDS[*]}")" --locked --quiet
cargo check -p secvec-core --no-default-features --locked
# Zero-sized elements without accounting: their cells must still have
# addresses of their own (hazard pointers spin on a repeated one).
cargo test -p secvec-suite --no-default-features --test conformance --locked --quiet -- zero_sized::
cargo check -p secvec-benches --benches --examples --no-default-features --locked  # accounting off
step "features: the facade's examples, programs a user would write (each checks what it prints)"
for example in secvec/examples/*.rs; do
  name=$(basename "$example" .rs)
  echo "-- example $name"
  cargo run -p secvec --example "$name" --all-features --locked --quiet
done
step "features: rust-version $MSRV (the facade, every feature)"
cargo +"$MSRV" check -p secvec --all-features --locked
