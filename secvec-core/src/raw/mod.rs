//! The engine: one vector's state and the descriptor protocol, for every
//! element type and reclaimer. [`crate::algorithm`] states the protocol and
//! argues why it is correct; this module implements it.
//!
//! * `mod.rs`: [`RawVec`], its state, and the protocol itself (protect,
//!   complete, install with one CAS, retire), once for every operation;
//! * [`ops`]: the operations, each run through a reclaimer guard that the
//!   caller supplies (the public types give each call its own guard, or a
//!   handle's);
//! * [`descriptor`], [`buckets`], [`element`]: what the state is made of
//!   (descriptors, versioned slots, elements inline or in cells);
//! * [`elimination`]: the exchanger that pairs a push with a pop;
//! * [`unwind`]: where unwinding of user code stops.
//!
//! Nothing here calls the public types; they call this.

pub(crate) mod birth;
pub(crate) mod buckets;
pub(crate) mod combining;
pub(crate) mod descriptor;
pub(crate) mod element;
pub(crate) mod elimination;
pub(crate) mod ops;
pub(crate) mod unwind;

use crate::mem::counters::Event;
use crate::mem::home::Home;
use crate::mem::lazy::Lazy;
#[cfg(feature = "accounting")]
use crate::mem::stats::Stats;
use crate::reclaimer::Reclaimer;
use crate::sync::{AtomicPtr, Ordering};
use buckets::{ADDRESSABLE_LEN, Buckets, Slot, SlotWord};
use combining::{Board, Claims, SLOTS};
use crossbeam_utils::Backoff;
use descriptor::{BatchRef, Descriptor, PendingWrite, State, Writes};
use element::{Cell, Element, Encoded, drop_owned, is_inline};
use elimination::Exchanger;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::sync::Arc;
use unwind::{Payload, drop_payload, no_unwind};

/// One vector's state: the engine behind [`SecVec`](crate::SecVec), which
/// holds one and gives each of its operations a guard.
pub(crate) struct RawVec<T: Element, R: Reclaimer> {
    /// The only word every write swings, on a 64-byte line of its own, so
    /// that writers do not take the read-mostly fields below away from
    /// other threads (a vector is 128 bytes, not 256 as with a 128-byte
    /// `CachePadded`). Starts at the shared empty state, which allocates
    /// nothing (`Descriptor::empty_state`).
    current: Line<AtomicPtr<Descriptor>>,
    buckets: Buckets,
    exchanger: Exchanger,
    /// Where pushes that lost a CAS announce their elements for another
    /// push to carry (`combining.rs`).
    board: Board,
    max_len: usize,
    /// The vector's own domain (the only handle on it), or a clone of a
    /// shared one; behind an `Arc` either way, so that reaching it costs one
    /// load and no branch. Dropped in `Drop::drop`, before `home` is given
    /// up.
    domain: ManuallyDrop<Arc<R::Domain>>,
    /// Every descriptor and cell points here: behind a pointer for a stable
    /// address (an `Arc`, not a `Box`, whose uniqueness moving the vector
    /// would assert, invalidating the descriptors' pointers), allocated by
    /// the first write (or `stats`), given up in `Drop::drop` after an own
    /// domain is dropped (`mem/home.rs` says why that, or its pending count,
    /// keeps it alive long enough).
    home: Lazy<Arc<Home<Descriptor>>>,
    /// Whether the home must count its pending shares (`mem/home.rs`): the
    /// vector is in a shared domain of a reclaimer that frees.
    counted: bool,
    /// The vector owns `T`s (for drop check) and is `Send`/`Sync` exactly
    /// when its reclaimer and elements are.
    _marker: PhantomData<(T, R)>,
}

/// What [`no_unwind`] names if a reclaimer's `retire` unwinds.
const RETIRE: &str = "a reclaimer's `retire`";

/// A value on a 64-byte cache line of its own.
#[repr(align(64))]
struct Line<T>(T);

impl<T> core::ops::Deref for Line<T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.0
    }
}

/// What one attempt of an operation decided, given the current state.
pub(crate) enum Step<'a, O> {
    /// Nothing to install: the operation is over.
    Done(O),
    /// Install a descriptor with this length and writes, then return `out`.
    Install { size: usize, write: Write<'a>, out: O },
}

/// The slot writes an attempt asks its descriptor to announce.
pub(crate) enum Write<'a> {
    None,
    One(PendingWrite),
    /// A push's one write, which may carry announced pushes along as a
    /// batch (`combining.rs`).
    Push(PendingWrite),
    /// `news[k]` to index `start + k`, each slot's old word read when the
    /// descriptor is built; `combined` names the announcement board slots
    /// whose elements follow the first (0 for an `extend`).
    Batch {
        start: usize,
        news: &'a [Encoded],
        combined: u32,
    },
}

/// What a pop removed: the slot value of an element that was in the vector
/// (readers may still reach it), or of one a concurrent push handed over
/// by elimination (nobody else ever saw it).
pub(crate) enum Removed {
    Published(Encoded),
    Eliminated(Encoded),
}

impl<T: Element, R: Reclaimer> RawVec<T, R> {
    /// An empty vector in `domain` that refuses to grow beyond `max_len`
    /// (clamped to what the buckets can address): its own domain (the only
    /// handle on it), or one shared with other vectors (`shared`).
    pub(crate) fn new(max_len: usize, domain: Arc<R::Domain>, shared: bool) -> Self {
        RawVec {
            current: Line(AtomicPtr::new(Descriptor::empty_state())),
            buckets: Buckets::new(),
            exchanger: Exchanger::new(),
            board: Board::new(),
            max_len: max_len.min(ADDRESSABLE_LEN),
            domain: ManuallyDrop::new(domain),
            home: Lazy::new(),
            // A shared domain of a reclaimer that never frees needs no
            // count: nothing retired will ever reach the home (Reclaimer
            // safety 6).
            counted: shared && R::RECLAIMS,
            _marker: PhantomData,
        }
    }

    /// The vector's home block, allocated by the first call.
    #[inline]
    pub(crate) fn home(&self) -> &Home<Descriptor> {
        self.home.get_or_init(|| Arc::new(self.new_home())).0
    }

    fn new_home(&self) -> Home<Descriptor> {
        let cell_bytes = (!is_inline::<T>()).then_some(core::mem::size_of::<Cell<T>>());
        Home::new(cell_bytes, self.counted)
    }

    /// The vector's reclamation domain, its own or a shared one.
    #[inline]
    fn domain(&self) -> &R::Domain {
        &self.domain
    }

    /// The birth era of a descriptor or cell made now
    /// (`Reclaimer::birth_era`).
    #[inline]
    pub(crate) fn birth_era(&self) -> u64 {
        R::birth_era(self.domain())
    }

    /// The largest length this vector accepts.
    #[inline]
    pub(crate) fn max_len(&self) -> usize {
        self.max_len
    }

    /// A handle on the vector's accounting that outlives it.
    #[cfg(feature = "accounting")]
    pub(crate) fn stats(&self) -> Stats {
        Home::stats(&self.home.clone_or_init(|| Arc::new(self.new_home())))
    }

    /// Runs one operation `f` with a fresh guard for it.
    #[inline]
    pub(crate) fn with_guard<O>(&self, f: impl FnOnce(&mut R::Guard<'_>) -> O) -> O {
        // SAFETY: guard 1: the guard is a local of this frame, dropped when
        // `f` returns; `f` is one of this vector's operations, which use it
        // and keep nothing of it.
        let mut guard = unsafe { R::guard(self.domain()) };
        f(&mut guard)
    }

    /// A guard that may be kept (`Reclaimer::pin`), for handles.
    pub(crate) fn pin_guard(&self) -> R::Guard<'_> {
        R::pin(self.domain())
    }

    /// The slot of index `i`.
    ///
    /// # Safety
    ///
    /// 1. `i` is below the `size` of a descriptor that the caller loaded
    ///    from `current` (with Acquire, as `protect` does), or is the write
    ///    index of one.
    #[inline]
    pub(crate) unsafe fn slot(&self, i: usize) -> &Slot {
        // SAFETY: the bucket of an index below a published size (or of a
        // published write index) was installed by the pusher before it
        // published its descriptor with a Release CAS, which our Acquire
        // load of that descriptor synchronizes with (buckets slot safety 1).
        unsafe { self.buckets.slot(i) }
    }

    /// Protects the current descriptor and copies its state, without
    /// helping. Also returns the protected pointer, for a later CAS or
    /// validation.
    #[inline]
    fn protect_state(&self, guard: &mut R::Guard<'_>) -> (*mut Descriptor, State) {
        let cur = R::protect(guard, &self.current);
        // SAFETY: `current` is never null (set non-null at construction and
        // only ever swapped to a freshly allocated descriptor); `cur` is
        // protected by `guard` (Reclaimer safety 1) and published
        // descriptors are never written, so reading it is sound.
        (cur, unsafe { (*cur).state })
    }

    /// Protects and copies the current state, without helping.
    #[inline]
    fn load_state(&self, guard: &mut R::Guard<'_>) -> State {
        self.protect_state(guard).1
    }

    /// Performs the writes announced by a descriptor with state `s`,
    /// unless they are done already. Idempotent, and harmless however late
    /// it runs. A batch's state must come from a descriptor that is still
    /// protected (or ours): its writes live in the descriptor.
    ///
    /// Always inlined, with the batch case out of line: every operation
    /// runs this, and only batches need the loop (measured: out of line,
    /// it cost one-thread push/pop 18% more instructions).
    #[inline(always)]
    fn complete(&self, s: &State) {
        match s.writes {
            Writes::None => {}
            Writes::One(w) => self.complete_one(&w, s.seq),
            Writes::Many(b) => self.complete_batch(&b, s.seq),
        }
    }

    /// [`complete`](Self::complete) for a batch.
    #[cold]
    #[inline(never)]
    fn complete_batch(&self, b: &BatchRef, seq: u64) {
        // Before the shortcut below: the batch's writes may be done while
        // its announcers have not been told (combining.rs, step 4).
        if b.combined != 0 {
            self.board.deliver(b.combined, b.start + 1, seq - 1);
        }
        // Helpers write in index order, so once the last slot is done,
        // every earlier one is: one load when all is done.
        // SAFETY: `b.len > 0` (empty batches install nothing) and the
        // descriptor is protected (see `complete`).
        let last = unsafe { b.write(b.len - 1) };
        // SAFETY: a write index of a published descriptor.
        if unsafe { self.slot(last.index) }.load().version >= seq {
            return;
        }
        // SAFETY: write indices of a published descriptor (slot 1).
        let slots = unsafe { self.buckets.slots(b.start, b.len) };
        for (k, slot) in slots.enumerate() {
            // SAFETY: as above, `k < len`.
            let w = unsafe { b.write(k) };
            // Straight to the CAS (most of a batch is pending when anyone
            // gets here): it fails, harmlessly, when the slot has moved
            // past `old`, which it never returns to.
            let _ = slot.compare_exchange(w.old, SlotWord { value: w.new, version: seq });
        }
    }

    /// Performs one write `w` of the descriptor with sequence number `seq`.
    #[inline]
    fn complete_one(&self, w: &PendingWrite, seq: u64) {
        // SAFETY: `w.index` is a write index of a published descriptor we
        // loaded (or built and published ourselves): slot safety 1.
        complete_in(unsafe { self.slot(w.index) }, w, seq);
    }

    /// Runs one operation: protect, help, decide, install; retry on
    /// contention. `step` sees the state after its write is complete.
    ///
    /// `eliminate` gets the same state first, the protected descriptor it
    /// came from, and whether an earlier attempt lost its CAS; if it
    /// returns `Some`, the operation completed another way instead (through
    /// the exchanger, see `elimination.rs`, or carried by another push, see
    /// `combining.rs`).
    #[inline]
    pub(crate) fn transact<'a, O>(
        &self,
        guard: &mut R::Guard<'_>,
        mut step: impl FnMut(&State) -> Step<'a, O>,
        mut eliminate: impl FnMut(&State, *mut Descriptor, bool) -> Option<O>,
    ) -> O {
        let backoff = Backoff::new();
        // Our descriptor, allocated on the first attempt that needs one and
        // reused (it is unpublished) by later attempts.
        let mut spare: *mut Descriptor = core::ptr::null_mut();
        loop {
            let (cur, state) = self.protect_state(guard);
            self.complete(&state);
            // `spare` is non-null exactly when an attempt lost its CAS.
            if let Some(out) = eliminate(&state, cur, !spare.is_null()) {
                self.free_unpublished(spare);
                return out;
            }
            let (size, write, out) = match step(&state) {
                Step::Done(out) => {
                    self.free_unpublished(spare);
                    return out;
                }
                Step::Install { size, write, out } => (size, write, out),
            };
            // A push carries the announced pushes that fit (combining.rs,
            // step 2): one batch, its own element first. Nothing but one
            // load when nobody ever announced.
            let combined = match write {
                Write::Push(w) if combining::ENABLED && self.board.in_use() => {
                    self.build_combined(spare, w, size, state.seq)
                }
                _ => core::ptr::null_mut(),
            };
            let (next, next_state) = if combined.is_null() {
                self.build(spare, size, state.seq, write)
            } else {
                // SAFETY: ours and unpublished: nobody else accesses it.
                (combined, unsafe { (*combined).state })
            };
            match self.current.compare_exchange(cur, next, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => {
                    match next_state.writes {
                        // A batch's writes live in `next`, which another
                        // thread may already have replaced and retired: help
                        // whatever is current instead. It is `next` (then
                        // this completes our batch) or a successor, whose
                        // installer completed our batch first (I1).
                        Writes::Many(_) => {
                            let (_, now) = self.protect_state(guard);
                            self.complete(&now);
                        }
                        // From our local copy: `next` may already be retired.
                        _ => self.complete(&next_state),
                    }
                    if Descriptor::is_empty_state(cur) {
                        // The shared static of a new vector: nothing to
                        // retire.
                        return out;
                    }
                    let home = self.home();
                    home.count(Event::Retired);
                    // Its reclaim gives the home this share back.
                    home.add_pending();
                    // SAFETY: 1. `cur` came from `Descriptor::alloc` (it is
                    // not the empty state, checked above) and is
                    // not freed: our guard protects it. 2. Our CAS unlinked
                    // it; a descriptor is installed once, and its memory can
                    // be installed again (as a new descriptor, from the
                    // pool) only after the reclaimer freed it, so no
                    // `protect` from now on returns it as this one. 3. Only
                    // the thread whose CAS replaced it retires it, once, into
                    // this vector's domain. 4. `guard` is of `self.domain`.
                    // It must not unwind (Reclaimer safety 7): the caller's
                    // bookkeeping for the operation just published (a
                    // push marking its element published) comes after.
                    unsafe { no_unwind(RETIRE, || R::retire(self.domain(), guard, cur)) };
                    return out;
                }
                Err(_) => {
                    match next_state.writes {
                        // Step 3: this descriptor will never be installed.
                        Writes::Many(b) if b.combined != 0 => {
                            release_claims(&self.board, b.combined, state.seq)
                        }
                        _ => {}
                    }
                    spare = next;
                    backoff.spin();
                }
            }
        }
    }

    /// Our descriptor for the next attempt: `spare` (an earlier attempt's,
    /// unpublished) or a new one, with the state of length `size` after
    /// the one with sequence number `seq`, announcing `write`.
    #[inline(always)]
    fn build(
        &self,
        spare: *mut Descriptor,
        size: usize,
        seq: u64,
        write: Write<'_>,
    ) -> (*mut Descriptor, State) {
        let mut next_state = State {
            size,
            seq: seq + 1,
            writes: match write {
                Write::None | Write::Batch { .. } => Writes::None,
                Write::One(w) | Write::Push(w) => Writes::One(w),
            },
        };
        let next = if spare.is_null() {
            Descriptor::alloc(next_state, self.home(), self.birth_era())
        } else {
            // A batch's payload (if any) stays for a batch: the state
            // keeps naming it until `set_batch` below replaces the
            // reference.
            if !matches!(write, Write::Batch { .. }) {
                // SAFETY: `spare` is our own allocation, never published
                // (its CAS failed), so we have exclusive access
                // (set_single 1), and `next_state` has no batch (2).
                unsafe {
                    // A batch payload is left only by a combined attempt:
                    // out of line (as a call on every retry, it cost epoch
                    // pushes at eight threads on two cores 10-17%).
                    if matches!((*spare).state.writes, Writes::Many(_)) {
                        Descriptor::set_single(spare, next_state);
                    } else {
                        (*spare).state = next_state;
                    }
                }
            }
            spare
        };
        if let Write::Batch { start, news, combined } = write {
            // SAFETY: `next` is ours and unpublished (set_batch 1), and
            // its state gets the reference right below (2); the slots
            // `start..` were allocated by the step (or `build_combined`)
            // before it asked for them, on this thread (slot safety 1).
            next_state.writes = Writes::Many(unsafe {
                let olds = self.buckets.slots(start, news.len()).map(Slot::load);
                Descriptor::set_batch(next, start, news, combined, olds)
            });
            // SAFETY: as above: ours, unpublished.
            unsafe { (*next).state = next_state };
        }
        (next, next_state)
    }

    /// [`build`](Self::build) for a push's write `w` (`size` the length
    /// after it) that carries the announcements it claims on state `seq`
    /// (combining.rs, step 2): null if there were none, or no slots for
    /// them (the claims are given back, and the push goes alone).
    #[cold]
    #[inline(never)]
    fn build_combined(
        &self,
        spare: *mut Descriptor,
        w: PendingWrite,
        size: usize,
        seq: u64,
    ) -> *mut Descriptor {
        let Some(c) = self.claims_for(spare, seq, self.max_len - size) else {
            return core::ptr::null_mut();
        };
        let (bytes, allocated) = self.buckets.ensure(size + c.len);
        self.home().add_bucket_bytes(bytes);
        if allocated.is_err() {
            release_claims(&self.board, c.mask, seq);
            return core::ptr::null_mut();
        }
        let mut news = [w.new; SLOTS + 1];
        news[1..=c.len].copy_from_slice(&c.values[..c.len]);
        let n = carried(&c);
        self.build(spare, size + n, seq, Write::Batch { start: w.index, news: &news[..=n], combined: c.mask })
            .0
    }

    /// The announcements a push on state `seq` carries: those it claims
    /// now (at most `room`).
    #[cfg(not(secvec_defect = "combine_keep_claim"))]
    fn claims_for(&self, _spare: *mut Descriptor, seq: u64, room: usize) -> Option<Claims> {
        self.board.claim(seq, room)
    }

    /// Negative control, built only with `--cfg
    /// secvec_defect="combine_keep_claim"`: a push whose combined
    /// descriptor lost its CAS keeps its claims (they are not released)
    /// and carries them again on the next attempt, on a later state, after
    /// their announcers may have pushed them alone. The loom suite must
    /// catch the element pushed twice.
    #[cfg(secvec_defect = "combine_keep_claim")]
    fn claims_for(&self, spare: *mut Descriptor, seq: u64, room: usize) -> Option<Claims> {
        // SAFETY: `spare` is our own descriptor, unpublished (its CAS
        // failed): nobody else accesses it.
        let kept = (!spare.is_null()).then(|| unsafe { (*spare).state.writes });
        if let Some(Writes::Many(b)) = kept {
            if b.combined != 0 {
                let mut c = Claims { mask: b.combined, values: [Encoded(0); SLOTS], len: b.len - 1 };
                for k in 1..b.len {
                    // SAFETY: our spare owns its batch; `k < len`.
                    c.values[k - 1] = unsafe { b.write(k) }.new;
                }
                return Some(c);
            }
        }
        self.board.claim(seq, room)
    }

    fn free_unpublished(&self, spare: *mut Descriptor) {
        if !spare.is_null() {
            self.home().count(Event::Unpublished);
            // SAFETY: `spare` came from `Descriptor::alloc` and was never
            // published (every CAS with it failed): we own it alone.
            unsafe { Descriptor::free(spare) };
        }
    }
}

/// How many of the claimed elements `c` a combined push's batch carries
/// after its own: all of them.
#[cfg(not(secvec_defect = "combine_lost"))]
#[inline]
fn carried(c: &Claims) -> usize {
    c.len
}

/// Negative control, built only with `--cfg secvec_defect="combine_lost"`:
/// the batch names the claims (so they are delivered an index) without
/// carrying their elements. The loom suite must catch the lost element.
#[cfg(secvec_defect = "combine_lost")]
fn carried(_: &Claims) -> usize {
    0
}

/// Gives back the claims `mask` made on state `seq` by a descriptor that
/// was not installed (combining.rs, step 3).
#[cfg(not(secvec_defect = "combine_keep_claim"))]
fn release_claims(board: &Board, mask: u32, seq: u64) {
    board.release(mask, seq);
}

/// Negative control, built only with `--cfg
/// secvec_defect="combine_keep_claim"`: the claims are kept (see
/// `RawVec::claims_for`).
#[cfg(secvec_defect = "combine_keep_claim")]
fn release_claims(_: &Board, _: u32, _: u64) {}

/// Performs the write `w` of the descriptor with sequence number `seq` on
/// `slot` (the slot of `w.index`), unless it is done already.
#[inline]
fn complete_in(slot: &Slot, w: &PendingWrite, seq: u64) {
    if let Some(expected) = still_pending(w, slot.load(), seq) {
        // Failure means another helper performed it: the only word that can
        // follow `old` while this descriptor's write is pending is this
        // write's own.
        let _ = slot.compare_exchange(expected, SlotWord { value: w.new, version: seq });
    }
}

/// Whether the write `w` of the descriptor with sequence number `seq` is
/// still to be done, given the slot's word `now`; if so, the word its CAS
/// must replace. Versions only grow: a version `>= seq` means this write
/// (or a later one, which implies this one) has happened, and the CAS
/// expects exactly the word the descriptor saw, so it cannot be repeated.
#[cfg(not(secvec_defect = "aba"))]
#[inline]
fn still_pending(w: &PendingWrite, now: SlotWord, seq: u64) -> Option<SlotWord> {
    (now.version < seq).then_some(w.old)
}

/// Whether `get(index)` answers from a pending batch: when it covers the
/// index (its slot may not be written yet).
#[cfg(not(secvec_defect = "batch_reads_slots"))]
#[inline]
fn reads_from_batch(b: &BatchRef, index: usize) -> bool {
    b.covers(index)
}

/// Negative control for the loom batch scenarios, built only with `--cfg
/// secvec_defect="batch_reads_slots"`: reads inside a pending batch go to
/// the slots, which may still hold what was there before the batch.
#[cfg(secvec_defect = "batch_reads_slots")]
fn reads_from_batch(_: &BatchRef, _: usize) -> bool {
    false
}

/// Whether `current` still holds `cur`: the validation of a cell's
/// protection (`read_in`).
#[cfg(not(secvec_defect = "cell_unvalidated"))]
#[inline]
fn still_current(current: &AtomicPtr<Descriptor>, cur: *mut Descriptor) -> bool {
    current.load(Ordering::Acquire) == cur
}

/// Negative control for the loom cell scenarios, built only with
/// `--cfg secvec_defect="cell_unvalidated"`: a cell's protection is trusted
/// without checking that the cell was still reachable once it was
/// published, so a reader may use an element freed meanwhile.
#[cfg(secvec_defect = "cell_unvalidated")]
fn still_current(_: &AtomicPtr<Descriptor>, _: *mut Descriptor) -> bool {
    true
}

/// Negative control for the model checker, built only with
/// `--cfg secvec_defect="aba"`: the published design's value-only test
/// (defect 2), which a delayed helper passes again after the slot went
/// `old -> x -> old`. The loom suite must catch it.
#[cfg(secvec_defect = "aba")]
fn still_pending(w: &PendingWrite, now: SlotWord, _: u64) -> Option<SlotWord> {
    (now.value == w.old.value).then_some(now)
}

impl<T: Element, R: Reclaimer> Drop for RawVec<T, R> {
    fn drop(&mut self) {
        let cur = self.current.load(Ordering::Relaxed);
        // SAFETY: `&mut self`: no operation is in flight, so the current
        // descriptor is valid and ours alone.
        let state = unsafe { (*cur).state };
        // The elements still in the vector are dropped with it, once (a
        // removed one is the reclaimer's). A destructor that panics does not
        // stop the others, nor the freeing below; the first panic is resumed
        // at the end (unless the thread is already panicking), after the
        // domain and the home are given up. Every other payload is dropped
        // where it cannot unwind: a payload's own `Drop` may panic, and
        // nothing may unwind out of here before the end.
        let mut panic: Option<Payload> = None;
        if !is_inline::<T>() {
            // Its installer completed the current write, but make sure.
            self.complete(&state);
            for i in 0..state.size {
                // SAFETY: below `size`: bucket installed (slot safety 1).
                let elem = unsafe { self.slot(i) }.load().value;
                // SAFETY: by I1 the slots below `size` hold the elements of
                // the current state (stored by `encode`, never retired:
                // only removed elements are), and nobody can reach them
                // after this: dropped once (drop_owned 1).
                if let Err(p) = unsafe { drop_owned::<T>(elem) } {
                    match panic {
                        None => panic = Some(p),
                        Some(_) => drop_payload(p),
                    }
                }
            }
            if let Some(home) = self.home.get() {
                home.count_cells_freed_with_vector(state.size as u64);
            }
        }
        if !Descriptor::is_empty_state(cur) {
            // SAFETY: `&mut self`: no guard of ours is alive, so the
            // current descriptor (from `Descriptor::alloc`, never retired)
            // is ours alone to free.
            unsafe { Descriptor::free(cur) };
            // A descriptor was allocated, so the home was.
            self.home().count_freed_by_owner();
        }
        // A vector whose home was never made never retired anything.
        let home = self.home.take();
        if let Some(home) = &home {
            home.mark_drop_started();
        }
        // SAFETY: the domain handle is dropped exactly once, here, and never
        // used after. Our own domain (whose only handle this is) frees (or
        // leaks for good) every retired descriptor and cell before returning
        // (Reclaimer safety 3), while `home` is still alive (given up below);
        // a shared one may keep them, and they keep the home alive by its
        // pending count.
        unsafe { ManuallyDrop::drop(&mut self.domain) };
        if let Some(home) = home {
            // SAFETY: taken once, here, after the domain, and never used
            // after (give_up 1).
            unsafe { Home::give_up(home) };
        }
        if let Some(p) = panic {
            if std::thread::panicking() {
                drop_payload(p);
            } else {
                std::panic::resume_unwind(p);
            }
        }
    }
}
