//! The conformance suite: every check of the vector's behaviour, generic
//! over the [`Reclaimer`](secvec_core::Reclaimer), so that a reclaimer
//! written anywhere can run all of it against itself.
//!
//! Each area is a module of `pub fn check<R: Reclaimer>()`s: sequential
//! behaviour, concurrency (conservation, uniqueness, recorded histories
//! checked for linearizability), elements that own resources (every
//! destructor once, a `Ref` keeping its element alive), accounting
//! identities, hostile programs (thread-local destructors, reused thread
//! ids, leaked guards), panicking user code, handles, shared domains,
//! zero-sized elements, a model-based property test and the standard
//! traits. [`conformance!`](macro@crate::conformance) turns them into `#[test]`s;
//! the workspace runs them on its own backends the same way
//! (`secvec-suite/tests/conformance.rs`).
//!
//! What the suite can and cannot see natively: a reclaimer that frees an
//! element a guard still protects is caught deterministically, on one
//! thread, by [`elements::a_ref_keeps_a_removed_element_alive`] (the elements
//! record their own drop in a census that is checked before every read);
//! a descriptor freed too early is a read of freed memory, which only Miri
//! and AddressSanitizer see reliably: run the suite under both (see the
//! crate's README).

pub mod model;
pub mod panics;
pub mod pinned;
pub mod std_traits;
pub mod zero_sized;

#[cfg(feature = "accounting")]
pub mod accounting;
#[cfg(feature = "accounting")]
pub mod concurrent;
#[cfg(feature = "accounting")]
pub mod elements;
#[cfg(feature = "accounting")]
pub mod garbage;
#[cfg(feature = "accounting")]
pub mod hostile;
#[cfg(feature = "accounting")]
pub mod leaked_guard;
#[cfg(feature = "accounting")]
pub mod sequential;
#[cfg(feature = "accounting")]
pub mod shared;

/// Runs the whole conformance suite against a reclaimer: expands, where it
/// is invoked, to one module per area holding one `#[test]` per check.
///
/// ```ignore
/// // tests/conformance.rs of the crate that defines `MyReclaimer`:
/// use my_reclaimer::MyReclaimer;
/// secvec_suite::conformance!(MyReclaimer);
/// ```
///
/// Invoke it once per module (each invocation defines the modules
/// `sequential`, `concurrent`, ...); for two reclaimers, wrap each in a
/// module of its own. The type is named from inside those modules, which
/// see their parent's items (`use super::*`): a type in scope where the
/// macro is invoked, or a path that starts with a crate's name, works.
///
/// A reclaimer that promises bounded garbage adds the bound:
/// `conformance!(MyReclaimer, garbage_bound = 5_000)` also checks that
/// push/pop on four threads never holds more than that many retired
/// descriptors, with all threads progressing or a reader stalled
/// ([`garbage::stays_within`]). The allocator cross-check needs a test
/// binary of its own: [`conformance_alloc!`](crate::conformance_alloc).
///
/// Checks that read the vector's accounting are left out unless
/// `secvec-suite`'s `accounting` feature is on (it is by default). The
/// sizes shrink under Miri and in debug builds; `SECVEC_STRESS_OPS`,
/// `SECVEC_PROPTEST_CASES` and `SECVEC_LIN_HISTORIES` change them.
///
/// (`conformance!(@every_backend)` is the workspace's own form: one
/// `#[test]` per check that runs it on every backend of
/// [`for_each_backend!`](crate::for_each_backend).)
#[macro_export]
macro_rules! conformance {
    (@every_backend) => {
        $crate::__conformance_checks!(__conformance_tests!(@every_backend));
    };
    ($r:ty) => {
        $crate::__conformance_checks!(__conformance_tests!($r));
    };
    ($r:ty, garbage_bound = $bound:expr) => {
        $crate::conformance!($r);
        mod garbage_bound {
            #[allow(unused_imports)]
            use super::*;
            #[test]
            fn peak_garbage_stays_within_the_bound() {
                $crate::conformance::garbage::stays_within::<$r>($bound);
            }
        }
    };
}

/// The allocator cross-check of one reclaimer, as a whole test binary: a
/// counting global allocator ([`Counting`](crate::alloc::Counting)) and a
/// `main` that runs [`crosscheck::main`](crate::alloc::crosscheck::main)
/// (push/pop with inline and heap elements, in an own and a shared
/// domain: the bytes still allocated after everything is dropped must be
/// the bytes the vector's accounting says leaked).
///
/// It installs a global allocator, so it needs a test target of its own
/// without libtest's harness (whose threads allocate while it measures):
///
/// ```toml
/// [[test]]
/// name = "alloc"
/// harness = false
/// ```
///
/// ```ignore
/// // tests/alloc.rs
/// secvec_suite::conformance_alloc!(my_reclaimer::MyReclaimer);
/// ```
#[cfg(feature = "accounting")]
#[macro_export]
macro_rules! conformance_alloc {
    ($r:ty) => {
        #[global_allocator]
        static SECVEC_SUITE_COUNTING: $crate::alloc::Counting = $crate::alloc::Counting::SYSTEM;

        fn main() {
            $crate::alloc::crosscheck::main::<$r>();
        }
    };
}

/// The one list of checks, per area, handed to `$callback` (the areas
/// that read the accounting come from the macro below).
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_checks {
    ($callback:ident!($($args:tt)*)) => {
        $crate::$callback! { ($($args)*)
            panics { a_nasty_panic_payload_cannot_break_a_push, a_drop_with_nasty_panics_gives_up_its_domain_first,
                a_refused_value_is_dropped_before_the_panic }
            pinned { handle_operations_match_the_plain_ones, a_reader_sees_other_threads_writes,
                readers_through_handles_during_writes }
            zero_sized { zero_sized_elements_are_dropped_once }
            model { model_proptest }
            std_traits { constructions_hold_what_a_vec_would, extend_and_iterate_like_a_vec,
                a_clone_is_an_independent_snapshot }
        }
        $crate::__conformance_accounting_checks!($callback!($($args)*));
    };
}

/// The checks that read the vector's accounting, per area.
#[doc(hidden)]
#[macro_export]
#[cfg(feature = "accounting")]
macro_rules! __conformance_accounting_checks {
    ($callback:ident!($($args:tt)*)) => {
        $crate::$callback! { ($($args)*)
            sequential { empty_vector, push_returns_indices, bucket_boundaries, pop_is_lifo, set_and_its_errors,
                clear_restarts_at_zero, reserve_and_with_capacity, reserve_beyond_what_can_exist, bounded_capacity,
                snapshot_iter_debug, collect_extend_default, element_types, boxed_closures, batches,
                a_refused_batch_stops_at_the_first_element_that_does_not_fit, batches_through_a_handle }
            concurrent { concurrent_pushes_are_unique, stress_conservation, batches_conserve_elements, set_racing_pop,
                readers_during_writes, linearizable_histories }
            elements { every_destructor_runs_once_under_contention,
                reads_race_removals, a_ref_keeps_a_removed_element_alive, a_panicking_clone_leaves_the_vector_consistent,
                a_panicking_drop_loses_nothing_else }
            accounting { accounting_identities, accounting_with_many_threads, drop_frees_what_it_should,
                reclaimed_descriptors_are_recycled, a_batch_is_one_descriptor }
            hostile { exiting_and_new_thread_share_nothing, operations_from_thread_local_destructors }
            leaked_guard { leaked_guard_then_drop }
            garbage { garbage_is_freed_while_threads_progress,
                garbage_is_freed_while_threads_progress_through_handles }
            shared { vectors_in_one_domain_keep_their_own_accounting, a_dropped_vector_leaves_its_garbage_to_the_domain,
                the_last_reclaim_frees_a_dropped_vectors_home, the_domain_outlives_its_handle }
        }
    };
}

/// Without the accounting, its checks are left out.
#[doc(hidden)]
#[macro_export]
#[cfg(not(feature = "accounting"))]
macro_rules! __conformance_accounting_checks {
    ($($anything:tt)*) => {};
}

/// Turns the list into `#[test]`s: on every backend of the workspace, or on
/// one reclaimer.
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_tests {
    ((@every_backend) $($area:ident { $($check:ident),* $(,)? })*) => {$(
        mod $area {$(
            #[test]
            fn $check() {
                $crate::for_each_backend!(|R| $crate::conformance::$area::$check::<R>());
            }
        )*}
    )*};
    (($r:ty) $($area:ident { $($check:ident),* $(,)? })*) => {$(
        mod $area {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[test]
                fn $check() {
                    $crate::conformance::$area::$check::<$r>();
                }
            )*
        }
    )*};
}
