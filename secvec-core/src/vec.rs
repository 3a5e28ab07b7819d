//! The SecVec algorithm (Dechev, Pirkelbauer, Stroustrup 2006), corrected.
//!
//! # The defects of the published design
//!
//! Numbered once, here; every "defect N" in the workspace (and the README)
//! points at this list.
//!
//! 1. **Wrong descriptor cleared**: a helper cleared the pending flag of
//!    whatever descriptor was current, not of the one whose write it did.
//!    Here "pending" is a property of the write itself (slot versions).
//! 2. **ABA on slots**: a value-only slot CAS let a delayed helper repeat a
//!    write after the slot went `old -> x -> old`. Here slots are versioned.
//! 3. **Two allocations per attempt**: descriptor and write descriptor.
//!    Here the write is inline, and an attempt that lost reuses its
//!    descriptor: one allocation per operation.
//! 4. **No check on `T`**: a transmute to `u64`. Here primitives are
//!    stored inline by type identity and every other type in a heap cell
//!    (`element.rs`), retired like a descriptor when removed.
//! 5. **Drop walks the wrong buckets**: here every installed bucket is freed
//!    with its own size (`buckets.rs`).
//! 6. **Unsynchronized `set`**: a plain store. Here `set` is a descriptor
//!    operation like push and pop.
//!
//! # The descriptor protocol
//!
//! The vector is one atomic pointer, `current`, to an immutable
//! *descriptor*: the length `size`, a sequence number `seq`, and the slot
//! writes it announces: none, one `(index, old, new)`, or a batch of them
//! at consecutive indices (`batch.rs`). Every mutating operation
//!
//! 1. protects `current` through its reclaimer guard and copies the state;
//! 2. *completes* that descriptor's write (helping whoever installed it);
//! 3. computes the next state from the copy (reading slots as needed);
//! 4. installs a new descriptor with `CAS(current, cur -> next)`, and on
//!    success completes the new write from its local copy (never through the
//!    now-published pointer, which another thread may already have retired)
//!    and retires `cur`. On failure it keeps its (unpublished) descriptor for
//!    the next attempt: one allocation per operation, not per attempt.
//!
//! Invariant **I1**: when a descriptor `D` is installed, the writes of all
//! descriptors before it have been performed (the installer completed the
//! writes of its predecessor in step 2, and so on back). Hence, while `D` is
//! current, a slot holds its abstract value except perhaps at `D`'s own
//! write indices, and the only slot writes that can still change a slot are
//! `D`'s.
//!
//! # Slot versions: no ABA
//!
//! A slot is 16 bytes, `(value, version)`, compared and swapped as one word.
//! The write of descriptor `D` is `CAS(slot, old, (new, D.seq))`, where
//! `old` is the slot word read when `D` was built (stable by I1). Sequence
//! numbers grow by one per installed descriptor, and a slot's version is the
//! `seq` of the last descriptor that wrote it, so once a slot has moved past
//! `old` it never holds `old` again. A helper delayed for any length of time
//! therefore cannot repeat a write (defect 2, where `push 5, pop, push 7,
//! pop, push 5` let a stale helper overwrite a newer value). Completion
//! first loads the slot and skips the CAS when the version already reaches
//! `D.seq`, so helping a done write costs a load.
//!
//! The "pending" state is a property of the write itself (slot version
//! `< D.seq`), not a flag of whichever descriptor is current: a slow helper
//! can neither cancel a newer write nor touch a retired descriptor (defect 1).
//!
//! # Why each operation is linearizable
//!
//! * `push`, `pop`, `set`, `clear` take effect at their successful CAS on
//!   `current`. The state they computed from was current up to that CAS
//!   (`cur` is protected, so its address cannot be reused: pointer equality
//!   is state equality), and by I1 the slots they read held the abstract
//!   values of `cur`. `set` on an index `>= size` and `pop` on an empty
//!   vector take effect at the load of `current` that showed it, and change
//!   nothing. An indexed write is thus an operation on the descriptor like
//!   the others, ordered with every push and pop (defect 6).
//! * A `push` that lost a CAS may instead hand its value to a concurrent
//!   `pop` through the exchanger; the pair takes effect at one instant while
//!   a descriptor both of them saw was current, push first, and changes
//!   nothing (the argument is in `elimination.rs`).
//! * `get(i)` and `len` install nothing. `len` takes effect at its load of
//!   `current`. `get` loads `D = current` at time `t0`: if `i >= D.size`
//!   it returns `None` at `t0`; if `D`'s write targets `i` it returns that
//!   value, the abstract value at `t0`. Otherwise it reads slot `i` at `t1`.
//!   If the word it reads was written before `D` was installed, it is the
//!   abstract value at `t0` (I1). If it was written by a later descriptor
//!   `E`, then `E` was installed in `(t0, t1)`, its write targets `i < E.size`,
//!   and the value read is the abstract value at `E`'s installation: `get`
//!   takes effect then. Either way the point lies within the call.
//! * Batches. `extend_from_slice` (and `extend_from_iter`) installs one
//!   descriptor whose writes cover `size..size + n`: it takes effect, whole,
//!   at that CAS. Before it, the indices are at or past the length, which
//!   no operation reads as an element, so nothing of the batch is visible
//!   early; after it, `get(i)` inside the range answers from the descriptor
//!   while it is current (its writes may be pending) and from the slot
//!   once a successor is installed (I1: the successor's installer completed
//!   every write of the batch first). Each write of a batch is a versioned
//!   slot CAS like a single one, so a delayed helper cannot repeat any of
//!   them. The range is contiguous because the batch and every other
//!   operation are ordered by their CASes on `current`. `truncate` and
//!   `pop_n` install one descriptor with a smaller length and no writes,
//!   like `pop` (they read the removed values while their predecessor was
//!   current, which the successful CAS confirms). An empty batch, and a
//!   truncation to a length not below the current one, take effect at the
//!   load of `current` that showed it, and install nothing.
//! * `to_vec` completes the writes of `D = current`, reads slots `0..D.size`,
//!   and succeeds only if `current` is still `D` afterwards: no descriptor was
//!   installed in between, so no slot changed, and the copy is the state at
//!   that final load.
//! * Through a handle (`pinned.rs`) the same code runs with a guard that
//!   lives across operations. Nothing above depends on how long a guard
//!   lives: every operation still loads `current` itself (the reclaimer's
//!   `protect` returns a value `current` held during the call, also on the
//!   hazard fast path, which skips publishing only when `current` still is
//!   the descriptor its hazard pointer kept protected), so a handle is never
//!   a snapshot and each operation linearizes as above.
//!
//! # Elements in cells
//!
//! A type that is not stored inline is stored in a heap cell, and the slot
//! (or a pending write) holds the cell's address. Nothing above changes:
//! the algorithm moves addresses as it moves inline values. What cells add
//! is reclamation of *elements*:
//!
//! * A cell is written before the descriptor announcing it is published
//!   and never changes; readers only ever get `&T` (or clone from it).
//! * Removing an element (`pop`, `set`, `clear`) retires its cell through
//!   the reclaimer, after the removing descriptor is installed (for `set`,
//!   after its slot write completed): from then on no slot below the
//!   length and no pending write leads to it. Only the thread whose CAS
//!   installed that descriptor retires, once. A `pop` or `set` returns a
//!   clone made before it retires (or a guard on the cell: `pop_ref`,
//!   `set_ref`); the original is dropped by the reclaimer. A pushed value
//!   handed to a pop by elimination was never published, so the pop moves
//!   it out.
//! * Protecting the descriptor does not protect the cells it leads to (a
//!   later descriptor may remove and retire one), and a popped cell stays
//!   in its slot after it was retired, so "the slot still holds it" proves
//!   nothing. A reader protects the cell itself
//!   (`Reclaimer::protect_second`) and validates that `current` is still
//!   the descriptor `D` it read the cell under: then no descriptor was
//!   installed since `D`, the cell is `D`'s value for that index (I1), and
//!   nothing has removed it, so it was not retired when the protection
//!   became visible. Epoch-style guards protect it already (it was
//!   reachable after they pinned) and skip the validation. The
//!   linearization points are unchanged: a read that fails validation
//!   retries from the new descriptor, within its call.
//! * Dropping the vector drops the elements below the current length
//!   (after completing the current write); the reclaimer's domain, dropped
//!   next, drops the removed ones it still holds.
//!
//! # Memory orderings
//!
//! `current` is installed with an `AcqRel` CAS and loaded with `Acquire`
//! (inside the reclaimer's `protect`), so a descriptor's contents and the
//! buckets allocated before it was installed are visible to whoever loads
//! it. Slot writes are `AcqRel` CASes and slot loads are `Acquire`, which is
//! what the argument for `get` and `to_vec` needs: a slot word written on
//! behalf of `E` carries the knowledge that `E` was installed.

use crate::buckets::{ADDRESSABLE_LEN, Buckets, Slot, SlotWord};
use crate::descriptor::{Descriptor, PendingWrite, State, Writes};
use crate::element::{
    Cell, Element, cell_ptr, drop_owned, into_bits, is_inline, read_inline, take_unpublished,
};
use crate::elimination::Exchanger;
use crate::error::{CapacityError, IndexOutOfBounds, panic_with};
use crate::home::Home;
use crate::lazy::Lazy;
use crate::reclaimer::Reclaimer;
use crate::shared::SharedDomain;
use crate::stats::Event;
#[cfg(feature = "accounting")]
use crate::stats::Stats;
use crate::sync::{AtomicPtr, Ordering};
use crate::unwind::{Payload, drop_payload, no_unwind};
use crossbeam_utils::Backoff;
use std::collections::TryReserveError;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::sync::Arc;

/// A lock-free vector of any `Send + Sync` element type, generic over its
/// memory reclamation scheme `R`.
///
/// Every operation takes `&self` and may run from any number of threads at
/// once; every operation is linearizable (see the module documentation of
/// the source for the argument). Primitive elements (`u64`, `f32`, `char`,
/// ...) live inline in their slots; every other type lives in a heap cell
/// per element (see [`is_inline`](crate::is_inline)). Reads by value
/// (`get`, `pop`, `set`, `to_vec`, `iter`) clone the element (a copy for
/// primitives); [`get_ref`](Self::get_ref) and [`pop_ref`](Self::pop_ref)
/// give a guarded reference instead, for any type.
///
/// Every element stored is dropped exactly once: a removed one (by `pop`,
/// `set`, `clear`) by the reclaimer once no reader can reach it, the rest
/// with the vector.
///
/// Use it through a backend crate (`reclaim-hazard`, `reclaim-epoch`, ...)
/// or the `secvec` facade, which fix `R`.
pub struct SecVec<T: Element, R: Reclaimer> {
    /// The only word every write swings, on a 64-byte line of its own, so
    /// that writers do not take the read-mostly fields below away from
    /// other threads (a vector is 128 bytes, not 256 as with a 128-byte
    /// `CachePadded`). Starts at the shared empty state, which allocates
    /// nothing (`Descriptor::empty_state`).
    current: Line<AtomicPtr<Descriptor>>,
    pub(crate) buckets: Buckets,
    exchanger: Exchanger,
    pub(crate) max_len: usize,
    /// The vector's own domain (the only handle on it), or a clone of a
    /// shared one; behind an `Arc` either way, so that reaching it costs one
    /// load and no branch. Dropped in `Drop::drop`, before `home` is given
    /// up.
    domain: ManuallyDrop<Arc<R::Domain>>,
    /// Every descriptor and cell points here: behind a pointer for a stable
    /// address (an `Arc`, not a `Box`, whose uniqueness moving the vector
    /// would assert, invalidating the descriptors' pointers), allocated by
    /// the first write (or `stats`), given up in `Drop::drop` after an own
    /// domain is dropped (home.rs says why that, or its pending count,
    /// keeps it alive long enough).
    home: Lazy<Arc<Home<Descriptor>>>,
    /// Whether the home must count its pending shares (home.rs): the
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

/// Removed elements still to retire: see [`SecVec::retiring`].
pub(crate) struct Retiring<'a, 'g, T: Element, R: Reclaimer, I: Iterator<Item = u64>> {
    vec: &'a SecVec<T, R>,
    pub(crate) guard: &'a R::Guard<'g>,
    pub(crate) bits: I,
}

impl<T: Element, R: Reclaimer, I: Iterator<Item = u64>> Drop for Retiring<'_, '_, T, R, I> {
    fn drop(&mut self) {
        for bits in self.bits.by_ref() {
            // SAFETY: `retiring`'s safety: removed by the caller's
            // operation, and retired once (the iterator yields it once).
            unsafe { self.vec.retire_removed(self.guard, bits) };
        }
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
    /// `news[k]` to index `start + k`, each slot's old word read when the
    /// descriptor is built.
    Batch {
        start: usize,
        news: &'a [u64],
    },
}

/// What a pop removed: the slot value of an element that was in the vector
/// (readers may still reach it), or of one a concurrent push handed over
/// by elimination (nobody else ever saw it).
pub(crate) enum Removed {
    Published(u64),
    Eliminated(u64),
}

impl<T: Element, R: Reclaimer> SecVec<T, R> {
    /// An empty vector that can grow as far as the buckets can address.
    pub fn new() -> Self {
        Self::bounded(usize::MAX)
    }

    /// An empty vector with slots for `capacity` elements allocated up front.
    ///
    /// # Panics
    ///
    /// If the slots cannot be allocated (more bytes than can exist, or the
    /// allocator refuses), as [`reserve`](Self::reserve).
    #[track_caller]
    pub fn with_capacity(capacity: usize) -> Self {
        let v = Self::new();
        v.reserve(capacity);
        v
    }

    /// An empty vector that refuses to grow beyond `max_len` elements:
    /// [`push`](Self::push) panics and [`try_push`](Self::try_push) returns
    /// [`CapacityError`] at that length. (`max_len` is clamped to what the
    /// buckets can address, `usize::MAX - 7`.)
    pub fn bounded(max_len: usize) -> Self {
        Self::with_domain(max_len, Arc::new(R::new_domain()), false)
    }

    /// An empty vector in `domain`, shared with the other vectors made in
    /// it (see [`SharedDomain`] for what changes).
    pub fn new_in(domain: &SharedDomain<R>) -> Self {
        Self::bounded_in(usize::MAX, domain)
    }

    /// [`bounded`](Self::bounded), in a shared domain.
    pub fn bounded_in(max_len: usize, domain: &SharedDomain<R>) -> Self {
        Self::with_domain(max_len, Arc::clone(&domain.0), true)
    }

    /// A vector in `domain`: its own (the only handle on it), or one shared
    /// with other vectors (`shared`).
    fn with_domain(max_len: usize, domain: Arc<R::Domain>, shared: bool) -> Self {
        SecVec {
            current: Line(AtomicPtr::new(Descriptor::empty_state())),
            buckets: Buckets::new(),
            exchanger: Exchanger::new(),
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

    /// The largest length this vector accepts.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// Whether every operation of this vector is lock-free on this machine.
    ///
    /// The slots are 16-byte atomics. On x86_64 with `cmpxchg16b` (every
    /// x86_64 CPU since about 2008; detected at run time unless the build
    /// enables the feature), aarch64, powerpc64 and s390x they are native
    /// instructions; elsewhere (32-bit targets, old x86_64 CPUs) the
    /// `portable-atomic` crate falls back to a global table of locks, and
    /// the vector is then correct but not lock-free. The reclaimer's own
    /// progress (hazard pointers, epochs) is not part of this answer.
    pub fn is_lock_free() -> bool {
        Slot::is_lock_free()
    }

    /// The accounting of this vector; the handle outlives the vector.
    /// (Only with the `accounting` feature: without it nothing is counted,
    /// and there is nothing to read.)
    #[cfg(feature = "accounting")]
    pub fn stats(&self) -> Stats {
        Home::stats(&self.home.clone_or_init(|| Arc::new(self.new_home())))
    }

    /// Appends `value` and returns the index it was written at.
    ///
    /// # Panics
    ///
    /// If the vector already holds [`max_len`](Self::max_len) elements
    /// (the value is dropped).
    #[track_caller]
    pub fn push(&self, value: T) -> usize {
        match self.try_push(value) {
            Ok(index) => index,
            Err(e) => panic_with(e),
        }
    }

    /// Appends `value` and returns the index it was written at, or gives the
    /// value back if the vector is full.
    pub fn try_push(&self, value: T) -> Result<usize, CapacityError<T>> {
        self.with_guard(|g| self.try_push_in(g, value))
    }

    #[inline]
    pub(crate) fn try_push_in(&self, guard: &mut R::Guard<'_>, value: T) -> Result<usize, CapacityError<T>> {
        let new = into_bits(value, self.home());
        let bits = new.bits();
        let pushed = self.transact(
            guard,
            |s| {
                if s.size >= self.max_len {
                    return Step::Done(Err(self.max_len));
                }
                let (slot, bytes) = self.buckets.slot_or_alloc(s.size);
                self.home().add_bucket_bytes(bytes);
                Step::Install {
                    size: s.size + 1,
                    write: Write::One(PendingWrite { index: s.size, old: slot.load(), new: bits }),
                    out: Ok(s.size),
                }
            },
            // After a lost CAS, offer the value to a concurrent pop: if one
            // takes it, the pair took effect while `s` was current, this
            // push at index `s.size` (elimination.rs).
            |s, contended| {
                (contended && s.size < self.max_len && self.exchanger.offer(bits, s.seq))
                    .then_some(Ok(s.size))
            },
        );
        match pushed {
            Ok(index) => {
                // Published in a descriptor, or handed to a pop.
                new.published();
                Ok(index)
            }
            Err(max_len) => Err(CapacityError { value: new.take(), max_len }),
        }
    }

    /// Removes the last element; returns what was removed, `None` if the
    /// vector is empty. With `eliminate`, it may take a concurrent push's
    /// value instead.
    #[inline]
    pub(crate) fn pop_bits(&self, guard: &mut R::Guard<'_>, eliminate: bool) -> Option<Removed> {
        self.transact(
            guard,
            |s| {
                if s.size == 0 {
                    return Step::Done(None);
                }
                // SAFETY: index `size - 1 < size` was pushed, so its bucket was
                // installed before a descriptor we loaded with Acquire (slot
                // safety 1).
                let word = unsafe { self.slot(s.size - 1) }.load();
                Step::Install {
                    size: s.size - 1,
                    write: Write::None,
                    out: Some(Removed::Published(word.value)),
                }
            },
            |s, _| {
                // A push offered its value while `s` was current: the pair
                // took effect then, the push first (elimination.rs).
                if !eliminate {
                    return None;
                }
                let bits = self.exchanger.take(s.seq)?;
                self.home().count(Event::Eliminated);
                Some(Some(Removed::Eliminated(bits)))
            },
        )
    }

    /// Replaces the element at `index`; returns the slot value of the old
    /// one, which the caller must retire (it is removed).
    #[inline]
    pub(crate) fn set_bits(
        &self,
        guard: &mut R::Guard<'_>,
        index: usize,
        value: T,
    ) -> Result<u64, IndexOutOfBounds> {
        let new = into_bits(value, self.home());
        let bits = new.bits();
        let old = self.transact(
            guard,
            |s| {
                if index >= s.size {
                    return Step::Done(Err(IndexOutOfBounds { index, len: s.size }));
                }
                // SAFETY: `index < size`: the bucket is installed (as in `pop`).
                let old = unsafe { self.slot(index) }.load();
                Step::Install {
                    size: s.size,
                    write: Write::One(PendingWrite { index, old, new: bits }),
                    out: Ok(old.value),
                }
            },
            |_, _| None,
        )?;
        new.published();
        Ok(old)
    }

    /// The slot value of the element at `index` as of some moment during the
    /// call, or `None` if `index` was out of range then. If the element is
    /// in a cell, `guard` protects the cell (second slot) when this returns.
    #[inline]
    pub(crate) fn read_in(&self, guard: &mut R::Guard<'_>, index: usize) -> Option<u64> {
        loop {
            let (cur, state) = self.protect_state(guard);
            if index >= state.size {
                return None;
            }
            let bits = match state.writes {
                Writes::One(w) if w.index == index => w.new,
                // SAFETY: the batch's descriptor is protected by `guard`.
                Writes::Many(b) if reads_from_batch(&b, index) => unsafe { b.write(index - b.start) }.new,
                // SAFETY: `index < size`: its bucket was installed before the
                // descriptor we loaded with Acquire was published.
                _ => unsafe { self.slot(index) }.load().value,
            };
            if is_inline::<T>() {
                return Some(bits);
            }
            // protect_second 1: `bits` was read just now, under `cur`,
            // which the guard protects. 2: if `current` is still `cur`
            // after the protection is visible, no descriptor was installed
            // since we loaded `cur` (its address cannot be reused while we
            // protect it), so the slot held `cur`'s value for `index` (I1)
            // and nothing has removed that element yet: a remover retires
            // only after installing its descriptor.
            if R::protect_second(guard, cell_ptr::<T>(bits), || still_current(&self.current, cur)) {
                return Some(bits);
            }
            // A descriptor was installed meanwhile: read again from it.
        }
    }

    /// Hands a removed element's cell to the reclaimer (nothing to do for
    /// an inline element).
    ///
    /// # Safety
    ///
    /// 1. `bits` is the slot value of an element that the caller's
    ///    operation removed (its descriptor is installed, and for `set` its
    ///    write completed, so no new reader can reach the cell), and the
    ///    caller retires it once.
    /// 2. `guard` is of this vector's domain.
    #[inline]
    pub(crate) unsafe fn retire_removed(&self, guard: &R::Guard<'_>, bits: u64) {
        if is_inline::<T>() {
            return;
        }
        self.home().count(Event::CellRetired);
        #[cfg(not(secvec_defect = "drop_removed_at_once"))]
        // SAFETY: retire 1: the cell came from `into_bits` and is freed only
        // by the reclaimer, after this. 2 and 3: our safety 1 (removed, so
        // no slot below the vector's length and no pending write leads to it
        // any more; retired once). 4: our safety 2.
        unsafe {
            #[cfg(feature = "accounting")]
            self.home().retiring(); // the cell counts itself reclaimed in the home
            no_unwind(RETIRE, || R::retire(self.domain(), guard, cell_ptr::<T>(bits)))
        };
        // Negative control, built only with `--cfg
        // secvec_defect="drop_removed_at_once"`: the removed element is
        // dropped at once, while readers holding an older descriptor may
        // still read it. Miri and ASan must report the use after free.
        #[cfg(secvec_defect = "drop_removed_at_once")]
        {
            let _ = guard;
            // SAFETY: none; this is the defect the checkers must catch.
            unsafe { <Cell<T> as crate::reclaimer::Retire>::reclaim(cell_ptr::<T>(bits)) };
        }
    }

    /// A guard that retires the removed elements `bits` when dropped, also
    /// when unwinding from a panicking `Clone` (those not yet taken from
    /// [`Retiring::bits`] by the caller, which retires those itself).
    ///
    /// # Safety
    ///
    /// As [`retire_removed`](Self::retire_removed), for each of `bits`.
    pub(crate) unsafe fn retiring<'a, 'g, I: Iterator<Item = u64>>(
        &'a self,
        guard: &'a R::Guard<'g>,
        bits: I,
    ) -> Retiring<'a, 'g, T, R, I> {
        Retiring { vec: self, guard, bits }
    }

    /// Runs `f` on a removed element, then retires it (also if `f` panics).
    ///
    /// # Safety
    ///
    /// As [`retire_removed`](Self::retire_removed).
    #[inline]
    pub(crate) unsafe fn then_retire<O>(
        &self,
        guard: &R::Guard<'_>,
        bits: u64,
        f: impl FnOnce(&T) -> O,
    ) -> O {
        if is_inline::<T>() {
            // SAFETY: inline bits come from `into_bits::<T>`.
            return f(&unsafe { read_inline::<T>(bits) });
        }
        // SAFETY: our safety, passed on: retired once, when `_retire` drops.
        let _retire = unsafe { self.retiring(guard, core::iter::once(bits)) };
        // SAFETY: we removed the element and have not retired it yet (that
        // happens after `f`), so only we could free it: it is live.
        f(unsafe { &(*cell_ptr::<T>(bits)).value })
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.with_guard(|g| self.len_in(g))
    }

    #[inline]
    pub(crate) fn len_in(&self, guard: &mut R::Guard<'_>) -> usize {
        self.load_state(guard).size
    }

    /// Whether the vector is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes every element (one linearizable step; slots stay allocated).
    /// Removed elements are dropped by the reclaimer once no reader can
    /// reach them.
    pub fn clear(&self) {
        self.with_guard(|g| self.clear_in(g))
    }

    #[inline]
    pub(crate) fn clear_in(&self, guard: &mut R::Guard<'_>) {
        self.truncate_in(guard, 0)
    }

    /// Allocates slots so that `len() + additional` elements (at most
    /// [`max_len`](Self::max_len)) fit without allocating in `push`.
    ///
    /// # Panics
    ///
    /// If the slots cannot be allocated: their size exceeds what can exist
    /// (`isize::MAX` bytes, like `Vec`'s "capacity overflow"), or the
    /// allocator refuses. [`try_reserve`](Self::try_reserve) returns the
    /// error instead. Either way the vector's contents are unchanged.
    #[track_caller]
    pub fn reserve(&self, additional: usize) {
        if let Err(e) = self.try_reserve(additional) {
            panic!("SecVec::reserve({additional}) with {} elements: {e}", self.len());
        }
    }

    /// Like [`reserve`](Self::reserve), but returns an error instead of
    /// panicking when the slots cannot be allocated; then nothing of the
    /// request is kept, and the contents are unchanged.
    ///
    /// Slots are zeroed by the allocator, so a large reservation takes
    /// fresh pages that become resident only as elements are written (as
    /// with `Vec::try_reserve`). Buckets double in size: the slots
    /// reserved for `n` elements may hold up to about twice as many.
    pub fn try_reserve(&self, additional: usize) -> Result<(), TryReserveError> {
        let want = self.len().saturating_add(additional).min(self.max_len);
        let (bytes, result) = self.buckets.ensure(want);
        self.home().add_bucket_bytes(bytes);
        result
    }
}

/// The operations that return elements by value: they clone the element
/// (under protection, before a removed one is retired). For the primitive
/// types stored inline, that is a copy.
impl<T: Element + Clone, R: Reclaimer> SecVec<T, R> {
    /// Removes the last element and returns it, or `None` if the vector is
    /// empty.
    ///
    /// The element is removed and a clone returned; the original is dropped
    /// by the reclaimer once no reader can reach it. If `T::clone` panics,
    /// the element stays removed (the panic propagates; the original is
    /// still dropped later). [`pop_ref`](Self::pop_ref) needs no `Clone`.
    pub fn pop(&self) -> Option<T> {
        self.with_guard(|g| self.pop_in(g))
    }

    #[inline]
    pub(crate) fn pop_in(&self, guard: &mut R::Guard<'_>) -> Option<T> {
        match self.pop_bits(guard, true)? {
            // SAFETY: the pushing thread gave its element up with the offer
            // (`take_unpublished` 1: never published, now ours alone).
            Removed::Eliminated(bits) => Some(unsafe { take_unpublished::<T>(bits, self.home()) }),
            // SAFETY: our descriptor removed it (then_retire 1); the guard
            // is this vector's.
            Removed::Published(bits) => Some(unsafe { self.then_retire(guard, bits, T::clone) }),
        }
    }

    /// A clone of the element at `index`, or `None` if `index >= len()`.
    /// ([`get_ref`](Self::get_ref) reads it without cloning.)
    pub fn get(&self, index: usize) -> Option<T> {
        self.with_guard(|g| self.get_in(g, index))
    }

    #[inline]
    pub(crate) fn get_in(&self, guard: &mut R::Guard<'_>, index: usize) -> Option<T> {
        let bits = self.read_in(guard, index)?;
        Some(if is_inline::<T>() {
            // SAFETY: inline bits come from `into_bits::<T>`.
            unsafe { read_inline::<T>(bits) }
        } else {
            // SAFETY: `read_in` left the cell protected by `guard`, which
            // we do not use again before the clone is done.
            unsafe { (*cell_ptr::<T>(bits)).value.clone() }
        })
    }

    /// Replaces the element at `index` and returns (a clone of) the old one.
    /// The old element is dropped by the reclaimer once no reader can reach
    /// it; if `T::clone` panics, the replacement has happened (the panic
    /// propagates).
    ///
    /// # Errors
    ///
    /// [`IndexOutOfBounds`] (naming `index` and the length) if
    /// `index >= len()`; the vector is unchanged and `value` is dropped.
    pub fn set(&self, index: usize, value: T) -> Result<T, IndexOutOfBounds> {
        self.with_guard(|g| self.set_in(g, index, value))
    }

    #[inline]
    pub(crate) fn set_in(
        &self,
        guard: &mut R::Guard<'_>,
        index: usize,
        value: T,
    ) -> Result<T, IndexOutOfBounds> {
        let old = self.set_bits(guard, index, value)?;
        // SAFETY: our descriptor replaced it and its write completed (in
        // `transact`), so no slot leads to it (then_retire 1).
        Ok(unsafe { self.then_retire(guard, old, T::clone) })
    }

    /// A consistent copy of the whole vector at one instant.
    ///
    /// It reads every element, then checks that no operation was installed
    /// meanwhile, and retries otherwise: under a constant stream of writers
    /// on a long vector it may retry many times. [`iter`](Self::iter) never
    /// retries but is not a snapshot.
    pub fn to_vec(&self) -> Vec<T> {
        self.with_guard(|g| self.to_vec_in(g))
    }

    pub(crate) fn to_vec_in(&self, guard: &mut R::Guard<'_>) -> Vec<T> {
        let backoff = Backoff::new();
        loop {
            let (cur, state) = self.protect_state(guard);
            self.complete(&state);
            let still_current = || still_current(&self.current, cur);
            let mut copy = Vec::with_capacity(state.size);
            for i in 0..state.size {
                // SAFETY: indices below `size`: buckets installed.
                let bits = unsafe { self.slot(i) }.load().value;
                if is_inline::<T>() {
                    // SAFETY: inline bits come from `into_bits::<T>`.
                    copy.push(unsafe { read_inline::<T>(bits) });
                } else if R::protect_second(guard, cell_ptr::<T>(bits), still_current) {
                    // SAFETY: protected (protect_second 1: read under `cur`;
                    // 2: `cur` still current, so the element (I1, `cur`'s
                    // write completed above) is not removed yet).
                    copy.push(unsafe { (*cell_ptr::<T>(bits)).value.clone() });
                } else {
                    break;
                }
            }
            if copy.len() == state.size && still_current() {
                return copy;
            }
            backoff.snooze();
        }
    }

    /// An iterator that yields `get(0)`, `get(1)`, ... until the first index
    /// that is out of range when it is reached.
    ///
    /// Safe to use while other threads push, pop and set. Each element it
    /// yields was the value at that index at some moment during that `next`
    /// call; the sequence as a whole is not a snapshot (it may see a push
    /// made after it started, miss an element popped and pushed back, or
    /// stop early after a pop). Use [`to_vec`](Self::to_vec) for a snapshot.
    pub fn iter(&self) -> Iter<'_, T, R> {
        Iter { vec: self, next: 0 }
    }
}

impl<T: Element, R: Reclaimer> SecVec<T, R> {
    // ----- the algorithm, once -------------------------------------------

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
    fn complete_batch(&self, b: &crate::descriptor::BatchRef, seq: u64) {
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
    /// `eliminate` gets the same state first, and whether an earlier attempt
    /// lost its CAS; if it returns `Some`, the operation completed through
    /// the exchanger instead (see `elimination.rs`).
    #[inline]
    pub(crate) fn transact<'a, O>(
        &self,
        guard: &mut R::Guard<'_>,
        mut step: impl FnMut(&State) -> Step<'a, O>,
        mut eliminate: impl FnMut(&State, bool) -> Option<O>,
    ) -> O {
        let backoff = Backoff::new();
        // Our descriptor, allocated on the first attempt that needs one and
        // reused (it is unpublished) by later attempts.
        let mut spare: *mut Descriptor = core::ptr::null_mut();
        loop {
            let (cur, state) = self.protect_state(guard);
            self.complete(&state);
            // `spare` is non-null exactly when an attempt lost its CAS.
            if let Some(out) = eliminate(&state, !spare.is_null()) {
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
            let mut next_state = State {
                size,
                seq: state.seq + 1,
                writes: match write {
                    Write::None | Write::Batch { .. } => Writes::None,
                    Write::One(w) => Writes::One(w),
                },
            };
            let next = if spare.is_null() {
                Descriptor::alloc(next_state, self.home())
            } else {
                // SAFETY: `spare` is our own allocation, never published
                // (its CAS failed), so we have exclusive access. A batch's
                // payload (if any) stays: the state keeps naming it until
                // `set_batch` below replaces the reference.
                unsafe {
                    if !matches!(write, Write::Batch { .. }) {
                        (*spare).state = next_state;
                    }
                }
                spare
            };
            if let Write::Batch { start, news } = write {
                // SAFETY: `next` is ours and unpublished (set_batch 1), and
                // its state gets the reference right below (2); the slots
                // `start..` were allocated by the step before it asked for
                // them, on this thread (slot safety 1).
                next_state.writes = Writes::Many(unsafe {
                    let olds = self.buckets.slots(start, news.len()).map(Slot::load);
                    Descriptor::set_batch(next, start, news, olds)
                });
                // SAFETY: as above: ours, unpublished.
                unsafe { (*next).state = next_state };
            }
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
                    home.retiring();
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
                    spare = next;
                    backoff.spin();
                }
            }
        }
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
fn reads_from_batch(b: &crate::descriptor::BatchRef, index: usize) -> bool {
    b.covers(index)
}

/// Negative control for the loom batch scenarios, built only with `--cfg
/// secvec_defect="batch_reads_slots"`: reads inside a pending batch go to
/// the slots, which may still hold what was there before the batch.
#[cfg(secvec_defect = "batch_reads_slots")]
fn reads_from_batch(_: &crate::descriptor::BatchRef, _: usize) -> bool {
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

impl<T: Element, R: Reclaimer> Drop for SecVec<T, R> {
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
                let bits = unsafe { self.slot(i) }.load().value;
                // SAFETY: by I1 the slots below `size` hold the elements of
                // the current state (stored by `into_bits`, never retired:
                // only removed elements are), and nobody can reach them
                // after this: dropped once (drop_owned 1).
                if let Err(p) = unsafe { drop_owned::<T>(bits) } {
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

/// A panic inside an operation (a `Clone` of an element, an allocation
/// failure) leaves the vector consistent: every operation either took
/// effect or did not, and loses no element. So a vector is as unwind-safe
/// as its elements.
impl<T: Element + core::panic::RefUnwindSafe, R: Reclaimer> core::panic::RefUnwindSafe for SecVec<T, R> {}
/// As for `RefUnwindSafe`.
impl<T: Element + core::panic::UnwindSafe, R: Reclaimer> core::panic::UnwindSafe for SecVec<T, R> {}

impl<T: Element, R: Reclaimer> Default for SecVec<T, R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Element + core::fmt::Debug, R: Reclaimer> core::fmt::Debug for SecVec<T, R> {
    /// Lists the elements as a handle's [`get_ref`](crate::Pinned::get_ref)
    /// sees them, index after index (like [`iter`](SecVec::iter): not a
    /// snapshot), without cloning.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut list = f.debug_list();
        let mut handle = self.pin();
        let mut i = 0;
        while let Some(element) = handle.get_ref(i) {
            list.entry(element);
            i += 1;
        }
        list.finish()
    }
}

/// One batch ([`SecVec::extend_from_iter`]): one descriptor for all of
/// them. Panics, appending nothing, if they do not fit in a bounded vector.
impl<T: Element, R: Reclaimer> Extend<T> for SecVec<T, R> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        self.extend_from_iter(iter);
    }
}

impl<T: Element, R: Reclaimer> FromIterator<T> for SecVec<T, R> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut v = Self::new();
        v.extend(iter);
        v
    }
}

impl<'a, T: Element + Clone, R: Reclaimer> IntoIterator for &'a SecVec<T, R> {
    type Item = T;
    type IntoIter = Iter<'a, T, R>;
    fn into_iter(self) -> Iter<'a, T, R> {
        self.iter()
    }
}

/// Iterator returned by [`SecVec::iter`]; see there for what it sees.
pub struct Iter<'a, T: Element, R: Reclaimer> {
    vec: &'a SecVec<T, R>,
    next: usize,
}

impl<T: Element + Clone, R: Reclaimer> Iterator for Iter<'_, T, R> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        let v = self.vec.get(self.next)?;
        self.next += 1;
        Some(v)
    }
}

impl<T: Element, R: Reclaimer> core::fmt::Debug for Iter<'_, T, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Iter").field("next", &self.next).finish_non_exhaustive()
    }
}
