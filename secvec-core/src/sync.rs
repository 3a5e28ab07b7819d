//! The atomics the algorithm uses, swapped for loom's under `cfg(loom)`.
//!
//! Backends receive the descriptor pointer as [`AtomicPtr`] from here, so a
//! loom build checks their loads too.

#[cfg(not(loom))]
pub use core::sync::atomic::AtomicPtr;
#[cfg(not(loom))]
pub(crate) use core::sync::atomic::Ordering;
#[cfg(not(loom))]
pub(crate) use portable_atomic::AtomicU128;

#[cfg(loom)]
pub use loom::sync::atomic::AtomicPtr;
#[cfg(loom)]
pub(crate) use loom::sync::atomic::Ordering;
#[cfg(loom)]
pub(crate) use loom_u128::AtomicU128;

/// One look's pause while waiting for another thread (the exchanger's
/// and the combining board's patience): a spin hint, or under loom a yield,
/// so that the model runs the thread being waited for.
#[inline]
pub(crate) fn spin_wait() {
    #[cfg(not(loom))]
    core::hint::spin_loop();
    #[cfg(loom)]
    loom::thread::yield_now();
}

/// loom has no 128-bit atomic: a loom `Mutex` around the word stands in.
/// Every operation is then acquire/release, so loom cannot find ordering bugs
/// *inside* a slot operation, only between them.
#[cfg(loom)]
mod loom_u128 {
    use super::Ordering;
    use loom::sync::Mutex;

    pub(crate) struct AtomicU128(Mutex<u128>);

    impl AtomicU128 {
        pub(crate) fn new(v: u128) -> Self {
            AtomicU128(Mutex::new(v))
        }

        /// A stand-in, not the real thing: loom models the algorithm, not
        /// the machine.
        pub(crate) fn is_lock_free() -> bool {
            true
        }

        pub(crate) fn load(&self, _: Ordering) -> u128 {
            *self.0.lock().unwrap()
        }

        pub(crate) fn compare_exchange(
            &self,
            current: u128,
            new: u128,
            _: Ordering,
            _: Ordering,
        ) -> Result<u128, u128> {
            let mut word = self.0.lock().unwrap();
            if *word == current {
                *word = new;
                Ok(current)
            } else {
                Err(*word)
            }
        }
    }
}
