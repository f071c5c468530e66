//! The HTML page of the report: one self-contained file (inline CSS and SVG, no scripts, no
//! fonts or anything else fetched over the network).

use std::fmt::Write as _;

use crate::stats::Stats;

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;\
max-width:900px;color:#1d1d1f;background:#fff}h1{font-size:1.7em;margin-bottom:.2em}\
.meta{color:#666;margin-top:0}section{border-top:1px solid #ddd;padding:1em 0}\
table{border-collapse:collapse;margin:.6em 0}td,th{padding:.25em .8em;text-align:right;\
border-bottom:1px solid #eee}th:first-child,td:first-child{text-align:left}\
.verdict{display:inline-block;padding:.2em .7em;border-radius:1em;color:#fff;font-weight:600}\
.faster{background:#1e8e3e}.slower{background:#c5221f}.nochange{background:#777}\
.new{background:#8430ce}.gone{background:#5f6368}\
.warn{color:#a15c00}svg{max-width:100%;height:auto}";

/// The page around `body`.
pub(super) fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"generator\" content=\"performance_timing {version}\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n\
         {body}</body>\n</html>\n",
        version = env!("CARGO_PKG_VERSION"),
        title = escape(title),
    )
}

/// A table of summary statistics, one column per result.
pub(super) fn summary_table(columns: &[(&str, &Stats)], format: &dyn Fn(f64) -> String) -> String {
    let mut out = String::from("<table>\n<tr><th></th>");
    for (label, _) in columns {
        let _ = write!(out, "<th>{}</th>", escape(label));
    }
    out.push_str("</tr>\n");
    type Row<'a> = (&'a str, Box<dyn Fn(&Stats) -> String + 'a>);
    let rows: Vec<Row<'_>> = vec![
        ("median", Box::new(|s: &Stats| format(s.median()))),
        (
            "95 % interval of the median",
            Box::new(|s: &Stats| {
                let (lo, hi) = s.median_ci();
                format!("{} – {}", format(lo), format(hi))
            }),
        ),
        ("mean", Box::new(|s: &Stats| format(s.mean()))),
        (
            "standard deviation",
            Box::new(|s: &Stats| format(s.stddev())),
        ),
        ("min", Box::new(|s: &Stats| format(s.min()))),
        ("max", Box::new(|s: &Stats| format(s.max()))),
        (
            "samples × iterations",
            Box::new(|s: &Stats| format!("{} × {}", s.samples().len(), s.iterations_per_sample())),
        ),
        (
            "outliers (mild / severe)",
            Box::new(|s: &Stats| {
                let o = s.outliers();
                format!("{} / {}", o.mild(), o.severe())
            }),
        ),
        (
            "coefficient of variation",
            Box::new(|s: &Stats| format!("{:.1} %", s.cv() * 100.0)),
        ),
    ];
    for (name, cell) in &rows {
        let _ = write!(out, "<tr><td>{name}</td>");
        for (_, stats) in columns {
            let _ = write!(out, "<td>{}</td>", escape(&cell(stats)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    for (label, stats) in columns {
        for warning in stats.warnings() {
            let _ = writeln!(
                out,
                "<p class=\"warn\">⚠ {}: {}</p>",
                escape(label),
                escape(warning)
            );
        }
    }
    out
}

/// A profile's records, largest self time first: calls, total, self, busy and idle (with a
/// bar of the share of the total spent running and suspended), mean and p99.
pub(super) fn profile_section(snapshot: &crate::profile::Snapshot) -> String {
    use crate::format::nanos;
    let mut out = String::from(
        "<section>\n<h2>Profile</h2>\n<table>\n<tr><th>name</th><th>calls</th><th>total</th>\
         <th>self</th><th>busy</th><th>idle</th><th>busy / idle</th><th>mean</th><th>p99</th></tr>\n",
    );
    for r in snapshot.records() {
        let busy_share = if r.total_ns() == 0 {
            100.0
        } else {
            r.busy_ns() as f64 * 100.0 / r.total_ns() as f64
        };
        let _ = writeln!(
            out,
            "<tr><td>{name}</td><td>{calls}</td><td>{total}</td><td>{self_time}</td>\
             <td>{busy}</td><td>{idle}</td><td><svg class=\"split\" width=\"120\" height=\"10\" \
             role=\"img\"><title>{busy_share:.1} % busy</title><rect width=\"120\" height=\"10\" \
             fill=\"#c8d6f0\"/><rect width=\"{bar:.1}\" height=\"10\" fill=\"#1a56c4\"/></svg></td>\
             <td>{mean}</td><td>{p99}</td></tr>",
            name = escape(r.name()),
            calls = r.calls(),
            total = nanos(r.total_ns()),
            self_time = nanos(r.self_ns()),
            busy = nanos(r.busy_ns()),
            idle = nanos(r.idle_ns()),
            bar = busy_share * 1.2,
            mean = crate::format::duration(r.mean().as_secs_f64()),
            p99 = nanos(r.percentile_ns(99.0)),
        );
    }
    out.push_str(
        "</table>\n<p class=\"meta\">busy: time running (inside its steps, for async functions, \
         coroutines and generators); idle: time suspended between steps (dark: busy, light: idle)</p>\n\
         </section>\n",
    );
    out
}
