//! The contenders: each SecVec backend, lock-based vectors, `boxcar::Vec`
//! and `crossbeam_queue::SegQueue`.

use crate::{Contender, Ops, REFRESH_EVERY, Rng, Target, TestElem, Workload, step, work_plain};
use secvec_core::{Pinned, SecVec};
use secvec_suite::backends::SuiteBackend;

/// A SecVec of `E` (`u64` unless said) on backend `R`.
pub struct SecVecContender<R: SuiteBackend, E: TestElem = u64>(pub SecVec<E, R>);

impl<R: SuiteBackend, E: TestElem> Contender for SecVecContender<R, E> {
    const NAME: &'static str = R::CONTENDER;
    const ELEMENT: &'static str = E::NAME;
    const OPS: Ops = Ops::ALL;
    const LEAKS: bool = !R::RECLAIMS;
    fn create() -> Self {
        SecVecContender(SecVec::new())
    }
    #[inline]
    fn push(&self, v: u64) {
        self.0.push(E::make(v));
    }
    #[inline]
    fn pop(&self) -> Option<u64> {
        self.0.pop().map(|e| e.key())
    }
    #[inline]
    fn get(&self, i: usize) -> Option<u64> {
        self.0.get(i).map(|e| e.key())
    }
    #[inline]
    fn set(&self, i: usize, v: u64) {
        let _ = self.0.set(i, E::make(v));
    }
    #[inline]
    fn extend(&self, values: &[u64]) {
        self.0.extend_from_iter(values.iter().map(|&v| E::make(v)));
    }
    #[inline]
    fn truncate(&self, len: usize) {
        self.0.truncate(len);
    }
    fn work(&self, workload: Workload, n: usize, rng: &mut Rng) {
        if !workload.pinned {
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

impl<R: SuiteBackend, E: TestElem> Target for Pinned<'_, E, R> {
    #[inline]
    fn push(&mut self, v: u64) {
        Pinned::push(self, E::make(v));
    }
    #[inline]
    fn pop(&mut self) -> Option<u64> {
        Pinned::pop(self).map(|e| e.key())
    }
    #[inline]
    fn get(&mut self, i: usize) -> Option<u64> {
        Pinned::get(self, i).map(|e| e.key())
    }
    #[inline]
    fn set(&mut self, i: usize, v: u64) {
        let _ = Pinned::set(self, i, E::make(v));
    }
    #[inline]
    fn extend(&mut self, values: &[u64]) {
        Pinned::extend_from_iter(self, values.iter().map(|&v| E::make(v)));
    }
    #[inline]
    fn truncate(&mut self, len: usize) {
        Pinned::truncate(self, len);
    }
}

/// Implements [`Contender`] for a lock around a `Vec<E>`; `$read` and
/// `$write` turn `&self.0` into a guard.
macro_rules! locked_vec {
    ($(#[$doc:meta])* $name:ident, $label:literal, $lock:ident, |$l:ident| $read:expr, $write:expr) => {
        $(#[$doc])*
        pub struct $name<E: TestElem = u64>(pub $lock<Vec<E>>);

        impl<E: TestElem> Contender for $name<E> {
            const NAME: &'static str = $label;
            const ELEMENT: &'static str = E::NAME;
            const OPS: Ops = Ops::PLAIN;
            fn create() -> Self {
                $name($lock::new(Vec::new()))
            }
            #[inline]
            fn push(&self, v: u64) {
                let e = E::make(v);
                let $l = &self.0;
                $write.push(e);
            }
            #[inline]
            fn pop(&self) -> Option<u64> {
                let $l = &self.0;
                let e = $write.pop();
                e.map(|e| e.key())
            }
            #[inline]
            fn get(&self, i: usize) -> Option<u64> {
                let $l = &self.0;
                // By value, as SecVec's `get`: a clone made under the lock.
                let e = $read.get(i).cloned();
                e.map(|e| e.key())
            }
            #[inline]
            fn set(&self, i: usize, v: u64) {
                let e = E::make(v);
                let $l = &self.0;
                let old = $write.get_mut(i).map(|x| std::mem::replace(x, e));
                drop(old);
            }
            #[inline]
            fn extend(&self, values: &[u64]) {
                let batch: Vec<E> = values.iter().map(|&v| E::make(v)).collect();
                let $l = &self.0;
                $write.extend(batch);
            }
            #[inline]
            fn truncate(&self, len: usize) {
                let $l = &self.0;
                let tail = {
                    let mut v = $write;
                    let at = len.min(v.len());
                    v.split_off(at)
                };
                drop(tail);
            }
        }
    };
}

use parking_lot::{Mutex as PlMutexT, RwLock as PlRwLockT};
use std::sync::{Mutex as StdMutexT, RwLock as StdRwLockT};

locked_vec!(
    /// `std::sync::Mutex<Vec<E>>`: the reference of every ratio.
    StdMutex, "std-mutex", StdMutexT, |l| l.lock().unwrap(), l.lock().unwrap()
);
locked_vec!(
    /// `std::sync::RwLock<Vec<E>>`.
    StdRwLock, "std-rwlock", StdRwLockT, |l| l.read().unwrap(), l.write().unwrap()
);
locked_vec!(
    /// `parking_lot::Mutex<Vec<E>>`.
    PlMutex, "pl-mutex", PlMutexT, |l| l.lock(), l.lock()
);
locked_vec!(
    /// `parking_lot::RwLock<Vec<E>>`.
    PlRwLock, "pl-rwlock", PlRwLockT, |l| l.read(), l.write()
);

/// `boxcar::Vec<E>`: lock-free append and get, no pop or set.
pub struct Boxcar<E: TestElem = u64>(pub boxcar::Vec<E>);

impl<E: TestElem> Contender for Boxcar<E> {
    const NAME: &'static str = "boxcar";
    const ELEMENT: &'static str = E::NAME;
    const OPS: Ops = Ops { push: true, get: true, ..Ops::NONE };
    fn create() -> Self {
        Boxcar(boxcar::Vec::new())
    }
    #[inline]
    fn push(&self, v: u64) {
        self.0.push(E::make(v));
    }
    fn pop(&self) -> Option<u64> {
        unreachable!("boxcar has no pop")
    }
    #[inline]
    fn get(&self, i: usize) -> Option<u64> {
        self.0.get(i).cloned().map(|e| e.key())
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
    const ELEMENT: &'static str = "u64";
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
/// selected by `SECVEC_BACKENDS` (all by default), then the baselines; each
/// with `u64` elements and with heap elements ([`Str24`](crate::Str24)),
/// except the queue (`u64` only). Callers skip the contenders that do not
/// run their workload ([`Contender::runs`]).
#[macro_export]
macro_rules! for_each_contender {
    ($f:ident ( $($arg:expr),* )) => {{
        $crate::for_each_contender!(@elem u64, $f($($arg),*));
        $crate::for_each_contender!(@elem $crate::Str24, $f($($arg),*));
        $f::<$crate::contenders::SegQueue>($($arg),*);
    }};
    (@elem $e:ty, $f:ident ( $($arg:expr),* )) => {{
        secvec_suite::for_each_backend!(|R| $f::<$crate::contenders::SecVecContender<R, $e>>($($arg),*));
        $f::<$crate::contenders::StdMutex<$e>>($($arg),*);
        $f::<$crate::contenders::StdRwLock<$e>>($($arg),*);
        $f::<$crate::contenders::PlMutex<$e>>($($arg),*);
        $f::<$crate::contenders::PlRwLock<$e>>($($arg),*);
        $f::<$crate::contenders::Boxcar<$e>>($($arg),*);
    }};
}
