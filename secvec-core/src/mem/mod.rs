//! Per-vector memory: what the engine allocates, recycles and counts
//! besides the descriptors and slots themselves.
//!
//! * [`home`]: the block every descriptor and cell of a vector points at,
//!   and how long it lives (own or shared domain);
//! * [`local`]: a thread's entry in a home: its pool shard and counters;
//! * [`pool`]: recycled descriptor memory, per thread;
//! * [`lazy`]: pointers filled on first use, so that an empty vector
//!   allocates nothing;
//! * [`stats`]: the accounting (with the `accounting` feature; without it
//!   the counters are a type that does nothing).

pub(crate) mod home;
pub(crate) mod lazy;
pub(crate) mod local;
pub(crate) mod pool;
// Without `accounting` only `Event` and the no-op counters are used.
#[cfg_attr(not(feature = "accounting"), allow(dead_code))]
pub(crate) mod stats;
