//! Presentation: Markdown tables, SVG charts, the report page and the
//! progress bar, from the data of [`measure`](crate::measure). Calls go one
//! way: this module reads measurement types; measurement never calls it.
//!
//! * [`matrix`], [`latency`], [`leaks`], [`smr`], [`cost`], [`checks`]: each
//!   section's tables (and charts);
//! * [`charts`]: the SVG line charts all sections share;
//! * [`html`]: `target/secvec-report/index.html`, from the Markdown and
//!   JSON files the bench targets wrote;
//! * [`progress`]: one progress bar with the time left over a whole run.

pub mod charts;
pub mod checks;
pub mod cost;
pub mod html;
pub mod latency;
#[cfg(feature = "accounting")]
pub mod leaks;
pub mod matrix;
pub mod progress;
#[cfg(feature = "accounting")]
pub mod smr;
