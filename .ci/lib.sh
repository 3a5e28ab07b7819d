# Shared by every CI job: sourced, never run. One place for the backend
# list, the step banner, the sanitizer runner and the negative-control check.
export CARGO_TERM_COLOR=never
export CARGO_INCREMENTAL=0
: "${T0:=$(date +%s)}"
export T0

# The minimum Rust version the workspace declares (edition 2024 needs at
# least 1.85): setup installs it, the features job builds the facade with it.
MSRV=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)

# The backends: crate reclaim-<name>, facade feature <name>.
BACKENDS=(hazard hazard-asym ibr epoch seize leak)

# backends_except NAME...: the other backends, comma-separated (a
# SECVEC_BACKENDS value).
backends_except() {
  local b out=()
  for b in "${BACKENDS[@]}"; do
    [[ " $* " == *" $b "* ]] || out+=("$b")
  done
  (IFS=,; echo "${out[*]}")
}

step() { echo; echo "=== $* [$(($(date +%s) - T0))s]"; }

# The generic suite: every test file of secvec-suite (derived from the
# folder: a new file joins by existing), on the backends listed in
# SECVEC_BACKENDS (all when unset; Miri needs it forwarded), but for those
# that measure the whole process or are undefined behaviour by design:
# they run natively (`cargo test --workspace`) and as controls. The
# leaked-guard test leaks the epoch collector by design: it runs on its own.
# rayon's tests run natively too: its pool's threads outlive every test and
# its deques synchronize with fences TSan cannot see; what they call in
# SecVec is the batch path every other file checks under Miri and TSan.
NATIVE_ONLY=(garbage alloc_crosscheck negative_free_at_once rayon)
SUITE=(-p secvec-suite)
for t in "${NATIVE_ONLY[@]}"; do
  [ -f "secvec-suite/tests/$t.rs" ] || { echo "NATIVE_ONLY names secvec-suite/tests/$t.rs, which does not exist"; exit 1; }
done
for f in secvec-suite/tests/*.rs; do
  t=$(basename "$f" .rs)
  [[ " ${NATIVE_ONLY[*]} " == *" $t "* ]] || SUITE+=(--test "$t")
done
NO_LEAKED_GUARD=(-- --skip leaked_guard)

# require_tests NAME...: each NAME must match a test of the suite (a list
# that names a renamed or deleted test fails here, instead of silently
# selecting nothing).
# suite_tests: the names of the suite's tests, one a line.
suite_tests() {
  cargo test --locked "${SUITE[@]}" -- --list 2>/dev/null | sed -n 's/: test$//p'
}

require_tests() {
  local listed name
  listed=$(suite_tests)
  for name in "$@"; do
    grep -qF "$name" <<<"$listed" || { echo "FAIL: no test of the suite matches '$name'"; exit 1; }
  done
}

# MIRIFLAGS for a backend's suite (it also forwards the backend selection).
# Permissive provenance everywhere: heap elements' cell addresses live in
# the slots as integers (exposed with `expose_provenance`, taken back with
# `with_exposed_provenance_mut`), which Miri supports and otherwise warns
# about on every run.
miri_flags() {
  case $1 in
    leak) echo "-Zmiri-ignore-leaks" ;; # leaking is this backend's job
    epoch) echo "-Zmiri-tree-borrows" ;; # crossbeam's tracker, #545 and #878
    *) echo "" ;;
  esac | sed 's/$/ -Zmiri-permissive-provenance -Zmiri-env-forward=SECVEC_BACKENDS/'
}

SAN_TARGET=x86_64-unknown-linux-gnu
# san SANITIZER TARGET_DIR cargo-test-args...; $SAN_CFG adds rustc flags.
# A refused allocation returns null, as the system allocator's does (the
# suite checks that reserving more than the machine has is an error).
san() {
  local sanitizer=$1 dir=$2; shift 2
  local null=allocator_may_return_null=1
  ASAN_OPTIONS="$null:${ASAN_OPTIONS:-}" TSAN_OPTIONS="$null:${TSAN_OPTIONS:-}" LSAN_OPTIONS="$null:${LSAN_OPTIONS:-}" \
    RUSTFLAGS="-Zsanitizer=$sanitizer -Cforce-frame-pointers=yes ${SAN_CFG:-}" CARGO_TARGET_DIR="target/$dir" \
    cargo +nightly test -Zbuild-std --target "$SAN_TARGET" --locked "$@"
}

# expect_failure DESCRIPTION PATTERN command...: the command must fail, and
# its output must match PATTERN (a negative control that passes, or fails
# for another reason, has no teeth). With ATTEMPTS=N set, a run that fails
# for another reason is retried up to N times in all: a use-after-free is
# reported by the first checker that trips on it, which is not always the
# one under test (ASan reports a heap-use-after-free in ~95% of runs of the
# free-at-retire control, an ASan SEGV or Rust's pointer check in the rest).
# A run that passes is never retried.
expect_failure() {
  local what=$1 pattern=$2 log attempt; shift 2
  log=$(mktemp)
  for attempt in $(seq 1 "${ATTEMPTS:-1}"); do
    if "$@" >"$log" 2>&1; then
      echo "FAIL: negative control passed: $what"; tail -20 "$log"; exit 1
    fi
    if grep -q "$pattern" "$log"; then
      echo "caught as expected: $what (attempt $attempt)"; grep -m3 "$pattern" "$log"
      return 0
    fi
    echo "attempt $attempt of $what failed for another reason:"
    grep -m3 "ERROR: \|panicked at\|error: " "$log" || true
  done
  echo "FAIL: negative control failed for another reason than expected ($pattern): $what"; tail -40 "$log"; exit 1
}

# loom_control DEFECT TEST_FILE TEST PATTERN: the loom build with
# `--cfg secvec_defect="DEFECT"` must fail TEST (of secvec-loom/tests/
# TEST_FILE.rs) with output matching PATTERN.
loom_control() {
  local defect=$1 file=$2 test=$3 pattern=$4
  expect_failure "$defect under loom ($file::$test)" "$pattern" \
    env RUSTFLAGS="--cfg loom --cfg secvec_defect=\"$defect\"" CARGO_TARGET_DIR="target/loom-$defect" \
    cargo test -p secvec-loom --release --test "$file" --locked -- "$test"
}

# The report page's sections (ids of its `## ` headings), each checked by
# report_check.
REPORT_SECTIONS=(scoreboard throughput latency targets leaks-and-garbage removed-elements garbage-by-threads
  long-running-readers stalled-threads garbage-over-time cost-of-a-vector read-length-sweep
  against-no-reclamation memory-average-and-peak allocators)

# report_check DIR: DIR/index.html, loaded by headless Chromium, has every
# section, and its own check (every image rendered, every section holds its
# tables and charts) says ok.
report_check() {
  local dir dom verdict id
  dir=$(realpath "$1")
  dom=$(chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=10000 --dump-dom \
    "file://$dir/index.html" 2>/dev/null)
  for id in "${REPORT_SECTIONS[@]}"; do
    grep -q "<section id=\"$id\"" <<<"$dom" || { echo "report page: section $id missing"; return 1; }
  done
  verdict=$(grep -o '<p id="render-check"[^<]*' <<<"$dom") || { echo "report page: no render check"; return 1; }
  echo "$verdict"
  grep -q 'data-status="ok"' <<<"$verdict"
}
