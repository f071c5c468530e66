//! The Rust code blocks of the documentation site, compiled and run as doctests
//! (`cargo test --doc -p performance-timing-examples`).
//!
//! The README and each page of `docs/` with a ```` ```rust ```` block is included below; rustdoc runs every
//! such block. Lines starting with `# ` are compiled but hidden on the site (as in rustdoc and
//! mdBook; `scripts/mkdocs_hooks.py` hides them). A block that cannot run here says so with
//! `rust,ignore` and names the code that compiles it instead.

macro_rules! doc_pages {
    ($($name:ident => $path:literal),* $(,)?) => {
        $(
            #[cfg(doctest)]
            #[doc = include_str!($path)]
            pub struct $name;
        )*
    };
}

doc_pages! {
    Readme => "../../README.md",
    Tour => "../../docs/tour.md",
    HowToRustTimed => "../../docs/how-to/rust-timed.md",
    HowToExtension => "../../docs/how-to/extension.md",
    HowToTraces => "../../docs/how-to/traces.md",
    ExplanationRecording => "../../docs/explanation/recording.md",
    ExplanationStatistics => "../../docs/explanation/statistics.md",
    TutorialFirstRustTimed => "../../docs/tutorials/first-rust-timed.md",
}
