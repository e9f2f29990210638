# Reference values for survkit's landmark view and conditional survival.
# Run from the repository root:  Rscript tests/data/generate_landmark.R
# Writes tests/data/landmark.txt.
suppressPackageStartupMessages(library(survival))
source("tests/data/common.R")
out <- ref_open("tests/data/landmark.txt")
trs <- c(log = "log", loglog = "log-log", plain = "plain", logit = "logit", arcsin = "arcsin")

# Conditional survival S(t | s): the ratio of summary(fit) values, and the
# Kaplan-Meier curve of the landmark subset with shifted times for the
# standard error and the intervals (the two agree on S to rounding).
cond_case <- function(name, d, s, times, level = 0.95) {
  full <- survfit(Surv(time, status) ~ 1, d)
  ratio <- summary(full, times = times, extend = TRUE)$surv / summary(full, times = s)$surv
  lm <- subset(d, time > s); lm$time <- lm$time - s
  args <- list(out, paste0("cond/", name),
               sprintf("summary(fit, times = t)$surv / summary(fit, times = %s)$surv; summary(survfit(Surv(time - %s, status) ~ 1, subset(d, time > %s), conf.type = <tr>, conf.int = %s), times = t - %s, extend = TRUE)", s, s, s, level, s),
               in_time = d$time, in_event = d$status, landmark = s, times = times, level = level,
               surv = ratio)
  for (tr in names(trs)) {
    f <- survfit(Surv(time, status) ~ 1, lm, conf.type = trs[[tr]], conf.int = level)
    sm <- summary(f, times = times - s, extend = TRUE)
    stopifnot(max(abs(sm$surv - ratio)) < 1e-12)
    args[[paste0("se_surv_", tr)]] <- sm$std.err
    args[[paste0("lower_", tr)]] <- sm$lower
    args[[paste0("upper_", tr)]] <- sm$upper
  }
  do.call(ref_write, args)
}
lungd <- data.frame(time = lung$time, status = lung$status - 1)
cond_case("lung-s180", lungd, 180, c(180, 365, 540, 730, 1000))
cond_case("lung-s365-90", lungd, 365, c(400, 730, 900), level = 0.9)
cond_case("aml-s12", data.frame(time = aml$time, status = aml$status), 12, c(12, 20, 33, 45))
cond_case("veteran-s30-99", data.frame(time = veteran$time, status = veteran$status), 30, c(60, 100, 200, 500), level = 0.99)

# Landmark log-rank tests: survdiff on the subset still followed after s,
# times measured from s.
lr_case <- function(name, d, s, rhs, groups, strata = NULL) {
  lm <- subset(d, time > s); lm$time <- lm$time - s
  sd <- survdiff(as.formula(paste("Surv(time, status) ~", rhs)), lm)
  o <- if (is.matrix(sd$obs)) rowSums(sd$obs) else sd$obs
  e <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp
  args <- list(out, paste0("landmark-logrank/", name),
               sprintf("survdiff(Surv(time - %s, status) ~ %s, subset(d, time > %s))", s, rhs, s),
               in_time = d$time, in_event = d$status, in_group = as.character(d[[groups]]),
               landmark = s, n = as.vector(sd$n), observed = o, expected = e, chisq = sd$chisq)
  if (!is.null(strata)) args$in_stratum <- as.character(d[[strata]])
  do.call(ref_write, args)
}
lungs <- data.frame(time = lung$time, status = lung$status - 1, sex = lung$sex, inst = lung$inst)
lr_case("lung-sex-s180", lungs, 180, "sex", "sex")
lr_case("lung-sex-s365", lungs, 365, "sex", "sex")
vet <- data.frame(time = veteran$time, status = veteran$status, trt = veteran$trt,
                  cell = as.character(veteran$celltype))
lr_case("veteran-trt-s30", vet, 30, "trt", "trt")
lr_case("veteran-trt-s30-strata-cell", vet, 30, "trt + strata(cell)", "trt", "cell")
close(out)
