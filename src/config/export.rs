//! Exports of a run: the daily metrics as CSV and the configuration plus summaries as JSON
//! ([`ExportDoc`]), with the pinned baseline's when there is one
//! ([`daily_csv_with_baseline`], [`ExportDoc::with_baseline`]); download file names
//! ([`file_name`]); and the reader the CLI uses to accept a configuration back
//! ([`parse_config_json`]).

use serde::{Deserialize, Serialize};

use crate::config::presets::presets;
use crate::config::slug::slug;
use crate::config::url::encode;
use crate::core::model::knobs::{self, Knob};
use crate::core::model::{
    daily_rows, DayMetrics, MaxClicksRule, Params, PromotionDay, RunResult, Strategy, Summaries,
    SPEND_GROUPS,
};

/// Version of the JSON export document this release writes: the link version
/// ([`crate::config::url::URL_VERSION`]), since both carry a configuration whose meaning a
/// release may change. A document of an older version is migrated as links are (see
/// [`parse_config_json`]).
pub const EXPORT_VERSION: u32 = crate::config::url::URL_VERSION;

/// The JSON export: `{"version":1,"config":{…},"summary":{…}}`. `config` is a complete
/// [`Params`] and can be fed back to `sandbox simulate` as it is (see [`parse_config_json`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportDoc {
    /// [`EXPORT_VERSION`] when written by this release.
    pub version: u32,
    /// The configuration that was run.
    pub config: Params,
    /// First-week, last-week and whole-run summaries of the run.
    pub summary: Summaries,
    /// The pinned baseline's configuration, summaries and days, when the run was compared with
    /// one; absent (not `null`) otherwise, so a document without a baseline is unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineDoc>,
}

/// The baseline part of an [`ExportDoc`]: `{"config":{…},"summary":{…},"days":[…]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineDoc {
    /// The baseline's configuration (a complete [`Params`]).
    pub config: Params,
    /// The baseline run's first-week, last-week and whole-run summaries.
    pub summary: Summaries,
    /// The baseline run's days.
    pub days: Vec<DayMetrics>,
}

impl ExportDoc {
    /// The export of `result`, run from `config`.
    pub fn new(config: &Params, result: &RunResult) -> ExportDoc {
        ExportDoc {
            version: EXPORT_VERSION,
            config: config.clone(),
            summary: result.summaries.clone(),
            baseline: None,
        }
    }

    /// The export of `result`, run from `config`, compared with `baseline_result`, run from
    /// `baseline`.
    pub fn with_baseline(
        config: &Params,
        result: &RunResult,
        baseline: &Params,
        baseline_result: &RunResult,
    ) -> ExportDoc {
        ExportDoc {
            baseline: Some(BaselineDoc {
                config: baseline.clone(),
                summary: baseline_result.summaries.clone(),
                days: baseline_result.days.clone(),
            }),
            ..ExportDoc::new(config, result)
        }
    }

    /// Pretty-printed JSON (numbers round-trip exactly).
    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Reads a configuration: either a bare [`Params`] JSON object or an export document (`config`
/// is read; `summary`, `days` and `baseline` are ignored). Missing fields take their defaults; an unknown
/// field is an error that names it. Returns the params (not yet validated: build a
/// [`crate::core::model::Scenario`] from them) and warnings (e.g. a newer export version or
/// ignored top-level keys).
///
/// Versions: an export document carries the `version` it was written with, and one older than
/// [`EXPORT_VERSION`] is migrated to this release's meaning ([`migrate_config`]), so it keeps
/// its numbers. A bare configuration may carry a top-level `version` too; without one it is
/// read with this release's meaning (it is what a person writes by hand today).
pub fn parse_config_json(text: &str) -> Result<(Params, Vec<String>), String> {
    let value = parse_json_exact(text)?;
    let serde_json::Value::Object(mut object) = value else {
        return Err("expected a JSON object (a configuration or an export document)".into());
    };
    let mut warnings = Vec::new();
    let (config, version) = match object.remove("config") {
        Some(config) => {
            let version = match object.remove("version") {
                None => {
                    warnings.push(format!(
                        "the export document has no `version`; read as version {EXPORT_VERSION}"
                    ));
                    EXPORT_VERSION
                }
                Some(v) => read_version(&v, "the export document", &mut warnings),
            };
            object.remove("summary");
            object.remove("days");
            object.remove("baseline");
            for key in object.keys() {
                warnings.push(format!("ignored the export document's key `{key}`"));
            }
            (config, version)
        }
        None => {
            let version = match object.remove("version") {
                None => EXPORT_VERSION,
                Some(v) => read_version(&v, "the configuration", &mut warnings),
            };
            (serde_json::Value::Object(object), version)
        }
    };
    let explicit_update = config
        .get("advertisers")
        .and_then(|a| a.get("max_clicks_rule"))
        .is_some();
    let mut params: Params = serde_path_to_error::deserialize(config).map_err(|e| {
        let field = e.path().to_string();
        let range = allowed_range(&field)
            .map(|r| format!(" (allowed range {r})"))
            .unwrap_or_default();
        format!("invalid configuration: {field}: {}{range}", e.inner())
    })?;
    if !explicit_update {
        migrate_config(&mut params, version);
    }
    Ok((params, warnings))
}

/// A document's `version`: a known one as it is, a newer or unreadable one as
/// [`EXPORT_VERSION`] with a warning naming `what`.
fn read_version(v: &serde_json::Value, what: &str, warnings: &mut Vec<String>) -> u32 {
    match v.as_u64() {
        Some(n) if (1..=u64::from(EXPORT_VERSION)).contains(&n) => n as u32,
        Some(n) if n > u64::from(EXPORT_VERSION) => {
            warnings.push(format!(
                "{what} is version {n}, made by a newer release (this one reads version \
                 {EXPORT_VERSION}); read as well as possible"
            ));
            EXPORT_VERSION
        }
        _ => {
            warnings.push(format!(
                "{what}'s `version` is {v}, not a version number; read as version \
                 {EXPORT_VERSION}"
            ));
            EXPORT_VERSION
        }
    }
}

/// Gives a configuration read from a document of `version` (with no explicit
/// `advertisers.max_clicks_rule`) the meaning it had in that version, as the link migrations
/// do: before version 2, `max_clicks` advertisers' dual skipped the hour their budget ran out
/// ([`MaxClicksRule::SkipSpendOutHour`]). Other configurations are unchanged.
pub fn migrate_config(params: &mut Params, version: u32) {
    if version < 2 && params.advertisers.uses(Strategy::MaxClicks) {
        params.advertisers.max_clicks_rule = MaxClicksRule::SkipSpendOutHour;
    }
}

/// The allowed range of the numeric field at `path` (`auction.reserve`,
/// `users.segments[2].share`), from the knob table; `None` for other fields.
fn allowed_range(path: &str) -> Option<String> {
    if let Some(rest) = path.strip_prefix("users.segments[") {
        let (_, name) = rest.split_once("].")?;
        return Some(knobs::segment_field(name)?.limits.range_text());
    }
    if path.starts_with("auction.reserve_by_category[") {
        return Some(Knob::Reserve.spec().limits()?.range_text());
    }
    let spec = knobs::numeric_by_key(path)?;
    if spec.id == Knob::Seed {
        // Every u64 is a seed; serde's "expected u64" already says so.
        return None;
    }
    Some(spec.limits()?.range_text())
}

/// Parses JSON text with every number read exactly: floats as Rust's correctly rounded
/// `str::parse::<f64>` (so every `f64` written by serde_json comes back bit for bit), integers as
/// `u64`/`i64`.
///
/// Why: serde_json's default float parser (without its `float_roundtrip` feature) may be one unit
/// in the last place off, and a shared configuration must reproduce exactly. This function works
/// whatever features serde_json is built with: it checks the syntax with serde_json, then quotes
/// every number literal (marked with a leading U+0000), parses, and converts the marked strings
/// back to numbers with the standard library. (A JSON string that itself starts with U+0000 would
/// be taken for a number; no configuration contains one.)
pub fn parse_json_exact(text: &str) -> Result<serde_json::Value, String> {
    // Syntax, and no key twice in one object.
    check_unique_keys(text)?;
    let bytes = text.as_bytes();
    let mut quoted: Vec<u8> = Vec::with_capacity(bytes.len() + 64);
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            quoted.push(b);
            if b == b'\\' {
                // The escaped character is ASCII in valid JSON; copy it as is.
                if let Some(&next) = bytes.get(i + 1) {
                    quoted.push(next);
                }
                i += 2;
                continue;
            }
            in_string = b != b'"';
            i += 1;
        } else if b == b'-' || b.is_ascii_digit() {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || b"+-.eE".contains(&bytes[i])) {
                i += 1;
            }
            quoted.extend_from_slice(b"\"\\u0000");
            quoted.extend_from_slice(&bytes[start..i]);
            quoted.push(b'"');
        } else {
            in_string = b == b'"';
            quoted.push(b);
            i += 1;
        }
    }
    let quoted = String::from_utf8(quoted).map_err(|e| format!("not valid UTF-8: {e}"))?;
    let mut value: serde_json::Value =
        serde_json::from_str(&quoted).map_err(|e| format!("not valid JSON: {e}"))?;
    restore_numbers(&mut value)?;
    Ok(value)
}

/// Turns the marked strings of [`parse_json_exact`] back into exact numbers.
fn restore_numbers(value: &mut serde_json::Value) -> Result<(), String> {
    use serde_json::{Number, Value};
    match value {
        Value::String(s) if s.starts_with('\0') => {
            let literal = &s[1..];
            let is_integer = !literal.contains(['.', 'e', 'E']);
            let number = if let (true, Ok(n)) = (is_integer, literal.parse::<u64>()) {
                Number::from(n)
            } else if let (true, Ok(n)) = (is_integer, literal.parse::<i64>()) {
                Number::from(n)
            } else {
                literal
                    .parse::<f64>()
                    .ok()
                    .and_then(Number::from_f64)
                    .ok_or_else(|| format!("number out of range: {literal}"))?
            };
            *value = Value::Number(number);
        }
        Value::Array(items) => {
            for item in items {
                restore_numbers(item)?;
            }
        }
        Value::Object(map) => {
            for (_, item) in map.iter_mut() {
                restore_numbers(item)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// One CSV column: its name and how to read it from a day.
struct Column {
    name: String,
    cell: Box<dyn Fn(&DayMetrics) -> String>,
}

fn column(name: &str, cell: impl Fn(&DayMetrics) -> String + 'static) -> Column {
    Column {
        name: name.to_string(),
        cell: Box::new(cell),
    }
}

/// `snake_case` identifier from free text (see [`slug`]).
fn snake(text: &str) -> String {
    slug(text, '_')
}

/// Column-name suffixes for the segments: their names in `snake_case`, `segment_<n>` when a name
/// is missing or empty, and `_2`, `_3`… on repeats.
fn segment_suffixes(result: &RunResult) -> Vec<String> {
    let n = result
        .days
        .iter()
        .map(|d| {
            d.segment_sessions
                .len()
                .max(d.segment_engagement.len())
                .max(d.segment_fatigue.len())
                .max(d.segment_revenue.len())
        })
        .chain(std::iter::once(result.segment_names.len()))
        .max()
        .unwrap_or(0);
    let mut suffixes: Vec<String> = Vec::with_capacity(n);
    for i in 0..n {
        let base = result
            .segment_names
            .get(i)
            .map(|s| snake(s))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("segment_{}", i + 1));
        let mut name = base.clone();
        let mut k = 2;
        while suffixes.contains(&name) {
            name = format!("{base}_{k}");
            k += 1;
        }
        suffixes.push(name);
    }
    suffixes
}

/// Reads one field of a day's promotion record as CSV text.
type PromotionCell = fn(&PromotionDay) -> String;

fn columns(result: &RunResult) -> Vec<Column> {
    let mut cols = vec![column("day", |d| d.day.to_string())];
    // Counts come back from the table as exact `f64`s, and an integral `f64` prints like the
    // integer (`2230`), so every cell is the same text as the field's own.
    for daily in daily_rows().filter_map(|row| row.daily) {
        let get = daily.get;
        cols.push(column(daily.column, move |d| get(d).to_string()));
    }
    for (g, group) in SPEND_GROUPS.iter().enumerate() {
        cols.push(column(&format!("spend_{}", snake(group)), move |d| {
            d.spend_by_group[g].to_string()
        }));
    }
    fn cell<T: ToString>(list: &[T], i: usize) -> String {
        list.get(i).map(ToString::to_string).unwrap_or_default()
    }
    for (i, suffix) in segment_suffixes(result).iter().enumerate() {
        cols.push(column(&format!("sessions_{suffix}"), move |d| {
            cell(&d.segment_sessions, i)
        }));
        cols.push(column(&format!("engagement_{suffix}"), move |d| {
            cell(&d.segment_engagement, i)
        }));
        cols.push(column(&format!("fatigue_{suffix}"), move |d| {
            cell(&d.segment_fatigue, i)
        }));
        cols.push(column(&format!("revenue_{suffix}"), move |d| {
            cell(&d.segment_revenue, i)
        }));
    }
    if !result.promotion.is_empty() {
        let promo = std::rc::Rc::new(result.promotion.clone());
        let fields: [(&str, PromotionCell); 6] = [
            ("promoted_sessions", |p| p.promoted_sessions.to_string()),
            ("restricted_sessions", |p| p.restricted_sessions.to_string()),
            ("promoted_impressions", |p| p.impressions.to_string()),
            ("promoted_clicks", |p| p.clicks.to_string()),
            ("promoted_spend", |p| p.spend.to_string()),
            ("promoted_value", |p| p.value.to_string()),
        ];
        for (name, get) in fields {
            let promo = promo.clone();
            cols.push(column(name, move |d| {
                promo
                    .iter()
                    .find(|p| p.day == d.day)
                    .map(get)
                    .unwrap_or_default()
            }));
        }
    }
    cols
}

/// The daily metrics as CSV: a header of `snake_case` column names, then one row per day.
/// Numbers have full precision (shortest round-trip); counts are integers.
///
/// Columns: `day`; the daily series of [`crate::core::model::METRICS`] in table order (their
/// [`crate::core::model::Daily::column`] names); `spend_<group>` for each of
/// [`SPEND_GROUPS`] (`spend_low_quality_incumbents`, …, `spend_launched_cohort`); then per
/// segment `sessions_<segment>`, `engagement_<segment>`, `fatigue_<segment>`,
/// `revenue_<segment>` with the segment's name in `snake_case` (e.g. `sessions_casual`); with
/// promotional bandwidth on, then `promoted_sessions`, `restricted_sessions`,
/// `promoted_impressions`, `promoted_clicks`, `promoted_spend`, `promoted_value` (the fields of
/// [`crate::core::model::PromotionDay`]).
/// Names contain only `[a-z0-9_]`, so no field needs quoting.
pub fn daily_csv(result: &RunResult) -> String {
    let cols = columns(result);
    let mut out = String::new();
    let header: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
    out.push_str(&header.join(","));
    out.push('\n');
    for day in &result.days {
        let row: Vec<String> = cols.iter().map(|c| (c.cell)(day)).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// The daily metrics of `result` and of the pinned baseline's run as one CSV: the columns of
/// [`daily_csv`] for `result`, then `baseline_<column>` for each of the baseline run's columns
/// after `day` (`baseline_revenue`, `baseline_sessions_casual`…). One row per day of the longer
/// run; the shorter run's cells are empty after its last day.
pub fn daily_csv_with_baseline(result: &RunResult, baseline: &RunResult) -> String {
    let ours = columns(result);
    let theirs = columns(baseline);
    let theirs = &theirs[1..]; // after `day`
    let mut out = String::new();
    let header: Vec<String> = ours
        .iter()
        .map(|c| c.name.clone())
        .chain(theirs.iter().map(|c| format!("baseline_{}", c.name)))
        .collect();
    out.push_str(&header.join(","));
    out.push('\n');
    let rows = result.days.len().max(baseline.days.len());
    for i in 0..rows {
        let (day, base_day) = (result.days.get(i), baseline.days.get(i));
        let mut row: Vec<String> = Vec::with_capacity(header.len());
        // The day number from whichever run has the day (both number days from 1).
        let number = day.or(base_day).map_or(0, |d| d.day);
        row.push(number.to_string());
        row.extend(
            ours[1..]
                .iter()
                .map(|c| day.map(|d| (c.cell)(d)).unwrap_or_default()),
        );
        row.extend(
            theirs
                .iter()
                .map(|c| base_day.map(|d| (c.cell)(d)).unwrap_or_default()),
        );
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// First part of every download's file name.
pub const FILE_STEM: &str = "marketplace-sandbox";

/// A calendar date (the download's date, read from the browser's clock by the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    /// Year, e.g. 2026.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
}

impl std::fmt::Display for Date {
    /// `YYYY-MM-DD`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// 32-bit FNV-1a of `bytes`.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// A short name for a configuration: the id of the preset it equals, in kebab case
/// (`aggressive-load`), else 8 hex digits of the 32-bit FNV-1a hash of its canonical link query
/// ([`encode`] without a baseline or view), so the same configuration always gets the same name.
pub fn config_name(params: &Params) -> String {
    match presets().iter().find(|p| (p.params)() == *params) {
        Some(preset) => slug(preset.id, '-'),
        None => format!("{:08x}", fnv1a(encode(params, None).as_bytes())),
    }
}

/// A download's file name: `marketplace-sandbox-<design>[-vs-<baseline>][-<what>]-YYYY-MM-DD.<ext>`,
/// each configuration named by [`config_name`]; `what` (e.g. a chart's slug) is slugged.
pub fn file_name(
    params: &Params,
    baseline: Option<&Params>,
    what: Option<&str>,
    date: Date,
    extension: &str,
) -> String {
    let mut name = format!("{FILE_STEM}-{}", config_name(params));
    if let Some(base) = baseline {
        name.push_str(&format!("-vs-{}", config_name(base)));
    }
    if let Some(what) = what.map(|w| slug(w, '-')).filter(|w| !w.is_empty()) {
        name.push_str(&format!("-{what}"));
    }
    format!("{name}-{date}.{extension}")
}

/// Checks that `text` is JSON (else "not valid JSON: …" with the position) with no object
/// holding the same key twice, naming the key and where it is (JSON itself
/// leaves duplicates undefined, and serde_json silently keeps the last one: a configuration
/// that says two things must not mean one of them quietly).
pub fn check_unique_keys(text: &str) -> Result<(), String> {
    use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
    use std::fmt;

    struct Walk<'a>(&'a str);

    impl<'de> DeserializeSeed<'de> for Walk<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Walk<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut i = 0;
            while seq
                .next_element_seed(Walk(&format!("{}[{i}]", self.0)))?
                .is_some()
            {
                i += 1;
            }
            Ok(())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut seen = std::collections::BTreeSet::new();
            while let Some(key) = map.next_key::<String>()? {
                let path = if self.0.is_empty() {
                    key.clone()
                } else {
                    format!("{}.{key}", self.0)
                };
                map.next_value_seed(Walk(&path))?;
                if !seen.insert(key) {
                    return Err(serde::de::Error::custom(format!(
                        "duplicate key `{path}`: give each key once"
                    )));
                }
            }
            Ok(())
        }
    }

    let mut de = serde_json::Deserializer::from_str(text);
    Walk("")
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| {
            if e.is_data() {
                // The duplicate-key message: its key path says where, not the line.
                e.to_string()
                    .split(" at line")
                    .next()
                    .unwrap_or("")
                    .to_string()
            } else {
                format!("not valid JSON: {e}")
            }
        })
}
