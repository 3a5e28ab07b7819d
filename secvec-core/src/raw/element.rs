//! Which types a [`SecVec`](crate::SecVec) can hold, and how an element
//! becomes the 64-bit value half of a slot.
//!
//! # Inline or in a cell
//!
//! A slot is 16 bytes, `(value, version)`, compared and swapped as one word,
//! so a value stored *inline* must be at most 8 bytes with every byte
//! initialized (the CAS compares bytes; padding would be compared too). On
//! stable Rust a generic function cannot ask whether `T` has padding, so the
//! choice is made by type identity: the primitive types below are stored
//! inline, everything else in a heap *cell* whose address is the slot's
//! value.
//!
//! | stored inline | `u8` `u16` `u32` `u64` `usize` `i8` `i16` `i32` `i64` `isize` `f32` `f64` `char` `bool` |
//! |---|---|
//! | in a cell | everything else: `String`, `Arc<_>`, `u128`, tuples, your structs, ... |
//!
//! The test is [`is_inline`], a comparison of `TypeId`s that is a constant
//! after monomorphization: `SecVec<u64>` compiles to the same code as when
//! only inline elements existed. A cell costs one allocation per stored
//! element (push or set), and a read of a cell through hazard pointers costs
//! one more protection (see `Reclaimer::protect_second`).
//!
//! # Cells are immutable and retired, never moved out
//!
//! A cell is written once, before the descriptor that announces it is
//! published, and never changes until it is freed. A removed element (`pop`,
//! `set`, `clear`) may still be read by a thread that loaded an older
//! descriptor, so its cell is *retired* through the vector's reclaimer, and
//! its value dropped when no reader can reach it, exactly once
//! ([`Retire::reclaim`]). The remover returns a clone made before it
//! retires the cell (or a guard on the cell, for non-`Clone` types). The
//! only cells whose values are moved out are the ones never published: a
//! pushed value handed to a pop by elimination, or given back by a failed
//! push or set.

use crate::mem::counters::Event;
use crate::mem::home::Home;
use crate::raw::birth::Birth;
use crate::raw::descriptor::Descriptor;
use crate::raw::unwind::{Payload, drop_payload};
use crate::reclaimer::Retire;
use core::alloc::Layout;
use core::any::TypeId;
use core::marker::PhantomData;
use core::mem::{ManuallyDrop, size_of};
#[cfg(feature = "accounting")]
use core::ptr::NonNull;

/// A type that [`SecVec`](crate::SecVec) can store: any `Send + Sync +
/// 'static` type. Implemented for all of them; there is nothing to
/// implement.
///
/// `Send` because elements are removed, and dropped by the reclaimer, on
/// whatever thread does it; `Sync` because readers on many threads look at
/// the same element at once (`get_ref`, and the clone in `get`); `'static`
/// because the inline-or-cell choice compares `TypeId`s, and because a
/// reclaimer may drop a removed element later than any borrow could last.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a SecVec",
    note = "SecVec elements must be `Send + Sync + 'static`"
)]
pub trait Element: Send + Sync + 'static {}

impl<T: Send + Sync + 'static> Element for T {}

/// Whether `T` is stored inline in a slot (true for the primitive types of
/// at most 8 bytes, all of whose bytes are initialized and which have no
/// destructor), or in a heap cell. A constant after monomorphization.
#[inline(always)]
pub fn is_inline<T: 'static>() -> bool {
    macro_rules! one_of {
        ($($t:ty),*) => { $(TypeId::of::<T>() == TypeId::of::<$t>())||* };
    }
    size_of::<T>() <= 8 && one_of!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, f32, f64, char, bool)
}

/// An element as a slot (or a pending write, or an offer) holds it: the
/// bytes of an inline value, zero-extended, or the address of its cell.
/// Which of the two is fixed by the element type ([`is_inline`]); nothing
/// but this module makes or opens one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(transparent)]
pub(crate) struct Encoded(pub(crate) u64);

/// The home block type every cell counts itself in.
type VecHome = Home<Descriptor>;

/// A heap cell: one element that is not stored inline.
pub(crate) struct Cell<T> {
    pub(crate) value: T,
    /// The vector's home block (for counting the cell reclaimed), which
    /// outlives every cell of its vector (`Reclaimer` safety 3, as for
    /// descriptors).
    #[cfg(feature = "accounting")]
    home: NonNull<VecHome>,
    /// The reclaimer's birth era for this cell (`Reclaimer::birth_era`).
    birth: Birth,
}

// SAFETY: `value: T` is `Send` (Element); `home` points to a `Sync` block
// that is only read through `&` and outlives the cell wherever it is freed.
unsafe impl<T: Send> Send for Cell<T> {}
// SAFETY: as above; `&Cell<T>` gives out only `&T`, and `T: Sync`.
unsafe impl<T: Sync> Sync for Cell<T> {}

/// The address of the cell that `elem` names (for a type
/// stored in cells).
#[inline]
pub(crate) fn cell_ptr<T>(elem: Encoded) -> *mut Cell<T> {
    // `encode` exposed the provenance of the cell's allocation.
    core::ptr::with_exposed_provenance_mut(elem.0 as usize)
}

/// Packs an inline value into the low bytes of a `u64` (native byte order,
/// the rest zero).
#[inline]
fn pack_inline<T: 'static>(value: T) -> Encoded {
    debug_assert!(is_inline::<T>());
    let value = ManuallyDrop::new(value);
    let mut bytes = [0u8; 8];
    // SAFETY: inline types are primitives of at most 8 bytes (is_inline),
    // every byte of which is initialized; `bytes` has room for them.
    unsafe {
        core::ptr::copy_nonoverlapping((&*value as *const T).cast::<u8>(), bytes.as_mut_ptr(), size_of::<T>())
    };
    Encoded(u64::from_ne_bytes(bytes))
}

/// The slot value of `value`: its bytes, or the address of a new cell
/// holding it, born in era `birth` (`Reclaimer::birth_era`, kept with the
/// `birth-eras` feature). Until it is published (or given to a pop by
/// elimination), the returned [`Unpublished`] owns the value.
#[inline]
pub(crate) fn encode<T: Element>(value: T, home: &VecHome, birth: u64) -> Unpublished<'_, T> {
    let elem = if is_inline::<T>() {
        pack_inline(value)
    } else {
        home.count(Event::CellAllocated);
        let cell = alloc_cell(Cell {
            value,
            #[cfg(feature = "accounting")]
            home: NonNull::from(home),
            birth: Birth::new(birth),
        });
        Encoded(cell.expose_provenance() as u64)
    };
    Unpublished { elem, home, _owns: PhantomData }
}

/// Reads an inline value.
///
/// # Safety
///
/// 1. `is_inline::<T>()`, and `elem` was packed from a `T` by
///    [`encode`] (so its first `size_of::<T>()` bytes are a valid `T`).
#[inline]
pub(crate) unsafe fn read_inline<T: 'static>(elem: Encoded) -> T {
    debug_assert!(is_inline::<T>());
    let bytes = elem.0.to_ne_bytes();
    // SAFETY: size_of::<T>() <= 8 (is_inline), so the read stays inside
    // `bytes`; read_unaligned has no alignment requirement; by point 1 the
    // bytes are those of a valid `T`, a primitive without destructor, so
    // duplicating it is a copy.
    unsafe { core::ptr::read_unaligned(bytes.as_ptr().cast::<T>()) }
}

/// An element's slot value that nobody else can reach yet: dropping it
/// drops the element (a cell is freed with its value).
pub(crate) struct Unpublished<'h, T: Element> {
    elem: Encoded,
    home: &'h VecHome,
    _owns: PhantomData<T>,
}

impl<T: Element> Unpublished<'_, T> {
    /// The slot value, to put in a descriptor or an offer. The element
    /// stays owned by `self` until [`published`](Self::published).
    #[inline]
    pub(crate) fn encoded(&self) -> Encoded {
        self.elem
    }

    /// The element was published (or handed to a pop): the vector, or that
    /// pop, owns the element now.
    #[inline]
    pub(crate) fn published(self) {
        core::mem::forget(self);
    }

    /// Takes the element back.
    #[inline]
    pub(crate) fn take(self) -> T {
        let this = ManuallyDrop::new(self);
        // SAFETY: `this` owns the element (it was never published),
        // and is not dropped, so the element is taken once.
        unsafe { take_unpublished(this.elem, this.home) }
    }
}

impl<T: Element> Drop for Unpublished<'_, T> {
    fn drop(&mut self) {
        // SAFETY: as in `take`: owned, and this is the last use.
        drop(unsafe { take_unpublished::<T>(self.elem, self.home) });
    }
}

/// The slot values of many elements that nobody else can reach yet (a
/// batch): dropping it drops the elements. One vector of encodings, whatever the
/// element type.
pub(crate) struct UnpublishedMany<'h, T: Element> {
    elems: Vec<Encoded>,
    home: &'h VecHome,
    _owns: PhantomData<T>,
}

impl<'h, T: Element> UnpublishedMany<'h, T> {
    /// Stores every element of `iter` ([`encode`]), each born in era
    /// `birth`.
    pub(crate) fn new(iter: impl IntoIterator<Item = T>, home: &'h VecHome, birth: u64) -> Self {
        let iter = iter.into_iter();
        let elems = Vec::with_capacity(iter.size_hint().0);
        let mut this = UnpublishedMany { elems, home, _owns: PhantomData };
        // One at a time into `this`, so that a panicking iterator drops
        // what was stored so far.
        for v in iter {
            let one = encode(v, home, birth);
            this.elems.push(one.encoded());
            one.published();
        }
        this
    }

    /// The slot values, in order.
    pub(crate) fn encoded(&self) -> &[Encoded] {
        &self.elems
    }

    /// Published (or handed over): the vector owns the elements now.
    pub(crate) fn published(mut self) {
        self.elems.clear();
    }

    /// Takes the elements back.
    pub(crate) fn take(mut self) -> Vec<T> {
        let elems = core::mem::take(&mut self.elems);
        // SAFETY: `self` owned them (never published), and gave them up
        // above: each is taken once.
        elems.into_iter().map(|e| unsafe { take_unpublished(e, self.home) }).collect()
    }
}

impl<T: Element> Drop for UnpublishedMany<'_, T> {
    fn drop(&mut self) {
        for e in self.elems.drain(..) {
            // SAFETY: owned (never published), taken once.
            drop(unsafe { take_unpublished::<T>(e, self.home) });
        }
    }
}

/// Moves the element out of an encoding that was never published (or were taken
/// from a push's offer by elimination), freeing its cell.
///
/// # Safety
///
/// 1. `elem` came from [`encode::<T>`] with this `home`, was never
///    published to readers, and the caller owns the element: it is taken
///    once.
#[inline]
pub(crate) unsafe fn take_unpublished<T: Element>(elem: Encoded, home: &VecHome) -> T {
    if is_inline::<T>() {
        // SAFETY: point 1: packed from a `T`.
        return unsafe { read_inline(elem) };
    }
    home.count(Event::CellUnpublished);
    let cell = cell_ptr::<T>(elem);
    // SAFETY: point 1: the cell came from `alloc_cell` in `encode`,
    // nobody else can reach it, and its value is moved out once, here.
    let value = unsafe { (&raw const (*cell).value).read() };
    // SAFETY: dealloc_cell 1: from `alloc_cell`; 2: the value was moved
    // out above and nothing uses the cell after.
    unsafe { dealloc_cell(cell) };
    value
}

/// The layout of a cell's allocation: a `Cell<T>`'s, but at least one
/// byte long, so that every cell has an address of its own. (Without the
/// `accounting` feature a zero-sized element makes a zero-sized cell; as a
/// `Box` every such cell would have the same dangling address, and
/// reclaimers tell retired objects apart by address.)
fn cell_layout<T>() -> Layout {
    let layout = Layout::new::<Cell<T>>();
    Layout::from_size_align(layout.size().max(1), layout.align()).expect("one byte fits any alignment")
}

/// Moves `cell` to the heap, at an address no other live cell has.
#[inline]
fn alloc_cell<T>(cell: Cell<T>) -> *mut Cell<T> {
    if size_of::<Cell<T>>() != 0 {
        return Box::into_raw(Box::new(cell));
    }
    let layout = cell_layout::<T>();
    // SAFETY: `layout` has a non-zero size (cell_layout).
    let p = unsafe { std::alloc::alloc(layout) }.cast::<Cell<T>>();
    if p.is_null() {
        std::alloc::handle_alloc_error(layout);
    }
    // SAFETY: `p` is a fresh allocation of `cell`'s alignment (a write of
    // a zero-sized value touches no byte).
    unsafe { p.write(cell) };
    p
}

/// Frees a cell's memory, without dropping anything in it.
///
/// # Safety
///
/// 1. `cell` came from [`alloc_cell::<T>`] and is freed once.
/// 2. Its value was dropped or moved out, and nothing accesses the cell
///    after the call.
#[inline]
unsafe fn dealloc_cell<T>(cell: *mut Cell<T>) {
    if size_of::<Cell<T>>() != 0 {
        // SAFETY: point 1: a `Box<Cell<T>>`'s allocation, freed as a
        // `Box<ManuallyDrop<..>>` of the same layout (`ManuallyDrop` is
        // `repr(transparent)`), so nothing is dropped again (point 2).
        drop(unsafe { Box::from_raw(cell.cast::<ManuallyDrop<Cell<T>>>()) });
    } else {
        // SAFETY: point 1: allocated by `alloc_cell` with this layout.
        unsafe { std::alloc::dealloc(cell.cast(), cell_layout::<T>()) };
    }
}

/// Drops an element that only the vector can reach (at the vector's drop).
/// Returns the panic of its destructor, if it panicked (the cell is freed
/// anyway).
///
/// # Safety
///
/// 1. `elem` holds a `T` stored by [`encode::<T>`] in this vector, never
///    retired, and nobody can reach it any more: it is dropped once.
pub(crate) unsafe fn drop_owned<T: Element>(elem: Encoded) -> Result<(), Payload> {
    if is_inline::<T>() {
        return Ok(()); // primitives have no destructor
    }
    // SAFETY: point 1.
    unsafe { free_cell(cell_ptr::<T>(elem)) }
}

/// Drops a cell's value (catching a panic of its destructor) and frees the
/// cell.
///
/// # Safety
///
/// 1. `cell` came from `encode` and nobody accesses it during or after
///    the call.
unsafe fn free_cell<T>(cell: *mut Cell<T>) -> Result<(), Payload> {
    // SAFETY: point 1: the cell is live.
    let value = unsafe { &raw mut (*cell).value };
    let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: point 1: the value is live and dropped once.
        unsafe { core::ptr::drop_in_place(value) }
    }));
    // SAFETY: dealloc_cell 1: point 1; 2: the value was dropped above (or
    // its drop panicked, which also ends it), so only the memory is left.
    unsafe { dealloc_cell(cell) };
    dropped
}

impl<T: Element> Retire for Cell<T> {
    /// Drops the element and frees its cell. A destructor that panics here
    /// (on whichever thread the reclaimer runs it) is caught: its message
    /// is printed by the panic hook, the cell is freed, and reclamation goes
    /// on; the panic does not reach the thread, which did not cause it. Its
    /// payload is dropped last, after every count, and never unwinds
    /// ([`drop_payload`]): `reclaim` runs inside a reclaimer's bookkeeping,
    /// and for hazard pointers inside another operation's `retire`.
    unsafe fn reclaim(ptr: *mut Self) {
        // SAFETY: Retire::reclaim safety 1: `ptr` is a live cell.
        #[cfg(feature = "accounting")]
        let home = unsafe { (*ptr).home };
        #[cfg(feature = "accounting")]
        // SAFETY: its home outlives it: Reclaimer safety 3 with the vector's
        // own domain, the share its retire counted in a shared one (home.rs).
        unsafe { home.as_ref() }.count(Event::CellReclaimed);
        // SAFETY: reclaim safety 1 and 2: reclaimed once, unreachable.
        let dropped = unsafe { free_cell(ptr) };
        // SAFETY: release 1: the share counted for this cell's retire (only
        // with accounting: without it a cell never reaches its home); 2:
        // given back once, after the cell's last use of the home.
        #[cfg(feature = "accounting")]
        unsafe {
            Home::release(home)
        };
        if let Err(payload) = dropped {
            drop_payload(payload);
        }
    }

    #[inline]
    unsafe fn birth(ptr: *const Self) -> u64 {
        // SAFETY: Retire::birth safety 1: a live cell.
        unsafe { (*ptr).birth }.era()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Element + PartialEq + core::fmt::Debug + Copy>(v: T) {
        assert!(is_inline::<T>(), "{}", core::any::type_name::<T>());
        // SAFETY: the encoding comes from pack_inline::<T>.
        assert_eq!(unsafe { read_inline::<T>(pack_inline(v)) }, v);
    }

    #[test]
    fn every_primitive_round_trips_inline() {
        round_trip(0xABu8);
        round_trip(-3i16);
        round_trip(0xDEAD_BEEFu32);
        round_trip(u64::MAX);
        round_trip(i64::MIN);
        round_trip(usize::MAX - 1);
        round_trip(1.5f32);
        round_trip(-0.0f64);
        round_trip('λ');
        round_trip(true);
        round_trip(false);
    }

    #[test]
    fn small_values_leave_the_high_bytes_zero() {
        assert_eq!(pack_inline(0xFFu8).0 & !0xFF, 0);
        assert_eq!(pack_inline(u32::MAX).0 >> 32, 0);
    }

    #[test]
    fn everything_else_goes_to_a_cell() {
        assert!(!is_inline::<u128>());
        assert!(!is_inline::<String>());
        assert!(!is_inline::<(u8, u32)>());
        assert!(!is_inline::<[u8; 3]>());
        assert!(!is_inline::<()>());
        assert!(!is_inline::<std::sync::Arc<u64>>());
    }
}
