"""Reference values for survkit::compare_proportions (risk difference part).

Run from the repository root:  python3 tests/data/generate_compare.py
"""
import sys
import statsmodels
from statsmodels.stats.proportion import confint_proportions_2indep

sys.path.insert(0, "tests/data")
from common import RefWriter  # noqa: E402

w = RefWriter("tests/data/compare_py.txt", "statsmodels %s" % statsmodels.__version__)
for x1, n1, x2, n2 in [(10, 10, 4, 9), (14, 19, 8, 20), (2, 19, 12, 19), (0, 12, 0, 15), (30, 40, 10, 40)]:
    lo, hi = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff", alpha=0.05)
    w.write("compare/%d-of-%d-vs-%d-of-%d" % (x1, n1, x2, n2),
            "confint_proportions_2indep(%d, %d, %d, %d, method='newcomb', compare='diff', alpha=0.05)" % (x1, n1, x2, n2),
            input=[x1, n1, x2, n2], difference=x1 / n1 - x2 / n2, conf_int=[lo, hi])
w.close()
