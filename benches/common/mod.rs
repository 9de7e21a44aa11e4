//! What the benchmarks share: deterministic random numbers and dates, a loop over
//! inputs, and the window's headless frames.
#![allow(dead_code)]

pub mod window;

use std::hint::black_box;

use ccg_explorer::model::Date;
use criterion::Bencher;

/// `n` numbers below `modulo` from a small deterministic generator (xorshift), so runs
/// are comparable.
pub fn random(n: usize, modulo: u64) -> Vec<u64> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % modulo
        })
        .collect()
}

/// The first day of the record, 1 April 2013.
pub fn first_day() -> Date {
    Date::from_ymd_opt(2013, 4, 1).unwrap_or(Date::MIN)
}

/// `n` deterministic random days in the 3,380 from [`first_day`].
pub fn random_days(n: usize) -> Vec<Date> {
    random(n, 3_380)
        .into_iter()
        .map(|d| first_day() + chrono::Duration::days(d as i64))
        .collect()
}

/// Times `f` on each of `items` in turn, round and round, so that a run covers them
/// all.
pub fn round_robin<T, R>(b: &mut Bencher<'_>, items: &[T], mut f: impl FnMut(&T) -> R) {
    let mut i = 0;
    b.iter(|| {
        i = (i + 1) % items.len();
        black_box(f(&items[i]))
    });
}
