use sandbox::core::auction::equilibrium::*;
use sandbox::core::dist::ValueDist;
use std::cell::Cell;

#[test]
fn dbg() {
    let d = ValueDist::Lognormal { mu: 0.0, sigma: 1.0 };
    let m = 99usize;
    let v: f64 = d.quantile(0.01);
    let fv = d.cdf(v);
    let count = Cell::new(0u64);
    let g = |w: f64| {
        count.set(count.get() + 1);
        let x = w.exp();
        let ratio = d.cdf(x) / fv;
        if ratio < 1e-100 { return 0.0; }
        x * x * m as f64 * ratio.powi(m as i32 - 1) * d.pdf(x) / fv
    };
    for tol in [1e-8, 1e-10, 1e-11, 1e-12, 1e-13, 1e-14] {
        count.set(0);
        let i = adaptive_gauss_legendre(&g, -40.0, v.ln(), tol, 4, 1e-12);
        println!("tol {tol:e}: {i:.15} evals {}", count.get());
    }
    // print integrand near the top
    for k in 0..10 {
        let w = v.ln() - 0.001 * k as f64;
        println!("w {w} g {:e}", g(w));
    }
}
