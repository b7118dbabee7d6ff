//! What the benches share: running as a benchmark (`cargo bench`) or as a smoke test
//! (`cargo test --all-targets`), and timing a pass. Not a bench target itself (cargo finds
//! benches in `benches/*.rs` and `benches/*/main.rs` only).

use std::time::{Duration, Instant};

/// Runs `bench(true)` under `cargo bench`; under `cargo test`, runs `bench(false)` once as a
/// smoke test and reports it like a test binary's result, so the suite's totals count it.
pub fn main(bench: fn(bool)) {
    let benchmarking = std::env::args().any(|a| a == "--bench");
    if benchmarking {
        bench(true);
        return;
    }
    let passed = std::panic::catch_unwind(|| bench(false)).is_ok();
    let (word, ok, failed) = if passed {
        ("ok", 1, 0)
    } else {
        ("FAILED", 0, 1)
    };
    println!(
        "\ntest result: {word}. {ok} passed; {failed} failed; 0 ignored; 0 measured; 0 filtered out"
    );
    if !passed {
        std::process::exit(101);
    }
}

/// The median time of `runs` runs of `f`, and the last run's result.
pub fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut last = None;
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            last = Some(std::hint::black_box(f()));
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[times.len() / 2], last.expect("at least one run"))
}
