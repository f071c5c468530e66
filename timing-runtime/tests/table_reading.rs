//! The profile table as a reader sees it: same-named functions of two modules are told apart,
//! a recursive function's total is marked and explained, and the snapshot prints and iterates
//! like a collection.

use timing_runtime::profile::{self, LookupError};
use timing_runtime::timed;

mod first {
    #[timing_runtime::timed]
    pub fn load() -> u32 {
        1
    }
}

mod second {
    #[timing_runtime::timed]
    pub fn load() -> u32 {
        2
    }
}

#[timed]
fn countdown(n: u32) -> u32 {
    if n == 0 { 0 } else { 1 + countdown(n - 1) }
}

#[timed]
fn flat() -> u32 {
    7
}

#[test]
fn the_table_keeps_same_named_functions_apart_and_marks_recursion() {
    assert_eq!(first::load() + second::load() + second::load(), 5);
    assert_eq!(countdown(10), 10);
    assert_eq!(flat(), 7);
    let snap = profile::snapshot();
    let here = module_path!();

    // Lookup: the plain name is ambiguous, the qualified ones are not.
    match snap.lookup("load") {
        Err(LookupError::Ambiguous { candidates, .. }) => assert_eq!(
            candidates,
            [
                format!("{here}::first::load"),
                format!("{here}::second::load")
            ]
        ),
        other => panic!("expected an ambiguous name, got {other:?}"),
    }
    assert_eq!(
        snap.lookup(&format!("{here}::second::load"))
            .unwrap()
            .calls(),
        2
    );
    assert!(matches!(
        snap.lookup("nothing"),
        Err(LookupError::NotFound(_))
    ));
    assert_eq!(snap.get("flat").unwrap().calls(), 1); // a unique name is looked up plainly

    // The table: qualified names for the ambiguous rows only, `*` on the recursive total.
    let table = snap.to_string();
    assert_eq!(table, snap.to_table());
    let row = |name: &str| {
        table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row {name} in\n{table}"))
            .to_owned()
    };
    row(&format!("{here}::first::load"));
    row(&format!("{here}::second::load"));
    let recursive = row("countdown");
    // "countdown  11  12.6 µs*  …": the unit of the total carries the mark.
    assert!(
        recursive.split_whitespace().nth(3).unwrap().ends_with('*'),
        "{recursive}"
    );
    assert!(!row("flat").contains('*'));
    assert!(table.contains("* recursive: total counts each outermost call once"));
    let countdown = snap.get("countdown").unwrap();
    assert!(countdown.is_recursive() && countdown.calls() == 11);
    assert!(countdown.mean().as_nanos() * 11 > countdown.total().as_nanos());

    // Iteration: `&snap` and `snap.iter()` walk the records, largest self time first.
    let names: Vec<&str> = (&snap).into_iter().map(|r| r.name()).collect();
    assert_eq!(names, snap.iter().map(|r| r.name()).collect::<Vec<_>>());
    assert_eq!(names.len(), snap.records().len());
}
