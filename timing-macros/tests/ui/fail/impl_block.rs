use timing_runtime::timed;

struct Parser;

#[timed]
impl Parser {
    fn new() -> Self {
        Parser
    }
}

fn main() {
    let _ = Parser::new();
}
