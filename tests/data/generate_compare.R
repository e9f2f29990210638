# Reference values for survkit::compare_proportions (Fisher part).
# Run from the repository root:  Rscript tests/data/generate_compare.R
source("tests/data/common.R")
out <- ref_open("tests/data/compare_r.txt")
pairs <- list(c(10, 10, 4, 9), c(14, 19, 8, 20), c(2, 19, 12, 19), c(0, 12, 0, 15), c(30, 40, 10, 40))
for (p in pairs) {
  x1 <- p[1]; n1 <- p[2]; x2 <- p[3]; n2 <- p[4]
  m <- matrix(c(x1, x2, n1 - x1, n2 - x2), 2)
  f <- fisher.test(m)
  ref_write(out, sprintf("compare/%d-of-%d-vs-%d-of-%d", x1, n1, x2, n2),
            sprintf("fisher.test(matrix(c(%d, %d, %d, %d), 2))", x1, x2, n1 - x1, n2 - x2),
            input = c(x1, n1, x2, n2), p_value = f$p.value, odds_ratio = unname(f$estimate),
            conf_int = f$conf.int)
}
close(out)
