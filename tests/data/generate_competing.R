# Reference values for survkit's competing-risks module (issue #17).
# Run from the repository root:  Rscript tests/data/generate_competing.R
# Writes tests/data/competing.txt.
#
# Per data set: the input columns (in_time, in_cause, in_group[, in_stratum]),
# then for every (group, cause) curve
#   survfit(Surv(time, factor(cause)) ~ group)  rows: time, n.risk, estimate
#     (pstate), std.err (infinitesimal jackknife), lower, upper (conf.type "log")
#   cmprsk::cuminc(time, cause, group)  at each jump: time, est, var
# and per cause Gray's test: cuminc(...)$Tests (stat, pv, df) and the upper
# tail pchisq(stat, df, lower.tail = FALSE).
suppressPackageStartupMessages({ library(survival); library(cmprsk) })
source("tests/data/common.R")
out <- ref_open("tests/data/competing.txt")
cm_version <- paste0("cmprsk ", packageVersion("cmprsk"))

write_case <- function(name, time, cause, group, call_sf, call_ci, strata = NULL, rho = 0) {
  group <- as.character(group)
  fit <- survfit(Surv(time, factor(cause)) ~ group)
  ci <- if (is.null(strata)) cuminc(time, cause, group, rho = rho)
        else cuminc(time, cause, group, strata, rho = rho)
  ref_write(out, paste0(name, "/input"), "input columns",
            in_time = time, in_cause = cause, in_group = group,
            in_stratum = if (is.null(strata)) "none" else as.character(strata), rho = rho)
  levs <- sort(unique(group))
  ends <- cumsum(fit$strata); starts <- c(1, head(ends, -1) + 1)
  causes <- sort(unique(cause[cause != 0]))
  for (g in seq_along(levs)) {
    rows <- starts[g]:ends[g]
    for (k in causes) {
      s <- which(fit$states == as.character(k))
      ref_write(out, paste0(name, "/survfit/", levs[g], "/", k), call_sf,
                group = levs[g], cause = k,
                time = fit$time[rows], n_risk = fit$n.risk[rows, 1],
                estimate = fit$pstate[rows, s], std_err = fit$std.err[rows, s],
                lower = fit$lower[rows, s], upper = fit$upper[rows, s])
      cc <- ci[[paste(levs[g], k)]]
      n <- length(cc$time)
      jump <- if (n > 3) seq(3, n - 1, by = 2) else integer(0)
      ref_write(out, paste0(name, "/cuminc/", levs[g], "/", k), paste0(cm_version, ": ", call_ci),
                group = levs[g], cause = k,
                time = cc$time[jump], est = cc$est[jump], var = cc$var[jump])
    }
  }
  if (!is.null(ci$Tests)) {
    for (k in rownames(ci$Tests)) {
      st <- ci$Tests[k, "stat"]
      ref_write(out, paste0(name, "/gray/", k), paste0(cm_version, ": ", call_ci, "$Tests"),
                cause = as.numeric(k), stat = st, pv = ci$Tests[k, "pv"], df = ci$Tests[k, "df"],
                p_upper = pchisq(st, ci$Tests[k, "df"], lower.tail = FALSE))
    }
  }
  invisible(list(fit = fit, ci = ci))
}

# mgus2 by sex, as in survival's vignette "compete".
d <- mgus2
etime <- with(d, ifelse(pstat == 0, futime, ptime))
event <- with(d, ifelse(pstat == 0, 2 * death, 1))
r <- write_case("mgus2", etime, event, d$sex,
                "etime <- with(mgus2, ifelse(pstat == 0, futime, ptime)); event <- with(mgus2, ifelse(pstat == 0, 2 * death, 1)); survfit(Surv(etime, factor(event)) ~ sex, data = mgus2)",
                "cuminc(etime, event, mgus2$sex)")
# print.cuminc, for the Display test
writeLines(c("case: mgus2/print", paste0("source: ", ref_version(), ", ", cm_version, ": print(cuminc(etime, event, mgus2$sex))")), out)
writeLines(paste0("# | ", capture.output(print(r$ci))), out)
writeLines("", out)

# The intervals at another level and transform (survfit's conf.int, conf.type).
for (ct in c("log-log", "plain", "logit", "arcsin")) {
  fit90 <- survfit(Surv(etime, factor(event)) ~ sex, data = d, conf.int = 0.9, conf.type = ct)
  ends <- cumsum(fit90$strata); starts <- c(1, head(ends, -1) + 1)
  # survfit_confint's arcsin branch drops the matrix's dimensions (pmax(0, .))
  as_states <- function(x) if (is.null(dim(x))) matrix(x, ncol = length(fit90$states)) else x
  fit90$lower <- as_states(fit90$lower); fit90$upper <- as_states(fit90$upper)
  for (g in 1:2) for (k in 1:2) {
    rows <- starts[g]:ends[g]; s <- which(fit90$states == as.character(k))
    ref_write(out, paste0("mgus2/ci/", ct, "/", levels(d$sex)[g], "/", k),
              paste0("survfit(Surv(etime, factor(event)) ~ sex, data = mgus2, conf.int = 0.9, conf.type = \"", ct, "\")"),
              transform = ct, group = levels(d$sex)[g], cause = k,
              lower = fit90$lower[rows, s], upper = fit90$upper[rows, s])
  }
}

# pbc, the 312 randomised patients: transplant (1) and death (2) compete, by trt.
p <- pbc[1:312, ]
write_case("pbc", p$time, p$status, p$trt,
           "p <- pbc[1:312, ]; survfit(Surv(time, factor(status)) ~ trt, data = p)",
           "cuminc(p$time, p$status, p$trt)")

# A hand data set with every kind of tie: events of two causes and censoring
# at one time, several events of one cause at a time, three groups, a cause 3
# only in one group, a group whose last time is an event, and strata.
h_time  <- c(1, 1, 1, 2, 2, 3, 3, 3, 3, 4, 5, 5, 6, 6, 6, 7, 8, 8, 9, 10,
             1, 2, 2, 2, 3, 4, 4, 4, 5, 6, 7, 7, 8, 9, 9, 10, 11, 12,
             2, 2, 3, 3, 3, 4, 5, 6, 6, 8, 8, 8, 9, 12)
h_cause <- c(1, 2, 0, 1, 1, 2, 2, 1, 0, 0, 1, 2, 1, 1, 0, 2, 1, 0, 2, 1,
             2, 1, 1, 0, 2, 1, 2, 0, 3, 1, 0, 2, 1, 1, 2, 0, 2, 1,
             1, 0, 2, 2, 1, 0, 1, 1, 2, 0, 0, 1, 2, 0)
h_group <- c(rep("a", 20), rep("b", 18), rep("c", 14))
h_strat <- rep(c(1, 2), length.out = length(h_time))
write_case("ties", h_time, h_cause, h_group,
           "survfit(Surv(h_time, factor(h_cause)) ~ h_group) on the hand data of generate_competing.R",
           "cuminc(h_time, h_cause, h_group)")
write_case("ties_strata_rho1", h_time, h_cause, h_group,
           "survfit(Surv(h_time, factor(h_cause)) ~ h_group) on the hand data of generate_competing.R",
           "cuminc(h_time, h_cause, h_group, h_strat, rho = 1)", strata = h_strat, rho = 1)
close(out)
