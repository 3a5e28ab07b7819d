//! loom model checks of the SecVec algorithm live in `tests/`; build them
//! with `RUSTFLAGS="--cfg loom"`. This library is empty.
