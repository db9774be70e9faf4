//! The engine's numbers are pinned: any change to what a configuration computes shows up here,
//! and must come with a new link version (see `config::url`). The same fingerprint is checked in
//! headless Chromium by `tests/wasm_golden.rs`.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

include!("golden_common.rs.inc");

#[test]
fn the_engine_reproduces_its_recorded_fingerprint() {
    let (params, expected) = golden();
    let (legacy, without) = legacy();
    let (got, got_legacy) = run_fingerprints(params, &without);
    assert_eq!(
        got_legacy, legacy,
        "a number that existed before the fields {without:?} were added has changed"
    );
    assert_eq!(
        got, expected,
        "the engine's output changed; if intended, record the new fingerprint in tests/data/golden_run.json and bump the link version"
    );
}
