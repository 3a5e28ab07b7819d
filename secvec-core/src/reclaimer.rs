//! The [`Reclaimer`] trait: the one seam between the algorithm and a
//! memory-reclamation scheme.

use crate::sync::AtomicPtr;

/// A safe-memory-reclamation scheme that [`SecVec`](crate::SecVec) can run on.
///
/// The algorithm needs at most two protected pointers at a time (the
/// current descriptor, and the heap cell of the element being read), so the
/// trait asks for no more than that: a per-vector
/// [`Domain`](Reclaimer::Domain), a [`Guard`](Reclaimer::Guard) that can
/// protect one pointer and a second one, and a way to retire an unlinked
/// pointer. Hazard
/// pointers implement `protect` as "publish, then validate"; epoch schemes
/// as a plain load inside the pinned guard.
///
/// Guards come in two kinds: [`guard`](Reclaimer::guard) for one operation
/// of the vector (cheap, may lean on the reclamation crate's thread-local
/// state; `unsafe` because it must not be kept), and [`pin`](Reclaimer::pin)
/// for a guard that whoever asked may keep as long as it likes.
///
/// # Safety
///
/// An implementation must guarantee, for every domain `d` created by
/// [`new_domain`](Reclaimer::new_domain):
///
/// 1. **Protection.** If [`protect`](Reclaimer::protect) returns a non-null
///    `p` through a guard `g` of `d`, then `p` was the value of `src` at some
///    moment during the call, and `p` is not freed while `g` is alive, until
///    a later `protect` through `g` returns another pointer or `g` is passed
///    to [`refresh`](Reclaimer::refresh), even if `p` is retired into `d`
///    after that moment.
///
///    **Second protection.** If
///    [`protect_second`](Reclaimer::protect_second)`(g, p, reachable)`
///    returns true, `p` is not freed while `g` is alive, until the next
///    `protect_second` through `g` or `refresh(g)`, provided that the
///    caller's side of its contract holds (its safety 1 and 2).
/// 2. **Freeing.** A pointer passed to [`retire`](Reclaimer::retire) is
///    either freed exactly once, by calling [`Retire::reclaim`] on it, or
///    never freed at all. It is not freed while a guard protects it as in
///    point 1. (SecVec's descriptors recycle their memory in `reclaim`: a
///    reclaimer that frees too early lets a reader see a reused
///    descriptor, the ABA that reclamation exists to prevent.)
/// 3. **Shutdown.** When `d` is dropped, every pointer retired into it has
///    either been freed before the drop returns or will never be freed: no
///    [`Retire::reclaim`] of an object retired into `d` runs after `d`'s
///    drop has returned, whatever happened to its guards (dropped, or leaked
///    with `mem::forget`). Nothing the implementation hands out can keep
///    `d`'s reclamation machinery running past `d`: a guard borrows its
///    domain (`Guard<'d>`), and the domain gives out no handle on its
///    internals (such as a clone of an epoch collector). (Descriptors point
///    at their vector's home block; this is what keeps that pointer valid
///    in `reclaim`.)
/// 4. **Threads.** A domain may be shared by any number of threads; a guard
///    is used only by the thread that created it (it need not be `Send`).
///    Per-thread state behind guards is never used by two live threads at
///    once, also while a thread runs its thread-local destructors (crates
///    that hand a thread's id on from its first destructor are not enough:
///    see `secvec_core::per_thread`). A guard from [`pin`](Reclaimer::pin)
///    stays sound when kept anywhere on its thread: in a thread-local whose
///    destructor runs after every other one of the thread, or leaked.
/// 5. **Teardown.** `guard`, `pin`, `protect` and `retire` work when called
///    from a thread-local destructor, after the thread's other thread-local
///    state (the implementation's and its crates') may already be gone. Any
///    exception is documented by the implementation and panics with a clear
///    message; none aborts the process.
/// 6. **Never freeing.** If [`RECLAIMS`](Reclaimer::RECLAIMS) is `false`,
///    [`Retire::reclaim`] is never called on a retired pointer: everything
///    retired stays allocated for good.
/// 7. **No unwinding from `retire`.** [`retire`](Reclaimer::retire) does
///    not unwind, also when it reclaims other objects inline (their
///    [`Retire::reclaim`] never unwinds). SecVec calls it after the CAS
///    that published an operation and before the bookkeeping that depends
///    on it (a pushed element marked as the vector's); it aborts the
///    process, with a message, if `retire` unwinds anyway.
/// 8. **Nested guards.** A thread may hold several guards of one domain at
///    once (see [`guard`](Reclaimer::guard)'s safety 1: user code runs while
///    a guard lives, and may use the same vector, or another vector of the
///    same domain); each protects independently of the others.
pub unsafe trait Reclaimer: Send + Sync + 'static {
    /// Per-vector reclamation state: a hazard-pointer domain, an epoch
    /// collector, or nothing.
    type Domain: Send + Sync;

    /// Protection for a pointer: a hazard pointer, a pinned epoch guard, ...
    /// It borrows its domain (safety point 3).
    type Guard<'d>
    where
        Self: 'd;

    /// Whether retired pointers are ever freed (safety point 6): `false`
    /// only for a reclaimer that leaks by design. A vector in a shared
    /// domain of such a reclaimer frees its home block at its drop, as no
    /// reclaim will ever reach it.
    const RECLAIMS: bool = true;

    /// Creates the reclamation state of one vector, or of several that
    /// share it ([`SharedDomain`](crate::SharedDomain)).
    fn new_domain() -> Self::Domain;

    /// The birth era to stamp on an object that a vector of `domain` is
    /// about to publish: for schemes that reserve intervals of eras
    /// (interval-based reclamation), which free an object only when no
    /// reader's interval meets its lifetime, from birth to retirement.
    ///
    /// SecVec calls it for every descriptor and element cell it makes,
    /// fresh or recycled from its pool (a recycled object is a new one,
    /// born anew), before the object can be reached, and
    /// [`Retire::birth`] gives the stamp back at retirement. The stamp is
    /// kept only with secvec-core's `birth-eras` feature (8 bytes more per
    /// descriptor and cell, so only a scheme that needs it enables it);
    /// without it `Retire::birth` answers 0, "born before everything",
    /// which is always safe and merely holds objects back longer. Schemes
    /// without eras keep the default, which reads nothing.
    #[inline]
    fn birth_era(domain: &Self::Domain) -> u64 {
        let _ = domain;
        0
    }

    /// Starts one operation of the vector in `domain`: the cheapest guard
    /// the scheme has.
    ///
    /// # Safety
    ///
    /// The caller guarantees:
    ///
    /// 1. The guard is dropped on the thread that created it, before the
    ///    operation that created it returns (normally or by unwinding): it
    ///    is never stored, leaked with `mem::forget`, or returned. (Use
    ///    [`pin`](Reclaimer::pin) for that.) So the thread cannot exit,
    ///    nor run its thread-local destructors, while the guard lives.
    ///
    /// Code the caller does not control may run while the guard lives: an
    /// element's `Clone` (which must run under protection) or `Drop`, and
    /// anything that code does, including panicking (the guard is dropped
    /// by the unwinding) and other operations on this vector or on other
    /// vectors of `domain` (nested guards, safety point 8). Such code holds
    /// back reclamation while it runs, as a handle does: SecVec runs no
    /// more of it under a guard than it must (an iterator of a batch runs
    /// before the guard is taken).
    unsafe fn guard(domain: &Self::Domain) -> Self::Guard<'_>;

    /// A guard that the caller may keep for as long as it likes on this
    /// thread (safety point 4): for handles and stalled readers.
    fn pin(domain: &Self::Domain) -> Self::Guard<'_>;

    /// Loads `src` (with at least `Acquire` ordering) and protects the result
    /// for as long as `guard` lives or until `guard` protects something else.
    fn protect<T: Sync>(guard: &mut Self::Guard<'_>, src: &AtomicPtr<T>) -> *mut T;

    /// Protects `ptr` as well, as the guard's second protection, for as long as
    /// `guard` lives or until the next `protect_second` through it (or
    /// `refresh`): SecVec uses it for an element's heap cell, read from a
    /// slot while the guard protects the descriptor that leads to it.
    ///
    /// Schemes that publish a pointer (hazard pointers) publish `ptr`, make
    /// the publication visible to reclaiming threads (a full fence), then
    /// call `reachable`: if it returns false, `ptr` may already be retired,
    /// nothing is protected, and they return false. Schemes whose guards
    /// protect everything retired after they started (epochs, seize) need
    /// no validation and return true without calling `reachable`.
    ///
    /// # Contract
    ///
    /// Not an `unsafe fn` (calling it never harms anything), but the
    /// protection holds only if the caller guarantees:
    ///
    /// 1. `ptr` was read after `guard` was created or last refreshed, from
    ///    memory that `guard` protected at the time (so it had not been
    ///    retired when the guard's protection began), and it is retired, if
    ///    ever, into this guard's domain.
    /// 2. If `reachable()` returns true, `ptr` had not been retired when
    ///    `reachable` was called.
    fn protect_second<T: Sync>(
        guard: &mut Self::Guard<'_>,
        ptr: *mut T,
        reachable: impl FnOnce() -> bool,
    ) -> bool;

    /// Lets reclamation advance past a guard that is kept (a handle in a
    /// long loop): afterwards nothing it protected before is protected
    /// through it any more, as if it had been dropped and taken anew.
    fn refresh(guard: &mut Self::Guard<'_>);

    /// Hands over `ptr`, already unlinked, to be freed with
    /// [`Retire::reclaim`] once no guard can reach it.
    ///
    /// # Safety
    ///
    /// The caller guarantees:
    ///
    /// 1. `ptr` is valid for `T::reclaim` (for SecVec's descriptors: it came
    ///    from the vector's allocator) and has not been freed.
    /// 2. `ptr` is unlinked: it is no longer stored in any `AtomicPtr` that
    ///    guards of `domain` protect, so no `protect` that starts from now on
    ///    can return it.
    /// 3. `ptr` is retired at most once, into the domain whose guards
    ///    protected it, and nobody accesses it after this call except through
    ///    a guard that protected it before the call.
    /// 4. `guard` belongs to `domain`.
    unsafe fn retire<T: Retire>(domain: &Self::Domain, guard: &Self::Guard<'_>, ptr: *mut T);
}

/// An object a [`Reclaimer`] can retire: it knows how to free itself.
///
/// Reclaimers call [`reclaim`](Retire::reclaim) instead of dropping a
/// `Box`, so the owner of the objects decides where their memory goes.
/// SecVec's descriptors return it to the vector's pool for the next
/// operation (see the crate's README for what that saves); a reclaimer
/// never needs to know.
pub trait Retire: Send + 'static {
    /// Drops the object at `ptr` and frees (or recycles) its memory.
    ///
    /// # Safety
    ///
    /// The caller guarantees:
    ///
    /// 1. `ptr` was passed to [`Reclaimer::retire`] and has not been
    ///    reclaimed since: `reclaim` runs at most once per retire.
    /// 2. No guard can reach `ptr` any more (Reclaimer safety 1 and 2), and
    ///    nothing accesses `*ptr` during or after the call.
    ///
    /// # Unwinding
    ///
    /// Implementations must not unwind: reclaimers call this inside their
    /// own bookkeeping, and hazard pointers inside another operation's
    /// `retire` (`Reclaimer` safety 7). SecVec's element cells catch a
    /// panicking element destructor, and the panic's payload is dropped
    /// the same way.
    unsafe fn reclaim(ptr: *mut Self);

    /// The birth era stamped on the object when it was made
    /// ([`Reclaimer::birth_era`]), or 0 (born before everything) for an
    /// object that keeps none: SecVec's descriptors and cells keep it
    /// with secvec-core's `birth-eras` feature.
    ///
    /// A reclaimer may treat the answer as a lower bound of every era in
    /// which a reader could have reached the object: the stamp is taken
    /// before the object is published.
    ///
    /// # Safety
    ///
    /// The caller guarantees:
    ///
    /// 1. `ptr` points at a live object (retired, not yet reclaimed).
    #[inline]
    unsafe fn birth(ptr: *const Self) -> u64 {
        let _ = ptr;
        0
    }
}

/// A retired pointer with its type erased, for reclaimers that keep lists
/// of garbage of several types (descriptors and element cells): its
/// address, and the [`Retire::reclaim`] of its type.
///
/// ```
/// use secvec_core::RetiredPtr;
/// # struct Object;
/// # impl secvec_core::Retire for Object {
/// #     unsafe fn reclaim(ptr: *mut Self) { drop(unsafe { Box::from_raw(ptr) }) }
/// # }
/// let retired = RetiredPtr::new(Box::into_raw(Box::new(Object)));
/// assert_ne!(retired.addr(), 0);
/// // SAFETY: the object was never shared: nothing can reach it.
/// unsafe { retired.reclaim() };
/// ```
#[derive(Debug)]
pub struct RetiredPtr {
    ptr: *mut (),
    reclaim: unsafe fn(*mut ()),
}

// SAFETY: `ptr` points at a `T: Retire`, and `Retire: Send`: reclaiming it
// on another thread is what its type allows; a `RetiredPtr` gives no other
// access to it.
unsafe impl Send for RetiredPtr {}

impl RetiredPtr {
    /// Erases `ptr`'s type, keeping `T::reclaim`.
    pub fn new<T: Retire>(ptr: *mut T) -> RetiredPtr {
        RetiredPtr { ptr: ptr.cast(), reclaim: reclaim_as::<T> }
    }

    /// The address of the retired object (what hazard pointers name).
    pub fn addr(&self) -> usize {
        self.ptr as usize
    }

    /// Reclaims the object: [`Retire::reclaim`] of its type.
    ///
    /// # Safety
    ///
    /// The caller guarantees:
    ///
    /// 1. The pointer satisfies [`Retire::reclaim`]'s safety contract (it
    ///    was retired, is reclaimed once, and no guard can reach it).
    pub unsafe fn reclaim(self) {
        // SAFETY: point 1; `reclaim` is `reclaim_as::<T>` for the `T` the
        // pointer was made from.
        unsafe { (self.reclaim)(self.ptr) }
    }
}

/// `T::reclaim` behind a type-erased pointer.
///
/// # Safety
///
/// 1. `ptr` is a `*mut T` that satisfies `T::reclaim`'s safety contract.
unsafe fn reclaim_as<T: Retire>(ptr: *mut ()) {
    // SAFETY: point 1.
    unsafe { T::reclaim(ptr.cast()) }
}
