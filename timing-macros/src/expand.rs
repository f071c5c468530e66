//! Code generation: checks the item and inserts the call-site static and the timing guard.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::{Item, ItemFn};

use crate::args::TimedArgs;

/// Expands `#[timed(args)] item`.
///
/// On error the original item is emitted unchanged beside the `compile_error!`, so the rest of
/// the crate (and the IDE) still sees the function.
pub(crate) fn timed(args: TokenStream, item: TokenStream) -> TokenStream {
    match try_timed(args, item.clone()) {
        Ok(tokens) => tokens,
        Err(error) => {
            let error = error.to_compile_error();
            quote!(#item #error)
        }
    }
}

fn try_timed(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args = TimedArgs::parse(args);
    let func = function(item.clone());
    // Report both kinds of mistakes at once when there are two.
    let (args, func) = match (args, func) {
        (Ok(args), Ok(func)) => (args, func),
        (Err(mut a), Err(f)) => {
            a.combine(f);
            return Err(a);
        }
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => return Err(e),
    };
    if cfg!(feature = "disabled") {
        // Instrumentation compiled out: the function is emitted exactly as written.
        return Ok(item);
    }
    Ok(instrument(&args, func)?.into_token_stream())
}

/// Parses the item and checks it is a function `#[timed]` can instrument.
fn function(item: TokenStream) -> syn::Result<ItemFn> {
    let item: Item = syn::parse2(item)?;
    let func = match item {
        Item::Fn(func) => func,
        other => return Err(not_a_function(&other)),
    };
    if let Some(constness) = &func.sig.constness {
        return Err(syn::Error::new_spanned(
            constness,
            "#[timed] cannot instrument a `const fn`: timing reads a clock at run time; \
             remove `const` or `#[timed]`",
        ));
    }
    Ok(func)
}

/// The error for a non-function item, spanned at its keyword and name.
fn not_a_function(item: &Item) -> syn::Error {
    let (what, head) = match item {
        Item::Struct(s) => ("a struct", pair(&s.struct_token, &s.ident)),
        Item::Enum(e) => ("an enum", pair(&e.enum_token, &e.ident)),
        Item::Union(u) => ("a union", pair(&u.union_token, &u.ident)),
        Item::Trait(t) => ("a trait", pair(&t.trait_token, &t.ident)),
        Item::Impl(i) => ("an impl block", impl_head(i)),
        Item::Mod(m) => ("a module", pair(&m.mod_token, &m.ident)),
        Item::Const(c) => ("a const item", pair(&c.const_token, &c.ident)),
        Item::Static(s) => ("a static item", pair(&s.static_token, &s.ident)),
        Item::Type(t) => ("a type alias", pair(&t.type_token, &t.ident)),
        Item::Use(u) => ("a use declaration", u.use_token.to_token_stream()),
        Item::ForeignMod(f) => ("an extern block", f.abi.to_token_stream()),
        Item::Macro(m) => ("a macro item", m.mac.path.to_token_stream()),
        Item::Verbatim(tokens) if is_bodiless_fn(tokens) => {
            return syn::Error::new_spanned(
                tokens,
                "#[timed] needs a function body: put it on the implementation, \
                 not on a declaration",
            );
        }
        other => ("this item", other.to_token_stream()),
    };
    syn::Error::new_spanned(
        head,
        format!("#[timed] can only be applied to functions, not to {what}"),
    )
}

/// Two tokens to span an error over (an item's keyword and name).
fn pair(first: &impl ToTokens, second: &impl ToTokens) -> TokenStream {
    quote!(#first #second)
}

/// Span of `impl … Type` for an impl block, without its (possibly long) body.
fn impl_head(item: &syn::ItemImpl) -> TokenStream {
    pair(&item.impl_token, &item.self_ty)
}

/// Whether verbatim item tokens look like `fn f(...);` (a declaration without a body).
fn is_bodiless_fn(tokens: &TokenStream) -> bool {
    let tokens: Vec<_> = tokens.clone().into_iter().collect();
    let has_fn = tokens
        .iter()
        .any(|tt| matches!(tt, TokenTree::Ident(i) if i == "fn"));
    let ends_with_semi = matches!(tokens.last(), Some(TokenTree::Punct(p)) if p.as_char() == ';');
    has_fn && ends_with_semi
}

/// Rewrites the body of `func` to time every call.
fn instrument(args: &TimedArgs, mut func: ItemFn) -> syn::Result<ItemFn> {
    // `line!()` and `file!()` carry the span of the function's name, so the call site reports
    // the line of the name (not of the attribute). Everything else keeps the macro's call-site
    // span: lints see it as macro output and errors point at `#[timed]`.
    let span = func.sig.ident.span();
    let line = quote_spanned!(span=> ::core::line!());
    let file = quote_spanned!(span=> ::core::file!());
    let name = match &args.name {
        Some(name) => quote!(::core::option::Option::Some(#name)),
        None => quote!(::core::option::Option::None),
    };
    let krate = match &args.krate {
        Some(path) => quote!(#path),
        None => quote!(::timing_runtime),
    };
    // `__timed_path` is a function item nested in the instrumented function, so its
    // `type_name` is the instrumented function's path plus `::__timed_path`; the static is
    // one per call site (generic functions share it across instantiations).
    let site = quote! {
        #[allow(clippy::missing_docs_in_private_items)]
        fn __timed_path() -> &'static str {
            ::core::any::type_name_of_val(&__timed_path)
        }
        #[allow(non_upper_case_globals, clippy::missing_docs_in_private_items)]
        static __TIMED_SITE: #krate::__private::CallSite =
            #krate::__private::CallSite::new(
                #name,
                ::core::module_path!(),
                #file,
                #line,
                __timed_path,
            );
    };
    if func.sig.asyncness.is_some() {
        // Time from the first poll to completion, across `.await`s. `return` and `?` in the
        // original body now leave the `async move` block, whose output is the function's.
        let stmts = &func.block.stmts;
        let body = quote! {
            {
                #site
                #krate::__private::TimedFuture::new(
                    &__TIMED_SITE,
                    async move { #(#stmts)* },
                )
                .await
            }
        };
        *func.block = syn::parse2(body)?;
    } else {
        // Hygienic local: the user's code can neither see nor shadow the guard. It is the
        // first local, so it is dropped last, after the body's own locals.
        let guard = syn::Ident::new("__timed_guard", Span::mixed_site());
        let prefix: syn::Block = syn::parse2(quote! {
            {
                #site
                let #guard = #krate::__private::Guard::enter(&__TIMED_SITE);
            }
        })?;
        func.block.stmts.splice(0..0, prefix.stmts);
    }
    Ok(func)
}
