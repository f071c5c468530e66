//! The `#[timed]` attribute macro of performance_timing.
//!
//! Use it through `timing-runtime`, which re-exports it as `timing_runtime::timed` (the code it
//! generates names `::timing_runtime::__private` items, so `timing-runtime` must be a
//! dependency; under another name, say where it is with `#[timed(crate = path)]`).
//!
//! ```
//! use timing_runtime::timed;
//!
//! #[timed]
//! fn parse(input: &str) -> usize {
//!     input.split_whitespace().count()
//! }
//!
//! #[timed(name = "tokenise")]
//! fn tokens(input: &str) -> Vec<&str> {
//!     input.split(',').collect()
//! }
//!
//! assert_eq!(parse("a b c"), 3);
//! assert_eq!(tokens("a,b"), ["a", "b"]);
//! ```
//!
//! # Cargo features
//!
//! * `disabled`: compile instrumentation out. `#[timed]` then emits the function exactly as
//!   written (its arguments and the item are still checked, so a build with the feature on
//!   accepts the same code). `timing-runtime` forwards it as its feature `off`.

mod args;
mod expand;

use proc_macro::TokenStream;

/// Records every call of the function in the global profile of `timing-runtime`.
///
/// * `#[timed]`: the recorded name is derived from the function's path (methods keep their
///   type, so `Parser::new` and `Lexer::new` are two entries).
/// * `#[timed(name = "…")]`: records under the given (non-empty) name.
/// * `#[timed(crate = path)]`: the generated code names `path::__private` instead of
///   `::timing_runtime::__private` — for a renamed dependency
///   (`ptime = { package = "timing-runtime", … }` → `#[ptime::timed(crate = ptime)]`) or a
///   re-export from another crate; as serde's and tracing's `crate` options. Combines with
///   `name`: `#[timed(name = "parse", crate = ptime)]`.
///
/// Works on free functions, inherent and trait-impl methods, generic and `unsafe` functions,
/// and `async fn` (timed from the first poll to completion; the future stays `Send` when the
/// body is). A drop guard records calls that return early, use `?` or panic.
///
/// A `const fn`, a non-function item, a declaration without a body, or an unknown or malformed
/// argument is a compile error pointing at the offending token; the item is still emitted.
///
/// ```compile_fail
/// #[timing_runtime::timed]
/// const fn answer() -> u32 {
///     42
/// }
/// ```
#[proc_macro_attribute]
pub fn timed(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::timed(args.into(), item.into()).into()
}
