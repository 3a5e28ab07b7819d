//! Per-vector memory: what the engine allocates, recycles and counts
//! besides the descriptors and slots themselves.
//!
//! * [`home`]: the block every descriptor and cell of a vector points at,
//!   and how long it lives (own or shared domain);
//! * [`local`]: a thread's entry in a home: its pool shard and counters;
//! * [`pool`]: recycled descriptor memory, per thread;
//! * [`lazy`]: pointers filled on first use, so that an empty vector
//!   allocates nothing;
//! * [`counters`]: what the accounting counts, per thread and per vector
//!   (types that do nothing without the `accounting` feature);
//! * `stats`: the public accounting handle and snapshots (only with the
//!   `accounting` feature).

pub(crate) mod counters;
pub(crate) mod home;
pub(crate) mod lazy;
pub(crate) mod local;
pub(crate) mod pool;
#[cfg(feature = "accounting")]
pub(crate) mod stats;
