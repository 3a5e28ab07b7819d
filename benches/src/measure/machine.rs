//! Which machine and when: the header of every report.

use serde_json::{Value, json};
use std::time::SystemTime;

/// A short description of the machine and the run, for report headers.
pub fn machine() -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let secs = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    json!({ "cpu": cpu, "cores": cores, "unix_time": secs })
}

/// The machine in one line, for Markdown headers: `AMD EPYC, 2 cores,
/// 2026-11-26 23:53 UTC`.
pub fn machine_line() -> String {
    let m = machine();
    format!(
        "{}, {} cores, {}",
        m["cpu"].as_str().unwrap_or("unknown CPU"),
        m["cores"],
        date(m["unix_time"].as_u64())
    )
}

/// `2026-11-26 23:53 UTC` for a Unix time (`unknown` for none).
pub fn date(unix: Option<u64>) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    unix.and_then(|s| time::OffsetDateTime::from_unix_timestamp(s as i64).ok())
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| "unknown".into())
}
