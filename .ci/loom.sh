step "loom: interleavings of small scenarios, checked for linearizability"
RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
  cargo test -p secvec-loom --release --test loom --locked -- --nocapture --test-threads=1
step "loom: removals of heap elements racing reads, under a model hazard-pointer reclaimer"
RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
  cargo test -p secvec-loom --release --test loom_cells --locked -- --nocapture --test-threads=1
step "loom: hazard pointers with asymmetric fences, a reader's publication racing a scan (reclaim-hazard-asym's own code)"
RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
  cargo test -p reclaim-hazard-asym --release --lib --locked -- --nocapture --test-threads=1
step "loom: interval-based reclamation, a reader's reservation racing a scan (reclaim-ibr's own code)"
RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
  cargo test -p reclaim-ibr --release --lib --locked -- --nocapture --test-threads=1
