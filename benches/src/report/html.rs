//! `target/secvec-report/index.html`: one page with the machine and date,
//! the target scoreboard, and every table and chart of the reports, readable
//! offline (the charts are the SVG files beside it).
//!
//! Each bench target writes its Markdown report (`matrix.md`,
//! `leak-report.md`, with its charts referenced inline) and then calls
//! [`write_index`], which renders whatever parts exist (pulldown-cmark):
//! after a full `cargo bench`, all of them. A part that was never written
//! says so and names the command that writes it.
//!
//! Every `## ` heading of a part becomes a `<section>` with the heading's
//! slug as its id; a small script checks, once the page has loaded, that
//! every image rendered and that every section that should hold a table or
//! a chart does, and writes the verdict into `#render-check` (CI reads it
//! with headless Chromium, see `.ci/bench.sh`).

use crate::measure::machine::date;
use pulldown_cmark::{Options, Parser, html};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

/// The parts of the page: file, title, the command that writes it.
const PARTS: [(&str, &str, &str); 4] = [
    ("matrix.md", "Throughput and latency", "cargo bench --bench matrix -- --quick"),
    ("leak-report.md", "Garbage, leaks and stalled threads", "cargo bench --bench leak_report -- --quick"),
    ("smr.md", "Measured as smr-benchmark measures", "cargo bench --bench smr -- --quick"),
    (
        "allocators.md",
        "Under other allocators",
        "cargo bench --bench smr --bench smr_jemalloc --bench smr_mimalloc -- --quick",
    ),
];

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}\
table{border-collapse:collapse;margin:1em 0;font-size:13px}th,td{border:1px solid #ccc;padding:3px 7px}\
td{text-align:right}td:first-child,th:first-child{text-align:left}tr:nth-child(even){background:#f6f6f6}\
img{max-width:100%;border:1px solid #eee;margin:.5em 0}.met{color:#1a7f37}.unmet{color:#b42318}\
.missing{background:#fff3cd;padding:.5em 1em}#render-check{color:#666;font-size:12px}\
nav a{margin-right:1em}.board td:last-child{text-align:left}code{background:#f2f2f2;padding:0 3px}";

const CHECK: &str = r#"<script>
window.addEventListener('load', () => {
  const imgs = [...document.images];
  const bad = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'));
  const empty = [...document.querySelectorAll('section[data-expect]')].filter(s => {
    const e = s.dataset.expect;
    return (e.includes('table') && !s.querySelector('table')) || (e.includes('img') && !s.querySelector('img'));
  }).map(s => s.id);
  const out = document.getElementById('render-check');
  out.dataset.status = (bad.length || empty.length || !imgs.length) ? 'fail' : 'ok';
  out.textContent = `render check: ${out.dataset.status}; ${imgs.length} images, ${bad.length} missing `
    + `(${bad.join(', ')}); ${document.querySelectorAll('table').length} tables; sections without `
    + `their table or chart: ${empty.join(', ') || 'none'}`;
});
</script>"#;

/// What a section of the given id must hold: tables, charts, or both.
fn expects(id: &str) -> &'static str {
    const CHARTED: [&str; 6] = [
        "throughput",
        "latency",
        "garbage-by-threads",
        "long-running-readers",
        "stalled-threads",
        "read-length-sweep",
    ];
    match id {
        "garbage-over-time" => "img",
        id if CHARTED.contains(&id) => "table img",
        _ => "table",
    }
}

fn slug(heading: &str) -> String {
    let s: String = heading
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    s.split('-').filter(|w| !w.is_empty()).collect::<Vec<_>>().join("-")
}

fn markdown_to_html(md: &str) -> String {
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(md, Options::ENABLE_TABLES));
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A part's Markdown as HTML sections (one per `## ` heading), and the
/// section ids for the navigation.
fn sections(md: &str, ids: &mut Vec<(String, String)>) -> String {
    let mut out = String::new();
    let mut chunk = String::new();
    let mut open: Option<String> = None;
    let flush = |open: &Option<String>, chunk: &mut String, out: &mut String| {
        let body = markdown_to_html(chunk);
        match open {
            Some(id) => {
                let _ =
                    writeln!(out, "<section id=\"{id}\" data-expect=\"{}\">{body}</section>", expects(id));
            }
            None => out.push_str(&body),
        }
        chunk.clear();
    };
    for line in md.lines() {
        if line.starts_with("# ") {
            continue; // the part's title: the page has its own
        }
        if let Some(h) = line.strip_prefix("## ") {
            flush(&open, &mut chunk, &mut out);
            let id = slug(h);
            ids.push((id.clone(), h.to_string()));
            open = Some(id);
        }
        chunk.push_str(line);
        chunk.push('\n');
    }
    flush(&open, &mut chunk, &mut out);
    out
}

/// The scoreboard: every target check of `matrix.json`, then of
/// `leak-report.json` (the cost of a vector), met or not.
fn scoreboard(dir: &Path) -> Option<String> {
    let read = |file: &str| -> Option<Value> {
        serde_json::from_str(&std::fs::read_to_string(dir.join(file)).ok()?).ok()
    };
    let doc = read("matrix.json")?;
    let mut checks: Vec<Value> = doc["targets"].as_array()?.clone();
    if let Some(leak) = read("leak-report.json") {
        checks.extend(leak["targets"].as_array().into_iter().flatten().cloned());
    }
    let checks = &checks;
    let mut ids: Vec<&str> = Vec::new();
    for c in checks {
        let id = c["target"].as_str().unwrap_or("?");
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let mut out = String::new();
    if doc["meta"]["smoke"] == true {
        out.push_str(
            "<p class=\"missing\">A smoke run (<code>SECVEC_BENCH_SMOKE</code>): every cell ran for a \
                      fraction of a second, its numbers mean nothing.</p>\n",
        );
    }
    out.push_str("<table class=\"board\"><tr><th>target</th><th>checks met</th><th>a check not met (or the first)</th></tr>\n");
    for id in ids {
        let of: Vec<&Value> = checks.iter().filter(|c| c["target"] == id).collect();
        let met = of.iter().filter(|c| c["met"] == true).count();
        let class = if met == of.len() { "met" } else { "unmet" };
        let worst = of.iter().find(|c| c["met"] == false).or(of.first()).map_or(String::new(), |c| {
            format!(
                "{}: {} (needed {})",
                escape(c["check"].as_str().unwrap_or("")),
                c["shown"].as_str().unwrap_or(""),
                c["needed_shown"].as_str().unwrap_or("")
            )
        });
        let _ = writeln!(
            out,
            "<tr><td>{id}</td><td class=\"{class}\">{met} of {}</td><td>{worst}</td></tr>",
            of.len()
        );
    }
    out.push_str("</table>\n");
    Some(out)
}

/// Writes `dir/index.html` from the parts present in `dir`.
pub fn write_index(dir: &Path) -> std::io::Result<()> {
    let machine = crate::measure::machine::machine();
    let mut nav = Vec::new();
    let mut body = String::new();
    for (file, title, command) in PARTS {
        let id = slug(title);
        nav.push((id.clone(), title.to_string()));
        let _ = writeln!(body, "<h2 id=\"{id}\">{title}</h2>");
        let path = dir.join(file);
        match std::fs::read_to_string(&path) {
            Ok(md) => {
                let written = std::fs::metadata(&path)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map(|d| d.as_secs());
                let _ = writeln!(
                    body,
                    "<p><small>From <code>{file}</code>, written {}.</small></p>",
                    date(written)
                );
                body.push_str(&sections(&md, &mut nav));
            }
            Err(_) => {
                let _ =
                    writeln!(body, "<p class=\"missing\">Not run yet: <code>{command}</code> writes it.</p>");
            }
        }
    }
    let board = scoreboard(dir).unwrap_or_else(|| {
        "<p class=\"missing\">No target checks yet (the matrix writes them).</p>".to_string()
    });
    let links: String = nav.iter().map(|(id, h)| format!("<a href=\"#{id}\">{}</a>", escape(h))).collect();
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>SecVec report</title>\
         <style>{STYLE}</style></head><body>\n<h1>SecVec: reclaimers compared</h1>\n\
         <p>{cpu}, {cores} cores; page written {date}. Every number is from one run on this machine; \
         ratios compare cells of the same run.</p>\n<nav>{links}</nav>\n\
         <section id=\"scoreboard\" data-expect=\"table\"><h2>Target scoreboard</h2>{board}</section>\n\
         {body}<p id=\"render-check\" data-status=\"pending\">render check: not run (no script?)</p>\n{CHECK}\n\
         </body></html>\n",
        cpu = escape(machine["cpu"].as_str().unwrap_or("unknown CPU")),
        cores = machine["cores"],
        date = date(machine["unix_time"].as_u64()),
    );
    std::fs::write(dir.join("index.html"), page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_become_sections_that_say_what_they_hold() {
        let mut ids = Vec::new();
        let html = sections(
            "# Title\nintro\n\n## Stalled threads\n\n| a |\n|---|\n| 1 |\n\n## Garbage over time\n\n![c](c.svg)\n",
            &mut ids,
        );
        assert_eq!(
            ids.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(),
            ["stalled-threads", "garbage-over-time"]
        );
        assert!(html.contains("<section id=\"stalled-threads\" data-expect=\"table img\">"), "{html}");
        assert!(html.contains("<table>"), "{html}");
        assert!(
            html.contains("<section id=\"garbage-over-time\" data-expect=\"img\"><h2>Garbage over time</h2>"),
            "{html}"
        );
        assert!(!html.contains("Title"), "the part's title is the page's business");
    }

    #[test]
    fn a_part_not_run_says_which_command_writes_it() {
        let dir = std::env::temp_dir().join(format!("secvec-html-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("matrix.md"), "## Throughput\n\n| a |\n|---|\n| 1 |\n").expect("write");
        write_index(&dir).expect("index written");
        let page = std::fs::read_to_string(dir.join("index.html")).expect("read");
        let _ = std::fs::remove_dir_all(&dir);
        assert!(page.contains("<section id=\"throughput\""), "the part present is rendered");
        assert!(page.contains("Not run yet: <code>cargo bench --bench leak_report -- --quick</code>"));
        assert!(page.contains("No target checks yet"), "no matrix.json, no scoreboard");
    }
}
