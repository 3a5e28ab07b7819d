//! The birth era an object keeps for its reclaimer
//! (`Reclaimer::birth_era`): stored with the `birth-eras` feature; without
//! it nothing is stored (a zero-sized field) and the era reads as 0, "born
//! before everything".

/// A descriptor's or cell's birth era.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Birth(#[cfg(feature = "birth-eras")] u64);

impl Birth {
    /// Keeps `era` (or nothing, without the feature).
    #[inline]
    pub(crate) const fn new(era: u64) -> Birth {
        #[cfg(feature = "birth-eras")]
        return Birth(era);
        #[cfg(not(feature = "birth-eras"))]
        {
            let _ = era;
            Birth()
        }
    }

    /// The era kept (0 without the feature).
    #[inline]
    pub(crate) const fn era(self) -> u64 {
        #[cfg(feature = "birth-eras")]
        return self.0;
        #[cfg(not(feature = "birth-eras"))]
        0
    }
}
