//! Property tests and an exact-rational oracle for Fisher's exact test.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, ToPrimitive, Zero};
use proptest::prelude::*;
use survkit::{
    fisher_exact, fisher_exact_rxc, Alternative, ConfidenceLevel, ContingencyTable, FisherExact,
    FisherExactRxc, PValueKind, Table2x2,
};

/// Relative tolerance of the rational oracle comparisons (the project's).
const TOL: f64 = 1e-10;

fn rel(a: f64, e: f64) -> f64 {
    if a == e {
        0.0
    } else {
        ((a - e) / e).abs()
    }
}

fn fact(n: u64) -> BigInt {
    (1..=n).fold(BigInt::one(), |acc, i| acc * BigInt::from(i))
}

/// All tables with the given margins (small ones only).
fn tables(rows: &[u64], cols: &[u64]) -> Vec<Vec<Vec<u64>>> {
    if rows.len() == 1 {
        return vec![vec![cols.to_vec()]];
    }
    let mut out = Vec::new();
    let mut row = vec![0u64; cols.len()];
    fn fill(j: usize, left: u64, cols: &[u64], row: &mut Vec<u64>, acc: &mut Vec<Vec<u64>>) {
        if j + 1 == cols.len() {
            if left <= cols[j] {
                row[j] = left;
                acc.push(row.clone());
            }
            return;
        }
        for v in 0..=left.min(cols[j]) {
            row[j] = v;
            fill(j + 1, left - v, cols, row, acc);
        }
    }
    let mut firsts = Vec::new();
    fill(0, rows[0], cols, &mut row, &mut firsts);
    for f in firsts {
        let rest: Vec<u64> = cols.iter().zip(&f).map(|(c, v)| c - v).collect();
        for mut t in tables(&rows[1..], &rest) {
            t.insert(0, f.clone());
            out.push(t);
        }
    }
    out
}

/// Exact p-value with rational probabilities; `tol_num / tol_den` is the
/// relative tie tolerance (R: 1e-7 for 2 x 2, FEXACT ≈ 3.45254e-7 for r x c).
fn rational_p(x: &[Vec<u64>], tol_num: u64, tol_den: u64) -> f64 {
    let rows: Vec<u64> = x.iter().map(|r| r.iter().sum()).collect();
    let cols: Vec<u64> = (0..x[0].len())
        .map(|j| x.iter().map(|r| r[j]).sum())
        .collect();
    let n: u64 = rows.iter().sum();
    let num = rows
        .iter()
        .chain(&cols)
        .fold(BigInt::one(), |a, &v| a * fact(v));
    let prob = |t: &[Vec<u64>]| {
        let den = t.iter().flatten().fold(fact(n), |a, &v| a * fact(v));
        BigRational::new(num.clone(), den)
    };
    let p_obs = prob(x);
    let limit = p_obs * BigRational::new((tol_den + tol_num).into(), tol_den.into());
    let mut p = BigRational::zero();
    for t in tables(&rows, &cols) {
        let pt = prob(&t);
        if pt <= limit {
            p += pt;
        }
    }
    p.to_f64().unwrap()
}

#[test]
fn rational_oracle_2x2_all_small_tables() {
    // every 2 x 2 table with total up to 14
    let mut n = 0;
    for a in 0..=6u64 {
        for b in 0..=4u64 {
            for c in 0..=4u64 {
                for d in 0..=4u64 {
                    let x = vec![vec![a, b], vec![c, d]];
                    let want = rational_p(&x, 1, 10_000_000);
                    let got = fisher_exact(&Table2x2::new([[a, b], [c, d]]).unwrap())
                        .unwrap()
                        .p_value();
                    assert!(rel(got, want) <= TOL, "{x:?}: {got} vs {want}");
                    n += 1;
                }
            }
        }
    }
    assert_eq!(n, 7 * 125);
}

#[test]
fn tiny_p_values_match_rational_oracle() {
    // p-values from 1e-30 down to 7.4e-300 (= 2 / C(1000, 500)), every
    // alternative's tail summed in log space from its first term
    let cases = [
        [[500u64, 0], [0, 500]],
        [[300, 10], [5, 400]],
        [[18, 147], [123, 58]],
        [[0, 400], [350, 2]],
    ];
    for rows in cases {
        let x: Vec<Vec<u64>> = rows.iter().map(|r| r.to_vec()).collect();
        let want = rational_p(&x, 1, 10_000_000);
        assert!(want > 0.0 && want < 1e-28, "{rows:?}: {want:e}");
        let got = fisher_exact(&Table2x2::new(rows).unwrap())
            .unwrap()
            .p_value();
        assert!(rel(got, want) <= TOL, "{rows:?}: {got:e} vs {want:e}");
    }
}

#[test]
fn rational_oracle_rxc_small_tables() {
    let cases: Vec<Vec<Vec<u64>>> = vec![
        vec![vec![2, 0, 1], vec![0, 2, 1]],
        vec![vec![1, 2, 0], vec![3, 0, 1], vec![0, 1, 2]],
        vec![vec![3, 1, 0, 2], vec![0, 2, 3, 1]],
        vec![vec![2, 1], vec![0, 3], vec![1, 1], vec![2, 0]],
        vec![vec![1, 0, 1], vec![0, 1, 0], vec![2, 0, 0], vec![0, 1, 1]],
        vec![vec![4, 0, 0], vec![0, 4, 0], vec![0, 0, 4]],
        vec![vec![2, 2, 2], vec![2, 2, 2], vec![2, 2, 2]],
        vec![vec![5, 1, 2, 0], vec![1, 3, 0, 2], vec![0, 2, 4, 1]],
    ];
    for x in cases {
        let want = rational_p(&x, 345_254, 1_000_000_000_000);
        let got = fisher_exact_rxc(&ContingencyTable::new(x.clone()).unwrap())
            .unwrap()
            .p_value();
        assert!(rel(got, want) <= TOL, "{x:?}: {got} vs {want}");
    }
}

fn test_2x2(t: &Table2x2, alt: Alternative, kind: PValueKind) -> f64 {
    FisherExact::default()
        .alternative(alt)
        .p_value_kind(kind)
        .test(t)
        .unwrap()
        .p_value()
}

/// ln P(X = a) from ln Γ, for the identity check only (small counts).
fn point_prob(rows: [[u64; 2]; 2]) -> f64 {
    let [[a, b], [c, d]] = rows;
    let lf = |n: u64| (1..=n).map(|i| (i as f64).ln()).sum::<f64>();
    let (m, n, k) = (a + c, b + d, a + b);
    (lf(m) - lf(a) - lf(c) + lf(n) - lf(b) - lf(d) - (lf(m + n) - lf(k) - lf(m + n - k))).exp()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn p_values_in_unit_interval(a in 0u64..300, b in 0u64..300, c in 0u64..300, d in 0u64..300) {
        let t = Table2x2::new([[a, b], [c, d]]).unwrap();
        for alt in [Alternative::TwoSided, Alternative::Less, Alternative::Greater] {
            for kind in [PValueKind::Exact, PValueKind::MidP] {
                let p = test_2x2(&t, alt, kind);
                prop_assert!((0.0..=1.0).contains(&p), "{alt:?} {kind:?} {p}");
            }
        }
    }

    #[test]
    fn less_plus_greater_minus_point_is_one(a in 0u64..60, b in 0u64..60, c in 0u64..60, d in 0u64..60) {
        let rows = [[a, b], [c, d]];
        let t = Table2x2::new(rows).unwrap();
        let less = test_2x2(&t, Alternative::Less, PValueKind::Exact);
        let greater = test_2x2(&t, Alternative::Greater, PValueKind::Exact);
        let px = point_prob(rows);
        prop_assert!((less + greater - px - 1.0).abs() < 1e-12, "{less} + {greater} - {px}");
        // the same identity through the mid-p
        let lm = test_2x2(&t, Alternative::Less, PValueKind::MidP);
        let gm = test_2x2(&t, Alternative::Greater, PValueKind::MidP);
        prop_assert!((lm + gm - 1.0).abs() < 1e-12);
    }

    #[test]
    fn symmetries_2x2(a in 0u64..200, b in 0u64..200, c in 0u64..200, d in 0u64..200) {
        let t = Table2x2::new([[a, b], [c, d]]).unwrap();
        let r = fisher_exact(&t).unwrap();
        let rt = fisher_exact(&t.transpose()).unwrap();
        prop_assert!(rel(rt.p_value(), r.p_value()) < 1e-12);
        prop_assert!(rel(rt.odds_ratio(), r.odds_ratio()) < 1e-9 || rt.odds_ratio() == r.odds_ratio());
        // swapping the rows inverts the odds ratio and keeps the two-sided p
        let s = fisher_exact(&Table2x2::new([[c, d], [a, b]]).unwrap()).unwrap();
        prop_assert!(rel(s.p_value(), r.p_value()) < 1e-12);
        let or = r.odds_ratio();
        if or > 0.0 && or.is_finite() {
            prop_assert!(rel(s.odds_ratio() * or, 1.0) < 1e-9);
        }
    }

    #[test]
    fn intervals_contain_estimate_and_nest(a in 0u64..100, b in 0u64..100, c in 0u64..100, d in 0u64..100) {
        let t = Table2x2::new([[a, b], [c, d]]).unwrap();
        let mut prev: Option<(f64, f64)> = None;
        for level in [0.8, 0.9, 0.95, 0.99, 0.999999] {
            let r = FisherExact::default()
                .confidence_level(ConfidenceLevel::new(level).unwrap())
                .test(&t)
                .unwrap();
            let ci = r.confidence_interval();
            prop_assert!(ci.lower() <= r.odds_ratio() && r.odds_ratio() <= ci.upper(),
                "{level}: {} not in [{}, {}]", r.odds_ratio(), ci.lower(), ci.upper());
            if let Some((lo, hi)) = prev {
                prop_assert!(ci.lower() <= lo * (1.0 + 1e-12) && ci.upper() >= hi * (1.0 - 1e-12));
            }
            prev = Some((ci.lower(), ci.upper()));
        }
    }

    #[test]
    fn rxc_invariances(
        nr in 2usize..4, nc in 2usize..4,
        cells in proptest::collection::vec(0u64..6, 16),
        rot_r in 0usize..4, rot_c in 0usize..4,
    ) {
        let rows: Vec<Vec<u64>> = (0..nr).map(|i| cells[i * 4..i * 4 + nc].to_vec()).collect();
        let t = ContingencyTable::new(rows.clone()).unwrap();
        let p = fisher_exact_rxc(&t).unwrap().p_value();
        prop_assert!((0.0..=1.0).contains(&p));
        let pt = fisher_exact_rxc(&t.transpose()).unwrap().p_value();
        prop_assert!(rel(pt, p) < 1e-10, "transpose {pt} vs {p}");
        let mut perm = rows.clone();
        perm.rotate_left(rot_r % nr);
        for r in perm.iter_mut() {
            r.rotate_left(rot_c % nc);
        }
        let pp = fisher_exact_rxc(&ContingencyTable::new(perm).unwrap()).unwrap().p_value();
        prop_assert!(rel(pp, p) < 1e-10, "permuted {pp} vs {p}");
    }

    #[test]
    fn rxc_matches_rational_oracle(
        nr in 2usize..4, nc in 3usize..5,
        cells in proptest::collection::vec(0u64..4, 16),
    ) {
        let rows: Vec<Vec<u64>> = (0..nr).map(|i| cells[i * 4..i * 4 + nc].to_vec()).collect();
        let t = ContingencyTable::new(rows.clone()).unwrap();
        let got = fisher_exact_rxc(&t).unwrap().p_value();
        let rs: Vec<u64> = rows.iter().map(|r| r.iter().sum()).collect();
        let cs: Vec<u64> = (0..nc).map(|j| rows.iter().map(|r| r[j]).sum()).collect();
        let nz_r = rs.iter().filter(|&&v| v > 0).count();
        let nz_c = cs.iter().filter(|&&v| v > 0).count();
        let want = if nz_r < 2 || nz_c < 2 {
            1.0
        } else {
            let tol = if nz_r == 2 && nz_c == 2 { (1, 10_000_000) } else { (345_254, 1_000_000_000_000) };
            rational_p(&rows, tol.0, tol.1)
        };
        prop_assert!(rel(got, want) <= TOL, "{rows:?}: {got} vs {want}");
    }

    #[test]
    fn bad_rxc_input_never_panics(
        rows in proptest::collection::vec(
            proptest::collection::vec(prop_oneof![0u64..5, Just(u64::MAX), Just(1u64 << 60)], 0..5),
            0..5),
    ) {
        if let Ok(t) = ContingencyTable::new(rows) {
            let _ = FisherExactRxc::default().max_nodes(100_000).test(&t);
        }
    }

    #[test]
    fn huge_2x2_counts_never_panic(
        a in prop_oneof![0u64..10, Just(u64::MAX), Just(1u64 << 52), Just(1_000_000_000u64)],
        b in 0u64..10, c in 0u64..10,
        d in prop_oneof![0u64..10, Just(u64::MAX), Just(1u64 << 40)],
    ) {
        if let Ok(t) = Table2x2::new([[a, b], [c, d]]) {
            let r = fisher_exact(&t).unwrap();
            prop_assert!((0.0..=1.0).contains(&r.p_value()));
        }
    }
}
