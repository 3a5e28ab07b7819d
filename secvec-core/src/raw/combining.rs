//! Combining of concurrent pushes (after Walulya and Tsigas, "Scalable
//! lock-free vector with combining", IPDPS 2017): a push that lost its CAS
//! on `current` announces its element on a board, and the next pusher to
//! install a descriptor carries it in its own, as a batch.
//!
//! # Protocol
//!
//! The board is [`SLOTS`] 16-byte words `(value, seq << 3 | tag)` on one
//! cache line, each changed only by compare-and-swap, with tags:
//!
//! * `EMPTY`; `RESERVED` (an announcer took the slot and is reading the
//!   state it announces against);
//! * `ANNOUNCED(v, a)`: element `v`, announced while the descriptor with
//!   sequence number `a` was current;
//! * `CLAIMED(v, s)`: a combiner building on the state with sequence
//!   number `s >= a` put `v` in its descriptor (sequence `s + 1`), whose
//!   batch names the claimed slots ([`BatchRef`](super::descriptor::BatchRef)'s
//!   mask);
//! * `CANCELLED(v, s)`: the announcer gave up on the claim at `s` without
//!   waiting for the combiner;
//! * `DONE(i, s)`: the descriptor `s + 1` that claimed it was installed,
//!   and `v` is at index `i`.
//!
//! The steps:
//!
//! 1. **Announce.** `EMPTY -> RESERVED`; then, if `current` still holds the
//!    descriptor the announcer protects (sequence `a`), `RESERVED ->
//!    ANNOUNCED(v, a)`. Reading `a` after taking the slot is what ties a
//!    slot's words to one announcement (see below).
//! 2. **Claim.** A pusher about to install a descriptor built on state `s`
//!    claims `ANNOUNCED(v, a) -> CLAIMED(v, s)` for `a <= s`, as many as fit
//!    below the vector's `max_len`, and installs one batch: its own element
//!    at index `size`, the claimed ones after it in slot order.
//! 3. **Release.** If its CAS on `current` fails, it turns each claim its
//!    batch names back, `CLAIMED(v, s) -> ANNOUNCED(v, s)` (it fails
//!    harmlessly if the announcer cancelled): announced against `s`, which
//!    was current after the announcement, so step 2's rule still holds.
//! 4. **Deliver.** Completing a descriptor with a mask (which every
//!    operation does to the current descriptor before installing the next,
//!    so it is helped like the slot writes, and happens before `s + 2` is
//!    installed) turns each of its slots from `CLAIMED(_, s)` or
//!    `CANCELLED(_, s)` into `DONE(start + 1 + k, s)`, `k` the slot's rank
//!    in the mask.
//! 5. **Wait or withdraw.** The announcer watches its slot for a bounded
//!    patience; on `DONE(i)` it resets the slot to `EMPTY` and returns `i`.
//!    Then it withdraws, never waiting for a combiner, which may be
//!    stalled: `ANNOUNCED -> EMPTY` and it pushes alone; or `CLAIMED(v, s)
//!    -> CANCELLED(v, s)`, after which it pushes alone with one rule:
//!    once it has completed a descriptor with sequence number above `s`, it
//!    looks at its slot. `DONE(i)`: the descriptor `s + 1` was the
//!    combiner's and carried `v` to `i` (delivered before anyone moved past
//!    `s + 1`); it returns `i`. Still `CANCELLED`: `s + 1` was someone
//!    else's, so the combiner's descriptor can never be installed; it resets
//!    the slot and goes on alone. Its own push installed at `s` itself means
//!    the same (it resets the slot after that CAS). While it waits for that
//!    answer it does not offer its element to the exchanger: the claim may
//!    still publish it.
//!
//! # Why this is linearizable and loses nothing
//!
//! A combined push takes effect at its combiner's CAS, which comes after
//! the announcement (the claim read it) and before the announcer returns
//! (on `DONE`, written after the CAS). Its index is the one the batch
//! writes, which the combiner chose from the state it installed on.
//!
//! Each element is published at most once: a claim rides only in a
//! descriptor built on the state it names, and only one descriptor is ever
//! installed on each state; an announcer pushes its element itself only
//! after withdrawing (no claim can follow), or after a cancel once it knows
//! the claiming descriptor cannot be installed.
//!
//! Delivery matches a slot by tag and sequence number only. That is enough
//! because a slot whose claim at `s` was installed holds that
//! announcement's words until the delivery: only the announcer resets it,
//! on `DONE` (after the delivery) or on finding `CANCELLED` once `current`
//! is past `s + 1` (which it is not, for an installed claim, until
//! delivered). A later announcement in the slot reads its `a` after taking
//! the slot, so `a >= s + 1` (the reset it read follows a load of `current`
//! at `s + 1` or later), and every claim of it names a state `>= a`: no
//! late helper of `s + 1` can mistake it for the one it delivers.
//!
//! A pusher may be a combiner on one attempt and not the next; its batch
//! names its claims, and a released claim can be claimed again.

use super::element::Encoded;
use crate::mem::lazy::Lazy;
use crate::sync::{AtomicU128, Ordering, spin_wait};

/// How many announcements the board holds (and one descriptor combines at
/// most): four 16-byte words, one cache line.
pub(crate) const SLOTS: usize = 4;

const EMPTY: u64 = 0;
const RESERVED: u64 = 1;
const ANNOUNCED: u64 = 2;
const CLAIMED: u64 = 3;
const CANCELLED: u64 = 4;
const DONE: u64 = 5;

fn word(value: u64, seq: u64, tag: u64) -> u128 {
    (u128::from(seq << 3 | tag) << 64) | u128::from(value)
}

/// `(value, seq, tag)` of a word.
fn parts(w: u128) -> (u64, u64, u64) {
    let hi = (w >> 64) as u64;
    (w as u64, hi >> 3, hi & 7)
}

/// Whether pushes combine at all: the `combining` feature, and always
/// under the checkers (loom, and the forced build below).
pub(crate) const ENABLED: bool = cfg!(any(feature = "combining", secvec_force_combining, loom));

/// Whether every push announces on its first attempt, not only after a
/// lost CAS: built only with `--cfg secvec_force_combining`, for the
/// checkers, which must see many combined pushes on few threads.
pub(crate) const FORCE_COMBINING: bool = cfg!(secvec_force_combining);

/// How many times an announcer looks at its slot before withdrawing. Loom
/// explores every interleaving, so it gets one look.
#[cfg(not(loom))]
const PATIENCE: u32 = 64;
#[cfg(loom)]
const PATIENCE: u32 = 1;

#[repr(align(64))]
struct Slots([AtomicU128; SLOTS]);

/// One vector's announcement board, allocated by the first announcement
/// (a vector whose pushes never lose a CAS does not pay for it: a combiner
/// then reads one null pointer).
pub(crate) struct Board {
    slots: Lazy<Box<Slots>>,
}

/// An announcement of the caller's: its slot and element.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Announced {
    slot: usize,
    value: u64,
}

/// How an announcement ended.
pub(crate) enum Outcome {
    /// A combiner's descriptor put the element at this index.
    Done(usize),
    /// Withdrawn before any claim: the element is the announcer's again.
    Withdrawn,
    /// Cancelled under a claim at this sequence number: the announcer
    /// pushes alone and asks [`Board::resolve`] once it has completed a
    /// descriptor with a higher one.
    Cancelled(Announced, u64),
}

/// The claims of one attempt: the board slots taken (a mask) and their
/// elements, in slot order.
pub(crate) struct Claims {
    pub(crate) mask: u32,
    pub(crate) values: [Encoded; SLOTS],
    pub(crate) len: usize,
}

impl Board {
    pub(crate) fn new() -> Self {
        Board { slots: Lazy::new() }
    }

    /// Whether anyone ever announced on this board (one load): a pusher
    /// looks for announcements only then.
    #[inline]
    pub(crate) fn in_use(&self) -> bool {
        self.slots.get().is_some()
    }

    fn slots(&self) -> &[AtomicU128; SLOTS] {
        &self.slots.get_or_init(|| Box::new(Slots(core::array::from_fn(|_| AtomicU128::new(0))))).0.0
    }

    /// Step 1, first half: takes a free slot, if there is one.
    pub(crate) fn reserve(&self) -> Option<usize> {
        let slots = self.slots();
        (0..SLOTS).find(|&k| {
            slots[k].load(Ordering::Acquire) == word(0, 0, EMPTY)
                && slots[k]
                    .compare_exchange(
                        word(0, 0, EMPTY),
                        word(0, 0, RESERVED),
                        Ordering::AcqRel,
                        Ordering::Relaxed,
                    )
                    .is_ok()
        })
    }

    /// Gives a reserved slot back without announcing.
    pub(crate) fn unreserve(&self, slot: usize) {
        self.set(slot, word(0, 0, RESERVED), word(0, 0, EMPTY));
    }

    /// Step 1, second half: announces `value` in the reserved `slot`,
    /// against the state with sequence number `at`, which the caller saw
    /// current after [`reserve`](Self::reserve) returned.
    pub(crate) fn announce(&self, slot: usize, value: Encoded, at: u64) -> Announced {
        self.set(slot, word(0, 0, RESERVED), word(value.0, at, ANNOUNCED));
        Announced { slot, value: value.0 }
    }

    /// Step 5: waits a bounded while for a combiner, then withdraws.
    pub(crate) fn wait(&self, a: Announced) -> Outcome {
        let slot = &self.slots()[a.slot];
        for _ in 0..PATIENCE {
            let (i, _, tag) = parts(slot.load(Ordering::Acquire));
            if tag == DONE {
                self.finish(a.slot);
                return Outcome::Done(i as usize);
            }
            spin_wait();
        }
        loop {
            let now = slot.load(Ordering::Acquire);
            let (v, seq, tag) = parts(now);
            debug_assert!(tag == DONE || v == a.value, "the slot holds our element until delivered");
            let next = match tag {
                ANNOUNCED => word(0, 0, EMPTY),
                CLAIMED => word(v, seq, CANCELLED),
                DONE => {
                    self.finish(a.slot);
                    return Outcome::Done(v as usize);
                }
                _ => unreachable!("an announcement is only changed to these by others"),
            };
            if slot.compare_exchange(now, next, Ordering::AcqRel, Ordering::Relaxed).is_ok() {
                return if tag == ANNOUNCED { Outcome::Withdrawn } else { Outcome::Cancelled(a, seq) };
            }
            // A claim, a release or a delivery came first: look again.
        }
    }

    /// Step 5, after a cancel under a claim at `s`, once the caller has
    /// completed a descriptor with a sequence number above `s`: the index
    /// the claim put the element at, or `None` if the claim was never
    /// installed (the element is the caller's again). Either way the slot
    /// is free again.
    pub(crate) fn resolve(&self, a: Announced) -> Option<usize> {
        let (i, _, tag) = parts(self.slots()[a.slot].load(Ordering::Acquire));
        debug_assert!(tag == DONE || tag == CANCELLED, "a cancelled slot ends delivered or cancelled");
        self.finish(a.slot);
        (tag == DONE).then_some(i as usize)
    }

    /// Step 5, after the caller's own push was installed while it had
    /// cancelled a claim at `s`: its descriptor was the one at `s + 1`, so
    /// the claim can never be installed; frees the slot.
    pub(crate) fn dismiss(&self, a: Announced) {
        debug_assert_eq!(parts(self.slots()[a.slot].load(Ordering::Acquire)).2, CANCELLED);
        self.finish(a.slot);
    }

    /// Frees the caller's slot, which holds its final word.
    fn finish(&self, slot: usize) {
        // Release: whoever takes the slot next reads the state after this
        // (step 1's argument). A plain store would do (nobody else changes
        // a final word); a CAS keeps the loom stand-in's one operation.
        let slot = &self.slots()[slot];
        let now = slot.load(Ordering::Acquire);
        self.set_word(slot, now, word(0, 0, EMPTY));
    }

    /// Step 2: claims announcements made at or before state `seq`, at most
    /// `room` of them; `None` if there was none to claim.
    pub(crate) fn claim(&self, seq: u64, room: usize) -> Option<Claims> {
        let slots = self.slots();
        let mut c = Claims { mask: 0, values: [Encoded(0); SLOTS], len: 0 };
        for (k, slot) in slots.iter().enumerate() {
            if c.len == room {
                break;
            }
            let now = slot.load(Ordering::Acquire);
            let (v, at, tag) = parts(now);
            if !claimable(tag, at, seq) {
                continue;
            }
            if slot.compare_exchange(now, word(v, seq, CLAIMED), Ordering::AcqRel, Ordering::Relaxed).is_ok()
            {
                c.mask |= 1 << k;
                c.values[c.len] = Encoded(v);
                c.len += 1;
            }
        }
        (c.len > 0).then_some(c)
    }

    /// Step 3: gives back the claims `mask` made on state `seq`, whose
    /// descriptor was not installed: `CLAIMED(v, seq) -> ANNOUNCED(v, seq)`.
    /// Announcing it against `seq` rather than its first state is as good:
    /// `seq` was current after the announcement, and no combiner on an
    /// older state can install anything any more.
    ///
    /// A `CLAIMED(_, seq)` word in a slot of `mask` is the caller's claim:
    /// no other can be made on that slot until this one is given back or
    /// cancelled (then the CAS fails, and the slot is the announcer's).
    #[cfg_attr(secvec_defect = "combine_keep_claim", allow(dead_code))]
    pub(crate) fn release(&self, mask: u32, seq: u64) {
        let slots = self.slots();
        for k in bits(mask) {
            let now = slots[k].load(Ordering::Acquire);
            let (v, s, tag) = parts(now);
            if tag == CLAIMED && s == seq {
                let _ = slots[k].compare_exchange(
                    now,
                    word(v, seq, ANNOUNCED),
                    Ordering::AcqRel,
                    Ordering::Relaxed,
                );
            }
        }
    }

    /// Step 4: delivers the claims of the descriptor with sequence number
    /// `seq + 1` (built on `seq`), whose batch names them by `mask` and put
    /// their elements from index `first` on, in slot order.
    #[cold]
    pub(crate) fn deliver(&self, mask: u32, first: usize, seq: u64) {
        let slots = self.slots();
        for (rank, k) in bits(mask).enumerate() {
            let now = slots[k].load(Ordering::Acquire);
            let (_, s, tag) = parts(now);
            if s == seq && (tag == CLAIMED || tag == CANCELLED) {
                // Fails if another helper delivered first.
                let _ = slots[k].compare_exchange(
                    now,
                    word((first + rank) as u64, seq, DONE),
                    Ordering::AcqRel,
                    Ordering::Relaxed,
                );
            }
        }
    }

    /// A change of the caller's own slot that nobody else may make.
    fn set(&self, slot: usize, from: u128, to: u128) {
        self.set_word(&self.slots()[slot], from, to);
    }

    fn set_word(&self, slot: &AtomicU128, from: u128, to: u128) {
        let done = slot.compare_exchange(from, to, Ordering::AcqRel, Ordering::Relaxed);
        debug_assert!(done.is_ok(), "only the announcer changes its reserved or final slot");
    }
}

/// Whether a combiner on state `seq` may claim a slot holding a word with
/// tag `tag` and sequence number `at`: an announcement made at or before
/// `seq`.
#[inline]
fn claimable(tag: u64, at: u64, seq: u64) -> bool {
    tag == ANNOUNCED && at <= seq
}

/// The positions of the set bits of `mask`, lowest first.
fn bits(mask: u32) -> impl Iterator<Item = usize> {
    (0..SLOTS).filter(move |&k| mask & (1 << k) != 0)
}
