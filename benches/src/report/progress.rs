//! One progress bar over a whole `cargo bench` run (indicatif), beside the
//! per-cell lines.
//!
//! `cargo bench` runs the bench targets one after the other, each its own
//! process. The first one writes `target/secvec-report/progress.json`
//! (the cargo process's id, when the run started, what is planned); a later
//! target of the same cargo process (same parent) continues that bar
//! instead of starting its own. What a target plans is
//! [`Target::estimate`] (seconds, from measured runs), split evenly over
//! its cells; the time left is extrapolated from the run's own pace.
//!
//! Which targets the run includes is read from cargo's command line
//! (`/proc/<parent>/cmdline`: `--bench NAME`, or every target when none is
//! named); run outside cargo, a target shows only its own bar. The bar is
//! drawn on a terminal only; the per-cell lines are printed either way.

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The bench targets of this package, in the order cargo runs them (by
/// name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `benches/leak_report.rs`.
    LeakReport,
    /// `benches/matrix.rs`.
    Matrix,
    /// `benches/smr.rs`.
    Smr,
    /// `benches/smr_jemalloc.rs`.
    SmrJemalloc,
    /// `benches/smr_mimalloc.rs`.
    SmrMimalloc,
}

impl Target {
    /// All of them, in cargo's order.
    pub const ALL: [Target; 5] =
        [Target::LeakReport, Target::Matrix, Target::Smr, Target::SmrJemalloc, Target::SmrMimalloc];

    /// Cargo's name of the target.
    pub fn name(self) -> &'static str {
        match self {
            Target::LeakReport => "leak_report",
            Target::Matrix => "matrix",
            Target::Smr => "smr",
            Target::SmrJemalloc => "smr_jemalloc",
            Target::SmrMimalloc => "smr_mimalloc",
        }
    }

    /// Seconds a run of it takes on the 2-core machine of the README's
    /// numbers (2026-11-26: `cargo bench -- --quick` 9 s and 141 s; a full
    /// run, with Criterion's full sampling and plots, about ten times as
    /// long): only the split of the bar between targets depends on it, the
    /// time left is extrapolated from the run's own pace.
    pub fn estimate(self, quick: bool) -> f64 {
        let quick_secs = match self {
            Target::LeakReport => 9.0,
            Target::Matrix => 141.0,
            Target::Smr => 60.0,
            Target::SmrJemalloc | Target::SmrMimalloc => 15.0,
        };
        if quick { quick_secs } else { 10.0 * quick_secs }
    }
}

/// The run's progress bar, as seen from one target.
pub struct Progress {
    bar: ProgressBar,
    file: PathBuf,
    started: SystemTime,
    /// Units (milliseconds of estimate) before this target's first cell.
    base: u64,
    /// Units per cell of this target.
    per_cell: f64,
    cells: usize,
    done: usize,
}

fn unix_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// The targets the parent cargo process runs, if it is `cargo bench`.
fn cargo_targets(parent: u32) -> Option<Vec<Target>> {
    let cmdline = std::fs::read(format!("/proc/{parent}/cmdline")).ok()?;
    let args: Vec<String> =
        cmdline.split(|&b| b == 0).map(|a| String::from_utf8_lossy(a).into_owned()).collect();
    targets_of(&args)
}

/// The targets a cargo command line runs, if it is `cargo bench`.
fn targets_of(args: &[String]) -> Option<Vec<Target>> {
    if !args.iter().take_while(|a| *a != "--").any(|a| a == "bench") {
        return None;
    }
    let mut named = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if a == "--" {
            break;
        }
        let name = match a.strip_prefix("--bench=") {
            Some(n) => Some(n),
            None if a == "--bench" => args.get(i + 1).map(String::as_str),
            None => None,
        };
        if let Some(t) = Target::ALL.iter().find(|t| Some(t.name()) == name) {
            named.push(*t);
        }
    }
    Some(if named.is_empty() { Target::ALL.to_vec() } else { named })
}

impl Progress {
    /// The bar for `me`, which is about to run `cells` cells.
    pub fn start(me: Target, quick: bool, cells: usize) -> Progress {
        let file = crate::report_dir().join("progress.json");
        let parent = std::os::unix::process::parent_id();
        let plan = cargo_targets(parent).filter(|p| p.contains(&me)).unwrap_or_else(|| vec![me]);
        let units = |t: Target| (t.estimate(quick) * 1e3) as u64;
        let total: u64 = plan.iter().map(|&t| units(t)).sum();
        let base: u64 = plan.iter().take_while(|&&t| t != me).map(|&t| units(t)).sum();
        // A run already under way: same cargo process, and an earlier
        // target of the plan wrote the file.
        let previous: Option<Value> =
            std::fs::read_to_string(&file).ok().and_then(|s| serde_json::from_str(&s).ok());
        let started = previous
            .filter(|p| p["cargo"] == parent && base > 0)
            .and_then(|p| p["started_unix_ms"].as_u64())
            .map_or_else(SystemTime::now, |ms| UNIX_EPOCH + Duration::from_millis(ms));
        let state = json!({ "cargo": parent, "started_unix_ms": unix_ms(started),
                            "plan": plan.iter().map(|t| t.name()).collect::<Vec<_>>() });
        let _ = std::fs::write(&file, state.to_string());
        let bar = ProgressBar::new(total.max(1)).with_position(base);
        bar.set_style(
            ProgressStyle::with_template("{bar:40.cyan/blue} {percent:>3}% of the run, {msg}")
                .expect("valid template"),
        );
        let p = Progress {
            bar,
            file,
            started,
            base,
            per_cell: units(me) as f64 / cells.max(1) as f64,
            cells,
            done: 0,
        };
        p.bar.set_message(p.left());
        p
    }

    fn left(&self) -> String {
        let elapsed = self.started.elapsed().unwrap_or_default().as_secs_f64();
        let (pos, len) = (self.bar.position() as f64, self.bar.length().unwrap_or(1) as f64);
        let done = if pos > 0.0 { pos / len } else { 0.0 };
        if done < 0.01 || elapsed < 1.0 {
            return format!("{:.0} s elapsed", elapsed);
        }
        let left = elapsed * (1.0 - done) / done;
        format!(
            "{:.0} s elapsed, about {:.0} min {:02.0} s left",
            elapsed,
            (left / 60.0).floor(),
            left % 60.0
        )
    }

    /// Prints the line of the next cell (above the bar) and counts the
    /// previous one as done.
    pub fn cell(&mut self, line: &str) {
        if self.done > 0 {
            self.advance();
        }
        self.done += 1;
        if self.bar.is_hidden() {
            eprintln!("{line}");
        } else {
            self.bar.println(line);
        }
    }

    fn advance(&mut self) {
        let pos = self.base + (self.per_cell * (self.done.min(self.cells)) as f64) as u64;
        self.bar.set_position(pos);
        self.bar.set_message(self.left());
    }

    /// This target is done: the bar stays at its end for the next target.
    pub fn finish(mut self) {
        self.done = self.cells;
        self.advance();
        if self.bar.position() >= self.bar.length().unwrap_or(0) {
            self.bar.finish();
            let _ = std::fs::remove_file(&self.file);
        } else {
            self.bar.abandon();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split(' ').map(String::from).collect()
    }

    #[test]
    fn the_plan_follows_cargos_command_line() {
        assert_eq!(targets_of(&args("cargo bench -- --quick")), Some(Target::ALL.to_vec()));
        assert_eq!(
            targets_of(&args("cargo bench -p secvec-benches --bench matrix -- --quick")),
            Some(vec![Target::Matrix])
        );
        assert_eq!(
            targets_of(&args("cargo +nightly bench --bench=leak_report")),
            Some(vec![Target::LeakReport])
        );
        assert_eq!(targets_of(&args("cargo test -- bench")), None);
        // A filter after `--` is not a target.
        assert_eq!(targets_of(&args("cargo bench -- --bench matrix")), Some(Target::ALL.to_vec()));
    }
}
