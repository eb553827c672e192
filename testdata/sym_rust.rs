// sym_rust: the Rust fixture of the symbols tests: a method in a module,
// a free function, main. Built with rustc -g (no optimisation).
mod shapes {
    pub struct Square {
        pub side: i64,
    }

    impl Square {
        pub fn area(&self) -> i64 {
            self.side * self.side // BP:rust_area
        }
    }
}

#[inline(never)]
fn helper(v: i64) -> i64 {
    v + 1 // BP:rust_helper
}

fn main() {
    let s = shapes::Square { side: 3 };
    let a = s.area(); // BP:rust_main
    println!("{}", helper(a));
}
