//! The body of the allocator bench targets (`smr_mimalloc`,
//! `smr_jemalloc`): each installs its allocator under the counting one and
//! runs the [`STANDARD`] cells, then merges
//! its results into `allocators.md`.

use crate::measure::smr::{self, Plan, STANDARD};
use crate::report::progress::{Progress, Target};
use crate::{report, report_dir, smoke};

/// Runs the allocator axis' cells under `allocator` (the name of what the
/// calling binary installed) as bench target `target`.
pub fn main(target: Target, allocator: &'static str) {
    let quick = std::env::args().any(|a| a == "--quick");
    let plan = Plan::of(smoke(), quick);
    crate::measure::leaks::grow_thread_bookkeeping();
    let mut bar = Progress::start(target, quick, STANDARD.len() * smr::reclaiming());
    let cells = smr::standard(plan, allocator, |what| bar.cell(&format!("allocators: {what} / {allocator}")));
    bar.finish();
    let dir = report_dir();
    report::smr::write_allocators(&dir, allocator, &cells).expect("write allocators.md");
    report::html::write_index(&dir).expect("write index.html");
    println!("{}", std::fs::read_to_string(dir.join("allocators.md")).unwrap_or_default());
    println!("written: {}/allocators-{allocator}.json, allocators.md, index.html", dir.display());
}
