"""Reference values for survkit's Fisher tests from scipy and exact rational enumeration.

Run from the repository root:  python3 tests/data/generate_fisher.py
"""
import itertools
import math
import sys
from fractions import Fraction

import scipy
from scipy.stats import fisher_exact
from scipy.stats.contingency import odds_ratio

sys.path.insert(0, "tests/data")
from common import RefWriter  # noqa: E402

w = RefWriter("tests/data/fisher_py.txt", "Python %s, scipy %s" % (sys.version.split()[0], scipy.__version__))

TABLES = {
    "table3/age": [[0, 10], [5, 4]],
    "table3/pathology": [[4, 13], [1, 1]],
    "table3/ecog": [[3, 12], [2, 2]],
    "classic/tea": [[3, 1], [1, 3]],
    "classic/convictions": [[2, 10], [15, 3]],
    "lopsided/94_48_3577_16988": [[94, 48], [3577, 16988]],
    "lopsided/18_147_123_58": [[18, 147], [123, 58]],
    "large/n43500": [[10000, 12000], [11000, 10500]],
    "small/mixed": [[12, 5], [3, 9]],
    "small/extreme": [[20, 0], [1, 19]],
    "small/ones": [[1, 2], [3, 4]],
}

for name, t in TABLES.items():
    for alt in ["two-sided", "less", "greater"]:
        for lev in [0.95, 0.99]:
            res = odds_ratio(t, kind="conditional")
            ci = res.confidence_interval(confidence_level=lev, alternative=alt)
            ress = odds_ratio(t, kind="sample")
            cis = ress.confidence_interval(confidence_level=lev, alternative=alt)
            p = fisher_exact(t, alternative=alt).pvalue
            w.write("2x2/%s/%s/%s" % (name, alt, lev),
                    "odds_ratio(%s, kind='conditional'|'sample').confidence_interval(confidence_level=%s, alternative='%s'); fisher_exact(%s, alternative='%s')" % (t, lev, alt, t, alt),
                    table=[t[0][0], t[0][1], t[1][0], t[1][1]], alternative=alt, conf_level=lev,
                    conditional=res.statistic, conditional_ci=[ci.low, ci.high],
                    sample=ress.statistic, sample_ci=[cis.low, cis.high], scipy_p=p)


# Woolf interval with zero cells and zero margins (scipy's odds_ratio returns
# (0, inf) for a zero margin; otherwise IEEE arithmetic, NaN where inf - inf).
WOOLF_ZERO = {
    "diag": [[5, 0], [0, 5]],
    "antidiag": [[0, 1], [1, 0]],
    "zero-margin": [[0, 0], [0, 5]],
    "one-zero": [[0, 3], [2, 5]],
}
for name, t in WOOLF_ZERO.items():
    for alt in ["two-sided", "less", "greater"]:
        ress = odds_ratio(t, kind="sample")
        cis = ress.confidence_interval(confidence_level=0.95, alternative=alt)
        w.write("woolf-zero/%s/%s" % (name, alt),
                "odds_ratio(%s, kind='sample').confidence_interval(confidence_level=0.95, alternative='%s')" % (t, alt),
                table=[t[0][0], t[0][1], t[1][0], t[1][1]], alternative=alt, conf_level=0.95,
                sample=ress.statistic, sample_ci=[float(cis.low), float(cis.high)])


# scipy's conditional estimate and interval for every distinct (table,
# alternative, level) among the R 2 x 2 cases: R's uniroot tolerance is
# absolute (1.22e-4 on psi below 1, on 1/psi above), too coarse to check
# small roots (or R's exact-0 bounds at extreme levels) at 1e-3 relative.
def read_records(path):
    recs = []
    for block in open(path).read().split("\n\n"):
        rec = {}
        for line in block.strip().splitlines():
            k, _, v = line.partition(": ")
            rec[k] = v
        if rec:
            recs.append(rec)
    return recs


seen = set()
for rec in read_records("tests/data/fisher_r.txt"):
    if rec.get("kind") != "2x2":
        continue
    v = [int(float(x)) for x in rec["table"].split()]
    t = [[v[0], v[1]], [v[2], v[3]]]
    alt = rec["alternative"].replace(".", "-")
    lev = float(rec["conf_level"])
    key = (tuple(v), alt, lev)
    if key in seen or sum(v) > 100000:
        # (scipy's noncentral hypergeometric is very slow or fails for
        # counts near 1e9; R's roots there are large on R's scale anyway)
        continue
    seen.add(key)
    try:
        res = odds_ratio(t, kind="conditional")
        ci = res.confidence_interval(confidence_level=lev, alternative=alt)
    except (ValueError, OverflowError):
        # scipy fails for counts near 1e9 (NaN in brentq, or too large for
        # its BiasedUrn int): no reference
        continue
    w.write("r-roots/%s/%s/%r" % (v, alt, lev),
            "odds_ratio(%s, kind='conditional').confidence_interval(confidence_level=%r, alternative='%s')" % (t, lev, alt),
            table=v, alternative=alt, conf_level=lev,
            conditional=res.statistic, conditional_ci=[float(ci.low), float(ci.high)])


# ---- exact rational enumeration (independent of any library) ----
def lf(n):
    return math.factorial(n)


def hyper_pmf_exact(a, b, c, d, psi=Fraction(1)):
    m, n, k = a + c, b + d, a + b
    lo, hi = max(0, k - n), min(k, m)
    # psi ** (u - lo): the common factor psi ** lo cancels (and keeps integers small for huge lo)
    w_ = {u: Fraction(math.comb(m, u) * math.comb(n, k - u)) * psi ** (u - lo) for u in range(lo, hi + 1)}
    tot = sum(w_.values())
    return {u: v / tot for u, v in w_.items()}


REL = Fraction(1, 10**7)


def midp_2x2(t, alt, psi=Fraction(1)):
    (a, b), (c, d) = t
    pmf = hyper_pmf_exact(a, b, c, d, psi)
    px = pmf[a]
    if alt == "less":
        return sum(v for u, v in pmf.items() if u < a) + px / 2
    if alt == "greater":
        return sum(v for u, v in pmf.items() if u > a) + px / 2
    strict = sum(v for v in pmf.values() if v * (1 + REL) < px)
    ties = sum(v for v in pmf.values() if v <= px * (1 + REL) and v * (1 + REL) >= px)
    return strict + ties / 2


def exact_2x2(t, alt, psi=Fraction(1)):
    (a, b), (c, d) = t
    pmf = hyper_pmf_exact(a, b, c, d, psi)
    px = pmf[a]
    if alt == "less":
        return sum(v for u, v in pmf.items() if u <= a)
    if alt == "greater":
        return sum(v for u, v in pmf.items() if u >= a)
    return sum(v for v in pmf.values() if v <= px * (1 + REL))


MIDP = {
    "classic/tea": [[3, 1], [1, 3]],
    "table3/age": [[0, 10], [5, 4]],
    "table3/hepatic": [[1, 8], [4, 6]],
    "small/mixed": [[12, 5], [3, 9]],
    "lopsided/18_147_123_58": [[18, 147], [123, 58]],
    "moderate/40_60_70_30": [[40, 60], [70, 30]],
    "large/1e9_small_support": [[10**9, 1], [2, 3]],
    "large/1e9_lopsided": [[10**9, 2 * 10**9], [3, 4]],
}
for name, t in MIDP.items():
    for alt in ["two-sided", "less", "greater"]:
        for psi in [Fraction(1), Fraction(2)]:
            w.write("midp/%s/%s/or=%s" % (name, alt, psi),
                    "exact Fraction enumeration of the noncentral hypergeometric pmf (psi = %s), R's tie rule 1 + 1e-7" % psi,
                    table=[t[0][0], t[0][1], t[1][0], t[1][1]], alternative=alt, or_=float(psi),
                    midp=float(midp_2x2(t, alt, psi)), exact_p=float(exact_2x2(t, alt, psi)))


def tables_with_margins(rows, cols):
    """All r x c tables of non-negative integers with the given margins."""
    r = len(rows)
    if r == 1:
        yield [list(cols)]
        return
    first = rows[0]

    def fill(j, left, acc):
        if j == len(cols) - 1:
            if left <= cols[j]:
                yield acc + [left]
            return
        for v in range(min(left, cols[j]) + 1):
            yield from fill(j + 1, left - v, acc + [v])

    for row in fill(0, first, []):
        rest_cols = [c - v for c, v in zip(cols, row)]
        for rest in tables_with_margins(rows[1:], rest_cols):
            yield [row] + rest


def exact_rxc(x):
    rows = [sum(r) for r in x]
    cols = [sum(c) for c in zip(*x)]
    n = sum(rows)
    # probability up to the common factor prod r! prod c! / n!: 1 / prod t!
    def inv_w(t):
        return math.prod(lf(v) for row in t for v in row)
    obs = inv_w(x)
    # "no more probable": 1/w <= (1/obs) * exp(tol), compared exactly through rationals
    # FEXACT's tolerance exp(3.45254e-7) is approximated by 1 + 3.45254e-7 (ties far from it)
    tol = Fraction(345254, 10**12)
    num = Fraction(0)
    count = 0
    for t in tables_with_margins(rows, cols):
        wt = inv_w(t)
        count += 1
        if Fraction(obs) <= wt * (1 + tol):
            num += Fraction(1, wt)
    const = Fraction(math.prod(lf(v) for v in rows) * math.prod(lf(v) for v in cols), lf(n))
    return num * const, count


RXC = {
    "3x3_n30": [[5, 2, 1], [2, 6, 3], [1, 2, 8]],
    "2x5_n28": [[0, 1, 2, 0, 5], [3, 0, 1, 4, 12]],
    "4x4_sparse": [[3, 0, 0, 1], [0, 2, 1, 0], [1, 0, 4, 0], [0, 1, 0, 2]],
    "3x4_n24": [[2, 0, 3, 1], [0, 4, 1, 2], [3, 1, 0, 7]],
    "3x3_n45": [[9, 3, 2], [4, 8, 3], [2, 4, 10]],
}
for name, x in RXC.items():
    p, count = exact_rxc(x)
    w.write("rxc-exact/%s" % name,
            "exact Fraction enumeration of all %d tables with the margins of %s (FEXACT's tie tolerance)" % (count, x),
            dim=[len(x), len(x[0])], cells=[v for row in x for v in row], p_value=float(p))
w.close()
