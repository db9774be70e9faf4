//! The link codec: exact round-trips, canonical output, never a panic, precise problems, and
//! golden links that must keep decoding the same in every future release.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::path::Path;

use proptest::prelude::*;
use sandbox::config::export::parse_json_exact;
use sandbox::config::url::{decode, encode, Decoded, URL_VERSION};
use sandbox::core::model::knobs::{table, Kind, Knob, Value};
use sandbox::core::model::{default_segments, Params, Scenario, Segment, N_CATEGORIES};

// ------------------------------------------------------------------------------------------
// Random configurations built from the table
// ------------------------------------------------------------------------------------------

/// One random draw per table row: `(r, mode, u)`.
type RowDraw = (u64, u8, f64);

fn params_from(
    draws: &[RowDraw],
    segments: Option<Vec<Segment>>,
    reserves: Option<Vec<f64>>,
) -> Params {
    let mut p = Params::default();
    for (spec, &(r, mode, u)) in table().iter().zip(draws) {
        // mode 0: keep the default; 1–2: on the slider's step grid; 3: anywhere validation allows.
        if mode == 0 {
            continue;
        }
        let value = match spec.kind {
            Kind::Number { slider, .. } | Kind::Integer { slider, .. } => {
                let (min, max, step) = (slider.min, slider.max, slider.step);
                let Some(l) = spec.limits() else { continue };
                if spec.id == Knob::Seed && mode == 3 {
                    p.sim.seed = r;
                    continue;
                }
                let x = if mode < 3 {
                    let steps = ((max - min) / step).round() as u64;
                    (min + (r % (steps + 1)) as f64 * step).min(max)
                } else if l.integer {
                    let span = (l.max - l.min) as u64;
                    l.min + (r % (span + 1)) as f64
                } else {
                    (l.min + u * (l.max - l.min)).clamp(l.min, l.max)
                };
                Value::Number(x)
            }
            Kind::Choice { options } => Value::Choice(options[r as usize % options.len()].0.into()),
            Kind::Switch => Value::Flag(r % 2 == 1),
        };
        (spec.set)(&mut p, &value);
    }
    if let Some(s) = segments {
        p.users.segments = s;
    }
    if let Some(r) = reserves {
        p.auction.reserve_by_category = r;
    }
    p
}

fn row_draws() -> impl Strategy<Value = Vec<RowDraw>> {
    proptest::collection::vec((any::<u64>(), 0u8..4, 0.0f64..=1.0), table().len())
}

fn segment() -> impl Strategy<Value = Segment> {
    (
        "[a-z &é]{0,8}",
        0.01f64..=1.0,
        0.0f64..=20.0,
        1.0f64..=60.0,
        (0.0f64..=1.0, 0.0f64..=1.0, 0.0f64..=10.0),
        proptest::option::of(proptest::collection::vec(0.1f64..5.0, N_CATEGORIES)),
    )
        .prop_map(
            |(name, share, visits, depth, (eng, click, fat), interests)| Segment {
                name,
                share,
                visits_per_day: visits,
                feed_depth: depth,
                organic_engagement: eng,
                ad_click: click,
                fatigue_sensitivity: fat,
                interests: interests.unwrap_or_default(),
            },
        )
}

fn valid_params() -> impl Strategy<Value = Params> {
    (
        row_draws(),
        proptest::option::weighted(0.2, proptest::collection::vec(segment(), 1..4)),
        proptest::option::weighted(0.2, proptest::collection::vec(0.0f64..=10.0, N_CATEGORIES)),
    )
        .prop_map(|(d, s, r)| params_from(&d, s, r))
}

fn assert_clean(decoded: &Decoded, link: &str) {
    assert!(
        decoded.problems.is_empty(),
        "{link}: {:?}",
        decoded
            .problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
    );
}

/// The canonical key order: the table, then the list keys; `base`; the same with `b.`.
fn key_rank(key: &str) -> usize {
    let plain: Vec<&str> = std::iter::once("v")
        .chain(table().iter().map(|s| s.url))
        .chain(["reserve_cat", "strategies", "segments"])
        .collect();
    if let Some(i) = plain.iter().position(|k| *k == key) {
        return i;
    }
    if key == "base" {
        return plain.len();
    }
    let rest = key
        .strip_prefix("b.")
        .unwrap_or_else(|| panic!("unexpected key {key}"));
    plain.len()
        + 1
        + plain
            .iter()
            .position(|k| *k == rest)
            .unwrap_or_else(|| panic!("{key}"))
}

fn assert_canonical_order(link: &str) {
    let ranks: Vec<usize> = link
        .split('&')
        .map(|kv| key_rank(kv.split('=').next().unwrap_or("")))
        .collect();
    assert!(link.starts_with("v=2"), "{link}");
    assert!(
        ranks.windows(2).all(|w| w[0] < w[1]),
        "keys out of order: {link}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn round_trips_exactly(p in valid_params()) {
        prop_assert!(Scenario::new(p.clone()).is_ok());
        let link = encode(&p, None);
        let decoded = decode(&link);
        assert_clean(&decoded, &link);
        prop_assert_eq!(&decoded.params, &p);
        prop_assert_eq!(decoded.baseline, None);
        assert_canonical_order(&link);
        prop_assert_eq!(encode(&decoded.params, None), link);
    }

    #[test]
    fn round_trips_with_a_baseline(p in valid_params(), b in valid_params()) {
        let link = encode(&p, Some(&b));
        let decoded = decode(&format!("?{link}"));
        assert_clean(&decoded, &link);
        prop_assert_eq!(&decoded.params, &p);
        prop_assert_eq!(decoded.baseline.as_ref(), Some(&b));
        assert_canonical_order(&link);
    }

    #[test]
    fn random_strings_never_panic(s in "\\PC{0,80}") {
        let d = decode(&s);
        prop_assert!(Scenario::new(d.params.clone()).is_ok());
    }

    #[test]
    fn random_pairs_decode_to_valid_params_and_canonicalise(
        pairs in proptest::collection::vec(
            (
                prop_oneof![
                    proptest::sample::select(table().iter().map(|s| s.url).collect::<Vec<_>>()),
                    Just("v"), Just("base"), Just("b.days"), Just("b.auction"), Just("segments"),
                    Just("reserve_cat"), Just("zzz"),
                ],
                prop_oneof![
                    "-?[0-9]{0,7}(\\.[0-9]{0,4})?",
                    Just("NaN".to_string()), Just("inf".to_string()), Just("1e400".to_string()),
                    Just("gsp".to_string()), Just("exact".to_string()), Just("custom".to_string()),
                    Just("%5B%5D".to_string()), Just("[{\"share\":2}]".to_string()),
                    "[a-z%&=+]{0,6}",
                ],
            ),
            0..12,
        )
    ) {
        let link: String = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
        let d = decode(&link);
        prop_assert!(Scenario::new(d.params.clone()).is_ok());
        if let Some(b) = &d.baseline {
            prop_assert!(Scenario::new(b.clone()).is_ok());
        }
        // Canonical: re-encoding is a fixed point that decodes without problems.
        let canonical = encode(&d.params, d.baseline.as_ref());
        let again = decode(&canonical);
        assert_clean(&again, &canonical);
        prop_assert_eq!(&again.params, &d.params);
        prop_assert_eq!(&again.baseline, &d.baseline);
        prop_assert_eq!(encode(&again.params, again.baseline.as_ref()), canonical.clone());
        assert_canonical_order(&canonical);
    }
}

// ------------------------------------------------------------------------------------------
// Specific cases
// ------------------------------------------------------------------------------------------

fn problems(link: &str) -> Vec<String> {
    decode(link)
        .problems
        .iter()
        .map(|p| p.to_string())
        .collect()
}

/// The golden links of `tests/config_links_v1.txt`, without comments and blank lines.
fn golden_links() -> Vec<String> {
    std::fs::read_to_string("tests/config_links_v1.txt")
        .expect("golden links")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[test]
fn defaults_encode_to_just_the_version() {
    assert_eq!(encode(&Params::default(), None), "v=2");
    assert_eq!(
        encode(&Params::default(), Some(&Params::default())),
        "v=2&base=1"
    );
    let d = decode("v=1&base=1");
    assert_eq!(d.baseline, Some(Params::default()));
    assert!(d.problems.is_empty());
}

#[test]
fn readable_example_link() {
    let mut p = Params::default();
    p.auction.format = sandbox::core::auction::Format::FirstPrice;
    p.auction.reserve = 0.4;
    p.sim.days = 90;
    p.users.fatigue = false;
    let mut b = p.clone();
    b.auction.format = sandbox::core::auction::Format::Gsp;
    let link = encode(&p, Some(&b));
    assert_eq!(
        link,
        "v=2&auction=first_price&reserve=0.4&fatigue=0&days=90&base=1&b.reserve=0.4&b.fatigue=0&b.days=90"
    );
}

#[test]
fn bid_shading_states_have_one_encoding_each() {
    let mut p = Params::default();
    p.auction.bid_shading = Some(0.0);
    assert_eq!(encode(&p, None), "v=2&bidding=custom");
    p.auction.bid_shading = Some(0.2);
    assert_eq!(encode(&p, None), "v=2&bidding=custom&shading=0.2");
    assert_eq!(decode("v=1&bidding=custom&shading=0.2").params, p);
    // Setting the slider alone means custom shading.
    assert_eq!(decode("shading=0.2").params, p);
}

#[test]
fn big_seeds_are_exact() {
    let mut p = Params::default();
    p.sim.seed = u64::MAX - 1;
    let link = encode(&p, None);
    assert_eq!(link, "v=2&seed=18446744073709551614");
    assert_eq!(decode(&link).params, p);
}

#[test]
fn missing_version_means_version_1_and_leading_question_mark_is_fine() {
    let d = decode("?days=30&w_eng=0.5");
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(d.params.sim.days, 30);
    assert_eq!(d.params.utility.w_eng, 0.5);
    assert_eq!(decode("").params, Params::default());
    assert_eq!(decode("?").params, Params::default());
}

#[test]
fn percent_escapes_and_plus_are_decoded() {
    let d = decode("v=1&d%61ys=%33%30&policy=+exact+");
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(d.params.sim.days, 30);
    assert_eq!(
        d.params.ad_load.policy,
        sandbox::core::model::AdLoadPolicy::Exact
    );
}

#[test]
fn malformed_number_names_the_key_and_the_default() {
    assert_eq!(
        problems("v=1&reserve=abc"),
        vec!["reserve=abc: not a number; using the default 0.25"]
    );
    assert_eq!(decode("v=1&reserve=abc").params, Params::default());
}

#[test]
fn out_of_range_is_clamped_to_the_nearest_bound() {
    let d = decode("v=1&days=100000&w_rev=-3");
    assert_eq!(d.params.sim.days, 365);
    assert_eq!(d.params.utility.w_rev, 0.0);
    assert_eq!(
        problems("v=1&days=100000&w_rev=-3"),
        vec![
            "w_rev=-3: outside the allowed range 0–5, clamped to the nearest bound; using 0",
            "days=100000: outside the allowed range 1–365, clamped to the nearest bound; using 365",
        ]
    );
    assert_eq!(
        problems("days=30.5"),
        vec!["days=30.5: not a whole number, rounded; using 31"]
    );
    assert_eq!(
        problems("w_eng=NaN"),
        vec!["w_eng=NaN: not a finite number; using the default 0"]
    );
}

#[test]
fn bad_choices_and_flags_use_the_default() {
    assert_eq!(
        problems("auction=dutch&fatigue=maybe"),
        vec![
            "auction=dutch: not one of first_price, gsp, vcg; using the default gsp",
            "fatigue=maybe: expected 1 (on) or 0 (off); using the default 1",
        ]
    );
    // Lenient spellings are accepted silently.
    let d = decode("auction=VCG&fatigue=off&pacing=true");
    assert!(d.problems.is_empty());
    assert!(!d.params.users.fatigue && d.params.advertisers.pacing);
}

#[test]
fn unknown_and_repeated_keys_are_reported() {
    assert_eq!(
        problems("v=1&colour=red"),
        vec!["colour=red: not a parameter of this release, ignored; using nothing"]
    );
    let d = decode("days=10&days=20");
    assert_eq!(d.params.sim.days, 20);
    assert_eq!(
        problems("days=10&days=20"),
        vec!["days=10: the key appears again later in the link; using the later value 20"]
    );
}

#[test]
fn versions_newer_or_unknown_are_reported_and_read_best_effort() {
    let d = decode("v=7&days=10");
    assert_eq!(d.params.sim.days, 10);
    assert_eq!(d.problems.len(), 1);
    assert!(
        d.problems[0].message.contains("made by a newer release"),
        "{}",
        d.problems[0]
    );
    assert_eq!(d.problems[0].key, "v");
    assert_eq!(
        problems("v=abc&days=10"),
        vec![format!(
            "v=abc: not a link version (1–{URL_VERSION}); using version {URL_VERSION}"
        )]
    );
}

#[test]
fn lists_outside_the_table_round_trip_and_are_validated() {
    let mut p = Params::default();
    p.auction.reserve_by_category = vec![0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    p.users.segments = default_segments()[..2].to_vec();
    p.users.segments[0].name = "casual & \"new\" = é".into();
    let link = encode(&p, None);
    assert!(
        link.starts_with("v=2&reserve_cat=0.1,0.2,0.3,0.4,0.5,0.6&segments=%5B%7B%22name"),
        "{link}"
    );
    assert!(!link.contains(' ') && !link.contains('"') && !link.contains('['));
    assert_eq!(decode(&link).params, p);

    // Wrong length: validation's problem, under the link's key.
    let d = decode("reserve_cat=1,2");
    assert!(d.params.auction.reserve_by_category.is_empty());
    assert_eq!(d.problems.len(), 1);
    assert_eq!(d.problems[0].key, "reserve_cat");
    assert_eq!(d.problems[0].value, "1,2");
    assert_eq!(
        problems("reserve_cat=1,x,3"),
        vec!["reserve_cat=1,x,3: expected 6 comma-separated numbers (per click, for news, sports, fashion, tech, food, travel); using the global reserve in every category"]
    );
    let d = decode("segments=%5B%7B%22share%22:5%7D%5D");
    assert_eq!(d.problems.len(), 1);
    assert_eq!(d.problems[0].key, "segments");
    assert!(
        d.problems[0].message.contains("users.segments[0].share"),
        "{}",
        d.problems[0]
    );
    let d = decode("b.segments=nonsense");
    assert_eq!(d.problems[0].key, "b.segments");
    assert_eq!(d.baseline, Some(Params::default()));
}

#[test]
fn a_bidding_strategy_mix_travels_in_the_link_and_gives_the_same_run() {
    let mut p = Params::default();
    p.advertisers.strategies = [
        ("manual".to_string(), 0.25),
        ("target_roas".to_string(), 0.75),
    ]
    .into_iter()
    .collect();
    p.advertisers.target_roas = 1.5;
    p.sim.days = 10;
    let link = encode(&p, None);
    assert!(
        link.contains("strategies=manual:0.25,target_roas:0.75"),
        "{link}"
    );
    let d = decode(&link);
    assert_clean(&d, &link);
    assert_eq!(d.params, p);
    let run = |params: &Params| {
        let (scenario, problems) = Scenario::repair(params.clone());
        assert!(problems.is_empty(), "{problems:?}");
        serde_json::to_string(&sandbox::core::model::simulate(&scenario).summaries).unwrap()
    };
    assert_eq!(run(&d.params), run(&p), "the link opens the same numbers");
    assert_ne!(
        run(&d.params),
        run(&Params {
            advertisers: sandbox::core::model::AdvertiserParams {
                strategies: Params::default().advertisers.strategies,
                ..p.advertisers.clone()
            },
            ..p.clone()
        }),
        "the mix matters, so losing it would change the numbers"
    );
    // Baselines carry it too.
    let link = encode(&Params::default(), Some(&p));
    assert!(
        link.contains("b.strategies=manual:0.25,target_roas:0.75"),
        "{link}"
    );
    assert_eq!(decode(&link).baseline, Some(p));

    // Malformed text: reported, every advertiser manual.
    let d = decode("strategies=manual-1");
    assert_eq!(d.problems.len(), 1);
    assert_eq!(d.problems[0].key, "strategies");
    assert!(
        d.problems[0].message.contains("strategy:share"),
        "{}",
        d.problems[0]
    );
    assert_eq!(d.params, Params::default());
    // An unknown strategy: validation's problem, under the link's key.
    let d = decode("strategies=manual:1,psychic:2");
    assert!(!d.problems.is_empty());
    assert!(
        d.problems.iter().all(|q| q.key == "strategies"),
        "{:?}",
        d.problems
    );
    assert!(!d.params.advertisers.strategies.contains_key("psychic"));
}

#[test]
fn baseline_problems_carry_the_prefix() {
    assert_eq!(
        problems("base=1&b.reserve=abc"),
        vec!["b.reserve=abc: not a number; using the default 0.25"]
    );
    let d = decode("b.days=10");
    assert_eq!(d.baseline.map(|b| b.sim.days), Some(10));
    assert!(decode("base=0").baseline.is_none());
}

// ------------------------------------------------------------------------------------------
// Golden links: made by this release, must decode the same forever
// ------------------------------------------------------------------------------------------

/// What a golden link decodes to, as stored.
#[derive(serde::Serialize, serde::Deserialize)]
struct Golden {
    link: String,
    params: serde_json::Value,
    baseline: Option<serde_json::Value>,
    problems: Vec<String>,
}

#[test]
fn golden_v1_links_keep_decoding_the_same() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let links = std::fs::read_to_string(dir.join("config_links_v1.txt")).expect("links file");
    let links: Vec<&str> = links
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let actual: Vec<Golden> = links
        .iter()
        .map(|link| {
            let d = decode(link);
            Golden {
                link: link.to_string(),
                params: serde_json::to_value(&d.params).unwrap(),
                baseline: d.baseline.map(|b| serde_json::to_value(b).unwrap()),
                problems: d.problems.iter().map(|p| p.to_string()).collect(),
            }
        })
        .collect();
    let path = dir.join("snapshots").join("config_links_v1.json");
    let update = std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1");
    if update || !path.exists() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text = serde_json::to_string_pretty(&actual).unwrap() + "\n";
        std::fs::write(&path, text).unwrap();
        panic!("wrote {}: review it and commit it", path.display());
    }
    // Numbers read exactly (serde_json's default float parsing may be off by one ulp).
    let stored = parse_json_exact(&std::fs::read_to_string(&path).unwrap()).expect("snapshot JSON");
    let expected: Vec<Golden> = serde_json::from_value(stored).expect("snapshot entries");
    assert_eq!(
        expected.len(),
        actual.len(),
        "links added or removed: update the snapshot"
    );
    for (e, a) in expected.iter().zip(&actual) {
        assert_eq!(e.link, a.link);
        // Compare as Params, so that a field added later with a neutral default still passes.
        let want: Params = serde_json::from_value(e.params.clone()).expect("stored params");
        let got = decode(&a.link);
        assert_eq!(got.params, want, "{} decodes differently", a.link);
        let want_base: Option<Params> = e
            .baseline
            .clone()
            .map(|b| serde_json::from_value(b).expect("stored baseline"));
        assert_eq!(
            got.baseline, want_base,
            "{} baseline decodes differently",
            a.link
        );
        // Problems are compared by key: their wording may improve (and quotes serde_json).
        let keys = |list: &[String]| -> Vec<String> {
            list.iter()
                .map(|p| p.split('=').next().unwrap_or("").to_string())
                .collect()
        };
        // A link of a version that was newer than its release when the snapshot was taken
        // reported `v` ("made by a newer release"); once a release reads that version, it
        // no longer does (`v=2&days=10`, snapshot taken in version 1).
        let link_version = a
            .link
            .strip_prefix("v=")
            .and_then(|rest| rest.split('&').next())
            .and_then(|v| v.parse::<u32>().ok());
        let mut expected = keys(&e.problems);
        if link_version.is_some_and(|v| (1..=URL_VERSION).contains(&v))
            && !keys(&a.problems).contains(&"v".to_string())
        {
            expected.retain(|k| k != "v");
        }
        assert_eq!(
            keys(&a.problems),
            expected,
            "{} reports different problems",
            a.link
        );
    }
}

#[test]
fn the_view_round_trips_and_the_default_view_writes_nothing() {
    use sandbox::config::url::{encode_link, Page, View};
    let p = Params::default();
    assert_eq!(encode_link(&p, None, View::default()), encode(&p, None));
    let view = View {
        page: Page::Model,
        test_window_days: 21,
        ..View::default()
    };
    let mut base = Params::default();
    base.auction.reserve = 0.5;
    let link = encode_link(&p, Some(&base), view);
    assert_eq!(link, "v=2&page=model&window=21&base=1&b.reserve=0.5");
    let d = decode(&link);
    assert_clean(&d, &link);
    assert_eq!(d.view, view);
    assert_eq!(d.baseline, Some(base));
    // Links without view keys open the sandbox with the two-week window.
    assert_eq!(decode("v=1&days=30").view, View::default());
}

#[test]
fn bad_view_values_are_reported_and_safe() {
    use sandbox::config::url::{Page, View};
    let d = decode("v=1&page=charts&window=0");
    let keys: Vec<&str> = d.problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["page", "window"]);
    assert_eq!(d.view.page, Page::Sandbox);
    assert_eq!(
        d.view.test_window_days, 1,
        "clamped to the nearest valid window"
    );
    let d = decode("v=1&window=abc&page=MODEL");
    assert_eq!(d.view.page, Page::Model);
    assert_eq!(d.view.test_window_days, View::default().test_window_days);
    assert_eq!(d.problems.len(), 1);
    assert_eq!(decode("v=1&window=1e9").view.test_window_days, 365);
    assert_eq!(
        d.params,
        Params::default(),
        "a view never changes the configuration"
    );
}

#[test]
fn old_links_decode_unchanged_with_the_default_sweep_settings() {
    use sandbox::config::url::{SweepView, View};
    // Every golden link decodes to the same configuration and a view whose sweep settings are
    // the defaults, and re-encodes to itself: the new keys leave old links alone.
    let mut n = 0;
    for line in &golden_links() {
        let d = decode(line);
        assert_eq!(d.view.sweep, SweepView::default(), "{line}");
        let again = sandbox::config::url::encode_link(&d.params, d.baseline.as_ref(), d.view);
        assert!(!again.contains("sweep"), "{line} -> {again}");
        assert_eq!(decode(&again).params, d.params, "{line}");
        n += 1;
    }
    assert!(n > 10, "the golden links were read ({n})");
    assert_eq!(
        decode("v=1&page=model&window=21").view.sweep,
        View::default().sweep
    );
}

#[test]
fn the_sweep_settings_round_trip() {
    use sandbox::config::url::{encode_link, Page, SweepView, View};
    use sandbox::core::model::knobs::Knob;
    use sandbox::core::model::WindowedMetric;
    let p = Params::default();
    let view = View {
        page: Page::Tradeoffs,
        sweep: SweepView {
            knob: Some(Knob::Reserve),
            from: Some(0.1),
            to: Some(2.5),
            points: 9,
            x: WindowedMetric::parse("first_week.revenue_per_day").unwrap(),
            y: WindowedMetric::parse("last_week.engagement_per_day").unwrap(),
            colour: WindowedMetric::parse("whole_run.roi").unwrap(),
            weeks: true,
            ..SweepView::default()
        },
        ..View::default()
    };
    let link = encode_link(&p, None, view);
    assert_eq!(
        link,
        "v=2&page=tradeoffs&sweep=reserve&sweep.from=0.1&sweep.to=2.5&sweep.points=9\
         &sweep.x=first_week.revenue_per_day&sweep.y=last_week.engagement_per_day\
         &sweep.colour=whole_run.roi&sweep.weeks=1"
    );
    let d = decode(&link);
    assert_clean(&d, &link);
    assert_eq!(d.view, view);
    assert_eq!(d.params, p, "sweep settings never change the configuration");
    // The default settings write nothing; the tab alone writes only `page`.
    let tab = View {
        page: Page::Tradeoffs,
        ..View::default()
    };
    assert_eq!(encode_link(&p, None, tab), "v=2&page=tradeoffs");
}

#[test]
fn bad_sweep_settings_are_reported_and_safe() {
    use sandbox::config::url::SweepView;
    let d = decode(
        "v=1&sweep=policy&sweep.from=x&sweep.points=500&sweep.x=whole_run.nope&sweep.weeks=2",
    );
    let keys: Vec<&str> = d.problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "sweep",
            "sweep.from",
            "sweep.points",
            "sweep.x",
            "sweep.weeks"
        ]
    );
    let default = SweepView::default();
    assert_eq!(d.view.sweep.knob, None, "a choice cannot be swept");
    assert_eq!(d.view.sweep.from, None);
    assert_eq!(d.view.sweep.points, 101, "clamped to the most points");
    assert_eq!(d.view.sweep.x, default.x);
    assert!(!d.view.sweep.weeks);
    assert_eq!(
        decode("v=1&sweep=seed").view.sweep.knob,
        None,
        "the seed is not a quantity"
    );
    assert_eq!(d.params, Params::default());
}

#[test]
fn the_second_knob_round_trips_and_old_links_carry_none() {
    use sandbox::config::url::{encode_link, Page, SweepView, View};
    use sandbox::core::model::knobs::Knob;
    let p = Params::default();
    let view = View {
        page: Page::Tradeoffs,
        sweep: SweepView {
            knob2: Some(Knob::Reserve),
            from2: Some(0.5),
            to2: Some(2.0),
            points2: 5,
            ..SweepView::default()
        },
        ..View::default()
    };
    let link = encode_link(&p, None, view);
    assert_eq!(
        link,
        "v=2&page=tradeoffs&sweep2=reserve&sweep2.from=0.5&sweep2.to=2&sweep2.points=5"
    );
    let d = decode(&link);
    assert_clean(&d, &link);
    assert_eq!(d.view, view);
    // Only the knob: the range and the default 7 points are not written.
    let only = View {
        sweep: SweepView {
            knob2: Some(Knob::Reserve),
            ..SweepView::default()
        },
        ..View::default()
    };
    assert_eq!(encode_link(&p, None, only), "v=2&sweep2=reserve");
    assert_eq!(decode("v=1&sweep2=reserve").view.sweep.points2, 7);
    assert_eq!(decode("v=1&sweep2=none").view.sweep.knob2, None);
    assert!(decode("v=1&sweep2=none").problems.is_empty());
    // The golden links have no second knob.
    for line in &golden_links() {
        let d = decode(line);
        assert_eq!(d.view.sweep.knob2, None, "{line}");
        assert_eq!(d.view.sweep.points2, 7, "{line}");
    }
}

#[test]
fn bad_second_knob_settings_are_reported_and_safe() {
    let d = decode("v=1&sweep2=policy&sweep2.from=x&sweep2.to=inf&sweep2.points=0");
    let keys: Vec<&str> = d.problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        ["sweep2", "sweep2.from", "sweep2.to", "sweep2.points"]
    );
    let s = d.view.sweep;
    assert_eq!((s.knob2, s.from2, s.to2), (None, None, None));
    assert_eq!(s.points2, 2, "clamped to the fewest points");
    let d = decode("v=1&sweep2.points=abc");
    assert_eq!(d.view.sweep.points2, 7, "the default");
    assert!(d.problems[0].used.contains('7'), "{:?}", d.problems);
    assert_eq!(d.params, Params::default());
}

#[test]
fn the_optimizer_settings_round_trip_in_a_golden_form() {
    use sandbox::config::url::{
        encode_link, OptConstraint, OptKnob, OptView, Page, Side, SweepView, View,
    };
    use sandbox::core::model::knobs::Knob;
    use sandbox::core::model::metric_table::Metric;
    use sandbox::core::model::{Window, WindowedMetric};
    let p = Params::default();
    let m = |t: &str| WindowedMetric::parse(t).unwrap();
    let view = View {
        page: Page::Tradeoffs,
        sweep: SweepView {
            heat: Some(m("last_week.roi")),
            ..SweepView::default()
        },
        opt: OptView {
            objective: Some(Metric::RevenuePerDay),
            window: Window::LastWeek,
            ..OptView::default()
        }
        .with_knobs(&[
            OptKnob {
                knob: Knob::Every,
                min: 2.0,
                max: 12.0,
            },
            OptKnob {
                knob: Knob::Reserve,
                min: 0.0,
                max: 1.5,
            },
        ])
        .with_constraints(&[
            OptConstraint {
                metric: m("last_week.engagement_per_day"),
                side: Side::Min,
                value: 0.97,
                relative: true,
            },
            OptConstraint {
                metric: m("whole_run.mean_fatigue"),
                side: Side::Max,
                value: 0.2,
                relative: false,
            },
        ]),
        ..View::default()
    };
    let link = encode_link(&p, None, view);
    // The golden form: changing it breaks every shared link with an optimization.
    assert_eq!(
        link,
        "v=2&page=tradeoffs&sweep.heat=last_week.roi&opt.objective=revenue_per_day\
         &opt.window=last_week&opt.knobs=every:2:12,reserve:0:1.5\
         &opt.cons=last_week.engagement_per_day:min:x0.97,whole_run.mean_fatigue:max:0.2"
    );
    let d = decode(&link);
    assert_clean(&d, &link);
    assert_eq!(d.view, view);
    assert_eq!(
        d.params, p,
        "optimizer settings never change the configuration"
    );
    assert!(d.view.opt.runnable());
    // Defaults write nothing: no objective, whole run, no knobs, no constraints.
    assert_eq!(
        encode_link(
            &p,
            None,
            View {
                opt: OptView::default(),
                ..View::default()
            }
        ),
        "v=2"
    );
}

#[test]
fn old_links_carry_no_optimization_and_no_heat_metric() {
    use sandbox::config::url::OptView;
    let mut n = 0;
    for line in &golden_links() {
        let d = decode(line);
        assert_eq!(d.view.opt, OptView::default(), "{line}");
        assert_eq!(d.view.sweep.heat, None, "{line}");
        let again = sandbox::config::url::encode_link(&d.params, d.baseline.as_ref(), d.view);
        assert!(
            !again.contains("opt.") && !again.contains("sweep.heat"),
            "{again}"
        );
        n += 1;
    }
    assert!(n > 10);
}

#[test]
fn bad_optimizer_settings_are_reported_and_safe() {
    use sandbox::config::url::Side;
    use sandbox::core::model::knobs::Knob;
    let d = decode(
        "v=1&opt.objective=nope&opt.window=month\
         &opt.knobs=every:2:12,policy:0:1,reserve:3:1,every:1:2,theta:0:9\
         &opt.cons=last_week.roi:min:1.2,whole_run.nope:max:1,last_week.roi:above:1,x:min:y\
         &sweep.heat=daily",
    );
    let keys: Vec<&str> = d.problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "opt.objective",
            "opt.window",
            "opt.knobs",
            "opt.cons",
            "sweep.heat"
        ]
    );
    let o = d.view.opt;
    assert_eq!(o.objective, None);
    assert!(!o.runnable());
    let knobs = o.knob_list();
    assert_eq!(knobs.len(), 1, "only the good, first entry is kept");
    assert_eq!(knobs[0].knob, Knob::Every);
    let cons = o.constraint_list();
    assert_eq!(cons.len(), 1);
    assert_eq!(cons[0].side, Side::Min);
    assert_eq!(cons[0].value, 1.2);
    assert!(!cons[0].relative);
    let message = &d.problems[2].message;
    for bad in ["policy", "reserve:3:1", "listed twice", "theta:0:9"] {
        assert!(message.contains(bad), "{message} names {bad}");
    }
    assert_eq!(d.params, Params::default());
}

// ------------------------------------------------------------------------------------------
// The Lab tab's `lab.*` keys
// ------------------------------------------------------------------------------------------

mod lab_keys {
    use sandbox::config::lab::{ExplicitRow, LabView};
    use sandbox::config::url::{decode, encode_link_with_lab, Page, View};
    use sandbox::core::auction::Format;
    use sandbox::core::lab::dist::ValueDist;
    use sandbox::core::lab::Bidding;
    use sandbox::core::model::Params;

    fn link(lab: &LabView) -> String {
        let view = View {
            page: Page::Lab,
            ..View::default()
        };
        encode_link_with_lab(&Params::default(), None, view, lab)
    }

    fn changed() -> LabView {
        let mut lab = LabView {
            format: Format::FirstPrice,
            bidding: Bidding::Equilibrium,
            bidders: 7,
            values: ValueDist::Exponential { rate: 2.0 },
            slot_ctrs: vec![1.0],
            reserve: 0.35,
            auctions: 5000,
            seed: 18_446_744_073_709_551_615,
            ..LabView::default()
        };
        lab.explicit.format = Format::Vcg;
        lab.explicit.rows = vec![
            ExplicitRow {
                value: 3.0,
                bid: 2.5,
                quality: 0.5,
            },
            ExplicitRow {
                value: 1.0,
                bid: 1.0,
                quality: 1.0,
            },
        ];
        lab.explicit.slot_ctrs = vec![0.4];
        lab.explicit.reserve = 0.1;
        lab.explicit.squashing = 0.5;
        lab
    }

    #[test]
    fn default_lab_writes_only_the_page() {
        assert_eq!(link(&LabView::default()), "v=2&page=lab");
        let decoded = decode("v=1&page=lab");
        assert_eq!(decoded.view.page, Page::Lab);
        assert_eq!(decoded.lab, LabView::default());
        assert!(decoded.problems.is_empty());
    }

    #[test]
    fn older_links_decode_to_the_default_lab() {
        for old in ["", "v=1&reserve=0.25", "v=1&page=tradeoffs&sweep.points=9"] {
            let decoded = decode(old);
            assert_eq!(decoded.lab, LabView::default(), "{old}");
            assert!(decoded.problems.is_empty(), "{old}: {:?}", decoded.problems);
        }
    }

    #[test]
    fn every_lab_key_round_trips() {
        let lab = changed();
        let text = link(&lab);
        assert_eq!(
            text,
            "v=2&page=lab&lab.format=first_price&lab.bidding=equilibrium&lab.bidders=7\
             &lab.values=exponential:2&lab.reserve=0.35&lab.auctions=5000\
             &lab.seed=18446744073709551615&lab.x.format=vcg&lab.x.bids=3:2.5:0.5,1:1:1\
             &lab.x.ctrs=0.4&lab.x.reserve=0.1&lab.x.squash=0.5"
        );
        let decoded = decode(&text);
        assert!(decoded.problems.is_empty(), "{:?}", decoded.problems);
        assert_eq!(decoded.lab, lab);
        for values in [
            ValueDist::Uniform {
                low: 0.5,
                high: 2.0,
            },
            ValueDist::Lognormal {
                mu: -0.3,
                sigma: 0.7,
            },
        ] {
            let lab = LabView {
                values,
                slot_ctrs: vec![0.5, 0.25],
                ..LabView::default()
            };
            assert_eq!(decode(&link(&lab)).lab, lab);
        }
    }

    fn problem_keys(query: &str) -> (LabView, Vec<String>) {
        let decoded = decode(query);
        let keys = decoded.problems.iter().map(|p| p.key.clone()).collect();
        (decoded.lab, keys)
    }

    #[test]
    fn malformed_lab_values_are_problems_and_defaults() {
        let d = LabView::default();
        for (query, key) in [
            ("lab.format=dutch", "lab.format"),
            ("lab.bidding=shaded", "lab.bidding"),
            ("lab.bidders=0", "lab.bidders"),
            ("lab.bidders=2.5", "lab.bidders"),
            ("lab.bidders=100000", "lab.bidders"),
            ("lab.values=uniform:1:0", "lab.values"),
            ("lab.values=normal:0:1", "lab.values"),
            ("lab.values=exponential:-1", "lab.values"),
            ("lab.values=lognormal:0", "lab.values"),
            ("lab.ctrs=1,x", "lab.ctrs"),
            ("lab.reserve=-1", "lab.reserve"),
            ("lab.reserve=NaN", "lab.reserve"),
            ("lab.auctions=0", "lab.auctions"),
            ("lab.auctions=99999999999", "lab.auctions"),
            ("lab.seed=-3", "lab.seed"),
            ("lab.x.squash=3", "lab.x.squash"),
            ("lab.x.bids=", "lab.x.bids"),
            ("lab.x.bids=1:2:3:4", "lab.x.bids"),
            ("lab.nonsense=1", "lab.nonsense"),
        ] {
            let (lab, keys) = problem_keys(&format!("v=1&page=lab&{query}"));
            assert_eq!(keys, vec![key.to_string()], "{query}");
            assert_eq!(lab, d, "{query}");
        }
    }

    #[test]
    fn pacing_keys_round_trip_and_bad_values_fall_back() {
        use sandbox::config::lab::PacingView;
        use sandbox::config::spec::pacing::PacingFormat;
        let lab = LabView {
            pacing: PacingView {
                format: PacingFormat::SecondPrice,
                values: vec![vec![3.0, 1.5, 0.0], vec![1.0, 2.0, 0.25]],
                budgets: vec![1.0, 0.75],
            },
            ..LabView::default()
        };
        let text = link(&lab);
        assert_eq!(
            text,
            "v=2&page=lab&lab.pacing.format=second_price&lab.pacing.values=3,1.5,0~1,2,0.25\
             &lab.pacing.budgets=1,0.75"
        );
        let decoded = decode(&text);
        assert!(decoded.problems.is_empty(), "{:?}", decoded.problems);
        assert_eq!(decoded.lab, lab);
        let d = LabView::default();
        for (query, key) in [
            ("lab.pacing.format=third_price", "lab.pacing.format"),
            ("lab.pacing.values=1,x~2,3", "lab.pacing.values"),
            ("lab.pacing.budgets=1,", "lab.pacing.budgets"),
            // Well-formed but not a market: rows of unequal length, a negative budget, a
            // budget missing, more bidders or goods than the editor takes.
            (
                "lab.pacing.values=1,2~3&lab.pacing.budgets=1,1",
                "lab.pacing.values",
            ),
            ("lab.pacing.budgets=1,-1", "lab.pacing.budgets"),
            ("lab.pacing.budgets=1", "lab.pacing.budgets"),
            (
                "lab.pacing.values=1~1~1~1~1~1~1~1~1&lab.pacing.budgets=1,1,1,1,1,1,1,1,1",
                "lab.pacing.values",
            ),
            (
                "lab.pacing.values=1,1,1,1,1,1,1,1,1,1,1,1,1~1,1,1,1,1,1,1,1,1,1,1,1,1",
                "lab.pacing.values",
            ),
        ] {
            let decoded = decode(&format!("v=1&page=lab&{query}"));
            let keys: Vec<String> = decoded.problems.iter().map(|p| p.key.clone()).collect();
            assert_eq!(keys, vec![key.to_string()], "{query}");
            assert!(!decoded.problems[0].message.is_empty());
            assert_eq!(decoded.lab.pacing, d.pacing, "{query}");
        }
    }

    #[test]
    fn settings_the_lab_rejects_fall_back_to_that_part_s_defaults() {
        // More slots than bidders: the Monte Carlo part is reset, the explicit part kept.
        let (lab, keys) = problem_keys("lab.bidders=2&lab.ctrs=1,0.5,0.2&lab.x.reserve=0.2");
        assert_eq!(keys, vec!["lab.ctrs".to_string()]);
        assert_eq!(lab.bidders, 5);
        assert_eq!(lab.slot_ctrs, vec![1.0]);
        assert_eq!(lab.explicit.reserve, 0.2);
        // Increasing CTRs.
        let (_, keys) = problem_keys("lab.ctrs=0.5,1");
        assert_eq!(keys, vec!["lab.ctrs".to_string()]);
        // First-price equilibrium with two slots has no closed-form bid.
        let (lab, keys) =
            problem_keys("lab.format=first_price&lab.bidding=equilibrium&lab.ctrs=1,0.5");
        assert_eq!(keys, vec!["lab.bidding".to_string()]);
        assert_eq!(lab.format, Format::Gsp);
        // An explicit auction with a quality of 0.
        let (lab, keys) = problem_keys("lab.x.bids=1:1:0,2:2:1&lab.reserve=0.3");
        assert_eq!(keys, vec!["lab.x.bids".to_string()]);
        assert_eq!(lab.explicit, LabView::default().explicit);
        assert_eq!(lab.reserve, 0.3);
        // Repeated key: the later value wins, reported.
        let (lab, keys) = problem_keys("lab.reserve=0.1&lab.reserve=0.2");
        assert_eq!(keys, vec!["lab.reserve".to_string()]);
        assert_eq!(lab.reserve, 0.2);
    }
}

// ------------------------------------------------------------------------------------------
// The Experiments tab's `exp.*` keys
// ------------------------------------------------------------------------------------------

mod experiment_keys {
    use sandbox::config::experiment::{Design, ExperimentView, PowerEffect, PowerView};
    use sandbox::config::lab::LabView;
    use sandbox::config::url::{decode, encode_link_full, Page, View};
    use sandbox::core::model::experiment::SwitchbackSchedule;
    use sandbox::core::model::knobs::{Knob, Value};
    use sandbox::core::model::metric_table::Metric;
    use sandbox::core::model::Params;

    fn link(params: &Params, exp: &ExperimentView) -> String {
        let view = View {
            page: Page::Experiment,
            ..View::default()
        };
        encode_link_full(params, None, view, &LabView::default(), exp)
    }

    fn changed() -> ExperimentView {
        ExperimentView {
            treatment: vec![
                (Knob::Every, Value::Number(3.0)),
                (Knob::Auction, Value::Choice("first_price".into())),
                (Knob::Reserve, Value::Number(0.25)),
            ],
            design: Design::BudgetSplit,
            share: 0.3,
            switchback: SwitchbackSchedule::Balanced,
            pre_days: 7,
            days: 21,
            post_days: 5,
            horizon_days: 120,
            replications: 20,
            metrics: vec![Metric::RevenuePerDay, Metric::Ctr],
            designs: vec![Design::User, Design::Switchback],
            chart: Some(Metric::Ctr),
            power: PowerView {
                effect: PowerEffect::Mean { sd: 2.5, mde: 0.1 },
                alpha: 0.01,
                power: 0.9,
            },
        }
    }

    fn problem_keys(query: &str) -> (ExperimentView, Vec<String>) {
        let d = decode(query);
        let keys = d.problems.iter().map(|p| p.key.clone()).collect();
        (d.experiment, keys)
    }

    #[test]
    fn default_experiment_writes_only_the_page() {
        assert_eq!(
            link(&Params::default(), &ExperimentView::default()),
            "v=2&page=experiment"
        );
        let decoded = decode("v=1&page=experiment");
        assert_eq!(decoded.view.page, Page::Experiment);
        assert_eq!(decoded.experiment, ExperimentView::default());
        assert!(decoded.problems.is_empty());
    }

    #[test]
    fn older_links_decode_unchanged_with_the_default_experiment() {
        for old in [
            "",
            "v=1&reserve=0.25",
            "v=1&page=tradeoffs&sweep.points=9",
            "v=1&page=lab&lab.reserve=0.5",
        ] {
            let decoded = decode(old);
            assert_eq!(decoded.experiment, ExperimentView::default(), "{old}");
            assert!(decoded.problems.is_empty(), "{old}: {:?}", decoded.problems);
            // And they encode to themselves (the experiment adds no key).
            let again = encode_link_full(
                &decoded.params,
                decoded.baseline.as_ref(),
                decoded.view,
                &decoded.lab,
                &decoded.experiment,
            );
            assert_eq!(decode(&again).params, decoded.params, "{old}");
        }
    }

    #[test]
    fn every_experiment_key_round_trips() {
        let mut params = Params::default();
        params.users.count = 400;
        let exp = changed();
        let text = link(&params, &exp);
        assert_eq!(
            text,
            "v=2&users=400&page=experiment&exp.t=every:3,auction:first_price,reserve:0.25\
             &exp.design=budget_split&exp.share=0.3&exp.switchback=balanced&exp.pre=7&exp.days=21&exp.post=5\
             &exp.horizon=120&exp.reps=20&exp.metrics=revenue_per_day,ctr\
             &exp.designs=user,switchback&exp.chart=ctr&exp.pw.sd=2.5&exp.pw.mde=0.1&exp.pw.alpha=0.01\
             &exp.pw.power=0.9"
        );
        let decoded = decode(&text);
        assert!(decoded.problems.is_empty(), "{:?}", decoded.problems);
        assert_eq!(decoded.experiment, exp);
        assert_eq!(decoded.params, params);
        // The proportion calculator's keys too.
        let prop = ExperimentView {
            power: PowerView {
                effect: PowerEffect::Proportion {
                    baseline: 0.1,
                    lift: -0.02,
                },
                ..PowerView::default()
            },
            ..ExperimentView::default()
        };
        let text = link(&Params::default(), &prop);
        assert_eq!(
            text,
            "v=2&page=experiment&exp.pw.baseline=0.1&exp.pw.lift=-0.02"
        );
        assert_eq!(decode(&text).experiment, prop);
    }

    #[test]
    fn bad_values_are_reported_under_their_key_and_defaults_used() {
        let d = ExperimentView::default();
        for (query, key) in [
            ("exp.design=cluster", "exp.design"),
            ("exp.share=1", "exp.share"),
            ("exp.share=abc", "exp.share"),
            ("exp.switchback=alternate", "exp.switchback"),
            ("exp.days=0", "exp.days"),
            ("exp.pre=-1", "exp.pre"),
            ("exp.horizon=400", "exp.horizon"),
            ("exp.reps=0", "exp.reps"),
            ("exp.reps=100000", "exp.reps"),
            ("exp.metrics=revenue_per_day,nope", "exp.metrics"),
            ("exp.designs=user,other", "exp.designs"),
            ("exp.chart=nope", "exp.chart"),
            ("exp.pw.alpha=0", "exp.pw.alpha"),
            ("exp.pw.power=2", "exp.pw.power"),
            ("exp.pw.baseline=1.5", "exp.pw.baseline"),
            ("exp.pw.lift=0", "exp.pw.lift"),
            ("exp.pw.sd=2", "exp.pw.sd"),
            ("exp.bogus=1", "exp.bogus"),
        ] {
            let (exp, keys) = problem_keys(&format!("v=1&page=experiment&{query}"));
            assert_eq!(keys, vec![key.to_string()], "{query}");
            assert_eq!(exp, d, "{query}: the default is used");
        }
        // Paired switchback days need share 0.5: reported, and the default schedule used.
        let (exp, keys) = problem_keys(
            "v=1&page=experiment&exp.design=switchback&exp.switchback=paired&exp.share=0.3",
        );
        assert_eq!(keys, vec!["exp.switchback".to_string()]);
        assert_eq!(exp.switchback, SwitchbackSchedule::Independent);
        assert_eq!(exp.share, 0.3);
        // Without a switchback the schedule does not matter: kept, and not reported.
        let (exp, keys) = problem_keys("v=1&page=experiment&exp.switchback=paired&exp.share=0.3");
        assert!(keys.is_empty(), "{keys:?}");
        assert_eq!(exp.switchback, SwitchbackSchedule::Paired);
        // Each schedule round-trips; the default writes no key.
        for plan in SwitchbackSchedule::ALL {
            let view = ExperimentView {
                design: Design::Switchback,
                switchback: plan,
                ..ExperimentView::default()
            };
            let text = link(&Params::default(), &view);
            assert_eq!(
                text.contains("exp.switchback="),
                plan != SwitchbackSchedule::Independent,
                "{text}"
            );
            let decoded = decode(&text);
            assert!(decoded.problems.is_empty(), "{:?}", decoded.problems);
            assert_eq!(decoded.experiment, view);
        }
        // Too many days together: the default schedule, reported under exp.days.
        let (exp, keys) = problem_keys("exp.pre=200&exp.days=200");
        assert_eq!(keys, vec!["exp.days".to_string()]);
        assert_eq!((exp.pre_days, exp.days, exp.post_days), (0, 14, 0));
    }

    #[test]
    fn a_world_knob_in_the_treatment_is_reported_with_the_spec_parsers_message() {
        let d = decode("v=1&page=experiment&exp.t=every:3,users:5000,nope:1,reserve:99,policy:bad");
        let problems: Vec<_> = d.problems.iter().filter(|p| p.key == "exp.t").collect();
        assert_eq!(problems.len(), 4, "{problems:?}");
        // The world knob: the spec parser's own words, naming it.
        let world = problems.iter().find(|p| p.value == "users:5000").unwrap();
        assert!(
            world.message.contains("`treatment.users.count`"),
            "{}",
            world.message
        );
        assert!(world.message.contains("world"), "{}", world.message);
        assert!(problems
            .iter()
            .any(|p| p.value == "nope:1" && p.message.contains("not a knob")));
        assert!(problems
            .iter()
            .any(|p| p.value == "reserve:99" && p.message.contains("from 0 to 10")));
        assert!(problems
            .iter()
            .any(|p| p.value == "policy:bad" && p.message.contains("one of")));
        // The valid entry stays.
        assert_eq!(
            d.experiment.treatment,
            vec![(Knob::Every, Value::Number(3.0))]
        );
        // A design that cannot randomise the knob: the parser's message too.
        let d = decode("v=1&exp.design=advertiser&exp.t=every:3");
        assert_eq!(d.problems.len(), 1, "{:?}", d.problems);
        assert!(
            d.problems[0].message.contains("advertiser design"),
            "{}",
            d.problems[0].message
        );
        assert!(d.experiment.treatment.is_empty());
    }

    #[test]
    fn a_repeated_key_keeps_the_later_value() {
        let (exp, keys) = problem_keys("exp.days=10&exp.days=12");
        assert_eq!(keys, vec!["exp.days".to_string()]);
        assert_eq!(exp.days, 12);
    }
}

/// Version 2 changed the `max_clicks` controller (its dual steps in an hour that spends the
/// whole budget); a version-1 link with max-clicks advertisers keeps the old rule explicitly.
#[test]
fn version_1_links_with_max_clicks_keep_the_old_dual_rule() {
    use sandbox::core::model::MaxClicksRule;
    let old = decode("v=1&strategies=max_clicks:1");
    assert!(old.problems.is_empty(), "{:?}", old.problems);
    assert_eq!(
        old.params.advertisers.max_clicks_rule,
        MaxClicksRule::SkipSpendOutHour
    );
    let canonical = encode(&old.params, None);
    assert_eq!(
        canonical,
        "v=2&max_clicks_rule=skip_spend_out_hour&strategies=max_clicks:1"
    );
    assert_eq!(decode(&canonical).params, old.params);
    // A hand-typed link (no `v`) is version 1, as the module docs promise.
    assert_eq!(decode("strategies=max_clicks:1").params, old.params);
    // Version 2 and later: today's rule, written nowhere since it is the default.
    let new = decode("v=2&strategies=max_clicks:1");
    assert_eq!(
        new.params.advertisers.max_clicks_rule,
        MaxClicksRule::OneHourSpendOut
    );
    assert_eq!(encode(&new.params, None), "v=2&strategies=max_clicks:1");
    // `autobid_share` over a mix with no autobidder makes max-clicks advertisers too.
    assert_eq!(
        decode("v=1&autobid_share=0.3")
            .params
            .advertisers
            .max_clicks_rule,
        MaxClicksRule::SkipSpendOutHour
    );
    // No max-clicks advertiser: nothing is added, the link reads as in version 2.
    for link in [
        "v=1&strategies=manual:0.5,target_roas:0.5&autobid_share=0.8",
        "v=1&strategies=max_clicks:0",
        "v=1&days=30",
    ] {
        let d = decode(link);
        assert_eq!(
            d.params,
            decode(&link.replacen("v=1", "v=2", 1)).params,
            "{link}"
        );
    }
    // The baseline is migrated on its own.
    let d = decode("v=1&base=1&b.strategies=max_clicks:1");
    assert_eq!(
        d.params.advertisers.max_clicks_rule,
        MaxClicksRule::OneHourSpendOut
    );
    assert_eq!(
        d.baseline.unwrap().advertisers.max_clicks_rule,
        MaxClicksRule::SkipSpendOutHour
    );
}

// ------------------------------------------------------------------------------------------
// The Tradeoffs tab's policy comparison (`pol`) and promotion objectives
// ------------------------------------------------------------------------------------------

#[test]
fn the_policy_comparison_is_one_key_written_only_when_shown() {
    use sandbox::config::url::{encode_link, OptKnob, OptView, Page, View};
    use sandbox::core::model::knobs::Knob;
    use sandbox::core::model::metric_table::Metric;
    let p = Params::default();
    let mut base = Params::default();
    base.auction.reserve = 0.5;
    let view = View {
        page: Page::Tradeoffs,
        opt: OptView {
            objective: Some(Metric::RevenuePerDay),
            ..OptView::default()
        }
        .with_knobs(&[OptKnob {
            knob: Knob::Every,
            min: 2.0,
            max: 14.0,
        }]),
        policies: true,
        ..View::default()
    };
    let link = encode_link(&p, Some(&base), view);
    // The golden form: after the optimizer's keys, before the baseline.
    assert_eq!(
        link,
        "v=2&page=tradeoffs&opt.objective=revenue_per_day&opt.knobs=every:2:14&pol=1\
         &base=1&b.reserve=0.5"
    );
    let d = decode(&link);
    assert_clean(&d, &link);
    assert_eq!(d.view, view);
    assert_eq!(
        d.params, p,
        "the comparison never changes the configuration"
    );
    assert_eq!(d.baseline, Some(base));
    // Not shown: no key; `pol=0` reads as not shown, without a problem.
    let hidden = View {
        policies: false,
        ..view
    };
    assert!(!encode_link(&p, None, hidden).contains("pol"));
    let zero = decode("v=1&page=tradeoffs&pol=0");
    assert_clean(&zero, "pol=0");
    assert!(!zero.view.policies);
    assert_eq!(
        encode_link(&zero.params, None, zero.view),
        "v=2&page=tradeoffs"
    );
    // A bad value is reported under its key; the comparison is not shown.
    let bad = decode("v=1&pol=maybe&every=4");
    assert_eq!(bad.problems.len(), 1, "{:?}", bad.problems);
    assert_eq!(bad.problems[0].key, "pol");
    assert_eq!(bad.problems[0].used, "0");
    assert!(!bad.view.policies);
    assert_eq!(bad.params.ad_load.every, 4);
}

#[test]
fn old_links_show_no_policy_comparison_and_encode_as_before() {
    use sandbox::config::url::encode_link;
    let mut n = 0;
    for line in &golden_links() {
        let d = decode(line);
        assert!(!d.view.policies, "{line}");
        let again = encode_link(&d.params, d.baseline.as_ref(), d.view);
        assert!(!again.contains("pol="), "{line} -> {again}");
        // The canonical form is a fixed point, as before the key existed.
        let twice = decode(&again);
        assert_eq!(
            encode_link(&twice.params, twice.baseline.as_ref(), twice.view),
            again
        );
        n += 1;
    }
    assert!(n > 10);
}

#[test]
fn a_promotion_metric_is_an_objective_in_the_link() {
    use sandbox::config::url::{encode_link, OptConstraint, OptKnob, OptView, Page, Side, View};
    use sandbox::core::model::knobs::Knob;
    use sandbox::core::model::metric_table::Metric;
    use sandbox::core::model::{Window, WindowedMetric};
    let p = Params::default();
    let opt = OptView {
        window: Window::LastWeek,
        ..OptView::default()
    }
    .with_objective_key("promotion.promoted_roi")
    .with_knobs(&[OptKnob {
        knob: Knob::Every,
        min: 2.0,
        max: 14.0,
    }])
    .with_constraints(&[OptConstraint {
        metric: WindowedMetric::parse("promotion.whole_run.others_roi").unwrap(),
        side: Side::Min,
        value: 0.9,
        relative: true,
    }]);
    assert_eq!(opt.objective, None);
    assert_eq!(
        opt.objective_metric().map(|m| m.to_string()).as_deref(),
        Some("promotion.last_week.promoted_roi")
    );
    assert!(opt.runnable());
    let view = View {
        page: Page::Tradeoffs,
        opt,
        ..View::default()
    };
    let link = encode_link(&p, None, view);
    assert_eq!(
        link,
        "v=2&page=tradeoffs&opt.objective=promotion.promoted_roi&opt.window=last_week\
         &opt.knobs=every:2:14&opt.cons=promotion.whole_run.others_roi:min:x0.9"
    );
    let d = decode(&link);
    assert_clean(&d, &link);
    assert_eq!(d.view, view);
    // Choosing a summary metric again drops the promotion objective, and back.
    let plain = opt.with_objective_key("revenue_per_day");
    assert_eq!(plain.objective, Some(Metric::RevenuePerDay));
    assert_eq!(plain.promotion_objective, None);
    assert_eq!(plain.with_objective_key("none").objective_metric(), None);
    // Unknown promotion keys are reported like any bad objective.
    let bad = decode("v=1&opt.objective=promotion.nope");
    assert_eq!(bad.problems.len(), 1);
    assert_eq!(bad.problems[0].key, "opt.objective");
    assert_eq!(bad.view.opt, OptView::default());
}
