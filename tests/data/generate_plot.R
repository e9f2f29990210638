# Reference values for survkit's figure tests (tests/plot.rs): the numbers at
# risk (and events, censorings) under the ticks of a Kaplan-Meier figure.
# Run from the repository root:  Rscript tests/data/generate_plot.R
# Writes tests/data/plot.txt.
suppressPackageStartupMessages(library(survival))
source("tests/data/common.R")
out <- ref_open("tests/data/plot.txt")

times <- seq(0, 1000, 200)
fit <- survfit(Surv(time, status) ~ sex, data = lung)
s <- summary(fit, times = times, extend = TRUE)
for (g in 1:2) {
  k <- as.integer(s$strata) == g
  ref_write(out, paste0("risk_table/lung_sex", g),
            sprintf("summary(survfit(Surv(time, status) ~ sex, data = lung), times = seq(0, 1000, 200), extend = TRUE) [strata sex=%d]", g),
            times = s$time[k], n_risk = s$n.risk[k], n_event = s$n.event[k], n_censor = s$n.censor[k])
}
# Without extend (R's default) the times after a curve's last time are dropped:
# for women (last time 965) the last row is at 800.
s0 <- summary(fit, times = times)
ref_write(out, "risk_table/lung_sex2_no_extend",
          "summary(survfit(Surv(time, status) ~ sex, data = lung), times = seq(0, 1000, 200))$n.risk [strata sex=2]",
          times = s0$time[as.integer(s0$strata) == 2], n_risk = s0$n.risk[as.integer(s0$strata) == 2])
close(out)
