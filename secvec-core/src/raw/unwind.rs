//! Where unwinding stops.
//!
//! User code (an element's `Clone` or `Drop`, an iterator) may panic, and a
//! panic's payload is user code too: its own `Drop` may panic again. The
//! vector never lets such a second panic escape from a place where its
//! bookkeeping is half done: [`drop_payload`] catches it and drops the
//! second payload the same way, and so on until a payload drops without
//! panicking. (std aborts the process when a payload's destructor panics
//! at the top of a thread; here nothing is aborted and nothing leaked.)
//!
//! A reclaimer's `retire` must not unwind at all (`Reclaimer` safety 7):
//! it runs after the CAS that published an operation and before the
//! bookkeeping that depends on it. The core checks that with
//! [`no_unwind`], which turns a violation into an abort with a message
//! instead of undefined behaviour.

use core::any::Any;

/// A panic caught from user code.
pub(crate) type Payload = Box<dyn Any + Send>;

/// Drops a caught panic payload without letting its destructor unwind: if
/// that destructor panics, the new payload is dropped the same way, until
/// one drops quietly. (A chain of payloads that never ends is a destructor
/// that never returns: user code's choice, as an endless `Drop` is.)
pub(crate) fn drop_payload(payload: Payload) {
    // Negative control, built only with `--cfg
    // secvec_defect="payload_drop_unwinds"`: the payload is dropped where
    // it was caught, as before this module existed; a payload whose
    // destructor panics then unwinds out of the reclaimer (hazard's
    // inline reclamation) or out of `SecVec::drop`. The hostile programs
    // must catch it.
    #[cfg(secvec_defect = "payload_drop_unwinds")]
    drop(payload);
    #[cfg(not(secvec_defect = "payload_drop_unwinds"))]
    {
        let mut payload = payload;
        while let Err(next) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(payload))) {
            payload = next;
        }
    }
}

/// Runs `f`, which must not unwind; if it does, prints `what` and aborts
/// the process (unwinding on would break an invariant that memory safety
/// depends on). Costs nothing when `f` returns.
#[inline(always)]
pub(crate) fn no_unwind<O>(what: &'static str, f: impl FnOnce() -> O) -> O {
    struct Abort(&'static str);
    impl Drop for Abort {
        #[cold]
        fn drop(&mut self) {
            use std::io::Write as _;
            // Straight to the stream: a test harness's capture of
            // `eprintln!` would be lost with the process.
            let _ = writeln!(
                std::io::stderr(),
                "SecVec: {} unwound; aborting (memory safety depends on it not unwinding)",
                self.0
            );
            std::process::abort();
        }
    }
    let bomb = Abort(what);
    let out = f();
    core::mem::forget(bomb);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    static DROPS: AtomicUsize = AtomicUsize::new(0);

    /// A payload whose destructor panics with another payload like it.
    struct Nasty(usize);

    impl Drop for Nasty {
        fn drop(&mut self) {
            DROPS.fetch_add(1, Relaxed);
            if self.0 > 0 {
                std::panic::panic_any(Nasty(self.0 - 1));
            }
        }
    }

    #[test]
    fn a_payload_whose_drop_panics_does_not_unwind() {
        let before = DROPS.load(Relaxed);
        drop_payload(Box::new(Nasty(3)));
        // Each destructor ran once and panicked with the next payload, down
        // to `Nasty(0)`, which dropped quietly.
        assert_eq!(DROPS.load(Relaxed) - before, 4);
    }

    #[test]
    fn no_unwind_returns_what_it_ran() {
        assert_eq!(no_unwind("nothing", || 42), 42);
    }
}
