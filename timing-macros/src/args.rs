//! Parsing and validation of the `#[timed(...)]` arguments.

use proc_macro2::TokenStream;
use syn::ext::IdentExt as _;
use syn::parse::{ParseStream, Parser as _};
use syn::{Ident, Lit, LitStr, Path, Token};

/// What the user wrote inside `#[timed(...)]`.
#[derive(Default)]
pub(crate) struct TimedArgs {
    /// `name = "…"`: the recorded name, overriding the default derived from the function path.
    pub(crate) name: Option<LitStr>,
    /// `crate = path`: where `timing-runtime` is, for a renamed dependency or a re-export
    /// (default `::timing_runtime`).
    pub(crate) krate: Option<Path>,
}

/// The one form every argument error message suggests.
const EXPECTED: &str =
    "expected `#[timed]`, `#[timed(name = \"...\")]` or `#[timed(crate = path)]`";

impl TimedArgs {
    /// Parses the attribute arguments; every error is spanned at the offending token.
    pub(crate) fn parse(args: TokenStream) -> syn::Result<Self> {
        (|input: ParseStream| Self::parse_stream(input)).parse2(args)
    }

    fn parse_stream(input: ParseStream) -> syn::Result<Self> {
        let mut parsed = Self::default();
        while !input.is_empty() {
            if input.peek(Lit) {
                let lit: Lit = input.parse()?;
                return Err(syn::Error::new_spanned(
                    lit,
                    format!("unexpected literal; {EXPECTED}"),
                ));
            }
            if !input.peek(Ident::peek_any) {
                return Err(input.error(format!("unexpected token; {EXPECTED}")));
            }
            let key = Ident::parse_any(input)?;
            if key == "name" {
                let name = Self::name_value(input, &key)?;
                if parsed.name.is_some() {
                    return Err(syn::Error::new(key.span(), "duplicate argument `name`"));
                }
                parsed.name = Some(name);
            } else if key == "crate" {
                let path = Self::crate_value(input, &key)?;
                if parsed.krate.is_some() {
                    return Err(syn::Error::new(key.span(), "duplicate argument `crate`"));
                }
                parsed.krate = Some(path);
            } else {
                return Err(syn::Error::new(
                    key.span(),
                    format!("unknown argument `{key}`; {EXPECTED}"),
                ));
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(parsed)
    }

    /// The value of `name = "…"`: a non-empty string literal.
    fn name_value(input: ParseStream, key: &Ident) -> syn::Result<LitStr> {
        if !input.peek(Token![=]) {
            return Err(syn::Error::new(
                key.span(),
                "`name` needs a value: `name = \"...\"`",
            ));
        }
        input.parse::<Token![=]>()?;
        if input.is_empty() || input.peek(Token![,]) {
            return Err(input.error("expected a string literal after `name =`"));
        }
        let value: syn::Expr = input.parse()?;
        let name = match value {
            syn::Expr::Lit(syn::ExprLit {
                lit: Lit::Str(s), ..
            }) => s,
            other => {
                return Err(syn::Error::new_spanned(
                    other,
                    "`name` must be a string literal, e.g. `name = \"parse\"`",
                ));
            }
        };
        if name.value().trim().is_empty() {
            return Err(syn::Error::new(name.span(), "`name` must not be empty"));
        }
        Ok(name)
    }

    /// The value of `crate = path`: a path (`ptime`, `::ptime`, `crate::reexports::timing`),
    /// or the same as a string literal (`crate = "ptime"`, serde's form).
    fn crate_value(input: ParseStream, key: &Ident) -> syn::Result<Path> {
        const HINT: &str = "`crate` takes the path of timing-runtime, e.g. `crate = ptime` \
                            for the dependency `ptime = { package = \"timing-runtime\", ... }`";
        if !input.peek(Token![=]) {
            return Err(syn::Error::new(
                key.span(),
                format!("`crate` needs a value: {HINT}"),
            ));
        }
        input.parse::<Token![=]>()?;
        if input.is_empty() || input.peek(Token![,]) {
            return Err(input.error(format!("expected a path after `crate =`; {HINT}")));
        }
        if input.peek(LitStr) {
            let text: LitStr = input.parse()?;
            return text
                .parse_with(Path::parse_mod_style)
                .map_err(|_| syn::Error::new(text.span(), format!("not a path; {HINT}")));
        }
        if input.peek(Lit) {
            let lit: Lit = input.parse()?;
            return Err(syn::Error::new_spanned(lit, format!("not a path; {HINT}")));
        }
        input
            .call(Path::parse_mod_style)
            .map_err(|e| syn::Error::new(e.span(), format!("not a path; {HINT}")))
    }
}
