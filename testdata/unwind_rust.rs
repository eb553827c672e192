// A Rust call chain for the symbols unwinder tests: the stack must run
// from user code through the standard library's start-up to _start.
use std::hint::black_box;

#[inline(never)]
fn inner(n: i32) -> i32 {
    let doubled = n * 2;
    black_box(doubled) // BP:rust_inner
}

#[inline(never)]
fn middle(n: i32) -> i32 {
    let r = inner(n + 1); // BP:rust_call_inner
    r + 1
}

fn main() {
    let v = middle(black_box(2)); // BP:rust_call_middle
    std::process::exit(if v == 7 { 0 } else { 1 });
}
