//! Chrome Trace Event JSON of a [`Trace`]: what ui.perfetto.dev and chrome://tracing open.
//!
//! `{"traceEvents": [...], "displayTimeUnit": "ns", "otherData": {...}}` with one complete
//! event (`"ph": "X"`) per span — `name` (the recorded name, as the profile shows it), `cat`,
//! `ts` and `dur` in microseconds with three decimals (exact nanoseconds, so rounding cannot
//! make spans overlap), `pid` (the OS process id), `tid` and `args.module` — one `thread_name`
//! metadata event per thread, a `process_name` event, and for each future that completed
//! during the session a pair of async events (`"ph": "b"` / `"e"` with an `id`).

use std::io::{self, Write};

use crate::profile::trace::{SpanData, Trace};

/// Flushes the event buffer to the writer past this size.
const FLUSH_AT: usize = 1 << 16;

impl Trace {
    /// Writes the trace as Chrome Trace Event JSON (see the [module docs](crate::export::chrome)).
    /// Open the file in ui.perfetto.dev or chrome://tracing.
    ///
    /// ```
    /// use timing_runtime::{profile::trace, timed};
    /// #[timed(name = "work")]
    /// fn work() -> u64 { 42 }
    /// let session = trace::start(100).unwrap();
    /// work();
    /// let mut json = Vec::new();
    /// session.finish().write_chrome_trace(&mut json).unwrap();
    /// let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    /// let events = doc["traceEvents"].as_array().unwrap();
    /// assert!(events.iter().any(|e| e["ph"] == "X" && e["name"] == "work"));
    /// ```
    pub fn write_chrome_trace<W: Write>(&self, mut writer: W) -> io::Result<()> {
        let pid = std::process::id();
        let names: Vec<String> = self.sites.iter().map(|(n, _)| json(n)).collect();
        let modules: Vec<String> = self.sites.iter().map(|(_, m)| json(m)).collect();
        let mut out = Vec::with_capacity(FLUSH_AT + 1024);
        let mut ints = itoa::Buffer::new();
        let pid_text = ints.format(pid).to_owned();
        out.extend_from_slice(b"{\"traceEvents\":[\n");
        out.extend_from_slice(
            format!(
                "{{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":{pid_text},\"tid\":0,\"args\":{{\"name\":{}}}}}",
                json(&process_name())
            )
            .as_bytes(),
        );
        let mut async_id = 0u64;
        for thread in &self.threads {
            let tid = ints.format(thread.number).to_owned();
            let head = format!(",\"pid\":{pid_text},\"tid\":{tid},\"args\":{{\"module\":");
            out.extend_from_slice(
                format!(
                    ",\n{{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":{pid_text},\"tid\":{tid},\"args\":{{\"name\":{}}}}}",
                    json(&thread.name)
                )
                .as_bytes(),
            );
            for span in &thread.spans {
                out.extend_from_slice(b",\n{\"ph\":\"X\",\"name\":");
                out.extend_from_slice(names[span.site as usize].as_bytes());
                out.extend_from_slice(b",\"cat\":\"timed\",\"ts\":");
                micros(&mut out, span.start);
                out.extend_from_slice(b",\"dur\":");
                micros(&mut out, span.end - span.start);
                end_event(&mut out, &head, &modules, span);
                if out.len() >= FLUSH_AT {
                    writer.write_all(&out)?;
                    out.clear();
                }
            }
            for slice in &thread.slices {
                async_id += 1;
                for (phase, at) in [("b", slice.start), ("e", slice.end)] {
                    out.extend_from_slice(b",\n{\"ph\":\"");
                    out.extend_from_slice(phase.as_bytes());
                    out.extend_from_slice(b"\",\"name\":");
                    out.extend_from_slice(names[slice.site as usize].as_bytes());
                    out.extend_from_slice(b",\"cat\":\"async\",\"id\":");
                    out.extend_from_slice(ints.format(async_id).as_bytes());
                    out.extend_from_slice(b",\"ts\":");
                    micros(&mut out, at);
                    end_event(&mut out, &head, &modules, slice);
                }
            }
        }
        let other = serde_json::json!({
            "generator": concat!("performance_timing ", env!("CARGO_PKG_VERSION")),
            "clock": crate::clock::tsc::source(),
            "spans": self.len(),
            "dropped": self.dropped(),
            "async_slices": self.async_slices(),
            "duration_ns": self.duration_ns(),
        });
        out.extend_from_slice(b"\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":");
        out.extend_from_slice(other.to_string().as_bytes());
        out.extend_from_slice(b"}\n");
        writer.write_all(&out)?;
        writer.flush()
    }
}

/// `,"pid":…,"tid":…,"args":{"module":…}}` closing an event.
fn end_event(out: &mut Vec<u8>, head: &str, modules: &[String], span: &SpanData) {
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(modules[span.site as usize].as_bytes());
    out.extend_from_slice(b"}}");
}

/// Nanoseconds as microseconds with exactly three decimals (`1234567` → `1234.567`).
fn micros(out: &mut Vec<u8>, ns: u64) {
    let mut ints = itoa::Buffer::new();
    out.extend_from_slice(ints.format(ns / 1000).as_bytes());
    let frac = ns % 1000;
    out.extend_from_slice(&[
        b'.',
        b'0' + (frac / 100) as u8,
        b'0' + (frac / 10 % 10) as u8,
        b'0' + (frac % 10) as u8,
    ]);
}

/// A JSON string literal.
fn json(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// The process's name: the executable's file name (`python3.11`, `my_app`).
fn process_name() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "process".to_owned())
}

#[cfg(test)]
mod tests {
    use super::micros;

    #[test]
    fn micros_are_exact() {
        for (ns, text) in [
            (0, "0.000"),
            (7, "0.007"),
            (1234567, "1234.567"),
            (1000, "1.000"),
        ] {
            let mut out = Vec::new();
            micros(&mut out, ns);
            assert_eq!(String::from_utf8(out).unwrap(), text);
        }
    }
}
