//! The cost of a vector as a Markdown table.

use crate::measure::cost::Cost;

/// The costs as a Markdown table; a shared-domain row also gives the
/// domain's part of an own-domain vector (the difference of the two rows).
pub fn markdown(costs: &[Cost]) -> String {
    let mut out = String::from(
        "| vector | domain | creation, each | bytes per empty vector | after one push/pop | the domain's part |\n\
         |---|---|---:|---:|---:|---:|\n",
    );
    for c in costs {
        let own = costs.iter().find(|o| o.name == c.name && o.domain == "own");
        let part = match (c.domain, own) {
            ("shared", Some(own)) => format!("{:.0} B", own.bytes_empty - c.bytes_empty),
            _ => "-".into(),
        };
        out.push_str(&format!(
            "| {} | {} | {:.1} ns | {:.0} B | {:.0} B | {part} |\n",
            c.name, c.domain, c.create_ns, c.bytes_empty, c.bytes_used
        ));
    }
    out
}
