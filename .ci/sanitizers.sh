# The descriptor pool would hide a premature free from ASan (the block stays
# allocated): ASan runs with the pool off, so every reclaimed descriptor goes
# back to the allocator. Miri, TSan and LSan run with the pool on.
step "sanitizers: ASan, the suite on every backend, pool off"
SAN_CFG="--cfg secvec_no_pool" ASAN_OPTIONS=detect_leaks=0 san address asan "${SUITE[@]}"

step "sanitizers: TSan, the suite on every backend"
TSAN="suppressions=$PWD/.ci/tsan-suppressions.txt:halt_on_error=1"
# Under TSan a 1 GiB reservation becomes resident (2 GiB measured): TSan's
# allocator touches what it hands out (zeroing, shadow state), so the test
# that reserving leaves pages untouched would measure TSan, not us. ASan,
# like the system allocator, hands out fresh pages for large blocks and
# runs it (LSan too).
TSAN_SKIP=reserving_touches_no_memory_and_a_failure_keeps_nothing
require_tests "$TSAN_SKIP"
SECVEC_BACKENDS=$(backends_except seize) TSAN_OPTIONS="$TSAN" san thread tsan "${SUITE[@]}" -- --skip "$TSAN_SKIP"
# seize's happens-before (Relaxed RMWs + fence) is invisible to TSan: with
# the pool on, a reader's load and the reuse of the block by the thread that
# reclaimed it meet in our code, outside the suppressed seize frames. Miri
# (which models fences) checks seize with the pool on; TSan runs it with the
# pool off, where that edge ends inside seize's free, as before.
SECVEC_BACKENDS=seize SAN_CFG="--cfg secvec_no_pool" TSAN_OPTIONS="$TSAN" san thread tsan-nopool "${SUITE[@]}" -- --skip "$TSAN_SKIP"

step "sanitizers: TSan, combining forced (every push announces its element first), the concurrency checks on hazard-asym"
SECVEC_BACKENDS=hazard-asym SAN_CFG="--cfg secvec_force_combining" TSAN_OPTIONS="$TSAN" \
  san thread tsan-force-combining "${SUITE[@]}" --test conformance -- concurrent::

step "sanitizers: LSan, every backend but leak frees everything"
SECVEC_BACKENDS=$(backends_except leak) LSAN_OPTIONS="fast_unwind_on_malloc=0" san leak lsan "${SUITE[@]}" "${NO_LEAKED_GUARD[@]}"

step "sanitizers: LSan, the leak backend leaks, and only its descriptors and cells"
LSAN_OPTIONS="suppressions=$PWD/.ci/lsan-leak-backend.txt:print_suppressions=1:fast_unwind_on_malloc=0" \
  SECVEC_BACKENDS=leak san leak lsan "${SUITE[@]}" "${NO_LEAKED_GUARD[@]}" 2>&1 | tee target/lsan-leak-backend.log
for pattern in $(sed -n 's/^leak://p' .ci/lsan-leak-backend.txt); do
  grep -qF "$pattern" target/lsan-leak-backend.log \
    || { echo "FAIL: LeakSanitizer used no suppression '$pattern': the leak backend leaked none, or it was renamed"; exit 1; }
done
