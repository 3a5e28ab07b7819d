//! Which types a [`SecVec`](crate::SecVec) can hold, and how they become the
//! 64-bit payload of a slot.

/// A type that [`SecVec`](crate::SecVec) can store.
///
/// Every `Copy + Send + Sync + 'static` type that implements
/// [`bytemuck::NoUninit`] (no padding, no uninitialized bytes) is an
/// `Element`: `u8`..`u64`, `i8`..`i64`, `usize`, `isize`, `f32`, `f64`,
/// `char`, `bool`, and `#[repr(C)]` structs without padding (derive
/// `bytemuck::NoUninit`).
///
/// A slot holds the value in 64 bits beside a 64-bit version, so a type
/// larger than 8 bytes is rejected at compile time when a vector of it is
/// built ("SecVec elements must be at most 8 bytes"). A type with padding
/// bytes does not implement `NoUninit`, so it is not an `Element` (its
/// padding would otherwise be read as data). Both rejections are checked by
/// `compile_fail` examples in the `reclaim-leak` crate, next to twins that
/// compile.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a SecVec",
    note = "SecVec elements must be `Copy + Send + Sync + 'static` and `bytemuck::NoUninit` \
            (no padding bytes), and at most 8 bytes large"
)]
pub trait Element: Copy + bytemuck::NoUninit + Send + Sync + 'static {}

impl<T: Copy + bytemuck::NoUninit + Send + Sync + 'static> Element for T {}

/// Compile-time check of the size of `T`, evaluated when a vector of `T` is
/// built (a post-monomorphization error names this constant).
pub(crate) struct SizeCheck<T>(core::marker::PhantomData<T>);

impl<T> SizeCheck<T> {
    pub(crate) const OK: () = assert!(
        core::mem::size_of::<T>() <= 8,
        "SecVec elements must be at most 8 bytes: a slot holds the value in 64 bits beside a 64-bit version"
    );
}

/// Packs `value` into the low `size_of::<T>()` bytes of a `u64` (native byte
/// order, the rest zero).
#[inline]
pub(crate) fn encode<T: Element>(value: T) -> u64 {
    let () = SizeCheck::<T>::OK;
    let mut bytes = [0u8; 8];
    bytes[..core::mem::size_of::<T>()].copy_from_slice(bytemuck::bytes_of(&value));
    u64::from_ne_bytes(bytes)
}

/// Unpacks a value packed by [`encode`].
///
/// # Safety
///
/// 1. `bits` was returned by `encode::<T>` (so its first `size_of::<T>()`
///    bytes are a valid `T`).
#[inline]
pub(crate) unsafe fn decode<T: Element>(bits: u64) -> T {
    let () = SizeCheck::<T>::OK;
    let bytes = bits.to_ne_bytes();
    // SAFETY: size_of::<T>() <= 8 (SizeCheck), so the read stays inside
    // `bytes`; read_unaligned has no alignment requirement; by point 1 the
    // bytes are those of a valid `T`, and `T: Copy` so duplicating it is fine.
    unsafe { core::ptr::read_unaligned(bytes.as_ptr().cast::<T>()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Element + PartialEq + core::fmt::Debug>(v: T) {
        // SAFETY: the bits come from encode::<T>.
        assert_eq!(unsafe { decode::<T>(encode(v)) }, v);
    }

    #[test]
    fn every_small_type_round_trips() {
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
        round_trip([1u8, 2, 3]);
    }

    #[test]
    fn small_types_leave_the_high_bytes_zero() {
        assert_eq!(encode(0xFFu8) & !0xFF, 0);
        assert_eq!(encode(u32::MAX) >> 32, 0);
    }
}
