#![deny(warnings)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use timing_runtime::timed;

struct Client {
    base: u32,
}

impl Client {
    #[timed]
    async fn get(&self, x: u32) -> u32 {
        std::future::ready(()).await;
        self.base + x
    }

    #[timed]
    async fn set(&mut self, x: u32) {
        self.base = x;
    }

    #[timed]
    async fn into_base(self) -> u32 {
        self.base
    }
}

trait Service {
    async fn call(&self, x: u32) -> u32;
}

impl Service for Client {
    #[timed]
    async fn call(&self, x: u32) -> u32 {
        self.get(x).await * 2
    }
}

fn assert_send<T: Send>(_: &T) {}

fn block_on<F: Future>(fut: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    let mut fut = pin!(fut);
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

fn main() {
    let mut client = Client { base: 1 };
    let fut = client.get(2);
    assert_send(&fut);
    assert_eq!(block_on(fut), 3);
    block_on(client.set(10));
    assert_eq!(block_on(client.call(1)), 22);
    assert_eq!(block_on(client.into_base()), 10);
}
