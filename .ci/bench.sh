# The benchmark report: the leak report at its quick size (the allocator
# cross-check needs real runs), the matrix and latency cells and the
# smr-benchmark-style targets in smoke mode (every cell a fraction of a
# second: the report is built end to end, its numbers mean nothing), then
# the page rendered by headless Chromium.
step "bench: the leak report end to end, with the allocator cross-check"
cargo bench -p secvec-benches --bench leak_report --locked -- --quick

step "bench: the throughput and latency cells, smoke-sized"
SECVEC_BENCH_SMOKE=1 cargo bench -p secvec-benches --bench matrix --locked -- --quick

step "bench: the smr-benchmark method and the allocator axis, smoke-sized"
SECVEC_BENCH_SMOKE=1 cargo bench -p secvec-benches --bench smr --bench smr_jemalloc --bench smr_mimalloc \
  --locked -- --quick

step "bench: target/secvec-report/index.html renders with every section, table and chart"
command -v chromium >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}
report_check target/secvec-report

step "bench: the page check catches a missing chart and a missing section (negative controls)"
no_chart=$(mktemp -d) && cp -r target/secvec-report/. "$no_chart" && rm "$no_chart/latency-push-pop-2thr.svg"
expect_failure "a report page with a chart missing" "1 missing (latency-push-pop-2thr.svg)" report_check "$no_chart"
no_part=$(mktemp -d) && cp -r target/secvec-report/. "$no_part" && rm "$no_part/leak-report.md"
(cd benches && cargo run -q --release --locked --example index -- "$no_part")
expect_failure "a report page without the leak report" "section leaks-and-garbage missing" report_check "$no_part"
rm -rf "$no_chart" "$no_part"
