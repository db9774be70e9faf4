//! `sandbox auction SPEC`: the one-shot mechanism lab ([`crate::core::lab`]) from a JSON spec.
//!
//! **Monte Carlo mode** — `bidders` iid values per auction, repeated `auctions` times:
//!
//! ```json
//! {
//!   "format": "first_price",
//!   "bidding": "equilibrium",
//!   "bidders": 5,
//!   "values": {"uniform": {"low": 0, "high": 1}},
//!   "slot_ctrs": [1.0],
//!   "reserve": 0.25,
//!   "auctions": 100000,
//!   "seed": 1
//! }
//! ```
//!
//! Keys: `format` (`"first_price"`, `"gsp"` or `"vcg"`, required), `bidding` (`"truthful"`,
//! default, or `"equilibrium"`), `bidders` (n, 1..=1000), `values` (`{"uniform":{"low","high"}}`,
//! `{"exponential":{"rate"}}` or `{"lognormal":{"mu","sigma"}}`), `slot_ctrs` (position effects
//! α₁ ≥ α₂ ≥ … in (0, 1], at most n of them; default `[1.0]`), `reserve` (per click, ≥ 0;
//! default 0), `auctions` (1..=10⁸, default 100 000), `seed` (default 1). The report has
//! `revenue_per_auction`, `revenue_se`, `welfare_per_auction`, `welfare_se`, `sale_rate`,
//! `slot_sale_rate`, `slot_price_per_click` (`null` for a slot never sold), `revenue_theory` and
//! `welfare_theory` (exact expectations where theory gives them, else `null`) and
//! `myerson_reserve`; see [`MonteCarloReport`]. `format` may also be a list of 1 to 3 distinct
//! formats (`["gsp", "vcg"]`): the same auctions, value for value, priced by each, and the
//! report is a list of reports in that order. The auctions run on up to `threads` threads
//! ([`run_json_threads`]; the CLI's `--threads N`), with the same bytes for any number.
//!
//! **Explicit mode** — one auction with the given bidders (in input order):
//!
//! ```json
//! {
//!   "format": "gsp",
//!   "bids": [{"bid": 2.0, "quality": 0.5}, {"bid": 1.0}, {"bid": 0.5, "quality": 0.9}],
//!   "slot_ctrs": [0.3, 0.2],
//!   "squashing": 1.0,
//!   "reserve": 0.1
//! }
//! ```
//!
//! Keys: `format`, `bidding`, `bids` (1..=10 000 entries `{"bid", "value", "quality"}`: `quality`
//! defaults to 1; with truthful bidding give `bid` and/or `value` — the bid defaults to the value
//! and the value, used for welfare, to the bid; with equilibrium bidding give only `value`),
//! `slot_ctrs`, `squashing` (q in [0, 2], default 1: rank by `bid × quality^q`), `reserve`.
//! The report has `allocation` (bidder index per sold slot, 0-based), `slot_price_per_click`,
//! `slot_payment`, `revenue` (`Σ p_k·quality_k·α_k`), `welfare` (`Σ value_k·quality_k·α_k`) and,
//! with equilibrium bidding, `bids` (per click, input order); for GSP, `nash_check` (`nash`, and
//! the most profitable unilateral `deviation`: `bidder`, `slot`, `bid`, `gain`); see
//! [`ExplicitReport`].
//!
//! Unknown keys and keys of the other mode are errors; every error names the key and the
//! allowed range. [`run_json`] never panics.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{as_type, parse_object, unknown_key, SpecError};

use crate::core::auction::Format;
use crate::core::lab::dist::ValueDist;
use crate::core::lab::{
    self, Bidding, ExplicitBidder, ExplicitConfig, ExplicitReport, MonteCarloConfig,
    MonteCarloReport, RunOptions, MAX_AUCTIONS, MAX_BIDDERS,
};

/// Default number of Monte Carlo auctions.
pub const DEFAULT_AUCTIONS: u64 = 100_000;
/// Default seed.
pub const DEFAULT_SEED: u64 = 1;

/// One bidder of an explicit auction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BidSpec {
    /// Bid per click.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bid: Option<f64>,
    /// Value per click.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Click weight (quality), default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<f64>,
}

/// `format`: one format, or (Monte Carlo mode) a list of formats pricing the same auctions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FormatChoice {
    /// One format: the report is one object.
    One(Format),
    /// Several formats on the same values auction by auction: the report is a list, one
    /// object per format in this order.
    Several(Vec<Format>),
}

/// The raw `sandbox auction` specification (both modes; see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuctionSpec {
    /// How winners pay (a list: several formats on the same auctions).
    pub format: FormatChoice,
    /// How bidders bid (default truthful).
    #[serde(default)]
    pub bidding: Bidding,
    /// Monte Carlo: bidders per auction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bidders: Option<u64>,
    /// Monte Carlo: the value distribution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<ValueDist>,
    /// Slot click-through rates (default `[1.0]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot_ctrs: Option<Vec<f64>>,
    /// Reserve per click (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserve: Option<f64>,
    /// Monte Carlo: number of auctions (default [`DEFAULT_AUCTIONS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auctions: Option<u64>,
    /// Monte Carlo: seed (default [`DEFAULT_SEED`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Explicit: the bidders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bids: Option<Vec<BidSpec>>,
    /// Explicit: squashing exponent q (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub squashing: Option<f64>,
}

/// A validated lab run.
#[derive(Debug, Clone, PartialEq)]
pub enum AuctionRun {
    /// Monte Carlo mode.
    MonteCarlo(MonteCarloConfig),
    /// Monte Carlo mode with a list of formats (`config.format` is the first).
    MonteCarloFormats(MonteCarloConfig, Vec<Format>),
    /// Explicit mode.
    Explicit(ExplicitConfig),
}

/// The report of either mode.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum AuctionReport {
    /// Monte Carlo mode.
    MonteCarlo(MonteCarloReport),
    /// Monte Carlo mode with a list of formats: one report per format.
    MonteCarloFormats(Vec<MonteCarloReport>),
    /// Explicit mode.
    Explicit(ExplicitReport),
}

const KEYS: [&str; 10] = [
    "format",
    "bidding",
    "bidders",
    "values",
    "slot_ctrs",
    "reserve",
    "auctions",
    "seed",
    "bids",
    "squashing",
];

/// Keys that only make sense in Monte Carlo mode.
const MONTE_CARLO_KEYS: [&str; 4] = ["bidders", "values", "auctions", "seed"];

fn whole_number(key: &str, value: &Value, range: &str) -> Result<(), String> {
    match value {
        Value::Null => Ok(()),
        Value::Number(n) if n.is_u64() => Ok(()),
        other => Err(format!(
            "`{key}`: must be a whole number {range}, got {other}"
        )),
    }
}

/// Checks that `value` decodes as the type of `key`, naming the key if it does not.
fn check_key(key: &str, value: &Value) -> Result<(), String> {
    match key {
        "format" => match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    as_type::<Format>(&format!("format[{i}]"), item).map_err(|e| {
                        format!("{e} (allowed: \"first_price\", \"gsp\", \"vcg\")")
                    })?;
                }
                Ok(())
            }
            _ => as_type::<Format>(key, value).map_err(|e| {
                format!(
                    "{e} (allowed: \"first_price\", \"gsp\", \"vcg\", or a list of them)"
                )
            }),
        },
        "bidding" => as_type::<Bidding>(key, value)
            .map_err(|e| format!("{e} (allowed: \"truthful\", \"equilibrium\")")),
        "bidders" => whole_number(key, value, &format!("from 1 to {MAX_BIDDERS}")),
        "auctions" => whole_number(key, value, &format!("from 1 to {MAX_AUCTIONS}")),
        "seed" => whole_number(key, value, "from 0 to 2^64 − 1"),
        "values" => as_type::<Option<ValueDist>>(key, value).map_err(|e| {
            format!(
                "{e} (expected {{\"uniform\":{{\"low\":a,\"high\":b}}}}, {{\"exponential\":{{\"rate\":r}}}} or {{\"lognormal\":{{\"mu\":m,\"sigma\":s}}}})"
            )
        }),
        "slot_ctrs" => as_type::<Option<Vec<f64>>>(key, value)
            .map_err(|e| format!("{e} (expected a list of numbers in (0, 1])")),
        "reserve" | "squashing" => as_type::<Option<f64>>(key, value),
        "bids" => match value {
            Value::Null => Ok(()),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    BidSpec::deserialize(item).map_err(|e| {
                        format!(
                            "`bids[{i}]`: {e} (expected {{\"bid\": b, \"quality\": e}} or {{\"value\": v, \"quality\": e}})"
                        )
                    })?;
                }
                Ok(())
            }
            other => Err(format!(
                "`bids`: must be a list of {{\"bid\": b, \"quality\": e}} objects, got {other}"
            )),
        },
        _ => Err(unknown_key(key, &KEYS)),
    }
}

/// Parses a spec, with errors naming the offending key.
pub fn parse(input: &str) -> Result<AuctionSpec, SpecError> {
    let value = parse_object(input, "auction spec", check_key)?;
    if value.get("format").is_none() {
        return Err(SpecError::Invalid(
            "invalid auction spec: missing key `format` (\"first_price\", \"gsp\" or \"vcg\")"
                .to_string(),
        ));
    }
    AuctionSpec::deserialize(&value)
        .map_err(|e| SpecError::Invalid(format!("invalid auction spec: {e}")))
}

/// Turns a parsed spec into a validated lab run (defaults filled in).
pub fn validate(spec: &AuctionSpec) -> Result<AuctionRun, SpecError> {
    let slot_ctrs = spec.slot_ctrs.clone().unwrap_or_else(|| vec![1.0]);
    let (format, formats) = match &spec.format {
        FormatChoice::One(f) => (*f, None),
        FormatChoice::Several(list) => match list.first() {
            Some(&first) => (first, Some(list.clone())),
            None => {
                return Err(SpecError::Invalid(
                    "`format`: the list of formats is empty; give \"first_price\", \"gsp\" or \"vcg\", or a list of 1 to 3 of them".to_string(),
                ))
            }
        },
    };
    let reserve = spec.reserve.unwrap_or(0.0);
    if let Some(bids) = &spec.bids {
        let present = |k: &str| match k {
            "bidders" => spec.bidders.is_some(),
            "values" => spec.values.is_some(),
            "auctions" => spec.auctions.is_some(),
            _ => spec.seed.is_some(),
        };
        if formats.is_some() {
            return Err(SpecError::Invalid(
                "`format`: a list of formats is for Monte Carlo mode only; explicit mode (`bids`) takes one format".to_string(),
            ));
        }
        if let Some(key) = MONTE_CARLO_KEYS.iter().find(|k| present(k)) {
            return Err(SpecError::Invalid(format!(
                "`{key}` is a Monte Carlo key and cannot be combined with `bids` (explicit mode); give either `bids` or `bidders` and `values`"
            )));
        }
        let cfg = ExplicitConfig {
            format,
            bidding: spec.bidding,
            bidders: bids
                .iter()
                .map(|b| ExplicitBidder {
                    bid: b.bid,
                    value: b.value,
                    quality: b.quality.unwrap_or(1.0),
                })
                .collect(),
            slot_ctrs,
            squashing: spec.squashing.unwrap_or(1.0),
            reserve,
        };
        cfg.validate()?;
        return Ok(AuctionRun::Explicit(cfg));
    }
    if spec.squashing.is_some() {
        return Err(SpecError::Invalid(
            "`squashing` only applies to explicit mode (`bids`): Monte Carlo bidders all have quality 1"
                .to_string(),
        ));
    }
    let (Some(bidders), Some(values)) = (spec.bidders, spec.values) else {
        return Err(SpecError::Invalid(format!(
            "Monte Carlo mode needs `bidders` (1 to {MAX_BIDDERS}) and `values` (a value distribution); or give `bids` for explicit mode (missing: {})",
            match (spec.bidders, spec.values) {
                (None, None) => "bidders, values",
                (None, _) => "bidders",
                _ => "values",
            }
        )));
    };
    let bidders = usize::try_from(bidders).unwrap_or(usize::MAX);
    let cfg = MonteCarloConfig {
        format,
        bidding: spec.bidding,
        bidders,
        values,
        slot_ctrs,
        reserve,
        auctions: spec.auctions.unwrap_or(DEFAULT_AUCTIONS),
        seed: spec.seed.unwrap_or(DEFAULT_SEED),
    };
    cfg.validate()?;
    match formats {
        None => Ok(AuctionRun::MonteCarlo(cfg)),
        Some(list) => {
            lab::validate_formats(&cfg, &list)?;
            Ok(AuctionRun::MonteCarloFormats(cfg, list))
        }
    }
}

/// Runs a validated spec on one thread.
pub fn run(run: &AuctionRun) -> Result<AuctionReport, SpecError> {
    run_threads(run, 1)
}

/// Runs a validated spec, Monte Carlo auctions on up to `threads` threads (the report is the
/// same for any number).
pub fn run_threads(run: &AuctionRun, threads: usize) -> Result<AuctionReport, SpecError> {
    let options = RunOptions {
        threads,
        ..RunOptions::default()
    };
    Ok(match run {
        AuctionRun::MonteCarlo(cfg) => AuctionReport::MonteCarlo(
            lab::run_monte_carlo_formats(cfg, &[cfg.format], options)?.remove(0),
        ),
        AuctionRun::MonteCarloFormats(cfg, formats) => {
            AuctionReport::MonteCarloFormats(lab::run_monte_carlo_formats(cfg, formats, options)?)
        }
        AuctionRun::Explicit(cfg) => AuctionReport::Explicit(lab::run_explicit(cfg)?),
    })
}

/// Parses, validates and runs a spec; returns the report as pretty JSON or a readable error.
/// Deterministic (same input, same output) and never panics.
pub fn run_json(input: &str) -> Result<String, SpecError> {
    run_json_threads(input, 1)
}

/// As [`run_json`], the Monte Carlo auctions on up to `threads` threads: the same bytes for any
/// number of threads.
pub fn run_json_threads(input: &str, threads: usize) -> Result<String, SpecError> {
    let spec = parse(input)?;
    let checked = validate(&spec)?;
    let report = run_threads(&checked, threads)?;
    serde_json::to_string_pretty(&report).map_err(|e| SpecError::Report(e.to_string()))
}
