//! The field's method (kaist-cp/smr-benchmark): fixed-time runs, repeated
//! (3 in a quick run, 5 in a full one); garbage and bytes held sampled
//! every millisecond (average and peak); long-running readers swept over
//! the read length (2^10 to 2^18 quick, 2^22 full); every backend as a
//! ratio to no reclamation (the leak backend over pre-touched memory,
//! [`secvec_benches::arena`]); and the allocator axis' cells under the
//! system allocator (`smr_mimalloc` and `smr_jemalloc` run them under the
//! others). Writes `target/secvec-report/smr.{md,json}`, the sweep's
//! charts, `allocators.md` and the report page.

use secvec_benches::arena::{self, Pretouched};
use secvec_benches::measure::smr::{self, Cell, Plan, STANDARD};
use secvec_benches::measure::{leaks, machine};
use secvec_benches::report::progress::{Progress, Target};
use secvec_benches::{report, report_dir, smoke};
use secvec_suite::alloc::Counting;
use std::alloc::System;

#[global_allocator]
static ALLOC: Counting<Pretouched> = Counting(Pretouched::SYSTEM);

const ALLOCATOR: &str = "system";

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let plan = Plan::of(smoke(), quick);
    // One run's worth of what the baseline allocates (the region is reused
    // from run to run): push/pop of strings and batches at 2 threads take
    // the most, about 1 GiB a second here.
    let want: usize = match (smoke(), quick) {
        (true, _) => 64 << 20,
        (false, true) => 2 << 30,
        (false, false) => 6 << 30,
    };
    let reserved = arena::reserve(&System, want);
    leaks::grow_thread_bookkeeping();
    let lengths = smr::read_lengths(smoke(), quick);
    let per_cell = smr::reclaiming() + 1;
    let mut bar = Progress::start(Target::Smr, quick, (lengths.len() + STANDARD.len()) * per_cell);
    let mut each = |what: &str| bar.cell(&format!("smr: {what}"));
    let cells: Vec<Cell> = lengths
        .iter()
        .map(|&n| smr::sweep_spec(n))
        .chain(STANDARD)
        .flat_map(|spec| smr::every_backend(spec, plan, ALLOCATOR, true, &mut each))
        .collect();
    bar.finish();

    let dir = report_dir();
    let sweep: Vec<Cell> = cells.iter().filter(|c| c.spec.read_len.is_some()).cloned().collect();
    let names: Vec<String> =
        lengths.iter().map(|&n| smr::sweep_spec(n).name()).chain(STANDARD.iter().map(|s| s.name())).collect();
    let standard_names: Vec<String> = STANDARD.iter().map(|s| s.name()).collect();
    let md = format!(
        "Fixed-time runs of {secs} s, {runs} per cell after one untimed warm-up run of a quarter of that; \
         garbage (descriptors and removed elements retired, not yet freed) and bytes held (the counting \
         allocator's count, beyond what was held before the vector) sampled every millisecond. \
         {note}{smoke}\n\n\
         ## Read-length sweep\n\nOne thread reads elements `0..n` of the vector through one handle, pass \
         after pass (refreshing it between passes), while one more pushes and pops: smr-benchmark's \
         long-running readers, one thread per core here. Epochs and seize cannot free anything retired \
         during a pass, so their garbage grows with the read length. Hazard pointers hold only what the \
         reader points at. Interval-based reclamation bounds what a *stalled* thread holds, not an \
         active long reader: the reader's reservation stretches from the era its pass began to the \
         current one, which covers everything born and retired during the pass.\n\n{sweep}\n\
         ## Against no reclamation\n\nEach backend's throughput as a ratio to `none` in the same cell: \
         the leak backend whose writers allocate from {reserved_mib} MiB reserved and touched before \
         anything is timed (no frees, no page faults; the region is reused from run to run). The leak \
         backend on fresh memory page-faults every 64 descriptors and measures the kernel instead.\n\n\
         {baseline}\n{note}\n\n\
         ## Memory, average and peak\n\nMedians over the runs of the sampled garbage (objects) and bytes \
         held, per cell:\n\n{memory}",
        secs = plan.secs,
        runs = plan.runs,
        note = report::smr::NOISY_NOTE,
        smoke = if smoke() { report::smr::SMOKE_NOTE } else { "" },
        sweep = report::smr::sweep_markdown(&dir, &sweep, &lengths),
        reserved_mib = reserved >> 20,
        baseline = report::smr::baseline_markdown(&cells, &names),
        memory = report::smr::memory_markdown(&cells, &standard_names),
    );
    println!("\nSecVec, the smr-benchmark method\n\n{md}");
    std::fs::write(
        dir.join("smr.md"),
        format!(
            "# SecVec, measured as smr-benchmark measures\n\nMachine: {}\n\n{md}",
            machine::machine_line()
        ),
    )
    .expect("write smr.md");
    let doc = serde_json::json!({ "meta": { "machine": machine::machine(), "secs": plan.secs, "runs": plan.runs,
                                            "read_lengths": lengths, "arena_bytes": reserved,
                                            "quick": quick, "smoke": smoke() },
                                  "cells": cells.iter().map(smr::cell_json).collect::<Vec<_>>() });
    std::fs::write(dir.join("smr.json"), doc.to_string()).expect("write smr.json");
    let standard: Vec<Cell> =
        cells.iter().filter(|c| c.spec.read_len.is_none() && c.backend != smr::NONE).cloned().collect();
    report::smr::write_allocators(&dir, ALLOCATOR, &standard).expect("write allocators.md");
    report::html::write_index(&dir).expect("write index.html");
    println!("written: {}/smr.{{md,json}}, sweep-*.svg, allocators.md, index.html", dir.display());
}
