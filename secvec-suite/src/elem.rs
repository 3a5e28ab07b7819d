//! The element types the allocator cross-check and the benchmarks store,
//! and what each owns on the heap, so that both compute leaked bytes the
//! same way.

/// The element types that tests and benchmarks store: `u64` (inline in
/// SecVec's slots) or a heap-owning string (in a cell per element).
pub trait TestElem: secvec_core::Element + Clone {
    /// Name in messages.
    const NAME: &'static str;
    /// Bytes each element owns on the heap besides itself (for the
    /// allocator cross-check of leaked elements).
    const HEAP_BYTES: u64;
    /// The element for workload value `v`.
    fn make(v: u64) -> Self;
    /// A number read from the element (so that reading it is not optimized
    /// away).
    fn key(&self) -> u64;
}

impl TestElem for u64 {
    const NAME: &'static str = "u64";
    const HEAP_BYTES: u64 = 0;
    #[inline]
    fn make(v: u64) -> Self {
        v
    }
    #[inline]
    fn key(&self) -> u64 {
        *self
    }
}

/// The heap element of the `*-string` workloads: a `String` of 24 bytes
/// (one allocation of 24 bytes, the `String` itself 24 bytes).
pub type Str24 = String;

impl TestElem for Str24 {
    const NAME: &'static str = "string";
    const HEAP_BYTES: u64 = 24;
    #[inline]
    fn make(v: u64) -> Self {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(24);
        s.push_str("element:");
        for k in 0..16 {
            s.push(char::from(DIGITS[((v >> (60 - 4 * k)) & 15) as usize]));
        }
        s
    }
    #[inline]
    fn key(&self) -> u64 {
        u64::from(self.as_bytes()[23])
    }
}

/// The bytes that `s` (a final snapshot of a dropped vector whose elements
/// own `heap_bytes` each, [`TestElem::HEAP_BYTES`]) says were never freed:
/// descriptors and batch payloads, and removed elements (their cells and
/// what they own); `None` while not final.
#[cfg(feature = "accounting")]
pub fn leaked_bytes(s: &secvec_core::Snapshot, heap_bytes: u64) -> Option<u64> {
    let cells = match s.cells {
        Some(c) => c.leaked()? * (c.cell_bytes + heap_bytes),
        None => 0,
    };
    Some(s.leaked_bytes()? + cells)
}
