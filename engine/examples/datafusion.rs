//! A survival analysis of a partitioned CSV data set too large to load as
//! rows: DataFusion runs the `GROUP BY stratum, arm, time`, survkit fits
//! the Kaplan-Meier curves, the stratified log-rank test and the restricted
//! mean survival time from the counts, exactly.
//!
//! ```text
//! cargo run --release -p survkit-engine --example datafusion -- [ROWS] [FILES] [DIR]
//! ```
//!
//! ROWS defaults to 10⁶, FILES to 16, DIR to a scratch directory under the
//! system's temp dir (deleted at the end unless given). Each step's wall
//! time is printed, and the peak heap of the survkit step (measured by a
//! counting allocator around it).

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use survkit::{KaplanMeier, LogRank};
use survkit_engine::{event_table, query, runtime, session, write_trial, COUNTS_SQL};

/// The system allocator, counting the bytes in use and their peak, so that
/// the survkit step's memory can be reported apart from DataFusion's.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; only counters are
// added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's arguments.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
            let now = IN_USE.fetch_add(new_size, Ordering::Relaxed) + new_size;
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let rows: u64 = args.get(1).map_or(Ok(1_000_000), |s| s.parse())?;
    let files: u64 = args.get(2).map_or(Ok(16), |s| s.parse())?;
    let (dir, scratch) = match args.get(3) {
        Some(d) => (PathBuf::from(d), false),
        None => (
            std::env::temp_dir().join(format!("survkit-datafusion-{}", std::process::id())),
            true,
        ),
    };

    let t = Instant::now();
    write_trial(&dir, rows, files, 20_261_205)?;
    let bytes: u64 = std::fs::read_dir(&dir)?
        .map(|e| e.and_then(|e| e.metadata()).map(|m| m.len()))
        .sum::<std::io::Result<u64>>()?;
    println!(
        "1. generate  {rows} patients in {files} CSV files ({:.0} MiB): {:.2} s",
        mib(bytes as usize),
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let rt = runtime()?;
    let counts = rt.block_on(async {
        let ctx = session(&dir).await?;
        query(&ctx, COUNTS_SQL).await
    })?;
    let n_counts: usize = counts.iter().map(|b| b.num_rows()).sum();
    println!(
        "2. DataFusion GROUP BY stratum, arm, time: {n_counts} count rows: {:.2} s",
        t.elapsed().as_secs_f64()
    );

    // 3. survkit, from the counts only.
    let before = IN_USE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let t = Instant::now();
    let pooled = event_table(&counts, false)?;
    let stratified = event_table(&counts, true)?;
    let fit = KaplanMeier::new().fit_table(&pooled)?;
    let test = LogRank::new().test_table(&stratified)?;
    let tau = 1500.0;
    let rmst = fit.restricted_means(Some(tau))?;
    let survkit_time = t.elapsed().as_secs_f64();
    let survkit_peak = PEAK.load(Ordering::Relaxed) - before;

    println!(
        "3. survkit from the counts: {survkit_time:.3} s, peak heap {:.1} MiB\n",
        mib(survkit_peak)
    );
    println!("Kaplan-Meier by arm (strata pooled):\n{fit}\n");
    println!("Log-rank test stratified by stratum:\n{test}\n");
    println!("Restricted mean survival time up to day {tau}:");
    for (curve, r) in fit.curves().iter().zip(&rmst) {
        println!(
            "  {:<10} {:8.2} days (se {:.3})",
            curve.name(),
            r.estimate(),
            r.std_err()
        );
    }
    let diff = rmst[1].estimate() - rmst[0].estimate();
    let se = rmst[0].std_err().hypot(rmst[1].std_err());
    println!("  difference {diff:8.2} days (se {se:.3}), treatment - control");

    if scratch {
        std::fs::remove_dir_all(&dir)?;
    }
    Ok(())
}
