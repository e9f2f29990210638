"""Reference values for tests/logrank.rs from statsmodels, lifelines and scipy.

Run from the repository root:  python3 tests/data/generate_logrank.py
The data sets are read from R's survival package through Rscript (the same
data embedded in src/datasets.rs); group levels sorted as survkit sorts them.
"""
import json, subprocess, sys
import numpy as np
import scipy, statsmodels, lifelines
from scipy import stats
from statsmodels.duration.survfunc import survdiff
from lifelines.statistics import logrank_test, multivariate_logrank_test, pairwise_logrank_test

sys.path.insert(0, "tests/data")
from common import RefWriter

VERSIONS = "Python %s, scipy %s, statsmodels %s, lifelines %s" % (
    sys.version.split()[0], scipy.__version__, statsmodels.__version__, lifelines.__version__)


def r_data(expr):
    js = subprocess.run(["Rscript", "-e", "suppressMessages(library(survival)); cat(jsonlite::toJSON(%s, digits = NA))" % expr],
                        check=True, capture_output=True, text=True).stdout
    return {k: np.array(v) for k, v in json.loads(js).items()}


aml = r_data("list(time = aml$time, status = aml$status, g = as.character(aml$x))")
lung = r_data("list(time = lung$time, status = lung$status - 1, g = lung$sex)")
ecog = r_data("with(subset(lung, !is.na(ph.ecog)), list(time = time, status = status - 1, g = ph.ecog))")
ova = r_data("list(time = ovarian$futime, status = ovarian$fustat, g = ovarian$rx)")
vet = r_data("list(time = veteran$time, status = veteran$status, g = veteran$trt, s = as.character(veteran$celltype))")
cell = r_data("list(time = veteran$time, status = veteran$status, g = as.character(veteran$celltype))")
aml_entry = dict(aml, entry=np.floor(aml["time"] / 3.0))
sets = {"aml": aml, "lung-sex": lung, "lung-ecog": ecog, "ovarian": ova, "veteran-trt-cell": vet,
        "veteran-cell": cell, "aml-entry": aml_entry}

out = RefWriter("tests/data/logrank_py.txt", VERSIONS)

# statsmodels: chi-square of the weighted tests; p from scipy's chi2.sf (statsmodels
# returns 1 - cdf, which loses digits in the upper tail).
for name, d in sets.items():
    k = len(np.unique(d["g"]))
    for wt, kw in [("gb", {}), ("tw", {}), ("fh", {"fh_p": 0.5}), ("fh", {"fh_p": 1.0}), ("fh", {"fh_p": 2.0}), (None, {})]:
        if wt == "fh" and "entry" in d:
            # statsmodels divides 0/0 at entry-only times before the first exit (its pooled
            # survival estimate becomes NaN), so it has no Fleming-Harrington reference with entry.
            continue
        chisq, _ = survdiff(d["time"], d["status"], d["g"], weight_type=wt, strata=d.get("s"),
                            entry=d.get("entry"), **kw)
        label = (wt or "logrank") + ("" if not kw else "=%g" % kw["fh_p"])
        call = "statsmodels.duration.survfunc.survdiff(time, status, group, weight_type=%r%s%s%s)" % (
            wt, "".join(", %s=%r" % kv for kv in kw.items()), ", strata=celltype" if "s" in d else "",
            ", entry=floor(time/3)" if "entry" in d else "")
        out.write("statsmodels/%s/%s" % (name, label), call, dataset=name, weights=label,
                  chisq=chisq, df=k - 1, p=stats.chi2.sf(chisq, k - 1))

# lifelines: Peto-Peto, Wilcoxon, Tarone-Ware and Fleming-Harrington(p, q), unstratified.
lw = [("peto", {}), ("wilcoxon", {}), ("tarone-ware", {}), ("fleming-harrington", {"p": 1.0, "q": 1.0}),
      ("fleming-harrington", {"p": 0.0, "q": 1.0}), ("fleming-harrington", {"p": 0.5, "q": 2.0}), (None, {})]
for name in ["aml", "lung-sex", "lung-ecog", "ovarian", "veteran-cell"]:
    d = sets[name]
    levels = sorted(np.unique(d["g"]).tolist())
    for wt, kw in lw:
        label = (wt or "logrank") + "".join("/%s=%g" % kv for kv in kw.items())
        if len(levels) == 2:
            a, b = d["g"] == levels[0], d["g"] == levels[1]
            r = logrank_test(d["time"][a], d["time"][b], d["status"][a], d["status"][b], weightings=wt, **kw)
            call = "lifelines.statistics.logrank_test(T[g==%r], T[g==%r], E[g==%r], E[g==%r], weightings=%r%s)" % (
                levels[0], levels[1], levels[0], levels[1], wt, "".join(", %s=%r" % kv for kv in kw.items()))
        else:
            r = multivariate_logrank_test(d["time"], d["g"], d["status"], weightings=wt, **kw)
            call = "lifelines.statistics.multivariate_logrank_test(T, g, E, weightings=%r%s)" % (
                wt, "".join(", %s=%r" % kv for kv in kw.items()))
        out.write("lifelines/%s/%s" % (name, label), call, dataset=name, weights=label,
                  chisq=r.test_statistic, df=len(levels) - 1, p=r.p_value)

# lifelines pairwise (raw p-values of each pair).
for name in ["veteran-cell", "lung-ecog"]:
    d = sets[name]
    r = pairwise_logrank_test(d["time"], d["g"], d["status"])
    levels = sorted(np.unique(d["g"]).tolist())
    firsts, seconds, chis, ps = [], [], [], []
    for i in range(len(levels)):
        for j in range(i + 1, len(levels)):
            row = r.summary.loc[(levels[i], levels[j])]
            firsts.append(i); seconds.append(j)
            chis.append(row["test_statistic"]); ps.append(row["p"])
    out.write("lifelines-pairwise/%s" % name, "lifelines.statistics.pairwise_logrank_test(T, g, E)",
              dataset=name, first=firsts, second=seconds, chisq=chis, p=ps)

# scipy: the signed statistic and one-sided p-values (x = first group, no near ties in these data).
for name in ["aml", "lung-sex", "ovarian"]:
    d = sets[name]
    levels = sorted(np.unique(d["g"]).tolist())
    samples = []
    for lv in levels:
        m = d["g"] == lv
        samples.append(stats.CensoredData(uncensored=d["time"][m & (d["status"] == 1)],
                                          right=d["time"][m & (d["status"] == 0)]))
    fields = {}
    for alt in ["two-sided", "less", "greater"]:
        r = stats.logrank(samples[0], samples[1], alternative=alt)
        fields["z"] = r.statistic
        fields["p_" + alt.replace("-", "_")] = r.pvalue
    out.write("scipy/%s" % name, "scipy.stats.logrank(x=%r, y=%r, alternative=...)" % (levels[0], levels[1]),
              dataset=name, **fields)

# An independent 50-digit computation (mpmath) of the weighted statistics, for the
# case where lifelines' own chi-square is least accurate (numpy pinv, ~2.5e-11).
import mpmath as mp
mp.mp.dps = 50


def highprec(d, rho, gam):
    T, E, G = list(d["time"]), list(d["status"]), list(d["g"])
    # Strata (if any): O, E and V summed over strata, the pooled KM S(t-) restarted in each.
    ST = list(d["s"]) if "s" in d else [0] * len(T)
    levels = sorted(set(G)); k = len(levels)
    O = [mp.mpf(0)] * k; Ex = [mp.mpf(0)] * k; V = [[mp.mpf(0)] * k for _ in range(k)]
    for st in sorted(set(ST)):
        S = mp.mpf(1)
        idx = [i for i in range(len(T)) if ST[i] == st]
        for t in sorted(set(T[i] for i in idx)):
            n = [sum(1 for i in idx if T[i] >= t and G[i] == lv) for lv in levels]
            dd = [sum(1 for i in idx if T[i] == t and E[i] == 1 and G[i] == lv) for lv in levels]
            N, D = sum(n), sum(dd)
            if D == 0:
                continue
            w = S ** rho * (1 - S) ** gam
            for j in range(k):
                O[j] += w * dd[j]; Ex[j] += w * D * mp.mpf(n[j]) / N
            if N > 1:
                f = w * w * D * (N - D) / (mp.mpf(N) * (N - 1))
                for j in range(k):
                    for l in range(k):
                        V[j][l] += f * n[j] * ((1 if j == l else 0) - mp.mpf(n[l]) / N)
            S *= mp.mpf(N - D) / N
    u = mp.matrix([O[j] - Ex[j] for j in range(1, k)])
    VV = mp.matrix([[V[j][l] for l in range(1, k)] for j in range(1, k)])
    chi = (u.T * mp.lu_solve(VV, u))[0]
    p = mp.gammainc(mp.mpf(k - 1) / 2, chi / 2, mp.inf, regularized=True)
    return [float(x) for x in O], [float(x) for x in Ex], float(chi), k - 1, float(p)


# The stratified cases (veteran-trt-cell: trt, strata = celltype) have gamma > 0, which neither R
# (rho only) nor lifelines (no strata) offers; with gamma = 0 the same code is checked against R.
for name, rho, gam in [("lung-ecog", "0.5", "2"), ("lung-ecog", "0", "0"), ("veteran-cell", "1", "1"),
                       ("veteran-trt-cell", "1", "1"), ("veteran-trt-cell", "0", "1"),
                       ("veteran-trt-cell", "0.5", "0")]:
    O, Ex, chi, df, p = highprec(sets[name], mp.mpf(rho), mp.mpf(gam))
    strat = ", strata = celltype (sums over strata, S restarted per stratum)" if "s" in sets[name] else ""
    out.write("mpmath/%s/fleming-harrington/p=%s/q=%s" % (name, rho, gam),
              "mpmath %s, 50 digits: weighted log-rank O, E, V, chi-square by the formulas of survdiff2.c%s" % (
                  mp.__version__, strat),
              dataset=name, weights="fleming-harrington/p=%s/q=%s" % (rho, gam), observed=O, expected=Ex,
              chisq=chi, df=df, p=p)
out.close()
