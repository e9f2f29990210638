//! Benchmark of the reconstruction of lung by sex from its digitised figure,
//! beside the Kaplan-Meier fit of the reconstructed data (the baseline, in
//! the same group).
//!
//! `cargo bench --bench reconstruct` (or `-- --test` to run each once).

use criterion::{criterion_group, criterion_main, Criterion};
use survkit::{
    combine_arms, read_at_risk_csv, read_webplotdigitizer_csv, AtRiskTable, KaplanMeier,
    Reconstruct, Reconstruction,
};

const DIGITISED: &str = include_str!("../examples/data/lung_sex_digitised.csv");
const AT_RISK: &str = include_str!("../examples/data/lung_sex_at_risk.csv");

/// One arm's clicks, numbers at risk and published total of deaths.
type DigitisedArmInput = (Vec<(f64, f64)>, AtRiskTable, u64);

/// Both arms reconstructed from the committed digitised figure (hand-click
/// noise: the paper's algorithm).
fn reconstruct_both(arms: &[DigitisedArmInput]) -> Vec<Reconstruction> {
    arms.iter()
        .map(|(clicks, table, total)| {
            Reconstruct::new()
                .total_events(*total)
                .fit(clicks, table)
                .expect("the committed figure reconstructs")
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let digitised = read_webplotdigitizer_csv(DIGITISED).expect("committed CSV");
    let tables = read_at_risk_csv(AT_RISK).expect("committed CSV");
    let arms: Vec<DigitisedArmInput> = digitised
        .iter()
        .zip(&tables)
        .zip([112, 53])
        .map(|((a, (_, t)), d)| (a.points().to_vec(), t.clone(), d))
        .collect();
    let recs = reconstruct_both(&arms);
    let data = combine_arms(&[("Male", &recs[0]), ("Female", &recs[1])]).expect("two arms");
    // Checked once, outside the timed loops.
    assert_eq!(recs[0].n() + recs[1].n(), 228);
    assert_eq!(
        KaplanMeier::new().fit(&data).expect("fit").curves().len(),
        2
    );

    let mut group = c.benchmark_group("reconstruct");
    group.bench_function("lung_by_sex/digitised", |b| {
        b.iter(|| reconstruct_both(std::hint::black_box(&arms)))
    });
    group.bench_function("km_fit_of_reconstructed", |b| {
        b.iter(|| KaplanMeier::new().fit(std::hint::black_box(&data)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
