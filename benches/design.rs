//! The exhaustive search for Simon's two-stage designs, against the cost of
//! evaluating one design's exact operating characteristics (type I error,
//! PET and EN at p0, power at p1) measured in the same run. The ratio says
//! how many single-design evaluations the whole exact search costs.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;
use survkit::{SimonSearch, TwoStageDesign};

fn simon(c: &mut Criterion) {
    for (p0, p1, nmax) in [(0.1, 0.3, 100u64), (0.3, 0.5, 100), (0.05, 0.15, 300)] {
        let mut group = c.benchmark_group(format!("design/simon/p0={p0}/p1={p1}"));
        let search = SimonSearch::new(p0, p1).unwrap().nmax(nmax);
        let found = search.search().unwrap();
        let optimal = found.optimal().design();
        // The result checked once: the optimal design meets alpha and power.
        assert!(found.optimal().type_i_error() <= 0.05 && found.optimal().power() >= 0.8);
        group.bench_with_input(
            BenchmarkId::new("one_design_oc", optimal.n()),
            &optimal,
            |b, d| {
                b.iter(|| {
                    let d: &TwoStageDesign = black_box(d);
                    let h0 = d.characteristics(black_box(p0)).unwrap();
                    let h1 = d.characteristics(black_box(p1)).unwrap();
                    (
                        h0.rejection_probability(),
                        h0.expected_size(),
                        h1.rejection_probability(),
                    )
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("search", format!("nmax={nmax}")),
            &search,
            |b, s| b.iter(|| black_box(s).search().unwrap()),
        );
        group.finish();
    }
}

criterion_group!(benches, simon);
criterion_main!(benches);
