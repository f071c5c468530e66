#![deny(warnings, unsafe_op_in_unsafe_fn)]

use timing_runtime::timed;

/// # Safety
/// `ptr` must be valid for reads.
#[timed]
unsafe fn read(ptr: *const u32) -> u32 {
    // SAFETY: guaranteed by the caller.
    unsafe { ptr.read() }
}

#[timed]
extern "C" fn callback(x: i32) -> i32 {
    x + 1
}

fn main() {
    let value = 7;
    // SAFETY: a reference is valid for reads.
    assert_eq!(unsafe { read(&value) }, 7);
    let f: extern "C" fn(i32) -> i32 = callback;
    assert_eq!(f(1), 2);
}
