//! Elimination of concurrent `push`/`pop` pairs (after Hendler, Shavit and
//! Yerushalmi, "A scalable lock-free stack algorithm", SPAA 2004).
//!
//! Every write to the vector swings one pointer, `current`, so under
//! contention most attempts fail and retry. A `push` and a `pop` that run at
//! the same time can instead cancel out: the pusher hands its value to the
//! popper through an exchange board, and neither touches `current`.
//!
//! # Protocol
//!
//! The board is one 16-byte word `(value, seq << 2 | tag)`, tag one of
//! `EMPTY`, `OFFER`, `TAKEN`, changed only by compare-and-swap.
//!
//! * A pusher whose CAS on `current` failed protects `current` again, reads
//!   its state `S` (sequence number `s`, length `L < max_len`) and offers:
//!   `EMPTY -> OFFER(v, s)`. It then watches the board for a short while. If
//!   a popper took the offer (`TAKEN(s)`), it resets the board to `EMPTY` and
//!   returns `L`. Otherwise it withdraws with `OFFER(v, s) -> EMPTY`; if that
//!   CAS fails, the offer was taken meanwhile, and it completes as above.
//! * A popper, on every attempt, after protecting `current` and reading its
//!   state `S'` with sequence number `s'`, looks at the board, and if it holds
//!   `OFFER(v, s')` (the same `s'`) takes it: `OFFER(v, s') -> TAKEN(s')`,
//!   and returns `v`.
//!
//! Only the pusher that made an offer resets the board, so an offer is taken
//! at most once and a taken offer is never withdrawn.
//!
//! # Why this is linearizable
//!
//! Sequence numbers identify descriptors (one per installed descriptor) and
//! the sequence number of `current` never decreases. The pusher saw
//! `current` at sequence `s` at some time `tp` in its call, the popper at
//! some time `tq` in its call; since the value at both instants is `s`, it is
//! `s` throughout `[min(tp, tq), max(tp, tq)]`. At `t = max(tp, tq)` both
//! calls are running: the pusher offered after `tp` and returns only after
//! the take, the popper took after the offer, which follows `tp`, and after
//! `tq`. So the pair takes effect at `t`, push first: `push(v)` appends at
//! index `L` (the length of descriptor `s`, below `max_len`), and `pop`
//! removes that same element and returns `v`. The abstract state after the
//! pair is the state before it, so no board or descriptor needs to change,
//! and every other operation's linearization point is unaffected. Matching
//! on `s` is what makes the index `L` right: a popper that took an offer
//! made against an older descriptor would pair with a push whose index is
//! no longer the length (the `secvec_defect = "elimination"` build does
//! exactly that, and the loom suite catches it).

use crate::mem::lazy::Lazy;
use crate::raw::element::Encoded;
use crate::sync::{AtomicU128, Ordering, spin_wait};
use crossbeam_utils::CachePadded;

const EMPTY: u64 = 0;
const OFFER: u64 = 1;
const TAKEN: u64 = 2;

fn word(value: u64, seq: u64, tag: u64) -> u128 {
    (u128::from(seq << 2 | tag) << 64) | u128::from(value)
}

/// How many times a pusher looks at its offer before withdrawing it. Loom
/// explores every interleaving, so it gets one look.
///
/// Measured with the profile example (2 vCPU VM, medians of 5 runs of 2 M
/// operations, Mops/s, patience 0 (no elimination) / 16 / 128): push/pop
/// 2 threads epoch 18.2 / 20.6 / 19.7, hazard 7.8 / 8.5 / 8.9; 8 threads
/// epoch 11.7 / 12.8 / 12.2, hazard 7.6 / 7.9 / 8.1; read-heavy (where
/// most offers find no pop) 2 threads hazard 56.7 / 54.3 / 51.3, epoch
/// 76.1 / 77.0 / 80.4. 16 keeps most of the gain on push/pop and little of
/// the loss on read-heavy.
#[cfg(not(loom))]
const PATIENCE: u32 = 16;
#[cfg(loom)]
const PATIENCE: u32 = 1;

/// The exchange board of one vector, on its own cache line, allocated by
/// the first offer (a vector whose pushes never lose a CAS, or that is
/// never written, does not pay for it).
pub(crate) struct Exchanger {
    board: Lazy<Box<CachePadded<AtomicU128>>>,
}

impl Exchanger {
    pub(crate) fn new() -> Self {
        Exchanger { board: Lazy::new() }
    }

    /// Offers `value` to a popper that sees the descriptor with sequence
    /// number `seq`; true if a popper took it (the push is then done).
    ///
    /// Sequence numbers stay below 2^62: one per installed descriptor.
    pub(crate) fn offer(&self, value: Encoded, seq: u64) -> bool {
        let board =
            self.board.get_or_init(|| Box::new(CachePadded::new(AtomicU128::new(word(0, 0, EMPTY))))).0;
        let offer = word(value.0, seq, OFFER);
        // AcqRel/Acquire on the board: a taker's TAKEN must be seen before we
        // reuse the board, and our reset must precede the next offer.
        if board.compare_exchange(word(0, 0, EMPTY), offer, Ordering::AcqRel, Ordering::Relaxed).is_err() {
            return false; // another pusher is offering: go back to the CAS
        }
        let taken = word(value.0, seq, TAKEN);
        for _ in 0..PATIENCE {
            if board.load(Ordering::Acquire) == taken {
                reset(board, taken);
                return true;
            }
            spin_wait();
        }
        match board.compare_exchange(offer, word(0, 0, EMPTY), Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => false, // withdrawn
            Err(_) => {
                // Only a taker changes our offer, and only to TAKEN.
                reset(board, taken);
                true
            }
        }
    }

    /// Takes an offer made against the descriptor with sequence number
    /// `seq`, if there is one, and returns its value.
    #[inline]
    pub(crate) fn take(&self, seq: u64) -> Option<Encoded> {
        // No board yet: nobody ever offered.
        let board = self.board.get()?;
        let now = board.load(Ordering::Acquire);
        let (hi, value) = ((now >> 64) as u64, now as u64);
        if hi & 3 != OFFER || !matches_seq(hi >> 2, seq) {
            return None;
        }
        board.compare_exchange(now, word(value, hi >> 2, TAKEN), Ordering::AcqRel, Ordering::Relaxed).ok()?;
        Some(Encoded(value))
    }
}

/// Empties `board` after a popper took our offer `taken`.
fn reset(board: &AtomicU128, taken: u128) {
    let reset = board.compare_exchange(taken, word(0, 0, EMPTY), Ordering::AcqRel, Ordering::Relaxed);
    debug_assert!(reset.is_ok(), "only the offering pusher resets a taken offer");
}

/// Whether an offer made at `offered` may be taken by a popper that saw
/// `seen`.
#[cfg(not(secvec_defect = "elimination"))]
#[inline]
fn matches_seq(offered: u64, seen: u64) -> bool {
    offered == seen
}

/// Negative control, built only with `--cfg secvec_defect="elimination"`:
/// take any offer, whatever descriptor it was made against. The loom suite
/// must catch it.
#[cfg(secvec_defect = "elimination")]
fn matches_seq(_: u64, _: u64) -> bool {
    true
}
