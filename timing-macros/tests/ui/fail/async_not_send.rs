use std::rc::Rc;

use timing_runtime::timed;

// The timing wrapper does not make a non-`Send` body `Send`.
#[timed]
async fn holds_rc() -> u32 {
    let rc = Rc::new(1);
    std::future::ready(()).await;
    *rc
}

fn assert_send<T: Send>(_: &T) {}

fn main() {
    assert_send(&holds_rc());
}
