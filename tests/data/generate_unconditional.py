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
  2100 random tables); the records with a `p_shgo` field were also run with
  the real `shgo`, n = 2**14, to show that both samplers agree.
- `p32`: scipy's default call (`shgo`, n = 32 Sobol points).
- `p_exact_ties` (with `ties_split`, the number of tables concerned) where
  scipy's floating-point comparison of the ordering statistic splits tables
  whose statistics are mathematically equal (mirror-image tables of equal
  groups, for example): the same 2**14-point maximisation of scipy's
  objective on the region with ties decided exactly (integer and Fraction
  arithmetic), which is survkit's definition.
"""
import math
import sys
from fractions import Fraction

import numpy as np
import scipy
from scipy.optimize import OptimizeResult, minimize_scalar
from scipy.stats import _hypotests, barnard_exact, boschloo_exact

sys.path.insert(0, "tests/data")
from common import RefWriter  # noqa: E402

REAL_SHGO = _hypotests.shgo
GRID = 2**14


def exact_region(test, t, x1s_shape, side):
    """The rejection region with ties decided exactly (Fractions / integers),
    indexed [y1, y2] like scipy's `index_arr` (y1 = column-1 successes)."""
    n1, n2 = t[0][0] + t[1][0], t[0][1] + t[1][1]
    x1, x2 = t[0][0], t[0][1]
    region = np.zeros(x1s_shape, dtype=bool)
    if test.startswith("barnard"):
        def key(y1, y2):
            d = y1 * n2 - y2 * n1
            if test == "barnard_pooled":
                s = y1 + y2
                v = s * (n1 + n2 - s)
            else:
                v = y1 * (n1 - y1) * n2**3 + y2 * (n2 - y2) * n1**3
            if d == 0:
                return (0, Fraction(0))
            if v == 0:
                return ((d > 0) - (d < 0), math.inf)
            return ((d > 0) - (d < 0), Fraction(d * d, v))
        def signed(k):
            return (k[0], k[1] if k[0] >= 0 else -k[1])
        ko = key(x1, x2)
        for y1 in range(n1 + 1):
            for y2 in range(n2 + 1):
                k = key(y1, y2)
                if side == "two-sided":
                    region[y1, y2] = k[1] >= ko[1]
                elif side == "less":
                    region[y1, y2] = signed(k) <= signed(ko)
                else:
                    region[y1, y2] = signed(k) >= signed(ko)
        return region
    total = n1 + n2
    c1 = [math.comb(n1, y) for y in range(n1 + 1)]
    c2 = [math.comb(n2, y) for y in range(n2 + 1)]
    tails = {}  # s -> {y1: integer numerator of the one-sided tail}
    for s in range(total + 1):
        lo, hi = max(0, s - n2), min(n1, s)
        ys = list(range(lo, hi + 1)) if side == "less" else list(range(hi, lo - 1, -1))
        acc, t = 0, {}
        for y in ys:
            acc += c1[y] * c2[s - y]
            t[y] = acc
        tails[s] = t
    so = x1 + x2
    num_o, den_o = tails[so][x1], math.comb(total, so)
    for y1 in range(n1 + 1):
        for y2 in range(n2 + 1):
            s = y1 + y2
            region[y1, y2] = tails[s][y1] * den_o <= num_o * math.comb(total, s)
    return region


CURRENT = {}


def grid_then_polish(func, bounds, args=(), n=100, sampling_method="sobol", **_kw):
    """Maximises scipy's log p-value: grid of n + 1 points, then Brent; also
    on the region with exact ties when it differs from scipy's."""
    res = maximise(func, args, n)
    x1_sum_x2, log_comb, index_arr = args
    test, t = CURRENT["test"], CURRENT["table"]
    sides = ["less", "greater"] if test == "boschloo" and CURRENT["alt"] == "two-sided" else [CURRENT["alt"]]
    regions = [exact_region(test, t, index_arr.shape, side) for side in sides]
    diffs = [int((r != index_arr).sum()) for r in regions]
    k = int(np.argmin(diffs))
    if diffs[k] == 0:
        CURRENT["exact"].append((float(np.exp(-res.fun)), 0))
    else:
        ex = maximise(func, (x1_sum_x2, log_comb, regions[k]), n)
        CURRENT["exact"].append((float(np.exp(-ex.fun)), diffs[k]))
    return res


def maximise(func, args, n):
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
w = RefWriter(sys.argv[3] if len(sys.argv) > 3 else "tests/data/unconditional_py.txt",
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
    CURRENT.update(test=test, table=t, alt=alt, exact=[])
    r = call(test, t, alt, GRID, real=False)
    exact = CURRENT["exact"]
    r32 = call(test, t, alt, 32, real=True)
    fields = dict(rows="%d %d %d %d" % (t[0][0], t[1][0], t[0][1], t[1][1]), test=test, alt=alt,
                  stat=r.statistic, p=r.pvalue, p32=r32.pvalue)
    ties = sum(d for _, d in exact)
    if ties:
        # scipy's floating-point comparisons split exactly tied tables:
        # the same maximisation on the region with exact ties
        if len(exact) == 2:  # scipy's two-sided Boschloo: less, then greater
            (pl, _), (pg, _) = exact
            p_exact = min(1.0, 2 * min(pl, pg))
        else:
            p_exact = exact[0][0]
        fields["ties_split"] = ties
        fields["p_exact_ties"] = min(1.0, p_exact)
    if shgo_too:
        fields["p_shgo"] = call(test, t, alt, GRID, real=True).pvalue
    w.write(case, source(test, t, alt, "2**14"), **fields)
    w.f.flush()


# Usage: generate_unconditional.py [FIRST COUNT OUTPUT]: the random tables
# FIRST .. FIRST + COUNT - 1 (the documented cases with FIRST = 0), so that
# the work can be split over processes and the outputs concatenated
# (tests/data/unconditional_py.txt = parts 0-699, 700-1399, 1400-2099).
FIRST = int(sys.argv[1]) if len(sys.argv) > 1 else 0
N_RANDOM = int(sys.argv[2]) if len(sys.argv) > 2 else 2100
if FIRST == 0:
    for k, (case, test, t, alt) in enumerate(DOCS):
        record(case, test, t, alt, shgo_too=(k < 3))

rng = np.random.default_rng(20261205)
N_SHGO = 6
for i in range(FIRST + N_RANDOM):
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
    if i >= FIRST:
        record("r%d" % i, test, t, alt, shgo_too=(i < N_SHGO))
w.close()
