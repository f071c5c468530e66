//! What a session captured: per-thread spans in nanoseconds, nested properly, and the
//! async slices of futures.

use super::records::{ASYNC, RawSpan};
use crate::clock::tsc::raw_to_nanos;
use crate::profile::registry;

/// A span's parent when it has none (a root span of its thread).
pub(crate) const ROOT: u32 = u32::MAX;

/// The spans and async slices a [`Session`](super::Session) captured. Times are nanoseconds
/// since the session started.
///
/// Export it with [`Trace::write_chrome_trace`], [`Trace::folded`] and
/// [`Trace::write_flamegraph`].
#[derive(Debug, Clone)]
pub struct Trace {
    /// Recorded names and module paths, indexed by [`SpanData::site`].
    pub(crate) sites: Vec<(String, String)>,
    pub(crate) threads: Vec<ThreadTrace>,
    pub(crate) dropped: u64,
    pub(crate) duration_ns: u64,
}

/// One thread's part of a trace.
#[derive(Debug, Clone)]
pub(crate) struct ThreadTrace {
    pub(crate) number: u64,
    pub(crate) name: String,
    /// In begin order (pre-order): a parent comes before its children.
    pub(crate) spans: Vec<SpanData>,
    /// Async slices of futures that completed on this thread.
    pub(crate) slices: Vec<SpanData>,
}

/// One span (or async slice), nanoseconds since the session started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SpanData {
    pub(crate) site: u32,
    pub(crate) start: u64,
    pub(crate) end: u64,
    /// Index of the enclosing span in the same thread, or [`ROOT`].
    pub(crate) parent: u32,
}

impl Trace {
    /// Builds the trace from each thread's raw records (`base`/`end`: the session's first and
    /// last clock readings; open spans end at `end`).
    pub(crate) fn build(base: u64, end: u64, raw: Vec<(u64, String, (Vec<RawSpan>, u64))>) -> Self {
        let all_sites = registry::sites();
        let mut index_of: Vec<u32> = vec![u32::MAX; all_sites.len()];
        let mut sites = Vec::new();
        let mut dropped = 0;
        let ns = |raw: u64| raw_to_nanos(raw.saturating_sub(base));
        let duration_ns = ns(end);
        let mut threads = Vec::with_capacity(raw.len());
        for (number, name, (records, thread_dropped)) in raw {
            dropped += thread_dropped;
            let mut site = |id: u32| -> u32 {
                let id = id as usize;
                if index_of.len() <= id {
                    index_of.resize(id + 1, u32::MAX);
                }
                if index_of[id] == u32::MAX {
                    index_of[id] = sites.len() as u32;
                    // Sites are registered before their spans are recorded, and read after.
                    sites.push(match all_sites.get(id) {
                        Some(s) => (s.name.to_owned(), s.site.module_path().to_owned()),
                        None => (format!("site {id}"), String::new()),
                    });
                }
                index_of[id]
            };
            let mut nest = Nesting::default();
            let mut slices = Vec::new();
            for r in records {
                let stop = if r.end == 0 { end } else { r.end };
                let (start, stop) = (ns(r.start), ns(stop).max(ns(r.start)));
                if r.depth == ASYNC {
                    slices.push(SpanData {
                        site: site(r.site),
                        start,
                        end: stop,
                        parent: ROOT,
                    });
                } else {
                    nest.push(site(r.site), r.depth, start, stop);
                }
            }
            if nest.spans.is_empty() && slices.is_empty() {
                continue;
            }
            threads.push(ThreadTrace {
                number,
                name,
                spans: nest.spans,
                slices,
            });
        }
        threads.sort_by_key(|t| t.number);
        Self {
            sites,
            threads,
            dropped,
            duration_ns,
        }
    }

    /// The number of spans kept (over all threads; async slices not counted).
    pub fn len(&self) -> usize {
        self.threads.iter().map(|t| t.spans.len()).sum()
    }

    /// Whether no span was kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of spans dropped because their thread's buffer was full.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The number of async slices (futures that completed during the session).
    pub fn async_slices(&self) -> usize {
        self.threads.iter().map(|t| t.slices.len()).sum()
    }

    /// How long the session lasted, in nanoseconds.
    pub fn duration_ns(&self) -> u64 {
        self.duration_ns
    }
}

/// Rebuilds one thread's span tree from records in begin order, so that every span lies
/// within its parent and siblings do not overlap (the clock's readings already nest; this
/// guards against the last nanosecond of rounding and against spans closed out of order).
#[derive(Default)]
struct Nesting {
    spans: Vec<SpanData>,
    /// Open spans: index, recorded depth, and the end of its last child so far.
    stack: Vec<(u32, u32, u64)>,
    /// End of the last root span.
    root_cursor: u64,
}

impl Nesting {
    fn push(&mut self, site: u32, depth: u32, mut start: u64, mut end: u64) {
        while let Some(&(top, top_depth, _)) = self.stack.last() {
            let t = self.spans[top as usize];
            // Not a descendant: recorded no deeper, or begun after the top ended.
            if depth <= top_depth || t.end < start {
                self.stack.pop();
            } else {
                break;
            }
        }
        let (parent, cursor) = match self.stack.last() {
            Some(&(top, _, cursor)) => {
                let t = self.spans[top as usize];
                (top, cursor.max(t.start)..t.end)
            }
            None => (ROOT, self.root_cursor..u64::MAX),
        };
        start = start.clamp(cursor.start, cursor.end);
        end = end.clamp(start, cursor.end);
        let index = self.spans.len() as u32;
        self.spans.push(SpanData {
            site,
            start,
            end,
            parent,
        });
        match self.stack.last_mut() {
            Some(top) => top.2 = end,
            None => self.root_cursor = end,
        }
        self.stack.push((index, depth, start));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nest(records: &[(u32, u64, u64)]) -> Vec<(u64, u64, u32)> {
        let mut n = Nesting::default();
        for &(depth, start, end) in records {
            n.push(0, depth, start, end);
        }
        n.spans.iter().map(|s| (s.start, s.end, s.parent)).collect()
    }

    #[test]
    fn nests_and_clamps() {
        // parent, two children, a root after it
        assert_eq!(
            nest(&[(0, 0, 10), (1, 1, 4), (1, 4, 9), (0, 10, 12)]),
            vec![(0, 10, ROOT), (1, 4, 0), (4, 9, 0), (10, 12, ROOT)]
        );
        // a child poking out of its parent is clamped in; an overlapping sibling is pushed after
        assert_eq!(
            nest(&[(0, 5, 10), (1, 4, 11), (0, 9, 20)]),
            vec![(5, 10, ROOT), (5, 10, 0), (10, 20, ROOT)]
        );
        // spans closed out of order (coroutines): the inner one is cut at its parent's end
        assert_eq!(
            nest(&[(0, 0, 10), (1, 5, 15)]),
            vec![(0, 10, ROOT), (5, 10, 0)]
        );
    }
}
