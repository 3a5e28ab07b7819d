#!/usr/bin/env python3
"""Where one write's instructions go, per backend: the write anatomy table
of docs/performance.md.

    cargo build --release -p secvec-benches --example profile
    python3 benches/tools/anatomy.py push-pop          # per operation
    python3 benches/tools/anatomy.py extend-64 64      # per element of a batch

Runs the profile example under callgrind (with --collect-bus=yes, which
counts locked instructions) at 200 000 and 400 000 operations on one thread
per contender and prints, as a Markdown table, the difference divided by
200 000 (so setup and teardown cancel out), split into the pieces of a
write. A piece is recognised by the function the instructions ran in
(functions that are not inlined: a guard's constructor and drop, the
descriptor pool, the reclaimers' retire) or else by the source file they
came from (code inlined into the operation: atomics, buckets, accounting,
a backend's protect).
"""
import collections
import re
import subprocess
import sys
import tempfile


def backends():
    """The report names of the backends, from the one list CI reads
    (`.ci/lib.sh`'s `BACKENDS`, which the lint job checks against the
    suite's and the facade's)."""
    with open(".ci/lib.sh") as f:  # run from the workspace root, like PROFILE
        line = next(line for line in f if line.startswith("BACKENDS=("))
    return ["secvec-" + b for b in line.removeprefix("BACKENDS=(").split(")")[0].split()]


CONTENDERS = backends() + ["std-mutex"]
PROFILE = "target/release/examples/profile"
SMALL, LARGE = 200_000, 400_000

# (piece, what matches it), tried in this order; the first list matches the
# source file, the second the function, the third the file again.
ACCOUNTING = [("accounting", r"counters\.rs|stats\.rs")]
BY_FUNCTION = [
    ("atomics: CASes, atomic loads", r"cmpxchg16b|atomic_load_vmovdqa"),
    ("guard enter/leave", r"Registry<S>::operation|registry::Guard<S> as core::ops::drop::Drop"
     r"|Reclaimer>::guard|drop_in_place<reclaim|drop_in_place<haphazard|drop_in_place<seize"
     r"|Local::pin|Local::unpin|Local::finalize|Collector::enter|Guard.*drop|LocalGuard"
     r"|is_expedited"),
    ("descriptor: pool, alloc, free", r"Descriptor::alloc|Descriptor::free|malloc|_int_free"
     r"|cfree|__libc_free|memcpy|memmove|pool::|local::"),
    ("retire and reclamation", r"retire|reclaim|defer|collect|Bag|Queue<|try_advance|Deferred"
     r"|scan|push_list|Garbage|Retired|drop_in_place<secvec_core::raw::descriptor"),
]
BY_FILE = [
    ("atomics: CASes, atomic loads", r"sync/atomic\.rs|portable-atomic"),
    ("slot lookup", r"buckets\.rs"),
    ("protect", r"reclaim-|crossbeam-epoch|seize-|haphazard|secvec-records"),
    ("benchmark loop", r"runner\.rs|secvec-suite|benches/"),
]
PROTOCOL = "protocol: transact, complete, op"
PIECES = ["guard enter/leave", "protect", PROTOCOL, "slot lookup", "descriptor: pool, alloc, free",
          "atomics: CASes, atomic loads", "retire and reclamation", "accounting", "benchmark loop"]


def piece(file, function):
    for name, pattern in ACCOUNTING:
        if re.search(pattern, file):
            return name
    for name, pattern in BY_FUNCTION:
        if re.search(pattern, function):
            return name
    for name, pattern in BY_FILE:
        if re.search(pattern, file):
            return name
    return PROTOCOL


def profile(contender, workload, ops, out):
    """Runs callgrind; returns {(piece, event): count}."""
    run = subprocess.run(["valgrind", "--tool=callgrind", "--collect-bus=yes",
                          f"--callgrind-out-file={out}", PROFILE, contender, workload, "1", str(ops)],
                         capture_output=True)
    if run.returncode != 0:
        return None  # the contender does not run this workload (a lock has no handles)
    text = subprocess.run(["callgrind_annotate", "--auto=no", "--threshold=100", out],
                          check=True, capture_output=True, text=True).stdout
    counts = collections.Counter()
    rows = text.split("file:function", 1)[1].splitlines()
    for line in rows:
        m = re.match(r"\s*([\d,]+)\s+(?:\([^)]*\))?\s*([\d,]+|\.)\s+(?:\([^)]*\))?\s+(.*)$", line)
        if not m:
            continue
        where = re.sub(r" \[[^\]]*\]$", "", m.group(3))
        file, _, function = where.partition(":")
        p = piece(file, function)
        counts[(p, "Ir")] += int(m.group(1).replace(",", ""))
        counts[(p, "Ge")] += 0 if m.group(2) == "." else int(m.group(2).replace(",", ""))
    return counts


def per_op(contender, workload, tmp):
    small = profile(contender, workload, SMALL, f"{tmp}/small.out")
    large = profile(contender, workload, LARGE, f"{tmp}/large.out")
    if small is None or large is None:
        return None
    return {k: (large[k] - small[k]) / (LARGE - SMALL) for k in set(small) | set(large)}


def main():
    workload = sys.argv[1] if len(sys.argv) > 1 else "push-pop"
    per = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    with tempfile.TemporaryDirectory() as tmp:
        d = {c: per_op(c, workload, tmp) for c in CONTENDERS}
    d = {c: v for c, v in d.items() if v is not None}
    contenders = list(d)
    print(f"| {workload}, 1 thread | " + " | ".join(c.removeprefix("secvec-") for c in contenders) + " |")
    print("|---|" + "---:|" * len(contenders))
    for p in PIECES:
        print(f"| {p} | " + " | ".join(f"{d[c].get((p, 'Ir'), 0) / per:.0f}" for c in contenders) + " |")
    total = {c: sum(v for (_, e), v in d[c].items() if e == "Ir") / per for c in contenders}
    locked = {c: sum(v for (_, e), v in d[c].items() if e == "Ge") / per for c in contenders}
    print("| **instructions** | " + " | ".join(f"**{total[c]:.0f}**" for c in contenders) + " |")
    print("| **locked instructions** | " + " | ".join(f"**{locked[c]:.2f}**" for c in contenders) + " |")


if __name__ == "__main__":
    main()
