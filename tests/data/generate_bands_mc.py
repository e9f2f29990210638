"""Monte Carlo check of survkit's simultaneous-band coverage probabilities.

Run from the repository root:  python3 tests/data/generate_bands_mc.py
Writes tests/data/bands_mc.txt.

For each case (band kind, a_L, a_U, c) it estimates, from NPATH Brownian-bridge
paths (numpy, fixed seed), the probability that the band's process stays
inside its boundary on [a_L, a_U]:

  Hall-Wellner    |B0(x)| <= c
  equal precision |B0(x)| <= c sqrt(x (1 - x))

Paths are simulated exactly on a grid of M + 1 points (B0 at a_L from its
N(0, a_L (1 - a_L)) law, then the bridge's Gaussian transitions); between two
grid points B0 is a Brownian bridge, whose probability of crossing a straight
boundary is exp(-2 (b0 - u)(b1 - v) / dx). Each path contributes the product of
the one-sided non-crossing probabilities of its steps (a conditional
expectation: no discretisation bias for the constant Hall-Wellner boundary; for
the curved equal-precision boundary the straight chord between grid points,
uniform in logit x, is below the curve by at most sqrt(x(1-x)) (dx/x)^2 / 32,
a relative 1e-5 here). The two-sided step probability 1 - p_up - p_down omits
the double-crossing terms, below exp(-8 c^2 / dx) (nil). The estimate's
standard error is the sample standard deviation over sqrt(NPATH).
"""
import math
import sys

import numpy as np

sys.path.insert(0, "tests/data")
from common import RefWriter  # noqa: E402

NPATH = 1_000_000
CHUNK = 100_000
M = 250
SEED = 20261205

CASES = [
    ("hall-wellner", 0.0, 0.5, 0.9),
    ("hall-wellner", 0.1, 0.6, 0.75),
    ("hall-wellner", 0.02, 0.9, 1.2),
    ("equal-precision", 0.1, 0.5, 2.5),
    ("equal-precision", 0.02, 0.6, 2.9),
    ("equal-precision", 0.3, 0.4, 2.0),
]


def grid(kind, a_l, a_u):
    if kind == "hall-wellner":
        return np.linspace(a_l, a_u, M + 1)
    lo, hi = math.log(a_l / (1 - a_l)), math.log(a_u / (1 - a_u))
    z = np.linspace(lo, hi, M + 1)
    return 1.0 / (1.0 + np.exp(-z))


def coverage(rng, kind, a_l, a_u, c):
    x = grid(kind, a_l, a_u)
    if kind == "hall-wellner":
        b = np.full_like(x, c)
    else:
        b = c * np.sqrt(x * (1 - x))
    total, total2, n = 0.0, 0.0, 0
    for _ in range(NPATH // CHUNK):
        w = rng.standard_normal(CHUNK) * math.sqrt(x[0] * (1 - x[0]))
        prob = (np.abs(w) <= b[0]).astype(float)
        for i in range(M):
            dx = x[i + 1] - x[i]
            # B0(x') | B0(x) = w ~ N(w (1 - x') / (1 - x), dx (1 - x') / (1 - x))
            r = (1 - x[i + 1]) / (1 - x[i])
            wn = w * r + rng.standard_normal(CHUNK) * math.sqrt(dx * r)
            inside = np.abs(wn) <= b[i + 1]
            up = np.exp(-2 * np.maximum(b[i] - w, 0) * np.maximum(b[i + 1] - wn, 0) / dx)
            dn = np.exp(-2 * np.maximum(b[i] + w, 0) * np.maximum(b[i + 1] + wn, 0) / dx)
            prob *= np.where(inside, np.clip(1 - up - dn, 0, 1), 0.0)
            w = wn
        total += prob.sum()
        total2 += (prob * prob).sum()
        n += CHUNK
    mean = total / n
    sd = math.sqrt(max(total2 / n - mean * mean, 0.0))
    return mean, sd / math.sqrt(n)


def main():
    rng = np.random.default_rng(SEED)
    out = RefWriter("tests/data/bands_mc.txt", "Python %s, numpy %s" % (sys.version.split()[0], np.__version__))
    for kind, a_l, a_u, c in CASES:
        p, se = coverage(rng, kind, a_l, a_u, c)
        out.write(
            "bands-mc/%s/%g-%g/c=%g" % (kind, a_l, a_u, c),
            "tests/data/generate_bands_mc.py: %d bridge paths on %d steps, seed %d, conditional non-crossing estimator"
            % (NPATH, M, SEED),
            kind=kind, a_lower=a_l, a_upper=a_u, c=c, coverage=p, std_err=se,
        )
        print(kind, a_l, a_u, c, p, se, flush=True)
    out.close()


if __name__ == "__main__":
    main()
