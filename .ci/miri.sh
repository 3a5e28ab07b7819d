step "miri: the generic suite on every backend (the concurrent tests under 2 more seeds on ibr)"
CONCURRENT=(stress_conservation batches_conserve set_racing_pop concurrent_pushes readers_during linearizable drop_frees exiting_and_new operations_from a_reader_sees readers_through every_destructor reads_race_removals)
require_tests "${CONCURRENT[@]}"
# The extra seeds (~40 s a backend on Intel Xeon, against ~190 s for the
# suite) go to one backend, the newest protocol of our own:
# interval-based reclamation (haphazard's hazard pointers had them in every
# run before, and hazard pointers with asymmetric fences in the runs since
# they came).
SEEDED=(ibr)
# The leak backend frees nothing, so no reclamation can go wrong under it:
# it runs the areas where a vector that never frees behaves differently
# (its cells, its shared home, panics, the counts); the engine is the same
# on every backend.
LEAK_AREAS=(sequential:: elements:: panics:: shared:: accounting::)
require_tests "${LEAK_AREAS[@]}"
# Two areas run once, not per backend, in this step: zero-sized elements
# run on every backend in the next step, without accounting (the variant
# that matters: zero-sized cells); the model property test (35 s a backend
# under Miri, for 2 cases) runs the engine's sequential paths, the same on
# every backend, and runs 100 000 cases per backend natively (the proptest
# job): under Miri it runs on the first backend only.
ONCE=(zero_sized:: model::)
require_tests "${ONCE[@]}"
WRAPPED=(epoch seize)
require_tests sequential:: std_traits::
for b in "${BACKENDS[@]}"; do
  flags=$(miri_flags "$b")
  if [ "$b" = leak ]; then
    SECVEC_BACKENDS=$b MIRIFLAGS="$flags" cargo +nightly miri test --locked "${SUITE[@]}" -- "${LEAK_AREAS[@]}"
    continue
  fi
  skip=(--skip zero_sized::)
  [ "$b" = "${BACKENDS[0]}" ] || skip+=(--skip model::)
  # epoch and seize wrap other crates' epochs: the areas that check the
  # vector's sequential behaviour (the same engine everywhere) run on the
  # hazard-pointer and interval backends, everything else on all five.
  [[ " ${WRAPPED[*]} " == *" $b "* ]] && skip+=(--skip sequential:: --skip std_traits::)
  SECVEC_BACKENDS=$b MIRIFLAGS="$flags" cargo +nightly miri test --locked "${SUITE[@]}" "${NO_LEAKED_GUARD[@]}" "${skip[@]}"
  [[ " ${SEEDED[*]} " == *" $b "* ]] || continue
  SECVEC_BACKENDS=$b MIRIFLAGS="$flags -Zmiri-many-seeds=1..3" \
    cargo +nightly miri test --locked "${SUITE[@]}" -- "${CONCURRENT[@]}"
done
step "miri: combining forced (every push announces its element first), the concurrency checks on hazard-asym"
SECVEC_BACKENDS=hazard-asym MIRIFLAGS="$(miri_flags hazard-asym)" RUSTFLAGS="--cfg secvec_force_combining" \
  CARGO_TARGET_DIR=target/miri-force-combining cargo +nightly miri test --locked "${SUITE[@]}" -- concurrent::
step "miri: zero-sized elements without accounting, every backend"
for b in "${BACKENDS[@]}"; do
  SECVEC_BACKENDS=$b MIRIFLAGS="$(miri_flags "$b")" cargo +nightly miri test --locked -p secvec-suite \
    --no-default-features --test conformance -- zero_sized::
done
step "miri: the hostile programs under tree borrows too, every backend"
MIRIFLAGS="-Zmiri-tree-borrows -Zmiri-ignore-leaks" cargo +nightly miri test -p secvec-suite --test conformance --locked -- hostile::
step "miri: leaked guards, every backend (the epoch backend leaks its collector then, by design)"
MIRIFLAGS="$(miri_flags epoch) -Zmiri-ignore-leaks" cargo +nightly miri test -p secvec-suite --test conformance --locked -- leaked_guard::
step "miri: the core's unit tests and docs"
MIRIFLAGS="" cargo +nightly miri test -p secvec-core --lib --locked
# the crate-level example plugs in a reclaimer that never frees, on purpose
MIRIFLAGS="-Zmiri-ignore-leaks" cargo +nightly miri test -p secvec-core --doc --locked
