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
