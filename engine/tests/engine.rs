//! The engine path equals the individual-level fit bit for bit: 10⁶
//! simulated patients in 8 CSV files, counted by DataFusion's GROUP BY,
//! against survkit fitted on the same rows (read back through DataFusion
//! and built from the generator in memory).

use std::path::PathBuf;

use survkit::{
    ArrowSurvivalData, KaplanMeier, KaplanMeierFit, LogRank, LogRankResult, LogRankWeights,
    SurvivalData, TimeFix,
};
use survkit_engine::{
    event_table, query, runtime, session, trial_rows, write_trial, COUNTS_SQL, ROWS_SQL,
};

const ROWS: u64 = 1_000_000;
const SEED: u64 = 20_261_205;

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn fit_bits(fit: &KaplanMeierFit) -> Vec<Vec<u64>> {
    let tau = fit.max_time();
    let mut out = Vec::new();
    for c in fit.curves() {
        out.push(bits(c.time()));
        out.push(bits(&c.n_risk()));
        out.push(bits(c.survival()));
        out.push(bits(c.std_err_log()));
        out.push(bits(c.lower()));
        out.push(bits(c.upper()));
        let m = c.median();
        out.push(bits(
            &[m.estimate(), m.lower(), m.upper()].map(|x| x.unwrap_or(f64::NAN)),
        ));
        let r = c.restricted_mean(tau).expect("valid tau");
        out.push(bits(&[r.estimate(), r.std_err()]));
    }
    out
}

fn test_bits(t: &LogRankResult) -> Vec<u64> {
    let mut v = bits(t.observed());
    v.extend(bits(t.expected()));
    v.extend(bits(t.variance_matrix()));
    v.extend(bits(&[t.statistic(), t.p_value()]));
    v
}

fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("survkit-engine-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn counts_from_datafusion_equal_the_individual_level_fit_at_a_million_rows() {
    let dir = scratch_dir();
    write_trial(&dir, ROWS, 8, SEED).expect("write the CSV files");
    let rt = runtime().expect("tokio runtime");
    let (counts, rows) = rt.block_on(async {
        let ctx = session(&dir).await.expect("register the CSV files");
        let counts = query(&ctx, COUNTS_SQL).await.expect("GROUP BY");
        let rows = query(&ctx, ROWS_SQL).await.expect("SELECT");
        (counts, rows)
    });
    std::fs::remove_dir_all(&dir).expect("remove the scratch files");

    let n_counts: usize = counts.iter().map(|b| b.num_rows()).sum();
    assert!(
        n_counts < 20_000,
        "{n_counts} count rows for {ROWS} patients"
    );

    // Individual level, two ways: the rows read back by DataFusion, and the
    // generator's rows in memory. Both must be the same data.
    let from_engine = ArrowSurvivalData::new("time", "status")
        .groups("arm")
        .strata("stratum")
        .build(&rows)
        .expect("valid rows")
        .into_data();
    let patients = trial_rows(ROWS, SEED);
    let in_memory = SurvivalData::builder(
        patients.iter().map(|p| p.time).collect::<Vec<_>>(),
        patients.iter().map(|p| p.status == 1).collect::<Vec<_>>(),
    )
    .groups(&patients.iter().map(|p| p.arm).collect::<Vec<_>>())
    .strata(&patients.iter().map(|p| p.stratum).collect::<Vec<_>>())
    .build()
    .expect("valid rows");
    assert_eq!(from_engine.len(), in_memory.len());
    assert_eq!(from_engine.group_names(), in_memory.group_names());
    assert_eq!(from_engine.stratum_names(), in_memory.stratum_names());

    let table = event_table(&counts, true).expect("valid counts");
    let km = KaplanMeier::new().time_fix(TimeFix::Exact);
    let expected = km.fit(&in_memory).expect("fit");
    assert_eq!(
        fit_bits(&km.fit_table(&table).expect("fit")),
        fit_bits(&expected)
    );
    assert_eq!(
        fit_bits(&km.fit(&from_engine).expect("fit")),
        fit_bits(&expected)
    );
    for w in [
        LogRankWeights::LogRank,
        LogRankWeights::PetoPeto,
        LogRankWeights::FlemingHarrington {
            rho: 0.0,
            gamma: 1.0,
        },
    ] {
        let lr = LogRank::new().weights(w).time_fix(TimeFix::Exact);
        assert_eq!(
            test_bits(&lr.test_table(&table).expect("test")),
            test_bits(&lr.test(&in_memory).expect("test")),
            "{w:?}"
        );
    }
    // Pooled over strata: one curve per arm, from the same counts.
    let pooled = event_table(&counts, false).expect("valid counts");
    assert_eq!(pooled.n_strata(), 1);
    let unstratified = SurvivalData::builder(in_memory.time(), in_memory.event())
        .groups(&patients.iter().map(|p| p.arm).collect::<Vec<_>>())
        .build()
        .expect("valid rows");
    assert_eq!(
        fit_bits(&km.fit_table(&pooled).expect("fit")),
        fit_bits(&km.fit(&unstratified).expect("fit"))
    );
}
