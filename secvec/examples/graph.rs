//! A graph whose nodes each own an adjacency `SecVec`, all in one shared
//! domain, built by rayon workers.
//!
//! Every node's neighbour list is its own vector, but the vectors share
//! one reclamation domain (`SecVec::new_in`): thousands of small vectors
//! then cost one domain, not thousands. rayon workers add the edges in
//! parallel, each edge `a - b` pushed to both ends' lists; the graph is
//! then checked (every edge seen from both ends) and its degrees summed
//! with `par_iter`.
//!
//! `cargo run -p secvec --example graph --features rayon`

use rayon::prelude::*;
use secvec::{SecVec, SharedDomain};

const NODES: u32 = 2_000;
const EDGES_PER_NODE: u32 = 6;

/// A fixed pseudo-random neighbour (no crate needed for an example).
fn neighbour(node: u32, k: u32) -> u32 {
    let x = (u64::from(node) * 0x9E37_79B9 + u64::from(k) * 0x85EB_CA6B) % u64::from(NODES);
    x as u32
}

fn main() {
    let domain = SharedDomain::new();
    let adjacency: Vec<SecVec<u32>> = (0..NODES).map(|_| SecVec::new_in(&domain)).collect();
    (0..NODES).into_par_iter().for_each(|a| {
        for k in 0..EDGES_PER_NODE {
            let b = neighbour(a, k);
            if a != b {
                adjacency[a as usize].push(b);
                adjacency[b as usize].push(a);
            }
        }
    });
    // Every edge is seen from both ends, as often from each.
    adjacency.par_iter().enumerate().for_each(|(a, list)| {
        for b in list.to_vec() {
            let from_a = list.iter().filter(|&x| x == b).count();
            let from_b = adjacency[b as usize].iter().filter(|&x| x as usize == a).count();
            assert_eq!(from_a, from_b, "edge {a} - {b}");
        }
    });
    let degrees: usize = adjacency.par_iter().map(|list| list.par_iter().count()).sum();
    let loops = (0..NODES)
        .flat_map(|a| (0..EDGES_PER_NODE).map(move |k| (a, k)))
        .filter(|&(a, k)| neighbour(a, k) == a)
        .count();
    assert_eq!(degrees, 2 * ((NODES * EDGES_PER_NODE) as usize - loops));
    println!("{NODES} nodes, {} edges, in one shared domain", degrees / 2);
}
