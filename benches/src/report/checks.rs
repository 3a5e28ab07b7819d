//! Target checks as Markdown.

use crate::measure::checks::Check;
use std::fmt::Write as _;

/// The checks as a Markdown section: a summary line per target, then
/// every check.
pub fn targets_markdown(checks: &[Check]) -> String {
    format!("\n## Targets\n\nRatios within this run; latencies of this run.\n\n{}", checks_markdown(checks))
}

/// The checks as Markdown, without a heading.
pub fn checks_markdown(checks: &[Check]) -> String {
    let mut out = String::new();
    let mut ids: Vec<&str> = Vec::new();
    for c in checks {
        if !ids.contains(&c.target) {
            ids.push(c.target);
        }
    }
    for id in ids {
        let of: Vec<&Check> = checks.iter().filter(|c| c.target == id).collect();
        let met = of.iter().filter(|c| c.met()).count();
        let _ = writeln!(out, "- {id}: {met} of {} checks met", of.len());
    }
    out.push_str("\n| target | check | measured | needed | met |\n|---|---|---:|---:|:---:|\n");
    for c in checks {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            c.target,
            c.what,
            c.shown(),
            c.needed_shown(),
            if c.met() { "yes" } else { "no" }
        );
    }
    out
}
