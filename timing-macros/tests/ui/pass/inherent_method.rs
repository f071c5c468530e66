#![deny(warnings)]

use timing_runtime::timed;

struct Parser {
    count: u32,
}

struct Lexer;

impl Parser {
    #[timed]
    fn new() -> Self {
        Self { count: 0 }
    }

    #[timed]
    fn feed(&mut self, n: u32) -> &mut Self {
        self.count += n;
        self
    }

    #[timed(name = "Parser::total")]
    fn total(&self) -> u32 {
        self.count
    }

    #[timed]
    fn into_count(self: Box<Self>) -> u32 {
        self.count
    }
}

impl Lexer {
    #[timed]
    fn new() -> Self {
        Lexer
    }
}

fn main() {
    let mut parser = Parser::new();
    parser.feed(2).feed(3);
    assert_eq!(parser.total(), 5);
    assert_eq!(Box::new(parser).into_count(), 5);
    let Lexer = Lexer::new();
}
