//! Model-based property test: random operation sequences against `Vec`,
//! on every backend. `SECVEC_PROPTEST_CASES` turns it into a fuzzing run.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use secvec_core::SecVec;
use secvec_suite::lin::Op;
use secvec_suite::{env_or, for_each_backend, scaled};

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
    ]
}

/// Random operation sequences give the same results as `Vec`: pushes,
/// pops, gets and sets with indices up to 10 past a bounded length (so
/// out-of-range indices and capacity exhaustion are covered), clears.
#[test]
fn model_proptest() {
    for_each_backend!(|R| {
        // `SECVEC_PROPTEST_CASES` turns this into a fuzzing run (CI: 100 000).
        let cases = env_or("SECVEC_PROPTEST_CASES", scaled(256, 64, 4)) as u32;
        let max_ops = scaled(200, 200, 30);
        let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
        runner
            .run(&prop::collection::vec(op_strategy(), 0..max_ops), |ops| {
                const MAX: usize = 30;
                let v = SecVec::<u8, R>::bounded(MAX);
                let mut model: Vec<u8> = Vec::new();
                for op in ops {
                    match op {
                        Op::Push(x) => {
                            let expect = if model.len() < MAX {
                                model.push(x);
                                Ok(model.len() - 1)
                            } else {
                                Err((x, MAX))
                            };
                            prop_assert_eq!(v.try_push(x).map_err(|e| (e.value, e.max_len)), expect);
                        }
                        Op::Pop => prop_assert_eq!(v.pop(), model.pop()),
                        Op::Get(i) => prop_assert_eq!(v.get(i), model.get(i).copied()),
                        Op::Set(i, x) => {
                            let expect = match model.get_mut(i) {
                                Some(slot) => Ok(std::mem::replace(slot, x)),
                                None => Err((i, model.len())),
                            };
                            prop_assert_eq!(v.set(i, x).map_err(|e| (e.index, e.len)), expect);
                        }
                        Op::Clear => {
                            v.clear();
                            model.clear();
                        }
                        Op::Len => prop_assert_eq!(v.len(), model.len()),
                    }
                }
                prop_assert_eq!(v.to_vec(), model);
                Ok(())
            })
            .unwrap();
    });
}
