//! The no-reclamation baseline's arena: blocks from a scope come from the
//! region, aligned and disjoint; blocks outside one do not; a used-up
//! region falls back to the wrapped allocator and says so; a reset makes
//! the region available again.

use secvec_benches::arena::{self, Pretouched, Scope};
use std::alloc::System;

#[global_allocator]
static ALLOC: Pretouched = Pretouched::SYSTEM;

const REGION: usize = 4 << 20;

/// One test: the region is reserved once per process.
#[test]
fn the_arena_hands_out_disjoint_aligned_blocks_falls_back_and_resets() {
    assert_eq!(arena::reserve(&System, REGION), REGION);
    let outside = Box::new(1u64);
    assert!(!arena::in_region(&*outside as *const u64 as *const u8), "no scope, no arena");

    let scope = Scope::enter();
    // Mixed sizes and alignments, like descriptors (64-byte aligned),
    // cells and strings.
    #[repr(align(64))]
    struct Line([u64; 8]);
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    let (mut lines, mut smalls, mut texts) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..1000u64 {
        let line = Box::new(Line([i; 8]));
        let small = Box::new(i);
        let text = format!("{i:024}");
        for (p, size, align) in [
            (&*line as *const Line as usize, 64, 64),
            (&*small as *const u64 as usize, 8, 8),
            (text.as_ptr() as usize, text.capacity(), 1),
        ] {
            assert!(arena::in_region(p as *const u8), "block {i} is from the region");
            assert_eq!(p % align, 0, "block {i} is aligned to {align}");
            blocks.push((p, size));
        }
        lines.push(line);
        smalls.push(small);
        texts.push(text);
    }
    blocks.sort();
    for w in blocks.windows(2) {
        assert!(w[0].0 + w[0].1 <= w[1].0, "blocks {:x?} and {:x?} overlap", w[0], w[1]);
    }
    // The contents survive the other allocations (nothing was handed out twice).
    for (i, ((line, small), text)) in lines.iter().zip(&smalls).zip(&texts).enumerate() {
        let i = i as u64;
        assert!(line.0.iter().all(|&x| x == i) && **small == i && *text == format!("{i:024}"));
    }
    drop((lines, smalls, texts));

    // More than the region holds: the rest comes from the system, counted.
    let before = arena::overflows();
    let big: Vec<Vec<u8>> = (0..8).map(|_| vec![1u8; 1 << 20]).collect();
    assert!(arena::overflows() > before, "a used-up region is reported");
    assert!(big.iter().any(|v| !arena::in_region(v.as_ptr())), "and falls back to the system allocator");
    assert!(big.iter().all(|v| v.iter().all(|&b| b == 1)));
    drop(big);
    drop(scope);

    // SAFETY: no thread is in a scope (the only one ended above: point 1),
    // and every block of the region was dropped (point 2).
    unsafe { arena::reset() };
    let _scope = Scope::enter();
    let again = Box::new(7u64);
    assert!(arena::in_region(&*again as *const u64 as *const u8), "a reset region is used again");
}
