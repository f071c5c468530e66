// `crate = path`: the generated code names `path::__private`, here a re-export of
// timing-runtime under another name (a renamed dependency: examples/renamed_dependency).
use timing_runtime as ptime;

mod deep {
    pub mod again {
        pub use timing_runtime::*;
    }
}

#[ptime::timed(crate = ptime)]
fn by_path() -> u32 {
    1
}

#[ptime::timed(name = "by_string", crate = "crate::deep::again")]
fn by_string() -> u32 {
    2
}

#[ptime::timed(crate = ::timing_runtime)]
async fn asynchronous() -> u32 {
    3
}

fn main() {
    assert_eq!(by_path() + by_string(), 3);
    drop(asynchronous());
    // Recorded unless the feature `disabled` compiled the instrumentation out.
    let snap = ptime::profile::snapshot();
    let calls = |name| snap.get(name).map_or(0, |r| r.calls());
    assert!(calls("by_path") <= 1 && calls("by_string") <= 1);
}
