//! loom model checks of the SecVec algorithm live in `tests/`; build them
//! with `RUSTFLAGS="--cfg loom"`. This library holds what they share: a
//! model hazard-pointer reclaimer (`model_hazard`).

#[cfg(loom)]
pub mod model_hazard;
