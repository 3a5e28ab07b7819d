//! The one registry of threads in the workspace: each live thread that
//! asks gets a *seat*, an index no other live thread has.
//!
//! A thread takes one of [`SEATS`] seat numbers the first time it needs
//! one and owns it until it exits. While a thread owns seat `i`, it is the
//! only thread that touches entry `i` of any per-seat array of any vector:
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
//!    seat as exiting. Once that destructor has started, [`current`] returns
//!    `None` on this thread for good (`try_with` fails), so no new use of
//!    the seat begins;
//! 2. its [`Lease`]s: a use of the seat that may last (a reclaimer guard
//!    that a user may keep in a thread-local of their own, or leak) holds a
//!    lease, and the seat is handed on only when the registration is gone
//!    *and* no lease is left. A use that ends before the current call
//!    returns needs none: the registration cannot go in the middle of it.
//!
//! Both are released on the owning thread (a lease is `!Send`), and the
//! seat goes back through a mutex, so everything the old owner did to its
//! entries happens-before the new owner's first access. A leaked lease
//! (`mem::forget` of a guard) keeps the seat out of circulation forever:
//! safe, at the price of one seat.
//!
//! Threads that find every seat taken get none for the moment and use the
//! shared paths; they try again (a relaxed load, no lock) on later calls, so
//! seats that exiting threads hand back go to threads that are still
//! running, not only to new ones.

use core::cell::Cell;
use core::marker::PhantomData;
use crossbeam_utils::CachePadded;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// Seats a thread can own exclusively.
pub(crate) const SEATS: usize = 32;

/// `ME`'s value for "no seat".
const NO_SEAT: usize = SEATS;

/// The state of a seat that only its owning thread touches.
struct SeatState {
    /// Live [`Lease`]s of the seat.
    leases: Cell<usize>,
    /// Whether the owner's registration has been destroyed.
    exiting: Cell<bool>,
}

struct Table([CachePadded<SeatState>; SEATS]);

// SAFETY: entry `i` is only accessed by the thread that owns seat `i` (by
// `ME`'s destructor and by `Lease`, both on that thread), and ownership
// passes between threads through the `FREE` mutex, which orders one owner's
// accesses before the next one's.
unsafe impl Sync for Table {}

static TABLE: Table =
    Table([const { CachePadded::new(SeatState { leases: Cell::new(0), exiting: Cell::new(false) }) }; SEATS]);
/// Seats handed back by exited threads.
static FREE: Mutex<Vec<usize>> = Mutex::new(Vec::new());
/// How many seats `FREE` holds: lets seat-less threads check without locking.
static AVAILABLE: AtomicUsize = AtomicUsize::new(0);
/// Seats `0..HANDED_OUT` have been handed out at least once (the rest never).
static HANDED_OUT: AtomicUsize = AtomicUsize::new(0);

/// A thread's registration: its seat, or `NO_SEAT`.
struct Me {
    seat: Cell<usize>,
}

impl Drop for Me {
    fn drop(&mut self) {
        let seat = self.seat.replace(NO_SEAT);
        if seat != NO_SEAT {
            let state = &TABLE.0[seat];
            state.exiting.set(true);
            if state.leases.get() == 0 {
                release(seat);
            }
        }
    }
}

std::thread_local! {
    static ME: Me = const { Me { seat: Cell::new(NO_SEAT) } };
}

/// This thread's seat (`< SEATS`), the same in every vector, or `None`
/// if it has none right now: every seat is owned by another live thread, or
/// this thread is running its thread-local destructors (then it never gets
/// one again).
///
/// What the caller does with the seat must end before it returns control to
/// code that could run this thread's destructors; anything longer holds a
/// [`Lease`].
#[inline]
pub(crate) fn current() -> Option<usize> {
    ME.try_with(|me| match me.seat.get() {
        NO_SEAT => acquire(me),
        seat => Some(seat),
    })
    .ok()
    .flatten()
}

#[cold]
fn acquire(me: &Me) -> Option<usize> {
    if AVAILABLE.load(Relaxed) == 0 && HANDED_OUT.load(Relaxed) >= SEATS {
        return None;
    }
    let reused = {
        let mut free = FREE.lock().unwrap_or_else(|e| e.into_inner());
        let seat = free.pop();
        if seat.is_some() {
            AVAILABLE.fetch_sub(1, Relaxed);
        }
        seat
    };
    let seat = reused
        .or_else(|| HANDED_OUT.fetch_update(Relaxed, Relaxed, |n| (n < SEATS).then_some(n + 1)).ok())?;
    me.seat.set(seat);
    Some(seat)
}

/// Hands `seat` to the next thread that asks. Called on the owning thread,
/// once its registration is gone and its last lease dropped.
fn release(seat: usize) {
    TABLE.0[seat].exiting.set(false);
    let mut free = FREE.lock().unwrap_or_else(|e| e.into_inner());
    // Reserved in full once: at most SEATS seats exist, so no later
    // thread exit allocates.
    if free.capacity() == 0 {
        free.reserve_exact(SEATS);
    }
    free.push(seat);
    AVAILABLE.fetch_add(1, Relaxed);
}

/// Keeps the calling thread's seat its own for as long as it lives, even
/// past the thread's registration (see the module documentation). `!Send`:
/// it is dropped on the thread that took it.
pub(crate) struct Lease {
    seat: usize,
    _not_send: PhantomData<*const ()>,
}

impl Lease {
    /// A lease on this thread's seat, or `None` if it has none ([`current`]).
    #[inline]
    pub(crate) fn take() -> Option<Lease> {
        let seat = current()?;
        let state = &TABLE.0[seat];
        state.leases.set(state.leases.get() + 1);
        Some(Lease { seat, _not_send: PhantomData })
    }

    /// The seat this lease keeps.
    #[inline]
    pub(crate) fn seat(&self) -> usize {
        self.seat
    }
}

impl Drop for Lease {
    #[inline]
    fn drop(&mut self) {
        let state = &TABLE.0[self.seat];
        let left = state.leases.get() - 1;
        state.leases.set(left);
        if left == 0 && state.exiting.get() {
            release(self.seat);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::Barrier;
    use std::sync::mpsc;

    /// The tests below take many seats at once, and count who got one: run
    /// them one at a time, and any other unit test that holds a seat while
    /// they might run takes this too.
    pub(crate) static SERIAL: Mutex<()> = Mutex::new(());

    #[test]
    fn live_threads_never_share_a_seat_and_exits_hand_seats_on() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let n = 8;
        let barrier = Barrier::new(n);
        let seats: Vec<Option<usize>> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..n)
                .map(|_| {
                    s.spawn(|| {
                        let seat = current();
                        assert_eq!(seat, current(), "a thread keeps its seat");
                        barrier.wait(); // all alive at once
                        seat
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut owned: Vec<usize> = seats.iter().flatten().copied().collect();
        owned.sort_unstable();
        let before = owned.len();
        owned.dedup();
        assert_eq!(owned.len(), before, "two live threads shared a seat: {seats:?}");
        let again = std::thread::spawn(current).join().unwrap();
        assert!(again.is_some(), "released seats are handed on");
    }

    /// A thread that found every seat taken gets one once another thread
    /// exits, without being restarted (issue: threads past the 32nd never
    /// got a seat for their whole life).
    #[test]
    fn a_thread_without_a_seat_gets_one_after_others_exit() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let holders = SEATS + 2; // more than there are seats
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
            assert_eq!(before, None, "every seat is held: a new thread gets none");
            let late = s.spawn(move || {
                assert_eq!(current(), None);
                for _ in 0..holders {
                    exit_tx.send(()).unwrap();
                }
                drop(exit_tx);
                // Holders exit and hand their seats back; this thread, still
                // running, must be able to take one.
                let mut seat = None;
                while seat.is_none() {
                    std::thread::yield_now();
                    seat = current();
                }
                seat
            });
            let with_seat = hs.into_iter().map(|h| h.join().unwrap()).filter(|&had| had).count();
            assert_eq!(with_seat, SEATS, "exactly SEATS holders had a seat");
            assert!(late.join().unwrap().is_some());
        });
    }

    /// A lease keeps the seat past the thread's registration: a value in a
    /// thread-local that is destroyed after `ME` still owns the seat, and no
    /// other thread receives it until that value is dropped.
    #[test]
    fn a_lease_outlives_the_registration() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        struct Late(Option<Lease>, mpsc::Sender<usize>, mpsc::Receiver<()>);
        impl Drop for Late {
            fn drop(&mut self) {
                let lease = self.0.take().expect("set");
                assert_eq!(current(), None, "no new use starts after the registration is gone");
                self.1.send(lease.seat()).unwrap();
                // Hold the lease until the main thread has checked that no
                // other thread got the seat.
                self.2.recv().unwrap();
            }
        }
        std::thread_local! { static LATE: std::cell::RefCell<Option<Late>> = const { std::cell::RefCell::new(None) } }
        let (seat_tx, seat_rx) = mpsc::channel();
        let (go_tx, go_rx) = mpsc::channel();
        let t = std::thread::spawn(move || {
            // Registered first, so destroyed last (thread-local destructors
            // run in reverse order of registration on this platform).
            LATE.with_borrow_mut(|l| *l = Some(Late(None, seat_tx, go_rx)));
            let lease = Lease::take().expect("a seat");
            LATE.with_borrow_mut(|l| l.as_mut().expect("set").0 = Some(lease));
        });
        let held = seat_rx.recv().unwrap();
        // The leased seat is not handed out while the lease lives.
        let others: Vec<Option<usize>> =
            (0..SEATS).map(|_| std::thread::spawn(current).join().unwrap()).collect();
        assert!(!others.contains(&Some(held)), "seat {held} was handed out while leased: {others:?}");
        go_tx.send(()).unwrap();
        t.join().unwrap();
        // Once the lease is gone the seat comes back.
        let back: Vec<Option<usize>> =
            (0..SEATS).map(|_| std::thread::spawn(current).join().unwrap()).collect();
        assert!(back.contains(&Some(held)), "seat {held} never came back: {back:?}");
    }
}
