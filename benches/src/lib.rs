//! The SecVec benchmark kit, shared by the `matrix` and `leak_report`
//! bench targets, in two layers:
//!
//! * measurement: [`workload`] (what workers do), [`runner`] (the
//!   [`Contender`] trait and the timed multi-threaded [`run`]: every
//!   contender runs exactly the same workload code, only the five
//!   operations differ), [`contenders`], and [`measure`] (each report
//!   section's data, written as JSON);
//! * presentation: [`report`] (tables, charts, the page, progress), on top
//!   of the data.

use std::path::PathBuf;

#[cfg(feature = "accounting")]
pub mod alloc_target;
pub mod arena;
pub mod contenders;
pub mod measure;
pub mod report;
pub mod runner;
pub mod workload;

pub use runner::{Contender, Ops, Target, prepare, run, step, work_plain};
pub use secvec_suite::Rng;
pub use secvec_suite::elem::{Str24, TestElem};
pub use workload::{BATCH, ElementKind, Mix, PREFILL, REFRESH_EVERY, Workload};

/// The cargo target directory this bench binary was built into: three
/// levels above the executable (`<target>/<profile>/deps/<bench>`).
///
/// Derived from the executable rather than `CARGO_TARGET_DIR`, which may be
/// relative to where cargo was started, while bench binaries run in their
/// package's directory.
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("path of the bench executable");
    exe.ancestors().nth(3).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("target"))
}

/// Whether `SECVEC_BENCH_SMOKE` is set (to anything but `0`): every cell
/// runs for a fraction of a second, so CI can build the whole report
/// quickly. Its numbers mean nothing.
pub fn smoke() -> bool {
    std::env::var("SECVEC_BENCH_SMOKE").is_ok_and(|v| v != "0")
}

/// `<target>/secvec-report`, created if needed.
pub fn report_dir() -> PathBuf {
    let dir = target_dir().join("secvec-report");
    std::fs::create_dir_all(&dir).expect("create target/secvec-report");
    dir
}
