# Reference values for tests/logrank.rs from R's survdiff (run from the repository root):
#   Rscript tests/data/generate_logrank.R
# Group levels are sorted (factor(as.character(x))) to match survkit's default level order.
source("tests/data/common.R")
suppressMessages(library(survival))
out <- ref_open("tests/data/logrank_r.txt")

lung2 <- lung; lung2$status <- lung2$status - 1
veteran2 <- veteran; veteran2$celltype <- factor(as.character(veteran2$celltype))
sets <- list(
  list(name = "aml", data = "aml", f = "Surv(time, status) ~ x", group = "x", strata = "none"),
  list(name = "lung-sex", data = "lung2", f = "Surv(time, status) ~ sex", group = "sex", strata = "none"),
  list(name = "lung-ecog", data = "subset(lung2, !is.na(ph.ecog))", f = "Surv(time, status) ~ ph.ecog", group = "ph.ecog", strata = "none"),
  list(name = "lung-sex-inst", data = "subset(lung2, !is.na(inst))", f = "Surv(time, status) ~ sex + strata(inst)", group = "sex", strata = "inst"),
  list(name = "ovarian", data = "ovarian", f = "Surv(futime, fustat) ~ rx", group = "rx", strata = "none"),
  list(name = "veteran-trt-cell", data = "veteran2", f = "Surv(time, status) ~ trt + strata(celltype)", group = "trt", strata = "celltype"),
  list(name = "veteran-cell", data = "veteran2", f = "Surv(time, status) ~ celltype", group = "celltype", strata = "none")
)
write_fit <- function(case, call, fit, extra = list()) {
  obs <- if (is.matrix(fit$obs)) rowSums(fit$obs) else fit$obs
  exp <- if (is.matrix(fit$exp)) rowSums(fit$exp) else fit$exp
  df <- sum(exp > 0) - 1
  args <- c(list(out, case, call, n = as.numeric(fit$n), observed = obs, expected = exp,
                 variance = as.vector(t(fit$var)), chisq = fit$chisq, df = df, p = fit$pvalue), extra)
  do.call(ref_write, args)
}
for (s in sets) {
  d <- eval(parse(text = s$data))
  for (rho in c(0, 0.5, 1)) {
    call <- sprintf("survdiff(%s, data = %s, rho = %s)", s$f, s$data, rho)
    fit <- eval(parse(text = call))
    extra <- list(dataset = s$name, rho = rho)
    # Two groups: the hazard-ratio estimators are written as separate "hazard-ratio/..." cases below.
    obs <- if (is.matrix(fit$obs)) rowSums(fit$obs) else fit$obs
    exp <- if (is.matrix(fit$exp)) rowSums(fit$exp) else fit$exp
    # More than two ordered groups: the trend test U = s'(O - E), s'Vs.
    if (length(obs) > 2) {
      sc <- seq_along(obs) - 1
      u <- sum(sc * (obs - exp)); vu <- drop(t(sc) %*% fit$var %*% sc)
      tz <- u / sqrt(vu)
      # survkit reports U and Var U of the standardized scores (s - mean(s)) / (max(s) - min(s)).
      st <- (sc - mean(sc)) / (max(sc) - min(sc))
      u_std <- sum(st * (obs - exp)); vu_std <- drop(t(st) %*% fit$var %*% st)
      extra <- c(extra, list(trend_scores = sc, trend_u = u, trend_var = vu, trend_chisq = u^2 / vu,
                             trend_u_std = u_std, trend_var_std = vu_std,
                             trend_p = pchisq(u^2 / vu, 1, lower.tail = FALSE), trend_z = tz,
                             trend_p_less = pnorm(tz), trend_p_greater = pnorm(tz, lower.tail = FALSE)))
      if (rho == 0 && s$strata == "none") {
        # Cross-check: the score test of coxph(ties = "exact") on the group scores.
        dd <- d; dd$score <- as.numeric(factor(dd[[s$group]])) - 1
        fit2 <- coxph(as.formula(sub("~.*", "~ score", s$f)), data = dd, ties = "exact")
        stopifnot(isTRUE(all.equal(unname(fit2$score), u^2 / vu, tolerance = 1e-8)))
      }
    }
    write_fit(paste0(s$name, "/rho=", rho), call, fit, extra)
  }
}

# Hazard ratios of two groups (unstratified and stratified): Pike's (O/E) and Peto's estimators,
# computed in R from survdiff's own obs, exp and var (summed over strata), at three levels; the
# last level, 1 - 2^-53, takes z = -qnorm(2^-54) (qnorm(1 - 2^-54) is Inf in double precision).
# These are not coxph estimates (coxph maximises the partial likelihood).
for (s in sets) {
  d <- eval(parse(text = s$data))
  call <- sprintf("survdiff(%s, data = %s)", s$f, s$data)
  fit <- eval(parse(text = call))
  obs <- if (is.matrix(fit$obs)) rowSums(fit$obs) else fit$obs
  exp <- if (is.matrix(fit$exp)) rowSums(fit$exp) else fit$exp
  if (length(obs) != 2) next
  for (level in c(0.95, 0.9, 1 - 2^-53)) {
    z <- -qnorm((1 - level) / 2)
    lhr <- log((obs[2] / exp[2]) / (obs[1] / exp[1])); se <- sqrt(1 / exp[1] + 1 / exp[2])
    v <- fit$var[2, 2]; lp <- (obs[2] - exp[2]) / v; sp <- 1 / sqrt(v)
    src <- sprintf(paste0("f <- %s; O <- f$obs, E <- f$exp (rowSums when stratified), V <- f$var[2, 2]; ",
                          "Pike: exp(log((O[2]/E[2])/(O[1]/E[1])) +- z sqrt(1/E[1] + 1/E[2])); ",
                          "Peto: exp((O[2]-E[2])/V +- z/sqrt(V)); z = -qnorm((1 - %s)/2)"),
                   call, sprintf("%.17g", level))
    ref_write(out, sprintf("hazard-ratio/%s/level=%.17g", s$name, level), src,
              dataset = s$name, level = level, strata = s$strata,
              hr_oe = exp(lhr), hr_oe_se = se, hr_oe_lower = exp(lhr - z * se), hr_oe_upper = exp(lhr + z * se),
              hr_peto = exp(lp), hr_peto_se = sp, hr_peto_lower = exp(lp - z * sp), hr_peto_upper = exp(lp + z * sp))
  }
}

# Pairwise comparisons: survdiff on each pair's subjects, then p.adjust.
pw <- list(list(name = "veteran-cell", data = "veteran2", f = "Surv(time, status) ~ celltype", group = "celltype"),
           list(name = "lung-ecog", data = "subset(lung2, !is.na(ph.ecog))", f = "Surv(time, status) ~ ph.ecog", group = "ph.ecog"))
for (s in pw) {
  d <- eval(parse(text = s$data))
  lev <- sort(unique(d[[s$group]]))
  for (rho in c(0, 1)) {
    chis <- c(); ps <- c(); a <- c(); b <- c()
    for (i in 1:(length(lev) - 1)) for (j in (i + 1):length(lev)) {
      dd <- d[d[[s$group]] %in% lev[c(i, j)], ]
      if (is.factor(dd[[s$group]])) dd[[s$group]] <- droplevels(dd[[s$group]])
      fit <- survdiff(as.formula(s$f), data = dd, rho = rho)
      chis <- c(chis, fit$chisq); ps <- c(ps, fit$pvalue); a <- c(a, i - 1); b <- c(b, j - 1)
    }
    ref_write(out, paste0("pairwise/", s$name, "/rho=", rho),
              sprintf("for each pair: survdiff(%s, data = %s[pair, ], rho = %s); p.adjust(p, 'bonferroni' | 'holm' | 'BH')", s$f, s$data, rho),
              dataset = s$name, rho = rho, first = a, second = b, chisq = chis, p = ps,
              p_bonferroni = p.adjust(ps, "bonferroni"), p_holm = p.adjust(ps, "holm"), p_bh = p.adjust(ps, "BH"))
  }
}

# Near ties: times differing by 1e-12 are merged by timefix = TRUE, kept apart by timefix = FALSE.
nt <- data.frame(time = c(1, 1 + 1e-12, 2, 2 + 1e-12, 3, 4, 4 + 1e-12, 5, 6, 7),
                 status = c(1, 1, 1, 0, 1, 1, 1, 0, 1, 1),
                 g = c(1, 2, 2, 1, 1, 2, 1, 2, 1, 2))
# survival 3.5-3's survdiff() passes `timefix` on to model.frame ("variable lengths differ (found
# for '(timefix)')"), so timefix = FALSE cannot be given to survdiff() itself: survdiff_tf() runs the
# same steps as survdiff's body (aeqSurv when timefix, survdiff.fit, the same chisq), and is checked
# against survdiff() for timefix = TRUE.
survdiff_tf <- function(y, g, rho, timefix) {
  if (timefix) y <- aeqSurv(y)
  fit <- survival:::survdiff.fit(y, factor(g), rep(1, length(g)), rho)
  etmp <- fit$expected; otmp <- fit$observed; df <- etmp > 0
  temp2 <- ((otmp - etmp)[df])[-1]; vv <- (fit$var[df, df])[-1, -1, drop = FALSE]
  chi <- sum(solve(vv, temp2) * temp2)
  list(n = table(g), obs = otmp, exp = etmp, var = fit$var, chisq = chi,
       pvalue = pchisq(chi, sum(df) - 1, lower.tail = FALSE))
}
for (tf in c(TRUE, FALSE)) for (rho in c(0, 1)) {
  call <- sprintf("survdiff(Surv(time, status) ~ g, data = nt, rho = %s, timefix = %s), via survdiff_tf (see script)", rho, tf)
  fit <- survdiff_tf(Surv(nt$time, nt$status), nt$g, rho, tf)
  if (tf) stopifnot(isTRUE(all.equal(fit$chisq, survdiff(Surv(time, status) ~ g, data = nt, rho = rho)$chisq)))
  write_fit(sprintf("near-ties/timefix=%s/rho=%s", tf, rho), call, fit,
            list(dataset = "near-ties", rho = rho, timefix = tf, time = nt$time, status = nt$status, g = nt$g))
}
close(out)
