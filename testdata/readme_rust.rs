// The Rust program the README's Neovim configurations debug
// (e2e/readme_test.go): readme_c.c's behaviour in Rust. It prints its working
// directory, calls started() once, then answers each line of stdin and exits
// with 3 + the number of lines.
use std::io::{self, BufRead, Write};

fn started(cwd: &str) {
    println!("cwd={}", cwd); // BP:started
    io::stdout().flush().unwrap();
}

fn answer(n: i32, line: &str) -> i32 {
    println!("answer {}: {}", n, line); // BP:answer
    io::stdout().flush().unwrap();
    n + 1
}

fn main() {
    let cwd = std::env::current_dir().map(|p| p.display().to_string());
    started(&cwd.unwrap_or_else(|_| "?".to_string()));
    let mut n = 0;
    for line in io::stdin().lock().lines() {
        n = answer(n, &line.unwrap());
    }
    std::process::exit(3 + n);
}
