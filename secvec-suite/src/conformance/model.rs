//! Model-based property test: random operation sequences against `Vec`,
//! on every backend. `SECVEC_PROPTEST_CASES` turns it into a fuzzing run.

use crate::lin::{Elem, Op};
use crate::{env_or, scaled};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use secvec_core::{Reclaimer, SecVec};

fn op_strategy() -> impl Strategy<Value = Op> {
    // Small values and indices near the length, so values repeat and
    // out-of-range indices are common.
    prop_oneof![
        4 => any::<u8>().prop_map(|v| Op::Push(v % 8)),
        3 => Just(Op::Pop),
        2 => (0usize..40).prop_map(Op::Get),
        2 => ((0usize..40), any::<u8>()).prop_map(|(i, v)| Op::Set(i, v % 8)),
        1 => Just(Op::Len),
        1 => prop::bool::weighted(0.1).prop_map(|_| Op::Clear),
        2 => (any::<u8>(), 0u8..12).prop_map(|(v, n)| Op::Extend(v % 8, n)),
        1 => (0usize..40).prop_map(Op::Truncate),
        1 => (0u8..4).prop_map(Op::PopN),
    ]
}

/// Random operation sequences give the same results as `Vec`: pushes,
/// pops, gets and sets with indices up to 10 past a bounded length (so
/// out-of-range indices and capacity exhaustion are covered), clears, and
/// batches (appends of up to 11 elements, truncations, `pop_n`); with
/// elements stored inline (`u8`) and in heap cells (`String`).
pub fn model_proptest<R: Reclaimer>() {
    run_model::<u8, R>();
    run_model::<String, R>();
}

fn run_model<E: Elem + PartialEq + std::fmt::Debug, R: Reclaimer>() {
    // `SECVEC_PROPTEST_CASES` turns this into a fuzzing run (CI: 100 000).
    let cases = env_or("SECVEC_PROPTEST_CASES", scaled(256, 64, 2)) as u32;
    let max_ops = scaled(200, 200, 30);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    runner
        .run(&prop::collection::vec(op_strategy(), 0..max_ops), |ops| {
            const MAX: usize = 30;
            let v = SecVec::<E, R>::bounded(MAX);
            let mut model: Vec<u8> = Vec::new();
            let u8s = |got: Option<E>| got.map(|e| e.to_u8());
            for op in ops {
                match op {
                    Op::Push(x) => {
                        let expect = if model.len() < MAX {
                            model.push(x);
                            Ok(model.len() - 1)
                        } else {
                            Err((x, MAX))
                        };
                        let got = v.try_push(E::from_u8(x)).map_err(|e| (e.value.to_u8(), e.max_len));
                        prop_assert_eq!(got, expect);
                    }
                    Op::Pop => prop_assert_eq!(u8s(v.pop()), model.pop()),
                    Op::Get(i) => {
                        prop_assert_eq!(u8s(v.get(i)), model.get(i).copied());
                        prop_assert_eq!(v.get_ref(i).map(|r| r.to_u8()), model.get(i).copied());
                    }
                    Op::Set(i, x) => {
                        let expect = match model.get_mut(i) {
                            Some(slot) => Ok(std::mem::replace(slot, x)),
                            None => Err((i, model.len())),
                        };
                        let got = v.set(i, E::from_u8(x)).map(|e| e.to_u8()).map_err(|e| (e.index, e.len));
                        prop_assert_eq!(got, expect);
                    }
                    Op::Clear => {
                        v.clear();
                        model.clear();
                    }
                    Op::Len => prop_assert_eq!(v.len(), model.len()),
                    Op::Extend(x, n) => {
                        let n = usize::from(n);
                        let batch: Vec<E> = (0..n).map(|_| E::from_u8(x)).collect();
                        let len = model.len();
                        let expect = if len + n <= MAX {
                            model.extend(std::iter::repeat_n(x, n));
                            Ok(len..len + n)
                        } else {
                            Err((n, len, MAX))
                        };
                        let got =
                            v.try_extend_from_slice(&batch).map_err(|e| (e.additional, e.len, e.max_len));
                        prop_assert_eq!(got, expect);
                    }
                    Op::Truncate(len) => {
                        v.truncate(len);
                        model.truncate(len);
                    }
                    Op::PopN(n) => {
                        let k = usize::from(n).min(model.len());
                        let expect = model.split_off(model.len() - k);
                        prop_assert_eq!(
                            v.pop_n(usize::from(n)).iter().map(Elem::to_u8).collect::<Vec<_>>(),
                            expect
                        );
                    }
                }
            }
            prop_assert_eq!(v.to_vec().iter().map(Elem::to_u8).collect::<Vec<_>>(), model);
            Ok(())
        })
        .unwrap();
}
