//! Writes `index.html` again from the report parts in a directory (by
//! default `target/secvec-report`), without running anything.
//!
//! ```text
//! cargo run --release -p secvec-benches --example index -- [DIR]
//! ```

fn main() {
    let dir = std::env::args().nth(1).map_or_else(secvec_benches::report_dir, std::path::PathBuf::from);
    secvec_benches::report::html::write_index(&dir).expect("write index.html");
    println!("written: {}", dir.join("index.html").display());
}
