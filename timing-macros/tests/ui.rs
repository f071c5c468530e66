//! Compile-time behaviour of `#[timed]`: every supported shape compiles (and runs), and every
//! misuse is an error pointing at the offending token (see the committed `.stderr` files).
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test -p timing-macros --test ui`
//! and review the diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
    // Errors of the generated code itself (a `crate = path` that names nothing): with the
    // feature `disabled` the item is emitted as written, so there is nothing to fail.
    if !cfg!(feature = "disabled") {
        cases.compile_fail("tests/ui/fail_instrumented/*.rs");
    }
}
