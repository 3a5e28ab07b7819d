step "bench: the leak report end to end, with the allocator cross-check"
cargo bench -p secvec-benches --bench leak_report --locked -- --quick
