//! A linearizability checker for recorded histories of vector operations
//! (Wing & Gong's search, with memoization as in Lowe's refinement).
//!
//! Threads record each operation with the value of a shared clock read just
//! before the call (`inv`) and just after it returned (`resp`). A history is
//! linearizable if the operations can be put in one sequence that respects
//! real time (if `a.resp < b.inv`, `a` comes first) and in which every
//! operation returns what it would on a `Vec` (the sequential model).
//!
//! The search tries, at each step, every operation that no remaining
//! operation must precede, applies it to the model, and backtracks on a
//! wrong result; (remaining set, model state) pairs already refuted are
//! skipped. Histories are short (at most 64 operations), so this is fast.

#[cfg(loom)]
use loom::sync::atomic::AtomicU64;
use secvec_core::{Pinned, Reclaimer, SecVec};
use std::collections::HashSet;
#[cfg(not(loom))]
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering;

/// An operation and the result it returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Call {
    /// `push(v)` returned this index.
    Push(u8, usize),
    /// `pop()` returned this.
    Pop(Option<u8>),
    /// `get(i)` returned this.
    Get(usize, Option<u8>),
    /// `set(i, v)` returned the old value, or the length it was out of range of.
    Set(usize, u8, Result<u8, usize>),
    /// `len()` returned this.
    Len(usize),
    /// `clear()`
    Clear,
    /// `extend_from_slice(&[v; n])` returned this start index.
    Extend(u8, u8, usize),
    /// `truncate(len)`
    Truncate(usize),
    /// `pop_n(n)` returned `got[..count]` (`n <= 3`).
    PopN(u8, u8, [u8; 3]),
}

/// An operation to perform (the result is filled in by [`perform`]); the
/// model property test draws the same operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `push(v)`
    Push(u8),
    /// `pop()`
    Pop,
    /// `get(i)`
    Get(usize),
    /// `set(i, v)`
    Set(usize, u8),
    /// `len()`
    Len,
    /// `clear()`
    Clear,
    /// `extend_from_slice(&[v; n])`: a batch of `n` copies of `v`.
    Extend(u8, u8),
    /// `truncate(len)`
    Truncate(usize),
    /// `pop_n(n)`, `n <= 3`.
    PopN(u8),
}

/// One completed operation in a history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// Recording thread.
    pub thread: usize,
    /// Clock value read before the call.
    pub inv: u64,
    /// Clock value read after the call returned.
    pub resp: u64,
    /// What was called and what it returned.
    pub call: Call,
}

/// The operations the checker needs from a vector under test, so that
/// deliberately broken vectors can be checked too (negative controls).
#[allow(clippy::len_without_is_empty)] // mirrors exactly the operations that are checked
pub trait Target {
    /// `push`, returning the index.
    fn push(&self, v: u8) -> usize;
    /// `pop`
    fn pop(&self) -> Option<u8>;
    /// `get`
    fn get(&self, i: usize) -> Option<u8>;
    /// `set`: the old value, or the length `i` was out of range of.
    fn set(&self, i: usize, v: u8) -> Result<u8, usize>;
    /// `len`
    fn len(&self) -> usize;
    /// `clear`
    fn clear(&self);
    /// `extend_from_slice`, returning the start index.
    fn extend(&self, values: &[u8]) -> usize;
    /// `truncate`
    fn truncate(&self, len: usize);
    /// `pop_n`
    fn pop_n(&self, n: usize) -> Vec<u8>;
}

/// An element type the checker can run a vector of: the history speaks of
/// small numbers, and each element type represents them its own way.
pub trait Elem: secvec_core::Element + Clone {
    /// The element that stands for `v`.
    fn from_u8(v: u8) -> Self;
    /// The number this element stands for.
    ///
    /// # Panics
    ///
    /// If it is not an element `from_u8` makes (a torn or freed one).
    fn to_u8(&self) -> u8;
}

impl Elem for u8 {
    fn from_u8(v: u8) -> Self {
        v
    }
    fn to_u8(&self) -> u8 {
        *self
    }
}

/// Heap elements: a string that owns an allocation, longer than a slot,
/// whose whole contents are checked on every read.
impl Elem for String {
    fn from_u8(v: u8) -> Self {
        format!("element {v:03} {}", "#".repeat(usize::from(v)))
    }
    fn to_u8(&self) -> u8 {
        let v: u8 = self
            .get(8..11)
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("corrupt element {self:?}"));
        assert_eq!(*self, Self::from_u8(v), "corrupt element");
        v
    }
}

impl<E: Elem, R: Reclaimer> Target for SecVec<E, R> {
    fn push(&self, v: u8) -> usize {
        SecVec::push(self, E::from_u8(v))
    }
    fn pop(&self) -> Option<u8> {
        SecVec::pop(self).map(|e| e.to_u8())
    }
    fn get(&self, i: usize) -> Option<u8> {
        SecVec::get(self, i).map(|e| e.to_u8())
    }
    fn set(&self, i: usize, v: u8) -> Result<u8, usize> {
        SecVec::set(self, i, E::from_u8(v)).map(|e| e.to_u8()).map_err(|e| e.len)
    }
    fn len(&self) -> usize {
        SecVec::len(self)
    }
    fn clear(&self) {
        SecVec::clear(self)
    }
    fn extend(&self, values: &[u8]) -> usize {
        let batch: Vec<E> = values.iter().map(|&v| E::from_u8(v)).collect();
        SecVec::extend_from_slice(self, &batch).start
    }
    fn truncate(&self, len: usize) {
        SecVec::truncate(self, len)
    }
    fn pop_n(&self, n: usize) -> Vec<u8> {
        SecVec::pop_n(self, n).iter().map(Elem::to_u8).collect()
    }
}

/// Operations through a pinned handle, on the thread that made it (a
/// `RefCell` because the handle's operations take `&mut`). Reads go through
/// `get_ref`, the zero-copy path.
impl<E: Elem, R: Reclaimer> Target for core::cell::RefCell<Pinned<'_, E, R>> {
    fn push(&self, v: u8) -> usize {
        self.borrow_mut().push(E::from_u8(v))
    }
    fn pop(&self) -> Option<u8> {
        self.borrow_mut().pop().map(|e| e.to_u8())
    }
    fn get(&self, i: usize) -> Option<u8> {
        self.borrow_mut().get_ref(i).map(Elem::to_u8)
    }
    fn set(&self, i: usize, v: u8) -> Result<u8, usize> {
        self.borrow_mut().set(i, E::from_u8(v)).map(|e| e.to_u8()).map_err(|e| e.len)
    }
    fn len(&self) -> usize {
        self.borrow_mut().len()
    }
    fn clear(&self) {
        self.borrow_mut().clear()
    }
    fn extend(&self, values: &[u8]) -> usize {
        self.borrow_mut().extend_from_iter(values.iter().map(|&v| E::from_u8(v))).start
    }
    fn truncate(&self, len: usize) {
        self.borrow_mut().truncate(len)
    }
    fn pop_n(&self, n: usize) -> Vec<u8> {
        self.borrow_mut().pop_n(n).iter().map(Elem::to_u8).collect()
    }
}

/// A shared logical clock for recording.
///
/// Its ticks are `SeqCst` read-modify-writes of one atomic, so an operation
/// whose invocation tick reads a later value than another's response tick
/// also *happens after* it: "real-time order" in the check is an order the
/// threads could observe, which is what linearizability can promise under
/// the C++/Rust memory model. (Under loom the clock is a loom atomic for the
/// same reason: a clock loom did not model would claim orders no
/// synchronization established, and loom would rightly show stale reads.)
#[derive(Debug)]
pub struct Clock(AtomicU64);

impl Default for Clock {
    fn default() -> Self {
        Clock(AtomicU64::new(0))
    }
}

impl Clock {
    fn tick(&self) -> u64 {
        self.0.fetch_add(1, Ordering::SeqCst)
    }
}

/// Performs `op` on `target` and records it.
pub fn perform<V: Target + ?Sized>(target: &V, clock: &Clock, thread: usize, op: Op) -> Event {
    let inv = clock.tick();
    let call = match op {
        Op::Push(v) => Call::Push(v, target.push(v)),
        Op::Pop => Call::Pop(target.pop()),
        Op::Get(i) => Call::Get(i, target.get(i)),
        Op::Set(i, v) => Call::Set(i, v, target.set(i, v)),
        Op::Len => Call::Len(target.len()),
        Op::Clear => {
            target.clear();
            Call::Clear
        }
        Op::Extend(v, n) => Call::Extend(v, n, target.extend(&vec![v; usize::from(n)])),
        Op::Truncate(len) => {
            target.truncate(len);
            Call::Truncate(len)
        }
        Op::PopN(n) => {
            assert!(n <= 3, "histories pop at most 3 at once");
            let got = target.pop_n(usize::from(n));
            let mut out = [0; 3];
            out[..got.len()].copy_from_slice(&got);
            Call::PopN(n, got.len() as u8, out)
        }
    };
    Event { thread, inv, resp: clock.tick(), call }
}

/// What the sequential model returns for `call`'s operation on `model`
/// (applying it), compared with what was recorded.
fn apply(model: &mut Vec<u8>, call: &Call) -> bool {
    match *call {
        Call::Push(v, index) => {
            model.push(v);
            index == model.len() - 1
        }
        Call::Pop(got) => model.pop() == got,
        Call::Get(i, got) => model.get(i).copied() == got,
        Call::Set(i, v, got) => {
            let want = match model.get_mut(i) {
                Some(x) => Ok(std::mem::replace(x, v)),
                None => Err(model.len()),
            };
            want == got
        }
        Call::Len(got) => model.len() == got,
        Call::Clear => {
            model.clear();
            true
        }
        Call::Extend(v, n, start) => {
            let want = model.len();
            model.extend(std::iter::repeat_n(v, usize::from(n)));
            // An empty batch changes nothing; its start is the length.
            start == want
        }
        Call::Truncate(len) => {
            model.truncate(len);
            true
        }
        Call::PopN(n, count, got) => {
            let k = usize::from(n).min(model.len());
            let tail = model.split_off(model.len() - k);
            tail.len() == usize::from(count) && tail[..] == got[..tail.len()]
        }
    }
}

/// Whether `history`, run from a vector holding `initial`, is linearizable.
/// On success returns one witness order (indices into `history`).
///
/// # Panics
///
/// If the history has more than 64 operations.
pub fn check(initial: &[u8], history: &[Event]) -> Result<Vec<usize>, String> {
    check_ending(initial, history, None)
}

/// As [`check`], but the order must also end in `last`, the contents the
/// vector was found to hold after the history: operations that return
/// nothing (`clear`, `truncate`) can leave several orders open, and only
/// some of them lead to what the vector holds.
pub fn check_ending(initial: &[u8], history: &[Event], last: Option<&[u8]>) -> Result<Vec<usize>, String> {
    assert!(history.len() <= 64, "histories are limited to 64 operations");
    let all: u64 = if history.len() == 64 { u64::MAX } else { (1u64 << history.len()) - 1 };
    let mut refuted: HashSet<(u64, Vec<u8>)> = HashSet::new();
    let mut order = Vec::with_capacity(history.len());
    if search(history, all, &mut initial.to_vec(), last, &mut refuted, &mut order) {
        Ok(order)
    } else {
        let ending = last.map(|l| format!(" ending in {l:?}")).unwrap_or_default();
        Err(format!("not linearizable from {initial:?}{ending}:\n{}", render(history)))
    }
}

fn search(
    h: &[Event],
    remaining: u64,
    model: &mut Vec<u8>,
    last: Option<&[u8]>,
    refuted: &mut HashSet<(u64, Vec<u8>)>,
    order: &mut Vec<usize>,
) -> bool {
    if remaining == 0 {
        return last.is_none_or(|l| l == &model[..]);
    }
    if refuted.contains(&(remaining, model.clone())) {
        return false;
    }
    // The earliest response among remaining operations: an operation invoked
    // after it must wait for that one.
    let min_resp =
        (0..h.len()).filter(|&i| remaining & (1 << i) != 0).map(|i| h[i].resp).min().unwrap_or(u64::MAX);
    for i in 0..h.len() {
        if remaining & (1 << i) == 0 || h[i].inv > min_resp {
            continue;
        }
        let saved = model.clone();
        if apply(model, &h[i].call) {
            order.push(i);
            if search(h, remaining & !(1 << i), model, last, refuted, order) {
                return true;
            }
            order.pop();
        }
        *model = saved;
    }
    refuted.insert((remaining, model.clone()));
    false
}

/// The history, one operation per line, in invocation order.
pub fn render(history: &[Event]) -> String {
    let mut h = history.to_vec();
    h.sort_by_key(|e| e.inv);
    h.iter().map(|e| format!("  t{} [{:>3},{:>3}] {:?}\n", e.thread, e.inv, e.resp, e.call)).collect()
}

/// Runs `threads` x `ops_per_thread` random operations (seeded by `seed`)
/// on `target` (pre-filled with `initial`) with all threads released at once,
/// and returns the recorded history.
pub fn record<V: Target + Sync>(
    target: &V,
    initial_len: usize,
    threads: usize,
    ops_per_thread: usize,
    seed: u64,
) -> Vec<Event> {
    let clock = Clock::default();
    let barrier = std::sync::Barrier::new(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (clock, barrier) = (&clock, &barrier);
                s.spawn(move || {
                    let mut rng = crate::Rng::new(seed, t as u64);
                    let ops: Vec<Op> = (0..ops_per_thread)
                        .map(|_| {
                            let rng = rng.next_u64();
                            let v = (rng >> 40) as u8 % 3; // few values: repeats on purpose
                            let i = (rng >> 48) as usize % (initial_len + 3);
                            match rng % 11 {
                                0..=2 => Op::Push(v),
                                3..=4 => Op::Pop,
                                5 => Op::Get(i),
                                6 => Op::Set(i, v),
                                7 => Op::Len,
                                8 => Op::Extend(v, (rng >> 20) as u8 % 4),
                                9 => Op::Truncate(i),
                                _ => Op::PopN((rng >> 20) as u8 % 4),
                            }
                        })
                        .collect();
                    barrier.wait();
                    ops.into_iter().map(|op| perform(target, clock, t, op)).collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("recording thread panicked")).collect()
    })
}

/// Records and checks `histories` random histories on fresh vectors of
/// elements `E` on backend `R`; panics with the first non-linearizable one.
pub fn check_many<E: Elem, R: Reclaimer>(histories: usize, threads: usize, ops_per_thread: usize) {
    for seed in 0..histories as u64 {
        let initial: Vec<u8> = (0..(seed % 3) as u8).collect();
        let v: SecVec<E, R> = initial.iter().map(|&x| E::from_u8(x)).collect();
        let h = record(&v, initial.len(), threads, ops_per_thread, seed);
        // The witness order must also lead to what the vector holds now.
        let last: Vec<u8> = v.to_vec().iter().map(Elem::to_u8).collect();
        check_ending(&initial, &h, Some(&last)).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    }
}

/// The contents a vector holding `initial` has after the operations of
/// `history` in `order` (a witness returned by [`check`]).
pub fn replay(initial: &[u8], history: &[Event], order: &[usize]) -> Vec<u8> {
    let mut model = initial.to_vec();
    for &i in order {
        apply(&mut model, &history[i].call);
    }
    model
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(thread: usize, inv: u64, resp: u64, call: Call) -> Event {
        Event { thread, inv, resp, call }
    }

    #[test]
    fn accepts_an_overlapping_history_in_either_order() {
        // push(1) and pop() overlap: pop may see 1 or the initial 7.
        let h = [ev(0, 0, 3, Call::Push(1, 1)), ev(1, 1, 2, Call::Pop(Some(1)))];
        assert!(check(&[7], &h).is_ok());
        let h = [ev(0, 0, 3, Call::Push(1, 0)), ev(1, 1, 2, Call::Pop(Some(7)))];
        assert!(check(&[7], &h).is_ok());
        // ... but not pop-first with push still reporting index 1.
        let h = [ev(0, 0, 3, Call::Push(1, 1)), ev(1, 1, 2, Call::Pop(Some(7)))];
        assert!(check(&[7], &h).is_err());
    }

    #[test]
    fn rejects_a_result_that_real_time_forbids() {
        // Negative control: pop ran entirely after push(1) returned, so it
        // cannot return the initial element.
        let h = [ev(0, 0, 1, Call::Push(1, 1)), ev(1, 2, 3, Call::Pop(Some(7)))];
        assert!(check(&[7], &h).is_err());
    }

    #[test]
    fn rejects_a_lost_push_and_a_duplicate_index() {
        let h = [ev(0, 0, 1, Call::Push(5, 0)), ev(1, 2, 3, Call::Len(0))];
        assert!(check(&[], &h).is_err(), "a push that vanished");
        let h = [ev(0, 0, 3, Call::Push(5, 0)), ev(1, 1, 2, Call::Push(6, 0))];
        assert!(check(&[], &h).is_err(), "two pushes at one index");
    }

    #[test]
    fn rejects_a_stale_get_and_a_lost_set() {
        // set(0, 2) returned before get(0) began: get must see 2.
        let h = [ev(0, 0, 1, Call::Set(0, 2, Ok(1))), ev(1, 2, 3, Call::Get(0, Some(1)))];
        assert!(check(&[1], &h).is_err());
        let h = [ev(0, 0, 1, Call::Set(0, 2, Ok(1))), ev(1, 2, 3, Call::Get(0, Some(2)))];
        assert!(check(&[1], &h).is_ok());
    }

    /// A vector whose length and contents are updated in two separate
    /// critical sections: each step is atomic, the pair is not.
    struct TornVec {
        len: std::sync::atomic::AtomicUsize,
        data: std::sync::Mutex<Vec<u8>>,
    }

    impl Target for TornVec {
        fn push(&self, v: u8) -> usize {
            let i = self.len.fetch_add(1, Ordering::SeqCst);
            std::thread::yield_now();
            let mut d = self.data.lock().unwrap();
            if d.len() <= i {
                d.resize(i + 1, 0);
            }
            d[i] = v;
            i
        }
        fn pop(&self) -> Option<u8> {
            let i = self.len.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |l| l.checked_sub(1)).ok()? - 1;
            std::thread::yield_now();
            self.data.lock().unwrap().get(i).copied()
        }
        fn get(&self, i: usize) -> Option<u8> {
            (i < self.len.load(Ordering::SeqCst))
                .then(|| self.data.lock().unwrap().get(i).copied().unwrap_or(0))
        }
        fn set(&self, i: usize, v: u8) -> Result<u8, usize> {
            let len = self.len.load(Ordering::SeqCst);
            if i >= len {
                return Err(len);
            }
            let mut d = self.data.lock().unwrap();
            // A push may have claimed index `i` and not written it yet.
            if d.len() <= i {
                d.resize(i + 1, 0);
            }
            Ok(std::mem::replace(&mut d[i], v))
        }
        fn len(&self) -> usize {
            self.len.load(Ordering::SeqCst)
        }
        fn clear(&self) {
            let mut d = self.data.lock().unwrap();
            self.len.store(0, Ordering::SeqCst);
            d.clear();
        }
        // Batches one element at a time: torn as well.
        fn extend(&self, values: &[u8]) -> usize {
            let first = values.iter().map(|&v| self.push(v)).min();
            first.unwrap_or_else(|| self.len())
        }
        fn truncate(&self, len: usize) {
            while self.len() > len && self.pop().is_some() {}
        }
        fn pop_n(&self, n: usize) -> Vec<u8> {
            let mut got: Vec<u8> = (0..n).map_while(|_| self.pop()).collect();
            got.reverse();
            got
        }
    }

    #[test]
    fn the_final_contents_pick_among_open_orders() {
        // truncate(1) returns nothing: before the push it is a no-op, after
        // it removes the pushed 5. Both orders are linearizable; what the
        // vector holds afterwards decides, and [5] is no order's ending.
        let h = [ev(0, 0, 3, Call::Push(5, 1)), ev(1, 1, 2, Call::Truncate(1))];
        assert!(check_ending(&[1], &h, Some(&[1])).is_ok());
        assert!(check_ending(&[1], &h, Some(&[1, 5])).is_ok());
        assert!(check_ending(&[1], &h, Some(&[5])).is_err());
    }

    #[test]
    fn rejects_a_batch_split_by_another_push() {
        // extend(&[1, 1]) returned start 0 while a push overlapping it got
        // index 1: the batch was not contiguous.
        let h = [ev(0, 0, 3, Call::Extend(1, 2, 0)), ev(1, 1, 2, Call::Push(5, 1))];
        assert!(check(&[], &h).is_err());
        let h = [ev(0, 0, 3, Call::Extend(1, 2, 0)), ev(1, 1, 2, Call::Push(5, 2))];
        assert!(check(&[], &h).is_ok());
        // A pop_n that saw half a batch.
        let h = [ev(0, 0, 3, Call::Extend(1, 2, 0)), ev(1, 1, 2, Call::PopN(3, 1, [1, 0, 0]))];
        assert!(check(&[], &h).is_err());
    }

    #[test]
    fn catches_a_torn_vector_in_recorded_histories() {
        // Negative control for the recording path: some history of a
        // non-linearizable vector must be rejected.
        let caught = (0..2000u64).any(|seed| {
            let v = TornVec { len: 0.into(), data: Default::default() };
            let h = record(&v, 0, 3, 6, seed);
            check(&[], &h).is_err()
        });
        assert!(caught, "2000 histories of a torn vector all passed: the checker has no teeth");
    }
}
