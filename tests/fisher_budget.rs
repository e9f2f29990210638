//! Fisher r x c: budgets that bound wall time, Monte Carlo ties, the `Auto`
//! route and the strong-association tables R solves only with a raised
//! workspace (issue 11). Reference data: tests/data/fisher_budget_r.txt,
//! written by tests/data/generate_fisher_budget.R.

use std::num::NonZeroU64;
use std::time::{Duration, Instant};
use survkit::ErrorDetail;

use crate::common::{parse, Case};
use proptest::prelude::*;
use survkit::{fisher_exact_rxc, ContingencyTable, FisherExactRxc, RxcMethod};

const R_DATA: &str = include_str!("data/fisher_budget_r.txt");

/// The time limit used by the tests (short, so CI stays fast).
const LIMIT: Duration = Duration::from_millis(300);

/// What a run may take past its time limit: the clock is read every few
/// tens of microseconds of work, but the test machine may be shared and
/// loaded (this leaves room for one descheduled time slice and the setup
/// before the clock starts).
const SLACK: Duration = Duration::from_millis(700);

fn table(c: &Case) -> ContingencyTable {
    let dim = c.counts("dim");
    let cells = c.counts("cells");
    let rows: Vec<Vec<u64>> = cells.chunks(dim[1] as usize).map(|r| r.to_vec()).collect();
    ContingencyTable::new(rows).unwrap()
}

fn nz(b: u64) -> NonZeroU64 {
    NonZeroU64::new(b).unwrap()
}

/// A sparse `r x c` table with `n` counts placed by a fixed SplitMix64
/// stream (seed 2026).
fn sparse(r: usize, c: usize, n: u64) -> ContingencyTable {
    let mut s: u64 = 2026;
    let mut next = || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut rows = vec![vec![0u64; c]; r];
    for _ in 0..n {
        let i = (next() % r as u64) as usize;
        let j = (next() % c as u64) as usize;
        rows[i][j] += 1;
    }
    ContingencyTable::new(rows).unwrap()
}

/// Issue 11: a sparse 50 x 50 table with N = 200 returned `BudgetExceeded`
/// after 99 s, 50 x 50 with N = 100 after 124 s, 30 x 30 with N = 100 after
/// 31 s. Each now stops at its time limit (or finishes), in both
/// orientations, with an error saying how far it got and what to try.
#[test]
fn exact_route_stops_at_its_time_limit_for_every_shape() {
    for (r, c, n) in [(50, 50, 200), (50, 50, 100), (30, 30, 100)] {
        let t = sparse(r, c, n);
        for t in [t.clone(), t.transpose()] {
            let start = Instant::now();
            let res = FisherExactRxc::default().time_limit(LIMIT).test(&t);
            let took = start.elapsed();
            assert!(took < LIMIT + SLACK, "{r} x {c} N = {n}: {took:?}");
            match res {
                Ok(res) => assert!((0.0..=1.0).contains(&res.p_value())),
                Err(e) => {
                    let ErrorDetail::BudgetExceeded {
                        limit,
                        unit,
                        ref progress,
                        ..
                    } = *e.detail()
                    else {
                        panic!("{r} x {c} N = {n}: {e:?}");
                    };
                    assert_eq!((limit, unit), (300, "milliseconds"));
                    let p = progress
                        .as_ref()
                        .expect("a stopped run says how far it got");
                    assert!(p.done > 0 && p.done_unit == "work units");
                    let msg = e.to_string();
                    assert!(
                        msg.contains("stopped after")
                            && msg.contains("RxcMethod::Auto")
                            && msg.contains("raise time_limit"),
                        "{msg}"
                    );
                }
            }
        }
    }
}

/// The default time limit is stated in seconds and used by default.
#[test]
fn default_time_limit_is_five_seconds() {
    assert_eq!(survkit::DEFAULT_RXC_TIME_LIMIT, Duration::from_secs(5));
}

/// Issue 11: `B = u64::MAX` ran forever. It stops at the time limit and
/// says how many tables it drew and about how long all of them would take.
#[test]
fn monte_carlo_stops_at_its_time_limit() {
    let t = ContingencyTable::new(vec![vec![3, 1, 0], vec![1, 3, 5]]).unwrap();
    let start = Instant::now();
    let e = FisherExactRxc::default()
        .monte_carlo(nz(u64::MAX), 1)
        .time_limit(LIMIT)
        .test(&t)
        .unwrap_err();
    assert!(start.elapsed() < LIMIT + SLACK, "{:?}", start.elapsed());
    match e.detail() {
        ErrorDetail::BudgetExceeded {
            limit: 300,
            progress: Some(p),
            ..
        } => {
            assert!(p.done > 1000 && p.done_unit == "simulated tables", "{p:?}");
            assert!(p.needed.unwrap() > 1_000_000_000, "{p:?}");
        }
        other => panic!("{other:?}"),
    }
    let msg = e.to_string();
    assert!(
        msg.starts_with("Monte Carlo r x c Fisher test exceeds its budget of 300 milliseconds"),
        "{msg}"
    );
    assert!(msg.contains("simulated tables") && msg.contains("lower replicates"));
    assert!(msg.contains("milliseconds needed"), "{msg}");
}

/// Issue 11: a 3 x 2 table with N near 2^52 took 15 s for B = 100 (each
/// table costs about √N). It stops within one table of its time limit.
#[test]
fn monte_carlo_with_huge_counts_stops_at_its_time_limit() {
    let q = 1u64 << 50;
    let t = ContingencyTable::new(vec![vec![q, q + 7], vec![q + 3, q], vec![5, 9]]).unwrap();
    let start = Instant::now();
    let res = FisherExactRxc::default()
        .monte_carlo(nz(100), 5)
        .time_limit(LIMIT)
        .test(&t);
    assert!(start.elapsed() < LIMIT + SLACK, "{:?}", start.elapsed());
    match res.map_err(survkit::Error::into_detail) {
        Ok(r) => assert!((0.0..=1.0).contains(&r.p_value())),
        Err(ErrorDetail::BudgetExceeded {
            progress: Some(p), ..
        }) => assert!(p.done < 100 && p.done_unit == "simulated tables"),
        Err(e) => panic!("{e:?}"),
    }
}

/// The deterministic work budget is still available, and says how far it
/// got; the error of a budget refused up front has no progress.
#[test]
fn work_budget_reports_progress() {
    let t = sparse(6, 6, 60);
    match FisherExactRxc::default()
        .max_nodes(5000)
        .test(&t)
        .map_err(survkit::Error::into_detail)
    {
        Err(ErrorDetail::BudgetExceeded {
            limit: 5000,
            unit: "work units",
            progress: Some(p),
            ..
        }) => assert!(p.done > 5000 && p.needed.is_none() && p.fix.contains("max_nodes")),
        other => panic!("{other:?}"),
    }
}

/// `Auto`: exact when it fits, otherwise Monte Carlo with its standard
/// error, and the result says which.
#[test]
fn auto_gives_exact_or_monte_carlo_and_says_which() {
    let auto = RxcMethod::Auto {
        replicates: nz(2000),
        seed: 9,
    };
    let small = ContingencyTable::new(vec![vec![3, 1, 0], vec![1, 3, 5]]).unwrap();
    let r = FisherExactRxc::default().method(auto).test(&small).unwrap();
    assert!(r.is_exact() && r.std_err().is_none());
    assert_eq!(r.method(), RxcMethod::Exact);
    assert_eq!(r.p_value(), fisher_exact_rxc(&small).unwrap().p_value());

    // a 50 x 50 table costs 2401 draws per simulated table: 100 of them
    let auto = RxcMethod::Auto {
        replicates: nz(100),
        seed: 9,
    };
    let big = sparse(50, 50, 200);
    let start = Instant::now();
    let r = FisherExactRxc::default()
        .method(auto)
        .time_limit(LIMIT)
        .test(&big)
        .unwrap();
    assert!(start.elapsed() < 2 * LIMIT + SLACK);
    assert!(!r.is_exact());
    assert_eq!(
        r.method(),
        RxcMethod::MonteCarlo {
            replicates: nz(100),
            seed: 9
        }
    );
    let se = r.std_err().unwrap();
    assert!(se > 0.0 && (0.0..=1.0).contains(&r.p_value()));

    // the work budget also sends Auto to Monte Carlo
    let r = FisherExactRxc::default()
        .method(auto)
        .max_nodes(10)
        .test(&sparse(6, 6, 60))
        .unwrap();
    assert!(!r.is_exact());
}

/// Issue 11: Monte Carlo missed exact ties (`ln 0!` was -4.4e-16):
/// `[[0, 1], [1, 0]]` with B = 10,000 gave p = 1e-4 (exact: 1) and
/// `[[0, 1], [1, 1]]` gave 0.32 (exact: 1).
#[test]
fn monte_carlo_counts_exact_ties() {
    for rows in [vec![vec![0, 1], vec![1, 0]], vec![vec![0, 1], vec![1, 1]]] {
        let t = ContingencyTable::new(rows.clone()).unwrap();
        let exact = fisher_exact_rxc(&t).unwrap().p_value();
        assert_eq!(exact, 1.0, "{rows:?}");
        let mc = FisherExactRxc::default()
            .monte_carlo(nz(10_000), 1)
            .test(&t)
            .unwrap();
        assert_eq!(mc.p_value(), 1.0, "{rows:?}");
    }
    // a 3 x 3 table of zeros and ones: every drawn table with ones only ties
    let t = ContingencyTable::new(vec![vec![1, 0, 1], vec![0, 1, 1], vec![1, 1, 0]]).unwrap();
    assert_mc_near_exact(&t, 20_000, 3);
}

/// Asserts that the Monte Carlo p with `b` tables lies within 6 standard
/// errors of the exact p (the standard error at least `1 / b`, so an exact
/// p of 1 must be met exactly). Six, not four: the property test below draws
/// a fresh table and seed on every run, and 4 standard errors are crossed by
/// chance about once in 16 000 draws (3 x 4 table [[2,0,0,0],[0,1,0,0],
/// [1,2,1,2]], seed 573: z = 4.75; over seeds 0..1000 its z has mean 0.003
/// and standard deviation 1.05, so the sampler is unbiased; R's
/// `simulate.p.value` agrees with the exact 0.5476). A biased sampler is
/// still caught: 6 standard errors at B = 20 000 is at most 0.021.
fn assert_mc_near_exact(t: &ContingencyTable, b: u64, seed: u64) {
    let exact = FisherExactRxc::default().test(t).unwrap().p_value();
    let mc = FisherExactRxc::default()
        .monte_carlo(nz(b), seed)
        .test(t)
        .unwrap();
    let se = (exact * (1.0 - exact) / b as f64).sqrt();
    if exact == 1.0 {
        assert_eq!(mc.p_value(), 1.0, "{t:?}");
    } else {
        assert!(
            (mc.p_value() - exact).abs() <= 6.0 * se.max(1.0 / b as f64),
            "{t:?}: monte carlo {} vs exact {exact}",
            mc.p_value()
        );
    }
}

/// Every 2 x 2, 2 x 3 and 3 x 3 table of zeros and ones: Monte Carlo within
/// 6 standard errors of the exact p (ties are everywhere in such tables).
#[test]
fn monte_carlo_matches_exact_on_all_zero_one_tables() {
    for (r, c) in [(2usize, 2usize), (2, 3), (3, 3)] {
        for mask in 0u32..(1 << (r * c)) {
            let rows: Vec<Vec<u64>> = (0..r)
                .map(|i| (0..c).map(|j| u64::from(mask >> (i * c + j) & 1)).collect())
                .collect();
            let t = ContingencyTable::new(rows).unwrap();
            assert_mc_near_exact(&t, 2000, u64::from(mask));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Small tables (cells 0..4, up to 3 x 4): Monte Carlo with B = 20,000
    /// within 6 standard errors of the exact p.
    #[test]
    fn monte_carlo_matches_exact_on_small_tables(
        r in 2usize..4, c in 2usize..5, seed in 0u64..1000,
        cells in proptest::collection::vec(prop_oneof![0u64..2, 0u64..4], 12),
    ) {
        let rows: Vec<Vec<u64>> = cells.chunks(4).take(r).map(|row| row[..c].to_vec()).collect();
        let t = ContingencyTable::new(rows).unwrap();
        assert_mc_near_exact(&t, 20_000, seed);
    }
}

/// Work units that a release build does in well under a second (the
/// heaviest table below: 5.8e7 units, 0.8 s of CPU on the 2-core test
/// machine), far inside the default 5 s time limit. The test asserts this
/// deterministic count, not the wall time, which depends on the build
/// profile and the machine's load (timings: docs/performance/fisher.md).
const STRONG_WORK_MAX: u64 = 100_000_000;

/// Issue 11: 3 x 3 tables with N of about 500-700 and p below 1e-25, which
/// R's FEXACT solves only with `workspace = 2e7`, are exact within the
/// default budget and match R to 1e-9 relative in both orientations.
#[test]
fn strong_association_tables_are_exact_under_the_default_budget() {
    let mut n = 0;
    let mut worst: f64 = 0.0;
    for c in parse(R_DATA) {
        let t = table(&c);
        let want = c.num("p_value");
        for t in [t.clone(), t.transpose()] {
            let r = FisherExactRxc::default()
                .time_limit(Duration::from_secs(600))
                .test(&t)
                .unwrap_or_else(|e| panic!("{}: {e}", c.name));
            assert!(
                r.is_exact() && r.work() <= STRONG_WORK_MAX,
                "{}: {}",
                c.name,
                r.work()
            );
            let rel = (r.p_value() - want).abs() / want;
            assert!(rel < 1e-9, "{}: {} vs R {want}", c.name, r.p_value());
            worst = worst.max(rel);
        }
        n += 1;
    }
    assert_eq!(n, 8);
    println!("strong 3 x 3 and job vs R: {n} cases, worst rel err {worst:e}");
}

/// The 2 x 2 test at the largest totals (2⁵³ with all four cells equal
/// takes 32 s in a release build) stops at its time limit: a limit of a
/// nanosecond refuses the first pass and reports no stage finished; a
/// limit of 300 ms on a table whose complete result takes seconds in a
/// debug build (total 2⁴², each pass a few million terms) stops within a
/// pass of it, or finishes (a fast machine) with a p-value.
#[test]
fn two_by_two_stops_at_its_time_limit() {
    use survkit::{FisherExact, Table2x2};
    let huge = Table2x2::new([[1 << 51, 1 << 51], [1 << 51, 1 << 51]]).unwrap();
    let e = FisherExact::default()
        .time_limit(Duration::from_nanos(1))
        .test(&huge)
        .unwrap_err();
    let ErrorDetail::BudgetExceeded {
        what,
        unit,
        ref progress,
        ..
    } = *e.detail()
    else {
        panic!("{e:?}");
    };
    assert_eq!(
        (what, unit),
        ("Fisher's exact test (2 x 2)", "milliseconds")
    );
    let p = progress
        .as_ref()
        .expect("a stopped test says how far it got");
    assert_eq!(p.done, 0);
    assert!(
        e.to_string().contains("raise FisherExact::time_limit"),
        "{e}"
    );

    let big = Table2x2::new([[1 << 40, 1 << 40], [1 << 40, 1 << 40]]).unwrap();
    let start = Instant::now();
    let res = FisherExact::default().time_limit(LIMIT).test(&big);
    // one pass of this table, in a debug build on a loaded machine
    assert!(
        start.elapsed() < LIMIT + Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    match res {
        Ok(r) => assert!((r.p_value() - 1.0).abs() < 1e-9, "{}", r.p_value()),
        Err(e) => {
            let ErrorDetail::BudgetExceeded {
                limit,
                ref progress,
                ..
            } = *e.detail()
            else {
                panic!("{e:?}");
            };
            assert_eq!(limit, 300);
            assert!(progress.as_ref().is_some_and(|p| p.done < 3));
        }
    }
}

#[test]
fn two_by_two_default_time_limit_is_ten_seconds() {
    assert_eq!(survkit::DEFAULT_2X2_TIME_LIMIT, Duration::from_secs(10));
    // ordinary tables are unaffected: the founding study's age row
    let t = survkit::Table2x2::new([[0, 10], [5, 4]]).unwrap();
    let r = survkit::fisher_exact(&t).unwrap();
    assert!((r.p_value() - 0.010835913312693499).abs() < 1e-15);
}
