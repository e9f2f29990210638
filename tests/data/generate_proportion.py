"""Reference values for survkit's proportions from statsmodels, scipy and mpmath.

- statsmodels proportion_confint: agresti_coull, jeffreys, wilson, normal (Wald), beta,
  two-sided and one-sided (statsmodels' alternative="larger" gives [0, U], which is
  R's and survkit's "less"; "smaller" gives [L, 1], survkit's "greater").
- scipy binomtest: the two-sided exact p-value at n = 1e9 (R's binom.test would
  allocate gigabytes there).
- statsmodels confint_proportions_2indep(method="newcomb", compare="diff").
- the mid-p interval: no R package with it installs here (r-cran-exactci,
  r-cran-propcis and r-cran-binom are not in apt), so it is an independent
  root solve in mpmath at 60 digits on the definition
  P(X > x) + P(X = x)/2 = a (lower) and P(X < x) + P(X = x)/2 = a (upper),
  with binomial tails as finite sums at 60 digits (Jeffreys: mpmath.betainc, checked
  against direct sums on small cases)
  and a = (1 - level)/2 (two-sided) or 1 - level, as the double the caller holds.
- Clopper-Pearson and Jeffreys at the extreme level 0.999999 by the same mpmath solve,
  a check of R's qbeta there.
Run from the repository root:  python3 tests/data/generate_proportion.py
"""
import sys
import mpmath as mp
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.proportion import proportion_confint, confint_proportions_2indep

sys.path.insert(0, "tests/data")
from common import RefWriter

VERS = "Python %s, statsmodels %s, scipy %s, mpmath %s" % (
    sys.version.split()[0], statsmodels.__version__, scipy.__version__, mp.__version__)
out = RefWriter("tests/data/proportion_py.txt", VERS)

CASES = [(0, 1), (1, 1), (0, 19), (19, 19), (14, 19), (2, 19), (12, 19), (3, 19), (17, 19),
         (1, 2), (7, 20), (10, 20), (3, 10), (0, 1000), (999, 1000), (500, 1000),
         (123456, 10**6), (3, 10**9), (999999997, 10**9)]
LEVELS = [0.5, 0.9, 0.95, 0.99, 0.999999]
SM_ALT = {"two.sided": "two-sided", "less": "larger", "greater": "smaller"}

# --- statsmodels proportion_confint -------------------------------------------
for x, n in CASES:
    for lev in LEVELS:
        for alt in ["two.sided", "less", "greater"]:
            for method in ["agresti_coull", "jeffreys", "wilson", "normal", "beta"]:
                if method == "beta" and alt != "two.sided":
                    continue  # one-sided beta is R's binom.test, in proportion_r.txt
                alpha = 1 - lev
                lo, up = proportion_confint(x, n, alpha=alpha, method=method,
                                            alternative=SM_ALT[alt])
                out.write("sm/ci/%s/%d_of_%d/level=%r/%s" % (method, x, n, lev, alt),
                          "statsmodels.stats.proportion.proportion_confint(%d, %d, alpha=1 - %r, method=%r, alternative=%r)"
                          % (x, n, lev, method, SM_ALT[alt]),
                          x=x, n=n, level=lev, alternative=alt, method=method, lower=lo, upper=up)

# --- Newcombe hybrid score difference -----------------------------------------
PAIRS = [((14, 19), (8, 20)), ((2, 19), (12, 19)), ((0, 10), (0, 12)), ((19, 19), (0, 19)),
         ((123456, 10**6), (120000, 10**6)), ((5, 30), (15, 30)), ((1, 1), (0, 1))]
for (x1, n1), (x2, n2) in PAIRS:
    for lev in [0.9, 0.95, 0.99]:
        lo, up = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff",
                                            alpha=1 - lev)
        out.write("sm/newcombe/%d_of_%d-%d_of_%d/level=%r" % (x1, n1, x2, n2, lev),
                  "statsmodels.stats.proportion.confint_proportions_2indep(%d, %d, %d, %d, method='newcomb', compare='diff', alpha=1 - %r)"
                  % (x1, n1, x2, n2, lev),
                  x1=x1, n1=n1, x2=x2, n2=n2, level=lev, lower=lo, upper=up)

# --- mpmath root solves: mid-p, and CP / Jeffreys at extreme levels --------------
mp.mp.dps = 60


def betainc_lower(a, b, p):
    return mp.betainc(a, b, 0, p, regularized=True)


def betainc_upper(a, b, p):
    return mp.betainc(a, b, p, 1, regularized=True)


def dbinom(x, n, p):
    return mp.binomial(n, x) * p**x * (1 - p)**(n - x)


def solve(f, lo, hi):
    """Root of a monotone f on [lo, hi] (sign change), by bisection in log p."""
    lo, hi = mp.mpf(lo), mp.mpf(hi)
    flo = f(lo)
    for _ in range(400):
        mid = mp.sqrt(lo * hi) if lo > 0 else hi / 2
        fm = f(mid)
        if (fm > 0) == (flo > 0):
            lo, flo = mid, fm
        else:
            hi = mid
        if hi - lo < hi * mp.mpf(10)**-30:
            break
    return (lo + hi) / 2


def bracket(x, n):
    est = mp.mpf(x) / n
    return est


def le(k, n, p):
    """P(X <= k) by the shorter finite sum (60 digits make 1 - sum exact enough)."""
    if k < 0:
        return mp.mpf(0)
    if k >= n:
        return mp.mpf(1)
    if k < n - k:
        return mp.fsum(dbinom(i, n, p) for i in range(0, k + 1))
    return 1 - mp.fsum(dbinom(i, n, p) for i in range(k + 1, n + 1))


def ge(k, n, p):
    return 1 - le(k - 1, n, p)


def midp_lower(x, n, a):
    if x == 0:
        return mp.mpf(0)
    if x == n:
        # p^n / 2 = a; p^n / 2 <= 1/2, so no root (bound 1) when a >= 1/2
        return min(mp.mpf(1), (2 * a) ** (mp.mpf(1) / n))
    # P(X > x) + P(X = x)/2 increases in p
    f = lambda p: ge(x + 1, n, p) + dbinom(x, n, p) / 2 - a
    return solve(f, mp.mpf(10)**-40, 1)


def midp_upper(x, n, a):
    if x == n:
        return mp.mpf(1)
    if x == 0:
        # (1 - p)^n / 2 = a; no root (bound 0) when a >= 1/2
        return max(mp.mpf(0), 1 - (2 * a) ** (mp.mpf(1) / n))
    # P(X < x) + P(X = x)/2 decreases in p; solve in q = 1 - p
    f = lambda p: le(x - 1, n, p) + dbinom(x, n, p) / 2 - a
    return 1 - solve(lambda q: -f(1 - q), mp.mpf(10)**-40, 1)


def cp_lower(x, n, a):
    if x == 0:
        return mp.mpf(0)
    return solve(lambda p: ge(x, n, p) - a, mp.mpf(10)**-40, 1)


def cp_upper(x, n, a):
    if x == n:
        return mp.mpf(1)
    return 1 - solve(lambda q: -(le(x, n, 1 - q) - a), mp.mpf(10)**-40, 1)


def jeff_lower(x, n, a):
    if x == 0:
        return mp.mpf(0)
    return solve(lambda p: betainc_lower(x + 0.5, n - x + 0.5, p) - a, mp.mpf(10)**-40, 1)


def jeff_upper(x, n, a):
    if x == n:
        return mp.mpf(1)
    return 1 - solve(lambda q: -(betainc_upper(x + 0.5, n - x + 0.5, 1 - q) - a), mp.mpf(10)**-40,
                     1)


# Self-check of mpmath.betainc against direct sums on a small case.
for (x, n, p) in [(3, 19, mp.mpf("0.2")), (14, 19, mp.mpf("0.6")), (500, 1000, mp.mpf("0.47"))]:
    s = mp.fsum(dbinom(k, n, p) for k in range(x + 1, n + 1))
    assert abs(betainc_lower(x + 1, n - x, p) / s - 1) < mp.mpf(10)**-40

# --- two-sided exact p-value at n = 1e9 ----------------------------------------
# R's rule (binom.test source: relErr = 1 + 1e-7) evaluated at 60 digits with
# the far-side boundary found by bisection (dbinom is monotone there). scipy's
# binomtest is recorded beside it: it is off by 4.5e-10 relative at p0 = 2.7e-9.
def r_two_sided(x, n, p0):
    p0 = mp.mpf(p0)
    d = dbinom(x, n, p0) * (1 + mp.mpf(1e-7))
    m = n * p0
    if x == m:
        return mp.mpf(1)
    if x < m:
        lo, hi = int(mp.ceil(m)), n + 1  # first index with dbinom <= d
        while lo < hi:
            mid = (lo + hi) // 2
            if dbinom(mid, n, p0) <= d:
                hi = mid
            else:
                lo = mid + 1
        return min(mp.mpf(1), le(x, n, p0) + ge(lo, n, p0))
    lo, hi = 0, int(mp.floor(m)) + 1  # count of indices with dbinom <= d
    while lo < hi:
        mid = (lo + hi) // 2
        if dbinom(mid, n, p0) <= d:
            lo = mid + 1
        else:
            hi = mid
    return min(mp.mpf(1), le(lo - 1, n, p0) + ge(x, n, p0))


# Self-check of the rule against scipy on small cases, where scipy is exact enough.
for (x, n, p0) in [(14, 19, 0.3), (2, 19, 0.5), (3, 10, 0.5), (7, 20, 0.74)]:
    assert abs(float(r_two_sided(x, n, p0)) / stats.binomtest(x, n, p0).pvalue - 1) < 1e-12

for x, n, p0s in [(3, 10**9, [3.0003e-9, 2.7e-9, 2e-9, 5e-9]),
                  (999999997, 10**9, [1 - 1e-9, 1 - 2.7e-9, 1 - 5e-9])]:
    for p0 in p0s:
        pv = r_two_sided(x, n, p0)
        out.write("mp/p/%d_of_%d/p0=%r" % (x, n, p0),
                  "R's binom.test two-sided rule at 60 digits in mpmath, binom.test(%d, %d, p = %r); "
                  "scipy.stats.binomtest(%d, %d, %r).pvalue = %r" % (x, n, p0, x, n, p0,
                                                                  stats.binomtest(x, n, p0).pvalue),
                  x=x, n=n, p0=p0, alternative="two.sided", p_value=float(pv))


MP_CASES = [(0, 1), (1, 1), (0, 19), (19, 19), (14, 19), (2, 19), (12, 19), (3, 19), (7, 20),
            (0, 1000), (999, 1000), (500, 1000), (3, 10**9), (999999997, 10**9)]
SOLVERS = {"midp": (midp_lower, midp_upper), "clopper_pearson": (cp_lower, cp_upper),
           "jeffreys": (jeff_lower, jeff_upper)}
for x, n in MP_CASES:
    for method, (fl, fu) in SOLVERS.items():
        levels = LEVELS if method == "midp" else [0.999999]
        if method == "jeffreys" and n > 1000:
            continue  # mpmath.betainc's hypergeometric series does not converge there
        for lev in levels:
            for alt in ["two.sided", "less", "greater"]:
                a = mp.mpf((1 - lev) / 2 if alt == "two.sided" else 1 - lev)
                lo = fl(x, n, a) if alt != "less" else mp.mpf(0)
                up = fu(x, n, a) if alt != "greater" else mp.mpf(1)
                out.write("mp/ci/%s/%d_of_%d/level=%r/%s" % (method, x, n, lev, alt),
                          "mpmath bisection at 60 digits on the %s definition, a = %s as a double"
                          % (method, "(1 - level)/2" if alt == "two.sided" else "1 - level"),
                          x=x, n=n, level=lev, alternative=alt, method=method,
                          lower=float(lo), upper=float(up))
# --- Low levels (a one-sided tail above 1/2) and bounds near 1 at huge n (fix3) --
LOW_LEVELS = [0.01, 0.2]
for x, n in [(0, 1), (1, 1), (0, 19), (19, 19), (14, 19), (2, 19), (10, 10), (3, 10),
             (999, 1000), (500, 1000)]:
    for method, (fl, fu) in SOLVERS.items():
        for lev in LOW_LEVELS:
            for alt in ["two.sided", "less", "greater"]:
                a = mp.mpf((1 - lev) / 2 if alt == "two.sided" else 1 - lev)
                lo = fl(x, n, a) if alt != "less" else mp.mpf(0)
                up = fu(x, n, a) if alt != "greater" else mp.mpf(1)
                out.write("mp/ci/%s/%d_of_%d/level=%r/%s" % (method, x, n, lev, alt),
                          "mpmath bisection at 60 digits on the %s definition, a = %s as a double"
                          % (method, "(1 - level)/2" if alt == "two.sided" else "1 - level"),
                          x=x, n=n, level=lev, alternative=alt, method=method,
                          lower=float(lo), upper=float(up))
# x = n - 1 and n - 2: the finite sums have one to three terms at any n.
for x, n in [(10**15 - 1, 10**15), (2**53 - 1, 2**53), (2**53 - 2, 2**53)]:
    for method in ["midp", "clopper_pearson"]:
        fl, fu = SOLVERS[method]
        lev = 0.95
        a = mp.mpf((1 - lev) / 2)
        out.write("mp/ci/%s/%d_of_%d/level=%r/two.sided" % (method, x, n, lev),
                  "mpmath bisection at 60 digits on the %s definition, a = (1 - level)/2 as a double"
                  % method, x=x, n=n, level=lev, alternative="two.sided", method=method,
                  lower=float(fl(x, n, a)), upper=float(fu(x, n, a)))

# --- Jeffreys at x = 0 for large n: the tail of Beta(1/2, n + 1/2) by quadrature --
# (mpmath.betainc does not converge there), 40 digits, bisection in log p.
mp.mp.dps = 40
for n in [10**6, 10**7, 10**8, 10**9]:
    for lev in [0.95]:
        a_, b_ = mp.mpf(1) / 2, n + mp.mpf(1) / 2
        B = mp.beta(a_, b_)

        def up(p):
            f = lambda t: t**(a_ - 1) * (1 - t)**(b_ - 1)
            pts = [p] + [p + mp.mpf(k) / n for k in (1, 2, 4, 8, 16, 32, 64, 128)] + [mp.mpf(1)]
            return mp.quad(f, pts) / B

        al = mp.mpf((1 - lev) / 2)
        lo, hi = mp.mpf(1e-3) / n, mp.mpf(100) / n
        for _ in range(90):
            mid = mp.sqrt(lo * hi)
            if up(mid) > al:
                lo = mid
            else:
                hi = mid
        out.write("mpquad/ci/jeffreys/0_of_%d/level=%r/two.sided" % (n, lev),
                  "mpmath.quad of the Beta(1/2, n + 1/2) density over [p, 1] at 40 digits, bisection "
                  "for the upper tail = (1 - level)/2",
                  x=0, n=n, level=lev, alternative="two.sided", method="jeffreys",
                  lower=0.0, upper=float(lo))
out.close()
