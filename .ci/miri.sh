step "miri: the generic suite on every backend (the concurrent tests under 2 more seeds on hazard-asym and ibr)"
CONCURRENT=(stress_conservation batches_conserve set_racing_pop concurrent_pushes readers_during linearizable drop_frees exiting_and_new operations_from a_reader_sees readers_through every_destructor reads_race_removals)
require_tests "${CONCURRENT[@]}"
# The extra seeds (~40 s a backend on Intel Xeon, against ~190 s for the
# suite) go where the protocol is subtlest and our own: hazard pointers
# with asymmetric fences and interval-based reclamation (haphazard's
# classic hazard pointers had them in every run before those two came).
SEEDED=(hazard-asym ibr)
# The leak backend frees nothing, so no reclamation can go wrong under it:
# it runs the areas where a vector that never frees behaves differently
# (its cells, its shared home, panics, the counts), and the other backends
# run everything (the engine is the same).
LEAK_AREAS=(sequential:: elements:: panics:: shared:: accounting:: zero_sized::)
require_tests "${LEAK_AREAS[@]}"
for b in "${BACKENDS[@]}"; do
  flags=$(miri_flags "$b")
  if [ "$b" = leak ]; then
    SECVEC_BACKENDS=$b MIRIFLAGS="$flags" cargo +nightly miri test --locked "${SUITE[@]}" -- "${LEAK_AREAS[@]}"
    continue
  fi
  SECVEC_BACKENDS=$b MIRIFLAGS="$flags" cargo +nightly miri test --locked "${SUITE[@]}" "${NO_LEAKED_GUARD[@]}"
  [[ " ${SEEDED[*]} " == *" $b "* ]] || continue
  SECVEC_BACKENDS=$b MIRIFLAGS="$flags -Zmiri-many-seeds=1..3" \
    cargo +nightly miri test --locked "${SUITE[@]}" -- "${CONCURRENT[@]}"
done
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
