//! Fisher's exact test on the founding study's age table (2 x 2, with the
//! conditional odds ratio and its exact interval) and on the job
//! satisfaction table (4 x 4, Agresti 2002), cross-checked against R.
//!
//! Run with `cargo run --example fisher_exact`.
use std::num::NonZeroU64;

use survkit::{
    fisher_exact, fisher_exact_rxc, ContingencyTable, FisherExactRxc, RxcMethod, Table2x2,
};

fn main() -> Result<(), survkit::Error> {
    // Table 3, age: rows = the two age groups, columns = (PD+SD, PR+CR)
    let age = Table2x2::new([[0, 10], [5, 4]])?;
    let r = fisher_exact(&age)?;
    // Printed as R's print(fisher.test(...)).
    println!("Table 3, age:\n{age}\n{r}");
    // R 4.2.2: fisher.test(matrix(c(0, 5, 10, 4), 2)): p = 0.01083591, estimate 0, CI [0, 0.7126]
    assert!((r.p_value() - 0.010835913312693499).abs() < 1e-12);

    let tea = Table2x2::new([[3, 1], [1, 3]])?;
    let t = fisher_exact(&tea)?;
    println!("Fisher's tea tasting:\n{t}");
    println!(
        "conditional OR {:.6} (R: 6.408309 at uniroot's tolerance, scipy: 6.408320); \
         sample OR {} with Woolf interval {}\n",
        t.odds_ratio(),
        t.sample_odds_ratio(),
        t.woolf_interval()
    );
    assert!((t.odds_ratio() - 6.408309).abs() < 1e-3);

    // Job satisfaction by income (Agresti 2002, Table 2.8)
    let job = ContingencyTable::new(vec![
        vec![1, 3, 10, 6],
        vec![2, 3, 10, 7],
        vec![1, 6, 14, 12],
        vec![0, 1, 9, 11],
    ])?;
    let exact = fisher_exact_rxc(&job)?;
    println!("Job satisfaction by income (R: p-value = 0.7827):\n{exact}");
    assert!((exact.p_value() - 0.7826849389656388).abs() < 1e-9);
    let mc = FisherExactRxc::default()
        .method(RxcMethod::MonteCarlo {
            replicates: NonZeroU64::new(10_000).expect("non-zero"),
            seed: 2026,
        })
        .test(&job)?;
    println!("The same by Monte Carlo (10 000 tables):\n{mc}");
    Ok(())
}
