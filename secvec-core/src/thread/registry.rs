//! Per-thread exclusive slots: the one registry of threads in the workspace.
//!
//! A thread takes one of [`EXCLUSIVE`] slot numbers the first time it needs
//! one and owns it until it exits. While a thread owns slot `i`, it is the
//! only thread that touches entry `i` of any per-slot array of any vector:
//! counting is a plain load and store instead of a locked read-modify-write,
//! a pool shard needs no synchronization, and a backend's per-thread cache
//! ([`PerThread`](crate::thread::per_thread::PerThread)) can hold `!Send` state.
//!
//! # Why not a thread id from a crate
//!
//! `thread_local::ThreadLocal` (and seize's copy of it) release a thread's id
//! in a thread-local destructor that may run *before* the thread's other
//! thread-local destructors, which may still use the id's entry while a new
//! thread is handed the same id (Amanieu/thread_local-rs#75): two live
//! threads then share "per-thread" state. Here the hand-over is tied to two
//! things the thread itself gives up:
//!
//! 1. its registration, a thread-local (`ME`) whose destructor marks the
//!    slot as exiting. Once that destructor has started, [`current`] returns
//!    `None` on this thread for good (`try_with` fails), so no new use of
//!    the slot begins;
//! 2. its [`Lease`]s: a use of the slot that may last (a reclaimer guard
//!    that a user may keep in a thread-local of their own, or leak) holds a
//!    lease, and the slot is handed on only when the registration is gone
//!    *and* no lease is left. A use that ends before the current call
//!    returns needs none: the registration cannot go in the middle of it.
//!
//! Both are released on the owning thread (a lease is `!Send`), and the
//! slot goes back through a mutex, so everything the old owner did to its
//! entries happens-before the new owner's first access. A leaked lease
//! (`mem::forget` of a guard) keeps the slot out of circulation forever:
//! safe, at the price of one slot.
//!
//! Threads that find every slot taken get none for the moment and use the
//! shared paths; they try again (a relaxed load, no lock) on later calls, so
//! slots that exiting threads hand back go to threads that are still
//! running, not only to new ones.

use core::cell::Cell;
use core::marker::PhantomData;
use crossbeam_utils::CachePadded;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// Slots a thread can own exclusively.
pub(crate) const EXCLUSIVE: usize = 32;

/// `ME`'s value for "no slot".
const NO_SLOT: usize = EXCLUSIVE;

/// The state of a slot that only its owning thread touches.
struct SlotState {
    /// Live [`Lease`]s of the slot.
    leases: Cell<usize>,
    /// Whether the owner's registration has been destroyed.
    exiting: Cell<bool>,
}

struct Table([CachePadded<SlotState>; EXCLUSIVE]);

// SAFETY: entry `i` is only accessed by the thread that owns slot `i` (by
// `ME`'s destructor and by `Lease`, both on that thread), and ownership
// passes between threads through the `FREE` mutex, which orders one owner's
// accesses before the next one's.
unsafe impl Sync for Table {}

static TABLE: Table = Table(
    [const { CachePadded::new(SlotState { leases: Cell::new(0), exiting: Cell::new(false) }) }; EXCLUSIVE],
);
/// Slots handed back by exited threads.
static FREE: Mutex<Vec<usize>> = Mutex::new(Vec::new());
/// How many slots `FREE` holds: lets slot-less threads check without locking.
static AVAILABLE: AtomicUsize = AtomicUsize::new(0);
/// Slots `0..NEVER_USED` have been handed out at least once.
static NEVER_USED: AtomicUsize = AtomicUsize::new(0);

/// A thread's registration: its slot, or `NO_SLOT`.
struct Me {
    slot: Cell<usize>,
}

impl Drop for Me {
    fn drop(&mut self) {
        let slot = self.slot.replace(NO_SLOT);
        if slot != NO_SLOT {
            let state = &TABLE.0[slot];
            state.exiting.set(true);
            if state.leases.get() == 0 {
                release(slot);
            }
        }
    }
}

std::thread_local! {
    static ME: Me = const { Me { slot: Cell::new(NO_SLOT) } };
}

/// This thread's slot (`< EXCLUSIVE`), the same in every vector, or `None`
/// if it has none right now: every slot is owned by another live thread, or
/// this thread is running its thread-local destructors (then it never gets
/// one again).
///
/// What the caller does with the slot must end before it returns control to
/// code that could run this thread's destructors; anything longer holds a
/// [`Lease`].
#[inline]
pub(crate) fn current() -> Option<usize> {
    ME.try_with(|me| match me.slot.get() {
        NO_SLOT => acquire(me),
        slot => Some(slot),
    })
    .ok()
    .flatten()
}

#[cold]
fn acquire(me: &Me) -> Option<usize> {
    if AVAILABLE.load(Relaxed) == 0 && NEVER_USED.load(Relaxed) >= EXCLUSIVE {
        return None;
    }
    let reused = {
        let mut free = FREE.lock().unwrap_or_else(|e| e.into_inner());
        let slot = free.pop();
        if slot.is_some() {
            AVAILABLE.fetch_sub(1, Relaxed);
        }
        slot
    };
    let slot = reused
        .or_else(|| NEVER_USED.fetch_update(Relaxed, Relaxed, |n| (n < EXCLUSIVE).then_some(n + 1)).ok())?;
    me.slot.set(slot);
    Some(slot)
}

/// Hands `slot` to the next thread that asks. Called on the owning thread,
/// once its registration is gone and its last lease dropped.
fn release(slot: usize) {
    TABLE.0[slot].exiting.set(false);
    let mut free = FREE.lock().unwrap_or_else(|e| e.into_inner());
    // Reserved in full once: at most EXCLUSIVE slots exist, so no later
    // thread exit allocates.
    if free.capacity() == 0 {
        free.reserve_exact(EXCLUSIVE);
    }
    free.push(slot);
    AVAILABLE.fetch_add(1, Relaxed);
}

/// Keeps the calling thread's slot its own for as long as it lives, even
/// past the thread's registration (see the module documentation). `!Send`:
/// it is dropped on the thread that took it.
pub(crate) struct Lease {
    slot: usize,
    _not_send: PhantomData<*const ()>,
}

impl Lease {
    /// A lease on this thread's slot, or `None` if it has none ([`current`]).
    #[inline]
    pub(crate) fn take() -> Option<Lease> {
        let slot = current()?;
        let state = &TABLE.0[slot];
        state.leases.set(state.leases.get() + 1);
        Some(Lease { slot, _not_send: PhantomData })
    }

    /// The slot this lease keeps.
    #[inline]
    pub(crate) fn slot(&self) -> usize {
        self.slot
    }
}

impl Drop for Lease {
    #[inline]
    fn drop(&mut self) {
        let state = &TABLE.0[self.slot];
        let left = state.leases.get() - 1;
        state.leases.set(left);
        if left == 0 && state.exiting.get() {
            release(self.slot);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::Barrier;
    use std::sync::mpsc;

    /// The tests below take many slots at once, and count who got one: run
    /// them one at a time, and any other unit test that holds a slot while
    /// they might run takes this too.
    pub(crate) static SERIAL: Mutex<()> = Mutex::new(());

    #[test]
    fn live_threads_never_share_a_slot_and_exits_hand_slots_on() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let n = 8;
        let barrier = Barrier::new(n);
        let slots: Vec<Option<usize>> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..n)
                .map(|_| {
                    s.spawn(|| {
                        let slot = current();
                        assert_eq!(slot, current(), "a thread keeps its slot");
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
        let again = std::thread::spawn(current).join().unwrap();
        assert!(again.is_some(), "released slots are handed on");
    }

    /// A thread that found every slot taken gets one once another thread
    /// exits, without being restarted (issue: threads past the 32nd never
    /// got a slot for their whole life).
    #[test]
    fn a_thread_without_a_slot_gets_one_after_others_exit() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let holders = EXCLUSIVE + 2; // more than there are slots
        let all_in = Barrier::new(holders + 1);
        let (exit_tx, exit_rx) = mpsc::channel::<()>();
        let exit_rx = Mutex::new(exit_rx);
        std::thread::scope(|s| {
            let hs: Vec<_> = (0..holders)
                .map(|_| {
                    s.spawn(|| {
                        let had = current().is_some();
                        all_in.wait();
                        // Wait for the signal to exit (one message per thread).
                        exit_rx.lock().unwrap().recv().unwrap();
                        had
                    })
                })
                .collect();
            all_in.wait();
            let late = s.spawn(|| {
                let before = current();
                (before, exit_tx)
            });
            let (before, exit_tx) = late.join().unwrap();
            assert_eq!(before, None, "every slot is held: a new thread gets none");
            let late = s.spawn(move || {
                assert_eq!(current(), None);
                for _ in 0..holders {
                    exit_tx.send(()).unwrap();
                }
                drop(exit_tx);
                // Holders exit and hand their slots back; this thread, still
                // running, must be able to take one.
                let mut slot = None;
                while slot.is_none() {
                    std::thread::yield_now();
                    slot = current();
                }
                slot
            });
            let with_slot = hs.into_iter().map(|h| h.join().unwrap()).filter(|&had| had).count();
            assert_eq!(with_slot, EXCLUSIVE, "exactly EXCLUSIVE holders had a slot");
            assert!(late.join().unwrap().is_some());
        });
    }

    /// A lease keeps the slot past the thread's registration: a value in a
    /// thread-local that is destroyed after `ME` still owns the slot, and no
    /// other thread receives it until that value is dropped.
    #[test]
    fn a_lease_outlives_the_registration() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        struct Late(Option<Lease>, mpsc::Sender<usize>, mpsc::Receiver<()>);
        impl Drop for Late {
            fn drop(&mut self) {
                let lease = self.0.take().expect("set");
                assert_eq!(current(), None, "no new use starts after the registration is gone");
                self.1.send(lease.slot()).unwrap();
                // Hold the lease until the main thread has checked that no
                // other thread got the slot.
                self.2.recv().unwrap();
            }
        }
        std::thread_local! { static LATE: std::cell::RefCell<Option<Late>> = const { std::cell::RefCell::new(None) } }
        let (slot_tx, slot_rx) = mpsc::channel();
        let (go_tx, go_rx) = mpsc::channel();
        let t = std::thread::spawn(move || {
            // Registered first, so destroyed last (thread-local destructors
            // run in reverse order of registration on this platform).
            LATE.with_borrow_mut(|l| *l = Some(Late(None, slot_tx, go_rx)));
            let lease = Lease::take().expect("a slot");
            LATE.with_borrow_mut(|l| l.as_mut().expect("set").0 = Some(lease));
        });
        let held = slot_rx.recv().unwrap();
        // The leased slot is not handed out while the lease lives.
        let others: Vec<Option<usize>> =
            (0..EXCLUSIVE).map(|_| std::thread::spawn(current).join().unwrap()).collect();
        assert!(!others.contains(&Some(held)), "slot {held} was handed out while leased: {others:?}");
        go_tx.send(()).unwrap();
        t.join().unwrap();
        // Once the lease is gone the slot comes back.
        let back: Vec<Option<usize>> =
            (0..EXCLUSIVE).map(|_| std::thread::spawn(current).join().unwrap()).collect();
        assert!(back.contains(&Some(held)), "slot {held} never came back: {back:?}");
    }
}
