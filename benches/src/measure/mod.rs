//! Measurement: what runs, and the data it produces (which the bench
//! targets write as JSON next to the report). Nothing here formats a
//! table or draws a chart; [`report`](crate::report) does, from this data.
//!
//! * [`matrix`]: throughput cells read back from Criterion, and their targets;
//! * [`latency`]: per-operation latency histograms;
//! * [`leaks`]: garbage over time, stalls, long readers, leaks after drop
//!   (with the `accounting` feature, which counts them);
//! * [`smr`]: smr-benchmark's method: fixed-time repeated runs, sampled
//!   average and peak memory, the read-length sweep, no reclamation;
//! * [`cost`]: what one more (empty) vector costs;
//! * [`checks`]: a target checked against a run;
//! * [`machine`]: which machine and when.

pub mod checks;
pub mod cost;
pub mod latency;
#[cfg(feature = "accounting")]
pub mod leaks;
pub mod machine;
pub mod matrix;
#[cfg(feature = "accounting")]
pub mod smr;
