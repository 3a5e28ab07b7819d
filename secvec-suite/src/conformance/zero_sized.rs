//! Zero-sized elements, with and without the `accounting` feature (CI runs
//! this area both ways: without it, a zero-sized element's cell would be
//! zero-sized, every cell would have the same address, and hazard pointers
//! would retire that one address again and again and spin forever in
//! their scan). Every element is dropped exactly once.

use crate::scaled;
use secvec_core::{Reclaimer, SecVec};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Mutex, PoisonError, mpsc};
use std::time::Duration;

static MADE: AtomicU64 = AtomicU64::new(0);
static DROPPED: AtomicU64 = AtomicU64::new(0);
/// The counters are global (a zero-sized element has nowhere to keep a
/// census): one run at a time, also when two reclaimers' suites run in
/// one test binary.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A zero-sized element with a destructor.
#[derive(Debug)]
struct Token;

impl Token {
    fn new() -> Self {
        MADE.fetch_add(1, Relaxed);
        Token
    }
}

impl Clone for Token {
    fn clone(&self) -> Self {
        Token::new()
    }
}

impl Drop for Token {
    fn drop(&mut self) {
        DROPPED.fetch_add(1, Relaxed);
    }
}

/// Pushes, pops (by clone and by reference), sets and drops `Token`s.
fn churn<R: Reclaimer>() {
    let v = SecVec::<Token, R>::new();
    let n = scaled(5_000, 2_000, 200);
    for i in 0..n {
        v.push(Token::new());
        v.push(Token::new());
        assert!(v.pop().is_some());
        if i % 3 == 0 {
            assert!(v.set(0, Token::new()).is_ok());
        }
        assert!(v.pop_ref().is_some());
    }
    v.push(Token::new());
    assert_eq!(v.len(), 1);
}

/// Zero-sized elements with a destructor are pushed, popped, set and
/// dropped without the reclaimer spinning on one repeated address, and
/// each is dropped exactly once (never, for removed ones, by a reclaimer
/// that does not reclaim).
pub fn zero_sized_elements_are_dropped_once<R: Reclaimer>() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let (made, dropped) = (MADE.load(Relaxed), DROPPED.load(Relaxed));
    if cfg!(miri) {
        churn::<R>();
    } else {
        // A watchdog, not synchronization: a reclaimer that spins on a
        // repeated address never finishes.
        let (done, finished) = mpsc::channel();
        std::thread::spawn(move || {
            churn::<R>();
            done.send(()).unwrap();
        });
        finished.recv_timeout(Duration::from_secs(120)).expect("the churn never finished (livelock)");
    }
    let made = MADE.load(Relaxed) - made;
    let dropped = DROPPED.load(Relaxed) - dropped;
    assert!(made > 0);
    if R::RECLAIMS {
        assert_eq!(dropped, made, "every token dropped once");
    } else {
        assert!(dropped < made, "the leak backend drops no removed element");
    }
}
