//! Thread infrastructure: the registry of seats that gives each live
//! thread an index no other live thread has ([`registry`]), and values kept
//! per seat ([`per_thread`], public: backends cache per-thread reclaimer
//! state in it).

pub mod per_thread;
pub(crate) mod registry;
