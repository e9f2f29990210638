# Makes examples/data/lung_sex_digitised.csv and lung_sex_at_risk.csv: the
# Kaplan-Meier curves of R's lung data by sex as a careful digitiser would
# click them (every corner of every step, plus the end of each curve, with
# deterministic noise of up to 0.2% of each axis), written in
# WebPlotDigitizer 4's "export all data" CSV layout, and the numbers at risk
# every 100 days as printed under a figure.
# R 4.2.2, survival 3.5-3. Run from the repository root:
#   Rscript examples/data/make_lung_sex_digitised.R
library(survival)
fit <- survfit(Surv(time, status) ~ sex, data = lung)
set.seed(16)
t_axis <- 1000  # the figure's time axis runs to 1000 days; y axis 0-1
arms <- list()
for (k in 1:2) {
  s <- fit[k]
  ev <- s$n.event > 0
  prev <- c(1, head(s$surv, -1))
  x <- c(0, rep(s$time[ev], each = 2), max(s$time))
  y <- c(1, as.vector(rbind(prev[ev], s$surv[ev])), tail(s$surv, 1))
  x <- x + runif(length(x), -0.002, 0.002) * t_axis
  y <- y + runif(length(y), -0.002, 0.002)
  arms[[k]] <- data.frame(x = sprintf("%.4f", x), y = sprintf("%.5f", y))
}
n <- max(sapply(arms, nrow))
pad <- function(d) rbind(d, data.frame(x = rep("", n - nrow(d)), y = rep("", n - nrow(d))))
a <- pad(arms[[1]]); b <- pad(arms[[2]])
lines <- c("Male,,Female,", "X,Y,X,Y", paste(a$x, a$y, b$x, b$y, sep = ","))
writeLines(lines, "examples/data/lung_sex_digitised.csv")
times <- seq(0, 1000, by = 100)
sm <- summary(fit, times = times, extend = TRUE)
nr <- matrix(sm$n.risk, ncol = 2)
writeLines(c("time,Male,Female", paste(times, nr[, 1], nr[, 2], sep = ",")),
           "examples/data/lung_sex_at_risk.csv")
# Published totals (deaths): table(lung$sex, lung$status)
print(table(lung$sex, lung$status))
