//! Multi-process mode: with `PERFORMANCE_TIMING_DIR` set, the process's profile lives in a
//! file that `load_dir` reads back equal to the live snapshot. One test in its own binary: the
//! variable must be set before this process first records.

use std::collections::BTreeMap;
use std::thread;

use timing_runtime::profile::{self, CallSite, Guard, Record, Snapshot};

macro_rules! site {
    ($name:expr) => {{
        static SITE: CallSite = CallSite::new(Some($name), module_path!(), file!(), line!(), || "");
        &SITE
    }};
}

fn record(name_calls: &[(&'static CallSite, u64)]) {
    for &(site, calls) in name_calls {
        for i in 0..calls {
            let _g = Guard::enter(site);
            std::hint::black_box(i);
        }
    }
}

/// Records by name, and per-thread records by (thread, name): order-independent views.
fn views(s: &Snapshot) -> (BTreeMap<String, Record>, BTreeMap<(String, String), Record>) {
    let records = s
        .records()
        .iter()
        .map(|r| (r.name().to_owned(), r.clone()))
        .collect();
    let threads = s
        .threads()
        .iter()
        .flat_map(|t| {
            t.records
                .iter()
                .map(|r| ((t.thread.clone(), r.name().to_owned()), r.clone()))
        })
        .collect();
    (records, threads)
}

#[test]
fn the_process_file_holds_the_live_profile() {
    let dir = std::env::temp_dir().join(format!("pt-file-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // SAFETY: set before any other thread of this test binary exists.
    unsafe { std::env::set_var(profile::DIR_VARIABLE, &dir) };

    let (a, b, c) = (site!("file_a"), site!("file_b"), site!("file_c"));
    record(&[(a, 1000), (b, 10)]);
    thread::Builder::new()
        .name("worker".into())
        .spawn(move || record(&[(a, 500), (c, 7)]))
        .unwrap()
        .join()
        .unwrap();
    let keep = thread::Builder::new()
        .name("alive".into())
        .spawn(move || {
            record(&[(c, 3)]);
            thread::park();
        })
        .unwrap();
    while profile::snapshot().get("file_c").map_or(0, |r| r.calls()) < 10 {
        thread::yield_now();
    }

    let live = profile::snapshot();
    let loaded = profile::load_dir(&dir).unwrap();
    assert_eq!(loaded.processes(), live.processes());
    assert_eq!(loaded.clock(), live.clock());
    assert_eq!(views(&loaded), views(&live));
    assert_eq!(loaded.get("file_a").unwrap().calls(), 1500);
    assert!(
        loaded
            .threads()
            .iter()
            .any(|t| t.thread == "(exited threads)")
    );

    let path = profile::dump(None).unwrap();
    assert!(path.starts_with(&dir) && path.extension().unwrap() == "ptprof");

    profile::reset();
    assert!(profile::load_dir(&dir).unwrap().is_empty());
    record(&[(b, 2)]);
    let after = profile::load_dir(&dir).unwrap();
    assert_eq!(after.records().len(), 1);
    assert_eq!(after.get("file_b").unwrap().calls(), 2);

    keep.thread().unpark();
    keep.join().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
