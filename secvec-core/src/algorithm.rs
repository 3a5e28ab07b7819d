//! The algorithm and why it is correct: the descriptor protocol of
//! Dechev, Pirkelbauer and Stroustrup (2006), the defects of the published
//! design and how this crate corrects them, and the linearizability
//! argument for every operation.
//!
//! This module holds no code: it is the proof that the engine (the crate's
//! private `raw` module) implements. Source paths below are relative to
//! `secvec-core/src/`.
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
//!    (`raw/element.rs`), retired like a descriptor when removed.
//! 5. **Drop walks the wrong buckets**: here every installed bucket is freed
//!    with its own size (`raw/buckets.rs`).
//! 6. **Unsynchronized `set`**: a plain store. Here `set` is a descriptor
//!    operation like push and pop.
//!
//! # The descriptor protocol
//!
//! The vector is one atomic pointer, `current`, to an immutable
//! *descriptor*: the length `size`, a sequence number `seq`, and the slot
//! writes it announces: none, one `(index, old, new)`, or a batch of them
//! at consecutive indices (`raw/ops.rs`, `batch.rs`). Every mutating operation
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
//!   nothing (the argument is in `raw/elimination.rs`).
//! * A `push` that lost a CAS may also announce its value on a board, and
//!   the next `push` to install a descriptor carries it along: one batch
//!   descriptor with both elements (combining). The announced push takes
//!   effect at that CAS, at the index the batch gives it; its announcer
//!   never waits for a combiner that may stall, and an element is never
//!   published twice (the argument is in `raw/combining.rs`).
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
//! * Through a handle ([`Pinned`](crate::Pinned)) the same code runs with a guard that
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
