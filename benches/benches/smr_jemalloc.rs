//! The allocator axis under jemalloc: the push/pop, push-pop-string and
//! extend-64 cells of the `smr` target, on every reclaiming backend
//! (`secvec_benches::alloc_target`).

use secvec_benches::report::progress::Target;
use secvec_suite::alloc::Counting;

#[global_allocator]
static ALLOC: Counting<tikv_jemallocator::Jemalloc> = Counting(tikv_jemallocator::Jemalloc);

fn main() {
    secvec_benches::alloc_target::main(Target::SmrJemalloc, "jemalloc");
}
