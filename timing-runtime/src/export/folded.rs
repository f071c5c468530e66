//! Folded stacks of a [`Trace`]: the input format of flame graph tools (inferno,
//! flamegraph.pl, speedscope).
//!
//! One line per distinct stack, root first, frames joined by `;` — each frame is the recorded
//! name exactly as the profile shows it, with `;` replaced by `:` and line breaks by spaces —
//! then a space and the stack's **self time in integer nanoseconds** (merged over threads).
//! Stacks with no self time are left out. The weights sum to the total duration of the root
//! spans. Async slices are not stacks (their polls are).

use std::collections::HashMap;

use crate::profile::trace::{ROOT, Trace};

impl Trace {
    /// The trace as folded stacks: `outer;Parser::parse 12345` lines, sorted.
    ///
    /// ```
    /// use timing_runtime::{profile::trace, timed};
    /// #[timed(name = "inner")]
    /// fn inner() { std::thread::sleep(std::time::Duration::from_millis(1)); }
    /// #[timed(name = "outer")]
    /// fn outer() { inner(); }
    /// let session = trace::start(100).unwrap();
    /// outer();
    /// let folded = session.finish().folded();
    /// let weight = |stack: &str| -> u64 {
    ///     folded.lines().find_map(|l| l.strip_prefix(stack)?.strip_prefix(' ')?.parse().ok()).unwrap_or(0)
    /// };
    /// assert!(weight("outer;inner") >= 1_000_000);
    /// ```
    pub fn folded(&self) -> String {
        let names: Vec<String> = self.sites.iter().map(|(n, _)| frame_name(n)).collect();
        // Stack nodes (parent node, site) shared by all threads, with their self time.
        let mut nodes: Vec<(u32, u32)> = Vec::new();
        let mut weights: Vec<u64> = Vec::new();
        let mut index: HashMap<(u32, u32), u32> = HashMap::new();
        for thread in &self.threads {
            let mut node_of = Vec::with_capacity(thread.spans.len());
            let mut self_time: Vec<u64> = thread.spans.iter().map(|s| s.end - s.start).collect();
            for span in &thread.spans {
                let parent_node = if span.parent == ROOT {
                    ROOT
                } else {
                    let p = span.parent as usize;
                    self_time[p] = self_time[p].saturating_sub(span.end - span.start);
                    node_of[p]
                };
                let node = *index.entry((parent_node, span.site)).or_insert_with(|| {
                    nodes.push((parent_node, span.site));
                    weights.push(0);
                    (nodes.len() - 1) as u32
                });
                node_of.push(node);
            }
            for (node, time) in node_of.iter().zip(self_time) {
                weights[*node as usize] += time;
            }
        }
        let mut lines: Vec<String> = Vec::new();
        let mut path: Vec<&str> = Vec::new();
        for (node, &weight) in weights.iter().enumerate() {
            if weight == 0 {
                continue;
            }
            path.clear();
            let mut n = node as u32;
            while n != ROOT {
                let (parent, site) = nodes[n as usize];
                path.push(&names[site as usize]);
                n = parent;
            }
            path.reverse();
            lines.push(format!("{} {weight}", path.join(";")));
        }
        lines.sort_unstable();
        let mut out = lines.join("\n");
        if !out.is_empty() {
            out.push('\n');
        }
        out
    }
}

/// A recorded name as one frame of a folded line.
pub(crate) fn frame_name(name: &str) -> String {
    name.replace(';', ":").replace(['\n', '\r'], " ")
}
