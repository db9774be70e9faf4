//! The Pareto frontier of a set of outcomes `(x, y)`.
//!
//! Each coordinate has a [`Goal`]: more is better ([`Goal::Max`]) or less is better
//! ([`Goal::Min`]). Point `j` *dominates* point `i` when it is at least as good on both
//! coordinates and strictly better on one. The frontier is the set of points no other point
//! dominates, with two conventions:
//!
//! - **Ties.** Points with exactly the same `(x, y)` do not dominate each other; the frontier
//!   lists such an outcome once, by its lowest index (so adjacent frontier points always differ
//!   and the slope between them, the marginal rate of substitution, is defined).
//! - **Non-finite values.** A point with a NaN or infinite coordinate is never on the frontier
//!   and dominates nothing.
//!
//! The indices come sorted by `x` ascending (distinct frontier points never share an `x`: of
//! two with the same `x`, one dominates the other or they tie). `O(n log n)`.

use crate::core::model::Direction;

/// Which way a number should go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Goal {
    /// Higher is better (maximise).
    Max,
    /// Lower is better (minimise).
    Min,
}

impl Goal {
    /// The goal of a metric's direction; `None` for [`Direction::Neither`].
    pub fn of(direction: Direction) -> Option<Goal> {
        match direction {
            Direction::HigherIsBetter => Some(Goal::Max),
            Direction::LowerIsBetter => Some(Goal::Min),
            Direction::Neither => None,
        }
    }

    /// `x` turned so that higher is better.
    pub fn oriented(self, x: f64) -> f64 {
        match self {
            Goal::Max => x,
            Goal::Min => -x,
        }
    }

    /// `"max"` or `"min"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Goal::Max => "max",
            Goal::Min => "min",
        }
    }
}

/// Indices of the non-dominated points of `points`, sorted by `x` ascending (see the module docs
/// for ties and non-finite values).
pub fn pareto_frontier(points: &[(f64, f64)], x_goal: Goal, y_goal: Goal) -> Vec<usize> {
    let mut order: Vec<usize> = (0..points.len())
        .filter(|&i| points[i].0.is_finite() && points[i].1.is_finite())
        .collect();
    let key = |i: usize| (x_goal.oriented(points[i].0), y_goal.oriented(points[i].1));
    // Best x first; among equal x, best y first; among equal points, lowest index first.
    order.sort_by(|&a, &b| {
        let (ax, ay) = key(a);
        let (bx, by) = key(b);
        bx.total_cmp(&ax).then(by.total_cmp(&ay)).then(a.cmp(&b))
    });
    // A point is on the frontier iff its y beats every y seen before it: the points before it
    // are at least as good in x, so one with a y at least as good dominates it (or ties it and
    // has a lower index).
    let mut frontier = Vec::new();
    let mut best_y = f64::NEG_INFINITY;
    for i in order {
        let (_, y) = key(i);
        if frontier.is_empty() || y > best_y {
            frontier.push(i);
            best_y = y;
        }
    }
    frontier.sort_by(|&a, &b| points[a].0.total_cmp(&points[b].0).then(a.cmp(&b)));
    frontier
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_frontier() {
        let points = [(1.0, 5.0), (2.0, 4.0), (1.5, 3.0), (3.0, 1.0), (2.0, 4.0)];
        assert_eq!(
            pareto_frontier(&points, Goal::Max, Goal::Max),
            vec![0, 1, 3]
        );
        // Lower x is better: (1, 5) dominates everything but (1.5, 3)? No: (1, 5) beats it too.
        assert_eq!(pareto_frontier(&points, Goal::Min, Goal::Max), vec![0]);
    }
}
