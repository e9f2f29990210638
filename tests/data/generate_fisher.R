# Reference values for survkit's Fisher exact tests (tests/fisher.rs).
# Run from the repository root:  Rscript tests/data/generate_fisher.R
source("tests/data/common.R")
out <- ref_open("tests/data/fisher_r.txt")

# ---- 2 x 2: rows [[a, b], [c, d]] are matrix(c(a, c, b, d), 2) in R ----
t2 <- list(
  # Founding study, Table 3: rows = the variable's two levels, columns = (PD+SD, PR+CR)
  "table3/age" = c(0, 10, 5, 4),
  "table3/pathology" = c(4, 13, 1, 1),
  "table3/er" = c(3, 10, 2, 4),
  "table3/pr" = c(2, 8, 3, 6),
  "table3/her2" = c(1, 3, 4, 11),
  "table3/ecog" = c(3, 12, 2, 2),
  "table3/hepatic" = c(1, 8, 4, 6),
  "table3/lobular" = c(4, 12, 1, 2),
  "table3/lesions" = c(2, 6, 3, 8),
  "table3/extrahepatic" = c(1, 7, 4, 7),
  "table3/albumin" = c(5, 13, 0, 1),
  "classic/tea" = c(3, 1, 1, 3),
  "classic/convictions" = c(2, 10, 15, 3),
  "lopsided/94_48_3577_16988" = c(94, 48, 3577, 16988),
  "lopsided/18_147_123_58" = c(18, 147, 123, 58),
  "large/n43500" = c(10000, 12000, 11000, 10500),
  "large/1e9_small_support" = c(1e9, 1, 2, 3),
  "large/1e9_lopsided" = c(1e9, 2e9, 3, 4),
  "large/balanced_1e5" = c(100000, 99000, 98000, 101000),
  "zero/cell_a" = c(0, 5, 5, 5),
  "zero/cell_d" = c(7, 3, 2, 0),
  "zero/diagonal" = c(0, 5, 5, 0),
  "zero/antidiagonal" = c(6, 0, 0, 4),
  "zero/row" = c(0, 0, 3, 4),
  "zero/column" = c(0, 3, 0, 4),
  "zero/all" = c(0, 0, 0, 0),
  "small/one" = c(1, 0, 0, 0),
  "small/mixed" = c(12, 5, 3, 9),
  "small/extreme" = c(20, 0, 1, 19)
)
for (nm in names(t2)) {
  v <- t2[[nm]]
  x <- matrix(c(v[1], v[3], v[2], v[4]), 2)
  for (alt in c("two.sided", "less", "greater")) {
    for (lev in c(0.95, 0.99)) {
      for (or in c(1, 2)) {
        if (or == 2 && lev == 0.99) next
        ft <- fisher.test(x, alternative = alt, conf.level = lev, or = or)
        ref_write(out, paste0("2x2/", nm, "/", alt, "/", lev, "/or=", or),
                  sprintf("fisher.test(matrix(c(%s), 2), alternative = \"%s\", conf.level = %s, or = %s)",
                          paste(format(c(v[1], v[3], v[2], v[4]), scientific = FALSE), collapse = ", "), alt, lev, or),
                  kind = "2x2", table = v, alternative = alt, conf_level = lev, or = or,
                  p_value = ft$p.value, estimate = unname(ft$estimate), conf_int = as.numeric(ft$conf.int))
      }
    }
  }
}
# degenerate null odds ratios accepted by R
for (nm in c("table3/age", "classic/tea", "zero/cell_a")) {
  v <- t2[[nm]]
  x <- matrix(c(v[1], v[3], v[2], v[4]), 2)
  for (or in c(0, Inf)) for (alt in c("two.sided", "less", "greater")) {
    ft <- fisher.test(x, alternative = alt, or = or)
    ref_write(out, paste0("2x2-degenerate-or/", nm, "/", alt, "/or=", or),
              sprintf("fisher.test(matrix(c(%s), 2), alternative = \"%s\", or = %s)",
                      paste(c(v[1], v[3], v[2], v[4]), collapse = ", "), alt, or),
              kind = "2x2-or-only", table = v, alternative = alt, or = or, p_value = ft$p.value)
  }
}

# ---- r x c, exact (FEXACT with a large workspace) ----
rxc <- list(
  "job_4x4" = matrix(c(1,2,1,0, 3,3,6,1, 10,10,14,9, 6,7,12,11), 4, 4),
  "2x3" = matrix(c(3,1,0, 1,3,5), 2, byrow = TRUE),
  "3x2" = matrix(c(3,1, 1,3, 0,5), 3, byrow = TRUE),
  "2x5_sparse" = matrix(c(0,1,2,0,5, 3,0,1,4,0), 2, byrow = TRUE),
  "5x2" = matrix(c(2,7, 4,3, 6,1, 0,5, 3,3), 5, byrow = TRUE),
  "2x6_dense" = matrix(c(12,15,9,20,11,8, 14,6,18,10,13,16), 2, byrow = TRUE),
  "3x3_dense" = matrix(c(10,5,2, 4,12,6, 1,3,15), 3, byrow = TRUE),
  "3x3_sparse" = matrix(c(1,0,0, 0,1,0, 0,0,2), 3, byrow = TRUE),
  "3x3_uniformish" = matrix(c(8,7,9, 7,9,8, 9,8,7), 3, byrow = TRUE),
  "3x4" = matrix(c(2,0,3,1, 0,4,1,2, 3,1,0,5), 3, byrow = TRUE),
  "4x3" = matrix(c(2,0,3, 1,0,4, 1,2,3, 1,0,5), 4, byrow = TRUE),
  "4x4_sparse" = matrix(c(3,0,0,1, 0,2,1,0, 1,0,4,0, 0,1,0,2), 4, byrow = TRUE),
  "5x5_small_sparse" = matrix(c(2,0,1,0,0, 0,3,0,1,0, 1,0,2,0,1, 0,1,0,2,0, 0,0,1,0,3), 5, byrow = TRUE),
  "5x5_small_dense" = matrix(c(3,1,2,0,2, 1,4,1,2,1, 2,1,3,1,0, 0,2,1,4,1, 1,0,2,1,3), 5, byrow = TRUE),
  "3x5" = matrix(c(4,2,0,3,1, 1,5,2,0,2, 2,1,6,1,0), 3, byrow = TRUE),
  "zero_row_3x3" = matrix(c(1,2,3, 0,0,0, 4,5,1), 3, byrow = TRUE),
  "zero_col_2x4" = matrix(c(1,0,3,2, 4,0,1,5), 2, byrow = TRUE),
  "3x3_n666" = matrix(c(100, 80, 42, 60, 75, 90, 50, 70, 99), 3),
  "4x4_moderate" = matrix(c(10,4,3,2, 5,12,4,3, 2,6,11,5, 3,2,6,13), 4, byrow = TRUE),
  "2x2_as_rxc" = matrix(c(3,1, 1,3), 2, byrow = TRUE),
  "2x2_lopsided_as_rxc" = matrix(c(18,147, 123,58), 2, byrow = TRUE)
)
for (nm in names(rxc)) {
  x <- rxc[[nm]]
  ws <- if (sum(x) > 300) 2e7 else 2e8
  p <- fisher.test(x, workspace = ws)$p.value
  ref_write(out, paste0("rxc/", nm),
            sprintf("fisher.test(matrix(c(%s), %d, byrow = TRUE), workspace = %g)",
                    paste(t(x), collapse = ", "), nrow(x), ws),
            kind = "rxc", dim = dim(x), cells = t(x), p_value = p)
}

# ---- r x c where FEXACT fails: Monte Carlo reference (checked to a few standard errors) ----
set.seed(20261127)
big <- list(
  "5x5_n399" = matrix(c(20,15,12,18,14, 16,19,13,17,15, 14,18,20,12,16, 17,13,16,19,15, 15,16,17,14,18), 5),
  "5x5_n400_assoc" = matrix(c(30,12,8,20,10, 10,25,15,12,18, 14,10,28,16,12, 12,18,10,26,14, 14,15,19,6,26), 5, byrow = TRUE)
)
for (nm in names(big)) {
  x <- big[[nm]]
  B <- 200000
  err <- tryCatch({ fisher.test(x, workspace = 2e8); "none" }, error = function(e) "FEXACT error")
  p <- fisher.test(x, simulate.p.value = TRUE, B = B)$p.value
  ref_write(out, paste0("rxc-mc/", nm),
            sprintf("fisher.test(x, simulate.p.value = TRUE, B = %d) after set.seed(20261127); fisher.test(x, workspace = 2e8) gives: %s", B, err),
            kind = "rxc-mc", dim = dim(x), cells = t(x), p_value = p, replicates = B)
}

# ---- the same tables with many more replicates: survkit's exact p must lie within
# 4 Monte Carlo standard errors sqrt(p (1 - p) / B) of these (issue 4) ----
set.seed(20261128)
for (nm in names(big)) {
  x <- big[[nm]]
  B <- if (nm == "5x5_n400_assoc") 1e8 else 1e7
  tm <- system.time(p <- fisher.test(x, simulate.p.value = TRUE, B = B)$p.value)[["elapsed"]]
  ref_write(out, paste0("rxc-mc-big/", nm),
            sprintf("fisher.test(x, simulate.p.value = TRUE, B = %.0f) after set.seed(20261128) (%.0f s); standard error sqrt(p (1 - p) / B)", B, tm),
            kind = "rxc-mc-big", dim = dim(x), cells = t(x), p_value = p, replicates = B,
            hits = round(p * (B + 1) - 1), standard_error = sqrt(p * (1 - p) / B))
}
close(out)
