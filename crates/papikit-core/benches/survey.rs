//! Survey microdata -> PAPI index with 1000 Rao-Wu bootstrap replicates (issue 3), step by step.
//! Run: `cargo bench --workspace --bench survey` (results in benches/README.md; the Python script
//! benches/survey_bench.py times the same pipeline through the bindings next to numpy and svy).
//!
//! Workload: `synthetic_survey(2023, seed 0, scale 1)` (19,572 respondents, 207 PSUs, 63 province
//! strata), `framework(2023)` (68 indicators -> 28 sub-dimensions -> 8 dimensions -> total).

#![allow(clippy::expect_used)] // a benchmark: a failed setup should stop it loudly

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use papikit_core::framework::builtin;
use papikit_core::scores::Level;
use papikit_core::survey::{Design, Method, ScoreOptions, score, synthetic};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let df = synthetic::synthetic_survey(2023, 0, 1.0).expect("synthetic survey");
    let fw = builtin(2023).expect("framework");
    let design = Design::new("province")
        .strata("province")
        .psu("district")
        .weight("weight");
    let opts = ScoreOptions {
        method: Method::Bootstrap,
        replicates: 1000,
        seed: 1,
        level: 0.90,
        year: Some(2023),
        ..ScoreOptions::default()
    };
    let mut g = c.benchmark_group("survey_2023_bootstrap_1000");
    g.sample_size(20);
    g.bench_function("score_and_se_all_levels", |b| {
        b.iter(|| score(black_box(&df), &design, &fw, &opts).expect("score"))
    });
    g.bench_function("pipeline_with_total_and_dimension_rank_intervals", |b| {
        b.iter(|| {
            let s = score(black_box(&df), &design, &fw, &opts).expect("score");
            for lv in [Level::Total, Level::Dimension] {
                black_box(
                    s.rank_frame(lv, 0.90, None, papikit_core::Lang::En)
                        .expect("ranks"),
                );
            }
            s
        })
    });
    let fresh = score(&df, &design, &fw, &opts).expect("score");
    g.bench_function("recompute_draws_of_all_measures", |b| {
        b.iter_batched(
            || fresh.clone(),
            |s| s.draws().expect("draws").map(|d| d.len()),
            BatchSize::LargeInput,
        )
    });
    let all: Vec<usize> = (0..fresh.measures.len()).collect();
    g.bench_function("pipeline_with_rank_intervals_of_all_105_measures", |b| {
        b.iter(|| {
            let s = score(black_box(&df), &design, &fw, &opts).expect("score");
            for lv in [
                Level::Total,
                Level::Dimension,
                Level::Subdimension,
                Level::Indicator,
            ] {
                black_box(
                    s.rank_frame(lv, 0.90, None, papikit_core::Lang::En)
                        .expect("ranks"),
                );
            }
            s
        })
    });
    let cached = fresh.clone();
    cached.draws().expect("draws");
    g.bench_function("rank_intervals_all_105_measures_draws_cached", |b| {
        b.iter_batched(
            || cached.clone(),
            |s| {
                black_box(s.ranks_of(black_box(&all), 0.90, None).expect("ranks"));
                s
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
