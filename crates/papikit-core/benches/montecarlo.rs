//! 10,000-draw Monte Carlo of a 63-province scenario with rank distributions of every province.
//! Run: `cargo bench --workspace --bench montecarlo` (results in benches/README.md).

use criterion::{Criterion, criterion_group, criterion_main};
use papikit_core::published::panel;
use papikit_core::simulation::montecarlo::{Goal, rank_distribution};
use std::hint::black_box;

fn scenario() -> (Vec<u16>, Vec<f64>, Vec<f64>) {
    // 63 provinces: the 2022 published totals (63 scored? fall back to 2020 for gaps), SE 0.5-1.0.
    let rows = panel().unwrap_or(&[]);
    let mut codes = Vec::new();
    let mut mean = Vec::new();
    let mut se = Vec::new();
    for r in rows.iter().filter(|r| r.year == 2020) {
        codes.push(r.code);
        mean.push(r.total.unwrap_or(40.0));
        se.push(0.5 + (r.code % 11) as f64 * 0.05);
    }
    (codes, mean, se)
}

fn bench(c: &mut Criterion) {
    let (codes, mean, se) = scenario();
    assert_eq!(codes.len(), 63);
    let focal = codes.iter().position(|&c| c == 66).unwrap_or(0);
    c.bench_function(
        "montecarlo_63_provinces_10000_draws_rank_distributions",
        |b| {
            b.iter(|| {
                rank_distribution(
                    black_box(&codes),
                    black_box(&mean),
                    black_box(&se),
                    Some((focal, Goal::RankAtMost(15))),
                    10_000,
                    0,
                )
            })
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
