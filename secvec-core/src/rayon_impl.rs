//! `rayon` support (feature `rayon`).
//!
//! * `par_iter()` (through `IntoParallelIterator for &SecVec`) runs over
//!   one [`to_vec`](SecVec::to_vec) snapshot: the workers see the vector's
//!   contents at one instant and nothing written after; the items are
//!   clones, as with [`iter`](SecVec::iter).
//! * `par_extend` (`ParallelExtend`, also for `&SecVec`, so that other
//!   threads may write meanwhile) and `collect` (`FromParallelIterator`)
//!   append each worker's chunk of the parallel iterator as one batch
//!   ([`extend_from_iter`](SecVec::extend_from_iter)): within a chunk the
//!   elements are contiguous and appear at once, in order; chunks appear
//!   one after another, in no particular order, and other threads' writes
//!   may land between them. The whole is not one atomic step: a reader
//!   can see some chunks and not yet others. `collect` keeps no order
//!   between chunks either: sort afterwards if order matters.
//!
//! In a [`bounded`](SecVec::bounded) vector, a chunk that does not fit
//! panics (nothing of that chunk is appended; chunks appended before stay).

use crate::raw::element::Element;
use crate::reclaimer::Reclaimer;
use crate::vec::SecVec;
use rayon::iter::{FromParallelIterator, IntoParallelIterator, ParallelExtend, ParallelIterator};

impl<T: Element + Clone, R: Reclaimer> IntoParallelIterator for &SecVec<T, R> {
    type Item = T;
    type Iter = rayon::vec::IntoIter<T>;
    fn into_par_iter(self) -> Self::Iter {
        self.to_vec().into_par_iter()
    }
}

/// Through a shared reference, so that other threads may write to the
/// vector meanwhile: `(&v).par_extend(items)`.
impl<T: Element, R: Reclaimer> ParallelExtend<T> for &SecVec<T, R> {
    fn par_extend<I: IntoParallelIterator<Item = T>>(&mut self, par_iter: I) {
        let this: &SecVec<T, R> = self;
        par_iter
            .into_par_iter()
            .fold(Vec::new, |mut chunk, x| {
                chunk.push(x);
                chunk
            })
            .for_each(|chunk| {
                this.extend_from_iter(chunk);
            });
    }
}

impl<T: Element, R: Reclaimer> ParallelExtend<T> for SecVec<T, R> {
    fn par_extend<I: IntoParallelIterator<Item = T>>(&mut self, par_iter: I) {
        (&*self).par_extend(par_iter);
    }
}

impl<T: Element, R: Reclaimer> FromParallelIterator<T> for SecVec<T, R> {
    fn from_par_iter<I: IntoParallelIterator<Item = T>>(par_iter: I) -> Self {
        let mut v = Self::new();
        v.par_extend(par_iter);
        v
    }
}
