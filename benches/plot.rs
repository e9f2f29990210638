//! SVG generation of a Kaplan-Meier figure against the Kaplan-Meier fit of
//! the same data.
//!
//! Ids: `plot/svg/n=100000` (the whole figure of a fitted curve with 10⁵
//! distinct times: layout, legend placement, risk table, curve, band and
//! censor-mark paths, the SVG string) beside `plot/km_fit/n=100000` (the fit
//! itself from validated data), so that the cost of drawing is read as a
//! ratio to the cost of fitting.
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use survkit::{KaplanMeier, KaplanMeierPlot, SurvivalData};

/// SplitMix64: a tiny deterministic generator.
struct SplitMix(u64);

impl SplitMix {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn bench(c: &mut Criterion) {
    let n = 100_000;
    let mut rng = SplitMix(20_261_205);
    // Distinct times 1..=n days in random order (continuous times would merge
    // a few near ties under R's timefix rule).
    let mut time: Vec<f64> = (1..=n).map(|i| i as f64).collect();
    for i in (1..n).rev() {
        let j = ((i + 1) as f64 * rng.unit()) as usize;
        time.swap(i, j.min(i));
    }
    let event: Vec<bool> = (0..n).map(|_| rng.unit() < 0.7).collect();
    let data = SurvivalData::new(time, event).expect("valid data");
    let fit = KaplanMeier::new().fit(&data).expect("fits");
    assert_eq!(fit.curves()[0].len(), n);
    let plot = KaplanMeierPlot::new().confidence_bands(true);
    let figure = plot.draw(&fit, None).expect("draws");
    assert!(figure.svg().len() > n * 10);

    let mut group = c.benchmark_group("plot");
    group.sample_size(10);
    group.bench_with_input(BenchmarkId::new("svg", format!("n={n}")), &fit, |b, fit| {
        b.iter(|| black_box(plot.draw(fit, None).expect("draws")))
    });
    group.bench_with_input(
        BenchmarkId::new("km_fit", format!("n={n}")),
        &data,
        |b, data| b.iter(|| black_box(KaplanMeier::new().fit(data).expect("fits"))),
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
