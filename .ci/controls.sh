# Negative controls: deliberately broken variants the checkers must catch.
step "controls 1: a reclaimer that frees at retire is caught by Miri and ASan"
expect_failure "free-at-retire under Miri" "Undefined Behavior" \
  env MIRIFLAGS="-Zmiri-many-seeds=0..4" cargo +nightly miri test -p secvec-suite \
  --test negative_free_at_once --locked -- --ignored
ATTEMPTS=5 expect_failure "free-at-retire under ASan (pool off)" "heap-use-after-free" \
  env ASAN_OPTIONS=detect_leaks=0 SAN_CFG="--cfg secvec_no_pool" \
  bash -c "source .ci/lib.sh; san address asan -p secvec-suite --test negative_free_at_once -- --ignored"

# Checked histories fail with one of these.
NOT_LINEARIZABLE="not linearizable\\|final contents differ"

step "controls 2: the published value-only slot CAS (ABA) is caught by loom"
loom_control aba loom delayed_helper_after_slot_reuse "$NOT_LINEARIZABLE"

step "controls 3: elimination that ignores which descriptor an offer was made against is caught by loom"
loom_control elimination loom pop_ignores_offers_against_older_descriptors "$NOT_LINEARIZABLE"

step "controls 4: the hazard fast path without its 'still current' check is caught by the suite"
expect_failure "hazard fast path trusting a stale protection" "of another thread not seen" \
  env SECVEC_BACKENDS=hazard RUSTFLAGS='--cfg secvec_defect="hazard_fast_path"' CARGO_TARGET_DIR=target/defect-hazard \
  cargo test -p secvec-suite --test conformance --locked -- a_reader_sees_other_threads_writes

step "controls 5: a removed element dropped at once instead of retired is caught by Miri"
expect_failure "drop-removed-at-once under Miri" "Undefined Behavior" \
  env SECVEC_BACKENDS=hazard RUSTFLAGS='--cfg secvec_defect="drop_removed_at_once"' CARGO_TARGET_DIR=target/defect-drop \
  MIRIFLAGS="-Zmiri-many-seeds=0..4 -Zmiri-env-forward=SECVEC_BACKENDS" \
  cargo +nightly miri test -p secvec-suite --test conformance --locked -- reads_race_removals

step "controls 6: a cell protection trusted without validation is caught by loom"
loom_control cell_unvalidated loom_cells a_get_races_the_pop_of_its_element "read after the reclaimer freed it"

step "controls 7: the hazard fast path without its 'still current' check is caught by loom (model reclaimer)"
loom_control hazard_fast_path loom the_hazard_fast_path_sees_replaced_descriptors "$NOT_LINEARIZABLE"

step "controls 8: reads inside a pending batch that go to the slots are caught by loom"
loom_control batch_reads_slots loom a_batch_races_pop_and_get_across_a_bucket_boundary "$NOT_LINEARIZABLE"

step "controls 9: a home block freed with its vector in a shared domain is caught by Miri and ASan"
expect_failure "home-freed-at-drop under Miri (epoch)" "Undefined Behavior" \
  env SECVEC_BACKENDS=epoch RUSTFLAGS='--cfg secvec_defect="home_freed_at_drop"' CARGO_TARGET_DIR=target/defect-home \
  MIRIFLAGS="$(miri_flags epoch)" \
  cargo +nightly miri test -p secvec-suite --test conformance --locked -- the_last_reclaim_frees_a_dropped_vectors_home
expect_failure "home-freed-at-drop under ASan (hazard, pool off)" "heap-use-after-free" \
  env ASAN_OPTIONS=detect_leaks=0 SECVEC_BACKENDS=hazard \
  SAN_CFG='--cfg secvec_no_pool --cfg secvec_defect="home_freed_at_drop"' \
  bash -c "source .ci/lib.sh; san address asan-home -p secvec-suite --test conformance -- the_last_reclaim_frees_a_dropped_vectors_home"

step "controls 10: a lazy fill that stores instead of compare-and-swapping (two first writers, two homes) is caught by loom"
loom_control lazy_fill_store loom first_writes_race_to_make_the_home "counted in the vector's one home"

step "controls 11: a panic payload dropped where its own panic can unwind out of the vector is caught by the suite"
expect_failure "payload dropped in a push's retire (hazard)" "retire. unwound" \
  env SECVEC_BACKENDS=hazard RUSTFLAGS='--cfg secvec_defect="payload_drop_unwinds"' CARGO_TARGET_DIR=target/defect-payload \
  cargo test -p secvec-suite --test conformance --locked -- a_nasty_panic_payload_cannot_break_a_push
expect_failure "payload dropped inside the vector's drop (epoch)" "the first element's panic message" \
  env SECVEC_BACKENDS=epoch RUSTFLAGS='--cfg secvec_defect="payload_drop_unwinds"' CARGO_TARGET_DIR=target/defect-payload \
  cargo test -p secvec-suite --test conformance --locked -- a_drop_with_nasty_panics_gives_up_its_domain_first

step "controls 12: a serializer that reads the elements one by one instead of one snapshot is caught by the suite"
expect_failure "serialize through iter (hazard)" "not one state" \
  env SECVEC_BACKENDS=hazard RUSTFLAGS='--cfg secvec_defect="serde_not_snapshot"' CARGO_TARGET_DIR=target/defect-serde \
  cargo test -p secvec-suite --test serde --locked -- serializing_during_writes_gives_one_snapshot

step "controls 13: an outside reclaimer that frees at retire, or never protects, fails the conformance suite natively"
# The whole suite crashes on either (use after free); the check that names
# the defect, deterministically and on one thread, is this one.
for defect in free-at-retire never-protect; do
  expect_failure "conformance suite on tests-conformance's reclaimer with $defect" "was dropped while a \`Ref\` to it was alive" \
    cargo test -p tests-conformance --features "$defect" --test conformance --locked -- elements::a_ref_keeps_a_removed_element_alive
done

step "controls 14: hazard pointers with asymmetric fences, without either barrier, are caught by loom"
expect_failure "asym_no_barrier under loom (reclaim-hazard-asym's model)" "the reader used an object the scan had freed" \
  env RUSTFLAGS='--cfg loom --cfg secvec_defect="asym_no_barrier"' CARGO_TARGET_DIR=target/loom-asym_no_barrier \
  cargo test -p reclaim-hazard-asym --release --lib --locked

step "controls 15: interval-based reclamation without its fences is caught by loom, and without birth eras by the garbage bound"
expect_failure "ibr_no_fence under loom (reclaim-ibr's model)" "the reader used an object the scan had freed" \
  env RUSTFLAGS='--cfg loom --cfg secvec_defect="ibr_no_fence"' CARGO_TARGET_DIR=target/loom-ibr_no_fence \
  cargo test -p reclaim-ibr --release --lib --locked
# Every object taken as born in era 0 is an epoch scheme: a stalled reader
# holds back everything retired after it.
expect_failure "ibr_no_birth: a stalled reader holds back everything" "peak_outstanding" \
  env RUSTFLAGS='--cfg secvec_defect="ibr_no_birth"' CARGO_TARGET_DIR=target/defect-ibr \
  cargo test -p secvec-suite --test garbage --locked -- ibr_garbage_is_bounded_by_its_threshold

step "controls 16: an epoch backend whose handles never let the collector advance is caught by the garbage check"
expect_failure "epoch_no_collect: workers through handles free nothing until the drop" "less than half of what was retired" \
  env SECVEC_BACKENDS=epoch RUSTFLAGS='--cfg secvec_defect="epoch_no_collect"' CARGO_TARGET_DIR=target/defect-epoch \
  cargo test -p secvec-suite --test conformance --locked -- garbage_is_freed_while_threads_progress_through_handles

step "controls 17: combining that names a claim without carrying its element, or keeps a claim through a failed CAS, is caught by loom"
loom_control combine_lost loom a_push_that_lost_its_cas_is_carried_by_the_next "$NOT_LINEARIZABLE"
loom_control combine_keep_claim loom a_push_that_lost_its_cas_is_carried_by_the_next "$NOT_LINEARIZABLE"
