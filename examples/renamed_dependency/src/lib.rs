//! A crate that depends on timing-runtime under another name,
//! `ptime = { package = "timing-runtime", … }`: `#[ptime::timed(crate = ptime)]` instruments
//! its functions (without `crate = ptime` the generated code would name `::timing_runtime`,
//! which this crate does not have).

/// Counts the words of `input`; every call is recorded as `count_words`.
#[ptime::timed(crate = ptime)]
pub fn count_words(input: &str) -> usize {
    input.split_whitespace().count()
}

/// Splits `input` at commas; recorded under the name `split_fields`.
#[ptime::timed(name = "split_fields", crate = ptime)]
pub fn fields(input: &str) -> Vec<&str> {
    input.split(',').collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_dependency_records_calls() {
        assert_eq!(count_words("a b c"), 3);
        assert_eq!(fields("x,y"), ["x", "y"]);
        let snap = ptime::profile::snapshot();
        let record = snap.get("count_words").expect("count_words recorded");
        assert_eq!(record.calls(), 1);
        assert_eq!(record.module_path(), "renamed_dependency");
        assert_eq!(snap.get("split_fields").unwrap().calls(), 1);
    }
}
