//! R's generalized Cholesky (`cholesky2`, its rank rule) and the quadratic
//! form `uᵀ V⁻¹ u` of the log-rank chi-square.

use super::*;

/// `uᵀ V⁻¹ u` and its degrees of freedom, with R's generalized inverse when
/// `V` (m × m, row-major, symmetric) is singular.
pub(super) fn quadratic_form(v: &[f64], u: &[f64]) -> (f64, usize) {
    let m = u.len();
    if m == 0 || v.iter().chain(u).any(|x| !x.is_finite()) {
        return (f64::NAN, m);
    }
    // One factorisation: V = L D Lᵀ, solved with D⁻¹ at full rank and D⁺
    // (zeroed pivots) when V is singular.
    let (ldl, rank) = generalized_cholesky(v, m);
    let x = generalized_solve(&ldl, m, u);
    let q: f64 = u.iter().zip(&x).map(|(a, b)| a * b).sum();
    (q.max(0.0), rank)
}

/// `V = L D Lᵀ` (unit lower `L`, its entry `L[j][i]` (j > i) stored
/// transposed at row `i`, column `j` so that every inner loop runs along a
/// row; `D` on the diagonal) with pivots below `CHOLESKY_TOLERANCE × max
/// diag` set to zero; returns the factor and the rank (R survival's
/// `cholesky2`, the same operations in the same order per entry).
pub(super) fn generalized_cholesky(v: &[f64], m: usize) -> (Vec<f64>, usize) {
    let mut a = v.to_vec();
    if a.len() != m * m {
        return (vec![0.0; m * m], 0);
    }
    let max_diag = (0..m).map(|i| a[i * m + i]).fold(0.0, f64::max);
    if max_diag <= 0.0 {
        return (vec![0.0; m * m], 0);
    }
    let eps = max_diag * CHOLESKY_TOLERANCE;
    let mut rank = 0;
    for i in 0..m {
        let pivot = a[i * m + i];
        if !pivot.is_finite() || pivot < eps {
            a[i * m + i] = 0.0;
            continue;
        }
        rank += 1;
        // Rows i (pivot row) and i + 1.. (rows being updated).
        let (head, tail) = a.split_at_mut((i + 1) * m);
        let row_i = &mut head[i * m..];
        for j in i + 1..m {
            let t = row_i[j] / pivot;
            row_i[j] = t;
            let row_j = &mut tail[(j - i - 1) * m..(j - i) * m];
            row_j[j] -= t * t * pivot;
            for (x, &y) in row_j[j + 1..].iter_mut().zip(&row_i[j + 1..]) {
                *x -= t * y;
            }
        }
    }
    (a, rank)
}

/// Solves `L D Lᵀ x = u` with `D⁺` in place of `D⁻¹` (R survival's
/// `chsolve2`), `L` stored as [`generalized_cholesky`] leaves it.
pub(super) fn generalized_solve(a: &[f64], m: usize, u: &[f64]) -> Vec<f64> {
    let mut x = u.to_vec();
    if a.len() != m * m || x.len() != m {
        return vec![f64::NAN; m];
    }
    for i in 0..m {
        let mut t = x[i];
        for j in 0..i {
            t -= x[j] * a[j * m + i];
        }
        x[i] = t;
    }
    for i in (0..m).rev() {
        let d = a[i * m + i];
        if d == 0.0 {
            x[i] = 0.0;
        } else {
            let mut t = x[i] / d;
            for j in i + 1..m {
                t -= x[j] * a[i * m + j];
            }
            x[i] = t;
        }
    }
    x
}
