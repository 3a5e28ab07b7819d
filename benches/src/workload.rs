//! What the workers do: a [`Workload`] is three independent choices, an
//! operation [`Mix`], the element type ([`ElementKind`]), and whether each
//! worker goes through a handle ([`Workload::pinned`]).

use crate::runner::Ops;
use secvec_suite::elem::{Str24, TestElem};

/// Elements per append of [`Mix::Extend64`].
pub const BATCH: usize = 64;

/// A worker's handle is refreshed after this many operations (papaya and
/// flurry re-pin about as often), so epochs and seize keep reclaiming.
pub const REFRESH_EVERY: usize = 1024;

/// Elements placed in the structure before the timed part of most workloads.
pub const PREFILL: usize = 1024;

/// The operations a worker runs, drawn from its random stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mix {
    /// Every operation is a push onto an initially empty structure.
    Push,
    /// Every operation is a pop from a structure pre-filled with one element
    /// per operation.
    Pop,
    /// 50% push, 50% pop, on a structure pre-filled with [`PREFILL`] elements.
    PushPop,
    /// 90% get, 5% push, 5% pop, pre-filled with [`PREFILL`].
    ReadHeavy,
    /// 100% get, pre-filled with [`PREFILL`].
    GetOnly,
    /// 50% set, 50% get, pre-filled with [`PREFILL`].
    SetHeavy,
    /// Every operation appends [`BATCH`] elements with one call
    /// (`extend_from_slice`); about one in 32 truncates the vector back to
    /// [`PREFILL`] instead, so that it does not grow without bound.
    /// Reported in elements appended per second.
    Extend64,
}

impl Mix {
    /// Its name in benchmark ids, file names and tables.
    pub fn name(self) -> &'static str {
        match self {
            Mix::Push => "push",
            Mix::Pop => "pop",
            Mix::PushPop => "push-pop",
            Mix::ReadHeavy => "read-heavy",
            Mix::GetOnly => "get",
            Mix::SetHeavy => "set-heavy",
            Mix::Extend64 => "extend-64",
        }
    }

    /// The operations it needs from a contender.
    pub fn needs(self) -> Ops {
        match self {
            Mix::Push => Ops { push: true, ..Ops::NONE },
            Mix::Pop | Mix::PushPop => Ops { push: true, pop: true, ..Ops::NONE },
            Mix::ReadHeavy => Ops { push: true, pop: true, get: true, ..Ops::NONE },
            Mix::GetOnly => Ops { push: true, get: true, ..Ops::NONE },
            Mix::SetHeavy => Ops { push: true, get: true, set: true, ..Ops::NONE },
            Mix::Extend64 => Ops { batch: true, ..Ops::NONE },
        }
    }
}

/// The element type a workload stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElementKind {
    /// `u64`: inline in SecVec's slots.
    U64,
    /// [`Str24`]: a heap-owning string, in a cell per element; every push
    /// allocates one, every get or pop returns a clone.
    Str24,
}

impl ElementKind {
    /// Its name ([`TestElem::NAME`]).
    pub fn name(self) -> &'static str {
        match self {
            ElementKind::U64 => u64::NAME,
            ElementKind::Str24 => Str24::NAME,
        }
    }
}

/// One workload of the matrix: a mix, an element type, and whether each
/// worker runs its operations through one SecVec handle (`SecVec::pin`,
/// refreshed every [`REFRESH_EVERY`] operations; only SecVec offers it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Workload {
    /// The operations.
    pub mix: Mix,
    /// The element type.
    pub element: ElementKind,
    /// Through a handle per worker.
    pub pinned: bool,
}

impl Workload {
    /// `mix` on `u64`s, without handles.
    pub const fn of(mix: Mix) -> Workload {
        Workload { mix, element: ElementKind::U64, pinned: false }
    }

    /// The same with heap elements.
    pub const fn strings(self) -> Workload {
        Workload { element: ElementKind::Str24, ..self }
    }

    /// The same through handles.
    pub const fn through_handles(self) -> Workload {
        Workload { pinned: true, ..self }
    }

    /// The push/pop workload on `u64`s, the one most sections report.
    pub const PUSH_POP: Workload = Workload::of(Mix::PushPop);

    /// All workloads of the matrix, in report order (the writes through
    /// handles last: they show what the guard costs a write).
    pub const ALL: [Workload; 14] = [
        Workload::of(Mix::Push),
        Workload::of(Mix::Pop),
        Workload::PUSH_POP,
        Workload::of(Mix::ReadHeavy),
        Workload::of(Mix::GetOnly),
        Workload::of(Mix::SetHeavy),
        Workload::of(Mix::GetOnly).through_handles(),
        Workload::of(Mix::ReadHeavy).through_handles(),
        Workload::PUSH_POP.strings(),
        Workload::of(Mix::GetOnly).strings(),
        Workload::of(Mix::ReadHeavy).strings(),
        Workload::of(Mix::Extend64),
        Workload::of(Mix::Push).through_handles(),
        Workload::PUSH_POP.through_handles(),
    ];

    /// Its name in benchmark ids, file names and tables: the mix's, then
    /// `-string` for heap elements and `-pinned` through handles
    /// (`push-pop`, `get-string`, `read-heavy-pinned`, ...).
    pub fn name(self) -> String {
        let element = if self.element == ElementKind::Str24 { "-string" } else { "" };
        let pinned = if self.pinned { "-pinned" } else { "" };
        format!("{}{element}{pinned}", self.mix.name())
    }

    /// The workload named `name` ([`Workload::name`]), if it is one of
    /// [`ALL`](Workload::ALL).
    pub fn named(name: &str) -> Option<Workload> {
        Workload::ALL.into_iter().find(|w| w.name() == name)
    }

    /// What one unit of its reported throughput is: an operation, or (for
    /// a batch mix) an element.
    pub fn per_op(self) -> usize {
        if self.mix == Mix::Extend64 { BATCH } else { 1 }
    }

    /// The unit its throughput is reported in.
    pub fn unit(self) -> &'static str {
        if self.mix == Mix::Extend64 { "M elements/s" } else { "Mops/s" }
    }

    /// The workload without handles (what a pinned one is compared with).
    pub fn without_handles(self) -> Workload {
        Workload { pinned: false, ..self }
    }

    /// The operations it needs from a contender.
    pub fn needs(self) -> Ops {
        Ops { pin: self.pinned, ..self.mix.needs() }
    }

    /// Elements placed before the timed part, for `total_ops` operations.
    pub(crate) fn prefill(self, total_ops: usize) -> usize {
        match self.mix {
            Mix::Push => 0,
            Mix::Pop => total_ops,
            _ => PREFILL,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        for w in Workload::ALL {
            assert_eq!(Workload::named(&w.name()), Some(w));
        }
        let mut names: Vec<String> = Workload::ALL.iter().map(|w| w.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Workload::ALL.len());
        assert_eq!(Workload::ALL[7].name(), "read-heavy-pinned");
        assert_eq!(Workload::ALL[9].name(), "get-string");
        assert_eq!(Workload::ALL[13].name(), "push-pop-pinned");
    }
}
