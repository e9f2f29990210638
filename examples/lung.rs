//! A newcomer's analysis of R's `lung` data read from the CSV file R writes
//! (`write.csv(survival::lung)`, in `examples/data/`, `NA` for missing):
//! Kaplan-Meier overall and by sex, survival at 6, 12 and 24 months, medians,
//! log-rank tests by sex and ECOG with pairwise tests, Fisher's exact tests
//! (2 x 2, 3 x 4) and a response rate with its RECIST table, printed as R
//! prints them; then R's `veteran` data from its CSV file, grouped by a TEXT
//! column (`celltype`) and by a numeric one (`trt`).
//! Run: `cargo run --release --example lung`

use survkit::{
    fisher_exact, fisher_exact_rxc, BinomialTest, CompleteCasesBuilder, ContingencyTable,
    Denominator, KaplanMeier, LogRank, Proportion, ResponseCounts, ResponseSummary, Table2x2,
};

/// One numeric CSV column, `NA` (or an empty field) as `None`.
fn column(
    rows: &[csv::StringRecord],
    index: usize,
) -> Result<Vec<Option<f64>>, Box<dyn std::error::Error>> {
    rows.iter()
        .map(|r| match r.get(index).map(str::trim) {
            None | Some("NA") | Some("") => Ok(None),
            Some(text) => Ok(Some(text.parse::<f64>()?)),
        })
        .collect()
}

/// One text CSV column (a label such as `"squamous"`), `NA` (or an empty
/// field) as `None`.
fn text_column(rows: &[csv::StringRecord], index: usize) -> Vec<Option<String>> {
    rows.iter()
        .map(|r| match r.get(index).map(str::trim) {
            None | Some("NA") | Some("") => None,
            Some(text) => Some(text.to_owned()),
        })
        .collect()
}

/// A CSV file's header and rows.
type Csv = (csv::StringRecord, Vec<csv::StringRecord>);

fn read_csv(name: &str) -> Result<Csv, Box<dyn std::error::Error>> {
    let path = format!("{}/examples/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut reader = csv::Reader::from_path(&path)?;
    let header = reader.headers()?.clone();
    let rows = reader.records().collect::<Result<_, _>>()?;
    Ok((header, rows))
}

fn index_of(header: &csv::StringRecord, name: &str) -> Result<usize, String> {
    header
        .iter()
        .position(|h| h == name)
        .ok_or(format!("no column {name}"))
}

/// R's `veteran` (`write.csv(survival::veteran)`): a text group column
/// (`celltype`) and a numeric one (`trt`).
pub fn veteran_report() -> Result<String, Box<dyn std::error::Error>> {
    use std::fmt::Write;
    let mut out = String::new();
    let (header, rows) = read_csv("veteran.csv")?;
    let time = column(&rows, index_of(&header, "time")?)?;
    let status = column(&rows, index_of(&header, "status")?)?;
    let celltype = text_column(&rows, index_of(&header, "celltype")?);
    let trt = column(&rows, index_of(&header, "trt")?)?;
    writeln!(
        out,
        "\nveteran: {} patients read from veteran.csv",
        rows.len()
    )?;

    // R: survfit(Surv(time, status) ~ celltype, veteran); survdiff(same).
    let by_cell = CompleteCasesBuilder::with_status(&time, &status, 1.0)
        .groups(&celltype)
        .build()?;
    let fit = KaplanMeier::new().fit(by_cell.data())?;
    writeln!(out, "By cell type (a text column)\n{fit}")?;
    writeln!(out, "{}", LogRank::new().test(by_cell.data())?)?;

    // R: survdiff(Surv(time, status) ~ trt + strata(celltype), veteran).
    let by_trt = CompleteCasesBuilder::with_status(&time, &status, 1.0)
        .groups(&trt)
        .strata(&celltype)
        .build()?;
    writeln!(
        out,
        "Treatment (numeric column), stratified by cell type\n{}",
        LogRank::new().test(by_trt.data())?
    )?;
    Ok(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/lung.csv");
    let mut reader = csv::Reader::from_path(path)?;
    let header = reader.headers()?.clone();
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    let col = |name: &str| -> Result<Vec<Option<f64>>, Box<dyn std::error::Error>> {
        let index = header
            .iter()
            .position(|h| h == name)
            .ok_or(format!("no column {name}"))?;
        column(&rows, index)
    };
    let (time, status, sex, ecog, age) = (
        col("time")?,
        col("status")?,
        col("sex")?,
        col("ph.ecog")?,
        col("age")?,
    );
    println!("lung: {} patients read from {path}\n", rows.len());

    // R: survfit(Surv(time, status) ~ 1, lung) and ~ sex (status 2 = death).
    let overall = CompleteCasesBuilder::with_status(&time, &status, 2.0).build()?;
    let by_sex = CompleteCasesBuilder::with_status(&time, &status, 2.0)
        .groups(&sex)
        .build()?;
    let km = KaplanMeier::new();
    println!("Overall survival\n{}", km.fit(overall.data())?);
    let fit = km.fit(by_sex.data())?;
    println!("By sex (1 = male, 2 = female)\n{}", fit.table(Some(730.0))?);
    println!(
        "Survival at 180, 365 and 730 days\n{}",
        fit.summary(&[180.0, 365.0, 730.0])?
    );
    for curve in fit.curves() {
        println!(
            "median survival, sex {}: {} days",
            curve.name(),
            curve.median()
        );
    }

    // R: survdiff(Surv(time, status) ~ sex, lung); ~ ph.ecog drops 1 row.
    println!(
        "\nLog-rank test by sex\n{}",
        LogRank::new().test(by_sex.data())?
    );
    let by_ecog = CompleteCasesBuilder::with_status(&time, &status, 2.0)
        .groups(&ecog)
        .build()?;
    println!(
        "Log-rank test by ECOG score ({by_ecog})\n{}",
        LogRank::new().test(by_ecog.data())?
    );
    println!("{}", LogRank::new().pairwise(by_ecog.data())?);

    // Fisher 2 x 2: ECOG >= 2 by sex. Fisher 3 x 4: ECOG (0, 1, 2+) by age band.
    let mut two = [[0u64; 2]; 2];
    let mut three_by_four = vec![vec![0u64; 4]; 3];
    for i in 0..rows.len() {
        let (Some(s), Some(e), Some(a)) = (sex[i], ecog[i], age[i]) else {
            continue;
        };
        two[usize::from(s == 2.0)][usize::from(e >= 2.0)] += 1;
        let band = [55.0, 65.0, 75.0].iter().filter(|&&cut| a >= cut).count();
        three_by_four[(e as usize).min(2)][band] += 1;
    }
    let table = Table2x2::new(two)?;
    println!(
        "ECOG >= 2 (columns: no, yes) by sex (rows: male, female)\n{table}{}",
        fisher_exact(&table)?
    );
    let table = ContingencyTable::new(three_by_four)?;
    println!(
        "ECOG 0 / 1 / 2+ (rows) by age <55, 55-64, 65-74, 75+ (columns)\n{table}{}",
        fisher_exact_rxc(&table)?
    );

    // A response rate and its RECIST table (the founding study's counts).
    let counts = ResponseCounts {
        complete: 2,
        partial: 12,
        stable: 3,
        progressive: 2,
        not_evaluable: 0,
    };
    let recist = ResponseSummary::from_counts(counts, Denominator::AllPatients)?;
    println!("{recist}");
    let orr: Proportion = recist.objective_response();
    println!(
        "objective response {orr}{}",
        BinomialTest::default().test(&orr)?
    );
    print!("{}", veteran_report()?);
    Ok(())
}
