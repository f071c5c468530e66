#![deny(warnings)]

use std::fmt::Debug;

use timing_runtime::timed;

#[timed]
fn largest<T: PartialOrd + Copy>(items: &[T]) -> Option<T> {
    let mut best = *items.first()?;
    for &item in items {
        if item > best {
            best = item;
        }
    }
    Some(best)
}

#[timed]
fn describe<'a, T, const N: usize>(items: &'a [T; N]) -> String
where
    T: Debug,
{
    format!("{N}: {items:?}")
}

#[timed]
fn sum(items: impl IntoIterator<Item = u32>) -> u32 {
    items.into_iter().sum()
}

struct Wrapper<T>(T);

impl<T: Clone> Wrapper<T> {
    #[timed]
    fn get(&self) -> T {
        self.0.clone()
    }

    #[timed]
    fn map<U, F: FnOnce(T) -> U>(self, f: F) -> Wrapper<U> {
        Wrapper(f(self.0))
    }
}

fn main() {
    assert_eq!(largest(&[1, 5, 2]), Some(5));
    assert_eq!(largest(&[0.5, -1.0]), Some(0.5));
    assert_eq!(describe(&[1, 2]), "2: [1, 2]");
    assert_eq!(sum(vec![1, 2, 3]), 6);
    assert_eq!(Wrapper("a").get(), "a");
    assert_eq!(Wrapper(2).map(|x| x * 10).get(), 20);
}
