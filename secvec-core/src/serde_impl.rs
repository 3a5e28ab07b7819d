//! `serde` support (feature `serde`): a vector serializes as a sequence,
//! like a `Vec`, and deserializes from one.
//!
//! Serializing takes one [`to_vec`](SecVec::to_vec) snapshot, so the
//! sequence is the vector's contents at one instant, whatever other
//! threads do meanwhile, and its length is known before the first element
//! is written: formats that are not self-describing (postcard, bincode)
//! need it up front. A snapshot clones the elements, hence `T: Clone`
//! (hazard pointers protect one element at a time, so borrowing them all
//! at once is not an option).
//!
//! Deserializing collects the elements, then appends them as one batch
//! ([`extend_from_iter`](SecVec::extend_from_iter)): one descriptor, not
//! one per element. The result is unbounded and in a domain of its own.

use crate::raw::element::Element;
use crate::reclaimer::Reclaimer;
use crate::vec::SecVec;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

impl<T: Element + Clone + Serialize, R: Reclaimer> Serialize for SecVec<T, R> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // `Vec`'s impl announces the exact length, then writes each element.
        #[cfg(not(secvec_defect = "serde_not_snapshot"))]
        let elements = self.to_vec();
        // Negative control, built only with `--cfg
        // secvec_defect="serde_not_snapshot"`: the elements read one by one
        // (`iter`), which the suite must catch mixing two states.
        #[cfg(secvec_defect = "serde_not_snapshot")]
        let elements: Vec<T> = self.iter().collect();
        elements.serialize(serializer)
    }
}

impl<'de, T: Element + Deserialize<'de>, R: Reclaimer> Deserialize<'de> for SecVec<T, R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(Self::from)
    }
}
