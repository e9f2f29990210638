# Reference values for survkit's proportions: R's binom.test (Clopper-Pearson
# interval and exact p-value, every alternative) and prop.test (Wilson score
# interval with and without continuity correction, every alternative).
# Run from the repository root:  Rscript tests/data/generate_proportion.R
source("tests/data/common.R")
out <- ref_open("tests/data/proportion_r.txt")

cases <- list(c(0, 1), c(1, 1), c(0, 19), c(19, 19), c(14, 19), c(2, 19), c(12, 19), c(3, 19),
              c(17, 19), c(1, 2), c(7, 20), c(10, 20), c(3, 10), c(0, 1000), c(999, 1000),
              c(500, 1000), c(123456, 1e6), c(3, 1e9), c(999999997, 1e9))
levels <- c(0.5, 0.9, 0.95, 0.99, 0.999999)
alts <- c("two.sided", "less", "greater")

for (xn in cases) {
  x <- xn[1]; n <- xn[2]
  # Null proportions: R's default 0.5, and values near the estimate so that
  # the p-values of the large cases do not underflow.
  p0s <- if (n <= 1000) c(0.5, 0.3, 0.74) else c(x / n * 1.0001, max(x / n, 1e-9) * 0.9, 2e-9)
  p0s <- pmin(pmax(p0s, 1e-9), 1 - 1e-9)
  for (lev in levels) for (alt in alts) {
    if (n <= 1e7) {
      b <- binom.test(x, n, alternative = alt, conf.level = lev)
      ci <- b$conf.int
      src <- sprintf("binom.test(%.17g, %.17g, alternative = \"%s\", conf.level = %.17g)$conf.int", x, n, alt, lev)
    } else {
      # binom.test always computes its two-sided p-value too, which at n = 1e9
      # allocates gigabytes; its interval is these qbeta calls (binom.test source).
      a <- if (alt == "two.sided") (1 - lev) / 2 else 1 - lev
      lo <- if (alt == "less" || x == 0) 0 else qbeta(a, x, n - x + 1)
      up <- if (alt == "greater" || x == n) 1 else qbeta(1 - a, x + 1, n - x)
      ci <- c(lo, up)
      src <- sprintf("binom.test's interval: a = %s; c(qbeta(a, x, n - x + 1), qbeta(1 - a, x + 1, n - x)) at x = %.17g, n = %.17g, alternative = \"%s\", conf.level = %.17g",
                     if (alt == "two.sided") "(1 - conf.level)/2" else "1 - conf.level", x, n, alt, lev)
    }
    ref_write(out, sprintf("binom/ci/%g_of_%g/level=%g/%s", x, n, lev, alt), src,
              x = x, n = n, level = lev, alternative = alt, lower = ci[1], upper = ci[2])
    for (correct in c(FALSE, TRUE)) {
      # prop.test shrinks the correction to |x - n p| when that is below 1/2
      # (only at x = n/2 for p = 0.5); survkit always uses 1/2, so skip those.
      if (correct && abs(x - n * 0.5) < 0.5) next
      pt <- suppressWarnings(prop.test(x, n, alternative = alt, conf.level = lev, correct = correct))
      ref_write(out, sprintf("prop/ci/%g_of_%g/level=%g/%s/correct=%s", x, n, lev, alt, correct),
                sprintf("prop.test(%.17g, %.17g, alternative = \"%s\", conf.level = %.17g, correct = %s)$conf.int",
                        x, n, alt, lev, correct),
                x = x, n = n, level = lev, alternative = alt, correct = correct,
                lower = pt$conf.int[1], upper = pt$conf.int[2])
    }
  }
  for (p0 in p0s) for (alt in alts) {
    # R's two-sided rule evaluates dbinom at every outcome on the far side
    # (gigabytes at n = 1e9): those cases come from scipy instead.
    if (alt == "two.sided" && n > 1e7) next
    b <- binom.test(x, n, p = p0, alternative = alt)
    ref_write(out, sprintf("binom/p/%g_of_%g/p0=%.17g/%s", x, n, p0, alt),
              sprintf("binom.test(%.17g, %.17g, p = %.17g, alternative = \"%s\")$p.value", x, n, p0, alt),
              x = x, n = n, p0 = p0, alternative = alt, p_value = b$p.value)
  }
}
# Ties in the two-sided rule (symmetric null, equal probabilities on both sides).
for (xn in list(c(3, 10), c(7, 10), c(2, 4), c(0, 5), c(6, 12))) {
  b <- binom.test(xn[1], xn[2])
  ref_write(out, sprintf("binom/p/tie/%g_of_%g", xn[1], xn[2]),
            sprintf("binom.test(%g, %g)$p.value", xn[1], xn[2]),
            x = xn[1], n = xn[2], p0 = 0.5, alternative = "two.sided", p_value = b$p.value)
}
close(out)
