//! Reset and the on/off switch change global state: they live in their own test binary, and in
//! one test, so nothing else races with them.

use timing_runtime::profile::{self, CallSite, Guard, Span};

static SITE: CallSite = CallSite::new(Some("switched"), module_path!(), file!(), line!(), || "");
static OPEN: CallSite = CallSite::new(
    Some("open_across_reset"),
    module_path!(),
    file!(),
    line!(),
    || "",
);

fn calls_of(name: &str) -> u64 {
    profile::snapshot().get(name).map_or(0, |r| r.calls())
}

fn call() {
    let _g = Guard::enter(&SITE);
}

fn calls() -> u64 {
    profile::snapshot().get("switched").map_or(0, |r| r.calls())
}

#[test]
fn reset_and_enable_switch() {
    assert!(profile::is_enabled());
    call();
    call();
    assert_eq!(calls(), 2);

    profile::reset();
    assert_eq!(calls(), 0);
    assert!(profile::snapshot().is_empty());
    call();
    assert_eq!(calls(), 1);

    // A thread that recorded before a reset and exits after it adds nothing stale.
    let t = std::thread::spawn(call);
    t.join().unwrap();
    assert_eq!(calls(), 2);
    profile::reset();
    assert_eq!(calls(), 0);

    profile::set_enabled(false);
    assert!(!profile::is_enabled());
    call();
    assert_eq!(calls(), 0);
    profile::set_enabled(true);
    call();
    assert_eq!(calls(), 1);
    assert!(profile::snapshot().to_table().contains("switched"));
    profile::reset();
    assert_eq!(profile::snapshot().to_table(), "Profile: nothing recorded");

    // A span open when reset() runs is never recorded: with or without other calls (of its
    // own site or another) before it closes. Calls that start after the reset are.
    for between in 0..3 {
        let open = Span::open(&OPEN);
        profile::reset();
        match between {
            1 => call(),
            2 => drop(Guard::enter(&OPEN)),
            _ => {}
        }
        open.close().unwrap();
        assert_eq!(
            calls_of("open_across_reset"),
            u64::from(between == 2),
            "case {between}"
        );
        assert_eq!(calls(), u64::from(between == 1), "case {between}");
    }
    profile::reset();
    let g = Guard::enter(&OPEN);
    profile::reset();
    drop(g);
    drop(Guard::enter(&OPEN));
    assert_eq!(calls_of("open_across_reset"), 1);
    profile::reset();
}
