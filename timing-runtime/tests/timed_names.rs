//! `#[timed]` end to end: default names tell methods apart, and the profile sees every kind of
//! function the macro accepts.

use std::fmt;

use timing_runtime::{profile, timed};

mod parsing {
    use timing_runtime::timed;

    pub struct Parser;
    pub struct Lexer;

    impl Parser {
        #[timed]
        pub fn new() -> Self {
            Parser
        }
    }

    impl Lexer {
        #[timed]
        pub fn new() -> Self {
            Lexer
        }
    }

    pub struct Wrapper<T>(pub T);

    impl<T: Copy> Wrapper<T> {
        #[timed]
        pub fn get(&self) -> T {
            self.0
        }
    }
}

struct Shown;

impl fmt::Display for Shown {
    #[timed]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("shown")
    }
}

#[timed]
fn generic<T: Default>() -> T {
    T::default()
}

#[timed]
async fn asynchronous() -> u8 {
    3
}

#[test]
fn default_names_and_kinds() {
    let _ = parsing::Parser::new();
    let _ = parsing::Lexer::new();
    let _ = parsing::Lexer::new();
    assert_eq!(parsing::Wrapper(5u8).get(), 5);
    assert_eq!(parsing::Wrapper(1.5f64).get(), 1.5);
    assert_eq!(Shown.to_string(), "shown");
    let _: u32 = generic();
    let _: String = generic();
    let mut fut = std::pin::pin!(asynchronous());
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    assert_eq!(fut.as_mut().poll(&mut cx), std::task::Poll::Ready(3));

    let snap = profile::snapshot();
    let calls = |name: &str| snap.get(name).map(|r| r.calls());
    assert_eq!(calls("Parser::new"), Some(1));
    assert_eq!(calls("Lexer::new"), Some(2));
    assert_eq!(
        calls("Wrapper::get"),
        Some(2),
        "generic impls share one call site"
    );
    assert_eq!(calls("<Shown as Display>::fmt"), Some(1));
    assert_eq!(calls("generic"), Some(2));
    assert_eq!(calls("asynchronous"), Some(1));
    // The module path is kept, and a qualified lookup works.
    let parser = snap.get("Parser::new").unwrap();
    assert_eq!(parser.module_path(), "timed_names::parsing");
    assert_eq!(
        snap.get("timed_names::parsing::Parser::new")
            .unwrap()
            .calls(),
        1
    );
    let (file, line) = parser.location();
    assert!(file.ends_with("timed_names.rs") && line > 0);
}
