//! Hostile programs: safe code that once reached undefined behaviour or
//! aborted the process through SecVec (the soundness audit of 2026-11-26).
//! Each runs natively and under Miri on every backend; the leaked guard
//! is in `leaked_guard.rs` (Miri runs that area with leak checks off).
//!
//! * A thread's per-thread reclamation state must not be shared with a new
//!   thread while the old one still runs thread-local destructors (thread
//!   id reuse: `thread_local` crate's tracker, #75, and seize's copy of it).
//! * Operations from thread-local destructors must work, also after the
//!   backends' own thread-local state is gone, and on a thread that never
//!   used the vector before.
//! * A guard kept in a thread-local until the thread's very end, or leaked
//!   with `mem::forget`, must stay sound.
//!
//! Thread-local destructors run in reverse order of registration on Linux
//! (std's list and glibc's `__cxa_thread_atexit_impl` alike), so a hook
//! registered before a thread first touches a vector runs after every piece
//! of per-thread state that touching it created.

use crate::{assert_identity, scaled};
use secvec_core::{Reclaimer, SecVec};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::thread;

type Hook = Box<dyn FnOnce()>;

struct AtExit(RefCell<Vec<Hook>>);

impl Drop for AtExit {
    fn drop(&mut self) {
        for hook in self.0.get_mut().drain(..) {
            hook();
        }
    }
}

std::thread_local! {
    static AT_EXIT: AtExit = const { AtExit(RefCell::new(Vec::new())) };
}

/// Runs `hook` in a thread-local destructor of the calling thread. Call it
/// before anything else on the thread, and the hook runs after the
/// thread's other thread-local destructors.
fn at_thread_exit(hook: impl FnOnce() + 'static) {
    AT_EXIT.with(|h| h.0.borrow_mut().push(Box::new(hook)));
}

fn churn<R: Reclaimer>(v: &SecVec<u64, R>, ops: usize, tag: u64) {
    for i in 0..ops as u64 {
        v.push(tag + i);
        let _ = v.get(0);
        let _ = v.len();
        assert!(v.pop().is_some(), "a pop after our own push found the vector empty");
    }
}

/// A thread in its last thread-local destructor still holds a handle it
/// took while running, and drops it, then operates on the vector, at the
/// same time as a thread started after the first one's per-thread state
/// was torn down (the moment id-reusing registries hand the new thread the
/// old one's entries: its cached hazard pointer, its epoch registration,
/// its seize reservation). Miri reports any state the two share as a data
/// race; conservation is checked after.
pub fn exiting_and_new_thread_share_nothing<R: Reclaimer>() {
    let ops = scaled(2_000, 500, 15);
    // 'static for the thread-local; freed below.
    let raw = Box::into_raw(Box::new(SecVec::<u64, R>::new()));
    // SAFETY: `raw` is a live `Box` allocation, freed only at the end of
    // this function, after every user of `v` is gone.
    let v: &'static SecVec<u64, R> = unsafe { &*raw };
    let both = Arc::new(Barrier::new(2));
    let (in_hook_tx, in_hook_rx) = mpsc::channel();
    let exiting = {
        let both = Arc::clone(&both);
        thread::spawn(move || {
            let kept = Rc::new(RefCell::new(None));
            let in_hook = Rc::clone(&kept);
            at_thread_exit(move || {
                in_hook_tx.send(()).unwrap();
                both.wait();
                // Drops the handle taken while running.
                in_hook.borrow_mut().take();
                churn(v, ops, 1_000_000);
            });
            churn(v, ops, 0); // creates this thread's per-thread state, after the hook
            let mut handle = v.pin();
            handle.len(); // protects the current descriptor
            *kept.borrow_mut() = Some(handle);
        })
    };
    in_hook_rx.recv().unwrap();
    let newcomer = thread::spawn(move || {
        both.wait();
        churn(v, ops, 2_000_000);
    });
    newcomer.join().unwrap();
    exiting.join().unwrap();
    assert_eq!(v.len(), 0, "pushes and pops do not balance: {:?}", v.to_vec());
    let stats = v.stats();
    // SAFETY: `raw` came from `Box::into_raw` above and is freed once; the
    // only borrows were moved into the two threads, and `join` returned
    // only after each thread had run all its thread-local destructors.
    drop(unsafe { Box::from_raw(raw) });
    assert_identity(&stats.snapshot());
}

/// Every operation works from a thread-local destructor of a thread that
/// never touched the vector before (so its per-thread state is created
/// during teardown), and of one that did (so it was torn down first).
pub fn operations_from_thread_local_destructors<R: Reclaimer>() {
    let v = Arc::new(SecVec::<u64, R>::new());
    for used_before in [false, true] {
        let w = Arc::clone(&v);
        thread::spawn(move || {
            let u = Arc::clone(&w);
            at_thread_exit(move || {
                let i = u.push(7);
                assert_eq!(u.get(i), Some(7));
                assert_eq!(u.set(i, 8), Ok(7));
                assert_eq!(u.to_vec().last(), Some(&8));
                assert_eq!(u.pop(), Some(8));
                u.push(9); // a last record, flushed at exit
            });
            if used_before {
                churn(&w, 3, 0);
            }
        })
        .join()
        .unwrap();
    }
    assert_eq!(v.to_vec(), [9, 9], "each exiting thread's last record is there");
    assert_identity(&v.stats().snapshot());
}
