//! # Marketplace Sandbox — architecture map
//!
//! An ads-marketplace laboratory: the auction, the feed's ad-load policy and a day-by-day model of
//! users and advertisers, run by the same Rust code natively (CLI, tests, benchmarks) and in the
//! browser (WebAssembly, in a Web Worker).
//!
//! ## Bird's-eye view
//!
//! ```text
//!   URL query / JSON file ──► config ──► core (pure engine) ──► results ──► chart ──► ui (Yew)
//!                               ▲                                                 │
//!                               └──────────── actions (slider moved, pin…) ◄──────┘
//! ```
//!
//! Dependencies point one way: `core ← config ← app ← {chart, ui, bin/sandbox}`. Nothing in
//! `core` knows that a browser, a URL or a chart exists.
//!
//! ## Code map
//!
//! - [`core`] — the pure simulation engine.
//!   - [`core::rng`] — the only randomness: ChaCha8 streams (and xoshiro256++ for the many short
//!     per-user-day streams) derived per purpose and index from the seed, with our own portable
//!     samplers.
//!   - [`core::math`] — `exp`, `ln`, `pow`… in pure Rust (libm), the same bits on every target.
//!   - [`core::auction`] — mechanisms as data-in/data-out functions: ranking by utility, and
//!     first-price, GSP and VCG pricing over position slots.
//!   - [`core::lab`] — the one-shot mechanism lab (Monte Carlo and explicit auctions) used to
//!     validate the mechanisms against auction theory, with what only it needs:
//!     - [`core::lab::blocks`] — the Monte Carlo in blocks of lane streams (threads give the
//!       same bits), and the fast top-k kernel for bidders who bid their value.
//!     - [`core::lab::dist`] — value distributions (uniform, exponential, log-normal) with CDF,
//!       density, virtual value and sampling.
//!     - [`core::lab::equilibrium`] — equilibrium bidding: the first-price Bayes–Nash bid and
//!       the lowest envy-free GSP bids (Edelman–Ostrovsky–Schwarz).
//!     - [`core::lab::quadrature`] — adaptive Gauss–Legendre quadrature for the theory values
//!       and the equilibrium bids.
//!     - [`core::lab::pacing`] — the first-price pacing equilibrium of an explicit market
//!       (values per bidder and good, budgets), exact by an ascending max-flow algorithm, and
//!       the check of its conditions.
//!   - [`core::feed`] — blending a ranked organic list and a ranked ad list into one feed under
//!     guardrails: fixed, threshold (Lagrangian) and exact policies.
//!   - [`core::model`] — the day-by-day marketplace: users with fatigue, advertisers with budgets,
//!     pacing, churn and arrivals; per-day metrics and summaries.
//!     [`core::model::knobs`] is the one table of knobs (typed id, link key, configuration key,
//!     label, unit, help, limits, slider, the condition under which it acts, role and flags):
//!     validation, the link codec, JSON error messages, the controls, the Model page and the
//!     README's configuration table read it. [`core::model::constants`] names the model's fixed
//!     numbers (pacing factors, ROI memory, churn window…), which the Model page prints.
//!     [`core::model::metric_table`] lists every metric once (key, label, unit, format, which way
//!     is better, accessors); the KPI cards, the details table, the CSV and the charts read it.
//!     [`core::model::window`] names a summary metric in text (`last_week.engagement_per_day`).
//!     [`core::model::strategy_metrics`] breaks each summary window down by bidding strategy
//!     (spend, value, ROI, CPC, budget utilisation, goal attainment).
//!     [`core::model::learning`] is the `learning_shading` bidder's learner (win-rate estimates
//!     per shading level); [`core::model::hourly`] the spend through the day by strategy.
//!     [`core::model::engine`] splits a run into the population (users, advertisers, the day),
//!     one mechanism per arm (what a design decides) and shared scratch buffers;
//!     [`core::model::experiment`] serves two arms in one world (user, budget-split and
//!     switchback designs), the one-arm case being [`core::model::simulate`].
//!   - [`core::tradeoff`] — tradeoff curves: sweep grids of one or two knobs, Pareto frontiers,
//!     and a constrained optimizer over one to three knobs (coarse grid, then golden-section or
//!     compass search, an exact penalty for constraints, shadow prices), generic over a batch
//!     evaluator so that the CLI runs batches on threads and the browser on workers.
//!   - [`core::stats`] — experiment statistics at the randomisation unit: differences and
//!     relative lifts with 95% CIs (the delta method for ratio metrics such as CTR), CUPED, the
//!     sample-ratio-mismatch check, sample size and MDE, replication summaries (bias, RMSE,
//!     coverage) and an exponential decay's half-life; pure functions on numbers.
//! - [`config`] — the serialised contract: JSON configuration, the versioned URL codec with its
//!   migrations, presets, the configuration reference generated from the knob table
//!   ([`config::reference`]: `sandbox knobs`), the CLI's one-shot specs (`auction`, `feed`,
//!   `sweep` with its shards, `optimize`, `stats`).
//! - [`app`] — the app's logic without the browser, compiled and tested natively: the one
//!   reducer ([`app::state`]), the comparison of a design with the pinned baseline in four
//!   windows ([`app::compare`]), the worker protocol and its request handler
//!   ([`app::protocol`]), the Tradeoffs tab's sweep (points as worker jobs, latest sweep wins;
//!   [`app::sweep`]), the Lab tab's batches of `sandbox auction` specs ([`app::lab`], settings
//!   in the link under `lab.*` keys: [`config::lab`]), the Experiments tab's runs of `sandbox
//!   experiment` specs split into jobs over the worker pool and assembled on the page into the
//!   CLI's report, and its power calculator ([`app::experiment`], settings in the link under
//!   `exp.*` keys: [`config::experiment`]), number formatting ("—" for a ratio with nothing to divide by), the
//!   "no ads were shown" diagnosis ([`app::no_ads`]) and the first step's questions
//!   ([`app::first_step`]).
//! - [`chart`] — chart drawing, generic over the plotters backend (SVG natively for snapshot tests,
//!   canvas in the browser); [`chart::frontier`] draws the Tradeoffs tab's frontier, [`chart::lab`] the Lab tab's revenue
//!   against the reserve, [`chart::hourly`] the spend through the day, [`chart::experiment`] the
//!   Experiments views (daily effect, estimate against truth, learning curve) from a
//!   `sandbox experiment` report.
//! - `ui` (wasm32 only) — the thin Yew front end: components that render [`app::state`] and
//!   dispatch its actions, the Web Worker that runs [`app::protocol`], browser glue.
//! - `src/bin/sandbox.rs` — the CLI; `src/bin/app.rs`, `src/bin/worker.rs` — the browser entry points.
//!
//! ## Architecture invariants
//!
//! - **The core is pure.** `core` imports no web crate (`yew`, `web_sys`, `js_sys`, `gloo`,
//!   `wasm_bindgen`, `plotters_canvas`), reads no clock and no global or OS randomness
//!   (`thread_rng`, `rand::rng`, `OsRng`, `getrandom`), and calls no platform transcendental
//!   (`f64::exp`… differ in their last bits between glibc and wasm; it uses [`core::math`]).
//!   A test (`tests/architecture.rs`) scans the source and fails otherwise; `tests/wasm_golden.rs`
//!   checks in headless Chromium that a run's full output is bit-identical to the native one. So
//!   the engine compiles and tests natively, and the same configuration gives bit-identical
//!   numbers in the CLI and in the browser. `config`, `chart` and `app` import no web crate
//!   either (same test); only `ui` and the browser binaries do.
//! - **One row per knob, one row per metric.** A knob's range, help, condition and link key
//!   exist only in [`core::model::knobs`]; a metric's label, unit and direction only in
//!   [`core::model::metric_table`]. Tests pin the tables against validation, the JSON field
//!   names, the README, and the engine (a knob whose condition fails changes no number).
//! - **Randomness is an input.** Every stochastic function takes a [`core::rng::SimRng`] or a seed.
//!   Streams are derived per purpose and index, so two designs run on one seed see the same users
//!   and the same draws (common random numbers) and their difference is the design's effect.
//! - **Only validated input reaches the engine.** Raw configuration ([`core::model::Params`],
//!   parsed from JSON or a URL) becomes a [`core::model::Scenario`] only through validation, which
//!   returns every problem with the field, the allowed range and the value used instead. Parsing
//!   never panics: it yields a value plus a list of problems.
//! - **Derived data is never state.** The UI stores the configuration; results are computed from it.
//! - **Links outlive releases.** The URL carries a version; [`config::url`] migrates every earlier
//!   version forward. Changing what a configuration computes is a version bump.
//!
//! ## Units and conventions
//!
//! Money is in abstract currency units; bids, reserves and prices are **per click** unless a name
//! says otherwise (`_per_impression`, `_per_mille`). Time is in days; one simulated day is split
//! into hours for budget pacing. Feed positions are 1-based in every user-facing output.
//! Probabilities are in `[0, 1]`.
//!
//! ## Why…?
//!
//! - *Why our own samplers instead of `rand_distr`?* Shared links must reproduce after dependency
//!   upgrades; a library may change a sampling algorithm in a minor release. ChaCha8's stream is
//!   fixed by its specification; the conversions to numbers are ours and pinned by golden tests.
//! - *Why expectations inside a session?* Clicks and spend within a session are accumulated as
//!   expected values (the click probability times the price); only which users visit and which
//!   advertisers churn are drawn. Sampling clicks would add noise and no information.
//! - *Why is the web layer target-gated?* `yew`, `web-sys` and friends are dependencies of the
//!   wasm32 build only, so the native build (engine, CLI, tests) cannot accidentally use them.

// Public items say what they are and in which unit; the lint runs with `-D warnings`, so an
// undocumented public item fails the build's checks.
#![warn(missing_docs)]

pub mod app;
pub mod chart;
pub mod config;
pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod ui;
