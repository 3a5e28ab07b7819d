//! The facade's one list of backend features, in the order that picks the
//! default backend (`secvec::SecVec` is the first enabled one). It emits
//! `cfg(secvec_backend)` when any backend is enabled and
//! `cfg(secvec_default = "<feature>")` for the default, so that `lib.rs`
//! and the docs gate on those instead of repeating the list.

/// Backend features, in order of preference for the default.
const BACKENDS: [&str; 6] = ["hazard", "hazard-asym", "ibr", "epoch", "seize", "leak"];

fn main() {
    println!("cargo::rustc-check-cfg=cfg(secvec_backend)");
    let names = BACKENDS.iter().map(|b| format!("\"{b}\"")).collect::<Vec<_>>().join(", ");
    println!("cargo::rustc-check-cfg=cfg(secvec_default, values({names}))");
    let enabled =
        |b: &str| std::env::var_os(format!("CARGO_FEATURE_{}", b.to_uppercase().replace('-', "_"))).is_some();
    if let Some(default) = BACKENDS.into_iter().find(|b| enabled(b)) {
        println!("cargo::rustc-cfg=secvec_backend");
        println!("cargo::rustc-cfg=secvec_default=\"{default}\"");
    }
}
