# Reference values for survkit's design module (src/design/): exact operating
# characteristics of two-stage designs (dbinom/pbinom), inference after a
# two-stage trial (an independent implementation of Koyama & Chen's
# stage-wise ordering and Jung & Kim's UMVUE, roots by uniroot at tol 1e-15),
# A'Hern single-stage designs (brute force over n), rpact's log-rank events,
# power and patients, and the Lachin-Foulkes formula as gsDesign's nSurv
# computes it (gsDesign and clinfun are not installable here).
# Run from the repository root:  Rscript tests/data/generate_design.R
source("tests/data/common.R")
suppressPackageStartupMessages(library(rpact))
out <- ref_open("tests/data/design_r.txt")
rp <- paste0("rpact ", packageVersion("rpact"))

# A. Operating characteristics of two-stage designs.
oc <- function(r1, n1, r, n, p) {
  x1 <- (r1 + 1):n1
  rej <- sum(dbinom(x1, n1, p) * pbinom(r - x1, n - n1, p, lower.tail = FALSE))
  pet <- pbinom(r1, n1, p)
  c(rej, pet, n1 + (1 - pet) * (n - n1))
}
designs <- list(c(0.05, 0.25, 0, 9, 2, 17), c(0.05, 0.25, 0, 12, 2, 16), c(0.1, 0.3, 1, 10, 5, 29),
                c(0.1, 0.3, 1, 15, 5, 25), c(0.2, 0.4, 3, 13, 12, 43), c(0.3, 0.5, 5, 15, 18, 46),
                c(0.3, 0.5, 6, 19, 16, 39), c(0.4, 0.6, 17, 34, 20, 39), c(0.05, 0.15, 1, 23, 5, 56),
                c(0.01, 0.05, 0, 45, 3, 200))
for (d in designs) for (p in d[1:2]) {
  v <- oc(d[3], d[4], d[5], d[6], p)
  ref_write(out, sprintf("oc/%g_%g_%g_%g/p=%g", d[3], d[4], d[5], d[6], p),
            sprintf("x1 <- (r1+1):n1; sum(dbinom(x1, n1, p) * pbinom(r - x1, n - n1, p, lower.tail = FALSE)); pbinom(r1, n1, p) with r1 = %g, n1 = %g, r = %g, n = %g, p = %.17g", d[3], d[4], d[5], d[6], p),
            r1 = d[3], n1 = d[4], r = d[5], n = d[6], p = p, reject = v[1], pet = v[2], en = v[3])
}

# B. Inference after a two-stage trial (stage-wise ordering).
pv <- function(s, r1, n1, n, p) {
  if (s <= r1) return(pbinom(s - 1, n1, p, lower.tail = FALSE))
  x1 <- (r1 + 1):n1
  sum(dbinom(x1, n1, p) * pbinom(s - x1 - 1, n - n1, p, lower.tail = FALSE))
}
umvue <- function(s, r1, n1, n) {
  if (s <= r1) return(s / n1)
  n2 <- n - n1
  x1 <- max(r1 + 1, s - n2):min(s, n1)
  sum(choose(n1 - 1, x1 - 1) * choose(n2, s - x1)) / sum(choose(n1, x1) * choose(n2, s - x1))
}
root <- function(f) uniroot(f, c(1e-12, 1 - 1e-12), tol = 1e-15, maxiter = 10000)$root
infer <- list(c(1, 10, 5, 29, 0.1), c(5, 15, 18, 46, 0.3), c(6, 19, 16, 39, 0.3), c(3, 13, 12, 43, 0.2),
              c(7, 16, 23, 46, 0.4))
for (d in infer) {
  r1 <- d[1]; n1 <- d[2]; n <- d[4]; p0 <- d[5]
  for (s in unique(c(1:r1, r1 + 1, r1 + 3, d[3], d[3] + 1, d[3] + 5, n - 1, n))) {
    if (s < 1 || s > n) next
    for (lev in c(0.9, 0.95)) {
      a <- (1 - lev) / 2
      lo <- root(function(p) pv(s, r1, n1, n, p) - a)
      up <- root(function(p) pv(s, r1, n1, n, p) - (1 - a))
      ref_write(out, sprintf("infer/%g_%g_%g_%g/s=%g/level=%g", r1, n1, d[3], n, s, lev),
                sprintf("independent stage-wise ordering (Koyama & Chen 2008): p-value = pv(p0), pv(p) = P(X1 >= s) at stage 1 or sum(dbinom(x1, n1, p) * pbinom(s - x1 - 1, n2, p, lower.tail = FALSE)); UMVUE by choose(); bounds uniroot(pv - a, tol = 1e-15) and uniroot(pv - (1 - a)); s = %g, r1 = %g, n1 = %g, n = %g, p0 = %g, a = %g", s, r1, n1, n, p0, a),
                r1 = r1, n1 = n1, r = d[3], n = n, p0 = p0, responses = s, level = lev,
                umvue = umvue(s, r1, n1, n), p_value = pv(s, r1, n1, n, p0), lower = lo, upper = up)
    }
  }
}

# C. A'Hern single-stage designs, brute force.
ahern <- function(p0, p1, alpha, beta) {
  for (n in 1:5000) {
    r <- 0:(n + 1)
    r <- r[pbinom(r - 1, n, p0, lower.tail = FALSE) <= alpha][1]
    if (r <= n && pbinom(r - 1, n, p1, lower.tail = FALSE) >= 1 - beta)
      return(c(n, r, pbinom(r - 1, n, p0, lower.tail = FALSE), pbinom(r - 1, n, p1, lower.tail = FALSE)))
  }
}
for (a in list(c(0.1, 0.3, 0.05, 0.2), c(0.05, 0.2, 0.05, 0.2), c(0.05, 0.2, 0.05, 0.1), c(0.2, 0.4, 0.05, 0.2),
               c(0.3, 0.5, 0.05, 0.2), c(0.5, 0.7, 0.1, 0.1), c(0.01, 0.05, 0.05, 0.2), c(0.6, 0.8, 0.01, 0.05))) {
  v <- ahern(a[1], a[2], a[3], a[4])
  ref_write(out, sprintf("single/%g_%g/alpha=%g/beta=%g", a[1], a[2], a[3], a[4]),
            sprintf("brute force: smallest n with r = min{r: pbinom(r - 1, n, p0, lower.tail = FALSE) <= alpha} and pbinom(r - 1, n, p1, lower.tail = FALSE) >= 1 - beta; p0 = %g, p1 = %g, alpha = %g, beta = %g", a[1], a[2], a[3], a[4]),
            p0 = a[1], p1 = a[2], alpha = a[3], beta = a[4], n = v[1], r = v[2], type_i = v[3], power = v[4])
}

# D. Log-rank events (rpact) and the closed forms with R's qnorm.
for (hr in c(0.5, 0.6, 0.75, 1.5)) for (sided in 1:2) for (alloc in c(1, 2, 0.5)) for (beta in c(0.2, 0.1)) {
  alpha <- if (sided == 1) 0.025 else 0.05
  for (method in c("Schoenfeld", "Freedman")) {
    x <- getSampleSizeSurvival(hazardRatio = hr, alpha = alpha, beta = beta, sided = sided,
                               typeOfComputation = method, allocationRatioPlanned = alloc, lambda2 = 0.1,
                               accrualTime = c(0, 12), followUpTime = 12)
    z <- qnorm(1 - alpha / sided) + qnorm(1 - beta)
    closed <- if (method == "Schoenfeld") z^2 * (1 + alloc)^2 / (alloc * log(hr)^2) else
      z^2 * (1 + alloc * hr)^2 / (alloc * (1 - hr)^2)
    ref_write(out, sprintf("events/%s/hr=%g/sided=%d/alloc=%g/beta=%g", method, hr, sided, alloc, beta),
              sprintf("%s: getSampleSizeSurvival(hazardRatio = %g, alpha = %g, beta = %g, sided = %d, typeOfComputation = \"%s\", allocationRatioPlanned = %g, lambda2 = 0.1, accrualTime = c(0, 12), followUpTime = 12)$maxNumberOfEvents; closed form with qnorm", rp, hr, alpha, beta, sided, method, alloc),
              method = method, hazard_ratio = hr, alpha = alpha, sided = sided, allocation = alloc,
              power = 1 - beta, events = x$maxNumberOfEvents, closed_form = closed,
              subjects = x$maxNumberOfSubjects, lambda2 = 0.1, accrual = 12, follow_up = 12)
  }
}
for (hr in c(0.6, 0.75, 1.4)) for (sided in 1:2) for (alloc in c(1, 2)) for (d in c(50, 120, 300)) {
  alpha <- if (sided == 1) 0.025 else 0.05
  for (method in c("Schoenfeld", "Freedman")) {
    # directionUpper applies to one-sided tests only (rpact warns otherwise).
    x <- if (sided == 1) {
      getPowerSurvival(hazardRatio = hr, alpha = alpha, sided = sided, typeOfComputation = method,
                       maxNumberOfEvents = d, maxNumberOfSubjects = 4 * d, allocationRatioPlanned = alloc,
                       lambda2 = 0.1, directionUpper = hr > 1)
    } else {
      getPowerSurvival(hazardRatio = hr, alpha = alpha, sided = sided, typeOfComputation = method,
                       maxNumberOfEvents = d, maxNumberOfSubjects = 4 * d, allocationRatioPlanned = alloc,
                       lambda2 = 0.1)
    }
    ref_write(out, sprintf("power/%s/hr=%g/sided=%d/alloc=%g/d=%g", method, hr, sided, alloc, d),
              sprintf("%s: getPowerSurvival(hazardRatio = %g, alpha = %g, sided = %d, typeOfComputation = \"%s\", maxNumberOfEvents = %g, maxNumberOfSubjects = %g, allocationRatioPlanned = %g, lambda2 = 0.1%s)$overallReject", rp, hr, alpha, sided, method, d, 4 * d, alloc, if (sided == 1) sprintf(", directionUpper = %s", hr > 1) else ""),
              method = method, hazard_ratio = hr, alpha = alpha, sided = sided, allocation = alloc,
              events = d, power = x$overallReject)
  }
}
# Patients with accrual, follow-up and dropout (rpact: Schoenfeld events / event probability).
for (cs in list(c(log(2) / 20, 0.5, 20, 10, 0, 1, 0.1), c(0.1, 0.7, 12, 12, 0, 1, 0.2),
                c(0.05, 0.6, 24, 6, 0.1, 2, 0.2), c(log(2) / 10.6, 1 / 1.349, 36, 24, 0.05, 8 / 11, 0.2))) {
  lc <- cs[1]; hr <- cs[2]; R <- cs[3]; fu <- cs[4]; drop <- cs[5]; alloc <- cs[6]; beta <- cs[7]
  eta <- -log(1 - drop) / 12
  x <- getSampleSizeSurvival(lambda2 = lc, hazardRatio = hr, accrualTime = c(0, R), followUpTime = fu,
                             alpha = 0.025, beta = beta, sided = 1, allocationRatioPlanned = alloc,
                             dropoutRate1 = drop, dropoutRate2 = drop, dropoutTime = 12)
  ref_write(out, sprintf("patients/rpact/lambda=%g/hr=%g/R=%g/fu=%g/drop=%g/alloc=%g", lc, hr, R, fu, drop, alloc),
            sprintf("%s: getSampleSizeSurvival(lambda2 = %.17g, hazardRatio = %.17g, accrualTime = c(0, %g), followUpTime = %g, alpha = 0.025, beta = %g, sided = 1, allocationRatioPlanned = %.17g, dropoutRate1 = %g, dropoutRate2 = %g, dropoutTime = 12): maxNumberOfSubjects, maxNumberOfEvents; eta = -log(1 - dropoutRate) / 12", rp, lc, hr, R, fu, beta, alloc, drop, drop),
            control_hazard = lc, hazard_ratio = hr, accrual = R, follow_up = fu, dropout_hazard = eta,
            allocation = alloc, power = 1 - beta, patients = x$maxNumberOfSubjects, events = x$maxNumberOfEvents)
}

# E. Lachin-Foulkes on the log hazard ratio as gsDesign's nSurv computes it
# (H0 variance at the allocation-weighted hazard), re-implemented here.
pev <- function(lam, eta, R, T) { h <- lam + eta; lam / h * (1 - (exp(-h * (T - R)) - exp(-h * T)) / (h * R)) }
lf <- function(lc, hr, R, fu, eta, ratio, alpha, beta, sided) {
  qe <- ratio / (1 + ratio); qc <- 1 - qe; T <- R + fu
  pc <- pev(lc, eta, R, T); pe <- pev(lc * hr, eta, R, T); p0 <- pev(qc * lc + qe * lc * hr, eta, R, T)
  n <- ((qnorm(1 - alpha / sided) * sqrt(1 / (qc * p0) + 1 / (qe * p0)) +
         qnorm(1 - beta) * sqrt(1 / (qc * pc) + 1 / (qe * pe))) / log(hr))^2
  c(n, n * (qc * pc + qe * pe))
}
for (cs in list(c(log(2) / 20, 0.5, 20, 10, 0, 1, 0.025, 0.1, 1), c(log(2) / 6, 0.6, 12, 6, 0, 1, 0.025, 0.1, 1),
                c(0.1, 0.7, 18, 12, 0.01, 2, 0.05, 0.2, 2), c(log(2) / 10.6, 1 / 1.349, 36, 24, 0.005, 8 / 11, 0.05, 0.2, 2))) {
  v <- lf(cs[1], cs[2], cs[3], cs[4], cs[5], cs[6], cs[7], cs[8], cs[9])
  ref_write(out, sprintf("patients/lf/lambda=%g/hr=%g/R=%g/fu=%g/eta=%g/ratio=%g/sided=%g", cs[1], cs[2], cs[3], cs[4], cs[5], cs[6], cs[9]),
            sprintf("Lachin-Foulkes, log hazard ratio, H0 variance at qc*lambdaC + qe*lambdaE (gsDesign nSurv's LFPWE with one period), re-implemented in R: lambdaC = %.17g, hr = %.17g, R = %g, minfup = %g, eta = %g, ratio = %.17g, alpha = %g, beta = %g, sided = %g", cs[1], cs[2], cs[3], cs[4], cs[5], cs[6], cs[7], cs[8], cs[9]),
            control_hazard = cs[1], hazard_ratio = cs[2], accrual = cs[3], follow_up = cs[4], dropout_hazard = cs[5],
            allocation = cs[6], alpha = cs[7], power = 1 - cs[8], sided = cs[9], patients = v[1], events = v[2])
}
close(out)

# F. What clinfun's print.ph2simon and twostage.inference print, made by R's
# own print of the same matrix and named vector (the numbers from A and B).
sink("tests/data/design_print.txt")
d1 <- oc(1, 10, 5, 29, 0.1); d2 <- oc(1, 15, 5, 25, 0.1)
xopt <- rbind(c(1, 10, 5, 29, d1[3], d1[2]), c(1, 15, 5, 25, d2[3], d2[2]))
dimnames(xopt) <- list(c("Optimal", "Minimax"), c("r1", "n1", "r", "n", "EN(p0)", "PET(p0)"))
cat("\n Simon 2-stage Phase II design \n\n")
cat("Unacceptable response rate: ", 0.1, "\n")
cat("Desirable response rate: ", 0.3, "\n")
cat("Error rates: alpha = ", 0.05, "; beta = ", 0.2, "\n\n")
print(xopt, digits = 4)
cat("\n")
cat("----\n")
s <- 8; r1 <- 1; n1 <- 10; n <- 29; a <- 0.05
v <- c(umvue(s, r1, n1, n), pv(s, r1, n1, n, 0.1), root(function(p) pv(s, r1, n1, n, p) - a),
       root(function(p) pv(s, r1, n1, n, p) - (1 - a)))
names(v) <- c("pumvue", "p.value", "5% LCL", "95% UCL")
print(v)
sink()
