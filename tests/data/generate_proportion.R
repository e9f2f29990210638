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
      # (at x = n/2 for the default p = 0.5): survkit's WilsonCorrected does too.
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
# prop.test's shrunken continuity correction, YATES = min(1/2, |x - n p|) with
# the default p = 1/2: the interval at x = n/2 is the uncorrected one; next to
# n/2 (|x - n/2| = 1/2 for odd n) the full correction applies.
for (xn in list(c(50, 100), c(49, 100), c(51, 100), c(1, 2), c(5, 10), c(4, 9), c(5, 9),
                c(500, 1000), c(499, 1000), c(2, 4), c(3, 4), c(1, 3))) {
  x <- xn[1]; n <- xn[2]
  for (lev in c(0.5, 0.95, 0.999999)) for (alt in alts) {
    pt <- suppressWarnings(prop.test(x, n, alternative = alt, conf.level = lev, correct = TRUE))
    ref_write(out, sprintf("prop/ci/near_np/%g_of_%g/level=%g/%s/correct=TRUE", x, n, lev, alt),
              sprintf("prop.test(%.17g, %.17g, alternative = \"%s\", conf.level = %.17g, correct = TRUE)$conf.int",
                      x, n, alt, lev),
              x = x, n = n, level = lev, alternative = alt, correct = TRUE,
              lower = pt$conf.int[1], upper = pt$conf.int[2])
  }
}
# Ties in the two-sided rule (symmetric null, equal probabilities on both sides).
for (xn in list(c(3, 10), c(7, 10), c(2, 4), c(0, 5), c(6, 12))) {
  b <- binom.test(xn[1], xn[2])
  ref_write(out, sprintf("binom/p/tie/%g_of_%g", xn[1], xn[2]),
            sprintf("binom.test(%g, %g)$p.value", xn[1], xn[2]),
            x = xn[1], n = xn[2], p0 = 0.5, alternative = "two.sided", p_value = b$p.value)
}
# --- Edge cases (fix3) ----------------------------------------------------------
# Bounds within a few units in the last place of 1, for huge n: R's qbeta is
# itself inaccurate there (it warns), so the reference is the mirrored bound,
# which R computes accurately: U(x, n) = 1 - L(n - x, n) and L(x, n) = 1 - U(n - x, n)
# (Clopper-Pearson: qbeta(1 - a, x + 1, n - x) = 1 - qbeta(a, n - x, x + 1); Jeffreys:
# qbeta(1 - a, x + 1/2, n - x + 1/2) = 1 - qbeta(a, n - x + 1/2, x + 1/2)).
# The values stored are the mirrored bounds m; survkit's bound is checked as 1 - m.
for (xn in list(c(999999999999999, 1e15), c(2^53 - 1, 2^53), c(2^53 - 2, 2^53))) {
  x <- xn[1]; n <- xn[2]; k <- n - x
  for (lev in c(0.95, 0.999999)) {
    a <- (1 - lev) / 2
    ref_write(out, sprintf("edge/mirror/clopper_pearson/%.17g_of_%.17g/level=%g", x, n, lev),
              sprintf("a = (1 - %.17g)/2; c(qbeta(1 - a, %.17g, %.17g), qbeta(a, %.17g, %.17g)) = the mirrored (n - x) bounds",
                      lev, k + 1, n - k, k, n - k + 1),
              x = x, n = n, level = lev, method = "clopper_pearson",
              mirror_upper = qbeta(1 - a, k + 1, n - k), mirror_lower = qbeta(a, k, n - k + 1))
    ref_write(out, sprintf("edge/mirror/jeffreys/%.17g_of_%.17g/level=%g", x, n, lev),
              sprintf("a = (1 - %.17g)/2; c(qbeta(1 - a, %.17g, %.17g), qbeta(a, %.17g, %.17g)) = the mirrored (n - x) bounds",
                      lev, k + 0.5, n - k + 0.5, k + 0.5, n - k + 0.5),
              x = x, n = n, level = lev, method = "jeffreys",
              mirror_upper = qbeta(1 - a, k + 0.5, n - k + 0.5), mirror_lower = qbeta(a, k + 0.5, n - k + 0.5))
  }
}
# Very low one-sided levels at x = n: binom.test's lower bound, and Jeffreys'
# through the mirror, 1 - qbeta(level, 1/2, n + 1/2) (the tail 1 - level is near 1).
for (lev in c(1e-300, 1e-10, 0.2)) {
  b <- binom.test(10, 10, alternative = "greater", conf.level = lev)
  ref_write(out, sprintf("edge/low/clopper_pearson/10_of_10/level=%g", lev),
            sprintf("binom.test(10, 10, alternative = \"greater\", conf.level = %.17g)$conf.int", lev),
            x = 10, n = 10, level = lev, lower = b$conf.int[1], upper = b$conf.int[2])
  ref_write(out, sprintf("edge/low/jeffreys/10_of_10/level=%g", lev),
            sprintf("1 - qbeta(%.17g, 0.5, 10.5) (Jeffreys lower bound of 10 of 10, alternative greater)", lev),
            x = 10, n = 10, level = lev, lower = 1 - qbeta(lev, 0.5, 10.5), upper = 1)
}
# A level just below 1 (1 - 2^-53): prop.test's own qnorm((1 + conf.level)/2)
# is qnorm(1) = Inf there, so its formula is evaluated with
# z = qnorm(a, lower.tail = FALSE), a = (1 - level)/2 or 1 - level.
wilson <- function(x, n, z, yates) {
  est <- x / n; z22n <- z^2 / (2 * n)
  pc <- est + yates / n
  u <- if (pc >= 1) 1 else (pc + z22n + z * sqrt(pc * (1 - pc) / n + z22n / (2 * n))) / (1 + 2 * z22n)
  pc <- est - yates / n
  l <- if (pc <= 0) 0 else (pc + z22n - z * sqrt(pc * (1 - pc) / n + z22n / (2 * n))) / (1 + 2 * z22n)
  c(max(l, 0), min(u, 1))
}
lev <- 1 - 2^-53
for (alt in c("two.sided", "less", "greater")) {
  a <- if (alt == "two.sided") (1 - lev) / 2 else 1 - lev
  z <- qnorm(a, lower.tail = FALSE)
  for (xn in list(c(7, 20), c(123456, 1e6))) {
    x <- xn[1]; n <- xn[2]; est <- x / n
    nt <- n + z^2; pt <- (x + z^2 / 2) / nt
    bounds <- list(wilson = wilson(x, n, z, 0), wilson_corrected = wilson(x, n, z, 0.5),
                   agresti_coull = pt + c(-1, 1) * z * sqrt(pt * (1 - pt) / nt),
                   wald = est + c(-1, 1) * z * sqrt(est * (1 - est) / n))
    for (m in names(bounds)) {
      b <- pmin(pmax(bounds[[m]], 0), 1)
      if (alt == "less") b[1] <- 0
      if (alt == "greater") b[2] <- 1
      ref_write(out, sprintf("edge/high/%s/%g_of_%g/%s", m, x, n, alt),
                sprintf("%s formula (prop.test source for Wilson) with z = qnorm(%s, lower.tail = FALSE), level = 1 - 2^-53",
                        m, if (alt == "two.sided") "(1 - level)/2" else "1 - level"),
                x = x, n = n, level = lev, alternative = alt, method = m, z = z,
                lower = b[1], upper = b[2])
    }
  }
}
close(out)
