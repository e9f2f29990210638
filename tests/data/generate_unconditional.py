"""Reference values for survkit's Barnard and Boschloo tests from scipy.

Run from the repository root:  python3 tests/data/generate_unconditional.py

Orientation. scipy's `barnard_exact` / `boschloo_exact` take the two groups
(the samples with fixed totals) as the COLUMNS of the table; survkit's
`Table2x2` takes them as the ROWS. A survkit table [[a, b], [c, d]] is
therefore passed to scipy transposed, [[a, c], [b, d]]; `rows:` below is the
survkit table, `source:` shows scipy's call. scipy's `less` means that the
success probability of its first column (survkit's first row) is the
smaller, as in survkit.

Two p-values per record:
- `p`: scipy's own statistic, rejection region and objective function, with
  the sampler that scipy calls (`shgo`, here asked for n = 2**14 points)
  replaced by a uniform grid of 2**14 + 1 points on [0, 1] followed by a
  bounded Brent polish (`minimize_scalar(method='bounded')`, xatol 1e-14)
  of scipy's objective around the three best local maxima of the grid. The
  real `shgo` with n = 2**14 takes 6-8 s per call (survkit's records use
  thousands of tables); the records whose case starts with `shgo/` were
  also run with the real `shgo`, n = 2**14 (`p_shgo`), to show that both
  samplers agree.
- `p32`: scipy's default call (`shgo`, n = 32 Sobol points).
"""
import sys

import numpy as np
import scipy
from scipy.optimize import OptimizeResult, minimize_scalar
from scipy.stats import _hypotests, barnard_exact, boschloo_exact

sys.path.insert(0, "tests/data")
from common import RefWriter  # noqa: E402

REAL_SHGO = _hypotests.shgo
GRID = 2**14


def grid_then_polish(func, bounds, args=(), n=100, sampling_method="sobol", **_kw):
    """Maximises scipy's log p-value: grid of n + 1 points, then Brent."""
    x1_sum_x2, log_comb, index_arr = args
    t1, t2 = x1_sum_x2.shape
    total = t1 + t2 - 2
    s = x1_sum_x2[index_arr].astype(float)
    lc = log_comb[index_arr]
    # Aggregate the cells of equal s: ln sum exp(lc) per s.
    uniq = np.unique(s)
    agg = np.array([np.logaddexp.reduce(lc[s == u]) for u in uniq])
    grid = np.linspace(0.0, 1.0, n + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        lp = np.log(grid)[:, None] * uniq[None, :]
        lq = np.log1p(-grid)[:, None] * (total - uniq)[None, :]
    lp[:, uniq == 0] = 0.0
    lq[:, uniq == total] = 0.0
    vals = np.logaddexp.reduce(agg[None, :] + lp + lq, axis=1)
    best_x, best = grid[np.argmax(vals)], vals.max()
    # local maxima of the grid, best three
    is_max = np.ones_like(vals, dtype=bool)
    is_max[1:] &= vals[1:] >= vals[:-1]
    is_max[:-1] &= vals[:-1] >= vals[1:]
    cand = np.argsort(-np.where(is_max, vals, -np.inf))[:3]
    for i in cand:
        lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, n)]
        r = minimize_scalar(lambda x: func(np.array([x]), *args), bounds=(lo, hi),
                            method="bounded", options={"xatol": 1e-14})
        if -r.fun > best:
            best, best_x = -r.fun, r.x
    return OptimizeResult(fun=-best, x=np.array([best_x]))


def call(test, t, alt, n, real):
    _hypotests.shgo = REAL_SHGO if real else grid_then_polish
    try:
        if test == "boschloo":
            return boschloo_exact(t, alternative=alt, n=n)
        return barnard_exact(t, alternative=alt, pooled=(test == "barnard_pooled"), n=n)
    finally:
        _hypotests.shgo = REAL_SHGO


def source(test, t, alt, n):
    if test == "boschloo":
        return "boschloo_exact(%s, alternative='%s', n=%s)" % (t, alt, n)
    return "barnard_exact(%s, alternative='%s', pooled=%s, n=%s)" % (
        t, alt, test == "barnard_pooled", n)


# The header names the Python and scipy versions once; each record's source
# names scipy's call (RefWriter's long prefix would double the file's size).
w = RefWriter(sys.argv[2] if len(sys.argv) > 2 else "tests/data/unconditional_py.txt",
              "Python %s, scipy %s" % (sys.version.split()[0], scipy.__version__))
w.versions = "scipy %s" % scipy.__version__

TESTS = ["barnard_pooled", "barnard_unpooled", "boschloo"]
ALTS = ["less", "greater", "two-sided"]

# scipy's documented examples (survkit rows = scipy columns).
DOCS = [("doc/barnard", "barnard_pooled", [[7, 12], [8, 3]], "less"),
        ("doc/boschloo", "boschloo", [[74, 31], [43, 32]], "greater")]
# The founding study's age row (survkit [[0, 10], [5, 4]]: rows are age groups).
for alt in ALTS:
    for test in TESTS:
        DOCS.append(("seed/age/%s/%s" % (test, alt), test, [[0, 5], [10, 4]], alt))


def record(case, test, t, alt, shgo_too=False):
    r = call(test, t, alt, GRID, real=False)
    r32 = call(test, t, alt, 32, real=True)
    fields = dict(rows="%d %d %d %d" % (t[0][0], t[1][0], t[0][1], t[1][1]), test=test, alt=alt,
                  stat=r.statistic, p=r.pvalue, p32=r32.pvalue)
    if shgo_too:
        fields["p_shgo"] = call(test, t, alt, GRID, real=True).pvalue
    w.write(case, source(test, t, alt, "2**14"), **fields)


for case, test, t, alt in DOCS:
    record(case, test, t, alt, shgo_too=True)

rng = np.random.default_rng(20261205)
N_RANDOM = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
N_SHGO = 30
for i in range(N_RANDOM):
    # group sizes: mostly small (where unconditional tests are used), some up to 80
    cap = 15 if i % 3 == 0 else (40 if i % 3 == 1 else 80)
    n1, n2 = (int(v) for v in rng.integers(1, cap + 1, size=2))
    p1, p2 = rng.uniform(0.02, 0.98, size=2)
    if rng.uniform() < 0.5:
        p2 = p1
    x1, x2 = int(rng.binomial(n1, p1)), int(rng.binomial(n2, p2))
    t = [[x1, x2], [n1 - x1, n2 - x2]]  # scipy: columns are the groups
    test = TESTS[i % 3]
    alt = ALTS[(i // 3) % 3]
    record("r%d" % i, test, t, alt, shgo_too=(i < N_SHGO))
w.close()
