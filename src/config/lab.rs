//! The Lab tab's settings as the link carries them: `lab.*` keys, each only when it differs from
//! its default ([`LabView::default`]), so a link without them opens the default lab and every
//! older link decodes unchanged.
//!
//! | Key | Value | Default |
//! |---|---|---|
//! | `lab.format` | `first_price`, `gsp`, `vcg` | `gsp` |
//! | `lab.bidding` | `truthful`, `equilibrium` | `truthful` |
//! | `lab.bidders` | whole number, 1–[`MAX_LAB_BIDDERS`] | 5 |
//! | `lab.values` | `uniform:LOW:HIGH`, `exponential:RATE`, `lognormal:MU:SIGMA` | `uniform:0:1` |
//! | `lab.ctrs` | slot CTRs, comma-separated, non-increasing in (0, 1] | `1` |
//! | `lab.reserve` | reserve per click ≥ 0 | 0 |
//! | `lab.auctions` | whole number, 1–[`MAX_LAB_AUCTIONS`] | 20000 |
//! | `lab.seed` | whole number | 1 |
//! | `lab.x.format`, `lab.x.bidding` | the explicit auction's format and bidding | `gsp`, `truthful` |
//! | `lab.x.bids` | `VALUE:BID:QUALITY` per bidder, comma-separated | `2:2:1,1:1:1,0.5:0.5:1` |
//! | `lab.x.ctrs`, `lab.x.reserve`, `lab.x.squash` | its slot CTRs, reserve and squashing | `0.3,0.2`, 0, 1 |
//! | `lab.pacing.format` | the pacing market's auctions: `first_price`, `second_price` | `first_price` |
//! | `lab.pacing.values` | values per bidder (`~`-separated) per good (`,`-separated), ≥ 0 | `2,2~2,0` |
//! | `lab.pacing.budgets` | one budget per bidder, comma-separated, ≥ 0 | `1,0.5` |
//!
//! The pacing market (at most [`MAX_PACING_EDITOR_BIDDERS`] bidders × [`MAX_PACING_EDITOR_GOODS`]
//! goods) is a `sandbox pacing` spec ([`crate::config::spec::pacing`]); a market that does not
//! validate (say a budget per bidder missing) is a problem and the default market is used.
//!
//! These are the fields of a `sandbox auction` spec ([`crate::config::spec::auction`]): the
//! Monte Carlo part and the explicit part each become one spec, so the Lab tab and the CLI give
//! the same numbers. A malformed value is a problem and the key's default is used; a set of
//! values the lab rejects as a whole (say more slots than bidders) is a problem and that part's
//! defaults are used. Decoding never panics.

use crate::config::spec::pacing::{PacingFormat, PacingSpec};
use crate::config::url::UrlProblem;
use crate::core::auction::Format;
use crate::core::lab::dist::ValueDist;
use crate::core::lab::pacing::Market;
use crate::core::lab::{Bidding, ExplicitBidder, ExplicitConfig, MonteCarloConfig};

/// Prefix of every lab key.
pub const LAB_PREFIX: &str = "lab.";
/// Most bidders the Lab tab runs per Monte Carlo auction (the CLI allows more).
pub const MAX_LAB_BIDDERS: usize = 100;
/// Most Monte Carlo auctions the Lab tab runs per configuration (the CLI allows more).
pub const MAX_LAB_AUCTIONS: u64 = 1_000_000;
/// Most bidders in the explicit editor.
pub const MAX_EXPLICIT_BIDDERS: usize = 12;
/// Most bidders in the pacing market editor.
pub const MAX_PACING_EDITOR_BIDDERS: usize = 8;
/// Most goods in the pacing market editor.
pub const MAX_PACING_EDITOR_GOODS: usize = 12;
/// The Lab tab's default number of auctions (fewer than the CLI's 100 000: a dozen runs per
/// change must stay interactive).
pub const DEFAULT_LAB_AUCTIONS: u64 = 20_000;

/// One bidder of the explicit editor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExplicitRow {
    /// Value per click.
    pub value: f64,
    /// Bid per click (used with truthful bidding: "bids as typed").
    pub bid: f64,
    /// Click weight (quality).
    pub quality: f64,
}

/// The explicit auction editor's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplicitView {
    /// How winners pay.
    pub format: Format,
    /// Truthful: the bids as typed; equilibrium: bids computed from the values.
    pub bidding: Bidding,
    /// The bidders, in input order.
    pub rows: Vec<ExplicitRow>,
    /// Slot CTRs.
    pub slot_ctrs: Vec<f64>,
    /// Squashing exponent q (rank by `bid × quality^q`).
    pub squashing: f64,
    /// Reserve per click.
    pub reserve: f64,
}

impl Default for ExplicitView {
    fn default() -> Self {
        let row = |v: f64| ExplicitRow {
            value: v,
            bid: v,
            quality: 1.0,
        };
        ExplicitView {
            format: Format::Gsp,
            bidding: Bidding::Truthful,
            rows: vec![row(2.0), row(1.0), row(0.5)],
            slot_ctrs: vec![0.3, 0.2],
            squashing: 1.0,
            reserve: 0.0,
        }
    }
}

impl ExplicitView {
    /// The lab configuration of this auction (not validated).
    pub fn config(&self) -> ExplicitConfig {
        ExplicitConfig {
            format: self.format,
            bidding: self.bidding,
            bidders: self
                .rows
                .iter()
                .map(|r| ExplicitBidder {
                    bid: (self.bidding == Bidding::Truthful).then_some(r.bid),
                    value: Some(r.value),
                    quality: r.quality,
                })
                .collect(),
            slot_ctrs: self.slot_ctrs.clone(),
            squashing: self.squashing,
            reserve: self.reserve,
        }
    }
}

/// The pacing market editor's settings: an explicit market and its auction format.
#[derive(Debug, Clone, PartialEq)]
pub struct PacingView {
    /// First or second price.
    pub format: PacingFormat,
    /// `values[i][j]`: bidder `i`'s value for good `j`.
    pub values: Vec<Vec<f64>>,
    /// `budgets[i]`: bidder `i`'s budget.
    pub budgets: Vec<f64>,
}

impl Default for PacingView {
    fn default() -> Self {
        PacingView {
            format: PacingFormat::FirstPrice,
            values: vec![vec![2.0, 2.0], vec![2.0, 0.0]],
            budgets: vec![1.0, 0.5],
        }
    }
}

impl PacingView {
    /// The `sandbox pacing` spec of this market.
    pub fn spec(&self) -> PacingSpec {
        PacingSpec {
            values: self.values.clone(),
            budgets: self.budgets.clone(),
            format: self.format,
            max_sweeps: None,
        }
    }

    /// Why the market cannot run, if it cannot: `(field, problem)`.
    pub fn problem(&self) -> Option<(String, String)> {
        if self.values.len() > MAX_PACING_EDITOR_BIDDERS {
            return Some((
                "values".into(),
                format!("at most {MAX_PACING_EDITOR_BIDDERS} bidders in the editor"),
            ));
        }
        if self.values.first().map_or(0, Vec::len) > MAX_PACING_EDITOR_GOODS {
            return Some((
                "values[0]".into(),
                format!("at most {MAX_PACING_EDITOR_GOODS} goods in the editor"),
            ));
        }
        Market::new(self.values.clone(), self.budgets.clone())
            .err()
            .map(|e| (e.field, e.problem))
    }
}

/// The values matrix as a link writes it: bidders `~`-separated (a character links keep as is), goods `,`-separated.
pub fn matrix_text(values: &[Vec<f64>]) -> String {
    values
        .iter()
        .map(|row| list_text(row))
        .collect::<Vec<_>>()
        .join("~")
}

/// Parses [`matrix_text`]'s form (any shape; the market's validation checks it).
pub fn parse_matrix(text: &str) -> Option<Vec<Vec<f64>>> {
    text.split('~').map(parse_list).collect()
}

/// A pacing format as written in links and specs.
pub fn pacing_format_text(format: PacingFormat) -> &'static str {
    match format {
        PacingFormat::FirstPrice => "first_price",
        PacingFormat::SecondPrice => "second_price",
    }
}

/// The Lab tab's settings: a Monte Carlo experiment and an explicit auction.
#[derive(Debug, Clone, PartialEq)]
pub struct LabView {
    /// How winners pay.
    pub format: Format,
    /// How bidders bid.
    pub bidding: Bidding,
    /// Bidders per auction.
    pub bidders: usize,
    /// The value distribution.
    pub values: ValueDist,
    /// Slot CTRs (position effects).
    pub slot_ctrs: Vec<f64>,
    /// Reserve per click.
    pub reserve: f64,
    /// Auctions per run.
    pub auctions: u64,
    /// Seed.
    pub seed: u64,
    /// The explicit auction editor.
    pub explicit: ExplicitView,
    /// The pacing market editor.
    pub pacing: PacingView,
}

impl Default for LabView {
    fn default() -> Self {
        LabView {
            format: Format::Gsp,
            bidding: Bidding::Truthful,
            bidders: 5,
            values: ValueDist::Uniform {
                low: 0.0,
                high: 1.0,
            },
            slot_ctrs: vec![1.0],
            reserve: 0.0,
            auctions: DEFAULT_LAB_AUCTIONS,
            seed: 1,
            explicit: ExplicitView::default(),
            pacing: PacingView::default(),
        }
    }
}

impl LabView {
    /// The Monte Carlo configuration with `format`, `bidding` and `reserve` replaced (the
    /// comparisons and the reserve grid run variants of the one experiment).
    pub fn monte_carlo_with(
        &self,
        format: Format,
        bidding: Bidding,
        reserve: f64,
    ) -> MonteCarloConfig {
        MonteCarloConfig {
            format,
            bidding,
            bidders: self.bidders,
            values: self.values,
            slot_ctrs: self.slot_ctrs.clone(),
            reserve,
            auctions: self.auctions,
            seed: self.seed,
        }
    }

    /// The Monte Carlo configuration of these settings (not validated).
    pub fn monte_carlo(&self) -> MonteCarloConfig {
        self.monte_carlo_with(self.format, self.bidding, self.reserve)
    }

    /// Why the Monte Carlo settings cannot run in the Lab tab, if they cannot: the lab's own
    /// validation, then the tab's limits.
    pub fn monte_carlo_problem(&self) -> Option<(String, String)> {
        if let Err(e) = self.monte_carlo().validate() {
            return Some((e.field.clone(), e.problem.clone()));
        }
        if self.bidders > MAX_LAB_BIDDERS {
            return Some((
                "bidders".into(),
                format!("at most {MAX_LAB_BIDDERS} in the Lab tab (the CLI runs more)"),
            ));
        }
        if self.auctions > MAX_LAB_AUCTIONS {
            return Some((
                "auctions".into(),
                format!("at most {MAX_LAB_AUCTIONS} in the Lab tab (the CLI runs more)"),
            ));
        }
        None
    }

    /// Why the explicit auction cannot run, if it cannot.
    pub fn explicit_problem(&self) -> Option<(String, String)> {
        if self.explicit.rows.len() > MAX_EXPLICIT_BIDDERS {
            return Some((
                "bids".into(),
                format!("at most {MAX_EXPLICIT_BIDDERS} bidders in the editor"),
            ));
        }
        self.explicit
            .config()
            .validate()
            .err()
            .map(|e| (e.field.clone(), e.problem.clone()))
    }

    /// The `(key, value)` pairs of the settings that differ from the default, in table order.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let d = LabView::default();
        let mut out = Vec::new();
        let mut push = |key: &str, value: String| out.push((format!("{LAB_PREFIX}{key}"), value));
        if self.format != d.format {
            push("format", format_text(self.format).into());
        }
        if self.bidding != d.bidding {
            push("bidding", self.bidding.as_str().into());
        }
        if self.bidders != d.bidders {
            push("bidders", self.bidders.to_string());
        }
        if self.values != d.values {
            push("values", values_text(&self.values));
        }
        if self.slot_ctrs != d.slot_ctrs {
            push("ctrs", list_text(&self.slot_ctrs));
        }
        if self.reserve != d.reserve {
            push("reserve", self.reserve.to_string());
        }
        if self.auctions != d.auctions {
            push("auctions", self.auctions.to_string());
        }
        if self.seed != d.seed {
            push("seed", self.seed.to_string());
        }
        let (x, dx) = (&self.explicit, &d.explicit);
        if x.format != dx.format {
            push("x.format", format_text(x.format).into());
        }
        if x.bidding != dx.bidding {
            push("x.bidding", x.bidding.as_str().into());
        }
        if x.rows != dx.rows {
            let text = x
                .rows
                .iter()
                .map(|r| format!("{}:{}:{}", r.value, r.bid, r.quality))
                .collect::<Vec<_>>()
                .join(",");
            push("x.bids", text);
        }
        if x.slot_ctrs != dx.slot_ctrs {
            push("x.ctrs", list_text(&x.slot_ctrs));
        }
        if x.reserve != dx.reserve {
            push("x.reserve", x.reserve.to_string());
        }
        if x.squashing != dx.squashing {
            push("x.squash", x.squashing.to_string());
        }
        let (pc, dp) = (&self.pacing, &d.pacing);
        if pc.format != dp.format {
            push("pacing.format", pacing_format_text(pc.format).into());
        }
        if pc.values != dp.values {
            push("pacing.values", matrix_text(&pc.values));
        }
        if pc.budgets != dp.budgets {
            push("pacing.budgets", list_text(&pc.budgets));
        }
        out
    }

    /// The settings from the link's `lab.*` pairs (prefix included). Bad values are reported
    /// in `problems` and replaced by defaults (see the module docs).
    pub fn read(pairs: Vec<(String, String)>, problems: &mut Vec<UrlProblem>) -> LabView {
        let mut view = LabView::default();
        for (key, value) in pairs {
            let name = key.strip_prefix(LAB_PREFIX).unwrap_or(&key).to_string();
            if let Err((message, used)) = read_pair(&mut view, &name, value.trim()) {
                problems.push(UrlProblem {
                    key,
                    value,
                    message,
                    used,
                });
            }
        }
        let d = LabView::default();
        if let Some((field, message)) = view.monte_carlo_problem() {
            problems.push(UrlProblem {
                key: format!("{LAB_PREFIX}{}", link_key(&field)),
                value: String::new(),
                message: format!("the lab's settings do not run: `{field}` {message}"),
                used: "the default Monte Carlo settings".into(),
            });
            view = LabView {
                explicit: view.explicit,
                pacing: view.pacing,
                ..d.clone()
            };
        }
        if let Some((field, message)) = view.explicit_problem() {
            problems.push(UrlProblem {
                key: format!("{LAB_PREFIX}x.{}", link_key(&field)),
                value: String::new(),
                message: format!("the explicit auction does not run: `{field}` {message}"),
                used: "the default explicit auction".into(),
            });
            view.explicit = d.explicit;
        }
        if let Some((field, message)) = view.pacing.problem() {
            let key = if field.starts_with("budgets") {
                "budgets"
            } else {
                "values"
            };
            problems.push(UrlProblem {
                key: format!("{LAB_PREFIX}pacing.{key}"),
                value: String::new(),
                message: format!("the pacing market does not run: `{field}` {message}"),
                used: "the default pacing market".into(),
            });
            view.pacing = d.pacing;
        }
        view
    }
}

/// The link key (without `lab.`) of a lab field named in an error.
fn link_key(field: &str) -> &'static str {
    let field = field.split('[').next().unwrap_or(field);
    match field {
        "format" => "format",
        "bidding" => "bidding",
        "bidders" => "bidders",
        "slot_ctrs" => "ctrs",
        "reserve" => "reserve",
        "auctions" => "auctions",
        "squashing" => "squash",
        "bids" => "bids",
        _ => "values",
    }
}

/// A format as written in links and specs.
pub fn format_text(format: Format) -> &'static str {
    match format {
        Format::FirstPrice => "first_price",
        Format::Gsp => "gsp",
        Format::Vcg => "vcg",
    }
}

fn parse_format(text: &str) -> Option<Format> {
    Format::ALL
        .into_iter()
        .find(|f| format_text(*f).eq_ignore_ascii_case(text))
}

fn parse_bidding(text: &str) -> Option<Bidding> {
    [Bidding::Truthful, Bidding::Equilibrium]
        .into_iter()
        .find(|b| b.as_str().eq_ignore_ascii_case(text))
}

/// A distribution as written in links: `uniform:0:1`, `exponential:2`, `lognormal:0:0.5`.
pub fn values_text(values: &ValueDist) -> String {
    match *values {
        ValueDist::Uniform { low, high } => format!("uniform:{low}:{high}"),
        ValueDist::Exponential { rate } => format!("exponential:{rate}"),
        ValueDist::Lognormal { mu, sigma } => format!("lognormal:{mu}:{sigma}"),
    }
}

/// Reads [`values_text`]; the distribution is checked (`low < high`, rate and sigma positive).
pub fn parse_values(text: &str) -> Option<ValueDist> {
    let mut parts = text.split(':');
    let name = parts.next()?.trim().to_ascii_lowercase();
    let numbers: Option<Vec<f64>> = parts.map(number).collect();
    let dist = match (name.as_str(), numbers?.as_slice()) {
        ("uniform", [low, high]) => ValueDist::Uniform {
            low: *low,
            high: *high,
        },
        ("exponential", [rate]) => ValueDist::Exponential { rate: *rate },
        ("lognormal", [mu, sigma]) => ValueDist::Lognormal {
            mu: *mu,
            sigma: *sigma,
        },
        _ => return None,
    };
    dist.validate().ok().map(|_| dist)
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

fn list_text(xs: &[f64]) -> String {
    xs.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn parse_list(text: &str) -> Option<Vec<f64>> {
    text.split(',').map(number).collect()
}

fn parse_row(text: &str) -> Option<ExplicitRow> {
    let xs: Vec<f64> = text.split(':').map(number).collect::<Option<_>>()?;
    match xs.as_slice() {
        [value, bid, quality] => Some(ExplicitRow {
            value: *value,
            bid: *bid,
            quality: *quality,
        }),
        [value, quality] => Some(ExplicitRow {
            value: *value,
            bid: *value,
            quality: *quality,
        }),
        [value] => Some(ExplicitRow {
            value: *value,
            bid: *value,
            quality: 1.0,
        }),
        _ => None,
    }
}

/// Reads one pair into `view`; on a bad value returns `(message, what is used instead)`.
fn read_pair(view: &mut LabView, name: &str, text: &str) -> Result<(), (String, String)> {
    let bad = |message: &str, used: String| Err((message.to_string(), used));
    let d = LabView::default();
    match name {
        "format" | "x.format" => match parse_format(text) {
            Some(f) if name == "format" => view.format = f,
            Some(f) => view.explicit.format = f,
            None => return bad("not one of first_price, gsp, vcg", "gsp".into()),
        },
        "bidding" | "x.bidding" => match parse_bidding(text) {
            Some(b) if name == "bidding" => view.bidding = b,
            Some(b) => view.explicit.bidding = b,
            None => return bad("not one of truthful, equilibrium", "truthful".into()),
        },
        "bidders" => match text.parse::<usize>() {
            Ok(n) if (1..=MAX_LAB_BIDDERS).contains(&n) => view.bidders = n,
            _ => {
                return bad(
                    &format!("not a whole number of bidders from 1 to {MAX_LAB_BIDDERS}"),
                    d.bidders.to_string(),
                )
            }
        },
        "values" => match parse_values(text) {
            Some(v) => view.values = v,
            None => {
                return bad(
                    "not a value distribution (uniform:LOW:HIGH with LOW < HIGH, \
                     exponential:RATE with RATE > 0, lognormal:MU:SIGMA with SIGMA > 0)",
                    values_text(&d.values),
                )
            }
        },
        "ctrs" | "x.ctrs" => match parse_list(text) {
            Some(ctrs) if name == "ctrs" => view.slot_ctrs = ctrs,
            Some(ctrs) => view.explicit.slot_ctrs = ctrs,
            None => {
                return bad(
                    "not a comma-separated list of click-through rates",
                    "the default slots".into(),
                )
            }
        },
        "reserve" | "x.reserve" => match number(text).filter(|r| *r >= 0.0) {
            Some(r) if name == "reserve" => view.reserve = r,
            Some(r) => view.explicit.reserve = r,
            None => return bad("not a reserve per click ≥ 0", "0".into()),
        },
        "x.squash" => match number(text).filter(|q| (0.0..=2.0).contains(q)) {
            Some(q) => view.explicit.squashing = q,
            None => return bad("not a squashing exponent from 0 to 2", "1".into()),
        },
        "auctions" => match text.parse::<u64>() {
            Ok(n) if (1..=MAX_LAB_AUCTIONS).contains(&n) => view.auctions = n,
            _ => {
                return bad(
                    &format!("not a whole number of auctions from 1 to {MAX_LAB_AUCTIONS}"),
                    d.auctions.to_string(),
                )
            }
        },
        "seed" => match text.parse::<u64>() {
            Ok(s) => view.seed = s,
            Err(_) => return bad("not a whole-number seed", d.seed.to_string()),
        },
        "x.bids" => match text
            .split(',')
            .map(parse_row)
            .collect::<Option<Vec<_>>>()
            .filter(|rows| (1..=MAX_EXPLICIT_BIDDERS).contains(&rows.len()))
        {
            Some(rows) => view.explicit.rows = rows,
            None => {
                return bad(
                    &format!(
                        "not 1 to {MAX_EXPLICIT_BIDDERS} bidders written VALUE:BID:QUALITY, \
                         comma-separated"
                    ),
                    "the default bidders".into(),
                )
            }
        },
        "pacing.format" => match text {
            "first_price" => view.pacing.format = PacingFormat::FirstPrice,
            "second_price" => view.pacing.format = PacingFormat::SecondPrice,
            _ => return bad("not one of first_price, second_price", "first_price".into()),
        },
        "pacing.values" => {
            match parse_matrix(text) {
                Some(values) => view.pacing.values = values,
                None => return bad(
                    "not values per bidder (`~`-separated) per good (`,`-separated), e.g. 2,2~2,0",
                    "the default market".into(),
                ),
            }
        }
        "pacing.budgets" => match parse_list(text) {
            Some(budgets) => view.pacing.budgets = budgets,
            None => {
                return bad(
                    "not a comma-separated list of budgets, one per bidder",
                    "the default market".into(),
                )
            }
        },
        _ => return bad("not a lab key", "nothing (ignored)".into()),
    }
    Ok(())
}
