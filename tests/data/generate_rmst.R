# Reference values for survkit's RMST comparison (survRM2's rmst2, re-derived).
# Run from the repository root:  Rscript tests/data/generate_rmst.R
# Writes tests/data/rmst.txt.
#
# survRM2 is not packaged for Debian and CRAN is unreachable here, so its
# unadjusted rmst2 is re-derived below from its documentation and the paper
# (Uno et al. 2014, doi:10.1200/JCO.2014.55.2208) on top of survival's survfit:
# per arm the area under the Kaplan-Meier curve up to tau and the Greenwood
# plug-in variance; between arms the difference, and the ratios of RMST and of
# RMTL on the log scale (delta method). Two independent checks tie it to
# published numbers: each arm's RMST and standard error equal survival's own
# print(fit, rmean = tau) (survmean), and the pbc case reproduces survRM2's
# vignette (difference -0.137, 95% CI -0.939 to 0.665, p = 0.738).
suppressPackageStartupMessages(library(survival))
source("tests/data/common.R")
out <- ref_open("tests/data/rmst.txt")

rmst_arm <- function(time, status, tau) {
  ft <- survfit(Surv(time, status) ~ 1)
  idx <- ft$time <= tau
  tt <- c(0, ft$time[idx], tau)
  ss <- c(1, ft$surv[idx])
  areas <- diff(tt) * ss
  rmst <- sum(areas)
  n <- ft$n.risk[idx]; d <- ft$n.event[idx]
  w <- ifelse(n > d & d > 0, d / (n * (n - d)), 0)
  after <- rev(cumsum(rev(areas)))[-1]   # area after each row up to tau
  v <- sum(after^2 * w)
  # survival's own estimate (print(fit, rmean = tau)) must agree
  sm <- summary(ft, rmean = tau)$table
  stopifnot(abs(sm[["rmean"]] - rmst) < 1e-12 * max(1, rmst))
  stopifnot(abs(sm[["se(rmean)"]] - sqrt(v)) < 1e-10 * max(1, sqrt(v)))
  c(rmst = rmst, var = v)
}

default_tau <- function(time, status, arm, rule) {
  x0 <- max(time[arm == 0]); x1 <- max(time[arm == 1])
  # a curve reaches 0 at its last time when every observation there is an event
  e0 <- all(status[arm == 0 & time == x0] == 1); e1 <- all(status[arm == 1 & time == x1] == 1)
  shorter_event <- if (x1 <= x0) e1 else e0
  if (rule == "survrm2" && shorter_event) max(x0, x1) else min(x0, x1)
}

rmst2_ref <- function(case, call, time, status, arm, tau = NULL, rule = "survrm2", level = 0.95) {
  tau_used <- if (is.null(tau)) default_tau(time, status, arm, rule) else tau
  a0 <- rmst_arm(time[arm == 0], status[arm == 0], tau_used)
  a1 <- rmst_arm(time[arm == 1], status[arm == 1], tau_used)
  z <- qnorm(1 - (1 - level) / 2)
  d <- a1[["rmst"]] - a0[["rmst"]]; dse <- sqrt(a1[["var"]] + a0[["var"]])
  lr <- log(a1[["rmst"]]) - log(a0[["rmst"]])
  lrse <- sqrt(a1[["var"]] / a1[["rmst"]]^2 + a0[["var"]] / a0[["rmst"]]^2)
  l1 <- tau_used - a1[["rmst"]]; l0 <- tau_used - a0[["rmst"]]
  ll <- log(l1) - log(l0); llse <- sqrt(a1[["var"]] / l1^2 + a0[["var"]] / l0^2)
  p <- function(x, se) 2 * pnorm(-abs(x) / se)
  ref_write(out, case, call,
            in_time = time, in_event = status, in_arm = arm,
            tau = tau_used, rule = rule, level = level, specified = !is.null(tau),
            rmst = c(a0[["rmst"]], a1[["rmst"]]), se = sqrt(c(a0[["var"]], a1[["var"]])),
            diff = c(d, d - z * dse, d + z * dse, p(d, dse)),
            ratio = c(exp(lr), exp(lr - z * lrse), exp(lr + z * lrse), p(lr, lrse)),
            rmtl_ratio = c(exp(ll), exp(ll - z * llse), exp(ll + z * llse), p(ll, llse)))
}

# survRM2's vignette data: rmst2.sample.data() = pbc[1:312], years, death, arm 1 = D-penicillamine
D <- pbc[1:312, ]
yrs <- D$time / 365.25; st <- as.numeric(D$status == 2); arm <- as.numeric(D$trt == 1)
rmst2_ref("rmst/pbc-tau10", "rmst2(time, status, arm, tau = 10), survRM2 vignette data", yrs, st, arm, tau = 10)
rmst2_ref("rmst/pbc-default", "rmst2(time, status, arm), survRM2 vignette data, default tau", yrs, st, arm)
rmst2_ref("rmst/pbc-old-rule", "rmst2 1.0-2 default tau = min of largest times", yrs, st, arm, rule = "minimum")
rmst2_ref("rmst/pbc-tau5-90", "rmst2(time, status, arm, tau = 5, alpha = 0.1)", yrs, st, arm, tau = 5, level = 0.9)
# lung by sex (arm 1 = female)
rmst2_ref("rmst/lung-sex-965", "rmst2(lung$time, lung$status - 1, lung$sex - 1, tau = 965)",
          lung$time, lung$status - 1, lung$sex - 1, tau = 965)
rmst2_ref("rmst/lung-sex-default", "rmst2(lung$time, lung$status - 1, lung$sex - 1)",
          lung$time, lung$status - 1, lung$sex - 1)
# aml: both arms end in a censoring
rmst2_ref("rmst/aml-default", "rmst2(aml$time, aml$status, aml$x == 'Nonmaintained')",
          aml$time, aml$status, as.numeric(aml$x == "Nonmaintained"))
# veteran by treatment: both arms end in deaths, default tau = max
rmst2_ref("rmst/veteran-trt-default", "rmst2(veteran$time, veteran$status, veteran$trt - 1)",
          veteran$time, veteran$status, veteran$trt - 1)
rmst2_ref("rmst/veteran-trt-400-99", "rmst2(veteran$time, veteran$status, veteran$trt - 1, tau = 400, alpha = 0.01)",
          veteran$time, veteran$status, veteran$trt - 1, tau = 400, level = 0.99)
# ovarian by rx
rmst2_ref("rmst/ovarian-rx-default", "rmst2(ovarian$futime, ovarian$fustat, ovarian$rx - 1)",
          ovarian$futime, ovarian$fustat, ovarian$rx - 1)
close(out)
