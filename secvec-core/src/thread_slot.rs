//! Per-thread exclusive slots, shared by the accounting shards and the
//! descriptor pool.
//!
//! A thread takes one of [`EXCLUSIVE`] slot numbers for its lifetime and
//! gives it back when it exits (through a mutex, so the next owner sees
//! everything the previous one wrote). While a thread owns slot `i` it is the
//! only thread that touches entry `i` of any per-slot array of any vector:
//! counting is a plain load and store instead of a locked read-modify-write,
//! and a pool shard needs no synchronization at all. Threads beyond
//! `EXCLUSIVE`, and threads being torn down (a reclaimer can free descriptors
//! from a thread-local destructor), get no slot.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// Slots a thread can own exclusively.
pub(crate) const EXCLUSIVE: usize = 32;

/// This thread's slot (`< EXCLUSIVE`), the same in every vector, or `None`
/// if it has none.
#[inline]
pub(crate) fn thread_slot() -> Option<usize> {
    static NEVER_USED: AtomicUsize = AtomicUsize::new(0);
    static RELEASED: Mutex<Vec<usize>> = Mutex::new(Vec::new());

    /// `EXCLUSIVE` stands for "no slot".
    struct Owned(usize);
    impl Drop for Owned {
        fn drop(&mut self) {
            if self.0 != EXCLUSIVE {
                let mut released = RELEASED.lock().unwrap_or_else(|e| e.into_inner());
                // Reserved in full once: at most EXCLUSIVE slots exist, so
                // no later thread exit allocates.
                if released.capacity() == 0 {
                    released.reserve_exact(EXCLUSIVE);
                }
                released.push(self.0);
            }
        }
    }

    std::thread_local! {
        static SLOT: Owned = Owned({
            let reused = RELEASED.lock().unwrap_or_else(|e| e.into_inner()).pop();
            reused.unwrap_or_else(|| {
                NEVER_USED
                    .fetch_update(Relaxed, Relaxed, |n| (n < EXCLUSIVE).then_some(n + 1))
                    .unwrap_or(EXCLUSIVE)
            })
        });
    }
    SLOT.try_with(|s| s.0).ok().filter(|&s| s < EXCLUSIVE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_threads_never_share_a_slot_and_exits_hand_slots_on() {
        use std::sync::Barrier;
        let n = 8;
        let barrier = Barrier::new(n);
        let slots: Vec<Option<usize>> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..n)
                .map(|_| {
                    s.spawn(|| {
                        let slot = thread_slot();
                        assert_eq!(slot, thread_slot(), "a thread keeps its slot");
                        barrier.wait(); // all alive at once
                        slot
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut owned: Vec<usize> = slots.iter().flatten().copied().collect();
        owned.sort_unstable();
        let before = owned.len();
        owned.dedup();
        assert_eq!(owned.len(), before, "two live threads shared a slot: {slots:?}");
        // Other tests run concurrently and may hold slots, so only require
        // that exited threads' slots come back for new threads.
        let again = std::thread::spawn(thread_slot).join().unwrap();
        assert!(again.is_some(), "released slots are handed on");
    }
}
