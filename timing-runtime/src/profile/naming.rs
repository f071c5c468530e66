//! The names records are shown under: an explicit `#[timed(name = …)]`, or the function's
//! path, shortened from the `type_name` of a marker function nested in it.

use std::borrow::Cow;

use crate::profile::callsite::CallSite;

/// The name shown for `site`: its explicit name, or its path relative to its module. The
/// registry computes it once per site (`registry::Registered::name`); use that rather than
/// calling this on a hot or repeated path.
pub(crate) fn display_name(site: &'static CallSite) -> Cow<'static, str> {
    match site.explicit_name() {
        Some(name) => Cow::Borrowed(name),
        None => Cow::Owned(path_name(site.raw_path(), site.module_path())),
    }
}

/// Turns the `type_name` of the marker fn nested in an instrumented function into a short,
/// readable name: `crate::m::Parser::new::__timed_path` → `Parser::new`,
/// `<crate::m::P as core::fmt::Display>::fmt::__timed_path` → `<P as Display>::fmt`,
/// `crate::m::W<_>::get::__timed_path` → `W::get`, `crate::m::f::{{closure}}::__timed_path` → `f`.
fn path_name(raw: &str, module_path: &str) -> String {
    // Drop the marker fn and the closures of `async fn` bodies.
    let path = raw.rsplit_once("::").map_or(raw, |(head, _)| head);
    let path = path.replace("::{{closure}}", "");
    if let Some(rest) = path.strip_prefix('<') {
        // `<Type as Trait>::method`: shorten both paths.
        if let Some(close) = matching_angle(rest) {
            let (qualified, tail) = (&rest[..close], &rest[close + 1..]);
            let shortened: Vec<String> = qualified
                .split(" as ")
                .map(|p| last_segment(&strip_generics(p)).to_owned())
                .collect();
            return format!("<{}>{}", shortened.join(" as "), strip_generics(tail));
        }
    }
    let relative = path
        .strip_prefix(module_path)
        .and_then(|r| r.strip_prefix("::"))
        .unwrap_or(&path);
    strip_generics(relative)
}

/// Index of the `>` closing an angle bracket opened just before `s`.
fn matching_angle(s: &str) -> Option<usize> {
    let mut depth = 1usize;
    for (i, c) in s.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Removes generic arguments: `W<_>::get` → `W::get`.
fn strip_generics(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::path_name;

    #[test]
    fn names_from_type_name_paths() {
        let m = "app::m";
        let cases = [
            ("app::m::free::__timed_path", "free"),
            ("app::m::Parser::new::__timed_path", "Parser::new"),
            ("app::m::Lexer::new::__timed_path", "Lexer::new"),
            ("app::m::Wrapper<_>::get::__timed_path", "Wrapper::get"),
            (
                "app::m::Wrapper<u8>::concrete::__timed_path",
                "Wrapper::concrete",
            ),
            (
                "<app::m::Parser as core::fmt::Display>::fmt::__timed_path",
                "<Parser as Display>::fmt",
            ),
            (
                "<app::m::Wrapper<_> as core::fmt::Display>::fmt::__timed_path",
                "<Wrapper as Display>::fmt",
            ),
            ("app::m::Shape::area::__timed_path", "Shape::area"),
            ("app::m::outer::inner::__timed_path", "outer::inner"),
            ("app::m::fetch::{{closure}}::__timed_path", "fetch"),
            (
                "app::m::Parser::run::{{closure}}::__timed_path",
                "Parser::run",
            ),
            ("other::place::f::__timed_path", "other::place::f"),
        ];
        for (raw, want) in cases {
            assert_eq!(path_name(raw, m), want, "{raw}");
        }
    }
}
