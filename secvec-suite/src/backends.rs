//! The one list of backends, used by the test suite, the integration
//! tests, the benchmark contenders, the leak report and the report's
//! target checks.
//!
//! Adding a backend: its crate, one `SuiteBackend` impl and one line in
//! [`for_each_backend!`](crate::for_each_backend) here, and its feature in
//! the facade (`secvec/Cargo.toml`, its name in `secvec/build.rs`, its
//! module in `secvec/src/lib.rs`); CI's list is `BACKENDS` in `.ci/lib.sh`
//! (CI's lint job checks that the lists agree).
//!
//! `SECVEC_BACKENDS` (a comma-separated list of [`SuiteBackend::NAME`]s)
//! restricts a run to some backends: CI uses it to give each backend its
//! own Miri flags and sanitizer runs, and `cargo bench` to compare a few.

pub use reclaim_epoch::Epoch;
pub use reclaim_hazard::Hazard;
pub use reclaim_hazard_asym::HazardAsym;
pub use reclaim_ibr::Ibr;
pub use reclaim_leak::Leak;
pub use reclaim_seize::Seize;
use secvec_core::Reclaimer;

/// A reclaimer as the suite and the reports know it.
pub trait SuiteBackend: Reclaimer {
    /// Short name: `hazard`, `epoch`, ... (what `SECVEC_BACKENDS` lists).
    const NAME: &'static str;
    /// Name in benchmark reports: `secvec-hazard`, ...
    const CONTENDER: &'static str;
}

impl SuiteBackend for Hazard {
    const NAME: &'static str = "hazard";
    const CONTENDER: &'static str = "secvec-hazard";
}

impl SuiteBackend for HazardAsym {
    const NAME: &'static str = "hazard-asym";
    const CONTENDER: &'static str = "secvec-hazard-asym";
}

impl SuiteBackend for Ibr {
    const NAME: &'static str = "ibr";
    const CONTENDER: &'static str = "secvec-ibr";
}

impl SuiteBackend for Epoch {
    const NAME: &'static str = "epoch";
    const CONTENDER: &'static str = "secvec-epoch";
}

impl SuiteBackend for Seize {
    const NAME: &'static str = "seize";
    const CONTENDER: &'static str = "secvec-seize";
}

impl SuiteBackend for Leak {
    const NAME: &'static str = "leak";
    const CONTENDER: &'static str = "secvec-leak";
}

/// Whether `SECVEC_BACKENDS` selects the backend called `name` (all are
/// selected when it is unset). Under Miri, forward the variable with
/// `-Zmiri-env-forward=SECVEC_BACKENDS`.
pub fn selected(name: &str) -> bool {
    match std::env::var("SECVEC_BACKENDS") {
        Ok(list) => list.split(',').any(|b| b.trim() == name),
        Err(_) => true,
    }
}

/// Runs `body` once per selected backend, with the type alias `R` bound to
/// it (`for_each_backend!(|R| check::<R>())`); a panic in `body` also
/// prints which backend it ran on.
#[macro_export]
macro_rules! for_each_backend {
    (|$r:ident| $body:expr) => {{
        $crate::for_each_backend!(@one $r, $crate::backends::Hazard, $body);
        $crate::for_each_backend!(@one $r, $crate::backends::HazardAsym, $body);
        $crate::for_each_backend!(@one $r, $crate::backends::Ibr, $body);
        $crate::for_each_backend!(@one $r, $crate::backends::Epoch, $body);
        $crate::for_each_backend!(@one $r, $crate::backends::Seize, $body);
        $crate::for_each_backend!(@one $r, $crate::backends::Leak, $body);
    }};
    (@one $r:ident, $ty:ty, $body:expr) => {{
        type $r = $ty;
        if $crate::backends::selected(<$r as $crate::backends::SuiteBackend>::NAME) {
            let _name = $crate::backends::NameOnPanic(<$r as $crate::backends::SuiteBackend>::NAME);
            $body;
        }
    }};
}

/// Prints the backend's name if dropped while panicking.
#[doc(hidden)]
pub struct NameOnPanic(pub &'static str);

impl Drop for NameOnPanic {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("(the panic above happened on backend `{}`)", self.0);
        }
    }
}

/// The report names of the selected backends.
pub fn contenders() -> Vec<&'static str> {
    let mut names = Vec::new();
    for_each_backend!(|R| names.push(R::CONTENDER));
    names
}

/// The report names of the selected backends that reclaim.
pub fn reclaiming_contenders() -> Vec<&'static str> {
    let mut names = Vec::new();
    for_each_backend!(|R| if R::RECLAIMS {
        names.push(R::CONTENDER)
    });
    names
}
