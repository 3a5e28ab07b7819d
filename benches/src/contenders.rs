//! The contenders: each SecVec backend, lock-based vectors, `boxcar::Vec`
//! and `crossbeam_queue::SegQueue`.

use crate::{Contender, Ops, REFRESH_EVERY, Rng, Target, Workload, step, work_plain};
use secvec_core::{Pinned, SecVec};
use secvec_suite::backends::SuiteBackend;

/// A SecVec of `u64` on backend `R`.
pub struct Sv<R: SuiteBackend>(pub SecVec<u64, R>);

impl<R: SuiteBackend> Contender for Sv<R> {
    const NAME: &'static str = R::CONTENDER;
    const OPS: Ops = Ops::ALL;
    fn create() -> Self {
        Sv(SecVec::new())
    }
    #[inline]
    fn push(&self, v: u64) {
        self.0.push(v);
    }
    #[inline]
    fn pop(&self) -> Option<u64> {
        self.0.pop()
    }
    #[inline]
    fn get(&self, i: usize) -> Option<u64> {
        self.0.get(i)
    }
    #[inline]
    fn set(&self, i: usize, v: u64) {
        let _ = self.0.set(i, v);
    }
    fn work(&self, workload: Workload, n: usize, rng: &mut Rng) {
        if !workload.pinned() {
            return work_plain(self, workload, n, rng);
        }
        let mut h = self.0.pin();
        for k in 1..=n {
            step(&mut h, workload, rng);
            if k % REFRESH_EVERY == 0 {
                h.refresh();
            }
        }
    }
    #[cfg(feature = "accounting")]
    fn stats(&self) -> Option<secvec_core::Snapshot> {
        Some(self.0.stats().snapshot())
    }
}

impl<R: SuiteBackend> Target for Pinned<'_, u64, R> {
    #[inline]
    fn push(&mut self, v: u64) {
        Pinned::push(self, v);
    }
    #[inline]
    fn pop(&mut self) -> Option<u64> {
        Pinned::pop(self)
    }
    #[inline]
    fn get(&mut self, i: usize) -> Option<u64> {
        Pinned::get(self, i)
    }
    #[inline]
    fn set(&mut self, i: usize, v: u64) {
        let _ = Pinned::set(self, i, v);
    }
}

/// Implements [`Contender`] for a lock around a `Vec<u64>`; `$read` and
/// `$write` turn `&self.0` into a guard.
macro_rules! locked_vec {
    ($(#[$doc:meta])* $name:ident, $label:literal, $lock:ty, |$l:ident| $read:expr, $write:expr) => {
        $(#[$doc])*
        pub struct $name(pub $lock);

        impl Contender for $name {
            const NAME: &'static str = $label;
            const OPS: Ops = Ops::PLAIN;
            fn create() -> Self {
                $name(<$lock>::new(Vec::new()))
            }
            #[inline]
            fn push(&self, v: u64) {
                let $l = &self.0;
                $write.push(v);
            }
            #[inline]
            fn pop(&self) -> Option<u64> {
                let $l = &self.0;
                $write.pop()
            }
            #[inline]
            fn get(&self, i: usize) -> Option<u64> {
                let $l = &self.0;
                $read.get(i).copied()
            }
            #[inline]
            fn set(&self, i: usize, v: u64) {
                let $l = &self.0;
                if let Some(x) = $write.get_mut(i) {
                    *x = v;
                }
            }
        }
    };
}

locked_vec!(
    /// `std::sync::Mutex<Vec<u64>>`: the reference of every ratio.
    StdMutex, "std-mutex", std::sync::Mutex<Vec<u64>>, |l| l.lock().unwrap(), l.lock().unwrap()
);
locked_vec!(
    /// `std::sync::RwLock<Vec<u64>>`.
    StdRwLock, "std-rwlock", std::sync::RwLock<Vec<u64>>, |l| l.read().unwrap(), l.write().unwrap()
);
locked_vec!(
    /// `parking_lot::Mutex<Vec<u64>>`.
    PlMutex, "pl-mutex", parking_lot::Mutex<Vec<u64>>, |l| l.lock(), l.lock()
);
locked_vec!(
    /// `parking_lot::RwLock<Vec<u64>>`.
    PlRwLock, "pl-rwlock", parking_lot::RwLock<Vec<u64>>, |l| l.read(), l.write()
);

/// `boxcar::Vec<u64>`: lock-free append and get, no pop or set.
pub struct Boxcar(pub boxcar::Vec<u64>);

impl Contender for Boxcar {
    const NAME: &'static str = "boxcar";
    const OPS: Ops = Ops { push: true, get: true, ..Ops::NONE };
    fn create() -> Self {
        Boxcar(boxcar::Vec::new())
    }
    #[inline]
    fn push(&self, v: u64) {
        self.0.push(v);
    }
    fn pop(&self) -> Option<u64> {
        unreachable!("boxcar has no pop")
    }
    #[inline]
    fn get(&self, i: usize) -> Option<u64> {
        self.0.get(i).copied()
    }
    fn set(&self, _: usize, _: u64) {
        unreachable!("boxcar has no set")
    }
}

/// `crossbeam_queue::SegQueue<u64>`: a lock-free queue, for push/pop
/// throughput only (it pops from the front).
pub struct SegQueue(pub crossbeam_queue::SegQueue<u64>);

impl Contender for SegQueue {
    const NAME: &'static str = "segqueue";
    const OPS: Ops = Ops { push: true, pop: true, ..Ops::NONE };
    fn create() -> Self {
        SegQueue(crossbeam_queue::SegQueue::new())
    }
    #[inline]
    fn push(&self, v: u64) {
        self.0.push(v);
    }
    #[inline]
    fn pop(&self) -> Option<u64> {
        self.0.pop()
    }
    fn get(&self, _: usize) -> Option<u64> {
        unreachable!("a queue has no get")
    }
    fn set(&self, _: usize, _: u64) {
        unreachable!("a queue has no set")
    }
}

/// Calls `$f::<C>()` for every contender, in report order: the backends
/// selected by `SECVEC_BACKENDS` (all by default), then the baselines.
#[macro_export]
macro_rules! for_each_contender {
    ($f:ident ( $($arg:expr),* )) => {{
        secvec_suite::for_each_backend!(|R| $f::<$crate::contenders::Sv<R>>($($arg),*));
        $f::<$crate::contenders::StdMutex>($($arg),*);
        $f::<$crate::contenders::StdRwLock>($($arg),*);
        $f::<$crate::contenders::PlMutex>($($arg),*);
        $f::<$crate::contenders::PlRwLock>($($arg),*);
        $f::<$crate::contenders::Boxcar>($($arg),*);
        $f::<$crate::contenders::SegQueue>($($arg),*);
    }};
}
