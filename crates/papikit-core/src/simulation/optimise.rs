//! Least-cost improvement plan to reach a target rank, group or score, with the competitors fixed
//! or moving (`others`: stay, own trend, national pace).
//!
//! Variables: the gain `x_m >= 0` (in the measure's units) on each measure of the chosen level.
//! One unit of `m` adds `a_m` points to the total ([`Model::total_per_unit`]: 1 for dimensions and
//! sub-dimensions, the normalisation slope for indicators). Caps: `x_m` may not take the score above
//! `cap_m` (default: the best score observed on `m` among provinces that year, never above the
//! measure's range).
//!
//! **Default cost: the effort model** ([`crate::simulation::effort`]): one unit of effort is one
//! standard deviation of the measure across provinces that year (`s_m`), and effort is convex,
//! `sum_m (x_m / s_m)^2`. The plan spreads the gain so that the marginal effort per point of total is
//! equal on every axis below its cap (water-filling, exact; unique, so no tie rule is needed).
//!
//! **User costs** (`costs`, cost per unit, unlisted measures 1) keep the linear model
//!
//! ```text
//! minimise sum c_m x_m   subject to   sum a_m x_m >= G,   0 <= x_m <= cap_m - current_m
//! ```
//!
//! a continuous knapsack (one covering constraint plus boxes). Its exact optimum fills the
//! measures in increasing order of cost per point of total `c_m / a_m` until `G` is met (an exchange
//! argument: moving a point from a cheaper-per-point measure to a dearer one never lowers the cost).
//! Tie rule: equal cost per point -> the measure listed first in the table (d1 before d2). The tests
//! check it against brute force (vertex enumeration and grid search).
//!
//! Required gain `G`: for `TargetRank(k)` the total must be strictly above the k-th highest total
//! among the *other* provinces, `G = that score - own score + EPSILON` (`EPSILON` = 1e-4, so the new
//! total is strictly above also at PAPI's 4 published decimals); a province already at rank <= k needs
//! nothing. `Group(g)` means rank <= the last rank of `g`. A score target needs `G = score - own`.
//! With `others` other than `Stay`, the other totals are those after the competitors move as chosen
//! ([`simulate_with`] with the focal province held), and the plan is re-simulated under the same
//! `others` to check that it reaches the target (the rank it reports is that simulation's).

use crate::analysis::agency::AgencyTable;
use crate::analysis::review::{PlannedAxis, PlannedGains, owners};
use crate::error::{PapiError, Result};
use crate::frame;
use crate::lang::Lang;
use crate::rank::{Group, group_of_rank, rank_desc, rank_of};
use crate::scores::{Level, ScoreTable};
use crate::simulation::effort::{effort, solve_quadratic, spread_scale};
use crate::simulation::simulate::{
    Amount, Change, EPSILON, Model, Others, province_name, simulate_with,
};
use polars::prelude::*;

/// What to reach.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// Rank k or better.
    Rank(u32),
    /// Into this performance group (or a better one).
    Group(Group),
    /// A total score of at least this.
    Score(f64),
}

impl Target {
    pub fn describe(&self) -> String {
        match self {
            Target::Rank(k) => format!("rank {k}"),
            Target::Group(g) => format!("group {}", g.label(Lang::En)),
            Target::Score(s) => format!("total score {s:.4}"),
        }
    }
}

/// The requirement a target puts on one province's total, competitors fixed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Requirement {
    /// Rank to reach (None for a score target).
    pub rank: Option<u32>,
    /// Total the province must reach (strictly-above margin included for rank targets).
    pub threshold: f64,
    /// max(0, threshold - current total).
    pub gain: f64,
}

/// Rank `k` that a target means among `n` ranked provinces (None for a score target).
pub fn target_rank(target: Target, n: usize) -> Result<Option<u32>> {
    match target {
        Target::Rank(k) => {
            if k == 0 || k as usize > n {
                return Err(PapiError::InvalidArgument {
                    argument: "target".into(),
                    message: format!("rank {k} is outside 1..{n} (ranked provinces)"),
                });
            }
            Ok(Some(k))
        }
        Target::Group(g) => {
            let (from, to) = g.rank_range(n);
            if to < from {
                return Err(PapiError::InvalidArgument {
                    argument: "target".into(),
                    message: format!("group {} is empty with {n} provinces", g.label(Lang::En)),
                });
            }
            Ok(Some(to as u32))
        }
        Target::Score(_) => Ok(None),
    }
}

/// What province column `p` must reach for `target`, with the other totals fixed.
pub fn requirement(model: &Model, p: usize, target: Target) -> Result<Requirement> {
    let t = model.table;
    let totals = &t.values[model.total];
    let own = totals[p].ok_or_else(|| model.no_data(p, "total"))?;
    let others: Vec<f64> = totals
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != p)
        .filter_map(|(_, v)| *v)
        .collect();
    let n = others.len() + 1;
    match target_rank(target, n)? {
        Some(k) => {
            if rank_of(own, &others) <= k {
                return Ok(Requirement {
                    rank: Some(k),
                    threshold: own,
                    gain: 0.0,
                });
            }
            let mut sorted = others;
            sorted.sort_by(|a, b| b.total_cmp(a));
            let threshold = sorted[k as usize - 1] + EPSILON;
            Ok(Requirement {
                rank: Some(k),
                threshold,
                gain: (threshold - own).max(0.0),
            })
        }
        None => {
            let Target::Score(s) = target else {
                return Err(PapiError::InvalidArgument {
                    argument: "target".into(),
                    message: "unsupported target".into(),
                });
            };
            let m = &t.measures[model.total];
            if !(s.is_finite() && (m.min..=m.max).contains(&s)) {
                return Err(PapiError::InvalidArgument {
                    argument: "target".into(),
                    message: format!(
                        "score {s} is outside the total's range {}..{}",
                        m.min, m.max
                    ),
                });
            }
            Ok(Requirement {
                rank: None,
                threshold: s,
                gain: (s - own).max(0.0),
            })
        }
    }
}

/// Exact minimum-cost solution of `min c.x  s.t.  a.x >= need, 0 <= x <= u` (a > 0, c >= 0):
/// fill in increasing `c/a` (ties: lower index first). `None` if `a.u < need`.
pub fn solve_greedy(need: f64, a: &[f64], c: &[f64], u: &[f64]) -> Option<Vec<f64>> {
    let mut x = vec![0.0; a.len()];
    if need <= 0.0 {
        return Some(x);
    }
    let mut order: Vec<usize> = (0..a.len()).filter(|&i| a[i] > 0.0 && u[i] > 0.0).collect();
    order.sort_by(|&i, &j| (c[i] / a[i]).total_cmp(&(c[j] / a[j])).then(i.cmp(&j)));
    let mut left = need;
    for i in order {
        let take = (left / a[i]).min(u[i]);
        x[i] = take;
        left -= take * a[i];
        if left <= need * 1e-12 {
            return Some(x);
        }
    }
    None
}

/// How a plan's cost is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostModel {
    /// The effort model: `sum (x_m / s_m)^2`, `s_m` the spread of `m` across provinces.
    Effort,
    /// User costs per unit: `sum c_m x_m` (exact LP).
    Linear,
}

impl CostModel {
    pub fn as_str(&self) -> &'static str {
        match self {
            CostModel::Effort => "effort",
            CostModel::Linear => "linear",
        }
    }
}

/// Options of the optimiser.
#[derive(Debug, Clone, PartialEq)]
pub struct OptimiseOptions {
    pub level: Level,
    /// Cost per unit of a measure (unlisted: 1); must be >= 0. Empty: the effort model.
    pub costs: Vec<(String, f64)>,
    /// Highest score allowed on a measure (default: best observed that year); inside its range.
    pub caps: Vec<(String, f64)>,
    /// What the other provinces do while the province carries out the plan.
    pub others: Others,
}

impl Default for OptimiseOptions {
    fn default() -> Self {
        OptimiseOptions {
            level: Level::Dimension,
            costs: Vec::new(),
            caps: Vec::new(),
            others: Others::Stay,
        }
    }
}

impl OptimiseOptions {
    /// The cost model these options mean: linear when costs are given, else the effort model.
    pub fn cost_model(&self) -> CostModel {
        if self.costs.is_empty() {
            CostModel::Effort
        } else {
            CostModel::Linear
        }
    }
}

/// One measure of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanItem {
    pub measure: usize,
    pub code: String,
    pub name_en: String,
    pub name_vi: String,
    pub current: f64,
    pub cap: f64,
    /// Cost per unit (linear model; None under the effort model).
    pub unit_cost: Option<f64>,
    /// Units of the measure per unit of effort (its spread across provinces; effort model).
    pub scale: Option<f64>,
    /// Points of total per unit.
    pub total_per_unit: f64,
    /// Units of gain.
    pub gain: f64,
    pub target: f64,
    /// Cost of this item (effort `(gain / scale)^2`, or `unit_cost * gain`).
    pub cost: f64,
    /// Cost of one more unit at the plan (`2 gain / scale^2`, or `unit_cost`).
    pub marginal_cost: f64,
    /// Share of the total gain (points of total) from this measure.
    pub share: f64,
}

/// A least-cost plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub province: u16,
    pub year: u16,
    pub level: Level,
    pub target: Target,
    pub requirement: Requirement,
    pub epsilon: f64,
    pub cost_model: CostModel,
    pub others: Others,
    pub items: Vec<PlanItem>,
    pub total_cost: f64,
    pub total_before: f64,
    pub total_after: f64,
    pub rank_before: u32,
    pub rank_after: u32,
    pub n_ranked: usize,
    pub group_after: Option<Group>,
}

/// The variables of a plan: measures of the level where the province has a score, with cost, cap and
/// headroom.
pub struct Variables {
    pub measures: Vec<usize>,
    pub a: Vec<f64>,
    pub c: Vec<f64>,
    /// Spread of each measure across provinces (effort scale; NaN where none).
    pub s: Vec<f64>,
    pub cap: Vec<f64>,
    pub headroom: Vec<f64>,
    pub cost_model: CostModel,
}

/// Validate costs and caps and build the variables.
pub fn variables(model: &Model, p: usize, opts: &OptimiseOptions) -> Result<Variables> {
    let t = model.table;
    let measures = plan_measures(model, p, opts.level)?;
    let c = unit_costs(model, &measures, opts)?;
    let cap = caps(model, &measures, opts)?;
    let headroom: Vec<f64> = measures
        .iter()
        .zip(&cap)
        .map(|(&m, &cp)| (cp - t.values[m][p].unwrap_or(cp)).max(0.0))
        .collect();
    let a = measures.iter().map(|&m| model.total_per_unit(m)).collect();
    let s = measures
        .iter()
        .map(|&m| spread_scale(t, m).unwrap_or(f64::NAN))
        .collect();
    Ok(Variables {
        measures,
        a,
        c,
        s,
        cap,
        headroom,
        cost_model: opts.cost_model(),
    })
}

/// Measures of `level` where the province has a score and that raise the total when they rise
/// (lower-is-better indicators are left out).
fn plan_measures(model: &Model, p: usize, level: Level) -> Result<Vec<usize>> {
    let t = model.table;
    if level == Level::Total {
        return Err(PapiError::InvalidArgument {
            argument: "level".into(),
            message: "optimise over dimension, subdimension or indicator, not the total".into(),
        });
    }
    let measures: Vec<usize> = (0..t.measures.len())
        .filter(|&m| t.measures[m].level == level && t.values[m][p].is_some())
        .filter(|&m| model.total_per_unit(m) > 0.0)
        .collect();
    if measures.is_empty() {
        return Err(PapiError::InvalidArgument {
            argument: "level".into(),
            message: format!(
                "the {} {} table has no {} scores for {}; pass a table with that level (e.g. survey results)",
                t.source,
                t.year,
                level.as_str(),
                province_name(t.provinces[p])
            ),
        });
    }
    Ok(measures)
}

/// Position among the plan's measures of a code given in `argument` (costs / caps).
fn plan_position(
    model: &Model,
    measures: &[usize],
    level: Level,
    code: &str,
    argument: &str,
) -> Result<usize> {
    let m = model.table.resolve_measure(code)?;
    measures
        .iter()
        .position(|&x| x == m)
        .ok_or_else(|| PapiError::InvalidArgument {
            argument: argument.into(),
            message: format!(
                "{code} is not a {} measure of this plan; it moves {} (or pass level=\"{}\")",
                level.as_str(),
                measures
                    .iter()
                    .map(|&x| model.table.measures[x].code.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                model.table.measures[m].level.as_str()
            ),
        })
}

/// Cost per unit of each plan measure (default 1; given costs must be >= 0).
fn unit_costs(model: &Model, measures: &[usize], opts: &OptimiseOptions) -> Result<Vec<f64>> {
    let mut c = vec![1.0; measures.len()];
    for (code, v) in &opts.costs {
        let k = plan_position(model, measures, opts.level, code, "costs")?;
        if !(v.is_finite() && *v >= 0.0) {
            return Err(PapiError::InvalidArgument {
                argument: "costs".into(),
                message: format!("cost of {code} must be a number >= 0, got {v}"),
            });
        }
        c[k] = *v;
    }
    Ok(c)
}

/// Highest score allowed on each plan measure (default: the best observed, within the range;
/// given caps must lie inside the range).
fn caps(model: &Model, measures: &[usize], opts: &OptimiseOptions) -> Result<Vec<f64>> {
    let t = model.table;
    let mut cap: Vec<f64> = measures
        .iter()
        .map(|&m| {
            let meas = &t.measures[m];
            model.best(m).unwrap_or(meas.max).min(meas.max)
        })
        .collect();
    for (code, v) in &opts.caps {
        let k = plan_position(model, measures, opts.level, code, "caps")?;
        let meas = &t.measures[measures[k]];
        if !(v.is_finite() && (meas.min..=meas.max).contains(v)) {
            return Err(PapiError::InvalidArgument {
                argument: "caps".into(),
                message: format!(
                    "cap of {code} = {v} is outside its range {}..{}",
                    meas.min, meas.max
                ),
            });
        }
        cap[k] = *v;
    }
    Ok(cap)
}

/// Least-cost plan for `province` to reach `target` on the table (default model).
pub fn optimise(
    table: &ScoreTable,
    province: u16,
    target: Target,
    opts: &OptimiseOptions,
) -> Result<Plan> {
    optimise_with(&Model::new(table)?, province, target, opts)
}

/// Least-cost plan with an explicit model; the competitors move as `opts.others` says.
pub fn optimise_with(
    model: &Model,
    province: u16,
    target: Target,
    opts: &OptimiseOptions,
) -> Result<Plan> {
    let p = model.table.province_index(province)?;
    let moved = field_table(model, p, opts.others)?;
    let field = match &moved {
        Some(t) => model.on(t),
        None => model.clone(),
    };
    let req = requirement(&field, p, target)?;
    let plan = plan_for_gain(model, &field, p, target, req, opts)?;
    reach_under_others(model, &field, p, target, plan, opts)
}

/// The table after the competitors move as `others` says, the province `p` held at its scores
/// (None for `Others::Stay`: the table itself).
pub fn field_table(model: &Model, p: usize, others: Others) -> Result<Option<ScoreTable>> {
    if others == Others::Stay {
        return Ok(None);
    }
    let t = model.table;
    let hold = Change {
        province: t.provinces[p],
        measure: t.measures[model.total].code.clone(),
        amount: Amount::Points(0.0),
    };
    let sim = simulate_with(model, &[hold], others)?;
    let mut moved = t.clone();
    moved.values = sim.after;
    Ok(Some(moved))
}

/// Re-simulate `plan` under `opts.others` and, should it fall short of the target (rounding at a
/// cap), raise the required gain by the shortfall and plan again (at most 4 times).
fn reach_under_others(
    base: &Model,
    field: &Model,
    p: usize,
    target: Target,
    mut plan: Plan,
    opts: &OptimiseOptions,
) -> Result<Plan> {
    for _ in 0..4 {
        let changes: Vec<Change> = plan
            .gains()
            .into_iter()
            .map(|(measure, x)| Change {
                province: plan.province,
                measure,
                amount: Amount::Points(x),
            })
            .collect();
        let sim = simulate_with(base, &changes, opts.others)?;
        let total = sim.after[base.total][p].unwrap_or(plan.total_after);
        let rank = sim.rank_after[p].unwrap_or(plan.rank_after);
        let short = match (target, plan.requirement.rank) {
            (Target::Score(s), _) => s - total,
            (_, Some(k)) if rank > k => plan.requirement.threshold - total + EPSILON,
            _ => 0.0,
        };
        if short <= 0.0 {
            plan.total_after = total;
            plan.rank_after = rank;
            plan.group_after = sim.group_after[p];
            return Ok(plan);
        }
        let mut req = plan.requirement;
        req.gain += short;
        req.threshold += short;
        plan = plan_for_gain(base, field, p, target, req, opts)?;
    }
    Ok(plan)
}

/// Least-cost plan delivering `req.gain` points of total (used by the optimiser and by the
/// probability-aware plan). Variables (current scores, caps, spreads) come from `base`; the
/// competitors' totals (rank after) from `field` (the same table, or the one after `others` moved).
pub fn plan_for_gain(
    base: &Model,
    field: &Model,
    p: usize,
    target: Target,
    req: Requirement,
    opts: &OptimiseOptions,
) -> Result<Plan> {
    let model = base;
    let t = model.table;
    let vars = variables(model, p, opts)?;
    let totals = &field.table.values[model.total];
    let own = t.values[model.total][p].ok_or_else(|| model.no_data(p, "total"))?;
    let others: Vec<f64> = totals
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != p)
        .filter_map(|(_, v)| *v)
        .collect();
    let solved = match vars.cost_model {
        CostModel::Linear => solve_greedy(req.gain, &vars.a, &vars.c, &vars.headroom),
        CostModel::Effort => solve_quadratic(req.gain, &vars.a, &vars.s, &vars.headroom),
    };
    let Some(x) = solved else {
        return Err(infeasible(model, p, target, req, &vars, own, &others));
    };
    let mut values = field.table.values.clone();
    let mut delivered = 0.0;
    for (k, &m) in vars.measures.iter().enumerate() {
        if x[k] > 0.0 {
            delivered += model.apply(&mut values, m, p, x[k])?;
        }
    }
    let items = plan_items(model, p, &vars, &x, delivered);
    let total_after = values[model.total][p].unwrap_or(own);
    let ranks = rank_desc(&t.values[model.total]);
    let ranks_after = rank_desc(&values[model.total]);
    let n = others.len() + 1;
    let rank_after = ranks_after[p].unwrap_or(0);
    Ok(Plan {
        province: t.provinces[p],
        year: t.year,
        level: opts.level,
        target,
        requirement: req,
        epsilon: EPSILON,
        cost_model: vars.cost_model,
        others: opts.others,
        total_cost: items.iter().map(|i| i.cost).sum(),
        items,
        total_before: own,
        total_after,
        rank_before: ranks[p].unwrap_or(0),
        rank_after,
        n_ranked: n,
        group_after: group_of_rank(rank_after, n),
    })
}

/// The error when the caps do not allow the gain: the best rank and score they allow.
fn infeasible(
    model: &Model,
    p: usize,
    target: Target,
    req: Requirement,
    vars: &Variables,
    own: f64,
    others: &[f64],
) -> PapiError {
    let t = model.table;
    let best_gain: f64 = (0..vars.a.len())
        .filter(|&k| vars.cost_model == CostModel::Linear || vars.s[k] > 0.0)
        .map(|k| vars.a[k] * vars.headroom[k])
        .sum();
    let best_score = own + best_gain;
    PapiError::Infeasible {
        target: format!(
            "{} for {} in {} (needs {:.4} points of total, caps allow {:.4})",
            target.describe(),
            province_name(t.provinces[p]),
            t.year,
            req.gain,
            best_gain
        ),
        best_rank: rank_of(best_score, others),
        best_score,
    }
}

/// One item per plan measure: gain `x[k]`, its cost and share of the `delivered` points of total.
fn plan_items(
    model: &Model,
    p: usize,
    vars: &Variables,
    x: &[f64],
    delivered: f64,
) -> Vec<PlanItem> {
    let t = model.table;
    vars.measures
        .iter()
        .enumerate()
        .map(|(k, &m)| {
            let meas = &t.measures[m];
            let current = t.values[m][p].unwrap_or(f64::NAN);
            let (unit_cost, scale, cost, marginal_cost) = match vars.cost_model {
                CostModel::Linear => (Some(vars.c[k]), None, x[k] * vars.c[k], vars.c[k]),
                CostModel::Effort => {
                    let s = vars.s[k];
                    let ok = s.is_finite() && s > 0.0;
                    (
                        None,
                        ok.then_some(s),
                        if ok { effort(x[k], s) } else { 0.0 },
                        if ok {
                            2.0 * x[k] / (s * s)
                        } else {
                            f64::INFINITY
                        },
                    )
                }
            };
            PlanItem {
                measure: m,
                code: meas.code.clone(),
                name_en: meas.name_en.clone(),
                name_vi: meas.name_vi.clone(),
                current,
                cap: vars.cap[k],
                unit_cost,
                scale,
                total_per_unit: vars.a[k],
                gain: x[k],
                target: current + x[k],
                cost,
                marginal_cost,
                share: if delivered > 0.0 {
                    x[k] * vars.a[k] / delivered
                } else {
                    0.0
                },
            }
        })
        .collect()
}

impl Plan {
    /// Gains as (measure code, units) for the measures with a positive gain.
    pub fn gains(&self) -> Vec<(String, f64)> {
        self.items
            .iter()
            .filter(|i| i.gain > 0.0)
            .map(|i| (i.code.clone(), i.gain))
            .collect()
    }

    /// One row per measure of the plan.
    pub fn frame(&self, lang: Lang) -> Result<DataFrame> {
        let it = &self.items;
        let f = |g: fn(&PlanItem) -> f64| it.iter().map(|i| Some(g(i))).collect::<Vec<_>>();
        frame::build(
            it.len(),
            vec![
                frame::col_str(
                    "measure",
                    &it.iter().map(|i| Some(i.code.clone())).collect::<Vec<_>>(),
                ),
                frame::col_str(
                    "name",
                    &it.iter()
                        .map(|i| Some(lang.pick(&i.name_en, &i.name_vi).to_string()))
                        .collect::<Vec<_>>(),
                ),
                frame::col_f64("current", f(|i| i.current)),
                frame::col_f64("cap", f(|i| i.cap)),
                frame::col_f64("unit_cost", it.iter().map(|i| i.unit_cost).collect()),
                frame::col_f64("scale", it.iter().map(|i| i.scale).collect()),
                frame::col_f64("total_per_unit", f(|i| i.total_per_unit)),
                frame::col_f64("gain", f(|i| i.gain)),
                frame::col_f64(
                    "effort_units",
                    it.iter().map(|i| i.scale.map(|s| i.gain / s)).collect(),
                ),
                frame::col_f64("target", f(|i| i.target)),
                frame::col_f64("cost", f(|i| i.cost)),
                frame::col_f64("marginal_cost", f(|i| i.marginal_cost)),
                frame::col_f64("share", f(|i| i.share)),
            ],
        )
    }

    /// The plan table per dimension: current score and the province's rank on it, target score,
    /// required gain (dimension points), share of the total gain and cost. Every dimension of the
    /// table is listed (gain 0 where the plan asks nothing).
    pub fn dimension_table(&self, model: &Model, lang: Lang) -> Result<DataFrame> {
        let t = model.table;
        let p = t.province_index(self.province)?;
        let dims: Vec<usize> = (0..t.measures.len())
            .filter(|&m| t.measures[m].level == Level::Dimension)
            .collect();
        let delivered: f64 = self.items.iter().map(|i| i.gain * i.total_per_unit).sum();
        let mut rows: Vec<(usize, f64, f64)> = Vec::new(); // dim, gain (dimension points), cost
        for &d in &dims {
            let mut gain = 0.0;
            let mut cost = 0.0;
            for i in &self.items {
                if let Some(s) = model.per_unit_of_ancestor(i.measure, d) {
                    gain += i.gain * s;
                    cost += i.cost;
                }
            }
            rows.push((d, gain, cost));
        }
        let cur = |d: usize| t.values[d][p];
        let rank_on = |d: usize| rank_desc(&t.values[d])[p];
        let h = rows.len();
        frame::build(
            h,
            vec![
                frame::col_str(
                    "dimension",
                    &rows
                        .iter()
                        .map(|r| Some(t.measures[r.0].code.clone()))
                        .collect::<Vec<_>>(),
                ),
                frame::col_str(
                    "name",
                    &rows
                        .iter()
                        .map(|r| {
                            let m = &t.measures[r.0];
                            Some(lang.pick(&m.name_en, &m.name_vi).to_string())
                        })
                        .collect::<Vec<_>>(),
                ),
                frame::col_f64("current", rows.iter().map(|r| cur(r.0)).collect()),
                frame::col_u32("current_rank", rows.iter().map(|r| rank_on(r.0)).collect()),
                frame::col_f64(
                    "target",
                    rows.iter().map(|r| cur(r.0).map(|c| c + r.1)).collect(),
                ),
                frame::col_f64("required_gain", rows.iter().map(|r| Some(r.1)).collect()),
                frame::col_f64(
                    "share",
                    rows.iter()
                        .map(|r| {
                            Some(if delivered > 0.0 {
                                r.1 / delivered
                            } else {
                                0.0
                            })
                        })
                        .collect(),
                ),
                frame::col_f64("cost", rows.iter().map(|r| Some(r.2)).collect()),
            ],
        )
    }
}

impl Plan {
    /// What the plan asks for as plain numbers, for the plan review
    /// ([`crate::analysis::review::Review::check_plan`]): points of total, every dimension's gain
    /// (dimension points, 0 where the plan asks nothing) and, for a sub-dimension plan, every
    /// sub-dimension of the plan.
    pub fn planned_gains(&self, model: &Model) -> PlannedGains {
        let t = model.table;
        let mut axes = Vec::new();
        for d in (0..t.measures.len()).filter(|&m| t.measures[m].level == Level::Dimension) {
            let gain: f64 = self
                .items
                .iter()
                .filter_map(|i| model.per_unit_of_ancestor(i.measure, d).map(|s| i.gain * s))
                .sum();
            axes.push(PlannedAxis::of(&t.measures[d], gain));
        }
        if self.level == Level::Subdimension {
            axes.extend(
                self.items
                    .iter()
                    .map(|i| PlannedAxis::of(&t.measures[i.measure], i.gain)),
            );
        }
        PlannedGains {
            province: self.province,
            year: self.year,
            level: self.level,
            total: self.items.iter().map(|i| i.gain * i.total_per_unit).sum(),
            axes,
        }
    }

    /// The plan table with the responsible agencies: one row per measure of the plan (its level),
    /// with the dimension, the number printed in the report ("6.1"), the name, the agencies
    /// assigned to it in `agencies` (lead agencies first; a sub-dimension also gets the agencies
    /// assigned to its whole dimension), current score and the province's rank on it, cap, gain,
    /// target, share of the gain and cost.
    pub fn agency_table(
        &self,
        model: &Model,
        agencies: &AgencyTable,
        lang: Lang,
    ) -> Result<DataFrame> {
        let t = model.table;
        let p = t.province_index(self.province)?;
        let it = &self.items;
        let dim_of = |m: usize| model.dimension_of(m).map(|d| t.measures[d].code.clone());
        let owners_of = |m: usize| -> Option<String> {
            let meas = &t.measures[m];
            let d = dim_of(m)?;
            let sub = match meas.level {
                Level::Subdimension => Some(meas.code.as_str()),
                Level::Indicator => meas.parent.as_deref(),
                _ => None,
            };
            let names: Vec<String> = owners(agencies, &d, sub)
                .into_iter()
                .map(|(_, code)| {
                    agencies
                        .agencies
                        .iter()
                        .find(|a| a.code == code)
                        .map_or(code.to_string(), |a| {
                            lang.pick(&a.name_en, &a.name_vi).to_string()
                        })
                })
                .collect();
            Some(names.join("; "))
        };
        let numbers = t.measure_numbers();
        let ranks: Vec<Option<u32>> = it
            .iter()
            .map(|i| rank_desc(&t.values[i.measure])[p])
            .collect();
        let f = |g: fn(&PlanItem) -> f64| it.iter().map(|i| Some(g(i))).collect::<Vec<_>>();
        let strs = |g: &dyn Fn(&PlanItem) -> Option<String>| it.iter().map(g).collect::<Vec<_>>();
        frame::build(
            it.len(),
            vec![
                frame::col_str("dimension", &strs(&|i| dim_of(i.measure))),
                frame::col_str("measure", &strs(&|i| Some(i.code.clone()))),
                frame::col_str(
                    "number",
                    &strs(&|i| Some(numbers[i.measure].clone()).filter(|n| !n.is_empty())),
                ),
                frame::col_str(
                    "name",
                    &strs(&|i| Some(lang.pick(&i.name_en, &i.name_vi).to_string())),
                ),
                frame::col_str("agencies", &strs(&|i| owners_of(i.measure))),
                frame::col_f64("current", f(|i| i.current)),
                frame::col_u32("current_rank", ranks),
                frame::col_f64("cap", f(|i| i.cap)),
                frame::col_f64("gain", f(|i| i.gain)),
                frame::col_f64("target", f(|i| i.target)),
                frame::col_f64("share", f(|i| i.share)),
                frame::col_f64("cost", f(|i| i.cost)),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scores::Measure;
    use crate::simulation::simulate::tests::toy_table;
    use proptest::prelude::*;

    #[test]
    fn dak_lak_to_rank_15_2023() {
        // Expected: the 15th-highest 2023 total among the other provinces (Hà Nội, 43.960304 in the
        // panel CSV) minus Đắk Lắk's 42.32653, plus EPSILON.
        // Unit costs (the linear model): the numbers below are the LP's.
        let t = ScoreTable::from_published(2023).unwrap();
        let unit = OptimiseOptions {
            costs: (1..=8).map(|d| (format!("d{d}"), 1.0)).collect(),
            ..Default::default()
        };
        let plan = optimise(&t, 66, Target::Rank(15), &unit).unwrap();
        let p = t.province_index(66).unwrap();
        let own = t.values[0][p].unwrap();
        let mut others: Vec<f64> = t.values[0]
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != p)
            .filter_map(|(_, v)| *v)
            .collect();
        others.sort_by(|a, b| b.partial_cmp(a).unwrap());
        let expected = others[14] - own + 1e-4;
        assert!((others[14] - 43.9603).abs() < 1e-4);
        let total_gain: f64 = plan.items.iter().map(|i| i.gain).sum();
        assert!((total_gain - expected).abs() < 1e-9);
        assert!((plan.total_after - (others[14] + 1e-4)).abs() < 1e-9);
        assert_eq!(plan.rank_after, 15);
        for i in &plan.items {
            assert!(i.target <= i.cap + 1e-12);
            assert!(i.gain >= 0.0);
        }
        assert!((plan.total_cost - expected).abs() < 1e-9);
        let dt = plan
            .dimension_table(&Model::new(&t).unwrap(), Lang::En)
            .unwrap();
        assert_eq!(dt.height(), 8);
    }

    #[test]
    fn dak_lak_2024_high_average_effort_model() {
        // Before (unit costs, the LP's tie rule): the whole +0.7188 on d1. After (effort model):
        // spread so that 2 x_d / s_d^2 is equal on every dimension below its cap.
        let t = ScoreTable::from_published(2024).unwrap();
        let target = Target::Group(Group::HighAverage);
        let unit = OptimiseOptions {
            costs: (1..=8).map(|d| (format!("d{d}"), 1.0)).collect(),
            ..Default::default()
        };
        let lp = optimise(&t, 66, target, &unit).unwrap();
        assert_eq!(lp.gains().len(), 1);
        assert_eq!(lp.gains()[0].0, "d1");
        assert!((lp.requirement.gain - 0.7188).abs() < 1e-4);
        let plan = optimise(&t, 66, target, &OptimiseOptions::default()).unwrap();
        assert_eq!(plan.cost_model, CostModel::Effort);
        assert_eq!(plan.group_after, Some(Group::HighAverage));
        let moved: Vec<&PlanItem> = plan.items.iter().filter(|i| i.gain > 1e-12).collect();
        assert!(moved.len() >= 4, "{:?}", plan.gains());
        let delivered: f64 = plan.items.iter().map(|i| i.gain).sum();
        assert!((delivered - plan.requirement.gain).abs() < 1e-9);
        // Equal marginal effort on the axes below their cap; no capped axis has a higher one.
        let free: Vec<&&PlanItem> = moved.iter().filter(|i| i.target < i.cap - 1e-12).collect();
        let mu = free[0].marginal_cost;
        for i in &free {
            assert!((i.marginal_cost - mu).abs() < 1e-9 * (1.0 + mu));
        }
        for i in plan.items.iter().filter(|i| i.target >= i.cap - 1e-12) {
            assert!(i.marginal_cost <= mu + 1e-9);
        }
        // Among the free axes, gain rises with the spread (x = mu s^2 / 2).
        let mut by_scale: Vec<(f64, f64)> =
            free.iter().map(|i| (i.scale.unwrap(), i.gain)).collect();
        by_scale.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(by_scale.windows(2).all(|w| w[0].1 <= w[1].1 + 1e-12));
        // Trend: the plan must be larger, and reach the group when re-simulated with the same others.
        let trend = OptimiseOptions {
            others: Others::Trend { years: 3 },
            ..Default::default()
        };
        let tp = optimise(&t, 66, target, &trend).unwrap();
        assert!(tp.requirement.gain > plan.requirement.gain);
        let changes: Vec<Change> = tp
            .gains()
            .into_iter()
            .map(|(m, x)| Change {
                province: 66,
                measure: m,
                amount: Amount::Points(x),
            })
            .collect();
        let sim = crate::simulation::simulate::simulate(&t, &changes, trend.others).unwrap();
        let p = t.province_index(66).unwrap();
        assert_eq!(sim.group_after[p], Some(Group::HighAverage));
        assert_eq!(sim.rank_after[p], Some(tp.rank_after));
    }

    #[test]
    fn infeasible_reports_best_rank() {
        let t = ScoreTable::from_published(2023).unwrap();
        let opts = OptimiseOptions {
            caps: vec![
                ("d1".into(), 5.0),
                ("d2".into(), 5.4),
                ("d3".into(), 4.3),
                ("d4".into(), 6.7),
                ("d5".into(), 7.3),
                ("d6".into(), 7.6),
                ("d7".into(), 3.3),
                ("d8".into(), 3.5),
            ],
            ..Default::default()
        };
        match optimise(&t, 66, Target::Rank(1), &opts) {
            Err(PapiError::Infeasible {
                best_rank,
                best_score,
                ..
            }) => {
                let p = t.province_index(66).unwrap();
                let above = t.values[0]
                    .iter()
                    .enumerate()
                    .filter(|(i, v)| *i != p && v.is_some_and(|v| v > best_score))
                    .count() as u32;
                assert_eq!(best_rank, above + 1);
                assert!(best_rank > 1);
            }
            other => panic!("expected Infeasible, got {other:?}"),
        }
    }

    #[test]
    fn typed_errors() {
        let t = ScoreTable::from_published(2023).unwrap();
        let neg = OptimiseOptions {
            costs: vec![("d1".into(), -1.0)],
            ..Default::default()
        };
        assert!(matches!(
            optimise(&t, 66, Target::Rank(15), &neg),
            Err(PapiError::InvalidArgument { .. })
        ));
        let cap = OptimiseOptions {
            caps: vec![("d1".into(), 11.0)],
            ..Default::default()
        };
        assert!(matches!(
            optimise(&t, 66, Target::Rank(15), &cap),
            Err(PapiError::InvalidArgument { .. })
        ));
        let unk = OptimiseOptions {
            costs: vec![("d9".into(), 1.0)],
            ..Default::default()
        };
        assert!(matches!(
            optimise(&t, 66, Target::Rank(15), &unk),
            Err(PapiError::UnknownCode { .. })
        ));
        let lvl = OptimiseOptions {
            level: Level::Subdimension,
            ..Default::default()
        };
        // a table without sub-dimensions cannot plan at that level
        let dims_only = ScoreTable::from_published_dimensions(2023).unwrap();
        assert!(matches!(
            optimise(&dims_only, 66, Target::Rank(15), &lvl),
            Err(PapiError::InvalidArgument { .. })
        ));
        assert!(optimise(&t, 66, Target::Rank(0), &OptimiseOptions::default()).is_err());
        assert!(optimise(&t, 66, Target::Score(100.0), &OptimiseOptions::default()).is_err());
        // already there: empty plan
        let p = optimise(&t, 66, Target::Rank(40), &OptimiseOptions::default()).unwrap();
        assert_eq!(p.total_cost, 0.0);
    }

    #[test]
    fn group_and_indicator_targets() {
        let t = ScoreTable::from_published(2023).unwrap();
        let plan = optimise(
            &t,
            66,
            Target::Group(Group::High),
            &OptimiseOptions::default(),
        )
        .unwrap();
        assert_eq!(plan.group_after, Some(Group::High));
        // indicator level on the toy table: only i1, i2 are variables, 0.0225 points per unit.
        let toy = toy_table();
        let opts = OptimiseOptions {
            level: Level::Indicator,
            costs: vec![("i2".into(), 0.5)],
            ..Default::default()
        };
        let own = toy.values[0][0].unwrap();
        let plan = optimise(&toy, 66, Target::Score(own + 0.3), &opts).unwrap();
        // i2 is cheaper; its cap is the best i2 (90), headroom 40 units = 0.9 points >= 0.3.
        assert!((plan.items[1].gain - 0.3 / 0.0225).abs() < 1e-9);
        assert_eq!(plan.items[0].gain, 0.0);
    }

    /// 4 provinces, 3 dimensions: a toy published-like table.
    fn four(scores: [[f64; 3]; 4]) -> ScoreTable {
        let m = Measure::named;
        let mut measures = vec![m("total", Level::Total, None, 3.0, 30.0)];
        for d in ["d1", "d2", "d3"] {
            measures.push(m(d, Level::Dimension, Some("total"), 1.0, 10.0));
        }
        let mut values = vec![
            scores
                .iter()
                .map(|s| Some(s.iter().sum()))
                .collect::<Vec<_>>(),
        ];
        for k in 0..3 {
            values.push(scores.iter().map(|s| Some(s[k])).collect());
        }
        ScoreTable {
            year: 2023,
            source: "toy".into(),
            provinces: vec![1, 2, 4, 6],
            measures,
            values,
            se: None,
            replicates: None,
        }
    }

    /// Exact LP optimum by vertex enumeration: every basic solution has all variables at a bound
    /// except at most one.
    fn vertex_min(need: f64, a: &[f64], c: &[f64], u: &[f64]) -> Option<f64> {
        let n = a.len();
        let mut best: Option<f64> = None;
        for mask in 0..(1u32 << n) {
            let at_cap = |i: usize| mask & (1 << i) != 0;
            let base: f64 = (0..n).filter(|&i| at_cap(i)).map(|i| a[i] * u[i]).sum();
            let cost: f64 = (0..n).filter(|&i| at_cap(i)).map(|i| c[i] * u[i]).sum();
            let mut cands = vec![];
            if base >= need - 1e-12 {
                cands.push(cost);
            }
            for j in (0..n).filter(|&j| !at_cap(j)) {
                let x = (need - base) / a[j];
                if x >= 0.0 && x <= u[j] + 1e-12 {
                    cands.push(cost + c[j] * x);
                }
            }
            for v in cands {
                best = Some(best.map_or(v, |b: f64| b.min(v)));
            }
        }
        best
    }

    #[test]
    fn matches_brute_force_on_four_provinces() {
        // Province 6 (column 3) aims at rank 1; competitors fixed.
        let t = four([
            [6.0, 5.5, 7.0],
            [5.0, 6.0, 5.0],
            [4.0, 5.0, 6.0],
            [4.2, 4.0, 5.1],
        ]);
        let costs = [1.0, 2.0, 0.5];
        let opts = OptimiseOptions {
            costs: vec![
                ("d1".into(), costs[0]),
                ("d2".into(), costs[1]),
                ("d3".into(), costs[2]),
            ],
            ..Default::default()
        };
        let plan = optimise(&t, 6, Target::Rank(1), &opts).unwrap();
        // Grid search over gains in steps of 0.01 up to each cap (best observed: 6.0, 6.0, 7.0).
        let own: [f64; 3] = [4.2, 4.0, 5.1];
        let cap: [f64; 3] = [6.0, 6.0, 7.0];
        let need = 18.5 - (4.2 + 4.0 + 5.1) + 1e-4;
        let steps = |k: usize| ((cap[k] - own[k]) / 0.01).round() as usize;
        let mut grid_best = f64::INFINITY;
        for i in 0..=steps(0) {
            for j in 0..=steps(1) {
                for k in 0..=steps(2) {
                    let g = [i as f64 * 0.01, j as f64 * 0.01, k as f64 * 0.01];
                    if g.iter().sum::<f64>() >= need {
                        let cost: f64 = (0..3).map(|d| g[d] * costs[d]).sum();
                        grid_best = grid_best.min(cost);
                    }
                }
            }
        }
        assert!(plan.total_cost <= grid_best + 1e-9);
        // The grid optimum is within one step of the most expensive measure of the exact one.
        assert!(grid_best - plan.total_cost <= 0.01 * 2.0 + 1e-9);
        let u: Vec<f64> = (0..3).map(|k| cap[k] - own[k]).collect();
        let exact = vertex_min(need, &[1.0; 3], &costs, &u).unwrap();
        assert!((plan.total_cost - exact).abs() < 1e-9);
        assert_eq!(plan.rank_after, 1);
        // Unreachable with caps: rank 1 needs 5.2001 > 1.8 + 2.0 + 1.9.
        let cap_opts = OptimiseOptions {
            caps: vec![("d1".into(), 5.0)],
            ..opts.clone()
        };
        assert!(matches!(
            optimise(&t, 6, Target::Rank(1), &cap_opts),
            Err(PapiError::Infeasible { best_rank: 2, .. })
        ));
    }

    proptest! {
        #[test]
        fn greedy_equals_vertex_enumeration(
            a in prop::collection::vec(0.05f64..3.0, 1..6),
            c in prop::collection::vec(0.0f64..5.0, 6),
            u in prop::collection::vec(0.0f64..4.0, 6),
            need in 0.0f64..10.0,
        ) {
            let n = a.len();
            let (c, u) = (&c[..n], &u[..n]);
            let g = solve_greedy(need, &a, c, u);
            let v = vertex_min(need, &a, c, u);
            match (g, v) {
                (Some(x), Some(best)) => {
                    let cost: f64 = x.iter().zip(c).map(|(x, c)| x * c).sum();
                    let got: f64 = x.iter().zip(&a).map(|(x, a)| x * a).sum();
                    prop_assert!(got >= need - 1e-9);
                    for i in 0..n { prop_assert!(x[i] >= 0.0 && x[i] <= u[i] + 1e-12); }
                    prop_assert!((cost - best).abs() < 1e-7 * (1.0 + best));
                }
                (None, None) => {}
                (g, v) => {
                    // only borderline cases may disagree (capacity equal to the need)
                    let capacity: f64 = a.iter().zip(u).map(|(a, u)| a * u).sum();
                    prop_assert!((capacity - need).abs() < 1e-9, "{:?} vs {:?}", g, v);
                }
            }
        }
    }

    /// 4 provinces, 2 dimensions of 2 sub-dimensions each (0.5..5 per sub-dimension).
    fn four_subs(subs: [[f64; 4]; 4]) -> ScoreTable {
        let m = Measure::named;
        let measures = vec![
            m("total", Level::Total, None, 2.0, 20.0),
            m("d1", Level::Dimension, Some("total"), 1.0, 10.0),
            m("d2", Level::Dimension, Some("total"), 1.0, 10.0),
            m("s11", Level::Subdimension, Some("d1"), 0.5, 5.0),
            m("s12", Level::Subdimension, Some("d1"), 0.5, 5.0),
            m("s21", Level::Subdimension, Some("d2"), 0.5, 5.0),
            m("s22", Level::Subdimension, Some("d2"), 0.5, 5.0),
        ];
        let col = |f: &dyn Fn(&[f64; 4]) -> f64| subs.iter().map(|s| Some(f(s))).collect();
        let values = vec![
            col(&|s| s.iter().sum()),
            col(&|s| s[0] + s[1]),
            col(&|s| s[2] + s[3]),
            col(&|s| s[0]),
            col(&|s| s[1]),
            col(&|s| s[2]),
            col(&|s| s[3]),
        ];
        ScoreTable {
            year: 2023,
            source: "toy".into(),
            provinces: vec![1, 2, 4, 6],
            measures,
            values,
            se: None,
            replicates: None,
        }
    }

    /// Issue 10: the sub-dimension plan is optimal against brute force on a small case, with user
    /// costs per sub-dimension (exact LP: vertex enumeration) and with the effort model (grid).
    #[test]
    fn subdimension_plan_matches_brute_force() {
        let t = four_subs([
            [3.0, 2.5, 3.5, 3.0],
            [2.5, 3.0, 2.5, 2.5],
            [2.0, 2.5, 3.0, 2.5],
            [2.0, 2.2, 2.4, 2.6],
        ]);
        let own = [2.0, 2.2, 2.4, 2.6];
        let cap = [3.0, 3.0, 3.5, 3.0]; // best observed per sub-dimension
        let u: Vec<f64> = (0..4).map(|k| cap[k] - own[k]).collect();
        let need = 12.0 - 9.2 + EPSILON; // strictly above province 1's total
        let costs = [1.0, 2.5, 0.5, 1.5];
        let opts = OptimiseOptions {
            level: Level::Subdimension,
            costs: ["s11", "s12", "s21", "s22"]
                .iter()
                .zip(costs)
                .map(|(c, v)| ((*c).to_string(), v))
                .collect(),
            ..Default::default()
        };
        let plan = optimise(&t, 6, Target::Rank(1), &opts).unwrap();
        let exact = vertex_min(need, &[1.0; 4], &costs, &u).unwrap();
        assert!(
            (plan.total_cost - exact).abs() < 1e-9,
            "{} vs {exact}",
            plan.total_cost
        );
        assert_eq!(plan.rank_after, 1);
        for (i, it) in plan.items.iter().enumerate() {
            assert!(it.gain >= 0.0 && it.gain <= u[i] + 1e-12);
        }
        // Effort model: minimise sum (x / sd)^2; grid over three gains (step 0.005), the fourth
        // takes what is left and must fit its cap.
        let effort_opts = OptimiseOptions {
            level: Level::Subdimension,
            ..Default::default()
        };
        let plan = optimise(&t, 6, Target::Rank(1), &effort_opts).unwrap();
        let sd: Vec<f64> = (3..7).map(|m| spread_scale(&t, m).unwrap()).collect();
        let cost = |x: &[f64]| x.iter().zip(&sd).map(|(x, s)| effort(*x, *s)).sum::<f64>();
        let steps = |k: usize| (u[k] / 0.005).floor() as usize;
        let mut grid = f64::INFINITY;
        for i in 0..=steps(0) {
            for j in 0..=steps(1) {
                for k in 0..=steps(2) {
                    let x = [i as f64 * 0.005, j as f64 * 0.005, k as f64 * 0.005];
                    let l = need - x.iter().sum::<f64>();
                    if (0.0..=u[3]).contains(&l) {
                        grid = grid.min(cost(&[x[0], x[1], x[2], l]));
                    }
                }
            }
        }
        assert!(
            plan.total_cost <= grid + 1e-12,
            "{} vs {grid}",
            plan.total_cost
        );
        assert!(
            grid - plan.total_cost < 1e-3,
            "{} vs {grid}",
            plan.total_cost
        );
    }

    /// Issue 10: with uniform user costs the sub-dimension plan's gain (and cost) equals the
    /// dimension-level optimum on the published 2023 scores (Đắk Lắk to rank 15); its agency table
    /// names the departments per sub-dimension.
    #[test]
    fn uniform_costs_subdimension_equals_dimension_2023() {
        let t = ScoreTable::from_published(2023).unwrap();
        let m = Model::new(&t).unwrap();
        let dim = OptimiseOptions {
            costs: vec![("d1".into(), 1.0)],
            ..Default::default()
        };
        let sub = OptimiseOptions {
            level: Level::Subdimension,
            costs: vec![("6.1".into(), 1.0)],
            ..Default::default()
        };
        let a = optimise_with(&m, 66, Target::Rank(15), &dim).unwrap();
        let b = optimise_with(&m, 66, Target::Rank(15), &sub).unwrap();
        let gain = |p: &Plan| {
            p.items
                .iter()
                .map(|i| i.gain * i.total_per_unit)
                .sum::<f64>()
        };
        assert!(
            (gain(&a) - gain(&b)).abs() < 1e-9,
            "{} vs {}",
            gain(&a),
            gain(&b)
        );
        assert!((a.total_cost - b.total_cost).abs() < 1e-9);
        assert_eq!((a.rank_after, b.rank_after), (15, 15));
        assert_eq!(b.items.len(), 28);
        assert!(b.items.iter().all(|i| i.target <= i.cap + 1e-12));
        // planned gains for the review: dimensions sum to the total, sub-dimensions to their dimension
        let pg = b.planned_gains(&m);
        let dims: f64 = pg
            .axes
            .iter()
            .filter(|x| x.level == Level::Dimension)
            .map(|x| x.gain)
            .sum();
        assert!((dims - pg.total).abs() < 1e-12 && (pg.total - gain(&b)).abs() < 1e-12);
        let ag = b
            .agency_table(&m, crate::analysis::agency::builtin().unwrap(), Lang::Vi)
            .unwrap();
        assert_eq!(ag.height(), 28);
        let numbers = frame::str_col(&ag, "number").unwrap();
        let names = frame::str_col(&ag, "agencies").unwrap();
        let k = numbers
            .iter()
            .position(|n| n.as_deref() == Some("6.1"))
            .unwrap();
        assert!(
            names[k].as_deref().unwrap().starts_with("Sở Y tế"),
            "{:?}",
            names[k]
        );
        // costs by number, code or name address the same sub-dimension; a dimension code does not
        // belong to a sub-dimension plan and the error lists the plan's measures
        let e = optimise_with(
            &m,
            66,
            Target::Rank(15),
            &OptimiseOptions {
                costs: vec![("d6".into(), 1.0)],
                ..sub.clone()
            },
        );
        assert!(
            matches!(&e, Err(PapiError::InvalidArgument { argument, message }) if argument == "costs" && message.contains("public_health")),
            "{e:?}"
        );
        let e = optimise_with(
            &m,
            66,
            Target::Rank(15),
            &OptimiseOptions {
                caps: vec![("5.4".into(), 2.0)],
                ..sub.clone()
            },
        );
        assert!(matches!(e, Err(PapiError::UnknownCode { .. })), "{e:?}");
        // the effort model spreads the gain over the sub-dimensions
        let c = optimise_with(
            &m,
            66,
            Target::Rank(15),
            &OptimiseOptions {
                level: Level::Subdimension,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(c.rank_after, 15);
        assert!(c.items.iter().filter(|i| i.gain > 0.0).count() > 8);
    }

    /// Issue 10, plan review: a sub-dimension plan made on 2023 set against 2024. Planned per axis
    /// = the plan's gains; realised = the published change (6.2: 1.8951 -> 1.4434, read from the
    /// embedded CSV independently); a plan on the wrong year or province is refused.
    #[test]
    fn review_against_a_subdimension_plan() {
        use crate::analysis::review::{Goal, review};
        let t = ScoreTable::from_published(2023).unwrap();
        let m = Model::new(&t).unwrap();
        let opts = OptimiseOptions {
            level: Level::Subdimension,
            ..Default::default()
        };
        let plan = optimise_with(&m, 66, Target::Rank(25), &opts).unwrap();
        let agencies = crate::analysis::agency::builtin().unwrap();
        let r = review(66, 2024, Goal::Rank(25), agencies).unwrap();
        let check = r.check_plan(&plan.planned_gains(&m)).unwrap();
        assert_eq!(check.rows.len(), 1 + 8 + 28);
        assert!((check.rows[0].planned - plan.requirement.gain).abs() < 1e-9);
        assert!((check.rows[0].realised.unwrap() - 0.6837).abs() < 5e-5);
        let row = |c: &str| check.rows.iter().find(|x| x.code == c).unwrap();
        let pe = row("public_primary_education");
        let v = |y| {
            crate::subdimension_scores::value(66, y, "public_primary_education")
                .unwrap()
                .unwrap()
        };
        assert!((pe.realised.unwrap() - (v(2024) - v(2023))).abs() < 1e-12);
        assert_eq!(pe.number, "6.2");
        assert!(pe.agencies.iter().any(|a| a == "gddt"));
        let item = plan
            .items
            .iter()
            .find(|i| i.code == "public_primary_education")
            .unwrap();
        assert!((pe.planned - item.gain).abs() < 1e-15);
        let d6: f64 = plan
            .items
            .iter()
            .filter(|i| t.measures[i.measure].parent.as_deref() == Some("d6"))
            .map(|i| i.gain)
            .sum();
        assert!((row("d6").planned - d6).abs() < 1e-12);
        let (reached, n) = check.reached();
        assert!(n > 0 && reached <= n);
        assert!(check.sentence(Lang::En).unwrap().contains("2023"));
        assert_eq!(check.frame(Lang::Vi).unwrap().height(), 37);
        // the plan must be made on the year before the review, for the same province
        let r23 = review(66, 2023, Goal::ImproveRank, agencies).unwrap();
        assert!(matches!(
            r23.check_plan(&plan.planned_gains(&m)),
            Err(PapiError::InvalidArgument { argument, .. }) if argument == "plan"
        ));
        let other = review(1, 2024, Goal::ImproveRank, agencies).unwrap();
        assert!(other.check_plan(&plan.planned_gains(&m)).is_err());
    }
}
