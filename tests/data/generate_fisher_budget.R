# Reference values for tests/fisher_budget.rs (issue 11): 3 x 3 tables with
# N of about 500-700 and a very strong association (p < 1e-25), which R's
# FEXACT solves only with a raised workspace (2e7), and R's timings of them
# and of the job-satisfaction table in both orientations (for
# docs/performance/fisher.md). Run from the repository root:
#   Rscript tests/data/generate_fisher_budget.R
source("tests/data/common.R")
out <- ref_open("tests/data/fisher_budget_r.txt")

# median CPU seconds (user + system: less sensitive than elapsed time to
# the load of a shared machine) of `reps` calls, repeated `rounds` times
timed <- function(f, reps, rounds = 5) {
  median(sapply(seq_len(rounds), function(i) {
    st <- system.time(for (k in seq_len(reps)) f())
    (st[["user.self"]] + st[["sys.self"]]) / reps
  }))
}

strong <- list(
  "3x3_n525_p6e-70" = matrix(c(120,30,10, 25,110,40, 15,35,140), 3, byrow = TRUE),
  "3x3_n530_p1e-42" = matrix(c(100,40,20, 30,100,50, 20,40,130), 3, byrow = TRUE),
  "3x3_n560_p7e-26" = matrix(c(90,50,30, 40,90,50, 30,50,130), 3, byrow = TRUE),
  "3x3_n680_p9e-108" = matrix(c(150,20,10, 30,100,60, 10,50,250), 3, byrow = TRUE),
  "3x3_n670_p5e-39" = matrix(c(60,40,30, 40,150,60, 30,60,200), 3, byrow = TRUE),
  "3x3_n690_p_small" = matrix(c(140,60,30, 50,120,50, 20,40,180), 3, byrow = TRUE)
)
for (nm in names(strong)) {
  x <- strong[[nm]]
  # the default workspace (200000) is not enough
  default_ws <- tryCatch({ fisher.test(x); "ok" }, error = function(e) "FEXACT error")
  p <- fisher.test(x, workspace = 2e7)$p.value
  secs <- timed(function() fisher.test(x, workspace = 2e7), reps = 1, rounds = 3)
  ref_write(out, paste0("strong/", nm),
            sprintf("fisher.test(matrix(c(%s), 3, byrow = TRUE), workspace = 2e7) (default workspace: %s)",
                    paste(t(x), collapse = ", "), default_ws),
            kind = "rxc", dim = dim(x), cells = t(x), p_value = p, r_cpu_seconds = secs)
}

job <- matrix(c(1,2,1,0, 3,3,6,1, 10,10,14,9, 6,7,12,11), 4, 4)
for (o in c("as_r", "transposed")) {
  x <- if (o == "as_r") job else t(job)
  p <- fisher.test(x)$p.value
  secs <- timed(function() fisher.test(x), reps = 200)
  ref_write(out, paste0("job/", o),
            sprintf("fisher.test(matrix(c(%s), %d, byrow = TRUE))", paste(t(x), collapse = ", "), nrow(x)),
            kind = "rxc", dim = dim(x), cells = t(x), p_value = p, r_cpu_seconds = secs)
}
close(out)
