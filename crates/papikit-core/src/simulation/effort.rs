//! The effort model: what one unit of improvement costs on each axis, and the plan that spreads a
//! required gain over the axes at least effort.
//!
//! **Unit of effort = one standard deviation of the axis across provinces that year.** Moving a
//! province by `x` points on measure `m` takes `x / s_m` units of effort, where `s_m` is the sample
//! standard deviation (n - 1) of `m` over the provinces with a score on it in the table's year
//! ([`spread_scale`]). Why this scale rather than the alternatives:
//!
//! * **Headroom to the best** makes a point cheap where the province is already far behind and
//!   dear where it is close, and vanishes for the best province: it describes the distance, not the
//!   difficulty of a point, and it would double-count the caps (the plan already stops at the best).
//! * **Year-to-year movement** (median |YoY| across provinces) is the most literal "how fast can one
//!   move", but it exists only where a comparable panel exists: the published dimensions, and only
//!   inside a comparable period (PAPI's breaks in 2016, 2018, 2019, 2021 leave two or three
//!   transitions for recent years), not for survey sub-dimensions or indicators.
//! * **Spread across provinces** exists for every measure of every table (published, survey,
//!   hand-built), needs no panel and no comparability rule, is deterministic, and says what a
//!   Vice-Chairman can check: on an axis where provinces differ little (d3 in 2024: SD 0.16) one
//!   point is a big jump relative to the field, on an axis where they differ widely (d1: SD 0.52) it
//!   is a modest one. A point moves rank more where the field is tight, and so it costs more.
//!
//! **Convex cost, so the plan spreads.** Effort on an axis grows with the square of the units moved:
//! `effort_m(x) = (x / s_m)^2`. The plan minimises `sum_m (x_m / s_m)^2` subject to
//! `sum_m a_m x_m >= G` and `0 <= x_m <= u_m` (`a_m` points of total per unit, `u_m` the headroom
//! to the cap). The KKT conditions give `x_m = min(u_m, mu a_m s_m^2)` with one multiplier `mu >= 0`:
//! the marginal effort per point of total, `2 x_m / (a_m s_m^2)`, is equal on every axis that is not
//! at its cap (water-filling). [`solve_quadratic`] finds `mu` exactly after sorting the axes by the
//! `mu` at which they reach their cap (O(n log n)). The solution is unique (strictly convex
//! objective), so there is no tie to break: with equal scales and no cap binding the gain is split
//! equally. An axis with a zero spread (all provinces equal) cannot be moved at finite effort and is
//! left out.
//!
//! User costs (`costs=` in the API) keep the linear model: `sum c_m x_m`, solved exactly as a
//! continuous knapsack ([`crate::simulation::optimise::solve_greedy`]; ties in cost per point go to
//! the measure listed first).

use crate::scores::ScoreTable;

/// Sample standard deviation (n - 1) of measure `m` across the provinces with a score on it; `None`
/// with fewer than two scores or a zero spread.
pub fn spread_scale(table: &ScoreTable, m: usize) -> Option<f64> {
    let v: Vec<f64> = table.values.get(m)?.iter().flatten().copied().collect();
    if v.len() < 2 {
        return None;
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let s = var.sqrt();
    (s.is_finite() && s > 0.0).then_some(s)
}

/// Effort of moving `x` units on an axis of scale `s`: `(x / s)^2`.
pub fn effort(x: f64, s: f64) -> f64 {
    (x / s).powi(2)
}

/// Exact minimiser of `sum (x_i / s_i)^2` subject to `sum a_i x_i >= need`, `0 <= x_i <= u_i`
/// (`a_i > 0`, `s_i > 0`; an axis with `a_i <= 0`, `s_i` not positive or `u_i <= 0` stays at 0).
/// `None` if `sum a_i u_i < need`.
///
/// With `w_i = a_i s_i^2`, `x_i(mu) = min(u_i, mu w_i)` and `g(mu) = sum a_i x_i(mu)` is increasing
/// and piecewise linear, with a kink at each `mu_i = u_i / w_i`; walk the kinks in increasing order
/// and solve the linear piece that contains `need`.
pub fn solve_quadratic(need: f64, a: &[f64], s: &[f64], u: &[f64]) -> Option<Vec<f64>> {
    let n = a.len();
    let mut x = vec![0.0; n];
    if need <= 0.0 {
        return Some(x);
    }
    let ok = |i: usize| a[i] > 0.0 && s[i].is_finite() && s[i] > 0.0 && u[i] > 0.0;
    let w: Vec<f64> = (0..n).map(|i| a[i] * s[i] * s[i]).collect();
    let mut order: Vec<usize> = (0..n).filter(|&i| ok(i)).collect();
    let capacity: f64 = order.iter().map(|&i| a[i] * u[i]).sum();
    if capacity < need * (1.0 - 1e-12) {
        return None;
    }
    // Kinks in increasing order (ties by index: the order does not change the solution).
    order.sort_by(|&i, &j| (u[i] / w[i]).total_cmp(&(u[j] / w[j])).then(i.cmp(&j)));
    // Points delivered by the capped axes, and the slope sum of a_i w_i over the free axes.
    let mut capped = 0.0;
    let mut slope: f64 = order.iter().map(|&i| a[i] * w[i]).sum();
    let mut mu = f64::INFINITY;
    for (k, &i) in order.iter().enumerate() {
        let kink = u[i] / w[i];
        // g at this kink, with axes before k capped and the rest free.
        if capped + kink * slope >= need {
            mu = (need - capped) / slope;
            break;
        }
        capped += a[i] * u[i];
        slope -= a[i] * w[i];
        if k + 1 == order.len() {
            mu = kink; // every axis capped: capacity == need up to rounding
        }
    }
    for &i in &order {
        x[i] = (mu * w[i]).min(u[i]);
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cost(x: &[f64], s: &[f64]) -> f64 {
        x.iter().zip(s).map(|(x, s)| effort(*x, *s)).sum()
    }

    #[test]
    fn hand_computed_case() {
        // Scales 1, 2, 0.5 (points per unit of effort), one point of total per unit, gain 2.1.
        // Uncapped: x proportional to s^2 = (1, 4, 0.25), sum 5.25 -> x = 0.4 * (1, 4, 0.25).
        let s = [1.0, 2.0, 0.5];
        let a = [1.0; 3];
        let x = solve_quadratic(2.1, &a, &s, &[10.0; 3]).unwrap();
        for (got, want) in x.iter().zip([0.4, 1.6, 0.1]) {
            assert!((got - want).abs() < 1e-12, "{x:?}");
        }
        // Order of the axes by gain: the widest spread first (2, then 1, then 0.5).
        // Cap the second axis at 1.0: the remaining 1.1 goes over (1, 0.25) -> 0.88, 0.22.
        let x = solve_quadratic(2.1, &a, &s, &[10.0, 1.0, 10.0]).unwrap();
        for (got, want) in x.iter().zip([0.88, 1.0, 0.22]) {
            assert!((got - want).abs() < 1e-12, "{x:?}");
        }
        // Brute force on a 0.001 grid (x3 = what is left, must fit its cap): nothing beats it.
        let best = cost(&x, &s);
        let mut grid = f64::INFINITY;
        for i in 0..=2100 {
            for j in 0..=1000 {
                let (x1, x2) = (i as f64 * 0.001, j as f64 * 0.001);
                let x3 = 2.1 - x1 - x2;
                if x3 >= 0.0 {
                    grid = grid.min(cost(&[x1, x2, x3], &s));
                }
            }
        }
        assert!(best <= grid + 1e-12);
        assert!(grid - best < 1e-5);
        // Equal scales, no cap: equal split (no tie to break).
        let x = solve_quadratic(0.9, &a, &[0.5; 3], &[10.0; 3]).unwrap();
        assert!(x.iter().all(|v| (v - 0.3).abs() < 1e-12));
        // Infeasible, zero need, zero-spread axis left out.
        assert!(solve_quadratic(3.5, &a, &s, &[1.0; 3]).is_none());
        assert_eq!(solve_quadratic(0.0, &a, &s, &[1.0; 3]), Some(vec![0.0; 3]));
        let x = solve_quadratic(1.0, &a, &[1.0, 0.0, 1.0], &[10.0; 3]).unwrap();
        assert_eq!(x[1], 0.0);
        assert!((x[0] - 0.5).abs() < 1e-12);
    }

    #[test]
    fn spread_scale_is_sample_sd() {
        let t = ScoreTable::from_published(2024).unwrap();
        let v: Vec<f64> = t.values[1].iter().flatten().copied().collect();
        let n = v.len() as f64;
        let m = v.iter().sum::<f64>() / n;
        let sd = (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0)).sqrt();
        assert!((spread_scale(&t, 1).unwrap() - sd).abs() < 1e-12);
        assert!(sd > 0.1 && sd < 2.0);
    }

    proptest! {
        /// KKT: every free axis has the same marginal effort per point of total, capped axes a
        /// lower one, zero axes a higher one (none, here: every axis is useful); and no feasible
        /// random perturbation that keeps the constraint beats it.
        #[test]
        fn kkt_and_local_optimality(
            a in prop::collection::vec(0.1f64..3.0, 2..6),
            s in prop::collection::vec(0.1f64..2.0, 6),
            u in prop::collection::vec(0.05f64..3.0, 6),
            frac in 0.05f64..0.95,
            t in 0.0f64..1.0,
        ) {
            let n = a.len();
            let (s, u) = (&s[..n], &u[..n]);
            let cap: f64 = a.iter().zip(u).map(|(a, u)| a * u).sum();
            let need = frac * cap;
            let x = solve_quadratic(need, &a, s, u).unwrap();
            let got: f64 = x.iter().zip(&a).map(|(x, a)| x * a).sum();
            prop_assert!((got - need).abs() < 1e-9 * (1.0 + need));
            let marg: Vec<f64> = (0..n).map(|i| 2.0 * x[i] / (a[i] * s[i] * s[i])).collect();
            let free: Vec<usize> = (0..n).filter(|&i| x[i] < u[i] - 1e-12).collect();
            if let Some(&f) = free.first() {
                for &i in &free { prop_assert!((marg[i] - marg[f]).abs() < 1e-7 * (1.0 + marg[f])); }
                for i in (0..n).filter(|i| !free.contains(i)) { prop_assert!(marg[i] <= marg[f] + 1e-7); }
            }
            // Move delta points of total from axis i to axis j (feasible if within the boxes).
            let (i, j) = (0, n - 1);
            let delta = t * 0.1;
            let mut y = x.clone();
            y[i] -= delta / a[i];
            y[j] += delta / a[j];
            if y[i] >= 0.0 && y[j] <= u[j] {
                prop_assert!(cost(&y, s) >= cost(&x, s) - 1e-12);
            }
        }
    }
}
