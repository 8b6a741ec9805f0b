//! # xtask — the project's automation (`cargo xtask …`)
//!
//! Every command installs what it needs when it is missing (the wasm32 target, the wasm-bindgen CLI
//! matching Cargo.lock, wasm-opt, Chromium and its driver, the end-to-end test packages) and skips
//! what is already there, so that a fresh machine needs nothing but Rust, Node.js and apt.
//!
//! - `demo`: build the widget, start the receiver on an embedded SQLite file, serve the demo pages.
//! - `test`: every layer: lint (rustfmt and clippy, native and wasm32), native, headless browser
//!   (wasm-bindgen-test), end-to-end, weight.
//! - `build`: the widget package in `pkg/`, and its content-hashed copy in `pkg/cdn/` (`--release`
//!   prints the snippet with Subresource Integrity; `--base-url` sets where the files will live).
//! - `size`: the bytes a partner page downloads for the widget, raw, gzip and brotli.
//! - `bench`: weight, time to interactive, receiver throughput: one report (`docs/bench.md`).

mod bench;
mod build;
mod compress;
mod counts;
mod demo;
mod exec;
mod paths;
mod postgres;
mod size;
mod test;
mod tools;

const USAGE: &str = "usage: cargo xtask <demo | test | build | size | bench>
  demo    build the widget and serve the demo at http://127.0.0.1:8080/ (PORT changes the port)
  test    lint (fmt, clippy) and run every test: native, headless-browser (wasm-bindgen-test),
          end-to-end, weight (name layers to run only those: test lint native)
  build   build the widget package into pkg/ and hashed copies into pkg/cdn/
          (--release prints the snippet with integrity; --base-url https://cdn.example/undersigned/)
  size    print the raw, gzip and brotli bytes of every file a partner page downloads
  bench   measure weight, time to interactive and receiver throughput; write docs/bench.md";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo::run(),
        Some("test") => test::run(&args[1..]),
        Some("build") => build::run_cli(&args[1..]),
        Some("size") => size::run(),
        Some("bench") => bench::run(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(anyhow::anyhow!("unknown command `{other}`\n{USAGE}")),
    };
    if let Err(error) = result {
        eprintln!("xtask: error: {error:#}");
        std::process::exit(1);
    }
}
