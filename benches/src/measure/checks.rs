//! Targets checked against one run's measurements: a [`Check`] is data
//! (what was compared, the value, the bound), written to the JSON files
//! that the report page's scoreboard reads.

use serde_json::{Value, json};

/// One check of a performance target against the cells of one run.
#[derive(Clone, Debug)]
pub struct Check {
    /// Target id (`P1`...).
    pub target: &'static str,
    /// What was compared, e.g. `read-heavy 2 thr, secvec-epoch / std-mutex`.
    pub what: String,
    /// The measured value.
    pub measured: f64,
    /// The bound the target sets.
    pub needed: f64,
    /// Whether `needed` is an upper bound (latencies) rather than a lower
    /// one (throughput ratios).
    pub at_most: bool,
    /// Unit of `measured` and `needed`: `"x"` (a ratio) or `" ns"`.
    pub unit: &'static str,
}

impl Check {
    /// A ratio that must be at least `needed`.
    pub fn at_least(target: &'static str, what: String, measured: f64, needed: f64) -> Check {
        Check { target, what, measured, needed, at_most: false, unit: "x" }
    }

    /// A value that must be at most `needed`, in `unit` (`"x"` for a
    /// ratio, `" ns"`, `" B"`).
    pub fn at_most(
        target: &'static str,
        what: String,
        measured: f64,
        needed: f64,
        unit: &'static str,
    ) -> Check {
        Check { target, what, measured, needed, at_most: true, unit }
    }

    /// Whether the target is met in this check.
    pub fn met(&self) -> bool {
        if self.at_most { self.measured <= self.needed } else { self.measured >= self.needed }
    }

    fn show(&self, v: f64) -> String {
        match self.unit {
            "x" => format!("{v:.2}x"),
            unit => format!("{v:.0}{unit}"),
        }
    }

    /// The measured value with its unit.
    pub fn shown(&self) -> String {
        self.show(self.measured)
    }

    /// The bound with its unit and direction (`>= 3.00x`, `<= 2000 ns`).
    pub fn needed_shown(&self) -> String {
        format!("{} {}", if self.at_most { "<=" } else { ">=" }, self.show(self.needed))
    }
}

/// Target checks as JSON (the `targets` array of `matrix.json` and
/// `leak-report.json`, which the page's scoreboard reads).
pub fn checks_json(checks: &[Check]) -> Vec<Value> {
    checks
        .iter()
        .map(|c| {
            json!({ "target": c.target, "check": c.what, "measured": c.measured, "needed": c.needed,
                    "at_most": c.at_most, "unit": c.unit, "shown": c.shown(), "needed_shown": c.needed_shown(),
                    "met": c.met() })
        })
        .collect()
}
