# Reference values for survkit's Kaplan-Meier, Nelson-Aalen and event-table tests.
# Run from the repository root:  Rscript tests/data/generate_km.R
# Writes tests/data/km.txt. Every record carries its input columns (in_*), so
# the Rust tests rebuild exactly the data R saw.
suppressPackageStartupMessages(library(survival))
source("tests/data/common.R")
out <- ref_open("tests/data/km.txt")

trs <- c(log = "log", loglog = "log-log", plain = "plain", logit = "logit", arcsin = "arcsin")
lvls <- c(90, 95, 99)
probs <- c(0.1, 0.25, 0.5, 0.75, 0.9)

flat <- function(q) if (is.null(dim(q))) as.vector(q) else as.vector(t(q))
tab_of <- function(s) {
  tab <- s$table
  if (is.null(dim(tab))) tab <- matrix(tab, nrow = 1, dimnames = list(NULL, names(tab)))
  tab
}

# d: data.frame with time, status and optional group, stratum, w, entry.
# rhs: formula right-hand side as text; tau: truncation for rmean; times: summary times.
km_case <- function(name, d, rhs = "1", tau, times, timefix = TRUE, levels = NULL, frac = FALSE) {
  lhs <- if (!is.null(d$entry)) "Surv(entry, time, status)" else "Surv(time, status)"
  fml <- as.formula(paste(lhs, "~", rhs))
  wt <- if (!is.null(d$w)) d$w else NULL
  fitfun <- function(conf.type = "log", conf.int = 0.95, dd = d, f = fml)
    survfit(f, data = dd, weights = wt, conf.type = conf.type, conf.int = conf.int,
            timefix = timefix)
  fit <- fitfun()
  wtxt <- if (is.null(wt)) "" else ", weights = w"
  call <- sprintf("survfit(%s, data = d%s, timefix = %s, conf.type = <tr>, conf.int = <lvl>)",
                  deparse(fml), wtxt, timefix)
  args <- list(out, paste0("km/", name), call,
               in_time = d$time, in_event = d$status)
  if (!is.null(d$group)) args$in_group <- as.character(d$group)
  if (!is.null(levels)) args$in_levels <- levels
  if (!is.null(d$stratum)) args$in_stratum <- as.character(d$stratum)
  if (!is.null(d$w)) args$in_weight <- d$w
  if (!is.null(d$entry)) args$in_entry <- d$entry
  args$timefix <- timefix
  args$curve_sizes <- if (is.null(fit$strata)) length(fit$time) else as.vector(fit$strata)
  args$time <- fit$time; args$n_risk <- fit$n.risk; args$n_event <- fit$n.event
  args$n_censor <- fit$n.censor; args$surv <- fit$surv
  args$cumhaz <- fit$cumhaz
  if (!frac) {
    args$std_err <- fit$std.err; args$std_chaz <- fit$std.chaz
    args$se_surv <- summary(fit, censored = TRUE)$std.err
    for (tr in names(trs)) for (lv in lvls) {
      f2 <- fitfun(trs[[tr]], lv / 100)
      sfx <- paste0(tr, "_", lv)
      args[[paste0("lower_", sfx)]] <- f2$lower
      args[[paste0("upper_", sfx)]] <- f2$upper
      q <- quantile(f2, probs)
      args[[paste0("q_lower_", sfx)]] <- flat(q$lower)
      args[[paste0("q_upper_", sfx)]] <- flat(q$upper)
      if (tr == "log" && lv == 95) args$q_est <- flat(q$quantile)
    }
    args$q_probs <- probs
    s <- summary(fit, rmean = "common"); tab <- tab_of(s)
    args$table_median <- tab[, "median"]
    args$rmean_common <- tab[, "rmean"]; args$se_rmean_common <- tab[, "se(rmean)"]
    args$rmean_common_tau <- s$rmean.endtime[1]
    tab <- tab_of(summary(fit, rmean = tau))
    args$tau <- tau
    args$rmean_tau <- tab[, "rmean"]; args$se_rmean_tau <- tab[, "se(rmean)"]
    st <- summary(fit, times = times, extend = TRUE)
    args$st_times <- times
    args$st_n_risk <- st$n.risk; args$st_n_event <- st$n.event; args$st_n_censor <- st$n.censor
    args$st_surv <- st$surv; args$st_std_err <- st$std.err
    args$st_lower <- st$lower; args$st_upper <- st$upper
    # Reverse Kaplan-Meier (median follow-up).
    drev <- d; drev$status <- 1 - d$status
    rq <- quantile(fitfun(dd = drev), 0.5)
    args$rev_median <- flat(rq$quantile); args$rev_lower <- flat(rq$lower)
    args$rev_upper <- flat(rq$upper)
  }
  do.call(ref_write, args)
}

st <- function(x) as.integer(x)

# aml
d <- data.frame(time = aml$time, status = aml$status, group = aml$x)
km_case("aml", d[, 1:2], "1", 100, c(0, 5, 10, 12.5, 30, 48, 100, 200))
km_case("aml-by-x", d, "group", 100, c(0, 5, 10, 12.5, 30, 48, 100, 200), levels = levels(aml$x))
dw <- d; dw$w <- 1 + (seq_len(nrow(d)) %% 4)
km_case("aml-weighted", dw, "group", 100, c(0, 10, 30, 60), levels = levels(aml$x))
df <- d; df$w <- 0.5 + (seq_len(nrow(d)) %% 4) / 3
km_case("aml-fractional-weights", df, "group", 100, c(0), levels = levels(aml$x), frac = TRUE)

# lung
d <- data.frame(time = lung$time, status = st(lung$status == 2))
km_case("lung", d, "1", 500, c(0, 100, 180, 365, 730, 1100))
dg <- d; dg$group <- lung$sex
km_case("lung-by-sex", dg, "group", 500, c(0, 100, 180, 365, 730, 1100), levels = c("1", "2"))
dw <- dg; dw$w <- 1 + (seq_len(nrow(d)) %% 3)
km_case("lung-weighted", dw, "group", 500, c(0, 180, 365), levels = c("1", "2"))
de <- d; de$entry <- floor(d$time * (seq_len(nrow(d)) %% 5) / 10)
km_case("lung-left-truncated", de, "1", 500, c(0, 50, 180, 365, 730))
deg <- de; deg$group <- lung$sex
km_case("lung-left-truncated-by-sex", deg, "group", 500, c(0, 180, 365), levels = c("1", "2"))
dgs <- dg; dgs$stratum <- ifelse(is.na(lung$ph.ecog), 9, pmin(lung$ph.ecog, 2))
km_case("lung-by-sex-and-ecog", dgs, "group + stratum", 500, c(0, 180, 365), levels = c("1", "2"))
# lung in quarters of a year: up to ~40 events at one time (survkit's packed counts escape
# rows with 15 or more events or censorings).
dq <- data.frame(time = ceiling(lung$time / 91.3125), status = st(lung$status == 2))
km_case("lung-quarters", dq, "1", 6, c(0, 1, 2, 4, 8, 12))

# ovarian
d <- data.frame(time = ovarian$futime, status = ovarian$fustat, group = ovarian$rx)
km_case("ovarian-by-rx", d, "group", 800, c(0, 365, 730, 1000, 1500), levels = c("1", "2"))
km_case("ovarian", d[, 1:2], "1", 800, c(0, 365, 730, 1000, 1500))

# veteran
d <- data.frame(time = veteran$time, status = veteran$status, group = veteran$celltype)
km_case("veteran-by-celltype", d, "group", 200, c(0, 30, 90, 180, 365),
        levels = levels(veteran$celltype))
d <- data.frame(time = veteran$time, status = veteran$status, group = veteran$trt)
km_case("veteran-by-trt", d, "group", 200, c(0, 30, 90, 180, 365), levels = c("1", "2"))

# Therneau's test data 1 (book1.R / validate.Rnw; the NA row dropped) and test data 3 (weights)
d <- data.frame(time = c(9, 1, 1, 6, 6, 8), status = c(1, 1, 0, 1, 1, 0))
km_case("book1", d, "1", 9, c(0, 1, 5, 6, 8, 9, 10))
d <- data.frame(time = c(1, 1, 2, 2, 2, 2, 3, 4, 5), status = c(1, 0, 1, 1, 1, 0, 0, 1, 0),
                w = c(1, 2, 3, 4, 3, 2, 1, 2, 1))
km_case("book3-weighted", d, "1", 5, c(0, 1, 2, 3, 4, 5))

# Edge cases: all censored; all events (S = 0 at the end); curve flat at 0.5 to the end;
# censoring first (S = 1 rows); a time 0.
km_case("all-censored", data.frame(time = c(2, 3, 5), status = c(0, 0, 0)), "1", 4, c(0, 3, 6))
km_case("all-events", data.frame(time = c(1, 2, 2, 4), status = c(1, 1, 1, 1)), "1", 3, c(0, 2, 5))
km_case("flat-half", data.frame(time = c(1, 2, 3, 4), status = c(1, 1, 0, 0)), "1", 3, c(0, 2, 5))
km_case("flat-half-drop", data.frame(time = c(1, 2, 3, 4, 5), status = c(1, 1, 0, 1, 0)), "1", 4, c(0, 2, 5))
km_case("censored-first", data.frame(time = c(0, 1, 2, 2, 3, 4, 5), status = c(0, 0, 1, 0, 1, 0, 0)), "1", 4, c(0, 2, 5))
km_case("event-at-zero", data.frame(time = c(0, 1, 2, 3, 4), status = c(1, 1, 0, 1, 0)), "1", 3, c(0, 0.5, 5))
# Left truncation where the curve hits 0 and new subjects enter later.
km_case("left-truncated-zero", data.frame(entry = c(0, 0, 3, 4), time = c(1, 2, 5, 6),
        status = c(1, 1, 1, 0)), "1", 6, c(0, 2, 4, 5, 7))

# Near ties: timefix TRUE merges, FALSE keeps them apart.
tt <- c(1, 1 + 1e-9, 2, 2 + 2e-10, 3, 3.5, 4, 4 * (1 + 1e-9), 5, 6)
ss <- c(1, 1, 1, 0, 1, 0, 1, 1, 0, 1)
d <- data.frame(time = tt, status = ss)
km_case("near-ties-timefix", d, "1", 5, c(0, 2, 4, 6), timefix = TRUE)
km_case("near-ties-exact", d, "1", 5, c(0, 2, 4, 6), timefix = FALSE)
dg <- rbind(d, data.frame(time = tt * (1 + 3e-9), status = rev(ss)))
dg$group <- rep(c("a", "b"), each = length(tt))
km_case("near-ties-by-group", dg, "group", 5, c(0, 2, 4, 6), timefix = TRUE, levels = c("a", "b"))
dgs <- dg; dgs$stratum <- rep(c(1, 2), length.out = nrow(dg))
km_case("near-ties-by-group-and-stratum", dgs, "group + stratum", 5, c(0, 2, 4, 6), timefix = TRUE,
        levels = c("a", "b"))
close(out)
