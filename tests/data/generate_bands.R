# Reference values for survkit's simultaneous confidence bands (issue #17).
# Run from the repository root:  Rscript tests/data/generate_bands.R
# Writes tests/data/bands.txt.
#
# 1. Klein & Moeschberger (2003), Appendix C, Tables C.3 (Hall-Wellner h_alpha)
#    and C.4 (equal precision e_alpha), as transcribed in R's km.ci 0.5.6
#    (its data sets critical.value.hall.90/95/99 and critical.value.nair.90/95,
#    documented there as "taken from the book by Klein & Moeschberger"): every
#    printed entry with its a_L, a_U. For the equal-precision tables the script
#    also solves Nair's (1984) asymptotic approximation
#      P(sup > c) ~ 4 phi(c) / c + phi(c) (c - 1/c) log(a_U (1 - a_L) / (a_L (1 - a_U)))
#    (uniroot to 1e-12) for each entry, to show what the printed table is.
# 2. km.ci's bands on survival's aml (ungrouped, and the Maintained arm) for
#    "hall-wellner", "loghall", "epband", "logep" at 0.90, 0.95 and 0.99, with
#    km.ci's default range, its a_L, a_U (km.ci:::a.up.low.fun) and the
#    critical value it used (read back from its linear band, or from its
#    log-log band: c = log(log(upper) / log(S)) / w). A call that fails records
#    the error message.
suppressPackageStartupMessages({ library(survival); library(km.ci) })
source("tests/data/common.R")
out <- ref_open("tests/data/bands.txt")
kmci <- paste0("km.ci ", packageVersion("km.ci"))

ns <- asNamespace("km.ci")
tables <- list(
  list("hall", 0.90, "critical.value.hall.90", "C.3a"),
  list("hall", 0.95, "critical.value.hall.95", "C.3b"),
  list("hall", 0.99, "critical.value.hall.99", "C.3c"),
  list("nair", 0.90, "critical.value.nair.90", "C.4a"),
  list("nair", 0.95, "critical.value.nair.95", "C.4b"))
ms_crit <- function(level, al, au) {
  lr <- log(au * (1 - al) / (al * (1 - au)))
  f <- function(c) 4 * dnorm(c) / c + dnorm(c) * (c - 1 / c) * lr - (1 - level)
  uniroot(f, c(1, 10), tol = 1e-13)$root
}
for (tb in tables) {
  m <- get(tb[[3]], ns)
  al <- as.numeric(sub("al", "", colnames(m))) / 100
  au <- 0.10 + 0.02 * (seq_len(nrow(m)) - 1)
  idx <- which(!is.na(m), arr.ind = TRUE)
  idx <- idx[order(idx[, 1], idx[, 2]), , drop = FALSE]
  a_l <- al[idx[, 2]]; a_u <- au[idx[, 1]]; v <- m[idx]
  fields <- list(out, paste0("kmtable/", tb[[1]], "/", tb[[2]]),
                 paste0(kmci, " data ", tb[[3]], " (Klein & Moeschberger 2003, Table ", tb[[4]], " as transcribed by km.ci)"),
                 kind = if (tb[[1]] == "hall") "hall-wellner" else "equal-precision",
                 level = tb[[2]], a_lower = a_l, a_upper = a_u, printed = v)
  if (tb[[1]] == "nair") fields$nair_approx <- mapply(ms_crit, tb[[2]], a_l, a_u)
  do.call(ref_write, fields)
}

fits <- list(
  list("aml", "survfit(Surv(time, status) ~ 1, data = aml)", survfit(Surv(time, status) ~ 1, data = aml)),
  list("aml-maintained", "survfit(Surv(time, status) ~ 1, data = subset(aml, x == 'Maintained'))",
       survfit(Surv(time, status) ~ 1, data = subset(aml, x == "Maintained"))))
for (f in fits) {
  fit <- f[[3]]
  for (method in c("hall-wellner", "loghall", "epband", "logep")) {
    for (level in c(0.90, 0.95, 0.99)) {
      call <- sprintf("km.ci(%s, conf.level = %s, method = \"%s\")", f[[2]], level, method)
      case <- sprintf("kmci/%s/%s/%s", f[[1]], method, level)
      r <- tryCatch(km.ci(fit, conf.level = level, method = method), error = function(e) e)
      if (inherits(r, "error")) {
        ref_write(out, case, paste0(kmci, ": ", call), method = method, level = level,
                  error = gsub("[\r\n]", " ", conditionMessage(r)))
        next
      }
      tl <- min(fit$time[fit$n.event > 0])
      tu <- max(fit$time[fit$n.event > 0 & fit$n.risk > fit$n.event])
      aa <- km.ci:::a.up.low.fun(fit, tl, tu)
      sig2 <- aa$sigma.mat[aa$start:aa$end, "sigma"]
      n <- fit$n
      w <- if (method %in% c("hall-wellner", "loghall")) (1 + n * sig2) / sqrt(n) else sqrt(sig2)
      s <- r$surv
      crit <- if (method %in% c("hall-wellner", "epband")) (r$upper - s) / (s * w) else log(log(r$upper) / log(s)) * log(s) / w
      ref_write(out, case, paste0(kmci, ": ", call), method = method, level = level,
                t_lower = tl, t_upper = tu, n = n, a_lower = aa$a.low, a_upper = aa$a.up,
                critical = crit[1], time = r$time, surv = s, lower = r$lower, upper = r$upper)
    }
  }
}
close(out)
